"""Every free-text field has a length cap, said once in config/limits.py (docs/limits.md), and
every path refuses a longer value with a 400 naming the field and the cap, saving nothing: the
API, the pages, the admin, the CSV import. A value at the cap is accepted (issue #10, point 11:
a 1 MB finding description made a 324-page PDF)."""

import re
from pathlib import Path

import pytest
import tablib
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from assessments import findings as finding_rules
from assessments import signatures, workflow
from assessments.answers import save_answers
from assessments.models import Answer, Assessment, CorrectiveAction, Finding, MinorFindingsReview, Signature
from audit.models import AuditEntry
from checklists import formats
from checklists.models import Checklist, Question
from config import limits
from config.exceptions import InvalidInput
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers
from tests.helpers import records
from tests.helpers.admin import admin_form_data
from vendors.models import Contact, Site, Vendor
from vendors.resources import VendorResource

pytestmark = pytest.mark.django_db

LONG, REASON = limits.LONG_TEXT, limits.REASON
COMPLIANCE = "A.3"  # a compliance question of the built-in checklist
DRF_MESSAGE = "Ensure this field has no more than {} characters."
#: TextFields the product writes itself, from values already capped where they came in.
WRITTEN_BY_THE_PRODUCT = {
    "audit.AuditEntry": "auditlog's own fields; the reason is capped where it is given (limits.REASON)",
    "reports.AuditReport": "why rendering failed, written by the worker",
    "reports.ReportArchive": "why building the archive failed, written by the worker",
}
PRODUCT_APPS = ["accounts", "audit", "vendors", "checklists", "assessments", "reports", "insights"]


def text(length, letter="x"):
    return letter * length


RATIONALE = {"downgrade_rationale": "Seen once, in a room not used for production."}


def finding_on(assessment, user, code=COMPLIANCE, **fields):
    question = Question.objects.get(checklist=assessment.checklist, code=code)
    fields.setdefault("classification", "minor")
    fields.setdefault("downgrade_rationale", "Seen once, in a room not used for production.")
    return finding_rules.raise_finding(assessment, user, description="Gowning", question=question, **fields)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --------------------------------------------------------------------------- the caps, said once


def test_every_free_text_field_has_one_of_the_named_caps():
    caps = {limits.NAME, limits.SHORT_TEXT, limits.LONG_TEXT, limits.REASON}
    checked = 0
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in PRODUCT_APPS or label in WRITTEN_BY_THE_PRODUCT:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                assert field.max_length in caps, f"{label}.{field.name} has no cap from config/limits.py"
                assert MaxLengthValidator(field.max_length) in field.validators, f"{label}.{field.name}"
                checked += 1
            elif isinstance(field, models.CharField):
                assert field.max_length, f"{label}.{field.name}"
    assert checked >= 18  # the 18 of today: none skipped by mistake


def test_docs_limits_md_lists_every_cap():
    doc = (Path(settings.BASE_DIR) / "docs" / "limits.md").read_text(encoding="utf-8")
    for name in ("NAME", "SHORT_TEXT", "LONG_TEXT", "REASON"):
        value = getattr(limits, name)
        assert re.search(rf"\| `{name}` \| {value:,} \|", doc), name
    assert "limits.md" in (Path(settings.BASE_DIR) / "docs" / "README.md").read_text(encoding="utf-8")


def test_check_length_names_the_field_and_the_cap():
    limits.check_length("reason", text(10), 10)
    limits.check_length("reason", None, 10)
    with pytest.raises(InvalidInput) as excinfo:
        limits.check_length("reason", text(11), 10)
    assert excinfo.value.errors == {"reason": ["Ensure this value has at most 10 characters (it has 11)."]}


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("field", ["comment", "na_justification"])
def test_an_answer_text_over_the_cap_is_400_and_nothing_is_saved(lead_api, assessment, field):
    url = f"/api/assessments/{assessment.pk}/answers/"
    response = lead_api.put(url, [{"question": COMPLIANCE, "value": "na", field: text(LONG + 1)}], format="json")
    assert response.status_code == 400
    assert response.json() == {COMPLIANCE: [f"{field} must be text of at most {LONG} characters (it has {LONG + 1})"]}
    assert not Answer.objects.filter(assessment=assessment).exists()

    response = lead_api.put(url, [{"question": COMPLIANCE, "value": "na", field: text(LONG)}], format="json")
    assert response.status_code == 200
    assert len(getattr(Answer.objects.get(assessment=assessment), field)) == LONG


