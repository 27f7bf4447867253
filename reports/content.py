"""What the report a Qualified Person files shows beyond the record's raw parts: the decision and
approval block of the cover, the executive summary's narrative, each answer marked compliant,
partly compliant, not compliant or N/A, the evidence index, why a finding was classed lower than
proposed, score bars by band, the audit trail as user actions with their reasons, and the
document-control block.

`report_context` (reports/rendering.py) adds `qp_content(...)` to its context. Every stored value
becomes words here through the vocabularies that own them (`checklists.choices.value_label`,
`assessments.choices`, `vendors.choices`), so that no stored code reaches the PDF."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from assessments import evaluation, history, scoring
from assessments.choices import AnswerVerdict, AssessmentDecision, FindingClass, SignatureMeaning, is_lower_class
from assessments.models import Assessment, Evidence, ScoreAtApproval
from assessments.planning import NARRATIVE
from assessments.templatetags.stamps import moment_text
from audit.models import AuditEntry
from checklists.choices import AnswerType, value_label
from checklists.translation import text_of
from config import charts
from vendors.choices import RiskRating

from .choices import ReportStatus
from .models import AuditReport

#: The signatures of the approval block, in the order the record is signed.
APPROVAL_MEANINGS = (SignatureMeaning.PERFORMED, SignatureMeaning.REVIEWED, SignatureMeaning.APPROVED)
#: What the band of a score bar means (the bands of config/charts.py `band`).
BAND_LABELS = {
    "ok": "75 or more",
    "warn": "50 to under 75",
    "bad": "under 50",
    "none": "not applicable",
}


def _label(choices, value, default="—") -> str:
    try:
        return choices(value).label
    except ValueError:
        return str(value) if value else default


#: The executive summary's sections after the conclusion, in reading order: the narrative
#: (assessments/planning.py NARRATIVE) with the scope of the plan.
SUMMARY_FIELDS = ("objectives", "scope", *(name for name in NARRATIVE if name not in ("objectives", "conclusion")))


def _narrative(assessment: Assessment) -> list[dict]:
    return [
        {
            "name": name,
            "label": str(Assessment._meta.get_field(name).verbose_name).capitalize(),
            "text": getattr(assessment, name),
        }
        for name in SUMMARY_FIELDS
    ]


def _approval_block(signature_states, cycle: int) -> list[dict]:
    """Who performed, reviewed and approved the record in its current signing cycle: the latest
    signature of each meaning, whether it still holds, or that none was made."""
    latest = {}
    for state in signature_states:
        sig = state.signature
        if sig.corrective_action_id is None and sig.cycle == cycle and sig.meaning in APPROVAL_MEANINGS:
            latest[sig.meaning] = state
    return [
        {
            "meaning": meaning.label,
            "state": latest.get(meaning),
            "when": moment_text(latest[meaning].signature.signed_at) if meaning in latest else "",
        }
        for meaning in APPROVAL_MEANINGS
    ]


def _mark_answers(criteria: list[dict]) -> None:
    """Each question of the report's blocks gets its verdict (AnswerVerdict) and its answer in
    words; a question whose condition is not met is N/A, with the condition in words."""
    by_code = {item["question"].code: item["question"] for block in criteria for item in block["questions"]}
    for block in criteria:
        for item in block["questions"]:
            question, answer = item["question"], item["answer"]
            value = None if answer is None else answer.value
            if not item["applies"]:
                condition = by_code.get(question.condition_question)
                shown = value_label(condition, question.condition_equals) if condition else question.condition_equals
                item["verdict"] = AnswerVerdict.NOT_APPLICABLE
                item["value_label"] = f"does not apply: {question.condition_question} is not “{shown}”"
                continue
            item["verdict"] = scoring.verdict(evaluation.question_spec(question, block["criterion"].code), value)
            # The answer itself where it says more than the verdict: not for a compliance answer
            # (the verdict is its value), N/A or no answer.
            said = item["verdict"] in (AnswerVerdict.NOT_ANSWERED, AnswerVerdict.NOT_APPLICABLE)
            said = said or question.answer_type == AnswerType.COMPLIANCE
            item["value_label"] = "" if said else value_label(question, value)


def _evidence_index(assessment: Assessment) -> list[Evidence]:
    return list(
        Evidence.objects.filter(answer__assessment=assessment)
        .select_related("answer__question__criterion", "uploaded_by")
        .order_by("answer__question__criterion__order", "answer__question__order", "uploaded_at", "pk")
    )


def _findings(findings) -> list[dict]:
    rows = []
    for f in findings:
        proposed = f.proposed_classification or ""
        rows.append(
            {
                "finding": f,
                "label": _label(FindingClass, f.classification),
                "proposed_label": _label(FindingClass, proposed, "") if proposed else "",
                "downgraded": bool(proposed) and is_lower_class(f.classification, proposed),
            }
        )
    return rows


def _score_bars(result, criteria: dict) -> list[dict]:
    """`criteria`: the checklist's criteria by code, for their titles in the report's language."""
    return [
        {
            "code": c.code,
            "title": text_of(criteria[c.code], "title") if c.code in criteria else c.title,
            "score": c.score,
            "width": 0 if c.score is None else max(0.0, min(100.0, float(c.score))),
            "band": charts.band(c.score),
            "band_label": BAND_LABELS[charts.band(c.score)],
            "answered": c.answered,
            "total": c.total,
        }
        for c in result.criteria
    ]


# --- the audit trail as user actions -----------------------------------------------------------


def _bookkeeping() -> Q:
    """The entries the product writes around someone's action, which are no action of their own:
    a report's rendering (its status and attempts) and the scores frozen with an approval."""
    types = ContentType.objects.get_for_models(AuditReport, ScoreAtApproval)
    return Q(content_type=types[AuditReport], action=AuditEntry.Action.UPDATE) | Q(content_type=types[ScoreAtApproval])


