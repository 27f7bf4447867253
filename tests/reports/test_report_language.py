"""A report printed in English or Simplified Chinese: the language is asked for and recorded, the
checklist's own text comes in that language (criterion titles, questions), the report's headings
are translated, and the record, so its content hash, is the same in both."""

import pytest

from audit.models import AuditEntry
from reports import queue
from reports.models import AuditReport
from reports.tasks import render_report
from tests.helpers import records
from tests.helpers.reports import read_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The web side's publishing, recorded: the tests render in this process."""
    messages = []
    monkeypatch.setattr(queue, "send", lambda task, *args: messages.append((task.name, args)))
    return messages


def test_the_language_is_asked_for_recorded_and_checked(lead_api, assessment, sent):
    url = f"/api/assessments/{assessment.pk}/reports/"
    default = lead_api.post(url, {}, format="json")
    assert default.status_code == 202 and default.json()["language"] == "en"
    chinese = lead_api.post(url, {"language": "zh-hans"}, format="json")
    assert chinese.status_code == 202 and chinese.json()["language"] == "zh-hans"
    refused = lead_api.post(url, {"language": "fr"}, format="json")
    assert refused.status_code == 400 and "language" in refused.json()
    assert AuditReport.objects.filter(assessment=assessment).count() == 2


@pytest.mark.slow
@pytest.mark.pdf
def test_a_chinese_report_prints_the_chinese_checklist_and_the_same_content_hash(
    lead_api, assessment, lead_auditor, checklist, sent, private_media
):
    records.completed(assessment, lead_auditor)
    url = f"/api/assessments/{assessment.pk}/reports/"
    ids = [lead_api.post(url, {"language": code}, format="json").json()["id"] for code in ("en", "zh-hans")]
    texts, hashes = {}, {}
    for pk in ids:
        assert render_report.run(pk)["status"] == "ready"
        report = AuditReport.objects.get(pk=pk)
        texts[report.language] = read_pdf(report.file.read())["text"]
        hashes[report.language] = report.content_hash
    assert hashes["en"] == hashes["zh-hans"]
    # The worker's changes to the report rows are the system's, not the requester's (#13: readable trail).
    rendered = AuditEntry.objects.filter(content_type__model="auditreport", object_pk__in=[str(pk) for pk in ids])
    written_by_worker = rendered.exclude(action=AuditEntry.Action.CREATE)
    assert written_by_worker.exists()
    assert {(e.actor_id, e.username) for e in written_by_worker} == {(None, "report worker")}
    criterion = checklist.criteria.get(code="A")
    chinese_title = criterion.translations["zh-hans"]["title"]
    assert chinese_title in texts["zh-hans"] and chinese_title not in texts["en"]
    assert criterion.title.split()[0] in texts["en"]
    for heading in ("执行摘要", "文件控制", "证据索引", "审计报告"):
        assert heading in texts["zh-hans"], heading
    assert "Executive summary" in texts["en"] and "执行摘要" not in texts["en"]
    question = checklist.questions.get(code="A.3")
    assert question.translations["zh-hans"]["text"][:12] in texts["zh-hans"].replace("\n", "")
