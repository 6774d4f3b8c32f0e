"""Inter-coder agreement statistics on plain data: coders × units, ``None`` for missing.

``data`` is coders × units: a list of coders' lists, one value per unit (any hashable value: a
category name, a number, True/False), a 2-D numpy array or a pandas DataFrame with one row per
coder; ``None``, NaN (of any float type) and ``pd.NA`` mark a unit the coder did not code.
Every function returns a float, or ``None`` when the statistic is undefined for the data (no
unit coded by two coders, no variation at all, …); :func:`statistics` returns all of them
together with the ``reason`` for each one that is undefined, so a caller never gets NaN.

Where a well-kept library computes a statistic it is used: Cohen's kappa is scikit-learn's
``cohen_kappa_score`` and Krippendorff's alpha is the ``krippendorff`` package. Fleiss' kappa and
Gwet's AC1 share one implementation on the table of category counts per unit (neither
scikit-learn nor krippendorff has them; statsmodels' ``fleiss_kappa`` needs the same number of
coders on every unit, and irrCAC pins old versions of pandas and SciPy), following Gwet (2014),
whose formulas handle missing values and equal Fleiss (1971) on complete data.

The ``_weighted_*`` functions compute the same statistics on a table of distinct units with a
count (weight) per row. Agreement over a project uses them, because with yes/no decisions
every unit is one of a few patterns; the tests check them against the public functions (and
so against scikit-learn and krippendorff) on the expanded data.

References
----------
- Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
  Psychological Measurement, 20(1), 37–46.
- De Vries, H., Elliott, M. N., Kanouse, D. E., & Teleki, S. S. (2008). Using pooled kappa
  to summarize interrater agreement across many items. Field Methods, 20(3), 272–282.
- Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
  Bulletin, 76(5), 378–382.
- Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
  Communication, University of Pennsylvania.
- Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
  high agreement. British Journal of Mathematical and Statistical Psychology, 61(1), 29–48.
- Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced Analytics.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from qualcode.errors import QualcodeError

LEVELS = ("nominal", "ordinal", "interval", "ratio")
Data = Sequence[Sequence[Hashable | None]] | np.ndarray | pd.DataFrame

NO_PAIRS = "no unit was coded by two or more coders"
ONE_CODER = "agreement needs at least two coders"
NO_VARIATION = (
    "no variation: every coder gave every unit the same value, so agreement expected by "
    "chance is 1 and the coefficient is 0/0"
)
ONE_CATEGORY = (
    "only one category occurs and no others were named, so chance agreement is undefined; "
    "pass categories= with every possible value"
)


class Statistic(NamedTuple):
    """A statistic's value, or ``None`` and the reason why it is undefined."""

    value: float | None
    reason: str | None = None


# ---------------------------------------------------------------- public API on plain data


def percent_agreement(data: Data) -> float | None:
    """Share of agreeing coder pairs (0–1), averaged over units coded by two or more coders.

    With two coders this is the share of units both coded on which they agree. With more
    coders, each unit counts the pairs of its coders that agree (Fleiss 1971's P-bar, Gwet
    2014's p_a). Multiply by 100 for a percentage.
    """
    counts, _ = _count_table(_rows(data))
    return _weighted_percent_agreement(counts).value


def cohen_kappa(
    a: Sequence[Hashable | None] | np.ndarray | pd.Series,
    b: Sequence[Hashable | None] | np.ndarray | pd.Series,
) -> float | None:
    """Cohen's (1960) kappa of two coders, over the units both coded (scikit-learn); ``a``
    and ``b`` are lists, 1-D arrays or Series of one value per unit."""
    return _cohen(*_rows([a, b])).value


def fleiss_kappa(data: Data) -> float | None:
    """Fleiss' (1971) kappa of any number of coders; with missing values, Gwet's (2014)
    generalisation (chance agreement from each unit's share of each category)."""
    counts, _ = _count_table(_rows(data))
    return _weighted_fleiss(counts).value


def krippendorff_alpha(data: Data, level: str = "nominal") -> float | None:
    """Krippendorff's alpha at ``level`` (nominal, ordinal, interval or ratio), any number of
    coders, missing values allowed (the ``krippendorff`` package)."""
    return _alpha(_rows(data), level).value


