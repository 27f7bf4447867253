"""A load generator: a supplier base at the scale of a global quality team, for the page benchmark
(benchmarks/pages_bench.py) and nothing in production. `manage.py seed_scale` runs it.

At its defaults (5,000 vendors, 20,000 assessments) it builds what issue #12 measured: vendors
with sites, GMP licences, contacts, contracts and industry events; assessments in every status
(55% approved, 7.5% submitted, 15.5% in progress, 12% planned, 4% returned, 6% cancelled), 15%
of them on a 200-question checklist version made for the purpose (CGT-CDMO-XL), the others on
the built-in CGT-CDMO v1; every answer of each, evidence where a question requires it, findings,
corrective actions (about 60% open), signatures, the audit trail, and 49 users in the product's
roles. The numbers grow in proportion with the two sizes.

**Speed over the rule modules.** A real approval takes dozens of queries; 11,000 of them would
take hours. So rows are written with `bulk_create` in batches, and the rule modules' *checks* are
not run on the way (no `save_answers`, `raise_finding`, `workflow.*`, `signatures.sign`,
`qualification.*`; their signals and the audit trail's `post_save` do not fire). What the rules
*compute* is computed by the rule modules themselves:

- scores, ratings, recommended decisions and requalification dates: the pure scoring engine
  (`assessments.scoring`, fed by `evaluation.checklist_specs`), as `workflow.approve` does;
- which questions apply (conditions): `scoring.visible_questions`; the class proposed for a
  finding: `scoring.propose_classification`; clusters of minor findings:
  `scoring.pics_flagged_criteria`;
- signature hashes: `record.hash_of` over the content `record.canonical_content` would read back
  from the rows written, built in memory (`Builder.canonical_content`), and `record.action_hash`;
  every load ends by checking a sample with `record.content_hash` and `record.signature_states`;
- the audit trail: django-auditlog's own diff of each row (`model_instance_diff`), attributed to
  the person who would have acted, at the time they would have acted.

What it writes itself, following the rule modules (tests/demo/test_seed_scale.py checks a sample
against them): the lifecycle fields of each status (submitted and approved dates, decision,
signing cycle), every `QualificationDecision` that `vendors.qualification` keeps for the approval
of each assessment (and for the rare lifted condition or disqualification) with the vendor's
status, latest rating and due date as it leaves them; `Assessment.created_at` and the other times
are in the past (auto_now is switched off while inserting). No PDF report is rendered (the report
task is measured by benchmarks/report_bench.py); evidence rows share a few small stored files.

A seeded database is recognised by its vendors' `source` ("seed_scale v1 --vendors N ...") and its
assessments' scope ("[scale] ..."). Seeding runs in one transaction: all or nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.diff import model_instance_diff
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.roles import Role, ensure_role_groups
from assessments import evaluation, record, scoring
from assessments.choices import (
    MAJOR_OR_WORSE,
    ActionStatus,
    AssessmentDecision,
    AssessmentKind,
    AssessmentMode,
    AssessmentStatus,
    FindingClass,
    MinorReviewOutcome,
    SignatureMeaning,
    is_lower_class,
)
from assessments.models import (
    Answer,
    Assessment,
    CorrectiveAction,
    Evidence,
    Finding,
    MinorFindingsReview,
    ScoreAtApproval,
    Signature,
)
from audit.context import acting
from audit.models import AuditEntry
from checklists import publishing
from checklists.choices import NOT_APPLICABLE, AnswerType, Compliance, YesNo
from checklists.models import Checklist, Question
from vendors import reference_data
from vendors.choices import EventKind, InherentRisk, LicenceKind, QualificationEvent, QualificationStatus
from vendors.countries import region_of
from vendors.models import (
    Contact,
    Contract,
    GMPCertificate,
    IndustryEvent,
    Modality,
    QualificationDecision,
    ServiceLine,
    Site,
    TherapeuticArea,
    Vendor,
)

#: Raised when what the generator builds changes, so that a benchmark database seeded by an older
#: generator is not taken for a current one.
FORMAT = 2  # 2: scores frozen at approval (ScoreAtApproval) for every approved assessment
SOURCE_PREFIX = "seed_scale"
MARK = "[scale]"
LABEL = "seed_scale"
DEFAULT_VENDORS = 5000
DEFAULT_ASSESSMENTS = 20000
DEFAULT_SEED = 12
BUILT_IN = ("CGT-CDMO", 1)
XL_CODE = "CGT-CDMO-XL"
XL_QUESTIONS = 200
REFERENCE_SOURCES = (reference_data.PROVIDERS_SOURCE, reference_data.OTHER_PARTIES_SOURCE)

#: Shares of the assessments by status (issue #12: 11k approved, 1.5k submitted, 3.1k in progress
#: of 20k; the rest planned, returned or cancelled).
STATUS_SHARES = (
    (AssessmentStatus.APPROVED, 0.55),
    (AssessmentStatus.SUBMITTED, 0.075),
    (AssessmentStatus.IN_PROGRESS, 0.155),
    (AssessmentStatus.PLANNED, 0.12),
    (AssessmentStatus.RETURNED, 0.04),
    (AssessmentStatus.CANCELLED, 0.06),
)
XL_SHARE = 0.15
ASSESSED_VENDOR_SHARE = 0.85
#: Users by role: 4 + 10 + 20 + 10 + 5 = 49.
USERS = (
    ("admin", 4, (Role.ADMIN,)),
    ("lead", 10, (Role.LEAD_AUDITOR, Role.AUDITOR)),
    ("auditor", 20, (Role.AUDITOR,)),
    ("reviewer", 10, (Role.REVIEWER,)),
    ("contact", 5, (Role.VENDOR_CONTACT,)),
)
CHUNK = 250  # assessments written per round (memory stays flat at any size)
BATCH = 2000  # rows per INSERT

PAST = (
    AssessmentStatus.APPROVED,
    AssessmentStatus.CANCELLED,
)
SUBMITTED_ONCE = (AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.APPROVED)
Status = QualificationStatus


class SeedRefused(Exception):
    """The database holds records the generator must not mix with; nothing was written."""


@dataclass(frozen=True)
class Size:
    vendors: int = DEFAULT_VENDORS
    assessments: int = DEFAULT_ASSESSMENTS
    seed: int = DEFAULT_SEED

    @property
    def source(self) -> str:
        """What every seeded vendor's `source` says: how the database was seeded."""
        return f"{SOURCE_PREFIX} v{FORMAT} --vendors {self.vendors} --assessments {self.assessments} --seed {self.seed}"


# --- what is in the database already ---------------------------------------------------------------


def seeded_with() -> list[str]:
    """The `source` of each load seed_scale put into this database (one, normally)."""
    loads = Vendor.objects.filter(source__startswith=SOURCE_PREFIX).order_by().values_list("source", flat=True)
    return sorted(loads.distinct())


def real_records() -> dict[str, int]:
    """Vendors and assessments that neither the reference data nor seed_scale made."""
    vendors = Vendor.objects.exclude(source__in=REFERENCE_SOURCES).exclude(source__startswith=SOURCE_PREFIX)
    assessments = Assessment.objects.exclude(scope__startswith=MARK)
    return {k: v for k, v in {"vendors": vendors.count(), "assessments": assessments.count()}.items() if v}


def check_may_seed(size: Size, force: bool = False) -> bool:
    """False when this load is there already (nothing to do); SeedRefused when another load, or
    (without `force`) records of the product's users, are in the database."""
    loads = seeded_with()
    if loads == [size.source]:
        return False
    if loads:
        raise SeedRefused(
            f"The database holds another seed_scale load ({'; '.join(loads)}): seed into an empty database."
        )
    real = real_records()
    if real and not force:
        counts = ", ".join(f"{n} {what}" for what, n in real.items())
        raise SeedRefused(
            f"The database holds records that seed_scale did not make ({counts}): "
            "seed a benchmark database, or pass --force to add the load beside them."
        )
    return True


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class Summary:
    counts: dict[str, int]
    seconds: float
    seeded: bool


