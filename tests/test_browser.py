"""The served app in a real browser: ``streamlit run streamlit_app.py`` on a free port with a
demo project, driven by Playwright in Debian's Chromium. Screenshots go to test-artifacts/.

Without /usr/bin/chromium the test is skipped, except under CI (``$CI`` set), where a missing
browser is a failure."""

from __future__ import annotations

import os
import re
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
from qualcode.store import PROJECT_ENV, Project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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


@contextmanager
def code_page(chromium: Path, url: str) -> Iterator[tuple[Any, Any]]:
    """Chromium on the Code page with the coder browser-coder chosen: the page, and its
    progress line (no turn coded yet)."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(20_000)
            page.goto(f"{url}/code")
            expect(page.get_by_text("Choose who you are")).to_be_visible()
            page.get_by_label("Who is coding?").click()
            page.keyboard.type("browser-coder")
            page.keyboard.press("Enter")
            progress = page.get_by_text("participant turns coded by browser-coder")
            expect(progress).to_have_text("0 of 40 participant turns coded by browser-coder")
            yield page, progress
        finally:
            browser.close()


def test_code_a_turn_in_the_browser(chromium, served):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)

    url, path = served
    with Project(path) as project:
        turn_id = project.turn_id(EN, 2)
        awareness = project.codebook().get("awareness").display("en")
    with code_page(chromium, url) as (page, progress):
        pill = page.locator(f".st-key-codes-{turn_id} button").filter(has_text=awareness)
        pill.click()
        expect(progress).to_have_text("1 of 40 participant turns coded by browser-coder")
        expect(pill).to_have_attribute("aria-pressed", "true")
        page.screenshot(path=ARTIFACTS / "code-page.png")

        with Project(path) as project:
            stored = project.codings(coder="browser-coder")
        assert [(c["transcript"], c["turn"], c["code"]) for c in stored] == [(EN, 2, "awareness")]

        page.get_by_role("link", name="Codebook").click()
        expect(page.get_by_label("Description")).to_be_visible()
        expect(page.get_by_text("Export YAML")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "codebook-page.png")

        page.get_by_role("link", name="Project").click()
        expect(page.get_by_text("Transcripts (4)")).to_be_visible()
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "netvaerk-4.txt", "mimeType": "text/plain", "buffer": UPLOAD}]
        )
        expect(page.get_by_text("3 turns, 3 speakers")).to_be_visible()
        with Project(path) as project:
            assert len(project.transcripts()) == 4  # previewed, not stored
        page.screenshot(path=ARTIFACTS / "project-upload-preview.png")
        page.get_by_role("button", name="Store 1 transcript(s)").click()
        expect(page.get_by_text("Transcripts (5)")).to_be_visible()
        with Project(path) as project:
            roles = {s["label"]: s["role"] for s in project.speakers("netvaerk-4")}
        assert roles == {"TK": "interviewer", "D1": "participant", "D2": "participant"}
        page.locator("[data-testid=stDataFrame] canvas").first.wait_for()
        page.screenshot(path=ARTIFACTS / "project-page.png")


def test_accept_a_suggestion_and_see_it_counted(chromium, served):
    """One click on a suggestion chip codes the turn; the Reports page counts it."""
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)

    from qualcode.suggest.workflow import compute_suggestions

    url, path = served
    with Project(path) as project:
        compute_suggestions(project, EN)
        turn_id = project.turn_id(EN, 2)
        awareness = project.codebook().get("awareness").display("en")
    with code_page(chromium, url) as (page, progress):
        card = page.locator(f".st-key-turn-{turn_id}")
        expect(card.locator("mark").first).to_be_visible()  # the evidence words
        chip = page.locator(f".st-key-accept-{turn_id}-awareness").get_by_role(
            "button", name=re.compile(f"^{re.escape(awareness)} · ")
        )
        expect(chip).to_be_visible()
        card.screenshot(path=ARTIFACTS / "code-page-suggestion.png")
        chip.click()
        expect(progress).to_have_text("1 of 40 participant turns coded by browser-coder")
        expect(chip).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "code-page-accepted.png")
        with Project(path) as project:
            stored = project.codings(coder="browser-coder")
        assert [(c["turn"], c["code"], c["origin"]) for c in stored] == [
            (2, "awareness", "suggestion")
        ]

        page.get_by_role("link", name="Reports").click()
        page.get_by_label("Coder").click()
        page.get_by_role("option", name="browser-coder").click()
        page.get_by_text("Codes only", exact=True).click()
        grid = page.locator("[data-testid=stDataFrame]").first
        row = grid.locator("tr").filter(has_text="awareness")
        expect(row.locator("[role=gridcell]").nth(2)).to_have_text("1")  # turns
        cells = row.locator("[role=gridcell]").all_inner_texts()
        assert [cell.strip() for cell in cells[:6]] == [
            "awareness",
            "Opmærksomhed og accept",
            "1",  # turns coded
            "1",  # participants
            "1",  # transcripts
            "1",  # participant turns
        ]
        other = grid.locator("tr").filter(has_text="community").locator("[role=gridcell]")
        expect(other.nth(2)).to_have_text("0")
        page.screenshot(path=ARTIFACTS / "reports-page.png")

        page.get_by_text("Quotes", exact=True).click()
        expect(page.get_by_text("Quotes 1–1")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="CSV").click()
        rows = download.value.path().read_text(encoding="utf-8").splitlines()
        assert rows[0].startswith("code,label,transcript,group,turn,speaker,text")
        assert len(rows) == 2 and rows[1].startswith("awareness,")
        page.screenshot(path=ARTIFACTS / "reports-quotes.png")
