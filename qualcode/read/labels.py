"""Split transcript text into speaker turns by the labels that open them.

A turn starts on a line that opens with a speaker label: ``D:``, ``D3:``, ``TK:``,
``Interviewer:``, ``P12:``, ``[00:12:31] D3:``, ``D3 [00:12:31]:`` or ``**D3:**``. Lines
without a label continue the current turn. Short codes (one to three capitals and a number) and
the usual role words are always labels; another name (``Anna:``) counts once it opens at least
two lines, so that a sentence such as ``Det var sådan:`` is not mistaken for a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from qualcode.errors import QualcodeError
from qualcode.read.transcript import UNKNOWN_SPEAKER, ParsedTranscript, ParsedTurn

TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# Bold (``**D3:**``, ``**D3**:``) may open before or after a leading timestamp and close before
# or after the colon; a closing ``**`` after the colon is part of the label only when the label
# opened bold and did not close it before the colon, so that ``D3: **bold**`` keeps its text.
# No two unbounded repeats can match the same characters, so a line is matched in linear time.
LABEL_LINE = re.compile(
    rf"""[ \t]*(?P<bold1>\*\*|__)?
    (?:[\[(](?P<ts1>{TIMESTAMP})[\])][ \t]*)?
    (?P<bold2>\*\*|__)?
    (?P<label>[^\W\d_][\w.'’-]{{0,24}}(?:[ ][\w.'’-]{{1,20}}){{0,2}}?)
    [ \t]*(?:[\[(](?P<ts2>{TIMESTAMP})[\])][ \t]*)?
    (?:(?P<closed>\*\*|__)[ \t]*)?:[ \t]*
    (?(closed)|(?(bold2)(?:(?P=bold2))?|(?(bold1)(?:(?P=bold1))?)))""",
    re.VERBOSE,
)
ALWAYS_LABEL = re.compile(
    r"[A-ZÆØÅ]{1,3}\d{0,3}"
    r"|(?:Interviewer|Moderator|Facilitator|Interviewee|Respondent|Participant"
    r"|Deltager|Informant|Speaker|Taler|Person)(?: ?\d{1,3})?",
)
NAME_WORD = re.compile(r"[A-ZÆØÅ][\w.'’-]*|\d+")
MIN_NAME_USES = 2


def split_turns(text: str, source: str, known_labels: Iterable[str] = ()) -> ParsedTranscript:
    """Find the speaker turns of ``text``; without any label, one turn per paragraph."""
    if not text.strip():
        raise QualcodeError("the file is empty: no transcript text found", source)
    known = set(known_labels)
    candidates = [(number, offset, LABEL_LINE.match(line)) for number, offset, line in _lines(text)]
    names = Counter(m["label"] for _, _, m in candidates if m)
    openings = [
        (number, offset, match)
        for number, offset, match in candidates
        if match and is_label(match["label"], names, known)
    ]
    if not openings:
        return _paragraph_turns(text, source)
    turns = []
    notices = []
    ends = [offset for _, offset, _ in openings[1:]] + [len(text)]
    for (number, offset, match), end in zip(openings, ends, strict=True):
        start, stop = _strip_span(text, offset + match.end(), end)
        if start == stop:
            notices.append(f"{source}:{number}: a label with no text was skipped")
            continue
        timestamp = match["ts1"] or match["ts2"]
        turns.append(ParsedTurn(match["label"], start, stop, timestamp))
    if not turns:
        raise QualcodeError(
            f"the file has speaker labels ({len(openings)}) but no text after any of them",
            source,
        )
    return ParsedTranscript(source, text, turns, labelled=True, notices=notices)


def _lines(text: str) -> list[tuple[int, int, str]]:
    """Each line with its number and the offset it starts at."""
    result, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        result.append((number, offset, line))
        offset += len(line) + 1
    return result


def is_label(label: str, names: Counter, known: set[str]) -> bool:
    if label in known or ALWAYS_LABEL.fullmatch(label):
        return True
    words = label.split(" ")
    return names[label] >= MIN_NAME_USES and all(NAME_WORD.fullmatch(w) for w in words)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` to exclude surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraph_turns(text: str, source: str) -> ParsedTranscript:
    """No speaker labels: every paragraph (or, without blank lines, every line) is a turn."""
    separator = re.compile(r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text.strip()) else r"\n")
    turns, position = [], 0
    for gap in [*separator.finditer(text), None]:
        end = gap.start() if gap else len(text)
        start, stop = _strip_span(text, position, end)
        if start < stop:
            turns.append(ParsedTurn(UNKNOWN_SPEAKER, start, stop))
        position = gap.end() if gap else len(text)
    notice = (
        f"{source}: no speaker labels found; {len(turns)} paragraphs imported as turns "
        f"of an unknown speaker ({UNKNOWN_SPEAKER})"
    )
    return ParsedTranscript(source, text, turns, labelled=False, notices=[notice])
