"""How the home page's cards print a count that stopped at a cap (config/counting.py)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from config import counting

register = template.Library()


@register.filter
def count_label(value, cap=None):
    """The count as a number, or "more than <cap>" when the count stopped past the cap."""
    if is_capped(value, cap):
        return gettext("more than %(cap)s") % {
            "cap": number_format(cap or counting.CARD_COUNT_CAP, force_grouping=True)
        }
    return value


@register.filter
def is_capped(value, cap=None):
    return isinstance(value, int) and value > (cap or counting.CARD_COUNT_CAP)