def gwet_ac1(data: Data, categories: Sequence[Hashable] | None = None) -> float | None:
    """Gwet's AC1 (Gwet 2008; Handbook 2014, ch. 4) for any number of coders and missing values.

    AC1 = (p_a - p_e) / (1 - p_e), where p_a is :func:`percent_agreement` and chance agreement
    p_e = sum_k pi_k (1 - pi_k) / (q - 1), with pi_k the share of category k averaged over the
    units coded by at least one coder and q the number of categories. Unlike kappa it stays
    stable when one category is rare (a code applied to few turns). ``categories`` names all
    possible values when some of them do not occur in ``data`` (q counts them too).
    """
    counts, _ = _count_table(_rows(data), categories)
    return _weighted_gwet_ac1(counts).value


def statistics(
    data: Data, level: str = "nominal", categories: Sequence[Hashable] | None = None
) -> dict[str, Any]:
    """All statistics of ``data`` in one dict, with ``reasons`` for each undefined one.

    ``cohen_kappa`` is computed only for exactly two coders (None otherwise, with a reason).
    """
    data = _rows(data)
    counts, _ = _count_table(data, categories)
    values = {
        "n_coders": len(data),
        "n_units": int((counts.sum(axis=1) >= 1).sum()),
        "n_pairable_units": int((counts.sum(axis=1) >= 2).sum()),
        "percent_agreement": _weighted_percent_agreement(counts),
        "cohen_kappa": _cohen(data[0], data[1])
        if len(data) == 2
        else Statistic(None, "Cohen's kappa compares exactly two coders"),
        "fleiss_kappa": _weighted_fleiss(counts),
        "krippendorff_alpha": _alpha(data, level),
        "gwet_ac1": _weighted_gwet_ac1(counts),
    }
    return _with_reasons(values)


# ---------------------------------------------------------------- from data to count tables


def _is_missing(value: Any) -> bool:
    """None, NaN of any float type, pandas' NA and NaT: a unit the coder did not code."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and bool(np.isnan(value))


def _values(row: Any) -> list[Any]:
    """One coder's values as a plain list (numpy numbers become Python numbers)."""
    if isinstance(row, pd.Series):
        return row.to_numpy(dtype=object).tolist()
    if isinstance(row, np.ndarray):
        if row.ndim != 1:
            raise QualcodeError("agreement data must be a list of coders' lists of values")
        return row.tolist()
    if isinstance(row, str | bytes) or not isinstance(row, Sequence):
        raise QualcodeError("agreement data must be a list of coders' lists of values")
    return [value.item() if isinstance(value, np.generic) else value for value in row]


def _rows(data: Data) -> list[list[Any]]:
    """``data`` (coders × units: lists, a 2-D array or a DataFrame, one row per coder) as
    one plain list of values per coder, all of one length."""
    if isinstance(data, pd.DataFrame):
        rows = data.to_numpy(dtype=object).tolist()
    elif isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise QualcodeError(
                f"agreement data must be coders × units (2-D), not an array of {data.ndim} "
                "dimension(s)"
            )
        rows = data.tolist()
    elif isinstance(data, str | bytes) or not isinstance(data, Sequence | pd.Series):
        raise QualcodeError("agreement data must be a list of coders' lists of values")
    else:
        rows = [_values(row) for row in data]
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        raise QualcodeError(
            f"every coder needs one value per unit; the coders' lists have lengths "
            f"{sorted(lengths)}"
        )
    return rows


def _categories(data: Data, categories: Sequence[Hashable] | None) -> list[Hashable]:
    seen = dict.fromkeys(v for row in data for v in row if not _is_missing(v))
    if categories is not None:
        unknown = [v for v in seen if v not in set(categories)]
        if unknown:
            raise QualcodeError(f"values {unknown[:5]} are not among categories {categories}")
        seen = dict.fromkeys(categories)
    try:
        return sorted(seen)  # type: ignore[type-var]
    except TypeError:
        return list(seen)