def test_a_text_answer_over_the_cap_is_400(lead_api, assessment, checklist):
    code = Question.objects.filter(checklist=checklist, answer_type="text").values_list("code", flat=True).first()
    url = f"/api/assessments/{assessment.pk}/answers/"
    response = lead_api.put(url, [{"question": code, "value": text(LONG + 1)}], format="json")
    assert response.status_code == 400
    assert response.json() == {
        code: [f"Free text (not scored) answer must be at most {LONG} characters (it has {LONG + 1})"]
    }
    assert not Answer.objects.filter(assessment=assessment).exists()
    assert lead_api.put(url, [{"question": code, "value": text(LONG)}], format="json").status_code == 200


def test_the_workspace_refuses_an_answer_comment_over_the_cap(client, lead_auditor, assessment):
    client.force_login(lead_auditor)
    url = reverse("assessments:save_answer", args=[assessment.pk, COMPLIANCE])
    response = client.post(url, {"value": "compliant", "comment": text(LONG + 1)})
    assert response.status_code == 400
    assert f"comment must be text of at most {LONG} characters" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


# --------------------------------------------------------------------------- findings


def test_a_finding_description_over_the_cap_is_400_naming_it(lead_api, assessment):
    url = f"/api/assessments/{assessment.pk}/findings/"
    body = {"question": COMPLIANCE, "classification": "minor", "description": text(LONG + 1), **RATIONALE}
    response = lead_api.post(url, body, format="json")
    assert response.status_code == 400 and response.json() == {"description": [DRF_MESSAGE.format(LONG)]}
    assert not Finding.objects.exists()

    response = lead_api.post(url, {**body, "description": text(LONG)}, format="json")
    assert response.status_code == 201
    finding_id = response.json()["id"]
    response = lead_api.patch(f"/api/findings/{finding_id}/", {"requirement": text(501)}, format="json")
    assert response.status_code == 400 and response.json() == {"requirement": [DRF_MESSAGE.format(500)]}
    assert Finding.objects.get(pk=finding_id).requirement == ""


def test_the_findings_page_refuses_a_description_over_the_cap(client, lead_auditor, assessment):
    client.force_login(lead_auditor)
    response = client.post(
        reverse("assessments:raise_finding", args=[assessment.pk]),
        {"question": COMPLIANCE, "classification": "minor", "description": text(LONG + 1), **RATIONALE},
        follow=True,
    )
    assert response.status_code == 200
    assert any(f"at most {LONG} characters" in m for m in messages_of(response))
    assert not Finding.objects.exists()


def test_the_rule_module_refuses_it_too(assessment, lead_auditor):
    """update_finding runs full_clean(): a caller past every form still cannot store more."""
    finding = finding_on(assessment, lead_auditor)
    with pytest.raises(ValidationError) as excinfo:
        finding_rules.update_finding(finding, lead_auditor, description=text(LONG + 1))
    assert list(excinfo.value.message_dict) == ["description"]
    assert Finding.objects.get().description == "Gowning"


# --------------------------------------------------------------------------- corrective actions


def test_corrective_action_texts_over_the_cap_are_400_naming_them(lead_api, assessment, lead_auditor):
    finding = finding_on(assessment, lead_auditor, classification="major")
    url = f"/api/findings/{finding.pk}/actions/"
    body = {"description": text(LONG + 1), "owner": "Head of QA", "due_date": "2031-01-31"}
    response = lead_api.post(url, body, format="json")
    assert response.status_code == 400 and response.json() == {"description": [DRF_MESSAGE.format(LONG)]}
    response = lead_api.post(url, {**body, "description": "Retrain", "owner": text(161)}, format="json")
    assert response.status_code == 400 and response.json() == {"owner": [DRF_MESSAGE.format(160)]}
    assert not CorrectiveAction.objects.exists()

    response = lead_api.post(url, {**body, "description": text(LONG)}, format="json")
    assert response.status_code == 201
    action = CorrectiveAction.objects.get()
    # The verification is written only with the QA reviewer's signature (its cap: the model field).
    assert CorrectiveAction._meta.get_field("verification").max_length == LONG
    for field in ("root_cause", "vendor_action"):
        response = lead_api.patch(f"/api/corrective-actions/{action.pk}/", {field: text(LONG + 1)}, format="json")
        assert response.status_code == 400 and response.json() == {field: [DRF_MESSAGE.format(LONG)]}
        action.refresh_from_db()
        assert getattr(action, field) == ""
    response = lead_api.patch(f"/api/corrective-actions/{action.pk}/", {"root_cause": text(LONG)}, format="json")
    assert response.status_code == 200


def test_the_findings_page_refuses_an_action_over_the_cap(client, lead_auditor, assessment):
    finding = finding_on(assessment, lead_auditor, classification="major")
    client.force_login(lead_auditor)
    response = client.post(
        reverse("assessments:findings", args=[assessment.pk]),
        {"finding": finding.pk, "description": text(LONG + 1), "owner": "Head of QA", "due_date": "2031-01-31"},
        follow=True,
    )
    assert response.status_code == 200
    assert any(f"at most {LONG} characters" in m for m in messages_of(response))
    assert not CorrectiveAction.objects.exists()


