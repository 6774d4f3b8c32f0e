"""REFI-QDA exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder: ``export FILE.qdpx``, and the
``.qdpx``/``.qdc`` branch of ``import``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from qualcode.cli.common import FilePath, pass_project
from qualcode.errors import QualcodeError, shown
from qualcode.refi import RefiImportResult, export_qdpx, import_qdpx, load_qdc
from qualcode.refi.projects import import_project
from qualcode.refi.projects import is_tool_project as _is_tool_project
from qualcode.store import Project

REFI_SUFFIXES = (".qdpx", ".qde", ".qdc")


@click.command()
@click.argument("file", type=FilePath(dir_okay=False))
@pass_project
def export(project: Project, file: str) -> None:
    """Write the project as a REFI-QDA project (FILE.qdpx) for NVivo, ATLAS.ti, MAXQDA or
    QualCoder: transcripts, codebook, coders, codings, memos, speakers as cases."""
    summary = export_qdpx(project, file)
    click.echo(
        f"Wrote {shown(file)}: {summary.transcripts} transcript(s), {summary.codes} code(s), "
        f"{summary.codings} coding(s) by {summary.coders} coder(s), {summary.memos} memo(s), "
        f"{summary.cases} case(s)."
    )


def is_refi(files: Sequence[str]) -> bool:
    """Whether ``import`` was given a REFI-QDA file rather than transcripts."""
    return any(Path(file).suffix.lower() in REFI_SUFFIXES for file in files)


def is_tool_project(files: Sequence[str]) -> bool:
    """Whether ``import`` was given a folder or an SQLite file: another tool's project."""
    return any(_is_tool_project(file) for file in files)


def import_tool_project(
    project: Project,
    files: Sequence[str],
    group: str | None,
    language: str | None,
    interviewers: Sequence[str],
) -> None:
    """Import one QualCoder project folder or Taguette project file."""
    if len(files) != 1:
        first = next(file for file in files if _is_tool_project(file))
        raise QualcodeError(
            "import a QualCoder or Taguette project on its own, one at a time", first
        )
    result = import_project(project, files[0], group, language, interviewers)
    _print_result(result, files[0])


def import_refi(
    project: Project,
    files: Sequence[str],
    group: str | None,
    language: str | None,
    interviewers: Sequence[str],
) -> None:
    """Import one ``.qdpx`` project (or ``.qde``) or merge one ``.qdc`` into the codebook."""
    if len(files) != 1:
        raise QualcodeError("import a REFI-QDA file (.qdpx, .qdc) on its own, one at a time")
    file = files[0]
    if not Path(file).is_file():
        raise QualcodeError("no such file", file)
    if Path(file).suffix.lower() == ".qdc":
        result = load_qdc(project, file, merge=True)
        click.echo(f"Merged the codebook {shown(file)}: {len(result['added'])} new code(s).")
        return
    result = import_qdpx(project, file, group, language, interviewers)
    _print_result(result, file)


def _print_result(result: RefiImportResult, file: str) -> None:
    """What came in, and what did not."""
    click.echo(
        f"Imported {len(result.transcripts)} transcript(s) with {result.turns} turns, "
        f"{len(result.codes_added)} new code(s), {len(result.coders_added)} new coder(s), "
        f"{result.codings} coding(s) ({result.coding_rows} new on turns, {result.already} "
        f"already there), {result.memos} memo(s) from {shown(file)}"
        + (f" ({result.origin})." if result.origin else ".")
    )
    for name in result.reused:
        click.echo(f"Already in the project: {name} (its codings were added to it)")
    for line in result.notices:
        click.echo(f"Notice: {shown(line)}")


COMMANDS = [export]
