"""Stored suggestions and the coders' decisions on them.

A suggestion is one row per (turn, code, method) and, for the learned method, per coder
(keyword suggestions belong to no coder: ``coder_id`` is NULL). A run of a method replaces its
stored suggestions in its scope. A decision (accepted or rejected) is one coder's about one
(turn, code), kept in ``suggestion_decisions`` so that it survives recomputing. What to suggest,
and how to read them back, is :mod:`qualcode.suggest.workflow`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

from qualcode.store._stamps import now
from qualcode.store.codings import CodingRecords

DECISIONS = ("accepted", "rejected")
_INSERT = "INSERT INTO suggestions (turn_id, code_id, coder_id, score, method, evidence) VALUES "
_VALUES = "(?, ?, ?, ?, ?, ?)"
ROWS_PER_INSERT = 50
_CHUNK = 500


class SuggestionRecords(CodingRecords):
    """Suggestions and decisions on them."""

    def forget_suggestions(
        self,
        method: str,
        coder_id: int | None,
        transcript_id: int | None = None,
        turn_ids: Sequence[int] | None = None,
    ) -> None:
        """Delete the stored suggestions of ``method`` (made for ``coder_id``, None: keyword
        ones) in a transcript, on some turns, or everywhere: what a new run replaces."""
        where = ["method = ?", "coder_id IS ?"]
        params: list[Any] = [method, coder_id]
        if transcript_id is not None:
            where.append("turn_id IN (SELECT id FROM turns WHERE transcript_id = ?)")
            params.append(transcript_id)
        if turn_ids is None:
            self.db.execute(f"DELETE FROM suggestions WHERE {' AND '.join(where)}", params)
            return
        for start in range(0, len(turn_ids), _CHUNK):
            chunk = list(turn_ids[start : start + _CHUNK])
            self.db.execute(
                f"DELETE FROM suggestions WHERE {' AND '.join(where)} "
                f"AND turn_id IN ({','.join('?' * len(chunk))})",
                [*params, *chunk],
            )

    def insert_suggestions(self, rows: list[tuple]) -> None:
        """Insert suggestions ``(turn_id, code_id, coder_id, score, method, evidence JSON)``
        in order, ``ROWS_PER_INSERT`` to a statement (a statement per row costs SQLite more
        than the row does)."""
        full = len(rows) - len(rows) % ROWS_PER_INSERT
        if full:
            sql = _INSERT + ", ".join([_VALUES] * ROWS_PER_INSERT)
            self.db.conn.executemany(
                sql,
                (
                    tuple(chain.from_iterable(rows[start : start + ROWS_PER_INSERT]))
                    for start in range(0, full, ROWS_PER_INSERT)
                ),
            )
        if full < len(rows):
            rest = rows[full:]
            self.db.conn.execute(
                _INSERT + ", ".join([_VALUES] * len(rest)), tuple(chain.from_iterable(rest))
            )

    def cover_suggestions(
        self, coder_id: int, transcript_id: int | None = None, covered: bool = True
    ) -> None:
        """Record that ``coder_id``'s own combined suggestions were just computed for every
        participant turn of a transcript (None: of every transcript), so that there they
        stand in for everybody's; ``covered=False``: that they no longer do."""
        where, params = ("WHERE id = ?", [transcript_id]) if transcript_id is not None else ("", [])
        if covered:
            self.db.execute(
                "INSERT OR IGNORE INTO suggestion_coverage (coder_id, transcript_id) "
                f"SELECT ?, id FROM transcripts {where}",
                [coder_id, *params],
            )
            return
        self.db.execute(
            "DELETE FROM suggestion_coverage WHERE coder_id = ? AND transcript_id IN "
            f"(SELECT id FROM transcripts {where})",
            [coder_id, *params],
        )

    def stored_model(self, coder_id: int, fingerprint: str) -> str | None:
        """The JSON of the coder's learned model if it was trained on what ``fingerprint``
        describes, else None."""
        row = self.db.execute(
            "SELECT model FROM learned_models WHERE coder_id = ? AND fingerprint = ?",
            [coder_id, fingerprint],
        ).fetchone()
        return row[0] if row else None

    def store_model(self, coder_id: int, fingerprint: str, model: str) -> bool:
        """Keep the coder's learned model (JSON) in place of the one before, in one
        transaction. A file that cannot be written to keeps nothing (False): the model is
        derived, and is trained again next time."""
        if self.read_only or self.damage:
            return False
        with self.transaction():
            self.db.execute(
                "INSERT INTO learned_models (coder_id, fingerprint, model, trained_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (coder_id) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, model = excluded.model, "
                "trained_at = excluded.trained_at",
                [coder_id, fingerprint, model, now()],
            )
        return True

    def decide_suggestion(
        self,
        turn_id: int,
        code_id: int,
        coder_id: int,
        decision: str,
        method: str,
        score: float,
    ) -> None:
        """Record (or change) a coder's decision on the suggestion of a code for a turn."""
        if decision not in DECISIONS:
            raise ValueError(f"a decision is one of {DECISIONS}, not {decision!r}")
        self.db.execute(
            "INSERT INTO suggestion_decisions (turn_id, code_id, coder_id, decision, method, "
            "score, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (turn_id, code_id, coder_id) DO UPDATE SET "
            "decision = excluded.decision, method = excluded.method, score = excluded.score, "
            "decided_at = excluded.decided_at",
            [turn_id, code_id, coder_id, decision, method, score, now()],
        )
