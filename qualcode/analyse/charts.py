"""Charts of the reports, built with Altair so that the UI only has to show them.

Each function takes a :class:`~qualcode.analyse.report.Report` and returns an Altair chart;
:func:`save_chart` writes one as a standalone HTML page (or as its Vega-Lite JSON). Charts carry
counts and code labels only, never transcript text.
"""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd

from qualcode.analyse.report import Report
from qualcode.errors import QualcodeError
from qualcode.files import written

WIDTH = 480
ROW = 28  # px per row of a heatmap: room for its label and the counts written in
# Fit the width to the page and keep the height: the plot's rows keep ROW px whatever the axis
# labels take (with "fit", Streamlit's default, rotated labels squeeze the rows together).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
BREAKDOWN = "breakdown"  # the field a chart's groups (transcripts, attribute values…) are in
SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def chart(report: Report) -> alt.Chart:
    """The chart that fits the report's kind."""
    builders = {
        "frequency": frequency_chart,
        "cooccurrence": cooccurrence_chart,
        "crosstab": crosstab_chart,
    }
    return builders[report.kind](report)


def _code_colors(report: Report, codes: list[str]) -> alt.Scale:
    """The codebook's colours for ``codes`` (grey where a code has none)."""
    return alt.Scale(domain=codes, range=[report.colors.get(key) or "#bab0ac" for key in codes])


def frequency_chart(report: Report, value: str = "share") -> alt.Chart:
    """Bars per code of ``value`` (share of participant turns, or turns, participants…);
    with a breakdown, one bar per group (transcript, role…) side by side within each code."""
    table = report.table.copy()
    table["share"] = table["share"].astype("float64")
    order = list(dict.fromkeys(table["code"]))
    title = {
        "share": "Share of participant turns",
        "turns": "Turns coded",
        "participants": "Participants who raised it",
    }.get(value, value)
    axis = alt.Axis(format="%") if value == "share" else alt.Axis(format="d")
    tooltip = ["code", "label", "turns", "participants", "transcripts", "share"]
    if report.by == "code":
        return (
            alt.Chart(table, title=f"{title} — coder {report.coder.name}")
            .mark_bar()
            .encode(
                y=alt.Y("code:N", sort=order, title=None),
                x=alt.X(f"{value}:Q", title=title, axis=axis),
                color=alt.Color("code:N", scale=_code_colors(report, order), legend=None),
                tooltip=tooltip,
            )
            .properties(width=WIDTH)
        )
    name = report.column or report.by
    if report.by == "speaker":
        table[BREAKDOWN] = table["transcript"] + " " + table["speaker"]
    else:  # under a name of its own: an attribute's name may hold a Vega-Lite . or :
        table[BREAKDOWN] = table[name]
    return (
        alt.Chart(table, title=f"{title} by {name} — coder {report.coder.name}")
        .mark_bar()
        .encode(
            y=alt.Y("code:N", sort=order, title=None),
            yOffset=alt.YOffset(f"{BREAKDOWN}:N"),
            x=alt.X(f"{value}:Q", title=title, axis=axis),
            color=alt.Color(f"{BREAKDOWN}:N", title=name),
            tooltip=[alt.Tooltip(f"{BREAKDOWN}:N", title=name), *tooltip],
        )
        .properties(width=WIDTH)
    )


def cooccurrence_chart(report: Report) -> alt.Chart:
    """A heatmap of code × code: turns coded with both, with the counts written in."""
    codes = list(report.table["code"])
    long = report.table.melt(
        id_vars=["code", "label"], value_vars=codes, var_name="with", value_name="turns"
    )
    base = alt.Chart(long, title=f"Turns coded with both codes — coder {report.coder.name}")
    heat = base.mark_rect().encode(
        x=alt.X("with:N", sort=codes, title=None),
        y=alt.Y("code:N", sort=codes, title=None),
        color=alt.Color("turns:Q", scale=alt.Scale(scheme="blues"), title="turns"),
        tooltip=["code", "with", "turns"],
    )
    text = base.mark_text(fontSize=10).encode(
        x=alt.X("with:N", sort=codes),
        y=alt.Y("code:N", sort=codes),
        text="turns:Q",
        color=alt.condition(
            alt.datum.turns > long["turns"].max() / 2, alt.value("white"), alt.value("black")
        ),
    )
    size = max(200, ROW * len(codes))
    return (heat + text).properties(width=size, height=ROW * len(codes), autosize=FIT_WIDTH)


