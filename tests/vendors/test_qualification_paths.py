"""No path around the approved supplier list's decisions: the API, the admin form and the CSV
import cannot set a vendor's status, risk rating or due date (a value that would change one is
refused, naming it, and nothing is saved); disqualification and reinstatement through the API,
the admin and the vendor page, each with its refusals (wrong password, short reason, not an
administrator). The rules themselves: test_qualification.py."""

import pytest
from axes.models import AccessFailureLog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BooleanField
from django.urls import reverse

from accounts.roles import Role
from tests.conftest import PASSWORD
from tests.helpers.qualification import REASON, REINSTATE_REASON, signing_request, snapshot, vendor_entries
from vendors import qualification
from vendors.models import QualificationDecision, Vendor

pytestmark = pytest.mark.django_db


# === No direct path: API, admin form, CSV import ==================================================


@pytest.mark.parametrize(
    "body",
    [
        {"status": "not_approved"},
        {"status": "disqualified", "name": "Renamed"},
        {"next_requalification_due": "2031-12-31"},
        {"next_requalification_due": None},
        {"risk_rating": "critical"},
        {"status": ["approved"]},
    ],
)
def test_api_patch_of_a_qualification_field_is_refused_naming_it_and_changes_nothing(admin_api, approved_vendor, body):
    before, entries = snapshot(approved_vendor), vendor_entries(approved_vendor).count()
    response = admin_api.patch(f"/api/vendors/{approved_vendor.pk}/", body, format="json")
    assert response.status_code == 400
    refused = set(body) & set(qualification.DECIDED_FIELDS)
    assert refused <= set(response.json()), response.json()
    assert all("Set only by decisions" in response.json()[field][0] for field in refused)
    assert snapshot(approved_vendor) == before
    assert Vendor.objects.get(pk=approved_vendor.pk).name == "Cellvector GmbH"
    assert vendor_entries(approved_vendor).count() == entries


def test_api_patch_that_repeats_the_current_values_changes_only_the_rest(admin_api, approved_vendor):
    body = admin_api.get(f"/api/vendors/{approved_vendor.pk}/").json()
    echo = {field: body[field] for field in qualification.DECIDED_FIELDS}
    response = admin_api.patch(
        f"/api/vendors/{approved_vendor.pk}/", {**echo, "description": "Two suites."}, format="json"
    )
    assert response.status_code == 200, response.json()
    approved_vendor.refresh_from_db()
    assert (approved_vendor.description, approved_vendor.status) == ("Two suites.", "approved")


