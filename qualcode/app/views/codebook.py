"""Codebook page: browse the codes, add, edit, move and delete them, keywords proposed from
the coded turns, load YAML, export YAML or REFI-QDA (.qdc)."""

from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

from qualcode.app import session
from qualcode.app.downloads import MIME, qdc_file
from qualcode.app.markup import STYLE, dot, literal
from qualcode.codebook import Code, Codebook, codebook_to_yaml
from qualcode.errors import QualcodeError
from qualcode.refi.qdc import incoming_codebook
from qualcode.store import Project
from qualcode.store.codebook import (
    code_usage,
    codebook_languages,
    delete_code,
    dropped_codes,
    free_color,
    save_code,
    set_codebook,
    shift_code,
)
from qualcode.suggest.discover import add_keywords, discover_keywords

NEW = ""
SELECTED = "edit_code"
SELECT_NEXT = "edit_code_next"
CONFIRM = "confirm_delete"
LANGUAGE_NAMES = {"da": "Danish", "en": "English"}


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def settings(project: Project, book: Codebook) -> None:
    """The codebook's name and languages."""
    with st.expander("Codebook name and languages"), st.form("codebook_settings"):
        name = st.text_input("Name", value=book.name, key="codebook_name")
        languages = st.text_input(
            "Languages (codes, comma-separated)",
            value=", ".join(book.languages),
            key="codebook_languages",
        )
        if (
            st.form_submit_button("Save")
            and session.attempt(
                set_codebook,
                project,
                name,
                re.split(r"[,\s]+", languages),
                done="Codebook saved.",
            ).ok
        ):
            st.rerun()


def tree(book: Codebook, counts: dict[str, int], language: str | None) -> None:
    """All codes, sub-codes indented, with colour and number of codings."""
    depth: dict[str, int] = {}
    items = []
    for code, parent in book.walk():
        depth[code.key] = depth[parent.key] + 1 if parent else 0
        items.append(
            f'<div style="margin-left:{1.4 * depth[code.key]}rem">{dot(code.color)}'
            f"<b>{html.escape(code.display(language))}</b> "
            f'<span style="color:#888">{html.escape(code.key)} · {counts.get(code.key, 0)} '
            f"codings</span></div>"
        )
    st.html(STYLE + ("".join(items) or "<i>No codes yet.</i>"))


def editor(project: Project, book: Codebook, languages: list[str]) -> None:
    """The form for the selected code, or for a new one."""
    if SELECT_NEXT in st.session_state:
        st.session_state[SELECTED] = st.session_state.pop(SELECT_NEXT)
    parents = {code.key: parent for code, parent in book.walk()}
    depth = {}
    for code, parent in book.walk():
        depth[code.key] = depth[parent.key] + 1 if parent else 0
    language = languages[0] if languages else None
    labels = {code.key: code.display(language) for code, _ in book.walk()}
    selected = st.selectbox(
        "Code",
        [NEW, *labels],
        format_func=lambda key: (
            "New code…" if key == NEW else f"{'   ' * depth[key]}{labels[key]} ({key})"
        ),
        key=SELECTED,
    )
    code = book.get(selected) if selected else None
    if selected and code is None:  # deleted meanwhile (by this or another session)
        st.session_state[SELECT_NEXT] = NEW
        st.rerun()
    code = code or Code(key="", label={}, color=free_color(project))
    below = set() if code.key == "" else set(book.subtree(code.key))
    parent_options = [NEW, *(key for key in labels if key not in below)]
    current_parent = parents.get(code.key)
    with st.form(f"code-form-{selected}"):
        key = st.text_input(
            "Key (stable, lower-case: e.g. self-priority)",
            value=code.key,
            disabled=bool(selected),
            key=f"key-{selected}",
        )
        parent = st.selectbox(
            "Sub-code of",
            parent_options,
            index=parent_options.index(current_parent.key) if current_parent else 0,
            format_func=lambda k: "— (a top-level theme)" if k == NEW else f"{labels[k]} ({k})",
            key=f"parent-{selected}",
        )
        label = {}
        keywords = {}
        columns = st.columns(max(1, len(languages)))
        for language_code, column in zip(languages, columns, strict=False):
            name = LANGUAGE_NAMES.get(language_code, language_code)
            label[language_code] = column.text_input(
                f"Label ({literal(name)})",
                value=code.label.get(language_code, ""),
                key=f"label-{selected}-{language_code}",
            )
            keywords[language_code] = lines(
                column.text_area(
                    f"Keywords ({literal(name)}), one per line",
                    value="\n".join(code.keywords.get(language_code, [])),
                    height=150,
                    key=f"keywords-{selected}-{language_code}",
                    help="Words or phrases in their base form; inflected forms count too.",
                )
            )
        description = st.text_area(
            "Description", value=code.description, key=f"description-{selected}"
        )
        left, middle, right = st.columns(3)
        include = left.text_area(
            "Include when (one rule per line)",
            value="\n".join(code.include),
            key=f"include-{selected}",
        )
        exclude = middle.text_area(
            "Exclude when (one rule per line)",
            value="\n".join(code.exclude),
            key=f"exclude-{selected}",
        )
        examples = right.text_area(
            "Examples (one per line)", value="\n".join(code.examples), key=f"examples-{selected}"
        )
        color = st.color_picker("Colour", value=code.color or "#4e79a7", key=f"color-{selected}")
        if st.form_submit_button("Save code", type="primary"):
            edited = Code(
                key=key.strip(),
                label=label,
                description=description,
                include=lines(include),
                exclude=lines(exclude),
                examples=lines(examples),
                color=color,
                keywords=keywords,
                guid=code.guid,
            )
            outcome = session.attempt(save_code, project, edited, parent or None)
            if outcome.ok:
                session.say("success", f"Code {edited.key!r} {outcome.value}.")
                st.session_state[SELECT_NEXT] = edited.key
                st.rerun()
    if code.key:
        actions(project, code)
        proposals(project, code, languages)


