"""Bootstrap intervals of the agreement statistics, against exact and published references.

Hayes & Krippendorff's (2007) bootstrap of alpha draws M pairs of values from the coincidence
matrix; with two coders and yes/no values the number of disagreeing pairs drawn is binomial,
so its percentiles are known exactly (scipy.stats.binom), and in general alpha* = 1 - S / (M
D_e) with S a sum of M independent draws, so its mean and spread are known exactly too. The
tests compare the bootstrap with these within Monte Carlo error.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import binom
from sklearn.metrics import cohen_kappa_score

from qualcode import agreement
from qualcode.analyse.project_agreement import agreement_rows, project_agreement
from qualcode.cli import cli
from qualcode.errors import QualcodeError

FIXTURES = Path(__file__).parent / "fixtures" / "agreement"

# Krippendorff (2011), Computing Krippendorff's Alpha-Reliability, section A: binary data,
# two observers, ten units; alpha = .095.
BINARY_A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
BINARY_B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def hayes_krippendorff_2007() -> list[list[int | None]]:
    """Table 1 of Hayes & Krippendorff (2007): 5 observers × 40 units, ordinal 0-3."""
    rows = [
        line.split()[1:]
        for line in (FIXTURES / "hayes-krippendorff-2007.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    return [[None if v == "." else int(v) for v in column] for column in zip(*rows, strict=True)]


def test_binary_alpha_interval_is_the_exact_binomial_percentiles():
    data = [BINARY_A, BINARY_B]
    assert agreement.krippendorff_alpha(data) == pytest.approx(0.095, abs=5e-4)
    # 20 values (6 yes, 14 no), 4 disagreeing units: a drawn pair disagrees with p = 2 * 4 /
    # 20 = .4; M = 10 pairs (one per unit); D_e = 2 * 6 * 14 / (20 * 19) = 168 / 380. So
    # alpha* = 1 - S * 380 / 1680 with S ~ Binomial(10, .4): the 95% bounds come from S's
    # 97.5% and 2.5% quantiles, 7 and 1.
    s_high, s_low = binom.ppf(0.975, 10, 0.4), binom.ppf(0.025, 10, 0.4)
    assert (s_high, s_low) == (7, 1)
    exact = (1 - s_high * 380 / 1680, 1 - s_low * 380 / 1680)
    for seed in range(5):
        interval = agreement.confidence_interval(data, seed=seed)
        assert (interval.low, interval.high) == pytest.approx(exact)
        assert interval.resamples == agreement.RESAMPLES == 1000


def test_hayes_krippendorff_2007_bootstrap_has_the_exact_mean_and_spread():
    data = hayes_krippendorff_2007()
    # published: ordinal alpha .7598 over 239 pairs of judgments
    alpha = agreement.krippendorff_alpha(data, "ordinal")
    assert round(alpha, 4) == 0.7598
    counts, values = agreement._count_table(data)
    m = counts.sum(axis=1)
    assert (m * (m - 1)).sum() / 2 == 239
    o = agreement._coincidences(counts, None)
    delta = agreement._deltas(o, np.array(values, dtype=float), "ordinal")
    n, n_c = o.sum(), o.sum(axis=0)
    observed = (o * delta).sum() / n
    expected = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    assert 1 - observed / expected == pytest.approx(alpha)  # the same differences as alpha's
    # One drawn pair's difference has mean D_o and variance var; alpha* = 1 - S / (239 D_e).
    upper = np.triu_indices(len(o))
    p = np.where(upper[0] == upper[1], 1, 2) * o[upper] / n
    var = (p * delta[upper] ** 2).sum() - observed**2
    spread = np.sqrt(var / 239) / expected
    resamples = 20_000
    values_ = agreement.bootstrap_alpha(o, delta, 239, resamples, np.random.default_rng(7))
    assert values_.mean() == pytest.approx(alpha, abs=4 * spread / np.sqrt(resamples))
    assert values_.std() == pytest.approx(spread, rel=0.03)  # MC error of an SD: 0.5 %
    # the interval is the KALPHA percentiles of these values
    interval = agreement.confidence_interval(data, level="ordinal", seed=7, resamples=resamples)
    ordered = np.sort(values_)
    assert (interval.low, interval.high) == (ordered[499], ordered[19_500])
    assert interval.low < alpha < interval.high


def test_a_fixed_seed_gives_the_same_interval_and_another_seed_another():
    data = hayes_krippendorff_2007()
    for statistic in ("krippendorff_alpha", "gwet_ac1", "fleiss_kappa", "percent_agreement"):
        first = agreement.confidence_interval(data, statistic, seed=11)
        assert agreement.confidence_interval(data, statistic, seed=11) == first
        assert agreement.confidence_interval(data, statistic, seed=12) != first


def test_kappa_interval_over_units_equals_resampling_the_cases_one_by_one():
    # Cohen (1960) Table 2: 200 cases, kappa .492. Our bootstrap draws new counts of the
    # distinct (A, B) pairs; the reference resamples the 200 cases one by one and computes
    # kappa from each resample's table by the textbook formula (checked against scikit-learn).
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    a = [i for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    b = [j for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    interval = agreement.confidence_interval([a, b], "cohen_kappa", resamples=4000, seed=3)
    rng = np.random.default_rng(5)
    x, y = np.array(a), np.array(b)
    reference = []
    for i in range(4000):
        pick = rng.integers(0, 200, 200)
        cells = np.bincount(x[pick] * 3 + y[pick], minlength=9).reshape(3, 3) / 200
        chance = cells.sum(axis=1) @ cells.sum(axis=0)
        reference.append((np.trace(cells) - chance) / (1 - chance))
        if i < 3:
            assert reference[-1] == pytest.approx(cohen_kappa_score(x[pick], y[pick]))
    low, high = np.percentile(reference, [2.5, 97.5])
    assert interval.low == pytest.approx(low, abs=0.015)
    assert interval.high == pytest.approx(high, abs=0.015)
    assert interval.low < 0.492 < interval.high


@pytest.mark.parametrize("statistic", agreement.UNIT_STATISTICS)
def test_resampled_statistics_with_the_original_weights_are_the_statistics(statistic):
    data = (
        hayes_krippendorff_2007()[:2] if statistic == "cohen_kappa" else hayes_krippendorff_2007()
    )
    counts, values = agreement._count_table(data)
    pairs = None
    if statistic == "cohen_kappa":
        index = {v: i for i, v in enumerate(values)}
        pairs = np.array(
            [
                (index[x], index[y]) if None not in (x, y) else (-1, -1)
                for x, y in zip(*data, strict=True)
            ]
        )
    same = agreement._resampled(counts, np.ones((1, len(counts))), statistic, pairs)
    assert same[0] == pytest.approx(agreement.statistics(data)[statistic])


def test_undefined_statistics_have_no_interval_and_bad_options_are_clear_errors():
    interval = agreement.confidence_interval([[1, 1, 1], [1, 1, 1]])
    assert interval.low is None and "no variation" in interval.reason
    three = agreement.confidence_interval([[1, 0], [1, 0], [0, 0]], "cohen_kappa")
    assert three.low is None and "two coders" in three.reason
    with pytest.raises(QualcodeError, match="confidence"):
        agreement.confidence_interval([BINARY_A, BINARY_B], confidence=95)
    with pytest.raises(QualcodeError, match="resamples"):
        agreement.confidence_interval([BINARY_A, BINARY_B], resamples=10)
    with pytest.raises(QualcodeError, match="statistic must be"):
        agreement.confidence_interval([BINARY_A, BINARY_B], "kappa")


# ---------------------------------------------------------------- over a project


def test_project_intervals_and_the_reading_from_the_lower_bound(study):
    result = project_agreement(study, ["ann", "ben"], ci=True, seed=5)
    json.dumps(result, allow_nan=False)
    assert result["intervals"]["seed"] == 5 and result["intervals"]["resamples"] == 1000
    assert "Hayes & Krippendorff" in result["intervals"]["methods"]["krippendorff_alpha"]
    codes = {row["code"]: row for row in result["codes"]}
    # conditions: both coders said yes to the same 1 of 7 turns: alpha 1, "reliable" by its
    # value. The bootstrap draws M = 7 pairs from 14 values (2 yes): all 1000 resamples agree,
    # and round(1000 * ((12/14)^7 + (2/14)^7)) = 340 of them drew one value only (alpha
    # undefined), which count as 0: the 25th of the sorted values is 0, the 976th is 1.
    conditions = codes["conditions"]
    assert conditions["krippendorff_alpha"] == 1.0
    assert round(1000 * ((12 / 14) ** 7 + (2 / 14) ** 7)) == 340
    assert conditions["intervals"]["krippendorff_alpha"] == {
        "low": 0.0,
        "high": 1.0,
        "resamples": 1000,
    }
    assert conditions["reading"] == "not reliable"
    plain = {row["code"]: row for row in project_agreement(study, ["ann", "ben"])["codes"]}
    assert plain["conditions"]["reading"] == "reliable"
    assert "intervals" not in plain["conditions"]
    # the unused code has no alpha, so no interval, with the reason
    unused = codes["unused"]["intervals"]["krippendorff_alpha"]
    assert unused["low"] is None and "no variation" in unused["reason"]
    # the printed table has the bounds beside alpha, kappa and AC1
    rows = {row["code"]: row for row in agreement_rows(result)}
    assert rows["conditions"]["krippendorff_alpha_low"] == 0.0
    assert {"cohen_kappa_low", "gwet_ac1_high"} <= set(rows["awareness"])


def test_project_intervals_with_a_seed_are_the_same_twice(tmp_path, make_study):
    cy = [("t1", 3, ["conditions"], None), ("t1", 2, ["awareness"], None)]
    with make_study(tmp_path / "three", cy=cy) as project:
        coders = ["ann", "ben", "cy"]
        first = project_agreement(project, coders, ci=True, seed=9)
        assert project_agreement(project, coders, ci=True, seed=9) == first
        # a code's interval does not depend on which other codes are asked for
        alone = project_agreement(project, coders, codes=["boundaries"], ci=True, seed=9)
        by_code = {row["code"]: row for row in first["codes"]}
        assert alone["codes"][0]["intervals"] == by_code["boundaries"]["intervals"]
        assert by_code["awareness"]["intervals"]["cohen_kappa"]["low"] is None
        runner = CliRunner()
        args = ["--project", str(project.path), "agreement", "--coders", "ann,ben,cy", "--ci"]
        outputs = [
            runner.invoke(cli, [*args, "--seed", "9", "--format", "json"]).stdout for _ in range(2)
        ]
        assert outputs[0] == outputs[1]
        assert json.loads(outputs[0])["codes"] == first["codes"]
        table = runner.invoke(cli, [*args, "--seed", "9", "--resamples", "500"])
        assert table.exit_code == 0 and "krippendorff_alpha_low" in table.stdout
        assert "500 resamples, seed 9" in table.stdout
        bad = runner.invoke(cli, [*args, "--resamples", "5"])
        assert bad.exit_code != 0 and "resamples must be" in bad.stderr
