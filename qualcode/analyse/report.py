"""Theme reports: how often each code occurs, in whose talk, where, and with which other codes.

SQLite does the counting (one aggregate query per report: the codings never come into Python);
pandas shapes the few resulting rows into tables. A report counts one coder's codings (see
:func:`qualcode.analyse.common.choose_coder`) and, by default, counts sub-codes in their parents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qualcode.analyse.common import (
    ROLLUP_NOTE,
    CodeMasks,
    CoderChoice,
    check_attributes,
    choose_coder,
    code_masks,
    code_table,
    mask_bits,
    none_for_nan,
    per_turn_sql,
    select_codes,
    speaker_filter,
)
from qualcode.errors import QualcodeError
from qualcode.store import Project

BY = ("code", "group", "transcript", "speaker", "role")
NO_GROUP = "(no group)"
FREQUENCY_COLUMNS = ("turns", "participants", "transcripts", "participant_turns", "share")
CROSSTAB_VALUES = ("turns", "participants", "share")
DIMENSIONS = {
    "code": [],
    "group": ["group"],
    "transcript": ["transcript"],
    "speaker": ["transcript", "speaker"],
    "role": ["role"],
}
ATTRIBUTE = "attribute:"  # --by attribute:gender: a speaker attribute's values
NOT_SET = "(not set)"
LAST = "\U0010ffff"  # sorts after every value
TAKEN = {*DIMENSIONS, *FREQUENCY_COLUMNS, "label", "sub_codes", "coder", "not_coded", "total"}
Attributes = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Breakdown:
    """What a report breaks its codes down by: ``by`` as asked (``group``, …,
    ``attribute:gender``), its key columns, and the speaker attribute it reads, if any."""

    by: str
    keys: list[str]
    attribute: str | None = None

    @property
    def column(self) -> str | None:
        """The one column a chart or crosstab spreads out (speaker: transcript and label)."""
        return self.keys[-1] if self.keys else None


def breakdown(by: str) -> Breakdown:
    """``by`` read as a breakdown: one of BY, or ``attribute:NAME`` for the values of the
    speaker attribute NAME (its column is named NAME, or ``attribute NAME`` where NAME is
    a column of the report already); speakers without it are ``(not set)``."""
    if by in DIMENSIONS:
        return Breakdown(by, DIMENSIONS[by])
    name = by.removeprefix(ATTRIBUTE).strip() if by.startswith(ATTRIBUTE) else ""
    if not name:
        raise QualcodeError(
            f"a breakdown must be one of {', '.join(BY)} or {ATTRIBUTE}NAME (a speaker "
            f"attribute, e.g. {ATTRIBUTE}gender), not {by!r}"
        )
    return Breakdown(by, [f"attribute {name}" if name in TAKEN else name], name)


@dataclass
class Report:
    """A report's table plus what it needs to be read right: whose codings, how counted."""

    kind: str
    table: pd.DataFrame
    coder: CoderChoice
    rollup: bool
    by: str = "code"
    notes: list[str] = field(default_factory=list)
    colors: dict[str, str] = field(default_factory=dict)
    column: str | None = None  # the breakdown's column (see Breakdown.column)

    def rows(self) -> list[dict[str, Any]]:
        """The table as JSON-ready rows (no NaN)."""
        return none_for_nan(self.table.to_dict("records"))

    def describe(self, still_open: bool = True) -> str:
        """One or two sentences for the top of the report (see CoderChoice.describe)."""
        return " ".join([self.coder.describe(still_open), *self.notes])


def _notes(rollup: bool, codes: pd.DataFrame) -> list[str]:
    has_children = any(len(sub) for sub in codes["sub_codes"])
    if rollup and has_children:
        return [ROLLUP_NOTE[0].upper() + ROLLUP_NOTE[1:] + "."]
    if not rollup and has_children:
        return ["Sub-codes are not counted in their parents."]
    return []


def _colors(codes: pd.DataFrame) -> dict[str, str]:
    return {row.code: row.color for row in codes.itertuples() if isinstance(row.color, str)}


def _filter_note(attributes: Attributes, shares: bool = True) -> list[str]:
    """What a report narrowed to speakers with ``attributes`` counts."""
    if not attributes:
        return []
    said = " and ".join(f"{name} = {value}" for name, value in attributes)
    over = ": shares are over their participant turns" if shares else ""
    return [f"Only the turns of speakers with {said}{over}."]


