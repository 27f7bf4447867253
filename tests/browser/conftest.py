"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser) against
pytest-django's live server.

- One chromium process for the whole package (`browser`); in each test, one browser context per
  user, logged in through the real log-in page (`pages.login(user)` returns its page).
- Every context is 1024x768 and records each request to a host other than the live server's
  loopback: a page that reaches out to the network fails the test (the product must work offline).
- Screenshots go to test-artifacts/screenshots/ (git-ignored); when a test fails, every page it
  had open is captured there too, as FAILED-<test>-<n>.png.
- Without /usr/bin/chromium the browser tests are skipped locally but FAIL in CI (CI=true), so a
  CI run can never pass without having driven a browser.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import BASE_DIR, PASSWORD

CHROMIUM = os.environ.get("BROWSER_TESTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1024, "height": 768}
SCREENSHOTS = BASE_DIR / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
TIMEOUT_MS = 15_000
MAX_SCREENSHOT_HEIGHT = 2400


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def browser_unavailable(reason: str):
    """Skip locally; fail in CI, where the browser tests are part of what "done" means."""
    if in_ci():
        pytest.fail(
            f"Browser tests cannot run in CI: {reason} Install Debian's chromium (`make test` does it as "
            "root through scripts/system-deps.sh, or `sudo apt-get install chromium`); never a "
            "downloaded browser.",
            pytrace=False,
        )
    pytest.skip(f"browser tests skipped: {reason}")


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "devtools"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="package")
def browser():
    """Debian's chromium through Playwright, for every test of this package.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django refuses ORM calls from a thread with a running loop; the tests call the ORM only
    between browser steps, never concurrently, so they are allowed to for as long as the browser
    lives (the previous value is restored afterwards, so other packages keep Django's guard)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        browser_unavailable(f"no chromium executable at {CHROMIUM}.")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover - the test requirements include playwright
        browser_unavailable("the playwright Python package is not installed.")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"Debian's chromium at {CHROMIUM} did not start under Playwright: {exc}", pytrace=False)
    expect.set_options(timeout=TIMEOUT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def reports_on_a_private_queue(private_queue):
    """Reports (a final one at every approval) are queued on this test's own queue, never on the
    queue a `make run` worker listens to (see `private_queue`)."""
    return private_queue


class Pages:
    """Browser contexts opened by one test, and the requests they made off the local host."""

    def __init__(self, browser, base_url, test_name):
        self.browser, self.base_url, self.test_name = browser, base_url, test_name
        self.contexts, self.external, self.console = [], [], []

    def new_context(self):
        context = self.browser.new_context(
            viewport=VIEWPORT, base_url=self.base_url, accept_downloads=True, locale="en-GB", timezone_id="UTC"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: None if is_local(request.url) else self.external.append(request.url))
        # Printed at the end, so that a failing test shows what the browser complained about.
        context.on("console", self._console)
        context.on("weberror", lambda error: self.console.append(f"page error: {error.error}"))
        self.contexts.append(context)
        return context

    def _console(self, msg):
        if msg.type in ("error", "warning"):
            self.console.append(f"console.{msg.type}: {msg.text} ({msg.location.get('url')})")

    def login(self, user, password=PASSWORD, next_path="/"):
        """A new context (a separate browser profile) logged in as `user` through the log-in page."""
        from playwright.sync_api import expect

        page = self.new_context().new_page()
        page.goto(f"/login/?next={next_path}")
        page.get_by_label("User name").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        expect(page.locator("header nav summary")).to_have_text(user.full_name)
        return page

    def screenshot(self, page, name, full_page=True) -> Path:
        """test-artifacts/screenshots/<test>--<name>.png: the whole page up to 2,400 px high (very
        long pages, such as a checklist, take seconds to capture whole), or only the viewport."""
        path = SCREENSHOTS / f"{slug(self.test_name.removeprefix('test_'))[:70]}--{slug(name)}.png"
        if full_page:
            page.evaluate("window.scrollTo(0, 0)")  # sticky parts (the criteria sidebar) at their place
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_SCREENSHOT_HEIGHT)
            page.screenshot(
                path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
            )
        else:
            page.screenshot(path=str(path))
        return path

    def close(self, failed: bool):
        if failed:
            n = 0
            for context in self.contexts:
                for page in context.pages:
                    n += 1
                    try:
                        name = f"FAILED-{slug(self.test_name.removeprefix('test_'))[:70]}-{n}.png"
                        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
                    except Exception:  # a crashed page must not hide the test's own failure
                        pass
        for context in self.contexts:
            context.close()
        for line in self.console:
            print(line)


@pytest.fixture
def pages(browser, live_server, request):
    """`pages.login(user)` opens a logged-in page in a context of its own. At the end, any request
    to a host other than the live server's fails the test."""
    opened = Pages(browser, live_server.url, request.node.name)
    yield opened
    rep = getattr(request.node, "rep_call", None)
    opened.close(failed=bool(rep and rep.failed))
    assert not opened.external, f"pages requested hosts other than the local server: {sorted(set(opened.external))}"
