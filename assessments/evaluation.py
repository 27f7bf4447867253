"""Feeds an assessment from the database into the pure scoring engine (assessments/scoring/).
A fixed number of queries whatever the number of answers: the checklist's specs (cached per
published version, which never changes), the answers, and the findings.

At approval the result is frozen (`freeze_scores`): the approval's criterion scores, overall score
and rating are stored with it, and pages that compare or chart approved assessments read those
stored numbers instead of scoring answers again."""

import dataclasses
from collections import defaultdict
from functools import lru_cache

from django.apps import apps as installed_apps
from django.db.models import F
from django.utils import timezone

from checklists.models import Checklist, Criterion, Question
from checklists.scoring_settings import ScoringSettings

from . import memo, scoring
from .choices import AssessmentStatus
from .models import Answer, Assessment, Evidence, Finding, ScoreAtApproval


@lru_cache(maxsize=64)
def _published_specs(checklist_id: int, published_at) -> tuple:
    return _load_specs(checklist_id)


def _load_specs(checklist_id: int, criterion_model=Criterion, question_model=Question) -> tuple:
    """(criteria specs, question specs) of one checklist version, in checklist order. The models
    may be a migration's historical ones: only their fields are read."""
    criteria = list(criterion_model.objects.filter(checklist_id=checklist_id).order_by("order", "code"))
    codes = {c.pk: c.code for c in criteria}
    questions = question_model.objects.filter(checklist_id=checklist_id).order_by("criterion__order", "order", "code")
    return (
        tuple(scoring.CriterionSpec(code=c.code, title=c.title, weight=c.weight) for c in criteria),
        tuple(question_spec(q, codes[q.criterion_id]) for q in questions),
    )


def question_spec(question: Question, criterion_code: str | None = None) -> scoring.QuestionSpec:
    """The scoring engine's view of one checklist question."""
    return scoring.QuestionSpec(
        code=question.code,
        criterion=criterion_code or question.criterion.code,
        answer_type=question.answer_type,
        weight=question.weight,
        severity=question.severity,
        required=question.required,
        evidence_required=question.evidence_required,
        expected_answer=question.expected_answer or None,
        min_value=question.min_value,
        max_value=question.max_value,
        condition_question=question.condition_question or None,
        condition_equals=question.condition_equals if question.condition_question else None,
    )


def checklist_specs(checklist: Checklist) -> tuple:
    """(criteria specs, question specs) of a checklist version, in checklist order."""
    if checklist.is_locked:
        return _published_specs(checklist.pk, checklist.published_at)
    return _load_specs(checklist.pk)


def answer_values(assessment: Assessment) -> tuple[dict, dict]:
    """The answers as the engine reads them: {code: value} and {code: N/A justification}; read once
    per request (assessments/memo.py)."""
    values, justifications = memo.remember(assessment, "answer_values", lambda: _answer_values(assessment))
    return dict(values), dict(justifications)


def _answer_values(assessment: Assessment) -> tuple[dict, dict]:
    values, justifications = {}, {}
    for code, value, justification in Answer.objects.filter(assessment=assessment).values_list(
        "question__code", "value", "na_justification"
    ):
        values[code] = value
        justifications[code] = justification
    return values, justifications


def finding_classes(assessment: Assessment) -> list[tuple[str, str]]:
    """(criterion code, class) of each finding; read once per request (assessments/memo.py)."""
    return list(
        memo.remember(
            assessment,
            "finding_classes",
            lambda: tuple(
                Finding.objects.filter(assessment=assessment).values_list("criterion__code", "classification")
            ),
        )
    )


def score(assessment: Assessment) -> scoring.AssessmentScore:
    """Once approved, the requalification interval is that of the decision taken. Worked out once
    per request (assessments/memo.py)."""
    return memo.remember(
        assessment, "score", lambda: _score(assessment), assessment.status, assessment.decision, assessment.vendor_id
    )


def _score(assessment: Assessment, values: dict | None = None) -> scoring.AssessmentScore:
    criteria, questions = checklist_specs(assessment.checklist)
    if values is None:
        values, _ = answer_values(assessment)
    return scoring.score_assessment(
        criteria,
        questions,
        values,
        finding_classes(assessment),
        assessment.vendor.inherent_risk,
        assessment.checklist.settings(),
        decision=assessment.decision if assessment.status == Assessment.Status.APPROVED else None,
    )


def visible_question_codes(assessment: Assessment, values: dict | None = None) -> set[str]:
    _, questions = checklist_specs(assessment.checklist)
    if values is None:
        values, _ = answer_values(assessment)
    return scoring.visible_questions(questions, values)


def missing_items(assessment: Assessment) -> list[tuple[str, str, str]]:
    """(question code, criterion code, what is missing) for each question that blocks submission;
    worked out once per request (assessments/memo.py)."""
    return list(memo.remember(assessment, "missing_items", lambda: tuple(_missing_items(assessment))))


