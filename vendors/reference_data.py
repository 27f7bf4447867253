"""Load the reference data shipped in vendors/data/ (facts from the cell-therapy CDMO literature;
sources in vendors/data/SOURCES.md). Idempotent: running it again changes nothing, and it never
overwrites what a user has since edited on a vendor (status, risk, dates, descriptions)."""

import csv
import re
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import Contract, IndustryEvent, Modality, ServiceLine, TherapeuticArea, Vendor

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVIDERS_SOURCE = "Mao et al. 2020, Table 2 (PharmSource, Nov 2017)"
CONTRACTS_SOURCE = "Mao et al. 2020, Table 1"
EVENTS_SOURCE = "Mao et al. 2020, section 1.3"
OTHER_PARTIES_SOURCE = "Mao et al. 2020, Table 1 and section 1.3 (party to a contract or event)"
SERVICE_LINES = [
    (ServiceLine.GENE_THERAPY, "Gene therapy & viral products"),
    (ServiceLine.CELL_THERAPY, "Tissue & cell therapy"),
]
_LEGAL_SUFFIXES = r"\b(inc|ltd|llc|gmbh|ag|sa|s\.a|bv|nv|plc|pte|co|corp|corporation|group|limited)\b"


def _rows(name):
    with open(DATA_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def normalise(name: str) -> str:
    """Compare organisation names without case, punctuation or legal-form suffixes."""
    text = re.sub(r"\(.*?\)", " ", name.lower())
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(_LEGAL_SUFFIXES, " ", text)
    return " ".join(text.split())


class VendorIndex:
    """Finds the vendor a free-text organisation name refers to."""

    def __init__(self):
        self.by_name = {}
        for vendor in Vendor.objects.all():
            self.by_name.setdefault(normalise(vendor.name), vendor)
            if vendor.legal_name:
                self.by_name.setdefault(normalise(vendor.legal_name), vendor)
        for row in _rows("vendor_aliases.csv"):
            vendor = self.by_name.get(normalise(row["vendor"]))
            if vendor:
                self.by_name[normalise(row["alias"])] = vendor

    def find(self, name):
        return self.by_name.get(normalise(name))


#: What a service line of the literature says of the modalities a vendor makes (market segments):
#: tissue and cell therapy is cell therapy, autologous and allogeneic; gene therapy and viral
#: products are viral vectors, for gene and for cell therapy. Nothing more is inferred.
MODALITIES_OF_LINE = {
    ServiceLine.CELL_THERAPY: ("autologous_cell_therapy", "allogeneic_cell_therapy"),
    ServiceLine.GENE_THERAPY: ("viral_vector_gene_therapy", "viral_vector_cell_therapy"),
}


def _lookup(model, values):
    for order, (slug, name) in enumerate(values):
        model.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


def _vendor(row, source):
    vendor, created = Vendor.objects.get_or_create(
        name=row["name"].strip(),
        defaults={
            "legal_name": row.get("legal_name", "").strip(),
            "country": row["country_code"].strip().upper(),
            "source": source,
            "description": row.get("note", "").strip(),
        },
    )
    lines = [
        slug
        for slug, column in (
            (ServiceLine.GENE_THERAPY, "gene_therapy_and_viral_products"),
            (ServiceLine.CELL_THERAPY, "tissue_and_cell_therapy"),
        )
        if row[column].strip().lower() == "yes"
    ]
    if created:
        vendor.service_lines.set(ServiceLine.objects.filter(slug__in=lines))
    if not vendor.modalities.exists():  # filled where empty, never overwritten
        slugs = [m for line in lines for m in MODALITIES_OF_LINE[line]]
        vendor.modalities.set(Modality.objects.filter(slug__in=slugs))
    return created


def _year_month(text):
    parts = text.strip().split("-")
    return int(parts[0]), (int(parts[1]) if len(parts) > 1 else None)


@transaction.atomic
def load(stdout=None):
    say = stdout.write if stdout else (lambda *_: None)
    _lookup(ServiceLine, SERVICE_LINES)
    segments = _rows("market_segments.csv")
    _lookup(
        Modality,
        [(slugify(r["value"]).replace("-", "_"), r["value"]) for r in segments if r["dimension"] == "modality"],
    )
    _lookup(
        TherapeuticArea,
        [(slugify(r["value"]).replace("-", "_"), r["value"]) for r in segments if r["dimension"] == "therapeutic_area"],
    )

    created = sum(_vendor(row, PROVIDERS_SOURCE) for row in _rows("cdmo_providers_2017.csv"))
    created += sum(_vendor(row, OTHER_PARTIES_SOURCE) for row in _rows("additional_vendors.csv"))
    index = VendorIndex()

    contracts = 0
    for row in _rows("cdmo_contracts_2017.csv"):
        vendor = index.find(row["contractor"])
        if vendor is None:
            raise ValueError(f"Contract contractor {row['contractor']!r} matches no vendor")
        _, new = Contract.objects.get_or_create(
            vendor=vendor,
            customer=row["customer"].strip(),
            product=row["product"].strip(),
            service=row["service"].strip(),
            defaults={"year": 2017, "source": CONTRACTS_SOURCE},
        )
        contracts += new

    events = 0
    for row in _rows("cdmo_industry_events.csv"):
        vendor = index.find(row["organisation"])
        if vendor is None:
            raise ValueError(f"Event organisation {row['organisation']!r} matches no vendor")
        year, month = _year_month(row["date"])
        kind = slugify(row["kind"]).replace("-", "_")
        if kind not in IndustryEvent.Kind.values:
            kind = IndustryEvent.Kind.OTHER
        _, new = IndustryEvent.objects.get_or_create(
            vendor=vendor,
            year=year,
            kind=kind,
            detail=row["detail"].strip(),
            defaults={
                "month": month,
                "floor_area_sq_ft": int(row["facility_sq_ft"]) if row["facility_sq_ft"].strip() else None,
                "location": row["location"].strip(),
                "source": EVENTS_SOURCE,
            },
        )
        events += new
    say(
        f"Reference data: {Vendor.objects.count()} vendors ({created} new), "
        f"{contracts} new contracts, {events} new industry events."
    )
