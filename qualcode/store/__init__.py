"""The project store: one SQLite file per project, and the only writer to it."""

from qualcode.store.codings import CodingRow
from qualcode.store.file import DEFAULT_PROJECT, PROJECT_ENV
from qualcode.store.project import Project
from qualcode.store.transcripts import DEFAULT_INTERVIEWERS, ImportResult

__all__ = [
    "DEFAULT_INTERVIEWERS",
    "DEFAULT_PROJECT",
    "PROJECT_ENV",
    "CodingRow",
    "ImportResult",
    "Project",
]
