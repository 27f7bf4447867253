"""Fixtures of the EM tests: the limit table loaded, a site with cleanrooms, an assessment of it,
and builders of EM files."""

import csv
import io

import pytest

from monitoring import reference_data
from vendors.models import Site

HEADER = ["location", "grade", "state", "kind", "value", "sampled_at"]


@pytest.fixture
def em_limits(db):
    """The Annex 1 limit table of monitoring/data/, loaded as `manage.py load_reference_data` does."""
    reference_data.load()


@pytest.fixture
def site(vendor):
    return Site.objects.create(vendor=vendor, name="Ghent cell therapy suite", country="BE", grade_a=True, grade_b=True)


@pytest.fixture
def em_assessment(assessment, site, em_limits):
    """`assessment` (planned, led by `lead_auditor` with `auditor`) auditing `site`, limits loaded."""
    assessment.site = site
    assessment.save(update_fields=["site"])
    return assessment


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def sample(location="BSC 1", grade="A", state="in_operation", kind="settle_plate", value=0, at="2025-03-03T09:00:00Z"):
    return {"location": location, "grade": grade, "state": state, "kind": kind, "value": value, "sampled_at": at}


def row(**fields) -> list:
    s = sample(**fields)
    return [s[h] for h in HEADER]
