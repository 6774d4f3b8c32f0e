"""What every page shares: the open project, writes that report instead of crashing, and the
cached derived tables.

Connections: each browser session has its own :class:`Project` connection, made by a
session-scoped ``st.cache_resource`` and closed when the session ends. A connection is never
shared between sessions, so one session's transaction can never swallow or roll back another's;
SQLite's WAL mode lets the sessions read while one writes, and every write is a transaction.

``st.session_state`` holds only UI state: which project file this session has open, the
coder's choices, the page number, messages waiting to be shown.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.state.session_state_proxy import get_session_state

from qualcode.app.markup import literal
from qualcode.codebook import Codebook, default_codebook_path, load_codebook
from qualcode.demo import DEMO_PROJECT, create_demo_project
from qualcode.errors import QualcodeError
from qualcode.store import DEFAULT_PROJECT, PROJECT_ENV, Project
from qualcode.store.codebook import coding_counts

PROJECT_KEY = "project_path"
MESSAGES_KEY = "messages"
WRITE_ERRORS = (QualcodeError, sqlite3.Error, OSError)
# How the app fixes what a library error names as its remedy (QualcodeError.fix), in the
# words of its own pages and controls (the command line has its own: qualcode.cli.common).
FIXES = {
    "init": "create one, or open another, on the Project page",
    "force": "merge instead, or confirm that those codings go",
    "coders": "choose them under Coders to compare on the Agreement page",
    "consensus": "give the consensus coder another name",
    "adjudicate": "adjudicate a disagreement on the Agreement page first",
    "uncode": "remove the coding on the Code page",
    "codebook": "add codes, or load a codebook, on the Codebook page",
}


def error_text(error: Exception) -> str:
    """The line the app shows for ``error``: its message, with its remedy in the app's terms
    (a :class:`QualcodeError`'s ``fix``)."""
    fix = FIXES.get(getattr(error, "fix", None) or "")
    return f"{error}; {fix}" if fix else str(error)


LAYOUT_FLAG = re.compile(r"\(--layout ([\w-]+)\)")


def in_page_terms(notice: str) -> str:
    """A reader's notice in this page's terms: the layout it names is chosen under "Layout of
    text and document files", not with the command line's --layout."""
    return LAYOUT_FLAG.sub(r"(choose \1 under Layout of text and document files)", notice)


def project_path() -> Path:
    """The project to open: $QUALCODE_PROJECT, ./qualcode.db, or else the demo project
    (created from the sample transcripts on first start)."""
    chosen = os.environ.get(PROJECT_ENV)
    if chosen:
        return Path(chosen)
    if Path(DEFAULT_PROJECT).exists():
        return Path(DEFAULT_PROJECT)
    create_demo_project(DEMO_PROJECT).close()
    return Path(DEMO_PROJECT)


def open_path() -> Path:
    """The project file this session works on: the one opened on the Project page, else the
    one the app was started with."""
    return Path(st.session_state.get(PROJECT_KEY) or project_path())


def _usable(project: Project) -> bool:
    """A cached connection is reused only while its file exists and no transaction hangs."""
    return project.path.exists() and not project.db.conn.in_transaction


def _close(project: Project) -> None:
    project.close()


@st.cache_resource(
    scope="session", max_entries=4, validate=_usable, on_release=_close, show_spinner=False
)
def _connection(path: str) -> Project:
    project = Project(path)
    _ensure_statistics(project)
    return project


def _ensure_statistics(project: Project) -> None:
    """Give SQLite's query planner table statistics if the file has none yet (a project
    filled by an older qualcode may have none): without them some report and agreement
    queries on a big study pick a join order hundreds of times slower. A locked file is left
    as it is."""
    if project.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        return
    with contextlib.suppress(sqlite3.OperationalError):
        project.refresh_statistics()


def current_project() -> Project | None:
    """This session's connection to its project, or None (with the error shown) when the file
    cannot be opened."""
    try:
        project = _connection(str(open_path().resolve()))
    except QualcodeError as error:
        st.error(literal(error_text(error)))
        return None
    if project.damage:
        st.warning(str(project.damage_warning))
    return project


def require_project() -> Project:
    """The open project; stops the page with a pointer to the Project page if there is none."""
    project = current_project()
    if project is None:
        st.info("Open or create a project on the Project page.")
        st.stop()
    return project


def open_project(path: str | Path, create: bool = False, default_codebook: bool = True) -> Path:
    """Make ``path`` this session's project, creating it first if ``create``; raises
    QualcodeError (and changes nothing) if it cannot be opened."""
    path = Path(path).expanduser()
    if create:
        book = load_codebook(default_codebook_path()) if default_codebook else None
        Project.create(path, book).close()
    else:
        Project(path).close()
    st.session_state[PROJECT_KEY] = str(path.resolve())
    forget_tables()
    return path


# ---------------------------------------------------------------- writes and messages


@dataclass
class Outcome:
    """How a write went: ``ok``, and the write's return ``value``."""

    ok: bool
    value: Any = None


def _no_stop() -> None:
    """Stands in for Streamlit's check for a newer browser event while a write runs."""


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Let the block run to its end. When the browser sends a newer event (the next quick
    click), Streamlit stops the running script at its next ``st.session_state`` access, inside
    a widget callback too, where the widget's new value is already taken as seen: the click
    would be lost without a trace. Inside this block the stop waits; it happens when the
    block ends."""
    state = get_session_state()
    check = getattr(state, "_yield_callback", None)
    if check is None or check is _no_stop:  # not under a script runner, or nested
        yield
        return
    object.__setattr__(state, "_yield_callback", _no_stop)
    try:
        yield
    finally:
        object.__setattr__(state, "_yield_callback", check)
    check()


def callback(function: Callable[..., None]) -> Callable[..., None]:
    """A widget callback that writes, run :func:`uninterrupted`."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> None:
        with uninterrupted():
            function(*args, **kwargs)

    return run


def attempt(
    action: Callable[..., Any],
    *args: Any,
    done: str | None = None,
    queued: bool = False,
    **kwargs: Any,
) -> Outcome:
    """Run a write and keep the page usable whatever happens: the write runs to its end
    (:func:`uninterrupted`); a failure shows ``st.error`` (where the action was, or at the top
    of the page when called from a widget callback; ``queued``: with the next
    :func:`show_messages`) and changes nothing, as every write is one transaction. ``done``
    is shown as a toast on success (queued, so it survives the ``st.rerun`` that usually
    follows)."""
    with uninterrupted():
        try:
            value = action(*args, **kwargs)
        except WRITE_ERRORS as error:
            outcome = Outcome(False)
            message = error_text(error)
        else:
            forget_tables()
            if done:
                say("success", done)
            return Outcome(True, value)
    if queued:
        say("error", message)
    else:
        st.error(literal(message), icon=":material/error:")
    return outcome


def choose(
    parent: Any,
    label: str,
    names: dict[str, str],
    default: str,
    key: str,
    options: list[str] | None = None,
) -> str:
    """One required choice as a segmented control in ``parent`` (``st`` or a column):
    ``names`` maps each value to what the page shows; ``options`` narrows the values."""
    return parent.segmented_control(
        label,
        options or list(names),
        format_func=names.get,
        default=default,
        key=key,
        required=True,
    )


def choose_code(parent: Any, label: str, book: Codebook, placeholder: str, key: str, **more: Any):
    """One code of ``book`` or none, as a select box in ``parent`` showing ``Label (key)``."""
    names = {code.key: f"{code.display()} ({code.key})" for code, _ in book.walk()}
    return parent.selectbox(
        label,
        list(names),
        index=None,
        format_func=names.get,
        placeholder=placeholder,
        key=key,
        **more,
    )


def page_number(signature: tuple, key: str, param: str = "page") -> int:
    """The page of results to show (from 1), kept in ``st.session_state[key]``: back to page
    1 whenever ``signature`` (the filters) changes; a fresh session starts on the page the
    address names (``?page=3``: a reload or a shared link opens the same place)."""
    seen = f"{key}-for"
    if seen not in st.session_state and st.query_params.get(param, "").isdigit():
        st.session_state[seen] = signature
        st.session_state[key] = max(1, int(st.query_params[param]))
    if st.session_state.get(seen) != signature:
        st.session_state[seen] = signature
        st.session_state[key] = 1
    return int(st.session_state.setdefault(key, 1))


def say(kind: str, text: str) -> None:
    """Queue a message (``error``, ``warning`` or ``success``) for the next render (for
    messages that must outlive an ``st.rerun``)."""
    st.session_state.setdefault(MESSAGES_KEY, []).append((kind, text))


def show_messages() -> None:
    """Show and forget the queued messages: errors and warnings in the page, successes as
    toasts."""
    for kind, text in st.session_state.pop(MESSAGES_KEY, []):
        if kind == "error":
            st.error(literal(text), icon=":material/error:")
        elif kind == "warning":
            st.warning(literal(text))
        else:
            st.toast(literal(text), icon=":material/check:")


# ---------------------------------------------------------------- derived tables


def file_stamp(path: Path) -> tuple[int, ...]:
    """Changes whenever anyone commits to the project (the database or its WAL file changes):
    the cache key that keeps derived tables fresh, also after writes from the command line."""
    stamp: list[int] = []
    for file in (path, Path(f"{path}-wal")):
        try:
            info = file.stat()
            stamp += [info.st_mtime_ns, info.st_size]
        except OSError:
            stamp += [0, 0]
    return tuple(stamp)


@st.cache_data(max_entries=16, show_spinner=False)
def _transcripts(_project: Project, path: str, stamp: tuple[int, ...]) -> list[dict[str, Any]]:
    return _project.transcripts()


@st.cache_data(max_entries=16, show_spinner=False)
def _coding_counts(_project: Project, path: str, stamp: tuple[int, ...]) -> dict[str, int]:
    return coding_counts(_project)


def transcripts_table(project: Project) -> list[dict[str, Any]]:
    """One row per transcript with its turn, speaker and word counts (cached until the project
    changes)."""
    return _transcripts(project, str(project.path.resolve()), file_stamp(project.path))


def code_counts(project: Project) -> dict[str, int]:
    """Codings per code key, all coders (cached until the project changes)."""
    return _coding_counts(project, str(project.path.resolve()), file_stamp(project.path))


@st.cache_data(max_entries=32, show_spinner=False)
def _derived(
    _action: Callable[..., Any],
    name: str,
    _project: Project,
    path: str,
    stamp: tuple[int, ...],
    args: tuple,
    kwargs: tuple,
) -> Any:
    return _action(_project, *args, **dict(kwargs))


def derived(action: Callable[..., Any], project: Project, *args: Any, **kwargs: Any) -> Any:
    """``action(project, *args, **kwargs)`` (a report, an agreement table: a library function
    that reads the project), cached until the project changes. The arguments must be hashable
    and the result picklable."""
    name = f"{action.__module__}.{action.__qualname__}"
    path = str(project.path.resolve())
    return _derived(
        action, name, project, path, file_stamp(project.path), args, tuple(sorted(kwargs.items()))
    )


def forget_tables() -> None:
    """Drop the cached tables after a write of ours (the file stamp catches other writers)."""
    _transcripts.clear()
    _coding_counts.clear()
    _derived.clear()
