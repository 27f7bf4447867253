"""Schemathesis over the schema the app serves: every operation, driven through the real WSGI
application (real database, middleware, authentication), as a QA reviewer, an auditor, a vendor
contact and without a token. Each answer must be no server error and must match the schema for its status.

Reproducible: Hypothesis is derandomized (its seed comes from the test itself) and keeps no
example database; each operation gets a bounded number of positive and negative examples, each
run in a savepoint that is rolled back, so one example never sees another's writes."""

from datetime import date

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from assessments import answers, evidence, findings, workflow
from assessments.models import Assessment
from portal import access, sharing
from portal import responses as portal_responses
from tests.factories import attach_required_evidence, compliant_answers, new_assessment

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, response_schema_conformance]
# Examples per operation and mode: every operation x 2 modes x 4 callers stays within a few minutes.
EXAMPLES = 6


@pytest.fixture
def app():
    """The project's WSGI application. Like Django's test client, requests do not close the
    database connection when they end: the test's transaction (and its data) lives on it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(settings, checklist, vendor, lead_auditor, auditor, reviewer, vendor_contact, make_user):
    """Data that exists: a vendor with a site, the published built-in checklist, an assessment in
    progress with `auditor` on its team, a submitted one assigned to `reviewer`, a finding with a
    corrective action and an evidence file."""
    from vendors.models import Site

    settings.CELERY_BROKER_URL = "memory://"  # a queued report goes nowhere
    site = Site.objects.create(vendor=vendor, name="Main site", country="DE", city="Berlin")
    in_progress = new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], site=site)
    answers.save_answers(in_progress, lead_auditor, compliant_answers(checklist)[:5])
    submitted = new_assessment(checklist, vendor, lead_auditor, reviewer, team=[auditor], site=site)
    answers.save_answers(submitted, lead_auditor, compliant_answers(checklist))
    question = checklist.questions.filter(answer_type="compliance").order_by("pk").first()
    finding = findings.raise_finding(
        submitted,
        auditor,
        question=question,
        classification="minor",
        description="A deficiency.",
        downgrade_rationale="Seen once, outside production.",
    )
    action = findings.plan_action(
        finding, lead_auditor, description="Correct it.", owner="Vendor QA", due_date=date(2031, 1, 31)
    )
    item = evidence.attach(
        submitted,
        auditor,
        question.code,
        SimpleUploadedFile("record.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"),
    )
    attach_required_evidence(submitted, auditor)
    submitted.refresh_from_db()
    workflow.submit(submitted, lead_auditor)
    assert submitted.status == Assessment.Status.SUBMITTED
    # The vendor portal: the contact speaks for the vendor, whose action is shared and answered.
    access.link(vendor_contact, vendor)
    sharing.share(action, lead_auditor)
    response = portal_responses.respond(
        action, vendor_contact, root_cause="Gap.", action_text="Fixed.", completion_date=date(2031, 1, 15)
    )
    yield {
        "assessment": submitted,
        "in_progress": in_progress,
        "finding": finding,
        "action": action,
        "evidence": item,
        "checklist": checklist,
        "vendor": vendor,
        "response": response,
        "users": {"auditor": auditor, "reviewer": reviewer, "vendor_contact": vendor_contact},
        "question": question.code,
    }
    for stored in item.answer.evidence.all():
        stored.file.storage.delete(stored.file.name)


def path_parameters(operation, world, caller):
    """Ids of records that exist, so that operations reach their rules rather than a 404."""
    path = operation.path
    if path.startswith("/api/assessments/"):
        # The auditor works on the assessment in progress; the reviewer sees the submitted one.
        assessment = world["in_progress"] if caller == "auditor" else world["assessment"]
        return {"id": assessment.pk, "code": world["question"]}
    if path.startswith("/api/portal/corrective-actions/"):
        return {"id": world["action"].pk, "rid": world["response"].pk}
    ids = {
        "/api/vendor-responses/": world["response"].pk,
        "/api/findings/": world["finding"].pk,
        "/api/corrective-actions/": world["action"].pk,
        "/api/evidence/": world["evidence"].pk,
        "/api/checklists/": world["checklist"].pk,
        "/api/vendors/": world["vendor"].pk,
        "/api/users/": world["users"]["reviewer"].pk,
    }
    for prefix, pk in ids.items():
        if path.startswith(prefix):
            return {"id": pk}
    return {}


def run_operation(operation, headers, fixed, mode):
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    def test(case):
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    test()


@pytest.mark.parametrize("caller", ["reviewer", "auditor", "vendor_contact", "anonymous"])
def test_every_operation_answers_within_the_schema(caller, world, app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    headers = {}
    if caller != "anonymous":
        token, _ = Token.objects.get_or_create(user=world["users"][caller])
        headers = {"Authorization": f"Token {token.key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        fixed = {k: v for k, v in path_parameters(operation, world, caller).items() if f"{{{k}}}" in operation.path}
        # Valid and invalid input on the records that exist, then invalid paths (an id that is not one).
        runs = [(GenerationMode.POSITIVE, fixed), (GenerationMode.NEGATIVE, fixed)]
        if fixed:
            runs.append((GenerationMode.NEGATIVE, {}))
        for mode, given_path in runs:
            try:
                run_operation(operation, headers, given_path, mode)
            except Unsatisfiable:
                pass  # nothing left to make invalid (no query, no body, the path fixed)
            except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; all failures are listed
                where = "existing records" if given_path else "generated path"
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}, {where}): {exc}"[:1500])
    assert not failures, f"{len(failures)} failing operation(s) as {caller}:\n\n" + "\n\n".join(failures)
