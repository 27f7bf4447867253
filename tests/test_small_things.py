"""Placeholders in the filters, chart labels that wrap, bars coloured by score band."""

import pytest

from assessments.filters import AssessmentFilterSet
from config import charts
from vendors.filters import VendorFilterSet

pytestmark = pytest.mark.django_db


def first_label(filterset, name):
    return list(filterset.form.fields[name].choices)[0][1]


def test_filters_say_any_instead_of_dashes():
    vendors = VendorFilterSet({})
    assert first_label(vendors, "status") == "Any status"
    assert first_label(vendors, "region") == "Any region"
    assert first_label(vendors, "service_line") == "Any service line"
    assessments = AssessmentFilterSet({})
    assert first_label(assessments, "status") == "Any status"
    assert first_label(assessments, "vendor") == "Any vendor"
    assert first_label(assessments, "rating") == "Any rating"
    for fs in (vendors, assessments):
        for name, field in fs.form.fields.items():
            if hasattr(field, "choices"):
                assert "---------" not in str(list(field.choices)[:1]), name


def test_chart_labels_wrap_at_words_instead_of_being_cut():
    assert charts.wrap_label("D. Contamination control and aseptic processing", 34) == [
        "D. Contamination control and",
        "aseptic processing",
    ]
    lines = charts.wrap_label("A. " + "word " * 30, 20)
    assert len(lines) == 2 and lines[1].endswith("…")
    svg = charts.criterion_bars([{"code": "D", "title": "Contamination control and aseptic processing", "score": 42.0}])
    assert "<tspan" in svg and "aseptic processing</tspan>" in svg and "proc…" not in svg


def test_bars_are_coloured_by_score_band():
    svg = charts.criterion_bars(
        [
            {"code": "A", "title": "One", "score": 40.0},
            {"code": "B", "title": "Two", "score": 60.0},
            {"code": "C", "title": "Three", "score": 90.0},
        ]
    )
    assert 'class="band-bad"' in svg and 'class="band-warn"' in svg and 'class="band-ok"' in svg
    assert [charts.band(s) for s in (None, 49.9, 50, 74.9, 75)] == ["none", "bad", "warn", "warn", "ok"]


def test_the_placeholders_hold_after_the_api_schema_built_the_class_fields():
    for name in AssessmentFilterSet.EMPTY_LABELS:
        assert AssessmentFilterSet.base_filters[name].field is not None  # built first, as the schema does
    assessments = AssessmentFilterSet({})
    assert first_label(assessments, "status") == "Any status"
    assert first_label(assessments, "checklist") == "Any checklist"
