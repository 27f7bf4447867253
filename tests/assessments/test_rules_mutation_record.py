"""What a signature covers and whether it still holds (assessments/record.py), pinned where
mutation testing showed the other tests would not notice a broken rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import answers, evidence, findings, record
from tests.helpers.records import completed, fresh, sign

pytestmark = pytest.mark.django_db


def first_compliance_question(checklist):
    return checklist.questions.filter(answer_type="compliance", condition_question="").order_by("code").first()


def test_the_content_covers_each_evidence_file_of_its_answer(assessment, lead_auditor, checklist):
    assessment = completed(assessment, lead_auditor)
    question = first_compliance_question(checklist)
    before = record.content_hash(assessment)
    item = evidence.attach(assessment, lead_auditor, question.code, SimpleUploadedFile("sop.pdf", b"%PDF-1.4 SOP"))
    answer = next(a for a in record.canonical_content(assessment)["answers"] if a["question"] == question.code)
    assert item.sha256 in answer["evidence"]
    assert record.content_hash(assessment) != before


def test_the_content_names_the_question_of_a_finding_and_none_for_a_whole_criterion(
    assessment, lead_auditor, checklist
):
    assessment = completed(assessment, lead_auditor)
    question = first_compliance_question(checklist)
    findings.raise_finding(
        assessment,
        lead_auditor,
        question=question,
        classification="minor",
        description="On one",
        downgrade_rationale="Seen once.",
    )
    findings.raise_finding(
        assessment, lead_auditor, criterion=question.criterion, classification="minor", description="On all"
    )
    content = record.canonical_content(assessment)["findings"]
    assert [(f["number"], f["question"], f["criterion"]) for f in content] == [
        (1, question.code, question.criterion.code),
        (2, None, question.criterion.code),
    ]


def test_a_change_after_signing_leaves_the_signature_listed_as_invalid(assessment, lead_auditor, checklist):
    assessment = completed(assessment, lead_auditor)
    signature = sign(assessment, lead_auditor, "performed")
    assert record.has_valid_signature(fresh(assessment), "performed", lead_auditor)
    question = first_compliance_question(checklist)
    answers.save_answers(assessment, lead_auditor, [{"question": question.code, "value": "partial"}])
    states = record.signature_states(fresh(assessment))
    assert [(s.signature.pk, s.valid, s.why_invalid) for s in states] == [
        (signature.pk, False, "the record changed after signing")
    ]
    assert not record.has_valid_signature(fresh(assessment), "performed", lead_auditor)


def test_a_valid_signature_of_any_signer_counts_when_no_signer_is_named(assessment, lead_auditor, reviewer):
    assessment = completed(assessment, lead_auditor)
    assert not record.has_valid_signature(assessment, "performed")
    sign(assessment, lead_auditor, "performed")
    assert record.has_valid_signature(fresh(assessment), "performed")
    assert not record.has_valid_signature(fresh(assessment), "performed", reviewer)
    assert not record.has_valid_signature(fresh(assessment), "approved")


def test_the_current_hash_a_caller_gives_is_not_computed_again(assessment, lead_auditor, django_assert_num_queries):
    """The report passes the hash it has already computed: the states then cost one query."""
    assessment = completed(assessment, lead_auditor)
    sign(assessment, lead_auditor, "performed")
    assessment = fresh(assessment)
    current = record.content_hash(assessment)
    with django_assert_num_queries(1):
        states = record.signature_states(assessment, current)
    assert [s.valid for s in states] == [True]
