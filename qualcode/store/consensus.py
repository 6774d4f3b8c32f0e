"""Consensus coders and their adjudications.

A consensus coder is an ordinary coder whose codings are derived from two coders' codings and
the decisions taken where they differ (how: :mod:`qualcode.analyse.consensus`). The store keeps
which two coders each consensus coder adjudicates, and one decision per turn; the consensus
codings themselves are written by the coding writer with origin ``consensus``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from qualcode.store._stamps import now
from qualcode.store.codings import CodingRecords

ADJUDICATIONS = ("a", "b", "both", "none", "codes")


class ConsensusRecords(CodingRecords):
    """Consensus coders and the decisions that adjudicate their coders' disagreements."""

    def save_consensus_coder(self, consensus_id: int, coder_a_id: int, coder_b_id: int) -> None:
        """Register ``consensus_id`` as the consensus of the two coders (or mark it updated)."""
        stamp = now()
        self.db.execute(
            "INSERT INTO consensus_coders (coder_id, coder_a_id, coder_b_id, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (coder_id) DO UPDATE SET updated_at = excluded.updated_at",
            [consensus_id, coder_a_id, coder_b_id, stamp, stamp],
        )

    def save_adjudication(
        self, consensus_id: int, turn_id: int, decision: str, codes: Sequence[str] = ()
    ) -> None:
        """Record (or change) the decision for one turn (``codes``: the code keys kept, with
        the decision ``codes``)."""
        if decision not in ADJUDICATIONS:
            raise ValueError(f"a decision is one of {ADJUDICATIONS}, not {decision!r}")
        stamp = now()
        self.db.execute(
            "INSERT INTO adjudications (consensus_coder_id, turn_id, decision, codes, decided_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (consensus_coder_id, turn_id) DO UPDATE SET "
            "decision = excluded.decision, codes = excluded.codes, "
            "decided_at = excluded.decided_at",
            [consensus_id, turn_id, decision, json.dumps(list(codes)), stamp],
        )
        self.db.execute(
            "UPDATE consensus_coders SET updated_at = ? WHERE coder_id = ?", [stamp, consensus_id]
        )
