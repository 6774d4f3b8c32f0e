"""Code page: choose who you are, then code one transcript a page of turns at a time.

Each turn shows its speaker (in the speaker's colour; interviewer turns set apart), its text
(HTML-escaped, search hits, coded spans and the evidence of suggestions marked), one pill per
code in the code's colour (filled when applied; one click applies or removes it), the coder's
open suggestions as chips (one click accepts, the cross rejects) and the coder's memo. Where no
pills show, the codes are coloured chips on the card: on interviewer turns the coder's, and
before a coder is chosen every coder's, each with the coders who applied it (read-only).
Only the current page of turns is queried (:func:`qualcode.workbench.turn_page`).
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from qualcode.app import session
from qualcode.app.markup import (
    STYLE,
    Mark,
    button_colors,
    code_tip,
    literal,
    pill_colors,
    speaker_colors,
    text_spans,
    turn_html,
)
from qualcode.codebook import Code, Codebook
from qualcode.store import Project
from qualcode.workbench import (
    PAGE_SIZE,
    SUGGEST_METHODS,
    TurnFilter,
    TurnPage,
    accept_suggestion,
    change_codes,
    evidence_spans,
    one_turn,
    progress,
    reject_suggestion,
    suggest_transcript,
    suggestion_count,
    transcript_names,
    transcript_speakers,
    turn_page,
    where_left_off,
)

PAGE_KEY = "turn_page"
PAGE_FOR_KEY = "turn_page_for"
PAGE_PARAM = "page"  # the page number in the address
PAGE_SIZES = (10, 25, 50, 100)
CHANGED_KEY = "changed-turns"  # the turns a callback wrote to since they were last read
PROGRESS_KEY = "progress-line"
DRAWN_KEY = "drawn-turns"  # the turns the last full run drew, each its own fragment
SENT_KEY = "pills-sent"  # per pills widget, the codes the browser's pills hold
EPOCH_KEY = "pills-epoch"  # per turn, how many times its pills were made anew
MEMO_KEY = "memos-open"  # the turns whose memo box is open
NEW_CODER = "New coder…"


def choose_coder(project: Project) -> str | None:
    """Who is coding: an existing coder, or a new name (typed into the box, or entered after
    choosing "New coder"). Kept in the address (``?coder=…``), so a reload keeps it."""
    coders = project.coders()
    typed = st.session_state.get("coder")
    if typed and typed not in coders and typed != NEW_CODER:
        coders.append(typed)
    coder = st.selectbox(
        "Who is coding?",
        [*coders, NEW_CODER],
        index=None,
        placeholder="Choose your name, or type a new one",
        accept_new_options=True,
        key="coder",
        bind="query-params",
    )
    if coder == NEW_CODER:
        name, start = st.columns([3, 1], vertical_alignment="bottom")
        name.text_input("Your name as a coder", key="new_coder")
        start.button("Start", key="start_coding", on_click=start_coding)
        return None
    return coder.strip() if coder and coder.strip() else None


def start_coding() -> None:
    """Make the name typed under "New coder" the session's coder."""
    name = (st.session_state.get("new_coder") or "").strip()
    if name:
        st.session_state["coder"] = name


def choose_transcript(project: Project, coder: str | None) -> str | None:
    """The transcript to code; it opens where the coder left off (the first transcript with
    turns they have not coded), or where the address says."""
    names = transcript_names(project)
    if not names:
        st.info("No transcripts yet: upload some on the Project page.")
        return None
    left_off = session.derived(where_left_off, project, coder)
    return st.selectbox(
        "Transcript",
        names,
        index=names.index(left_off) if left_off in names else 0,
        key="transcript",
        bind="query-params",
    )


def filters(book: Codebook, page_speakers: list[str]) -> TurnFilter:
    """Uncoded only, by code, by speaker, text search."""
    uncoded, by_code, by_speaker, search = st.columns([1, 1.3, 1, 1.6], vertical_alignment="bottom")
    return TurnFilter(
        uncoded=uncoded.toggle("Uncoded only", key="f_uncoded", bind="query-params"),
        code=session.choose_code(
            by_code, "Code", book, "All codes", key="f_code", bind="query-params"
        ),
        speaker=by_speaker.selectbox(
            "Speaker",
            page_speakers,
            index=None,
            placeholder="All speakers",
            key="f_speaker",
            bind="query-params",
        ),
        text=search.text_input(
            "Search the text", key="f_text", placeholder="word or phrase", bind="query-params"
        ),
    )


