"""Thresholds that fit each code, from one coder's own decisions.

One threshold for every code starves some codes and floods others: a rare code's learned
probability seldom reaches a threshold that suits a common one, and a code whose keywords are
said in passing is suggested where the coder never applies it. So the combined suggester
(:mod:`qualcode.suggest.combined`) fits its thresholds to each code, from the coder's
decisions on the turns they have seen (applied or accepted: yes; seen and not applied, or
rejected: no; see :func:`qualcode.suggest.workflow.training_data`):

* **A code the model has learned from at least** :data:`MODEL_DECIDES` **turns with it** is
  decided by the model: its probability, in which the code's keyword score is one of the
  features, with the positive turns weighted by :func:`class_weight` when it is trained (so a
  rare code is not starved by the many turns it does not apply to). Its keyword part is
  switched off (:data:`OFF`): on top of such a model, the keyword matches mostly added
  suggestions the coder did not want (docs/suggestions.md). A code the model has learned from
  fewer is suggested when either part passes, the keywords at their default threshold.
* **A code the model has not learned** (too few coded turns or positives) is decided by its
  keywords, at the threshold of :data:`KEYWORD_GRID` whose decisions on the labelled turns
  have the best F-measure, positives weighted by :func:`class_weight`. The default
  (:data:`qualcode.suggest.keywords.THRESHOLD`) stays unless another threshold is better by
  :data:`MARGIN`, and it stays for a code applied to fewer than :data:`MIN_POSITIVES` turns:
  a handful of decisions does not move a threshold.

Choosing the learned threshold per code as well, from out-of-fold probabilities, was measured
and cost most evaluation sets more than it gained (they are too small to choose among so many
values): the learned part keeps :data:`qualcode.suggest.learned.THRESHOLD`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy

MIN_POSITIVES = 5
MODEL_DECIDES = 10
MARGIN = 0.05
OFF = 1.01  # a threshold no score reaches: that part never passes for the code
KEYWORD_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, OFF)


@dataclass(frozen=True)
class CodeThresholds:
    """One code's thresholds (keyword part, learned part) and how many of the coder's
    decisions they were chosen from (turns with the code applied, turns labelled)."""

    keywords: float
    learned: float
    positives: int = 0
    decisions: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CodeThresholds:
        """What :func:`dataclasses.asdict` gave; ValueError for anything else (a damaged
        stored model)."""
        keywords, learned = float(data["keywords"]), float(data["learned"])
        positives, decisions = int(data["positives"]), int(data["decisions"])
        if not (0 < keywords <= OFF and 0 < learned <= OFF and 0 <= positives <= decisions):
            raise ValueError(f"thresholds out of range: {data!r}")
        return cls(keywords, learned, positives, decisions)


def class_weight(positives: int, decisions: int) -> float:
    """How much a turn the coder applied the code to weighs against one they did not: the
    square root of the odds against the code (1 for a code on half the turns, 3 for one on a
    tenth), between 1 and 5."""
    if not positives or positives >= decisions:
        return 1.0
    return min(5.0, max(1.0, math.sqrt((decisions - positives) / positives)))


def weighted_f(predicted: numpy.ndarray, target: numpy.ndarray, weight: float) -> numpy.ndarray:
    """The F-measure of each row of decisions ``predicted`` (thresholds × turns, boolean)
    against ``target``, a found or missed positive weighing ``weight`` and a false alarm 1:
    ``2 w tp / (2 w tp + w fn + fp)`` (F1 when ``weight`` is 1)."""
    tp = (predicted & target).sum(axis=1)
    fp = (predicted & ~target).sum(axis=1)
    fn = (~predicted & target).sum(axis=1)
    denominator = 2 * weight * tp + weight * fn + fp
    return numpy.divide(
        2.0 * weight * tp, denominator, out=numpy.zeros(len(tp)), where=denominator > 0
    )


def keyword_threshold(scores: numpy.ndarray, target: numpy.ndarray, default: float) -> float:
    """The keyword threshold of a code the model has not learned, from its keyword scores on
    the labelled turns and the coder's decisions there (see the module docstring)."""
    positives = int(target.sum())
    if positives < MIN_POSITIVES or positives == len(target):
        return default
    weight = class_weight(positives, len(target))
    grid = numpy.array(KEYWORD_GRID)
    values = weighted_f(scores[None, :] >= grid[:, None], target, weight)
    baseline = float(weighted_f((scores >= default)[None, :], target, weight)[0])
    best = int(numpy.argmax(values))
    return float(grid[best]) if values[best] >= baseline + MARGIN else default
