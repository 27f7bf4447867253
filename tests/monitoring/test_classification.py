"""Every grade x state x kind, at, just above and far above its action limit (docs/domain.md §5),
through the import as the API runs it, and the pure rule alone. The expected limits are written
out here from the domain brief, independently of the data file that seeds the limit table."""

import subprocess
import sys
from decimal import Decimal

import pytest

from monitoring import classification, formats, imports, limits
from monitoring.choices import Grade, RoomState, SampleKind
from monitoring.models import AlertLimit, LimitTable
from tests.conftest import BASE_DIR

pytestmark = pytest.mark.django_db

NONE = None
KINDS = ["particles_0_5", "particles_5_0", "air_viable", "settle_plate", "contact_plate", "glove_print"]
#: (grade, state): limits in the order of KINDS; None: the guideline sets none.
ANNEX_1 = {
    ("A", "at_rest"): (3520, 29, 0, 0, 0, 0),
    ("A", "in_operation"): (3520, 29, 0, 0, 0, 0),
    ("B", "at_rest"): (3520, 29, 10, 5, 5, 5),
    ("B", "in_operation"): (352000, 2930, 10, 5, 5, 5),
    ("C", "at_rest"): (352000, 2930, 100, 50, 25, NONE),
    ("C", "in_operation"): (3520000, 29300, 100, 50, 25, NONE),
    ("D", "at_rest"): (3520000, 29300, 200, 100, 50, NONE),
    ("D", "in_operation"): (NONE, NONE, 200, 100, 50, NONE),
}
JUST_ABOVE = Decimal("0.001")  # the smallest step a value has (three decimals)


def cases():
    for (grade, state), limits_ in ANNEX_1.items():
        for kind, limit in zip(KINDS, limits_, strict=True):
            if limit is None:
                for value in (Decimal(0), Decimal(1), Decimal(10_000_000)):
                    yield grade, state, kind, None, value, "no_limit"
                continue
            limit = Decimal(limit)
            yield grade, state, kind, limit, limit, "within"
            yield grade, state, kind, limit, limit + JUST_ABOVE, "excursion"
            yield grade, state, kind, limit, limit * 10 + 1000, "excursion"
            if limit:
                yield grade, state, kind, limit, limit - 1, "within"
            elif kind != "particles_0_5":  # grade A viable: any growth is an excursion
                yield grade, state, kind, limit, Decimal(1), "excursion"


CASES = list(cases())


def test_the_table_covers_every_grade_state_and_kind():
    keys = {(g, s, k) for g, s, k, *_ in CASES}
    assert keys == {(g.value, s.value, k.value) for g in Grade for s in RoomState for k in SampleKind}
    assert len(keys) == 48


@pytest.mark.parametrize(("grade", "state", "kind", "limit", "value", "expected"), CASES)
def test_pure_rule(grade, state, kind, limit, value, expected):
    assert classification.classify(value, limit) == expected


def test_the_seeded_limit_table_is_the_domain_brief(em_limits):
    table = limits.table_in_force()
    assert (table.version, LimitTable.objects.count()) == (1, 1)
    stored = limits.action_limits(table)
    expected = {
        (g, s, k): (Decimal(v) if v is not None else None)
        for (g, s), values in ANNEX_1.items()
        for k, v in zip(KINDS, values, strict=True)
    }
    assert stored == expected


def test_every_case_through_the_import(em_assessment, auditor):
    """One data set with every case; each sample comes back with its limit and result."""
    items = [
        {"location": f"P{n}", "grade": g, "state": s, "kind": k, "value": str(v), "sampled_at": "2025-01-10T08:00:00Z"}
        for n, (g, s, k, _, v, _) in enumerate(CASES)
    ]
    _, samples = imports.import_samples(em_assessment, auditor, formats.read_json(items))
    got = [(s.grade, s.state, s.kind, s.action_limit, s.value, s.result) for s in samples]
    assert got == [(g, s, k, lim, v, r) for g, s, k, lim, v, r in CASES]


def test_alert_limits_of_the_site_lie_below_the_action_limit(em_assessment, auditor, site):
    AlertLimit.objects.create(site=site, grade="B", state="in_operation", kind="air_viable", value=5)
    AlertLimit.objects.create(site=site, grade="D", state="in_operation", kind="particles_0_5", value=5_000_000)
    rows = [
        ("B", "air_viable", 5, "within"),  # at the alert limit: inclusive
        ("B", "air_viable", Decimal("5.001"), "alert"),
        ("B", "air_viable", 10, "alert"),  # at the action limit: still no excursion
        ("B", "air_viable", 11, "excursion"),
        ("D", "particles_0_5", 5_000_000, "within"),  # the site's own limit where Annex 1 sets none
        ("D", "particles_0_5", 5_000_001, "alert"),
    ]
    items = [
        {"location": "R", "grade": g, "state": "in_operation", "kind": k, "value": str(v), "sampled_at": "2025-01-10"}
        for g, k, v, _ in rows
    ]
    _, samples = imports.import_samples(em_assessment, auditor, formats.read_json(items))
    assert [s.result for s in samples] == [r for *_, r in rows]
    assert samples[0].alert_limit == 5 and samples[0].action_limit == 10


@pytest.mark.parametrize(
    ("grade", "kind", "value"), [("B", "air_viable", 10), ("B", "air_viable", 12), ("A", "settle_plate", 0)]
)
def test_an_alert_limit_at_or_above_the_action_limit_is_refused(em_limits, site, grade, kind, value):
    from django.core.exceptions import ValidationError

    alert = AlertLimit(site=site, grade=grade, state="in_operation", kind=kind, value=value)
    with pytest.raises(ValidationError) as refused:
        alert.full_clean()
    assert "below the action limit" in str(refused.value.message_dict["value"])


def test_an_alert_limit_below_is_accepted(em_limits, site):
    AlertLimit(site=site, grade="B", state="in_operation", kind="air_viable", value=Decimal("9.999")).full_clean()


def test_loading_the_limits_again_changes_nothing(em_limits):
    from monitoring import reference_data
    from monitoring.models import ActionLimit

    before = list(ActionLimit.objects.values_list("pk", "value"))
    reference_data.load()
    assert list(ActionLimit.objects.values_list("pk", "value")) == before


def test_finding_classes_proposed():
    assert classification.finding_class({"A"}, 1) == "major"
    assert classification.finding_class({"B"}, 1) == "major"
    assert classification.finding_class({"C"}, 1) == "minor"
    assert classification.finding_class({"D"}, 1) == "minor"
    assert classification.finding_class({"D"}, 2) == "major"  # repeated at one location
    assert classification.finding_class({"C", "D"}, 3) == "major"


def test_the_rule_module_is_pure_python():
    code = "import sys; import monitoring.classification; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
