"""Transcript layouts: how the exports of transcription services and tools mark speakers.

A transcript arrives as lines (a text file's lines, a document's paragraphs, a table's rows).
Each layout is one small function that reads a line as a speaker's *header* (who speaks,
maybe when, maybe the first words) or returns None; lines that are not headers continue the
current speaker. :func:`read_lines` tries every layout and keeps the one whose headers explain
the file best. Timestamps go into the turn's timestamp, never into its text; where every
turn's words are one stretch of the file the text stays as it is, otherwise it is rebuilt as
``Speaker: words`` paragraphs. The lines before the first speaker (title, date), known footers
and lines that another layout would read as speakers are named in the notices.

The layouts (``LAYOUTS``, in the order they are preferred when two explain a file equally):

- ``labels``: ``D3: …``, ``Interviewer: …``, ``[00:12:31] D3: …``, ``D3 [00:12:31]: …``,
  ``**D3:** …``, Rev's ``Interviewer (Tanja) (00:13): …``, WhisperX's ``[SPEAKER_00]: …``,
  with a timestamp after the colon (``S01: [00:00:12] …``, Descript) or at the end of a
  paragraph (f4/f5: ``#00:01:23-4#``) taken out, and noScribe's overlaps (``//S00: Mm. //``)
  split out as turns of their own;
- ``time-name``: the time before the name (oTranscribe ``00:22 Søren: …``, MAXQDA
  ``00:00:05.0I: …``, Transana ``¤<5000> Lærke: …``);
- ``name-time``: name and time alone on a line, the words below (Otter.ai, Microsoft Teams
  ``Tanja Kjær  0:05``, Zoom's ``[Tanja Kjær] 10:02:31``, Trint ``Tanja [00:00:05]``);
- ``time-then-name``: time then name alone on a line (Happy Scribe ``[00:00:05.02] - Tanja``,
  Amberscript ``00:00:05 Tanja``);
- ``range-name``: the older Teams layout, a time range line, the name, the words;
- ``name-alone``: a speaker label alone on a line (``SPEAKER_00``, ``Speaker 1``, a name that
  recurs alone), the words below (aTrain and other Whisper-based tools).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from qualcode.errors import QualcodeError
from qualcode.read.transcript import UNKNOWN_SPEAKER, ParsedTranscript, ParsedTurn

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
SPACE = r"[ \t\u00a0]"
# A speaker's name: up to five words, each a capitalised word, a particle or a number, with
# an optional note in brackets ("Tanja Kjær Holm (SDU)", "Interviewer (Tanja)").
NAME = (
    r"(?:[^\W\d_][\w.'’-]{0,30}|\d{1,3})"
    r"(?:[ \u00a0](?:[^\W\d_][\w.'’-]{0,30}|\d{1,3})){0,4}"
    r"(?:[ \u00a0]\((?!\d{1,2}:\d)[^()\n]{1,40}\))?"
)
SENTENCE_END = (".", "!", "?", ",")  # a "name" ending so is a sentence ("Ja.")
# Small words inside names: "Jan van Dijk", "Dafydd ap Rhys", "Maria dos Santos".
PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "af",
    "og",
    "el",
    "al",
    "ap",
    "ab",
    "ibn",
    "bin",
    "bint",
    "del",
    "della",
    "dos",
    "das",
    "do",
    "zu",
    "ten",
    "ter",
    "op",
    "het",
    "y",
    "e",
    "i",
    "mac",
    "st",
}
ROLE = re.compile(
    r"(?:[A-ZÆØÅ]{1,3}\d{0,3}|SPEAKER_\d{1,3}|(?:Unknown )?Speaker(?: ?\d{1,3})?"
    r"|Interviewer|Moderator|Facilitator|Interviewee|Respondent|Participant|Deltager"
    r"|Informant|Taler|Person|Ukendt taler|Sprecher(?: ?\d{1,3})?|Sprecherin)(?: ?\d{1,3})?"
    r"(?: \([^()\n]{1,40}\))?",
)
# Timestamps inside the words that are not part of what was said.
IN_TEXT_TIMES = (
    # S01: [00:00:12] … (Descript); [00:00:05] - … (aTrain)
    re.compile(rf"^{SPACE}*[\[(]{TIME}[\])]{SPACE}*(?:[-–]{SPACE}+)?"),
    re.compile(rf"#{TIME}(?:-\d{{1,2}})?#{SPACE}*$"),  # f4/f5: … #00:01:23-4#
    re.compile(r"¤<\d+>"),  # Transana: ¤<5000>
)
# A time alone on a line (Google Meet's periodic ones), and the footers tools add.
# (Patterns over a whole text: lines start after "\n" and end before one, see Lines.)
TIME_LINE = re.compile(rf"\n{SPACE}*[\[(]?{TIME}[\])]?{SPACE}*(?=\n)")
FOOTERS = re.compile(
    rf"\n{SPACE}*(?:Transcribed by https?://otter\.ai|Transcription ended after [^\n]*"
    r"|Transkription (?:endete|beendet) nach [^\n]*|Transskriptionen sluttede efter [^\n]*"
    rf"|This editable transcript was computer generated[^\n]*|WEBVTT){SPACE}*(?=\n)",
    re.IGNORECASE,
)


class Header(NamedTuple):
    """A line read as the start of a speaker's turn (a tuple: one is made for most lines)."""

    speaker: str
    timestamp: str | None
    rest: str  # the words on the header line itself ("" when they start on the next line)


