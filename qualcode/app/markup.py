"""HTML for the workbench: turns, speaker badges and code chips.

Transcript text is confidential and arbitrary: every piece of it goes through
:func:`html.escape` before any markup is added, so a turn that contains ``<script>`` or
``<b>`` shows those characters and never runs or formats anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from qualcode.codebook import COLOR, PALETTE, Code

INTERVIEWER_COLOR = "#8c8c8c"
CODE_COLOR = "#9c9c9c"

STYLE = """
<style>
.qc-turn { border-left: 6px solid var(--qc-speaker); padding: 0.35rem 0.8rem;
           border-radius: 0.3rem; line-height: 1.55; }
.qc-turn.qc-interviewer { background: rgba(140, 140, 140, 0.12); margin-left: 2.5rem;
           font-style: italic; opacity: 0.85; }
.qc-text { white-space: pre-wrap; }
.qc-head { font-size: 0.8rem; color: #666; margin-bottom: 0.15rem; }
.qc-where { font-weight: 600; color: #333; }
.qc-speaker { font-weight: 700; color: var(--qc-speaker); font-style: normal; }
.qc-chip { display: inline-block; border-radius: 0.8rem; padding: 0 0.55rem; margin: 0.1rem
           0.25rem 0 0; font-size: 0.78rem; color: #fff; font-style: normal; }
.qc-turn mark { background: #ffe58a; color: inherit; padding: 0 0.1rem; border-radius: 0.15rem; }
.qc-turn mark.qc-m { background: none; padding: 0; border-radius: 0.15rem; }
.qc-turn mark.qc-coded { background: color-mix(in srgb, var(--qc-c) 30%, transparent);
           cursor: pointer; }
.qc-turn mark.qc-evidence { text-decoration: underline 3px var(--qc-e);
           text-underline-offset: 3px; text-decoration-skip-ink: none; }
.qc-turn mark.qc-hit { outline: 2px dashed #a06c00; outline-offset: 1px; }
.qc-turn mark.qc-hit:not(.qc-coded) { background: #fff1c2; }
#qc-passage { position: absolute; z-index: 1000; background: #fff; border: 1px solid #bbb;
           border-radius: 0.4rem; padding: 0.3rem; box-shadow: 0 3px 12px rgba(0, 0, 0, 0.2); }
#qc-passage button { display: block; width: 100%; text-align: left; margin: 0.1rem 0;
           border: 0; background: #f3f3f3; border-radius: 0.3rem; padding: 0.2rem 0.5rem;
           cursor: pointer; font: inherit; font-size: 0.85rem; }
.qc-focus { outline: 3px solid #3b6ea5; outline-offset: 2px; border-radius: 0.5rem; }
.qc-memo { font-size: 0.85rem; color: #555; margin-top: 0.3rem; font-style: normal;
           white-space: pre-wrap; }
#qc-help { position: fixed; right: 1.5rem; bottom: 1.5rem; z-index: 1000; background: #fff;
           border: 1px solid #bbb; border-radius: 0.5rem; padding: 0.8rem 1rem;
           box-shadow: 0 4px 16px rgba(0, 0, 0, 0.2); font-size: 0.9rem; line-height: 1.7; }
#qc-help kbd { display: inline-block; min-width: 9rem; font-family: inherit; font-weight: 600; }
.qc-dot { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
          vertical-align: middle; margin-right: 0.35rem; }
</style>
"""


# What Streamlit's Markdown (labels, captions, messages) would read as markup: emphasis, links
# and images, headings, lists, tables, code, HTML, colour and icon directives (":red[…]",
# ":material/…:"), LaTeX ("$").
MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=^])")


def literal(text: str) -> str:
    """``text`` (a code label, codebook, coder, transcript or file name: anything a user or a
    received file supplied) escaped so that Streamlit's Markdown shows it as it is: an image
    link stays text and fetches nothing."""
    return MARKDOWN.sub(r"\\\1", text).replace("\n", " ")


def highlight(text: str, spans: Iterable[tuple[int, int]], css_class: str | None = None) -> str:
    """``text`` HTML-escaped, with each character span ``(start, end)`` (end exclusive) wrapped
    in ``<mark>``. Overlapping or touching spans are merged; spans are clipped to the text and
    empty ones dropped, so stale offsets never break the page."""
    merged: list[list[int]] = []
    for start, end in sorted(
        (max(0, s), min(len(text), e)) for s, e in spans if min(len(text), e) > max(0, s)
    ):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    opening = f'<mark class="{html.escape(css_class)}">' if css_class else "<mark>"
    pieces, position = [], 0
    for start, end in merged:
        pieces.append(html.escape(text[position:start]))
        pieces.append(f"{opening}{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


class Mark(NamedTuple):
    """A stretch of a turn's text to mark: a passage coded with a code (``coded``), the
    evidence of a suggestion of a code (``evidence``), or a search hit (``hit``); ``color``
    and ``label`` are the code's, ``code`` its key."""

    start: int
    end: int
    kind: str
    color: str | None = None
    label: str = ""
    code: str = ""


def marked(text: str, marks: Iterable[Mark]) -> str:
    """``text`` HTML-escaped, with the ``marks`` shown in their codes' colours: a coded
    passage as a background, the evidence of a suggestion underlined, a search hit framed (so
    two suggestions on a turn show which words back which). Where marks overlap, the text is
    cut at every boundary and each piece carries them all: the background of the shortest
    passage, the underline of the first suggestion, and a tooltip naming every one. A coded
    piece lists its passages (``data-codings="code:start:end …"``) for removing one from it.
    Marks are clipped to the text and empty ones dropped, so stale offsets never break it."""
    marks = [
        mark._replace(start=max(0, mark.start), end=min(len(text), mark.end))
        for mark in marks
        if min(len(text), mark.end) > max(0, mark.start)
    ]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces: list[tuple[str, str]] = []  # (opening tag or "", text)
    for start, end in zip(cuts, cuts[1:], strict=False):
        over = [m for m in marks if m.start <= start and end <= m.end]
        opening = _opening(over) if over else ""
        if pieces and pieces[-1][0] == opening:
            pieces[-1] = (opening, pieces[-1][1] + text[start:end])
        else:
            pieces.append((opening, text[start:end]))
    return "".join(
        f"{opening}{html.escape(piece)}</mark>" if opening else html.escape(piece)
        for opening, piece in pieces
    )


def _color(color: str | None) -> str:
    return color if color and COLOR.fullmatch(color) else CODE_COLOR


def _opening(over: list[Mark]) -> str:
    """The ``<mark>`` tag of a piece of text that ``over`` all cover."""
    coded = sorted((m for m in over if m.kind == "coded"), key=lambda m: m.end - m.start)
    evidence = [m for m in over if m.kind == "evidence"]
    classes, styles, title, data = ["qc-m"], [], [], ""
    if coded:
        classes.append("qc-coded")
        styles.append(f"--qc-c:{_color(coded[0].color)}")
        title.append("coded " + ", ".join(dict.fromkeys(m.label for m in coded)))
        data = " ".join(f"{m.code}:{m.start}:{m.end}" for m in coded)
    if evidence:
        classes.append("qc-evidence")
        styles.append(f"--qc-e:{_color(evidence[0].color)}")
        title.append("suggested " + ", ".join(dict.fromkeys(m.label for m in evidence)))
    if any(m.kind == "hit" for m in over):
        classes.append("qc-hit")
        title.append("found")
    return (
        f'<mark class="{" ".join(classes)}"'
        + (f' style="{";".join(styles)}"' if styles else "")
        + f' title="{html.escape(" · ".join(title))}"'
        + (f' data-codings="{html.escape(data)}"' if data else "")
        + ">"
    )


def text_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text``, ignoring case (for highlighting a search)."""
    needle = needle.strip().casefold()
    if not needle:
        return []
    folded = text.casefold()
    if len(folded) != len(text):  # a rare letter (e.g. ß) folds to two: offsets would drift
        return []
    spans, start = [], folded.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = folded.find(needle, start + len(needle))
    return spans


def speaker_colors(speakers: Sequence[dict[str, Any]]) -> dict[str, str]:
    """A colour per speaker label: grey for interviewers, palette colours for participants in
    order of appearance."""
    colors, participants = {}, 0
    for speaker in speakers:
        if speaker["role"] == "interviewer":
            colors[speaker["label"]] = INTERVIEWER_COLOR
        else:
            colors[speaker["label"]] = PALETTE[participants % len(PALETTE)]
            participants += 1
    return colors


def chip(label: str, color: str | None) -> str:
    """A coloured label for a code."""
    return (
        f'<span class="qc-chip" style="background:{html.escape(color or CODE_COLOR)}">'
        f"{html.escape(label)}</span>"
    )


def dot(color: str | None) -> str:
    """A small coloured disc (a code's colour in the codebook tree)."""
    return f'<span class="qc-dot" style="background:{html.escape(color or CODE_COLOR)}"></span>'


def turn_html(
    turn: dict[str, Any],
    color: str,
    chips: Sequence[tuple[str, str | None]] = (),
    spans: Iterable[tuple[int, int]] = (),
    memo: str | None = None,
    transcript: str | None = None,
    marks: Sequence[Mark] | None = None,
) -> str:
    """One turn as a card: speaker, turn number and timestamp, the text with ``spans``
    marked, the ``chips`` (label, colour) of its codes and the coder's ``memo``; with
    ``transcript``, its name first (a card among turns of several transcripts); with
    ``marks``, the text is marked in the codes' colours (:func:`marked`; ``spans`` are then
    search hits). Interviewer turns are set apart."""
    role = "qc-interviewer" if turn["role"] == "interviewer" else "qc-participant"
    stamp = f" · {html.escape(turn['timestamp'])}" if turn.get("timestamp") else ""
    codes = "".join(chip(label, chip_color) for label, chip_color in chips)
    where = f'<span class="qc-where">{html.escape(transcript)}</span> · ' if transcript else ""
    if marks is not None:
        text = marked(turn["text"], [*marks, *(Mark(s, e, "hit") for s, e in spans)])
    else:
        text = highlight(turn["text"], spans)
    return (
        f'<div class="qc-turn {role}" style="--qc-speaker:{html.escape(color)}">'
        f'<div class="qc-head">{where}'
        f'<span class="qc-speaker">{html.escape(turn["speaker"])}</span>'
        f" · turn {int(turn['turn'])}{stamp}</div>"
        f'<div class="qc-text">{text}</div>'
        f"{f'<div>{codes}</div>' if codes else ''}"
        f"{f'<div class=qc-memo>Memo: {html.escape(memo)}</div>' if memo else ''}</div>"
    )


def pill_colors(colors: Sequence[str | None], key_prefix: str) -> str:
    """A style sheet that gives the n-th pill of every pill group whose key starts with
    ``key_prefix`` the n-th colour: a stripe when off, filled when on (so codes keep their
    colours in the pills that apply them)."""
    rules = []
    for number, color in enumerate(colors, start=1):
        color = color if color and COLOR.fullmatch(color) else CODE_COLOR
        pill = f'[class*="st-key-{key_prefix}"] button[data-variant="pills"]:nth-of-type({number})'
        rules.append(f"{pill} {{ box-shadow: inset 5px 0 0 {color}; }}")
        rules.append(
            f'{pill}[aria-pressed="true"] {{ background: {color}; border-color: {color}; '
            "color: #fff; }"
        )
    return f"<style>{' '.join(rules)}</style>" if rules else ""


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of widget ``key`` (``st-key-…``)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def button_colors(buttons: Sequence[tuple[str, str | None]]) -> str:
    """A style sheet that gives each button (widget key, colour) a stripe in its colour (the
    suggestion chips carry the colours of their codes)."""
    rules = [
        f".{key_class(key)} button {{ box-shadow: inset 5px 0 0 "
        f"{color if color and COLOR.fullmatch(color) else CODE_COLOR}; }}"
        for key, color in buttons
    ]
    return f"<style>{' '.join(rules)}</style>" if rules else ""


def code_tip(code: Code, language: str | None) -> str:
    """A pill's tooltip: the code's description and its include / exclude rules."""
    lines = [f"{code.display(language)}: {code.description}" if code.description else ""]
    if code.include:
        lines.append("Include: " + "; ".join(code.include))
    if code.exclude:
        lines.append("Exclude: " + "; ".join(code.exclude))
    return "\n".join(line for line in lines if line)
