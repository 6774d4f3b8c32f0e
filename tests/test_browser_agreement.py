"""The Agreement page's table in a real browser (see tests/browser.py): every column, the
intervals included, fits a 1,400 px wide window, without scrolling sideways."""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, EXPECT_TIMEOUT, chromium, chromium_browser, served, settled

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["chromium", "served"]  # fixtures

OVERFLOW = """() => {
  const scroller = document.querySelector('[data-testid=stDataFrame] .dvn-scroller');
  return scroller ? [scroller.scrollWidth, scroller.clientWidth] : null;
}"""


def test_the_agreement_table_fits_the_page_with_its_intervals(chromium, served):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    url, _ = served
    with chromium_browser(chromium) as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(f"{url}/agreement")
        table = page.locator("[data-testid=stDataFrame]").first
        expect(table).to_be_visible()
        settled(page)
        toggle = page.get_by_test_id("stCheckbox").filter(has_text="Intervals")
        toggle.get_by_text("Intervals", exact=True).click()
        expect(toggle.get_by_role("switch")).to_be_checked()
        expect(page.get_by_text("bootstrap resamples")).to_be_visible()
        page.wait_for_timeout(1000)
        widths = page.evaluate(OVERFLOW)
        table.screenshot(path=ARTIFACTS / "agreement-table-intervals.png")
        assert widths is not None
        content, shown = widths
        assert content <= shown, f"{content} px of columns in {shown} px"
