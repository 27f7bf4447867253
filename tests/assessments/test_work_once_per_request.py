"""Work once per request (assessments/memo.py): the review page and the workspace work out the
content hash, the contributors, the score and what blocks submission once, in a bounded number
of queries; the memo never outlives its request, is emptied by any write and is not used inside
a rule module's transaction. The review page shows a page of the history, not all of it."""

import re

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from assessments import findings as finding_service
from assessments import memo, record, signatures, workflow
from assessments.answers import save_answers
from checklists.models import Question
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers, downgrade_rationale, new_assessment

pytestmark = pytest.mark.django_db

#: Measured on SQLite in the test transaction (a savepoint and its release count as two): the
#: review page made 53 queries and the workspace 41 before the memo (docs: benchmarks/README.md).
REVIEW_QUERIES = 28  # 27, plus the latest return for rework (assessments/returns.py)
WORKSPACE_QUERIES = 24  # 23, plus the vendor's latest submitted questionnaire (assessments/questionnaires.py)


def build(checklist, vendor, lead, auditor, reviewer, *, submit=True):
    """A fully answered record with evidence, a major finding with its action and a minor one;
    submitted and signed as performed by the lead unless `submit` is false."""
    assessment = new_assessment(checklist, vendor, lead, reviewer, team=[auditor])
    save_answers(assessment, lead, compliant_answers(checklist))
    attach_required_evidence(assessment, lead)
    for code, classification in (("A.1", "major"), ("B.1", "minor")):
        question = Question.objects.get(checklist=checklist, code=code)
        finding = finding_service.raise_finding(
            assessment,
            lead,
            description=f"Finding on {code}",
            classification=classification,
            question=question,
            downgrade_rationale=downgrade_rationale(question, classification),
        )
        if finding.needs_corrective_action:
            finding_service.plan_action(finding, lead, description="Correct it", owner="QA", due_date="2031-01-31")
    assessment.refresh_from_db()
    if submit:
        workflow.submit(assessment, lead)
        signatures.sign(assessment, lead, "performed", PASSWORD, request=RequestFactory().post("/"))
    return assessment


def canonical_reads(queries) -> int:
    """How often the canonical content was read: its query of the evidence hashes by answer."""
    return sum(1 for q in queries if re.search(r'SELECT "assessments_evidence"\."answer_id" AS "answer_id"', q["sql"]))


def contributor_reads(queries) -> int:
    """How often the contributors were read: their query of the minor-findings reviews' deciders."""
    return sum(1 for q in queries if '"assessments_minorfindingsreview"."decided_by_id"' in q["sql"])


def test_the_review_page_hashes_the_record_once_in_bounded_queries(
    client, checklist, vendor, lead_auditor, auditor, reviewer, django_assert_max_num_queries
):
    assessment = build(checklist, vendor, lead_auditor, auditor, reviewer)
    client.force_login(reviewer)
    url = f"/assessments/{assessment.pk}/review/"
    client.get(url)  # the first read after the log-in refreshes the session
    with django_assert_max_num_queries(REVIEW_QUERIES), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # What the remembered values say is what a fresh computation says: the signature holds, and
    # the assigned, independent reviewer is offered the approval.
    signatures_html = page.split('<ul class="signatures">', 1)[1].split("</ul>", 1)[0]
    assert f"{lead_auditor.full_name}, performed" in signatures_html and "valid</span>" in signatures_html
    assert "invalid" not in signatures_html
    assert [s.valid for s in record.signature_states(assessment)] == [True]
    # The signature states and the approval problems both need the hash and the contributors.
    assert canonical_reads(queries.captured_queries) == 1
    assert contributor_reads(queries.captured_queries) == 1
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]


@pytest.mark.parametrize("submitted", [True, False], ids=["submitted", "in_progress"])
def test_the_workspace_works_once_in_bounded_queries(
    client, checklist, vendor, lead_auditor, auditor, reviewer, submitted, django_assert_max_num_queries
):
    assessment = build(checklist, vendor, lead_auditor, auditor, reviewer, submit=submitted)
    client.force_login(lead_auditor)
    url = f"/assessments/{assessment.pk}/?criterion=A"
    client.get(url)
    with django_assert_max_num_queries(WORKSPACE_QUERIES), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert canonical_reads(queries.captured_queries) <= 1  # once for the signatures (none in progress)
    blockers = [q for q in queries.captured_queries if 'FROM "assessments_minorfindingsreview"' in q["sql"]]
    assert len(blockers) <= 1  # submission blockers once (none are asked of a submitted record)


