"""What a signature covers, and whether a signature still holds.

A signature covers a SHA-256 over a canonical serialisation of the record (answers, evidence
hashes, findings, corrective-action plans, and from version 2 the people who did the audit). Any
later change to that content, or reopening the assessment, makes the signature show as invalid
wherever it is shown (docs/domain.md §4.3).

The serialisation is versioned: a signature keeps the version it was computed with, so a record
signed before a version was added keeps its valid signatures (docs/compliance.md, 4.3)."""

import hashlib
import json
from dataclasses import dataclass

from .models import Answer, Assessment, CorrectiveAction, Evidence, Finding, Signature

#: The version new signatures are computed with. 1: answers, evidence, findings, action plans;
#: 2: also the lead auditor and the audit team, so that changing who did the audit after the lead
#: signed "performed" voids that signature.
CONTENT_VERSION = 2
CONTENT_VERSIONS = (1, 2)


def canonical_content(assessment: Assessment, version: int = CONTENT_VERSION) -> dict:
    """What a signature covers, in a stable order. Corrective-action follow-up (the vendor's
    response, verification, status) happens after approval and is deliberately not covered;
    the plan (what, who, by when) is."""
    if version not in CONTENT_VERSIONS:
        raise ValueError(f"Unknown content version {version!r}.")
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
    content = {
        "assessment": assessment.pk,
        "vendor": assessment.vendor_id,
        "checklist": [assessment.checklist.code, assessment.checklist.version],
        "answers": answers,
        "findings": findings,
        "corrective_actions": actions,
    }
    if version >= 2:
        content["lead_auditor"] = assessment.lead_auditor_id
        content["audit_team"] = sorted(assessment.audit_team.values_list("pk", flat=True))
    return content


def hash_of(content: dict) -> str:
    """SHA-256 of the canonical JSON: sorted keys, no spaces, UTF-8 as is. Fixed for good: a
    known-answer test (tests/compliance) holds it, since every stored signature depends on it."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(assessment: Assessment, version: int = CONTENT_VERSION) -> str:
    return hash_of(canonical_content(assessment, version))


@dataclass(frozen=True)
class SignatureState:
    signature: Signature
    valid: bool
    why_invalid: str = ""


def signature_states(assessment: Assessment, current_hash: str | None = None) -> list[SignatureState]:
    """Every signature of the assessment with whether it still holds, for pages, API and report.
    `current_hash` is the hash at the current content version, when the caller has it already."""
    hashes = {CONTENT_VERSION: current_hash} if current_hash else {}
    states = []
    for signature in assessment.signatures.select_related("signer").order_by("signed_at", "pk"):
        if signature.meaning == Signature.Meaning.REOPENED:
            # The act of reopening closes its cycle; it is what voids the others, never voided itself.
            states.append(SignatureState(signature, True))
            continue
        version = signature.content_version
        if signature.cycle == assessment.signing_cycle and version not in hashes:
            hashes[version] = content_hash(assessment, version)
        if signature.cycle != assessment.signing_cycle:
            states.append(SignatureState(signature, False, "voided when the assessment was reopened"))
        elif signature.content_hash != hashes[version]:
            states.append(SignatureState(signature, False, "the record changed after signing"))
        else:
            states.append(SignatureState(signature, True))
    return states


def has_valid_signature(assessment: Assessment, meaning: str, signer=None) -> bool:
    return any(
        s.valid and s.signature.meaning == meaning and (signer is None or s.signature.signer_id == signer.pk)
        for s in signature_states(assessment)
    )
