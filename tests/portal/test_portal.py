"""The vendor portal for corrective actions: the lead shares an action, the vendor's contacts see
it as the vendor should, respond in versions with hashed evidence, and the lead accepts or
rejects each response; everything is audit-trailed and the right people are told."""

import datetime
import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from assessments import findings
from assessments.models import CorrectiveAction
from audit.models import AuditEntry
from notifications.models import Notification
from portal import access, sharing
from portal.models import ResponseEvidence, SharedAction, VendorAccess, VendorResponse

pytestmark = pytest.mark.django_db

IN_A_MONTH = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
BODY = {
    "root_cause": "Operator not trained on the new SOP.",
    "action": "Retrained all operators.",
    "completion_date": IN_A_MONTH,
}


def told(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def trail(model, pk):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk))


# --- Linking a vendor contact ---------------------------------------------------------------------
def test_only_a_vendor_contact_is_linked_to_a_vendor(vendor, auditor, make_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="does not have the vendor contact role"):
        access.link(auditor, vendor)
    both = make_user("both", Role.VENDOR_CONTACT, Role.AUDITOR)
    with pytest.raises(ValidationError, match="quality organisation"):
        access.link(both, vendor)
    assert not VendorAccess.objects.exists()


def test_the_admin_links_a_contact_and_refuses_a_user_without_the_role(
    client, quality_admin, vendor, vendor_contact, auditor
):
    client.force_login(quality_admin)
    refused = client.post("/admin/portal/vendoraccess/add/", {"user": auditor.pk, "vendor": vendor.pk})
    assert refused.status_code == 200
    assert "does not have the vendor contact role" in refused.content.decode()
    assert not VendorAccess.objects.exists()
    done = client.post("/admin/portal/vendoraccess/add/", {"user": vendor_contact.pk, "vendor": vendor.pk})
    assert done.status_code == 302
    access_row = VendorAccess.objects.get()
    assert (access_row.user, access_row.vendor) == (vendor_contact, vendor)
    assert trail(VendorAccess, access_row.pk).get().actor == quality_admin


# --- Sharing --------------------------------------------------------------------------------------
def test_the_lead_shares_an_action_once_and_its_contacts_are_told(
    lead_api, action, contact, other_contact, lead_auditor
):
    response = lead_api.post(f"/api/corrective-actions/{action.pk}/share/")
    assert response.status_code == 201, response.content
    shared = SharedAction.objects.get(action=action)
    assert shared.shared_by == lead_auditor
    entry = trail(SharedAction, shared.pk).get()
    assert (entry.actor, entry.assessment_id) == (lead_auditor, action.finding.assessment_id)
    assert told("action_shared") == [contact.username]
    note = Notification.objects.get(event="action_shared")
    assert note.url == f"/portal/corrective-actions/{action.pk}/"
    assert action.finding.reference in note.subject
    again = lead_api.post(f"/api/corrective-actions/{action.pk}/share/")
    assert again.status_code == 409
    assert SharedAction.objects.count() == 1
    assert len(told("action_shared")) == 1


def test_only_the_lead_shares(api_as, action, auditor, reviewer, quality_admin, outsider, contact):
    for user, status in ((auditor, 403), (reviewer, 403), (quality_admin, 403), (outsider, 404), (contact, 404)):
        assert api_as(user).post(f"/api/corrective-actions/{action.pk}/share/").status_code == status, user
    assert not SharedAction.objects.exists()
    assert not Notification.objects.filter(event="action_shared").exists()


def test_a_withdrawn_findings_action_cannot_be_shared(lead_api, assessment, lead_auditor, checklist, api_as, outsider):
    question = checklist.questions.get(code="C.1")
    finding = findings.raise_finding(
        assessment, lead_auditor, question=question, classification="major", description="Gap."
    )
    planned = findings.plan_action(finding, lead_auditor, description="Fix it.", owner="QA", due_date=IN_A_MONTH)
    findings.withdraw_finding(finding, lead_auditor, reason="Raised on the wrong site.")
    assert not CorrectiveAction.objects.filter(pk=planned.pk).exists()
    response = lead_api.post(f"/api/corrective-actions/{planned.pk}/share/")
    assert response.status_code == 409
    assert "withdrawn" in response.json()["detail"]
    assert api_as(outsider).post(f"/api/corrective-actions/{planned.pk}/share/").status_code == 404
    assert not SharedAction.objects.exists()


