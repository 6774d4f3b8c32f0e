"""search: the turns of every transcript, by text, speaker, attribute, code and coder (its
own module: the workbench it calls loads the suggesters, which a quick command should not
pay for)."""

from __future__ import annotations

import click

from qualcode.cli.common import attribute_pairs, emit, format_option, pass_project
from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.workbench import PAGE_SIZE, TurnFilter, find_speaker, search_turns, shown_range

SEARCH_COLUMNS = ("id", "transcript", "turn", "speaker", "role", "codes", "text")


@click.command()
@click.argument("text", required=False, default="")
@click.option(
    "--transcript", "transcripts", multiple=True, help="Only this transcript; repeatable."
)
@click.option(
    "--speaker",
    metavar="TRANSCRIPT:LABEL",
    help="Only this speaker of this transcript (a participant); a LABEL alone is that label "
    "in every transcript.",
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="NAME=VALUE",
    help="Only speakers with this attribute (e.g. gender=f), in every transcript; repeatable.",
)
@click.option("--code", help="Only turns coded with this code key (by --coder, or by anyone).")
@click.option("--coder", help="Show this coder's codes (and filter --code, --uncoded by them).")
@click.option("--uncoded", is_flag=True, help="Only participant turns --coder has not coded.")
@click.option("--limit", type=int, default=PAGE_SIZE, show_default=True, help="Turns to show.")
@click.option("--offset", type=int, default=0, help="Skip this many turns first.")
@format_option
@pass_project
def search(
    project: Project,
    text: str,
    transcripts: tuple[str, ...],
    speaker: str | None,
    attributes: tuple[str, ...],
    code: str | None,
    coder: str | None,
    uncoded: bool,
    limit: int,
    offset: int,
    fmt: str,
) -> None:
    """Search the turns of every transcript for TEXT (any case), or list the turns that pass
    the filters: transcript, turn, speaker, the codes and the text."""
    if uncoded and not coder:
        raise QualcodeError("--uncoded needs --coder: whose codings count?")
    label = None
    if speaker:
        in_transcript, label = find_speaker(project, speaker)
        if in_transcript is not None:
            if transcripts and in_transcript not in transcripts:
                raise QualcodeError(f"--speaker {speaker} is not in the --transcript given")
            transcripts = (in_transcript,)
    where = TurnFilter(
        uncoded=uncoded,
        code=code,
        speaker=label,
        text=text,
        attributes=attribute_pairs(attributes),
    )
    page = search_turns(project, transcripts, coder, where, limit=limit, offset=offset)
    rows = [
        {**turn, "codes": turn["codes"] if coder else list(turn["coded_by"])} for turn in page.turns
    ]
    emit(rows, fmt, SEARCH_COLUMNS)
    if fmt == "table":
        click.echo(shown_range(page))


COMMANDS = [search]
