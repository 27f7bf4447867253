"""Documents of the approved supplier list that expire: GMP certificates and licences of a
vendor's sites and its quality agreements. `due` lists those of approved and conditionally
approved vendors that have expired, or expire (an agreement: or are due for review) within
`EXPIRY_WARNING_DAYS`, soonest first: the home page's card and the list behind it."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .choices import QualificationStatus
from .models import EXPIRY_WARNING_DAYS, GMPCertificate, QualityAgreement, Vendor

QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)


@dataclass(frozen=True)
class Document:
    vendor: Vendor
    what: str  # "Quality agreement 3.0", "GMP certificate DE-123"
    covers: str  # a site's name, or "" for the whole vendor
    date: datetime.date
    event: str  # "expires" or "review"
    days_left: int

    @property
    def expired(self) -> bool:
        return self.event == "expires" and self.days_left < 0

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def due(vendors=None, today: datetime.date | None = None, horizon_days: int = EXPIRY_WARNING_DAYS) -> list[Document]:
    """Every such document of `vendors` (a queryset; the approved supplier list by default), by
    date: two queries."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=horizon_days)
    vendors = (Vendor.objects.all() if vendors is None else vendors).filter(status__in=QUALIFIED)
    found = []
    certificates = GMPCertificate.objects.filter(
        site__vendor__in=vendors, expires_on__isnull=False, expires_on__lte=horizon
    ).select_related("site__vendor")
    for c in certificates:
        found.append(Document(c.site.vendor, str(c), c.site.name, c.expires_on, "expires", (c.expires_on - today).days))
    agreements = QualityAgreement.objects.filter(vendor__in=vendors).select_related("vendor", "site")
    latest: dict[tuple[int, int | None], QualityAgreement] = {}
    for a in agreements:  # only the latest version per vendor and site counts
        key = (a.vendor_id, a.site_id)
        if key not in latest or (a.effective_on, a.pk) > (latest[key].effective_on, latest[key].pk):
            latest[key] = a
    for a in latest.values():
        covers = a.site.name if a.site else ""
        if a.expires_on is not None and a.expires_on <= horizon:
            found.append(
                Document(
                    a.vendor,
                    f"Quality agreement {a.version}",
                    covers,
                    a.expires_on,
                    "expires",
                    (a.expires_on - today).days,
                )
            )
        elif a.review_on is not None and a.review_on <= horizon:
            found.append(
                Document(
                    a.vendor,
                    f"Quality agreement {a.version}",
                    covers,
                    a.review_on,
                    "review",
                    (a.review_on - today).days,
                )
            )
    found.sort(key=lambda d: (d.date, d.vendor.name, d.what))
    return found