def _size_in_address() -> int:
    """The page size the address names (its widget comes at the end of the page, after the
    page of turns is read), else the default."""
    named = st.query_params.get("page_size", "")
    return int(named) if named.isdigit() and int(named) in PAGE_SIZES else PAGE_SIZE


def page_number(signature: tuple) -> int:
    """The page to show; back to page 1 whenever the transcript, coder or filters change. A
    fresh session starts on the page the address names (``?page=3``: a reload or a shared
    link opens the same place)."""
    if PAGE_FOR_KEY not in st.session_state and st.query_params.get(PAGE_PARAM, "").isdigit():
        st.session_state[PAGE_FOR_KEY] = signature
        st.session_state[PAGE_KEY] = max(1, int(st.query_params[PAGE_PARAM]))
    if st.session_state.get(PAGE_FOR_KEY) != signature:
        st.session_state[PAGE_FOR_KEY] = signature
        st.session_state[PAGE_KEY] = 1
    return int(st.session_state.setdefault(PAGE_KEY, 1))


def pager(page: TurnPage, where: str) -> None:
    """Previous / next and the position, above and below the turns."""
    first = page.offset + 1 if page.total else 0
    last = min(page.offset + page.limit, page.total)
    back, info, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        "Previous",
        key=f"previous-{where}",
        icon=":material/chevron_left:",
        disabled=page.number <= 1,
        on_click=st.session_state.update,
        kwargs={PAGE_KEY: page.number - 1},
    )
    info.caption(
        f"Page {page.number} of {page.pages} · showing {first}–{last} of {page.total} turns"
    )
    forward.button(
        "Next",
        key=f"next-{where}",
        icon=":material/chevron_right:",
        disabled=page.number >= page.pages,
        on_click=st.session_state.update,
        kwargs={PAGE_KEY: page.number + 1},
    )


def changed(turn_id: int) -> None:
    """Note that a callback wrote to the turn: its card reads it again when redrawn."""
    st.session_state.setdefault(CHANGED_KEY, set()).add(turn_id)


def write_turn(turn_id: int, action, *args, done: str | None = None, **kwargs) -> None:
    """In a callback: run a write on the turn (a failure is shown on the turn's card), then
    re-run only the turn's card and the progress line (their fragments), not the page. A
    turn the last run did not draw (the browser was behind) gets the whole page redrawn."""
    session.attempt(action, *args, done=done, queued=True, **kwargs)
    changed(turn_id)
    if turn_id in st.session_state.get(DRAWN_KEY, ()):
        st.rerun([turn_key(turn_id), PROGRESS_KEY])


@session.callback
def save_codes(project: Project, turn_id: int, coder: str, key: str, drawn: list[str]) -> None:
    """Pill callback: store what the coder switched on or off, read against what these pills
    showed in the browser (``drawn``, or the browser's own earlier click on them), so codes
    another session applied meanwhile stay and quick clicks are read as they were made."""
    sent = st.session_state.setdefault(SENT_KEY, {})
    before = set(sent.get(key, drawn))
    chosen = set(st.session_state.get(key) or [])
    sent[key] = sorted(chosen)
    write_turn(
        turn_id,
        change_codes,
        project,
        turn_id,
        coder,
        add=sorted(chosen - before),
        remove=sorted(before - chosen),
    )


@session.callback
def save_memo(project: Project, turn_id: int, coder: str, key: str) -> None:
    """Memo callback: store (or, when emptied, remove) the coder's memo on the turn."""
    text = st.session_state.get(key) or ""
    write_turn(turn_id, project.set_memo, turn_id, coder, text, done="Memo saved.")


def sync_memo(key: str, stored: str) -> None:
    """Show the stored memo, unless the box holds text whose saving failed (kept, to try
    again): the box is reset only when the stored memo changed since it was last drawn."""
    seen = f"{key}-seen"
    if key not in st.session_state or st.session_state.get(seen) != stored:
        st.session_state[key] = stored
    st.session_state[seen] = stored


