"""What a signature covers, and whether a signature still holds.

A signature covers a SHA-256 over a canonical serialisation of the record (answers, evidence
hashes, findings, corrective-action plans, from version 2 the people who did the audit, from
version 3 why a finding is classed lower than proposed, from version 4 the report's narrative:
objectives, method, people met, documents reviewed and the lead's conclusion). Any
later change to that content, or reopening the assessment, makes the signature show as invalid
wherever it is shown (docs/domain.md §4.3).

The serialisation is versioned: a signature keeps the version it was computed with, so a record
signed before a version was added keeps its valid signatures (docs/compliance.md, 4.3).

A "verified" signature is of one corrective action, not of the assessment: it covers that
action's own content (`action_content`)."""

import hashlib
import json
from dataclasses import dataclass

from . import memo
from .models import Answer, Assessment, CorrectiveAction, Evidence, Finding, Signature

#: The version new signatures are computed with. 1: answers, evidence, findings, action plans;
#: 2: also the lead auditor and the audit team, so that changing who did the audit after the lead
#: signed "performed" voids that signature; 3: also each finding's proposed class and the rationale
#: of a downgrade, so that the reason a finding was classed lower is part of what was approved;
#: 4: also the report's narrative (assessments/planning.py NARRATIVE), so that the conclusion a
#: Qualified Person reads in the report is the one the lead signed and the reviewer approved.
CONTENT_VERSION = 4
CONTENT_VERSIONS = (1, 2, 3, 4)
#: The narrative fields version 4 adds, in the order the report shows them (planning.NARRATIVE).
NARRATIVE_FIELDS = ("objectives", "method", "people_met", "documents_reviewed", "conclusion")


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
            **(
                {"proposed_classification": f.proposed_classification, "downgrade_rationale": f.downgrade_rationale}
                if version >= 3
                else {}
            ),
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
    if version >= 4:
        content["narrative"] = {field: getattr(assessment, field) for field in NARRATIVE_FIELDS}
    return content


def canonical_json(content: dict) -> str:
    """The canonical JSON of `content`: sorted keys, no spaces, non-ASCII characters as they are.
    It is what `hash_of` hashes (as UTF-8) and what a PDF report embeds as its record, so a copy
    of the report carries the exact bytes its signatures cover. Fixed for good: a known-answer
    test (tests/compliance) holds it, since every stored signature depends on it."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hash_of(content: dict) -> str:
    """SHA-256 of the canonical JSON (`canonical_json`) encoded as UTF-8."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def content_hash(assessment: Assessment, version: int = CONTENT_VERSION) -> str:
    """The hash of the record as it is now; worked out once per request (assessments/memo.py)."""
    return memo.remember(assessment, "content_hash", lambda: hash_of(canonical_content(assessment, version)), version)


#: The version "verified" signatures are computed with (their `content_version`): 1, the action's
#: plan, the vendor's response and the verification.
ACTION_CONTENT_VERSION = 1
ACTION_CONTENT_VERSIONS = (1,)


def action_content(action: CorrectiveAction, version: int = ACTION_CONTENT_VERSION) -> dict:
    """What a "verified" signature covers: one corrective action, named by its assessment and
    finding, so that the signature cannot be moved to another action. Not the whole assessment:
    the verification comes months after approval and must not depend on the rest of the record,
    nor void the approval. The status is left out, so that closing a verified action keeps it."""
    if version not in ACTION_CONTENT_VERSIONS:
        raise ValueError(f"Unknown corrective-action content version {version!r}.")
    finding = action.finding
    return {
        "assessment": finding.assessment_id,
        "finding": finding.number,
        "corrective_action": action.pk,
        "description": action.description,
        "owner": action.owner,
        "due_date": action.due_date.isoformat(),
        "root_cause": action.root_cause,
        "vendor_action": action.vendor_action,
        "verification": action.verification,
    }


def action_hash(action: CorrectiveAction, version: int = ACTION_CONTENT_VERSION) -> str:
    return hash_of(action_content(action, version))


@dataclass(frozen=True)
class SignatureState:
    signature: Signature
    valid: bool
    why_invalid: str = ""


def signature_states(assessment: Assessment, current_hash: str | None = None) -> list[SignatureState]:
    """Every signature of the assessment with whether it still holds, for pages, API and report.
    `current_hash` is the hash at the current content version, when the caller has it already.
    Worked out once per request (assessments/memo.py)."""
    if current_hash:
        return _signature_states(assessment, current_hash)
    return list(
        memo.remember(
            assessment, "signature_states", lambda: _signature_states(assessment, None), assessment.signing_cycle
        )
    )


def _signature_states(assessment: Assessment, current_hash: str | None) -> list[SignatureState]:
    hashes = {CONTENT_VERSION: current_hash} if current_hash else {}
    states = []
    signatures = assessment.signatures.select_related("signer", "corrective_action__finding")
    for signature in signatures.order_by("signed_at", "pk"):
        if signature.corrective_action_id is not None:
            states.append(action_signature_state(signature))
            continue
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


def action_signature_state(signature: Signature) -> SignatureState:
    """A "verified" signature holds while its corrective action is as it was signed. Reopening
    the assessment does not void it: a verified action stays read-only in every cycle."""
    if signature.content_hash != action_hash(signature.corrective_action, signature.content_version):
        return SignatureState(signature, False, "the corrective action changed after signing")
    return SignatureState(signature, True)


def has_valid_signature(assessment: Assessment, meaning: str, signer=None) -> bool:
    return any(
        s.valid and s.signature.meaning == meaning and (signer is None or s.signature.signer_id == signer.pk)
        for s in signature_states(assessment)
    )
