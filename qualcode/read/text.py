"""Plain-text (.txt) and Markdown (.md) transcripts."""

from __future__ import annotations

from qualcode.read.decode import decode_text
from qualcode.read.labels import split_turns
from qualcode.read.transcript import ParsedTranscript


def read_txt(data: bytes, source: str, layout: str | None = None) -> ParsedTranscript:
    """A text file, read with the layout that explains it best (``D3: …`` labels, Otter.ai's
    name and time lines, …: :mod:`qualcode.read.layouts`)."""
    text, notices = decode_text(data, source)
    return split_turns(text.rstrip(), source, layout=layout).after(notices)


def read_md(data: bytes, source: str, layout: str | None = None) -> ParsedTranscript:
    """Markdown: as text; bold labels (``**D3:**``) are recognised by the label pattern."""
    return read_txt(data, source, layout)
