"""Commands that create the project and bring transcripts in: init, import, transcripts,
turns, speakers."""

from __future__ import annotations

import sys

import click

from qualcode.cli.common import FilePath, emit, format_option, pass_project
from qualcode.cli.refi import import_refi, import_tool_project, is_refi, is_tool_project
from qualcode.codebook import default_codebook_path, load_codebook
from qualcode.errors import QualcodeError, shown
from qualcode.read import DESCRIPTIONS, LAYOUTS
from qualcode.store import DEFAULT_INTERVIEWERS, ImportResult, Project

TURN_COLUMNS = ("id", "transcript", "turn", "speaker", "role", "start", "end", "text")


@click.command()
@click.option(
    "--codebook",
    type=FilePath(exists=True, dir_okay=False),
    help="A YAML codebook (default: the Leaders in Balance codebook).",
)
@click.pass_obj
def init(path: str, codebook: str | None) -> None:
    """Create the project file with the default codebook (or --codebook FILE)."""
    book = load_codebook(codebook or default_codebook_path())
    Project.create(path, book).close()
    click.echo(f"Created {shown(path)} with the codebook {book.name!r} ({len(book.keys())} codes).")


def _list_layouts(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        for name in LAYOUTS:
            click.echo(f"{name:16} {DESCRIPTIONS[name]}")
        ctx.exit()


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=FilePath())
@click.option("--group", help="The group (e.g. network) the transcripts belong to.")
@click.option(
    "--language",
    type=click.Choice(["da", "en"]),
    help="Transcript language (default: detected from the text).",
)
@click.option(
    "--interviewer",
    "interviewers",
    multiple=True,
    help="A label of the interviewer; repeat for several "
    f"(default: {', '.join(DEFAULT_INTERVIEWERS)}), or their name.",
)
@click.option(
    "--layout",
    type=click.Choice(list(LAYOUTS)),
    help="Read text and document files with this layout (see --layouts) instead of the one "
    "that explains each file best.",
)
@click.option(
    "--layouts",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_list_layouts,
    help="List the layouts and exit.",
)
@pass_project
def import_(
    project: Project,
    files: tuple[str, ...],
    group: str | None,
    language: str | None,
    interviewers: tuple[str, ...],
    layout: str | None,
) -> None:
    """Read transcripts, split them into speaker turns, store them.

    Formats: .txt .md .docx .odt .rtf .html (with the layouts of Otter.ai, Teams, Zoom, Rev,
    f4/f5, oTranscribe, noScribe and others: --layouts lists them), .vtt .srt captions,
    WhisperX / faster-whisper .json and Whisper .tsv. The summary says how each file was read.
    Content already in the project is reported and skipped. If any file cannot be read,
    nothing is stored. A REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA or QualCoder
    is imported whole (transcripts, codes, coders, codings, memos); a .qdc codebook is merged
    into the codebook. A QualCoder project (its NAME.qda folder) or a Taguette project file
    (SQLite) is imported whole too, straight from the tool's own database.
    """
    interviewers = interviewers or DEFAULT_INTERVIEWERS
    if is_tool_project(files):
        import_tool_project(project, files, group, language, interviewers)
        return
    if is_refi(files):
        import_refi(project, files, group, language, interviewers)
        return
    if len(files) > 1 and sys.stderr.isatty():
        with click.progressbar(length=len(files), label="Reading", file=sys.stderr) as bar:
            result = project.import_files(
                files,
                group,
                language,
                interviewers,
                on_file=lambda _path: bar.update(1),
                layout=layout,
            )
    else:
        result = project.import_files(files, group, language, interviewers, layout=layout)
    _print_import(result)


def _print_import(result: ImportResult) -> None:
    click.echo(f"Imported {len(result.imported)} transcript(s) with {result.turns} turns.")
    for line in result.readings:
        click.echo(line)
    for line in result.skipped:
        click.echo(f"Skipped {shown(line)}")
    for line in result.notices:
        click.echo(f"Notice: {shown(line)}")


@click.command()
@format_option
@pass_project
def transcripts(project: Project, fmt: str) -> None:
    """List transcripts: name, group, language, turns, speakers, words."""
    emit(project.transcripts(), fmt, ["name", "group", "language", "turns", "speakers", "words"])


@click.command()
@click.option("--transcript", help="Only this transcript.")
@click.option("--role", type=click.Choice(["interviewer", "participant"]))
@click.option("--limit", type=int, help="At most this many turns (a page).")
@click.option("--offset", type=int, default=0, help="Skip this many turns first.")
@format_option
@pass_project
def turns(
    project: Project,
    transcript: str | None,
    role: str | None,
    limit: int | None,
    offset: int,
    fmt: str,
) -> None:
    """List speaker turns: id, transcript, turn, speaker, role, start, end, text."""
    emit(project.turns(transcript, limit=limit, offset=offset, role=role), fmt, TURN_COLUMNS)


@click.group(invoke_without_command=True)
@click.option("--transcript", help="Only this transcript.")
@format_option
@click.pass_context
def speakers(ctx: click.Context, transcript: str | None, fmt: str) -> None:
    """List speakers with role and attributes; 'speakers set' changes them."""
    if ctx.invoked_subcommand is None:
        with Project(ctx.obj) as project:
            emit(
                project.speakers(transcript),
                fmt,
                ["transcript", "label", "role", "attributes", "turns"],
            )


@speakers.command("set")
@click.argument("transcript")
@click.argument("label")
@click.option("--role", type=click.Choice(["interviewer", "participant"]))
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set an attribute (e.g. gender=f); NAME= removes it. Repeatable.",
)
@pass_project
def speakers_set(
    project: Project, transcript: str, label: str, role: str | None, attributes: tuple[str, ...]
) -> None:
    """Set the role or attributes of speaker LABEL in TRANSCRIPT."""
    pairs = {}
    for item in attributes:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QualcodeError(f"attribute {item!r} must be NAME=VALUE")
        pairs[name.strip()] = value.strip() or None
    project.set_speaker(transcript, label, role, pairs)
    click.echo(f"Updated speaker {label} of {transcript}.")


COMMANDS = [init, import_, transcripts, turns, speakers]