def audit_actions(assessment: Assessment) -> list[dict]:
    """The assessment's audit trail as user actions, oldest first, in the words of the history
    page (assessments/history.py): when, who (the product itself is the system), what in a
    sentence and the reasons given. Every field row stays in the trail and its CSV."""
    entries = history.entries_of(assessment).exclude(_bookkeeping())
    return [
        {
            "when": moment_text(action.timestamp),
            "who": action.who,
            "what": history.describe(action.entries),
            "reason": "; ".join(action.reasons),
        }
        for action in reversed(history.actions(entries))
    ]


# --- document control --------------------------------------------------------------------------


def _document_control(assessment: Assessment, report) -> dict:
    supersedes = None
    if report is not None:
        earlier = (
            assessment.reports.filter(number__lt=report.number, status=ReportStatus.READY).order_by("-number").first()
        )
        supersedes = earlier.reference if earlier else None
    distribution = [f"{assessment.lead_auditor.full_name} (lead auditor)"]
    distribution += [f"{m.full_name} (audit team)" for m in assessment.audit_team.all()]
    if assessment.reviewer:
        distribution.append(f"{assessment.reviewer.full_name} (QA reviewer)")
    distribution += [
        "Qualified Person(s) certifying batches made by this vendor",
        f"Supplier qualification file of {assessment.vendor.name} (Quality Assurance)",
    ]
    return {
        "number": report.reference if report else "Preview (not stored)",
        "version": report.number if report else None,
        "supersedes": supersedes,
        "distribution": distribution,
    }


def qp_content(context: dict) -> dict:
    """The report's parts for a Qualified Person, from the context `report_context` built (its
    assessment, report, score, criteria, findings and signature states); marks each answer of
    `context["criteria"]` in place."""
    assessment, report, result = context["assessment"], context["report"], context["score"]
    _mark_answers(context["criteria"])
    actions = audit_actions(assessment)
    return {
        "decision_label": _label(AssessmentDecision, assessment.decision, "not decided yet"),
        "rating_label": _label(RiskRating, result.risk_rating, "none yet"),
        "approval_block": _approval_block(context["signature_states"], assessment.signing_cycle),
        "narrative": _narrative(assessment),
        "evidence_index": _evidence_index(assessment),
        "finding_rows": _findings(context["findings"]),
        "score_bars": _score_bars(result, {b["criterion"].code: b["criterion"] for b in context["criteria"]}),
        "band_labels": [(band, BAND_LABELS[band]) for band in ("ok", "warn", "bad")],
        "audit_actions": actions,
        "action_people": sorted({a["who"] for a in actions}),
        "document_control": _document_control(assessment, report),
    }
