"""The browser fixtures of tests/browser (Debian's chromium through Playwright), for the
Content-Security-Policy test that drives pages in a real browser."""

from tests.browser.conftest import browser, pages, pytest_runtest_makereport  # noqa: F401
