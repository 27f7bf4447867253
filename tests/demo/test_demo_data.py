"""`load_demo_data`: `make run` shows assessments in every state, made from
demo/data/demo.yaml through the product's own services, so scores, signatures and the audit trail
are real; a second run changes nothing."""

import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import CommandError, call_command

from assessments import evaluation, record
from assessments.models import Answer, Assessment, CorrectiveAction, Finding, Signature
from audit.models import AuditEntry
from checklists.models import Checklist
from demo import dataset
from reports.models import AuditReport
from vendors.models import GMPCertificate, Site, Vendor

pytestmark = pytest.mark.django_db
DEMO_PASSWORD = "demo-password-for-tests-7"


@pytest.fixture
def demo_setup(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("demo_accounts", stdout=io.StringIO())


def load():
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (
            Assessment,
            Answer,
            Finding,
            CorrectiveAction,
            Signature,
            Site,
            GMPCertificate,
            AuditEntry,
            AuditReport,
        )
    }


def test_the_data_file_loads_and_answers_every_question_of_its_checklist(demo_setup):
    data = dataset.load()
    assert dataset.check(data) == []
    checklist = Checklist.objects.get(code=data["checklist"]["code"], version=data["checklist"]["version"])
    assert set(data["baseline"]) == set(checklist.questions.values_list("code", flat=True))
    assert {spec["stage"] for spec in data["assessments"]} == set(dataset.STAGES)
    assert {site["vendor"] for site in data["sites"]} == {spec["vendor"] for spec in data["assessments"]}


def _assessment(data, key):
    return next(spec for spec in data["assessments"] if spec["key"] == key)


@pytest.mark.parametrize(
    "mistake, problem",
    [
        (lambda d: _assessment(d, "roslin").update(stage="sent"), "'roslin': stage is one of"),
        (lambda d: _assessment(d, "roslin")["answers"]["A.6"].pop("na_justification"), "answer A.6: an N/A answer"),
        (lambda d: _assessment(d, "takara").update(based_on="catapult"), "'takara': based_on names no earlier"),
        (lambda d: _assessment(d, "takara")["findings"][0].update(question="Z.9"), "finding on Z.9: no such question"),
        (lambda d: _assessment(d, "mastercell")["findings"][0].update({"follow-up": {}}), "unknown field(s) follow-up"),
        (lambda d: _assessment(d, "cellular-therapeutics").pop("return_reason"), "a return_reason goes with"),
        (lambda d: d["sites"][0]["certificate"].update(kind="licence"), "certificate kind 'licence'"),
        (lambda d: d["baseline"].update({"A.4": True}), "baseline A.4: write 'yes' and 'no' in quotes"),
        (lambda d: _assessment(d, "cognate-initial")["narrative"].update(summary="x"), "narrative: unknown field(s)"),
    ],
)
def test_a_mistake_in_the_data_file_is_named(mistake, problem):
    data = dataset.load()
    mistake(data)
    problems = dataset.check(data)
    assert any(problem in p for p in problems), problems


def test_an_invalid_data_file_is_refused_before_anything_is_written(demo_setup, monkeypatch, tmp_path):
    broken = tmp_path / "demo.yaml"
    broken.write_text(
        dataset.DATA_FILE.read_text(encoding="utf-8").replace("stage: submitted", "stage: sent"), encoding="utf-8"
    )
    monkeypatch.setattr(dataset, "DATA_FILE", broken)
    with pytest.raises(CommandError, match="demo data file is not valid.*stage is one of"):
        load()
    assert not Assessment.objects.exists() and not Site.objects.exists()


