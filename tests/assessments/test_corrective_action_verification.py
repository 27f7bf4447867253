"""Effectiveness checks are QA's (#10, point 1): only a QA reviewer independent of the assessment
records a corrective action as verified effective, with a written verification and a signature
(meaning "verified"); only that lifts a conditional approval. Verified and closed actions are
read-only, through the API and the pages alike."""

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.utils import timezone

from accounts.lockout import LOCKED_MESSAGE
from accounts.roles import Role
from assessments import answers, findings, planning, record, signatures, workflow
from assessments.models import Assessment, CorrectiveAction, Signature
from audit.models import AuditEntry
from checklists.models import Question
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers, downgrade_rationale, new_assessment
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

#: Two questions of the built-in checklist, each with a major finding and its corrective action.
MAJORS = ("C.1", "D.2")
CHECKED = "Three months of EM data for the new locations reviewed on site: no excursion."


def approve(assessment, lead, reviewer):
    """Answer, raise a major finding (with its action) on each of MAJORS, submit, sign and approve."""
    answers.save_answers(assessment, lead, compliant_answers(assessment.checklist))
    attach_required_evidence(assessment, lead)
    for code in MAJORS:
        question = Question.objects.get(checklist=assessment.checklist, code=code)
        finding = findings.raise_finding(
            assessment,
            lead,
            question=question,
            classification="major",
            description=f"Deficiency on {code}",
            downgrade_rationale=downgrade_rationale(question, "major"),
        )
        findings.plan_action(
            finding,
            lead,
            description=f"Correct {code}",
            owner="Head of QA",
            due_date=timezone.localdate() + timedelta(days=60),
        )
    assessment.refresh_from_db()
    workflow.submit(assessment, lead)
    signatures.sign(assessment, lead, "performed", PASSWORD, request=RequestFactory().post("/"))
    signatures.sign(assessment, reviewer, "approved", PASSWORD, request=RequestFactory().post("/"))
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def conditional(assessment, lead_auditor, reviewer):
    """`assessment` approved with two major findings: its vendor is conditionally approved."""
    approved = approve(assessment, lead_auditor, reviewer)
    assert approved.decision == "conditionally_approved"
    assert Vendor.objects.get(pk=approved.vendor_id).status == "conditionally_approved"
    return approved


def actions_of(assessment):
    return list(CorrectiveAction.objects.filter(finding__assessment=assessment).order_by("finding__number"))


def verify(client, action, **body):
    body.setdefault("verification", CHECKED)
    body.setdefault("password", PASSWORD)
    return client.post(f"/api/corrective-actions/{action.pk}/verification/", body, format="json")


def patch(client, action, body):
    return client.patch(f"/api/corrective-actions/{action.pk}/", body, format="json")


def snapshot(action):
    """Every stored field of the action, to prove that a refusal changed nothing."""
    fields = [f.attname for f in CorrectiveAction._meta.concrete_fields]
    return CorrectiveAction.objects.filter(pk=action.pk).values(*fields).get()


def action_entries(action):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CorrectiveAction), object_pk=str(action.pk)
    )


def vendor_status(assessment):
    return Vendor.objects.get(pk=assessment.vendor_id).status


# --- the walk-around of point 1 -------------------------------------------------------------------


def test_the_auditors_patch_to_verified_is_refused_and_the_vendor_stays_conditionally_approved(
    api, conditional, auditor
):
    member = api.as_user(auditor)
    for action in actions_of(conditional):
        before, entries = snapshot(action), action_entries(action).count()
        response = patch(member, action, {"status": "verified_effective", "verification": "I checked it myself"})
        assert response.status_code == 400
        body = response.json()
        assert {"status", "verification"} <= set(body)
        assert "verification/" in body["status"][0] and "verification/" in body["verification"][0]
        for other in ({"status": "closed"}, {"verification": "I checked it myself"}):
            assert patch(member, action, other).status_code == 400, other
        assert snapshot(action) == before and action_entries(action).count() == entries
    assert vendor_status(conditional) == "conditionally_approved"
    assert not Signature.objects.filter(meaning="verified").exists()


def test_planning_an_action_cannot_make_it_verified(lead_api, assessment, checklist):
    question = Question.objects.get(checklist=checklist, code="A.3")
    finding = findings.raise_finding(
        assessment,
        assessment.lead_auditor,
        question=question,
        classification="minor",
        description="Gowning",
        downgrade_rationale=downgrade_rationale(question, "minor"),
    )
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    for status in ("verified_effective", "closed", "accepted"):
        response = lead_api.post(
            f"/api/findings/{finding.pk}/actions/",
            {"description": "Retrain", "owner": "QA", "due_date": due, "status": status, "verification": "Done"},
            format="json",
        )
        assert response.status_code == 400 and "status" in response.json(), status
    assert not CorrectiveAction.objects.exists()


