"""The match (insights/matching.py): which approved CDMOs can make a product, ranked by fit and
latest score with the reasons, and every other vendor with the reasons it was excluded; through
the API and the page. The registry's modalities come from the literature's service lines."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from insights import matching
from tests.factories import approved_assessment
from vendors.models import Capability, Modality, Site, Vendor

pytestmark = pytest.mark.django_db

QUERY = "modality=autologous_cell_therapy&phase=commercial&batches_per_year=20&region=europe"


@pytest.fixture
def autologous(db):
    return Modality.objects.create(slug="autologous_cell_therapy", name="Autologous cell therapy")


@pytest.fixture
def approved(checklist, lead_auditor, reviewer, autologous):
    """Two approved vendors making autologous cell therapy: one with its capability recorded,
    one without."""

    def make(name, capability=None):
        vendor = Vendor.objects.create(name=name, country="DE")
        vendor.modalities.add(autologous)
        if capability is not None:
            Capability.objects.create(vendor=vendor, **capability)
        approved_assessment(checklist, vendor, lead_auditor, reviewer)
        vendor.refresh_from_db()
        return vendor

    full = make("Full Data Bio", {"commercial": True, "slots_per_year": 40, "regions_shipped": ["europe"]})
    sparse = make("Sparse Data Bio")
    return full, sparse


def names(found):
    return [m.vendor.name for m in found]


def test_fitting_vendors_are_ranked_by_fit_with_their_reasons(approved, autologous, reviewer):
    full, sparse = approved
    fitting, excluded = matching.match(reviewer, autologous, "commercial", 20, "europe")
    assert names(fitting) == ["Full Data Bio", "Sparse Data Bio"]
    best, other = fitting
    assert best.fit == 100 and other.fit == 25
    assert best.reasons == [
        "Makes Autologous cell therapy.",
        "Serves commercial supply.",
        "40 manufacturing slots a year for 20 batches.",
        "Ships to Europe.",
    ]
    assert "Capacity not recorded." in other.reasons and "Commercial supply not recorded." in other.reasons
    assert best.score is not None
    assert excluded == []


def test_a_vendor_without_the_modality_is_excluded_with_that_reason(approved, autologous, reviewer):
    full, _ = approved
    full.modalities.clear()
    other = Modality.objects.create(slug="aav", name="AAV vectors")
    full.modalities.add(other)
    fitting, excluded = matching.match(reviewer, autologous, "commercial", 20, "europe")
    assert names(fitting) == ["Sparse Data Bio"]
    assert [(m.vendor, m.against) for m in excluded] == [(full, ["Does not make Autologous cell therapy."])]


def test_a_vendor_not_approved_never_fits(autologous, reviewer):
    for status in ("prospective", "not_approved", "disqualified", "under_review"):
        vendor = Vendor.objects.create(name=f"Vendor {status}", country="FR")
        Vendor.objects.filter(pk=vendor.pk).update(status=status)
        vendor.modalities.add(autologous)
        Capability.objects.create(vendor=vendor, commercial=True, slots_per_year=99, regions_shipped=["europe"])
    fitting, excluded = matching.match(reviewer, autologous, "commercial", 20, "europe")
    assert fitting == [] and len(excluded) == 4
    assert all(m.against[0].startswith("Not on the approved supplier list") for m in excluded)


def test_recorded_capacity_phase_and_region_exclude_when_they_do_not_fit(approved, autologous, reviewer):
    full, _ = approved
    for phase, batches, region, reason in (
        ("clinical", 20, "europe", "Clinical supply not recorded."),  # unknown: fits
        ("commercial", 41, "europe", "40 manufacturing slots a year, fewer than the 41 batches asked for."),
        ("commercial", 20, "asia_pacific", "Does not ship to Asia-Pacific."),
    ):
        fitting, excluded = matching.match(reviewer, autologous, phase, batches, region)
        judged = {m.vendor: m for m in fitting + excluded}[full]
        assert reason in (judged.reasons + judged.against)
    Capability.objects.filter(vendor=full).update(commercial=False)
    _, excluded = matching.match(reviewer, autologous, "commercial", 20, "europe")
    assert excluded[0].against == ["Does not serve commercial supply."]


def test_the_api_and_the_page(approved, reviewer_api, api, vendor_contact, client, reviewer):
    full, sparse = approved
    body = reviewer_api.get(f"/api/vendors/match/?{QUERY}").json()
    assert [r["vendor"] for r in body["results"]] == [full.pk, sparse.pk]
    assert body["results"][0]["fit"] == 100 and body["results"][0]["reasons"][0] == "Makes Autologous cell therapy."
    assert body["excluded"] == []
    for bad in (
        "",
        "modality=nothing&phase=commercial&batches_per_year=2&region=europe",
        QUERY.replace("20", "0"),
        QUERY.replace("europe", "mars"),
        QUERY.replace("commercial", "late"),
    ):
        response = reviewer_api.get(f"/api/vendors/match/?{bad}")
        assert response.status_code == 400 and response.json(), bad
    assert api.as_user(vendor_contact).get(f"/api/vendors/match/?{QUERY}").status_code == 403

    client.force_login(reviewer)
    assert client.get("/match/").status_code == 200
    page = client.get(f"/match/?{QUERY}").content.decode()
    assert "2 CDMOs fit" in page and "Full Data Bio" in page and "100%" in page
    assert client.get("/match/?batches_per_year=x").status_code == 400


def test_the_reference_data_gives_modalities_from_the_service_lines(reference_data):
    lonza = Vendor.objects.get(name="Lonza Group")
    lines = set(lonza.service_lines.values_list("slug", flat=True))
    modalities = set(lonza.modalities.values_list("slug", flat=True))
    expected = set()
    if "tissue_and_cell_therapy" in lines:
        expected |= {"autologous_cell_therapy", "allogeneic_cell_therapy"}
    if "gene_therapy_and_viral_products" in lines:
        expected |= {"viral_vector_gene_therapy", "viral_vector_cell_therapy"}
    assert modalities == expected and expected
    assert Vendor.objects.filter(modalities__slug="autologous_cell_therapy").exists()


def test_the_vendor_page_shows_what_is_recorded_and_what_is_not(approved, client, reviewer):
    full, sparse = approved
    client.force_login(reviewer)
    page = client.get(full.get_absolute_url()).content.decode()
    assert "Capability and capacity" in page and "commercial: yes" in page and "Europe" in page
    assert "<dd>40</dd>" in page
    page = client.get(sparse.get_absolute_url()).content.decode()
    assert "Phases, platforms, capacity, product, regions</dt><dd>not recorded" in page
    Capability.objects.create(vendor=sparse, clinical=True)
    page = client.get(sparse.get_absolute_url()).content.decode()
    assert "clinical: yes; commercial: not recorded" in page
    assert "Manufacturing slots a year</dt><dd>not recorded" in page


# --- Capability per site ------------------------------------------------------------------------------
def test_a_site_that_can_make_it_fits_when_the_vendor_as_a_whole_does_not(approved, autologous, reviewer, api_as):
    full, sparse = approved
    Capability.objects.filter(vendor=full).update(commercial=False)  # the vendor as a whole: clinical only
    plant = Site.objects.create(vendor=full, name="Commercial plant Leipzig", country="DE")
    pilot = Site.objects.create(vendor=full, name="Pilot suite Berlin", country="DE")
    Capability.objects.create(vendor=full, site=plant, commercial=True, slots_per_year=25)  # regions: the vendor's
    Capability.objects.create(vendor=full, site=pilot, commercial=True, slots_per_year=5)
    fitting, excluded = matching.match(reviewer, autologous, "commercial", 20, "europe")
    best = next(m for m in fitting if m.vendor == full)
    assert best.site == plant and best.fit == 100
    assert "25 manufacturing slots a year for 20 batches." in best.reasons
    assert "Ships to Europe." in best.reasons  # from the vendor-wide row
    body = api_as(reviewer).get(f"/api/vendors/match/?{QUERY}").json()
    row = next(r for r in body["results"] if r["vendor"] == full.pk)
    assert (row["site"], row["site_name"]) == (plant.pk, plant.name)
    assert all(r["site"] is None for r in body["results"] if r["vendor"] == sparse.pk)

    # No site fits: excluded with the reasons of the one that came closest.
    Capability.objects.filter(site=plant).update(slots_per_year=10)
    fitting, excluded = matching.match(reviewer, autologous, "commercial", 20, "europe")
    (out,) = [m for m in excluded if m.vendor == full]
    assert out.site == plant and out.against == ["10 manufacturing slots a year, fewer than the 20 batches asked for."]


def test_one_vendor_wide_row_and_one_per_site_of_its_own(approved):
    full, sparse = approved
    with pytest.raises(IntegrityError), transaction.atomic():
        Capability.objects.create(vendor=full, clinical=True)  # a second vendor-wide row
    elsewhere = Site.objects.create(vendor=sparse, name="Sparse site", country="DE")
    with pytest.raises(ValidationError, match="not a site of Full Data Bio"):
        Capability(vendor=full, site=elsewhere).full_clean()
    Capability.objects.create(vendor=sparse, site=elsewhere, clinical=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Capability.objects.create(vendor=sparse, site=elsewhere, clinical=False)


def test_the_vendor_page_shows_each_sites_capability(approved, client, reviewer):
    full, _ = approved
    plant = Site.objects.create(vendor=full, name="Commercial plant Leipzig", country="DE")
    Capability.objects.create(vendor=full, site=plant, slots_per_year=25)
    client.force_login(reviewer)
    page = client.get(full.get_absolute_url()).content.decode()
    assert "The vendor as a whole" in page and "Commercial plant Leipzig" in page
    assert page.index("The vendor as a whole") < page.index("Commercial plant Leipzig")
