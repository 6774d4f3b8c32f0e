"""Disagreements between coders, and adjudication into a consensus coder.

A consensus coder (default name ``consensus``) is an ordinary coder whose codings are derived:
on every turn of the transcripts both coders coded it has the codes both applied (agreed), plus
what was decided for that turn where they differ: ``a`` add A's other codes, ``b`` B's, ``both``
both coders' codes, ``none`` nothing (only the agreed ones), or ``codes``: the codes listed. A
decision only ever adds to the agreed codes; an undecided disagreement keeps only the agreed
codes until it is adjudicated, and a turn where the coders agree has nothing to adjudicate (a
decision on it is refused). Decisions are
stored (table ``adjudications``); the consensus codings (origin ``consensus``) are rebuilt from
the two coders' current codings and the decisions, so running :func:`build_consensus` again
after more coding brings the consensus up to date. The original coders' codings are never
changed. The command line and the Agreement page take the same road: :func:`adjudicate` for a
file of decisions, :func:`adjudicate_turn` for one turn.

Spans: a code both applied keeps a whole-turn coding if either coder coded the whole turn, else
the union of both coders' spans; a code kept from one coder keeps that coder's spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from qualcode.analyse.common import (
    adjudication_counts,
    consensus_coders,
    disagreement_sql,
    presence_sql,
)
from qualcode.errors import QualcodeError
from qualcode.store import CodingRow, Project

DECISIONS = {
    "a": "keep the first coder's codes",
    "b": "keep the second coder's codes",
    "both": "keep both coders' codes",
    "none": "keep only the codes both applied",
    "codes": "keep the agreed codes and the codes listed",
}
DEFAULT_CONSENSUS = "consensus"

Span = tuple[int, int] | None


# ---------------------------------------------------------------- disagreements


def disagreements(
    project: Project,
    coders: Sequence[str],
    code: str | None = None,
    transcript: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
    consensus: str | None = None,
) -> dict[str, Any]:
    """The turns where ``coders`` differ, one page at a time, in transcript order.

    Only transcripts coded by at least two of the coders count (a coder who has not coded a
    transcript does not disagree there). Returns ``{"total": N, "rows": [...]}``; each row has
    ``turn_id, transcript, turn, speaker, role, text``, ``codes`` and ``memos`` per coder,
    ``differ`` (the codes not all of them applied) and, when a consensus coder adjudicates these
    coders, its ``decision`` (or None).
    """
    if (limit is not None and limit < 1) or offset < 0:
        raise QualcodeError(f"a page needs limit >= 1 and offset >= 0, not {limit}/{offset}")
    names, coder_ids = _coders(project, coders)
    sql, params = disagreement_sql(project, coder_ids, code, transcript)
    total = project.db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    page_sql = f"SELECT turn_id, present FROM ({sql}) ORDER BY transcript, turn"
    page_params = list(params)
    if limit is not None:
        page_sql += " LIMIT ? OFFSET ?"
        page_params += [limit, offset]
    present = dict(project.db.execute(page_sql, page_params).fetchall())
    decisions = _decisions_for(project, names, consensus)
    return {"total": total, "rows": _turn_rows(project, present, names, coder_ids, decisions)}


def _coders(project: Project, coders: Sequence[str]) -> tuple[list[str], list[int]]:
    names = list(dict.fromkeys(name.strip() for name in coders))
    if len(names) < 2:
        raise QualcodeError("compare at least two different coders", fix="coders")
    return names, [project.coder_id(name, create=False) for name in names]


def _turn_rows(
    project: Project,
    present: dict[int, int],
    names: list[str],
    coder_ids: list[int],
    decisions: dict[int, str],
) -> list[dict[str, Any]]:
    """Details of the turns ``present`` maps to the mask of the coders who coded their
    transcript; a coder who did not has ``None`` as codes."""
    turn_ids = list(present)
    if not turn_ids:
        return []
    marks = ", ".join("?" * len(turn_ids))
    who = ", ".join("?" * len(coder_ids))
    turns = project.query(
        f"SELECT id, transcript, turn, speaker, role, text FROM turn_details WHERE id IN ({marks})",
        turn_ids,
    )
    codings = project.query(
        f"""SELECT c.turn_id, coders.name AS coder, codes.key, c.start, c."end"
            FROM codings c JOIN codes ON codes.id = c.code_id
            JOIN coders ON coders.id = c.coder_id
            WHERE c.turn_id IN ({marks}) AND c.coder_id IN ({who})
            ORDER BY codes.position, c.start""",
        [*turn_ids, *coder_ids],
    )
    memos = project.query(
        f"""SELECT m.turn_id, coders.name AS coder, m.text FROM memos m
            JOIN coders ON coders.id = m.coder_id
            WHERE m.turn_id IN ({marks}) AND m.coder_id IN ({who})""",
        [*turn_ids, *coder_ids],
    )
    rows = {}
    for turn in turns:
        mask = present[turn["id"]]
        rows[turn["id"]] = {
            "turn_id": turn["id"],
            **{key: turn[key] for key in ("transcript", "turn", "speaker", "role", "text")},
            "codes": {name: [] if mask >> i & 1 else None for i, name in enumerate(names)},
            "memos": {name: None for name in names},
        }
    for coding in codings:
        keys = rows[coding["turn_id"]]["codes"][coding["coder"]]
        if coding["key"] not in keys:
            keys.append(coding["key"])
    for memo in memos:
        rows[memo["turn_id"]]["memos"][memo["coder"]] = memo["text"]
    ordered = [rows[turn_id] for turn_id in turn_ids]
    for row in ordered:
        applied = [set(keys) for keys in row["codes"].values() if keys is not None]
        union = set().union(*applied)
        every = set.intersection(*applied)
        order = [key for keys in row["codes"].values() for key in keys or []]
        row["differ"] = list(dict.fromkeys(key for key in order if key in union - every))
        row["decision"] = decisions.get(row["turn_id"])
    return ordered


def _decisions_for(project: Project, names: list[str], consensus: str | None) -> dict[int, str]:
    """Decisions of the consensus coder that adjudicates exactly these two coders."""
    if len(names) != 2:
        return {}
    rows = project.query(
        """
        SELECT adj.turn_id, adj.decision, c.name FROM adjudications adj
        JOIN consensus_coders cc ON cc.coder_id = adj.consensus_coder_id
        JOIN coders c ON c.id = cc.coder_id
        JOIN coders a ON a.id = cc.coder_a_id JOIN coders b ON b.id = cc.coder_b_id
        WHERE a.name = ? AND b.name = ?
        """,
        names,
    )
    if consensus is not None:
        rows = [row for row in rows if row["name"] == consensus]
    return {row["turn_id"]: row["decision"] for row in rows}


# ---------------------------------------------------------------- consensus


def build_consensus(
    project: Project, coder_a: str, coder_b: str, consensus: str = DEFAULT_CONSENSUS
) -> dict[str, Any]:
    """Create or update the consensus coder of ``coder_a`` and ``coder_b``: rebuild its
    codings from their agreed codings plus the decisions taken so far. Returns the status."""
    with project.transaction():
        ids, _ = _register(project, coder_a, coder_b, consensus)
        _build(project, *ids)
    return adjudication_status(project, consensus)


def adjudicate(
    project: Project,
    coder_a: str,
    coder_b: str,
    consensus: str = DEFAULT_CONSENSUS,
    decisions: Iterable[dict[str, Any]] = (),
    source: str = "decisions",
) -> dict[str, Any]:
    """Build or update the consensus coder and adjudicate the turns in ``decisions`` (rows of
    :func:`qualcode.read.codings.read_decisions`), all in one transaction: a bad decision
    changes nothing."""
    with project.transaction():
        build_consensus(project, coder_a, coder_b, consensus)
        apply_decisions(project, decisions, consensus, source)
    return adjudication_status(project, consensus)


def adjudicate_turn(
    project: Project,
    turn_id: int,
    decision: str,
    consensus: str = DEFAULT_CONSENSUS,
    codes: Iterable[str] | None = None,
    coders: Sequence[str] | None = None,
) -> list[str]:
    """Record the decision for one turn (a, b, both, none, or codes with ``codes``) and
    update the consensus codings of that turn; returns the turn's consensus codes.

    With ``coders`` (the two coders), the consensus coder must be theirs, and is built first
    when it does not exist yet; without, it must exist."""
    if decision not in DECISIONS:
        raise QualcodeError(
            f"decision must be one of {', '.join(DECISIONS)} ({'; '.join(DECISIONS.values())})"
        )
    keys = list(codes or [])
    if decision == "codes":
        if not keys:
            raise QualcodeError("the decision 'codes' needs the codes to keep")
        for key in keys:
            project.code_id(key)
    elif keys:
        raise QualcodeError("codes are given only with the decision 'codes'")
    with project.transaction():
        if coders is not None:
            names = list(dict.fromkeys(name.strip() for name in coders))
            if len(names) != 2:
                raise QualcodeError("adjudication needs two different coders", fix="coders")
            ids, created = _register(project, names[0], names[1], consensus)
            if created:
                _build(project, *ids)
        else:
            ids = _registered(project, consensus)
        consensus_id, a_id, b_id = ids
        turn = project.turn(turn_id)
        if turn["transcript_id"] not in _both_coded(project, a_id, b_id, turn["transcript_id"]):
            raise QualcodeError(
                f"turn {turn_id} is in {turn['transcript']!r}, which not both coders have coded; "
                "there is nothing to adjudicate there",
                project.path,
            )
        _check_differ(project, turn, a_id, b_id)
        project.save_adjudication(consensus_id, turn_id, decision, keys)
        project.delete_codings(consensus_id, turn_id)
        project.write_codings(_rebuilt(project, *ids, turn_id=turn_id), "consensus")
    return [
        row["key"]
        for row in project.query(
            "SELECT DISTINCT codes.key FROM codings JOIN codes ON codes.id = codings.code_id "
            "WHERE codings.turn_id = ? AND codings.coder_id = ? ORDER BY codes.position",
            [turn_id, consensus_id],
        )
    ]


def _check_differ(project: Project, turn: dict[str, Any], a_id: int, b_id: int) -> None:
    """Refuse a decision on a turn where the two coders applied the same codes: the
    consensus keeps their codes there, and a decision would neither be needed nor counted."""
    applied = {a_id: set(), b_id: set()}
    for row in project.query(
        "SELECT DISTINCT c.coder_id, codes.key FROM codings c "
        "JOIN codes ON codes.id = c.code_id WHERE c.turn_id = ? AND c.coder_id IN (?, ?)",
        [turn["id"], a_id, b_id],
    ):
        applied[row["coder_id"]].add(row["key"])
    if applied[a_id] == applied[b_id]:
        keys = ", ".join(sorted(applied[a_id])) or "no codes"
        raise QualcodeError(
            f"{turn['transcript']}, turn {turn['turn']}: {_coder_name(project, a_id)} and "
            f"{_coder_name(project, b_id)} agree ({keys}), so there is nothing to adjudicate; "
            "the consensus keeps their codes",
            project.path,
        )


def consensus_pair(project: Project, consensus: str) -> tuple[str, str] | None:
    """The two coders ``consensus`` adjudicates, or None when there is no such consensus
    coder."""
    for row in consensus_coders(project):
        if row["name"] == consensus:
            return row["coder_a"], row["coder_b"]
    return None


def adjudication_status(project: Project, consensus: str = DEFAULT_CONSENSUS) -> dict[str, Any]:
    """How far adjudication has come: the turns where the two coders differ, how many of
    them are adjudicated, the decisions taken, and the consensus coder's codings."""
    consensus_id, a_id, b_id = _registered(project, consensus)
    names = [_coder_name(project, a_id), _coder_name(project, b_id)]
    differing, decided = adjudication_counts(project, consensus_id, a_id, b_id)
    counts = {decision: 0 for decision in DECISIONS}
    for decision in decided.values():
        counts[decision] += 1
    codings = project.db.execute(
        "SELECT count(*) FROM codings WHERE coder_id = ?", [consensus_id]
    ).fetchone()[0]
    return {
        "consensus": consensus,
        "coders": names,
        "transcripts": len(_both_coded(project, a_id, b_id)),
        "disagreements": differing,
        "adjudicated": len(decided),
        "open": differing - len(decided),
        "decisions": counts,
        "consensus_codings": codings,
    }


