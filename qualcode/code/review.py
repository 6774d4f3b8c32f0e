"""Reviewing coders' agreement: the per-code table with its reading, and settling the turns
where two coders differ into their consensus coder.

The statistics come from :func:`qualcode.analyse.agreement.project_agreement`; this module only
adds how to read them (the usual bands for Krippendorff's alpha) and the steps the Agreement
page takes: a page of disagreements at a time, and one decision per turn.
"""

from __future__ import annotations

from typing import Any

from qualcode.analyse.agreement import agreement_rows
from qualcode.analyse.common import consensus_coders
from qualcode.analyse.consensus import (
    DEFAULT_CONSENSUS,
    build_consensus,
    disagreements,
    settle_turn,
)
from qualcode.errors import QualcodeError
from qualcode.store import Project

SETTLE = {
    "a": "Keep {a}'s",
    "b": "Keep {b}'s",
    "both": "Keep both",
    "none": "Keep neither",
}


def agreement_table(result: dict[str, Any], digits: int = 3) -> list[dict[str, Any]]:
    """The rows of :func:`~qualcode.analyse.agreement.agreement_rows` (per code, then the pooled
    line), each with its code's label, the units where the coders differed and the ``reading``
    of its alpha."""
    labels = {row["code"]: row.get("label") for row in result["codes"]}
    differed = {row["code"]: row.get("units_disagreed") for row in result["codes"]}
    differed["(pooled)"] = result["overall"].get("units_disagreed")
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


def disagreement_page(
    project: Project,
    coders: list[str],
    limit: int = 10,
    offset: int = 0,
    consensus: str = DEFAULT_CONSENSUS,
) -> dict[str, Any]:
    """One page of the turns where ``coders`` differ (``{"total", "rows"}``, see
    :func:`~qualcode.analyse.consensus.disagreements`), with the decisions of ``consensus``
    when it settles exactly these two coders."""
    if limit < 1 or offset < 0:
        raise QualcodeError(f"a page needs limit >= 1 and offset >= 0, not {limit}/{offset}")
    return disagreements(project, coders, limit=limit, offset=offset, consensus=consensus)


def settles(project: Project, consensus: str) -> tuple[str, str] | None:
    """The two coders ``consensus`` settles, or None when there is no such consensus coder."""
    for row in consensus_coders(project):
        if row["name"] == consensus:
            return row["coder_a"], row["coder_b"]
    return None


def settle(
    project: Project,
    coder_a: str,
    coder_b: str,
    turn_id: int,
    decision: str,
    consensus: str = DEFAULT_CONSENSUS,
) -> list[str]:
    """Settle one turn where ``coder_a`` and ``coder_b`` differ: ``a`` keep A's codes, ``b``
    keep B's, ``both``, or ``none`` (only the codes both applied). The consensus coder is built
    first if it does not exist yet (from the codes both coders agree on). Returns the
    consensus coder's codes on the turn."""
    if decision not in SETTLE:
        raise QualcodeError(f"decision must be one of {', '.join(SETTLE)}, not {decision!r}")
    consensus = consensus.strip() or DEFAULT_CONSENSUS
    pair = settles(project, consensus)
    with project.transaction():
        if pair is None:
            build_consensus(project, coder_a, coder_b, consensus)
        elif pair != (coder_a, coder_b):
            raise QualcodeError(
                f"{consensus!r} is the consensus of {pair[0]} and {pair[1]}, not of {coder_a} "
                f"and {coder_b}; choose another name for the consensus coder",
                project.path,
            )
        return settle_turn(project, turn_id, decision, consensus)
