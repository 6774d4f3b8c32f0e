"""Agreement between coders over a project's codings, per code and pooled.

Per code, every unit is a yes/no decision by each coder: did the coder apply the code to it?
A coder who has not coded a transcript at all (no coding of any code in it) is *missing*
there, not "no": only units that two or more of the compared coders decided on count.

Units:

- ``turn`` (default): participant turns; a coding anywhere in the turn (whole or span) is "yes".
- ``sentence``: the sentences of participant turns (split by :func:`qualcode.nlp.sentences`);
  a whole-turn coding covers all its sentences, a span coding the sentences it overlaps.
- ``character``: the characters of participant turns; a whole-turn coding covers its turn's
  characters, a span coding its span. Per code the figures are also given per transcript
  (source), as NVivo's coding comparison computes them, with their mean and size-weighted mean.

At every unit a coding on an interviewer turn counts the same way: not at all, because
interviewer turns are not units.

With yes/no decisions a unit is fully described by which coders decided (``present``, a bit
per coder) and which said yes (``yes``). SQLite (turns) or a pass per transcript (sentences,
characters) reduces the units to counts of these patterns; the statistics of
:mod:`qualcode.agreement` are computed on the patterns weighted by their counts, which gives
exactly the figures of the units one by one.
"""

from __future__ import annotations

import secrets
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qualcode import agreement as stats
from qualcode.analyse.common import CodeMasks, code_masks, presence_sql, select_codes
from qualcode.errors import QualcodeError
from qualcode.nlp import LANGUAGES, sentences
from qualcode.store import Project

UNITS = ("turn", "sentence", "character")
UNIT_DESCRIPTIONS = {
    "turn": "participant turns",
    "sentence": "sentences of participant turns; a coding covers the sentences its span overlaps",
    "character": "characters of participant turns; a whole-turn coding covers its turn's "
    "characters, a span coding the characters of its span",
}
SOURCES = (
    "per code: sources lists each transcript's own figures (NVivo computes kappa per code and "
    "source); mean_over_sources is their plain average, size_weighted_mean_over_sources their "
    "average weighted by each source's units (characters), and pooled_over_sources (the code's "
    "own figures) puts the characters of every source into one table"
)
READING_RULE = (
    "Krippendorff (2004): reliable when alpha >= .800, tentative when .667 <= alpha < .800, "
    "not reliable below; with intervals (ci) a code's reading is taken from the lower bound of "
    "its alpha interval, so 'reliable' means the lower bound is >= .800; the two summary lines "
    "have no interval and are read from their value"
)
STATISTICS = ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1", "fleiss_kappa")
POOLING = (
    "over the codes someone applied (codes nobody applied are left out): mean_over_codes is "
    "the plain average of the per-code values; the pooled figures (De Vries et al. 2008) are "
    "(mean observed agreement - mean chance agreement) / (1 - mean chance agreement), each "
    "statistic with its own observed and chance agreement per code, so that codes used at "
    "different rates do not add agreement; percent agreement pooled is its mean"
)
ROLLUP_POOLING = "; with sub-codes rolled up, a sub-code is counted in its parent, not again"
MEAN_ROW = "(mean over codes)"
POOLED_ROW = "(pooled)"
UNUSED = "no coder applied this code, so every decision is 'no'"


@dataclass
class Patterns:
    """Per code, the units as (present, yes) coder masks with how many units share each."""

    coders: list[str]
    transcripts: int = 0
    per_code: dict[str, Counter] = field(default_factory=dict)

    per_source: dict[str, dict[str, Counter]] = field(default_factory=dict)

    def add(self, key: str, present: int, yes: int, count: int, source: str | None = None) -> None:
        if count:
            self.per_code.setdefault(key, Counter())[(present, yes)] += count
            if source is not None:
                codes = self.per_source.setdefault(source, {})
                codes.setdefault(key, Counter())[(present, yes)] += count

    def arrays(self, key: str, source: str | None = None) -> tuple[np.ndarray, ...]:
        table = self.per_code if source is None else self.per_source.get(source, {})
        items = list(table.get(key, Counter()).items())
        present = np.array([p for (p, _), _ in items], dtype=np.int64)
        yes = np.array([y for (_, y), _ in items], dtype=np.int64)
        weight = np.array([n for _, n in items], dtype=np.float64)
        return present, yes, weight


