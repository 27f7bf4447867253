"""What a signature covers: the canonical content and its hash are fixed for good, since every
stored signature depends on them (docs/compliance.md, 4.3)."""

import hashlib

import pytest
from django.test import RequestFactory

from assessments import record, signatures
from assessments.models import Signature
from tests.conftest import PASSWORD
from tests.factories import approved_assessment

#: A record as `canonical_content` (version 2) lays it out, with text that is not ASCII.
CONTENT = {
    "assessment": 7,
    "vendor": 3,
    "checklist": ["CGT-CDMO", 1],
    "answers": [
        {
            "question": "A.1",
            "value": "compliant",
            "comment": "Chargenprotokolle geprüft; 批记录已审核",
            "na_justification": "",
            "evidence": ["ab" * 32],
        },
        {"question": "F.2", "value": 3, "comment": "", "na_justification": "", "evidence": []},
    ],
    "findings": [
        {
            "number": 1,
            "question": "A.1",
            "criterion": "A",
            "classification": "major",
            "description": "EM trend not reviewed",
            "requirement": "Annex 1 9.4",
            "fmea": [4, 3, None],
        }
    ],
    "corrective_actions": [
        {"finding": 1, "description": "Trend monthly", "owner": "QA head", "due_date": "2031-01-31"}
    ],
    "lead_auditor": 11,
    "audit_team": [12, 13],
}
#: Its canonical text: keys sorted, no spaces, UTF-8 as is (not \\u escapes).
TEXT = (
    '{"answers":[{"comment":"Chargenprotokolle geprüft; 批记录已审核","evidence":["'
    + "ab" * 32
    + '"],"na_justification":"","question":"A.1","value":"compliant"},'
    '{"comment":"","evidence":[],"na_justification":"","question":"F.2","value":3}],'
    '"assessment":7,"audit_team":[12,13],"checklist":["CGT-CDMO",1],'
    '"corrective_actions":[{"description":"Trend monthly","due_date":"2031-01-31","finding":1,"owner":"QA head"}],'
    '"findings":[{"classification":"major","criterion":"A","description":"EM trend not reviewed","fmea":[4,3,null],'
    '"number":1,"question":"A.1","requirement":"Annex 1 9.4"}],"lead_auditor":11,"vendor":3}'
)
KNOWN_HASH = "961ef90ba1cd348391dc2e4322986b6d2530f07a752bc0c8cb0e28428d08a254"


def test_the_content_hash_is_a_fixed_known_answer():
    assert hashlib.sha256(TEXT.encode("utf-8")).hexdigest() == KNOWN_HASH
    assert record.hash_of(CONTENT) == KNOWN_HASH
    reordered = dict(reversed(list(CONTENT.items())))
    assert record.hash_of(reordered) == KNOWN_HASH  # the order of keys never matters


@pytest.mark.django_db
def test_version_2_covers_who_did_the_audit_and_version_1_does_not(checklist, vendor, lead_auditor, auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    v1, v2 = record.canonical_content(assessment, 1), record.canonical_content(assessment, 2)
    assert "lead_auditor" not in v1 and "audit_team" not in v1
    assert (v2["lead_auditor"], v2["audit_team"]) == (lead_auditor.pk, [auditor.pk])
    assert {k: v for k, v in v2.items() if k not in ("lead_auditor", "audit_team")} == v1
    assert record.content_hash(assessment, 2) == record.hash_of(v2)
    with pytest.raises(ValueError):
        record.canonical_content(assessment, 5)


@pytest.mark.django_db
def test_version_3_covers_why_a_finding_was_downgraded(checklist, vendor, lead_auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, findings=[("C.1", "minor")])
    assert [s.valid for s in record.signature_states(assessment)] == [True, True]
    finding = assessment.findings.get()
    finding.proposed_classification, finding.downgrade_rationale = "major", "Alert level only, no action limit."
    finding.save(update_fields=["proposed_classification", "downgrade_rationale"])

    v2, v3 = record.canonical_content(assessment, 2), record.canonical_content(assessment, 3)
    assert "downgrade_rationale" not in v2["findings"][0]
    assert {k: v3["findings"][0][k] for k in ("proposed_classification", "downgrade_rationale")} == {
        "proposed_classification": "major",
        "downgrade_rationale": "Alert level only, no action limit.",
    }
    assert {**v3, "findings": v2["findings"]} == v2
    # signed at version 3: a rationale written or changed after approval voids the signatures
    assert [s.valid for s in record.signature_states(assessment)] == [False, False]


@pytest.mark.django_db
def test_a_signature_made_with_version_1_stays_valid(checklist, vendor, lead_auditor, auditor, reviewer):
    """Signatures stored before version 2 existed keep holding: their hash is checked against the
    content version they were made with."""
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    old = Signature.objects.create(
        assessment=assessment,
        signer=reviewer,
        printed_name=reviewer.full_name,
        meaning="reviewed",
        content_hash=record.content_hash(assessment, 1),
        content_version=1,
        cycle=assessment.signing_cycle,
    )
    states = {s.signature.pk: s for s in record.signature_states(assessment)}
    assert states[old.pk].valid and all(s.valid for s in states.values())
    stored = Signature.objects.get(meaning="approved")
    assert stored.content_version == record.CONTENT_VERSION == 4


@pytest.mark.django_db
def test_version_4_covers_the_reports_narrative_and_earlier_signatures_keep_holding(
    checklist, vendor, lead_auditor, reviewer
):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    v3_signature = Signature.objects.create(
        assessment=assessment,
        signer=reviewer,
        printed_name=reviewer.full_name,
        meaning="reviewed",
        content_hash=record.content_hash(assessment, 3),
        content_version=3,
        cycle=assessment.signing_cycle,
    )
    v3, v4 = record.canonical_content(assessment, 3), record.canonical_content(assessment, 4)
    assert "narrative" not in v3 and {k: v for k, v in v4.items() if k != "narrative"} == v3
    assert v4["narrative"] == dict.fromkeys(record.NARRATIVE_FIELDS, "")
    assert record.content_hash(assessment) == record.hash_of(v4)
    assert all(s.valid for s in record.signature_states(assessment))

    # A conclusion changed behind the rules' back: the version 4 signatures no longer hold, the
    # version 3 one (which never covered the narrative) still does.
    type(assessment).objects.filter(pk=assessment.pk).update(conclusion="Approved without conditions.")
    assessment.refresh_from_db()
    assert record.canonical_content(assessment)["narrative"]["conclusion"] == "Approved without conditions."
    states = {s.signature.pk: s.valid for s in record.signature_states(assessment)}
    assert states.pop(v3_signature.pk) is True
    assert states and not any(states.values())


@pytest.mark.django_db
def test_a_reopening_signature_holds_while_it_voids_the_others(checklist, vendor, lead_auditor, auditor, reviewer):
    assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor])
    request = RequestFactory().post("/")
    signatures.reopen(assessment, reviewer, "The vendor reported a recall of a lot we received.", PASSWORD, request)
    assessment.refresh_from_db()
    states = record.signature_states(assessment)
    assert [(s.signature.meaning, s.valid) for s in states] == [
        ("performed", False),
        ("approved", False),
        ("reopened", True),
    ]
    assert states[2].signature.cycle == 1 and assessment.signing_cycle == 2
