"""The registry of contract manufacturers (CDMOs): who they are, where they make things, what
they have made for whom, and where each stands on the approved supplier list."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from audit.models import Audited
from config.exceptions import ConflictError
from config.limits import LONG_TEXT, PERSON_NAME, REASON, SHORT_TEXT

from .choices import EventKind, InherentRisk, LicenceKind, QualificationEvent, QualificationStatus, RiskRating
from .countries import COUNTRY_CHOICES, COUNTRY_NAMES, Region, region_of

#: A licence, certificate or quality agreement expiring (or due for review) within this many days
#: is flagged as expiring.
EXPIRY_WARNING_DAYS = 90


class LookupValue(models.Model):
    """A reference list entry (service line, modality, therapeutic area) kept as a table so that
    administrators can extend it without a release."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ServiceLine(LookupValue):
    GENE_THERAPY = "gene_therapy_and_viral_products"
    CELL_THERAPY = "tissue_and_cell_therapy"


class Modality(LookupValue):
    class Meta(LookupValue.Meta):
        verbose_name_plural = "modalities"


class TherapeuticArea(LookupValue):
    pass


class Vendor(Audited):
    name = models.CharField("short name", max_length=120, unique=True)
    legal_name = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(max_length=140, unique=True, blank=True)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, help_text="ISO 3166-1 alpha-2 code")
    region = models.CharField(max_length=24, choices=Region.choices, editable=False, db_index=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])
    service_lines = models.ManyToManyField(ServiceLine, blank=True, related_name="vendors")
    modalities = models.ManyToManyField(Modality, blank=True, related_name="vendors")
    therapeutic_areas = models.ManyToManyField(TherapeuticArea, blank=True, related_name="vendors")
    inherent_risk = models.CharField(
        max_length=6,
        choices=InherentRisk.choices,
        default=InherentRisk.HIGH,
        help_text="Risk of the service this vendor gives; sets the requalification interval.",
    )
    # The three qualification fields are set only by vendors/qualification.py (decisions); the
    # API, the admin form and the CSV import refuse or do not offer them.
    status = models.CharField(
        "qualification status",
        max_length=24,
        choices=QualificationStatus.choices,
        default=QualificationStatus.PROSPECTIVE,
        db_index=True,
        help_text="Set by decisions only: approval of an assessment, lifting, disqualification, reinstatement.",
    )
    next_requalification_due = models.DateField(
        null=True, blank=True, help_text="Set on approval of an assessment: approval date + interval."
    )
    risk_rating = models.CharField(
        "latest risk rating",
        max_length=8,
        blank=True,
        choices=RiskRating.choices,
        help_text="Risk rating of the latest approved assessment; set on approval.",
    )
    source = models.CharField(max_length=250, blank=True, help_text="Where the registry entry comes from.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.country:
            self.country = self.country.upper()
            if self.country not in COUNTRY_NAMES:
                raise ValidationError({"country": f"'{self.country}' is not an ISO 3166-1 alpha-2 country code."})

    def save(self, *args, **kwargs):
        self.country = (self.country or "").upper()
        self.region = region_of(self.country)
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def _unique_slug(self):
        base = slugify(self.name)[:120] or "vendor"
        slug, n = base, 2
        while Vendor.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def get_absolute_url(self):
        return reverse("vendors:detail", kwargs={"slug": self.slug})

    @property
    def country_name(self) -> str:
        return COUNTRY_NAMES.get(self.country, self.country)

    @property
    def requalification_overdue(self) -> bool:
        """An approved vendor past its due date shows as overdue (docs/domain.md §3)."""
        return bool(
            self.status in (QualificationStatus.APPROVED, QualificationStatus.CONDITIONALLY_APPROVED)
            and self.next_requalification_due
            and self.next_requalification_due < timezone.localdate()
        )


class QualificationDecision(Audited):
    """One change of a vendor's place on the approved supplier list, kept for good: what decided
    it, who (and under which printed name), when, from which status to which, and why. Written
    only by vendors/qualification.py and never changed or deleted, so that the list's history can
    be shown to an inspector whatever happens to the vendor row.

    `decided_status` is what the decision gives; `to_status` is what the vendor became, which
    differs only while a disqualification holds (the vendor stays disqualified until reinstated)."""

    Event = QualificationEvent

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="qualification_decisions")
    event = models.CharField(max_length=24, choices=QualificationEvent.choices)
    from_status = models.CharField(max_length=24, choices=QualificationStatus.choices)
    to_status = models.CharField(max_length=24, choices=QualificationStatus.choices)
    decided_status = models.CharField(max_length=24, choices=QualificationStatus.choices)
    risk_rating = models.CharField(max_length=8, blank=True, choices=RiskRating.choices)
    requalification_due = models.DateField(null=True, blank=True)
    # The deciding assessment by id and reference only: the registry sits below assessments.
    assessment_id = models.BigIntegerField(null=True, blank=True)
    assessment_reference = models.CharField(max_length=20, blank=True)
    reason = models.TextField(max_length=REASON, validators=[MaxLengthValidator(REASON)])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    printed_name = models.CharField(max_length=PERSON_NAME, help_text="The decider's name at the time.")
    decided_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["vendor", "-decided_at", "-pk"]
        get_latest_by = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.vendor.name}: {self.get_event_display()} ({self.from_status} → {self.to_status})"

    @property
    def held(self) -> bool:
        """The decision was taken while the vendor was disqualified and waits for reinstatement."""
        return self.to_status != self.decided_status

    def save(self, *args, **kwargs):
        if self.pk:
            raise ConflictError("A qualification decision cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ConflictError("A qualification decision cannot be deleted.")


class Site(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=160)
    address = models.TextField(blank=True, max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)])
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    grade_a = models.BooleanField("grade A", default=False)
    grade_b = models.BooleanField("grade B", default=False)
    grade_c = models.BooleanField("grade C", default=False)
    grade_d = models.BooleanField("grade D", default=False)
    floor_area_sq_ft = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)])

    class Meta:
        ordering = ["vendor", "name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "name"], name="unique_site_name_per_vendor")]

    def __str__(self):
        return f"{self.vendor.name}: {self.name}"

    @property
    def cleanroom_grades(self) -> list[str]:
        return [g for g in "ABCD" if getattr(self, f"grade_{g.lower()}")]

    @property
    def floor_area_sq_m(self) -> int | None:
        return round(self.floor_area_sq_ft * 0.092903) if self.floor_area_sq_ft else None


class GMPCertificate(models.Model):
    """A manufacturing authorisation, GMP certificate or registration that covers a site."""

    Kind = LicenceKind

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.GMP_CERTIFICATE)
    number = models.CharField(max_length=120)
    issued_by = models.CharField(max_length=160, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    covers_atmp = models.BooleanField("covers ATMPs", default=False)

    class Meta:
        ordering = ["site", "expires_on"]
        verbose_name = "GMP certificate"

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def expired(self) -> bool:
        return bool(self.expires_on and self.expires_on < timezone.localdate())

    @property
    def expiring(self) -> bool:
        """Not expired, but expiring within `EXPIRY_WARNING_DAYS`."""
        today = timezone.localdate()
        return bool(
            self.expires_on and today <= self.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        )


class Contact(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=160)
    role = models.CharField(max_length=160, blank=True, help_text="e.g. Head of Quality, QP")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_quality_contact = models.BooleanField(default=False)

    class Meta:
        ordering = ["vendor", "-is_quality_contact", "name"]

    def __str__(self):
        return self.name


class Contract(models.Model):
    """A publicly announced manufacturing agreement: part of the vendor's track record."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contracts")
    customer = models.CharField(max_length=160)
    product = models.CharField(max_length=200, blank=True)
    service = models.CharField(max_length=250)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["vendor", "-year", "customer"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "customer", "product", "service"], name="unique_contract"),
        ]

    def __str__(self):
        return f"{self.vendor.name} for {self.customer}"


class IndustryEvent(models.Model):
    """An expansion, acquisition or funded facility: the other half of the track record."""

    Kind = EventKind

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="events")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.TextField(max_length=SHORT_TEXT, validators=[MaxLengthValidator(SHORT_TEXT)])
    floor_area_sq_ft = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=160, blank=True)
    source = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["vendor", "-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["vendor", "year", "kind", "detail"], name="unique_event")]

    def __str__(self):
        return f"{self.date_label} {self.get_kind_display()}"

    @property
    def date_label(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


def agreement_path(instance, filename):
    """Signed copies are stored under a random name; the original name is kept in the database."""
    return f"quality-agreements/{instance.vendor_id}/{uuid.uuid4().hex}"


class QualityAgreement(Audited):
    """A quality agreement with the vendor (for one of its sites, or the whole vendor): its
    version, when it takes effect, is due for review and expires, the signed copy (a PDF kept with
    its SHA-256) and who approved it. Written once (vendors/agreements.py): a revised agreement is
    a new version, the earlier ones stay as they were."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="quality_agreements")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="quality_agreements")
    version = models.CharField(max_length=40)
    effective_on = models.DateField()
    review_on = models.DateField(null=True, blank=True, help_text="When the agreement is due for review.")
    expires_on = models.DateField(null=True, blank=True)
    signed_copy = models.FileField(upload_to=agreement_path, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vendor", "-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "site", "version"], name="one_quality_agreement_version"),
        ]

    def __str__(self):
        return f"Quality agreement {self.version} with {self.vendor}"