def project_agreement(
    project: Project,
    coders: list[str],
    unit: str = "turn",
    codes: list[str] | None = None,
    rollup: bool = False,
    ci: bool = False,
    confidence: float = stats.CONFIDENCE,
    resamples: int = stats.RESAMPLES,
    seed: int | None = None,
) -> dict[str, Any]:
    """Agreement of ``coders`` on every code (or ``codes``), per code and pooled.

    Returns ``{"unit", "unit_description", "coders", "n_units", "transcripts", "codes":
    [{"code", "label", "n_units", "percent_agreement", "cohen_kappa", "krippendorff_alpha",
    "gwet_ac1", "fleiss_kappa", "units_coded", "units_all_coded", "units_disagreed",
    "reasons"}], "overall": {..., "pooling", "mean_over_codes"}}``. Statistics are floats or
    None (with the reason in ``reasons``); ``cohen_kappa`` is None for more than two coders.
    With ``rollup`` a coding of a sub-code counts as a coding of its parents too. Every code
    has its ``reading`` (see :data:`READING_RULE`).

    With ``ci``, every code gets ``intervals``: bootstrap intervals at ``confidence`` for
    alpha (Hayes & Krippendorff 2007) and for kappa, AC1, Fleiss' kappa and percent
    agreement (over units), from ``resamples`` resamples; ``seed`` fixes them (one is chosen
    and reported in ``intervals.seed`` when none is given). At the character unit every code
    also has ``sources``, ``mean_over_sources``, ``size_weighted_mean_over_sources`` and
    ``pooled_over_sources`` (:data:`SOURCES`).
    """
    if ci:
        stats._check_interval_options(confidence, resamples)
    if unit not in UNITS:
        raise QualcodeError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    names = list(dict.fromkeys(name.strip() for name in coders))
    if len(names) < 2:
        raise QualcodeError("agreement needs at least two different coders", fix="coders")
    coder_ids = [project.coder_id(name, create=False) for name in names]
    masks = code_masks(project, rollup)
    table = select_codes(masks.codes, codes)
    keys = list(table["code"])
    collect = {"turn": _turn_patterns, "sentence": _sentence_patterns}.get(
        unit, _character_patterns
    )
    patterns = collect(project, coder_ids, masks, keys)
    patterns.coders = names
    per_code = [
        {"code": key, "label": label, **_code_statistics(patterns, key)}
        for key, label in zip(keys, table["label"], strict=True)
    ]
    document: dict[str, Any] = {}
    if ci:
        seed = secrets.randbelow(2**31) if seed is None else int(seed)
        for row in per_code:
            rng = np.random.default_rng([seed, zlib.crc32(row["code"].encode())])
            row["intervals"] = _code_intervals(patterns, row, confidence, resamples, rng)
        document["intervals"] = {
            "confidence": confidence,
            "resamples": resamples,
            "seed": seed,
            "methods": {
                name: stats.ALPHA_METHOD if name == "krippendorff_alpha" else stats.UNITS_METHOD
                for name in STATISTICS
            },
        }
    for row in per_code:
        low = row.get("intervals", {}).get("krippendorff_alpha", {}).get("low") if ci else None
        row["reading"] = reading(row["krippendorff_alpha"], low, ci)
    if unit == "character":
        for row in per_code:
            row.update(_by_source(patterns, row))
        document["sources"] = SOURCES
    return {
        "unit": unit,
        "unit_description": UNIT_DESCRIPTIONS[unit],
        "coders": names,
        "rollup": rollup,
        "n_units": per_code[0]["n_units"] if per_code else 0,
        "transcripts": patterns.transcripts,
        "codes": per_code,
        "overall": _overall(patterns, per_code, masks),
        "reading_rule": READING_RULE,
        **document,
    }


# ---------------------------------------------------------------- units → patterns