def frequency(
    project: Project,
    by: str = "code",
    coder: str | None = None,
    rollup: bool = True,
    codes: list[str] | None = None,
    language: str | None = None,
    attributes: Attributes = (),
) -> Report:
    """Per code (and per group, transcript, speaker, role or value of a speaker attribute
    with ``by``, e.g. ``attribute:gender``): turns coded, participants who raised it,
    transcripts where it occurs, participant turns coded and their share of all participant
    turns (in that group, transcript, speaker, role or attribute value). ``attributes``
    (``(("gender", "f"),)``) counts only the turns of speakers with every one of them.

    Read from the counts the project file keeps current as codings change (coded turns per
    coder, code and speaker, and per transcript and role; see ``REPORT_COUNTS`` in
    :mod:`qualcode.store.schema`), so its cost does not grow with the number of codings.
    :func:`recount_frequency` counts the same from the codings themselves."""
    dimension, choice, masks, table = _scope(
        project, by, coder, rollup, codes, language, attributes
    )
    if by == "speaker":
        counts = _speaker_rows(project, choice.id, rollup, attributes)
    else:
        code_ids = list(table["code_id"])
        counts = _counted_rows(project, dimension, choice, rollup, code_ids, attributes)
    result = counts.merge(table[["code_id", "code"]], on="code_id")
    return _frequency_report(project, result, dimension, table, choice, rollup, attributes)


def recount_frequency(
    project: Project,
    by: str = "code",
    coder: str | None = None,
    rollup: bool = True,
    codes: list[str] | None = None,
    language: str | None = None,
    attributes: Attributes = (),
) -> Report:
    """:func:`frequency` counted from the codings themselves (one pass over all of the
    coder's codings) instead of the kept counts: the reference the kept counts are checked
    against, and the baseline of ``benchmarks/bench_analysis.py``."""
    dimension, choice, masks, table = _scope(
        project, by, coder, rollup, codes, language, attributes
    )
    keys = dimension.keys
    speakers = _speaker_counts(project, masks, list(table["code"]), choice, dimension, attributes)
    speakers = speakers[speakers["passes"] == 1]
    described = ["transcript", "group", "speaker", "role", "all_participant_turns"]
    if dimension.attribute is not None:
        speakers = speakers.assign(**{keys[0]: speakers["attribute"]})
        described.append(keys[0])
    long = speakers.melt(
        id_vars=described,
        value_vars=list(table["code"]),
        var_name="code",
        value_name="turns",
    )
    participant = long["role"] == "participant"
    coded = long["turns"] > 0
    long = long.assign(
        participant_turns=long["turns"].where(participant, 0),
        participants=(participant & coded).astype(int),
        coded_transcript=long["transcript"].where(coded),
    )
    result = (
        long.groupby([*keys, "code"], sort=False)
        .agg(
            turns=("turns", "sum"),
            participants=("participants", "sum"),
            transcripts=("coded_transcript", "nunique"),
            participant_turns=("participant_turns", "sum"),
            all_participant_turns=("all_participant_turns", "sum"),
        )
        .reset_index()
    )
    if by == "speaker":
        result = result[result["turns"] > 0]
    return _frequency_report(project, result, dimension, table, choice, rollup, attributes)


def _scope(
    project: Project,
    by: str,
    coder: str | None,
    rollup: bool,
    codes: list[str] | None,
    language: str | None,
    attributes: Attributes = (),
) -> tuple[Breakdown, CoderChoice, CodeMasks, pd.DataFrame]:
    """What a frequency report counts: its breakdown, the coder, the codes' masks and the
    chosen codes' table."""
    dimension = breakdown(by)
    choice = choose_coder(project, coder)
    masks = code_masks(project, rollup, language)
    check_attributes(project, attributes)
    return dimension, choice, masks, select_codes(masks.codes, codes)


def _frequency_report(
    project: Project,
    result: pd.DataFrame,
    dimension: Breakdown,
    table: pd.DataFrame,
    choice: CoderChoice,
    rollup: bool,
    attributes: Attributes,
) -> Report:
    """The frequency table from its counts per key and code: shares, labels, order."""
    keys = dimension.keys
    denominator = result["all_participant_turns"].replace(0, pd.NA)
    result = result.assign(
        share=(result["participant_turns"] / denominator).astype("Float64").round(4)
    )
    result = result.merge(table[["code", "label", "sub_codes"]], on="code")
    result["sub_codes"] = [", ".join(sub) if rollup else "" for sub in result["sub_codes"]]
    result["coder"] = choice.name
    result["not_coded"] = _not_coded_column(project, choice, keys, result)
    order = {key: i for i, key in enumerate(table["code"])}

    def sort_key(column: pd.Series) -> pd.Series:
        if column.name == "code":
            return column.map(order)
        if dimension.attribute is not None:  # speakers without the attribute come last
            return column.where(column != NOT_SET, LAST)
        return column

    result = result.sort_values([*keys, "code"], key=sort_key)
    columns = [*keys, "code", "label", *FREQUENCY_COLUMNS, "sub_codes", "coder", "not_coded"]
    return Report(
        "frequency",
        result[columns].reset_index(drop=True),
        choice,
        rollup,
        dimension.by,
        _notes(rollup, table) + _filter_note(attributes),
        _colors(table),
        dimension.column,
    )