def seed(size: Size, *, force: bool = False, today: dt.date | None = None, say: Callable = print) -> Summary:
    """Build the load of `size` into this database, or do nothing if it is there already."""
    started = timezone.now()
    if not check_may_seed(size, force):
        say(f"Already seeded: {size.source}.")
        return Summary(counts(), 0.0, False)
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    with transaction.atomic(), _given_times(), _checked_row_by_row():
        builder = Builder(size, today or timezone.localdate(), say)
        builder.build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The planner's statistics of the new rows, as autovacuum gathers them in a database in
            # use; without them the first plans are made for empty tables.
            cursor.execute("ANALYZE")
    seconds = (timezone.now() - started).total_seconds()
    summary = Summary(counts(), seconds, True)
    say(f"Seeded {size.source} in {seconds:.0f} s: " + ", ".join(f"{v} {k}" for k, v in summary.counts.items()))
    return summary


def counts() -> dict[str, int]:
    scale = Assessment.objects.filter(scope__startswith=MARK)
    return {
        "vendors": Vendor.objects.count(),
        "assessments": scale.count(),
        "answers": Answer.objects.filter(assessment__in=scale).count(),
        "evidence": Evidence.objects.filter(answer__assessment__in=scale).count(),
        "findings": Finding.objects.filter(assessment__in=scale).count(),
        "corrective actions": CorrectiveAction.objects.filter(finding__assessment__in=scale).count(),
        "signatures": Signature.objects.filter(assessment__in=scale).count(),
        "audit entries": AuditEntry.objects.count(),
        "users": User.objects.filter(username__startswith="scale-").count(),
    }


@contextmanager
def _checked_row_by_row():
    """On PostgreSQL, foreign keys are checked as each row is written instead of queued for
    millions of rows until the commit; deferred again afterwards (an enclosing transaction, a
    test's, goes on as it was)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield  # after a failure the transaction is rolled back: nothing to set again
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _given_times():
    """Rows keep the times the generator gives them: auto_now and auto_now_add are off meanwhile."""
    changed = []
    for model in (Vendor, Assessment, Answer, Finding, CorrectiveAction, Evidence, MinorFindingsReview):
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in changed:
            f.auto_now, f.auto_now_add = now, add


# --- words ----------------------------------------------------------------------------------------------

NAME_HEADS = (
    "Aurel Avenir Benthos Calyx Cedar Corvus Delta Elara Fjord Galen Helix Ionis Juniper Kestrel Lumen Meridian "
    "Nexa Orion Pallas Quanta Rhea Solace Tessel Umbra Vela Wren Xylem Yarrow Zephyr Altair Boreal Cygnus"
).split()
NAME_TAILS = "Bio Cell Gene Thera Vector Cyto Immuno Regen Plasmid Viro".split()
NAME_KINDS = (
    "Biologics",
    "Therapeutics",
    "Manufacturing",
    "Biomanufacturing",
    "CDMO",
    "Cell Services",
    "Life Sciences",
    "Bioprocessing",
)
COUNTRIES = (
    ("US", 30),
    ("CN", 14),
    ("DE", 6),
    ("GB", 6),
    ("FR", 4),
    ("CH", 3),
    ("NL", 3),
    ("BE", 3),
    ("IT", 3),
    ("ES", 2),
    ("IE", 2),
    ("SE", 2),
    ("DK", 2),
    ("JP", 5),
    ("KR", 4),
    ("SG", 2),
    ("IN", 3),
    ("AU", 2),
    ("CA", 3),
    ("IL", 1),
    ("BR", 1),
)
CITIES = "Northfield Riverside Lakeview Hillcrest Fairport Westbrook Kingsbridge Ashford Millbrook Eastgate".split()
FIRST = "Ana Ben Chen Dana Emil Farah Goran Hana Ivan Jun Kira Luis Mei Nils Olga Priya Rafael Sara Tomas Yuki".split()
LAST = "Almeida Berger Chow Dubois Eriksen Fischer Garcia Haas Ito Jensen Kowalski Larsen Moreau Novak Okafor".split()
CONTACT_ROLES = ("Head of Quality", "Qualified Person", "QA manager", "Site director", "Business development")
CUSTOMERS = "Arcadia Therapeutics,BlueRiver Bio,Cortex Cell,Dovetail Gene,Evergreen Oncology,Fathom Bio".split(",")
SERVICES = (
    "Clinical manufacture of autologous CAR-T cells",
    "Lentiviral vector manufacture",
    "AAV vector process development and GMP manufacture",
    "Allogeneic cell bank and drug product manufacture",
    "Fill-finish of cryopreserved cell therapy",
)
COMMENTS = (
    "Procedure seen on site; records reviewed for the last two quarters.",
    "Shown the current revision and its training records.",
    "Sampled five batch records; all complete.",
    "Trend report reviewed with the site's QA lead.",
)
GAPS = (
    "Procedure exists but the last revision is not yet trained on.",
    "Records incomplete for two of the sampled batches.",
    "Trending is done but excursions are not always investigated.",
    "Responsibilities are not defined in the quality agreement.",
    "Qualification report missing for one piece of equipment.",
)
NA_WHY = "The site does not perform this activity for the products in scope."
DOWNGRADE_WHY = "Partially met: the control exists and works, only its documentation is incomplete."
ROOT_CAUSE = "Procedure did not require the record; operators were not trained on the revision."
VENDOR_ACTION = "Procedure revised, operators retrained, effectiveness check planned at three months."
VERIFICATION = "Revised procedure and training records reviewed; three months of records complete."
CLUSTER_WHY = "The minor findings concern separate records and do not together amount to a major deficiency."
EVIDENCE_FILES = (
    ("evidence/scale/site-master-file.pdf", "site-master-file.pdf", "application/pdf"),
    ("evidence/scale/em-trend-report.pdf", "em-trend-report.pdf", "application/pdf"),
    ("evidence/scale/training-matrix.csv", "training-matrix.csv", "text/csv"),
    ("evidence/scale/audit-notes.txt", "audit-notes.txt", "text/plain"),
)


def _through_rows(model, name: str, pk: int, objs) -> list:
    """Rows of the many-to-many table `model.name` linking `pk` to each of `objs`."""
    through = getattr(model, name).through
    own, other = (
        next(f.attname for f in through._meta.concrete_fields if f.related_model is m)
        for m in (model, getattr(model, name).field.related_model)
    )
    return [through(**{own: pk, other: o.pk}) for o in objs]


def _evidence_bytes(name: str) -> bytes:
    body = f"Evidence collected during a supplier audit ({name}).\n".encode()
    if name.endswith(".pdf"):
        return b"%PDF-1.4\n% " + body + b"%%EOF\n"
    return body


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _at(day: dt.date, rng: random.Random, start_hour: int = 8, hours: int = 9) -> dt.datetime:
    """A time on `day` in working hours (UTC)."""
    minutes = rng.randrange(hours * 60)
    return dt.datetime.combine(day, dt.time(start_hour), tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)


def _cid(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128)).hex


# --- the audit trail ---------------------------------------------------------------------------------------


class Trail:
    """Audit-trail entries as django-auditlog writes them, written in batches; `actor` is who
    would have acted (None: the command itself). The entry of a new row carries the same changes
    as auditlog's `model_instance_diff(None, row)` (`created_changes`, faster; a test compares);
    a change is auditlog's own diff of the row before and after."""

    def __init__(self):
        self.entries: list[dict] = []
        self.types: dict[type, int] = {}
        self.fields: dict[type, list] = {}

    def _entry(self, obj, action, changes, actor, at, cid, reason="", assessment_id=None) -> None:
        model = type(obj)
        if model not in self.types:
            self.types[model] = ContentType.objects.get_for_model(model).pk
        self.entries.append(
            {
                "content_type_id": self.types[model],
                "object_pk": str(obj.pk),
                "object_id": obj.pk,
                "object_repr": str(obj),
                "serialized_data": None,
                "action": action,
                "changes_text": "",
                "changes": changes,
                "actor_id": actor.pk if actor else None,
                "cid": cid,
                "remote_addr": None,
                "remote_port": None,
                "timestamp": at,
                "additional_data": None,
                "actor_email": (actor.email or None) if actor else None,
                "reason": reason,
                "username": actor.username if actor else LABEL,
                "user_full_name": (actor.get_full_name() or actor.username) if actor else "",
                "assessment_id": assessment_id,
            }
        )

    def created_changes(self, obj) -> dict | None:
        """What `model_instance_diff(None, obj, use_json_for_changes=True)` returns: every
        audited field that is not None, as (None, value), values that are not JSON as text and
        times as naive UTC."""
        model = type(obj)
        if model not in self.fields:
            self.fields[model] = _audited_fields(model)
        diff = {}
        values = obj.__dict__
        for name, attname, kind in self.fields[model]:
            value = values.get(attname) if kind != "file" else getattr(obj, attname)
            if value is None:
                continue
            if kind == "datetime":
                value = str(timezone.make_naive(value, dt.UTC) if timezone.is_aware(value) else value)
            elif kind == "file":
                value = value.name
                if value is None:
                    continue
            elif not isinstance(value, (bool, int, float, str, list, tuple, dict, set)):
                value = str(value)
            diff[name] = (None, value)
        return diff or None

    def created(self, obj, actor, at, cid, reason="", assessment_id=None) -> None:
        self._entry(obj, AuditEntry.Action.CREATE, self.created_changes(obj), actor, at, cid, reason, assessment_id)

    def changed(self, old, new, fields, actor, at, cid, reason="", assessment_id=None) -> None:
        changes = model_instance_diff(old, new, fields_to_check=fields, use_json_for_changes=True)
        if changes:
            self._entry(new, AuditEntry.Action.UPDATE, changes, actor, at, cid, reason, assessment_id)

    def m2m(self, obj, name, objects, actor, at, cid, assessment_id=None) -> None:
        changes = {name: {"type": "m2m", "operation": "add", "objects": [str(o) for o in objects]}}
        self._entry(obj, AuditEntry.Action.UPDATE, changes, actor, at, cid, "", assessment_id)

    def flush(self) -> None:
        insert_values(AuditEntry, self.entries)
        self.entries = []