def code_pills(project: Project, turn: dict, coder: str, labels: dict[str, str]) -> None:
    """One pill per code: one click applies the code to the turn, another removes it. The
    pills always show what is stored (after another session's write or a failed one too)."""
    stored = [code for code in labels if code in turn["codes"]]
    sent = st.session_state.setdefault(SENT_KEY, {})
    epochs = st.session_state.setdefault(EPOCH_KEY, {})
    key = pills_key(turn["id"], epochs.get(turn["id"], 0))
    if key in st.session_state and sorted(sent.get(key, [])) != sorted(stored):
        epochs[turn["id"]] = epochs.get(turn["id"], 0) + 1  # new pills, with what is stored
        key = pills_key(turn["id"], epochs[turn["id"]])
    if key not in st.session_state:
        st.session_state[key] = stored
        sent[key] = stored
    st.pills(
        f"Codes of turn {turn['turn']}",
        list(labels),
        selection_mode="multi",
        format_func=labels.get,
        key=key,
        on_change=save_codes,
        args=(project, turn["id"], coder, key, stored),
        label_visibility="collapsed",
        wrap=True,
    )


def suggestion_chips(
    project: Project, turn: dict, coder: str, codes: dict[str, Code], language: str | None
) -> None:
    """The coder's open suggestions on the turn: one click on a chip accepts it (the turn gets
    the code, origin ``suggestion``), the cross beside it rejects it. The evidence words are
    marked in the turn text."""
    if not turn["suggestions"]:
        return
    with st.container(horizontal=True, gap="small", key=f"suggested-{turn['id']}"):
        st.caption("Suggested:", width="content")
        for suggestion in turn["suggestions"]:
            code = codes.get(suggestion["code"])
            label = code.display(language) if code else suggestion["code"]
            methods = " and ".join(suggestion["methods"])
            st.button(
                f"{literal(label)} · {suggestion['score']:.2f}",
                key=accept_key(turn, suggestion),
                icon=":material/add:",
                help=f"Accept: code the turn with {literal(label)} (suggested by {methods})",
                on_click=decide,
                args=(accept_suggestion, project, coder, suggestion["id"], turn["id"]),
            )
            st.button(
                "",
                key=f"reject-{turn['id']}-{suggestion['code']}",
                icon=":material/close:",
                type="tertiary",
                help=f"Reject the suggestion {literal(label)}: it is not offered to you again",
                on_click=decide,
                args=(reject_suggestion, project, coder, suggestion["id"], turn["id"]),
            )


def accept_key(turn: dict, suggestion: dict) -> str:
    return f"accept-{turn['id']}-{suggestion['code']}"


@session.callback
def decide(action, project: Project, coder: str, suggestion_id: int, turn_id: int) -> None:
    """Chip callback: accept or reject a suggestion (a failure shows an error, no change)."""
    write_turn(turn_id, action, project, coder, suggestion_id)


def suggest_bar(project: Project, transcript: str, coder: str | None) -> None:
    """How many suggestions the transcript has, and a button to (re)compute them."""
    stored = suggestion_count(project, transcript, coder)
    note, method, button = st.columns([2.2, 1.3, 1], vertical_alignment="bottom")
    note.caption(
        f"{stored} suggestions stored for this transcript."
        if stored
        else "No suggestions for this transcript yet: press *Suggest codes*."
    )
    chosen = method.selectbox(
        "Suggest from",
        list(SUGGEST_METHODS),
        format_func=SUGGEST_METHODS.get,
        key="suggest_method",
        disabled=coder is None,
    )
    if button.button(
        "Suggest codes",
        key="suggest",
        icon=":material/auto_awesome:",
        help="Compute the suggestions for this transcript again (your decisions stay).",
        disabled=coder is None,
    ):
        with st.spinner("Reading the turns…"):
            outcome = session.attempt(suggest_transcript, project, transcript, coder, chosen)
        if outcome.ok:
            result = outcome.value
            stored_now = sum(result.stored.values())
            session.say("success", f"{stored_now} suggestions for {result.turns} turns.")
            for notice in result.notices:
                session.say("warning", notice)
            st.rerun()


def memo_box(project: Project, turn: dict, coder: str) -> None:
    """The coder's memo on the turn, in a box."""
    key = f"memo-{turn['id']}"
    sync_memo(key, turn["memo"] or "")
    st.text_area(
        f"Memo on turn {turn['turn']}",
        key=key,
        on_change=save_memo,
        args=(project, turn["id"], coder, key),
        help="Saved when you leave the box (or press Ctrl+Enter); empty it to remove.",
    )


