"""Project page: which project is open, open or create another, upload transcripts (with a
preview before anything is stored), speakers' roles and attributes, the transcripts, and the
history of coding actions (the audit trail: who did what, when)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from qualcode.app import session
from qualcode.app.markup import literal
from qualcode.errors import QualcodeError
from qualcode.read import DESCRIPTIONS, LAYOUTS, LINE_FORMATS, READERS, ParsedTranscript, summary
from qualcode.read.upload import preview, read_upload
from qualcode.store import DEFAULT_INTERVIEWERS, Project

LANGUAGES = {"": "detect", "da": "Danish (da)", "en": "English (en)"}
ROLES = ("participant", "interviewer")
DEFAULT_ATTRIBUTES = ("gender",)


def open_or_create() -> None:
    """Path input with Open and Create buttons."""
    with st.expander("Open another project or create a new one"):
        path = st.text_input(
            "Project file", placeholder="/path/to/study.db", key="project_file"
        ).strip()
        default_codebook = st.checkbox(
            "Start a new project with the default codebook", value=True, key="new_codebook"
        )
        left, right = st.columns(2)
        if left.button("Open", key="open_project"):
            if not path:
                st.error("Type the path of a project file first.")
            elif session.attempt(session.open_project, path).ok:
                st.rerun()
        if right.button("Create new project", key="create_project"):
            if not path:
                st.error("Type the path for the new project file first.")
            elif session.attempt(
                session.open_project,
                path,
                create=True,
                default_codebook=default_codebook,
                done=f"Created {path}.",
            ).ok:
                st.rerun()


def transcripts(project: Project) -> None:
    """The transcripts with their turn, speaker and word counts."""
    rows = session.transcripts_table(project)
    st.subheader(f"Transcripts ({len(rows)})")
    if not rows:
        st.info("No transcripts yet: upload some below.")
        return
    st.dataframe(
        rows,
        hide_index=True,
        column_order=("name", "group", "language", "turns", "speakers", "words", "source_file"),
        key="transcripts_table",
    )


def upload(project: Project) -> None:
    """Upload → preview (nothing stored) → group, language, interviewers → store."""
    st.subheader("Upload transcripts")
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader(
        "Transcript files",
        type=[suffix[1:] for suffix in READERS],
        accept_multiple_files=True,
        key=f"upload-{round_}",
        help="Text and Word files as transcription services export them (speaker labels such "
        "as D3: or TK:, Otter.ai, Teams, Zoom, Rev, f4/f5, noScribe, Word tables…), captions "
        "(.vtt, .srt) and speech-to-text JSON; the preview says how each file was read.",
    )
    if not files:
        return
    automatic = "Automatic (the layout that explains the file best)"
    layout = st.selectbox(
        "Layout of text and document files",
        [automatic, *LAYOUTS],
        format_func=lambda name: name if name == automatic else f"{name}: {DESCRIPTIONS[name]}",
        key="upload_layout",
    )
    parsed: list[tuple[str, ParsedTranscript]] = []
    labels: list[str] = []
    for file in files:
        try:
            chosen = (
                None
                if layout == automatic or not file.name.lower().endswith(LINE_FORMATS)
                else layout
            )
            transcript = read_upload(file.getvalue(), file.name, layout=chosen)
        except QualcodeError as error:
            st.error(literal(session.error_text(error)))
            continue
        shown = preview(transcript)
        with st.container(border=True):
            name = st.text_input(
                "Name in the project", value=file.name.rsplit(".", 1)[0], key=f"name-{file.name}"
            ).strip()
            st.caption(
                f"{literal(file.name)}: {shown['turns']} turns, {len(shown['speakers'])} speakers, "
                f"{shown['words']} words, looks {LANGUAGES[shown['language']]}"
            )
            how = summary(transcript)
            st.caption(literal(how[:1].upper() + how[1:]))
            for notice in transcript.notices:
                st.warning(literal(session.in_page_terms(notice)))
            if shown["left_out"]:
                with st.expander(
                    f"{len(shown['left_out'])} line(s) left out: no speaker says them"
                ):
                    st.dataframe(shown["left_out"], hide_index=True)
            left, right = st.columns([1, 3])
            left.dataframe(shown["speakers"], hide_index=True)
            right.dataframe(
                shown["rows"], hide_index=True, column_order=("turn", "speaker", "text")
            )
        parsed.append((name, transcript))
        labels.extend(label for label in transcript.speakers if label not in labels)
    if not parsed:
        return
    group = st.text_input("Group (e.g. the network or site)", key="upload_group").strip()
    language = st.selectbox(
        "Language", list(LANGUAGES), format_func=LANGUAGES.get, key="upload_language"
    )
    known = {label.casefold() for label in DEFAULT_INTERVIEWERS}
    interviewers = st.multiselect(
        "Interviewer labels (their turns are kept but set apart)",
        labels,
        default=[label for label in labels if label.casefold() in known],
        key="upload_interviewers",
    )
    if st.button(f"Store {len(parsed)} transcript(s)", type="primary", key="store_upload"):
        outcome = session.attempt(
            project.add_transcripts, parsed, group or None, language or None, interviewers
        )
        if outcome.ok:
            result = outcome.value
            stored = ", ".join(result.imported) or "nothing new"
            skipped = f"; skipped {'; '.join(result.skipped)}" if result.skipped else ""
            session.say("success", f"Stored {stored} ({result.turns} turns){skipped}.")
            st.session_state["upload_round"] = round_ + 1
            st.rerun()


def speakers(project: Project) -> None:
    """Per transcript: its group and language, and each speaker's role and attributes."""
    st.subheader("Speakers")
    names = [row["name"] for row in session.transcripts_table(project)]
    if not names:
        return
    name = st.selectbox("Transcript", names, key="speakers_transcript")
    transcript = project.transcript(name)
    people = project.speakers(name)
    extra = st.session_state.setdefault("extra_attributes", [])
    attributes = list(
        dict.fromkeys(
            [*DEFAULT_ATTRIBUTES, *(key for p in people for key in p["attributes"]), *extra]
        )
    )
    with st.form(f"speakers-{name}"):
        left, right = st.columns(2)
        group = left.text_input("Group", value=transcript["group"] or "", key=f"group-{name}")
        language = right.selectbox(
            "Language",
            ["da", "en"],
            index=["da", "en"].index(transcript["language"])
            if transcript["language"] in ("da", "en")
            else 0,
            key=f"language-{name}",
        )
        edits: list[dict[str, Any]] = []
        for person in people:
            columns = st.columns([1, 1.3, *([1.3] * len(attributes))], vertical_alignment="bottom")
            columns[0].markdown(f"**{literal(person['label'])}** · {person['turns']} turns")
            role = columns[1].selectbox(
                "Role",
                ROLES,
                index=ROLES.index(person["role"]),
                key=f"role-{name}-{person['label']}",
            )
            values = {
                attribute: column.text_input(
                    attribute,
                    value=str(person["attributes"].get(attribute, "")),
                    key=f"attr-{name}-{person['label']}-{attribute}",
                ).strip()
                for attribute, column in zip(attributes, columns[2:], strict=True)
            }
            edits.append({"label": person["label"], "role": role, "attributes": values})
        if (
            st.form_submit_button("Save speakers", type="primary")
            and session.attempt(
                save_speakers, project, name, group, language, edits, done="Speakers saved."
            ).ok
        ):
            st.rerun()
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    new = left.text_input("Another attribute (e.g. age, role in company)", key="new_attribute")
    if right.button("Add attribute", key="add_attribute"):
        if new.strip():
            extra.append(new.strip())
            st.rerun()
        st.error("Type the attribute's name first.")


