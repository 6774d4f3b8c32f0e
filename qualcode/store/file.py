"""The project file itself: opening it, upgrading its schema, transactions and queries.

:class:`ProjectFile` refuses files that are not qualcode projects, upgrades older schemas in
place (all missing migrations in one transaction), turns on foreign keys and WAL (so the UI and
the command line can share one file), and runs every write in one transaction
(:meth:`ProjectFile.transaction`). The record families of the project (transcripts, codebook,
codings, suggestions, consensus coders) build on it, one module each; :class:`~qualcode.store.
project.Project` joins them.

A project that cannot be written (a read-only file, or a read-only folder, where SQLite cannot
keep its write-ahead log) is opened read-only: everything that reads works, and a write is
refused with the reason. A file that fails SQLite's quick check is opened with a warning
(:class:`~qualcode.errors.QualcodeWarning`) and every write to it is refused.
"""

from __future__ import annotations

import os
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from qualcode.errors import QualcodeError, QualcodeWarning
from qualcode.store import _checks
from qualcode.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

DEFAULT_PROJECT = "qualcode.db"
PROJECT_ENV = "QUALCODE_PROJECT"
# How long a write waits for another one (a bulk import, say) to finish, in seconds.
BUSY_TIMEOUT = 10.0


class ProjectFile:
    """An open project file. ``ProjectFile(path)`` opens (and upgrades) an existing one."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.is_dir():
            raise QualcodeError("a folder, not a project file", self.path)
        if not self.path.is_file():
            raise QualcodeError("no qualcode project here", self.path, fix="init")
        if not os.access(self.path, os.R_OK):
            raise QualcodeError("cannot read the project file (permission denied)", self.path)
        #: Why the file cannot be written (None when it can); reads work either way.
        self.read_only = read_only_reason(self.path)
        #: What SQLite's quick check found wrong with the file (empty when it is sound).
        self.damage: list[str] = []
        self._wrote = False
        self.db = self._connect()
        self._check_and_upgrade()
        if self.damage:
            warnings.warn(self.damage_warning, stacklevel=2)

    @staticmethod
    def _mark(path: Path) -> None:
        """Write a new, empty SQLite file marked as a qualcode project."""
        if path.exists():
            raise QualcodeError("a file already exists here; not overwriting it", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise QualcodeError("the folder is read-only; cannot create the project there", path)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _connect(self) -> sqlite_utils.Database:
        try:
            conn = self._open()
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        except sqlite3.DatabaseError as error:
            raise QualcodeError(f"not a qualcode project: {error}", self.path) from None
        if application_id != APPLICATION_ID:
            conn.close()
            raise QualcodeError("not a qualcode project (another kind of SQLite file)", self.path)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            conn.close()
            raise QualcodeError(f"the project file is damaged: {error}", self.path) from None
        return sqlite_utils.Database(conn)

    def _open(self) -> sqlite3.Connection:
        """A connection to the file: read-only when it cannot be written. In a read-only
        folder without a write-ahead log left in it, SQLite cannot make the log's shared-memory
        file, so it is told that nobody writes to the file meanwhile (``immutable``): nobody
        can."""
        if self.read_only:
            path = self.path.resolve()
            uri = path.as_uri() + "?mode=ro"
            log = path.with_name(path.name + "-wal")
            if not os.access(path.parent, os.W_OK) and not log.exists():
                uri += "&immutable=1"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        return conn

    def _check_and_upgrade(self) -> None:
        try:
            self.damage = self._quick_check()
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise QualcodeError(
                    f"this project was written by a newer qualcode (schema {version}; this "
                    f"version knows up to {SCHEMA_VERSION}); upgrade qualcode",
                    self.path,
                )
            if version < SCHEMA_VERSION and self.read_only:
                raise QualcodeError(
                    f"this project needs upgrading to this qualcode's schema ({version} to "
                    f"{SCHEMA_VERSION}), but {self.read_only}",
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

    @property
    def damage_warning(self) -> QualcodeWarning | None:
        """What to tell the user about :attr:`damage` (None when the file is sound)."""
        if not self.damage:
            return None
        more = f" (and {len(self.damage) - 1} more problems)" if len(self.damage) > 1 else ""
        return QualcodeWarning(
            f"the project file is damaged ({self.damage[0]}{more}); what it shows may be "
            "incomplete or wrong, and nothing can be changed in it; restore it from a backup",
            self.path,
        )

    def _quick_check(self) -> list[str]:
        """SQLite's quick check of the file: the structure of every table and index page
        (without matching indexes to their tables, which the full :meth:`check` does); skipped
        when the file has not changed since it was last found sound (:mod:`._checks`)."""
        if _checks.passed(self.path):
            return []
        rows = [row[0] for row in self.db.execute("PRAGMA quick_check").fetchall()]
        if rows == ["ok"]:
            _checks.remember(self.path)
            return []
        lines = (line for row in rows for line in row.splitlines())
        return [line for line in lines if not line.startswith("*** in database")]

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
        if self._wrote:
            _checks.remember(self.path)  # closing moved the write-ahead log into the file

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction; nested calls join the outer one (as savepoints).

        Refused, before anything is written, on a file that cannot be written or is damaged,
        or when another write (a bulk import, say) holds the file longer than
        :data:`BUSY_TIMEOUT`."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        if self.read_only:
            raise QualcodeError(f"{self.read_only}; nothing can be changed in it", self.path)
        if self.damage:
            raise QualcodeError(
                "the project file is damaged; not writing to it, so as not to make it worse",
                self.path,
            )
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise refusal(error, self.path) from None
        try:
            yield self.db
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        self._wrote = True
        _checks.remember(self.path)

    def query(self, sql: str, params: Sequence | dict | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or ()))


def read_only_reason(path: Path) -> str | None:
    """Why the project file at ``path`` cannot be written, or None if it can. SQLite writes
    its journal beside the file, so the folder must be writable too."""
    if not os.access(path, os.W_OK):
        return "the project file is read-only"
    if not os.access(path.resolve().parent, os.W_OK):
        return "the folder of the project file is read-only (SQLite keeps its journal there)"
    return None


def refusal(error: sqlite3.Error, path: str | Path | None) -> QualcodeError:
    """The plain words for an SQLite error on the project file at ``path``."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return QualcodeError(
            "another qualcode command (an import, say) is writing to the project; waited "
            f"{BUSY_TIMEOUT:g} s for it; try again when it has finished",
            path,
        )
    if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
        return QualcodeError(
            "the project file or its folder is read-only; nothing can be changed in it", path
        )
    return QualcodeError(f"the project file cannot be used: {error}", path)


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
