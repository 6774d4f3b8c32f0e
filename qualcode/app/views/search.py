"""Search page: the turns of every transcript (or the chosen ones) by text, code, uncoded
only, a participant (a speaker of one transcript) or a speaker attribute (``gender = f``),
a page at a time; each result opens its transcript on the Code page at that turn's page.

Read-only: this page codes nothing. Only the current page of results is queried
(:func:`qualcode.workbench.search_turns`); the filters live in the address.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

import streamlit as st

from qualcode.app import session
from qualcode.app.markup import STYLE, literal, speaker_colors, text_spans, turn_html
from qualcode.codebook import Codebook
from qualcode.store import Project
from qualcode.workbench import (
    PAGE_SIZE,
    TurnFilter,
    TurnPage,
    code_page_of,
    search_turns,
    shown_range,
    speaker_attributes,
    transcript_names,
)

PAGE_KEY = "search_page"
PAGE_PARAM = "page"  # the page number in the address


def participants(project: Project, chosen: list[str]) -> dict[str, dict]:
    """The speakers of the chosen transcripts (all when none are chosen), by the value the
    participant choice keeps in the address, ``TRANSCRIPT:LABEL``."""
    speakers = session.derived(Project.speakers, project)
    return {
        f"{row['transcript']}:{row['label']}": row
        for row in speakers
        if not chosen or row["transcript"] in chosen
    }


def speaker_name(row: dict) -> str:
    """A participant choice as the page shows it: transcript · label, role and attributes."""
    attributes = ", ".join(f"{key}={value}" for key, value in row["attributes"].items())
    more = "interviewer" if row["role"] == "interviewer" else ""
    details = ", ".join(part for part in (more, attributes) if part)
    return f"{row['transcript']} · {row['label']}" + (f" ({details})" if details else "")


def filters(
    project: Project, book: Codebook, names: list[str]
) -> tuple[list[str], str | None, TurnFilter]:
    """The chosen transcripts, whose codes are shown (None: every coder's) and the filter."""
    text, chosen = st.columns([1.4, 2], vertical_alignment="bottom")
    search = text.text_input(
        "Search every transcript", key="s_text", placeholder="word or phrase", bind="query-params"
    )
    transcripts = chosen.multiselect(
        "Transcripts",
        names,
        key="s_transcripts",
        placeholder="All transcripts",
        bind="query-params",
    )
    whose, by_code, uncoded = st.columns([1, 1.3, 1], vertical_alignment="bottom")
    coder = whose.selectbox(
        "Codes of",
        project.coders(),
        index=None,
        placeholder="Every coder (read-only)",
        key="s_coder",
        bind="query-params",
        help="Whose codes the results show, and whose codings the code filter and "
        "*Uncoded only* count. This page only reads: code on the Code page.",
    )
    code = session.choose_code(
        by_code, "Code", book, "All codes", key="s_code", bind="query-params"
    )
    only_uncoded = uncoded.toggle(
        "Uncoded only",
        key="s_uncoded",
        bind="query-params",
        disabled=coder is None,
        help="Participant turns the coder chosen under *Codes of* has not coded yet.",
    )
    who, having = st.columns(2, vertical_alignment="bottom")
    people = participants(project, transcripts)
    participant = who.selectbox(
        "Participant",
        list(people),
        index=None,
        format_func=lambda value: speaker_name(people[value]),
        placeholder="Every speaker",
        key="s_participant",
        bind="query-params",
        help="All turns of one speaker of one transcript.",
    )
    pairs = {
        f"{name}={value}": (name, value)
        for name, value in session.derived(speaker_attributes, project)
    }
    attribute = having.selectbox(
        "Speakers with",
        list(pairs),
        index=None,
        format_func=lambda value: " = ".join(pairs[value]),
        placeholder="Any attribute",
        key="s_attribute",
        bind="query-params",
        help="The turns of every speaker with this attribute, across transcripts (set "
        "attributes on the Project page).",
    )
    speaker = None
    if participant in people:
        transcripts, speaker = [people[participant]["transcript"]], people[participant]["label"]
    where = TurnFilter(
        uncoded=bool(only_uncoded and coder),
        code=code,
        speaker=speaker,
        text=search,
        attributes=(pairs[attribute],) if attribute in pairs else (),
    )
    return transcripts, coder, where


def pager(page: TurnPage, where: str) -> None:
    """Previous / next and the position, above and below the results."""
    back, info, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        "Previous",
        key=f"s-previous-{where}",
        icon=":material/chevron_left:",
        disabled=page.number <= 1,
        on_click=st.session_state.update,
        kwargs={PAGE_KEY: page.number - 1},
    )
    info.caption(f"Page {page.number} of {page.pages} · {shown_range(page)}")
    forward.button(
        "Next",
        key=f"s-next-{where}",
        icon=":material/chevron_right:",
        disabled=page.number >= page.pages,
        on_click=st.session_state.update,
        kwargs={PAGE_KEY: page.number + 1},
    )


