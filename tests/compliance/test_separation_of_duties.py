"""Separation of duties (21 CFR 11.10(g), EU GMP Annex 11 §12; docs/compliance.md): whoever wrote
any part of an assessment never approves it, the approver is the assigned reviewer, and who did
the audit cannot change while the record is submitted. Each rule through the API, the pages and
the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from assessments import answers, evidence, findings, permissions, workflow
from assessments.models import Assessment, Signature
from audit.models import AuditEntry
from checklists.models import Question
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers, downgrade_rationale
from tests.helpers.admin import admin_form_data
from tests.helpers.api import assessment_url as url
from tests.helpers.api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def double_role(make_user):
    """An auditor who also holds the QA reviewer role: the user of the walk-around in #10."""
    return make_user("dual", Role.AUDITOR, Role.REVIEWER)


def sign(client, assessment, meaning, **body):
    return client.post(
        url(assessment, "signatures/"), {"meaning": meaning, "password": PASSWORD, **body}, format="json"
    )


def author(kind, assessment, user):
    """`user` writes one part of the record: an answer, an evidence file, a finding or the report's
    narrative (through the API: of the narrative, only the audit trail keeps the writer)."""
    if kind == "narrative":
        response = client_for(user).patch(url(assessment), {"conclusion": "Approvable."}, format="json")
        assert response.status_code == 200, response.json()
    elif kind == "answer":
        answers.save_answers(assessment, user, [{"question": "A.3", "value": "compliant"}])
    elif kind == "evidence":
        upload = SimpleUploadedFile("sop.pdf", b"%PDF-1.4 sop", content_type="application/pdf")
        evidence.attach(assessment, user, "A.3", upload)
    else:
        question = Question.objects.get(checklist=assessment.checklist, code="A.3")
        findings.raise_finding(
            assessment,
            user,
            question=question,
            classification="minor",
            description="Gowning",
            downgrade_rationale=downgrade_rationale(question, "minor"),
        )


def complete(assessment, lead):
    answers.save_answers(assessment, lead, compliant_answers(assessment.checklist))
    attach_required_evidence(assessment, lead)
    assessment.refresh_from_db()


@pytest.mark.parametrize("kind", ["answer", "evidence", "finding", "narrative"])
def test_an_author_taken_off_the_team_still_cannot_review_or_approve(
    api, assessment, lead_auditor, auditor, reviewer, double_role, kind
):
    """The walk-around of #10 point 2: write an answer, be removed from the team, sign "approved"."""
    assessment.audit_team.add(double_role)
    author(kind, assessment, double_role)
    lead = api.as_user(lead_auditor)
    removed = lead.patch(url(assessment), {"audit_team": [auditor.pk]}, format="json")
    assert removed.status_code == 200, removed.json()
    assert double_role.pk in permissions.contributor_ids(assessment)

    # Naming them reviewer is refused wherever the plan changes.
    refused = lead.patch(url(assessment), {"reviewer": double_role.pk}, format="json")
    assert refused.status_code == 400 and "wrote part of this record" in refused.json()["reviewer"][0]
    assert Assessment.objects.get(pk=assessment.pk).reviewer == reviewer

    # Even if the data said so (set behind the rules), they can neither approve nor return.
    complete(assessment, lead_auditor)
    workflow.submit(assessment, lead_auditor)
    assert sign(lead, assessment, "performed").status_code == 201
    Assessment.objects.filter(pk=assessment.pk).update(reviewer=double_role)
    assessment.refresh_from_db()
    insider = api.as_user(double_role)
    for meaning in ("reviewed", "approved"):
        assert sign(insider, assessment, meaning).status_code == 403
    assert insider.post(url(assessment, "return/"), {"reason": "mine"}, format="json").status_code == 403
    assert any("written any part" in p for p in workflow.approval_problems(assessment, double_role))
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and not Signature.objects.filter(meaning="approved").exists()


def test_only_the_assigned_reviewer_approves_returns_or_reopens(api, assessment, lead_auditor, reviewer, make_user):
    other = make_user("reviewer2", Role.REVIEWER)
    complete(assessment, lead_auditor)
    workflow.submit(assessment, lead_auditor)
    assert sign(api.as_user(lead_auditor), assessment, "performed").status_code == 201

    client = api.as_user(other)
    assert client.get(url(assessment)).status_code == 200  # they may see it ...
    for meaning in ("reviewed", "approved"):
        response = sign(client, assessment, meaning)
        assert response.status_code == 403 and "assigned QA reviewer" in response.json()["detail"]
    assert client.post(url(assessment, "return/"), {"reason": "Not mine"}, format="json").status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"

    assert sign(api.as_user(reviewer), assessment, "approved").status_code == 201
    why = "A recall at the vendor was reported after approval."
    client = api.as_user(other)  # one client: as_user switches whom it speaks for
    refused = client.post(url(assessment, "reopen/"), {"reason": why, "password": PASSWORD}, format="json")
    assert refused.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == "approved"


def test_the_review_page_offers_approval_only_to_the_assigned_reviewer_and_refuses_others(
    client, api, assessment, lead_auditor, reviewer, make_user
):
    other = make_user("reviewer2", Role.REVIEWER)
    complete(assessment, lead_auditor)
    workflow.submit(assessment, lead_auditor)
    assert sign(api.as_user(lead_auditor), assessment, "performed").status_code == 201

    client.force_login(other)
    page = client.get(f"/assessments/{assessment.pk}/review/").content.decode()
    assert "Sign and approve" not in page
    response = client.post(
        f"/assessments/{assessment.pk}/sign/",
        {"meaning": "approved", "password": PASSWORD, "username": other.username},
        follow=True,
    )
    assert "assigned QA reviewer" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"

    client.force_login(reviewer)
    assert "Sign and approve" in client.get(f"/assessments/{assessment.pk}/review/").content.decode()