def actions(project: Project, code: Code) -> None:
    """Move up/down and delete (with a confirmation when codings or sub-codes would go)."""
    up, down, delete, _ = st.columns([1, 1, 1, 3])
    for column, step, label, icon in (
        (up, -1, "Move up", ":material/arrow_upward:"),
        (down, 1, "Move down", ":material/arrow_downward:"),
    ):
        clicked = column.button(label, key=f"{label.split()[1]}-{code.key}", icon=icon)
        if clicked and session.attempt(shift_code, project, code.key, step).ok:
            st.rerun()
    if delete.button("Delete", key=f"delete-{code.key}", icon=":material/delete:"):
        usage = code_usage(project, code.key)
        if usage["codings"] or len(usage["codes"]) > 1:
            st.session_state[CONFIRM] = code.key
            st.rerun()
        elif session.attempt(delete_code, project, code.key, done=f"Deleted {code.key!r}.").ok:
            st.session_state[SELECT_NEXT] = NEW
            st.rerun()
    if st.session_state.get(CONFIRM) == code.key:
        usage = code_usage(project, code.key)
        sub = usage["codes"][1:]
        also = f" with its sub-codes {literal(', '.join(sub))}" if sub else ""
        st.warning(
            f"Delete **{literal(code.key)}**{also}? This also deletes "
            f"**{usage['codings']} codings** by {usage['coders']} coder(s). It cannot be undone."
        )
        yes, no, _ = st.columns([2, 1, 3])
        if yes.button(
            f"Delete code and {usage['codings']} codings", type="primary", key="confirm_yes"
        ):
            del st.session_state[CONFIRM]
            if session.attempt(
                delete_code, project, code.key, force=True, done=f"Deleted {code.key!r}."
            ).ok:
                st.session_state[SELECT_NEXT] = NEW
                st.rerun()
        if no.button("Cancel", key="confirm_no"):
            del st.session_state[CONFIRM]
            st.rerun()


