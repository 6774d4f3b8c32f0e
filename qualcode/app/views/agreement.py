"""Agreement page: how far coders agree, code by code, and adjudicating where two differ.

The statistics and their reading come from :mod:`qualcode.analyse.project_agreement` (cached
until the project changes). The disagreements are read a page at a time; each is adjudicated
into the consensus coder with one click (:func:`qualcode.analyse.consensus.adjudicate_turn`).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from qualcode.analyse.common import consensus_coders
from qualcode.analyse.consensus import DEFAULT_CONSENSUS, adjudicate_turn, disagreements
from qualcode.analyse.project_agreement import (
    INTERVAL_COLUMNS,
    READINGS,
    UNITS,
    agreement_table,
    project_agreement,
    source_rows,
)
from qualcode.app import session
from qualcode.app.markup import STYLE, chip, highlight, literal
from qualcode.codebook import Codebook
from qualcode.store import Project

UNIT_NAMES = {"turn": "Turns", "sentence": "Sentences", "character": "Characters"}
SECTIONS = {"statistics": "Statistics", "disagreements": "Disagreements"}
PER_PAGE = 10
SEED = 2007  # the page's intervals are reproducible: the same seed every time
NAMES = {
    "krippendorff_alpha": "Krippendorff's alpha",
    "cohen_kappa": "Cohen's kappa",
    "percent_agreement": "% agreement",
    "gwet_ac1": "Gwet's AC1",
    "fleiss_kappa": "Fleiss' kappa",
}
SHORT = {"krippendorff_alpha": "alpha", "cohen_kappa": "kappa", "gwet_ac1": "AC1"}
KEEP = {
    "a": "Keep {a}'s",
    "b": "Keep {b}'s",
    "both": "Keep both",
    "none": "Keep neither",
}
KEEP_HELP = {
    "a": "The codes both applied, and {a}'s other codes on this turn.",
    "b": "The codes both applied, and {b}'s other codes on this turn.",
    "both": "The codes both applied, and every other code either of them applied here.",
    "none": "Only the codes both applied.",
}
DECIDED = {
    "a": "kept {a}'s codes",
    "b": "kept {b}'s codes",
    "both": "kept both coders' codes",
    "none": "kept only the codes both applied",
    "codes": "kept the agreed codes and a chosen list",
}


def choose_coders(project: Project) -> list[str]:
    consensus = {row["name"] for row in consensus_coders(project)}
    coders = project.coders()
    originals = [name for name in coders if name not in consensus]
    return st.multiselect(
        "Coders to compare",
        coders,
        default=originals[:2],
        key="agreement_coders",
        help="Two coders for Cohen's kappa and for adjudicating disagreements; more for the "
        "others.",
    )


def _with_intervals(rows: list[dict], two_coders: bool) -> pd.DataFrame:
    """The table as the page shows it, to fit its width: each statistic with an interval as
    one text column, "0.927 (0.83–1.00)"; Fleiss' kappa left out for two coders (Cohen's
    kappa is there) and Cohen's for more (it has none); the reading beside the label."""
    table = pd.DataFrame(rows)
    for name in INTERVAL_COLUMNS:
        low, high = f"{name}_low", f"{name}_high"
        if low not in table:
            continue
        table[name] = [
            "" if pd.isna(value) else f"{value:.3f}" + ("" if pd.isna(a) else f" ({a:.2f}–{b:.2f})")
            for value, a, b in zip(table[name], table[low], table[high], strict=True)
        ]
        table = table.drop(columns=[low, high])
    table = table.drop(columns=["fleiss_kappa" if two_coders else "cohen_kappa"], errors="ignore")
    order = ["code", "label", "reading"]
    return table[[*order, *(column for column in table.columns if column not in order)]]


def statistics(project: Project, coders: list[str], unit: str, rollup: bool, ci: bool) -> None:
    options = {"rollup": rollup, **({"ci": True, "seed": SEED} if ci else {})}
    result = session.derived(project_agreement, project, tuple(coders), unit, **options)
    st.caption(
        f"{result['n_units']} units ({result['unit_description']}) in {result['transcripts']} "
        f"transcripts coded by at least two of {literal(', '.join(result['coders']))}."
    )
    columns = {
        name: st.column_config.NumberColumn(label, width=90) for name, label in NAMES.items()
    }
    columns.update(
        code=st.column_config.TextColumn("code", width=100),
        label=st.column_config.TextColumn("label", width=130),
        reading=st.column_config.TextColumn("reading", width=90),
        n_units=st.column_config.NumberColumn("units", width=60),
        units_disagreed=st.column_config.NumberColumn(
            "differed", width=70, help="Units where the coders decided differently"
        ),
    )
    if ci:
        level = f"{result['intervals']['confidence']:.0%}"
        for name in INTERVAL_COLUMNS:
            columns[name] = st.column_config.TextColumn(
                f"{SHORT[name]} ({level})",
                width=130,
                help=f"{NAMES[name]} and its {level} bootstrap interval",
            )
        st.caption(
            f"Intervals: {level}, {result['intervals']['resamples']} bootstrap resamples "
            f"(seed {SEED}); alpha's by Hayes & Krippendorff (2007), kappa's and AC1's over "
            "units. Each code's reading goes by the lower bound of its alpha interval."
        )
    st.dataframe(
        _with_intervals(agreement_table(result), len(result["coders"]) == 2),
        hide_index=True,
        column_config=columns,
        key="agreement_table",
    )
    if unit == "character":
        with st.expander("Per source (transcript), as NVivo computes them"):
            st.caption(
                "Each transcript's own figures (NVivo computes kappa per code and source), then "
                "per code their plain mean, their mean weighted by each transcript's characters, "
                "and the figures pooled over all transcripts (the table above)."
            )
            st.dataframe(
                pd.DataFrame(source_rows(result)),
                hide_index=True,
                column_config=dict(columns),
                key="agreement_sources",
            )
    st.markdown(
        "**How to read it.** Per code, every unit is a yes/no decision by each coder: did they "
        "apply the code? Percent agreement counts the units where they decided alike; kappa, "
        "alpha and AC1 correct it for the agreement expected by chance. A coder who has not "
        "coded a transcript at all is left out there, not counted as 'no'. "
        "The usual bands for Krippendorff's alpha (Krippendorff 2004):\n\n"
        + "\n".join(f"- **{name}**: {text}" for name, text in READINGS.items())
        + "\n\n**The last two lines** summarise the codes "
        + html.escape(result["overall"]["pooling"])
        + ". The bands apply to each code's alpha and to these two summaries. "
        + (
            "With intervals, a code is *reliable* only when the lower bound of its alpha "
            "interval is at least .800, *tentative* when it is at least .667; the two summaries "
            "have no interval and are read from their value."
            if ci
            else "Turn on *Intervals* to see how far each figure could move with other units."
        )
    )


