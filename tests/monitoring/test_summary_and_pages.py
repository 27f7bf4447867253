"""The summary (one aggregate query over the samples), its flags, the trend charts, the EM page
with its import form, decisions and template downloads, and the report's EM section."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Assessment, Finding
from monitoring import formats, imports, report, summary, trends
from monitoring.models import DataSet, ExcursionReview
from reports import rendering
from tests.monitoring.conftest import csv_bytes, row, sample

pytestmark = pytest.mark.django_db


def load(assessment, user, items):
    return imports.import_samples(assessment, user, formats.read_json(items))[0]


SAMPLES = [
    sample(location="BSC 1", grade="A", kind="settle_plate", value=1, at="2025-05-01T09:00:00Z"),
    sample(location="BSC 1", grade="A", kind="settle_plate", value=2, at="2025-05-02T09:00:00Z"),
    sample(location="BSC 1", grade="A", kind="particles_5_0", value=12, at="2025-05-02T10:00:00Z"),
    sample(location="Corridor", grade="C", kind="contact_plate", value=26, at="2025-05-03T09:00:00Z"),
    sample(location="Corridor", grade="C", kind="contact_plate", value=3, at="2024-01-03T09:00:00Z"),
    sample(location="Room 2", grade="B", kind="air_viable", value=10, at="2025-05-03T09:00:00Z"),
]


@pytest.fixture
def loaded(em_assessment, auditor):
    Assessment.objects.filter(pk=em_assessment.pk).update(performed_start=date(2025, 6, 1))
    em_assessment.refresh_from_db()
    return load(em_assessment, auditor, SAMPLES)


def test_the_summary_is_one_query_over_the_samples(loaded, em_assessment, django_assert_num_queries):
    data_sets = summary.reviewed_data_sets(em_assessment)
    with django_assert_num_queries(1):
        (s,) = summary.summarise(em_assessment, data_sets)
    assert (s.samples, s.excursions, s.alerts) == (6, 3, 0)
    groups = {(g.location, g.kind): g for g in s.groups}
    bsc = groups[("BSC 1", "settle_plate")]
    assert (bsc.samples, bsc.excursions, bsc.highest, bsc.limit, bsc.unit) == (2, 2, 2, 0, "CFU/4 h")
    assert groups[("Room 2", "air_viable")].excursions == 0  # at the limit: within


def test_repeated_excursions_and_old_data_are_flagged(loaded, em_assessment):
    (s,) = summary.summarise(em_assessment)
    assert [loc.name for loc in s.repeated_locations] == ["BSC 1"]
    assert s.older == 1 and s.stale  # 2024-01-03 is more than 12 months before 2025-06-01
    assert summary.stale_before(em_assessment).date() == date(2024, 6, 1)


def test_proposals_follow_the_rules(loaded, em_assessment):
    from monitoring import proposals

    found = {p.location: p for p in proposals.proposals(em_assessment)}
    assert set(found) == {"BSC 1", "Corridor"}
    assert (found["BSC 1"].classification, found["BSC 1"].repeated, found["BSC 1"].question_code) == (
        "major",
        True,
        "C.3",
    )
    assert (found["Corridor"].classification, found["Corridor"].repeated) == ("minor", False)


def test_a_month_end_twelve_months_back():
    assert summary.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert summary.months_before(date(2025, 3, 31), 1) == date(2025, 2, 28)


def test_trend_charts_draw_the_limit_and_mark_excursions(loaded, em_assessment):
    items = trends.location_charts(trends.flagged_pairs(summary.summarise(em_assessment)))
    # The locations with excursions, most first; Room 2 (at its limit) has none and no chart.
    assert [(c["location"], c["kind"]) for c in items] == [
        ("BSC 1", "particles_5_0"),
        ("BSC 1", "settle_plate"),
        ("Corridor", "contact_plate"),
    ]
    settle = next(c for c in items if c["kind"] == "settle_plate")
    svg = str(settle["svg"])
    assert svg.startswith("<svg") and "action 0" in svg and 'stroke-dasharray="6,3"' in svg
    assert svg.count('fill="#c62828"') >= 2  # both excursions drawn red


def test_a_long_series_is_thinned_keeping_the_highest(em_assessment, auditor):
    items = [
        sample(
            location="P",
            grade="B",
            state="in_operation",
            kind="particles_0_5",
            value=100 + n % 7,
            at=f"2025-01-{1 + n // 100:02d}T{n % 24:02d}:00:00Z",
        )
        for n in range(1000)
    ]
    items[517]["value"] = 400_000
    data_set = load(em_assessment, auditor, items)
    (chart,) = trends.location_charts([(data_set, "P")])
    svg = str(chart["svg"])
    assert svg.count("<circle") <= trends.MAX_POINTS and "400000" in svg.replace(",", "")


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def lead_client(client, lead_auditor):
    client.force_login(lead_auditor)
    return client


def test_the_page_shows_summary_excursions_charts_and_the_import_form(loaded, em_assessment, lead_client):
    response = lead_client.get(f"/assessments/{em_assessment.pk}/em/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">EM data' in html
    assert "repeated excursions" in html and "older than 12 months" in html
    assert 'id="em-proposals"' in html and "Raise the finding" in html and "<svg" in html
    assert 'enctype="multipart/form-data"' in html and "/em/template.csv" in html


def test_a_reviewer_reads_the_page_without_the_controls(loaded, em_assessment, client, reviewer):
    client.force_login(reviewer)
    html = client.get(f"/assessments/{em_assessment.pk}/em/").content.decode()
    assert "EM data" in html and "Raise the finding" not in html and 'id="em-import"' not in html


def test_an_outsider_gets_404(em_assessment, client, outsider):
    client.force_login(outsider)
    assert client.get(f"/assessments/{em_assessment.pk}/em/").status_code == 404


def test_a_bad_file_on_the_page_lists_its_lines_and_keeps_nothing(em_assessment, lead_client):
    data = csv_bytes([row(), row(grade="Q"), row(value="x")])
    response = lead_client.post(
        f"/assessments/{em_assessment.pk}/em/import/", {"file": SimpleUploadedFile("em.csv", data)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html and "line 3" in html and "line 4" in html
    assert DataSet.objects.count() == 0


def test_import_and_confirm_on_the_page(em_assessment, lead_client):
    data = csv_bytes([row(value=4, at="2025-05-01T09:00:00Z")])
    response = lead_client.post(
        f"/assessments/{em_assessment.pk}/em/import/", {"file": SimpleUploadedFile("em.csv", data)}
    )
    assert response.status_code == 302
    data_set = DataSet.objects.get()
    response = lead_client.post(
        f"/assessments/{em_assessment.pk}/em/decisions/",
        {"data_set": data_set.pk, "location": "BSC 1", "outcome": "confirmed", "classification": "major"},
    )
    assert response.status_code == 302
    assert ExcursionReview.objects.get().finding == Finding.objects.get()
    html = lead_client.get(f"/assessments/{em_assessment.pk}/em/").content.decode()
    assert "Confirmed as" in html and "F-01" in html


def test_a_refused_dismissal_is_a_message(loaded, em_assessment, lead_client):
    response = lead_client.post(
        f"/assessments/{em_assessment.pk}/em/decisions/",
        {"data_set": loaded.pk, "location": "BSC 1", "outcome": "dismissed", "reason": "no"},
        follow=True,
    )
    assert "at least a sentence" in response.content.decode()
    assert ExcursionReview.objects.count() == 0


@pytest.mark.parametrize(("path", "content_type"), [("csv", "text/csv"), ("xlsx", "application/vnd.openxml")])
def test_the_templates_download(lead_client, path, content_type):
    response = lead_client.get(f"/em/template.{path}")
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    assert f"em-samples-template.{path}" in response["Content-Disposition"]


# --- the report ---------------------------------------------------------------------------------


def test_the_report_has_the_em_section_with_its_findings(loaded, em_assessment, lead_auditor):
    from monitoring import proposals

    proposals.confirm(em_assessment, lead_auditor, loaded.pk, "BSC 1")
    context = report.section_context(em_assessment)
    assert context["present"] and context["totals"]["excursions"] == 3
    html, _ = rendering.render_html(em_assessment)
    section = html[html.index("<h2>Environmental monitoring</h2>") :]
    assert loaded.reference in section and "finding F-01 (major)" in section and "<svg" in section


def test_a_report_without_em_data_has_no_em_section(em_assessment):
    html, _ = rendering.render_html(em_assessment)
    assert "<h2>Environmental monitoring</h2>" not in html
