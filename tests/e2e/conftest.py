"""Browser tests: Playwright driving Debian's Chromium against the live test server.

They skip on a machine without Chromium, except in CI (CI=true), where that is a failure.
"""

import os
import shutil
import threading
import time

import pytest

CHROMIUM = os.environ.get("KAMPUNGKB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body
# are still synchronous, which is what this flag acknowledges.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; browser tests must run in CI")
        pytest.skip("Chromium is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Every page reports what the Content-Security-Policy blocked; a browser test fails on any.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def _watched_page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.add_init_script(_REPORT_CSP_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text)
            if "CSP violation" in m.text or "Content Security Policy" in m.text
            else None
        ),
    )
    return page


def _live_server_requests():
    """The live server's threads serving a browser connection (socketserver names them after
    their target)."""
    return [t for t in threading.enumerate() if t.name.endswith("(process_request_thread)")]


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """After a browser test, wait for the live server to finish what it was serving.

    A request the browser started just before the test ended (a link followed, a form sent)
    goes on in a live-server thread after the browser closes; with SQLite in memory that thread
    shares the test's connection, so the flush after the test failed while it ran ("couldn't be
    flushed", seen once in CI). This fixture sets up after the database and before the pages, so
    it tears down after every browser context has closed (closing a context closes its
    connections, which ends their threads once their request is done) and before the flush.
    """
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    yield
    deadline = time.monotonic() + 15.0
    while (busy := _live_server_requests()) and time.monotonic() < deadline:
        busy[0].join(timeout=0.05)
    assert not _live_server_requests(), "the live server still serves a closed browser"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = _watched_page(context)
    yield page
    context.close()
    assert page.csp_violations == []


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = _watched_page(context)
    yield page
    context.close()
    assert page.csp_violations == []