def proposals(project: Project, code: Code, languages: list[str]) -> None:
    """Keywords proposed from the turns coded with the code (words and two-word phrases that
    set them apart, with their counts); only the chosen ones are added, on a click."""
    with st.expander("Propose keywords from the coded turns"):
        language = st.segmented_control(
            "Language", languages, default=languages[0], key=f"propose-language-{code.key}"
        )
        wanted = f"propose-{code.key}"
        if st.button("Find keywords", key=f"find-{code.key}", icon=":material/search:"):
            st.session_state[wanted] = True
        if not st.session_state.get(wanted):
            return
        try:
            found = session.derived(discover_keywords, project, code.key, language=language or None)
        except QualcodeError as error:  # e.g. no turn coded with it yet
            st.info(literal(session.error_text(error)))
            return
        st.caption(
            f"{found['coded_turns']} turns coded with {literal(code.key)} against "
            f"{found['other_turns']} other participant turns ({found['language']}): turns with "
            "the term in each, and Dunning's G² (higher: more typical of the code). Choose the "
            "ones to add below."
        )
        if not found["terms"]:
            st.info("No term sets these turns apart yet (code more turns, or lower the bar).")
            return
        st.dataframe(pd.DataFrame(found["terms"]), hide_index=True)
        chosen = st.multiselect(
            "Keywords to add",
            [row["term"] for row in found["terms"]],
            key=f"proposed-{code.key}-{found['language']}",
        )
        if st.button(
            f"Add {len(chosen)} keyword(s)", key=f"add-keywords-{code.key}", disabled=not chosen
        ):
            outcome = session.attempt(add_keywords, project, code.key, found["language"], chosen)
            if outcome.ok:
                session.say(
                    "success", f"Added to {code.key}: {', '.join(outcome.value) or 'nothing new'}."
                )
                for language_code in languages:  # the form shows the stored keywords again
                    st.session_state.pop(f"keywords-{code.key}-{language_code}", None)
                st.session_state.pop(wanted, None)
                st.rerun()


def load_and_export(project: Project, book: Codebook) -> None:
    """Load a YAML or QDC codebook (replace or merge) and download the current one (YAML or QDC)."""
    st.subheader("Load or export")
    left, right = st.columns(2)
    with left:
        file = st.file_uploader(
            "Codebook (.yaml, or .qdc from another tool)",
            type=["yaml", "yml", "qdc"],
            key="codebook_file",
        )
        mode = st.radio(
            "How",
            ["merge", "replace"],
            format_func={
                "merge": "Merge: add and update codes, keep the others",
                "replace": "Replace: the file becomes the codebook",
            }.get,
            key="codebook_mode",
        )
        if file is not None:
            try:
                incoming = incoming_codebook(project, file.name, file.getvalue(), mode == "merge")
            except QualcodeError as error:
                st.error(literal(session.error_text(error)))
                return
            dropped = dropped_codes(project, incoming) if mode == "replace" else {}
            losing = {key: n for key, n in dropped.items() if n}
            force = False
            if dropped:
                st.warning(
                    "Replacing drops "
                    + literal(", ".join(f"{key} ({n} codings)" for key, n in dropped.items()))
                    + "."
                )
            if losing:
                force = st.checkbox(
                    f"Also delete the {sum(losing.values())} codings of the dropped codes",
                    key="codebook_force",
                )
            if st.button(
                f"Load {len(incoming.keys())} codes ({mode})",
                type="primary",
                disabled=bool(losing) and not force,
                key="codebook_load",
            ):
                outcome = session.attempt(
                    project.load_codebook, incoming, merge=mode == "merge", force=force
                )
                if outcome.ok:
                    result = outcome.value
                    session.say(
                        "success",
                        f"Loaded {incoming.name!r}: {len(result['added'])} new, "
                        f"{len(result['dropped'])} dropped.",
                    )
                    st.rerun()
    with right:
        slug = re.sub(r"[^\w-]+", "-", book.name.lower()).strip("-") or "codebook"
        st.download_button(
            "Export YAML",
            data=codebook_to_yaml(book),
            file_name=f"{slug}.yaml",
            mime="application/x-yaml",
            icon=":material/download:",
            key="codebook_export",
        )
        st.download_button(
            "Export QDC (REFI-QDA)",
            data=lambda: qdc_file(book),
            file_name=f"{slug}.qdc",
            mime=MIME["qdc"],
            icon=":material/download:",
            key="codebook_export_qdc",
            disabled=not book.codes,
            on_click="ignore",
            help="The codebook for other QDA programs (NVivo, ATLAS.ti, MAXQDA…): codes, "
            "colours, descriptions and sub-codes. Keywords and labels in other languages stay "
            "in the YAML file.",
        )


def page() -> None:
    st.title("Codebook")
    session.show_messages()
    project = session.require_project()
    book = project.codebook()
    languages = codebook_languages(project) or ["en"]
    name = literal(book.name) if book.name else "No codebook yet"
    st.caption(f"{name} · languages: {literal(', '.join(languages))}")
    settings(project, book)
    left, right = st.columns([2, 3])
    with left:
        tree(book, session.code_counts(project), languages[0])
    with right:
        editor(project, book, languages)
    load_and_export(project, book)


page()