@dataclass
class Entry:
    """One speaker's turn as the layout found it: the parts of the text (``start, end``
    offsets into the lines joined by newlines) that hold the words."""

    speaker: str
    timestamp: str | None
    line: int
    parts: list[tuple[int, int]] = field(default_factory=list)


Layout = Callable[[str], Header | None]


# Who speaks: a name, or anything in square brackets (``[SPEAKER_00]``, ``[Tanja Kjær]``).
SPEAKER = rf"(?:\[(?P<bracketed>[^\]\n]{{1,40}})\]|(?P<name>{NAME}))"


def _header(match: re.Match | None) -> Header | None:
    """The header a layout's pattern matched: the speaker (white space made single spaces),
    the time (``time``, or the label's ``t1``/``t2``) and the words after it (``rest``)."""
    if match is None:
        return None
    groups = match.groupdict()
    speaker = re.sub(r"[ \u00a0]+", " ", (groups.get("bracketed") or groups["name"]).strip())
    time = groups.get("time") or groups.get("t1") or groups.get("t2")
    return Header(speaker, time, groups.get("rest") or "")


# Bold (``**D3:**``, ``**D3**:``) may open before or after a leading timestamp and close before
# or after the colon; a closing ``**`` after the colon is part of the label only when the label
# opened bold and did not close it before the colon, so that ``D3: **bold**`` keeps its text.
LABEL = re.compile(
    rf"""{SPACE}*(?P<bold1>\*\*|__)?
    (?:[\[(](?P<t1>{TIME})[\])]{SPACE}*)?
    (?P<bold2>\*\*|__)?
    {SPEAKER}
    {SPACE}*(?:[\[(](?P<t2>{TIME})[\])]{SPACE}*)?
    (?:(?P<closed>\*\*|__){SPACE}*)?:{SPACE}*
    (?(closed)|(?(bold2)(?:(?P=bold2))?|(?(bold1)(?:(?P=bold1))?)))
    {SPACE}*(?P<rest>.*)""",
    re.VERBOSE,
)


def labels(line: str) -> Header | None:
    """``D3: …`` and its variants (see the module's documentation)."""
    return _header(LABEL.fullmatch(line))


TIME_NAME = re.compile(
    rf"{SPACE}*(?P<time>{TIME}|¤<\d+>){SPACE}*(?P<name>{NAME}){SPACE}*:{SPACE}*(?P<rest>.*)"
)


def time_name(line: str) -> Header | None:
    """``00:22 Søren: …`` (oTranscribe), ``00:00:05.0I: …`` (MAXQDA), ``¤<5000> Lærke: …``
    (Transana)."""
    header = _header(TIME_NAME.fullmatch(line))
    return header and header._replace(timestamp=header.timestamp.strip("¤<>"))


