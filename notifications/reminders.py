"""The daily scan: corrective actions due in 14 days or overdue (to the assessment's lead; the
owner is a person named in text, often at the vendor), requalifications due in 90 and 30 days or
overdue, and GMP certificates and licences of a qualified vendor's sites expiring within 60 days
or expired (to the quality administrators), then the digest of each person who chose one. Each
reminder is keyed by its item, threshold and due date, so a second scan tells nobody twice and a
new due date is a new reminder."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from assessments.choices import ACTION_DONE
from assessments.models import Assessment, CorrectiveAction, Questionnaire
from vendors import agreements
from vendors.models import GMPCertificate, QualityAgreement, Vendor

from . import delivery, events
from .models import Event, Notification, Preference

ACTION_WARNING_DAYS = 14
QUESTIONNAIRE_WARNING_DAYS = 7
REQUALIFICATION_WARNINGS = (90, 30)
QUALIFIED = ("approved", "conditionally_approved")
CERTIFICATE_WARNING_DAYS = 60


def scan(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    counts = {
        "action_due": 0,
        "action_overdue": 0,
        "requalification": 0,
        "certificates": 0,
        "agreements": 0,
        "questionnaires": 0,
        "digests": 0,
    }
    actions = (
        CorrectiveAction.objects.exclude(status__in=ACTION_DONE)
        .filter(due_date__isnull=False, due_date__lte=today + datetime.timedelta(days=ACTION_WARNING_DAYS))
        .select_related("finding__assessment__vendor", "finding__assessment__lead_auditor")
    )
    for action in actions:
        assessment = action.finding.assessment
        url = reverse("assessments:findings", args=[assessment.pk]) + f"#finding-{action.finding.number}"
        what = events.words(
            gettext_lazy("The corrective action of {finding} ({vendor}, owner {owner})"),
            finding=action.finding.reference,
            vendor=assessment.vendor.name,
            owner=action.owner,
        )
        due = f"{action.due_date:%d %b %Y}"
        if action.due_date < today:
            made = events.tell(
                [assessment.lead_auditor],
                Event.ACTION_OVERDUE,
                events.words(gettext_lazy("Overdue: corrective action of {finding}"), finding=action.finding.reference),
                events.words(gettext_lazy("{what} was due on {due} and is not done."), what=what, due=due),
                url,
                key=f"action-overdue:{action.pk}:{action.due_date}",
            )
            counts["action_overdue"] += len(made)
        else:
            made = events.tell(
                [assessment.lead_auditor],
                Event.ACTION_DUE,
                events.words(
                    gettext_lazy("Due on {due}: corrective action of {finding}"),
                    due=due,
                    finding=action.finding.reference,
                ),
                events.words(gettext_lazy("{what} is due on {due}."), what=what, due=due),
                url,
                key=f"action-due-{ACTION_WARNING_DAYS}:{action.pk}:{action.due_date}",
            )
            counts["action_due"] += len(made)

    admins = list(User.objects.filter(groups__name=str(Role.ADMIN), is_active=True).distinct())
    soon = today + datetime.timedelta(days=max(REQUALIFICATION_WARNINGS))
    for vendor in Vendor.objects.filter(status__in=QUALIFIED, next_requalification_due__lte=soon):
        due = vendor.next_requalification_due
        if due < today:
            threshold, event = "overdue", Event.REQUALIFICATION_OVERDUE
            subject = events.words(gettext_lazy("Requalification overdue: {vendor}"), vendor=vendor.name)
        else:
            days = min(d for d in REQUALIFICATION_WARNINGS if due <= today + datetime.timedelta(days=d))
            threshold, event = str(days), Event.REQUALIFICATION_DUE
            subject = events.words(
                gettext_lazy("Requalification due in {days} days: {vendor}"), days=days, vendor=vendor.name
            )
        made = events.tell(
            admins,
            event,
            subject,
            events.words(
                gettext_lazy("{vendor} ({status}) is due for requalification on {due}."),
                vendor=vendor.name,
                status=events.label_in_words(vendor.get_status_display()),
                due=f"{due:%d %b %Y}",
            ),
            vendor.get_absolute_url(),
            key=f"requalification-{threshold}:{vendor.pk}:{due}",
        )
        counts["requalification"] += len(made)

    expiring = GMPCertificate.objects.filter(
        site__vendor__status__in=QUALIFIED,
        expires_on__lte=today + datetime.timedelta(days=CERTIFICATE_WARNING_DAYS),
    ).select_related("site__vendor")
    for certificate in expiring:
        site, expires = certificate.site, certificate.expires_on
        what = events.words(
            gettext_lazy("{kind} {number} of {vendor}, {site}"),
            kind=gettext_lazy(certificate.get_kind_display()),
            number=certificate.number,
            vendor=site.vendor.name,
            site=site.name,
        )
        when = f"{expires:%d %b %Y}"
        expired = expires < today
        made = events.tell(
            admins,
            Event.CERTIFICATE_EXPIRED if expired else Event.CERTIFICATE_EXPIRING,
            events.words(gettext_lazy("Expired: {what}") if expired else gettext_lazy("Expiring: {what}"), what=what),
            events.words(
                gettext_lazy("{what} expired on {when}. Ask the vendor for the renewed one.")
                if expired
                else gettext_lazy("{what} expires on {when}. Ask the vendor for the renewed one."),
                what=what,
                when=when,
            ),
            site.vendor.get_absolute_url(),
            key=f"certificate-{'expired' if expired else CERTIFICATE_WARNING_DAYS}:{certificate.pk}:{expires}",
        )
        counts["certificates"] += len(made)

    counts["agreements"] = _agreement_reminders(admins, today)
    counts["questionnaires"] = _questionnaire_reminders(today)

    digest_users = User.objects.filter(notification_preference__delivery=Preference.Delivery.DAILY, is_active=True)
    for user in digest_users.exclude(email=""):
        rows = list(Notification.objects.filter(recipient=user, emailed_at__isnull=True).order_by("created_at", "pk"))
        counts["digests"] += delivery.send_digest(user, rows)
    return counts


def _questionnaire_reminders(today) -> int:
    """A questionnaire not yet submitted, due within 7 days or overdue: to the contacts it was
    sent to (still active) and the assessment's lead."""
    told = 0
    open_ones = (
        Questionnaire.objects.filter(
            submitted_at__isnull=True,
            due_date__lte=today + datetime.timedelta(days=QUESTIONNAIRE_WARNING_DAYS),
            assessment__status__in=(Assessment.Status.PLANNED, Assessment.Status.IN_PROGRESS),
        )
        .select_related("assessment__vendor", "assessment__lead_auditor")
        .prefetch_related("contacts")
    )
    for questionnaire in open_ones:
        assessment, due = questionnaire.assessment, questionnaire.due_date
        contacts = [c for c in questionnaire.contacts.all() if c.is_active]
        what = f"The questionnaire of {assessment.reference} ({assessment.vendor.name})"
        overdue = due < today
        event = Event.QUESTIONNAIRE_OVERDUE if overdue else Event.QUESTIONNAIRE_DUE
        subject = f"{'Overdue' if overdue else f'Due on {due:%d %b %Y}'}: questionnaire {assessment.reference}"
        body = f"{what} {'was' if overdue else 'is'} due on {due:%d %b %Y} and is not submitted."
        key = f"questionnaire-{'overdue' if overdue else QUESTIONNAIRE_WARNING_DAYS}:{questionnaire.pk}:{due}"
        # The contacts answer in the portal (a route of its own); the lead follows it in the assessment.
        made = events.tell(contacts, event, subject, body, f"/portal/questionnaires/{questionnaire.pk}/", key=key)
        made += events.tell([assessment.lead_auditor], event, subject, body, assessment.get_absolute_url(), key=key)
        told += len(made)
    return told


