"""What all commands share: opening the project, output formats, one-line errors."""

from __future__ import annotations

import functools
import importlib
import json
import os
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from qualcode.errors import QualcodeError, QualcodeWarning, shown
from qualcode.files import write_csv_rows
from qualcode.store import Project
from qualcode.store.file import refusal

FORMATS = ("table", "json", "csv")
CODER_ENV = "QUALCODE_CODER"
# How the command line fixes what a library error names as its remedy (QualcodeError.fix).
FIXES = {
    "init": "create one with 'qualcode init'",
    "force": "merge instead (--merge), or go ahead with --force, which deletes those codings",
    "coders": "give them with --coders A B",
    "consensus": "give another name with --consensus",
    "adjudicate": "build it with 'qualcode adjudicate --coders A B'",
    "uncode": "remove the coding with 'qualcode uncode'",
    "codebook": "load one with 'qualcode codebook load FILE'",
}


def error_line(error: QualcodeError) -> str:
    """The one line the command line prints for ``error``, with its remedy in CLI terms."""
    fix = FIXES.get(error.fix or "")
    return f"{error}; {fix}" if fix else str(error)


class QualcodeGroup(click.Group):
    """A command group that shows a :class:`QualcodeError` as one line on stderr, and loads
    the module of a command (``lazy``: command name -> module of ``qualcode.cli``) only when the
    command is run, so that a quick command does not pay for the imports of every other one."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            module = importlib.import_module(f"qualcode.cli.{self.lazy[name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, name)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with one_line_errors(None):
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with one_line_errors(ctx.params.get("project") or ctx.obj), one_line_warnings():
            return super().invoke(ctx)


@contextmanager
def one_line_errors(project: str | None) -> Iterator[None]:
    """Turn qualcode's errors, and SQLite's on the ``project`` file, into Click's one-line
    ``Error: ...`` on stderr."""
    try:
        yield
    except QualcodeError as error:
        raise click.ClickException(error_line(error)) from None
    except sqlite3.DatabaseError as error:
        raise click.ClickException(error_line(refusal(error, project))) from None


@contextmanager
def one_line_warnings() -> Iterator[None]:
    """Show each :class:`QualcodeWarning` as one line ``Warning: ...`` on stderr (every time),
    any other warning as Python does."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", QualcodeWarning)
        show_otherwise = warnings.showwarning

        def show(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
            if issubclass(category, QualcodeWarning):
                click.echo(f"Warning: {message}", err=True)
            else:
                show_otherwise(message, category, *args, **kw)

        warnings.showwarning = show
        yield


class FilePath(click.Path):
    """``click.Path`` whose refusals read like every other error: one line naming the file
    (Click's own is a three-line usage message)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            raise QualcodeError(self._problem(value, error), value) from None

    def _problem(self, value: Any, error: click.BadParameter) -> str:
        path = Path(os.fsdecode(value))
        if path.is_dir() and not self.dir_okay:
            return "a folder, not a file"
        if not path.exists():
            return "cannot read the file (No such file or directory)"
        if self.readable and not os.access(path, os.R_OK):
            return "cannot read the file (permission denied)"
        if self.writable and not os.access(path, os.W_OK):
            return "cannot write the file (permission denied)"
        return shown(error.message)


def format_option(function: Callable) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for people, json or csv for scripts.",
    )(function)


def coder_option(function: Callable) -> Callable:
    return click.option(
        "--coder",
        required=True,
        envvar=CODER_ENV,
        help=f"Who is coding (or set ${CODER_ENV}).",
    )(function)


def turn_id_option(text: str) -> Callable[[Callable], Callable]:
    """``--turn-id N``: a turn by its id (the ``id`` column of ``qualcode turns``, not its number
    inside the transcript); ``--turn`` is the older spelling, still accepted."""
    return click.option("--turn-id", "--turn", "turn_id", type=int, metavar="ID", help=text)


def attribute_pairs(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``--attribute NAME=VALUE`` options as ``(name, value)`` pairs."""
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QualcodeError(f"attribute {item!r} must be NAME=VALUE")
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


def attributes_option(text: str) -> Callable[[Callable], Callable]:
    """``--attribute NAME=VALUE``, repeatable: only speakers with every one of them."""
    return click.option("--attribute", "attributes", multiple=True, metavar="NAME=VALUE", help=text)


def pass_project(function: Callable) -> Callable:
    """Open the project named by ``--project`` and pass it as the first argument."""

    @click.pass_obj
    @functools.wraps(function)
    def wrapper(path: str, *args: Any, **kwargs: Any) -> Any:
        with Project(path) as project:
            return function(project, *args, **kwargs)

    return wrapper


def emit(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None) -> None:
    """Print rows as a table, a JSON document or CSV (text a spreadsheet would run as a formula
    gets a leading ``'``: :func:`qualcode.files.csv_cell`)."""
    columns = list(columns or (rows[0].keys() if rows else []))
    rows = [{column: row.get(column) for column in columns} for row in rows]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        write_csv_rows(sys.stdout, rows, columns)
    elif rows:
        click.echo(tabulate([[_cell(row[c]) for c in columns] for row in rows], headers=columns))
    else:
        click.echo("(none)")


def emit_document(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _cell(value: Any, width: int = 80) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value if len(value) <= width else value[: width - 1] + "…"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value
