"""The served OpenAPI schema says what the API really sends: enums hold every value sent (a choice
not made yet is null, never ""), every null is in a nullable field, the whole-record lists
(answers, signatures) are bare lists, and the checklist export is the checklist document."""

from datetime import date

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import answers, evidence, findings, record
from assessments.models import Assessment, Finding, Signature
from reports.models import AuditReport
from tests.factories import compliant_answers
from vendors.models import Vendor


@pytest.fixture
def served(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def resolve(schema, node):
    """`node` with its $ref followed."""
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = {**schema["components"]["schemas"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def alternatives(schema, node):
    """The schemas a value may match: `node` itself and its oneOf/anyOf/allOf parts, resolved."""
    node = resolve(schema, node)
    found = [node]
    for key in ("oneOf", "anyOf", "allOf"):
        for part in node.get(key, []):
            found.extend(alternatives(schema, part))
    return found


def enum_values(schema, node):
    values = set()
    for part in alternatives(schema, node):
        values.update(part.get("enum", []))
    return values


def nulls_not_allowed(schema, node, value, where="$"):
    """Every place in `value` that is null where `node` does not allow null."""
    parts = alternatives(schema, node)
    if value is None:
        allowed = any(p.get("nullable") or None in p.get("enum", []) for p in parts)
        return [] if allowed else [where]
    problems = []
    for part in parts:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in part.get("properties", {}):
                    problems += nulls_not_allowed(schema, part["properties"][key], item, f"{where}.{key}")
        elif isinstance(value, list) and "items" in part:
            for index, item in enumerate(value):
                problems += nulls_not_allowed(schema, part["items"], item, f"{where}[{index}]")
    return problems


def response_schema(schema, path, method="get", status="200", media_type="application/json"):
    return schema["paths"][path][method]["responses"][status]["content"][media_type]["schema"]


@pytest.fixture
def record_world(assessment, lead_auditor, auditor, checklist):
    """An assessment with answers, a finding without FMEA scores, an open corrective action, an
    evidence file, a performed signature and a queued report: the fields that are still null."""
    answers.save_answers(assessment, lead_auditor, compliant_answers(checklist)[:3])
    question = checklist.questions.filter(answer_type="compliance").order_by("pk").first()
    finding = findings.raise_finding(
        assessment,
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
        assessment,
        auditor,
        question.code,
        SimpleUploadedFile("record.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"),
    )
    Signature.objects.create(
        assessment=assessment,
        signer=lead_auditor,
        printed_name=lead_auditor.full_name,
        meaning="performed",
        content_hash=record.content_hash(assessment),
        cycle=assessment.signing_cycle,
    )
    AuditReport.objects.create(assessment=assessment, number=1, kind="draft", requested_by=lead_auditor)
    yield {"assessment": assessment, "finding": finding, "action": action, "evidence": item}
    item.file.storage.delete(item.file.name)


# --- blank choices ---------------------------------------------------------------------------
def test_decision_and_risk_rating_are_null_until_set_then_in_their_enums(served, lead_api, assessment, vendor):
    assessment_schema = served["components"]["schemas"]["Assessment"]["properties"]
    vendor_schema = served["components"]["schemas"]["Vendor"]["properties"]
    for node in (assessment_schema["decision"], assessment_schema["risk_rating"], vendor_schema["risk_rating"]):
        assert node["nullable"] is True
        assert "" not in enum_values(served, node)

    body = lead_api.get(f"/api/assessments/{assessment.pk}/").json()
    assert body["decision"] is None and body["risk_rating"] is None
    assert lead_api.get(f"/api/vendors/{vendor.pk}/").json()["risk_rating"] is None

    Assessment.objects.filter(pk=assessment.pk).update(decision="conditionally_approved", risk_rating="high")
    Vendor.objects.filter(pk=vendor.pk).update(risk_rating="medium")
    body = lead_api.get(f"/api/assessments/{assessment.pk}/").json()
    assert body["decision"] == "conditionally_approved"
    assert body["decision"] in enum_values(served, assessment_schema["decision"])
    assert body["risk_rating"] == "high" and "high" in enum_values(served, assessment_schema["risk_rating"])
    vendor_body = lead_api.get(f"/api/vendors/{vendor.pk}/").json()
    assert vendor_body["risk_rating"] == "medium"
    listed = lead_api.get("/api/assessments/").json()["results"]
    assert {a["decision"] for a in listed} == {"conditionally_approved"}


def test_no_enum_of_the_schema_offers_the_empty_string(served):
    """Every blank text choice goes through config.api.BlankIsNullChoiceField: none is sent as ""."""
    for name, component in served["components"]["schemas"].items():
        assert "" not in component.get("enum", []), name


def test_a_finding_on_a_whole_criterion_has_no_proposed_class(served, lead_api, assessment, auditor):
    criterion = assessment.checklist.criteria.order_by("order").first()
    finding = findings.raise_finding(
        assessment,
        auditor,
        criterion=criterion,
        classification="observation",
        description="On the whole criterion.",
        downgrade_rationale="A remark.",
    )
    Finding.objects.filter(pk=finding.pk).update(proposed_classification="")
    body = lead_api.get(f"/api/findings/{finding.pk}/").json()
    assert body["proposed_classification"] is None and body["question"] is None
    node = served["components"]["schemas"]["Finding"]["properties"]["proposed_classification"]
    assert node["nullable"] is True


# --- whole-record lists ----------------------------------------------------------------------
@pytest.mark.parametrize(("tail", "component"), [("answers/", "Answer"), ("signatures/", "Signature")])
def test_answers_and_signatures_are_bare_lists_as_the_schema_says(served, lead_api, record_world, tail, component):
    node = response_schema(served, f"/api/assessments/{{id}}/{tail}")
    assert node["type"] == "array" and node["items"]["$ref"] == f"#/components/schemas/{component}"
    properties = served["components"]["schemas"][component]["properties"]
    body = lead_api.get(f"/api/assessments/{record_world['assessment'].pk}/{tail}").json()
    assert isinstance(body, list) and body
    for item in body:
        assert set(item) == set(properties)


def test_the_put_of_answers_takes_and_returns_a_list(served, lead_api, record_world):
    operation = served["paths"]["/api/assessments/{id}/answers/"]["put"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    assert request["type"] == "array"
    assert response_schema(served, "/api/assessments/{id}/answers/", "put")["type"] == "array"
    assessment = record_world["assessment"]
    response = lead_api.put(
        f"/api/assessments/{assessment.pk}/answers/", [{"question": "A.1", "comment": "Seen."}], format="json"
    )
    assert response.status_code == 200, response.content
    assert isinstance(response.json(), list)


# --- the checklist export ----------------------------------------------------------------------
def test_the_export_is_the_checklist_document_in_yaml_or_json(served, lead_api, checklist):
    content = served["paths"]["/api/checklists/{id}/export/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/yaml", "application/json"}
    assert all(resolve(served, c["schema"])["type"] == "object" for c in content.values())

    as_json = lead_api.get(f"/api/checklists/{checklist.pk}/export/?file_format=json")
    assert as_json.status_code == 200 and as_json["Content-Type"].startswith("application/json")
    as_yaml = lead_api.get(f"/api/checklists/{checklist.pk}/export/")
    assert as_yaml.status_code == 200 and as_yaml["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(as_yaml.content)
    assert isinstance(document, dict) and document["code"] == checklist.code
    assert document == as_json.json()


# --- nullable fields ---------------------------------------------------------------------------
def test_every_null_in_a_response_is_in_a_nullable_field(served, lead_api, record_world, vendor):
    """Walks real responses of every kind of record with the schema: a null anywhere must be
    allowed there (finding without FMEA, open action, unassigned fields, a queued report)."""
    a, finding, action, item = (record_world[k] for k in ("assessment", "finding", "action", "evidence"))
    report = AuditReport.objects.get(assessment=a)
    urls = {
        "/api/assessments/": "/api/assessments/",
        "/api/assessments/{id}/": f"/api/assessments/{a.pk}/",
        "/api/assessments/{id}/answers/": f"/api/assessments/{a.pk}/answers/",
        "/api/assessments/{id}/findings/": f"/api/assessments/{a.pk}/findings/",
        "/api/assessments/{id}/signatures/": f"/api/assessments/{a.pk}/signatures/",
        "/api/assessments/{id}/reports/": f"/api/assessments/{a.pk}/reports/",
        "/api/assessments/{id}/score/": f"/api/assessments/{a.pk}/score/",
        "/api/findings/{id}/": f"/api/findings/{finding.pk}/",
        "/api/findings/{id}/actions/": f"/api/findings/{finding.pk}/actions/",
        "/api/corrective-actions/{id}/": f"/api/corrective-actions/{action.pk}/",
        "/api/evidence/{id}/": f"/api/evidence/{item.pk}/",
        "/api/reports/{id}/": f"/api/reports/{report.pk}/",
        "/api/vendors/": "/api/vendors/",
        "/api/vendors/{id}/": f"/api/vendors/{vendor.pk}/",
        "/api/checklists/": "/api/checklists/",
        "/api/checklists/{id}/": f"/api/checklists/{a.checklist_id}/",
        "/api/users/": "/api/users/",
        "/api/users/me/": "/api/users/me/",
    }
    problems = {}
    nulls_seen = 0
    for path, url in urls.items():
        response = lead_api.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        body = response.json()
        nulls_seen += str(body).count("None")
        found = nulls_not_allowed(served, response_schema(served, path), body)
        if found:
            problems[path] = found
    assert not problems, problems
    assert nulls_seen > 10  # the walk did meet nulls


LIST_FILTERS = {"status", "vendor", "checklist", "kind", "rating", "lead_auditor"}


def test_the_assessment_list_filters_belong_to_the_list_only(served, lead_api, assessment):
    """The filters of `GET /api/assessments/` are not parameters of one assessment's routes, and a
    stray one sent there is ignored rather than turning the assessment into a 404."""
    for path, operations in served["paths"].items():
        if not path.startswith("/api/assessments/{id}/") or "/em-results/" in path:
            continue  # the EM samples have filters of their own (a sample's kind, ...)
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            assert not names & LIST_FILTERS, (method, path, names & LIST_FILTERS)
    assert assessment.status != "approved"
    for tail in ("", "answers/", "findings/", "signatures/", "score/"):
        response = lead_api.get(f"/api/assessments/{assessment.pk}/{tail}?status=approved&rating=high")
        assert response.status_code == 200, (tail, response.status_code)
    listed = lead_api.get("/api/assessments/?status=approved").json()
    assert assessment.pk not in [row["id"] for row in listed["results"]]
