"""Caption files from video calls: WebVTT (.vtt) and SubRip (.srt).

The speaker of a cue is its voice tag (``<v D3>…``) or a ``Name:`` prefix; a cue without one
continues the current speaker. Consecutive cues of one speaker merge into one turn, which keeps
the first cue's start time. The transcript text is rebuilt as ``Speaker: words`` paragraphs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from qualcode.errors import QualcodeError
from qualcode.read.decode import decode_text
from qualcode.read.labels import split_turns
from qualcode.read.layouts import labels, rebuilt, speakers_allowed
from qualcode.read.transcript import UNKNOWN_SPEAKER, ParsedTranscript

# Every pattern is linear on hostile input: bounded repeats, and tags that end at the next "<".
TIMING = re.compile(
    r"(?P<start>(?:\d{1,4}:)?\d{1,2}:\d{2}[.,]\d{1,3})[ \t]*-->[ \t]*"
    r"(?:\d{1,4}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
)
VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t](?P<name>[^<>]*)>")
TAG = re.compile(r"<[^<>]*>")
BLANK_LINES = re.compile(r"\n[ \t]*\n+")


@dataclass
class Cue:
    line: int
    start: str
    speaker: str | None
    words: str


def read_vtt(data: bytes, source: str) -> ParsedTranscript:
    text, notices = decode_text(data, source)
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise QualcodeError("not a WebVTT file: the first line must be WEBVTT", source, 1)
    blocks = _blocks(text)[1:]
    skipped = ("NOTE", "STYLE", "REGION")
    cues = [_cue(line, lines, source) for line, lines in blocks if not lines[0].startswith(skipped)]
    return _turns_from_cues(cues, source, "webvtt").after(notices)


def read_srt(data: bytes, source: str) -> ParsedTranscript:
    text, notices = decode_text(data, source)
    cues = [_cue(line, lines, source) for line, lines in _blocks(text)]
    return _turns_from_cues(cues, source, "subrip").after(notices)


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the line number each starts on."""
    blocks, position, line = [], 0, 1
    for gap in [*BLANK_LINES.finditer(text), None]:
        end = gap.start() if gap else len(text)
        chunk = text[position:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip("\n"))
            blocks.append((line + lead, chunk.strip("\n").split("\n")))
        next_position = gap.end() if gap else len(text)
        line += text.count("\n", position, next_position)
        position = next_position
    return blocks


def _cue(line: int, lines: list[str], source: str) -> Cue:
    timing_at = next((i for i, text in enumerate(lines[:2]) if "-->" in text), None)
    timing = TIMING.search(lines[timing_at]) if timing_at is not None else None
    if timing is None:
        raise QualcodeError("caption cue without a valid timing line (start --> end)", source, line)
    payload = " ".join(part.strip() for part in lines[timing_at + 1 :] if part.strip())
    voice = VOICE.search(payload)
    words = html.unescape(TAG.sub("", payload)).strip()
    start = timing["start"].replace(",", ".")
    return Cue(line + timing_at, start, (voice["name"].strip() or None) if voice else None, words)


def _turns_from_cues(cues: list[Cue], source: str, layout: str) -> ParsedTranscript:
    if not any(cue.words for cue in cues):
        raise QualcodeError("the file is empty: no caption text found", source)
    _take_name_prefixes(cues)
    if not any(cue.speaker for cue in cues):
        return split_turns("\n\n".join(cue.words for cue in cues if cue.words), source)
    merged: list[Cue] = []
    words: list[list[str]] = []  # of each merged cue, joined once at the end: linear time
    unnamed = [cue for cue in cues if cue.words and not cue.speaker]
    for cue in cues:
        speaker = cue.speaker or (merged[-1].speaker if merged else UNKNOWN_SPEAKER)
        if merged and merged[-1].speaker == speaker:
            if cue.words:
                words[-1].append(cue.words)
        elif cue.words:
            merged.append(Cue(cue.line, cue.start, speaker, cue.words))
            words.append([cue.words])
    if not merged:
        raise QualcodeError("the file has speaker names but no caption text", source)
    text, turns = rebuilt(
        [(cue.speaker, cue.start, " ".join(said)) for cue, said in zip(merged, words, strict=True)]
    )
    notices = []
    if unnamed:
        notices.append(
            f"{source}:{unnamed[0].line}: {len(unnamed)} cue(s) name no speaker; each is read "
            "as the words of the speaker before it"
        )
    return ParsedTranscript(source, text, turns, notices=notices, layout=layout)


def _take_name_prefixes(cues: list[Cue]) -> None:
    """Cues without a voice tag may name their speaker as a ``Name:`` prefix (the ``labels``
    layout's rules decide which prefixes are names)."""
    headers = {id(cue): labels(cue.words) for cue in cues if cue.speaker is None}
    found = [(0, header) for header in headers.values() if header]
    allowed = speakers_allowed("labels", found, len(cues))
    for cue in cues:
        header = headers.get(id(cue))
        if header and header.speaker in allowed:
            cue.speaker, cue.words = header.speaker, header.rest.strip()