# --------------------------------------------------------------------------- minor-finding reviews


def test_a_minor_review_justification_over_the_cap_is_400(lead_api, assessment, lead_auditor):
    codes = list(
        Question.objects.filter(checklist=assessment.checklist, criterion__code="A", answer_type="compliance")
        .order_by("order")
        .values_list("code", flat=True)[:3]
    )
    for code in codes:
        finding_on(assessment, lead_auditor, code=code)
    url = f"/api/assessments/{assessment.pk}/minor-reviews/"
    body = {"criterion": "A", "outcome": "justified", "justification": text(LONG + 1)}
    response = lead_api.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"justification": [limits.too_long_message(LONG, LONG + 1)]}
    assert not MinorFindingsReview.objects.exists()
    response = lead_api.post(url, {**body, "justification": text(LONG)}, format="json")
    assert response.status_code == 201


# --------------------------------------------------------------------------- assessments


def test_an_assessment_scope_over_the_cap_is_400_through_the_api(lead_api, assessment):
    url = f"/api/assessments/{assessment.pk}/"
    response = lead_api.patch(url, {"scope": text(LONG + 1)}, format="json")
    assert response.status_code == 400 and response.json() == {"scope": [DRF_MESSAGE.format(LONG)]}
    assert Assessment.objects.get(pk=assessment.pk).scope == ""
    assert lead_api.patch(url, {"scope": text(LONG)}, format="json").status_code == 200