NAME_TIME = re.compile(rf"{SPACE}*{SPEAKER}{SPACE}+[\[(]?(?P<time>{TIME})[\])]?{SPACE}*")


def name_time(line: str) -> Header | None:
    """``Tanja Kjær  0:05`` alone on a line (Otter.ai, Teams), ``[Tanja] 10:02:31`` (Zoom)."""
    return _header(NAME_TIME.fullmatch(line))


TIME_THEN_NAME = re.compile(
    rf"{SPACE}*[\[(]?(?P<time>{TIME})[\])]?{SPACE}*(?:[-–]{SPACE}*)?(?P<name>{NAME}){SPACE}*(?::{SPACE}*)?"
)


def time_then_name(line: str) -> Header | None:
    """``[00:00:05] Tanja`` or ``00:00:05 - Tanja`` alone on a line (Happy Scribe,
    Amberscript); not ``[00:00:30] - Ja.``, a timed line of words."""
    header = _header(TIME_THEN_NAME.fullmatch(line))
    return None if header is None or header.speaker.endswith(SENTENCE_END) else header


RANGE = re.compile(
    rf"{SPACE}*(?P<time>\d{{1,2}}(?::\d{{1,2}}){{1,2}}(?:[.,]\d+)?){SPACE}*-->{SPACE}*\S+{SPACE}*"
)
NAME_LINE = re.compile(rf"{SPACE}*{SPEAKER}{SPACE}*(?::{SPACE}*)?")


def name_alone(line: str) -> Header | None:
    """A speaker label alone on a line (``SPEAKER_00``, ``Speaker 1``, ``Tanja:``)."""
    match = NAME_LINE.fullmatch(line)
    if match is None or match["name"] and match["name"].rstrip().endswith(SENTENCE_END):
        return None  # "Ja." alone on a line is an answer, not a name
    return _header(match)


# What a line must contain to be a header of the layout: one search over the whole text finds
# the few lines worth the layout's pattern (range-name: the lines after a time range).
Hint = re.Pattern | Callable[["Lines"], list[int]] | None
HINTS: dict[str, Hint] = {
    "labels": None,  # most lines of most files have a colon: every line is looked at
    "time-name": re.compile(rf"\n{SPACE}*(?:\d|¤<)"),
    "name-time": lambda lines: [  # lines that end in a digit: a per-line test is faster here
        number
        for number, line in enumerate(lines.lines, start=1)
        if line.rstrip(" \t\u00a0)]")[-1:].isdigit()
    ],
    "time-then-name": re.compile(rf"\n{SPACE}*[\[(]?\d"),
    "range-name": re.compile(r"-->[^\n]*\n"),
    "name-alone": re.compile(r"\n[^\n]{1,80}(?=\n)"),
}