def _not_coded_column(
    project: Project, choice: CoderChoice, keys: list[str], result: pd.DataFrame
) -> list[str]:
    """Per row, the transcripts of its group (transcript; all of them for a row per code or
    role) that the coder has not coded, comma-separated."""
    names = choice.not_coded_names()
    if not names or not len(result):
        return [""] * len(result)
    if "transcript" in keys:
        missing = set(names)
        return [name if name in missing else "" for name in result["transcript"]]
    if "group" in keys:
        marks = ", ".join("?" * len(names))
        groups: dict[str, list[str]] = {}
        for name, group in project.db.execute(
            f"SELECT name, coalesce(\"group\", '{NO_GROUP}') FROM transcripts "
            f"WHERE name IN ({marks}) ORDER BY name",
            names,
        ):
            groups.setdefault(group, []).append(name)
        return [", ".join(groups.get(group, [])) for group in result["group"]]
    return [", ".join(names)] * len(result)


def _coded_json(choice: CoderChoice) -> str:
    """The ids of the transcripts whose turns a coder's shares are over, for ``json_each``."""
    return json.dumps(sorted(choice.coded_ids or ()))


KEY_SQL = {
    "group": f"""coalesce(tr."group", '{NO_GROUP}')""",
    "transcript": "tr.name",
    "role": "{role}",
}
ATTRIBUTE_SQL = (
    "coalesce((SELECT CAST(value AS TEXT) FROM json_each(s.attributes) "
    f"WHERE key = :by_attribute), '{NOT_SET}')"
)
COUNTS = ("turns", "participants", "transcripts", "participant_turns")


def _key_sql(dimension: Breakdown, role: str) -> list[str]:
    """The SQL of each key column (``k0``, ``k1``…) on speakers ``s`` and transcripts ``tr``;
    ``role``: the column holding the speaker's role."""
    if dimension.attribute is not None:
        return [ATTRIBUTE_SQL]
    return [KEY_SQL[key].format(role=role) for key in dimension.keys]


def _counted_rows(
    project: Project,
    dimension: Breakdown,
    choice: CoderChoice,
    rollup: bool,
    code_ids: list[int],
    attributes: Attributes = (),
) -> pd.DataFrame:
    """Per value of the breakdown's keys (none: the whole project) and code id, from the kept
    counts: the FREQUENCY_COLUMNS counts and the participant turns of the transcripts the
    coder coded, every code present for every key value that has speakers (zeros included).

    Per transcript and role where that is all a report needs; per speaker for a speaker
    attribute or a filter on speakers' attributes."""
    keys = dimension.keys
    per_speaker = dimension.attribute is not None or bool(attributes)
    where, params = speaker_filter(attributes)
    params.update(
        coder=choice.id,
        rollup=int(rollup),
        coded=_coded_json(choice),
        by_attribute=dimension.attribute,
    )
    aliases = [f"k{i}" for i in range(len(keys))]

    def select(role: str) -> str:
        sql = _key_sql(dimension, role)
        return "".join(f"{key} AS {alias}, " for key, alias in zip(sql, aliases, strict=True))

    group = "".join(f"{alias}, " for alias in aliases)
    totals = pd.DataFrame(
        project.db.execute(
            f"""
            SELECT {select("s.role")}
                   coalesce(sum(CASE WHEN s.role = 'participant'
                                     AND tr.id IN (SELECT value FROM json_each(:coded))
                                     THEN st.turns END), 0)
            FROM speakers s JOIN transcripts tr ON tr.id = s.transcript_id
            LEFT JOIN speaker_turns st ON st.speaker_id = s.id
            WHERE {where}
            {"GROUP BY " + group.rstrip(", ") if keys else "HAVING count(*) > 0"}
            """,
            params,
        ).fetchall(),
        columns=[*keys, "all_participant_turns"],
    )
    if per_speaker:
        source = """speaker_code_turns a JOIN speakers s ON s.id = a.speaker_id
                    JOIN transcripts tr ON tr.id = s.transcript_id"""
        role, speakers, transcript = "s.role", "(a.turns > 0)", "s.transcript_id"
    else:
        source = "transcript_code_turns a JOIN transcripts tr ON tr.id = a.transcript_id"
        role, speakers, transcript = "a.role", "a.speakers", "a.transcript_id"
    counted = pd.DataFrame(
        project.db.execute(
            f"""
            SELECT {select(role)} a.code_id, sum(a.turns),
                   sum(CASE WHEN {role} = 'participant' THEN {speakers} ELSE 0 END),
                   count(DISTINCT CASE WHEN a.turns > 0 THEN {transcript} END),
                   sum(CASE WHEN {role} = 'participant' THEN a.turns ELSE 0 END)
            FROM {source}
            WHERE a.coder_id = :coder AND a.rollup = :rollup
                  {f"AND {where}" if per_speaker else ""}
            GROUP BY {group} a.code_id
            """,
            params,
        ).fetchall(),
        columns=[*keys, "code_id", *COUNTS],
    )
    codes = pd.DataFrame({"code_id": code_ids})
    rows = totals.merge(codes, how="cross").merge(counted, on=[*keys, "code_id"], how="left")
    rows[list(COUNTS)] = rows[list(COUNTS)].fillna(0).astype(np.int64)
    rows["all_participant_turns"] = rows["all_participant_turns"].astype(np.int64)
    return rows


