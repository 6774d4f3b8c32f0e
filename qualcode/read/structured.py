"""Structured outputs of speech-to-text tools: WhisperX / faster-whisper JSON and Whisper's .tsv.

WhisperX writes ``{"segments": [{"start": 0.03, "end": 2.5, "text": " …", "speaker":
"SPEAKER_00", "words": […]}], …}``; faster-whisper front ends write the same segments, or a
bare list of them; a segment without ``speaker`` was not diarised. Whisper's .tsv has a
``start end text`` header and times in milliseconds, with no speakers. Consecutive segments of
one speaker merge into one turn (as caption cues do), which keeps the first start time; a
segment with no speaker is a turn of its own. The text is rebuilt as ``Speaker: words``
paragraphs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.read.decode import decode_text
from qualcode.read.layouts import rebuilt
from qualcode.read.transcript import UNKNOWN_SPEAKER, ParsedTranscript


def clock(seconds: float) -> str:
    """``seconds`` as a caption timestamp (``00:01:05.250``)."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis / 1000:06.3f}"


def _turns(
    segments: Iterable[tuple[str | None, float | None, str]], source: str, layout: str
) -> ParsedTranscript:
    said: list[list[Any]] = []
    unknown = 0
    for speaker, start, words in segments:
        words = re.sub(r"\s+", " ", words).strip()
        if not words:
            continue
        if speaker is None:
            unknown += 1
        elif said and said[-1][0] == speaker:
            said[-1][2] = f"{said[-1][2]} {words}"
            continue
        stamp = clock(start) if start is not None else None
        said.append([speaker or UNKNOWN_SPEAKER, stamp, words])
    if not said:
        raise QualcodeError("the file is empty: no transcript text found", source)
    text, turns = rebuilt([tuple(item) for item in said])
    notices = []
    if unknown:
        notices.append(
            f"{source}: {unknown} segment(s) name no speaker (not diarised): they are turns of "
            f"an unknown speaker ({UNKNOWN_SPEAKER})"
        )
    return ParsedTranscript(
        source, text, turns, labelled=unknown == 0, notices=notices, layout=layout
    )


def read_json(data: bytes, source: str) -> ParsedTranscript:
    """WhisperX or faster-whisper JSON (see the module's documentation)."""
    text, notices = decode_text(data, source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise QualcodeError(f"not valid JSON ({error.msg})", source, error.lineno) from None
    except RecursionError:
        raise QualcodeError("not a transcript: JSON nested too deeply", source) from None
    segments = document.get("segments") if isinstance(document, dict) else document
    if not isinstance(segments, list):
        raise QualcodeError(
            'not a speech-to-text JSON file: no "segments" list (WhisperX, faster-whisper)',
            source,
        )

    def read(number: int, segment: Any) -> tuple[str | None, float | None, str]:
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            raise QualcodeError(f'segment {number} has no "text"', source)
        speaker, start = segment.get("speaker"), segment.get("start")
        if start is None and isinstance(segment.get("timestamp"), list) and segment["timestamp"]:
            start = segment["timestamp"][0]  # Whisper's plain list: "timestamp": [start, end]
        if speaker is not None and not isinstance(speaker, str | int):
            raise QualcodeError(f'segment {number}: "speaker" is not a name', source)
        if start is not None and (not isinstance(start, int | float) or isinstance(start, bool)):
            raise QualcodeError(f'segment {number}: "start" is not a number of seconds', source)
        return (str(speaker) if speaker is not None else None), start, segment["text"]

    layout = "whisperx-json" if isinstance(document, dict) else "whisper-json"
    return _turns((read(n, s) for n, s in enumerate(segments, start=1)), source, layout).after(
        notices
    )


def read_tsv(data: bytes, source: str) -> ParsedTranscript:
    """Whisper's .tsv: ``start``, ``end`` (milliseconds) and ``text`` columns; a ``speaker``
    column where a tool adds one."""
    text, notices = decode_text(data, source)
    lines = text.split("\n")
    header = [name.strip().lower() for name in lines[0].split("\t")]
    if "text" not in header or "start" not in header:
        raise QualcodeError(
            "not a Whisper .tsv file: the first line must name start and text columns", source, 1
        )
    text_at, start_at = header.index("text"), header.index("start")
    speaker_at = header.index("speaker") if "speaker" in header else None

    def read(number: int, line: str) -> tuple[str | None, float | None, str]:
        cells = line.split("\t")
        if len(cells) < len(header):
            raise QualcodeError(
                f"expected {len(header)} columns, found {len(cells)}", source, number
            )
        try:
            start = int(cells[start_at]) / 1000
        except ValueError:
            raise QualcodeError(
                "the start is not a number of milliseconds", source, number
            ) from None
        speaker = cells[speaker_at].strip() or None if speaker_at is not None else None
        return speaker, start, cells[text_at]

    rows = ((number, line) for number, line in enumerate(lines, start=1) if number > 1)
    parsed = _turns((read(n, line) for n, line in rows if line.strip()), source, "whisper-tsv")
    return parsed.after(notices)
