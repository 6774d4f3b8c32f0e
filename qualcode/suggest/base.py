"""What every suggester shares: the turns going in, the suggestions coming out.

A suggester has one shape (like a scikit-learn estimator): it is built from a codebook,
``fit(turns, labels)`` learns from a coder's codings (a no-op for rules such as keywords) and
``suggest(turns)`` yields scored :class:`Suggestion` objects with their :class:`Evidence`. Turns
go in as :class:`TurnText`; they are analysed once (tokens, lemmas, stems, keyword matches, see
:mod:`qualcode.suggest.analysis`) and the analysed turns can be handed to several suggesters, so
no text is tokenized twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

# What ``fit`` learns from: turn id -> {code: True (applied) or False (not applied/rejected)}.
Labels = Mapping[int, Mapping[str, bool]]
# A turn of fewer words is a short answer (one or two sentences): the learned suggester
# learns from terms seen once and reads the question it answers (qualcode.suggest.learned).
SHORT_TURNS = 30


@dataclass(frozen=True)
class TurnText:
    """A turn as the suggesters see it: its text and language, and where it comes from."""

    id: int
    text: str
    language: str
    role: str = "participant"
    transcript: str | None = None
    turn: int | None = None
    speaker: str | None = None
    # A participant turn's question: the interviewer's turn just before it, if there is one
    # (see qualcode.suggest.questions; only the learned suggester reads it).
    question: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TurnText:
        """A TurnText from a ``turn_details`` row (as returned by ``Project.turns``)."""
        return cls(
            id=row["id"],
            text=row["text"],
            language=row["language"],
            role=row.get("role") or "participant",
            transcript=row.get("transcript"),
            turn=row.get("turn"),
            speaker=row.get("speaker"),
        )


# A content term of a turn: (lemma, start, end), offsets inside the turn text.
Term = tuple[str, int, int]


@dataclass(frozen=True)
class Keyword:
    """One keyword of one code, compiled for one language.

    ``anchor`` is the word the index looks up (the first content word of a phrase, else its
    longest word); the phrase's other words are then checked around it."""

    code: str
    text: str
    lemmas: tuple[int, ...]
    stems: tuple[int, ...]
    any_order: bool
    anchor: int = 0
    weight: float = 1.0
    content: tuple[int, ...] = ()  # the positions of its content words (not stop words)


@dataclass(slots=True)
class KeywordHit:
    """A keyword found in a turn: where (character spans inside the turn, one per piece).

    ``word`` is set when only that word of a phrase keyword was found, apart from the rest
    of the phrase (it earns partial credit, see :mod:`qualcode.suggest.keywords`)."""

    keyword: Keyword
    spans: list[tuple[int, int]]
    word: int | None = None

    @property
    def key(self) -> tuple[str, str, int | None]:
        """What the hit is, for counting how common it is: code, keyword, word apart."""
        return (self.keyword.code, self.keyword.text, self.word)


@dataclass
class AnalysedTurn:
    """A turn after the pipeline (:mod:`qualcode.suggest.analysis`): what every suggester
    reads."""

    turn: TurnText
    words: int
    hits: dict[str, list[KeywordHit]] = field(default_factory=dict)
    terms: list[Term] | None = None
    # Long turns only: each sentence's (first character, words), for best-window scoring.
    sentences: list[tuple[int, int]] | None = None
    # The question it answers, analysed (with terms only: the learned suggester's features).
    question: AnalysedTurn | None = None


class Evidence(NamedTuple):
    """Why a code was suggested: a word or phrase of the turn, with its offsets in the turn
    text (end exclusive), and the keyword or model term it stands for; ``method``, in a
    combined suggestion, says which part it comes from (``keywords`` or ``learned``)."""

    text: str
    start: int
    end: int
    keyword: str | None = None
    term: str | None = None
    weight: float | None = None
    method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.keyword is not None:
            data["keyword"] = self.keyword
        if self.term is not None:
            data["term"] = self.term
        if self.weight is not None:
            data["weight"] = round(self.weight, 3)
        if self.method is not None:
            data["method"] = self.method
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(
            text=data["text"],
            start=data["start"],
            end=data["end"],
            keyword=data.get("keyword"),
            term=data.get("term"),
            weight=data.get("weight"),
            method=data.get("method"),
        )


@dataclass(slots=True)
class Suggestion:
    """A code a suggester proposes for a turn: a score in 0..1 and the evidence for it.

    ``coder`` is set when the suggestion was made for one coder (learned from their codings)."""

    turn_id: int
    code: str
    score: float
    method: str
    evidence: Sequence[Evidence] = field(default_factory=list)
    coder: str | None = None


class Suggester(Protocol):
    """The shape every suggester has; :mod:`qualcode.suggest.evaluate` scores any of them."""

    method: str
    threshold: float

    def fit(self, turns: Iterable[AnalysedTurn], labels: Labels) -> Suggester:
        """Learn from labelled turns (rule-based suggesters ignore this)."""
        ...

    def suggest(
        self, turns: Iterable[AnalysedTurn], min_score: float | None = None
    ) -> Iterator[Suggestion]:
        """Suggestions scoring at least ``min_score`` (default: the suggester's threshold)."""
        ...

    def decides(self, code: str) -> tuple[str, float]:
        """Which part decides whether ``code`` is suggested (``keywords``, ``learned``, or
        ``keywords T or learned`` when either can), and the threshold it is held to."""
        ...