def _audited_fields(model) -> list[tuple[str, str, str]]:
    """(name, attname, kind) of the fields django-auditlog records for `model`."""
    from auditlog.registry import auditlog

    options = auditlog.get_model_fields(model)
    include, exclude = options["include_fields"], options["exclude_fields"]
    result = []
    for f in model._meta.concrete_fields:
        if (include and f.name not in include) or f.name in exclude:
            continue
        kind = {"DateTimeField": "datetime", "FileField": "file"}.get(f.get_internal_type(), "")
        result.append((f.name, f.attname, kind))
    return result


# --- writing rows ----------------------------------------------------------------------------------------------


def insert(model, objs: list) -> None:
    """`bulk_create`; on PostgreSQL a COPY with ids taken from the table's sequence, about five
    times faster. Each object gets its id either way."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    fields = model._meta.concrete_fields
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    ids = _next_ids(model, len(objs))
    rows = []
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, "default"
        rows.append({f.attname: getattr(obj, f.attname) for f in fields})
    _copy(model, rows)


def insert_values(model, rows: list[dict]) -> None:
    """Rows given as {attname: value} (without the id), written as `insert` writes them."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return
    for row, pk in zip(rows, _next_ids(model, len(rows)), strict=True):
        row[model._meta.pk.attname] = pk
    _copy(model, rows)