def save_speakers(
    project: Project, name: str, group: str, language: str, edits: list[dict[str, Any]]
) -> None:
    """Store the transcript's group and language and its speakers' roles and attributes, all
    or nothing."""
    with project.transaction():
        project.set_transcript(name, group=group or None, language=language)
        for edit in edits:
            attributes = {key: value or None for key, value in edit["attributes"].items()}
            project.set_speaker(name, edit["label"], role=edit["role"], attributes=attributes)


HISTORY_PAGE = 50


@st.fragment
def history(project: Project) -> None:
    """The event log, newest first, a page at a time, optionally of one coder (a fragment:
    paging through it redraws only this part)."""
    st.subheader("History")
    coders = project.coders()
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    coder = left.selectbox(
        "Coding actions of",
        coders,
        index=None,
        placeholder="every coder",
        format_func=literal,
        key="history_coder",
    )
    total = project.history(coder, limit=1)["total"]
    if not total:
        st.caption(
            "No coding actions yet: codes, passages, memos and suggestion decisions "
            "made on the Code page (or with the command line) are listed here."
        )
        return
    pages = -(-total // HISTORY_PAGE)
    number = right.number_input("Page", 1, pages, 1, key="history_page")
    log = project.history(coder, limit=HISTORY_PAGE, offset=(number - 1) * HISTORY_PAGE)
    st.dataframe(
        log["rows"],
        hide_index=True,
        column_order=("at", "coder", "action", "transcript", "turn", "summary"),
        column_config={"at": "when", "summary": st.column_config.TextColumn("what", width="large")},
    )
    first = (number - 1) * HISTORY_PAGE + 1
    st.caption(
        f"Page {number} of {pages} · actions {first}–{first + len(log['rows']) - 1} of {total}, "
        "newest first. The log is kept whole: an undo is an action of its own."
    )


def page() -> None:
    st.title("Project")
    session.show_messages()
    project = session.current_project()
    if project is not None:
        st.markdown(
            f"Open: **{literal(project.path.name)}** · {literal(str(project.path.resolve()))}"
        )
    open_or_create()
    if project is None:
        return
    transcripts(project)
    upload(project)
    speakers(project)
    history(project)


page()
