"""Who is told what (docs/notifications.md): each event writes one inbox row to each right person and
none to anyone else, in the transaction of the change; the e-mail of a row is queued after the
commit for a person who wants each one, and `delivery.send` sends it once, with plain text and
HTML. The real path (worker, SMTP server) is in test_delivery.py."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from assessments import findings, planning, workflow
from notifications import delivery, events, reminders
from notifications.models import Notification, Preference
from tests.helpers import records

pytestmark = pytest.mark.django_db


def told(event=None):
    rows = Notification.objects.all()
    if event:
        rows = rows.filter(event=event)
    return sorted(rows.values_list("recipient__username", flat=True))


@pytest.fixture
def people(lead_auditor, auditor, reviewer, quality_admin, outsider):
    for user in (lead_auditor, auditor, reviewer, quality_admin, outsider):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    return lead_auditor, auditor, reviewer, quality_admin, outsider


def test_planning_tells_the_lead_the_reviewer_and_the_team_once_each(lead_api, people, checklist, vendor):
    lead, auditor, reviewer, admin, outsider = people
    response = lead_api.post(
        "/api/assessments/",
        {
            "vendor": vendor.pk,
            "checklist": checklist.pk,
            "lead_auditor": lead.pk,
            "reviewer": reviewer.pk,
            "audit_team": [auditor.pk],
            "kind": "initial",
            "mode": "on_site",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert told("assigned") == ["auditor", "lead", "reviewer"]
    reference = response.json()["reference"]
    to_reviewer = Notification.objects.get(recipient=reviewer)
    assert to_reviewer.subject == f"You are QA reviewer of {reference}: {vendor.name}"
    assert to_reviewer.url == f"/assessments/{response.json()['id']}/"

    # A change of the team tells only who is new on it.
    Notification.objects.all().delete()
    assessment = planning.Assessment.objects.get(pk=response.json()["id"])
    planning.change_plan(assessment, lead, {"audit_team": [auditor, outsider]})
    assert told() == ["outsider"]
    planning.change_plan(assessment, lead, {"scope": "Fill and finish only"})
    assert told() == ["outsider"]


def test_a_refused_plan_tells_nobody(lead_api, people, checklist, vendor):
    response = lead_api.post("/api/assessments/", {"vendor": vendor.pk, "checklist": 0}, format="json")
    assert response.status_code == 400
    assert Notification.objects.count() == 0


def test_submitted_returned_and_approved_tell_the_right_people(people, assessment, django_capture_on_commit_callbacks):
    lead, auditor, reviewer, admin, outsider = people
    records.submitted(assessment, lead)
    assert told("submitted") == ["reviewer"]
    workflow.return_for_rework(records.fresh(assessment), reviewer, "Evidence for D.3 is the wrong batch.")
    returned = Notification.objects.get(event="returned")
    assert returned.recipient == lead and "Reason: Evidence for D.3 is the wrong batch." in returned.body

    workflow.submit(records.fresh(assessment), lead, response="The right batch's record is attached.")
    records.sign(assessment, lead, "performed")
    records.sign(assessment, reviewer, "approved")
    assert told("approved") == ["auditor", "lead"]
    assert told("submitted") == ["reviewer", "reviewer"]
    assert "outsider" not in told() and "qadmin" not in told()


def test_the_email_is_queued_after_the_commit_and_sent_once(
    people, assessment, django_capture_on_commit_callbacks, monkeypatch
):
    lead, auditor, reviewer, admin, outsider = people
    queued = []
    monkeypatch.setattr("notifications.tasks.deliver.delay", queued.append)  # the queue itself: test_delivery.py
    records.completed(assessment, lead)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit(records.fresh(assessment), lead)
        assert queued == []  # nothing leaves before the commit
    row = Notification.objects.get(event="submitted")
    assert queued == [row.pk] and len(callbacks) >= 1

    assert delivery.send(row.pk) is True
    assert delivery.send(row.pk) is False  # once
    (message,) = mail.outbox
    assert message.to == ["reviewer@example.com"] and message.subject == row.subject
    assert "submitted" in message.body and "http://" in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html" and f'href="http://127.0.0.1:8000/assessments/{assessment.pk}/review/"' in html[0]
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_a_daily_digest_person_gets_no_single_email_and_one_digest(
    people, assessment, django_capture_on_commit_callbacks, monkeypatch
):
    lead, auditor, reviewer, admin, outsider = people
    Preference.objects.create(user=reviewer, delivery=Preference.Delivery.DAILY)
    queued = []
    monkeypatch.setattr("notifications.tasks.deliver.delay", queued.append)
    records.completed(assessment, lead)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(records.fresh(assessment), lead)
    assert queued == [] and told() == ["reviewer"]
    assert reminders.scan()["digests"] == 1
    (digest,) = mail.outbox
    assert digest.to == ["reviewer@example.com"] and digest.subject == "Your daily digest: 1 notification"
    assert reminders.scan()["digests"] == 0 and len(mail.outbox) == 1


def action_due_in(assessment, lead, days):
    """A corrective action due `days` from today (planned due later, then time passed: a due date
    in the past is refused when planning)."""
    finding = findings.raise_finding(
        assessment, lead, criterion=assessment.checklist.criteria.first(), classification="major", description="Gap."
    )
    action = findings.plan_action(
        finding,
        lead,
        description="Fix it.",
        owner="Head of QA at the vendor",
        due_date=timezone.localdate() + datetime.timedelta(days=max(days, 1)),
    )
    action.due_date = timezone.localdate() + datetime.timedelta(days=days)
    type(action).objects.filter(pk=action.pk).update(due_date=action.due_date)
    return action


def test_reminders_of_actions_and_requalification_are_sent_once_per_threshold(people, assessment, vendor):
    lead, auditor, reviewer, admin, outsider = people
    records.completed(assessment, lead)
    due = action_due_in(assessment, lead, 10)
    late = action_due_in(assessment, lead, -3)
    action_due_in(assessment, lead, 40)  # not yet
    vendor.status = "approved"
    vendor.next_requalification_due = timezone.localdate() + datetime.timedelta(days=80)
    vendor.save()

    counts = reminders.scan()
    assert counts == {
        "action_due": 1,
        "action_overdue": 1,
        "requalification": 1,
        "certificates": 0,
        "agreements": 0,
        "questionnaires": 0,
        "digests": 0,
    }
    assert told("action_due") == ["lead"] and told("action_overdue") == ["lead"]
    assert told("requalification_due") == ["qadmin"]
    assert f"{due.finding.reference}" in Notification.objects.get(event="action_due").subject
    assert "Head of QA at the vendor" in Notification.objects.get(event="action_overdue").body
    assert late.finding.reference in Notification.objects.get(event="action_overdue").subject

    before = Notification.objects.count()
    assert reminders.scan() == {
        "action_due": 0,
        "action_overdue": 0,
        "requalification": 0,
        "certificates": 0,
        "agreements": 0,
        "questionnaires": 0,
        "digests": 0,
    }
    assert Notification.objects.count() == before  # a second scan tells nobody twice

    # 30 days before, and overdue, are thresholds of their own.
    vendor.next_requalification_due = timezone.localdate() + datetime.timedelta(days=20)
    vendor.save()
    reminders.scan()
    vendor.next_requalification_due = timezone.localdate() - datetime.timedelta(days=1)
    vendor.save()
    reminders.scan()
    subjects = sorted(
        Notification.objects.filter(event__startswith="requalification").values_list("subject", flat=True)
    )
    assert subjects == [
        f"Requalification due in 30 days: {vendor.name}",
        f"Requalification due in 90 days: {vendor.name}",
        f"Requalification overdue: {vendor.name}",
    ]


def test_a_locked_account_is_told_to_the_administrators(api, people, settings):
    lead, auditor, reviewer, admin, outsider = people
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        api.post("/api/auth/token/", {"username": "auditor", "password": "wrong"}, format="json")
    assert told("account_locked") == ["qadmin"]
    assert "'auditor'" in Notification.objects.get(event="account_locked").body


def test_tell_skips_inactive_people_and_duplicates(people):
    lead, auditor, reviewer, admin, outsider = people
    outsider.is_active = False
    outsider.save()
    made = events.tell([lead, lead, outsider, None], "approved", "Subject", "Body", "/")
    assert [n.recipient for n in made] == [lead]
    assert events.tell([lead], "approved", "S", "B", key="k:1") and not events.tell(
        [lead], "approved", "S", "B", key="k:1"
    )


def test_certificates_of_a_qualified_vendor_expiring_or_expired_are_told_once(people, vendor):
    from vendors.models import GMPCertificate, Site

    lead, auditor, reviewer, admin, outsider = people
    site = Site.objects.create(vendor=vendor, name="Leipzig plant", country="DE", city="Leipzig")
    today = timezone.localdate()
    soon = GMPCertificate.objects.create(site=site, number="DE-SN-01", expires_on=today + datetime.timedelta(days=45))
    GMPCertificate.objects.create(site=site, number="DE-SN-02", expires_on=today + datetime.timedelta(days=200))
    assert reminders.scan()["certificates"] == 0  # the vendor is not qualified: nothing to keep current
    vendor.status = "approved"
    vendor.save()
    assert reminders.scan()["certificates"] == 1 and reminders.scan()["certificates"] == 0
    row = Notification.objects.get(event="certificate_expiring")
    assert row.recipient == admin and "DE-SN-01" in row.subject and "Leipzig plant" in row.subject
    GMPCertificate.objects.filter(pk=soon.pk).update(expires_on=today - datetime.timedelta(days=1))
    assert reminders.scan()["certificates"] == 1
    assert told("certificate_expired") == ["qadmin"]


def test_quality_agreements_expiring_due_for_review_or_expired_are_told_once(people, vendor, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vendors import agreements

    lead, auditor, reviewer, admin, outsider = people
    vendor.status = "approved"
    vendor.save()
    today = timezone.localdate()

    def record(version, effective, **dates):
        copy = SimpleUploadedFile(f"qa-{version}.pdf", b"%PDF-1.4 quality agreement", content_type="application/pdf")
        return agreements.record(vendor, admin, {"version": version, "effective_on": effective, **dates}, copy)

    record("1.0", today - datetime.timedelta(days=400), expires_on=today + datetime.timedelta(days=20))
    assert reminders.scan()["agreements"] == 1 and reminders.scan()["agreements"] == 0
    row = Notification.objects.get(event="agreement_due")
    assert row.recipient == admin and row.subject == f"Expiring: Quality agreement 1.0 with {vendor.name}"

    # Version 2 in place: version 1's expiry is no longer anyone's concern.
    record("2.0", today - datetime.timedelta(days=1), review_on=today + datetime.timedelta(days=10))
    Notification.objects.all().delete()
    assert reminders.scan()["agreements"] == 1
    assert (
        Notification.objects.get(event="agreement_due").subject
        == f"Review due: Quality agreement 2.0 with {vendor.name}"
    )
