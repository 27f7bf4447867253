"""`seed_scale`, the load generator of the page benchmark (demo/scale.py): at a small size, the
load it builds is the distribution of issue #12, the same for a seed, refused beside real records
unless forced, and what the rule modules would have produced (signatures hold, scores, decisions
and the approved supplier list as they compute them, answers they accept, the audit trail as
django-auditlog writes it)."""

from collections import Counter
from decimal import Decimal

import pytest
from auditlog.diff import model_instance_diff
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from assessments import answers, evaluation, record, scoring, workflow
from assessments.choices import ACTION_DONE, AssessmentStatus, SignatureMeaning
from assessments.models import Answer, Assessment, CorrectiveAction, Evidence, Finding, ScoreAtApproval, Signature
from audit.models import AuditEntry
from demo import scale
from vendors import qualification
from vendors.choices import QualificationEvent, QualificationStatus
from vendors.models import QualificationDecision, Vendor

SIZE = scale.Size(vendors=16, assessments=80, seed=5)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """Evidence files go to a directory of the module's own."""
    root = tmp_path_factory.mktemp("media")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield root


@pytest.fixture(scope="module")
def load(django_db_setup, django_db_blocker, media):
    """One load for the module, inside a transaction rolled back at the end (the audit trail
    cannot be deleted on PostgreSQL); each test is a savepoint inside it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            summary = scale.seed(SIZE, say=lambda *_: None)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield summary
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def seeded():
    return Assessment.objects.filter(scope__startswith=scale.MARK).select_related("vendor", "checklist")


# --- runs of their own (first: the module's load is not built yet) ---------------------------------


def rolled_back(build):
    """Run `build` in a savepoint rolled back afterwards: each run starts from the same database."""
    with transaction.atomic():
        try:
            return build()
        finally:
            transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_same_seed_builds_the_same_load_into_an_empty_database(media):
    size = scale.Size(vendors=10, assessments=40, seed=8)

    def build(size=size):
        scale.seed(size, say=lambda *_: None)
        return scale.fingerprint()

    first, second = rolled_back(build), rolled_back(build)
    other = rolled_back(lambda: build(scale.Size(vendors=10, assessments=40, seed=9)))
    assert first == second
    assert other != first


@pytest.mark.slow
@pytest.mark.django_db
def test_refuses_a_database_with_real_records_unless_forced(assessment, media):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_scale", "--vendors=5", "--assessments=10")
    assert not seeded().exists()
    assert not Vendor.objects.filter(source__startswith=scale.SOURCE_PREFIX).exists()
    call_command("seed_scale", "--vendors=5", "--assessments=10", "--force", stdout=None)
    assert seeded().count() == 10
    assert Assessment.objects.filter(pk=assessment.pk).exists()


# --- the distribution ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_counts_and_proportions(load):
    assessments = list(seeded())
    assert len(assessments) == SIZE.assessments
    statuses = Counter(a.status for a in assessments)
    for status, share in scale.STATUS_SHARES:
        assert statuses[status] == round(SIZE.assessments * share), status
    assert statuses[AssessmentStatus.APPROVED] > SIZE.assessments / 2
    xl = sum(a.checklist.code == scale.XL_CODE for a in assessments)
    assert 0.05 * SIZE.assessments <= xl <= 0.3 * SIZE.assessments
    assert seeded().filter(checklist__code=scale.XL_CODE).first().checklist.questions.count() == scale.XL_QUESTIONS

    vendors = Vendor.objects.filter(source=SIZE.source)
    assert vendors.count() == SIZE.vendors
    for v in vendors.prefetch_related("sites__certificates", "contacts"):
        assert v.sites.all() and v.contacts.all()
        assert all(site.certificates.all() for site in v.sites.all())

    users = User.objects.filter(username__startswith="scale-")
    assert users.count() == 49
    roles = Counter(role for u in users for role in u.roles)
    assert roles == {"admin": 4, "lead_auditor": 10, "auditor": 30, "reviewer": 10, "vendor_contact": 5}

    per_assessment = Counter(Answer.objects.filter(assessment__in=seeded()).values_list("assessment_id", flat=True))
    for a in assessments:
        if a.status == AssessmentStatus.PLANNED:
            assert per_assessment[a.pk] == 0
        if a.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED):
            assert per_assessment[a.pk] >= 50
    assert Finding.objects.filter(assessment__in=seeded()).count() >= SIZE.assessments
    actions = CorrectiveAction.objects.filter(finding__assessment__in=seeded())
    open_share = actions.exclude(status__in=ACTION_DONE).filter(status="open").count() / actions.count()
    assert 0.45 <= open_share <= 0.8
    assert load.counts["audit entries"] > load.counts["answers"]


@pytest.mark.django_db
def test_lifecycle_fields_follow_the_status(load):
    for a in seeded():
        assert (a.submitted_at is not None) == (a.status in scale.SUBMITTED_ONCE), a.reference
        assert (a.approved_at is not None) == (a.status == AssessmentStatus.APPROVED), a.reference
        assert bool(a.decision) == (a.status == AssessmentStatus.APPROVED), a.reference
        if a.approved_at:
            assert a.submitted_at < a.approved_at
        assert a.created_at <= a.updated_at <= timezone.now()
        assert a.lead_auditor_id not in {u.pk for u in a.audit_team.all()}
        assert a.reviewer_id not in a.team_ids()


# --- what the rule modules would have produced -------------------------------------------------------


@pytest.mark.django_db
def test_signatures_hold(load):
    signed = seeded().filter(status__in=(AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED))
    assert signed.exists()
    for a in signed:
        states = record.signature_states(a)
        assert states and all(s.valid for s in states), a.reference
        meanings = {s.signature.meaning for s in states}
        assert SignatureMeaning.PERFORMED in meanings
        assert (SignatureMeaning.APPROVED in meanings) == (a.status == AssessmentStatus.APPROVED)
        assert record.has_valid_signature(a, SignatureMeaning.PERFORMED, a.lead_auditor)
    verified = Signature.objects.filter(assessment__in=seeded(), meaning=SignatureMeaning.VERIFIED)
    for s in verified.select_related("corrective_action__finding"):
        assert record.action_signature_state(s).valid
        assert s.corrective_action.status in ACTION_DONE


@pytest.mark.django_db
def test_scores_and_decisions_are_the_rules(load):
    scored = 0
    for a in seeded():
        if not a.answers.exists():
            assert a.overall_score is None
            continue
        result = evaluation.score(a)
        assert a.overall_score == (None if result.overall is None else Decimal(str(result.overall))), a.reference
        assert a.risk_rating == (result.risk_rating or ""), a.reference
        scored += 1
        if a.status == AssessmentStatus.APPROVED:
            assert a.decision == result.recommended_decision
            months = scoring.requalification_months(a.vendor.inherent_risk, a.risk_rating, decision=a.decision)
            assert a.requalification_due == scoring.requalification_due(a.approved_at.date(), months)
    assert scored > SIZE.assessments / 2


@pytest.mark.django_db
def test_approved_assessments_have_their_scores_frozen_as_approval_freezes_them(load):
    """What the comparison, the risk matrix and vendor history read (evaluation.freeze_scores)."""
    approved = [a for a in seeded() if a.status == AssessmentStatus.APPROVED and a.answers.exists()]
    assert approved
    for a in approved:
        frozen = ScoreAtApproval.objects.current().get(assessment=a)
        expected = evaluation.frozen_values(evaluation.score(a))
        assert frozen.signing_cycle == a.signing_cycle and frozen.frozen_at == a.approved_at
        assert (frozen.overall_score, frozen.risk_rating) == (a.overall_score, expected["risk_rating"]), a.reference
        assert frozen.criterion_scores == expected["criterion_scores"], a.reference
    assert not ScoreAtApproval.objects.exclude(assessment__status=AssessmentStatus.APPROVED).exists()


@pytest.mark.django_db
def test_finished_assessments_pass_the_step_order(load):
    """Submitted and approved assessments are complete as the workflow sees them; a submitted one
    could be approved by its reviewer now."""
    for a in seeded().filter(status__in=(AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)):
        assert workflow.submission_problems(a) == [], a.reference
    for a in seeded().filter(status=AssessmentStatus.SUBMITTED):
        assert workflow.approval_problems(a, a.reviewer) == [], a.reference


@pytest.mark.django_db
def test_answers_are_values_the_product_accepts(load):
    stored = Answer.objects.filter(assessment__in=seeded()).select_related("question")
    for answer in stored:
        assert answers.clean_value(answer.question, answer.value) == answer.value, answer
        if answer.value == "na":
            assert answer.na_justification
    for ev in Evidence.objects.filter(answer__assessment__in=seeded())[:20]:
        with ev.file.open("rb") as f:
            assert Evidence.digest(f) == ev.sha256


@pytest.mark.django_db
def test_vendors_stand_as_qualification_leaves_them(load):
    approved_by_vendor = {}
    for a in seeded().filter(status=AssessmentStatus.APPROVED).order_by("approved_at"):
        approved_by_vendor[a.vendor_id] = a
    vendors = Vendor.objects.filter(source=SIZE.source)
    for v in vendors:
        latest = approved_by_vendor.get(v.pk)
        decisions = QualificationDecision.objects.filter(vendor=v).order_by("-decided_at", "-pk")
        if latest is None:
            assert v.status == QualificationStatus.PROSPECTIVE and not decisions.exists()
            continue
        assert decisions.filter(event=QualificationEvent.ASSESSMENT_DECISION).count() == (
            seeded().filter(vendor=v, status=AssessmentStatus.APPROVED).count()
        )
        last = decisions.first()
        assert (v.status, v.risk_rating, v.next_requalification_due) == (
            last.to_status,
            last.risk_rating,
            last.requalification_due,
        )
        assert v.risk_rating == latest.risk_rating and v.next_requalification_due == latest.requalification_due
        standing = qualification.standing_decision(v)
        assert standing.assessment_id == latest.pk
        if v.status != QualificationStatus.DISQUALIFIED:
            assert v.status == standing.decided_status
        assert standing.decided_status in (latest.decision, QualificationStatus.APPROVED)


@pytest.mark.django_db
def test_audit_trail_is_what_auditlog_writes(load):
    trail = scale.Trail()
    samples = [
        *Answer.objects.filter(assessment__in=seeded())[:30],
        *Finding.objects.filter(assessment__in=seeded())[:10],
        *CorrectiveAction.objects.filter(finding__assessment__in=seeded())[:10],
        *Evidence.objects.filter(answer__assessment__in=seeded())[:10],
        *Signature.objects.filter(assessment__in=seeded())[:10],
        *Vendor.objects.filter(source=SIZE.source)[:3],
    ]
    for obj in samples:
        expected = model_instance_diff(None, obj, use_json_for_changes=True)
        assert trail.created_changes(obj) == expected, obj
    answer = samples[0]
    entries = AuditEntry.objects.get_for_object(answer)
    assert [e.action for e in entries] == [AuditEntry.Action.CREATE]
    entry = entries.get()
    assert entry.actor_id == answer.updated_by_id and entry.assessment_id == answer.assessment_id
    assert entry.timestamp == answer.updated_at
    assert {k: tuple(v) for k, v in entry.changes.items()} == model_instance_diff(
        None, answer, use_json_for_changes=True
    )
    a = seeded().filter(status=AssessmentStatus.APPROVED).first()
    steps = [
        e.changes["status"][1]
        for e in AuditEntry.objects.filter(assessment_id=a.pk, content_type__model="assessment").order_by("timestamp")
        if e.changes and "status" in e.changes
    ]
    assert steps[0] == "planned" and steps[-1] == "approved" and "submitted" in steps


# --- runs, refusals ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_run_changes_nothing(load):
    again = scale.seed(SIZE, say=lambda *_: None)
    assert not again.seeded
    assert again.counts == load.counts


@pytest.mark.django_db
def test_another_load_is_refused(load):
    other = scale.Size(vendors=SIZE.vendors, assessments=SIZE.assessments + 1, seed=SIZE.seed)
    with pytest.raises(scale.SeedRefused, match="another seed_scale load"):
        scale.seed(other, force=True, say=lambda *_: None)