def _coder_name(project: Project, coder_id: int) -> str:
    return project.db.execute("SELECT name FROM coders WHERE id = ?", [coder_id]).fetchone()[0]


def _register(
    project: Project, coder_a: str, coder_b: str, consensus: str
) -> tuple[tuple[int, int, int], bool]:
    """The ids of the consensus coder (created on first use) and of the two coders, and
    whether the consensus coder is new. This is where a consensus coder is checked: it
    adjudicates exactly these two coders and has no codings of its own."""
    a_id = project.coder_id(coder_a, create=False)
    b_id = project.coder_id(coder_b, create=False)
    if a_id == b_id:
        raise QualcodeError("adjudication needs two different coders", fix="coders")
    consensus = consensus.strip() or DEFAULT_CONSENSUS
    if consensus in (coder_a.strip(), coder_b.strip()):
        raise QualcodeError(f"the consensus coder cannot be one of the coders ({consensus!r})")
    existing = project.find_coder(consensus)
    created = True
    if existing is not None:
        row = project.db.execute(
            "SELECT coder_a_id, coder_b_id FROM consensus_coders WHERE coder_id = ?", [existing]
        ).fetchone()
        if row and tuple(row) != (a_id, b_id):
            raise QualcodeError(
                f"{consensus!r} is the consensus of {_coder_name(project, row[0])} and "
                f"{_coder_name(project, row[1])}, not of {coder_a.strip()} and "
                f"{coder_b.strip()}; choose another name for the consensus coder",
                project.path,
                fix="consensus",
            )
        if (
            not row
            and project.db.execute(
                "SELECT 1 FROM codings WHERE coder_id = ? LIMIT 1", [existing]
            ).fetchone()
        ):
            raise QualcodeError(
                f"{consensus!r} is a coder with codings of their own; choose another name for "
                "the consensus coder",
                project.path,
                fix="consensus",
            )
        created = row is None
    consensus_id = project.coder_id(consensus)
    project.save_consensus_coder(consensus_id, a_id, b_id)
    return (consensus_id, a_id, b_id), created


