"""qualcode.agreement on plain data: the published worked examples, and degenerate data.

Every expected value below is the published one (source cited at each test); where a paper
gives intermediate figures they are checked too, and derivations by hand are written out.
"""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from qualcode import agreement
from qualcode.errors import QualcodeError

N = None

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Section C ("nominal
# data, any number of observers, missing data"): observers A-D, units 1-12, "." missing.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
# Bulletin 76(5), Table 1: 30 patients, 6 psychiatrists each (not the same six for every
# patient), the number who chose each diagnosis: depression, personality disorder,
# schizophrenia, neurosis, other.
FLEISS_1971 = [
    [0, 0, 0, 6, 0],
    [0, 3, 0, 0, 3],
    [0, 1, 4, 0, 1],
    [0, 0, 0, 0, 6],
    [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2],
    [2, 0, 3, 1, 0],
    [2, 0, 0, 4, 0],
    [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0],
    [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0],
    [1, 0, 0, 5, 0],
    [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1],
    [3, 0, 0, 1, 2],
    [5, 1, 0, 0, 0],
    [0, 2, 0, 4, 0],
    [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6],
    [0, 1, 0, 5, 0],
    [0, 2, 0, 1, 3],
    [2, 0, 0, 4, 0],
    [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0],
    [4, 0, 0, 0, 2],
    [0, 2, 0, 4, 0],
    [1, 0, 5, 0, 0],
    [0, 0, 0, 0, 6],
]


def raters_from_counts(table: list[list[int]]) -> list[list[int]]:
    """Counts per subject and category → raters × subjects (the j-th rating of a subject is
    'rater j'; Fleiss' kappa does not depend on which rater gave which rating)."""
    ratings = [[k for k, n in enumerate(row) for _ in range(n)] for row in table]
    return [list(column) for column in zip(*ratings, strict=True)]


def pairs_from_table(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """A two-coder contingency table (rows: coder A, columns: coder B) → two lists."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return a, b


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_four_observers_twelve_units_with_missing_values(level, published):
    assert round(agreement.krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == published


def test_krippendorff_2011_nominal_alpha_from_its_coincidence_matrix():
    # Krippendorff (2011), section C, by hand: unit 12 has one value and is not pairable;
    # the n = 40 pairable values are n_c = 9, 13, 10, 5, 3 of the values 1-5. Off-diagonal
    # coincidences: unit 2 (2,2,3,2) gives 2 * 3*1/(4-1) = 2, unit 6 (1,2,3,4) 12/(4-1) = 4,
    # unit 8 (1,1,2,1) 2, so sum o_cc = 40 - 8 = 32, sum n_c (n_c - 1) = 344 and
    # alpha = ((n - 1) * 32 - 344) / (n (n - 1) - 344) = 904 / 1216 = .743.
    counts, _ = agreement._count_table(KRIPPENDORFF_2011)
    pairable = counts[counts.sum(axis=1) >= 2]
    assert pairable.sum(axis=0).tolist() == [9, 13, 10, 5, 3]
    assert agreement.krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(904 / 1216)
    assert agreement._weighted_nominal_alpha(counts).value == pytest.approx(904 / 1216)


def test_cohen_1960_table_2_kappa():
    # Cohen (1960), Educational and Psychological Measurement 20(1), Table 2 (p. 45): 200
    # cases, three categories; p_o = 140/200 = .70, p_c = (120*100 + 60*60 + 20*40)/200^2
    # = .41, kappa = (.70 - .41) / (1 - .41) = .492.
    a, b = pairs_from_table([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    assert round(agreement.percent_agreement([a, b]), 2) == 0.70
    assert round(agreement.cohen_kappa(a, b), 3) == 0.492


def test_fleiss_1971_psychiatric_diagnoses_kappa():
    # Fleiss (1971): P-bar = .556, P-bar_e = .220, kappa = .430 (the category proportions
    # p_j = .144, .144, .167, .306, .239).
    data = raters_from_counts(FLEISS_1971)
    assert len(data) == 6 and len(data[0]) == 30
    assert round(agreement.percent_agreement(data), 3) == 0.556
    assert round(agreement.fleiss_kappa(data), 3) == 0.430


def test_gwet_2014_four_raters_with_missing_ratings():
    # Gwet (2014), Handbook of Inter-Rater Reliability (4th ed.), the 4 raters x 12 subjects
    # example with missing ratings (also dataset cac.raw4raters of his R package irrCAC):
    # p_a = 0.8182, p_e = 0.1903, AC1 = 0.7754; Fleiss' kappa generalised to missing
    # ratings 0.7612. The same ratings as Krippendorff (2011) but for which rater gave unit
    # 12's single rating, which neither coefficient depends on.
    # By hand: p_a = 9/11 (units 2 and 8 agree on 6 of 12 rater pairs, unit 6 on none, the
    # other 8 pairable units fully); pi = (3, 3.25, 3.5, 1.25, 1)/12 over the 12 units, so
    # p_e = sum pi (1 - pi) / 4 = 0.19032 and AC1 = (9/11 - 0.19032)/(1 - 0.19032) = 0.77544.
    assert round(agreement.percent_agreement(KRIPPENDORFF_2011), 4) == 0.8182
    assert round(agreement.gwet_ac1(KRIPPENDORFF_2011), 4) == 0.7754
    assert round(agreement.fleiss_kappa(KRIPPENDORFF_2011), 4) == 0.7612


def test_gwet_2014_two_abstractors_pregnancy_type():
    # Gwet (2014), the 100 pregnant women classified by two abstractors (Ectopic, AIU, NIU);
    # p_a = 0.89, p_e = 0.26992, AC1 = 0.84933. By hand: margins 13/27/60 and 13/24/63, so
    # pi = (.13, .255, .615) and p_e = (.1131 + .189975 + .236775) / 2 = .269925.
    a, b = pairs_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    assert agreement.percent_agreement([a, b]) == pytest.approx(0.89)
    assert round(agreement.gwet_ac1([a, b]), 5) == 0.84933


def test_statistics_reports_every_value_with_reasons_and_is_valid_json():
    result = agreement.statistics(KRIPPENDORFF_2011)
    assert result["n_coders"] == 4 and result["n_units"] == 12
    assert result["n_pairable_units"] == 11
    assert result["cohen_kappa"] is None
    assert "two coders" in result["reasons"]["cohen_kappa"]
    assert round(result["krippendorff_alpha"], 3) == 0.743
    json.dumps(result, allow_nan=False)


def test_values_can_be_any_labels_and_nan_counts_as_missing():
    words = [["yes", "no", "yes", None], ["yes", "no", "no", "no"]]
    numbers = [[1, 0, 1, float("nan")], [1, 0, 0, 0]]
    assert agreement.cohen_kappa(*words) == agreement.cohen_kappa(*numbers)
    # 3 units both coded, 2 agree; kappa: p_o = 2/3, p_e = (2/3)(1/3) + (1/3)(2/3) = 4/9.
    assert agreement.cohen_kappa(*words) == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))


ALL = ("percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1")


def test_arrays_and_data_frames_of_coders_by_units_give_the_published_values():
    # Krippendorff (2011) as a float32 array (NaN missing) and as a nullable-integer data
    # frame (pd.NA missing), one row per coder: nominal alpha .743 as from the lists.
    as_array = np.array(
        [[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011], np.float32
    )
    as_frame = pd.DataFrame(KRIPPENDORFF_2011, dtype="Int64")
    assert as_frame.isna().to_numpy().sum() == 7
    expected = agreement.statistics(KRIPPENDORFF_2011)
    for data in (as_array, as_frame, list(as_array), [pd.Series(row) for row in as_array]):
        assert agreement.statistics(data) == expected
        assert round(agreement.krippendorff_alpha(data), 3) == 0.743
        assert round(agreement.krippendorff_alpha(data, level="interval"), 3) == 0.849
    assert agreement.statistics(as_array)["n_pairable_units"] == 11


def test_every_kind_of_missing_value_is_missing_not_a_category():
    # two coders, four units; the third is missing for one coder in every spelling.
    for missing in (None, float("nan"), np.float32("nan"), np.float64("nan"), pd.NA, pd.NaT):
        data = [["yes", "no", missing, "no"], ["yes", "no", "yes", "yes"]]
        # 3 units both coded, 2 agree: p_o = 2/3, p_e = (1/3)(2/3) + (2/3)(1/3) = 4/9.
        assert agreement.cohen_kappa(*data) == pytest.approx((2 / 3 - 4 / 9) / (1 - 4 / 9))
        result = agreement.statistics(data)
        assert (result["n_units"], result["n_pairable_units"]) == (4, 3)
        assert agreement.gwet_ac1(data) == agreement.gwet_ac1(data, categories=["no", "yes"])


@pytest.mark.parametrize("seed", range(4))
def test_random_float32_arrays_with_nan_equal_the_reference_libraries(seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 4, size=(3, 40)).astype(np.float32)
    data[rng.random(data.shape) < 0.2] = np.nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert agreement.krippendorff_alpha(data, level=level) == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        )
    both = ~np.isnan(data[0]) & ~np.isnan(data[1])
    assert agreement.cohen_kappa(data[0], data[1]) == pytest.approx(
        cohen_kappa_score(data[0][both], data[1][both])
    )
    frame = pd.DataFrame(data).astype("Int64")  # NaN becomes pd.NA
    for name in ALL:
        assert getattr(agreement, name)(frame) == pytest.approx(getattr(agreement, name)(data))


def test_arrays_of_other_shapes_are_a_clear_error():
    with pytest.raises(QualcodeError, match="coders × units"):
        agreement.krippendorff_alpha(np.zeros((2, 3, 4)))
    with pytest.raises(QualcodeError, match="coders × units"):
        agreement.percent_agreement(np.array([1, 0, 1]))
    with pytest.raises(QualcodeError, match="list of coders"):
        agreement.fleiss_kappa([1, 0, 1])


DEGENERATE = {
    "a code nobody used": [[0, 0, 0, 0], [0, 0, 0, 0]],
    "one category only": [["x", "x", "x"], ["x", "x", "x"], ["x", N, "x"]],
    "a single unit": [[1], [1]],
    "all missing": [[N, N], [N, N]],
    "one coder": [[1, 0, 1]],
    "no units": [[], []],
}


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_degenerate_data_gives_values_or_none_with_a_reason_never_nan(name):
    data = DEGENERATE[name]
    result = agreement.statistics(data)
    json.dumps(result, allow_nan=False)
    for key in ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
        value = result[key]
        assert value is None or math.isfinite(value)
        assert (value is None) == (key in result["reasons"])
    for function in (agreement.percent_agreement, agreement.fleiss_kappa, agreement.gwet_ac1):
        value = function(data)
        assert value is None or math.isfinite(value)


def test_no_variation_leaves_kappa_and_alpha_undefined_but_agreement_perfect():
    data = DEGENERATE["a code nobody used"]
    result = agreement.statistics(data)
    assert result["percent_agreement"] == 1.0
    assert result["cohen_kappa"] is None and result["krippendorff_alpha"] is None
    assert "no variation" in result["reasons"]["krippendorff_alpha"]
    # AC1 needs to know the other category exists; told so, its chance agreement is 0.
    assert agreement.gwet_ac1(data) is None
    assert "categories" in result["reasons"]["gwet_ac1"]
    assert agreement.gwet_ac1(data, categories=[0, 1]) == 1.0


def test_all_missing_and_one_coder_say_why():
    assert agreement.statistics(DEGENERATE["all missing"])["reasons"]["percent_agreement"] == (
        agreement.NO_PAIRS
    )
    assert agreement.krippendorff_alpha(DEGENERATE["one coder"]) is None
    assert agreement.statistics(DEGENERATE["one coder"])["reasons"]["krippendorff_alpha"] == (
        agreement.ONE_CODER
    )


def test_a_single_disagreeing_unit_has_defined_values():
    # One unit, two coders who differ: p_o = 0 and p_e = 1*0 + 0*1 = 0, so kappa = 0;
    # alpha = 1 - (n - 1) * 2 / (2 * 1 * 1) with n = 2 pairable values: 0.
    assert agreement.cohen_kappa([1], [0]) == 0.0
    assert agreement.krippendorff_alpha([[1], [0]]) == 0.0


def test_bad_input_is_a_clear_error():
    with pytest.raises(QualcodeError, match="one value per unit"):
        agreement.percent_agreement([[1, 2, 3], [1, 2]])
    with pytest.raises(QualcodeError, match="level must be one of"):
        agreement.krippendorff_alpha([[1, 2], [1, 2]], level="cardinal")
    with pytest.raises(QualcodeError, match="needs numbers"):
        agreement.krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval")
    with pytest.raises(QualcodeError, match="list of coders"):
        agreement.percent_agreement("abc")


def expand(counts: np.ndarray, weights: np.ndarray) -> list[list[int | None]]:
    """Binary value counts per distinct unit with weights → coders × units lists."""
    coders = int(counts.sum(axis=1).max())
    data: list[list[int | None]] = [[] for _ in range(coders)]
    for (no, yes), weight in zip(counts, weights, strict=True):
        for _ in range(int(weight)):
            values = [1] * int(yes) + [0] * int(no) + [None] * (coders - int(yes + no))
            for coder, value in enumerate(values):
                data[coder].append(value)
    return data


@pytest.mark.parametrize("seed", range(5))
def test_weighted_statistics_equal_the_libraries_on_the_expanded_units(seed):
    """The project path computes on distinct units with counts; it must give exactly what
    scikit-learn, krippendorff and the plain functions give on the units one by one."""
    rng = np.random.default_rng(seed)
    coders = 3
    patterns = [(no, yes) for m in range(2, coders + 1) for yes in range(m + 1) for no in [m - yes]]
    counts = np.array(patterns)
    weights = rng.integers(0, 6, size=len(patterns))
    data = expand(counts, weights)
    assert agreement._weighted_nominal_alpha(counts, weights).value == pytest.approx(
        agreement.krippendorff_alpha(data)
    )
    assert agreement._weighted_gwet_ac1(counts, weights).value == pytest.approx(
        agreement.gwet_ac1(data, categories=[0, 1])
    )
    assert agreement._weighted_fleiss(counts, weights).value == pytest.approx(
        agreement.fleiss_kappa(data)
    )
    pairs = np.array([[a, b] for a in (0, 1) for b in (0, 1)])
    pair_weights = rng.integers(1, 9, size=4)
    a = [int(x) for (x, _), w in zip(pairs, pair_weights, strict=True) for _ in range(w)]
    b = [int(y) for (_, y), w in zip(pairs, pair_weights, strict=True) for _ in range(w)]
    assert agreement._weighted_cohen(pairs, pair_weights).value == pytest.approx(
        agreement.cohen_kappa(a, b)
    )