# --- What the vendor sees -------------------------------------------------------------------------
def test_the_contact_sees_exactly_the_vendor_facing_fields(contact_api, action, lead_auditor, approved):
    assert contact_api.get("/api/portal/corrective-actions/").json()["count"] == 0
    sharing.share(action, lead_auditor)
    listing = contact_api.get("/api/portal/corrective-actions/")
    assert listing.status_code == 200
    (item,) = listing.json()["results"]
    assert set(item) == {
        "id",
        "assessment",
        "vendor",
        "finding",
        "description",
        "owner",
        "due_date",
        "shared_at",
        "responses",
    }
    assert item["finding"] == {
        "reference": action.finding.reference,
        "classification": "Major",
        "description": action.finding.description,
    }
    assert item["due_date"] == action.due_date.isoformat()
    assert item["assessment"] == approved.reference
    assert item["responses"] == []
    detail = contact_api.get(f"/api/portal/corrective-actions/{action.pk}/")
    assert detail.json() == item
    # Nothing of the audit's own: the assessment, its findings, its audit trail, the admin.
    assert contact_api.get(f"/api/assessments/{approved.pk}/").status_code == 404
    assert contact_api.get(f"/api/findings/{action.finding.pk}/").status_code == 404
    assert contact_api.get(f"/api/assessments/{approved.pk}/history/").status_code == 404


def test_the_portal_page_shows_the_finding_without_the_internal_record(client, contact, action, lead_auditor, approved):
    sharing.share(action, lead_auditor)
    client.force_login(contact)
    home = client.get("/portal/").content.decode()
    assert action.finding.reference in home and approved.vendor.name in home
    page = client.get(f"/portal/corrective-actions/{action.pk}/").content.decode()
    assert action.finding.description in page and action.description in page and "Major" in page
    for internal in ("score", "Score", "Audit trail", "/admin/", "RPN", "Raised "):
        assert internal not in page
    assert client.get("/admin/").status_code == 302  # not staff: the admin's log-in


def test_an_unshared_action_and_another_vendors_contact_get_404(
    api_as, client, contact, other_contact, action, lead_auditor
):
    assert api_as(contact).get(f"/api/portal/corrective-actions/{action.pk}/").status_code == 404
    sharing.share(action, lead_auditor)
    other = api_as(other_contact)
    assert other.get("/api/portal/corrective-actions/").json()["count"] == 0
    assert other.get(f"/api/portal/corrective-actions/{action.pk}/").status_code == 404
    assert other.post(f"/api/portal/corrective-actions/{action.pk}/responses/", BODY, format="json").status_code == 404
    client.force_login(other_contact)
    assert client.get(f"/portal/corrective-actions/{action.pk}/").status_code == 404
    assert not VendorResponse.objects.exists()


def test_staff_and_unlinked_contacts_have_no_portal(api_as, lead_auditor, vendor_contact, action):
    sharing.share(action, lead_auditor)
    assert api_as(lead_auditor).get("/api/portal/corrective-actions/").status_code == 403
    assert api_as(vendor_contact).get("/api/portal/corrective-actions/").status_code == 403  # linked to no vendor


