"""The workspace and the review in a real browser for people who read Simplified Chinese: an
auditor whose language is zh-hans answers questions and submits, a reviewer whose language is
zh-hans approves with a signature. The pages, htmx and workspace.js work the same in both
languages; only the words change (test_journeys.py walks the same road in English)."""

import pytest
from playwright.sync_api import expect

from assessments import answers as answer_service
from assessments.models import Assessment
from tests.browser.test_journeys import ALL_APPS, by_id, question, saving
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

#: The two yes/no questions answered in the browser; every other one is answered beforehand.
IN_THE_BROWSER = ("A.4", "A.5")
YES_NO = {"yes": "是", "no": "否"}


def reads_chinese(user):
    user.language = "zh-hans"
    user.save(update_fields=["language"])


def test_a_chinese_reading_auditor_submits_and_a_chinese_reading_reviewer_approves(
    pages, assessment, lead_auditor, reviewer, checklist
):
    reads_chinese(lead_auditor)
    reads_chinese(reviewer)
    expected = {q.code: q.expected_answer for q in checklist.questions.filter(code__in=IN_THE_BROWSER)}
    answer_service.save_answers(
        assessment, lead_auditor, [a for a in compliant_answers(checklist) if a["question"] not in IN_THE_BROWSER]
    )

    lead = pages.login(lead_auditor)
    lead.goto(f"/assessments/{assessment.pk}/?criterion=A")
    expect(lead.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(lead.get_by_role("link", name="发现项和措施")).to_be_visible()
    expect(lead.get_by_role("link", name="审核和签名")).to_be_visible()
    expect(lead.locator("#blockers")).to_contain_text("阻碍提交")
    expect(question(lead, "A.4").locator("summary").first).to_have_text("指南和依据")

    for code in IN_THE_BROWSER:
        with saving(lead, code):
            question(lead, code).get_by_role("radio", name=YES_NO[expected[code]], exact=True).check()
        expect(by_id(lead, f"state-{code}")).to_contain_text("已保存")

    attach_required_evidence(assessment, lead_auditor)
    lead.reload()
    expect(lead.locator("#blockers")).to_contain_text("所有必答项均已回答：评估可以提交。")
    lead.get_by_role("button", name="提交审核").click()
    lead.wait_for_load_state()
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    expect(lead.locator("#assessment-status")).to_have_text("已提交")
    expect(lead.locator(".message").filter(has_text="本评估已提交")).to_be_visible()

    dialog = lead.locator("details.sign-dialog")
    expect(dialog.locator("summary")).to_have_text("签名确认已实施")
    dialog.locator("summary").click()
    expect(dialog).to_contain_text("电子签名与您的手写签名具有同等法律效力")
    dialog.get_by_label("您的用户名").fill(lead_auditor.username)
    dialog.get_by_label("您的密码").fill(PASSWORD)
    dialog.locator("form").get_by_role("button", name="签名确认已实施").click()
    expect(lead.get_by_role("status").filter(has_text="已签名")).to_be_visible()

    approver = pages.login(reviewer)
    approver.goto(f"/assessments/{assessment.pk}/review/")
    expect(approver.get_by_role("heading", name="电子签名")).to_be_visible()
    expect(approver.locator(".signatures")).to_contain_text("有效")
    dialog = approver.locator("details.sign-dialog")
    expect(dialog).to_have_attribute("open", "")
    expect(dialog.locator("summary")).to_have_text("批准并签名")
    dialog.get_by_label("您的用户名").fill(reviewer.username)
    dialog.get_by_label("您的密码").fill(PASSWORD)
    pages.screenshot(approver, "approve-dialog-zh-hans", full_page=False)
    dialog.get_by_role("button", name="签名并批准").click()
    approver.wait_for_load_state()
    expect(approver.locator(".signatures")).to_contain_text("Reviewer Tester")
    assert Assessment.objects.get(pk=assessment.pk).status == "approved"
    expect(approver.locator("#assessment-status")).to_have_text("已批准")
    expect(approver.get_by_role("link", name="报告", exact=True)).to_be_visible()
    expect(approver.get_by_role("heading", name="近期历史")).to_be_visible()