# --- who may verify ---------------------------------------------------------------------------


def test_the_lead_a_team_member_reviewer_and_a_removed_author_are_refused(
    api, checklist, vendor, auditor, reviewer, make_user
):
    """All three have the reviewer role; none of them is independent of the record."""
    lead = make_user("lead_reviewer", Role.LEAD_AUDITOR, Role.AUDITOR, Role.REVIEWER)
    on_team = make_user("team_reviewer", Role.AUDITOR, Role.REVIEWER)
    author = make_user("author_reviewer", Role.AUDITOR, Role.REVIEWER)
    assessment = new_assessment(checklist, vendor, lead, reviewer, team=[auditor, on_team, author])
    answers.save_answers(assessment, author, [{"question": "A.3", "value": "compliant"}])
    planning.change_plan(assessment, lead, {"audit_team": [auditor, on_team]})
    assert author.pk not in Assessment.objects.get(pk=assessment.pk).team_ids()
    approved = approve(Assessment.objects.get(pk=assessment.pk), lead, reviewer)

    action = actions_of(approved)[0]
    before = snapshot(action)
    for insider in (lead, on_team, author):
        response = verify(api.as_user(insider), action)
        assert response.status_code == 403, insider.username
        assert "independent" in response.json()["detail"]
        assert not findings.may_verify(approved, insider)
    assert snapshot(action) == before
    assert not Signature.objects.filter(meaning="verified").exists()
    assert vendor_status(approved) == "conditionally_approved"
    # A refusal for who they are costs no password attempt.
    assert not AccessFailureLog.objects.exists()


def test_roles_without_the_reviewer_role_are_refused(api, conditional, auditor, quality_admin, outsider):
    action = actions_of(conditional)[0]
    assert verify(api.as_user(auditor), action).status_code == 403
    assert verify(api.as_user(quality_admin), action).status_code == 403
    assert verify(api.as_user(outsider), action).status_code == 404  # may not see the assessment
    assert snapshot(action)["status"] == "open"


# --- verifying --------------------------------------------------------------------------------


def test_an_independent_reviewer_verifies_with_a_signature_and_the_last_one_lifts_the_condition(
    api, conditional, reviewer, make_user
):
    first, last = actions_of(conditional)
    on_duty = make_user("qa_on_duty", Role.REVIEWER)  # not the assigned reviewer: any independent one
    # The vendor's response comes first (it is part of what the verification covers).
    patch(api.as_user(conditional.lead_auditor), first, {"status": "response_received", "vendor_action": "New SOP"})

    response = verify(api.as_user(on_duty), first, verification=f"  {CHECKED}  ")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["id"], body["status"], body["verification"], body["overdue"]) == (
        first.pk,
        "verified_effective",
        CHECKED,
        False,
    )
    shown = body["verification_signature"]
    assert shown["meaning"] == "verified" and shown["signer"] == "qa_on_duty" and shown["valid"] is True
    assert shown["corrective_action"] == first.pk and shown["printed_name"] == on_duty.full_name

    signature = Signature.objects.get(meaning="verified")
    first.refresh_from_db()
    assert (signature.corrective_action, signature.assessment, signature.signer) == (first, conditional, on_duty)
    assert signature.content_hash == record.action_hash(first)
    assert signature.content_version == record.ACTION_CONTENT_VERSION
    assert record.action_content(first)["vendor_action"] == "New SOP"
    with pytest.raises(ValueError, match="Unknown corrective-action content version 2"):
        record.action_content(first, 2)  # a version this code does not know is never hashed as version 1
    # Every signature of the assessment still holds: the verification covers the action only.
    states = record.signature_states(conditional)
    assert [(s.signature.meaning, s.valid) for s in states] == [
        ("performed", True),
        ("approved", True),
        ("verified", True),
    ]
    assert record.has_valid_signature(conditional, "verified", on_duty)
    listed = api.as_user(reviewer).get(f"/api/assessments/{conditional.pk}/signatures/").json()
    assert [(s["meaning"], s["valid"], s["corrective_action"]) for s in listed][-1] == ("verified", True, first.pk)

    # Audit-trailed, with the verification as the reason.
    entry = action_entries(first).filter(changes__has_key="status").latest("timestamp")
    assert entry.changes["status"][1] == "verified_effective" and entry.reason == CHECKED
    assert entry.actor == on_duty
    signed = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Signature), object_pk=str(signature.pk)
    ).get()
    assert signed.reason == CHECKED

    # One major finding's action is still open: the condition holds.
    assert vendor_status(conditional) == "conditionally_approved"
    assert verify(api.as_user(reviewer), last).status_code == 201
    assert vendor_status(conditional) == "approved"
    lifted = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Vendor), changes__has_key="status"
    ).latest("timestamp")
    assert "conditional approval is lifted" in lifted.reason