def crosstab_chart(report: Report) -> alt.Chart:
    """A heatmap of code × group (or transcript, speaker, role)."""
    table = report.table.drop(columns=["total"], errors="ignore")
    columns = [c for c in table.columns if c not in ("code", "label")]
    name = report.column or report.by
    long = table.melt(
        id_vars=["code", "label"], value_vars=columns, var_name=BREAKDOWN, value_name="value"
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    codes = list(table["code"])
    cell = report.notes[-1].removeprefix("Cells: ").rstrip(".") if report.notes else "value"
    base = alt.Chart(long, title=f"{cell.capitalize()} — coder {report.coder.name}")
    heat = base.mark_rect().encode(
        x=alt.X(f"{BREAKDOWN}:N", sort=columns, title=None, axis=alt.Axis(labelLimit=240)),
        y=alt.Y("code:N", sort=codes, title=None),
        color=alt.Color("value:Q", scale=alt.Scale(scheme="blues"), title=cell.split(" per ")[0]),
        tooltip=["code", "label", alt.Tooltip(f"{BREAKDOWN}:N", title=name), "value"],
    )
    text = base.mark_text(fontSize=10).encode(
        x=alt.X(f"{BREAKDOWN}:N", sort=columns),
        y=alt.Y("code:N", sort=codes),
        text=alt.Text("value:Q", format=".2~f"),
    )
    return (heat + text).properties(
        width=max(200, 90 * len(columns)), height=ROW * len(codes), autosize=FIT_WIDTH
    )


def saturation_chart(found) -> alt.LayerChart:
    """Saturation (:class:`qualcode.analyse.saturation.Saturation`): bars of the new codes
    each transcript added, and the line of the share of the codebook seen so far."""
    table = found.table
    order = list(table["transcript"])
    base = alt.Chart(table, title=f"New codes per transcript — coder {found.coder.name}")
    x = alt.X("transcript:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40))
    bars = base.mark_bar(color="#9ecae1").encode(
        x=x,
        y=alt.Y("new_codes:Q", title="New codes", axis=alt.Axis(format="d")),
        tooltip=["position", "transcript", "group", "new_codes", "new", "seen", "share"],
    )
    line = base.mark_line(point=True, color="#08519c").encode(
        x=x,
        y=alt.Y(
            "share:Q",
            title="Share of the codebook seen",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
    )
    width = max(WIDTH, 36 * len(order))
    return alt.layer(bars, line).resolve_scale(y="independent").properties(width=width)


class ScriptSafeJSON(json.JSONEncoder):
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>``, ``&`` and the line
    separators U+2028/U+2029 are written as ``\\u`` escapes, so that no label or group name
    (``</script>``…) can end the element; the JSON still parses to the same values."""

    def encode(self, o: object) -> str:
        return super().encode(o).translate(SCRIPT_SAFE)


def save_chart(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Write ``chart`` to ``path`` (whole or not at all): .html (a standalone page) or .json
    (Vega-Lite spec).

    The page carries the Vega JavaScript libraries inline (through vl-convert-python), so it
    opens offline and fetches nothing from anywhere; the spec is embedded as script-safe JSON
    (:class:`ScriptSafeJSON`), so that the data cannot add a script to the page."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("html", "json"):
        raise QualcodeError("a chart is written as .html (a web page) or .json", path)
    options = {"inline": True, "json_kwds": {"cls": ScriptSafeJSON}} if fmt == "html" else {}
    with written(path) as partial:
        chart.save(str(partial), format=fmt, **options)
    return path