def _speaker_rows(
    project: Project, coder_id: int, rollup: bool, attributes: Attributes = ()
) -> pd.DataFrame:
    """Per speaker who has the code (and the ``attributes``) and code id, from the kept
    counts per speaker."""
    where, params = speaker_filter(attributes)
    rows = pd.DataFrame(
        project.db.execute(
            f"""
            SELECT tr.name, s.label, a.code_id, a.turns, s.role = 'participant',
                   CASE WHEN s.role = 'participant' THEN coalesce(st.turns, 0) ELSE 0 END
            FROM speaker_code_turns a
            JOIN speakers s ON s.id = a.speaker_id
            JOIN transcripts tr ON tr.id = s.transcript_id
            LEFT JOIN speaker_turns st ON st.speaker_id = s.id
            WHERE a.coder_id = :coder AND a.rollup = :rollup AND a.turns > 0 AND {where}
            """,
            {**params, "coder": coder_id, "rollup": int(rollup)},
        ).fetchall(),
        columns=[
            "transcript",
            "speaker",
            "code_id",
            "turns",
            "participants",
            "all_participant_turns",
        ],
    )
    return rows.assign(
        transcripts=1,
        participant_turns=rows["turns"].where(rows["participants"] == 1, 0),
    ).astype({column: np.int64 for column in [*COUNTS, "all_participant_turns"]})


def _speaker_counts(
    project: Project,
    masks: CodeMasks,
    keys: list[str],
    choice: CoderChoice,
    dimension: Breakdown | None = None,
    attributes: Attributes = (),
) -> pd.DataFrame:
    """One row per speaker: transcript, group, label, role, participant turns (0 in a
    transcript the coder has not coded), the value of the breakdown's speaker attribute,
    whether the speaker passes the ``attributes`` filter (``passes``), and for each code the
    number of the speaker's turns coded with it. SQLite reduces the codings to one
    row per coded turn (its speaker and code masks) in one pass; numpy counts the turns of
    each code per speaker."""
    names = ", ".join(f"coalesce(m{j}, 0)" for j in range(len(masks.cases)))
    rows = project.db.execute(
        f"""
        WITH per_turn AS ({per_turn_sql(masks)})
        SELECT t.speaker_id, {names}
        FROM per_turn CROSS JOIN turns t ON t.id = per_turn.turn_id
        """,
        {"coder": choice.id},
    ).fetchall()
    table = np.array(rows, dtype=np.int64).reshape(-1, len(masks.cases) + 1)
    speaker_ids, speaker = np.unique(table[:, 0], return_inverse=True)
    counts = pd.DataFrame(
        {
            "speaker_id": speaker_ids,
            **{
                key: np.bincount(
                    speaker,
                    weights=mask_bits(table[:, 1:], masks.selectors(key)),
                    minlength=len(speaker_ids),
                ).astype(np.int64)
                for key in keys
            },
        },
        columns=["speaker_id", *keys],
    )
    where, params = speaker_filter(attributes)
    attribute = dimension.attribute if dimension else None
    speakers = pd.DataFrame(
        project.query(
            f"""
            SELECT {ATTRIBUTE_SQL} AS attribute, ({where}) AS passes,
                   s.id AS speaker_id, tr.name AS transcript,
                   coalesce(tr."group", '{NO_GROUP}') AS "group", s.label AS speaker, s.role,
                   CASE WHEN s.role = 'participant'
                             AND tr.id IN (SELECT value FROM json_each(:coded))
                        THEN (SELECT count(*) FROM turns WHERE speaker_id = s.id) ELSE 0 END
                       AS all_participant_turns
            FROM speakers s JOIN transcripts tr ON tr.id = s.transcript_id
            ORDER BY tr.name, s.id
            """,
            {**params, "coded": _coded_json(choice), "by_attribute": attribute},
        ),
        columns=[
            "attribute",
            "passes",
            "speaker_id",
            "transcript",
            "group",
            "speaker",
            "role",
            "all_participant_turns",
        ],
    )
    merged = speakers.merge(counts, on="speaker_id", how="left")
    merged[keys] = merged[keys].fillna(0).astype(int)
    return merged