def _next_ids(model, n: int) -> list[int]:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, rows: list[dict]) -> None:
    from psycopg.types.json import Jsonb

    fields = model._meta.concrete_fields
    kinds = [f.get_internal_type() for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for f, kind in zip(fields, kinds, strict=True):
                value = row[f.attname]
                if kind == "JSONField" and value is not None:
                    value = Jsonb(value)
                elif kind == "FileField":
                    value = getattr(value, "name", value) or ""
                values.append(value)
            copy.write_row(values)


# --- one assessment, planned ---------------------------------------------------------------------------------


@dataclass
class Planned:
    """An assessment as planned, before its rows exist."""

    index: int
    vendor: Vendor
    status: str
    checklist: Checklist
    kind: str
    mode: str
    lead: User
    team: list[User]
    reviewer: User
    created_at: dt.datetime
    planned_start: dt.date
    planned_end: dt.date
    submitted_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    approved_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    answered_share: float = 1.0
    quality: float = 0.85
    result: scoring.AssessmentScore | None = None
    decision: str = ""
    requalification_due: dt.date | None = None

    @property
    def frozen(self) -> bool:
        """Approved with a score: its scores are frozen at approval."""
        return self.status == AssessmentStatus.APPROVED and self.result is not None


@dataclass
class Outcome:
    """What the approved supplier list needs of an approved assessment."""

    assessment_id: int
    reference: str
    approved_at: dt.datetime
    decision: str
    risk_rating: str
    due: dt.date | None
    reviewer: User
    majors_done_at: dt.datetime | None  # when the last major finding's action was verified, if all were


@dataclass
class Builder:
    size: Size
    today: dt.date
    say: Callable
    trail: Trail = field(default_factory=Trail)
    outcomes: dict[int, list[Outcome]] = field(default_factory=lambda: defaultdict(list))
    code_rank: dict[str, dict[str, int]] = field(default_factory=dict)
    signed: list[tuple[int, str]] = field(default_factory=list)

    def rng(self, *key) -> random.Random:
        """A generator of its own for each thing built, so that one change leaves the rest as it was."""
        return random.Random(":".join(str(k) for k in (self.size.seed, *key)))

    def build(self) -> None:
        self.now = dt.datetime.combine(self.today, dt.time(7), tzinfo=dt.UTC)
        self.users = self.add_users()
        self.checklists = self.add_checklists()
        self.vendors = self.add_vendors()
        self.trail.flush()
        plans = self.plan_assessments()
        self.evidence_files = self.store_evidence_files()
        for start in range(0, len(plans), CHUNK):
            self.add_assessments(plans[start : start + CHUNK])
            if start // CHUNK % 20 == 19:
                self.say(f"  {start + CHUNK} of {len(plans)} assessments")
        self.apply_decisions()
        evaluation.refresh_latest_approvals()  # as each approval and reopening keeps it
        self.trail.flush()
        self.check_signatures()

    # --- people ---
    def add_users(self) -> dict[str, list[User]]:
        ensure_role_groups()
        groups = {g.name: g for g in Group.objects.all()}
        rng = self.rng("users")
        password = make_password(None)  # unusable: set one with `manage.py changepassword` to log in
        users, roles = [], []
        for kind, n, user_roles in USERS:
            for i in range(1, n + 1):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                username = f"scale-{kind}-{i:02d}"
                users.append(
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@example.com",
                        is_staff=Role.ADMIN in user_roles,
                        password=password,
                        date_joined=self.now - dt.timedelta(days=2400),
                    )
                )
                roles.append(user_roles)
        User.objects.bulk_create(users)
        users = list(User.objects.filter(username__startswith="scale-").order_by("pk"))
        User.groups.through.objects.bulk_create(
            [
                row
                for u, rs in zip(users, roles, strict=True)
                for row in _through_rows(User, "groups", u.pk, [groups[r] for r in rs])
            ]
        )
        cid = _cid(rng)
        for u in users:
            self.trail.created(u, None, u.date_joined, cid)
        by_kind = defaultdict(list)
        for u in users:
            by_kind[u.username.split("-")[1]].append(u)
        return by_kind

    # --- checklists ---
    def add_checklists(self) -> dict[str, tuple]:
        """The built-in checklist (reference data) and a 200-question version made for the load,
        published through checklists/publishing.py."""
        built_in = Checklist.objects.get(code=BUILT_IN[0], version=BUILT_IN[1])
        xl = Checklist.objects.filter(code=XL_CODE).first()
        if xl is None:
            xl = self._make_xl(built_in)
        result = {}
        for checklist in (built_in, xl):
            criteria, specs = evaluation.checklist_specs(checklist)
            questions = {q.code: q for q in Question.objects.filter(checklist=checklist).select_related("criterion")}
            result[checklist.code] = (checklist, criteria, specs, questions)
            # The database's order of the codes (its collation), which record.canonical_content follows.
            codes = Question.objects.filter(checklist=checklist).order_by("code").values_list("code", flat=True)
            self.code_rank[checklist.code] = {code: n for n, code in enumerate(codes)}
        return result

    def _make_xl(self, built_in: Checklist) -> Checklist:
        admin = self.users["admin"][0]
        source = list(built_in.criteria.prefetch_related("questions").order_by("order"))
        per = XL_QUESTIONS // len(source)
        extra = XL_QUESTIONS - per * len(source)
        criteria = []
        for n, criterion in enumerate(source):
            base = [q for q in criterion.questions.all().order_by("order")]
            questions = []
            for i in range(per + (1 if n < extra else 0)):
                q = base[i % len(base)]
                questions.append(
                    {
                        "code": f"{criterion.code}.{i + 1}",
                        "text": q.text if i < len(base) else f"{q.text} (extended point {i + 1})",
                        "guidance": q.guidance,
                        "reference": q.reference,
                        "answer_type": q.answer_type,
                        "expected_answer": q.expected_answer,
                        "min_value": q.min_value,
                        "max_value": q.max_value,
                        "unit": q.unit,
                        "weight": q.weight,
                        "severity": q.severity,
                        "required": q.required,
                        "evidence_required": q.evidence_required and i < len(base),
                    }
                )
            criteria.append(
                {"code": criterion.code, "title": criterion.title, "weight": criterion.weight, "questions": questions}
            )
        with acting(admin, label=LABEL):
            draft = Checklist.objects.create(
                code=XL_CODE,
                version=1,
                name="Extended cell and gene therapy CDMO assessment",
                description="The built-in checklist's criteria with 200 questions, for load tests.",
                scoring_settings=built_in.scoring_settings,
            )
            publishing.copy_into(draft, criteria)
            return publishing.publish(draft, admin)

    # --- the registry ---
    def add_vendors(self) -> list[Vendor]:
        rng = self.rng("vendors")
        admin = self.users["admin"][0]
        lines = list(ServiceLine.objects.order_by("pk"))
        modalities = list(Modality.objects.order_by("pk"))
        areas = list(TherapeuticArea.objects.order_by("pk"))
        created = self.now - dt.timedelta(days=2300)
        vendors = []
        for i in range(1, self.size.vendors + 1):
            name = f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_TAILS)} {rng.choice(NAME_KINDS)} {i:05d}"
            country = _weighted(rng, COUNTRIES)
            vendors.append(
                Vendor(
                    name=name,
                    legal_name=f"{name} Ltd",
                    slug=slugify(name),
                    country=country,
                    region=region_of(country),
                    website=f"https://{slugify(name)}.example.com",
                    description="Contract manufacturer of cell and gene therapy products.",
                    inherent_risk=_weighted(
                        rng, ((InherentRisk.HIGH, 70), (InherentRisk.MEDIUM, 20), (InherentRisk.LOW, 10))
                    ),
                    source=self.size.source,
                    created_at=created + dt.timedelta(minutes=i),
                    updated_at=created + dt.timedelta(minutes=i),
                )
            )
        Vendor.objects.bulk_create(vendors, batch_size=BATCH)
        vendors = list(Vendor.objects.filter(source=self.size.source).order_by("pk"))
        m2m = {"service_lines": [], "modalities": [], "therapeutic_areas": []}
        sites, contacts, contracts, events = [], [], [], []
        for v in vendors:
            r = self.rng("vendor", v.name)
            chosen = {
                "service_lines": r.sample(lines, r.randint(1, len(lines))) if lines else [],
                "modalities": r.sample(modalities, min(len(modalities), r.randint(1, 3))),
                "therapeutic_areas": r.sample(areas, min(len(areas), r.randint(1, 3))),
            }
            for name, objs in chosen.items():
                m2m[name].extend(_through_rows(Vendor, name, v.pk, objs))
            v._chosen = chosen
            for s in range(r.choice((1, 1, 1, 2, 2, 3))):
                grades = {f"grade_{g}": r.random() < p for g, p in zip("abcd", (0.7, 0.8, 0.9, 0.95), strict=True)}
                sites.append(
                    Site(
                        vendor=v,
                        name=f"{r.choice(CITIES)} site {s + 1}",
                        address=f"{r.randint(1, 400)} Industrial Park Road",
                        city=r.choice(CITIES),
                        country=v.country,
                        floor_area_sq_ft=r.randrange(5000, 200000, 500),
                        **grades,
                    )
                )
            for c in range(r.randint(2, 3)):
                first, last = r.choice(FIRST), r.choice(LAST)
                contacts.append(
                    Contact(
                        vendor=v,
                        name=f"{first} {last}",
                        role=CONTACT_ROLES[c % len(CONTACT_ROLES)],
                        email=f"{first.lower()}.{last.lower()}{c}@{v.slug}.example.com",
                        phone=f"+1 555 {r.randint(1000, 9999)}",
                        is_quality_contact=c == 0,
                    )
                )
            for c in range(r.choice((0, 1, 1, 2, 3))):
                contracts.append(
                    Contract(
                        vendor=v,
                        customer=CUSTOMERS[c],
                        product=f"Product {r.randint(100, 999)}",
                        service=r.choice(SERVICES),
                        year=r.randint(2015, self.today.year),
                        source="Company announcement",
                    )
                )
            for e in range(r.choice((0, 1, 1, 2))):
                events.append(
                    IndustryEvent(
                        vendor=v,
                        year=r.randint(2015, self.today.year),
                        month=r.randint(1, 12),
                        kind=(EventKind.FACILITY_EXPANSION, EventKind.ACQUISITION, EventKind.OTHER)[e % 3],
                        detail=f"New {r.choice(('clinical', 'commercial'))} manufacturing suites ({e + 1}).",
                        floor_area_sq_ft=r.randrange(10000, 100000, 1000),
                        location=r.choice(CITIES),
                        source="Company announcement",
                    )
                )
        for name, rows in m2m.items():
            getattr(Vendor, name).through.objects.bulk_create(rows, batch_size=BATCH)
        Site.objects.bulk_create(sites, batch_size=BATCH)
        certificates = []
        for site in sites:
            r = self.rng("site", site.vendor.name, site.name)
            site._rng = r
            for k in range(r.choice((1, 1, 2))):
                issued = self.today - dt.timedelta(days=r.randint(100, 1500))
                certificates.append(
                    GMPCertificate(
                        site=site,
                        kind=(LicenceKind.MANUFACTURING_AUTHORISATION, LicenceKind.GMP_CERTIFICATE)[k % 2],
                        number=f"GMP-{site.vendor.country}-{r.randint(10000, 99999)}",
                        issued_by="National competent authority",
                        issued_on=issued,
                        expires_on=issued + dt.timedelta(days=3 * 365),
                        covers_atmp=r.random() < 0.8,
                    )
                )
        GMPCertificate.objects.bulk_create(certificates, batch_size=BATCH)
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        Contract.objects.bulk_create(contracts, batch_size=BATCH)
        IndustryEvent.objects.bulk_create(events, batch_size=BATCH)
        self.sites = defaultdict(list)
        for site in sites:
            self.sites[site.vendor_id].append(site)
        rng_cid = self.rng("vendor-trail")
        for v in vendors:
            cid = _cid(rng_cid)
            self.trail.created(v, admin, v.created_at, cid)
            for name, objs in v._chosen.items():
                if objs:
                    self.trail.m2m(v, name, objs, admin, v.created_at, cid)
        for obj in (*sites, *certificates, *contacts):
            self.trail.created(obj, admin, created, _cid(rng_cid))
        return vendors

    # --- the assessments, planned ---
    def plan_assessments(self) -> list[Planned]:
        rng = self.rng("plan")
        total = self.size.assessments
        statuses = []
        for status, share in STATUS_SHARES:
            statuses += [status] * round(total * share)
        statuses = (statuses + [AssessmentStatus.APPROVED] * total)[:total]
        rng.shuffle(statuses)
        assessed = rng.sample(
            self.vendors, max(1, min(len(self.vendors), round(len(self.vendors) * ASSESSED_VENDOR_SHARE)))
        )
        per_vendor = Counter({v.pk: 1 for v in assessed[:total]})
        for _ in range(total - sum(per_vendor.values())):
            per_vendor[rng.choice(assessed).pk] += 1
        by_pk = {v.pk: v for v in self.vendors}
        order = {
            s: n
            for n, s in enumerate(
                PAST
                + (
                    AssessmentStatus.RETURNED,
                    AssessmentStatus.SUBMITTED,
                    AssessmentStatus.IN_PROGRESS,
                    AssessmentStatus.PLANNED,
                )
            )
        }
        plans, cursor = [], 0
        for vendor_pk, n in sorted(per_vendor.items()):
            vendor_statuses = sorted(statuses[cursor : cursor + n], key=order.get)
            cursor += n
            past = [s for s in vendor_statuses if s in PAST]
            for k, status in enumerate(vendor_statuses):
                plans.append(self._plan_one(by_pk[vendor_pk], status, k, len(past)))
        plans.sort(key=lambda p: (p.created_at, p.vendor.pk))
        for i, p in enumerate(plans):
            p.index = i
        return plans

    def _plan_one(self, vendor: Vendor, status: str, k: int, past: int) -> Planned:
        r = self.rng("assessment", vendor.name, k)
        today = self.today
        code = XL_CODE if r.random() < XL_SHARE else BUILT_IN[0]
        lead = r.choice(self.users["lead"])
        team = r.sample(self.users["auditor"], r.choice((1, 1, 2)))
        if status in PAST:
            # Spread over the last six years, in order, the latest at least six weeks ago.
            span = 6 * 365 - 45
            start = today - dt.timedelta(days=6 * 365) + dt.timedelta(days=int(span * (k + r.random()) / past))
        elif status == AssessmentStatus.PLANNED:
            start = today + dt.timedelta(days=r.randint(5, 120))
        elif status == AssessmentStatus.IN_PROGRESS:
            start = today - dt.timedelta(days=r.randint(0, 25))
        else:
            start = today - dt.timedelta(days=r.randint(14, 40))
        end = start + dt.timedelta(days=r.randint(1, 3))
        created = _at(start - dt.timedelta(days=r.randint(20, 60)), r)
        created = min(created, self.now - dt.timedelta(days=r.randint(1, 20)))  # planned far ahead: made lately
        p = Planned(
            index=0,
            vendor=vendor,
            status=status,
            checklist=self.checklists[code][0],
            kind=AssessmentKind.INITIAL
            if k == 0
            else (AssessmentKind.FOR_CAUSE if r.random() < 0.08 else AssessmentKind.REQUALIFICATION),
            mode=_weighted(
                r, ((AssessmentMode.ON_SITE, 70), (AssessmentMode.REMOTE, 20), (AssessmentMode.QUESTIONNAIRE, 10))
            ),
            lead=lead,
            team=team,
            reviewer=r.choice(self.users["reviewer"]),
            created_at=created,
            planned_start=start,
            planned_end=end,
            quality=min(1.0, r.betavariate(9, 1.6)),
        )
        if status in SUBMITTED_ONCE:
            p.submitted_at = min(_at(end + dt.timedelta(days=r.randint(2, 9)), r), self.now - dt.timedelta(hours=6))
        if status == AssessmentStatus.RETURNED:
            p.returned_at = min(p.submitted_at + dt.timedelta(days=r.randint(1, 4)), self.now - dt.timedelta(hours=1))
        if status == AssessmentStatus.APPROVED:
            p.approved_at = min(p.submitted_at + dt.timedelta(days=r.randint(2, 14)), self.now - dt.timedelta(hours=1))
        if status == AssessmentStatus.IN_PROGRESS:
            p.answered_share = r.uniform(0.15, 0.95)
        if status == AssessmentStatus.CANCELLED:
            p.answered_share = r.choice((0.0, 0.0, r.uniform(0.1, 0.6)))
            p.cancelled_at = _at(end + dt.timedelta(days=r.randint(1, 20)), r)
        if status == AssessmentStatus.PLANNED:
            p.answered_share = 0.0
        return p

    def store_evidence_files(self) -> list[tuple[str, str, str, int, str]]:
        """The few stored files every evidence row points at (name, original, type, size, sha256)."""
        storage = Evidence._meta.get_field("file").storage
        files = []
        for name, original, content_type in EVIDENCE_FILES:
            data = _evidence_bytes(original)
            if not storage.exists(name):
                storage.save(name, ContentFile(data))
            files.append((name, original, content_type, len(data), hashlib.sha256(data).hexdigest()))
        return files

    # --- the assessments, written ---
    def add_assessments(self, plans: list[Planned]) -> None:
        content = {p.index: self.make_content(p) for p in plans}
        for p in plans:
            self.score(p, content[p.index])
        assessments = [self.assessment_row(p) for p in plans]
        insert(Assessment, assessments)
        insert(ScoreAtApproval, [self.frozen_scores(a, p) for a, p in zip(assessments, plans, strict=True) if p.frozen])
        insert(
            Assessment.audit_team.through,
            [
                row
                for a, p in zip(assessments, plans, strict=True)
                for row in _through_rows(Assessment, "audit_team", a.pk, p.team)
            ],
        )
        answers, evidence, findings, actions, reviews = [], [], [], [], []
        for a, p in zip(assessments, plans, strict=True):
            c = content[p.index]
            for ans in c.answers:
                ans.assessment = a
            for f in c.findings:
                f.assessment = a
            for rv in c.reviews:
                rv.assessment = a
            answers += c.answers
            findings += c.findings
            reviews += c.reviews
        insert(Answer, answers)
        for p in plans:
            evidence += content[p.index].evidence
        insert(Evidence, evidence)
        insert(Finding, findings)
        for p in plans:
            actions += content[p.index].actions
        insert(CorrectiveAction, actions)
        insert(MinorFindingsReview, reviews)
        signatures = []
        for a, p in zip(assessments, plans, strict=True):
            signatures += self.signatures(a, p, content[p.index])
        insert(Signature, signatures)
        for a, p in zip(assessments, plans, strict=True):
            self.assessment_trail(a, p, content[p.index])
            if p.status == AssessmentStatus.APPROVED:
                self.outcomes[p.vendor.pk].append(self.outcome(a, p, content[p.index]))
        self.trail.flush()

    def assessment_row(self, p: Planned) -> Assessment:
        status = p.status
        site = self.sites[p.vendor.pk][p.index % len(self.sites[p.vendor.pk])] if self.sites[p.vendor.pk] else None
        performed = status not in (AssessmentStatus.PLANNED,) and not (
            status == AssessmentStatus.CANCELLED and p.answered_share == 0
        )
        finished = status in SUBMITTED_ONCE
        last = p.approved_at or p.returned_at or p.submitted_at or p.cancelled_at or p.created_at
        a = Assessment(
            vendor=p.vendor,
            site=site,
            checklist=p.checklist,
            kind=p.kind,
            mode=p.mode,
            scope=f"{MARK} Manufacture of cell and gene therapy drug product at {site.name if site else 'the site'}.",
            planned_start=p.planned_start,
            planned_end=p.planned_end,
            performed_start=p.planned_start if performed else None,
            performed_end=p.planned_end if finished else None,
            lead_auditor=p.lead,
            reviewer=p.reviewer,
            status=status,
            decision=p.decision,
            requalification_due=p.requalification_due,
            overall_score=None if p.result is None or p.result.overall is None else Decimal(str(p.result.overall)),
            risk_rating=(p.result.risk_rating or "") if p.result else "",
            approved_at=p.approved_at,
            submitted_at=p.submitted_at,
            created_by=p.lead,
            created_at=p.created_at,
            updated_at=max(last, p.created_at),
        )
        a._plan = p
        return a

    def make_content(self, p: Planned) -> Content:
        return Content.build(self, p)

    def score(self, p: Planned, c: Content) -> None:
        """The score as evaluation.refresh stores it, and for an approved assessment the decision
        and due date as workflow.approve sets them (a step that freezes scores at approval goes here)."""
        if not c.values:
            return
        _, criteria, specs, _ = self.checklists[p.checklist.code]
        settings = p.checklist.settings()
        p.result = scoring.score_assessment(
            criteria, specs, c.values, c.finding_classes, p.vendor.inherent_risk, settings
        )
        if p.status == AssessmentStatus.APPROVED:
            # workflow.approve: the recommended decision, and the interval of that decision.
            p.decision = p.result.recommended_decision or ""
            months = scoring.requalification_months(
                p.vendor.inherent_risk, p.result.risk_rating, settings, decision=p.decision
            )
            p.requalification_due = (
                scoring.requalification_due(timezone.localdate(p.approved_at), months) if months else None
            )

    def frozen_scores(self, a: Assessment, p: Planned) -> ScoreAtApproval:
        """The scores workflow.approve freezes with the approval (evaluation.freeze_scores), for
        the signing cycle it was approved in."""
        return ScoreAtApproval(
            assessment=a, signing_cycle=a.signing_cycle, frozen_at=a.approved_at, **evaluation.frozen_values(p.result)
        )

    def canonical_content(self, a: Assessment, p: Planned, c: Content) -> dict:
        """What `record.canonical_content(a)` reads back from these rows, built from them in memory
        (one assessment's five queries, times 12,000, were most of the seeding time). `check_signatures`
        compares it with record.py on a sample of every load."""
        if record.CONTENT_VERSION != 4:
            raise RuntimeError("assessments/record.py has a new content version: update demo/scale.py.")
        rank = self.code_rank[p.checklist.code]
        evidence = defaultdict(list)
        for ev in c.evidence:
            evidence[id(ev.answer)].append(ev.sha256)
        answers = [
            {
                "question": ans.question.code,
                "value": ans.value,
                "comment": ans.comment,
                "na_justification": ans.na_justification,
                "evidence": sorted(evidence[id(ans)]),
            }
            for ans in sorted(c.answers, key=lambda ans: rank[ans.question.code])
        ]
        findings = [
            {
                "number": f.number,
                "question": f.question.code if f.question_id else None,
                "criterion": f.criterion.code,
                "classification": f.classification,
                "description": f.description,
                "requirement": f.requirement,
                "fmea": [f.fmea_severity, f.fmea_occurrence, f.fmea_detectability],
                "proposed_classification": f.proposed_classification,
                "downgrade_rationale": f.downgrade_rationale,
            }
            for f in sorted(c.findings, key=lambda f: f.number)
        ]
        actions = [
            {
                "finding": x.finding.number,
                "description": x.description,
                "owner": x.owner,
                "due_date": x.due_date.isoformat(),
            }
            for x in sorted(c.actions, key=lambda x: (x.finding.number, x.pk))
        ]
        return {
            "assessment": a.pk,
            "vendor": a.vendor_id,
            "checklist": [p.checklist.code, p.checklist.version],
            "answers": answers,
            "findings": findings,
            "corrective_actions": actions,
            "lead_auditor": a.lead_auditor_id,
            "audit_team": sorted(u.pk for u in p.team),
            "narrative": {field: getattr(a, field) for field in record.NARRATIVE_FIELDS},
        }

    def check_signatures(self, sample: int = 25) -> None:
        """The signatures of a sample of the load hold as assessments/record.py sees them."""
        rng = self.rng("check")
        for pk, digest in rng.sample(self.signed, min(sample, len(self.signed))):
            assessment = Assessment.objects.select_related("checklist").get(pk=pk)
            if record.content_hash(assessment) != digest:
                raise RuntimeError(
                    f"{assessment.reference}: the seeded signature does not hold (assessments/record.py)."
                )
            if not all(state.valid for state in record.signature_states(assessment)):
                raise RuntimeError(f"{assessment.reference}: a seeded signature does not hold.")

    def signatures(self, a: Assessment, p: Planned, c: Content) -> list[Signature]:
        rows = []
        if p.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED):
            digest = record.hash_of(self.canonical_content(a, p, c))
            self.signed.append((a.pk, digest))
            signed = [(p.lead, SignatureMeaning.PERFORMED, p.submitted_at - dt.timedelta(minutes=30))]
            if p.status == AssessmentStatus.APPROVED:
                signed.append((p.reviewer, SignatureMeaning.APPROVED, p.approved_at))
            for user, meaning, at in signed:
                rows.append(
                    Signature(
                        assessment=a,
                        signer=user,
                        printed_name=user.full_name,
                        meaning=meaning,
                        signed_at=at,
                        content_hash=digest,
                        content_version=record.CONTENT_VERSION,
                        cycle=1,
                    )
                )
        for action in c.actions:
            if action.status in (ActionStatus.VERIFIED_EFFECTIVE, ActionStatus.CLOSED):
                rows.append(
                    Signature(
                        assessment=a,
                        corrective_action=action,
                        signer=p.reviewer,
                        printed_name=p.reviewer.full_name,
                        meaning=SignatureMeaning.VERIFIED,
                        signed_at=action._verified_at,
                        content_hash=record.action_hash(action),
                        content_version=record.ACTION_CONTENT_VERSION,
                        cycle=1,
                    )
                )
        c.signatures = rows
        return rows

    def assessment_trail(self, a: Assessment, p: Planned, c: Content) -> None:
        """The entries the product would have written, in the order it would have written them."""
        t, r = self.trail, self.rng("trail", p.index)
        planned = copy.copy(a)
        planned.status, planned.decision, planned.requalification_due = AssessmentStatus.PLANNED, "", None
        planned.approved_at = planned.submitted_at = planned.performed_end = None
        planned.performed_start = None
        cid = _cid(r)
        t.created(planned, p.lead, p.created_at, cid, assessment_id=a.pk)
        t.m2m(planned, "audit_team", p.team, p.lead, p.created_at, cid, assessment_id=a.pk)
        state = planned
        steps = []
        if c.answers:
            first = min(ans.updated_at for ans in c.answers)
            steps.append((first, ["status"], {"status": AssessmentStatus.IN_PROGRESS}, c.answers[0].updated_by, ""))
        for batch in range(0, len(c.answers), 12):
            group, cid = c.answers[batch : batch + 12], _cid(r)
            for ans in group:
                t.created(ans, ans.updated_by, ans.updated_at, cid, assessment_id=a.pk)
        for ev in c.evidence:
            t.created(ev, ev.uploaded_by, ev.uploaded_at, _cid(r), assessment_id=a.pk)
        for f in c.findings:
            cid = _cid(r)
            t.created(f, f.created_by, f.created_at, cid, assessment_id=a.pk)
        for rv in c.reviews:
            t.created(rv, rv.decided_by, rv.decided_at, _cid(r), assessment_id=a.pk)
        for action in c.actions:
            planned_action = copy.copy(action)
            planned_action.status, planned_action.root_cause, planned_action.vendor_action = ActionStatus.OPEN, "", ""
            planned_action.verification, planned_action.closed_at = "", None
            t.created(planned_action, action.created_by, action.created_at, _cid(r), assessment_id=a.pk)
            if action.status != ActionStatus.OPEN:
                follow = copy.copy(planned_action)
                follow.root_cause, follow.vendor_action = action.root_cause, action.vendor_action
                follow.status = ActionStatus.RESPONSE_RECEIVED
                at = action._verified_at - dt.timedelta(days=20) if action._verified_at else action.updated_at
                t.changed(planned_action, follow, None, p.lead, at, _cid(r), assessment_id=a.pk)
                if action.status != ActionStatus.RESPONSE_RECEIVED:
                    accepted = copy.copy(follow)
                    accepted.status = ActionStatus.ACCEPTED
                    t.changed(follow, accepted, None, p.lead, at + dt.timedelta(days=5), _cid(r), assessment_id=a.pk)
                    follow = accepted
                if action._verified_at:
                    verified = copy.copy(follow)
                    verified.status, verified.verification = ActionStatus.VERIFIED_EFFECTIVE, action.verification
                    t.changed(follow, verified, None, p.reviewer, action._verified_at, _cid(r), VERIFICATION, a.pk)
                    if action.status == ActionStatus.CLOSED:
                        t.changed(verified, action, None, p.reviewer, action.closed_at, _cid(r), "", a.pk)
        if p.submitted_at:
            steps.append(
                (
                    p.submitted_at,
                    ["status", "submitted_at"],
                    {"status": AssessmentStatus.SUBMITTED, "submitted_at": p.submitted_at},
                    p.lead,
                    "",
                )
            )
        if p.returned_at:
            steps.append(
                (
                    p.returned_at,
                    ["status"],
                    {"status": AssessmentStatus.RETURNED},
                    p.reviewer,
                    "Please add the evidence for the environmental monitoring trend.",
                )
            )
        if p.approved_at:
            steps.append(
                (
                    p.approved_at,
                    ["status", "approved_at", "decision", "decision_justification", "requalification_due"],
                    {
                        "status": AssessmentStatus.APPROVED,
                        "approved_at": p.approved_at,
                        "decision": p.decision,
                        "requalification_due": p.requalification_due,
                    },
                    p.reviewer,
                    "",
                )
            )
        if p.cancelled_at:
            steps.append(
                (
                    p.cancelled_at,
                    ["status"],
                    {"status": AssessmentStatus.CANCELLED},
                    p.lead,
                    "The vendor withdrew the product from the programme.",
                )
            )
        for at, fields, values, actor, reason in steps:
            new = copy.copy(state)
            for key, value in values.items():
                setattr(new, key, value)
            t.changed(state, new, fields, actor, at, _cid(r), reason, a.pk)
            state = new
        for s in c.signatures:
            t.created(s, s.signer, s.signed_at, _cid(r), assessment_id=a.pk)

    def outcome(self, a: Assessment, p: Planned, c: Content) -> Outcome:
        majors = [f for f in c.findings if f.classification in MAJOR_OR_WORSE]
        done_at = None
        if majors:
            times = [action._verified_at for action in c.actions if action.finding.classification in MAJOR_OR_WORSE]
            if times and all(times) and all(any(x.finding is f for x in c.actions) for f in majors):
                done_at = max(times)
        return Outcome(
            a.pk, a.reference, p.approved_at, p.decision, a.risk_rating, p.requalification_due, p.reviewer, done_at
        )

    # --- the approved supplier list ---
    def apply_decisions(self) -> None:
        """Every decision vendors/qualification.py keeps for these approvals, in order, and the
        vendor as it leaves it; a few vendors disqualified afterwards by an administrator."""
        admin = self.users["admin"][0]
        rng = self.rng("decisions")
        decisions, changed = [], []
        for vendor in self.vendors:
            outcomes = sorted(self.outcomes.get(vendor.pk, []), key=lambda o: o.approved_at)
            if not outcomes:
                continue
            events = []
            for o in outcomes:
                label = Status(o.decision).label.lower()
                events.append(
                    (
                        o.approved_at,
                        QualificationEvent.ASSESSMENT_DECISION,
                        o.decision,
                        f"{o.reference} approved with the decision “{label}”.",
                        o.reviewer,
                        o,
                        o.risk_rating,
                        o.due,
                    )
                )
            latest = outcomes[-1]
            if latest.decision == AssessmentDecision.CONDITIONALLY_APPROVED and latest.majors_done_at:
                events.append(
                    (
                        latest.majors_done_at,
                        QualificationEvent.CONDITION_LIFTED,
                        Status.APPROVED,
                        f"Corrective actions for every major finding of {latest.reference} verified effective: "
                        "the conditional approval is lifted.",
                        latest.reviewer,
                        latest,
                        None,
                        None,
                    )
                )
            if rng.random() < 0.005:
                at = max(e[0] for e in events) + dt.timedelta(days=rng.randint(1, 30))
                events.append(
                    (
                        min(at, self.now),
                        QualificationEvent.DISQUALIFICATION,
                        Status.DISQUALIFIED,
                        "Disqualified after repeated failures to deliver the agreed corrective actions.",
                        admin,
                        None,
                        None,
                        None,
                    )
                )
            for at, event, decided, reason, actor, o, rating, due in sorted(events, key=lambda e: e[0]):
                before = copy.copy(vendor)
                held = vendor.status == Status.DISQUALIFIED and event != QualificationEvent.DISQUALIFICATION
                if held:
                    reason = f"{reason} {vendor.name} stays disqualified until a quality administrator reinstates it."
                vendor.status = vendor.status if held else decided
                if event == QualificationEvent.ASSESSMENT_DECISION:
                    vendor.risk_rating, vendor.next_requalification_due = rating or "", due
                vendor.updated_at = at
                decision = QualificationDecision(
                    vendor=vendor,
                    event=event,
                    from_status=before.status,
                    to_status=vendor.status,
                    decided_status=decided,
                    risk_rating=vendor.risk_rating,
                    requalification_due=vendor.next_requalification_due,
                    assessment_id=o.assessment_id if o else None,
                    assessment_reference=o.reference if o else "",
                    reason=reason,
                    decided_by=actor,
                    printed_name=actor.full_name,
                    decided_at=at,
                )
                decisions.append(decision)
                changed.append((before, copy.copy(vendor), actor, at, reason))
        QualificationDecision.objects.bulk_create(decisions, batch_size=BATCH)
        Vendor.objects.bulk_update(
            [v for v in self.vendors if v.pk in self.outcomes],
            ["status", "risk_rating", "next_requalification_due", "updated_at"],
            batch_size=BATCH,
        )
        rng_cid = self.rng("decision-trail")
        for (before, after, actor, at, reason), decision in zip(changed, decisions, strict=True):
            cid = _cid(rng_cid)
            self.trail.changed(
                before, after, ["status", "risk_rating", "next_requalification_due"], actor, at, cid, reason
            )
            self.trail.created(decision, actor, at, cid, reason)