class Lines:
    """A file's lines with their whole text, for searches over the whole text that find the
    few lines worth a closer look (one search is much faster than a pattern per line)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        # Between newlines, so that a line's start and end are a "\n" a pattern can search for
        # (much faster than "^" or "$", which are tried at every character).
        self.text = "\n" + "\n".join(self.lines) + "\n"
        self.starts = list(
            itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0)
        )
        # How many of the first k lines are not blank, for each k.
        self.said_by = list(
            itertools.accumulate((bool(line.strip()) for line in self.lines), initial=0)
        )
        self.said = self.said_by[-1]
        self._found: dict[tuple[re.Pattern, bool], list[int]] = {}

    def matching(self, pattern: Hint, at_end: bool = False) -> list[int]:
        """The numbers of the lines where ``pattern`` matches (every line for None, those a
        function gives for a function); with ``at_end``, of the line where the match ends."""
        if pattern is None:
            return list(range(1, len(self.lines) + 1))
        if callable(pattern) and not isinstance(pattern, re.Pattern):
            return pattern(self)
        if (pattern, at_end) not in self._found:
            found = dict.fromkeys(
                bisect.bisect_right(self.starts, match.end() if at_end else match.start())
                for match in pattern.finditer(self.text)
            )
            self._found[pattern, at_end] = [n for n in found if n <= len(self.lines)]
        return self._found[pattern, at_end]


LAYOUTS: dict[str, Layout] = {
    "labels": labels,
    "time-name": time_name,
    "name-time": name_time,
    "time-then-name": time_then_name,
    "range-name": name_alone,  # the time range line is read in _entries
    "name-alone": name_alone,
}
# What each layout is, for the import summary; also the other formats' readings.
DESCRIPTIONS = {
    "webvtt": "WebVTT captions (Teams, Zoom, WhisperX, noScribe)",
    "subrip": "SubRip captions (WhisperX and other speech-to-text tools)",
    "whisperx-json": "speech-to-text JSON segments (WhisperX, faster-whisper)",
    "whisper-json": "speech-to-text JSON segments (Whisper)",
    "whisper-tsv": "Whisper's .tsv segments",
    "labels": "speaker labels, D3: … (Rev, Descript, f4/f5, WhisperX .txt, Google Meet, noScribe)",
    "time-name": "the time before the label, 00:22 Søren: … (oTranscribe, MAXQDA, Transana)",
    "name-time": "name and time on their own line (Otter.ai, Microsoft Teams, Zoom .txt, Trint)",
    "time-then-name": "time and name on their own line (Happy Scribe, Amberscript)",
    "range-name": "time range, name, words (older Microsoft Teams)",
    "name-alone": "speaker alone on a line, words below (aTrain, Whisper-based tools)",
}


def _name_word(word: str) -> bool:
    """A word of a person's name: capitalised (``Søren``, ``McDonald``, ``Anne-Marie``,
    ``O'Brien``, ``J.``), a short capital abbreviation (``SDU``), a particle (``van``) or a
    small number; not an identifier such as ``RmHKcpWhTHY`` or ``Ia6u-llOgL8``."""
    if word in PARTICLES or word.isdigit() and len(word) <= 3:
        return True
    parts = [part for part in re.split(r"[-'’]", word.rstrip(".")) if part]
    return bool(parts) and all(
        part.isalpha()
        and part[0].isupper()
        and (part.isupper() and len(part) <= 4 or sum(c.isupper() for c in part[1:]) <= 1)
        for part in parts
    )


def is_name(speaker: str) -> bool:
    """Whether ``speaker`` can be a speaker's name or label (not the start of a sentence such as
    ``Det var sådan``, nor an identifier): a role or short label, or up to five name words."""
    if len(speaker) > 60:
        return False
    if ROLE.fullmatch(speaker):
        return True
    words = re.sub(r"\s*\([^()]*\)$", "", speaker).split(" ")
    return len(words) <= 5 and all(map(_name_word, words)) and any(w[:1].isupper() for w in words)


@dataclass
class Reading:
    """A transcript as one layout reads it."""

    layout: str
    entries: list[Entry]
    skipped: list[tuple[int, str]]
    headers: int
    explained: int  # non-blank lines that are a header or follow one
    header_lines: frozenset[int] = frozenset()
    # Lines that another layout reads as speakers' headers but this one as words.
    rival: tuple[str, list[int]] | None = None


def speakers_allowed(layout: str, headers: list[tuple[int, Header]], lines: int) -> set[str]:
    """Which header speakers are taken as speakers: roles, short labels and names that recur;
    a name that speaks once too, when the file is clearly labelled (two header lines or more
    of those, or headers open half its lines) or, in the layouts whose headers carry a time,
    always."""
    names = Counter(header.speaker for _, header in headers)
    sure = {s for s, count in names.items() if ROLE.fullmatch(s) or count >= 2 and is_name(s)}
    timed = layout in ("name-time", "time-then-name", "range-name", "time-name")
    named = sum(count for s, count in names.items() if is_name(s))
    if timed or sum(names[s] for s in sure) >= 2 or named >= 2 and 2 * named >= lines:
        sure |= {s for s in names if is_name(s)}
    if layout == "name-alone":  # a bare name on a line must recur, or be a speaker label
        sure = {s for s in sure if ROLE.fullmatch(s) or names[s] >= 2}
    return sure


def read_with(layout: str, lines: Lines | Sequence[str], known: Collection[str] = ()) -> Reading:
    """``lines`` read with one layout; ``known`` speakers are always speakers."""
    lines = lines if isinstance(lines, Lines) else Lines(lines)
    parse = LAYOUTS[layout]
    header_lines = layout in ("name-time", "time-then-name", "name-alone", "range-name")
    footers = set(lines.matching(FOOTERS))
    candidates = []
    for number in lines.matching(HINTS[layout], at_end=layout == "range-name"):
        line = lines.lines[number - 1]
        if not line.strip() or number in footers:
            continue
        header = parse(line)
        if header is None:
            continue
        if header_lines:
            below = next((text for text in lines.lines[number : number + 3] if text.strip()), "")
            after = parse(below) if below else None
            if not below or after is not None and ROLE.fullmatch(after.speaker):
                continue  # a header line is followed by the words
        if layout == "range-name" and (number < 2 or not RANGE.fullmatch(lines.lines[number - 2])):
            continue
        candidates.append((number, header))
    if not candidates:
        return Reading(layout, [], [], 0, 0)
    allowed = speakers_allowed(layout, candidates, lines.said)
    allowed |= {header.speaker for _, header in candidates if header.speaker in known}
    starts = {number: header for number, header in candidates if header.speaker in allowed}
    if not starts:
        return Reading(layout, [], [], 0, 0)
    entries: list[Entry] = []
    skipped: list[tuple[int, str]] = []
    explained = 0
    pending: str | None = None  # a time on a line of its own, for the next turn
    times = set(lines.matching(TIME_LINE))
    ordered = sorted(starts)
    following = dict(zip(ordered, [*ordered[1:], len(lines.lines) + 1], strict=True))
    special = sorted(footers | times | set(lines.matching(HINTS["range-name"])))
    number = 1
    while number <= len(lines.lines):
        line, begin = lines.lines[number - 1], lines.starts[number - 1]
        if not line.strip():
            number += 1
            continue
        if number in footers or (layout == "range-name" and RANGE.fullmatch(line)):
            if layout == "range-name" and number + 1 in starts:
                explained += 1
            else:
                skipped.append((number, line.strip()))
            number += 1
            continue
        header = starts.get(number)
        if header is not None:
            timestamp = header.timestamp
            if layout == "range-name":
                timestamp = RANGE.fullmatch(lines.lines[number - 2])["time"]
            entries.append(Entry(header.speaker, timestamp or pending, number))
            pending = None
            explained += 1
            if header.rest.strip():
                _add_part(entries, number, line, begin + len(line) - len(header.rest), begin)
            end = following[number]
            if _plain(lines, number + 1, end, special, bare=layout == "time-name"):
                # The words up to the next speaker, as one part (the lines one by one give
                # the same turn, only slower).
                if lines.said_by[end - 1] > lines.said_by[number]:
                    entries[-1].parts.append(
                        (lines.starts[number], lines.starts[end - 2] + len(lines.lines[end - 2]))
                    )
                explained += lines.said_by[end - 1] - lines.said_by[number]
                number = end
                continue
        elif number in times:  # a periodic timestamp line (Google Meet)
            pending = pending or line.strip(" \t\u00a0[]()")
            explained += 1
        elif entries:
            _add_part(entries, number, line, begin, begin)
            explained += 1
        else:
            skipped.append((number, line.strip()))
        number += 1
    return Reading(layout, entries, skipped, len(starts), explained, frozenset(starts))


# Overlapping speech inside another speaker's words (noScribe): "… //S00: Mm. // …".
OVERLAP = re.compile(rf"//{SPACE}*(?P<name>{NAME}){SPACE}*:{SPACE}*(?P<words>[^/\n]*?){SPACE}*//")


def _plain(lines: Lines, first: int, end: int, special: list[int], bare: bool) -> bool:
    """Whether lines ``first`` to ``end`` (exclusive) are words only: no footer, time line or
    time range among them, nothing a timestamp or an overlap starts with."""
    if first >= end:
        return True
    if bisect.bisect_left(special, first) < bisect.bisect_left(special, end):
        return False
    region = lines.text[
        lines.starts[first - 1] + 1 : lines.starts[end - 2] + len(lines.lines[end - 2]) + 1
    ]
    if any(mark in region for mark in ("#", "[", "(", "¤", "//")):
        return False
    return not (bare and BARE_LINE.search(region))


BARE_LINE = re.compile(rf"(?:^|\n){SPACE}*\d")


def _add_part(entries: list[Entry], number: int, line: str, start: int, begin: int) -> None:
    """Give ``line[start - begin:]`` (``begin``: the line's offset) to the current speaker,
    with each overlap in it (``//S00: Mm. //``) a turn of its own speaker, after which the
    current speaker goes on."""
    speaker = entries[-1].speaker
    for overlap in OVERLAP.finditer(line, start - begin) if "//" in line else ():
        entries[-1].parts.append((start, begin + overlap.start()))
        entries.append(
            Entry(
                overlap["name"],
                None,
                number,
                [(begin + overlap.start("words"), begin + overlap.end("words"))],
            )
        )
        entries.append(Entry(speaker, None, number))
        start = begin + overlap.end()
    entries[-1].parts.append((start, begin + len(line)))


LEADING_TIME, TRAILING_TIME, MARK_TIME = IN_TEXT_TIMES
# A bare time opening a line, in the layouts whose lines start with one (oTranscribe).
BARE_TIME = re.compile(rf"^{SPACE}*{TIME}{SPACE}+")
TIME_MARKUP = re.compile(r"[\[\]()#¤<>\s\u00a0]|[-–]\s*$")


def _clean(
    entry: Entry, text: str, bare: bool = False
) -> tuple[list[tuple[int, int]], str | None, bool]:
    """The parts of an entry that hold words (timestamps and white space cut off; with
    ``bare``, also a bare time opening a part), the first timestamp found, and whether the
    parts still follow one another in ``text`` with nothing but white space between them (so
    that one span of ``text`` gives the words)."""
    timestamp, parts, whole = entry.timestamp, [], True
    for start, end in entry.parts:
        piece = text[start:end]
        opening = piece.lstrip(" \t\u00a0")[:1]  # (string tests first: most parts have none)
        leading = LEADING_TIME.search(piece) if opening in ("[", "(") else None
        if leading is None and bare and opening.isdigit():
            leading = BARE_TIME.search(piece)
        trailing = TRAILING_TIME.search(piece) if "#" in piece else None
        for match in (leading, trailing):
            if match and timestamp is None:
                timestamp = TIME_MARKUP.sub("", match[0])
        lead = leading.end() if leading else 0
        tail = trailing.start() if trailing and trailing.start() >= lead else len(piece)
        start, end = start + lead, start + max(lead, tail)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        mark = MARK_TIME.search(text, start, end) if "¤" in piece else None
        if mark:
            timestamp = timestamp or TIME_MARKUP.sub("", mark[0])
            whole = False
        if start < end:
            parts.append((start, end))
    for (_, end), (start, _) in zip(parts, parts[1:], strict=False):
        if text[end:start].strip():
            whole = False
    return parts, timestamp, whole


def _words(text: str, parts: list[tuple[int, int]]) -> str:
    """The words of ``parts`` as one turn's text: paragraphs joined by a newline, runs of
    spaces as one, Transana's time marks left out."""
    paragraphs = (
        re.sub(r"[ \t\u00a0]+", " ", MARK_TIME.sub(" ", text[s:e])).strip() for s, e in parts
    )
    return "\n".join(paragraph for paragraph in paragraphs if paragraph)


def choose(
    lines: Sequence[str], layout: str | None = None, known: Collection[str] = ()
) -> Reading | None:
    """The layout that explains ``lines`` best (or the one asked for): the most lines
    explained, then the most headers, then the order of :data:`LAYOUTS`."""
    names = [layout] if layout else list(LAYOUTS)
    shared = Lines(lines)
    readings = [read_with(name, shared, known) for name in names]
    readings = [reading for reading in readings if reading.headers]
    if not readings:
        return None
    readings.sort(key=lambda r: (r.explained, r.headers, -names.index(r.layout)), reverse=True)
    best = readings[0]
    for other in readings[1:]:
        missed = sorted(other.header_lines - best.header_lines)
        if len(missed) >= 2 and (best.rival is None or len(missed) > len(best.rival[1])):
            best.rival = (other.layout, missed)
    return best


def transcript(reading: Reading, lines: Sequence[str], source: str) -> ParsedTranscript:
    """The transcript a reading gives. Where every turn's words are one stretch of the text
    (a timestamp at most at its start or end), the text stays as it is and each turn is its
    stretch; otherwise the text is rebuilt as ``Speaker: words`` paragraphs, one per turn."""
    text = "\n".join(lines)
    bare = reading.layout == "time-name"
    cleaned = [(entry, *_clean(entry, text, bare)) for entry in reading.entries]
    notices = [
        f"{source}:{entry.line}: a label with no text was skipped"
        for entry, parts, _, _ in cleaned
        if not parts
    ]
    cleaned = [item for item in cleaned if item[1]]
    if not cleaned:
        raise QualcodeError(
            f"the file has speaker labels ({len(reading.entries)}) but no text after any of them",
            source,
        )
    if all(whole for *_, whole in cleaned):
        turns = [
            ParsedTurn(entry.speaker, parts[0][0], parts[-1][1], timestamp)
            for entry, parts, timestamp, _ in cleaned
        ]
    else:
        said = [(e.speaker, timestamp, _words(text, parts)) for e, parts, timestamp, _ in cleaned]
        text, turns = rebuilt(said)
    if reading.rival is not None:
        layout, missed = reading.rival
        numbers = ", ".join(map(str, missed[:10])) + (" …" if len(missed) > 10 else "")
        notices.append(
            f"{source}: {len(missed)} line(s) look like {DESCRIPTIONS[layout]} but are read as "
            f"words of the speaker before them (lines {numbers}); check them, or ask for that "
            f"layout (--layout {layout})"
        )
    if reading.skipped:
        numbers = ", ".join(str(number) for number, _ in reading.skipped[:10])
        more = " …" if len(reading.skipped) > 10 else ""
        notices.append(
            f"{source}: left out {len(reading.skipped)} line(s) that no speaker says "
            f"(lines {numbers}{more})"
        )
    return ParsedTranscript(
        source, text, turns, notices=notices, layout=reading.layout, left_out=reading.skipped
    )


def rebuilt(said: Sequence[tuple[str, str | None, str]]) -> tuple[str, list[ParsedTurn]]:
    """A transcript text made of ``Speaker: words`` paragraphs, one per (speaker, timestamp,
    words), and its turns (for layouts whose words are not one stretch of the file: captions,
    structured outputs, timestamps inside the text)."""
    pieces, turns, offset = [], [], 0
    for speaker, timestamp, words in said:
        prefix = f"{speaker}: "
        start = offset + len(prefix)
        turns.append(ParsedTurn(speaker, start, start + len(words), timestamp))
        pieces.append(prefix + words)
        offset += len(pieces[-1]) + 2
    return "\n\n".join(pieces), turns


def read_lines(
    lines: Sequence[str], source: str, known: Collection[str] = (), layout: str | None = None
) -> ParsedTranscript:
    """A transcript from its lines (a text file's lines, a document's paragraphs): read with
    the layout that explains it best (or ``layout``); with no speaker found, one turn per
    paragraph of an unknown speaker."""
    text = "\n".join(lines)
    if not text.strip():
        raise QualcodeError("the file is empty: no transcript text found", source)
    if layout is not None and layout not in LAYOUTS:
        raise QualcodeError(f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})", source)
    reading = choose(lines, layout, known)
    if reading is None or not reading.entries:
        said = [line for line in lines if line.strip()]
        if all((header := labels(line)) and not header.rest.strip() for line in said):
            raise QualcodeError(
                f"the file has speaker labels ({len(said)}) but no text after any of them",
                source,
            )
        return paragraph_turns(text.rstrip(), source)
    return transcript(reading, lines, source)


def paragraph_turns(text: str, source: str) -> ParsedTranscript:
    """No speaker labels: every paragraph (or, without blank lines, every line) is a turn."""
    separator = re.compile(r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text.strip()) else r"\n")
    turns, position = [], 0
    for gap in [*separator.finditer(text), None]:
        end = gap.start() if gap else len(text)
        start, stop = position, end
        while start < stop and text[start].isspace():
            start += 1
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if start < stop:
            turns.append(ParsedTurn(UNKNOWN_SPEAKER, start, stop))
        position = gap.end() if gap else len(text)
    notice = (
        f"{source}: no speaker labels found; {len(turns)} paragraphs imported as turns "
        f"of an unknown speaker ({UNKNOWN_SPEAKER})"
    )
    return ParsedTranscript(source, text, turns, labelled=False, notices=[notice])


