"""Quality agreements with a vendor (per vendor, or per site): recording one and what stands now.

`record` is the one way in (the API; the rules of who may are `vendors.add_qualityagreement`): the
signed copy must be a PDF of at most `MAX_BYTES`, kept with its SHA-256; the dates must be in
order; the site must be the vendor's; a version is recorded once per vendor and site. An
agreement is never changed or deleted: a revision is a new version.

`standing` says of each agreement whether it is current, expiring (within `WARNING_DAYS`), due
for review, expired or not yet in effect; `lacks_current` flags an approved vendor with no
current agreement on the approved supplier list."""

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone

from config.exceptions import InvalidInput, NotAllowed

from .choices import QualificationStatus
from .models import EXPIRY_WARNING_DAYS, QualityAgreement, Site, Vendor

#: The largest signed copy accepted.
MAX_BYTES = 25 * 1024 * 1024
#: An agreement expiring or due for review within this many days is flagged as such.
WARNING_DAYS = EXPIRY_WARNING_DAYS
QUALIFIED = (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)


class Standing:
    CURRENT = "current"
    EXPIRING = "expiring"
    REVIEW_DUE = "review_due"
    EXPIRED = "expired"
    NOT_YET = "not_yet_effective"
    LABELS = {
        CURRENT: "current",
        EXPIRING: "expiring",
        REVIEW_DUE: "review due",
        EXPIRED: "expired",
        NOT_YET: "not yet in effect",
    }


def standing_of(agreement: QualityAgreement, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=WARNING_DAYS)
    if agreement.expires_on is not None and agreement.expires_on < today:
        return Standing.EXPIRED
    if agreement.effective_on > today:
        return Standing.NOT_YET
    if agreement.expires_on is not None and agreement.expires_on <= horizon:
        return Standing.EXPIRING
    if agreement.review_on is not None and agreement.review_on <= horizon:
        return Standing.REVIEW_DUE
    return Standing.CURRENT


def is_in_force(standing: str) -> bool:
    return standing in (Standing.CURRENT, Standing.EXPIRING, Standing.REVIEW_DUE)


@dataclass(frozen=True)
class Shown:
    agreement: QualityAgreement
    standing: str

    @property
    def label(self) -> str:
        return Standing.LABELS[self.standing]


def standing(vendor: Vendor, today=None) -> list[Shown]:
    """Every agreement of the vendor with its standing, latest effective first."""
    rows = QualityAgreement.objects.filter(vendor=vendor).select_related("site", "approved_by")
    return [Shown(a, standing_of(a, today)) for a in rows]


def lacks_current(vendor: Vendor, today=None, shown: list[Shown] | None = None) -> bool:
    """An approved (or conditionally approved) vendor with no agreement in force; `shown` is its
    `standing` when the caller has it already."""
    if vendor.status not in QUALIFIED:
        return False
    shown = standing(vendor, today) if shown is None else shown
    return not any(is_in_force(s.standing) for s in shown)


def vendors_lacking(vendor_ids, today=None) -> set[int]:
    """Of `vendor_ids`, the approved vendors with no agreement in force (one query each kind)."""
    today = today or timezone.localdate()
    qualified = set(Vendor.objects.filter(pk__in=vendor_ids, status__in=QUALIFIED).values_list("pk", flat=True))
    in_force = set()
    for a in QualityAgreement.objects.filter(vendor_id__in=qualified):
        if is_in_force(standing_of(a, today)):
            in_force.add(a.vendor_id)
    return qualified - in_force


def _check_copy(upload) -> None:
    name = PurePath(getattr(upload, "name", "") or "").name
    if upload is None or not name:
        raise InvalidInput({"signed_copy": ["Attach the signed copy (a PDF file)."]})
    if upload.size > MAX_BYTES:
        raise InvalidInput({"signed_copy": [f"{name} is {upload.size / 1e6:.1f} MB; the limit is 25 MB."]})
    head = upload.read(5)
    upload.seek(0)
    if upload.size == 0 or head != b"%PDF-":
        raise InvalidInput({"signed_copy": [f"{name} is not a PDF file."]})


def _digest(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def record(vendor: Vendor, user, values: dict, upload) -> QualityAgreement:
    """Record a quality agreement. `values`: version, effective_on, review_on, expires_on, site
    (a Site or None), approved_by (a user; the recorder by default)."""
    if not user.has_perm("vendors.add_qualityagreement", vendor):
        raise NotAllowed("Only quality administrators record quality agreements.")
    errors: dict[str, list[str]] = {}
    version = (values.get("version") or "").strip()
    if not version:
        errors["version"] = ["Give the agreement's version."]
    effective = values.get("effective_on")
    if effective is None:
        errors["effective_on"] = ["Give the date the agreement takes effect."]
    for field in ("review_on", "expires_on"):
        if effective is not None and values.get(field) is not None and values[field] < effective:
            errors[field] = ["Must not be before the effective date."]
    site = values.get("site")
    if isinstance(site, Site) and site.vendor_id != vendor.pk:
        errors["site"] = [f"{site} is not a site of {vendor}."]
    if version and QualityAgreement.objects.filter(vendor=vendor, site=site, version=version).exists():
        errors["version"] = [f"Version {version} is already recorded; a revision is a new version."]
    approver = values.get("approved_by") or user
    if not (approver.is_active and approver.has_perm("vendors.add_qualityagreement", vendor)):
        errors["approved_by"] = [f"{approver.username} is not an active quality administrator."]
    try:
        _check_copy(upload)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    agreement = QualityAgreement(
        vendor=vendor,
        site=site,
        version=version,
        effective_on=effective,
        review_on=values.get("review_on"),
        expires_on=values.get("expires_on"),
        original_name=PurePath(upload.name).name[:255],
        size=upload.size,
        sha256=_digest(upload),
        approved_by=approver,
        recorded_by=user,
    )
    with transaction.atomic():
        agreement.signed_copy.save(agreement.original_name, upload, save=False)
        agreement.save()
    return agreement
