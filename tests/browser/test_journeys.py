"""The main user journeys in a real browser (Debian's chromium through Playwright), against
the live server, the real database (PostgreSQL in CI) and, for the report, Redis and a real
Celery worker. tests/assessments/test_workspace_pages.py and tests/insights/ prove the same views
with the Django test client; these prove that the pages, htmx and workspace.js work in a browser.

Every page is checked at 1024x768, and no page may request anything off the local server."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from accounts.roles import Role
from assessments import answers as answer_service
from assessments.models import Answer, Assessment, Evidence, Finding
from reports.models import AuditReport
from tests.conftest import PASSWORD
from tests.factories import approved_assessment, attach_required_evidence, compliant_answers
from vendors.models import Vendor

# Every installed app is "available": nothing changes for the tests, except that the flush after
# each test truncates with CASCADE. Without it PostgreSQL refuses to truncate accounts_user and
# django_content_type, which django-auditlog's own (swapped-out, empty) auditlog_logentry references.
ALL_APPS = [app.name for app in apps.get_app_configs()]
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)]

PDF_BYTES = b"%PDF-1.4\n% browser test evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --------------------------------------------------------------------------- helpers


def by_id(page: Page, element_id: str):
    """An element by id; question codes contain dots, so never as a CSS #id selector."""
    return page.locator(f'[id="{element_id}"]')


def question(page: Page, code: str):
    return by_id(page, f"question-{code}")


def saving(page: Page, code: str):
    """Waits for the autosave POST of one question answered by the action inside the block."""
    return page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/answers/{code}/"))


def expect_saved(page: Page, code: str):
    state = by_id(page, f"state-{code}")
    # "incomplete": saved, but the question still blocks submission (e.g. its evidence is missing).
    expect(state).to_have_attribute("data-state", re.compile(r"^(saved|incomplete)$"))
    expect(state).to_contain_text("Saved")


def answer(assessment, code):
    return Answer.objects.filter(assessment=assessment, question__code=code).first()