def test_api_creates_a_vendor_prospective_and_refuses_one_with_a_status(admin_api):
    refused = admin_api.post(
        "/api/vendors/", {"name": "Cellula Bio", "country": "DE", "status": "approved"}, format="json"
    )
    assert refused.status_code == 400 and "status" in refused.json()
    assert not Vendor.objects.filter(name="Cellula Bio").exists()
    created = admin_api.post("/api/vendors/", {"name": "Cellula Bio", "country": "DE"}, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "prospective" and created.json()["next_requalification_due"] is None


def admin_form_data(response):
    """The POST data the admin change form sends back unchanged: the main form and every inline
    formset's management form and forms, as rendered."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(getattr(v, "pk", v)) for v in value]
            elif value is not None:
                data[key] = str(getattr(value, "pk", value))

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_admin_form_shows_the_qualification_read_only_and_a_post_cannot_change_it(
    client, quality_admin, approved_vendor
):
    client.force_login(quality_admin)
    url = reverse("admin:vendors_vendor_change", args=[approved_vendor.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    assert not {"status", "risk_rating", "next_requalification_due"} & set(form.fields)
    assert "Disqualify" in page.content.decode()
    before = snapshot(approved_vendor)
    data = admin_form_data(page)
    data.update(
        status="disqualified", risk_rating="critical", next_requalification_due="2031-01-01", legal_name="Cellvector"
    )
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    approved_vendor.refresh_from_db()
    assert approved_vendor.legal_name == "Cellvector"  # the form saved what it may save
    assert snapshot(approved_vendor)[:3] == before[:3]


def test_admin_add_form_makes_a_prospective_vendor(client, quality_admin):
    client.force_login(quality_admin)
    page = client.get(reverse("admin:vendors_vendor_add"))
    data = admin_form_data(page)
    data.update(name="Cellula Bio", slug="cellula-bio", country="DE", status="approved", inherent_risk="high")
    response = client.post(reverse("admin:vendors_vendor_add"), {**data, "_save": "Save"})
    assert response.status_code == 302
    assert Vendor.objects.get(name="Cellula Bio").status == "prospective"


def import_csv(client, text):
    upload = SimpleUploadedFile("vendors.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("admin:vendors_vendor_import"), {"import_file": upload, "format": "0"})


@pytest.mark.parametrize(
    "column, value",
    [("status", "approved"), ("next_requalification_due", "2031-12-31"), ("risk_rating", "low")],
)
def test_csv_import_that_would_set_a_qualification_field_is_refused_and_imports_nothing(
    client, quality_admin, vendor, column, value
):
    client.force_login(quality_admin)
    before, count = snapshot(vendor), Vendor.objects.count()
    text = (
        f"slug,name,country,inherent_risk,{column}\n"
        "new-cdmo,New CDMO,FR,medium,\n"
        f"{vendor.slug},{vendor.name},DE,high,{value}\n"
    )
    response = import_csv(client, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Set only by decisions" in page
    assert response.context.get("confirm_form") is None  # nothing to confirm: nothing is imported
    assert Vendor.objects.count() == count and snapshot(vendor) == before


def test_csv_import_may_repeat_the_current_qualification_values(client, quality_admin, approved_vendor):
    client.force_login(quality_admin)
    due = approved_vendor.next_requalification_due.isoformat()
    text = (
        "slug,name,country,inherent_risk,status,risk_rating,next_requalification_due,description\n"
        f"{approved_vendor.slug},{approved_vendor.name},DE,high,approved,low,{due},Two suites\n"
    )
    response = import_csv(client, text)
    confirm = response.context["confirm_form"]
    assert confirm is not None, response.content.decode()[:2000]
    assert client.post(reverse("admin:vendors_vendor_process_import"), confirm.initial).status_code == 302
    approved_vendor.refresh_from_db()
    assert (approved_vendor.description, approved_vendor.status) == ("Two suites", "approved")


# === Disqualification and reinstatement through the API ===========================================


def disqualify(client, vendor, reason=REASON, password=PASSWORD):
    return client.post(
        f"/api/vendors/{vendor.pk}/disqualification/", {"reason": reason, "password": password}, format="json"
    )


def reinstate(client, vendor, reason=REINSTATE_REASON, password=PASSWORD):
    return client.post(
        f"/api/vendors/{vendor.pk}/reinstatement/", {"reason": reason, "password": password}, format="json"
    )


def test_api_disqualify_and_reinstate_to_the_latest_decision(admin_api, approved_vendor, quality_admin):
    due = approved_vendor.next_requalification_due
    response = disqualify(admin_api, approved_vendor)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["event"], body["from_status"], body["to_status"]) == ("disqualification", "approved", "disqualified")
    assert (body["decided_by"], body["printed_name"], body["reason"]) == ("qadmin", "Qadmin Tester", REASON)
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "disqualified"
    entry = vendor_entries(approved_vendor).filter(changes__has_key="status").latest("timestamp")
    assert (entry.reason, entry.username, entry.changes["status"]) == (REASON, "qadmin", ["approved", "disqualified"])
    assert disqualify(admin_api, approved_vendor).status_code == 409  # already disqualified

    response = reinstate(admin_api, approved_vendor)
    assert response.status_code == 201, response.json()
    approved_vendor.refresh_from_db()
    assert (approved_vendor.status, approved_vendor.risk_rating, approved_vendor.next_requalification_due) == (
        "approved",
        "low",
        due,
    )
    assert reinstate(admin_api, approved_vendor).status_code == 409  # not disqualified
    history = admin_api.get(f"/api/vendors/{approved_vendor.pk}/qualification-decisions/").json()["results"]
    assert [d["event"] for d in history] == ["reinstatement", "disqualification", "assessment_decision"]
    assert history[0]["reason"] == REINSTATE_REASON


@pytest.mark.parametrize("step", [disqualify, reinstate])
def test_api_wrong_password_is_403_changes_nothing_and_counts_toward_lock_out(
    admin_api, approved_vendor, quality_admin, step
):
    if step is reinstate:
        qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())
    before, decisions = snapshot(approved_vendor), QualificationDecision.objects.count()
    response = step(admin_api, approved_vendor, password="not-my-password")
    assert response.status_code == 403 and "password" in response.json()["detail"]
    assert snapshot(approved_vendor) == before and QualificationDecision.objects.count() == decisions
    assert AccessFailureLog.objects.filter(username="qadmin").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "Bad audit.", "x" * 30, None, ["A list is not a reason at all"]])
@pytest.mark.parametrize("step", [disqualify, reinstate])
def test_api_reason_of_less_than_a_sentence_is_400_and_costs_no_attempt(
    admin_api, approved_vendor, quality_admin, step, reason
):
    if step is reinstate:
        qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())
    before = snapshot(approved_vendor)
    response = step(admin_api, approved_vendor, reason=reason, password="not-my-password")
    assert response.status_code == 400 and "reason" in response.json()
    assert snapshot(approved_vendor) == before
    assert not AccessFailureLog.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "lead_auditor", "reviewer"])
@pytest.mark.parametrize("step", [disqualify, reinstate])
def test_api_only_a_quality_administrator_decides(api_as, approved_vendor, request, role, step):
    before = snapshot(approved_vendor)
    response = step(api_as(request.getfixturevalue(role)), approved_vendor)
    assert response.status_code == 403
    assert snapshot(approved_vendor) == before and not AccessFailureLog.objects.exists()


# === ... in the admin ===============================================================================


def admin_decision_url(vendor, segment):
    return reverse(f"admin:vendors_vendor_{segment}", args=[vendor.pk])


def test_admin_disqualifies_and_reinstates_with_reason_and_password(client, quality_admin, approved_vendor):
    client.force_login(quality_admin)
    url = admin_decision_url(approved_vendor, "disqualification")
    page = client.get(url)
    assert page.status_code == 200 and 'type="password"' in page.content.decode()
    assert client.get(admin_decision_url(approved_vendor, "reinstatement")).status_code == 302  # not disqualified

    response = client.post(url, {"reason": REASON, "password": PASSWORD})
    assert response.status_code == 302
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "disqualified"
    entry = vendor_entries(approved_vendor).filter(changes__has_key="status").latest("timestamp")
    assert (entry.reason, entry.username) == (REASON, "qadmin")
    change_page = client.get(reverse("admin:vendors_vendor_change", args=[approved_vendor.pk])).content.decode()
    assert "Reinstate" in change_page and REASON in change_page  # the history inline

    response = client.post(
        admin_decision_url(approved_vendor, "reinstatement"), {"reason": REINSTATE_REASON, "password": PASSWORD}
    )
    assert response.status_code == 302
    approved_vendor.refresh_from_db()
    assert approved_vendor.status == "approved"


@pytest.mark.parametrize("segment", ["disqualification", "reinstatement"])
def test_admin_refusals_show_on_the_form_and_change_nothing(client, quality_admin, approved_vendor, segment):
    if segment == "reinstatement":
        qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())
    client.force_login(quality_admin)
    url = admin_decision_url(approved_vendor, segment)
    before, decisions = snapshot(approved_vendor), QualificationDecision.objects.count()

    short = client.post(url, {"reason": "Bad audit.", "password": PASSWORD})
    assert short.status_code == 400 and "at least a sentence" in short.content.decode()
    wrong = client.post(url, {"reason": REINSTATE_REASON, "password": "not-my-password"})
    assert wrong.status_code == 403 and "password is not correct" in wrong.content.decode()
    assert AccessFailureLog.objects.filter(username="qadmin").count() == 1
    assert snapshot(approved_vendor) == before and QualificationDecision.objects.count() == decisions


@pytest.mark.parametrize("segment", ["disqualification", "reinstatement"])
def test_admin_staff_who_are_not_quality_administrators_may_not_decide(client, make_user, approved_vendor, segment):
    staff = make_user("staffer", Role.REVIEWER, is_staff=True)
    client.force_login(staff)
    url = admin_decision_url(approved_vendor, segment)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": REASON, "password": PASSWORD}).status_code == 403
    assert snapshot(approved_vendor)[0] == "approved"


# === ... on the vendor page =========================================================================


def test_vendor_page_says_why_a_vendor_is_disqualified_and_shows_administrators_the_history(
    client, quality_admin, auditor, approved_vendor, api_as
):
    qualification.disqualify(approved_vendor, quality_admin, REASON, PASSWORD, signing_request())
    client.force_login(auditor)
    page = client.get(approved_vendor.get_absolute_url()).content.decode()
    assert REASON in page and "Qadmin Tester" in page
    # The history names the deciding assessments, which not every reader may see.
    assert "Qualification decisions" not in page and approved_vendor.assessment.reference not in page
    assert "Reinstate this vendor" not in page
    assert api_as(auditor).get(f"/api/vendors/{approved_vendor.pk}/qualification-decisions/").status_code == 403
    client.force_login(quality_admin)
    page = client.get(approved_vendor.get_absolute_url()).content.decode()
    assert "Qualification decisions" in page and approved_vendor.assessment.reference in page
    assert admin_decision_url(approved_vendor, "reinstatement") in page


# === The rule module's own guards =================================================================


def test_the_disqualify_form_is_offered_only_to_an_administrator_and_only_once(approved_vendor, quality_admin, auditor):
    assert qualification.may_disqualify(approved_vendor, quality_admin)
    assert not qualification.may_disqualify(approved_vendor, auditor)
    Vendor.objects.filter(pk=approved_vendor.pk).update(status="disqualified")
    approved_vendor.refresh_from_db()
    assert not qualification.may_disqualify(approved_vendor, quality_admin)  # already off the list
    assert not qualification.may_disqualify(approved_vendor, auditor)


def test_an_assessment_decides_only_the_decisions_an_assessment_takes(approved_vendor):
    before = snapshot(approved_vendor)
    for status in ("disqualified", "prospective", ""):
        with pytest.raises(ValueError, match="An assessment decides one of"):
            qualification.follow_assessment_decision(approved_vendor, None, status=status, risk_rating="low", due=None)
    approved_vendor.refresh_from_db()
    assert snapshot(approved_vendor) == before


def test_a_signature_without_its_request_or_password_decides_nothing(approved_vendor, quality_admin):
    with pytest.raises(ValueError, match="needs the request"):
        qualification.check_signature(None, quality_admin, PASSWORD)
    for password in ("", None, 1234):
        with pytest.raises(qualification.NotAllowed, match="password is not correct"):
            qualification.check_signature(signing_request(), quality_admin, password)


def test_no_disqualification_is_in_force_for_a_vendor_on_the_list(approved_vendor, admin_api):
    assert qualification.disqualification_in_force(approved_vendor) is None
    assert disqualify(admin_api, approved_vendor).status_code == 201
    approved_vendor.refresh_from_db()
    assert qualification.disqualification_in_force(approved_vendor).reason == REASON
    assert reinstate(admin_api, approved_vendor).status_code == 201
    approved_vendor.refresh_from_db()
    assert qualification.disqualification_in_force(approved_vendor) is None  # the old decision stays in history
