"""WeasyPrint fetches nothing that user content names.

Markup typed into answers, comments, N/A justifications, findings and corrective actions must be
printed as text, never interpreted: no file read, no request to any host. Proven two ways: the
product's URL fetcher is wrapped with a recorder, and a real HTTP server on 127.0.0.1 whose URL is
in the text must receive no request. Then the fetcher itself: only the product's static files."""

import http.server
import re
import threading
from datetime import date

import pytest
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from assessments import answers, findings
from assessments.models import Assessment
from reports import rendering
from reports.models import AuditReport
from reports.tasks import render_report
from tests.factories import compliant_answers
from tests.helpers.reports import compliance_questions, na_question, new_report, read_pdf, squash

pytestmark = pytest.mark.django_db

IMG_FILE = '<img src="file:///etc/passwd">'
LINK_LOOPBACK = '<a href="http://127.0.0.1:9/x">x</a>'
SVG = '<svg><image href="http://127.0.0.1:9/y.png"/><use href="file:///etc/hosts#a"/></svg>'
STYLESHEET = "<link rel=stylesheet href=http://127.0.0.1:9/s.css>"


class RecordingServer:
    """An HTTP server on a free port of 127.0.0.1 that records every request it receives."""

    def __init__(self):
        self.requests = []
        recorder = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                recorder.append(self.path)
                body = b"body{background:red}" if self.path.endswith(".css") else b"GIF89a"
                self.send_response(200)
                self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/gif")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = RecordingServer()
    yield s
    s.close()


@pytest.fixture
def fetches(monkeypatch):
    """Every URL WeasyPrint asks the product's fetcher for, in order."""
    calls = []
    original = rendering.url_fetcher

    def recording(url, *args, **kwargs):
        calls.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(rendering, "url_fetcher", recording)
    return calls


@pytest.fixture
def log_records():
    """Warnings and errors logged by WeasyPrint and the report code while the test runs."""
    import logging

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.WARNING)
    loggers = [logging.getLogger(name) for name in ("weasyprint", "reports")]
    for logger in loggers:
        logger.addHandler(handler)
    yield records
    for logger in loggers:
        logger.removeHandler(handler)


def hostile_texts(server_url):
    """Markup that would make a browser or WeasyPrint fetch something, if it were interpreted."""
    return {
        "img": IMG_FILE,
        "link": LINK_LOOPBACK,
        "svg": SVG,
        "stylesheet": STYLESHEET,
        "server_img": f'<img src="{server_url}/pixel.gif">',
        "server_css": f"<link rel=stylesheet href={server_url}/evil.css>",
        "server_svg": f'<svg><image href="{server_url}/svg.png"/></svg>',
        "server_style": f"<style>@import url({server_url}/imported.css);</style>",
        "server_bare": f"{server_url}/plain-url",
    }


@pytest.mark.pdf
def test_the_recorder_and_the_server_would_see_a_fetch(server, fetches, log_records):
    """Controls, so that "nothing fetched" below means something: the same markup, left
    unescaped, does reach the server with WeasyPrint's default fetcher, and does reach the
    recorder with the product's fetcher (which refuses it)."""
    raw = "<html><body>" + "".join(hostile_texts(server.url).values()) + "</body></html>"
    HTML(string=raw, url_fetcher=URLFetcher(timeout=5)).write_pdf()
    assert "/pixel.gif" in server.requests and "/evil.css" in server.requests
    server.requests.clear()

    rendering.html_to_pdf(raw)  # the product's fetcher: asked, refuses, the rendering goes on
    assert any(url.startswith("file:///etc/passwd") for url in fetches), fetches
    assert any(url.startswith(server.url) for url in fetches), fetches
    assert server.requests == []
    assert any("refused to fetch" in r.getMessage() for r in log_records)