def _count_table(
    data: Data, categories: Sequence[Hashable] | None = None
) -> tuple[np.ndarray, list[Hashable]]:
    """Units × categories: how many coders put each unit in each category."""
    values = _categories(data, categories)
    index = {value: i for i, value in enumerate(values)}
    n_units = len(data[0]) if len(data) else 0
    counts = np.zeros((n_units, max(len(values), 1)), dtype=np.int64)
    for row in data:
        for unit, value in enumerate(row):
            if not _is_missing(value):
                counts[unit, index[value]] += 1
    if not values:
        counts = counts[:, :0]
    return counts, values


def _with_reasons(values: dict[str, Any]) -> dict[str, Any]:
    """Statistic tuples → plain values plus ``reasons`` for the undefined ones."""
    result: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, Statistic):
            result[key] = value.value
            if value.reason:
                reasons[key] = value.reason
        else:
            result[key] = value
    result["reasons"] = reasons
    return result


# ---------------------------------------------------------------- the statistics


def _weights(counts: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(counts), dtype=np.float64)
    return np.asarray(weights, dtype=np.float64)


def _weighted_percent_agreement(counts: np.ndarray, weights: np.ndarray | None = None) -> Statistic:
    """Gwet's p_a: per unit with r >= 2 coders, sum_k r_k (r_k - 1) / (r (r - 1)), averaged."""
    w = _weights(counts, weights)
    coders = counts.sum(axis=1)
    pairable = coders >= 2
    total = w[pairable].sum()
    if total == 0:
        return Statistic(None, NO_PAIRS)
    r = coders[pairable].astype(np.float64)
    agree = (counts[pairable] * (counts[pairable] - 1)).sum(axis=1) / (r * (r - 1))
    return Statistic(float((w[pairable] * agree).sum() / total))


def _category_shares(counts: np.ndarray, w: np.ndarray) -> np.ndarray:
    """pi_k: each category's share of a unit's values, averaged over units with a value."""
    coders = counts.sum(axis=1)
    rated = coders >= 1
    shares = counts[rated] / coders[rated, np.newaxis]
    return (w[rated, np.newaxis] * shares).sum(axis=0) / w[rated].sum()


class Chance(NamedTuple):
    """A chance-corrected coefficient's parts: observed and chance (expected) agreement, so
    that the coefficient is (observed - expected) / (1 - expected)."""

    observed: float
    expected: float


def _chance_corrected(pa: Statistic, pe: float) -> Statistic:
    if pa.value is None:
        return pa
    if pe >= 1 - 1e-12:
        return Statistic(None, NO_VARIATION)
    return Statistic(float((pa.value - pe) / (1 - pe)))


def pooled(parts: Sequence[Chance | Statistic]) -> Statistic:
    """De Vries et al.'s (2008) pooled coefficient over several codes (items):
    (mean observed - mean expected) / (1 - mean expected), each code's parts from the same
    coefficient. Unlike pooling every (code, unit) pair into one table, codes used at
    different rates do not create agreement: codes coded at random pool to about 0."""
    for part in parts:
        if isinstance(part, Statistic):
            return part
    if not parts:
        return Statistic(None, "no code to pool")
    observed = float(np.mean([part.observed for part in parts]))
    expected = float(np.mean([part.expected for part in parts]))
    return _chance_corrected(Statistic(observed), expected)


def _fleiss_chance(counts: np.ndarray, weights: np.ndarray | None = None) -> Chance | Statistic:
    """Fleiss' parts: p_a and p_e = sum_k pi_k^2 (Fleiss 1971; Gwet 2014 for missing values)."""
    w = _weights(counts, weights)
    pa = _weighted_percent_agreement(counts, w)
    if pa.value is None:
        return pa
    pi = _category_shares(counts, w)
    return Chance(pa.value, float((pi**2).sum()))


def _gwet_ac1_chance(counts: np.ndarray, weights: np.ndarray | None = None) -> Chance | Statistic:
    """Gwet's AC1 parts: p_a and p_e = sum_k pi_k (1 - pi_k) / (q - 1), q categories."""
    w = _weights(counts, weights)
    pa = _weighted_percent_agreement(counts, w)
    if pa.value is None:
        return pa
    q = counts.shape[1]
    if q < 2:
        return Statistic(None, ONE_CATEGORY)
    pi = _category_shares(counts, w)
    return Chance(pa.value, float((pi * (1 - pi)).sum() / (q - 1)))


