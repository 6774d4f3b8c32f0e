"""The event log: every coding action of a coder, kept for undo, redo and the audit trail.

A coding action is what a coder does to one turn: code it, remove a code, code a passage,
accept or reject a suggestion, write a memo. Each is one row of ``events`` (append-only:
triggers refuse to change or delete a row), with who, when, what, and the coder's state on the
turn before and after it (their codings, memo and suggestion decisions there). Undo applies an
action backwards (what it added goes, what it removed comes back) and is itself an event, as
is redo; so the log says everything that happened, in order, and undo never rewrites it.

Undo and redo work per coder, as a stack: undo takes the coder's latest action not undone, redo
the latest undone one, until the coder's next action. Changes made meanwhile by anyone else (an
import, another coder) are kept: undo changes only what the action changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.store._stamps import now
from qualcode.store.file import ProjectFile

ACTIONS = ("code", "uncode", "span", "accept", "reject", "memo")
# How many of a coder's latest events undo and redo look back over.
UNDO_DEPTH = 1000


class HistoryRecords(ProjectFile):
    """The event log of a project's coding actions; undo and redo."""

    _action_open = False
    _has_events: bool | None = None

    @contextmanager
    def coding_action(self, coder_id: int, turn_id: int, action: str) -> Iterator[None]:
        """Record what the block does to the coder's state on the turn as one event, in the
        block's transaction (an action inside another records nothing of its own: accepting a
        suggestion codes the turn, and is one event). Nothing changed: no event."""
        if action not in ACTIONS:
            raise QualcodeError(f"unknown coding action {action!r} (one of {', '.join(ACTIONS)})")
        if self._action_open or not self._keeps_events():
            yield
            return
        with self.transaction():
            self._action_open = True
            try:
                before = self._turn_state(turn_id, coder_id)
                yield
                after = self._turn_state(turn_id, coder_id)
            finally:
                self._action_open = False
            if before != after:
                self._append_event(coder_id, turn_id, action, before, after)

    def _keeps_events(self) -> bool:
        """Whether the file has the event log (a file of an older schema, opened by code
        that must not upgrade it, has none)."""
        if self._has_events is None:
            self._has_events = self.db["events"].exists()
        return self._has_events

    def _turn_state(self, turn_id: int, coder_id: int) -> dict[str, Any]:
        """The coder's codings, memo and suggestion decisions on the turn."""
        codings = self.db.execute(
            'SELECT guid, code_id, start, "end", memo, origin, created_at FROM codings '
            "WHERE turn_id = ? AND coder_id = ? ORDER BY guid",
            [turn_id, coder_id],
        ).fetchall()
        memo = self.db.execute(
            "SELECT text, updated_at, guid FROM memos WHERE turn_id = ? AND coder_id = ?",
            [turn_id, coder_id],
        ).fetchone()
        decisions = self.db.execute(
            "SELECT code_id, decision, method, score, decided_at FROM suggestion_decisions "
            "WHERE turn_id = ? AND coder_id = ? ORDER BY code_id",
            [turn_id, coder_id],
        ).fetchall()
        return {
            "codings": [list(row) for row in codings],
            "memo": list(memo) if memo else None,
            "decisions": [list(row) for row in decisions],
        }

    def _append_event(
        self,
        coder_id: int,
        turn_id: int,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        target: int | None = None,
    ) -> int:
        where = self.db.execute(
            "SELECT transcript, turn FROM turn_details WHERE id = ?", [turn_id]
        ).fetchone()
        coder = self.db.execute("SELECT name FROM coders WHERE id = ?", [coder_id]).fetchone()
        summary = self._summary(action, before, after, target)
        return self.db.execute(
            "INSERT INTO events (at, coder_id, coder, action, turn_id, transcript, turn, "
            "target, summary, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now(),
                coder_id,
                coder[0],
                action,
                turn_id,
                where[0],
                where[1],
                target,
                summary,
                json.dumps(before, ensure_ascii=False),
                json.dumps(after, ensure_ascii=False),
            ],
        ).lastrowid

    def _summary(
        self, action: str, before: dict[str, Any], after: dict[str, Any], target: int | None
    ) -> str:
        """What an event did, in words ("coded awareness", "removed community from 12–40")."""
        if target is not None:
            done = self.db.execute("SELECT summary FROM events WHERE id = ?", [target]).fetchone()
            return f"{'undid' if action == 'undo' else 'redid'}: {done[0]}"
        keys = dict(self.db.execute("SELECT id, key FROM codes").fetchall())
        old = {row[0]: row for row in before["codings"]}
        new = {row[0]: row for row in after["codings"]}

        def named(row: list) -> str:
            where = "" if row[2] is None else f" on {row[2]}–{row[3]}"
            return f"{keys.get(row[1], f'code {row[1]}')}{where}"

        parts = []
        added = [named(row) for guid, row in new.items() if guid not in old]
        removed = [named(row) for guid, row in old.items() if guid not in new]
        decided = {row[0]: row[1] for row in after["decisions"]}
        earlier = {row[0]: row[1] for row in before["decisions"]}
        if action == "accept":
            parts.append(f"accepted {', '.join(keys.get(c, str(c)) for c in decided) or '?'}")
        elif action == "reject":
            changed = [c for c, d in decided.items() if earlier.get(c) != d and d == "rejected"]
            parts.append(f"rejected {', '.join(keys.get(c, str(c)) for c in changed)}")
        else:
            if added:
                parts.append(f"coded {', '.join(added)}")
            if removed:
                parts.append(f"removed {', '.join(removed)}")
            if before["memo"] != after["memo"]:
                parts.append("emptied the memo" if after["memo"] is None else "wrote a memo")
        return "; ".join(parts) or action

    # ------------------------------------------------------------ undo and redo

    def _stacks(self, coder_id: int) -> tuple[list[int], list[int]]:
        """The coder's actions that stand (oldest first) and those undone and not redone
        (the next to redo last), from the coder's latest :data:`UNDO_DEPTH` events."""
        rows = self.db.execute(
            "SELECT id, action, target FROM (SELECT id, action, target FROM events "
            "WHERE coder_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
            [coder_id, UNDO_DEPTH],
        ).fetchall()
        done: list[int] = []
        undone: list[int] = []
        for event_id, action, target in rows:
            if action == "undo":
                if target in done:
                    done.remove(target)
                undone.append(target)
            elif action == "redo":
                if target in undone:
                    undone.remove(target)
                done.append(target)
            else:
                done.append(event_id)
                undone.clear()
        return done, undone

    def next_undo(self, coder: str) -> dict[str, Any] | None:
        """The action :meth:`undo` would undo for ``coder`` (id, turn, summary), or None."""
        return self._next(coder, 0)

    def next_redo(self, coder: str) -> dict[str, Any] | None:
        """The action :meth:`redo` would redo for ``coder``, or None."""
        return self._next(coder, 1)

    def _next(self, coder: str, which: int) -> dict[str, Any] | None:
        coder_id = self.find_coder(coder)
        if coder_id is None:
            return None
        stack = self._stacks(coder_id)[which]
        return self.event(stack[-1]) if stack else None

    def undo(self, coder: str) -> dict[str, Any] | None:
        """Undo ``coder``'s latest action that stands; returns that action (None: nothing to
        undo). What the action added is removed and what it removed comes back."""
        return self._step(coder, "undo")

    def redo(self, coder: str) -> dict[str, Any] | None:
        """Redo ``coder``'s latest undone action (until their next action); returns it."""
        return self._step(coder, "redo")

    def _step(self, coder: str, action: str) -> dict[str, Any] | None:
        coder_id = self.find_coder(coder)
        if coder_id is None:
            return None
        with self.transaction():
            done, undone = self._stacks(coder_id)
            stack = done if action == "undo" else undone
            if not stack:
                return None
            event = self.event(stack[-1])
            where = self.db.execute(
                "SELECT transcript, turn FROM turn_details WHERE id = ?", [event["turn_id"]]
            ).fetchone()
            if where is None or tuple(where) != (event["transcript"], event["turn"]):
                raise QualcodeError(
                    f"cannot {action} {event['summary']!r}: turn {event['turn']} of "
                    f"{event['transcript']} is no longer in the project",
                    self.path,
                )
            state = self._turn_state(event["turn_id"], coder_id)
            old, new = (event["after"], event["before"])
            if action == "redo":
                old, new = new, old
            self._apply(event["turn_id"], coder_id, old, new, event["summary"])
            self._append_event(
                coder_id,
                event["turn_id"],
                action,
                state,
                self._turn_state(event["turn_id"], coder_id),
                target=event["id"],
            )
        return event

    def _apply(
        self, turn_id: int, coder_id: int, old: dict[str, Any], new: dict[str, Any], what: str
    ) -> None:
        """Change the coder's state on the turn as going from ``old`` to ``new`` did, leaving
        all else (what others changed meanwhile) as it is."""
        old_codings = {row[0]: row for row in old["codings"]}
        new_codings = {row[0]: row for row in new["codings"]}
        for guid in old_codings.keys() - new_codings.keys():
            self.db.execute("DELETE FROM codings WHERE guid = ?", [guid])
        codes = {row[0] for row in self.db.execute("SELECT id FROM codes")}
        for guid in new_codings.keys() - old_codings.keys():
            _, code_id, start, end, memo, origin, created_at = new_codings[guid]
            if code_id not in codes:
                raise QualcodeError(
                    f"cannot bring back {what!r}: its code is no longer in the codebook",
                    self.path,
                )
            self.db.execute(
                'INSERT OR IGNORE INTO codings (turn_id, code_id, coder_id, start, "end", memo, '
                "origin, created_at, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [turn_id, code_id, coder_id, start, end, memo, origin, created_at, guid],
            )
        if old["memo"] != new["memo"]:
            self.db.execute(
                "DELETE FROM memos WHERE turn_id = ? AND coder_id = ?", [turn_id, coder_id]
            )
            if new["memo"] is not None:
                text, updated_at, guid = new["memo"]
                self.db.execute(
                    "INSERT INTO memos (turn_id, coder_id, text, updated_at, guid) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [turn_id, coder_id, text, updated_at, guid],
                )
        old_decisions = {row[0]: row for row in old["decisions"]}
        new_decisions = {row[0]: row for row in new["decisions"]}
        for code_id in old_decisions.keys() | new_decisions.keys():
            if old_decisions.get(code_id) == new_decisions.get(code_id):
                continue
            self.db.execute(
                "DELETE FROM suggestion_decisions WHERE turn_id = ? AND code_id = ? "
                "AND coder_id = ?",
                [turn_id, code_id, coder_id],
            )
            if code_id in new_decisions and code_id in codes:
                _, decision, method, score, decided_at = new_decisions[code_id]
                self.db.execute(
                    "INSERT INTO suggestion_decisions (turn_id, code_id, coder_id, decision, "
                    "method, score, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [turn_id, code_id, coder_id, decision, method, score, decided_at],
                )

    # ------------------------------------------------------------ reading the log

    def event(self, event_id: int) -> dict[str, Any]:
        """One event, with its states before and after as dictionaries."""
        rows = self.query("SELECT * FROM events WHERE id = ?", [event_id])
        if not rows:
            raise QualcodeError(f"no event with id {event_id} in the project", self.path)
        row = rows[0]
        row["before"], row["after"] = json.loads(row["before"]), json.loads(row["after"])
        return row

    def history(
        self, coder: str | None = None, limit: int | None = 50, offset: int = 0
    ) -> dict[str, Any]:
        """The event log, newest first, a page at a time: ``{"total": N, "rows": [...]}``,
        each row ``id, at, coder, action, transcript, turn, summary``."""
        if (limit is not None and limit < 1) or offset < 0:
            raise QualcodeError(f"a page needs limit >= 1 and offset >= 0, not {limit}/{offset}")
        where, params = ("WHERE coder = ?", [coder]) if coder else ("", [])
        total = self.db.execute(f"SELECT count(*) FROM events {where}", params).fetchone()[0]
        sql = (
            f"SELECT id, at, coder, action, transcript, turn, summary FROM events {where} "
            "ORDER BY id DESC"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, limit, offset]
        return {"total": total, "rows": self.query(sql, params)}