def code_link(turn: dict, coder: str | None) -> str:
    """The Code page at the page that shows ``turn`` (as the address names it)."""
    place = {"transcript": turn["transcript"], "page": code_page_of(turn)}
    if coder:
        place["coder"] = coder
    return "code?" + urlencode(place)


def results(page: TurnPage, coder: str | None, book: Codebook, search: str) -> None:
    """The cards of the page's turns, each with the transcript's name and a link to it."""
    by_transcript: dict[str, list[dict]] = defaultdict(list)
    for speaker in page.speakers:
        by_transcript[speaker["transcript"]].append(speaker)
    colors = {name: speaker_colors(speakers) for name, speakers in by_transcript.items()}
    codes = {code.key: code for code, _ in book.walk()}
    st.html(STYLE)
    if not page.turns:
        st.info("No turns match the search.")
    for turn in page.turns:
        language = turn["language"]
        if coder is None:
            chips = [
                (f"{codes[key].display(language)} · {', '.join(names)}", codes[key].color)
                for key, names in turn["coded_by"].items()
                if key in codes
            ]
        else:
            chips = [
                (codes[key].display(language), codes[key].color)
                for key in turn["codes"]
                if key in codes
            ]
        color = colors.get(turn["transcript"], {}).get(turn["speaker"], "#888")
        card = turn_html(
            turn,
            color,
            chips,
            text_spans(turn["text"], search),
            memo=turn["memo"],
            transcript=turn["transcript"],
        )
        with st.container(border=True, key=f"hit-{turn['id']}"):
            text, link = st.columns([6, 1], vertical_alignment="center")
            text.html(card)
            link.link_button(
                "Open",
                code_link(turn, coder),
                icon=":material/open_in_new:",
                help=f"Open turn {turn['turn']} of {literal(turn['transcript'])} on the Code "
                "page (in a new tab)",
                width="stretch",
            )


def page() -> None:
    st.title("Search")
    session.show_messages()
    project = session.require_project()
    names = transcript_names(project)
    if not names:
        st.info("No transcripts yet: upload some on the Project page.")
        return
    book = project.codebook()
    transcripts, coder, where = filters(project, book, names)
    number = session.page_number((tuple(transcripts), coder, where), PAGE_KEY, PAGE_PARAM)
    offset = (number - 1) * PAGE_SIZE
    current = search_turns(project, transcripts, coder, where, limit=PAGE_SIZE, offset=offset)
    if current.total and current.offset >= current.total:  # the results shrank
        st.session_state[PAGE_KEY] = current.pages
        st.rerun()
    if current.number > 1:
        st.query_params[PAGE_PARAM] = str(current.number)
    else:
        st.query_params.pop(PAGE_PARAM, None)
    pager(current, "top")
    results(current, coder, book, where.text)
    pager(current, "bottom")


page()