def memo_button(turn: dict) -> bool:
    """The button that opens (and closes) the memo box below the turn; whether it is open.
    Only open boxes are drawn: a text box on every card would slow every click on a long
    page, as the browser redraws them all (nor a tooltip on the button, for the same reason)."""
    opened = st.session_state.setdefault(MEMO_KEY, set())
    shown = turn["id"] in opened
    st.button(
        "Memo",
        key=f"memo-open-{turn['id']}",
        icon=":material/sticky_note_2:" if turn["memo"] else ":material/note_add:",
        type="primary" if shown else "secondary",
        on_click=opened.symmetric_difference_update,
        args=({turn["id"]},),
        width="stretch",
    )
    return shown


def turn_marks(turn: dict, codes: dict[str, Code], search: str, language: str | None) -> list[Mark]:
    """What the turn's text marks: the coder's coded passages and the evidence of their
    suggestions, each in its code's colour, and the words searched for."""

    def mark(code: str, start: int, end: int, kind: str) -> Mark:
        found = codes.get(code)
        label = found.display(language) if found else code
        return Mark(start, end, kind, found.color if found else None, label, code)

    offered = turn["suggestions"] if turn["role"] != "interviewer" else []
    return [
        *(mark(code, start, end, "coded") for code, start, end in turn["spans"]),
        *(mark(code, start, end, "evidence") for code, start, end in evidence_spans(offered)),
        *(Mark(start, end, "hit") for start, end in text_spans(turn["text"], search)),
    ]


def turn_card(
    project: Project,
    turn: dict,
    coder: str | None,
    codes: dict[str, Code],
    labels: dict[str, str],
    color: str,
    search: str,
    language: str | None,
) -> None:
    """One turn: the card, and for a coder the pills and memo (for an interviewer turn, behind
    a "Code" button: such turns are kept but set apart)."""
    interviewer = turn["role"] == "interviewer"
    if coder is None:  # every coder's codes, read-only, with who applied them
        chips = [
            (f"{codes[key].display(language)} · {', '.join(names)}", codes[key].color)
            for key, names in turn["coded_by"].items()
            if key in codes
        ]
    else:
        chips = [
            (codes[key].display(language), codes[key].color)
            for key in turn["codes"]
            if key in codes and interviewer
        ]
    card = turn_html(
        turn, color, chips, memo=turn["memo"], marks=turn_marks(turn, codes, search, language)
    )
    if interviewer:
        if coder is None:
            st.html(card)
            return
        text, button = st.columns([7, 1], vertical_alignment="center")
        text.html(card)
        with button.popover("Code", icon=":material/label:", width="stretch"):
            code_pills(project, turn, coder, labels)
            memo_box(project, turn, coder)
        return
    with st.container(border=True, key=f"turn-{turn['id']}"):
        st.html(card)
        if coder is not None:
            pills, memo = st.columns([6, 1], vertical_alignment="center")
            with pills:
                code_pills(project, turn, coder, labels)
            with memo:
                shown = memo_button(turn)
            suggestion_chips(project, turn, coder, codes, language)
            if shown:
                memo_box(project, turn, coder)


def turn_fragment(
    project: Project,
    turn: dict,
    coder: str | None,
    codes: dict[str, Code],
    labels: dict[str, str],
    color: str,
    search: str,
    language: str | None,
) -> None:
    """One turn's card, as a fragment of its own (:func:`turn_key`): a click on its pills,
    chips or memo, or a key pressed for it, re-runs this turn and the progress line, not the
    page; the turn is read again after a write."""
    if turn["id"] in st.session_state.get(CHANGED_KEY, ()):
        st.session_state[CHANGED_KEY].discard(turn["id"])
        turn = one_turn(project, turn["id"], coder)
        session.show_messages()
    turn_card(project, turn, coder, codes, labels, color, search, language)


def pills_key(turn_id: int, epoch: int) -> str:
    """The widget key of a turn's pills. The server never changes the value of pills the
    browser holds: when they must show other codes than the browser's pills hold (a digit
    key, a passage, a suggestion accepted, another session's write, a write that failed),
    the turn gets new pills (the next ``epoch``). So a browser that has not yet received them
    (clicks and keys come faster than the page redraws) sends the old pills' value unchanged,
    which stores nothing, and every click is read against what its pills held."""
    return f"codes-{turn_id}-{epoch}"