def test_the_workspace_makes_the_same_queries_whatever_evidence_its_answers_hold(
    client, checklist, vendor, lead_auditor, auditor, reviewer
):
    """Whether each evidence file may be removed asks who is on the team: of the page's own
    assessment, not of a copy loaded with each answer (one more query per answer with a file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments import evidence
    from tests.factories import EVIDENCE_PDF

    assessment = new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    save_answers(assessment, lead_auditor, compliant_answers(checklist))
    codes = list(
        Question.objects.filter(checklist=checklist, criterion__code="A")
        .order_by("order")
        .values_list("code", flat=True)
    )
    client.force_login(lead_auditor)
    url = f"/assessments/{assessment.pk}/?criterion=A"

    def queries_with_files_on(n):
        for code in codes[:n]:
            if not assessment.answers.get(question__code=code).evidence.exists():
                evidence.attach(assessment, lead_auditor, code, SimpleUploadedFile(f"{code}.pdf", EVIDENCE_PDF))
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    assert len(codes) >= 5
    assert queries_with_files_on(1) == queries_with_files_on(5)


def test_the_memo_is_emptied_by_a_write(checklist, vendor, lead_auditor, auditor, reviewer):
    assessment = build(checklist, vendor, lead_auditor, auditor, reviewer, submit=False)
    with memo.scope():
        before = record.content_hash(assessment)
        with CaptureQueriesContext(connection) as again:
            assert record.content_hash(assessment) == before
        assert len(again) == 0  # remembered
        save_answers(assessment, lead_auditor, [{"question": "A.3", "value": "partial"}])
        after = record.content_hash(assessment)
    assert after != before
    assert after == record.hash_of(record.canonical_content(assessment))


def test_the_memo_is_not_used_outside_a_request_nor_inside_a_transaction(assessment):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert memo.remember(assessment, "test", compute) == 1
    assert memo.remember(assessment, "test", compute) == 2  # no request: afresh
    with memo.scope():
        assert memo.remember(assessment, "test", compute) == 3
        assert memo.remember(assessment, "test", compute) == 3
        with transaction.atomic():  # a rule module's transaction: under a lock, always afresh
            assert memo.remember(assessment, "test", compute) == 4
            assert memo.remember(assessment, "test", compute) == 5
        assert memo.remember(assessment, "test", compute) == 3
    with memo.scope():  # the next request starts empty
        assert memo.remember(assessment, "test", compute) == 6


def test_a_signature_made_in_the_request_shows_at_once(client, checklist, vendor, lead_auditor, auditor, reviewer):
    """The page signs and then shows the signature states: the write empties what was remembered."""
    assessment = build(checklist, vendor, lead_auditor, auditor, reviewer, submit=False)
    with memo.scope():
        assert record.signature_states(assessment) == []
        assert signatures.may_sign(assessment, lead_auditor, "performed")
        signatures.sign(assessment, lead_auditor, "performed", PASSWORD, request=RequestFactory().post("/"))
        states = record.signature_states(assessment)
        assert [s.valid for s in states] == [True]
        assert not signatures.may_sign(assessment, lead_auditor, "performed")


def test_the_review_page_shows_the_latest_30_changes_and_links_the_whole_trail(
    client, checklist, vendor, lead_auditor, auditor, reviewer
):
    assessment = build(checklist, vendor, lead_auditor, auditor, reviewer)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/assessments/{assessment.pk}/review/").content.decode()
    history = page.split("Recent history", 1)[1]
    assert history.count("<li><small>") == 30
    assert f'href="/assessments/{assessment.pk}/history/"' in history
    trail_reads = [q["sql"] for q in queries.captured_queries if 'FROM "audit_auditentry"' in q["sql"]]
    assert any("LIMIT 30" in sql for sql in trail_reads)
    # The newest change comes first: the lead's "performed" signature.
    assert "signature" in history.split("<li><small>")[1].lower()