def _compared_transcripts(project: Project, coder_ids: list[int]) -> list[dict[str, Any]]:
    """Transcripts coded by at least two of the coders, with their presence mask."""
    return project.query(
        f"""
        WITH presence AS ({presence_sql(coder_ids)})
        SELECT tr.id, tr.name, tr.language, length(tr.text) AS length, presence.present
        FROM transcripts tr JOIN presence ON presence.transcript_id = tr.id
        WHERE (presence.present & (presence.present - 1)) != 0
        ORDER BY tr.name
        """
    )


def _turn_patterns(
    project: Project, coder_ids: list[int], masks: CodeMasks, keys: list[str]
) -> Patterns:
    """One SQL pass: per participant turn, each coder's code masks; grouped into patterns."""
    chunks = masks.cases
    columns = [
        f"sum(DISTINCT CASE WHEN coder_id = {coder_id} THEN {case} END) AS k{i}_{j}"
        for i, coder_id in enumerate(coder_ids)
        for j, case in enumerate(chunks)
    ]
    names = [f"coalesce(k{i}_{j}, 0)" for i in range(len(coder_ids)) for j in range(len(chunks))]
    ids = ", ".join(str(coder_id) for coder_id in coder_ids)
    rows = project.db.execute(
        f"""
        WITH presence AS MATERIALIZED ({presence_sql(coder_ids)}),
        per_turn AS (
            SELECT turn_id, {", ".join(columns)}
            FROM codings WHERE coder_id IN ({ids}) GROUP BY turn_id
        )
        SELECT presence.present, {", ".join(names)}, count(*)
        FROM turns t
        JOIN speakers s ON s.id = t.speaker_id
        JOIN presence ON presence.transcript_id = t.transcript_id
        LEFT JOIN per_turn ON per_turn.turn_id = t.id
        WHERE s.role = 'participant' AND (presence.present & (presence.present - 1)) != 0
        GROUP BY {", ".join(str(n) for n in range(1, len(names) + 2))}
        """
    ).fetchall()
    table = np.array(rows, dtype=np.int64).reshape(-1, len(names) + 2)
    present, weights = table[:, 0], table[:, -1]
    patterns = Patterns([], len(_compared_transcripts(project, coder_ids)))
    for key in keys:
        selectors = masks.selectors(key)
        yes = np.zeros(len(table), dtype=np.int64)
        for i in range(len(coder_ids)):
            coder_masks = table[:, 1 + i * len(chunks) : 1 + (i + 1) * len(chunks)]
            coded = np.zeros(len(table), dtype=bool)
            for chunk, bits in selectors.items():
                coded |= (coder_masks[:, chunk] & bits) != 0
            yes |= coded.astype(np.int64) << i
        combined = present * (1 << len(coder_ids)) + yes
        unique, inverse = np.unique(combined, return_inverse=True)
        counts = np.bincount(inverse, weights=weights)
        for value, count in zip(unique, counts, strict=True):
            present_mask, yes_mask = divmod(int(value), 1 << len(coder_ids))
            patterns.add(key, present_mask, yes_mask, int(count))
    return patterns


def _transcript_codings(
    project: Project, transcript_id: int, coder_ids: list[int]
) -> list[dict[str, Any]]:
    ids = ", ".join(str(coder_id) for coder_id in coder_ids)
    return project.query(
        f"""
        SELECT c.turn_id, c.code_id, c.coder_id, c.start, c."end",
               t.start AS turn_start, t."end" AS turn_end
        FROM codings c JOIN turns t ON t.id = c.turn_id
        WHERE t.transcript_id = ? AND c.coder_id IN ({ids})
        """,
        [transcript_id],
    )


def _members(masks: CodeMasks, keys: list[str]) -> dict[str, set[int]]:
    return {key: set(masks.members(key)) for key in keys}


