"""Transcript readers: one function per file format, each ``(data: bytes, source: str)`` in and
a :class:`ParsedTranscript` (text + speaker turns) out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.read.captions import read_srt, read_vtt
from qualcode.read.documents import read_html, read_odt, read_rtf
from qualcode.read.docx import read_docx
from qualcode.read.layouts import DESCRIPTIONS, LAYOUTS
from qualcode.read.structured import read_json, read_tsv
from qualcode.read.text import read_md, read_txt
from qualcode.read.transcript import (
    MAX_BYTES,
    UNKNOWN_SPEAKER,
    ParsedTranscript,
    ParsedTurn,
    count_words,
)

Reader = Callable[[bytes, str], ParsedTranscript]
READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".md": read_md,
    ".docx": read_docx,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".json": read_json,
    ".tsv": read_tsv,
    ".html": read_html,
    ".htm": read_html,
    ".odt": read_odt,
    ".rtf": read_rtf,
}

__all__ = [
    "DESCRIPTIONS",
    "LAYOUTS",
    "LINE_FORMATS",
    "MAX_BYTES",
    "READERS",
    "UNKNOWN_SPEAKER",
    "ParsedTranscript",
    "ParsedTurn",
    "count_words",
    "read_transcript",
    "reader_for",
    "summary",
]


# The formats read line by line, where a layout (qualcode.read.layouts) can be asked for.
LINE_FORMATS = (".txt", ".md", ".docx", ".html", ".htm", ".odt", ".rtf")


def reader_for(source: str | Path, layout: str | None = None) -> Callable[..., ParsedTranscript]:
    """The reader of ``source``'s format (by its extension), reading with ``layout`` if given."""
    suffix = Path(source).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = " ".join(sorted(READERS))
        raise QualcodeError(f"unknown transcript format {suffix!r} (known: {known})", source)
    if layout is None:
        return reader
    if layout not in LAYOUTS:
        raise QualcodeError(f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})", source)
    if suffix not in LINE_FORMATS:
        raise QualcodeError(
            f"a layout applies to {' '.join(LINE_FORMATS)} files; {suffix} has its own", source
        )
    return lambda data, name: reader(data, name, layout=layout)


def read_transcript(
    path: str | Path, max_bytes: int = MAX_BYTES, layout: str | None = None
) -> ParsedTranscript:
    """Read one transcript file with the reader its extension names (and ``layout``, if one
    is asked for, instead of the one that explains the file best)."""
    path = Path(path)
    reader = reader_for(path, layout)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise QualcodeError(
                f"the file is {size / 1e6:.1f} MB; transcripts over {max_bytes / 1e6:.0f} MB "
                "are refused (is it really one transcript? split it)",
                path,
            )
        data = path.read_bytes()
    except OSError as error:
        raise QualcodeError(f"cannot read the file ({error.strerror})", path) from None
    return reader(data, str(path))


def summary(parsed: ParsedTranscript) -> str:
    """How a transcript was read, for the import summary and the upload preview: ``read as
    name and time on their own line (Otter.ai, …): 4 speakers, 86 turns, timestamps kept``."""
    speakers, turns = len(parsed.speakers), len(parsed.turns)
    if not parsed.labelled:
        return f"no speakers found: {turns} paragraph(s) read as turns of {UNKNOWN_SPEAKER}"
    stamped = sum(turn.timestamp is not None for turn in parsed.turns)
    times = "timestamps kept" if stamped else "no timestamps"
    how = DESCRIPTIONS.get(parsed.layout or "", parsed.layout or "speaker turns")
    return f"read as {how}: {speakers} speaker(s), {turns} turn(s), {times}"