def _from_chance(parts: Chance | Statistic) -> Statistic:
    if isinstance(parts, Statistic):
        return parts
    return _chance_corrected(Statistic(parts.observed), parts.expected)


def _weighted_fleiss(counts: np.ndarray, weights: np.ndarray | None = None) -> Statistic:
    """Fleiss' kappa: p_e = sum_k pi_k^2 (Fleiss 1971; Gwet 2014 for missing values)."""
    return _from_chance(_fleiss_chance(counts, weights))


def _weighted_gwet_ac1(counts: np.ndarray, weights: np.ndarray | None = None) -> Statistic:
    """Gwet's AC1: p_e = sum_k pi_k (1 - pi_k) / (q - 1), q = number of categories."""
    return _from_chance(_gwet_ac1_chance(counts, weights))


def _cohen_chance(pairs: np.ndarray, weights: np.ndarray | None = None) -> Chance | Statistic:
    """Cohen's parts from (value of A, value of B) rows with weights: p_o, the share of
    units where they agree, and p_e = sum_k p_A(k) p_B(k) from each coder's own shares."""
    w = _weights(pairs, weights)
    if len(pairs) == 0 or w.sum() == 0:
        return Statistic(None, "the two coders have no unit in common")
    total = w.sum()
    a, b = pairs[:, 0], pairs[:, 1]
    observed = float(w[a == b].sum() / total)
    values = np.union1d(a, b)
    expected = sum(w[a == v].sum() * w[b == v].sum() for v in values) / total**2
    return Chance(observed, float(expected))


def _weighted_cohen(pairs: np.ndarray, weights: np.ndarray | None = None) -> Statistic:
    """Cohen's kappa from an array of (value of coder A, value of coder B) rows, one per
    distinct unit, each with its weight (scikit-learn's sample_weight)."""
    w = _weights(pairs, weights)
    if len(pairs) == 0 or w.sum() == 0:
        return Statistic(None, "the two coders have no unit in common")
    used = w > 0
    a, b = pairs[used, 0], pairs[used, 1]
    if len(set(a.tolist()) | set(b.tolist())) < 2:
        return Statistic(None, NO_VARIATION)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = cohen_kappa_score(a, b, sample_weight=w[used])
    if not np.isfinite(value):
        return Statistic(None, NO_VARIATION)
    return Statistic(float(value))