def _registered(project: Project, consensus: str) -> tuple[int, int, int]:
    row = project.db.execute(
        "SELECT cc.coder_id, cc.coder_a_id, cc.coder_b_id FROM consensus_coders cc "
        "JOIN coders ON coders.id = cc.coder_id WHERE coders.name = ?",
        [consensus],
    ).fetchone()
    if row is None:
        raise QualcodeError(
            f"there is no consensus coder {consensus!r} yet", project.path, fix="adjudicate"
        )
    return tuple(row)


def _both_coded(
    project: Project, a_id: int, b_id: int, transcript_id: int | None = None
) -> list[int]:
    """Transcripts in which both coders have at least one coding."""
    sql = f"SELECT transcript_id FROM ({presence_sql([a_id, b_id])}) WHERE present = 3"
    params: list[Any] = []
    if transcript_id is not None:
        sql += " AND transcript_id = ?"
        params.append(transcript_id)
    return [row[0] for row in project.db.execute(sql, params).fetchall()]


def _build(project: Project, consensus_id: int, a_id: int, b_id: int) -> None:
    """Rebuild every consensus coding from the two coders' codings and the decisions."""
    rows = [
        row
        for transcript_id in _both_coded(project, a_id, b_id)
        for row in _rebuilt(project, consensus_id, a_id, b_id, transcript_id=transcript_id)
    ]
    with project.bulk_codings([consensus_id]):
        project.delete_codings(consensus_id)
        project.write_codings(rows, "consensus")