def turn_key(turn_id: int) -> str:
    """The fragment key of a turn's card."""
    return f"turn-card-{turn_id}"


@st.fragment(key=PROGRESS_KEY)
def progress_line(project: Project, transcript: str, coder: str) -> None:
    """The coder's progress on the transcript, and Undo / Redo of their last action (a
    fragment: redrawn after each write)."""
    coded, total = progress(project, transcript, coder)
    line, back, forward = st.columns([6, 1, 1], vertical_alignment="bottom")
    line.progress(
        coded / total if total else 0.0,
        text=f"{coded} of {total} participant turns coded by {literal(coder)}",
    )
    for place, step, icon in ((back, "undo", "undo"), (forward, "redo", "redo")):
        event = project.next_undo(coder) if step == "undo" else project.next_redo(coder)
        keys = "Ctrl+Z" if step == "undo" else "Ctrl+Shift+Z"
        place.button(
            "",
            key=f"{step}-button",
            icon=f":material/{icon}:",
            disabled=event is None,
            help=(
                f"{step.capitalize()} ({keys}): {literal(event['summary'])} "
                f"(turn {event['turn']} of {literal(event['transcript'])})"
                if event
                else f"Nothing to {step}"
            ),
            on_click=undo_or_redo,
            args=(project, coder, step),
        )


@session.callback
def undo_or_redo(project: Project, coder: str, step: str) -> None:
    """Undo (or redo) the coder's last coding action, wherever it was; its turn is redrawn."""
    outcome = session.attempt(getattr(project, step), coder, queued=True)
    event = outcome.value if outcome.ok else None
    if not outcome.ok:
        return
    if event is None:
        session.say("warning", f"Nothing to {step}.")
        return
    done = "Undone" if step == "undo" else "Redone"
    session.say(
        "success", f"{done}: {event['summary']} (turn {event['turn']} of {event['transcript']})"
    )
    changed(event["turn_id"])
    if event["turn_id"] in st.session_state.get(DRAWN_KEY, ()):
        st.rerun([turn_key(event["turn_id"]), PROGRESS_KEY])


def turns(
    project: Project,
    page: TurnPage,
    coder: str | None,
    book: Codebook,
    search: str,
) -> None:
    """The cards of the page's turns, each its own fragment."""
    colors = speaker_colors(page.speakers)
    codes = {code.key: code for code, _ in book.walk()}
    labels = {
        code.key: f"{'↳ ' if parent else ''}{literal(code.display(page.language))}"
        for code, parent in book.walk()
    }
    chips = [
        (accept_key(turn, suggestion), getattr(codes.get(suggestion["code"]), "color", None))
        for turn in page.turns
        for suggestion in turn["suggestions"]
    ]
    st.html(
        STYLE
        + pill_colors([code.color for code in codes.values()], "codes-")
        + button_colors(chips)
    )
    if not page.turns:
        st.info("No turns match the filters.")
    st.session_state.pop(CHANGED_KEY, None)  # the page's turns were just read
    st.session_state[DRAWN_KEY] = {turn["id"] for turn in page.turns}
    for turn in page.turns:
        st.fragment(turn_fragment, key=turn_key(turn["id"]))(
            project,
            turn,
            coder,
            codes,
            labels,
            colors.get(turn["speaker"], "#888"),
            search,
            page.language,
        )


# Scrolls the page back to the top of the turns when another page of turns is shown (after
# "Next" at the bottom, a person reads on from the top). Inline script: nothing is loaded.
TO_THE_TOP = st.components.v2.component(
    "qualcode_to_the_top",
    js="""
let shown = null;
export default function ({ data }) {
  if (shown !== null && shown !== data) {
    document.querySelector(".st-key-turns-top")?.scrollIntoView({ block: "start" });
  }
  shown = data;
}
""",
)


