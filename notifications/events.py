"""Who is told what: one function per event of docs/notifications.md, each writing the inbox
rows in the caller's transaction (`tell`). The e-mail of each row is sent after the commit
(`delivery.send_after_commit`); reminders are written by the daily scan (`reminders.py`)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from accounts.roles import Role

from . import delivery
from .models import Event, Notification


def words(text, **values):
    """A sentence put in each recipient's own language when they are told (`tell`): `text` a
    `gettext_lazy` message with `{name}` placeholders, `values` what fills them."""
    return format_lazy(text, **values)


def tell(recipients, event: str, subject, body, url: str = "", key: str = "") -> list[Notification]:
    """One inbox row per recipient (each person once), its e-mail queued for after the commit. With
    a `key`, a person who was already told of that item and threshold is not told again. A subject
    or body made with `words` is written in the language the person reads (delivery.language_of)."""
    made = []
    for person in {p.pk: p for p in recipients if p is not None and p.is_active}.values():
        if key and Notification.objects.filter(recipient=person, key=key).exists():
            continue
        with translation.override(delivery.language_of(person)):
            title, text = str(subject)[:200], str(body)
        try:
            with transaction.atomic():  # a concurrent scan that told them first wins, quietly
                made.append(
                    Notification.objects.create(
                        recipient=person, event=event, subject=title, body=text, url=url[:300], key=key
                    )
                )
        except IntegrityError:
            if not key:
                raise
    delivery.send_after_commit(made)
    return made


def _assessment_words(assessment) -> tuple[str, str]:
    what = f"{assessment.reference}: {assessment.vendor.name}"
    return what, reverse("assessments:detail", args=[assessment.pk])


def _joined(roles) -> str:
    """ "lead auditor and QA reviewer", in the language active when the sentence is written."""
    text = str(roles[0])
    for role in roles[1:]:
        text = gettext("%(first)s and %(next)s") % {"first": text, "next": role}
    return text


joined = lazy(_joined, str)


def _label_in_words(label: str) -> str:
    """A vocabulary's label (plain English, as stored) in the reader's language, in lower case."""
    return gettext(label).lower()


label_in_words = lazy(_label_in_words, str)


def people_assigned(assessment, user, people) -> list[Notification]:
    what, url = _assessment_words(assessment)
    team = set(assessment.audit_team.values_list("pk", flat=True))  # one query, not one a person
    made = []
    for person in people:
        roles = []
        if person.pk == assessment.lead_auditor_id:
            roles.append(gettext_lazy("lead auditor"))
        if person.pk == assessment.reviewer_id:
            roles.append(gettext_lazy("QA reviewer"))
        if person.pk in team:
            roles.append(gettext_lazy("member of the audit team"))
        role = joined(roles) if roles else gettext_lazy("named")
        values = {
            "name": user.full_name,
            "role": role,
            "what": what,
            "kind": gettext_lazy(assessment.get_kind_display()),
            "mode": gettext_lazy(assessment.get_mode_display()),
        }
        if assessment.planned_start:
            body = words(
                gettext_lazy("{name} named you {role} of {what} ({kind}, {mode}). Planned from {start}."),
                start=f"{assessment.planned_start:%d %b %Y}",
                **values,
            )
        else:
            body = words(gettext_lazy("{name} named you {role} of {what} ({kind}, {mode})."), **values)
        subject = words(gettext_lazy("You are {role} of {what}"), role=role, what=what)
        made += tell([person], Event.ASSIGNED, subject, body, url)
    return made


def submitted(assessment, user) -> list[Notification]:
    what, _ = _assessment_words(assessment)
    url = reverse("assessments:review", args=[assessment.pk])
    body = words(gettext_lazy("{name} submitted {what} for your review."), name=user.full_name, what=what)
    subject = words(gettext_lazy("{what} is waiting for your review"), what=what)
    return tell([assessment.reviewer], Event.SUBMITTED, subject, body, url)


def returned(assessment, user, reason: str) -> list[Notification]:
    what, url = _assessment_words(assessment)
    body = words(
        gettext_lazy("{name} returned {what} for rework. Reason: {reason}"),
        name=user.full_name,
        what=what,
        reason=reason,
    )
    subject = words(gettext_lazy("{what} was returned for rework"), what=what)
    return tell([assessment.lead_auditor], Event.RETURNED, subject, body, url)


def approved(assessment, user) -> list[Notification]:
    what, url = _assessment_words(assessment)
    body = words(
        gettext_lazy("{name} approved {what}: {decision}."),
        name=user.full_name,
        what=what,
        decision=gettext_lazy(assessment.get_decision_display()),
    )
    people = [assessment.lead_auditor, *assessment.audit_team.all()]
    return tell(people, Event.APPROVED, words(gettext_lazy("{what} is approved"), what=what), body, url)


def account_locked(username: str, ip_address: str) -> list[Notification]:
    admins = User.objects.filter(groups__name=str(Role.ADMIN), is_active=True).distinct()
    body = words(
        gettext_lazy(
            "The account '{username}' was locked after repeated failed log-ins from {address}. "
            "An administrator unlocks it in the admin (Access attempts)."
        ),
        username=username,
        address=ip_address or gettext_lazy("an unknown address"),
    )
    subject = words(gettext_lazy("Account {username} locked"), username=username)
    return tell(admins, Event.ACCOUNT_LOCKED, subject, body, reverse("admin:index"))
