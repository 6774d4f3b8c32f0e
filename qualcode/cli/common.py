"""What all commands share: opening the project, output formats, one-line errors."""

from __future__ import annotations

import csv
import functools
import importlib
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from tabulate import tabulate

from qualcode.errors import QualcodeError
from qualcode.files import csv_cell
from qualcode.store import Project

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

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as error:
            raise click.ClickException(error_line(error)) from None
        except sqlite3.DatabaseError as error:
            path = ctx.params.get("project") or ctx.obj
            message = f"{path}: the project file cannot be used: {error}"
            raise click.ClickException(message) from None


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
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
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