# Keys (listed in the help that ? opens, HELP_LINES): j / k (or the arrows down / up) move
# between the participant turns of the page; a digit n toggles the n-th code on the turn in
# focus (as its n-th pill does), or, with a passage of one turn selected, codes the passage;
# Shift+arrows select a passage of the turn in focus; a / r accept / reject its first
# suggestion, m opens its memo; n / p the next / previous page; Ctrl+Z / Ctrl+Shift+Z undo /
# redo. Keys typed into a box are left alone.
KEYS = st.components.v2.component(
    "qualcode_keys",
    js=r"""
let focused = -1;
let latest = null;
function cards() {
  return [...document.querySelectorAll('[class*="st-key-turn-"]')];
}
// The selected passage as "turn:start:end" (offsets in characters, as Python counts them,
// inside the turn's text), "across" when it spans turns, or null.
function selected() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const text = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest(".qc-text");
  const first = text(range.startContainer), last = text(range.endContainer);
  if (!first || !last) return null;
  if (first !== last) return "across";
  const card = first.closest('[class*="st-key-turn-"]');
  if (!card) return null;
  const before = document.createRange();
  before.setStart(first, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const start = Array.from(before.toString()).length;
  const end = start + Array.from(range.toString()).length;
  return `${/st-key-turn-(\d+)/.exec(card.className)[1]}:${start}:${end}`;
}
function press(card, selector) {
  const button = card && card.querySelector(selector);
  if (button) button.click();
  return Boolean(button);
}
// Shift+arrows: extend the selection by a character (with Alt, a word) inside the turn's text,
// starting at its beginning when nothing of it is selected yet.
function extend(card, forward, word) {
  const text = card.querySelector(".qc-text");
  const selection = window.getSelection();
  if (!text) return;
  if (!selection.rangeCount || !text.contains(selection.anchorNode)) {
    selection.removeAllRanges();
    const range = document.createRange();
    range.setStart(text.firstChild || text, 0);
    range.collapse(true);
    selection.addRange(range);
  }
  selection.modify("extend", forward ? "forward" : "backward", word ? "word" : "character");
}
function help(lines) {
  let panel = document.getElementById("qc-help");
  if (panel) { panel.remove(); return; }
  panel = document.createElement("div");
  panel.id = "qc-help";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "Keys");
  const title = document.createElement("strong");
  title.textContent = "Keys (? or Esc closes)";
  panel.appendChild(title);
  for (const [keys, what] of lines) {
    const row = document.createElement("div");
    const kbd = document.createElement("kbd");
    kbd.textContent = keys;
    row.appendChild(kbd);
    row.appendChild(document.createTextNode(" " + what));
    panel.appendChild(row);
  }
  document.body.appendChild(panel);
}
// The menu a click on a coded passage opens: one button per coding of the clicked piece,
// "Remove <code> (characters start–end)", and Cancel. Built from text nodes only.
function closeMenu() {
  document.getElementById("qc-passage")?.remove();
}
function passageMenu(mark, event) {
  closeMenu();
  const card = mark.closest('[class*="st-key-turn-"]');
  const codings = (mark.dataset.codings || "").split(" ").filter(Boolean);
  if (!card || !codings.length) return;
  const turn = /st-key-turn-(\d+)/.exec(card.className)[1];
  const menu = document.createElement("div");
  menu.id = "qc-passage";
  menu.setAttribute("role", "menu");
  const add = (text, action) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.addEventListener("click", (click) => {
      click.stopPropagation();
      closeMenu();
      action();
    });
    menu.appendChild(button);
  };
  for (const coding of codings) {
    const [code, start, end] = coding.split(":");
    const label = (latest.data.labels || {})[code] || code;
    add(`Remove ${label} (characters ${start}–${end})`, () =>
      latest.setTriggerValue("unspan", `${turn}:${code}:${start}:${end}:${Date.now()}`));
  }
  add("Cancel", () => {});
  menu.style.left = `${event.pageX}px`;
  menu.style.top = `${event.pageY + 8}px`;
  document.body.appendChild(menu);
}
// A pill's tooltip: its code's description and include / exclude rules.
function tip(pill) {
  const group = pill.closest('[class*="st-key-codes-"]');
  if (!group || pill.title) return;
  const pills = [...group.querySelectorAll('button[data-variant="pills"]')];
  const text = (latest.data.tips || [])[pills.indexOf(pill)];
  if (text) pill.title = text;
}
function show(list) {
  list.forEach((card, index) => card.classList.toggle("qc-focus", index === focused));
  if (list[focused]) list[focused].scrollIntoView({ block: "nearest" });
}
export default function (component) {
  latest = component;
  if (window.qualcodeKeys) return;
  window.qualcodeKeys = true;
  // A click on a code's pill while a passage of that turn is selected codes the passage
  // (caught before the pill sees it: the pill alone would code the whole turn).
  document.addEventListener("mouseover", (event) => {
    const pill = event.target.closest && event.target.closest('button[data-variant="pills"]');
    if (pill) tip(pill);
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest) return;
    if (!event.target.closest("#qc-passage")) closeMenu();
    const coded = event.target.closest(".qc-text mark.qc-coded");
    if (coded && window.getSelection().isCollapsed) {
      passageMenu(coded, event);
      return;
    }
    const pill = event.target.closest('button[data-variant="pills"]');
    const span = pill && selected();
    if (!span || span === "across") return;
    const group = pill.closest('[class*="st-key-codes-"]');
    if (!group || !group.className.includes(`st-key-codes-${span.split(":")[0]}-`)) return;
    const pills = [...group.querySelectorAll('button[data-variant="pills"]')];
    event.preventDefault();
    event.stopPropagation();
    latest.setTriggerValue("toggle", `${span}:${pills.indexOf(pill) + 1}:${Date.now()}`);
    window.getSelection().removeAllRanges();
  }, true);
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.closest && target.closest("input, textarea, [contenteditable=true]")) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "z") {
      latest.setTriggerValue("step", `${event.shiftKey ? "redo" : "undo"}:${Date.now()}`);
      event.preventDefault();
      return;
    }
    if (event.key === "Escape" && document.getElementById("qc-passage")) {
      closeMenu();
      event.preventDefault();
      return;
    }
    if (event.key === "?" || (event.key === "Escape" && document.getElementById("qc-help"))) {
      help(latest.data.help);
      event.preventDefault();
      return;
    }
    const list = cards();
    if (!list.length) return;
    if (event.shiftKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      if (!list[focused]) return;
      extend(list[focused], event.key === "ArrowRight", event.altKey);
      event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "n" || event.key === "p") {
      const where = event.key === "n" ? "next" : "previous";
      press(document, `.st-key-${where}-top button:not([disabled])`);
      focused = -1;
      event.preventDefault();
      return;
    }
    if (event.key === "a" || event.key === "r" || event.key === "m") {
      const selector = {
        a: '[class*="st-key-accept-"] button',
        r: '[class*="st-key-reject-"] button',
        m: '[class*="st-key-memo-open-"] button',
      }[event.key];
      const card = list[focused];
      if (press(card, selector)) event.preventDefault();
      if (event.key === "m" && card) {
        const started = Date.now();
        const turn = /st-key-turn-(\d+)/.exec(card.className)[1];
        const focus = () => {
          const box = document.querySelector(`.st-key-turn-${turn} textarea`);
          if (box) box.focus();
          else if (Date.now() - started < 5000) setTimeout(focus, 100);
        };
        setTimeout(focus, 100);
      }
      return;
    }
    if (event.key === "j" || event.key === "ArrowDown") {
      focused = Math.min(focused + 1, list.length - 1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      focused = Math.max(focused - 1, 0);
    } else if (/^[1-9]$/.test(event.key) && selected()) {
      const span = selected();
      latest.setTriggerValue("toggle", `${span}:${event.key}:${Date.now()}`);
      window.getSelection().removeAllRanges();
    } else if (/^[1-9]$/.test(event.key) && list[focused]) {
      const turn = /st-key-turn-(\d+)/.exec(list[focused].className)[1];
      latest.setTriggerValue("toggle", `${turn}:${event.key}:${Date.now()}`);
    } else {
      return;
    }
    event.preventDefault();
    show(list);
  });
}
""",
)


