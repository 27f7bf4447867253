"""Versioned checklists: the built-in checklist through the API, immutability of a
published version in the model, the API and the admin, new versions, publish validation, the admin
upload and the API import, the API export, the read-only auditor page and the scoring settings.

Parsing, validation and the import/export commands are covered in test_formats.py."""

import json
import re
from decimal import Decimal
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from checklists import formats, publishing
from checklists.choices import AnswerType
from checklists.models import Checklist, ChecklistLocked, Criterion, Question
from tests.helpers.admin import admin_form_data
from tests.helpers.checklists import small_criteria

pytestmark = pytest.mark.django_db


QUESTION_KEYS = {
    "code",
    "text",
    "guidance",
    "reference",
    "answer_type",
    "weight",
    "severity",
    "required",
    "evidence_required",
    "expected_answer",
    "min_value",
    "max_value",
    "unit",
    "condition",
}
CRITERION_KEYS = {"code", "title", "weight", "questions"}


# --------------------------------------------------------------------------- helpers


def make_draft(code="TEST-CL", version=1, criteria=None, **fields):
    checklist = Checklist.objects.create(code=code, version=version, name=f"{code} checklist", **fields)
    publishing.copy_into(checklist, small_criteria() if criteria is None else criteria)
    return checklist


def snapshot(checklist):
    """Everything that makes up a checklist version, read fresh from the database."""
    checklist = Checklist.objects.get(pk=checklist.pk)
    return (checklist.status, checklist.published_at, formats.export_checklist(checklist))


def counts():
    return Checklist.objects.count(), Criterion.objects.count(), Question.objects.count()


def page_text(response):
    return response.content.decode()


