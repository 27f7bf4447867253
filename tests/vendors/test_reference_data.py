import pytest

from vendors import reference_data as loader
from vendors.models import Contract, IndustryEvent, Modality, ServiceLine, TherapeuticArea, Vendor

pytestmark = pytest.mark.django_db


def test_loads_the_48_cdmos_of_the_literature_with_country_and_service_lines(reference_data):
    providers = Vendor.objects.filter(source=loader.PROVIDERS_SOURCE)
    assert providers.count() == 48
    lonza = Vendor.objects.get(name="Lonza Group")
    assert (lonza.country, lonza.region) == ("CH", "europe")
    assert set(lonza.service_lines.values_list("slug", flat=True)) == {
        ServiceLine.GENE_THERAPY,
        ServiceLine.CELL_THERAPY,
    }
    apceth = Vendor.objects.get(name="apceth Biopharma GmbH")
    assert list(apceth.service_lines.values_list("slug", flat=True)) == [ServiceLine.CELL_THERAPY]
    assert Vendor.objects.filter(country="DE").count() >= 5
    assert Vendor.objects.get(name="Takara Bio").region == "asia_pacific"


def test_contracts_and_events_are_linked_to_vendors_by_name(reference_data):
    assert Contract.objects.count() == 6
    assert IndustryEvent.objects.count() == 13
    pharmacell = Contract.objects.get(customer="Lion Biotechnologies")
    assert pharmacell.vendor.name == "Lonza Netherlands (Lonza; formerly PharmaCell)"
    assert IndustryEvent.objects.get(detail__startswith="Viral gene and cell therapy").vendor.name == "Lonza Group"
    # Suffixes and punctuation do not stop a match.
    assert IndustryEvent.objects.filter(vendor__name="Hitachi Chemical Co., Ltd.").exists()
    houston = IndustryEvent.objects.get(vendor__name="KBI Biopharma")
    assert (houston.year, houston.month, houston.floor_area_sq_ft) == (2017, 2, 10200)
    # Parties that are not among the 48 become vendors too.
    assert Vendor.objects.get(name="Oxford Biomedica").contracts.get().customer == "Novartis"


def test_modalities_and_therapeutic_areas_come_from_the_market_segments(reference_data):
    assert Modality.objects.count() == 6
    assert Modality.objects.filter(name="Allogeneic cell therapy").exists()
    assert TherapeuticArea.objects.filter(name="Oncology").exists()


def test_loading_twice_changes_nothing_and_keeps_user_edits(reference_data):
    lonza = Vendor.objects.get(name="Lonza Group")
    lonza.status, lonza.description = "approved", "Edited by a quality administrator"
    lonza.save()
    counts = [m.objects.count() for m in (Vendor, Contract, IndustryEvent, Modality)]
    loader.load()
    assert [m.objects.count() for m in (Vendor, Contract, IndustryEvent, Modality)] == counts
    lonza.refresh_from_db()
    assert (lonza.status, lonza.description) == ("approved", "Edited by a quality administrator")


def test_names_are_compared_without_legal_forms_and_punctuation():
    assert loader.normalise("Hitachi Chemical Co. Ltd.") == loader.normalise("Hitachi Chemical Co., Ltd.")
    assert loader.normalise("Vigene Biosciences, Inc") == "vigene biosciences"


def test_every_country_code_has_a_region():
    import pycountry

    from vendors.countries import COUNTRY_NAMES, region_of

    missing = [c.alpha_2 for c in pycountry.countries if c.alpha_2 != "AQ" and not region_of(c.alpha_2)]
    assert missing == []
    assert COUNTRY_NAMES["DE"] == "Germany"
