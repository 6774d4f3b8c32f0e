"""Where a REFI-QDA selection lies: from the exporting tool's position units to qualcode's
character offsets.

``startPosition``/``endPosition`` (end exclusive) do not mean the same in every tool:

- NVivo (Windows and Mac) counts UTF-16 code units of the source file as stored: a CRLF line
  end counts 2, an emoji (outside the Basic Multilingual Plane) counts 2, the BOM does not count.
- ATLAS.ti counts characters with a line end counted once, even where its source file has CRLF
  (QualCoder's importer documents the same behaviour).
- QualCoder counts characters of the text it keeps, where a line end is one character (its
  export may still write CRLF files, for MAXQDA).
- qualcode, MAXQDA and unknown tools: characters of the file as stored (qualcode writes the
  transcript text exactly as it keeps it, LF only, so its positions are Python string indices).

The origin attribute of the project decides. Where a tool names its selections after the text
they cover (ATLAS.ti, QualCoder do), the names are evidence: if they match the text clearly
better under another reading, that reading is used, and the import says so.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

UTF16 = "utf16"
CHARACTERS = "characters"
CHARACTERS_LF = "characters-lf"
UTF16_LF = "utf16-lf"
CONVENTIONS = {
    UTF16: "UTF-16 code units of the file as stored (CRLF counts 2, an emoji 2)",
    CHARACTERS: "characters of the file as stored (CRLF counts 2)",
    CHARACTERS_LF: "characters, every line end counted once",
    UTF16_LF: "UTF-16 code units, every line end counted once",
}
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
CRLF = re.compile("\r\n")
EVIDENCE_LIMIT = 200


def default_convention(origin: str | None) -> str:
    """The position units a tool uses, from the project's ``origin`` attribute."""
    tool = (origin or "").casefold()
    if "nvivo" in tool:
        return UTF16
    if "atlas" in tool or "qualcoder" in tool:
        return CHARACTERS_LF
    return CHARACTERS


@dataclass
class Span:
    """A selection converted to offsets in the transcript text (end exclusive)."""

    start: int
    end: int


class SourceText:
    """A source file's text: ``raw`` as stored (BOM removed) and ``text`` as qualcode keeps
    it (line ends normalised to LF, trailing white space removed), with the conversion of
    positions from any convention to offsets in ``text``."""

    def __init__(self, raw: str):
        self.raw = raw
        self.lf = raw.replace("\r\n", "\n").replace("\r", "\n")
        self.text = self.lf.rstrip()
        self._crlf = [match.start() for match in CRLF.finditer(raw)]
        self._astral = {
            UTF16: [match.start() for match in ASTRAL.finditer(raw)],
            UTF16_LF: [match.start() for match in ASTRAL.finditer(self.lf)],
        }
        self._astral_units = {
            name: [index + number for number, index in enumerate(found)]
            for name, found in self._astral.items()
        }

    def conventions(self) -> list[str]:
        """The readings that give different results for this text."""
        found = [CHARACTERS]
        if self._astral[UTF16]:
            found.append(UTF16)
        if self._crlf:
            found.append(CHARACTERS_LF)
            if self._astral[UTF16]:
                found.append(UTF16_LF)
        return found

    def same(self, first: str, second: str) -> bool:
        """Whether two conventions read every position of this text alike."""
        return self._simplest(first) == self._simplest(second)

    def _simplest(self, convention: str) -> str:
        """The simplest convention that reads this text like ``convention``."""
        if convention in (UTF16, UTF16_LF) and not self._astral[UTF16]:
            convention = CHARACTERS if convention == UTF16 else CHARACTERS_LF
        if convention in (CHARACTERS_LF, UTF16_LF) and not self._crlf:
            convention = CHARACTERS if convention == CHARACTERS_LF else UTF16
        return convention

    def length(self, convention: str) -> int:
        """The length of the document in the units of ``convention``."""
        if convention == CHARACTERS:
            return len(self.raw)
        if convention == CHARACTERS_LF:
            return len(self.lf)
        base = self.raw if convention == UTF16 else self.lf
        return len(base) + len(self._astral[convention])

    def span(self, start: int, end: int, convention: str) -> Span | None:
        """The offsets in ``text`` of a selection, or None when it does not lie inside the
        document (negative, empty, reversed, or past its end)."""
        if not 0 <= start < end <= self.length(convention):
            return None
        first = self._offset(start, convention, at_end=False)
        last = self._offset(end, convention, at_end=True)
        last = min(last, len(self.text))
        if first >= last:
            return None
        return Span(first, last)

    def _offset(self, position: int, convention: str, at_end: bool) -> int:
        if convention in (UTF16, UTF16_LF):
            position = _from_utf16(
                position, self._astral[convention], self._astral_units[convention], at_end
            )
        if convention in (CHARACTERS, UTF16):
            position -= bisect_left(self._crlf, position)
        return position

    def choose(
        self, selections: Sequence[tuple[int, int, str]], default: str
    ) -> tuple[str, dict[str, int]]:
        """The convention to read this source's ``(start, end, name)`` selections with: the
        ``default``, unless the names match the text clearly better under another one.

        Only names that match the text under some reading count (a name such as "Quotation
        6:1" or "D1 turn 3" is no evidence). Returns the convention and how many named
        selections matched under each."""
        named = [(s, e, _squash(name)) for s, e, name in selections if _useful(name)]
        named = named[:EVIDENCE_LIMIT]
        candidates = [c for c in self.conventions() if not self.same(c, default)]
        if not named or not candidates:
            return default, {}
        hits = {c: self._matches(named, c) for c in [default, *candidates]}
        informative = len(set().union(*hits.values()))
        scores = {c: len(found) for c, found in hits.items()}
        best = max(candidates, key=lambda c: scores[c])
        if scores[best] > scores[default] and 2 * scores[best] >= informative:
            return best, scores
        return default, scores

    def _matches(self, named: list[tuple[int, int, str]], convention: str) -> set[int]:
        """Which named selections cover text that starts with their name."""
        found = set()
        for number, (start, end, name) in enumerate(named):
            span = self.span(start, end, convention)
            if span is not None and _squash(self.text[span.start : span.end]).startswith(name):
                found.add(number)
        return found


def _from_utf16(units: int, astral: list[int], starts: list[int], at_end: bool) -> int:
    """A UTF-16 position as a character index; ``starts`` holds the unit position of every
    character outside the BMP. A position inside such a character (between its two surrogates)
    is moved outwards: back for a start, forward for an end."""
    whole = bisect_right(starts, units - 2)
    if whole < len(starts) and starts[whole] == units - 1:
        return astral[whole] + (1 if at_end else 0)
    return units - whole


def _squash(text: str) -> str:
    text = " ".join(text.split()).casefold()
    for ellipsis in ("…", "..."):
        text = text.removesuffix(ellipsis)
    return text.strip()


def _useful(name: str | None) -> bool:
    """Whether a selection's name looks like an excerpt of its text worth comparing."""
    return bool(name) and len(_squash(name)) >= 8
