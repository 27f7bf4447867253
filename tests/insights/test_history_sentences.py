"""The audit trail as people read it: one sentence per user action with its reason, the system's
own actions attributed to the system, filters by person, kind and date, a page of actions read
without the whole trail, and the CSV keeping every field row."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assessments import history, workflow
from assessments.answers import save_answers
from assessments.models import Assessment
from audit import trail
from audit.context import acting, as_system
from audit.models import AuditEntry
from tests.factories import attach_required_evidence, compliant_answers
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def sentences(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return [
        re.sub(r"\s+", " ", s).strip()
        for s in re.findall(r'<p class="action-sentence">(.*?)</p>', response.content.decode(), re.S)
    ]


def test_each_action_is_one_sentence_with_its_reason(client, checklist, assessment, lead_auditor, auditor, reviewer):
    with acting(auditor):
        save_answers(
            assessment, auditor, [{"question": "A.3", "value": "compliant"}, {"question": "B.1", "value": "compliant"}]
        )
    with acting(lead_auditor):
        save_answers(assessment, lead_auditor, compliant_answers(checklist))
        attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    with acting(lead_auditor):
        workflow.submit(assessment, lead_auditor)
    with acting(reviewer):
        workflow.return_for_rework(assessment, reviewer, "Check the transfer report of B.1")
    said = sentences(client, auditor, f"/assessments/{assessment.pk}/history/")
    reference = assessment.reference
    assert said[0] == f"Reviewer Tester returned {reference} for rework. Reason: Check the transfer report of B.1."
    assert said[1] == f"Lead Tester submitted {reference}."
    assert any(s.startswith("Auditor Tester started " + reference + "; answered A.3, B.1") for s in said), said
    assert any("attached evidence" in s for s in said), said


def test_the_systems_actions_are_the_systems(client, assessment, auditor):
    with as_system("report worker"):
        AuditEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Assessment),
            object_pk=str(assessment.pk),
            object_id=assessment.pk,
            object_repr=str(assessment),
            action=AuditEntry.Action.ACCESS,
            reason="Final report RPT-1 rendered",
            assessment_id=assessment.pk,
        )
    newest = history.actions(trail.entries_for_assessment(assessment.pk))[0]
    assert newest.by_system and newest.who == "The system (report worker)"
    assert (
        newest.sentence
        == f"The system (report worker) recorded assessment {assessment}. Reason: Final report RPT-1 rendered."
    )
    assert sentences(client, auditor, f"/assessments/{assessment.pk}/history/")[0] == newest.sentence


def test_filters_by_person_kind_and_date_and_bad_dates_are_400(client, assessment, lead_auditor, auditor):
    with acting(auditor):
        save_answers(assessment, auditor, [{"question": "A.3", "value": "compliant"}])
    with acting(lead_auditor):
        save_answers(assessment, lead_auditor, [{"question": "B.1", "value": "partial"}])
    url = f"/assessments/{assessment.pk}/history/"
    started = f"Auditor Tester started {assessment.reference}; answered A.3."
    assert sentences(client, auditor, url + "?user=auditor") == [started]
    today = timezone.localdate()
    assert len(sentences(client, auditor, f"{url}?since={today}&until={today}")) == 4  # with the planning
    yesterday = today - datetime.timedelta(days=1)
    assert sentences(client, auditor, f"{url}?until={yesterday}") == []
    assert sentences(client, auditor, url + "?type=answer&user=auditor") == ["Auditor Tester answered A.3."]
    assert sentences(client, auditor, url + "?type=answer&user=lead") == ["Lead Tester answered B.1."]
    for bad in ("?since=yesterday", f"?since={today}&until={yesterday}"):
        assert client.get(url + bad).status_code == 400
        assert client.get(f"/assessments/{assessment.pk}/history.csv{bad}").status_code == 400
    csv_rows = client.get(f"/assessments/{assessment.pk}/history.csv?user=lead").content.decode().splitlines()
    assert len(csv_rows) == 1 + len(trail.rows(trail.entries_for_assessment(assessment.pk).filter(username="lead")))


def test_a_page_of_actions_reads_only_its_own_entries(
    client, checklist, assessment, lead_auditor, auditor, django_assert_max_num_queries
):
    before = history.action_keys(trail.entries_for_assessment(assessment.pk)).count()  # planning
    for k in range(60):
        with acting(auditor):
            save_answers(assessment, auditor, [{"question": "A.3", "value": "compliant" if k % 2 else "partial"}])
    entries = trail.entries_for_assessment(assessment.pk)
    keys = history.action_keys(entries)
    assert keys.count() == 60 + before
    page = [k["action_key"] for k in keys[:50]]
    actions = history.actions(entries, page)
    assert len(actions) == 50 and sum(len(a.entries) for a in actions) < entries.count()
    client.force_login(auditor)
    url = f"/assessments/{assessment.pk}/history/"
    client.get(url)
    with django_assert_max_num_queries(14):
        body = client.get(url + "?page=2").content.decode()
    assert "Page 2 of 2" in body and len(re.findall('class="action-sentence"', body)) == 10 + before
    assert Vendor.objects.count() == 1


def test_a_change_of_the_assessments_own_fields_names_them(assessment, lead_auditor, auditor):
    from assessments import planning

    with acting(lead_auditor):
        planning.change_plan(assessment, lead_auditor, {"scope": "Fill and finish only", "audit_team": []})
    newest = history.actions(trail.entries_for_assessment(assessment.pk))[0]
    assert newest.sentence == f"Lead Tester changed the scope and audit team of {assessment.reference}."