class Capability(Audited):
    """What a vendor can make and how much, for the vendor as a whole (no site) or for one of its
    sites. Every field may be unknown (null or empty): the literature says little beyond service
    lines, and the match (insights/matching.py) says "not recorded" rather than guessing; a site's
    unknown fields are the vendor-wide row's. Modalities are the vendor's own `modalities`."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="capabilities")
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="capabilities",
        help_text="Empty: the vendor as a whole. A site's row says what that site can do.",
    )
    clinical = models.BooleanField("serves clinical phases", null=True, blank=True)
    commercial = models.BooleanField("serves commercial supply", null=True, blank=True)
    closed_systems = models.BooleanField("closed or automated platforms", null=True, blank=True)
    platforms = models.CharField(max_length=200, blank=True, help_text="e.g. CliniMACS Prodigy, Cocoon")
    cleanroom_suites = models.PositiveSmallIntegerField(null=True, blank=True)
    slots_per_year = models.PositiveIntegerField(
        "manufacturing slots per year", null=True, blank=True, help_text="Batches it can take on a year."
    )
    fresh = models.BooleanField("fresh product", null=True, blank=True)
    cryopreserved = models.BooleanField("cryopreserved product", null=True, blank=True)
    regions_shipped = models.JSONField(default=list, blank=True, help_text="Market regions it ships to.")

    class Meta:
        verbose_name_plural = "capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"], condition=models.Q(site__isnull=True), name="one_vendor_wide_capability"
            ),
            models.UniqueConstraint(fields=["site"], name="one_capability_per_site"),
        ]

    def __str__(self):
        return f"Capability of {self.vendor}" + (f", {self.site.name}" if self.site_id else "")

    def clean(self):
        if self.site_id and self.vendor_id and self.site.vendor_id != self.vendor_id:
            raise ValidationError({"site": f"{self.site.name} is not a site of {self.vendor.name}."})
        unknown = [r for r in self.regions_shipped or [] if r not in Region.values]
        if not isinstance(self.regions_shipped, list) or unknown:
            raise ValidationError({"regions_shipped": f"Use a list of {', '.join(Region.values)}."})