def _cohen(a: list[Any], b: list[Any]) -> Statistic:
    values = _categories([a, b], None)
    index = {value: i for i, value in enumerate(values)}
    pairs = np.array(
        [
            (index[x], index[y])
            for x, y in zip(a, b, strict=True)
            if not _is_missing(x) and not _is_missing(y)
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    return _weighted_cohen(pairs)


def _alpha(data: Data, level: str) -> Statistic:
    if level not in LEVELS:
        raise QualcodeError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    counts, values = _count_table(data)
    if len(data) < 2:
        return Statistic(None, ONE_CODER)
    if level != "nominal" and not all(
        isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values
    ):
        raise QualcodeError(f"{level} alpha needs numbers as values, not {values[:5]}")
    return _alpha_from_counts(counts, np.array(values, dtype=object), level)


def _alpha_from_counts(counts: np.ndarray, domain: np.ndarray, level: str) -> Statistic:
    """Krippendorff's alpha with the ``krippendorff`` package, guarding its undefined cases."""
    pairable = counts[counts.sum(axis=1) >= 2]
    if len(pairable) == 0:
        return Statistic(None, NO_PAIRS)
    if (pairable.sum(axis=0) > 0).sum() < 2:
        return Statistic(None, NO_VARIATION)
    if level != "nominal":
        domain = domain.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            value_counts=pairable, value_domain=domain, level_of_measurement=level
        )
    if not np.isfinite(value):
        return Statistic(None, NO_VARIATION)
    return Statistic(float(value))


def _coincidences(counts: np.ndarray, weights: np.ndarray | None) -> np.ndarray | None:
    """Krippendorff's (2011) coincidence matrix of distinct units with weights:
    o_ck = sum_u w_u n_uc (n_uk - [c = k]) / (m_u - 1); None when no unit is pairable."""
    w = _weights(counts, weights)
    m = counts.sum(axis=1)
    keep = m >= 2
    if w[keep].sum() == 0:
        return None
    c = counts[keep].astype(np.float64)
    scale = w[keep] / (m[keep] - 1)
    return np.einsum("u,uc,uk->ck", scale, c, c) - np.diag((scale[:, np.newaxis] * c).sum(axis=0))


def _alpha_chance(counts: np.ndarray, weights: np.ndarray | None = None) -> Chance | Statistic:
    """Nominal alpha's parts: observed agreement 1 - D_o = trace(o) / n and expected
    agreement 1 - D_e = 1 - (n^2 - sum_c n_c^2) / (n (n - 1)), so that alpha = 1 - D_o / D_e
    (Krippendorff 2011, section C)."""
    o = _coincidences(counts, weights)
    if o is None:
        return Statistic(None, NO_PAIRS)
    n_c = o.sum(axis=0)
    n = n_c.sum()
    disagreement = n * n - (n_c**2).sum()
    if disagreement <= 1e-12 * n * n:
        return Statistic(None, NO_VARIATION)
    return Chance(float(np.trace(o) / n), float(1 - disagreement / (n * (n - 1))))


def _weighted_nominal_alpha(counts: np.ndarray, weights: np.ndarray | None = None) -> Statistic:
    """Nominal alpha from distinct units with weights, from the coincidence matrix (the
    ``krippendorff`` package takes no weights)."""
    return _from_chance(_alpha_chance(counts, weights))


# ---------------------------------------------------------------- confidence intervals

RESAMPLES = 1000
CONFIDENCE = 0.95
ALPHA_METHOD = (
    "Hayes & Krippendorff (2007) bootstrap: each resample draws as many pairs of values as "
    "the data hold (per unit m (m - 1) / 2 for m coders) from the coincidence matrix and keeps "
    "the expected disagreement fixed"
)
UNITS_METHOD = "bootstrap over units: resamples of as many units, drawn with replacement"


class Interval(NamedTuple):
    """A percentile bootstrap interval: its bounds, how many resamples gave a value, or
    ``None`` bounds and the reason why there is no interval."""

    low: float | None
    high: float | None
    resamples: int = 0
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "resamples": self.resamples}


def confidence_interval(
    data: Data,
    statistic: str = "krippendorff_alpha",
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int | None = None,
    level: str = "nominal",
) -> Interval:
    """A bootstrap interval at ``confidence`` for one statistic of ``data`` (coders × units).

    ``krippendorff_alpha`` (at ``level``) uses Hayes & Krippendorff's (2007) bootstrap, the
    one of Krippendorff's KALPHA macro; ``cohen_kappa`` (two coders), ``fleiss_kappa``,
    ``gwet_ac1`` and ``percent_agreement`` resample the units with replacement. The bounds are
    KALPHA's percentiles of the sorted resampled values; ``seed`` fixes the random draws, so
    the same seed gives the same interval.
    """
    _check_interval_options(confidence, resamples)
    rng = np.random.default_rng(seed)
    data = _rows(data)
    if statistic == "krippendorff_alpha":
        if level not in LEVELS:
            raise QualcodeError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        point = _alpha(data, level)
        if point.value is None:
            return Interval(None, None, 0, point.reason)
        counts, values = _count_table(data)
        o = _coincidences(counts, None)
        domain = np.array(values, dtype=object if level == "nominal" else np.float64)
        m = counts.sum(axis=1)
        pairs = float((m * (m - 1)).sum() / 2)
        return alpha_interval(o, _deltas(o, domain, level), pairs, confidence, resamples, rng)
    counts, _ = _count_table(data)
    if statistic == "cohen_kappa":
        if len(data) != 2:
            return Interval(None, None, 0, "Cohen's kappa compares exactly two coders")
        values = _categories(data, None)
        index = {value: i for i, value in enumerate(values)}
        pairs = np.array(
            [
                (index[x], index[y]) if not _is_missing(x) and not _is_missing(y) else (-1, -1)
                for x, y in zip(data[0], data[1], strict=True)
            ],
            dtype=np.int64,
        ).reshape(-1, 2)
        return units_interval(
            counts, np.ones(len(counts)), statistic, confidence, resamples, rng, pairs
        )
    if statistic not in UNIT_STATISTICS:
        raise QualcodeError(
            f"statistic must be krippendorff_alpha or one of {', '.join(UNIT_STATISTICS)}, "
            f"not {statistic!r}"
        )
    return units_interval(counts, np.ones(len(counts)), statistic, confidence, resamples, rng)


