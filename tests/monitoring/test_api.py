"""The EM endpoints of docs/api.md ("Added in the second round"), shapes exactly as written
there, with the permissions of answers: the audit team imports and decides, whoever sees the
assessment reads, and a submitted or approved assessment takes no import (409)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import workflow
from assessments.models import Answer, Assessment, Finding
from audit.models import AuditEntry
from monitoring.models import DataSet, DataSetReview, ExcursionReview, Sample
from tests.helpers.api import assessment_url
from tests.monitoring.conftest import csv_bytes, row, sample

pytestmark = pytest.mark.django_db
SAMPLE_FIELDS = {"location", "grade", "state", "kind", "value", "sampled_at", "limit", "result"}
RECENT = (timezone.now() - timezone.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_json(client, assessment, items, **extra):
    return client.post(assessment_url(assessment, "em-results/"), items, format="json", **extra)


def post_csv(client, assessment, data, name="em.csv", **fields):
    return client.post(
        assessment_url(assessment, "em-results/"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **fields},
        format="multipart",
    )


SAMPLES = [
    sample(location="BSC 1", grade="A", kind="settle_plate", value=0, at=RECENT),
    sample(location="BSC 1", grade="A", kind="settle_plate", value=1, at=RECENT),
    sample(location="Room 2", grade="B", state="at_rest", kind="particles_5_0", value=29, at=RECENT),
    sample(location="Room 9", grade="D", kind="particles_0_5", value=9_000_000, at=RECENT),
]


def test_post_json_echoes_every_sample_with_limit_and_result(em_assessment, auditor_api):
    response = post_json(auditor_api, em_assessment, SAMPLES)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert isinstance(body, list) and len(body) == 4
    for sent, echoed in zip(SAMPLES, body, strict=True):
        assert SAMPLE_FIELDS <= set(echoed)
        assert (echoed["location"], echoed["grade"], echoed["state"], echoed["kind"], echoed["value"]) == (
            sent["location"],
            sent["grade"],
            sent["state"],
            sent["kind"],
            sent["value"],
        )
        assert echoed["sampled_at"] == sent["sampled_at"]
    assert [(s["limit"], s["result"]) for s in body] == [
        (0, "within"),
        (0, "excursion"),
        (29, "within"),
        (None, "no_limit"),
    ]
    data_set = DataSet.objects.get()
    assert data_set.site == em_assessment.site and data_set.sample_count == 4 and data_set.source_format == "json"
    assert {s["data_set"] for s in body} == {data_set.pk}


def test_post_csv_file_creates_a_data_set_of_the_assessments_site(em_assessment, auditor_api):
    response = post_csv(auditor_api, em_assessment, csv_bytes([row(value=2, at=RECENT), row(grade="C", value=51)]))
    assert response.status_code == 201, response.json()
    assert [(s["limit"], s["result"]) for s in response.json()] == [(0, "excursion"), (50, "excursion")]
    data_set = DataSet.objects.get()
    assert (data_set.source_format, data_set.source_name, data_set.imported_by.username) == ("csv", "em.csv", "auditor")
    assert DataSetReview.objects.filter(assessment=em_assessment, data_set=data_set).exists()


def test_bad_rows_are_a_400_naming_each_and_nothing_is_kept(em_assessment, auditor_api):
    items = [SAMPLES[0], {**SAMPLES[1], "grade": "Z"}, SAMPLES[2], {**SAMPLES[3], "value": -1, "state": "idle"}]
    response = post_json(auditor_api, em_assessment, items)
    assert response.status_code == 400
    assert response.json() == {
        "item 2": ["grade 'Z' is not one of A, B, C, D"],
        "item 4": ["state 'idle' is not one of at_rest, in_operation", "value -1 is negative"],
    }
    response = post_csv(auditor_api, em_assessment, csv_bytes([row(), row(kind="mould")]))
    assert response.status_code == 400 and list(response.json()) == ["line 3"]
    assert (DataSet.objects.count(), Sample.objects.count(), DataSetReview.objects.count()) == (0, 0, 0)
    assert not AuditEntry.objects.filter(content_type__model__in=["dataset", "datasetreview"]).exists()
    assert Assessment.objects.get(pk=em_assessment.pk).status == "planned"  # nothing changed at all


def test_a_multipart_post_without_a_file_is_a_400(em_assessment, auditor_api):
    response = auditor_api.post(assessment_url(em_assessment, "em-results/"), {"reason": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_a_file_over_the_limit_is_a_413(em_assessment, auditor_api, settings):
    settings.EM_IMPORT_MAX_BYTES = 100
    response = post_csv(auditor_api, em_assessment, csv_bytes([row()] * 5))
    assert response.status_code == 413 and DataSet.objects.count() == 0


def test_get_lists_the_samples_paginated_with_limit_and_result(em_assessment, auditor_api, reviewer_api):
    post_json(auditor_api, em_assessment, SAMPLES)
    response = auditor_api.get(assessment_url(em_assessment, "em-results/"), {"page_size": 3})
    body = response.json()
    assert response.status_code == 200 and body["count"] == 4 and len(body["results"]) == 3 and body["next"]
    assert SAMPLE_FIELDS <= set(body["results"][0])
    excursions = auditor_api.get(assessment_url(em_assessment, "em-results/"), {"result": "excursion"}).json()
    assert [(s["location"], s["value"]) for s in excursions["results"]] == [("BSC 1", 1)]
    assert auditor_api.get(assessment_url(em_assessment, "em-results/"), {"result": "bad"}).status_code == 400
    assert auditor_api.get(assessment_url(em_assessment, "em-results/"), {"data_set": "x"}).status_code == 400


def test_summary(em_assessment, auditor_api):
    post_json(auditor_api, em_assessment, SAMPLES)
    response = auditor_api.get(assessment_url(em_assessment, "em-results/summary/"))
    assert response.status_code == 200
    body = response.json()
    assert body["totals"] == {
        "samples": 4,
        "excursions": 1,
        "alerts": 0,
        "no_limit": 1,
        "older": 0,
        "repeated_locations": 0,
    }
    (data_set,) = body["data_sets"]
    assert data_set["reference"].startswith("EM-") and data_set["stale"] is False
    groups = {(g["location"], g["kind"]): g for g in data_set["groups"]}
    assert groups[("BSC 1", "settle_plate")] | {"first": None, "last": None} == {
        "grade": "A",
        "state": "in_operation",
        "kind": "settle_plate",
        "location": "BSC 1",
        "unit": "CFU/4 h",
        "samples": 2,
        "excursions": 1,
        "alerts": 0,
        "highest": 1,
        "limit": 0,
        "alert_limit": None,
        "first": None,
        "last": None,
    }
    assert body["proposed_findings"] == [
        {
            "data_set": data_set["id"],
            "location": "BSC 1",
            "grades": ["A"],
            "excursions": 1,
            "repeated": False,
            "classification": "major",
            "question": "C.3",
            "decision": None,
        }
    ]
    assert [(a["question"], a["value"], a["current"]) for a in body["answers"]] == [("C.4", 1, 1)]


def test_em_limits_is_the_table_in_force(em_limits, auditor_api, api, site, vendor_contact, api_as):
    response = auditor_api.get("/api/em-limits/")
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], len(body["limits"]), body["alert_limits"]) == (1, 48, [])
    by_key = {(x["grade"], x["state"], x["kind"]): x["limit"] for x in body["limits"]}
    assert by_key[("A", "at_rest", "particles_5_0")] == 29
    assert by_key[("B", "in_operation", "particles_5_0")] == 2930
    assert by_key[("D", "in_operation", "particles_0_5")] is None
    assert by_key[("C", "at_rest", "glove_print")] is None
    assert auditor_api.get("/api/em-limits/", {"site": site.pk}).status_code == 200
    assert auditor_api.get("/api/em-limits/", {"site": "abc"}).status_code == 400
    assert auditor_api.get("/api/em-limits/", {"site": "99999999"}).status_code == 400
    assert api.get("/api/em-limits/").status_code == 401
    assert api_as(vendor_contact).get("/api/em-limits/").status_code == 403


# --- permissions and the state of the record -----------------------------------------------------


def test_who_may_import_read_and_decide(
    em_assessment, auditor_api, lead_api, reviewer_api, admin_api, api, outsider, api_as
):
    assert post_json(reviewer_api, em_assessment, SAMPLES).status_code == 403  # the assigned reviewer reads only
    assert post_json(admin_api, em_assessment, SAMPLES).status_code == 403
    assert post_json(api_as(outsider), em_assessment, SAMPLES).status_code == 404
    assert post_json(api, em_assessment, SAMPLES).status_code == 401
    assert DataSet.objects.count() == 0
    assert post_json(lead_api, em_assessment, SAMPLES).status_code == 201
    for path in ("em-results/", "em-results/summary/"):
        assert admin_api.get(assessment_url(em_assessment, path)).status_code == 200
        assert api_as(outsider).get(assessment_url(em_assessment, path)).status_code == 404
    decision = {"data_set": DataSet.objects.get().pk, "location": "BSC 1", "outcome": "confirmed"}
    url = assessment_url(em_assessment, "em-results/decisions/")
    assert admin_api.post(url, decision, format="json").status_code == 403
    assert api_as(outsider).post(url, decision, format="json").status_code == 404


def submitted(assessment, lead_auditor, auditor_api):
    post_json(auditor_api, assessment, SAMPLES)
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", submitted_at=timezone.now())
    assessment.refresh_from_db()
    return assessment


def test_no_import_into_a_submitted_or_approved_assessment(em_assessment, lead_auditor, auditor_api, reviewer_api):
    submitted(em_assessment, lead_auditor, auditor_api)
    response = post_json(auditor_api, em_assessment, SAMPLES)
    assert response.status_code == 409 and "submitted" in response.json()["detail"]
    assert post_json(reviewer_api, em_assessment, SAMPLES).status_code == 403  # sees it now, may not change it
    assert reviewer_api.get(assessment_url(em_assessment, "em-results/summary/")).status_code == 200
    Assessment.objects.filter(pk=em_assessment.pk).update(status="approved")
    assert post_csv(auditor_api, em_assessment, csv_bytes([row()])).status_code == 409
    decision = {"data_set": DataSet.objects.get().pk, "location": "BSC 1", "outcome": "dismissed", "reason": "x"}
    assert auditor_api.post(assessment_url(em_assessment, "em-results/decisions/"), decision).status_code == 409
    assert auditor_api.post(assessment_url(em_assessment, "em-results/answers/")).status_code == 409
    assert DataSet.objects.count() == 1


def test_after_a_return_an_import_needs_a_reason(em_assessment, lead_auditor, auditor_api):
    submitted(em_assessment, lead_auditor, auditor_api)
    Assessment.objects.filter(pk=em_assessment.pk).update(status="returned")
    response = post_csv(auditor_api, em_assessment, csv_bytes([row(at=RECENT)]))
    assert response.status_code == 400 and "reason" in response.json()
    response = post_csv(
        auditor_api, em_assessment, csv_bytes([row(at=RECENT)]), reason="Second month of data received."
    )
    assert response.status_code == 201
    entry = AuditEntry.objects.filter(content_type__model="dataset").order_by("pk").last()
    assert entry.reason == "Second month of data received." and entry.actor.username == "auditor"


def test_an_assessment_without_a_site_takes_no_em_data(assessment, em_limits, auditor_api):
    response = post_json(auditor_api, assessment, SAMPLES)
    assert response.status_code == 409 and "names no site" in response.json()["detail"]


# --- decisions, answers and the audit trail ------------------------------------------------------


def test_confirming_raises_the_finding_through_the_findings_rules(em_assessment, auditor_api, auditor):
    post_json(auditor_api, em_assessment, SAMPLES)
    data_set = DataSet.objects.get()
    url = assessment_url(em_assessment, "em-results/decisions/")
    response = auditor_api.post(url, {"data_set": data_set.pk, "location": "BSC 1", "outcome": "confirmed"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["outcome"], body["decided_by"]) == ("confirmed", "auditor")
    finding = Finding.objects.get(pk=body["finding"])
    assert (finding.classification, finding.proposed_classification, finding.question.code) == ("major", "major", "C.3")
    assert (
        finding.created_by == auditor and "BSC 1" in finding.description and data_set.reference in finding.description
    )
    again = auditor_api.post(url, {"data_set": data_set.pk, "location": "BSC 1", "outcome": "dismissed"})
    assert again.status_code == 409 and "already confirmed" in again.json()["detail"]
    assert Finding.objects.count() == 1
    summary = auditor_api.get(assessment_url(em_assessment, "em-results/summary/")).json()
    assert summary["proposed_findings"][0]["decision"]["finding"] == finding.pk
    assert AuditEntry.objects.filter(content_type__model="excursionreview", assessment_id=em_assessment.pk).count() == 1
    assert AuditEntry.objects.filter(content_type__model="finding", assessment_id=em_assessment.pk).count() == 1


def test_a_lower_class_than_proposed_needs_a_rationale(em_assessment, auditor_api):
    post_json(auditor_api, em_assessment, SAMPLES)
    url = assessment_url(em_assessment, "em-results/decisions/")
    decision = {
        "data_set": DataSet.objects.get().pk,
        "location": "BSC 1",
        "outcome": "confirmed",
        "classification": "minor",
    }
    response = auditor_api.post(url, decision)
    assert response.status_code == 400 and "downgrade_rationale" in response.json()
    assert (Finding.objects.count(), ExcursionReview.objects.count()) == (0, 0)
    response = auditor_api.post(
        url, {**decision, "downgrade_rationale": "One plate, recovered at once, no product exposed."}
    )
    assert response.status_code == 201 and Finding.objects.get().classification == "minor"


def test_dismissing_needs_a_sentence_and_is_audited(em_assessment, auditor_api):
    post_json(auditor_api, em_assessment, SAMPLES)
    url = assessment_url(em_assessment, "em-results/decisions/")
    decision = {"data_set": DataSet.objects.get().pk, "location": "BSC 1", "outcome": "dismissed", "reason": "ok"}
    response = auditor_api.post(url, decision)
    assert response.status_code == 400 and "reason" in response.json()
    reason = "The plate was dropped on the floor before incubation; documented as a lab error."
    response = auditor_api.post(url, {**decision, "reason": reason})
    assert response.status_code == 201 and response.json()["finding"] is None
    assert Finding.objects.count() == 0
    entry = AuditEntry.objects.get(content_type__model="excursionreview")
    assert (entry.reason, entry.actor.username, entry.assessment_id) == (reason, "auditor", em_assessment.pk)


def test_deciding_a_location_without_excursions_is_a_409(em_assessment, auditor_api):
    post_json(auditor_api, em_assessment, SAMPLES)
    url = assessment_url(em_assessment, "em-results/decisions/")
    response = auditor_api.post(
        url, {"data_set": DataSet.objects.get().pk, "location": "Room 2", "outcome": "confirmed"}
    )
    assert response.status_code == 409
    response = auditor_api.post(url, {"data_set": 123456, "location": "BSC 1", "outcome": "confirmed"})
    assert response.status_code == 409
    assert auditor_api.post(url, {"data_set": "x", "location": "BSC 1", "outcome": "confirmed"}).status_code == 400


def test_the_import_answers_c4_citing_the_data_set_and_never_overwrites_an_auditors_answer(
    em_assessment, auditor_api, lead_auditor
):
    post_json(auditor_api, em_assessment, SAMPLES)
    answer = Answer.objects.get(assessment=em_assessment, question__code="C.4")
    data_set = DataSet.objects.get()
    assert answer.value == 1 and data_set.reference in answer.comment and answer.updated_by.username == "auditor"
    from assessments.answers import save_answers

    save_answers(em_assessment, lead_auditor, [{"question": "C.4", "value": 0, "comment": "All investigated."}])
    post_json(auditor_api, em_assessment, [sample(location="BSC 2", value=3, at=RECENT)])
    answer.refresh_from_db()
    assert (answer.value, answer.comment) == (0, "All investigated.")
    response = auditor_api.post(assessment_url(em_assessment, "em-results/answers/"))
    assert response.status_code == 200 and response.json()[0]["value"] == 2
    answer.refresh_from_db()
    assert answer.value == 2 and "EM-" in answer.comment


def test_every_change_is_in_the_audit_trail_attributed_to_the_person(em_assessment, auditor_api):
    post_json(auditor_api, em_assessment, SAMPLES)
    data_set = DataSet.objects.get()
    entries = AuditEntry.objects.filter(assessment_id=em_assessment.pk, content_type__app_label="monitoring")
    assert sorted(entries.values_list("content_type__model", "action", "username")) == [
        ("dataset", 0, "auditor"),
        ("datasetreview", 0, "auditor"),
    ]
    created = entries.get(content_type__model="dataset")
    assert data_set.content_sha256 in str(created.changes) and "4" in str(created.changes)


def test_the_history_page_lists_them(em_assessment, auditor_api, lead_auditor, client):
    post_json(auditor_api, em_assessment, SAMPLES)
    client.force_login(lead_auditor)
    response = client.get(f"/assessments/{em_assessment.pk}/history/")
    assert response.status_code == 200 and b"EM-" in response.content


def test_the_workflow_still_counts_the_importer_as_a_contributor(em_assessment, auditor_api, auditor):
    post_json(auditor_api, em_assessment, SAMPLES)
    assert auditor.pk in workflow.permissions.contributor_ids(em_assessment)
