"""Offline capture in a real browser: an auditor on a site without a connection answers five
questions and photographs evidence; the changes wait in the browser, survive a reload made
offline (the page comes from the service worker), and are sent once, in order, when the
connection is back. An answer another auditor changed meanwhile comes back as the usual conflict
choice, and keeping one's own answer settles it."""

import io
import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.signals import request_started
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from assessments import answers as answer_service
from assessments import comments, workflow
from assessments.models import Answer, Evidence, QuestionComment
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import attach_required_evidence, compliant_answers

ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

SAVED = re.compile(r"^(saved|incomplete)$")  # saved; "incomplete" when evidence is still required
MINE = {"A.2": 85, "A.3": "compliant", "A.4": "no", "A.5": "no", "A.8": "partial"}


@contextmanager
def served():
    """The paths the live server is asked for meanwhile (it runs in this process)."""
    paths = []

    def record(sender, environ=None, **kwargs):
        paths.append(environ.get("PATH_INFO") if environ else "?")

    request_started.connect(record)
    try:
        yield paths
    finally:
        request_started.disconnect(record)


def by_id(page: Page, element_id: str):
    return page.locator(f'[id="{element_id}"]')


def jpeg_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def answer_offline(page: Page):
    by_id(page, "value-A.2").fill("85")
    by_id(page, "value-A.2").press("Tab")
    by_id(page, "question-A.3").get_by_role("radio", name="Compliant", exact=True).check()
    by_id(page, "question-A.4").get_by_role("radio", name="No", exact=True).check()
    by_id(page, "question-A.5").get_by_role("radio", name="No", exact=True).check()
    by_id(page, "question-A.8").get_by_role("radio", name="Partially compliant").check()


