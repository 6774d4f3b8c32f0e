"""Per-code thresholds from a coder's decisions: hand-computed F-measures."""

from __future__ import annotations

import numpy
import pytest

from qualcode.suggest.evaluate import evaluate
from qualcode.suggest.thresholds import OFF, class_weight, keyword_threshold, weighted_f


def test_positives_of_a_rare_code_weigh_more():
    assert class_weight(50, 100) == 1.0
    assert class_weight(10, 100) == pytest.approx(3.0)
    assert class_weight(1, 100) == 5.0  # capped
    assert class_weight(80, 100) == 1.0  # a common code: never below 1
    assert class_weight(0, 10) == class_weight(10, 10) == 1.0


def test_the_weighted_f_measure_by_hand():
    target = numpy.array([True, True, False, False, False])
    predicted = numpy.array([[True, False, True, False, False], [False] * 5, [True] * 5])
    # tp 1, fn 1, fp 1: 2w / (2w + w + 1) with w = 2: 4 / 7; nothing found: 0; all: 8 / 11.
    assert weighted_f(predicted, target, 2.0) == pytest.approx([4 / 7, 0.0, 8 / 11])
    assert weighted_f(predicted[:1], target, 1.0) == pytest.approx([0.5])  # plain F1


def test_a_keyword_threshold_moves_only_for_a_clear_gain_on_enough_decisions():
    # 5 positives scoring 0.86, 10 negatives at 0.63: at 0.6, w = sqrt(2), F = 0.586; at 0.7,
    # 1.0 (the first threshold of the grid reaching the best).
    scores = numpy.array([0.86] * 5 + [0.63] * 10)
    target = numpy.array([True] * 5 + [False] * 10)
    assert keyword_threshold(scores, target, 0.6) == 0.7
    # Four positives are too few.
    assert keyword_threshold(scores[1:], target[1:], 0.6) == 0.6
    # Positives scoring low (one phrase word apart: 0.26) and nothing else: lowered to 0.3.
    low = numpy.array([0.26] * 5 + [0.0] * 10)
    assert keyword_threshold(low, target, 0.6) == 0.6  # 0.26 is under every threshold
    low[:5] = 0.45
    assert keyword_threshold(low, target, 0.6) == 0.3
    # Keywords found only where the coder did not apply the code: every threshold scores 0,
    # none is better than the default by the margin, so it stays.
    wrong = numpy.array([0.0] * 5 + [0.9] * 10)
    assert keyword_threshold(wrong, target, 0.6) == 0.6
    # A gain under the margin (0.05) does not move it: one false alarm among 30 turns, of which
    # 10 positives (w = sqrt(2)): 2w * 10 / (2w * 10 + 1) = 0.966 at 0.6, 1.0 at 0.7.
    near = numpy.array([0.86] * 10 + [0.0] * 19 + [0.63])
    ten = numpy.array([True] * 10 + [False] * 20)
    assert weighted_f(numpy.array([near >= 0.6]), ten, class_weight(10, 30)) == pytest.approx(
        [0.966], abs=1e-3
    )
    assert keyword_threshold(near, ten, 0.6) == 0.6
    assert OFF > 1.0


def test_evaluate_reports_the_threshold_each_code_was_decided_at(demo):
    combined = evaluate(demo, "coder-a", "combined")
    # Every fold's model learned every code: the model decides, at the learned threshold.
    assert {row.code: row.threshold for row in combined.codes} == dict.fromkeys(
        ["awareness", "conditions", "self-priority", "boundaries", "community"], "learned 0.35"
    )
    assert combined.to_dict()["codes"][0]["thresholds"] == {"learned": {"0.35": 4}}
    plain = evaluate(demo, "coder-a", "keywords")
    assert {row.threshold for row in plain.codes} == {"keywords 0.6"}
    early = evaluate(demo, "coder-a", "combined", coded_turns=25)
    awareness = next(row for row in early.codes if row.code == "awareness")
    assert sum(awareness.thresholds["keywords"].values()) == 4
    assert "learned" not in awareness.thresholds
