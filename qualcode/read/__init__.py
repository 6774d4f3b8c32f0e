"""Transcript readers: one function per file format, each ``(data: bytes, source: str)`` in and
a :class:`ParsedTranscript` (text + speaker turns) out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.read.captions import read_srt, read_vtt
from qualcode.read.documents import read_html, read_odt, read_rtf
from qualcode.read.docx import read_docx
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
    "MAX_BYTES",
    "READERS",
    "UNKNOWN_SPEAKER",
    "ParsedTranscript",
    "ParsedTurn",
    "count_words",
    "read_transcript",
]


def read_transcript(path: str | Path, max_bytes: int = MAX_BYTES) -> ParsedTranscript:
    """Read one transcript file with the reader its extension names."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = " ".join(sorted(READERS))
        raise QualcodeError(f"unknown transcript format {path.suffix!r} (known: {known})", path)
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
