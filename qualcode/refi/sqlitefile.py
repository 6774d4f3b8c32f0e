"""Reading another tool's SQLite project file, read-only, with one-line errors naming it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from qualcode.errors import QualcodeError

HEADER = b"SQLite format 3\x00"


def is_sqlite(path: str | Path) -> bool:
    """Whether ``path`` is a file that starts as an SQLite database does."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(HEADER)) == HEADER
    except OSError:
        return False


@contextmanager
def open_sqlite(path: str | Path, where: str) -> Iterator[sqlite3.Connection]:
    """The database at ``path``, opened read-only (nothing of it is changed, not even its
    journal); ``where`` names it in errors."""
    path = Path(path)
    if not path.is_file():
        raise QualcodeError("cannot read the file (No such file or directory)", where)
    if not is_sqlite(path):
        raise QualcodeError("not an SQLite database", where)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise QualcodeError(f"cannot open the database ({error})", where) from None
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        yield db
    finally:
        db.close()


def rows(db: sqlite3.Connection, sql: str, where: str, params: Sequence = ()) -> list[tuple]:
    """All rows of a query; a damaged database is a one-line error."""
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.Error as error:
        raise QualcodeError(f"cannot read the database ({error})", where) from None


def check_tables(
    db: sqlite3.Connection, tables: Mapping[str, Sequence[str]], where: str, what: str
) -> None:
    """Refuse a database without the tables and columns a reader needs."""
    present = {name for (name,) in rows(db, "SELECT name FROM sqlite_master", where)}
    missing = [table for table in tables if table not in present]
    if missing:
        raise QualcodeError(
            f"not {what}: it has no table {', '.join(missing)}"
            if len(missing) < len(tables)
            else f"not {what}: none of its tables ({', '.join(tables)}) are there",
            where,
        )
    for table, columns in tables.items():
        have = {row[1] for row in rows(db, f'PRAGMA table_info("{table}")', where)}
        lacking = [column for column in columns if column not in have]
        if lacking:
            raise QualcodeError(
                f"not {what} as qualcode reads it: table {table} has no column "
                f"{', '.join(lacking)}",
                where,
            )
