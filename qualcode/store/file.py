"""The project file itself: opening it, upgrading its schema, transactions and queries.

:class:`ProjectFile` refuses files that are not qualcode projects, upgrades older schemas in
place (all missing migrations in one transaction), turns on foreign keys and WAL (so the UI and
the command line can share one file), and runs every write in one transaction
(:meth:`ProjectFile.transaction`). The record families of the project (transcripts, codebook,
codings, suggestions, consensus coders) build on it, one module each; :class:`~qualcode.store.
project.Project` joins them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from qualcode.errors import QualcodeError
from qualcode.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

DEFAULT_PROJECT = "qualcode.db"
PROJECT_ENV = "QUALCODE_PROJECT"


class ProjectFile:
    """An open project file. ``ProjectFile(path)`` opens (and upgrades) an existing one."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise QualcodeError("no qualcode project here", self.path, fix="init")
        self.db = self._connect()
        self._check_and_upgrade()

    @staticmethod
    def _mark(path: Path) -> None:
        """Write a new, empty SQLite file marked as a qualcode project."""
        if path.exists():
            raise QualcodeError("a file already exists here; not overwriting it", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _connect(self) -> sqlite_utils.Database:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        except sqlite3.DatabaseError as error:
            raise QualcodeError(f"not a qualcode project: {error}", self.path) from None
        if application_id != APPLICATION_ID:
            conn.close()
            raise QualcodeError("not a qualcode project (another kind of SQLite file)", self.path)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            conn.close()
            raise QualcodeError(f"the project file is damaged: {error}", self.path) from None
        return sqlite_utils.Database(conn)

    def _check_and_upgrade(self) -> None:
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise QualcodeError(
                    f"this project was written by a newer qualcode (schema {version}; this "
                    f"version knows up to {SCHEMA_VERSION}); upgrade qualcode",
                    self.path,
                )
            if version < SCHEMA_VERSION:
                with self.transaction():
                    for number in range(version, SCHEMA_VERSION):
                        for statement in _statements(MIGRATIONS[number]):
                            self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    # Migrations build tables and indexes that the planner knows nothing of.
                    self.refresh_statistics()
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise QualcodeError(f"the project file is damaged: {error}", self.path) from None

    def refresh_statistics(self) -> None:
        """Give SQLite's query planner current statistics of the tables, after a bulk write.

        Without them, report and agreement queries on a big study may pick a join order
        hundreds of times slower. A sample of each index is enough (``analysis_limit``), so
        this takes milliseconds even on 200,000 turns."""
        self.db.execute("PRAGMA analysis_limit = 1000")
        self.db.execute("ANALYZE")

    def check(self) -> list[str]:
        """Problems SQLite's integrity check finds in the file (empty when it is sound)."""
        rows = [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction; nested calls join the outer one (as savepoints)."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def query(self, sql: str, params: Sequence | dict | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or ()))


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement decides)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
