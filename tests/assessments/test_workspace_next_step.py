"""The workspace says what the assessment waits for and who can do it, lists what blocks
submission as links grouped by criterion, and shows a question's own gap on the question."""

import re

import pytest

from assessments import answers, findings, workflow
from assessments.models import Assessment
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, assessment, criterion="A"):
    return client.get(f"/assessments/{assessment.pk}/?criterion={criterion}").content.decode()


def test_the_header_names_who_submits_and_the_auditor_is_told_only_the_lead_does(
    client, assessment, auditor, lead_auditor, checklist
):
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    client.force_login(auditor)
    body = page(client, assessment)
    assert "Waiting for Lead Tester to submit." in body
    assert "Only the lead auditor, Lead Tester, submits this assessment" in body
    assert "Submit for review" not in body
    client.force_login(lead_auditor)
    body = page(client, assessment)
    assert "Waiting for you to submit." in body and "Submit for review" in body
    assert "Only the lead auditor" not in body


def test_once_submitted_the_header_names_the_lead_signature_and_the_reviewer(
    client, assessment, lead_auditor, auditor, checklist
):
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)
    client.force_login(auditor)
    assert "Waiting for Lead Tester to sign as performed, and for the review by Reviewer Tester." in page(
        client, assessment
    )
    client.force_login(lead_auditor)
    client.post(
        f"/assessments/{assessment.pk}/sign/", {"meaning": "performed", "password": PASSWORD, "username": "lead"}
    )
    client.force_login(auditor)
    assert "Waiting for the review by Reviewer Tester" in page(client, assessment)


def test_the_blocker_panel_links_each_question_grouped_by_criterion(client, assessment, auditor, checklist):
    client.force_login(auditor)
    body = page(client, assessment)
    problems = workflow.submission_problems(assessment)
    count = re.search(r'data-testid="blocker-count">(\d+)<', body)
    assert count and int(count.group(1)) == len(problems)
    first = checklist.questions.filter(required=True).order_by("criterion__order", "order").first()
    link = f'href="/assessments/{assessment.pk}/?criterion={first.criterion.code}#question-{first.code}"'
    assert link in body
    assert f"<dt>{first.criterion.code}. {first.criterion.title}</dt>" in body
    assert "Planned: waiting for the audit team (lead auditor Lead Tester) to start answering." in body


def test_na_without_justification_is_shown_on_the_question_not_as_saved(client, assessment, auditor, checklist):
    question = checklist.questions.filter(answer_type="yes_no").first()
    client.force_login(auditor)
    response = client.post(
        f"/assessments/{assessment.pk}/answers/{question.code}/", {"value": "na", "version": "0"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saved, but still blocks submission: &#x27;not applicable&#x27; needs a justification." in body
    # The panel comes with it (out of band) and names the question.
    assert 'id="blockers" class="blocker-panel" hx-swap-oob="true"' in body
    assert f'data-question="{question.code}"' in body
    response = client.post(
        f"/assessments/{assessment.pk}/answers/{question.code}/",
        {"value": "na", "na_justification": "No viral vectors made here", "version": "1"},
        **HTMX,
    )
    body = response.content.decode()
    assert "still blocks submission: &#x27;not applicable&#x27;" not in body.split('id="version-')[0]
    assert body.startswith("Saved by Auditor Tester, ") and " UTC</time>" in body
    assert f'data-question="{question.code}"' not in body


def test_submitting_with_many_blockers_is_one_message_and_the_panel(client, assessment, lead_auditor):
    workflow.start(assessment, lead_auditor)
    client.force_login(lead_auditor)
    response = client.post(f"/assessments/{assessment.pk}/step/submit/", follow=True)
    body = response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status != "submitted"
    problems = workflow.submission_problems(assessment)
    assert len(problems) > 3
    assert f"{len(problems)} things are missing" in body
    assert problems[0] not in body.split('id="blockers"')[0]  # not repeated as message cards
    assert 'class="blocker-groups"' in body


def test_blockers_carry_their_question_and_criterion(assessment, checklist):
    blockers = workflow.submission_blockers(assessment)
    assert [b.text for b in blockers] == workflow.submission_problems(assessment)
    codes = {q.code: q.criterion.code for q in checklist.questions.select_related("criterion")}
    for b in blockers:
        if b.question:
            assert b.criterion == codes[b.question] and b.text.startswith(f"{b.question}: ")


def test_a_finding_without_its_action_blocks_at_its_question_or_its_criterion(assessment, checklist, lead_auditor):
    question = checklist.questions.get(code="C.1")
    on_question = findings.raise_finding(
        assessment, lead_auditor, question=question, classification="major", description="Gap at C.1."
    )
    on_criterion = findings.raise_finding(
        assessment, lead_auditor, criterion=question.criterion, classification="critical", description="Gap in C."
    )
    by_finding = {b.finding: b for b in workflow.submission_blockers(assessment) if b.finding}
    assert (by_finding[on_question.number].question, by_finding[on_question.number].criterion) == ("C.1", "C")
    assert (by_finding[on_criterion.number].question, by_finding[on_criterion.number].criterion) == (None, "C")