def _check_interval_options(confidence: float, resamples: int) -> None:
    if not 0 < confidence < 1:
        raise QualcodeError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence}")
    if int(resamples) != resamples or resamples < 100:
        raise QualcodeError(f"resamples must be a whole number of at least 100, not {resamples}")


def _deltas(o: np.ndarray, domain: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's (2011) squared differences δ²_ck between the values at ``level``."""
    v = len(domain)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        n_c = o.sum(axis=0)
        cumulative = np.concatenate([[0.0], np.cumsum(n_c)])
        c, k = np.meshgrid(np.arange(v), np.arange(v), indexing="ij")
        low, high = np.minimum(c, k), np.maximum(c, k)
        between = cumulative[high + 1] - cumulative[low]
        return (between - (n_c[c] + n_c[k]) / 2) ** 2
    x = domain.astype(np.float64)
    difference = x[:, np.newaxis] - x[np.newaxis, :]
    if level == "interval":
        return difference**2
    total = x[:, np.newaxis] + x[np.newaxis, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total == 0, 0.0, (difference / np.where(total == 0, 1, total)) ** 2)


def alpha_interval(
    o: np.ndarray | None,
    delta: np.ndarray,
    pairs: float,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
) -> Interval:
    """Hayes & Krippendorff's (2007) bootstrap interval of alpha (:func:`bootstrap_alpha`)."""
    values = bootstrap_alpha(o, delta, pairs, resamples, rng)
    if isinstance(values, Statistic):
        return Interval(None, None, 0, values.reason)
    return _percentiles(values, confidence)


def bootstrap_alpha(
    o: np.ndarray | None,
    delta: np.ndarray,
    pairs: float,
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
) -> np.ndarray | Statistic:
    """Hayes & Krippendorff's (2007) bootstrap distribution of alpha from the coincidence
    matrix ``o`` and the differences ``delta`` (Krippendorff, "Algorithm for bootstrapping a
    distribution of alpha", 2006, rev. 2011; the KALPHA macro), or why there is none.

    Each resample draws M = ``pairs`` pairs of values (the pairs the data hold, the sum over
    units of m_u (m_u - 1) / 2: 239 in Hayes & Krippendorff's example), a pair (c, k) with
    probability o_ck / n (c = k) or 2 o_ck / n (c < k), so that a unit's pairs weigh
    1 / (m_u - 1) as in alpha; alpha* = 1 - (sum of the drawn δ) / (M D_e), the data's
    expected disagreement D_e kept fixed. Then, as Krippendorff prescribes, alpha* < -1
    counts as -1, and of the resamples that drew agreeing pairs only (alpha* = 1), as many as
    the probability of drawing one single value (which leaves alpha undefined) accounts for
    count as 0.
    """
    rng = rng or np.random.default_rng()
    if o is None:
        return Statistic(None, NO_PAIRS)
    n = o.sum()
    n_c = o.sum(axis=0)
    expected = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    if expected <= 1e-12:
        return Statistic(None, NO_VARIATION)
    draws = max(int(round(pairs)), 1)
    upper = np.triu_indices(len(o))
    p = np.where(upper[0] == upper[1], 1.0, 2.0) * o[upper] / n
    drawn = rng.multinomial(draws, p / p.sum(), size=resamples)
    alphas = 1 - drawn @ delta[upper] / (draws * expected)
    alphas = np.maximum(alphas, -1.0)
    ones = np.flatnonzero(alphas == 1.0)
    diagonal = np.diag(o) / n
    agreeing = int(np.count_nonzero(diagonal > 1e-12))
    if len(ones) and agreeing == 1:
        alphas[ones] = 0.0
    elif len(ones) and agreeing > 1:
        undefined = round(resamples * float((diagonal**draws).sum()))
        alphas[ones[: min(undefined, len(ones))]] = 0.0
    return alphas


UNIT_STATISTICS = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "gwet_ac1")