def test_changes_made_offline_are_kept_across_a_reload_and_sent_once(
    pages, assessment, auditor, lead_auditor, private_media
):
    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    # The worker controls the page and has kept it (a first visit keeps itself).
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.open('workspace-pages').then(c => c.keys())"
        ".then(keys => keys.some(k => k.url.includes('criterion=A')))"
    )
    status = page.locator("#offline-state")
    expect(status).to_be_hidden()

    page.context.set_offline(True)
    expect(status).to_contain_text("Offline: 0 changes waiting")
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    answer_offline(page)
    expect(status).to_contain_text("Offline: 5 changes waiting")
    by_id(page, "question-A.5").locator(".evidence-input[capture]").set_input_files(
        files=[{"name": "cleanroom-door.jpg", "mimeType": "image/jpeg", "buffer": jpeg_photo()}]
    )
    expect(status).to_contain_text("Offline: 6 changes waiting")
    expect(by_id(page, "state-A.3")).to_contain_text("Waiting to be sent")
    expect(by_id(page, "question-A.5").locator(".offline-waiting")).to_contain_text("cleanroom-door.jpg")
    assert not Answer.objects.filter(assessment=assessment).exists()
    assert not Evidence.objects.exists()

    # Meanwhile, another auditor of the team (online) answers A.3 otherwise.
    other = pages.login(lead_auditor)
    other.goto(f"/assessments/{assessment.pk}/?criterion=A")
    with other.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.3/")):
        by_id(other, "question-A.3").get_by_role("radio", name="Non-compliant").check()
    expect(by_id(other, "state-A.3")).to_have_attribute("data-state", SAVED)
    other.close()  # nothing of theirs reaches the server while the reload below is watched

    # A reload offline: the page is the kept copy, with what waits put back in place.
    with served() as paths:
        reloaded = page.reload()
        status = page.locator("#offline-state")
        expect(status).to_contain_text("Offline: 6 changes waiting")
    assert reloaded.ok and reloaded.from_service_worker
    assert not paths, f"the server was asked for {paths} while offline"
    expect(status).to_contain_text("Offline: 6 changes waiting")
    expect(by_id(page, "value-A.2")).to_have_value("85")
    expect(by_id(page, "question-A.3").get_by_role("radio", name="Compliant", exact=True)).to_be_checked()
    expect(by_id(page, "question-A.8").get_by_role("radio", name="Partially compliant")).to_be_checked()
    expect(by_id(page, "state-A.4")).to_contain_text("Waiting to be sent")
    expect(by_id(page, "question-A.5").locator(".offline-waiting")).to_contain_text("cleanroom-door.jpg")
    # Raising a finding is made online only: its form is fetched when opened, which offline it cannot be.
    expect(by_id(page, "question-A.3").locator("details.raise-finding")).to_contain_text("needs the connection")
    pages.screenshot(page, "offline with changes waiting")
    assert not Evidence.objects.exists()

    # Back online: everything is sent; A.3 comes back as the conflict choice.
    page.context.set_offline(False)
    conflict = by_id(page, "conflict-A.3")
    expect(conflict).to_contain_text(f"{lead_auditor.username} saved A.3")
    expect(conflict).to_contain_text("Non-compliant")
    expect(status).to_contain_text("1 answer changed by someone else meanwhile")
    for code in ("A.2", "A.4", "A.5", "A.8"):
        expect(by_id(page, f"state-{code}")).to_contain_text(re.compile(r"Saved.*Auditor Tester"))
    expect(by_id(page, "evidence-A.5")).to_contain_text("cleanroom-door.jpg")
    expect(by_id(page, "question-A.5").locator(".offline-waiting")).to_have_count(0)
    pages.screenshot(page, "back online with one conflict")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/answers/A.3/")):
        conflict.get_by_role("button", name="Keep my answer").click()
    expect(by_id(page, "state-A.3")).to_have_attribute("data-state", SAVED)
    expect(status).to_be_hidden()

    # Saved once each, in the order they were made; nothing is sent again on the next visit.
    with served() as paths:
        page.reload()
        expect(page.locator("#offline-state")).to_be_hidden()
    assert f"/assessments/{assessment.pk}/" in paths  # online, the page is the server's
    expect(by_id(page, "question-A.3").get_by_role("radio", name="Compliant", exact=True)).to_be_checked()
    stored = {a.question.code: a for a in Answer.objects.filter(assessment=assessment).select_related("question")}
    assert {code: a.value for code, a in stored.items()} == MINE
    for code, answer in stored.items():
        entries = AuditEntry.objects.filter(content_type__model="answer", object_pk=str(answer.pk))
        assert entries.filter(actor=auditor).count() == 1, code
        assert entries.count() == (2 if code == "A.3" else 1), code
    assert stored["A.3"].version == 2 and all(a.version == 1 for c, a in stored.items() if c != "A.3")
    photo = Evidence.objects.get()
    assert photo.answer == stored["A.5"] and photo.original_name == "cleanroom-door.jpg" and photo.upload_id
    assert AuditEntry.objects.filter(content_type__model="evidence").count() == 1
    sent = [re.search(r"/answers/([^/]+)/(evidence/)?$", url) for url in posted]
    order = [m.group(1) + (" photo" if m.group(2) else "") for m in sent if m]
    assert order[:6] == ["A.2", "A.3", "A.4", "A.5", "A.8", "A.5 photo"], order


