"""Reports page: theme frequencies with their charts, the co-occurrence heatmap, code × group
crosstabs, quote lists per theme with downloads, the memos with their turns, the thematic
write-up, the framework matrix and saturation.

Every figure comes from :mod:`qualcode.analyse.report` (SQLite does the counting) and is cached
until the project changes; only the chosen report is computed. Tables longer than a page are
shown a page at a time, and quotes are read a page at a time from the library's stream.
"""

from __future__ import annotations

import html
import io
from itertools import islice

import pandas as pd
import streamlit as st

from qualcode.analyse.charts import (
    cooccurrence_chart,
    crosstab_chart,
    frequency_chart,
    saturation_chart,
)
from qualcode.analyse.common import CoderChoice, consensus_coders
from qualcode.analyse.common import choose_coder as library_choose_coder
from qualcode.analyse.memos import COLUMNS as MEMO_COLUMNS
from qualcode.analyse.memos import memo_table
from qualcode.analyse.report import ATTRIBUTE, Attributes, cooccurrence, crosstab, frequency
from qualcode.analyse.saturation import saturation
from qualcode.app import session
from qualcode.app.downloads import (
    MIME,
    download_name,
    framework_file,
    quote_file,
    writeup_file,
)
from qualcode.app.markup import STYLE, literal
from qualcode.errors import QualcodeError
from qualcode.export.framework import framework
from qualcode.export.quotes import ALL_CODERS, FORMATS, quotes
from qualcode.export.themes import themes
from qualcode.export.writeup import FRAMEWORK_FORMATS, WRITEUP_FORMATS, writeup_body
from qualcode.files import csv_text
from qualcode.store import Project
from qualcode.workbench import speaker_attributes

VIEWS = {
    "frequency": "Frequency",
    "cooccurrence": "Co-occurrence",
    "crosstab": "Crosstab",
    "quotes": "Quotes",
    "memos": "Memos",
    "themes": "Write-up",
    "framework": "Framework",
    "saturation": "Saturation",
}
BY = {
    "group": "Group",
    "speaker": "Speaker",
    "transcript": "Transcript",
    "role": "Role",
    "code": "Codes only",
}
VALUES = {"share": "Share of participant turns", "turns": "Turns", "participants": "Participants"}
TABLE_ROWS = 500
CHART_VALUES = 12  # at most this many groups (speakers, transcripts…) side by side in a chart
HEATMAP_COLUMNS = 40
QUOTES_PER_PAGE = 20
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "docx": "Word", "md": "Markdown", "html": "HTML"}
AUTOMATIC = "(automatic)"
WRITEUP_STYLE = """<style>
.qc-writeup { line-height: 1.55; }
.qc-writeup blockquote { margin: 0.8rem 0 0.8rem 0.5rem; padding-left: 0.9rem;
    border-left: 3px solid #bbb; white-space: normal; }
.qc-writeup cite { display: block; font-size: 0.85rem; color: #555; margin-top: 0.2rem; }
</style>"""


def choose_coder(project: Project) -> str | None:
    """Whose codings to count: a coder, a consensus coder, or automatic (the library's
    choice: the consensus coder if there is one, else the coder with the most codings)."""
    consensus = {row["name"]: row for row in consensus_coders(project)}

    def name(coder: str) -> str:
        if coder == AUTOMATIC:
            return "Automatic (consensus if there is one)"
        if coder in consensus:
            row = consensus[coder]
            return f"{coder} (consensus of {row['coder_a']} and {row['coder_b']})"
        return coder

    chosen = st.selectbox(
        "Coder", [AUTOMATIC, *project.coders()], format_func=name, key="report_coder"
    )
    return None if chosen == AUTOMATIC else chosen


def automatic_coder(project: Project) -> str:
    """The name of the coder Automatic counts (for download names)."""
    return library_choose_coder(project).name


def still_open(choice: CoderChoice) -> bool:
    """Whether the page warns of the consensus coder's open disagreements (the caption above
    the warning then leaves them out)."""
    return bool(choice.consensus_of and choice.open_disagreements)


