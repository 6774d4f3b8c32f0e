"""Coding by hand and moving codings in and out: code, uncode, memo, memos, codings; undo,
redo and history (the event log of coding actions)."""

from __future__ import annotations

import click

from qualcode.cli.common import (
    FilePath,
    attribute_pairs,
    attributes_option,
    coder_option,
    emit,
    format_option,
    pass_project,
)
from qualcode.errors import QualcodeError, shown
from qualcode.export.codings import write_codings_csv
from qualcode.read.codings import read_codings_csv
from qualcode.store import Project

CODING_COLUMNS = ("id", "transcript", "turn", "code", "coder", "start", "end", "memo", "origin")


@click.command()
@click.argument("turn_id", type=int)
@click.argument("codes", nargs=-1, required=True)
@coder_option
@click.option("--start", type=int, help="Code only a span: its start inside the turn.")
@click.option("--end", type=int, help="The span's end inside the turn (exclusive).")
@click.option("--memo", help="A note on this coding.")
@pass_project
def code(
    project: Project,
    turn_id: int,
    codes: tuple[str, ...],
    coder: str,
    start: int | None,
    end: int | None,
    memo: str | None,
) -> None:
    """Apply CODES to turn TURN_ID (the id from 'qualcode turns') as --coder."""
    if (start is None) != (end is None):
        raise QualcodeError("give both --start and --end for a span, or neither")
    span = (start, end) if start is not None else None
    added = project.add_codings(turn_id, codes, coder, span=span, memo=memo)
    already = [key for key in codes if key not in added]
    click.echo(
        f"Turn {turn_id}: coded {', '.join(added) or 'nothing new'} by {coder}."
        + (f" Already there: {', '.join(already)}." if already else "")
    )


@click.command()
@click.argument("turn_id", type=int)
@click.argument("codes", nargs=-1, required=True)
@coder_option
@pass_project
def uncode(project: Project, turn_id: int, codes: tuple[str, ...], coder: str) -> None:
    """Remove --coder's CODES from turn TURN_ID."""
    removed = project.remove_codings(turn_id, codes, coder)
    click.echo(f"Turn {turn_id}: removed {', '.join(removed) or 'nothing'} of {coder}.")


@click.command()
@click.argument("turn_id", type=int)
@click.argument("text")
@coder_option
@pass_project
def memo(project: Project, turn_id: int, text: str, coder: str) -> None:
    """Write --coder's memo on turn TURN_ID (empty TEXT removes it)."""
    project.set_memo(turn_id, coder, text)
    click.echo(f"Turn {turn_id}: memo {'saved' if text.strip() else 'removed'}.")


@click.command()
@coder_option
@pass_project
def undo(project: Project, coder: str) -> None:
    """Undo --coder's latest coding action (code, uncode, span, accept, reject, memo)."""
    _step(project.undo(coder), "undo", coder)


@click.command()
@coder_option
@pass_project
def redo(project: Project, coder: str) -> None:
    """Redo --coder's latest undone action (until their next action)."""
    _step(project.redo(coder), "redo", coder)


def _step(event: dict | None, step: str, coder: str) -> None:
    if event is None:
        click.echo(f"Nothing to {step} for {coder}.")
        return
    done = "Undid" if step == "undo" else "Redid"
    click.echo(f"{done} on {event['transcript']} turn {event['turn']}: {event['summary']}.")


HISTORY_COLUMNS = ("id", "at", "coder", "action", "transcript", "turn", "summary")


@click.command()
@click.option("--coder", help="Only this coder's actions.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@format_option
@pass_project
def history(project: Project, coder: str | None, limit: int, offset: int, fmt: str) -> None:
    """The event log of coding actions, newest first: when, who, what, where."""
    log = project.history(coder, limit=limit, offset=offset)
    emit(log["rows"], fmt, HISTORY_COLUMNS)
    if fmt == "table":
        first, last = offset + 1, offset + len(log["rows"])
        click.echo(f"{first if log['rows'] else 0}–{last} of {log['total']} events.")


@click.command()
@click.option("--coder", help="Only this coder's memos.")
@click.option(
    "--code", "code_key", help="Only memos on turns coded with this code (or a sub-code)."
)
@attributes_option("Only memos on turns of speakers with this attribute value. Repeatable.")
@format_option
@pass_project
def memos(
    project: Project,
    coder: str | None,
    code_key: str | None,
    attributes: tuple[str, ...],
    fmt: str,
) -> None:
    """List memos with their turns: transcript, turn, speaker, coder, the coder's codes, memo."""
    from qualcode.analyse.memos import COLUMNS, memo_table

    rows = memo_table(project, coder, code_key, attribute_pairs(attributes))
    columns = COLUMNS if fmt != "table" else [c for c in COLUMNS if c not in ("text", "updated")]
    emit(rows, fmt, columns)


@click.group(invoke_without_command=True)
@click.option("--coder", help="Only this coder's codings.")
@click.option("--transcript", help="Only this transcript.")
@format_option
@click.pass_context
def codings(ctx: click.Context, coder: str | None, transcript: str | None, fmt: str) -> None:
    """List codings; 'codings import' and 'codings export' move them as CSV."""
    if ctx.invoked_subcommand is None:
        with Project(ctx.obj) as project:
            emit(project.codings(coder=coder, transcript=transcript), fmt, CODING_COLUMNS)


@codings.command("import")
@click.argument("file", type=FilePath(exists=True, dir_okay=False))
@pass_project
def codings_import(project: Project, file: str) -> None:
    """Add codings from a CSV with columns transcript,turn,code,coder (optional
    start,end,memo). All rows are stored, or none."""
    result = project.import_codings(read_codings_csv(file), file)
    click.echo(f"Imported {result['added']} coding(s); {result['skipped']} already there.")


@codings.command("export")
@click.argument("file", type=FilePath(dir_okay=False))
@click.option("--coder", help="Only this coder's codings.")
@pass_project
def codings_export(project: Project, file: str, coder: str | None) -> None:
    """Write codings to a CSV that 'codings import' reads back."""
    count = write_codings_csv(project.codings(coder=coder), file)
    click.echo(f"Wrote {count} coding(s) to {shown(file)}.")


COMMANDS = [code, uncode, memo, memos, codings, undo, redo, history]