def test_an_assessment_scope_over_the_cap_is_refused_by_the_admin(client, quality_admin, assessment):
    client.force_login(quality_admin)
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    data = admin_form_data(client.get(url))
    data["scope"] = text(LONG + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["scope"] and f"at most {LONG} characters" in errors["scope"][0]
    assert Assessment.objects.get(pk=assessment.pk).scope == ""


@pytest.fixture
def performed(assessment, lead_auditor):
    """`assessment` filled in, submitted and signed as performed: ready for the reviewer."""
    save_answers(assessment, lead_auditor, compliant_answers(assessment.checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)
    signatures.sign(assessment, lead_auditor, "performed", PASSWORD, request=RequestFactory().post("/"))
    return assessment


def test_a_decision_justification_over_the_cap_is_400_and_nothing_is_approved(reviewer_api, performed):
    url = f"/api/assessments/{performed.pk}/signatures/"
    body = {"meaning": "approved", "password": PASSWORD, "decision": "not_approved", "justification": text(LONG + 1)}
    response = reviewer_api.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"justification": [limits.too_long_message(LONG, LONG + 1)]}
    performed.refresh_from_db()
    assert performed.status == Assessment.Status.SUBMITTED and performed.decision_justification == ""
    assert not Signature.objects.filter(meaning="approved").exists()

    response = reviewer_api.post(url, {**body, "justification": text(LONG)}, format="json")
    assert response.status_code == 201, response.json()
    performed.refresh_from_db()
    assert performed.status == Assessment.Status.APPROVED and len(performed.decision_justification) == LONG


# --------------------------------------------------------------------------- reasons for a change


def test_a_step_reason_over_the_cap_is_400_and_the_step_is_not_taken(lead_api, assessment):
    url = f"/api/assessments/{assessment.pk}/cancel/"
    response = lead_api.post(url, {"reason": text(REASON + 1)}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [limits.too_long_message(REASON, REASON + 1)]}
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.PLANNED

    response = lead_api.post(url, {"reason": text(REASON)}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    entry = AuditEntry.objects.filter(reason__startswith="xxx").latest("timestamp")
    assert len(entry.reason) == REASON


def test_a_change_reason_over_the_cap_is_400_and_nothing_is_saved(lead_api, assessment):
    body = {"answers": [{"question": COMPLIANCE, "value": "compliant"}], "reason": text(REASON + 1)}
    response = lead_api.put(f"/api/assessments/{assessment.pk}/answers/", body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    assert not Answer.objects.filter(assessment=assessment).exists()
    response = lead_api.patch(
        f"/api/assessments/{assessment.pk}/", {"scope": "Viral vectors", "reason": text(REASON + 1)}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    assert Assessment.objects.get(pk=assessment.pk).scope == ""


def test_the_step_page_refuses_a_reason_over_the_cap(client, lead_auditor, assessment):
    client.force_login(lead_auditor)
    response = client.post(
        reverse("assessments:step", args=[assessment.pk, "cancel"]), {"reason": text(REASON + 1)}, follow=True
    )
    assert response.status_code == 200
    assert limits.too_long_message(REASON, REASON + 1) in messages_of(response)
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.PLANNED


def test_a_reopening_reason_over_the_cap_is_refused():
    with pytest.raises(InvalidInput) as excinfo:
        workflow.check_reopen_reason("Reopened because " + text(REASON))
    assert excinfo.value.errors == {"reason": [limits.too_long_message(REASON, REASON + 17)]}


# --------------------------------------------------------------------------- vendors, sites, contacts


def test_a_vendor_description_over_the_cap_is_400_through_the_api(admin_api):
    body = {"name": "Vectorworks", "country": "DE", "description": text(LONG + 1)}
    response = admin_api.post("/api/vendors/", body, format="json")
    assert response.status_code == 400 and response.json() == {"description": [DRF_MESSAGE.format(LONG)]}
    assert not Vendor.objects.filter(name="Vectorworks").exists()
    response = admin_api.post("/api/vendors/", {**body, "description": text(LONG)}, format="json")
    assert response.status_code == 201


def test_site_and_contact_texts_over_their_caps_are_refused_by_the_admin(client, quality_admin, vendor):
    Site.objects.create(vendor=vendor, name="Munich", country="DE")
    Contact.objects.create(vendor=vendor, name="Dr. Weber")
    client.force_login(quality_admin)
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    data = admin_form_data(client.get(url))
    data.update({"sites-0-address": text(limits.SHORT_TEXT + 1), "contacts-0-name": text(161)})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = {
        formset.formset.prefix: formset.formset.errors
        for formset in response.context["inline_admin_formsets"]
        if any(formset.formset.errors)
    }
    assert f"at most {limits.SHORT_TEXT} characters" in errors["sites"][0]["address"][0]
    assert "at most 160 characters" in errors["contacts"][0]["name"][0]
    assert Site.objects.get().address == "" and Contact.objects.get().name == "Dr. Weber"

    data.update({"sites-0-address": text(limits.SHORT_TEXT), "contacts-0-name": text(160)})
    assert client.post(url, data).status_code == 302
    assert len(Site.objects.get().address) == limits.SHORT_TEXT


def test_the_csv_import_refuses_a_vendor_description_over_the_cap(db):
    dataset = tablib.Dataset(headers=["slug", "name", "country", "description"])
    dataset.append(["vectorworks", "Vectorworks", "DE", text(LONG + 1)])
    result = VendorResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    [row] = result.invalid_rows
    assert f"at most {LONG} characters" in " ".join(row.error_dict["description"])
    assert not Vendor.objects.filter(slug="vectorworks").exists()


# --------------------------------------------------------------------------- checklists


@pytest.fixture
def draft(db):
    document = {
        "format": "cdmo-checklist/1",
        "code": "LIMITS",
        "name": "Limits",
        "version": 1,
        "criteria": [
            {"code": "A", "title": "A", "questions": [{"code": "A.1", "text": "Q?", "answer_type": "compliance"}]}
        ],
    }
    return formats.import_checklist(formats.dump(document))


def test_a_checklist_description_over_the_cap_is_400_through_the_api(admin_api, draft):
    url = f"/api/checklists/{draft.pk}/"
    response = admin_api.patch(url, {"description": text(LONG + 1)}, format="json")
    assert response.status_code == 400 and response.json() == {"description": [DRF_MESSAGE.format(LONG)]}
    assert Checklist.objects.get(pk=draft.pk).description == ""
    assert admin_api.patch(url, {"description": text(LONG)}, format="json").status_code == 200


def test_question_text_and_guidance_over_the_cap_are_refused_by_the_admin(client, quality_admin, draft):
    client.force_login(quality_admin)
    url = reverse("admin:checklists_checklist_change", args=[draft.pk])
    data = admin_form_data(client.get(url))
    data.update({"questions-0-text": text(LONG + 1), "questions-0-guidance": text(LONG + 1)})
    response = client.post(url, data)
    assert response.status_code == 200
    [questions] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "questions"]
    assert set(questions.errors[0]) == {"text", "guidance"}
    assert f"at most {LONG} characters" in questions.errors[0]["text"][0]
    assert Question.objects.get(checklist=draft).text == "Q?"


def test_a_signature_prints_the_longest_full_name_a_user_can_have(assessment, lead_auditor):
    """First and last names of 150 characters each: the printed name of the signature holds the
    whole of it (on PostgreSQL a shorter column refused the signing)."""
    lead_auditor.first_name, lead_auditor.last_name = "F" * 150, "L" * 150
    lead_auditor.save(update_fields=["first_name", "last_name"])
    records.performed(assessment, lead_auditor)
    signature = Signature.objects.get(assessment=assessment, meaning="performed")
    assert signature.printed_name == lead_auditor.full_name and len(signature.printed_name) == limits.PERSON_NAME