def no_horizontal_overflow(page: Page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024, f"{page.url} is {width}px wide at a 1024px viewport"


# --------------------------------------------------------------------------- 1. answer a criterion


def test_auditor_answers_a_criterion_attaches_evidence_raises_a_finding_and_it_all_survives_a_reload(
    pages, assessment, auditor, checklist
):
    page = pages.login(auditor)
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.url.split("/answers/")[1]) if r.method == "POST" and "/answers/" in r.url else None,
    )
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    expect(page.get_by_role("heading", name=re.compile(r"^A\. "))).to_be_visible()
    expect(page.get_by_test_id("progress-A")).to_have_text("0/8")  # A.7 applies only when A.6 = yes
    expect(question(page, "A.7")).to_be_hidden()

    # Evidence first, by the file input (the question is not answered yet)...
    with page.expect_response(lambda r: r.url.endswith("/answers/A.3/evidence/")):
        question(page, "A.3").locator(".evidence-input[multiple]").set_input_files(
            files=[{"name": "batch-record.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
    expect(by_id(page, "evidence-A.3")).to_contain_text("batch-record.pdf")

    # ... and by dropping a file on the question's drop zone.
    zone = question(page, "A.1").locator(".dropzone")
    data_transfer = page.evaluate_handle(
        """() => { const dt = new DataTransfer();
                   dt.items.add(new File(['Site,Batches\\nGhent,25\\n'], 'batches.csv', {type: 'text/csv'}));
                   return dt; }"""
    )
    zone.dispatch_event("dragenter", {"dataTransfer": data_transfer})
    expect(zone).to_have_class(re.compile(r"\bdragging\b"))
    with page.expect_response(lambda r: r.url.endswith("/answers/A.1/evidence/")):
        zone.dispatch_event("drop", {"dataTransfer": data_transfer})
    expect(by_id(page, "evidence-A.1")).to_contain_text("batches.csv")
    expect(zone).not_to_have_class(re.compile(r"\bdragging\b"))

    # Numeric answers: type, leave the field; saved at once.
    for code, value in (("A.1", "25"), ("A.2", "3")):
        with saving(page, code):
            by_id(page, f"value-{code}").fill(value)
            by_id(page, f"value-{code}").press("Tab")
        expect_saved(page, code)

    # Choices: compliance, yes/no, maturity radios.
    for code, label in (
        ("A.3", "Compliant"),
        ("A.4", "Yes"),
        ("A.5", "No"),
        ("A.8", "Partially compliant"),
        ("A.9", "3"),
    ):
        with saving(page, code):
            question(page, code).get_by_role("radio", name=label, exact=True).check()
        expect_saved(page, code)

    # The conditional question appears when its condition is met, and disappears when it is not.
    with saving(page, "A.6"):
        question(page, "A.6").get_by_role("radio", name="No", exact=True).check()
    expect_saved(page, "A.6")
    expect(question(page, "A.7")).to_be_hidden()
    with saving(page, "A.6"):
        question(page, "A.6").get_by_role("radio", name="Yes", exact=True).check()
    expect_saved(page, "A.6")
    expect(question(page, "A.7")).to_be_visible()
    expect(page.get_by_test_id("progress-A")).to_have_text("8/9")
    with saving(page, "A.7"):
        question(page, "A.7").get_by_role("radio", name="Compliant", exact=True).check()
    expect_saved(page, "A.7")
    # Typing is saved after a pause, without leaving the field.
    with saving(page, "A.7"):
        by_id(page, "comment-A.7").press_sequentially("Two comparability studies reviewed on site.", delay=5)
    expect_saved(page, "A.7")
    expect(page.get_by_test_id("progress-A")).to_have_text("9/9")
    expect(page.get_by_test_id("score-A")).not_to_have_text("n/a")

    # A finding on a question, its class proposed from the question's severity (A.8: 4, major).
    finding_box = question(page, "A.8").locator("details.raise-finding")
    finding_box.locator("summary").click()
    expect(by_id(page, "class-A.8")).to_have_value("major")
    expect(finding_box).to_contain_text("proposed from severity 4: major")
    by_id(page, "fdesc-A.8").fill("Process validation of the lentiviral step is incomplete.")
    finding_box.get_by_role("button", name="Raise finding").click()
    expect(page.get_by_role("status").filter(has_text="raised (major)")).to_be_visible()
    pages.screenshot(page, "workspace-criterion-A-answered")

    # One save per choice: a click is not saved again when the typing delay runs out.
    assert posts.count("A.3/") == 1 and posts.count("A.9/") == 1, posts

    # Everything is stored...
    values = {
        code: answer(assessment, code).value for code in ("A.1", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9")
    }
    assert values == {
        "A.1": 25,
        "A.2": 3,
        "A.3": "compliant",
        "A.4": "yes",
        "A.5": "no",
        "A.6": "yes",
        "A.7": "compliant",
        "A.8": "partial",
        "A.9": 3,
    }
    assert answer(assessment, "A.7").comment == "Two comparability studies reviewed on site."
    assert [e.original_name for e in answer(assessment, "A.3").evidence.all()] == ["batch-record.pdf"]
    assert [e.original_name for e in answer(assessment, "A.1").evidence.all()] == ["batches.csv"]
    finding = Finding.objects.get(assessment=assessment)
    assert (finding.question.code, finding.classification, finding.proposed_classification) == ("A.8", "major", "major")

    # ... and is all still there after a reload.
    page.goto(f"/assessments/{assessment.pk}/?criterion=A")
    expect(by_id(page, "value-A.1")).to_have_value("25")
    expect(by_id(page, "value-A.2")).to_have_value("3")
    for code, label in (
        ("A.3", "Compliant"),
        ("A.4", "Yes"),
        ("A.5", "No"),
        ("A.6", "Yes"),
        ("A.7", "Compliant"),
        ("A.8", "Partially compliant"),
        ("A.9", "3"),
    ):
        expect(question(page, code).get_by_role("radio", name=label, exact=True)).to_be_checked()
    expect(question(page, "A.7")).to_be_visible()
    expect(by_id(page, "comment-A.7")).to_have_value("Two comparability studies reviewed on site.")
    expect(by_id(page, "evidence-A.3")).to_contain_text("batch-record.pdf")
    expect(by_id(page, "evidence-A.1")).to_contain_text("batches.csv")
    expect(question(page, "A.8").locator(".finding-line")).to_contain_text("Major")
    expect(page.get_by_test_id("progress-A")).to_have_text("9/9")
    page.get_by_role("link", name="Findings & actions").click()
    expect(page.locator("article.finding")).to_contain_text("Process validation of the lentiviral step is incomplete.")
    pages.screenshot(page, "findings-tab")


# --------------------------------------------------------------------------- 2. conflicting edits


def test_two_people_edit_the_same_answer_the_conflict_is_shown_and_nothing_is_lost(
    pages, assessment, auditor, lead_auditor
):
    url = f"/assessments/{assessment.pk}/?criterion=B"
    mine, theirs = pages.login(lead_auditor), pages.login(auditor)
    for page in (mine, theirs):
        page.goto(url)
        expect(question(page, "B.1")).to_be_visible()

    # The auditor saves first.
    with saving(theirs, "B.1"):
        question(theirs, "B.1").get_by_role("radio", name="Compliant", exact=True).check()
    expect_saved(theirs, "B.1")
    assert (answer(assessment, "B.1").value, answer(assessment, "B.1").version) == ("compliant", 1)

    # The lead, still looking at the empty answer, chooses otherwise: refused, both values shown.
    with saving(mine, "B.1"):
        question(mine, "B.1").get_by_role("radio", name="Non-compliant", exact=True).check()
    state = by_id(mine, "state-B.1")
    expect(state).to_have_attribute("data-state", "conflict")
    expect(state).to_contain_text("someone else changed this answer")
    panel = by_id(mine, "conflict-B.1")
    expect(panel.get_by_role("alert")).to_be_visible()
    expect(panel.locator("dd").nth(0)).to_have_text("Compliant")  # theirs
    expect(panel.locator("dd").nth(1)).to_have_text("Non-compliant")  # mine
    expect(panel).to_contain_text(auditor.username)
    question(mine, "B.1").scroll_into_view_if_needed()
    pages.screenshot(mine, "conflict-panel", full_page=False)
    assert answer(assessment, "B.1").value == "compliant"  # nothing overwritten silently

    # The lead keeps their answer, deliberately.
    with saving(mine, "B.1"):
        panel.get_by_role("button", name="Keep my answer").click()
    expect_saved(mine, "B.1")
    expect(panel.get_by_role("alert")).to_have_count(0)
    stored = answer(assessment, "B.1")
    assert (stored.value, stored.version, stored.updated_by) == ("non_compliant", 2, lead_auditor)

    # The next change of the lead saves normally (the page holds the new version).
    with saving(mine, "B.1"):
        by_id(mine, "comment-B.1").fill("Deviation DV-114 open since March.")
        by_id(mine, "comment-B.1").press("Tab")
    expect_saved(mine, "B.1")
    assert answer(assessment, "B.1").comment == "Deviation DV-114 open since March."

    # The auditor, reloading, sees the lead's answer; the audit trail holds both values.
    theirs.reload()
    expect(question(theirs, "B.1").get_by_role("radio", name="Non-compliant", exact=True)).to_be_checked()
    theirs.goto(f"/assessments/{assessment.pk}/history/")
    change = (
        theirs.locator("table.changes tr")
        .filter(has=theirs.locator(".old", has_text=re.compile(r"^\W*compliant\W*$")))
        .filter(has=theirs.locator(".new", has_text=re.compile(r"^\W*non_compliant\W*$")))
    )
    expect(change).to_have_count(1)
    expect(change).to_contain_text("value")


# --------------------------------------------------------------------------- 3. sign, approve, report


@pytest.mark.integration
@pytest.mark.pdf
def test_lead_signs_reviewer_approves_with_password_and_the_final_pdf_appears_and_downloads(
    pages, assessment, lead_auditor, reviewer, checklist, start_worker, tmp_path
):
    answer_service.save_answers(assessment, lead_auditor, compliant_answers(checklist))
    attach_required_evidence(assessment, lead_auditor)
    last = Evidence.objects.filter(answer__assessment=assessment).order_by("pk").last()
    code = last.answer.question.code
    Evidence.objects.filter(pk=last.pk).delete()  # one question still waits for its evidence
    # The worker boots while the lead and the reviewer sign; it takes 4 s more to render, so that
    # the reports page is seen waiting first and then updating itself.
    worker = start_worker(name="browser-report", wait=False, REPORT_RENDER_DELAY_SECONDS="4")

    lead = pages.login(lead_auditor)
    criterion = code.split(".")[0]
    lead.goto(f"/assessments/{assessment.pk}/?criterion={criterion}")
    expect(lead.locator("#blockers")).to_contain_text("1 thing still blocks submission")
    expect(lead.locator("#blockers")).to_contain_text(f"{code}: evidence required")
    with lead.expect_response(lambda r: r.url.endswith(f"/answers/{code}/evidence/")):
        question(lead, code).locator(".evidence-input[multiple]").set_input_files(
            files=[{"name": "record.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
    expect(lead.locator("#blockers")).to_contain_text("can be submitted")
    lead.get_by_role("button", name="Submit for review").click()
    expect(lead.locator("#assessment-status")).to_have_text("Submitted")
    dialog = lead.locator("details.sign-dialog")
    dialog.locator("summary").click()
    dialog.get_by_label("Your user name").fill(lead_auditor.username)  # first signature of the session
    dialog.get_by_label("Your password").fill(PASSWORD)
    dialog.locator("form").get_by_role("button", name="Sign as performed").click()
    expect(lead.get_by_role("status").filter(has_text="Signed as performed")).to_be_visible()

    approver = pages.login(reviewer)
    approver.goto(f"/assessments/{assessment.pk}/review/")
    expect(approver.locator(".signatures")).to_contain_text("Lead Tester, performed")
    dialog = approver.locator("details.sign-dialog")
    expect(dialog).to_have_attribute("open", "")
    # A wrong password is refused and nothing is approved.
    dialog.get_by_label("Your user name").fill(reviewer.username)
    dialog.get_by_label("Your password").fill("not-my-password")
    dialog.get_by_role("button", name="Sign and approve").click()
    expect(approver.locator(".message-error").first).to_be_visible()
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    dialog = approver.locator("details.sign-dialog")
    dialog.get_by_label("Your user name").fill(reviewer.username)
    dialog.get_by_label("Your password").fill(PASSWORD)
    pages.screenshot(approver, "approve-dialog", full_page=False)
    dialog.get_by_role("button", name="Sign and approve").click()
    expect(approver.locator("#assessment-status")).to_have_text("Approved")
    expect(approver.locator(".signatures")).to_contain_text("Reviewer Tester, approved")

    # The final report is rendered by the worker; the page polls until it is ready.
    worker.wait_ready()
    polls = []
    approver.on(
        "request", lambda r: polls.append(r.url) if r.headers.get("hx-request") and "/reports/" in r.url else None
    )
    approver.get_by_role("link", name="Reports").click()
    expect(approver.get_by_role("link", name="Reports")).to_have_attribute("aria-current", "page")
    table = approver.locator("#report-table")
    expect(table).to_contain_text("Final")
    expect(table.locator(".status")).to_have_text(re.compile("Queued|Rendering"))
    expect(table.get_by_role("link", name="Download PDF")).to_have_count(0)
    expect(table.locator(".status-ready")).to_have_text("Ready", timeout=90_000)
    assert polls, "the table became ready without the page polling"
    report = AuditReport.objects.get(assessment=assessment)
    assert (report.kind, report.status) == ("final", "ready")
    assert re.search(r"Task reports\.tasks\.render_report\[[0-9a-f-]+\] succeeded", worker.log_path.read_text())
    pages.screenshot(approver, "reports-ready")
    with approver.expect_download() as download_info:
        table.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- 4. comparison


def test_the_comparison_page_draws_a_chart_for_three_vendors(pages, checklist, reference_data, lead_auditor, reviewer):
    names = ["Lonza Group", "Biovian", "apceth Biopharma GmbH"]
    overrides = [{}, {"B.1": "partial", "C.2": "non_compliant"}, {"D.1": "partial", "E.3": "partial"}]
    for name, override in zip(names, overrides, strict=True):
        approved_assessment(
            checklist,
            Vendor.objects.get(name=name),
            lead_auditor,
            reviewer,
            items=compliant_answers(checklist, **override),
        )

    page = pages.login(reviewer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", name="Compare vendors")).to_be_visible()
    expect(page.locator("#result")).to_contain_text("3 vendors")
    chart = page.locator("figure.chart-figure svg")
    expect(chart).to_be_visible()
    legend = chart.locator("text.legend")
    expect(legend).to_have_count(3)
    assert sorted(legend.all_text_contents()) == sorted(n[:38] for n in names)
    assert chart.locator("rect title").count() >= 3 * 9  # a bar per vendor and criterion
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    for name in names:
        expect(page.locator("table.comparison-table thead")).to_contain_text(name)
    no_horizontal_overflow(page)
    pages.screenshot(page, "compare-three-vendors")

    # Choosing vendors: by part of a name, no Ctrl-click and no list of every vendor.
    page.get_by_label("Vendor names").fill("biov")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#result")).to_contain_text("1 vendor")
    expect(page.locator("table.comparison-table thead")).to_contain_text("Biovian")


# --------------------------------------------------------------------------- 5. outsiders


def test_an_auditor_not_on_an_assessment_cannot_open_it_nor_see_it_listed(
    pages, registry_assessment, make_user, checklist, lead_auditor, reviewer
):
    assessment = registry_assessment  # the registry holds the outsider's own vendor too
    outsider = make_user("outsider", Role.AUDITOR)
    own = Assessment.objects.create(
        vendor=Vendor.objects.get(name="Biovian"),
        checklist=checklist,
        lead_auditor=lead_auditor,
        reviewer=reviewer,
        created_by=lead_auditor,
    )
    own.audit_team.set([outsider])

    page = pages.login(outsider)
    page.goto("/assessments/")
    expect(page.locator("main")).to_contain_text(own.reference)
    expect(page.locator("main")).not_to_contain_text(assessment.reference)
    page.goto("/")
    expect(page.locator("main")).to_contain_text(own.reference)
    expect(page.locator("main")).not_to_contain_text(assessment.reference)
    page.goto(f"/vendors/{assessment.vendor.slug}/")
    expect(page.get_by_role("heading", name=assessment.vendor.name, exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(assessment.reference)

    for path in ("/", "findings/", "review/", "reports/", "history/"):
        url = f"/assessments/{assessment.pk}/" + ("" if path == "/" else path)
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("body")).not_to_contain_text(assessment.vendor.name)
        expect(page.locator("body")).not_to_contain_text(assessment.reference)
    pages.screenshot(page, "outsider-404")
    # Nothing can be saved behind the page's back either.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/assessments/{assessment.pk}/answers/A.3/",
        form={"value": "compliant"},
        headers={"X-CSRFToken": csrf, "HX-Request": "true"},
    )
    assert response.status == 404
    assert not Answer.objects.filter(assessment=assessment).exists()


# --------------------------------------------------------------------------- every main page


def test_every_main_page_works_offline_and_at_1024px(
    pages, registry_assessment, auditor, lead_auditor, reviewer, checklist
):
    assessment = registry_assessment  # every page with the registry's vendors in it
    answer_service.save_answers(assessment, auditor, compliant_answers(checklist)[:12])
    other = approved_assessment(
        checklist,
        Vendor.objects.get(name="Biovian"),
        lead_auditor,
        reviewer,
        findings=[("C.2", "critical"), ("B.2", "minor")],
    )
    page = pages.login(lead_auditor)
    paths = {
        "home": "/",
        "vendor-list": "/vendors/",
        "vendor-detail": f"/vendors/{other.vendor.slug}/",
        "checklist": f"/checklists/{checklist.pk}/",
        "assessment-list": "/assessments/",
        "workspace": f"/assessments/{assessment.pk}/",
        "findings": f"/assessments/{other.pk}/findings/",
        "review": f"/assessments/{other.pk}/review/",
        "reports": f"/assessments/{other.pk}/reports/",
        "history": f"/assessments/{other.pk}/history/",
        "compare": "/compare/",
    }
    problems = []
    for name, path in paths.items():
        requests = []

        def record(request, requests=requests):
            requests.append(request)

        page.on("request", record)
        response = page.goto(path)  # returns at the load event: stylesheets, scripts and images are in
        page.remove_listener("request", record)
        external = [r.url for r in requests if not r.url.startswith(pages.base_url)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if response.status != 200:
            problems.append(f"{name}: HTTP {response.status}")
        if external:
            problems.append(f"{name}: requests off the local server: {external}")
        if width > 1024:
            problems.append(f"{name}: {width}px wide at a 1024px viewport")
        if page.evaluate("document.styleSheets.length") < 2:  # Pico and app.css, from the local server
            problems.append(f"{name}: stylesheets missing")
        pages.screenshot(page, name)
    assert not problems, "\n".join(problems)
