"""The report counts the project keeps: per coder, code and speaker, the turns coded.

Triggers keep them current on every change of a coding (see ``REPORT_COUNTS`` in
:mod:`qualcode.store.schema`). A bulk write of codings pauses those triggers and recounts the
coders it touched once at the end, with the same statements as the migration that introduced
the counts (``RECOUNT_*``); a change of the codebook's tree recounts the rolled-up counts of the
codes whose sub-codes changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from qualcode.store.file import ProjectFile
from qualcode.store.schema import RECOUNT_CODES, RECOUNT_ROLLUP, RECOUNT_TRANSCRIPTS

COUNT_TRIGGERS = (
    "codings_count_insert",
    "codings_count_delete",
    "codings_count_update",
    "speaker_code_turns_insert",
    "speaker_code_turns_update",
    "speaker_code_turns_delete",
)


class ReportCounts(ProjectFile):
    """Keeping the report counts in step with bulk writes and with the codebook's tree."""

    @contextmanager
    def bulk_codings(self, coder_ids: Iterable[int]) -> Iterator[None]:
        """Inside a write transaction, for rewriting many codings of ``coder_ids``: the
        triggers that keep the report counts stop meanwhile, and those coders' counts are
        recounted once at the end (a failure rolls the whole transaction back, triggers too).
        Inside another bulk write it only adds its coders to those the outer one recounts."""
        outer: set[int] | None = getattr(self, "_bulk_coders", None)
        if outer is not None:
            outer.update(coder_ids)
            yield
            return
        paused = self._pause_report_counts()
        self._bulk_coders = set(coder_ids)
        try:
            yield
            self._recount_report_counts(sorted(self._bulk_coders), paused)
        finally:
            self._bulk_coders = None

    def _pause_report_counts(self) -> list[str]:
        """Stop the triggers that keep the report counts; returns their definitions."""
        marks = ",".join("?" * len(COUNT_TRIGGERS))
        triggers = [
            row[0]
            for row in self.db.execute(
                f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                COUNT_TRIGGERS,
            )
        ]
        for name in COUNT_TRIGGERS:
            self.db.execute(f"DROP TRIGGER IF EXISTS {name}")
        return triggers

    def _recount_report_counts(self, coder_ids: list[int], triggers: list[str]) -> None:
        """Recount the report counts of ``coder_ids`` from their codings and restart the
        ``triggers`` stopped by :meth:`_pause_report_counts`."""
        marks = ",".join("?" * len(coder_ids))
        for table in ("speaker_code_turns", "transcript_code_turns"):
            self.db.execute(f"DELETE FROM {table} WHERE coder_id IN ({marks})", coder_ids)
        for sql, column in (
            (RECOUNT_CODES, "c.coder_id"),
            (RECOUNT_ROLLUP, "c.coder_id"),
            (RECOUNT_TRANSCRIPTS, "a.coder_id"),
        ):
            self.db.execute(sql.format(where=f"{column} IN ({marks})"), coder_ids)
        for trigger in triggers:
            self.db.execute(trigger)

    def _recount_rollup(self, code_ids: list[int]) -> None:
        """Recount the rolled-up counts of ``code_ids`` (after their sub-codes changed); the
        triggers carry the change on to the per-transcript counts."""
        marks = ",".join("?" * len(code_ids))
        self.db.execute(
            f"DELETE FROM speaker_code_turns WHERE rollup = 1 AND code_id IN ({marks})", code_ids
        )
        self.db.execute(RECOUNT_ROLLUP.format(where=f"a.ancestor_id IN ({marks})"), code_ids)