# --- Responses ------------------------------------------------------------------------------------
def test_responses_are_versions_audit_trailed_and_tell_the_lead(contact_api, contact, action, lead_auditor, auditor):
    sharing.share(action, lead_auditor)
    url = f"/api/portal/corrective-actions/{action.pk}/responses/"
    first = contact_api.post(url, BODY, format="json")
    assert first.status_code == 201, first.content
    second = contact_api.post(url, {**BODY, "action": "Retrained, and added a yearly check."}, format="json")
    assert [first.json()["version"], second.json()["version"]] == [1, 2]
    listed = contact_api.get(url).json()
    assert [r["version"] for r in listed] == [1, 2]
    assert listed[1]["action"] == "Retrained, and added a yearly check."
    for r in VendorResponse.objects.all():
        entry = trail(VendorResponse, r.pk).get()
        assert (entry.actor, entry.assessment_id) == (contact, action.finding.assessment_id)
    assert told("vendor_response") == [lead_auditor.username, lead_auditor.username]
    assert auditor.username not in told("vendor_response")
    # The corrective action itself is unchanged until the lead accepts.
    action.refresh_from_db()
    assert (action.root_cause, action.status) == ("", CorrectiveAction.Status.OPEN)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "root_cause": ""}, "root_cause"),
        ({**BODY, "action": "   "}, "action"),
        ({**BODY, "completion_date": "next week"}, "completion_date"),
        ({**BODY, "completion_date": "2001-01-01"}, "completion_date"),
        ({**BODY, "root_cause": ["a list"]}, "root_cause"),
    ],
)
def test_a_bad_response_is_a_400_naming_the_field(contact_api, action, lead_auditor, body, field):
    sharing.share(action, lead_auditor)
    response = contact_api.post(f"/api/portal/corrective-actions/{action.pk}/responses/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not VendorResponse.objects.exists()


def test_evidence_is_checked_and_hashed(contact_api, action, lead_auditor, private_media, client, contact):
    sharing.share(action, lead_auditor)
    url = f"/api/portal/corrective-actions/{action.pk}/responses/"
    rid = contact_api.post(url, BODY, format="json").json()["id"]
    content = b"%PDF-1.4 training records"
    upload = contact_api.post(
        f"{url}{rid}/evidence/", {"file": SimpleUploadedFile("training.pdf", content)}, format="multipart"
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["sha256"] == hashlib.sha256(content).hexdigest()
    item = ResponseEvidence.objects.get()
    assert item.stored_digest() == hashlib.sha256(content).hexdigest()
    assert trail(ResponseEvidence, item.pk).get().actor == contact
    refused = contact_api.post(
        f"{url}{rid}/evidence/", {"file": SimpleUploadedFile("tool.pdf", b"MZ\x90\x00 not a pdf")}, format="multipart"
    )
    assert refused.status_code == 400
    assert "does not look like" in refused.json()["file"][0]
    assert contact_api.post(f"{url}{rid}/evidence/", {}, format="multipart").status_code == 400
    assert ResponseEvidence.objects.count() == 1
    # The contact and the audit team download it; another vendor's contact does not.
    client.force_login(contact)
    got = client.get(f"/portal/evidence/{item.pk}/download/")
    assert b"".join(got.streaming_content) == content
    client.force_login(lead_auditor)
    assert client.get(f"/portal/evidence/{item.pk}/download/").status_code == 200


def test_the_lead_accepts_with_a_comment_and_the_action_takes_the_response(
    contact_api, lead_api, api_as, action, lead_auditor, auditor, contact
):
    sharing.share(action, lead_auditor)
    url = f"/api/portal/corrective-actions/{action.pk}/responses/"
    rid = contact_api.post(url, BODY, format="json").json()["id"]
    assert (
        lead_api.post(f"/api/vendor-responses/{rid}/decision/", {"decision": "accepted"}, format="json").status_code
        == 400
    )
    assert (
        api_as(auditor)
        .post(f"/api/vendor-responses/{rid}/decision/", {"decision": "accepted", "comment": "Fine."}, format="json")
        .status_code
        == 403
    )
    assert (
        contact_api.post(
            f"/api/vendor-responses/{rid}/decision/", {"decision": "accepted", "comment": "Fine."}, format="json"
        ).status_code
        == 404
    )
    done = lead_api.post(
        f"/api/vendor-responses/{rid}/decision/",
        {"decision": "accepted", "comment": "Training records convince."},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["decision"] == "accepted"
    action.refresh_from_db()
    assert (action.root_cause, action.vendor_action, action.status) == (
        BODY["root_cause"],
        BODY["action"],
        CorrectiveAction.Status.ACCEPTED,
    )
    # The change of the corrective action is the lead's, in the trail, with the comment as reason.
    entry = trail(CorrectiveAction, action.pk).order_by("-pk").first()
    assert entry.actor == lead_auditor and "Training records convince." in entry.reason
    assert told("response_decided") == [contact.username]
    # Decided once; no more responses once one was accepted; verification stays with QA.
    again = lead_api.post(
        f"/api/vendor-responses/{rid}/decision/", {"decision": "rejected", "comment": "No."}, format="json"
    )
    assert again.status_code == 409
    assert contact_api.post(url, BODY, format="json").status_code == 409
    assert action.status != CorrectiveAction.Status.VERIFIED_EFFECTIVE


def test_the_lead_rejects_and_the_vendor_sends_a_new_version(contact_api, lead_api, action, lead_auditor, contact):
    sharing.share(action, lead_auditor)
    url = f"/api/portal/corrective-actions/{action.pk}/responses/"
    rid = contact_api.post(url, BODY, format="json").json()["id"]
    rejected = lead_api.post(
        f"/api/vendor-responses/{rid}/decision/",
        {"decision": "rejected", "comment": "Root cause too shallow."},
        format="json",
    )
    assert rejected.status_code == 200
    action.refresh_from_db()
    assert (action.root_cause, action.status) == ("", CorrectiveAction.Status.OPEN)
    seen = contact_api.get(f"/api/portal/corrective-actions/{action.pk}/").json()["responses"][0]
    assert (seen["decision"], seen["decision_comment"]) == ("rejected", "Root cause too shallow.")
    assert told("response_decided") == [contact.username]
    # The rejected version cannot be decided again; a later version replaces an undecided one.
    v2 = contact_api.post(url, {**BODY, "root_cause": "Deeper: the SOP was unclear."}, format="json").json()
    v3 = contact_api.post(url, {**BODY, "root_cause": "Deeper still."}, format="json").json()
    assert (v2["version"], v3["version"]) == (2, 3)
    stale = lead_api.post(
        f"/api/vendor-responses/{v2['id']}/decision/", {"decision": "accepted", "comment": "Ok."}, format="json"
    )
    assert stale.status_code == 409
    assert (
        lead_api.post(
            f"/api/vendor-responses/{v3['id']}/decision/", {"decision": "accepted", "comment": "Ok."}, format="json"
        ).status_code
        == 200
    )


def test_the_findings_tab_shows_the_responses_and_the_decision_form(
    client, contact_api, action, lead_auditor, reviewer, approved
):
    client.force_login(lead_auditor)
    page = client.get(f"/assessments/{approved.pk}/findings/").content.decode()
    assert "Share with the vendor" in page
    assert client.post(f"/corrective-actions/{action.pk}/share/").status_code == 302
    contact_api.post(f"/api/portal/corrective-actions/{action.pk}/responses/", BODY, format="json")
    page = client.get(f"/assessments/{approved.pk}/findings/").content.decode()
    assert "Shared with the vendor" in page and BODY["root_cause"] in page and "Accept response 1" in page
    rid = VendorResponse.objects.get().pk
    assert (
        client.post(f"/vendor-responses/{rid}/decision/", {"decision": "accepted", "comment": "Good."}).status_code
        == 302
    )
    assert VendorResponse.objects.get().decision == "accepted"
    # The reviewer sees the responses, without the lead's buttons.
    client.force_login(reviewer)
    page = client.get(f"/assessments/{approved.pk}/findings/").content.decode()
    assert BODY["root_cause"] in page and "Accept response" not in page and "Share with the vendor" not in page


def test_the_portal_form_sends_a_response_with_files_all_or_nothing(
    client, contact, action, lead_auditor, private_media
):
    sharing.share(action, lead_auditor)
    client.force_login(contact)
    url = f"/portal/corrective-actions/{action.pk}/responses/"
    bad = client.post(url, {**BODY, "files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert bad.status_code == 302
    assert not VendorResponse.objects.exists()
    good = client.post(
        url, {**BODY, "files": [SimpleUploadedFile("a.txt", b"one"), SimpleUploadedFile("b.txt", b"two")]}
    )
    assert good.status_code == 302
    response = VendorResponse.objects.get()
    assert sorted(response.evidence.values_list("sha256", flat=True)) == sorted(
        hashlib.sha256(c).hexdigest() for c in (b"one", b"two")
    )


def test_withdrawing_a_finding_takes_its_share_and_responses_and_the_trail_keeps_them(
    contact, assessment, lead_auditor, checklist, private_media
):
    from portal import responses

    finding = findings.raise_finding(
        assessment,
        lead_auditor,
        question=checklist.questions.get(code="C.1"),
        classification="major",
        description="Gap.",
    )
    planned = findings.plan_action(finding, lead_auditor, description="Fix it.", owner="QA", due_date=IN_A_MONTH)
    shared = sharing.share(planned, lead_auditor)
    response = responses.respond(planned, contact, root_cause="Gap.", action_text="Fixed.", completion_date=IN_A_MONTH)
    item = responses.attach(response, contact, SimpleUploadedFile("note.txt", b"evidence"))
    findings.withdraw_finding(finding, lead_auditor, reason="Raised on the wrong site.")
    assert not (SharedAction.objects.exists() or VendorResponse.objects.exists() or ResponseEvidence.objects.exists())
    for model, pk in ((SharedAction, shared.pk), (VendorResponse, response.pk), (ResponseEvidence, item.pk)):
        assert trail(model, pk).filter(action=AuditEntry.Action.DELETE).count() == 1, model


def test_evidence_goes_on_the_latest_undecided_version_only(contact_api, action, lead_auditor, private_media):
    sharing.share(action, lead_auditor)
    url = f"/api/portal/corrective-actions/{action.pk}/responses/"
    first = contact_api.post(url, BODY, format="json").json()["id"]
    contact_api.post(url, BODY, format="json")
    late = contact_api.post(f"{url}{first}/evidence/", {"file": SimpleUploadedFile("a.txt", b"x")}, format="multipart")
    assert late.status_code == 409
    assert (
        contact_api.post(
            f"{url}999999/evidence/", {"file": SimpleUploadedFile("a.txt", b"x")}, format="multipart"
        ).status_code
        == 404
    )
    assert not ResponseEvidence.objects.exists()
