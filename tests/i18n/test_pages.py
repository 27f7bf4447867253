"""The pages auditors, reviewers and administrators use most, in Simplified Chinese when that is
the reader's language, and in English, unchanged, otherwise. Each check names words of the page
itself (headings, buttons, labels), so that a string left unmarked or untranslated shows up."""

import pytest

from assessments import findings
from checklists.models import Question
from tests.helpers.records import performed

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans,zh;q=0.9,en;q=0.5"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def page(client, user, path, headers):
    client.force_login(user)
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    return response.content.decode()


def assert_reads(text, present, absent):
    for words in present:
        assert words in text, f"missing: {words!r}"
    for words in absent:
        assert words not in text, f"left in: {words!r}"


def test_the_auditors_home_and_assessment_list_in_chinese_and_in_english(client, auditor, assessment):
    home = page(client, auditor, "/", ZH)
    assert_reads(
        home,
        ["我的评估", "未关闭的纠正措施", "供应商风险矩阵", "即将到期的文件", "比较供应商", "固有风险"],
        ["My assessments", "Open corrective actions", "Vendor risk matrix", "Documents expiring"],
    )
    listing = page(client, auditor, "/assessments/", ZH)
    assert_reads(
        listing,
        ["您可查看的评估", "筛选评估", ">供应商</th>", ">得分</th>", ">计划开始</th>", 'status-planned">计划</span>'],
        ["The assessments you may see", ">Vendor</th>", ">Planned</th>", 'status-planned">Planned</span>'],
    )
    assert assessment.reference in listing
    card = page(client, auditor, "/insights/my-assessments/", ZH)
    assert_reads(card, ["<h1>我的进行中评估</h1>", ">筛选<", "供应商名称"], ["My open assessments", "Vendor name"])

    english = page(client, auditor, "/", EN)
    assert_reads(english, ["My assessments", "Open corrective actions", "Vendor risk matrix"], ["我的评估"])
    listing = page(client, auditor, "/assessments/", EN)
    assert_reads(
        listing,
        ["The assessments you may see", ">Vendor</th>", ">Planned</th>", 'status-planned">Planned</span>'],
        ["供应商"],
    )


def test_the_workspace_and_the_findings_in_chinese_and_in_english(client, auditor, assessment):
    findings.raise_finding(
        assessment,
        auditor,
        question=Question.objects.get(criterion__checklist=assessment.checklist, code="A.8"),
        classification="major",
        description="Process validation of the lentiviral step is incomplete.",
    )
    workspace = page(client, auditor, f"/assessments/{assessment.pk}/?criterion=A", ZH)
    assert_reads(
        workspace,
        [
            "问题",
            "发现项和措施",
            "报告摘要",
            "审核和签名",
            "审计追踪",
            "指南和依据",
            "附加证据",
            "提出发现项",
            "表单在此打开；需要网络连接。",
            "已计划：等待审计组（主审核员 Lead Tester）开始回答。",
        ],
        ["Guidance and reference", "Raise a finding", "Attach evidence", "Findings &amp; actions", "Planned: waiting"],
    )
    form = page(client, auditor, f"/assessments/{assessment.pk}/answers/A.8/finding-form/", ZH)
    assert_reads(form, ["FMEA 严重度", "提出发现项"], ["FMEA severity"])
    findings_page = page(client, auditor, f"/assessments/{assessment.pk}/findings/", ZH)
    assert_reads(
        findings_page,
        ["<h2>发现项</h2>", "纠正措施", "计划纠正措施", "需要做什么", "供应商方负责人", "到期日", "提出"],
        ["<h2>Findings</h2>", "Plan a corrective action", "What must be done", "Owner at the vendor"],
    )

    workspace = page(client, auditor, f"/assessments/{assessment.pk}/?criterion=A", EN)
    assert_reads(workspace, ["Guidance and reference", "Raise a finding", "Findings &amp; actions"], ["指南和依据"])
    findings_page = page(client, auditor, f"/assessments/{assessment.pk}/findings/", EN)
    assert_reads(findings_page, ["<h2>Findings</h2>", "Plan a corrective action", "Owner at the vendor"], ["发现项"])


def test_the_reviewers_review_page_in_chinese_and_in_english(client, lead_auditor, reviewer, assessment):
    performed(assessment, lead_auditor)
    review = page(client, reviewer, f"/assessments/{assessment.pk}/review/", ZH)
    assert_reads(
        review,
        ["回答", "得分", "电子签名", "批准并签名", "您的密码", "签名并批准", "退回整改", "近期历史", "完整审计追踪"],
        ["Approve and sign", "Sign and approve", "Return for rework", "Recent history", "Your password"],
    )
    assert "电子签名与您的手写签名具有同等法律效力" in review

    review = page(client, reviewer, f"/assessments/{assessment.pk}/review/", EN)
    assert_reads(review, ["Approve and sign", "Sign and approve", "Return for rework", "Your password"], ["批准并签名"])


def test_the_administrators_vendor_list_in_chinese_and_in_english(client, quality_admin, vendor):
    vendors = page(client, quality_admin, "/vendors/", ZH)
    assert_reads(
        vendors,
        ["<h1>供应商</h1>", "1 家供应商。", "筛选供应商", ">国家/地区</th>", ">再确认到期</th>", ">清除</a>"],
        ["1 vendor.", ">Country</th>", ">Requalification due</th>", ">Clear</a>"],
    )
    assert vendor.name in vendors
    vendors = page(client, quality_admin, "/vendors/", EN)
    assert_reads(vendors, ["<h1>Vendors</h1>", "1 vendor.", ">Country</th>", ">Clear</a>"], ["国家/地区"])


def test_a_persons_own_language_is_the_one_of_their_pages(client, auditor, assessment):
    """The choice made on the account wins over an English browser."""
    auditor.language = "zh-hans"
    auditor.save(update_fields=["language"])
    workspace = page(client, auditor, f"/assessments/{assessment.pk}/", EN)
    assert "指南和依据" in workspace and "Guidance and reference" not in workspace


def test_the_api_speaks_english_to_a_person_who_reads_chinese(lead_api, lead_auditor, assessment):
    """The labels of the vocabularies stay plain English strings: the pages translate them where
    they show them, the API's `*_display` fields (its contract) do not change with the reader."""
    lead_auditor.language = "zh-hans"
    lead_auditor.save(update_fields=["language"])
    body = lead_api.get(f"/api/assessments/{assessment.pk}/", **ZH).json()
    assert (body["status_display"], body["kind_display"]) == ("Planned", assessment.get_kind_display())
    assert assessment.get_kind_display() == "Initial qualification"


def test_the_apis_errors_are_english_whatever_the_readers_language(lead_api, lead_auditor):
    lead_auditor.language = "zh-hans"
    lead_auditor.save(update_fields=["language"])
    refused = lead_api.post("/api/assessments/", {}, format="json", **ZH)
    assert refused.status_code == 400 and refused.json()["vendor"] == ["This field is required."]
    bad_filter = lead_api.get("/api/vendors/?status=nonsense", **ZH)
    assert bad_filter.status_code == 400 and "Select a valid choice" in bad_filter.json()["status"][0]