SPEAKER_HEADING = re.compile(r"(?i)speaker|name|navn|taler|person|deltager|who|sprecher")
WORDS_HEADING = re.compile(
    r"(?i)text|tekst|transcript|transskription|transkription|utterance|ytring|indhold|content"
    r"|udsagn|tale|replik|said|what was said|statement|äußerung|inhalt"
)
TIME_HEADING = re.compile(r"(?i)tid|time|tidspunkt|timestamp|start|zeit|tidskode|timecode")


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """A transcript table (speaker | words, or time | speaker | words, in any order) as lines
    that the ``labels`` layout reads: ``[time] Speaker: words``. The columns are found by
    their headings (Taler | Tekst, Speaker | Text) or else by their cells: times, names that
    repeat, the longest words. A row without a speaker continues the one before. A table with
    no speaker column gives its rows' cells as lines."""
    rows = [[cell.strip() for cell in row] for row in rows if any(cell.strip() for cell in row)]
    width = max((len(row) for row in rows), default=0)
    if width < 2:
        return [line for row in rows for cell in row for line in cell.split("\n")]
    rows = [row + [""] * (width - len(row)) for row in rows]

    def share(column: int, test: Callable[[str], object]) -> float:
        cells = [row[column] for row in rows[1:] or rows if row[column]]
        return sum(1 for cell in cells if test(cell)) / len(cells) if cells else 0.0

    def length(column: int) -> float:
        return sum(len(row[column]) for row in rows) / len(rows)

    def heading(pattern: re.Pattern) -> int | None:
        return next((c for c, cell in enumerate(rows[0]) if pattern.fullmatch(cell)), None)

    speaker, words, time = heading(SPEAKER_HEADING), heading(WORDS_HEADING), heading(TIME_HEADING)
    if speaker is not None and words is not None:
        rows = rows[1:]
    else:
        timed = [c for c in range(width) if share(c, TIME_CELL.fullmatch) >= 0.6]
        others = [c for c in range(width) if c not in timed]
        speakers = [c for c in others if share(c, is_name) >= 0.6]
        if not speakers or len(others) < 2:
            return [" ".join(cell for cell in row if cell) for row in rows]
        # A speaker column repeats its names (the words hardly ever do) and comes first.
        speaker = min(speakers, key=lambda c: (len({row[c] for row in rows}), c))
        words = max((c for c in others if c != speaker), key=length)
        time = timed[0] if timed else None
    lines: list[str] = []
    for row in rows:
        said = row[words].split("\n")
        if not row[speaker]:
            lines.extend(said)
            continue
        start = re.search(TIME, row[time]) if time is not None else None
        stamp = f"[{start[0]}] " if start else ""
        lines.append(f"{stamp}{row[speaker]}: {said[0]}")
        lines.extend(said[1:])
    return lines


TIME_CELL = re.compile(rf"[\[(]?{TIME}[\])]?(?:{SPACE}*(?:-->|[-–]){SPACE}*[\[(]?{TIME}[\])]?)?")