# --- the content of one assessment ---------------------------------------------------------------------------


@dataclass
class Content:
    """Answers, evidence, findings, minor-cluster reviews and corrective actions of one assessment,
    as unsaved rows (their foreign keys are set once the assessment has its id)."""

    values: dict = field(default_factory=dict)
    answers: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    signatures: list = field(default_factory=list)

    @property
    def finding_classes(self) -> list[tuple[str, str]]:
        return [(f.criterion.code, f.classification) for f in self.findings]

    @classmethod
    def build(cls, builder: Builder, p: Planned) -> Content:
        c = cls()
        if p.answered_share <= 0:
            return c
        r = builder.rng("content", p.index)
        _, _, specs, questions = builder.checklists[p.checklist.code]
        drawn = {spec.code: _value(r, questions[spec.code], p.quality) for spec in specs}
        values = {code: v for code, (v, _) in drawn.items()}
        visible = scoring.visible_questions(specs, values)
        codes = [s.code for s in specs if s.code in visible]
        if p.answered_share < 1:
            codes = codes[: max(1, round(len(codes) * p.answered_share))]
        authors = [p.lead, *p.team]
        start = dt.datetime.combine(p.planned_start, dt.time(8), tzinfo=dt.UTC)
        end = (
            p.submitted_at - dt.timedelta(hours=2)
            if p.submitted_at
            else max(start, builder.now - dt.timedelta(hours=3))
        )
        if p.cancelled_at:
            end = min(end, p.cancelled_at - dt.timedelta(hours=1))
        span = max(60, int((end - start).total_seconds()))
        finished = p.status in SUBMITTED_ONCE
        for n, code in enumerate(codes):
            q = questions[code]
            value, grade = drawn[code]
            at = start + dt.timedelta(seconds=span * (n + r.random()) / (len(codes) + 1))
            author = authors[n % len(authors)]
            answer = Answer(
                question=q,
                value=value,
                comment=r.choice(GAPS)
                if grade in ("partial", "fail")
                else (r.choice(COMMENTS) if r.random() < 0.2 else ""),
                na_justification=NA_WHY if grade == "na" else "",
                version=1,
                updated_at=at,
                updated_by=author,
            )
            c.values[code] = value
            c.answers.append(answer)
            if q.evidence_required and grade != "na" and (finished or r.random() < 0.7):
                name, original, content_type, size, sha = builder.evidence_files[n % len(builder.evidence_files)]
                c.evidence.append(
                    Evidence(
                        answer=answer,
                        file=name,
                        original_name=original,
                        content_type=content_type,
                        size=size,
                        sha256=sha,
                        uploaded_by=author,
                        uploaded_at=at + dt.timedelta(minutes=5),
                    )
                )
            if grade in ("partial", "fail") and r.random() < 0.29:
                c.findings.append(_finding(r, len(c.findings) + 1, q, grade, author, at + dt.timedelta(minutes=10)))
        for f in c.findings:
            needs = f.classification in MAJOR_OR_WORSE
            if needs or (f.classification == FindingClass.MINOR and r.random() < 0.1):
                c.actions.append(_action(r, f, p, builder.now))
        for code in scoring.pics_flagged_criteria(c.finding_classes):
            criterion = next(f.criterion for f in c.findings if f.criterion.code == code)
            last = max(f.created_at for f in c.findings if f.criterion.code == code)
            c.reviews.append(
                MinorFindingsReview(
                    criterion=criterion,
                    outcome=MinorReviewOutcome.JUSTIFIED,
                    justification=CLUSTER_WHY,
                    decided_by=p.lead,
                    decided_at=last + dt.timedelta(minutes=30),
                )
            )
        return c


