"""Time a click on the Code page in real Chromium, from the click to the coding being stored and
shown, against a bare Streamlit app that stores one row on a click, in the same run.

    python benchmarks/bench_browser.py [--transcripts 1000] [--turns 200] [--clicks 16]

Both apps are served by ``streamlit run`` (headless, on 127.0.0.1) and driven by Playwright in
Debian's Chromium, one after the other:

- the baseline: a one-button Streamlit app; a click inserts a row into an SQLite file and the
  page shows the new row count. Timed from the click until the count shows.
- qualcode: the Code page on the generated study (``generate_study.py``'s 1,000 transcripts,
  built once and cached as ``bench_ui.py`` does), a new coder, 25 and then 100 turns per page
  (with the open keyword suggestions of the transcript computed beforehand, untimed). A click
  on the first pill of a turn not yet coded; timed from the click until the page shows the
  turn's pill applied and the progress line counts one more coded turn (both drawn from the
  project file after the write, so the coding is stored), then checked in the file.

Each series starts with two untimed clicks (the first render loads the language pipeline);
the median and the 90th percentile of ``--clicks`` timed clicks are printed, and the ratio of
the medians to the baseline's. Targets: median ≤ 300 ms at 25 turns per page, ≤ 600 ms at 100.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_ui import study_project  # noqa: E402

from qualcode.store import PROJECT_ENV, Project  # noqa: E402
from qualcode.suggest.workflow import compute_suggestions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CODER = "bench-coder"

BARE_APP = """
import sqlite3, sys
import streamlit as st

conn = sqlite3.connect(sys.argv[1])
conn.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, at REAL)")

def store():
    with conn:
        conn.execute("INSERT INTO rows (at) VALUES (julianday('now'))")

st.button("Store a row", on_click=store)
st.write(f"{conn.execute('SELECT count(*) FROM rows').fetchone()[0]} rows stored")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(script: Path, args: list[str], env: dict[str, str], log: Path) -> Iterator[str]:
    """``streamlit run script`` on a free port on 127.0.0.1: its address."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    command += ["--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "--", *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                        if response.read() == b"ok":
                            break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"{script} did not start:\n{log.read_text()}") from None
                    time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def until(page, script: str, arg) -> None:
    """Wait until ``script`` (a JavaScript function of ``arg``) is true, checked at every
    animation frame (Playwright's own waits poll at 100 ms and more, too coarse to time by)."""
    page.wait_for_function(script, arg=arg, polling="raf")


# The checks read textContent, not innerText: innerText lays the page out anew at every
# frame, which on a page of 100 turns slows the very drawing being timed.
SHOWS_TEXT = "text => document.body.textContent.includes(text)"
PILL_ON = """([turn, text]) => {
    const group = `[class*=st-key-codes-${turn}-]`;
    const pill = document.querySelector(`${group} button[data-variant='pills']`);
    const progress = document.querySelector('[data-testid="stProgress"]');
    return pill && pill.getAttribute('aria-pressed') === 'true'
        && progress && progress.textContent.includes(text);
}"""


def figures(times: list[float]) -> tuple[float, float]:
    """Median and 90th percentile, in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000


def bare_app(browser, folder: Path, clicks: int) -> list[float]:
    from playwright.sync_api import expect

    script = folder / "bare_app.py"
    script.write_text(BARE_APP)
    db = folder / "bare.db"
    with served(script, [str(db)], {}, folder / "bare.log") as url:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(url)
        expect(page.get_by_text("0 rows stored")).to_be_visible(timeout=60_000)
        times = []
        for number in range(1, clicks + 3):
            start = time.perf_counter()
            page.get_by_role("button", name="Store a row").click()
            until(page, SHOWS_TEXT, f"{number} rows stored")
            if number > 2:
                times.append(time.perf_counter() - start)
        page.context.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM rows").fetchone()[0] == clicks + 2
    return times


def code_page(browser, url: str, transcript: str, size: int, clicks: int, db: Path) -> list[float]:
    """Click the first pill of ``clicks + 2`` uncoded turns of the page, one after the other."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/code?coder={CODER}&transcript={transcript}&page_size={size}")
    progress = page.get_by_text(f"participant turns coded by {CODER}")
    expect(progress).to_contain_text("0 of", timeout=120_000)
    total = progress.inner_text().split(" of ")[1].split()[0]
    with Project(db) as project:
        turn_ids = [
            row["id"]
            for row in project.query(
                "SELECT turns.id FROM turns "
                "JOIN transcripts ON transcripts.id = turns.transcript_id "
                "JOIN speakers ON speakers.id = speaker_id WHERE transcripts.name = ? "
                "AND speakers.role != 'interviewer' AND turns.turn <= ? "
                "ORDER BY turns.turn LIMIT ?",
                [transcript, size, clicks + 2],
            )
        ]
    if len(turn_ids) < clicks + 2:
        raise RuntimeError(f"{size} turns per page hold only {len(turn_ids)} participant turns")
    times = []
    for number, turn_id in enumerate(turn_ids, start=1):
        pill = page.locator(f"[class*=st-key-codes-{turn_id}-] button[data-variant='pills']").first
        pill.scroll_into_view_if_needed()
        start = time.perf_counter()
        pill.click()
        until(page, PILL_ON, [turn_id, f"{number} of {total} participant turns"])
        if number > 2:
            times.append(time.perf_counter() - start)
    page.screenshot(path=str(ROOT / "test-artifacts" / f"bench-browser-{size}.png"))
    page.context.close()
    with Project(db) as project:
        stored = project.query(
            "SELECT count(DISTINCT turn_id) AS n FROM codings "
            "JOIN coders ON coders.id = coder_id WHERE coders.name = ?",
            [CODER],
        )[0]["n"]
    if stored != len(turn_ids):
        raise RuntimeError(f"{stored} of {len(turn_ids)} clicked turns are stored")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--clicks", type=int, default=16)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = {"bare app": bare_app(browser, folder, args.clicks)}
        db = folder / "study.db"
        shutil.copy(study_project(args.transcripts, args.turns), db)
        with Project(db) as project:
            transcript = project.query("SELECT name FROM transcripts ORDER BY name LIMIT 1")[0]
            compute_suggestions(project, transcript["name"])
        env = {PROJECT_ENV: str(db)}
        with served(ROOT / "streamlit_app.py", [], env, folder / "app.log") as url:
            for size in (25, 100):
                with Project(db) as project:  # each series starts uncoded
                    project.delete_codings(project.coder_id(CODER))
                results[f"{size} turns per page"] = code_page(
                    browser, url, transcript["name"], size, args.clicks, db
                )
        browser.close()
    baseline = statistics.median(results["bare app"])
    for name, times in results.items():
        median, p90 = figures(times)
        print(
            f"{name:>18}: median {median:5.0f} ms, 90th percentile {p90:5.0f} ms, "
            f"ratio {median / 1000 / baseline:.2f}"
        )


if __name__ == "__main__":
    main()
