"""What the report a Qualified Person files shows beyond the record's raw parts: the decision and
approval block of the cover, the executive summary's narrative, each answer marked compliant,
partly compliant, not compliant or N/A, the evidence index, why a finding was classed lower than
proposed, score bars by band, the audit trail as user actions with their reasons, and the
document-control block.

`report_context` (reports/rendering.py) adds `qp_content(...)` to its context. Every stored value
becomes words here through the vocabularies that own them (`checklists.choices.value_label`,
`assessments.choices`, `vendors.choices`), so that no stored code reaches the PDF."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from assessments import evaluation, scoring
from assessments.choices import (
    AnswerVerdict,
    AssessmentDecision,
    AssessmentStatus,
    FindingClass,
    SignatureMeaning,
    is_lower_class,
)
from assessments.models import Assessment, Evidence
from assessments.planning import NARRATIVE
from assessments.templatetags.stamps import moment_text
from audit.models import AuditEntry
from checklists.choices import AnswerType, value_label
from config import charts
from vendors.choices import RiskRating

from .choices import ReportStatus

#: The signatures of the approval block, in the order the record is signed.
APPROVAL_MEANINGS = (SignatureMeaning.PERFORMED, SignatureMeaning.REVIEWED, SignatureMeaning.APPROVED)
#: What the band of a score bar means (the bands of config/charts.py `band`).
BAND_LABELS = {
    "ok": "75 or more",
    "warn": "50 to under 75",
    "bad": "under 50",
    "none": "not applicable",
}
#: Entries the product writes around a user's action, which are no action of their own: the
#: rendering of a report (status, attempts) and the scores frozen with an approval.
BOOKKEEPING = {("reports", "auditreport", AuditEntry.Action.UPDATE), ("assessments", "scoreatapproval", None)}
#: Entries without a request id of one person within this time of each other are one action
#: (a rule module called outside a web request: an import, a command, the demo data).
SAME_ACTION = timedelta(seconds=2)


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


def _score_bars(result) -> list[dict]:
    return [
        {
            "code": c.code,
            "title": c.title,
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


@dataclass
class Action:
    """One user action: the entries of one request (or of one rule call outside a request)."""

    started: datetime
    ended: datetime
    person: str
    reason: str
    events: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def when(self) -> str:
        return moment_text(self.started)

    @property
    def summary(self) -> str:
        parts = list(self.events)
        for (verb, singular, plural), n in self.counts.items():
            parts.append(f"{verb} {n} {singular if n == 1 else plural}")
        return "; ".join(parts) or "no change recorded"


VERBS = {AuditEntry.Action.CREATE: "added", AuditEntry.Action.UPDATE: "changed", AuditEntry.Action.DELETE: "removed"}
#: How the trail counts the objects whose verbose names do not count well.
COUNTED_AS = {("assessments", "evidence"): ("evidence file", "evidence files")}


def _new_value(entry, name):
    change = (entry.changes or {}).get(name)
    return change[1] if isinstance(change, list) and len(change) == 2 else None


def _describe(entry, action: Action) -> None:
    """What one entry adds to its action: an event worth a sentence (a status change, a
    signature, a plan, a report asked for), else a count by kind of object."""
    ct = entry.content_type
    model = ct.model_class()
    changes = entry.changes or {}
    if ct.app_label == "assessments" and ct.model == "signature" and entry.action == AuditEntry.Action.CREATE:
        action.events.append(f"signed “{_label(SignatureMeaning, _new_value(entry, 'meaning'))}”")
        return
    if ct.app_label == "assessments" and ct.model == "assessment":
        if entry.action == AuditEntry.Action.CREATE:
            action.events.append("planned the assessment")
            return
        if "status" in changes and isinstance(changes["status"], list):
            old, new = changes["status"]
            action.events.append(f"status {_label(AssessmentStatus, old)} → {_label(AssessmentStatus, new)}")
        if "decision" in changes and _new_value(entry, "decision"):
            action.events.append(f"decision {_label(AssessmentDecision, _new_value(entry, 'decision'))}")
        others = [n for n in changes if n not in ("status", "decision", "submitted_at", "approved_at")]
        if others:
            names = ", ".join(_field_name(model, n) for n in others)
            action.events.append(f"changed the assessment ({names})")
        return
    if ct.app_label == "reports" and ct.model == "auditreport" and entry.action == AuditEntry.Action.CREATE:
        action.events.append(f"asked for report {entry.object_repr.split(' ')[0]}")
        return
    if model is None:
        action.events.append(entry.reason or "system event")
        return
    meta = model._meta
    singular, plural = COUNTED_AS.get((ct.app_label, ct.model), (str(meta.verbose_name), str(meta.verbose_name_plural)))
    action.counts[(VERBS.get(entry.action, "recorded"), singular, plural)] += 1


def _field_name(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed: its stored name
        return name.replace("_", " ")


def _is_bookkeeping(entry) -> bool:
    """Whether the entry is in BOOKKEEPING (None there: any action on that model)."""
    ct = entry.content_type
    return bool({(ct.app_label, ct.model, entry.action), (ct.app_label, ct.model, None)} & BOOKKEEPING)


def audit_actions(assessment_id: int) -> list[Action]:
    """The assessment's audit trail as user actions, oldest first: one per request id (what one
    click or API call did), with who acted (the product itself is "System"), the reason given and
    a sentence of what changed. Consecutive actions of one person with the same reason that only
    change answers, evidence and the like (no status change, signature or plan) are one line."""
    actions: list[Action] = []
    keys: list = []
    entries = AuditEntry.objects.filter(assessment_id=assessment_id).select_related("content_type")
    for entry in entries.order_by("timestamp", "pk"):
        if _is_bookkeeping(entry):
            continue
        person = entry.user_full_name or entry.username or "system"
        if entry.actor_id is None:  # the product itself: a worker, the sweep, a command
            person = person[:1].upper() + person[1:]
        key = entry.cid or (person, entry.reason)
        last = actions[-1] if actions else None
        same = last is not None and keys[-1] == key and (entry.cid or entry.timestamp - last.ended <= SAME_ACTION)
        if not same:
            last = Action(entry.timestamp, entry.timestamp, person, entry.reason or "")
            actions.append(last)
            keys.append(key)
        last.ended = entry.timestamp
        last.reason = last.reason or entry.reason or ""
        _describe(entry, last)
    merged: list[Action] = []
    for action in actions:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and not previous.events
            and not action.events
            and (previous.person, previous.reason) == (action.person, action.reason)
        ):
            previous.counts.update(action.counts)
            previous.ended = action.ended
            continue
        merged.append(action)
    return merged


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
    actions = audit_actions(assessment.pk)
    return {
        "decision_label": _label(AssessmentDecision, assessment.decision, "not decided yet"),
        "rating_label": _label(RiskRating, result.risk_rating, "none yet"),
        "approval_block": _approval_block(context["signature_states"], assessment.signing_cycle),
        "narrative": _narrative(assessment),
        "evidence_index": _evidence_index(assessment),
        "finding_rows": _findings(context["findings"]),
        "score_bars": _score_bars(result),
        "band_labels": [(band, BAND_LABELS[band]) for band in ("ok", "warn", "bad")],
        "audit_actions": actions,
        "action_people": sorted({a.person for a in actions}),
        "document_control": _document_control(assessment, report),
    }
