"""Coders, their codings and their memos.

A coding is one coder's code on one turn, or on a span inside it (``start``/``end`` offsets in
the turn's text). Every coding goes through one writer, :meth:`CodingRecords.write_codings`:
it stamps each with the time and a GUID (keeping a GUID the row brings when no other coding has
it), skips codings already there, and switches to the bulk path (report counts recounted once,
see :mod:`qualcode.store.counts`) for large batches. Memos likewise have one writer,
:meth:`CodingRecords.write_memo`. ``origin`` says where a coding came from: ``manual``,
``suggestion`` (an accepted suggestion), ``import`` (a file) or ``consensus`` (adjudication).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from qualcode.errors import QualcodeError
from qualcode.store._stamps import free_guid, new_guid, now
from qualcode.store.codebook import CodebookRecords
from qualcode.store.history import HistoryRecords
from qualcode.store.transcripts import TranscriptRecords

ORIGINS = ("manual", "suggestion", "import", "consensus")
# A write of more codings than this recounts the report counts of its coders once at the end
# instead of updating them coding by coding (a million codings: seconds instead of a minute).
BULK_CODINGS = 20_000
_CHUNK = 500  # values per IN (...) list


class CodingRow(NamedTuple):
    """A coding to store: ids, the span inside the turn (or None, None for the whole turn),
    and optionally a memo, the time it was made and the GUIDs another tool gave it and the
    selection it lies on."""

    turn_id: int
    code_id: int
    coder_id: int
    start: int | None = None
    end: int | None = None
    memo: str | None = None
    created_at: str | None = None
    guid: str | None = None
    selection_guid: str | None = None


class CodingRecords(TranscriptRecords, CodebookRecords, HistoryRecords):
    """Coders, codings and memos of a project. A coder's codes, spans and memos set through
    :meth:`add_codings`, :meth:`remove_codings` and :meth:`set_memo` are coding actions: each
    is an event of the log (:mod:`qualcode.store.history`), which undo can take back."""

    # ------------------------------------------------------------ coders

    def find_coder(self, name: str | None) -> int | None:
        """The id of coder ``name``, or None when the project has no such coder."""
        if not name or not name.strip():
            return None
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", [name.strip()]).fetchone()
        return row[0] if row else None

    def coder_id(self, name: str, create: bool = True, guids: Sequence[str | None] = ()) -> int:
        """The id of coder ``name``, added to the project on first use (with the first of
        ``guids`` no other coder has, else a new GUID)."""
        name = name.strip()
        if not name:
            raise QualcodeError("a coder needs a name")
        found = self.find_coder(name)
        if found is not None:
            return found
        if not create:
            raise QualcodeError(f"no coder named {name!r} in the project", self.path)
        with self.transaction():
            guid = free_guid(self.db, "coders", guids)
            return self.db["coders"].insert({"name": name, "guid": guid}).last_pk

    def coders(self) -> list[str]:
        return [row["name"] for row in self.query("SELECT name FROM coders ORDER BY name")]

    # ------------------------------------------------------------ codings

    def write_codings(self, rows: Iterable[CodingRow], origin: str) -> int:
        """Store codings (one transaction); returns how many were new (a coding already there,
        same turn, code, coder and span, is left as it is)."""
        if origin not in ORIGINS:
            raise QualcodeError(f"unknown origin {origin!r} (one of {', '.join(ORIGINS)})")
        rows = list(rows)
        if not rows:
            return 0
        stamp = now()
        values = [
            (
                r.turn_id,
                r.code_id,
                r.coder_id,
                r.start,
                r.end,
                r.memo or None,
                origin,
                r.created_at or stamp,
                guid,
                r.selection_guid,
            )
            for r, guid in zip(rows, self._coding_guids(rows), strict=True)
        ]
        sql = (
            'INSERT OR IGNORE INTO codings (turn_id, code_id, coder_id, start, "end", memo, '
            "origin, created_at, guid, selection_guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        if not self._keeps_selection_guids():
            values = [row[:-1] for row in values]
            sql = sql.replace(", selection_guid", "").replace(", ?)", ")")
        with self.transaction():
            if len(values) < BULK_CODINGS:
                return self.db.conn.executemany(sql, values).rowcount
            with self.bulk_codings({row.coder_id for row in rows}):
                return self.db.conn.executemany(sql, values).rowcount

    _has_selection_guids: bool | None = None

    def _keeps_selection_guids(self) -> bool:
        """Whether the file keeps the selection GUIDs of codings (a file of an older schema,
        opened by code that must not upgrade it, does not)."""
        if self._has_selection_guids is None:
            self._has_selection_guids = "selection_guid" in self.db["codings"].columns_dict
        return self._has_selection_guids

    def _coding_guids(self, rows: list[CodingRow]) -> list[str]:
        """Each row's GUID: its own unless another coding (stored, or earlier in ``rows``)
        has it, else a new one."""
        given = sorted({row.guid for row in rows if row.guid})
        taken: set[str] = set()
        for first in range(0, len(given), _CHUNK):
            chunk = given[first : first + _CHUNK]
            marks = ",".join("?" * len(chunk))
            taken.update(
                guid
                for (guid,) in self.db.execute(
                    f"SELECT guid FROM codings WHERE guid IN ({marks})", chunk
                )
            )
        guids = []
        for row in rows:
            guid = row.guid if row.guid and row.guid not in taken else new_guid()
            taken.add(guid)
            guids.append(guid)
        return guids

    def add_codings(
        self,
        turn_id: int,
        codes: Iterable[str],
        coder: str,
        span: tuple[int, int] | None = None,
        memo: str | None = None,
        origin: str = "manual",
    ) -> list[str]:
        """Apply codes to a turn (or to ``span``, offsets inside the turn); returns the codes
        newly applied (those already there are left as they are). One coding action."""
        turn = self.turn(turn_id)
        code_ids = {key: self.code_id(key) for key in codes}
        if span is not None:
            start, end = span
            if not 0 <= start < end <= len(turn["text"]):
                raise QualcodeError(
                    f"span {start}-{end} is not inside turn {turn_id} "
                    f"(which has {len(turn['text'])} characters)",
                    self.path,
                )
        start, end = span if span else (None, None)
        with self.transaction():
            coder_id = self.coder_id(coder)
            with self.coding_action(coder_id, turn_id, "code" if span is None else "span"):
                present = {
                    row[0]
                    for row in self.db.execute(
                        "SELECT code_id FROM codings WHERE turn_id = ? AND coder_id = ? AND "
                        'IFNULL(start, -1) = IFNULL(?, -1) AND IFNULL("end", -1) = IFNULL(?, -1)',
                        [turn_id, coder_id, start, end],
                    )
                }
                added = [key for key, code_id in code_ids.items() if code_id not in present]
                rows = [
                    CodingRow(turn_id, code_ids[key], coder_id, start, end, memo) for key in added
                ]
                self.write_codings(rows, origin)
        return added

    def remove_codings(self, turn_id: int, codes: Iterable[str], coder: str) -> list[str]:
        """Remove a coder's codings (whole turn and spans) of ``codes`` from a turn. One coding
        action."""
        self.turn(turn_id)
        code_ids = {key: self.code_id(key) for key in codes}
        coder_id = self.coder_id(coder, create=False)
        removed = []
        with self.coding_action(coder_id, turn_id, "uncode"):
            for key, code_id in code_ids.items():
                cursor = self.db.execute(
                    "DELETE FROM codings WHERE turn_id = ? AND code_id = ? AND coder_id = ?",
                    [turn_id, code_id, coder_id],
                )
                if cursor.rowcount:
                    removed.append(key)
        return removed

    def remove_passage(self, turn_id: int, code: str, coder: str, start: int, end: int) -> bool:
        """Remove one passage coding (``code`` on ``start``–``end`` of the turn) of a coder;
        returns whether there was one. One coding action."""
        self.turn(turn_id)
        code_id = self.code_id(code)
        coder_id = self.coder_id(coder, create=False)
        with self.coding_action(coder_id, turn_id, "uncode"):
            cursor = self.db.execute(
                "DELETE FROM codings WHERE turn_id = ? AND code_id = ? AND coder_id = ? "
                'AND start = ? AND "end" = ?',
                [turn_id, code_id, coder_id, start, end],
            )
        return bool(cursor.rowcount)

    def delete_codings(self, coder_id: int, turn_id: int | None = None) -> None:
        """Delete every coding of a coder (on one turn, or everywhere): what rebuilding a
        derived coder such as a consensus coder starts with."""
        if turn_id is None:
            self.db.execute("DELETE FROM codings WHERE coder_id = ?", [coder_id])
        else:
            self.db.execute(
                "DELETE FROM codings WHERE coder_id = ? AND turn_id = ?", [coder_id, turn_id]
            )

    def codings(
        self, coder: str | None = None, transcript: str | None = None, turn_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Codings with their transcript, turn number, code key and coder name."""
        where, params = [], []
        for column, value in (
            ("coders.name", coder),
            ("td.transcript", transcript),
            ("td.id", turn_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = """
            SELECT codings.id, td.transcript, td.turn, codes.key AS code, coders.name AS coder,
                   codings.start, codings."end", codings.memo, codings.origin,
                   codings.created_at, td.id AS turn_id
            FROM codings
            JOIN turn_details td ON td.id = codings.turn_id
            JOIN codes ON codes.id = codings.code_id
            JOIN coders ON coders.id = codings.coder_id
        """
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.query(
            sql + " ORDER BY td.transcript, td.turn, codes.position, coders.name", params
        )

    def import_codings(self, rows: Iterable[dict[str, Any]], source: str) -> dict[str, int]:
        """Store codings given as rows of ``transcript, turn, code, coder`` (optional
        ``start, end, memo, created_at``), all or nothing; ``source`` names the file in errors.

        Each row carries ``line``, its line in ``source``."""
        code_ids = self.code_ids()
        checked: list[CodingRow] = []
        with self.transaction():
            for row in rows:
                try:
                    checked.append(self._checked_coding(row, code_ids))
                except (ValueError, TypeError):
                    raise QualcodeError(
                        f"turn, start and end must be whole numbers: {row}", source, row.get("line")
                    ) from None
                except QualcodeError as error:
                    raise QualcodeError(error.message, source, row.get("line")) from None
            added = self.write_codings(checked, "import")
            if added:
                self.refresh_statistics()
        return {"added": added, "skipped": len(checked) - added}

    def _checked_coding(self, row: dict[str, Any], code_ids: dict[str, int]) -> CodingRow:
        """A row of a codings file as a coding, or a QualcodeError saying what is wrong."""
        turn_id = self.turn_id(row["transcript"], int(row["turn"]))
        code_id = code_ids.get(row["code"])
        if code_id is None:
            raise QualcodeError(f"unknown code {row['code']!r}")
        span = _span(row)
        if span is not None:
            length = len(self.turn(turn_id)["text"])
            if not 0 <= span[0] < span[1] <= length:
                raise QualcodeError(
                    f"span {span[0]}-{span[1]} is outside the turn ({length} characters)"
                )
        start, end = span or (None, None)
        coder_id = self.coder_id(row["coder"])
        memo, created_at = row.get("memo") or None, row.get("created_at") or None
        return CodingRow(turn_id, code_id, coder_id, start, end, memo, created_at)

    # ------------------------------------------------------------ memos

    def set_memo(self, turn_id: int, coder: str, text: str) -> None:
        """A coder's memo on a turn; empty text removes it. One coding action."""
        self.turn(turn_id)
        with self.transaction():
            coder_id = self.coder_id(coder)
            with self.coding_action(coder_id, turn_id, "memo"):
                self.write_memo(turn_id, coder_id, text)

    def write_memo(
        self,
        turn_id: int,
        coder_id: int,
        text: str,
        append: bool = False,
        updated_at: str | None = None,
        guids: Sequence[str | None] = (),
    ) -> bool:
        """The one writer of memos: set a coder's memo on a turn to ``text`` (empty text
        removes it), or with ``append`` add ``text`` as a paragraph unless the memo already
        holds it. A new memo gets the first of ``guids`` no other memo has. Returns whether
        anything changed."""
        text = text.strip()
        with self.transaction():
            row = self.db.execute(
                "SELECT id, text FROM memos WHERE turn_id = ? AND coder_id = ?", [turn_id, coder_id]
            ).fetchone()
            when = updated_at or now()
            if not text:
                if append or row is None:
                    return False
                self.db.execute("DELETE FROM memos WHERE id = ?", [row[0]])
                return True
            if row is None:
                self.db.execute(
                    "INSERT INTO memos (turn_id, coder_id, text, updated_at, guid) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [turn_id, coder_id, text, when, free_guid(self.db, "memos", guids)],
                )
                return True
            if append:
                if text in row[1]:
                    return False
                text = f"{row[1]}\n\n{text}"
            self.db.execute(
                "UPDATE memos SET text = ?, updated_at = ? WHERE id = ?", [text, when, row[0]]
            )
            return True

    def memos(
        self, coder: str | None = None, transcript: str | None = None
    ) -> list[dict[str, Any]]:
        where, params = [], []
        for column, value in (("coders.name", coder), ("td.transcript", transcript)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = """SELECT memos.id, td.transcript, td.turn, td.id AS turn_id,
                        coders.name AS coder, memos.text, memos.updated_at
                 FROM memos JOIN turn_details td ON td.id = memos.turn_id
                 JOIN coders ON coders.id = memos.coder_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.query(sql + " ORDER BY td.transcript, td.turn, coders.name", params)


def _span(row: dict[str, Any]) -> tuple[int, int] | None:
    start, end = row.get("start"), row.get("end")
    if start in (None, "") and end in (None, ""):
        return None
    return int(start), int(end)
