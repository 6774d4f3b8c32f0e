"""What the store stamps on the rows it writes: the time and a GUID (private to the store)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlite_utils


def now() -> str:
    """The current time as stored: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_guid() -> str:
    return str(uuid.uuid4())


def free_guid(db: sqlite_utils.Database, table: str, candidates: Iterable[str | None]) -> str:
    """The first of ``candidates`` (GUIDs a file brought, say) that no row of ``table`` has
    yet, else a new GUID: a file that reuses GUIDs never makes two rows share one."""
    for candidate in candidates:
        if (
            candidate
            and not db.execute(f"SELECT 1 FROM {table} WHERE guid = ?", [candidate]).fetchone()
        ):
            return candidate
    return new_guid()