def own_figures(choice: CoderChoice, what: str = "figures") -> None:
    """Under the line that says whose figures these are: how to see another coder's, in this
    page's controls; under a consensus coder with disagreements still open, a choice of the
    two coders' own figures (it sets the Coder box above)."""
    if choice.others:
        st.caption(
            "Choose another coder in the Coder box above, or settle two coders' "
            "disagreements on the Agreement page to count their consensus."
        )
    if not still_open(choice):
        return
    a, b = choice.consensus_of
    st.warning(
        literal(
            f"{choice.still_open()}, so these {what} hold only the codes both applied "
            f"there. Settle them on the Agreement page, or see each coder's own {what}:"
        )
    )
    with st.container(horizontal=True):
        for name in (a, b):
            st.button(
                literal(f"{name}'s {what}"),
                key=f"own_figures_{name}",
                on_click=st.session_state.update,
                kwargs={"report_coder": name},
            )


def table_page(table: pd.DataFrame, key: str) -> None:
    """A table, a page of rows at a time when it is long."""
    if len(table) <= TABLE_ROWS:
        st.dataframe(table, hide_index=True)
        return
    pages = -(-len(table) // TABLE_ROWS)
    number = st.pagination(pages, key=f"{key}-{pages}")
    start = (number - 1) * TABLE_ROWS
    st.caption(f"Rows {start + 1}–{min(start + TABLE_ROWS, len(table))} of {len(table)}")
    st.dataframe(table.iloc[start : start + TABLE_ROWS], hide_index=True)


def breakdowns(project: Project) -> dict[str, str]:
    """The breakdowns a report offers: BY, then one per speaker attribute in the project."""
    names = dict.fromkeys(name for name, _ in session.derived(speaker_attributes, project))
    return {**BY, **{f"{ATTRIBUTE}{name}": literal(name) for name in names}}


def choose_speakers(project: Project) -> Attributes:
    """The speaker attributes the reports are narrowed to (none: every speaker)."""
    pairs = {
        f"{name}={value}": (name, value)
        for name, value in session.derived(speaker_attributes, project)
    }
    if not pairs:
        return ()
    chosen = st.multiselect(
        "Speakers with",
        list(pairs),
        format_func=lambda value: " = ".join(pairs[value]),
        placeholder="Every speaker",
        key="report_speakers",
        help="Count and quote only the turns of speakers with every one of these attributes "
        "(set on the Project page); shares are then over their participant turns.",
    )
    return tuple(pairs[value] for value in chosen if value in pairs)


def frequency_view(project: Project, coder: str | None, rollup: bool, where: Attributes) -> None:
    by_column, value_column = st.columns(2)
    by = session.choose(by_column, "Counted by", breakdowns(project), "group", "report_by")
    value = session.choose(value_column, "Chart", VALUES, "share", "report_value")
    report = session.derived(frequency, project, by, coder=coder, rollup=rollup, attributes=where)
    st.caption(literal(report.describe(still_open=not still_open(report.coder))))
    own_figures(report.coder)
    table_page(report.table, "frequency")
    shown = report
    if by != "code":
        column = report.column
        values = report.table[["transcript", column] if by == "speaker" else [column]]
        distinct = len(values.drop_duplicates())
        if distinct > CHART_VALUES:
            st.caption(
                literal(
                    f"{distinct} values of {column} are too many to chart side by side: the "
                    "chart shows the codes over all of them."
                )
            )
            shown = session.derived(
                frequency, project, "code", coder=coder, rollup=rollup, attributes=where
            )
    st.altair_chart(frequency_chart(shown, value))


def cooccurrence_view(project: Project, coder: str | None, rollup: bool, where: Attributes) -> None:
    report = session.derived(cooccurrence, project, coder=coder, rollup=rollup, attributes=where)
    st.caption(literal(report.describe(still_open=not still_open(report.coder))))
    own_figures(report.coder)
    st.altair_chart(cooccurrence_chart(report))
    st.dataframe(report.table, hide_index=True)


def crosstab_view(project: Project, coder: str | None, rollup: bool, where: Attributes) -> None:
    by_column, value_column = st.columns(2)
    names = breakdowns(project)
    columns = [b for b in names if b != "code"]
    by = session.choose(by_column, "Columns", names, "group", "crosstab_by", options=columns)
    value = session.choose(value_column, "Cells", VALUES, "turns", "crosstab_value")
    report = session.derived(
        crosstab, project, by, value, coder=coder, rollup=rollup, attributes=where
    )
    st.caption(literal(report.describe(still_open=not still_open(report.coder))))
    own_figures(report.coder)
    columns = len(report.table.columns) - 2
    if columns <= HEATMAP_COLUMNS:
        st.altair_chart(crosstab_chart(report))
    else:
        st.caption(f"{columns} columns are too many for a heatmap; the table has them all.")
    st.dataframe(report.table, hide_index=True)


def quote_cards(
    project: Project, theme: str, coder: str | None, pseudonymize: bool, where: Attributes
) -> None:
    """One page of the theme's quotes (read from the library's stream, in codebook, transcript
    and turn order), with previous/next."""
    key = f"quotes-{theme}-{coder}-{pseudonymize}-{where}"
    number = int(st.session_state.get(key, 1))
    start = (number - 1) * QUOTES_PER_PAGE
    found = quotes(project, [theme], coder, pseudonymize, attributes=where)
    every = found.every_coder
    page = list(islice(found.quotes, start, start + QUOTES_PER_PAGE + 1))
    more = len(page) > QUOTES_PER_PAGE
    page = page[:QUOTES_PER_PAGE]
    st.caption(literal(found.describe(still_open=not still_open(found.coder))))
    own_figures(found.coder, "quotes")
    if not page:
        st.info("No quotes for this theme." if number == 1 else "No more quotes.")
    cards = [
        f'<div class="qc-turn qc-participant" style="--qc-speaker:#3b6ea5">'
        f'<div class="qc-head"><b>{html.escape(q.label)}</b> · '
        f"{html.escape(q.citation(every))}</div>"
        f'<div class="qc-text">{html.escape(q.text)}</div>'
        f"{f'<div class=qc-memo>Memo: {html.escape(q.memo)}</div>' if q.memo else ''}</div>"
        for q in page
    ]
    st.html(STYLE + "<br>".join(cards))
    back, info, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        "Previous",
        key="quotes_previous",
        icon=":material/chevron_left:",
        disabled=number <= 1,
        on_click=st.session_state.update,
        kwargs={key: number - 1},
    )
    if page:
        info.caption(f"Quotes {start + 1}–{start + len(page)}")
    forward.button(
        "Next",
        key="quotes_next",
        icon=":material/chevron_right:",
        disabled=not more,
        on_click=st.session_state.update,
        kwargs={key: number + 1},
    )


