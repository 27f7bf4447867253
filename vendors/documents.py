"""Documents of the approved supplier list that expire: GMP certificates and licences of a
vendor's sites and its quality agreements. `due` lists those of approved and conditionally
approved vendors that have expired, or expire (an agreement: or are due for review) within
`EXPIRY_WARNING_DAYS`, soonest first: the list behind the home page's card; `first_due` is the
card itself, counted by the database."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from config import counting

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


def _certificate(c: GMPCertificate, today: datetime.date) -> Document:
    return Document(c.site.vendor, str(c), c.site.name, c.expires_on, "expires", (c.expires_on - today).days)


def _window(today: datetime.date | None, horizon_days: int) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today, today + datetime.timedelta(days=horizon_days)


def _agreement(a: QualityAgreement, today: datetime.date) -> Document:
    """One of `_agreements_due`, with its `due_on` and `expiring`."""
    covers = a.site.name if a.site else ""
    event = "expires" if a.expiring else "review"
    return Document(a.vendor, f"Quality agreement {a.version}", covers, a.due_on, event, (a.due_on - today).days)


def due(vendors=None, today: datetime.date | None = None, horizon_days: int = EXPIRY_WARNING_DAYS) -> list[Document]:
    """Every such document of `vendors` (a queryset; the approved supplier list by default), by
    date: two queries."""
    today, horizon = _window(today, horizon_days)
    vendors = (Vendor.objects.all() if vendors is None else vendors).filter(status__in=QUALIFIED)
    found = [_certificate(c, today) for c in _certificates_due(vendors, horizon).select_related("site__vendor")]
    found += [_agreement(a, today) for a in _agreements_due(vendors, horizon).select_related("vendor", "site")]
    found.sort(key=lambda d: (d.date, d.vendor.name, d.what))
    return found


def _certificates_due(vendors, horizon: datetime.date):
    return GMPCertificate.objects.filter(site__vendor__in=vendors, expires_on__isnull=False, expires_on__lte=horizon)


def _agreements_due(vendors, horizon: datetime.date):
    """The latest agreement per vendor and site (ROW_NUMBER() over its versions) that expires or
    is due for review by `horizon`, annotated with `due_on` and `expiring`, as `due` reads them."""
    newest = Window(
        RowNumber(), partition_by=[F("vendor_id"), F("site_id")], order_by=[F("effective_on").desc(), F("pk").desc()]
    )
    latest = QualityAgreement.objects.filter(vendor__in=vendors).annotate(newest=newest).filter(newest=1)
    return (
        QualityAgreement.objects.filter(pk__in=latest.order_by().values("pk"))
        .annotate(
            due_on=Case(
                When(expires_on__lte=horizon, then="expires_on"), When(review_on__lte=horizon, then="review_on")
            ),
            expiring=Case(When(expires_on__lte=horizon, then=True), default=False),
        )
        .filter(due_on__isnull=False)
    )


def first_due(
    n: int, today: datetime.date | None = None, horizon_days: int = EXPIRY_WARNING_DAYS
) -> tuple[list[Document], int, int]:
    """(the first `n` documents of `due()` for the approved supplier list, how many in all, how
    many expired; each count up to about `counting.CARD_COUNT_CAP` + 1, past which the card says "more
    than"), with the database counting and sorting: the home page's card at any size of the list."""
    today, horizon = _window(today, horizon_days)
    vendors = Vendor.objects.filter(status__in=QUALIFIED)
    certificates = _certificates_due(vendors, horizon)
    agreements = _agreements_due(vendors, horizon)
    total = counting.count_up_to(certificates) + counting.count_up_to(agreements)
    expired = counting.count_up_to(certificates.filter(expires_on__lt=today)) + counting.count_up_to(
        agreements.filter(expiring=True, expires_on__lt=today)
    )
    found = [
        _certificate(c, today)
        for c in certificates.select_related("site__vendor").order_by("expires_on", "site__vendor__name", "pk")[:n]
    ]
    found += [
        _agreement(a, today)
        for a in agreements.select_related("vendor", "site").order_by("due_on", "vendor__name", "pk")[:n]
    ]
    found.sort(key=lambda d: (d.date, d.vendor.name, d.what))
    return found[:n], total, expired