def test_who_did_the_audit_is_fixed_while_submitted_and_only_an_administrator_reassigns_the_review(
    api, assessment, lead_auditor, auditor, reviewer, quality_admin, make_user
):
    complete(assessment, lead_auditor)
    workflow.submit(assessment, lead_auditor)
    lead = api.as_user(lead_auditor)
    newcomer = make_user("newcomer", Role.AUDITOR)
    why = {"reason": "Staffing change"}
    refused = lead.patch(url(assessment), {"audit_team": [auditor.pk, newcomer.pk], **why}, format="json")
    assert refused.status_code == 400 and "returns it first" in refused.json()["audit_team"][0]
    other_lead = make_user("lead2", Role.LEAD_AUDITOR, Role.AUDITOR)
    refused = api.as_user(quality_admin).patch(url(assessment), {"lead_auditor": other_lead.pk, **why}, format="json")
    assert refused.status_code == 400 and "lead_auditor" in refused.json()
    assert set(Assessment.objects.get(pk=assessment.pk).audit_team.all()) == {auditor}

    successor = make_user("reviewer2", Role.REVIEWER)
    lead = api.as_user(lead_auditor)  # one client: as_user switches whom it speaks for
    refused = lead.patch(url(assessment), {"reviewer": successor.pk, **why}, format="json")
    assert refused.status_code == 403 and "only an administrator" in refused.json()["detail"]
    admin = api.as_user(quality_admin)
    assert admin.patch(url(assessment), {"reviewer": successor.pk}, format="json").status_code == 400  # no reason
    reassigned = admin.patch(
        url(assessment), {"reviewer": successor.pk, "reason": "Reviewer on leave until March"}, format="json"
    )
    assert reassigned.status_code == 200, reassigned.json()
    entry = AuditEntry.objects.filter(assessment_id=assessment.pk, changes__has_key="reviewer").order_by("pk").last()
    assert entry.reason == "Reviewer on leave until March" and entry.username == quality_admin.username

    assert sign(api.as_user(lead_auditor), assessment, "performed").status_code == 201
    assert sign(api.as_user(reviewer), assessment, "approved").status_code == 403
    assert sign(api.as_user(successor), assessment, "approved").status_code == 201


def test_the_admin_form_keeps_the_same_rules(client, assessment, lead_auditor, auditor, reviewer, quality_admin):
    change_url = f"/admin/assessments/assessment/{assessment.pk}/change/"
    client.force_login(quality_admin)

    # The reviewer on the audit team: refused.
    data = admin_form_data(client.get(change_url))
    data["audit_team"] = [str(auditor.pk), str(reviewer.pk)]
    response = client.post(change_url, data)
    assert response.status_code == 200 and "The reviewer must not be on the audit team." in response.content.decode()
    assert set(Assessment.objects.get(pk=assessment.pk).audit_team.all()) == {auditor}

    # Submitted: the team is fixed, and a change of scope needs a reason.
    complete(assessment, lead_auditor)
    workflow.submit(assessment, lead_auditor)
    data = admin_form_data(client.get(change_url))
    data["audit_team"] = [str(lead_auditor.pk)]
    data["reason"] = "Team changed"
    response = client.post(change_url, data)
    assert response.status_code == 200 and "returns it first" in response.content.decode()
    data = admin_form_data(client.get(change_url))
    data["scope"] = "Viral vectors only"
    response = client.post(change_url, data)
    assert response.status_code == 200 and "reason" in response.content.decode().lower()
    stored = Assessment.objects.get(pk=assessment.pk)
    assert set(stored.audit_team.all()) == {auditor} and stored.scope != "Viral vectors only"


def test_performed_is_signed_only_for_a_record_that_could_be_submitted(api, assessment, lead_auditor):
    """#10 point 4: the lead signed "performed" with 39 blockers."""
    answers.save_answers(assessment, lead_auditor, compliant_answers(assessment.checklist)[:5])
    response = sign(api.as_user(lead_auditor), assessment, "performed")
    assert response.status_code == 409 and len(response.json()["problems"]) > 5
    assert not Signature.objects.exists()


def test_evidence_required_blocks_submission_and_approval(api, assessment, lead_auditor):
    """#10 point 5: approved with no evidence on any of the questions that require it."""
    answers.save_answers(assessment, lead_auditor, compliant_answers(assessment.checklist))
    required = set(assessment.checklist.questions.filter(evidence_required=True).values_list("code", flat=True))
    problems = workflow.submission_problems(assessment)
    assert {p.split(":")[0] for p in problems} == required and len(required) == 23
    # N/A needs a justification, not evidence.
    code = sorted(required)[0]
    answers.save_answers(
        assessment, lead_auditor, [{"question": code, "value": "na", "na_justification": "No such area"}]
    )
    assert code not in {p.split(":")[0] for p in workflow.submission_problems(assessment)}
    refused = api.as_user(lead_auditor).post(url(assessment, "submit/"), {}, format="json")
    assert refused.status_code == 409
    attach_required_evidence(assessment, lead_auditor)
    assert workflow.submission_problems(assessment) == []