def _missing_items(assessment: Assessment) -> list[tuple[str, str, str]]:
    _, questions = checklist_specs(assessment.checklist)
    values, justifications = answer_values(assessment)
    with_evidence = set(
        Evidence.objects.filter(answer__assessment=assessment).values_list("answer__question__code", flat=True)
    )
    criterion_of = {q.code: q.criterion for q in questions}
    return [
        (code, criterion_of[code], text)
        for code, text in scoring.missing_items(questions, values, justifications, with_evidence)
    ]


def missing_for_submission(assessment: Assessment) -> list[str]:
    return [f"{code}: {text}" for code, _, text in missing_items(assessment)]


def refresh(assessment: Assessment, values: dict | None = None, **fields) -> scoring.AssessmentScore:
    """Store the current overall score and rating on the assessment (for lists and filters).
    `values`: the answers as `answer_values` reads them, when the caller has them already;
    `fields`: other columns of the assessment written in the same UPDATE (e.g. `updated_at`)."""
    result = _score(assessment, values) if values is not None else score(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        overall_score=result.overall, risk_rating=result.risk_rating or "", **fields
    )
    assessment.overall_score, assessment.risk_rating = result.overall, result.risk_rating or ""
    return result


def _specs_by_checklist(checklists) -> dict[int, tuple]:
    """(criteria specs, question specs) per checklist id; published versions come from a cache."""
    return {c.pk: checklist_specs(c) for c in {c.pk: c for c in checklists}.values()}


def _answers_by_assessment(assessment_ids) -> dict[int, dict]:
    """{assessment id: {question code: value}} for many assessments in one query."""
    values: dict[int, dict] = defaultdict(dict)
    for assessment_id, code, value in Answer.objects.filter(assessment_id__in=list(assessment_ids)).values_list(
        "assessment_id", "question__code", "value"
    ):
        values[assessment_id][code] = value
    return values


def criterion_scores_of(assessments) -> dict[int, list[scoring.CriterionScore]]:
    """Criterion scores of many assessments: one query for all their answers (plus the checklist
    specs, cached per published version). The same engine as `score`."""
    assessments = list(assessments)
    specs = _specs_by_checklist(a.checklist for a in assessments)
    answers = _answers_by_assessment(a.pk for a in assessments)
    result = {}
    for a in assessments:
        criteria, questions = specs[a.checklist_id]
        result[a.pk] = scoring.criterion_scores(criteria, questions, answers.get(a.pk, {}))
    return result


# --------------------------------------------------------------------------- frozen at approval


def recorded_score(assessment: Assessment) -> scoring.AssessmentScore:
    """The score as the record holds it: for an approved assessment, the overall, criterion scores
    and rating frozen at its approval (what was signed, even if a checklist's settings changed
    since); otherwise the engine's result now. The other parts (decision, interval, findings) are
    the engine's, from the same read-only record. The score endpoint and the report read this."""
    result = score(assessment)
    if assessment.status != Assessment.Status.APPROVED:
        return result
    frozen = ScoreAtApproval.objects.filter(assessment=assessment, signing_cycle=assessment.signing_cycle).first()
    if frozen is None:
        return result
    by_code = {c["code"]: c for c in frozen.criterion_scores}
    criteria = [
        dataclasses.replace(
            c, score=by_code[c.code]["score"], answered=by_code[c.code]["answered"], total=by_code[c.code]["total"]
        )
        if c.code in by_code
        else c
        for c in result.criteria
    ]
    return dataclasses.replace(
        result,
        overall=float(frozen.overall_score) if frozen.overall_score is not None else None,
        criteria=criteria,
        risk_rating=frozen.risk_rating or None,
    )


def score_as_recorded(assessment: Assessment) -> dict:
    """The score endpoint's answer (the docs/api.md shape, nothing added): `recorded_score`."""
    return recorded_score(assessment).as_dict()


def frozen_values(result: scoring.AssessmentScore) -> dict:
    """The fields of a `ScoreAtApproval` for one engine result: the criterion scores exactly as the
    score endpoint gives them, the overall score and the rating."""
    return {
        "overall_score": result.overall,
        "risk_rating": result.risk_rating or "",
        "criterion_scores": result.as_dict()["criteria"],
    }


def freeze_scores(assessment: Assessment, result: scoring.AssessmentScore) -> ScoreAtApproval:
    """Store the scores of this approval with it (workflow.approve calls it, inside the approval's
    transaction, with the result it approved on): written once, for the assessment's current
    signing cycle. The assessment's own overall score and rating are set to the same numbers, so
    that the vendor's decision and every list agree with what was signed."""
    frozen = ScoreAtApproval(assessment=assessment, signing_cycle=assessment.signing_cycle, **frozen_values(result))
    frozen.save()
    Assessment.objects.filter(pk=assessment.pk).update(
        overall_score=result.overall, risk_rating=result.risk_rating or ""
    )
    assessment.overall_score, assessment.risk_rating = result.overall, result.risk_rating or ""
    refresh_latest_approvals([assessment.vendor_id])
    return frozen