def _rebuilt(
    project: Project,
    consensus_id: int,
    a_id: int,
    b_id: int,
    transcript_id: int | None = None,
    turn_id: int | None = None,
) -> list[CodingRow]:
    """The consensus codings of one transcript or one turn."""
    scope = "t.transcript_id = ?" if turn_id is None else "t.id = ?"
    value = transcript_id if turn_id is None else turn_id
    codings = project.query(
        f"""SELECT c.turn_id, c.coder_id, c.code_id, c.start, c."end"
            FROM codings c JOIN turns t ON t.id = c.turn_id
            WHERE {scope} AND c.coder_id IN (?, ?)""",
        [value, a_id, b_id],
    )
    decisions = {
        row["turn_id"]: (row["decision"], json.loads(row["codes"]))
        for row in project.query(
            f"""SELECT adj.turn_id, adj.decision, adj.codes FROM adjudications adj
                JOIN turns t ON t.id = adj.turn_id
                WHERE adj.consensus_coder_id = ? AND {scope}""",
            [consensus_id, value],
        )
    }
    by_turn: dict[int, tuple[dict, dict]] = {}
    for coding in codings:
        a, b = by_turn.setdefault(coding["turn_id"], ({}, {}))
        side = a if coding["coder_id"] == a_id else b
        span = None if coding["start"] is None else (coding["start"], coding["end"])
        side.setdefault(coding["code_id"], []).append(span)
    code_ids = project.code_ids() if any(d == "codes" for d, _ in decisions.values()) else {}
    rows = []
    for turn, (a, b) in by_turn.items():
        decision, keys = decisions.get(turn, (None, []))
        chosen = consensus_codings(a, b, decision, [code_ids[k] for k in keys])
        for code_id, spans in chosen.items():
            for span in spans:
                start, end = span if span else (None, None)
                rows.append(CodingRow(turn, code_id, consensus_id, start, end))
    return rows