@session.callback
def toggle_by_key(project: Project, coder: str, keys: list[str]) -> None:
    """A digit key: with a passage selected in a turn, the n-th code on that passage; else
    the n-th code on the turn in focus, on or off. A selection across turns is refused."""
    pressed = getattr(st.session_state.get("keys"), "toggle", None)
    if not pressed:
        return
    if pressed.startswith("across:"):
        session.say("error", "Select a passage inside one turn to code it (not across turns).")
        return
    *where, number, _ = pressed.split(":")
    if not 1 <= int(number) <= len(keys):
        return
    code = keys[int(number) - 1]
    if len(where) == 3:  # a passage: turn, start, end
        turn_id, start, end = map(int, where)
        write_turn(turn_id, project.add_codings, turn_id, [code], coder, span=(start, end))
        return
    turn_id = int(where[0])
    stored = {c["code"] for c in project.codings(coder=coder, turn_id=turn_id)}
    write_turn(
        turn_id,
        change_codes,
        project,
        turn_id,
        coder,
        add=[] if code in stored else [code],
        remove=[code] if code in stored else [],
    )


@session.callback
def unspan_by_click(project: Project, coder: str) -> None:
    """A click on a coded passage, then on "Remove …" in its menu: that passage's coding
    (the code on those characters of the turn) is removed."""
    pressed = getattr(st.session_state.get("keys"), "unspan", None)
    if not pressed:
        return
    turn_id, code, start, end, _ = pressed.split(":")
    write_turn(
        int(turn_id), project.remove_passage, int(turn_id), code, coder, int(start), int(end)
    )


