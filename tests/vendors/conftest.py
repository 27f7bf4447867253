"""Fixtures of the registry tests: a vendor the approved supplier list already holds."""

import pytest

from tests.factories import approved_assessment


@pytest.fixture
def approved_vendor(checklist, vendor, lead_auditor, reviewer):
    """`vendor`, approved by a compliant assessment (rated low: due in 24 months)."""
    vendor.assessment = approved_assessment(checklist, vendor, lead_auditor, reviewer)
    vendor.refresh_from_db()
    assert vendor.status == "approved"
    return vendor
