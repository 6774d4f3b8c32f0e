"""The Reports page's heatmaps in a real browser (see tests/browser.py): each row of the
co-occurrence and crosstab heatmaps gets its own height, whatever the axis labels take."""

from __future__ import annotations

import io

import pytest
from browser import ARTIFACTS, EXPECT_TIMEOUT, chromium, chromium_browser, served
from PIL import Image

from qualcode.analyse.charts import ROW

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["chromium", "served"]  # fixtures

CODES = 5  # the demo's codebook: five themes, one heatmap row each


def plot_height(png: bytes) -> int:
    """The height in pixels of a heatmap's cells in a chart's screenshot: from the first to
    the last row of pixels where a vertical line through the plot (at 60 % of the width, past
    the row labels) meets the blue of a cell."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    x = int(image.width * 0.6)
    blue = [
        y
        for y in range(image.height)
        if (pixel := image.getpixel((x, y)))[2] > pixel[0] + 25 and pixel[2] > 120
    ]
    return blue[-1] - blue[0] + 1 if blue else 0


def test_heatmaps_give_every_code_a_row_of_its_own(chromium, served):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    url, _ = served
    with chromium_browser(chromium) as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{url}/reports")
        for view, name in (("Co-occurrence", "cooccurrence"), ("Crosstab", "crosstab")):
            page.get_by_text(view, exact=True).click()
            title = "Turns coded with both codes" if name == "cooccurrence" else "Turns per group"
            chart = page.locator("[data-testid=stVegaLiteChart]").filter(has_text=title)
            expect(chart).to_have_count(1)
            page.wait_for_timeout(1000)  # Vega draws after the element appears
            png = chart.screenshot(path=ARTIFACTS / f"reports-{name}.png")
            # 5 rows of ROW px; squeezed by the axis labels they were 2-12 px each
            assert plot_height(png) >= CODES * ROW - 2, name