HELP_LINES = [
    ("j / ↓", "next turn"),
    ("k / ↑", "previous turn"),
    ("1–9", "the turn's code of that number, on or off (with a passage selected: code it)"),
    ("Shift+→ / ←", "select a passage of the turn, a character at a time (Alt: a word)"),
    ("a / r", "accept / reject the turn's first suggestion"),
    ("m", "the turn's memo"),
    ("click a highlight", "remove that coded passage"),
    ("n / p", "next / previous page"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo your last coding action"),
    ("?", "this help"),
]


def step_by_key(project: Project, coder: str) -> None:
    """Ctrl+Z / Ctrl+Shift+Z: undo or redo the coder's last coding action."""
    pressed = getattr(st.session_state.get("keys"), "step", None)
    if pressed:
        undo_or_redo(project, coder, pressed.split(":")[0])


def to_the_top(place: str) -> None:
    """Scroll to the top of the turns when ``place`` (transcript and page) changes."""
    TO_THE_TOP(data=place, key="to-the-top")


def page() -> None:
    st.title("Code")
    session.show_messages()
    project = session.require_project()
    top = st.columns([1, 1.3, 2], vertical_alignment="bottom")
    with top[0]:
        coder = choose_coder(project)
    with top[1]:
        transcript = choose_transcript(project, coder)
    if transcript is None:
        return
    book = project.codebook()
    if not book.codes:
        st.warning("The codebook is empty: add codes on the Codebook page.")
    if coder is None:
        st.info("Choose who you are (above) to code; until then the turns are read-only.")
    else:
        with top[2]:
            progress_line(project, transcript, coder)
    suggest_bar(project, transcript, coder)
    labels = [speaker["label"] for speaker in transcript_speakers(project, transcript)]
    where = filters(book, labels)
    size = st.session_state.get("page_size") or _size_in_address()
    number = page_number((transcript, coder, where, size))
    current = turn_page(project, transcript, coder, where, limit=size, offset=(number - 1) * size)
    if current.total and current.offset >= current.total:  # the filtered turns shrank
        st.session_state[PAGE_KEY] = current.pages
        st.rerun()
    if current.number > 1:
        st.query_params[PAGE_PARAM] = str(current.number)
    else:
        st.query_params.pop(PAGE_PARAM, None)
    if coder is not None:
        walked = [code for code, _ in book.walk()]
        KEYS(
            data={
                "help": HELP_LINES,
                "labels": {code.key: code.display(current.language) for code in walked},
                "tips": [code_tip(code, current.language) for code in walked],
            },
            key="keys",
            on_toggle_change=partial(toggle_by_key, project, coder, book.keys()),
            on_step_change=partial(step_by_key, project, coder),
            on_unspan_change=partial(unspan_by_click, project, coder),
        )
        st.caption(
            "Keys: j / k the next / previous turn, 1–9 its code of that number, a / r accept / "
            "reject its suggestion, Ctrl+Z undo; select a passage and press 1–9 (or click a "
            "pill) to code just the passage. Press ? for every key."
        )
    with st.container(key="turns-top"):
        pager(current, "top")
    to_the_top(f"{transcript}·{current.number}")
    turns(project, current, coder, book, where.text)
    pager(current, "bottom")
    st.selectbox(
        "Turns per page",
        PAGE_SIZES,
        index=PAGE_SIZES.index(PAGE_SIZE),
        key="page_size",
        width=160,
        bind="query-params",
    )
    sent = st.session_state.get(SENT_KEY, {})
    if len(sent) > 10 * PAGE_SIZES[-1]:  # pills long gone from the page
        sent.clear()


page()