def test_signing_and_submitting_need_the_connection_and_log_out_forgets_the_kept_pages(pages, assessment, lead_auditor):
    answer_service.save_answers(assessment, lead_auditor, [{"question": "A.4", "value": "no"}])  # in progress
    page = pages.login(lead_auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => caches.open('workspace-pages').then(c => c.keys()).then(keys => keys.length > 0)")
    submit = page.get_by_role("button", name="Submit for review")
    expect(submit).to_be_enabled()

    page.context.set_offline(True)
    expect(page.locator("#offline-state")).to_contain_text("Signing and submitting need the connection")
    expect(submit).to_be_disabled()
    # Pages other than a workspace page kept at a visit are not served offline: the review and
    # signing page not at all, a criterion never opened here with a page that says so.
    review = page.context.new_page()
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        review.goto(f"/assessments/{assessment.pk}/review/")
    review.close()
    page.goto(f"/assessments/{assessment.pk}/?criterion=B")
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()

    page.context.set_offline(False)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    expect(page.get_by_role("button", name="Submit for review")).to_be_enabled()
    page.locator("header nav summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    assert page.evaluate("() => caches.open('workspace-pages').then(c => c.keys()).then(keys => keys.length)") == 0


def test_a_photo_queued_before_its_question_is_answered_does_not_make_a_conflict(
    pages, assessment, auditor, private_media
):
    """The upload creates the question's (empty) answer; the answer queued after it was read
    before that, and is sent at the version the upload made, as online."""
    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    by_id(page, "question-A.1").locator(".evidence-input[capture]").set_input_files(
        files=[{"name": "batch-board.jpg", "mimeType": "image/jpeg", "buffer": jpeg_photo()}]
    )
    by_id(page, "value-A.1").fill("12")
    by_id(page, "value-A.1").press("Tab")
    expect(page.locator("#offline-state")).to_contain_text("Offline: 2 changes waiting")

    page.context.set_offline(False)
    expect(page.locator("#offline-state")).to_be_hidden()
    expect(by_id(page, "evidence-A.1")).to_contain_text("batch-board.jpg")
    expect(by_id(page, "state-A.1")).to_contain_text(re.compile(r"Saved.*Auditor Tester"))
    expect(by_id(page, "conflict-A.1")).to_be_empty()
    answer = Answer.objects.get(assessment=assessment, question__code="A.1")
    assert answer.value == 12 and answer.version == 2  # the upload's empty answer, then the value
    assert Evidence.objects.get().answer == answer


def test_changes_wait_through_an_ended_session_and_go_after_logging_in_again(pages, assessment, auditor, private_media):
    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    by_id(page, "question-A.4").get_by_role("radio", name="No", exact=True).check()
    status = page.locator("#offline-state")
    expect(status).to_contain_text("Offline: 1 change waiting")

    page.context.clear_cookies()  # the session ends while the tablet is offline
    page.context.set_offline(False)
    expect(status).to_contain_text("1 change waiting: your session has ended. Log in again")
    assert not Answer.objects.exists()
    # Logging out now would leave the change behind on this device: the page asks first.
    page.locator("header nav summary").click()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Log out").click()
    expect(status).to_be_visible()
    assert asked and asked[0].startswith("1 change is still waiting on this device."), asked
    expect(status).to_contain_text("your session has ended")

    page.goto(f"/login/?next=/assessments/{assessment.pk}/%3Fcriterion%3DA")
    page.get_by_label("User name").fill(auditor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/\?criterion=A$"))
    expect(by_id(page, "state-A.4")).to_contain_text(re.compile(r"Saved.*Auditor Tester"))
    expect(page.locator("#offline-state")).to_be_hidden()
    assert Answer.objects.get(question__code="A.4").value == "no"


def test_an_answer_to_a_reviewer_comment_written_offline_is_posted_once(
    pages, assessment, auditor, lead_auditor, reviewer, checklist, private_media
):
    answer_service.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    assessment.refresh_from_db()
    workflow.submit(assessment, lead_auditor)
    question = comments.comment(assessment, reviewer, "B.1", "Which batch records were seen?")

    page = pages.login(auditor)
    page.goto(f"/assessments/{assessment.pk}/?criterion=B")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.open('workspace-pages').then(c => c.keys())"
        ".then(keys => keys.some(k => k.url.includes('criterion=B')))"
    )
    page.context.set_offline(True)
    thread = by_id(page, "comments-B.1")
    thread.get_by_label("Answer").fill("Batches 2301 to 2312, all released.")
    thread.get_by_role("button", name="Answer").click()
    waiting = by_id(page, "question-B.1").locator(".offline-waiting")
    expect(waiting).to_contain_text("Batches 2301 to 2312, all released.")
    expect(thread.get_by_label("Answer")).to_have_value("")
    page.reload()
    expect(page.locator("#offline-state")).to_contain_text("Offline: 1 change waiting")
    expect(by_id(page, "question-B.1").locator(".offline-waiting")).to_contain_text("Batches 2301 to 2312")

    page.context.set_offline(False)
    expect(by_id(page, "comments-B.1").locator(".comment-answer")).to_contain_text("Batches 2301 to 2312")
    expect(page.locator("#offline-state")).to_be_hidden()
    expect(by_id(page, "question-B.1").locator(".offline-waiting")).to_have_count(0)
    reply = QuestionComment.objects.get(reply_to=question)
    assert reply.author == auditor and reply.client_id is not None