def _agreement_reminders(admins, today) -> int:
    """A qualified vendor's quality agreement expiring or due for review within the warning
    window, or expired, unless a later version of the same scope (vendor, site) supersedes it."""
    horizon = today + datetime.timedelta(days=agreements.WARNING_DAYS)
    near = QualityAgreement.objects.filter(vendor__status__in=QUALIFIED).filter(
        Q(expires_on__lte=horizon) | Q(review_on__lte=horizon)
    )
    latest = {}
    for vendor_id, site_id, effective in QualityAgreement.objects.filter(
        vendor_id__in=near.values("vendor_id")
    ).values_list("vendor_id", "site_id", "effective_on"):
        latest[(vendor_id, site_id)] = max(effective, latest.get((vendor_id, site_id), effective))
    told = 0
    for agreement in near.select_related("vendor", "site"):
        if agreement.effective_on < latest[(agreement.vendor_id, agreement.site_id)]:
            continue  # a later version is in place
        standing = agreements.standing_of(agreement, today)
        if standing not in (agreements.Standing.EXPIRING, agreements.Standing.REVIEW_DUE, agreements.Standing.EXPIRED):
            continue
        scope = agreement.vendor.name + (f", {agreement.site.name}" if agreement.site else "")
        what = events.words(
            gettext_lazy("Quality agreement {version} with {scope}"), version=agreement.version, scope=scope
        )
        if standing == agreements.Standing.EXPIRED:
            event, subject = Event.AGREEMENT_EXPIRED, gettext_lazy("Expired: {what}")
            body, when = (
                gettext_lazy("{what} expired on {date}. Agree the revision with the vendor and record it."),
                agreement.expires_on,
            )
        elif standing == agreements.Standing.EXPIRING:
            event, subject = Event.AGREEMENT_DUE, gettext_lazy("Expiring: {what}")
            body, when = (
                gettext_lazy("{what} expires on {date}. Agree the revision with the vendor and record it."),
                agreement.expires_on,
            )
        else:
            event, subject = Event.AGREEMENT_DUE, gettext_lazy("Review due: {what}")
            body, when = (
                gettext_lazy("{what} is due for review on {date}. Agree the revision with the vendor and record it."),
                agreement.review_on,
            )
        made = events.tell(
            admins,
            event,
            events.words(subject, what=what),
            events.words(body, what=what, date=f"{when:%d %b %Y}"),
            agreement.vendor.get_absolute_url(),
            key=f"agreement-{standing}:{agreement.pk}:{when}",
        )
        told += len(made)
    return told
