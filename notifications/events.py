"""Who is told what: one function per event of docs/notifications.md, each writing the inbox
rows in the caller's transaction (`tell`). The e-mail of each row is sent after the commit
(`delivery.send_after_commit`); reminders are written by the daily scan (`reminders.py`)."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role

from . import delivery
from .models import Event, Notification


def tell(recipients, event: str, subject: str, body: str, url: str = "", key: str = "") -> list[Notification]:
    """One inbox row per recipient (each person once), its e-mail queued for after the commit. With
    a `key`, a person who was already told of that item and threshold is not told again."""
    made = []
    for person in {p.pk: p for p in recipients if p is not None and p.is_active}.values():
        if key and Notification.objects.filter(recipient=person, key=key).exists():
            continue
        try:
            with transaction.atomic():  # a concurrent scan that told them first wins, quietly
                made.append(
                    Notification.objects.create(
                        recipient=person, event=event, subject=subject[:200], body=body, url=url[:300], key=key
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


def people_assigned(assessment, user, people) -> list[Notification]:
    what, url = _assessment_words(assessment)
    team = set(assessment.audit_team.values_list("pk", flat=True))  # one query, not one a person
    made = []
    for person in people:
        roles = []
        if person.pk == assessment.lead_auditor_id:
            roles.append("lead auditor")
        if person.pk == assessment.reviewer_id:
            roles.append("QA reviewer")
        if person.pk in team:
            roles.append("member of the audit team")
        role = " and ".join(roles) or "named"
        body = (
            f"{user.full_name} named you {role} of {what} "
            f"({assessment.get_kind_display()}, {assessment.get_mode_display()})."
        )
        if assessment.planned_start:
            body += f" Planned from {assessment.planned_start:%d %b %Y}."
        made += tell([person], Event.ASSIGNED, f"You are {role} of {what}", body, url)
    return made


def submitted(assessment, user) -> list[Notification]:
    what, _ = _assessment_words(assessment)
    url = reverse("assessments:review", args=[assessment.pk])
    body = f"{user.full_name} submitted {what} for your review."
    return tell([assessment.reviewer], Event.SUBMITTED, f"{what} is waiting for your review", body, url)


def returned(assessment, user, reason: str) -> list[Notification]:
    what, url = _assessment_words(assessment)
    body = f"{user.full_name} returned {what} for rework. Reason: {reason}"
    return tell([assessment.lead_auditor], Event.RETURNED, f"{what} was returned for rework", body, url)


def approved(assessment, user) -> list[Notification]:
    what, url = _assessment_words(assessment)
    body = f"{user.full_name} approved {what}: {assessment.get_decision_display()}."
    people = [assessment.lead_auditor, *assessment.audit_team.all()]
    return tell(people, Event.APPROVED, f"{what} is approved", body, url)


def account_locked(username: str, ip_address: str) -> list[Notification]:
    admins = User.objects.filter(groups__name=str(Role.ADMIN), is_active=True).distinct()
    body = (
        f"The account '{username}' was locked after repeated failed log-ins from {ip_address or 'an unknown address'}. "
        "An administrator unlocks it in the admin (Access attempts)."
    )
    return tell(admins, Event.ACCOUNT_LOCKED, f"Account {username} locked", body, reverse("admin:index"))
