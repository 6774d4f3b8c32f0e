"""Transcripts that arrive as bytes (a browser upload) rather than as files on disk, and the
preview shown before anything is stored."""

from __future__ import annotations

from collections import Counter
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.read import MAX_BYTES, ParsedTranscript, count_words, reader_for
from qualcode.read.language import detect_language


def read_upload(
    data: bytes, filename: str, max_bytes: int = MAX_BYTES, layout: str | None = None
) -> ParsedTranscript:
    """Read an uploaded transcript with the reader its extension names, as
    :func:`qualcode.read.read_transcript` reads a file."""
    reader = reader_for(filename, layout)
    if len(data) > max_bytes:
        raise QualcodeError(
            f"the file is {len(data) / 1e6:.1f} MB; transcripts over {max_bytes / 1e6:.0f} MB "
            "are refused (is it really one transcript? split it)",
            filename,
        )
    return reader(data, filename)


def preview(parsed: ParsedTranscript, turns: int = 8) -> dict[str, Any]:
    """What a researcher checks before storing a transcript: its detected ``language``, the
    ``speakers`` (label, turns, words), the lines no speaker says (``left_out``: a title, a
    footer) and the first ``turns`` turns (``rows``)."""
    turn_counts: Counter[str] = Counter()
    word_counts: Counter[str] = Counter()
    for turn in parsed.turns:
        turn_counts[turn.speaker] += 1
        word_counts[turn.speaker] += count_words(parsed.turn_text(turn))
    return {
        "language": detect_language(parsed.text),
        "turns": len(parsed.turns),
        "words": sum(word_counts.values()),
        "speakers": [
            {"speaker": label, "turns": turn_counts[label], "words": word_counts[label]}
            for label in parsed.speakers
        ],
        "left_out": [{"line": line, "text": text} for line, text in parsed.left_out],
        "rows": [
            {
                "turn": number,
                "speaker": turn.speaker,
                "timestamp": turn.timestamp,
                "text": parsed.turn_text(turn),
            }
            for number, turn in enumerate(parsed.turns[:turns], start=1)
        ],
    }
