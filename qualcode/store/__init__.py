"""The project store: one SQLite file per project."""

from qualcode.store.project import (
    DEFAULT_INTERVIEWERS,
    DEFAULT_PROJECT,
    PROJECT_ENV,
    ImportResult,
    Project,
    default_project_path,
)

__all__ = [
    "DEFAULT_INTERVIEWERS",
    "DEFAULT_PROJECT",
    "PROJECT_ENV",
    "ImportResult",
    "Project",
    "default_project_path",
]