@pytest.mark.slow
def test_demo_data_in_every_state_and_a_second_run_changes_nothing(demo_setup):
    first = load()
    assert "11 assessments" in first and "[demo]" in first
    before = snapshot()
    second = load()
    assert "already exist; nothing to do" in second
    assert snapshot() == before

    demo = Assessment.objects.filter(scope__startswith="[demo]")
    assert demo.count() == Assessment.objects.count() == 11
    by_status = {s: demo.filter(status=s).count() for s in Assessment.Status.values}
    assert by_status == {"planned": 2, "in_progress": 3, "submitted": 1, "returned": 1, "approved": 4, "cancelled": 0}
    assert all(a.checklist.code == "CGT-CDMO" and a.checklist.version == 1 for a in demo)

    today = demo.first().created_at.date()
    assert all(a.planned_start > today for a in demo.filter(status="planned"))
    # The questionnaire sent to the vendor is under way without an audit day of its own.
    audited = demo.exclude(status="planned").exclude(mode="questionnaire")
    performed = sorted(a.performed_start for a in audited)
    assert (today - performed[0]).days > 600 and (today - performed[-1]).days < 30  # spread over 2 years


@pytest.mark.slow
def test_in_progress_ones_are_partly_answered_with_comments_na_and_a_finding(demo_setup):
    load()
    for a in Assessment.objects.filter(status="in_progress").exclude(mode="questionnaire"):  # the vendor answers it
        answers = Answer.objects.filter(assessment=a)
        assert 0 < answers.count() < a.checklist.questions.count()
        assert answers.exclude(comment="").exists()
        na = answers.filter(value="na")
        assert na.exists() and all(x.na_justification.strip() for x in na)
        assert a.findings.count() == 1
        assert a.overall_score is not None


@pytest.mark.slow
def test_returned_and_submitted(demo_setup):
    load()
    returned = Assessment.objects.get(status="returned")
    entry = AuditEntry.objects.filter(assessment_id=returned.pk, changes__status__1="returned").get()
    assert entry.username == "reviewer" and "species" in entry.reason

    submitted = Assessment.objects.get(status="submitted")
    assert evaluation.missing_for_submission(submitted) == []
    assert record.has_valid_signature(submitted, "performed", submitted.lead_auditor)
    assert not submitted.signatures.filter(meaning="approved").exists()
    assert submitted.findings.exists()
    for finding in submitted.findings.all():
        assert finding.actions.exists()


@pytest.mark.slow
def test_approved_ones_are_signed_and_the_vendors_follow_the_decisions(demo_setup):
    load()
    approved = Assessment.objects.filter(status="approved")
    decisions = {}
    for a in approved:
        assert a.findings.exists(), a.reference
        assert record.has_valid_signature(a, "performed", a.lead_auditor)
        assert record.has_valid_signature(a, "approved", a.reviewer)
        assert all(s.valid for s in record.signature_states(a))
        assert a.approved_at and a.requalification_due
        result = evaluation.score(a)
        assert a.decision == result.recommended_decision and a.risk_rating == result.risk_rating
        decisions[a.reference] = (a.vendor, a.decision, a.risk_rating)
    # The first one carries its report's narrative, signed with it (content version 4).
    first = approved.get(scope__contains="autologous CD19 CAR-T drug product: apheresis")
    assert first.conclusion.startswith("The site has the experience") and first.people_met

    ratings = {rating for _, _, rating in decisions.values()}
    assert {"low", "high", "critical"} <= ratings
    assert Finding.objects.filter(assessment__in=approved, classification="critical").exists()
    assert Finding.objects.filter(assessment__in=approved, classification="major").exists()
    for finding in Finding.objects.filter(assessment__in=approved, classification__in=["critical", "major"]):
        assert finding.actions.exists()

    # The comparison page needs three vendors with approved assessments on the same checklist.
    vendors = {vendor.pk for vendor, _, _ in decisions.values()}
    assert len(vendors) >= 3
    for vendor_id in vendors:
        vendor = Vendor.objects.get(pk=vendor_id)
        latest = approved.filter(vendor=vendor).order_by("-approved_at").first()
        assert vendor.status == latest.decision
        assert vendor.next_requalification_due == latest.requalification_due
        assert vendor.sites.filter(grade_a=True, certificates__isnull=False).exists()
    statuses = set(Vendor.objects.filter(pk__in=vendors).values_list("status", flat=True))
    assert statuses == {"approved", "conditionally_approved", "not_approved"}
    # A vendor assessed twice has a history to draw.
    assert any(approved.filter(vendor_id=v).count() > 1 for v in vendors)