def _sentence_patterns(
    project: Project, coder_ids: list[int], masks: CodeMasks, keys: list[str]
) -> Patterns:
    """Per transcript: split participant turns into sentences, then per code and sentence
    the mask of the coders whose codings cover it."""
    bit = {coder_id: 1 << i for i, coder_id in enumerate(coder_ids)}
    members = _members(masks, keys)
    transcripts = _compared_transcripts(project, coder_ids)
    patterns = Patterns([], len(transcripts))
    for transcript in transcripts:
        sentences = dict(_sentences(project, transcript))
        total = sum(len(spans) for spans in sentences.values())
        by_turn: dict[int, list[dict[str, Any]]] = {}
        for coding in _transcript_codings(project, transcript["id"], coder_ids):
            by_turn.setdefault(coding["turn_id"], []).append(coding)
        for key in keys:
            counts: Counter = Counter()
            for turn_id, codings in by_turn.items():
                mine = [c for c in codings if c["code_id"] in members[key]]
                for start, end in sentences.get(turn_id, []) if mine else []:
                    yes = 0
                    for c in mine:
                        if c["start"] is None or (c["start"] < end and c["end"] > start):
                            yes |= bit[c["coder_id"]]
                    counts[yes] += 1
            counts[0] += total - sum(counts.values())
            for yes, count in counts.items():
                patterns.add(key, transcript["present"], yes, count)
    return patterns


def _sentences(project: Project, transcript: dict[str, Any]) -> Iterator[tuple[int, list]]:
    """(turn id, [(start, end) of each sentence inside the turn text]) for participant turns."""
    language = transcript["language"] if transcript["language"] in LANGUAGES else "en"
    turns = project.query(
        "SELECT t.id, t.text FROM turns t JOIN speakers s ON s.id = t.speaker_id "
        "WHERE t.transcript_id = ? AND s.role = 'participant' ORDER BY t.turn",
        [transcript["id"]],
    )
    for turn in turns:
        yield turn["id"], sentences(turn["text"], language)


def _character_patterns(
    project: Project, coder_ids: list[int], masks: CodeMasks, keys: list[str]
) -> Patterns:
    """Per transcript and code: which coders cover each character of its participant turns
    (codings on interviewer turns fall outside them and do not count, as at the other units)."""
    members = _members(masks, keys)
    transcripts = _compared_transcripts(project, coder_ids)
    patterns = Patterns([], len(transcripts))
    for transcript in transcripts:
        length = transcript["length"]
        inside = np.zeros(length, dtype=bool)
        for turn in project.query(
            'SELECT t.start, t."end" FROM turns t JOIN speakers s ON s.id = t.speaker_id '
            "WHERE t.transcript_id = ? AND s.role = 'participant'",
            [transcript["id"]],
        ):
            inside[turn["start"] : turn["end"]] = True
        codings = _transcript_codings(project, transcript["id"], coder_ids)
        for key in keys:
            yes = np.zeros(length, dtype=np.int64)
            for i, coder_id in enumerate(coder_ids):
                edges = np.zeros(length + 1, dtype=np.int64)
                for c in codings:
                    if c["coder_id"] == coder_id and c["code_id"] in members[key]:
                        start, end = _character_span(c)
                        edges[start] += 1
                        edges[end] -= 1
                yes |= (np.cumsum(edges[:-1]) > 0).astype(np.int64) << i
            counts = np.bincount(yes[inside], minlength=1 << len(coder_ids))
            for value, count in enumerate(counts):
                patterns.add(key, transcript["present"], value, int(count), transcript["name"])
    return patterns


def _character_span(coding: dict[str, Any]) -> tuple[int, int]:
    """A coding's characters in the transcript text (end exclusive)."""
    if coding["start"] is None:
        return coding["turn_start"], coding["turn_end"]
    return coding["turn_start"] + coding["start"], coding["turn_start"] + coding["end"]


# ---------------------------------------------------------------- patterns → statistics


def _code_statistics(patterns: Patterns, key: str) -> dict[str, Any]:
    present, yes, weight = patterns.arrays(key)
    result = _statistics(present, yes, weight, len(patterns.coders))
    coded = {name: int(weight[(yes >> i) & 1 == 1].sum()) for i, name in enumerate(patterns.coders)}
    reasons = result.pop("reasons")
    if not any(coded.values()):
        reasons = {name: f"{UNUSED}: {reason}" for name, reason in reasons.items()}
    return {**result, "units_coded": coded, "reasons": reasons}