def quotes_view(project: Project, coder: str | None, where: Attributes) -> None:
    book = project.codebook()
    themes = {code.key: code.display() for code, parent in book.walk() if parent is None}
    if not themes:
        st.info("The codebook has no codes yet.")
        return
    theme_column, pseudonym_column, every_column = st.columns(
        [2, 1, 1], vertical_alignment="bottom"
    )
    theme = theme_column.selectbox(
        "Theme",
        list(themes),
        format_func=lambda key: f"{themes[key]} ({key})",
        key="quote_theme",
    )
    pseudonymize = pseudonym_column.toggle(
        "Pseudonymize speakers",
        key="pseudonymize",
        help="Speaker labels become P01, P02… (interviewers I01…), the same in every export. "
        "Names said inside the quotes stay.",
    )
    if every_column.toggle(
        "Every coder",
        key="quotes_every_coder",
        help="The quotes of every coder, each naming its coder (instead of the Coder above).",
    ):
        coder = ALL_CODERS
    scope_column, buttons = st.columns([1, 3], vertical_alignment="bottom")
    scope = scope_column.segmented_control(
        "Download the quotes of",
        ["theme", "every"],
        format_func={"theme": "This theme", "every": "Every theme"}.get,
        default="every",
        required=True,
        key="quotes_scope",
    )
    chosen = [theme] if scope == "theme" else None
    whose = coder if coder is not None else session.derived(automatic_coder, project)
    with buttons.container(horizontal=True):
        for fmt in FORMATS:
            st.download_button(
                FORMAT_NAMES[fmt],
                data=lambda fmt=fmt: quote_file(
                    project.path, fmt, chosen, coder, pseudonymize, where
                ),
                file_name=download_name(project.path, "quotes", whose, fmt, chosen and theme),
                mime=MIME[fmt],
                icon=":material/download:",
                key=f"quotes_{fmt}",
                on_click="ignore",
            )
    quote_cards(project, theme, coder, pseudonymize, where)


def memos_view(project: Project, coder: str | None, where: Attributes) -> None:
    """Every memo with its turn (of the chosen coder, or everyone's with Automatic), filtered
    by a code and by the speakers chosen above, and as a CSV download."""
    book = project.codebook()
    code = session.choose_code(st, "On turns coded with", book, "Any code (or none)", "memo_code")
    rows = session.derived(memo_table, project, coder, code, where)
    whose = f"by {coder}" if coder else "by every coder"
    speakers = " and ".join(f"{name} = {value}" for name, value in where)
    on = f", on turns of speakers with {speakers}" if where else ""
    st.caption(literal(f"{len(rows)} memo(s) {whose}{on}."))
    if not rows:
        return
    table_page(pd.DataFrame(rows, columns=MEMO_COLUMNS), "memos")
    st.download_button(
        "CSV",
        data=lambda: csv_text(rows, MEMO_COLUMNS),
        file_name=download_name(project.path, "memos", coder, "csv", code),
        mime="text/csv",
        icon=":material/download:",
        key="memos_csv",
        on_click="ignore",
    )