def consensus_codings(
    a: dict[int, list[Span]],
    b: dict[int, list[Span]],
    decision: str | None,
    codes: Sequence[int] = (),
) -> dict[int, list[Span]]:
    """One turn's consensus: code → spans (None = whole turn), from each coder's code → spans
    and the decision (None while undecided: the agreed codes only). Every decision keeps the
    agreed codes and adds to them; ``codes`` adds the listed ones (with the spans the coders
    gave them; the whole turn for a code neither applied)."""
    agreed = {code: _merge(a[code] + b[code]) for code in a if code in b}
    if decision == "a":
        return {**agreed, **{code: _merge(spans) for code, spans in a.items() if code not in b}}
    if decision == "b":
        return {**agreed, **{code: _merge(spans) for code, spans in b.items() if code not in a}}
    if decision == "both":
        return {code: _merge(a.get(code, []) + b.get(code, [])) for code in {**a, **b}}
    if decision == "codes":
        listed = {code: _merge(a.get(code, []) + b.get(code, [])) or [None] for code in codes}
        return {**agreed, **listed}
    return agreed


def _merge(spans: list[Span]) -> list[Span]:
    """A whole-turn coding covers everything; otherwise overlapping spans are joined."""
    if any(span is None for span in spans):
        return [None]
    merged: list[list[int]] = []
    for start, end in sorted(span for span in spans if span):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def apply_decisions(
    project: Project,
    rows: Iterable[dict[str, Any]],
    consensus: str = DEFAULT_CONSENSUS,
    source: str = "decisions",
) -> int:
    """Adjudicate every turn in ``rows`` (see :func:`qualcode.read.codings.read_decisions`),
    all or nothing: a bad row stops with its line and nothing of the file is stored. Returns
    the number adjudicated."""
    count = 0
    with project.transaction():
        for row in rows:
            try:
                turn_id = project.turn_id(row["transcript"], int(row["turn"]))
                codes = [key for key in row.get("codes", "").split(";") if key.strip()]
                adjudicate_turn(project, turn_id, row["decision"], consensus, codes or None)
            except ValueError:
                raise QualcodeError(
                    f"turn must be a whole number, not {row['turn']!r}", source, row.get("line")
                ) from None
            except QualcodeError as error:
                raise QualcodeError(error.message, source, row.get("line")) from None
            count += 1
    return count