def test_refusals_say_why_and_change_nothing(api, assessment, lead_auditor, reviewer, auditor):
    approved = approve(assessment, lead_auditor, reviewer)
    action = actions_of(approved)[0]
    client = api.as_user(reviewer)
    before = snapshot(action)
    for body, field in [
        ({"verification": ""}, "verification"),
        ({"verification": "   "}, "verification"),
        ({"verification": ["a list"]}, "verification"),
        ({"password": ""}, "password"),
    ]:
        response = verify(client, action, **body)
        assert response.status_code == 400 and field in response.json(), body
    response = client.post(f"/api/corrective-actions/{action.pk}/verification/", {"verification": CHECKED})
    assert response.status_code == 400 and "password" in response.json()
    assert snapshot(action) == before

    # The assessment's own signatures cannot carry the meaning "verified".
    response = client.post(
        f"/api/assessments/{approved.pk}/signatures/", {"meaning": "verified", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400 and "meaning" in response.json()
    assert not Signature.objects.filter(meaning="verified").exists()

    assert verify(client, action).status_code == 201
    again = verify(client, action, verification="Checked twice")
    assert again.status_code == 409 and "already verified effective" in again.json()["detail"]
    assert CorrectiveAction.objects.get(pk=action.pk).verification == CHECKED
    assert Signature.objects.filter(meaning="verified").count() == 1


def test_verification_before_approval_is_409(api, assessment, lead_auditor, reviewer, checklist):
    question = Question.objects.get(checklist=checklist, code="C.1")
    finding = findings.raise_finding(
        assessment,
        lead_auditor,
        question=question,
        classification="critical",
        description="Grade A not monitored",
    )
    action = findings.plan_action(
        finding, lead_auditor, description="Monitor", owner="QA", due_date=timezone.localdate()
    )
    response = verify(api.as_user(reviewer), action)
    assert response.status_code == 409 and "after approval" in response.json()["detail"]
    assert snapshot(action)["status"] == "open" and not Signature.objects.exists()


def test_a_wrong_password_is_403_and_counts_toward_lock_out(api, conditional, reviewer):
    action = actions_of(conditional)[0]
    client = api.as_user(reviewer)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = verify(client, action, password=f"not-my-password-{attempt}")
        assert response.status_code == 403, response.json()
    assert AccessFailureLog.objects.filter(username="reviewer").count() == settings.AXES_FAILURE_LIMIT
    # The lock-out revoked the reviewer's token: a new one, the right password, a locked account.
    locked = verify(api.as_user(reviewer), action)
    assert locked.status_code == 403 and locked.json()["detail"] == LOCKED_MESSAGE
    assert snapshot(action)["status"] == "open" and not Signature.objects.filter(meaning="verified").exists()
    assert vendor_status(conditional) == "conditionally_approved"


# --- verified and closed actions are read-only ------------------------------------------------------


EVERY_FIELD = [
    {"description": "Something else"},
    {"owner": "Someone else"},
    {"due_date": "2031-06-30"},
    {"root_cause": "Another cause"},
    {"vendor_action": "Another action"},
    {"status": "accepted"},
    {"status": "verified_effective"},
    {"status": "closed"},
    {"verification": ""},
    {"verification": "Rewritten"},
]


def test_a_verified_or_closed_action_is_read_only_for_every_field(api, conditional, lead_auditor, reviewer, auditor):
    action = actions_of(conditional)[0]
    assert verify(api.as_user(reviewer), action).status_code == 201
    for state in ("verified_effective", "closed"):
        if state == "closed":
            closed = api.as_user(reviewer).post(f"/api/corrective-actions/{action.pk}/close/", {}, format="json")
            assert closed.status_code == 200 and closed.json()["status"] == "closed"
        before = snapshot(action)
        assert before["status"] == state
        for user in (lead_auditor, auditor, reviewer):
            for body in EVERY_FIELD:
                response = patch(api.as_user(user), action, body)
                assert response.status_code == 409, (state, user.username, body, response.json())
                assert "read-only" in response.json()["detail"]
        with pytest.raises(Exception, match="read-only"):
            findings.update_action(CorrectiveAction.objects.get(pk=action.pk), lead_auditor, root_cause="Later")
        assert snapshot(action) == before
        assert record.action_signature_state(CorrectiveAction.objects.get(pk=action.pk).verification_signature).valid
    # Closing keeps the verification signature valid (the status is not part of what it covers) ...
    assert all(s.valid for s in record.signature_states(conditional))
    # ... a change behind the product's back does not.
    CorrectiveAction.objects.filter(pk=action.pk).update(verification="Rewritten in the database")
    state = [s for s in record.signature_states(conditional) if s.signature.meaning == "verified"][0]
    assert (state.valid, state.why_invalid) == (False, "the corrective action changed after signing")


def test_closing_is_a_qa_reviewers_step_after_verification(api, conditional, reviewer, auditor, lead_auditor):
    action = actions_of(conditional)[0]
    url = f"/api/corrective-actions/{action.pk}/close/"
    early = api.as_user(reviewer).post(url, {}, format="json")
    assert early.status_code == 409 and "only a verified-effective action" in early.json()["detail"]
    assert verify(api.as_user(reviewer), action).status_code == 201
    for insider in (auditor, lead_auditor):
        assert api.as_user(insider).post(url, {}, format="json").status_code == 403
    assert snapshot(action)["status"] == "verified_effective"
    closed = api.as_user(reviewer).post(url, {"reason": "Effective for two quarters"}, format="json")
    assert closed.status_code == 200
    kept = CorrectiveAction.objects.get(pk=action.pk)
    assert kept.status == "closed" and kept.closed_at is not None
    entry = action_entries(action).filter(changes__has_key="status").latest("timestamp")
    assert entry.changes["status"] == ["verified_effective", "closed"] and entry.reason == "Effective for two quarters"
    assert api.as_user(reviewer).post(url, {}, format="json").status_code == 409


def test_reopening_the_assessment_leaves_the_verification_valid(api, conditional, reviewer):
    """The verification covers its action, which stays read-only; reopening voids the
    assessment's own signatures."""
    action = actions_of(conditional)[0]
    assert verify(api.as_user(reviewer), action).status_code == 201
    why = "A recall at the vendor was reported after approval."
    reopened = api.as_user(reviewer).post(
        f"/api/assessments/{conditional.pk}/reopen/", {"reason": why, "password": PASSWORD}, format="json"
    )
    assert reopened.status_code == 200, reopened.json()
    states = {s.signature.meaning: s.valid for s in record.signature_states(Assessment.objects.get(pk=conditional.pk))}
    assert states == {"performed": False, "approved": False, "verified": True, "reopened": True}
    assert patch(api.as_user(conditional.lead_auditor), action, {"owner": "Someone else"}).status_code == 409


# --- the findings page ------------------------------------------------------------------------------


def findings_page(client, assessment):
    response = client.get(f"/assessments/{assessment.pk}/findings/")
    assert response.status_code == 200
    return response.content.decode()


def test_verification_through_the_findings_page(client, conditional, reviewer, auditor):
    first, last = actions_of(conditional)
    action_url = f"/corrective-actions/{first.pk}/verification/"

    # The team follows up, but is offered no verification and no verified or closed status.
    client.force_login(auditor)
    page = findings_page(client, conditional)
    assert "Follow up" in page and action_url not in page
    assert 'value="verified_effective"' not in page and 'value="closed"' not in page
    assert 'name="verification"' not in page
    client.post(action_url, {"verification": CHECKED, "username": "auditor", "password": PASSWORD})
    assert snapshot(first)["status"] == "open"

    client.force_login(reviewer)
    page = findings_page(client, conditional)
    assert action_url in page and "Verify effectiveness and sign" in page and 'name="username"' in page
    # A wrong password: refused with a message, nothing changed.
    response = client.post(
        action_url, {"verification": CHECKED, "username": "reviewer", "password": "wrong"}, follow=True
    )
    assert "password is not correct" in response.content.decode()
    assert snapshot(first)["status"] == "open" and not Signature.objects.filter(meaning="verified").exists()

    response = client.post(action_url, {"verification": CHECKED, "username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{conditional.pk}/findings/#finding-{first.finding.number}"
    first.refresh_from_db()
    assert (first.status, first.verification) == ("verified_effective", CHECKED)
    signature = Signature.objects.get(meaning="verified", corrective_action=first)
    assert signature.signer == reviewer and record.action_signature_state(signature).valid
    assert action_entries(first).filter(changes__has_key="status").latest("timestamp").reason == CHECKED
    page = findings_page(client, conditional)
    assert "Verified effective by <strong>Reviewer Tester</strong>" in page and "valid" in page
    assert f"/corrective-actions/{first.pk}/close/" in page  # verified: it may now be closed
    assert vendor_status(conditional) == "conditionally_approved"

    # Later in the session the password alone signs (21 CFR 11.200(a)(1)(ii)).
    client.post(f"/corrective-actions/{last.pk}/verification/", {"verification": CHECKED, "password": PASSWORD})
    assert snapshot(last)["status"] == "verified_effective"
    assert vendor_status(conditional) == "approved"

    client.post(f"/corrective-actions/{first.pk}/close/", {})
    assert snapshot(first)["status"] == "closed"