def main_part(html):
    """The page's own content, without the site header (which holds the log-out form)."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def form_part(html, form_id="checklist_form"):
    return html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def admin_change_url(checklist):
    return reverse("admin:checklists_checklist_change", args=[checklist.pk])


def admin_action(client, action, *objects, follow=True):
    return client.post(
        reverse("admin:checklists_checklist_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=follow,
    )


# --------------------------------------------------------------------------- the built-in checklist


def test_load_reference_data_publishes_the_builtin_checklist_with_guided_questions(db):
    call_command("load_reference_data", stdout=StringIO())
    checklist = Checklist.objects.get(code="CGT-CDMO", version=1)
    assert checklist.status == Checklist.Status.PUBLISHED and checklist.published_at is not None
    assert checklist.name == "Cell and gene therapy CDMO assessment"
    assert list(checklist.criteria.values_list("code", flat=True)) == list("ABCDEFGHI")
    questions = list(checklist.questions.all())
    assert len(questions) >= 54
    assert all(checklist.criteria.get(code=c).questions.count() >= 6 for c in "ABCDEFGHI")
    assert all(q.guidance.strip() and q.reference.strip() for q in questions)
    assert publishing.publish_problems(checklist) == []


def test_api_lists_checklists_filtered_by_status(api, checklist, auditor):
    draft = publishing.new_version(checklist)
    client = api.as_user(auditor)

    everything = client.get("/api/checklists/").json()
    assert {(c["code"], c["version"], c["status"]) for c in everything["results"]} == {
        ("CGT-CDMO", 1, "published"),
        ("CGT-CDMO", 2, "draft"),
    }

    published = client.get("/api/checklists/", {"status": "published"}).json()
    assert published["count"] == 1
    [item] = published["results"]
    assert (item["id"], item["code"], item["version"], item["status"]) == (checklist.pk, "CGT-CDMO", 1, "published")
    assert item["name"] == "Cell and gene therapy CDMO assessment"

    drafts = client.get("/api/checklists/", {"status": "draft"}).json()
    assert [c["id"] for c in drafts["results"]] == [draft.pk]


def test_api_detail_nests_criteria_and_questions_in_the_documented_shape(api, checklist, auditor):
    response = api.as_user(auditor).get(f"/api/checklists/{checklist.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["version"], body["status"]) == ("CGT-CDMO", 1, "published")
    assert [c["code"] for c in body["criteria"]] == list("ABCDEFGHI")

    db_questions = {q.code: q for q in checklist.questions.select_related("criterion")}
    seen = []
    for criterion in body["criteria"]:
        assert CRITERION_KEYS <= set(criterion) and set(criterion) - CRITERION_KEYS <= {"id", "description"}
        db_criterion = checklist.criteria.get(code=criterion["code"])
        assert (criterion["title"], criterion["weight"]) == (db_criterion.title, db_criterion.weight)
        assert len(criterion["questions"]) >= 6
        for item in criterion["questions"]:
            assert set(item) - {"id"} == QUESTION_KEYS, item
            q = db_questions[item["code"]]
            assert q.criterion.code == criterion["code"] and item["code"].startswith(criterion["code"] + ".")
            assert item["guidance"] == q.guidance and item["guidance"].strip()
            assert item["reference"] == q.reference and item["reference"].strip()
            assert (
                item["text"],
                item["answer_type"],
                item["weight"],
                item["severity"],
                item["required"],
                item["evidence_required"],
                item["unit"],
            ) == (q.text, q.answer_type, q.weight, q.severity, q.required, q.evidence_required, q.unit)
            assert item["answer_type"] in set(AnswerType.values)
            assert 1 <= item["weight"] <= 5 and 1 <= item["severity"] <= 5
            if q.answer_type == AnswerType.YES_NO:
                assert item["expected_answer"] in ("yes", "no")
            else:
                assert item["expected_answer"] is None
            for limit in ("min_value", "max_value"):
                stored = getattr(q, limit)
                assert (item[limit] is None) if stored is None else Decimal(str(item[limit])) == stored
            if q.condition_question:
                assert item["condition"] == {"question": q.condition_question, "equals": q.condition_equals}
                assert item["condition"]["question"] in seen  # an earlier question
            else:
                assert item["condition"] is None
            seen.append(item["code"])
    assert sorted(seen) == sorted(db_questions) and len(seen) >= 54
    numeric = [i for c in body["criteria"] for i in c["questions"] if i["answer_type"] == "numeric"]
    assert numeric and all(i["min_value"] is not None or i["max_value"] is not None for i in numeric)
    assert any(i["condition"] for c in body["criteria"] for i in c["questions"])


def test_api_needs_authentication(api, checklist):
    assert api.get("/api/checklists/").status_code == 401
    assert api.get(f"/api/checklists/{checklist.pk}/").status_code == 401


# --------------------------------------------------------------------------- immutability: model


def test_published_checklist_refuses_changes_in_the_model_layer(checklist):
    before = snapshot(checklist)
    for field, value in [
        ("name", "Renamed"),
        ("description", "Changed"),
        ("code", "OTHER"),
        ("version", 9),
        ("scoring_settings", {"rating_thresholds": {"critical_below_overall": 50}}),
    ]:
        stale = Checklist.objects.get(pk=checklist.pk)
        setattr(stale, field, value)
        with pytest.raises(ChecklistLocked, match=rf"is published and cannot be changed \({field}\).*new version"):
            stale.save()
    criterion = checklist.criteria.get(code="D")
    criterion.title = "Changed"
    with pytest.raises(ChecklistLocked, match="criterion D cannot be changed"):
        criterion.save()
    question = checklist.questions.get(code="D.1")
    question.severity = 1
    with pytest.raises(ChecklistLocked, match="question D.1 cannot be changed"):
        question.save()
    with pytest.raises(ChecklistLocked, match="cannot be changed"):
        Criterion.objects.create(checklist=checklist, code="Z", title="Added later")
    with pytest.raises(ChecklistLocked, match="cannot be changed"):
        Question.objects.create(criterion=criterion, code="D.99", text="Added later?")
    assert snapshot(checklist) == before


def test_published_checklist_and_its_parts_cannot_be_deleted(checklist):
    before = snapshot(checklist)
    with pytest.raises(ChecklistLocked, match="is published and cannot be deleted"):
        Checklist.objects.get(pk=checklist.pk).delete()
    with pytest.raises(ChecklistLocked, match="criterion A cannot be deleted"):
        checklist.criteria.get(code="A").delete()
    with pytest.raises(ChecklistLocked, match="question A.1 cannot be deleted"):
        checklist.questions.get(code="A.1").delete()
    assert snapshot(checklist) == before


def test_parts_of_a_published_checklist_cannot_be_moved_into_a_draft(checklist):
    draft = make_draft()
    before = snapshot(checklist)
    question = checklist.questions.get(code="D.1")
    question.criterion = draft.criteria.get(code="A")
    with pytest.raises(ChecklistLocked, match="is published: question D.1 cannot be changed"):
        question.save()
    criterion = checklist.criteria.get(code="I")
    criterion.checklist = draft
    with pytest.raises(ChecklistLocked, match="is published: criterion I cannot be changed"):
        criterion.save()
    assert snapshot(checklist) == before
    assert draft.questions.count() == 5 and draft.criteria.count() == 2


def test_a_stale_draft_instance_cannot_delete_or_unpublish_the_published_version():
    stale = make_draft()
    publishing.publish(Checklist.objects.get(pk=stale.pk))
    assert stale.status == Checklist.Status.DRAFT  # read before it was published
    with pytest.raises(ChecklistLocked, match="is published and cannot be deleted"):
        stale.delete()
    stale.name = "Renamed"
    with pytest.raises(ChecklistLocked, match="is published and cannot be changed"):
        stale.save()
    stored = Checklist.objects.get(pk=stale.pk)
    assert (stored.status, stored.name) == (Checklist.Status.PUBLISHED, "TEST-CL checklist")
    assert stored.questions.count() == 5


def test_publication_record_of_a_published_checklist_cannot_change(checklist, quality_admin):
    stale = Checklist.objects.get(pk=checklist.pk)
    stale.published_by = quality_admin
    with pytest.raises(ChecklistLocked, match=r"cannot be changed \(published_by\)"):
        stale.save()
    stale = Checklist.objects.get(pk=checklist.pk)
    stale.published_at = None
    with pytest.raises(ChecklistLocked, match=r"cannot be changed \(published_at\)"):
        stale.save()
    assert Checklist.objects.get(pk=checklist.pk).published_at == checklist.published_at


def test_status_may_only_go_from_published_to_retired(checklist):
    published_at = checklist.published_at
    stale = Checklist.objects.get(pk=checklist.pk)
    stale.status = Checklist.Status.DRAFT
    with pytest.raises(ChecklistLocked, match="is published and cannot be changed"):
        stale.save()
    checklist.save()  # saving unchanged is harmless
    publishing.retire(checklist)
    retired = Checklist.objects.get(pk=checklist.pk)
    assert retired.status == Checklist.Status.RETIRED and retired.published_at == published_at
    retired.save()  # retired stays retired
    for status in (Checklist.Status.PUBLISHED, Checklist.Status.DRAFT):
        stale = Checklist.objects.get(pk=checklist.pk)
        stale.status = status
        with pytest.raises(ChecklistLocked, match="is retired and cannot be changed"):
            stale.save()
    with pytest.raises(ChecklistLocked, match="Only a published checklist can be retired"):
        publishing.retire(retired)
    with pytest.raises(ChecklistLocked, match="is retired and cannot be deleted"):
        retired.delete()
    question = retired.questions.first()
    question.text = "Changed"
    with pytest.raises(ChecklistLocked, match="is retired: question .* cannot be changed"):
        question.save()
    assert Checklist.objects.get(pk=checklist.pk).status == Checklist.Status.RETIRED
    with pytest.raises(ChecklistLocked, match="Only a published checklist can be retired"):
        publishing.retire(make_draft())


def test_a_draft_can_be_edited_and_deleted_in_the_model_layer():
    draft = make_draft()
    draft.name = "Renamed"
    draft.save()
    question = draft.questions.get(code="A.2")
    question.min_value = 12
    question.save()
    draft.criteria.get(code="B").delete()
    assert Checklist.objects.get(pk=draft.pk).name == "Renamed"
    assert draft.questions.get(code="A.2").min_value == 12
    assert list(draft.questions.values_list("code", flat=True)) == ["A.1", "A.2", "A.3"]
    draft.delete()
    assert counts() == (0, 0, 0)


# --------------------------------------------------------------------------- immutability: API


def test_api_patch_of_a_published_checklist_is_refused_with_409(api, checklist, quality_admin):
    before = snapshot(checklist)
    client = api.as_user(quality_admin)
    response = client.patch(f"/api/checklists/{checklist.pk}/", {"name": "Renamed", "description": "x"})
    assert response.status_code == 409
    assert "published" in response.json()["detail"] and "new version" in response.json()["detail"]
    response = client.patch(f"/api/checklists/{checklist.pk}/", {"status": "draft"})
    assert response.status_code == 409
    assert snapshot(checklist) == before
    assert client.put(f"/api/checklists/{checklist.pk}/", {"name": "Renamed"}).status_code == 405
    assert client.delete(f"/api/checklists/{checklist.pk}/").status_code == 405
    assert snapshot(checklist) == before


def test_api_patch_of_a_draft_by_a_quality_admin_works(api, quality_admin):
    draft = make_draft()
    settings_ = {"rating_thresholds": {"critical_below_overall": 55}}
    response = api.as_user(quality_admin).patch(
        f"/api/checklists/{draft.pk}/",
        {
            "name": "Renamed",
            "description": "New text",
            "scoring_settings": settings_,
            "code": "HACK",
            "status": "published",
        },
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert (draft.name, draft.description) == ("Renamed", "New text")
    assert draft.settings().critical_below_overall == 55 and draft.settings().high_below_overall == 75
    assert (draft.code, draft.status) == ("TEST-CL", Checklist.Status.DRAFT)  # read-only fields ignored
    assert response.json()["name"] == "Renamed"


def test_api_patch_by_an_auditor_is_forbidden(api, checklist, auditor):
    draft = make_draft()
    client = api.as_user(auditor)
    assert client.get(f"/api/checklists/{draft.pk}/").status_code == 200
    assert client.patch(f"/api/checklists/{draft.pk}/", {"name": "Renamed"}).status_code == 403
    assert client.patch(f"/api/checklists/{checklist.pk}/", {"name": "Renamed"}).status_code == 403
    assert Checklist.objects.get(pk=draft.pk).name == "TEST-CL checklist"
    assert client.post(f"/api/checklists/{draft.pk}/publish/").status_code == 403
    assert client.post(f"/api/checklists/{checklist.pk}/new-version/").status_code == 403
    assert Checklist.objects.get(pk=draft.pk).status == Checklist.Status.DRAFT
    assert Checklist.objects.count() == 2


def test_api_patch_of_invalid_scoring_settings_is_400_naming_the_field(api, quality_admin):
    draft = make_draft()
    before = Checklist.objects.get(pk=draft.pk).scoring_settings
    client = api.as_user(quality_admin)
    for bad, words in [
        ({"rating_thresholds": {"critical_below_overall": 80}}, "critical_below_overall <= high_below_overall"),
        ({"rating_thresholds": {"critical_below": 50}}, "critical_below"),
        ({"requalification_months": {"high": {"low": 0}}}, "requalification_months"),
        ({"colour": "red"}, "colour"),
        ("not a mapping", "mapping"),
    ]:
        response = client.patch(f"/api/checklists/{draft.pk}/", {"scoring_settings": bad}, format="json")
        assert response.status_code == 400, (bad, response.content)
        body = response.json()
        assert list(body) == ["scoring_settings"], body
        assert words in " ".join(body["scoring_settings"]), body
    assert Checklist.objects.get(pk=draft.pk).scoring_settings == before


# --------------------------------------------------------------------------- immutability: admin


def test_admin_shows_a_published_checklist_read_only_with_a_warning(client, checklist, quality_admin):
    client.force_login(quality_admin)
    response = client.get(admin_change_url(checklist))
    assert response.status_code == 200
    html = page_text(response)
    assert "is published: it cannot be changed" in unescape(html) and "New version" in unescape(html)
    assert any("cannot be changed" in m for m in messages_of(response))
    form = form_part(html)
    assert "Cell and gene therapy CDMO assessment" in form
    assert not re.search(r"<(textarea|select)\b", form)
    inputs = re.findall(r"<input\b[^>]*>", form)
    assert inputs and all('type="hidden"' in i for i in inputs), [i for i in inputs if 'type="hidden"' not in i]
    assert 'name="_save"' not in form and 'name="_continue"' not in form
    assert 'name="name"' not in form and 'name="criteria-0-title"' not in form
    assert not response.context["has_change_permission"]
    assert not response.context["adminform"].form.fields or all(
        f.disabled for f in response.context["adminform"].form.fields.values()
    )


def test_admin_post_to_a_published_checklist_changes_nothing(client, checklist, quality_admin):
    before = snapshot(checklist)
    client.force_login(quality_admin)
    criterion = checklist.criteria.get(code="A")
    data = {
        "code": "CGT-CDMO",
        "version": "1",
        "name": "Renamed",
        "description": "",
        "scoring_settings": json.dumps(checklist.scoring_settings),
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-id": str(criterion.pk),
        "criteria-0-checklist": str(checklist.pk),
        "criteria-0-code": "A",
        "criteria-0-title": "Changed",
        "criteria-0-order": "0",
        "criteria-0-weight": "5",
        "criteria-0-DELETE": "on",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    assert client.post(admin_change_url(checklist), data).status_code == 403
    delete_url = reverse("admin:checklists_checklist_delete", args=[checklist.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = admin_action(client, "delete_selected", checklist, follow=False)  # the confirmation page
    assert response.status_code == 200 and "permission to delete" in page_text(response)
    response = client.post(
        reverse("admin:checklists_checklist_changelist"),
        {"action": "delete_selected", "_selected_action": [checklist.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert snapshot(checklist) == before


def test_admin_edits_a_draft_with_its_inline_criteria_and_questions(client, quality_admin):
    draft = make_draft()
    client.force_login(quality_admin)
    response = client.get(admin_change_url(draft))
    assert response.status_code == 200
    assert not any("cannot be changed" in m for m in messages_of(response))
    html = page_text(response)
    assert 'name="_save"' in html and 'name="criteria-0-title"' in html and 'name="questions-0-text"' in html
    formsets = {i.formset.prefix: i.formset for i in response.context["inline_admin_formsets"]}
    assert [f.instance.code for f in formsets["criteria"].forms] == ["A", "B"]
    assert [f.instance.code for f in formsets["questions"].forms] == ["A.1", "A.2", "A.3", "B.1", "B.2"]

    data = admin_form_data(response)
    index = {data[f"questions-{i}-code"]: i for i in range(5)}
    data.update(
        {
            "name": "Edited in the admin",
            "criteria-1-title": "Quality management system",
            "criteria-1-weight": "3",
            f"questions-{index['A.2']}-max_value": "500",
            f"questions-{index['B.2']}-DELETE": "on",
            # a new question under criterion B, conditional on an earlier answer
            "questions-TOTAL_FORMS": "6",
            "questions-5-criterion": str(draft.criteria.get(code="B").pk),
            "questions-5-order": "2",
            "questions-5-code": "B.3",
            "questions-5-text": "Is QA independent?",
            "questions-5-answer_type": "yes_no",
            "questions-5-expected_answer": "yes",
            "questions-5-weight": "5",
            "questions-5-severity": "4",
            "questions-5-required": "on",
            "questions-5-condition_question": "B.1",
            "questions-5-condition_equals": "2",
            "_save": "Save",
        }
    )
    response = client.post(admin_change_url(draft), data)
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        [fs.formset.errors for fs in response.context["inline_admin_formsets"]],
    ]
    draft.refresh_from_db()
    assert draft.name == "Edited in the admin" and draft.status == Checklist.Status.DRAFT
    b = draft.criteria.get(code="B")
    assert (b.title, b.weight) == ("Quality management system", 3)
    assert draft.questions.get(code="A.2").max_value == Decimal("500")
    assert list(b.questions.order_by("order").values_list("code", flat=True)) == ["B.1", "B.3"]
    added = draft.questions.get(code="B.3")
    assert (added.checklist_id, added.expected_answer, added.condition) == (
        draft.pk,
        "yes",
        {"question": "B.1", "equals": "2"},
    )
    assert publishing.publish_problems(draft) == []


def test_admin_refuses_invalid_draft_edits(client, quality_admin):
    draft = make_draft()
    client.force_login(quality_admin)
    data = admin_form_data(client.get(admin_change_url(draft)))
    data.update({"criteria-0-weight": "9", "scoring_settings": json.dumps({"colour": "red"}), "_save": "Save"})
    response = client.post(admin_change_url(draft), data)
    assert response.status_code == 200
    assert "scoring_settings" in response.context["adminform"].form.errors
    formsets = {i.formset.prefix: i.formset for i in response.context["inline_admin_formsets"]}
    assert "weight" in formsets["criteria"].forms[0].errors
    assert Criterion.objects.get(checklist=draft, code="A").weight == 2


# --------------------------------------------------------------------------- new version


def test_new_version_copies_a_published_checklist_into_a_draft(checklist):
    before = snapshot(checklist)
    draft = publishing.new_version(checklist)
    assert (draft.code, draft.version, draft.status, draft.based_on_id) == (
        "CGT-CDMO",
        2,
        Checklist.Status.DRAFT,
        checklist.pk,
    )
    assert draft.published_at is None
    original, copy = formats.export_checklist(checklist), formats.export_checklist(draft)
    assert copy == {**original, "version": 2}
    copied_pks = set(draft.questions.values_list("pk", flat=True))
    assert copied_pks.isdisjoint(checklist.questions.values_list("pk", flat=True))
    assert all(
        q.checklist_id == draft.pk and q.criterion.checklist_id == draft.pk
        for q in draft.questions.select_related("criterion")
    )
    assert snapshot(checklist) == before

    with pytest.raises(ChecklistLocked, match="already has a draft version"):
        publishing.new_version(checklist)
    with pytest.raises(ChecklistLocked, match="already has a draft version"):
        publishing.new_version(draft)
    assert Checklist.objects.filter(code="CGT-CDMO").count() == 2

    # the draft is editable; the original is not touched by editing it
    question = draft.questions.get(code="D.1")
    question.text = "Changed in version 2"
    question.save()
    assert checklist.questions.get(code="D.1").text == before[2]["criteria"][3]["questions"][0]["text"]
    publishing.publish(draft)
    assert publishing.new_version(checklist).version == 3  # next number of the code, not of the source
    assert snapshot(checklist) == before


def test_api_new_version_returns_the_draft(api, checklist, quality_admin):
    before = snapshot(checklist)
    client = api.as_user(quality_admin)
    response = client.post(f"/api/checklists/{checklist.pk}/new-version/")
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["version"], body["status"]) == ("CGT-CDMO", 2, "draft")
    draft = Checklist.objects.get(pk=body["id"])
    assert draft.based_on_id == checklist.pk
    detail = client.get(f"/api/checklists/{draft.pk}/").json()
    original = client.get(f"/api/checklists/{checklist.pk}/").json()

    def content(body):
        return [{**c, "id": None, "questions": [{**q, "id": None} for q in c["questions"]]} for c in body["criteria"]]

    assert content(detail) == content(original)
    response = client.post(f"/api/checklists/{checklist.pk}/new-version/")
    assert response.status_code == 409 and "already has a draft" in response.json()["detail"]
    assert Checklist.objects.filter(code="CGT-CDMO").count() == 2
    assert snapshot(checklist) == before


def test_admin_action_new_version(client, checklist, quality_admin):
    before = snapshot(checklist)
    client.force_login(quality_admin)
    response = admin_action(client, "new_version_of_selected", checklist)
    assert response.status_code == 200
    draft = Checklist.objects.get(code="CGT-CDMO", version=2)
    assert draft.status == Checklist.Status.DRAFT and draft.based_on_id == checklist.pk
    assert draft.questions.count() == checklist.questions.count()
    assert f"Created draft {draft}." in messages_of(response)

    response = admin_action(client, "new_version_of_selected", checklist)
    assert any("already has a draft version" in m for m in messages_of(response))
    assert Checklist.objects.filter(code="CGT-CDMO").count() == 2
    assert snapshot(checklist) == before


# --------------------------------------------------------------------------- publish validation


def broken_draft():
    """A draft with one of each publish problem; the import would refuse most of them, so they are
    made directly in the database."""
    criteria = small_criteria()
    criteria.append(
        {
            "code": "C",
            "title": "Notes only",
            "questions": [
                {"code": "C.1", "text": "Anything to note?", "answer_type": "text"},
                {"code": "C.2", "text": "Anything else?", "answer_type": "text"},
            ],
        }
    )
    draft = make_draft("BROKEN", criteria=criteria)
    Criterion.objects.filter(checklist=draft, code="B").update(weight=9)  # bypasses form validation
    Question.objects.filter(checklist=draft, code="A.3").update(weight=0, severity=6)
    Question.objects.filter(checklist=draft, code="A.1").update(condition_question="B.1", condition_equals="3")
    Question.objects.filter(checklist=draft, code="A.1").update(expected_answer="")
    Question.objects.filter(checklist=draft, code="A.2").update(min_value=None, max_value=None)
    return draft


BROKEN_PROBLEMS = [
    "Question A.1: a yes/no question must say which answer is compliant.",
    "Question A.1: its condition must point at an earlier question (B.1 is not one).",
    "Question A.2: a numeric question needs a lower or an upper limit.",
    "Question A.3: weight must be 1-5.",
    "Question A.3: severity must be 1-5.",
    "Criterion B: weight must be 1-5.",
    "Criterion C: needs at least one scored question.",
]


def test_publish_refuses_a_draft_naming_every_problem():
    draft = broken_draft()
    assert publishing.publish_problems(draft) == BROKEN_PROBLEMS
    with pytest.raises(ChecklistLocked) as excinfo:
        publishing.publish(draft)
    assert excinfo.value.problems == BROKEN_PROBLEMS
    assert "cannot be published yet" in str(excinfo.value)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Checklist.Status.DRAFT, None)


@pytest.mark.parametrize(
    "break_it, problem",
    [
        (
            lambda d: Question.objects.filter(checklist=d, code="B.1").update(answer_type="text"),
            "Criterion B: needs at least one scored question.",
        ),
        (
            lambda d: Criterion.objects.filter(checklist=d, code="A").update(weight=0),
            "Criterion A: weight must be 1-5.",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="B.1").update(severity=7),
            "Question B.1: severity must be 1-5.",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="A.3").update(condition_question="B.1"),
            "Question A.3: its condition must point at an earlier question (B.1 is not one).",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="A.3").update(condition_question="A.3"),
            "Question A.3: its condition must point at an earlier question (A.3 is not one).",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="A.3").update(condition_equals="maybe"),
            "Question A.3: A.1 can never have the answer 'maybe'.",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="A.1").update(expected_answer=""),
            "Question A.1: a yes/no question must say which answer is compliant.",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="A.2").update(min_value=None),
            "Question A.2: a numeric question needs a lower or an upper limit.",
        ),
        (
            lambda d: Question.objects.filter(checklist=d, code="A.2").update(max_value=5),
            "Question A.2: the lower limit is above the upper limit.",
        ),
        (
            lambda d: Checklist.objects.filter(pk=d.pk).update(scoring_settings={"colour": "red"}),
            "Scoring settings: colour: unknown scoring setting",
        ),
        (lambda d: Criterion.objects.filter(checklist=d).delete(), "The checklist has no criteria."),
    ],
    ids=[
        "text-only",
        "criterion-weight",
        "severity",
        "condition-later",
        "condition-self",
        "condition-value",
        "yes-no",
        "numeric-no-limits",
        "numeric-reversed",
        "scoring",
        "no-criteria",
    ],
)
def test_each_publish_problem_alone_blocks_publication(break_it, problem):
    draft = make_draft()
    assert publishing.publish_problems(draft) == []
    break_it(draft)
    draft = Checklist.objects.get(pk=draft.pk)
    assert publishing.publish_problems(draft) == [problem]
    with pytest.raises(ChecklistLocked):
        publishing.publish(draft)
    assert Checklist.objects.get(pk=draft.pk).status == Checklist.Status.DRAFT


def test_a_valid_draft_publishes_once(quality_admin):
    draft = make_draft()
    published = publishing.publish(draft, quality_admin)
    stored = Checklist.objects.get(pk=draft.pk)
    assert stored.status == Checklist.Status.PUBLISHED and stored.published_at is not None
    assert stored.published_by == quality_admin and published.published_at == stored.published_at
    with pytest.raises(ChecklistLocked, match="is already published"):
        publishing.publish(stored)


def test_api_publish_refuses_with_409_listing_problems_then_publishes_a_valid_draft(api, quality_admin):
    draft = broken_draft()
    client = api.as_user(quality_admin)
    response = client.post(f"/api/checklists/{draft.pk}/publish/")
    assert response.status_code == 409
    body = response.json()
    assert body["problems"] == BROKEN_PROBLEMS
    assert "cannot be published yet" in body["detail"] and "Criterion C" in body["detail"]
    assert Checklist.objects.get(pk=draft.pk).status == Checklist.Status.DRAFT

    good = make_draft()
    response = client.post(f"/api/checklists/{good.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published" and response.json()["published_at"]
    good.refresh_from_db()
    assert good.status == Checklist.Status.PUBLISHED and good.published_by == quality_admin
    response = client.post(f"/api/checklists/{good.pk}/publish/")
    assert response.status_code == 409 and "already published" in response.json()["detail"]


def test_admin_action_publish_reports_problems_and_publishes_valid_drafts(client, quality_admin):
    broken, good = broken_draft(), make_draft()
    client.force_login(quality_admin)
    response = admin_action(client, "publish_selected", broken, good)
    assert response.status_code == 200
    shown = messages_of(response)
    [error] = [m for m in shown if "cannot be published yet" in m]
    assert all(problem in error for problem in BROKEN_PROBLEMS)
    assert f"Published {Checklist.objects.get(pk=good.pk)}." in shown
    assert "Criterion C: needs at least one scored question." in unescape(page_text(response))
    assert Checklist.objects.get(pk=broken.pk).status == Checklist.Status.DRAFT
    good.refresh_from_db()
    assert good.status == Checklist.Status.PUBLISHED and good.published_at and good.published_by == quality_admin


# --------------------------------------------------------------------------- admin upload and API import


def document(code="UPLOAD", version=1, criteria=None):
    return {
        "format": "cdmo-checklist/1",
        "code": code,
        "name": f"{code} checklist",
        "version": version,
        "criteria": small_criteria() if criteria is None else criteria,
    }


def upload(text, name="checklist.yaml"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def test_admin_upload_creates_a_draft_or_publishes(client, quality_admin):
    client.force_login(quality_admin)
    url = reverse("admin:checklists_checklist_upload")
    response = client.get(url)
    assert response.status_code == 200 and 'type="file"' in page_text(response)
    assert url in page_text(client.get(reverse("admin:checklists_checklist_changelist")))

    response = client.post(url, {"file": upload(formats.dump(document()))})
    draft = Checklist.objects.get(code="UPLOAD", version=1)
    assert response.status_code == 302 and response["Location"] == admin_change_url(draft)
    assert draft.status == Checklist.Status.DRAFT and draft.questions.count() == 5

    response = client.post(
        url, {"file": upload(formats.dump(document(version=2), "json"), "c.json"), "publish": "on"}, follow=True
    )
    published = Checklist.objects.get(code="UPLOAD", version=2)
    assert published.status == Checklist.Status.PUBLISHED and published.published_by == quality_admin
    assert f"Imported {published} as published." in messages_of(response)


def test_admin_upload_of_a_bad_file_lists_the_problems_and_creates_nothing(client, quality_admin):
    make_draft("OTHER")  # so that the counts are not all zero
    client.force_login(quality_admin)
    bad = document()
    bad["criteria"][0]["weight"] = 9
    bad["criteria"][0]["questions"][0].pop("expected_answer")
    bad["criteria"][1]["questions"][0]["condition"] = {"question": "B.2", "equals": "x"}
    before = counts()
    response = client.post(
        reverse("admin:checklists_checklist_upload"), {"file": upload(formats.dump(bad)), "publish": "on"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert "criterion A: weight: 9 is greater than the maximum of 5" in errors
    assert any(
        e.startswith("criterion A question A.1: expected_answer: is required for a yes_no question") for e in errors
    )
    assert any(e.startswith("criterion B question B.1: condition:") for e in errors)
    html = unescape(page_text(response))
    assert all(e in html for e in errors)
    assert counts() == before

    response = client.post(
        reverse("admin:checklists_checklist_upload"), {"file": upload("code: [unclosed", "broken.yaml")}
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert counts() == before


def test_admin_upload_is_for_quality_admins_only(client, make_user):
    from accounts.roles import Role

    client.force_login(make_user("staffauditor", Role.AUDITOR, is_staff=True))
    response = client.post(reverse("admin:checklists_checklist_upload"), {"file": upload(formats.dump(document()))})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert counts() == (0, 0, 0)


def test_api_import_creates_a_draft(api, quality_admin):
    client = api.as_user(quality_admin)
    response = client.post("/api/checklists/import/", {"file": upload(formats.dump(document()))}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    checklist = Checklist.objects.get(pk=body["id"])
    assert (body["code"], body["version"], body["status"]) == ("UPLOAD", 1, "draft")
    assert checklist.status == Checklist.Status.DRAFT and checklist.questions.count() == 5


def test_api_import_of_a_bad_file_is_400_naming_problems_and_creates_nothing(api, checklist, quality_admin):
    client = api.as_user(quality_admin)
    bad = document()
    bad["criteria"][1]["questions"] = [{"code": "B.1", "text": "Notes?", "answer_type": "text"}]
    bad["criteria"][0]["questions"][1]["min_value"] = None
    before = counts()
    response = client.post("/api/checklists/import/", {"file": upload(formats.dump(bad))}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["file"]
    assert "criterion A question A.2: a numeric question needs a min_value, a max_value or both" in body["file"]
    assert any(p.startswith("criterion B: needs at least one scored question") for p in body["file"])
    assert counts() == before

    response = client.post("/api/checklists/import/", {}, format="multipart")
    assert response.status_code == 400 and list(response.json()) == ["file"]
    exported = formats.dump(formats.export_checklist(checklist))
    response = client.post("/api/checklists/import/", {"file": upload(exported)}, format="multipart")
    assert response.status_code == 400 and "already exists" in response.json()["file"][0]
    assert counts() == before


def test_api_import_is_forbidden_to_an_auditor(api, auditor):
    response = api.as_user(auditor).post(
        "/api/checklists/import/", {"file": upload(formats.dump(document()))}, format="multipart"
    )
    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_api_export_gives_a_file_that_imports_back(api, checklist, quality_admin):
    client = api.as_user(quality_admin)
    response = client.get(f"/api/checklists/{checklist.pk}/export/", {"file_format": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert 'filename="CGT-CDMO-v1.json"' in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert exported == formats.export_checklist(checklist)
    text = response.content.decode().replace('"version": 1,', '"version": 2,', 1)
    response = client.post("/api/checklists/import/", {"file": upload(text, "CGT-CDMO-v2.json")}, format="multipart")
    assert response.status_code == 201, response.json()
    copy = Checklist.objects.get(pk=response.json()["id"])
    assert formats.export_checklist(copy) == {**exported, "version": 2}
    assert publishing.publish(copy).status == Checklist.Status.PUBLISHED

    response = client.get(f"/api/checklists/{checklist.pk}/export/")
    assert response["Content-Type"] == "application/yaml"
    assert formats.parse(response.content, "x.yaml") == exported


# --------------------------------------------------------------------------- read-only page


def test_checklist_page_shows_every_question_read_only_for_an_auditor(client, checklist, auditor):
    client.force_login(auditor)
    response = client.get(f"/checklists/{checklist.pk}/")
    assert response.status_code == 200
    html = page_text(response)
    content = main_part(html)
    for criterion in checklist.criteria.all():
        assert f'id="criterion-{criterion.code}"' in content and escape(criterion.title) in content
    for q in checklist.questions.all():
        assert f'id="q-{q.code}"' in content
        assert escape(q.text) in content and escape(q.guidance) in content and escape(q.reference) in content
    assert not re.search(r"<(form|input|textarea|select)\b", content, re.IGNORECASE)
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/app\.css"', html)
    assert 'class="no-print"' in content or "no-print" in content

    css = (Path(django_settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")
    print_rules = "".join(re.findall(r"@media print\s*\{(.*?\})\s*\}", css, re.DOTALL))
    assert ".no-print" in print_rules and ".question" in print_rules

    listing = client.get("/checklists/")
    assert listing.status_code == 200 and f'href="/checklists/{checklist.pk}/"' in page_text(listing)


def test_checklist_page_needs_a_login(client, checklist):
    response = client.get(f"/checklists/{checklist.pk}/")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get("/checklists/").status_code == 302