def cooccurrence(
    project: Project,
    coder: str | None = None,
    rollup: bool = True,
    codes: list[str] | None = None,
    language: str | None = None,
    attributes: Attributes = (),
) -> Report:
    """Code × code: turns coded with both (the diagonal: turns coded with the code); with
    ``attributes``, only the turns of speakers with every one of them.

    SQLite reduces the codings to the distinct combinations of codes a turn has, with their
    number of turns; the matrix is their weighted cross product."""
    choice = choose_coder(project, coder)
    masks = code_masks(project, rollup, language)
    table = select_codes(masks.codes, codes)
    check_attributes(project, attributes)
    where, params = speaker_filter(attributes)
    names = ", ".join(f"coalesce(m{j}, 0)" for j in range(len(masks.cases)))
    rows = project.db.execute(
        f"WITH per_turn AS ({per_turn_sql(masks, where=where if attributes else None)}) "
        f"SELECT {names}, count(*) FROM per_turn GROUP BY {names}",
        {**params, "coder": choice.id},
    ).fetchall()
    combos = np.array(rows, dtype=np.int64).reshape(-1, len(masks.cases) + 1)
    weights = combos[:, -1]
    has = np.column_stack(
        [mask_bits(combos[:, :-1], masks.selectors(key)) for key in table["code"]]
    ).reshape(len(combos), len(table))
    both = (has * weights[:, np.newaxis]).T.astype(np.int64) @ has.astype(np.int64)
    matrix = pd.DataFrame(both, columns=list(table["code"]))
    matrix.insert(0, "label", list(table["label"]))
    matrix.insert(0, "code", list(table["code"]))
    notes = [
        *_notes(rollup, table),
        *_filter_note(attributes, shares=False),
        "Each cell counts the turns coded with both codes.",
    ]
    return Report("cooccurrence", matrix, choice, rollup, "code", notes, _colors(table))


def crosstab(
    project: Project,
    by: str = "group",
    value: str = "turns",
    coder: str | None = None,
    rollup: bool = True,
    codes: list[str] | None = None,
    language: str | None = None,
    attributes: Attributes = (),
) -> Report:
    """Code × group (or transcript, speaker, role, value of a speaker attribute): ``value``
    (turns, participants or share) of each code in each column, codes in codebook order (all
    of them, zeros included), with a total column for turns and participants."""
    if by == "code":
        raise QualcodeError(
            f"a crosstab breaks codes down by group, transcript, speaker, role or {ATTRIBUTE}NAME"
        )
    if value not in CROSSTAB_VALUES:
        raise QualcodeError(f"value must be one of {', '.join(CROSSTAB_VALUES)}, not {value!r}")
    report = frequency(project, by, coder, rollup, codes, language, attributes)
    long = report.table
    column = report.column
    if by == "speaker":
        long = long.assign(speaker=long["transcript"] + " " + long["speaker"])
    wide = long.pivot_table(
        index="code", columns=column, values=value, aggfunc="first", sort=False, dropna=False
    )
    report_codes = select_codes(code_table(project, language), codes)
    codes_order = list(report_codes["code"])
    wide = wide.reindex(index=codes_order).reset_index()
    wide.columns.name = None
    if value != "share":
        wide = wide.fillna(0)
        wide[wide.columns[1:]] = wide[wide.columns[1:]].astype(int)
    if value != "share":  # speakers are per transcript, so participants add up too
        wide["total"] = wide[wide.columns[1:]].sum(axis=1)
    labels = dict(zip(report_codes["code"], report_codes["label"], strict=True))
    wide.insert(1, "label", wide["code"].map(labels))
    notes = [*report.notes, f"Cells: {value} per {report.column}."]
    return Report("crosstab", wide, report.coder, rollup, by, notes, report.colors, column)
