"""Moving in from the project files of QualCoder and Taguette, the two open tools qualcode's
users most often leave: which tool a path is a project of, and its import."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.refi.movein import move_in
from qualcode.refi.qdpx_import import RefiImportResult
from qualcode.refi.qualcoder import TABLES as QUALCODER_TABLES
from qualcode.refi.qualcoder import qualcoder_database, read_qualcoder
from qualcode.refi.sqlitefile import is_sqlite, open_sqlite, rows
from qualcode.refi.taguette import is_taguette, read_taguette
from qualcode.store import DEFAULT_INTERVIEWERS

if TYPE_CHECKING:
    from qualcode.store import Project


def is_tool_project(path: str | Path) -> bool:
    """Whether ``path`` is to be read as another tool's project: a folder (a QualCoder
    project, or an error), or an SQLite file."""
    path = Path(path)
    return path.is_dir() or is_sqlite(path)


def project_tool(path: str | Path) -> str:
    """``"QualCoder"`` or ``"Taguette"``; anything else is a one-line error naming it."""
    path = Path(path)
    if qualcoder_database(path) is not None:
        return "QualCoder"
    if path.is_dir():
        raise QualcodeError("a folder, not a file", path)
    with open_sqlite(path, str(path)) as db:
        names = {name for (name,) in rows(db, "SELECT name FROM sqlite_master", str(path))}
        if is_taguette(db):
            return "Taguette"
        if {"code_text", "source"} <= names or set(QUALCODER_TABLES) <= names:
            return "QualCoder"
    raise QualcodeError("an SQLite database, but neither a QualCoder nor a Taguette project", path)


def import_project(
    project: Project,
    path: str | Path,
    group: str | None = None,
    language: str | None = None,
    interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
) -> RefiImportResult:
    """Import a QualCoder project (its ``NAME.qda`` folder or its ``data.qda``) or a Taguette
    project file into ``project``, all or nothing."""
    tool = project_tool(path)
    moving = read_qualcoder(path) if tool == "QualCoder" else read_taguette(path)
    return move_in(project, moving, group, language, interviewers)
