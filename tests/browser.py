"""What the real-browser tests share: Debian's Chromium driven by Playwright, the app served from
the repository's streamlit_app.py on a demo project, and the Code page opened with a coder.

Without /usr/bin/chromium the tests are skipped, except under CI (``$CI`` set), where a missing
browser is a failure. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from qualcode.demo import create_demo_project
from qualcode.store import PROJECT_ENV

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EN = "focus-group-en"
EXPECT_TIMEOUT = 30_000  # ms; the first render loads the language pipeline, on a busy machine
UPLOAD = (
    "TK: Hvad har I lagt mærke til?\n\n"
    "D1: Jeg sover bedre, og jeg mærker efter.\n\n"
    "D2: Jeg har sagt fra over for min chef.\n"
).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install chromium (apt-get)")
        pytest.skip(f"no browser at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app served from the repository's streamlit_app.py on the demo project."""
    path = tmp_path / "demo.db"
    create_demo_project(path).close()
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env={**os.environ, PROJECT_ENV: str(path)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        f"the app did not start:\n{(tmp_path / 'streamlit.log').read_text()}"
                    )
                time.sleep(0.3)
        yield url, path
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    assert f"127.0.0.1:{port}" in (tmp_path / "streamlit.log").read_text()


def watch_requests(page: Any, url: str) -> list[str]:
    """Every request the page makes from now on (see :func:`outside`)."""
    made: list[str] = []
    page.on("request", lambda request: made.append(request.url))
    return made


def outside(made: list[str], url: str) -> list[str]:
    """The requests that left the served app: interview data never leaves the machine, and
    nothing is loaded from outside."""
    return [request for request in made if not request.startswith((f"{url}/", "data:", "blob:"))]


def settled(page: Any) -> None:
    """Wait until the app's script has finished its run: a widget changed while a run is still
    going can be lost when Streamlit starts the page over (streamlit/streamlit#9100)."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=EXPECT_TIMEOUT
    )


def open_code_page(browser: Any, url: str) -> tuple[Any, Any]:
    """A new browser session on the Code page with the coder browser-coder chosen: the page,
    and its progress line."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(20_000)
    page.requests_made = watch_requests(page, url)
    page.goto(f"{url}/code")
    expect(page.get_by_text("Choose who you are")).to_be_visible()
    settled(page)
    page.get_by_label("Who is coding?").click()
    page.keyboard.type("browser-coder")
    page.keyboard.press("Enter")
    return page, page.get_by_text("participant turns coded by browser-coder")


@contextmanager
def chromium_browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def code_page(chromium: Path, url: str) -> Iterator[tuple[Any, Any]]:
    """Chromium on the Code page with the coder browser-coder chosen: the page, and its
    progress line (no turn coded yet)."""
    from playwright.sync_api import expect

    with chromium_browser(chromium) as browser:
        page, progress = open_code_page(browser, url)
        expect(progress).to_have_text("0 of 40 participant turns coded by browser-coder")
        yield page, progress
