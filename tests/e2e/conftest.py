"""The app served by uvicorn on a free loopback port, and Debian's headless Chromium.

Every request the browser makes is recorded, so that a test can prove that no page
loads anything from outside the app's origin. Every page the browser loads is checked
with axe-core (the copy bundled in the axe-playwright-python package, injected by the
test, never served by the app) once its charts are drawn: a test fails on any
violation, of any impact.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Browser, BrowserContext, Error, Page, sync_playwright

from bootstrap import build_root
from web.app import create_app
from web.settings import WebSettings
from web.stores import build_stores

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# One evaluation loads axe-core once per document, however many checks ask at once.
AXE_SCRIPT = (
    "if (typeof window.axe === 'undefined') {\n" + AXE_FILE_PATH.read_text(encoding="utf-8") + "\n}"
)
# Right after a click the URL is already the new page's while its body may still be
# empty, and "every chart of none" would hold at once: so the document must be complete.
CHARTS_SETTLED = (
    "() => document.readyState === 'complete' && "
    "[...document.querySelectorAll('[data-chart]')].every("
    "  el => el.classList.contains('chart--ready') || el.classList.contains('chart--failed'))"
)
# A page's load handler and the test itself may both ask for a check of one document;
# axe refuses a second run while one is going, so every check of a document shares one.
AXE_RUN = (
    "async () => { window.__axeRun ??= axe.run(document, {resultTypes: ['violations']});"
    " return {url: location.href, violations: (await window.__axeRun).violations}; }"
)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# app.css gives every text-like field (text, e-mail, password, date, select) this height.
TOUCH_TARGET = 44


def save_and_continue(page: Page) -> None:
    """Press "Save and continue" and wait until the browser shows the next page.

    Right after the click the old document is still there, or none is: counting its
    questions then says nothing about the page the server answers with. Each question
    page has its own address (``/respond/<n>``, then ``/respond/review``), so the next
    page is there once the address has changed and that document has loaded.
    """
    before = page.url
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(lambda url: url != before)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    origin: str
    settings: WebSettings
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.origin + path


@pytest.fixture
def server_overrides() -> dict[str, Any]:
    """More settings of the served app; a test module overrides this fixture."""
    return {}


@pytest.fixture
def live_server(
    db_url: str, tmp_path: Path, server_overrides: dict[str, Any]
) -> Iterator[LiveServer]:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    settings = WebSettings(
        database_url=db_url,
        data_dir=tmp_path / "data",
        secret_key=f"e2e-{uuid.uuid4().hex}",
        base_url=origin,
        **server_overrides,
    )
    app = create_app(
        build_root(settings), stores=build_stores(settings, namespace=f"e2e{uuid.uuid4().hex}")
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(origin, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """A fresh browser per test: Playwright's sync API keeps an event loop running in
    this thread while it is open, which other tests in the same worker must not meet."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Accessibility:
    """What axe-core found on each page the browser loaded."""

    checked: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def check(self, page: Page) -> None:
        """Wait for the page's charts, then run axe-core over the whole document; a test
        that asks for the check of the page it is on fails if the check cannot run."""
        page.wait_for_function(CHARTS_SETTLED, timeout=30_000)
        page.evaluate(AXE_SCRIPT)
        self._record(page.evaluate(AXE_RUN))

    def check_loaded(self, page: Page) -> None:
        """Check every page as it loads; a page the test leaves before the check ends is
        not counted as checked."""
        with contextlib.suppress(Error):
            self.check(page)

    def _record(self, result: dict) -> None:
        url = result["url"]
        self.checked.append(url)
        for violation in result["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]]
            self.violations.append(
                f"{url}: {violation['id']} ({violation['impact']}) {len(targets)}× {targets}"
            )


@pytest.fixture
def accessibility() -> Accessibility:
    return Accessibility()


@pytest.fixture
def new_context(
    chromium: Browser, live_server: LiveServer, accessibility: Accessibility
) -> Iterator:
    """Make browser contexts (separate cookie jars) that record every request they make
    and check every page they load with axe-core."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] = DESKTOP, locale: str = "en-GB") -> BrowserContext:
        context = chromium.new_context(viewport=viewport, locale=locale)
        context.on("request", lambda request: live_server.requests.append(request.url))
        context.on("page", lambda page: page.on("load", accessibility.check_loaded))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    outside = [url for url in live_server.requests if not url.startswith(live_server.origin + "/")]
    assert not outside, f"requests outside the app: {outside}"
    assert accessibility.checked, "no page was checked with axe-core"
    assert not accessibility.violations, "axe-core:\n" + "\n".join(accessibility.violations)