def _tables(
    present: np.ndarray, yes: np.ndarray, weight: np.ndarray, n_coders: int
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Units as (present, yes) masks → the units × (no, yes) count table, and for two
    coders the (A, B) pairs of the units both decided with their weights."""
    m = np.bitwise_count(present).astype(np.int64)
    y = np.bitwise_count(yes).astype(np.int64)
    counts = np.column_stack([m - y, y]).reshape(-1, 2)
    if n_coders != 2:
        return counts, None, None
    both = present == 3
    return counts, np.column_stack([yes & 1, (yes >> 1) & 1])[both], weight[both]


TWO_CODERS = "Cohen's kappa compares two coders; see the others"


def _statistics(
    present: np.ndarray, yes: np.ndarray, weight: np.ndarray, n_coders: int, library: bool = True
) -> dict[str, Any]:
    """All statistics of units given as (present, yes) masks with weights. Without
    ``library``, Cohen's kappa comes from its formula (p_o - p_e) / (1 - p_e), the same value
    as scikit-learn's in a fortieth of the time: per code and source it would dominate."""
    m = np.bitwise_count(present).astype(np.int64)
    y = np.bitwise_count(yes).astype(np.int64)
    counts, pairs, pair_weights = _tables(present, yes, weight, n_coders)
    if pairs is None:
        cohen = stats.Statistic(None, TWO_CODERS)
    else:
        cohen = (
            stats._weighted_cohen(pairs, pair_weights)
            if library
            else stats._from_chance(stats._cohen_chance(pairs, pair_weights))
        )
    values = {
        "n_units": int(weight[m >= 2].sum()),
        "percent_agreement": stats._weighted_percent_agreement(counts, weight),
        "cohen_kappa": cohen,
        "krippendorff_alpha": stats._weighted_nominal_alpha(counts, weight),
        "gwet_ac1": stats._weighted_gwet_ac1(counts, weight),
        "fleiss_kappa": stats._weighted_fleiss(counts, weight),
        "units_all_coded": int(weight[(y == m) & (m >= 2)].sum()),
        "units_disagreed": int(weight[(y > 0) & (y < m)].sum()),
    }
    return stats._with_reasons(values)


def _chances(
    present: np.ndarray, yes: np.ndarray, weight: np.ndarray, n_coders: int
) -> dict[str, stats.Chance | stats.Statistic]:
    """Each chance-corrected statistic's observed and chance agreement, for pooling."""
    counts, pairs, pair_weights = _tables(present, yes, weight, n_coders)
    return {
        "cohen_kappa": stats.Statistic(None, TWO_CODERS)
        if pairs is None
        else stats._cohen_chance(pairs, pair_weights),
        "krippendorff_alpha": stats._alpha_chance(counts, weight),
        "gwet_ac1": stats._gwet_ac1_chance(counts, weight),
        "fleiss_kappa": stats._fleiss_chance(counts, weight),
    }


NOMINAL = 1.0 - np.eye(2)


def _code_intervals(
    patterns: Patterns,
    row: dict[str, Any],
    confidence: float,
    resamples: int,
    rng: np.random.Generator,
) -> dict[str, dict[str, Any]]:
    """A code's bootstrap intervals: alpha by Hayes & Krippendorff (2007), the others over
    units; none (bounds null, with the reason) where the statistic itself is undefined."""
    present, yes, weight = patterns.arrays(row["code"])
    n_coders = len(patterns.coders)
    counts, _, _ = _tables(present, yes, weight, n_coders)
    pairs = None
    if n_coders == 2:
        pairs = np.where(
            (present == 3)[:, np.newaxis], np.column_stack([yes & 1, (yes >> 1) & 1]), -1
        ).reshape(-1, 2)
    intervals: dict[str, dict[str, Any]] = {}
    for name in STATISTICS:
        if row[name] is None:
            interval = stats.Interval(None, None, 0, row["reasons"].get(name))
        elif name == "krippendorff_alpha":
            m = counts.sum(axis=1)
            n_pairs = float((weight * m * (m - 1)).sum() / 2)
            o = stats._coincidences(counts, weight)
            interval = stats.alpha_interval(o, NOMINAL, n_pairs, confidence, resamples, rng)
        else:
            interval = stats.units_interval(counts, weight, name, confidence, resamples, rng, pairs)
        intervals[name] = interval.as_dict()
        if interval.reason:
            intervals[name]["reason"] = interval.reason
    return intervals


def _by_source(patterns: Patterns, row: dict[str, Any]) -> dict[str, Any]:
    """A code's figures per source (transcript), their plain and size-weighted means over the
    sources where each is defined, and the figures pooled over sources (the code's own)."""
    n_coders = len(patterns.coders)
    sources = []
    for name in sorted(patterns.per_source):
        figures = _statistics(*patterns.arrays(row["code"], name), n_coders, library=False)
        sources.append({"transcript": name, **figures})
    means, weighted, defined = {}, {}, {}
    for statistic in STATISTICS:
        pairs = [(s[statistic], s["n_units"]) for s in sources if s[statistic] is not None]
        defined[statistic] = len(pairs)
        means[statistic] = float(np.mean([v for v, _ in pairs])) if pairs else None
        total = sum(n for _, n in pairs)
        weighted[statistic] = sum(v * n for v, n in pairs) / total if total else None
    return {
        "sources": sources,
        "mean_over_sources": {**means, "sources": defined},
        "size_weighted_mean_over_sources": {**weighted, "sources": defined},
        "pooled_over_sources": {statistic: row[statistic] for statistic in STATISTICS},
    }


def _pooled_codes(per_code: list[dict[str, Any]], masks: CodeMasks) -> list[str]:
    """The codes someone applied; rolling up, not the sub-codes of another of them (their
    codings are already counted in it)."""
    used = [row["code"] for row in per_code if any(row["units_coded"].values())]
    if not masks.rollup:
        return used
    within = masks.codes[masks.codes["code"].isin(used)]["sub_codes"]
    inside = {key for keys in within for key in keys}
    return [key for key in used if key not in inside]


def _overall(
    patterns: Patterns, per_code: list[dict[str, Any]], masks: CodeMasks
) -> dict[str, Any]:
    """The mean over the codes someone applied of each statistic, and the pooled figures
    (De Vries et al. 2008) over the same codes."""
    used = _pooled_codes(per_code, masks)
    rows = {row["code"]: row for row in per_code}
    pooling = POOLING + (ROLLUP_POOLING if masks.rollup else "")
    if not used:
        reasons = {name: "no coder applied any of the codes" for name in STATISTICS}
        empty = {name: None for name in STATISTICS}
        return {
            "pooling": pooling,
            "codes": 0,
            "n_units": None,
            **empty,
            "reasons": reasons,
            "mean_over_codes": dict(empty),
        }
    n_coders = len(patterns.coders)
    chances = [_chances(*patterns.arrays(key), n_coders) for key in used]
    values: dict[str, Any] = {
        "n_units": rows[used[0]]["n_units"],
        "percent_agreement": _mean([rows[key]["percent_agreement"] for key in used]),
    }
    for name in ("cohen_kappa", "krippendorff_alpha", "gwet_ac1", "fleiss_kappa"):
        values[name] = stats.pooled([parts[name] for parts in chances])
    means = {name: _mean([rows[key][name] for key in used]) for name in STATISTICS}
    return {
        "pooling": pooling,
        "codes": len(used),
        **stats._with_reasons(values),
        "mean_over_codes": means,
    }


def _mean(values: list[float | None]) -> float | None:
    defined = [value for value in values if value is not None]
    return float(np.mean(defined)) if defined else None


# Krippendorff (2004): rely on codes with alpha >= .800, draw tentative conclusions only from
# .667 <= alpha < .800.
RELIABLE = 0.800
TENTATIVE = 0.667
READINGS = {
    "reliable": f"alpha ≥ {RELIABLE:.3f}: reliable; the code can be trusted as coded",
    "tentative": f"{TENTATIVE:.3f} ≤ alpha < {RELIABLE:.3f}: good enough for tentative "
    "conclusions only; sharpen the code's description and examples",
    "not reliable": f"alpha < {TENTATIVE:.3f}: not reliable; the coders read the code "
    "differently: discuss it, revise the codebook and code again",
    "undefined": "alpha cannot be computed (e.g. nobody, or everybody, applied the code)",
}


def reading(alpha: float | None, low: float | None = None, interval: bool = False) -> str:
    """How to read a Krippendorff's alpha: a key of :data:`READINGS`. With an ``interval``,
    the reading is taken from its lower bound ``low`` (Krippendorff's bands then hold with
    the interval's confidence); without one, from ``alpha`` itself."""
    if interval:
        alpha = None if alpha is None else low
    if alpha is None:
        return "undefined"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "not reliable"


def agreement_rows(result: dict[str, Any], digits: int = 3) -> list[dict[str, Any]]:
    """The per-code table of :func:`project_agreement` and its two summary lines, the mean
    over codes and the pooled figures, for printing, with the ``reading`` of each alpha."""
    overall = result["overall"]
    summary = [
        {"code": MEAN_ROW, "n_units": overall["n_units"], **overall["mean_over_codes"]},
        {"code": POOLED_ROW, **overall},
    ]
    rows = []
    for row in [*result["codes"], *summary]:
        line = {"code": row["code"], "n_units": row["n_units"]}
        for name in STATISTICS:
            value = row.get(name)
            line[name] = None if value is None else round(value, digits)
            if "intervals" in result and name in INTERVAL_COLUMNS:
                bounds = row.get("intervals", {}).get(name, {})
                for end in ("low", "high"):
                    value = bounds.get(end)
                    line[f"{name}_{end}"] = None if value is None else round(value, digits)
        line["reading"] = row.get("reading") or reading(row.get("krippendorff_alpha"))
        rows.append(line)
    return rows


INTERVAL_COLUMNS = ("cohen_kappa", "krippendorff_alpha", "gwet_ac1")


def source_rows(result: dict[str, Any], digits: int = 3) -> list[dict[str, Any]]:
    """At the character unit, per code: each source's figures, then their mean, their
    size-weighted mean and the figures pooled over sources, for printing."""
    rows = []
    for row in result["codes"]:
        lines = [(s["transcript"], s) for s in row.get("sources", [])]
        lines += [
            (MEAN_SOURCES, row["mean_over_sources"]),
            (WEIGHTED_SOURCES, row["size_weighted_mean_over_sources"]),
            (POOLED_SOURCES, {**row["pooled_over_sources"], "n_units": row["n_units"]}),
        ]
        for source, figures in lines if "sources" in row else []:
            line = {"code": row["code"], "source": source, "n_units": figures.get("n_units")}
            for name in STATISTICS:
                value = figures.get(name)
                line[name] = None if value is None else round(value, digits)
            rows.append(line)
    return rows


MEAN_SOURCES = "(mean over sources)"
WEIGHTED_SOURCES = "(size-weighted mean over sources)"
POOLED_SOURCES = "(pooled over sources)"


def agreement_table(result: dict[str, Any], digits: int = 3) -> list[dict[str, Any]]:
    """The rows of :func:`agreement_rows` (per code, then the mean over codes and the pooled
    line), each with its code's label, the units where the coders differed (per code only)
    and the ``reading`` of its alpha."""
    overall = result["overall"]
    labels = {row["code"]: row.get("label") for row in result["codes"]}
    labels[MEAN_ROW] = f"the plain average over the {overall['codes']} codes someone applied"
    labels[POOLED_ROW] = "pooled over the same codes (De Vries et al. 2008)"
    differed = {row["code"]: row.get("units_disagreed") for row in result["codes"]}
    rows = []
    for row in agreement_rows(result, digits):
        rows.append(
            {
                "code": row["code"],
                "label": labels.get(row["code"], "all codes someone applied"),
                **{key: value for key, value in row.items() if key != "code"},
                "units_disagreed": differed.get(row["code"]),
            }
        )
    return rows
