"""The Search page in a real browser (see tests/browser.py): a word found across transcripts,
its hits marked, and a result followed to its place on the Code page."""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, EXPECT_TIMEOUT, chromium, chromium_browser, outside, served

from qualcode.app.markup import text_spans
from qualcode.store import Project
from qualcode.workbench import TurnFilter, search_turns

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["chromium", "served"]  # fixtures


def test_search_across_transcripts_and_open_a_hit_on_the_code_page(chromium, served):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    url, path = served
    with Project(path) as project:
        turn_id = project.turn_id("netvaerk-2", 36)  # "weekend" is in its text; Code page 2
        hits = search_turns(project, where=TurnFilter(text="weekend")).turns
        words = sum(len(text_spans(turn["text"], "weekend")) for turn in hits)
    assert (len(hits), words) == (4, 5)  # one of the four turns says it twice
    with chromium_browser(chromium) as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        made: list[str] = []
        context.on("request", lambda request: made.append(request.url))
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{url}/search")
        expect(page.get_by_text("showing 1–25 of 247 turns in 4 transcripts").first).to_be_visible()
        box = page.get_by_label("Search every transcript")
        box.fill("weekend")
        box.press("Enter")
        expect(page.get_by_text("showing 1–4 of 4 turns in 3 transcripts").first).to_be_visible()
        marks = page.locator(".qc-turn mark")
        expect(marks).to_have_count(5)
        assert {text.casefold() for text in marks.all_inner_texts()} == {"weekend"}
        assert page.locator(".qc-where").all_inner_texts() == [
            "netvaerk-1",
            "netvaerk-1",
            "netvaerk-2",
            "netvaerk-3",
        ]
        assert "s_text=weekend" in page.url
        page.screenshot(path=ARTIFACTS / "search-page.png")

        with context.expect_page() as opened:
            page.locator(f".st-key-hit-{turn_id} a").first.click()
        code = opened.value
        code.set_default_timeout(20_000)
        expect(code.get_by_text("Page 2 of 3 · showing 26–50 of 59 turns").first).to_be_visible()
        expect(code.locator(".qc-turn").filter(has_text="turn 36")).to_be_visible()
        assert "transcript=netvaerk-2" in code.url and "page=2" in code.url
        code.locator(".qc-turn").filter(has_text="turn 36").scroll_into_view_if_needed()
        code.screenshot(path=ARTIFACTS / "search-to-code-page.png")
        context.close()
    assert made and not outside(made, url)
