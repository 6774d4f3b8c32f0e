"""Where a REFI-QDA selection lies: from the exporting tool's position units to qualcode's
character offsets, and from qualcode's offsets to the UTF-16 code units it writes.

``startPosition``/``endPosition`` (end exclusive) do not mean the same in every tool:

- NVivo (Windows and Mac) counts UTF-16 code units of the source file as stored: a CRLF line
  end counts 2, an emoji (outside the Basic Multilingual Plane) counts 2, the BOM does not count.
- QualCoder keeps the positions of its coding view, a Qt text widget: UTF-16 code units of the
  text it keeps, where a line end is one unit (its export may still write CRLF files, for
  MAXQDA). Positions it imported from another tool are kept as that tool wrote them.
- ATLAS.ti counts characters with a line end counted once, even where its source file has CRLF
  (QualCoder's importer documents the same behaviour).
- qualcode writes UTF-16 code units of the transcript text (LF only), and says so in its
  ``qualcode.json``; qualcode files without that word (older exports) count characters.
- MAXQDA and unknown tools: characters of the file as stored.

The origin attribute of the project (or the units a qualcode file declares, which are read
throughout) gives the reading of a selection that carries no evidence.
Where a selection is named after the text it covers (ATLAS.ti, QualCoder and qualcode name
them so), each selection is checked against every reading on its own: the one reading its name
fits is used, and a selection whose name fits several readings at different places, or none
although it is text of the document, is left undecided, never stored on a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

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
EXCERPT = 8
"""Names this long (squashed) may be the start of their text; shorter ones must be all of it."""
PREFIX = 64


def default_convention(origin: str | None, declared: str | None = None) -> str:
    """The position units a tool uses, from the project's ``origin`` attribute; ``declared``
    is what qualcode's own ``qualcode.json`` says, which wins."""
    if declared in CONVENTIONS:
        return declared
    tool = (origin or "").casefold()
    if "nvivo" in tool:
        return UTF16
    if "qualcoder" in tool:
        return UTF16_LF
    if "atlas" in tool:
        return CHARACTERS_LF
    return CHARACTERS


def utf16_units(text: str) -> Callable[[int], int]:
    """A function from a character offset in ``text`` to its position in UTF-16 code units
    (every character outside the Basic Multilingual Plane before it counts 2)."""
    astral = [match.start() for match in ASTRAL.finditer(text)]
    return lambda offset: offset + bisect_left(astral, offset)


@dataclass
class Span:
    """A selection converted to offsets in the transcript text (end exclusive)."""

    start: int
    end: int


@dataclass
class Placement:
    """Where a selection lies: its ``span`` (None when it is not inside the document or its
    units cannot be decided), the ``convention`` it was read in, and, for a selection left
    undecided, why."""

    span: Span | None
    convention: str
    undecided: str | None = None


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

    def place(self, start: int, end: int, name: str, default: str) -> Placement:
        """Where the selection ``[start, end)`` named ``name`` lies.

        Where the readings of this text put the selection in different places, its name
        decides: the one place it fits is used. It is left undecided when its name fits
        several places, or fits none although it is text of the document (at least
        :data:`EXCERPT` characters of it). A name that is not text of the document (empty,
        "Quotation 6:1", "D1 turn 3") is no evidence: the ``default`` reading is used."""
        default = self._simplest(default)
        readings = {c: self.span(start, end, c) for c in self.conventions()}
        places: dict[tuple[int, int] | None, list[str]] = {}
        for convention, span in readings.items():
            places.setdefault(_key(span), []).append(convention)
        wanted = _squash(name or "")
        if len(places) == 1 or not wanted:
            return Placement(readings[default], default)
        fitting = [place for place in places if place and self._fits(place, wanted)]
        if len(fitting) == 1:
            found = places[fitting[0]]
            return Placement(Span(*fitting[0]), default if default in found else found[0])
        if fitting:
            read = ", and as ".join(
                " or ".join(CONVENTIONS[c] for c in places[place]) for place in fitting
            )
            return Placement(
                None, default, f"its name fits the text at {len(fitting)} places: as {read}"
            )
        if len(wanted) >= EXCERPT and wanted in self._squashed:
            return Placement(
                None, default, "its name is text of the document, but no reading puts it there"
            )
        return Placement(readings[default], default)

    def _fits(self, place: tuple[int, int], wanted: str) -> bool:
        """Whether the text at ``place`` is the name ``wanted`` (or starts with it, for a name
        long enough to be an excerpt)."""
        start, end = place
        limit = 4 * len(wanted) + PREFIX
        covered = _squash(self.text[start : min(end, start + limit)])
        if len(wanted) >= EXCERPT:
            return covered.startswith(wanted)
        return end - start <= limit and covered == wanted

    @cached_property
    def _squashed(self) -> str:
        return _squash(self.text)


def _key(span: Span | None) -> tuple[int, int] | None:
    return (span.start, span.end) if span else None


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
