"""Fixtures for assessments: the built-in checklist loaded and published, a vendor, and an
assessment with its team."""
import pytest

from assessments.models import Assessment, Checklist
from vendors.models import Vendor


@pytest.fixture
def checklist(db):
    from assessments import reference_data

    reference_data.load()
    return Checklist.objects.get(code="CGT-CDMO", version=1)


@pytest.fixture
def vendor(reference_data):
    return Vendor.objects.get(name="Lonza Group")


@pytest.fixture
def assessment(checklist, vendor, lead_auditor, auditor, reviewer):
    a = Assessment.objects.create(vendor=vendor, checklist=checklist, lead_auditor=lead_auditor,
                                  reviewer=reviewer, created_by=lead_auditor)
    a.audit_team.set([auditor])
    return a


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
