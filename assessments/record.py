"""What a signature covers, and whether a signature still holds.

A signature covers a SHA-256 over a canonical serialisation of the record (answers, evidence
hashes, findings, corrective-action plans). Any later change to that content, or reopening the
assessment, makes the signature show as invalid wherever it is shown (docs/domain.md §4.3)."""

import hashlib
import json
from dataclasses import dataclass

from .models import Answer, Assessment, CorrectiveAction, Evidence, Finding, Signature


def canonical_content(assessment: Assessment) -> dict:
    """What a signature covers, in a stable order. Corrective-action follow-up (the vendor's
    response, verification, status) happens after approval and is deliberately not covered;
    the plan (what, who, by when) is."""
    evidence = {}
    for answer_id, sha in Evidence.objects.filter(answer__assessment=assessment).values_list("answer_id", "sha256"):
        evidence.setdefault(answer_id, []).append(sha)
    answers = [
        {
            "question": code,
            "value": value,
            "comment": comment,
            "na_justification": na,
            "evidence": sorted(evidence.get(pk, [])),
        }
        for pk, code, value, comment, na in Answer.objects.filter(assessment=assessment)
        .values_list("pk", "question__code", "value", "comment", "na_justification")
        .order_by("question__code")
    ]
    findings = [
        {
            "number": f.number,
            "question": f.question.code if f.question_id else None,
            "criterion": f.criterion.code,
            "classification": f.classification,
            "description": f.description,
            "requirement": f.requirement,
            "fmea": [f.fmea_severity, f.fmea_occurrence, f.fmea_detectability],
        }
        for f in Finding.objects.filter(assessment=assessment)
        .select_related("question", "criterion")
        .order_by("number")
    ]
    actions = [
        {"finding": number, "description": d, "owner": o, "due_date": due.isoformat()}
        for number, d, o, due in CorrectiveAction.objects.filter(finding__assessment=assessment)
        .values_list("finding__number", "description", "owner", "due_date")
        .order_by("finding__number", "pk")
    ]
    return {
        "assessment": assessment.pk,
        "vendor": assessment.vendor_id,
        "checklist": [assessment.checklist.code, assessment.checklist.version],
        "answers": answers,
        "findings": findings,
        "corrective_actions": actions,
    }


def content_hash(assessment: Assessment) -> str:
    text = json.dumps(canonical_content(assessment), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignatureState:
    signature: Signature
    valid: bool
    why_invalid: str = ""


def signature_states(assessment: Assessment, current_hash: str | None = None) -> list[SignatureState]:
    """Every signature of the assessment with whether it still holds, for pages, API and report."""
    current_hash = current_hash or content_hash(assessment)
    states = []
    for signature in assessment.signatures.select_related("signer").order_by("signed_at", "pk"):
        if signature.cycle != assessment.signing_cycle:
            states.append(SignatureState(signature, False, "voided when the assessment was reopened"))
        elif signature.content_hash != current_hash:
            states.append(SignatureState(signature, False, "the record changed after signing"))
        else:
            states.append(SignatureState(signature, True))
    return states


def has_valid_signature(assessment: Assessment, meaning: str, signer=None) -> bool:
    return any(
        s.valid and s.signature.meaning == meaning and (signer is None or s.signature.signer_id == signer.pk)
        for s in signature_states(assessment)
    )