def refresh_latest_approvals(vendor_ids=None, get_model=None) -> int:
    """Rewrite the `LatestApproval` rows of these vendors (of every vendor by default) from their
    current approvals: called, in their transaction, by whatever changes which approval is a
    vendor's latest (an approval, a reopening, a bulk load). Returns how many rows it wrote.

    The vendors' rows are locked first, so two approvals of one vendor committing side by side
    write one after the other, the second seeing the first. The pick is made in Python over the
    vendors' approvals read newest first, so a migration's historical models (`get_model`) do."""
    get_model = get_model or installed_apps.get_model
    frozen_model = get_model("assessments", "ScoreAtApproval")
    latest_model = get_model("assessments", "LatestApproval")
    current = frozen_model.objects.filter(
        assessment__status=AssessmentStatus.APPROVED, signing_cycle=F("assessment__signing_cycle")
    )
    stale = latest_model.objects.all()
    if vendor_ids is not None:
        vendor_ids = sorted(set(vendor_ids))
        list(get_model("vendors", "Vendor").objects.select_for_update().filter(pk__in=vendor_ids).values_list("pk"))
        current = current.filter(assessment__vendor_id__in=vendor_ids)
        stale = stale.filter(vendor_id__in=vendor_ids)
    rows: dict[int, object] = {}
    newest_first = current.order_by("assessment__vendor_id", "-assessment__approved_at", "-assessment_id")
    for pk, vendor_id, assessment_id, approved_at, rating, overall in newest_first.values_list(
        "pk", "assessment__vendor_id", "assessment_id", "assessment__approved_at", "risk_rating", "overall_score"
    ).iterator(chunk_size=2000):
        if vendor_id not in rows:
            rows[vendor_id] = latest_model(
                vendor_id=vendor_id,
                score_id=pk,
                assessment_id=assessment_id,
                approved_at=approved_at,
                risk_rating=rating,
                overall_score=overall,
            )
    stale.delete()
    latest_model.objects.bulk_create(rows.values(), batch_size=1000)
    return len(rows)


def freeze_missing(get_model=None, batch_size: int = 500) -> int:
    """Freeze the scores of every approved assessment that has none for its current signing cycle
    (approved before scores were frozen, or inserted in bulk); returns how many it froze.

    The same engine as `score`, over the same answers, findings and checklist version (an
    approved assessment's content is read-only, so its scores are those it was approved on). The
    rating kept is the one the assessment carries, which the approval and the vendor's decision
    used; the engine's only when it has none. `get_model` is a migration's `apps.get_model`, so
    that the data migration reads its historical models; by default the installed ones."""
    get_model = get_model or installed_apps.get_model
    assessment_model = get_model("assessments", "Assessment")
    frozen_model = get_model("assessments", "ScoreAtApproval")
    answer_model = get_model("assessments", "Answer")
    finding_model = get_model("assessments", "Finding")
    criterion_model = get_model("checklists", "Criterion")
    question_model = get_model("checklists", "Question")

    done = frozen_model.objects.filter(signing_cycle=F("assessment__signing_cycle")).values("assessment_id")
    pending = list(
        assessment_model.objects.filter(status=AssessmentStatus.APPROVED)
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    specs: dict[int, tuple] = {}
    now = timezone.now()
    for start in range(0, len(pending), batch_size):
        ids = pending[start : start + batch_size]
        answers: dict[int, dict] = defaultdict(dict)
        for assessment_id, code, value in answer_model.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "question__code", "value"
        ):
            answers[assessment_id][code] = value
        findings: dict[int, list] = defaultdict(list)
        for assessment_id, code, classification in finding_model.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "criterion__code", "classification"
        ):
            findings[assessment_id].append((code, classification))
        rows = []
        for a in assessment_model.objects.filter(pk__in=ids).select_related("vendor", "checklist").order_by("pk"):
            if a.checklist_id not in specs:
                specs[a.checklist_id] = _load_specs(a.checklist_id, criterion_model, question_model)
            criteria, questions = specs[a.checklist_id]
            result = scoring.score_assessment(
                criteria,
                questions,
                answers.get(a.pk, {}),
                findings.get(a.pk, []),
                a.vendor.inherent_risk,
                ScoringSettings.from_dict(a.checklist.scoring_settings),
                decision=a.decision or None,
            )
            values = frozen_values(result)
            values["risk_rating"] = a.risk_rating or values["risk_rating"]
            rows.append(frozen_model(assessment_id=a.pk, signing_cycle=a.signing_cycle, frozen_at=now, **values))
        frozen_model.objects.bulk_create(rows)
    if pending:
        _refresh_if_installed(get_model)
    return len(pending)


def _refresh_if_installed(get_model) -> None:
    """Refresh every vendor's latest approval, unless `get_model` is a migration's state from
    before the table existed (the migration that adds it fills it)."""
    try:
        get_model("assessments", "LatestApproval")
    except LookupError:
        return
    refresh_latest_approvals(get_model=get_model)
