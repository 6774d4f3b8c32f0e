"""The combined suggester: keywords and what a coder has coded, in one list.

A code is suggested for a turn when its keyword score reaches the code's keyword threshold
*or* the learned probability reaches the code's learned threshold. Each part is put on one
scale where its own threshold lands at :data:`THRESHOLD` (linearly below and above it, so 0
stays 0 and 1 stays 1), and the combined score is the larger of the two: a code passes when
either part passes, and codes are ranked by the part that is surest relative to its
threshold.

The thresholds fit each code and come from the coder's own decisions
(:mod:`qualcode.suggest.thresholds`, chosen in :meth:`CombinedSuggester.fit` and kept with the
learned part): a code the model has learned from enough turns with it is decided by the model
(its keyword part is switched off: the model already weighs the code's keyword score as one
of its features), one it has learned from fewer by either part, and a code it has not learned
by its keywords, at the default threshold or at one the coder's decisions on it clearly
favour. Before the coder has coded enough turns for a model (see
:data:`qualcode.suggest.learned.MIN_CODED_TURNS`) only the keyword part counts, so nothing
falls off a cliff at the 30th coded turn; with no decisions at all, the combined suggestions
are the keyword suggestions.

Each piece of evidence says which part it comes from (``method`` is ``keywords`` or
``learned``): the evidence of every part that passed its threshold, no place in the turn
twice (a learned term inside a keyword match is the keyword's); below the threshold, the
evidence of the stronger part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

import numpy

from qualcode.codebook import Codebook
from qualcode.suggest import keywords, thresholds
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


def common_scale_all(scores: numpy.ndarray, threshold: float) -> numpy.ndarray:
    """:func:`common_scale` of every score at once (a threshold of 1 or more: never above)."""
    with numpy.errstate(divide="ignore", invalid="ignore"):
        return numpy.where(
            scores < threshold,
            THRESHOLD * scores / threshold,
            THRESHOLD + (1 - THRESHOLD) * (scores - threshold) / (1 - threshold),
        )


def tagged(evidence: Iterable[Evidence], method: str) -> list[Evidence]:
    # item._replace(method=method), without its keyword handling (millions in a study)
    new = tuple.__new__
    return [new(Evidence, (*item[:6], method)) for item in evidence]


def merged(*parts: Sequence[Evidence]) -> Sequence[Evidence]:
    """The parts' evidence in turn order, no place twice: an item that overlaps one of an
    earlier part (the learned term "sover" inside the keyword "sover dårligt") is left out.
    A part alone is returned as it is (each part is in turn order; keyword evidence stays
    unbuilt, see :class:`qualcode.suggest.keywords.KeywordEvidence`)."""
    if len(parts) == 1:
        return parts[0]
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
    def tuned(self) -> bool:
        """Whether anything was learned from the coder: a model or a code's thresholds."""
        return self.learned.tuned

    @property
    def skipped(self) -> dict[str, str]:
        return self.learned.skipped

    def fit(self, turns: Iterable[AnalysedTurn], labels: Labels) -> CombinedSuggester:
        """Train the learned part, then choose each code's thresholds from the coder's
        decisions (:mod:`qualcode.suggest.thresholds`); they are kept with the learned part,
        so a stored model brings them along."""
        examples = [turn for turn in turns if labels.get(turn.turn.id)]
        self.learned.fit(examples, labels)
        self.learned.thresholds = self._thresholds(examples, labels)
        return self

    def _thresholds(
        self, examples: list[AnalysedTurn], labels: Labels
    ) -> dict[str, thresholds.CodeThresholds]:
        """Each labelled code's thresholds (:mod:`qualcode.suggest.thresholds`)."""
        found = [self.keywords.scored(turn) for turn in examples]
        chosen = {}
        for code in self.learned.codes:
            rows = [i for i, turn in enumerate(examples) if code in labels[turn.turn.id]]
            if not rows:
                continue
            target = numpy.array([labels[examples[i].turn.id][code] for i in rows], dtype=bool)
            positives = int(target.sum())
            if code in self.learned.models:
                # The model decides once it has learned from enough turns with the code;
                # before that, either part can suggest it, the keywords at their default.
                decides = positives >= thresholds.MODEL_DECIDES
                keyword = thresholds.OFF if decides else self.keywords.threshold
            else:
                scores = numpy.array([found[i].get(code, (0.0, None))[0] for i in rows])
                keyword = thresholds.keyword_threshold(scores, target, self.keywords.threshold)
            chosen[code] = thresholds.CodeThresholds(
                keyword, self.learned.threshold, positives, len(rows)
            )
        return chosen

    def fitted(self, code: str) -> thresholds.CodeThresholds:
        """``code``'s thresholds: the ones the coder's decisions gave it, else the defaults."""
        fit = self.learned.thresholds.get(code)
        if fit is None:
            return thresholds.CodeThresholds(self.keywords.threshold, self.learned.threshold)
        return fit

    def decides(self, code: str) -> tuple[str, float]:
        """Which part decides whether ``code`` is suggested, and at what threshold: the
        learned part for a code its model has learned from enough turns, either part for one
        it has learned from fewer, else the keyword part, at the threshold the coder's
        decisions gave it (:mod:`qualcode.suggest.thresholds`)."""
        fit = self.fitted(code)
        if code in self.learned.models and fit.keywords >= thresholds.OFF:
            return LEARNED, fit.learned
        if code in self.learned.models:
            return f"{keywords.METHOD} {fit.keywords:g} or {LEARNED}", fit.learned
        return keywords.METHOD, fit.keywords

    def _reach(
        self,
        probabilities: dict[str, list[float]],
        rows: int,
        floor: float,
    ) -> numpy.ndarray | None:
        """rows × codes: whether the learned probability, on the combined scale, may reach
        ``floor`` (a hair below it counts: each candidate is checked exactly after). None
        without a model."""
        if not probabilities:
            return None
        codes = self.learned.codes
        reach = numpy.zeros((rows, len(codes)), dtype=bool)
        for column, code in enumerate(codes):
            if code not in probabilities:
                continue
            value = numpy.asarray(probabilities[code])
            scaled = common_scale_all(value, self.fitted(code).learned)
            reach[:, column] = (scaled >= floor - 1e-9) & (value > 0)
        return reach

    def use(self, learned: LearnedSuggester) -> CombinedSuggester:
        """Take an already trained learned part (the workflow's cached model)."""
        self.learned = learned
        self.coder = learned.coder
        return self

    def suggest(
        self, turns: Iterable[AnalysedTurn], min_score: float | None = None
    ) -> Iterator[Suggestion]:
        floor = self.threshold if min_score is None else min_score
        codes = self.learned.codes
        position = {code: i for i, code in enumerate(codes)}
        fits = {code: self.fitted(code) for code in codes}
        iterator = iter(turns)
        while batch := list(islice(iterator, BATCH)):
            matrix, probabilities = (
                self.learned.predict(batch) if self.learned.trained else (None, {})
            )
            # Which codes the model alone can lift to the floor, for the whole batch at once
            # (a code it does not reach is looked at only when its keywords were found).
            reach = self._reach(probabilities, len(batch), floor)
            for row, turn in enumerate(batch):
                found = self.keywords.scored(turn)
                if reach is None:
                    candidates: Iterable[str] = found
                else:
                    columns = set(numpy.flatnonzero(reach[row]).tolist())
                    columns.update(position[code] for code in found)
                    candidates = [codes[i] for i in sorted(columns)]
                for code in candidates:
                    keyword_score, hits = found.get(code, (0.0, []))
                    probability = probabilities[code][row] if code in probabilities else 0.0
                    fit = fits[code]
                    by_keywords = common_scale(keyword_score, fit.keywords)
                    by_model = common_scale(probability, fit.learned)
                    value = max(by_keywords, by_model)
                    if value < floor or value <= 0:
                        continue
                    parts = []
                    if keyword_score and (by_keywords >= THRESHOLD or by_keywords >= by_model):
                        parts.append(
                            keywords.KeywordEvidence(hits, turn.turn.text, keywords.METHOD)
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
                        coder=self.coder if self.tuned else None,
                    )