def units_interval(
    counts: np.ndarray,
    weights: np.ndarray,
    statistic: str,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
    pairs: np.ndarray | None = None,
) -> Interval:
    """A bootstrap over units for ``statistic`` of distinct units (rows of ``counts``, units ×
    categories) with ``weights`` (how many units each row stands for): each resample draws as
    many units with replacement, i.e. new weights from a multinomial. ``pairs`` (a row per
    unit: coder A's and coder B's category index, -1 where either is missing) is needed for
    Cohen's kappa. Resamples where the statistic is undefined (no variation) are left out and
    ``resamples`` says how many gave a value."""
    rng = rng or np.random.default_rng()
    w = np.asarray(weights, dtype=np.float64)
    total = int(round(w.sum()))
    if total == 0:
        return Interval(None, None, 0, NO_PAIRS)
    drawn = rng.multinomial(total, w / w.sum(), size=resamples).astype(np.float64)
    values = _resampled(counts, drawn, statistic, pairs)
    return _percentiles(values[np.isfinite(values)], confidence)


def _resampled(
    counts: np.ndarray, w: np.ndarray, statistic: str, pairs: np.ndarray | None
) -> np.ndarray:
    """``statistic`` for each row of weights ``w`` (resamples × units); NaN where undefined."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if statistic == "cohen_kappa":
            if pairs is None:
                raise QualcodeError("Cohen's kappa needs the two coders' pairs of values")
            valid = (pairs[:, 0] >= 0) & (pairs[:, 1] >= 0)
            total = w[:, valid].sum(axis=1)
            a, b = pairs[valid, 0], pairs[valid, 1]
            observed = w[:, valid] @ (a == b).astype(np.float64) / total
            expected = np.zeros(len(w))
            for value in np.union1d(a, b):
                expected += (w[:, valid] @ (a == value)) * (w[:, valid] @ (b == value))
            expected /= total**2
            return _coefficient(observed, expected)
        m = counts.sum(axis=1).astype(np.float64)
        pairable = m >= 2
        agree = (counts[pairable] * (counts[pairable] - 1)).sum(axis=1) / (
            m[pairable] * (m[pairable] - 1)
        )
        observed = w[:, pairable] @ agree / w[:, pairable].sum(axis=1)
        if statistic == "percent_agreement":
            return observed
        rated = m >= 1
        shares = w[:, rated] @ (counts[rated] / m[rated, np.newaxis])
        pi = shares / w[:, rated].sum(axis=1)[:, np.newaxis]
        q = counts.shape[1]
        if statistic == "fleiss_kappa":
            return _coefficient(observed, (pi**2).sum(axis=1))
        if q < 2:
            return np.full(len(w), np.nan)
        return _coefficient(observed, (pi * (1 - pi)).sum(axis=1) / (q - 1))


def _coefficient(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    value = (observed - expected) / (1 - expected)
    return np.where(expected >= 1 - 1e-12, np.nan, value)


def _percentiles(values: np.ndarray, confidence: float) -> Interval:
    """KALPHA's percentile interval: of the R sorted values, the max(a R / 2, 1)-th and the
    floor((1 - a / 2) R + 1)-th (1-based), a = 1 - confidence."""
    count = len(values)
    if count == 0:
        return Interval(None, None, 0, "no resample gave a value: " + NO_VARIATION)
    ordered = np.sort(values)
    tail = (1 - confidence) / 2
    low = max(int(tail * count + 1e-9), 1) - 1
    high = min(int(np.floor((1 - tail) * count + 1e-9)) + 1, count) - 1
    return Interval(float(ordered[low]), float(ordered[high]), count)