@pytest.mark.slow
@pytest.mark.pdf
def test_markup_in_user_text_is_printed_literally_and_fetches_nothing(
    assessment, lead_auditor, checklist, server, fetches, log_records
):
    texts = hostile_texts(server.url)
    everything = " ".join(texts.values())
    na = na_question(checklist)
    first, second = compliance_questions(checklist, 2)
    text_question = checklist.questions.filter(answer_type="text", condition_question="").first()
    items = compliant_answers(checklist)
    for item in items:
        if item["question"] == na.code:
            item.update(value="na", na_justification=f"{texts['svg']} {texts['server_svg']}")
        elif item["question"] == first.code:
            item["comment"] = f"{texts['img']} {texts['server_img']} {texts['server_bare']}"
        elif text_question and item["question"] == text_question.code:
            item["value"] = f"{texts['stylesheet']} {texts['server_style']}"
    answers.save_answers(assessment, lead_auditor, items)
    finding = findings.raise_finding(
        assessment,
        lead_auditor,
        question=second,
        classification="major",
        description=f"{texts['link']} {texts['server_css']}",
        requirement=IMG_FILE,
    )
    findings.plan_action(
        finding, lead_auditor, description=everything, owner=LINK_LOOPBACK[:160], due_date=date(2031, 1, 31)
    )
    Assessment.objects.filter(pk=assessment.pk).update(scope=f"Scope {texts['svg']}")

    report = new_report(assessment, lead_auditor, AuditReport.Kind.DRAFT)
    assert render_report.run(report.pk)["status"] == "ready"
    report.refresh_from_db()

    # Nothing named by the text was asked for, nor did any request reach the server.
    assert all(url.startswith(rendering.STATIC_PREFIX) for url in fetches), fetches
    assert not [url for url in fetches if re.search(r"127\.0\.0\.1|file:|etc/(passwd|hosts)", url)]
    assert server.requests == []
    # Nor was anything refused: WeasyPrint never saw a URL to ask for.
    assert [r.getMessage() for r in log_records] == []

    # Every piece of markup is in the PDF as the characters the user typed.
    pdf = read_pdf(report.file.read())
    for name, text in texts.items():
        assert squash(text) in pdf["flat"], f"{name}: {text!r} is not printed literally"
    assert squash(IMG_FILE) in pdf["pypdf_flat"] and squash(SVG) in pdf["pypdf_flat"]
    # The contents of the local files never made it into the report.
    assert "root:x:0:0" not in pdf["text"] and "localhost" not in pdf["text"]


# --- the fetcher itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hosts#a",
        "http://127.0.0.1:9/x",
        "https://example.com/logo.png",
        "data:text/plain;base64,aGVsbG8=",
        "data:image/svg+xml,<svg/>",
        "ftp://127.0.0.1/x",
        "product-static:../../etc/passwd",
        "product-static:css/../../../../etc/passwd",
        "product-static:/etc/passwd",
        "product-static:file:///etc/passwd",
        "product-static:",
        "product-static:css/does-not-exist.css",
        "/etc/passwd",
        "css/app.css",
    ],
)
def test_fetcher_refuses_everything_but_product_static_files(url):
    with pytest.raises(rendering.FetchRefused):
        rendering.url_fetcher(url)


def test_fetcher_serves_the_products_own_static_files(settings):
    response = rendering.url_fetcher(f"{rendering.STATIC_PREFIX}css/app.css")
    expected = (settings.BASE_DIR / "static" / "css" / "app.css").read_bytes()
    assert response.read() == expected and response.content_type == "text/css"
    response.close()


def test_static_file_through_a_symlink_out_of_the_static_dirs_is_refused(settings, tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "ok.css").write_text("p{color:red}")
    (static / "css" / "passwd.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [static]
    assert rendering.url_fetcher("product-static:css/ok.css").read() == b"p{color:red}"
    with pytest.raises(rendering.FetchRefused):
        rendering.url_fetcher("product-static:css/passwd.css")


@pytest.mark.pdf
def test_weasyprint_uses_the_product_fetcher_for_static_assets(fetches):
    """A stylesheet of the product is served; the rendering does not crash on refused URLs."""
    html = (
        '<html><head><link rel="stylesheet" href="product-static:css/app.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body><p>Hello</p>'
        '<img src="http://127.0.0.1:9/x.png"></body></html>'
    )
    pdf = rendering.html_to_pdf(html)
    assert pdf.startswith(b"%PDF-") and "Hello" in read_pdf(pdf)["text"]
    assert fetches[0] == "product-static:css/app.css"
    assert "file:///etc/passwd" in fetches and "http://127.0.0.1:9/x.png" in fetches
