"""Bad bodies and query strings are a clear 4xx naming what is wrong, never a 500, on every
endpoint: NUL characters (in JSON at any depth, form posts, multipart fields, query parameters,
paths), JSON nested too deep (even unauthenticated), bodies over their limit, numbers out of range.
Over the real API and pages with the test client (a 500 would raise here)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Answer, Assessment, Evidence
from config import inputs
from config.parsers import JSONParser, PayloadTooLarge

pytestmark = pytest.mark.django_db

NUMERIC, TEXT, COMPLIANCE = "A.1", "F.7", "A.3"
NUL_MESSAGE = "Null characters are not allowed."


def answers_url(assessment):
    return f"/api/assessments/{assessment.pk}/answers/"


def raw(client, method, url, body: str, content_type="application/json"):
    return client.generic(method, url, body, content_type=content_type)


def deep(levels: int, leaf="1") -> str:
    return "[" * levels + leaf + "]" * levels


# --- (a) NUL characters ----------------------------------------------------------------------


def test_nul_in_a_json_answer_value_is_400_naming_it(api, assessment, lead_auditor):
    response = api.as_user(lead_auditor).put(
        answers_url(assessment), [{"question": TEXT, "value": "a\x00b"}], format="json"
    )
    assert response.status_code == 400 and response.json() == {"[0].value": [NUL_MESSAGE]}
    assert not Answer.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": [{"question": COMPLIANCE, "value": "compliant", "comment": "ok\x00"}]}, "answers[0].comment"),
        ({"answers": [{"question": TEXT, "value": ["fine", "not\x00fine"]}]}, "answers[0].value[1]"),
        ({"answers": [{"question": TEXT, "value": {"deeper": [{"x": "\x00"}]}}]}, "answers[0].value.deeper[0].x"),
        ({"answers": [], "reason": "because\x00"}, "reason"),
    ],
)
def test_nul_anywhere_in_a_json_body_is_400_naming_where(api, assessment, lead_auditor, body, field):
    response = api.as_user(lead_auditor).put(answers_url(assessment), body, format="json")
    assert response.status_code == 400 and response.json() == {field: [NUL_MESSAGE]}


def test_nul_in_a_json_key_is_400(api, assessment, lead_auditor):
    response = raw(api.as_user(lead_auditor), "PUT", answers_url(assessment), '{"answers\\u0000": []}')
    assert response.status_code == 400 and NUL_MESSAGE in str(response.json())


def test_nul_in_a_json_reason_of_a_workflow_step_is_400_and_nothing_changes(api, assessment, lead_auditor):
    response = api.as_user(lead_auditor).post(
        f"/api/assessments/{assessment.pk}/cancel/", {"reason": "x\x00"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"reason": [NUL_MESSAGE]}
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.PLANNED


def test_nul_in_a_form_post_of_a_page_is_400_naming_the_field(client, assessment, lead_auditor):
    client.force_login(lead_auditor)
    response = client.post(f"/assessments/{assessment.pk}/step/cancel/", {"reason": "Vendor\x00 withdrew"})
    assert response.status_code == 400 and "reason: " + NUL_MESSAGE in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.PLANNED
    response = client.post(
        f"/assessments/{assessment.pk}/findings/new/",
        {"question": COMPLIANCE, "classification": "minor", "description": "Gowning\x00"},
    )
    assert response.status_code == 400 and "description" in response.content.decode()


def test_nul_in_the_login_form_is_400_before_anything_else_sees_it(client, auditor):
    response = client.post("/login/", {"username": "auditor\x00", "password": "whatever"})
    assert response.status_code == 400 and "username" in response.content.decode()


def test_nul_in_a_multipart_field_of_the_api_is_400(api, assessment, lead_auditor):
    response = api.as_user(lead_auditor).post(
        f"/api/assessments/{assessment.pk}/answers/{COMPLIANCE}/evidence/",
        {"file": SimpleUploadedFile("record.pdf", b"%PDF-1.4 evidence"), "reason": "r\x00"},
        format="multipart",
    )
    assert response.status_code == 400 and response.json() == {"reason": [NUL_MESSAGE]}
    assert not Evidence.objects.exists()


def test_nul_in_a_form_encoded_patch_of_the_api_is_400(api, assessment, lead_auditor):
    response = raw(
        api.as_user(lead_auditor),
        "PATCH",
        f"/api/assessments/{assessment.pk}/",
        "scope=GMP%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "scope" in response.json()


@pytest.mark.parametrize(
    ("query", "field"), [("name=a%00b", "name"), ("page_size=1%00", "page_size"), ("na%00me=x", "parameter name")]
)
def test_nul_in_a_query_parameter_of_the_api_is_400_naming_it(api, quality_admin, query, field):
    response = api.as_user(quality_admin).get(f"/api/vendors/?{query}")
    assert response.status_code == 400 and response.json() == {field: [NUL_MESSAGE]}


def test_nul_in_a_query_parameter_or_path_of_a_page_is_400(client, assessment, lead_auditor):
    client.force_login(lead_auditor)
    response = client.get("/vendors/", {"q": "Lonza\x00"})
    assert response.status_code == 400 and "q: " + NUL_MESSAGE in response.content.decode()
    response = client.post(f"/assessments/{assessment.pk}/answers/A%00/", {"value": "compliant"})
    assert response.status_code == 400 and "path" in response.content.decode()


# --- (b) JSON nested too deep ------------------------------------------------------------------


def test_very_deep_json_is_400_without_a_recursion_error_even_unauthenticated(api, db):
    response = raw(api, "POST", "/api/auth/token/", deep(100_000))
    assert response.status_code == 400
    assert response.json() == {"body": [f"The JSON body is nested more than {inputs.MAX_JSON_DEPTH} levels deep."]}


def test_json_one_level_past_the_limit_is_400_naming_the_field(api, db):
    body = '{"username": ' + deep(inputs.MAX_JSON_DEPTH) + ', "password": "x"}'  # the object is level 1
    response = raw(api, "POST", "/api/auth/token/", body)
    assert response.status_code == 400 and response.json() == {"username": [inputs.DEPTH_MESSAGE]}


def test_json_at_the_limit_is_parsed():
    assert JSONParser().parse(io.BytesIO(deep(inputs.MAX_JSON_DEPTH).encode())) is not None
    with pytest.raises(Exception, match="nested"):
        JSONParser().parse(io.BytesIO(deep(inputs.MAX_JSON_DEPTH + 1).encode()))


@pytest.mark.parametrize("levels", [100, 5_000, 200_000])
def test_deep_json_is_400_on_authenticated_endpoints_too(api, assessment, lead_auditor, quality_admin, levels):
    assert raw(api.as_user(lead_auditor), "PUT", answers_url(assessment), deep(levels)).status_code == 400
    # The checklist import takes files, but parses a JSON body all the same.
    assert raw(api.as_user(quality_admin), "POST", "/api/checklists/import/", deep(levels)).status_code == 400


# --- (c) bodies over their limit ------------------------------------------------------------------


def test_a_json_body_over_the_limit_is_413(api, settings, db):
    body = json.dumps({"username": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "password": "y"})
    response = raw(api, "POST", "/api/auth/token/", body)
    assert response.status_code == 413 and "larger than the limit of 10 MiB" in response.json()["detail"]


def test_a_form_body_over_the_limit_is_413(client, settings, db):
    response = client.post("/login/", {"username": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE, "password": "y"})
    assert response.status_code == 413 and "larger than the limit" in response.content.decode()


def test_an_upload_over_the_request_limit_is_413_and_smaller_ones_keep_their_own_limit(
    api, settings, assessment, lead_auditor
):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024
    client = api.as_user(lead_auditor)
    url = f"/api/assessments/{assessment.pk}/answers/{COMPLIANCE}/evidence/"
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 " + b"0" * (1024 * 1024))
    response = client.post(url, {"file": big}, format="multipart")
    assert response.status_code == 413 and "1 MiB" in response.json()["detail"]
    empty = client.post(url, {"file": SimpleUploadedFile("empty.pdf", b"")}, format="multipart")
    assert empty.status_code == 400  # the evidence rules still apply under the request limit
    assert not Evidence.objects.exists()


def test_the_json_parser_stops_reading_past_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    with pytest.raises(PayloadTooLarge):
        JSONParser().parse(io.BytesIO(b'"' + b"x" * 200 + b'"'))


# --- (f) numbers out of range ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    [
        "1e400",
        "-1e400",
        "1" + "0" * 400,
        "-" + "1" + "0" * 400,
        str(2**63),
        "NaN",
        "Infinity",
        "-Infinity",
        '"1e400"',
        '"NaN"',
        '"Infinity"',
        '"-inf"',
    ],
)
def test_a_numeric_answer_out_of_range_is_400_and_nothing_is_saved(api, assessment, lead_auditor, literal):
    body = f'[{{"question": "{NUMERIC}", "value": {literal}}}]'
    response = raw(api.as_user(lead_auditor), "PUT", answers_url(assessment), body)
    assert response.status_code == 400, response.content
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_numeric_answer_of_10_to_the_400_names_where_it_is(api, assessment, lead_auditor):
    body = f'{{"answers": [{{"question": "{NUMERIC}", "value": 1{"0" * 400}}}]}}'
    response = raw(api.as_user(lead_auditor), "PUT", answers_url(assessment), body)
    assert response.status_code == 400 and response.json() == {"answers[0].value": [inputs.NUMBER_MESSAGE]}


def test_large_but_finite_numbers_reach_the_answer_rules(api, assessment, lead_auditor):
    body = f'[{{"question": "{NUMERIC}", "value": {2**63 - 1}}}]'
    response = raw(api.as_user(lead_auditor), "PUT", answers_url(assessment), body)
    assert response.status_code in (200, 400) and "out of range" not in response.content.decode()
