"""The combined suggester: keywords and what a coder has coded, in one list.

A code is suggested for a turn when its keyword score reaches the keyword suggester's
threshold *or* the learned probability reaches the learned suggester's threshold. Each part
is put on one scale where its own threshold lands at :data:`THRESHOLD` (linearly below and
above it, so 0 stays 0 and 1 stays 1), and the combined score is the larger of the two: a
code passes when either part passes, and codes are ranked by the part that is surest relative
to its threshold.

Before the coder has coded enough turns for a model (see
:data:`qualcode.suggest.learned.MIN_CODED_TURNS`), and for codes the model has not learned,
only the keyword part counts: the combined suggestions are then the keyword suggestions, so
nothing falls off a cliff at the 30th coded turn.

Each piece of evidence says which part it comes from (``method`` is ``keywords`` or
``learned``): the evidence of every part that passed its threshold, no place in the turn
twice (a learned term inside a keyword match is the keyword's); below the threshold, the
evidence of the stronger part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from qualcode.codebook import Codebook
from qualcode.suggest import keywords
from qualcode.suggest.base import AnalysedTurn, Evidence, Labels, Suggestion
from qualcode.suggest.keywords import KeywordSuggester
from qualcode.suggest.learned import BATCH, LearnedSuggester
from qualcode.suggest.learned import METHOD as LEARNED

METHOD = "combined"
THRESHOLD = 0.5


def common_scale(score: float, threshold: float) -> float:
    """``score`` of a part whose threshold is ``threshold`` on the combined scale: the
    threshold becomes :data:`THRESHOLD`, 0 stays 0 and 1 stays 1 (linear in between)."""
    if score < threshold:
        return THRESHOLD * score / threshold
    return THRESHOLD + (1 - THRESHOLD) * (score - threshold) / (1 - threshold)


def tagged(evidence: Iterable[Evidence], method: str) -> list[Evidence]:
    # item._replace(method=method), without its keyword handling (millions in a study)
    new = tuple.__new__
    return [new(Evidence, (*item[:6], method)) for item in evidence]


def merged(*parts: list[Evidence]) -> list[Evidence]:
    """The parts' evidence in turn order, no place twice: an item that overlaps one of an
    earlier part (the learned term "sover" inside the keyword "sover dårligt") is left out."""
    items: list[Evidence] = []
    for part in parts:
        if not items:  # nothing earlier to overlap
            items.extend(part)
            continue
        earlier = list(items)
        items.extend(
            item
            for item in part
            if not any(item.start < other.end and other.start < item.end for other in earlier)
        )
    return sorted(items, key=lambda item: (item.start, item.end))


class CombinedSuggester:
    """Keyword and learned suggestions in one (see the module docstring)."""

    method = METHOD
    threshold = THRESHOLD

    def __init__(
        self,
        codebook: Codebook,
        coder: str | None = None,
        weights: keywords.Specificity | None = None,
    ):
        self.codebook = codebook
        self.coder = coder
        self.keywords = KeywordSuggester(codebook, weights=weights)
        self.learned = LearnedSuggester(codebook, coder=coder)

    @property
    def trained(self) -> bool:
        """Whether the learned part has a model (without one, this is the keyword method)."""
        return self.learned.trained

    @property
    def skipped(self) -> dict[str, str]:
        return self.learned.skipped

    def fit(self, turns: Iterable[AnalysedTurn], labels: Labels) -> CombinedSuggester:
        """Train the learned part (the keyword part has nothing to learn)."""
        self.learned.fit(turns, labels)
        return self

    def use(self, learned: LearnedSuggester) -> CombinedSuggester:
        """Take an already trained learned part (the workflow's cached model)."""
        self.learned = learned
        self.coder = learned.coder
        return self

    def suggest(
        self, turns: Iterable[AnalysedTurn], min_score: float | None = None
    ) -> Iterator[Suggestion]:
        floor = self.threshold if min_score is None else min_score
        keyword_threshold = self.keywords.threshold
        learned_threshold = self.learned.threshold
        iterator = iter(turns)
        while batch := list(islice(iterator, BATCH)):
            matrix, probabilities = (
                self.learned.predict(batch) if self.learned.trained else (None, {})
            )
            for row, turn in enumerate(batch):
                found = self.keywords.scored(turn)
                for code in self.learned.codes if probabilities else found:
                    keyword_score, hits = found.get(code, (0.0, []))
                    probability = probabilities[code][row] if code in probabilities else 0.0
                    by_keywords = common_scale(keyword_score, keyword_threshold)
                    by_model = common_scale(probability, learned_threshold)
                    value = max(by_keywords, by_model)
                    if value < floor or value <= 0:
                        continue
                    parts = []
                    if keyword_score and (by_keywords >= THRESHOLD or by_keywords >= by_model):
                        parts.append(
                            tagged(keywords.evidence(hits, turn.turn.text), keywords.METHOD)
                        )
                    if probability and (by_model >= THRESHOLD or by_model > by_keywords):
                        reasons = self.learned.evidence(turn, matrix, row, code)
                        parts.append(tagged(reasons, LEARNED))
                    yield Suggestion(
                        turn_id=turn.turn.id,
                        code=code,
                        score=min(value, 1.0),
                        method=METHOD,
                        evidence=merged(*parts),
                        coder=self.coder if self.learned.trained else None,
                    )
