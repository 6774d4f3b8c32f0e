"""Coding by hand and moving codings in and out: code, uncode, memo, memos, codings."""

from __future__ import annotations

import click

from qualcode.cli.common import FilePath, coder_option, emit, format_option, pass_project
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
@click.option("--coder", help="Only this coder's memos.")
@click.option(
    "--code", "code_key", help="Only memos on turns coded with this code (or a sub-code)."
)
@format_option
@pass_project
def memos(project: Project, coder: str | None, code_key: str | None, fmt: str) -> None:
    """List memos with their turns: transcript, turn, speaker, coder, the coder's codes, memo."""
    from qualcode.analyse.memos import COLUMNS, memo_table

    rows = memo_table(project, coder, code_key)
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


COMMANDS = [code, uncode, memo, memos, codings]