def downloads(
    project: Project, coder: str | None, formats: tuple[str, ...], make, report: str
) -> None:
    """One download button per format; ``make(fmt)`` makes the file only when clicked. The
    file is named after project, report and coder."""
    columns = st.columns(len(formats) + 2)
    who = coder or automatic_coder(project)
    for column, fmt in zip(columns, formats, strict=False):
        column.download_button(
            FORMAT_NAMES.get(fmt, fmt.upper()),
            data=lambda fmt=fmt: make(fmt),
            file_name=download_name(project.path, report, who, fmt),
            mime=MIME[fmt],
            icon=":material/download:",
            key=f"{report}-{fmt}",
            on_click="ignore",
        )


def writeup_view(project: Project, coder: str | None) -> None:
    """The thematic write-up: a preview (all text escaped) and its downloads."""
    found = session.derived(themes, project, coder)
    st.caption(
        "Per theme: its description, how widely it was raised, where, its sub-codes, the "
        "themes coded with it, the coders' agreement and quotes cited by pseudonym and group. "
        "Every number and quote comes from the project; edit the downloaded file."
    )
    make = lambda fmt: writeup_file(found, fmt)  # noqa: E731
    downloads(project, coder, WRITEUP_FORMATS, make, "themes")
    preview = io.StringIO()
    writeup_body(found, preview)
    with st.container(border=True, height=700, key="writeup-preview"):
        st.html(WRITEUP_STYLE + f'<div class="qc-writeup">{preview.getvalue()}</div>')


def framework_view(project: Project, coder: str | None) -> None:
    """Participants × themes, each cell the participant's coded passages; downloads."""
    pseudonymize = st.toggle("Pseudonymize speakers", value=True, key="framework_pseudonymize")
    counts = st.toggle("Count the passages", key="framework_counts")
    found = session.derived(framework, project, coder, pseudonymize=pseudonymize, counts=counts)
    st.caption(literal(found.describe()))
    downloads(
        project,
        coder,
        FRAMEWORK_FORMATS,
        lambda fmt: framework_file(project.path, fmt, coder, pseudonymize),
        "framework",
    )
    labels = [label for _, label in found.themes]
    table = pd.DataFrame(
        [[row.group, row.participant, *found.cells(row)] for row in found.rows],
        columns=["Group", "Participant", *labels],
    )
    table_page(table, "framework")


def saturation_view(project: Project, coder: str | None) -> None:
    """New codes per transcript and the share of the codebook seen, as a chart and a table."""
    order = session.choose(
        st, "Order", {"name": "By name", "imported": "By import"}, "name", "saturation_order"
    )
    found = session.derived(saturation, project, coder, order)
    st.caption(literal(found.describe()))
    if len(found.table):
        st.altair_chart(saturation_chart(found))
    st.dataframe(found.table, hide_index=True)


def page() -> None:
    st.title("Reports")
    session.show_messages()
    project = session.require_project()
    coder_column, rollup_column = st.columns([2, 1], vertical_alignment="bottom")
    with coder_column:
        coder = choose_coder(project)
    where = choose_speakers(project)
    rollup = rollup_column.toggle(
        "Count sub-codes in their themes",
        value=True,
        key="report_rollup",
        help="A turn coded with a sub-code counts (once) for its theme too.",
    )
    view = session.choose(st, "Report", VIEWS, "frequency", "report_view")
    try:
        {
            "frequency": lambda: frequency_view(project, coder, rollup, where),
            "cooccurrence": lambda: cooccurrence_view(project, coder, rollup, where),
            "crosstab": lambda: crosstab_view(project, coder, rollup, where),
            "quotes": lambda: quotes_view(project, coder, where),
            "memos": lambda: memos_view(project, coder, where),
            "themes": lambda: writeup_view(project, coder),
            "framework": lambda: framework_view(project, coder),
            "saturation": lambda: saturation_view(project, coder),
        }[view or "frequency"]()
    except QualcodeError as error:  # e.g. no codings yet
        st.info(literal(session.error_text(error)))


page()
