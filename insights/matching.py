"""Which qualified CDMOs can make a product (issue #17, the match): given the product's modality,
phase (clinical or commercial), batches a year and target market region, the approved and
conditionally approved vendors that fit, ranked by fit and then by the overall score frozen at
their latest approval the reader may see, each with the reasons it fits; and every other vendor
with the reasons it was excluded.

A vendor is excluded when it is not on the approved supplier list, does not make the modality,
or is recorded as not serving the phase, as having fewer manufacturing slots a year than the
batches asked for, or as not shipping to the region. What is not recorded does not exclude: it
lowers the fit and is said ("capacity not recorded"). `fit` is the share of the four points that
are recorded and met, in percent.

Capability is recorded for the vendor as a whole and for its sites; each site is judged with what
its own row says and, where it says nothing, what the vendor-wide row says. A vendor fits when the
vendor as a whole or one of its sites fits; the match names the best site (most points met), and a
vendor excluded is excluded with the reasons of the site that came closest."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from vendors.choices import QualificationStatus
from vendors.countries import Region
from vendors.models import Capability, Vendor

from .dashboards import latest_approvals

QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)
PHASES = (("clinical", gettext_noop("Clinical")), ("commercial", gettext_noop("Commercial")))
POINTS = 4


@dataclass
class Match:
    vendor: Vendor
    site: object = None  # the site judged, or None for the vendor as a whole
    fits: bool = True
    met: int = 0
    reasons: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    score: float | None = None

    def exclude(self, reason: str) -> None:
        self.fits = False
        self.against.append(reason)

    @property
    def fit(self) -> int:
        return round(100 * self.met / POINTS)


#: What a capability row records, each of which a site's row may leave to the vendor-wide one.
FIELDS = ("clinical", "commercial", "slots_per_year", "regions_shipped")


def _for_site(site_row: Capability, vendor_row: Capability | None) -> Capability:
    """The site's row with its unknown fields filled from the vendor-wide row (unsaved)."""
    merged = Capability(vendor_id=site_row.vendor_id, site=site_row.site)
    for name in FIELDS:
        value = getattr(site_row, name)
        if value is None or value == []:
            value = getattr(vendor_row, name) if vendor_row is not None else value
        setattr(merged, name, value)
    return merged


def _judge_vendor(vendor: Vendor, rows: list[Capability], modality, phase: str, batches: int, region: str) -> Match:
    """The best judgement of the vendor: as a whole, or at the site that fits best."""
    vendor_row = next((r for r in rows if r.site_id is None), None)
    judged = [_judge(vendor, vendor_row, modality, phase, batches, region)]
    for row in rows:
        if row.site_id is not None:
            m = _judge(vendor, _for_site(row, vendor_row), modality, phase, batches, region)
            m.site = row.site
            judged.append(m)
    return max(judged, key=lambda m: (m.fits, m.met, m.site is not None))


def _judge(vendor: Vendor, capability: Capability | None, modality, phase: str, batches: int, region: str) -> Match:
    m = Match(vendor)
    if vendor.status not in QUALIFIED:
        m.exclude(f"Not on the approved supplier list: {vendor.get_status_display().lower()}.")
    offered = {x.pk for x in vendor.modalities.all()}
    if modality.pk in offered:
        m.met += 1
        m.reasons.append(f"Makes {modality.name}.")
    else:
        m.exclude(f"Does not make {modality.name}." if offered else f"No modality recorded, so not {modality.name}.")
    served = getattr(capability, phase, None) if capability else None
    if served is True:
        m.met += 1
        m.reasons.append(f"Serves {phase} supply.")
    elif served is False:
        m.exclude(f"Does not serve {phase} supply.")
    else:
        m.reasons.append(f"{phase.capitalize()} supply not recorded.")
    slots = capability.slots_per_year if capability else None
    if slots is None:
        m.reasons.append("Capacity not recorded.")
    elif slots >= batches:
        m.met += 1
        m.reasons.append(f"{slots} manufacturing slots a year for {batches} batches.")
    else:
        m.exclude(f"{slots} manufacturing slots a year, fewer than the {batches} batches asked for.")
    regions = (capability.regions_shipped if capability else None) or []
    label = Region(region).label
    if not regions:
        m.reasons.append("Regions shipped to not recorded.")
    elif region in regions:
        m.met += 1
        m.reasons.append(f"Ships to {label}.")
    else:
        m.exclude(f"Does not ship to {label}.")
    return m


def match(user, modality, phase: str, batches: int, region: str) -> tuple[list[Match], list[Match]]:
    """(the vendors that fit, best first; the others, by name)."""
    vendors = list(Vendor.objects.prefetch_related("modalities").order_by("name"))
    capabilities: dict[int, list[Capability]] = {}
    for row in Capability.objects.filter(vendor__in=vendors).select_related("site").order_by("site__name", "pk"):
        capabilities.setdefault(row.vendor_id, []).append(row)
    judged = [_judge_vendor(v, capabilities.get(v.pk, []), modality, phase, batches, region) for v in vendors]
    fitting = [m for m in judged if m.fits]
    scores = latest_approvals(user, [m.vendor.pk for m in fitting])
    for m in fitting:
        score = scores.get(m.vendor.pk, {}).get("score")
        m.score = float(score) if score is not None else None
    fitting.sort(key=lambda m: (-m.met, -(m.score if m.score is not None else -1), m.vendor.name))
    return fitting, [m for m in judged if not m.fits]
