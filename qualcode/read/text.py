"""Plain-text (.txt) and Markdown (.md) transcripts."""

from __future__ import annotations

from qualcode.read.decode import decode_text
from qualcode.read.labels import split_turns
from qualcode.read.transcript import ParsedTranscript


def read_txt(data: bytes, source: str) -> ParsedTranscript:
    """A text file with one labelled turn per line or paragraph (``D3: …``)."""
    text, notices = decode_text(data, source)
    parsed = split_turns(text.rstrip(), source)
    parsed.notices[:0] = notices
    return parsed


def read_md(data: bytes, source: str) -> ParsedTranscript:
    """Markdown: as text; bold labels (``**D3:**``) are recognised by the label pattern."""
    return read_txt(data, source)
