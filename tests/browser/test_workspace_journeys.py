"""The auditor's workspace in a real browser: the blocker panel leads to each question and
shrinks as it is answered, a reviewer's comment is answered by the auditor, an uploader removes
their own evidence (gone from the page, kept in the audit trail), and a HEIC photo shows its
preview."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from assessments import answers as answer_service
from assessments import workflow
from assessments.models import Answer, Evidence, QuestionComment
from audit.models import AuditEntry
from tests.assessments.test_evidence_capture import heic_photo
from tests.factories import attach_required_evidence, compliant_answers

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

PDF_BYTES = b"%PDF-1.4\n% browser test evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def by_id(page: Page, element_id: str):
    return page.locator(f'[id="{element_id}"]')


def count(page: Page) -> int:
    return int(page.get_by_test_id("blocker-count").inner_text())


def test_the_blocker_panel_links_to_a_question_and_shrinks_as_it_is_answered(pages, assessment, auditor):
    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    expect(page.locator("#waiting-for")).to_contain_text("Lead Tester")
    expect(page.locator(".who-submits")).to_contain_text("Only the lead auditor, Lead Tester, submits")
    before = count(page)
    assert before > 5
    link = page.locator('#blockers a[data-question="A.4"]')
    expect(link).to_have_count(1)
    link.click()
    expect(page).to_have_url(re.compile(r"\?criterion=A#question-A\.4$"))
    expect(by_id(page, "question-A.4")).to_be_in_viewport()

    # N/A without a justification: saved, but the question itself says what is missing.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.4/")):
        by_id(page, "question-A.4").get_by_role("radio", name="Not applicable").check()
    state = by_id(page, "state-A.4")
    expect(state).to_have_attribute("data-state", "incomplete")
    expect(state).to_contain_text("'not applicable' needs a justification")
    expect(page.get_by_test_id("blocker-count")).to_have_text(str(before))
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.4/")):
        by_id(page, "na-A.4").fill("No viral vectors are made at this site.")
    expect(state).to_have_attribute("data-state", "saved")
    expect(state).to_contain_text(re.compile(r"Saved by Auditor Tester, .* UTC"))
    expect(page.get_by_test_id("blocker-count")).to_have_text(str(before - 1))
    expect(page.locator('#blockers a[data-question="A.4"]')).to_have_count(0)

    # Answering another from the panel shrinks it again.
    page.locator('#blockers a[data-question="A.2"]').click()
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.2/")):
        by_id(page, "value-A.2").fill("3")
        by_id(page, "value-A.2").press("Tab")
    expect(page.get_by_test_id("blocker-count")).to_have_text(str(before - 2))
    pages.screenshot(page, "blocker panel")


def test_a_reviewer_comment_is_answered_by_the_auditor(pages, assessment, auditor, lead_auditor, reviewer, checklist):
    answer_service.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)

    review = pages.login(reviewer)
    review.goto(f"/assessments/{assessment.pk}/?criterion=B")
    expect(review.locator("#waiting-for")).to_contain_text("the review by you")
    thread = by_id(review, "comments-B.1")
    thread.get_by_text("Comment on B.1").click()
    thread.get_by_label("Comment for the audit team").fill("Which batch records were seen?")
    with review.expect_response(lambda r: r.url.endswith("/answers/B.1/comments/")):
        thread.get_by_role("button", name="Post comment").click()
    expect(thread).to_contain_text("Which batch records were seen?")
    expect(thread).to_contain_text("Reviewer Tester")

    work = pages.login(auditor)
    work.goto(f"/assessments/{assessment.pk}/?criterion=B")
    thread = by_id(work, "comments-B.1")
    expect(thread).to_contain_text("Which batch records were seen?")
    expect(thread.get_by_text("Comment on B.1")).to_have_count(0)  # the team answers, never opens
    thread.get_by_label("Answer").fill("Batches 2301 to 2312, all released.")
    with work.expect_response(lambda r: r.url.endswith("/answers/B.1/comments/")):
        thread.get_by_role("button", name="Answer").click()
    expect(thread.locator(".comment-answer")).to_contain_text("Batches 2301 to 2312, all released.")
    reply = QuestionComment.objects.get(reply_to__isnull=False)
    assert reply.author == auditor and reply.reply_to.author == reviewer
    review.reload()
    expect(by_id(review, "comments-B.1").locator(".comment-answer")).to_contain_text("Batches 2301 to 2312")


def test_evidence_removed_by_its_uploader_is_gone_from_the_page_and_in_the_trail(pages, assessment, auditor):
    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    with page.expect_response(lambda r: r.url.endswith("/answers/A.3/evidence/")):
        by_id(page, "question-A.3").locator(".evidence-input[multiple]").set_input_files(
            files=[{"name": "wrong-batch.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
    listing = by_id(page, "evidence-A.3")
    expect(listing).to_contain_text("wrong-batch.pdf")
    expect(listing).to_contain_text(re.compile(r"uploaded by Auditor Tester, \d+ \w+ \d{4}, \d\d:\d\d UTC"))
    item = Evidence.objects.get(original_name="wrong-batch.pdf")
    sha = item.sha256
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda r: r.url.endswith(f"/evidence/{item.pk}/remove/")):
        listing.get_by_role("button", name="Remove wrong-batch.pdf").click()
    expect(listing).not_to_contain_text("wrong-batch.pdf")
    assert not Evidence.objects.filter(pk=item.pk).exists()
    entry = AuditEntry.objects.get(
        content_type__model="evidence", object_pk=str(item.pk), action=AuditEntry.Action.DELETE
    )
    assert entry.actor == auditor and entry.changes["sha256"][0] == sha
    assert entry.changes["original_name"][0] == "wrong-batch.pdf"
    page.reload()
    expect(by_id(page, "evidence-A.3")).not_to_contain_text("wrong-batch.pdf")
    assert Answer.objects.filter(assessment=assessment, question__code="A.3").exists()


def test_a_heic_photo_from_a_tablet_shows_its_preview(pages, assessment, auditor):
    """An iPad's camera writes HEIC: the original is kept as it came, the page shows a JPEG preview
    the browser can draw."""
    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    with page.expect_response(lambda r: r.url.endswith("/answers/A.3/evidence/")):
        by_id(page, "question-A.3").locator(".evidence-input[multiple]").set_input_files(
            files=[{"name": "IMG_0042.HEIC", "mimeType": "image/heic", "buffer": heic_photo(800, 600)}]
        )
    preview = by_id(page, "evidence-A.3").get_by_role("img", name="Preview of IMG_0042.HEIC")
    expect(preview).to_be_visible()
    preview.scroll_into_view_if_needed()  # loaded lazily
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
    assert preview.evaluate("img => img.naturalWidth") > 0  # a JPEG the browser decoded
    item = Evidence.objects.get(original_name="IMG_0042.HEIC")
    assert item.content_type == "image/heic" and item.preview
