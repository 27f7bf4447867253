"""Stamps of saved states: who, date, time and time zone.

Times are stored in UTC and shown in the reader's zone: the site's `TIME_ZONE` (users carry no
zone of their own), always named, so that "21:16" never leaves anyone guessing which 21:16."""

from datetime import UTC, datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


def zone_label(moment: datetime) -> str:
    """The zone's abbreviation, with its offset from UTC unless it is UTC itself."""
    name = moment.tzname() or ""
    offset = dateformat.format(moment, "O")  # +0100
    if offset == "+0000":
        return name if name in ("UTC", "GMT") else f"{name} (UTC)"
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"


def moment_text(value) -> str:
    """`value` (an aware datetime or an ISO 8601 string) as "2 Dec 2026, 21:16 UTC"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    local = timezone.localtime(value)
    return f"{dateformat.format(local, 'j M Y, H:i')} {zone_label(local)}"


@register.filter
def stamp(value, person=None):
    """`{{ answer.updated_at|stamp:answer.updated_by }}`: "by Lena Lead, 2 Dec 2026, 21:16 UTC",
    inside a <time> element carrying the UTC instant."""
    text = moment_text(value)
    if not text:
        return ""
    who = getattr(person, "full_name", None) or (str(person) if person else "")
    instant = value if isinstance(value, str) else timezone.localtime(value, UTC).isoformat()
    by = gettext("by %(name)s, ") % {"name": who} if who else ""
    return format_html('{}<time datetime="{}">{}</time>', by, instant, text)