def _value(r: random.Random, q: Question, quality: float):
    """(answer value, grade): a value the question accepts, and "ok", "partial", "fail", "na" or "text"."""
    kind = q.answer_type
    if kind == AnswerType.TEXT:
        return "Described on site; see the audit notes.", "text"
    if r.random() < 0.02:
        return NOT_APPLICABLE, "na"
    good = r.random() < quality
    if kind == AnswerType.COMPLIANCE:
        if good:
            return Compliance.COMPLIANT.value, "ok"
        return (Compliance.PARTIAL.value, "partial") if r.random() < 0.65 else (Compliance.NON_COMPLIANT.value, "fail")
    if kind == AnswerType.YES_NO:
        expected = q.expected_answer or YesNo.YES
        other = YesNo.NO if expected == YesNo.YES else YesNo.YES
        return (str(expected), "ok") if good else (str(other), "fail")
    if kind == AnswerType.MATURITY:
        level = r.choice((3, 4, 4)) if good else r.choice((0, 1, 2))
        return level, ("ok" if level >= 3 else "partial" if level == 2 else "fail")
    low = float(q.min_value) if q.min_value is not None else None
    high = float(q.max_value) if q.max_value is not None else None
    if good:
        a = low if low is not None else (high - 100 if high is not None else 0)
        b = high if high is not None else a + 100
        number = round(r.uniform(a, b), 1)
        number = min(max(number, a), b)
    elif low is not None:
        number = round(low - r.uniform(0.1, max(1.0, abs(low) * 0.5)), 1)
    else:
        number = round(high + r.uniform(0.1, max(1.0, abs(high) * 0.5)), 1)
    return (int(number) if float(number).is_integer() else number), ("ok" if good else "fail")


