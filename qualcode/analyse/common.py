"""What the analyses share: whose codings they count, and the codebook's tree of codes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.store import Project

BITS = 62  # codes per mask: SQLite integers are signed 64-bit
ROLLUP_NOTE = (
    "sub-codes are counted in their parents: a turn coded with a sub-code counts (once) "
    "for the parent too"
)


@dataclass(frozen=True)
class CoderChoice:
    """The coder whose codings an analysis counts, and why that one.

    ``not_coded`` names the transcripts the coder has not coded at all (for a consensus coder:
    those not both of its coders coded, with who did not): they are left out of the coder's
    figures, shares included, as agreement leaves them out. ``coded_ids`` are the ids of the
    transcripts that count. For a consensus coder, ``consensus_of`` names its two coders and
    ``open_disagreements`` / ``disagreements`` say how far adjudication has come."""

    name: str
    id: int
    why: str
    not_coded: tuple[tuple[str, tuple[str, ...]], ...] = ()
    coded_ids: frozenset[int] | None = None
    consensus_of: tuple[str, str] | None = None
    disagreements: int = 0
    open_disagreements: int = 0
    others: tuple[str, ...] = ()  # chosen for having the most codings: the other coders

    def describe(self, still_open: bool = True) -> str:
        """Whose figures, why, and what they leave out (``still_open``: with the consensus
        coder's open disagreements, for a page that does not show them on their own)."""
        lead = f"Figures for coder {self.name!r} ({self.why})."
        return " ".join([lead, *self.coverage_notes(still_open=still_open)])

    def still_open(self) -> str:
        """How many of the consensus coder's disagreements are open: '4 of the 5 turn(s)
        where ann and ben differ are not adjudicated yet'."""
        a, b = self.consensus_of or ("", "")
        where = f"turn(s) where {a} and {b} differ"
        if self.open_disagreements == self.disagreements:
            return f"None of the {self.disagreements} {where} is adjudicated yet"
        count = f"{self.open_disagreements} of the {self.disagreements}"
        return f"{count} {where} are not adjudicated yet"

    def not_coded_names(self) -> list[str]:
        return [name for name, _ in self.not_coded]

    def coverage_notes(self, shares: bool = True, still_open: bool = True) -> list[str]:
        """What the figures leave out: the transcripts not coded, and for a consensus coder
        the disagreements still open (where it keeps only the agreed codes); ``shares``: say
        what shares are over."""
        notes = []
        if self.consensus_of is not None:
            a, b = self.consensus_of
            notes.append(f"The consensus covers the transcripts both {a} and {b} coded.")
            if self.not_coded:
                left_out = "; ".join(
                    f"{name} ({'coded by neither' if len(who) == 2 else 'not coded by ' + who[0]})"
                    for name, who in self.not_coded
                )
                notes.append(f"It leaves out {len(self.not_coded)} transcript(s): {left_out}.")
            if self.open_disagreements and still_open:
                notes.append(
                    f"{self.still_open()}: there the consensus keeps only the codes both applied."
                )
        elif self.not_coded:
            over = f"Shares are over the turns of the transcripts {self.name} coded; "
            notes.append(
                f"{over if shares else ''}{self.name} has not coded {len(self.not_coded)} "
                f"transcript(s), left out: {', '.join(self.not_coded_names())}."
            )
        return notes


def consensus_coders(project: Project) -> list[dict[str, Any]]:
    """Consensus coders built by adjudication, newest first, with the coders they stand for."""
    return project.query(
        """
        SELECT c.name, c.id, a.name AS coder_a, b.name AS coder_b, cc.updated_at
        FROM consensus_coders cc
        JOIN coders c ON c.id = cc.coder_id
        JOIN coders a ON a.id = cc.coder_a_id
        JOIN coders b ON b.id = cc.coder_b_id
        ORDER BY cc.updated_at DESC, c.name
        """
    )


def choose_coder(project: Project, coder: str | None = None) -> CoderChoice:
    """Whose codings to count: ``coder`` if given; else the consensus coder if there is one;
    else the only coder; else the coder with the most codings (and the choice says so); with
    the transcripts that coder has not coded (see :class:`CoderChoice`)."""
    consensus = consensus_coders(project)
    if coder is not None:
        choice = CoderChoice(coder, project.coder_id(coder, create=False), "chosen")
    elif consensus:
        named = [row for row in consensus if row["name"] == "consensus"] or consensus
        row = named[0]
        choice = CoderChoice(
            row["name"],
            row["id"],
            f"the consensus coder of {row['coder_a']} and {row['coder_b']}",
        )
    else:
        choice = _most_codings(project)
    for row in consensus:
        if row["id"] == choice.id:
            return _consensus_coverage(project, choice, row)
    return _coverage(project, choice)


def _most_codings(project: Project) -> CoderChoice:
    counts = project.query(  # codings per coder, from the counts the project keeps
        "SELECT coders.id, coders.name, sum(a.codings) AS n FROM transcript_code_turns a "
        "JOIN coders ON coders.id = a.coder_id WHERE a.rollup = 0 GROUP BY coders.id "
        "HAVING n > 0 ORDER BY n DESC, name"
    )
    if not counts:
        raise QualcodeError("the project has no codings yet; code some turns first", project.path)
    if len(counts) == 1:
        return CoderChoice(counts[0]["name"], counts[0]["id"], "the only coder")
    others = tuple(row["name"] for row in counts[1:])
    return CoderChoice(
        counts[0]["name"],
        counts[0]["id"],
        f"the coder with the most codings, {counts[0]['n']}; the project also has "
        f"{', '.join(others)}",
        others=others,
    )


def coded_transcripts(project: Project, coder_id: int) -> set[int]:
    """The ids of the transcripts in which the coder has at least one coding (read from the
    counts the project keeps, so it does not grow with the number of codings)."""
    return {
        row[0]
        for row in project.db.execute(
            "SELECT DISTINCT transcript_id FROM transcript_code_turns "
            "WHERE coder_id = ? AND rollup = 0 AND codings > 0",
            [coder_id],
        )
    }


def _transcript_names(project: Project) -> dict[int, str]:
    return dict(project.db.execute("SELECT id, name FROM transcripts ORDER BY name").fetchall())


def _coverage(project: Project, choice: CoderChoice) -> CoderChoice:
    coded = coded_transcripts(project, choice.id)
    not_coded = tuple(
        (name, (choice.name,))
        for transcript_id, name in _transcript_names(project).items()
        if transcript_id not in coded
    )
    return replace(choice, not_coded=not_coded, coded_ids=frozenset(coded))


def _consensus_coverage(project: Project, choice: CoderChoice, row: dict[str, Any]) -> CoderChoice:
    """A consensus coder covers the transcripts both its coders coded."""
    pair = (row["coder_a"], row["coder_b"])
    ids = [project.coder_id(name, create=False) for name in pair]
    coded = dict(zip(pair, (coded_transcripts(project, coder_id) for coder_id in ids), strict=True))
    both = coded[pair[0]] & coded[pair[1]]
    not_coded = tuple(
        (name, tuple(coder for coder in pair if transcript_id not in coded[coder]))
        for transcript_id, name in _transcript_names(project).items()
        if transcript_id not in both
    )
    differing, decided = adjudication_counts(project, choice.id, *ids)
    return replace(
        choice,
        not_coded=not_coded,
        coded_ids=frozenset(both),
        consensus_of=pair,
        disagreements=differing,
        open_disagreements=differing - len(decided),
    )


def code_table(project: Project, language: str | None = None) -> pd.DataFrame:
    """One row per code in codebook order: id, key, label, parent, depth, color, sub_codes."""
    rows = project.query("SELECT id, key, parent_id, position, label, color FROM codes")
    by_id = {row["id"]: row for row in rows}
    children: dict[int | None, list[dict]] = {}
    for row in sorted(rows, key=lambda r: (r["position"], r["id"])):
        children.setdefault(row["parent_id"], []).append(row)
    ordered: list[dict[str, Any]] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for row in children.get(parent_id, []):
            labels = json.loads(row["label"])
            ordered.append(
                {
                    "code_id": row["id"],
                    "code": row["key"],
                    "label": labels.get(language or "", next(iter(labels.values()), row["key"])),
                    "parent": by_id[row["parent_id"]]["key"] if row["parent_id"] else None,
                    "depth": depth,
                    "color": row["color"],
                    "sub_codes": _descendants(row["id"], children),
                }
            )
            visit(row["id"], depth + 1)

    visit(None, 0)
    columns = ["code_id", "code", "label", "parent", "depth", "color", "sub_codes"]
    return pd.DataFrame(ordered, columns=columns)


def _descendants(code_id: int, children: dict[int | None, list[dict]]) -> list[str]:
    keys = []
    for child in children.get(code_id, []):
        keys.append(child["key"])
        keys.extend(_descendants(child["id"], children))
    return keys


def select_codes(table: pd.DataFrame, codes: list[str] | None) -> pd.DataFrame:
    """The rows of ``codes`` (and, for a theme, its sub-codes); all codes when None."""
    if not codes:
        return table
    known = set(table["code"])
    unknown = [key for key in codes if key not in known]
    if unknown:
        raise QualcodeError(f"unknown code(s) {', '.join(unknown)}: not in the codebook")
    wanted = set(codes)
    for _, row in table[table["code"].isin(codes)].iterrows():
        wanted.update(row["sub_codes"])
    return table[table["code"].isin(wanted)]


def none_for_nan(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for JSON: NaN and pandas' missing values become None, numpy numbers plain ones."""
    clean = []
    for record in records:
        row = {}
        for key, value in record.items():
            if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
                row[key] = None
            elif hasattr(value, "item"):
                row[key] = value.item()
            else:
                row[key] = value
        clean.append(row)
    return clean


@dataclass(frozen=True)
class CodeMasks:
    """Every code as one bit of an integer mask, so that SQLite can sum a turn's codes into
    masks in one pass over the codings (62 codes per mask; more codes, more masks).

    ``cases[j]`` is the SQL expression turning ``code_id`` into its bit in mask ``j``;
    :meth:`has` is the SQL test "this turn has the code" on masks named ``prefix0``,
    ``prefix1``…, counting the code's sub-codes too when ``rollup``.
    """

    codes: pd.DataFrame
    rollup: bool

    @property
    def positions(self) -> dict[int, tuple[int, int]]:
        """code_id → (mask, bit) for every code of the codebook."""
        return {code_id: divmod(i, BITS) for i, code_id in enumerate(self.codes["code_id"])}

    @property
    def cases(self) -> list[str]:
        chunks: dict[int, list[str]] = {}
        for code_id, (mask, bit) in self.positions.items():
            chunks.setdefault(mask, []).append(f"WHEN {int(code_id)} THEN {1 << bit}")
        return [f"CASE code_id {' '.join(chunks[j])} END" for j in sorted(chunks)]

    def members(self, key: str) -> list[int]:
        """The code ids a coding must have to count for ``key``."""
        row = self.codes[self.codes["code"] == key].iloc[0]
        keys = [key, *row["sub_codes"]] if self.rollup else [key]
        return list(self.codes[self.codes["code"].isin(keys)]["code_id"])

    def selectors(self, key: str) -> dict[int, int]:
        """mask number → the bits of ``key`` (and its sub-codes when rolling up) in it."""
        positions = self.positions
        selector: dict[int, int] = {}
        for code_id in self.members(key):
            mask, bit = positions[code_id]
            selector[mask] = selector.get(mask, 0) | (1 << bit)
        return selector

    def has(self, key: str, prefix: str = "m") -> str:
        return " OR ".join(
            f"({prefix}{mask} & {bits}) != 0" for mask, bits in self.selectors(key).items()
        )


def code_masks(project: Project, rollup: bool, language: str | None = None) -> CodeMasks:
    """The codebook's codes as mask bits; an empty codebook is a clear error."""
    table = code_table(project, language)
    if table.empty:
        raise QualcodeError("the codebook has no codes yet", project.path, fix="codebook")
    return CodeMasks(table, rollup)


def per_turn_sql(masks: CodeMasks, coder_param: str = ":coder", where: str | None = None) -> str:
    """One row per turn the coder coded: ``turn_id`` and its code masks ``m0``, ``m1``…
    (DISTINCT: a code coded twice in a turn, on two spans, counts once); ``where``: only the
    turns of the speakers ``s`` it selects (a :func:`speaker_filter`)."""
    sums = ", ".join(f"sum(DISTINCT {case}) AS m{j}" for j, case in enumerate(masks.cases))
    speakers = (
        f" AND turn_id IN (SELECT t.id FROM turns t JOIN speakers s ON s.id = t.speaker_id "
        f"WHERE {where})"
        if where
        else ""
    )
    return (
        f"SELECT turn_id, {sums} FROM codings WHERE coder_id = {coder_param}{speakers} "
        "GROUP BY turn_id"
    )


def speaker_filter(attributes: Sequence[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    """SQL on speakers ``s`` selecting those with every ``(name, value)`` attribute (values
    compared as text, as the search does), and its named parameters; ``1`` for none."""
    parts, params = [], {}
    for i, (name, value) in enumerate(attributes):
        parts.append(
            f"EXISTS (SELECT 1 FROM json_each(s.attributes) attr WHERE attr.key = "
            f":attr_name{i} AND CAST(attr.value AS TEXT) = :attr_value{i})"
        )
        params[f"attr_name{i}"] = name
        params[f"attr_value{i}"] = value
    return " AND ".join(parts) or "1", params


def mask_bits(masks: np.ndarray, selectors: dict[int, int]) -> np.ndarray:
    """Rows of integer masks (one column per mask) → True where any selected bit is set."""
    result = np.zeros(len(masks), dtype=bool)
    for mask, bits in selectors.items():
        result |= (masks[:, mask] & bits) != 0
    return result


def presence_sql(coder_ids: list[int]) -> str:
    """Per transcript (``transcript_id``, ``name``) the mask ``present`` of the coders (bit i
    for ``coder_ids[i]``) who coded anything in it: a coder who has not coded a transcript
    is missing there, not "no"."""
    terms = " + ".join(
        f"(EXISTS (SELECT 1 FROM turns t JOIN codings c ON c.turn_id = t.id "
        f"WHERE t.transcript_id = tr.id AND c.coder_id = {int(coder_id)})) * {1 << i}"
        for i, coder_id in enumerate(coder_ids)
    )
    return f"SELECT tr.id AS transcript_id, tr.name, {terms} AS present FROM transcripts tr"


def disagreement_sql(
    project: Project,
    coder_ids: Sequence[int],
    code: str | None,
    transcript: str | None,
) -> tuple[str, list[Any]]:
    """SQL selecting (turn_id, transcript name, turn number) of every turn where the coders
    who coded its transcript differ on some code (or on ``code``)."""
    bits = " ".join(f"WHEN {coder_id} THEN {1 << i}" for i, coder_id in enumerate(coder_ids))
    ids = ", ".join(str(coder_id) for coder_id in coder_ids)
    where, params = [], []
    if code is not None:
        where.append("code_id = ?")
        params.append(project.code_id(code))
    outer, outer_params = [], []
    if transcript is not None:
        project.transcript(transcript)
        outer.append("p.name = ?")
        outer_params.append(transcript)
    sql = f"""
        WITH presence AS MATERIALIZED ({presence_sql(coder_ids)}),
        per AS (
            SELECT turn_id, code_id, sum(DISTINCT CASE coder_id {bits} END) AS mask
            FROM codings WHERE coder_id IN ({ids}) {"".join(" AND " + w for w in where)}
            GROUP BY turn_id, code_id
        )
        SELECT DISTINCT per.turn_id, p.name AS transcript, t.turn, p.present
        FROM per
        JOIN turns t ON t.id = per.turn_id
        JOIN presence p ON p.transcript_id = t.transcript_id
        WHERE (p.present & (p.present - 1)) != 0 AND per.mask != p.present
        {"".join(" AND " + w for w in outer)}
    """
    return sql, params + outer_params


def adjudication_counts(
    project: Project, consensus_id: int, a_id: int, b_id: int
) -> tuple[int, dict[int, str]]:
    """The number of turns where coders ``a_id`` and ``b_id`` differ, and the decisions of
    the consensus coder on those turns (turn id -> decision)."""
    sql, params = disagreement_sql(project, [a_id, b_id], None, None)
    differing = {row[0] for row in project.db.execute(sql, params).fetchall()}
    decided = {
        row["turn_id"]: row["decision"]
        for row in project.query(
            "SELECT turn_id, decision FROM adjudications WHERE consensus_coder_id = ?",
            [consensus_id],
        )
        if row["turn_id"] in differing
    }
    return len(differing), decided


def check_attributes(project: Project, attributes: Sequence[tuple[str, str]]) -> None:
    """Refuse a speaker filter that no speaker passes (a misspelt name or value)."""
    if not attributes:
        return
    where, params = speaker_filter(attributes)
    if not project.db.execute(f"SELECT 1 FROM speakers s WHERE {where} LIMIT 1", params).fetchone():
        said = " and ".join(f"{name} = {value}" for name, value in attributes)
        raise QualcodeError(f"no speaker has {said}", project.path)
