"""What every transcript reader returns: the transcript text and its speaker turns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

UNKNOWN_SPEAKER = "?"
MAX_BYTES = 20_000_000
"""Larger files are refused, and .docx files that unpack to more: a 1.5-hour focus group is
about 100 KB of text."""


@dataclass(frozen=True)
class ParsedTurn:
    """One speaker turn: ``text[start:end]`` is what the speaker said (label excluded)."""

    speaker: str
    start: int
    end: int
    timestamp: str | None = None


@dataclass
class ParsedTranscript:
    """A transcript as read from one file, before it is stored."""

    source: str
    text: str
    turns: list[ParsedTurn]
    labelled: bool = True
    notices: list[str] = field(default_factory=list)
    layout: str | None = None  # the layout it was read as (qualcode.read.layouts)
    left_out: list[tuple[int, str]] = field(default_factory=list)  # (line, text): no one says

    def after(self, notices: list[str]) -> ParsedTranscript:
        """This transcript with ``notices`` (the decoder's, say) before its own."""
        self.notices[:0] = notices
        return self

    def turn_text(self, turn: ParsedTurn) -> str:
        return self.text[turn.start : turn.end]

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))

    @property
    def content_hash(self) -> str:
        """Identifies the content, whatever file format it came in."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of characters between white space."""
    return len(text.split())
