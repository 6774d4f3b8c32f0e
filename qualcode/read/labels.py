"""Split transcript text into speaker turns: the text read line by line with every layout
(:mod:`qualcode.read.layouts`), for the readers and importers that have the whole text."""

from __future__ import annotations

from collections.abc import Iterable

from qualcode.read.layouts import read_lines
from qualcode.read.transcript import ParsedTranscript


def split_turns(
    text: str, source: str, known_labels: Iterable[str] = (), layout: str | None = None
) -> ParsedTranscript:
    """Find the speaker turns of ``text`` (``known_labels`` are speakers wherever they open a
    line); without any speaker, one turn per paragraph."""
    return read_lines(text.split("\n"), source, set(known_labels), layout)