def _finding(r: random.Random, number: int, q: Question, grade: str, author: User, at: dt.datetime) -> Finding:
    proposed = scoring.propose_classification(q.severity)
    classification = proposed
    if grade == "partial":
        # A partly met point is classed one step lower than its severity proposes, with the reason.
        classification = {FindingClass.CRITICAL: FindingClass.MAJOR, FindingClass.MAJOR: FindingClass.MINOR}.get(
            proposed, proposed
        )
    if classification == FindingClass.MINOR and r.random() < 0.15:
        classification = FindingClass.OBSERVATION
    scored = r.random() < 0.6
    return Finding(
        number=number,
        question=q,
        criterion=q.criterion,
        classification=classification,
        proposed_classification=proposed,
        description=f"{q.code}: {r.choice(GAPS)}",
        downgrade_rationale=DOWNGRADE_WHY if is_lower_class(classification, proposed) else "",
        requirement=q.reference[:200],
        fmea_severity=q.severity if scored else None,
        fmea_occurrence=r.randint(1, 5) if scored else None,
        fmea_detectability=r.randint(1, 5) if scored else None,
        created_by=author,
        created_at=at,
        updated_at=at,
    )


def _action(r: random.Random, finding: Finding, p: Planned, now: dt.datetime) -> CorrectiveAction:
    at = finding.created_at + dt.timedelta(hours=1)
    status = ActionStatus.OPEN
    if p.status == AssessmentStatus.APPROVED:
        status = _weighted(
            r,
            (
                (ActionStatus.OPEN, 40),
                (ActionStatus.RESPONSE_RECEIVED, 22),
                (ActionStatus.ACCEPTED, 15),
                (ActionStatus.VERIFIED_EFFECTIVE, 10),
                (ActionStatus.CLOSED, 13),
            ),
        )
    action = CorrectiveAction(
        finding=finding,
        description=f"Correct and prevent: {finding.description}",
        owner=f"{r.choice(FIRST)} {r.choice(LAST)}",
        due_date=timezone.localdate(at) + dt.timedelta(days=r.choice((30, 60, 90))),
        status=status,
        created_by=finding.created_by,
        created_at=at,
        updated_at=at,
    )
    action._verified_at = None
    if status != ActionStatus.OPEN:
        action.root_cause, action.vendor_action = ROOT_CAUSE, VENDOR_ACTION
        action.updated_at = min(p.approved_at + dt.timedelta(days=r.randint(5, 40)), now)
    if status in (ActionStatus.VERIFIED_EFFECTIVE, ActionStatus.CLOSED):
        action.verification = VERIFICATION
        action._verified_at = min(p.approved_at + dt.timedelta(days=r.randint(45, 120)), now)
        action.updated_at = action._verified_at
        if status == ActionStatus.CLOSED:
            action.closed_at = min(action._verified_at + dt.timedelta(days=r.randint(1, 10)), now)
            action.updated_at = action.closed_at
    return action


