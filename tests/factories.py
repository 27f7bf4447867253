"""Builders of test data shared by the suite."""


def published_checklist(code, name, criteria, by=None):
    """A checklist of a test's own, version 1, with `criteria` (the shape `publishing.copy_into`
    takes: criteria with their questions), published by `by` (a user, or None)."""
    from checklists import publishing
    from checklists.models import Checklist

    draft = Checklist.objects.create(code=code, version=1, name=name)
    publishing.copy_into(draft, criteria)
    return publishing.publish(draft, by)


def new_assessment(checklist, vendor, lead, reviewer, team=(), **fields):
    """A planned assessment: `lead` leads it with `team`, `reviewer` is named to review it."""
    from assessments.models import Assessment

    assessment = Assessment.objects.create(
        vendor=vendor, checklist=checklist, lead_auditor=lead, reviewer=reviewer, created_by=lead, **fields
    )
    assessment.audit_team.set(team)
    return assessment


def compliant_answers(checklist, **overrides):
    """One compliant answer per question (conditions satisfied), for filling a whole checklist."""
    items = []
    for q in checklist.questions.all():
        if q.answer_type == "compliance":
            value = "compliant"
        elif q.answer_type == "yes_no":
            value = q.expected_answer
        elif q.answer_type == "maturity":
            value = 4
        elif q.answer_type == "numeric":
            value = float(q.min_value if q.min_value is not None else q.max_value)
        else:
            value = "Noted."
        items.append({"question": q.code, "value": overrides.get(q.code, value)})
    return items


EVIDENCE_PDF = b"%PDF-1.4 evidence seen on site"


def attach_required_evidence(assessment, user):
    """One small PDF on every answered question that requires evidence (an N/A answer needs none),
    as an auditor would attach before submitting. Returns how many files were attached."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments import evidence
    from assessments.models import Answer

    codes = (
        Answer.objects.filter(assessment=assessment, question__evidence_required=True)
        .exclude(value="na")
        .exclude(evidence__isnull=False)
        .values_list("question__code", flat=True)
    )
    codes = list(codes)
    for code in codes:
        upload = SimpleUploadedFile(f"{code}.pdf", EVIDENCE_PDF, content_type="application/pdf")
        evidence.attach(assessment, user, code, upload)
    return len(codes)


def downgrade_rationale(question, classification) -> str:
    """The rationale a finding classed lower than proposed from its question's severity needs."""
    from assessments import findings
    from assessments.choices import is_lower_class

    if is_lower_class(classification, findings.proposed_classification(question)):
        return f"Classed {classification}: the deficiency was isolated and had no impact on product."
    return ""


def approved_assessment(
    checklist, vendor, lead, reviewer, *, team=(), items=None, findings=(), approved_at=None, password=None, **fields
):
    """An assessment taken through the real workflow to approved: answers saved (`items`, by
    default `compliant_answers`), findings raised (`findings`: (question code, class) pairs; a
    critical or major one gets a corrective action), submitted, signed as performed by `lead` and
    approved by `reviewer` (who must not be on the team). `approved_at` backdates the approval."""
    from django.test import RequestFactory

    from assessments import findings as finding_service
    from assessments import signatures, workflow
    from assessments.answers import save_answers
    from assessments.models import Assessment
    from checklists.models import Question
    from tests.conftest import PASSWORD

    password = password or PASSWORD
    assessment = new_assessment(checklist, vendor, lead, reviewer, team=team, **fields)
    save_answers(assessment, lead, compliant_answers(checklist) if items is None else items)
    attach_required_evidence(assessment, lead)
    for code, classification in findings:
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
            finding_service.plan_action(
                finding, lead, description=f"Correct {code}", owner="Head of QA", due_date="2031-01-31"
            )
    assessment.refresh_from_db()
    workflow.submit(assessment, lead)
    signatures.sign(assessment, lead, "performed", password, request=RequestFactory().post("/"))
    signatures.sign(assessment, reviewer, "approved", password, request=RequestFactory().post("/"))
    if approved_at is not None:
        from assessments import evaluation

        Assessment.objects.filter(pk=assessment.pk).update(approved_at=approved_at)
        evaluation.refresh_latest_approvals([assessment.vendor_id])  # which approval is the latest may change
    assessment.refresh_from_db()
    return assessment