def code_chips(keys: list[str] | None, differ: list[str], book: Codebook) -> str:
    if keys is None:
        return "<i>did not code this transcript</i>"
    if not keys:
        return "<i>no codes</i>"
    codes = {code.key: code for code, _ in book.walk()}
    parts = []
    for key in keys:
        code = codes.get(key)
        label = code.display() if code else key
        parts.append(
            chip(label, code.color if code else None)
            if key in differ
            else f'<span class="qc-memo">{html.escape(label)}</span>'
        )
    return " ".join(parts)


def disagreement_card(
    project: Project, row: dict, coders: list[str], consensus: str, book: Codebook
) -> None:
    with st.container(border=True, key=f"disagreement-{row['turn_id']}"):
        st.html(
            STYLE + f'<div class="qc-head"><span class="qc-speaker">{html.escape(row["speaker"])}'
            f"</span> · {html.escape(row['transcript'])} · turn {int(row['turn'])}</div>"
            f'<div class="qc-text">{highlight(row["text"], [])}</div>'
        )
        columns = st.columns(len(coders))
        for column, name in zip(columns, coders, strict=True):
            memo = row["memos"].get(name)
            chips = code_chips(row["codes"][name], row["differ"], book)
            column.html(
                f"<b>{html.escape(name)}</b><br>{chips}"
                + (f'<div class="qc-memo">Memo: {html.escape(memo)}</div>' if memo else "")
            )
        if len(coders) != 2:
            return
        a, b = coders
        decision = row.get("decision")
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(
                "Adjudicated: " + DECIDED[decision].format(a=a, b=b)
                if decision
                else "Not adjudicated:"
            )
            for choice, label in KEEP.items():
                st.button(
                    label.format(a=a, b=b),
                    key=f"adjudicate-{row['turn_id']}-{choice}",
                    help=KEEP_HELP[choice].format(a=a, b=b),
                    type="primary" if choice == decision else "secondary",
                    on_click=session.attempt,
                    args=(adjudicate_turn, project, row["turn_id"], choice, consensus),
                    kwargs={
                        "coders": (a, b),
                        "done": f"Turn {row['turn']} adjudicated into {consensus}.",
                    },
                )


def disagreement_list(project: Project, coders: list[str]) -> None:
    if len(coders) == 2:
        consensus = (
            st.text_input(
                "Consensus coder",
                value=DEFAULT_CONSENSUS,
                key="consensus_name",
                help="The coder that holds the adjudicated codes: the codes both coders applied, "
                "plus your decision on each turn where they differ. The original codings never "
                "change.",
            ).strip()
            or DEFAULT_CONSENSUS
        )
    else:
        consensus = DEFAULT_CONSENSUS
        st.caption("Choose exactly two under Coders to compare to adjudicate their disagreements.")
    first = disagreements(project, coders, limit=1, offset=0, consensus=consensus)
    total = first["total"]
    if not total:
        st.success("The coders do not differ on any turn.")
        return
    pages = -(-total // PER_PAGE)
    number = st.pagination(pages, key=f"disagreements-{'|'.join(coders)}-{pages}")
    st.caption(
        f"{total} turns where the coders differ · page {number} of {pages}. Codes in colour are "
        "the ones the coders differ on."
    )
    page = disagreements(
        project, coders, limit=PER_PAGE, offset=(number - 1) * PER_PAGE, consensus=consensus
    )
    book = project.codebook()
    for row in page["rows"]:
        disagreement_card(project, row, coders, consensus, book)


def page() -> None:
    st.title("Agreement")
    session.show_messages()
    project = session.require_project()
    coder_column, unit_column, switches = st.columns([2, 1.5, 1.3], vertical_alignment="bottom")
    rollup_column = ci_column = switches.container(gap="small")
    with coder_column:
        coders = choose_coders(project)
    unit = session.choose(
        unit_column, "Unit", UNIT_NAMES, "turn", "agreement_unit", options=list(UNITS)
    )
    rollup = rollup_column.toggle(
        "Sub-codes count for their themes",
        key="agreement_rollup",
        help="A coding of a sub-code counts as a coding of its theme too.",
    )
    ci = ci_column.toggle(
        "Intervals",
        key="agreement_ci",
        help="Bootstrap 95% intervals (1,000 resamples): alpha's by Hayes & Krippendorff "
        "(2007), kappa's and AC1's over units.",
    )
    if len(coders) < 2:
        st.info("Choose two or more coders under Coders to compare.")
        return
    section = session.choose(st, "Show", SECTIONS, "statistics", "agreement_section")
    if section == "disagreements":
        disagreement_list(project, coders)
    else:
        statistics(project, coders, unit or "turn", rollup, ci)


page()