def fingerprint() -> str:
    """A digest of the seeded records by their natural keys (not their ids), to compare two runs."""
    sha = hashlib.sha256()
    scale = Assessment.objects.filter(scope__startswith=MARK)
    rows = [
        Vendor.objects.filter(source__startswith=SOURCE_PREFIX)
        .order_by("name")
        .values_list("name", "country", "inherent_risk", "status", "risk_rating", "next_requalification_due"),
        scale.order_by("created_at", "vendor__name").values_list(
            "vendor__name",
            "status",
            "checklist__code",
            "lead_auditor__username",
            "reviewer__username",
            "planned_start",
            "submitted_at",
            "approved_at",
            "overall_score",
            "risk_rating",
            "decision",
            "requalification_due",
        ),
        Answer.objects.filter(assessment__in=scale)
        .order_by("assessment__created_at", "assessment__vendor__name", "question__code")
        .values_list("question__code", "value", "comment", "updated_by__username"),
        Finding.objects.filter(assessment__in=scale)
        .order_by("assessment__created_at", "assessment__vendor__name", "number")
        .values_list("number", "classification", "description"),
        CorrectiveAction.objects.filter(finding__assessment__in=scale)
        .order_by("finding__assessment__created_at", "finding__assessment__vendor__name", "finding__number")
        .values_list("status", "due_date", "owner"),
        Signature.objects.filter(assessment__in=scale)
        .order_by("signed_at", "meaning")
        .values_list("meaning", "signer__username", "signed_at"),
        QualificationDecision.objects.filter(vendor__source__startswith=SOURCE_PREFIX)
        .order_by("vendor__name", "decided_at", "event")
        .values_list("vendor__name", "event", "to_status", "decided_at"),
    ]
    for query in rows:
        for row in query:
            sha.update(repr(row).encode())
    sha.update(repr(sorted(Counter(AuditEntry.objects.values_list("content_type__model", flat=True)).items())).encode())
    return sha.hexdigest()