@pytest.mark.slow
def test_audit_trail_names_the_demo_users(demo_setup):
    load()
    demo_ids = list(Assessment.objects.values_list("pk", flat=True))
    entries = AuditEntry.objects.filter(assessment_id__in=demo_ids)
    actors = set(entries.values_list("actor__username", flat=True))
    assert {"lead", "auditor", "reviewer"} <= actors
    assert not entries.filter(actor__isnull=True).exists()
    # Who did what: auditors answer, the lead submits and signs as performed, the reviewer approves.
    assert entries.filter(actor__username="auditor", content_type__model="answer").exists()
    assert entries.filter(actor__username="lead", content_type__model="answer").exists()
    assert entries.filter(actor__username="lead", changes__status__1="submitted").exists()
    assert entries.filter(actor__username="reviewer", changes__status__1="approved").count() == 4
    signers = {(s.signer.username, s.meaning) for s in Signature.objects.all()}
    assert signers == {("lead", "performed"), ("reviewer", "approved"), ("reviewer", "verified")}
    # Every verified or closed corrective action carries the QA reviewer's valid "verified" signature.
    done = CorrectiveAction.objects.filter(status__in=["verified_effective", "closed"])
    assert done.count() == 2
    for action in done:
        signature = action.verification_signature
        assert signature.signer.username == "reviewer" and record.action_signature_state(signature).valid
    assert AuditEntry.objects.filter(actor__username="admin", content_type__model="site").exists()


def test_never_mixed_into_a_database_with_real_assessments(demo_setup):
    from accounts.models import User

    lead = User.objects.get(username="lead")
    Assessment.objects.create(
        vendor=Vendor.objects.get(name="Lonza Group"),
        created_by=lead,
        lead_auditor=lead,
        checklist=Checklist.objects.get(code="CGT-CDMO", version=1),
        scope="Real audit",
    )
    assert "not added" in load()
    assert Assessment.objects.count() == 1 and not Site.objects.exists()


def test_refuses_without_demo_accounts_and_leaves_nothing(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("load_reference_data", stdout=io.StringIO())
    with pytest.raises(CommandError, match="demo_accounts"):
        load()
    assert not Assessment.objects.exists()


def test_a_wrong_password_rolls_everything_back(demo_setup, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "not-the-password")
    with pytest.raises(CommandError, match="could not sign"):
        load()
    assert not Assessment.objects.exists() and not Site.objects.exists()
    assert not AccessFailureLog.objects.exists() and not AccessAttempt.objects.exists()


def test_the_vendor_log_in_sees_its_one_shared_action_in_the_portal(demo_setup, client):
    from accounts.models import User
    from assessments.models import Questionnaire
    from notifications.models import Notification
    from portal.models import SharedAction

    load()
    vendor = User.objects.get(username="vendor")
    assert vendor.vendor_access.vendor.name == "CellforCure"
    shared = SharedAction.objects.select_related("action__finding__assessment__vendor").get()
    assert shared.shared_by.username == "lead"
    assert shared.action.finding.assessment.vendor.name == "CellforCure"
    assert Notification.objects.filter(recipient=vendor, event="action_shared").count() == 1
    assert vendor.check_password(DEMO_PASSWORD)
    client.force_login(vendor)
    page = client.get("/portal/").content.decode()
    sent = Questionnaire.objects.get()
    assert sent.assessment.vendor.name == "CellforCure" and sent.due_date > sent.sent_at.date()
    assert f'href="/portal/questionnaires/{sent.pk}/"' in page
    assert client.get(f"/portal/questionnaires/{sent.pk}/").status_code == 200
    assert shared.action.finding.reference in page
    assert client.get(f"/portal/corrective-actions/{shared.action.pk}/").status_code == 200
