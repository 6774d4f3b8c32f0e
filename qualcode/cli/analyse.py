"""Analysis commands: report, quotes, agreement, disagreements, adjudicate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from qualcode.agreement import CONFIDENCE, RESAMPLES
from qualcode.analyse import charts, consensus, report
from qualcode.analyse.common import CoderChoice
from qualcode.analyse.project_agreement import (
    POOLED_ROW,
    UNITS,
    agreement_rows,
    project_agreement,
    source_rows,
)
from qualcode.cli.common import (
    FilePath,
    attribute_pairs,
    attributes_option,
    emit,
    emit_document,
    format_option,
    pass_project,
    turn_id_option,
)
from qualcode.errors import QualcodeError, shown
from qualcode.export.quotes import COLUMNS, FORMATS, format_for, quotes, write_quotes
from qualcode.read.codings import read_decisions
from qualcode.store import Project


def coders_option(function: Callable) -> Callable:
    """``--coders A B [C...]``: the first name is the option's value, the others follow it."""
    function = click.argument("more_coders", nargs=-1, metavar="[CODER]...")(function)
    return click.option(
        "--coders",
        required=True,
        metavar="A B",
        help="The coders to compare: --coders A B [C...] (or A,B).",
    )(function)


def _coders(first: str, more: tuple[str, ...]) -> list[str]:
    names = [name.strip() for part in (first, *more) for name in part.split(",")]
    return [name for name in names if name]


def _notice(text: str, fmt: str) -> None:
    """What the figures are (whose codings, how counted): above a table, on stderr otherwise
    (so that json and csv stay clean for scripts)."""
    click.echo(text, err=fmt != "table")


# ---------------------------------------------------------------- report


def report_options(function: Callable) -> Callable:
    for option in reversed(
        [
            click.option(
                "--coder",
                help="Count this coder's codings (default: the consensus "
                "coder if there is one, else the coder with the most codings).",
            ),
            click.option(
                "--code",
                "codes",
                multiple=True,
                help="Only this code (a theme brings its sub-codes). Repeatable.",
            ),
            click.option(
                "--rollup/--no-rollup",
                default=True,
                show_default=True,
                help="Count sub-codes in their parents.",
            ),
            attributes_option(
                "Only the turns of speakers with this attribute (e.g. gender=f; set with "
                "'qualcode speakers set'); repeatable: speakers with all of them."
            ),
            click.option(
                "--chart",
                type=FilePath(dir_okay=False),
                help="Also write the chart to FILE.html (or .json).",
            ),
            format_option,
        ]
    ):
        function = option(function)
    return function


def _own_figures(choice: CoderChoice, fmt: str) -> None:
    """Under the line that says whose figures these are: how to see another coder's (each
    coder's own, under a consensus coder with open disagreements)."""
    if choice.consensus_of and choice.open_disagreements:
        a, b = choice.consensus_of
        _notice(f"For the coders' own figures: --coder {a} or --coder {b}.", fmt)
    elif choice.others:
        _notice(
            "Choose another coder with --coder NAME, or count the consensus of two coders "
            "after 'qualcode adjudicate --coders A B'.",
            fmt,
        )


def _show(result: report.Report, fmt: str, chart: str | None) -> None:
    _notice(result.describe(), fmt)
    _own_figures(result.coder, fmt)
    emit(result.rows(), fmt, list(result.table.columns))
    if chart:
        path = charts.save_chart(charts.chart(result), chart)
        click.echo(f"Wrote the chart to {shown(path)}.", err=True)


@click.group("report")
def report_group() -> None:
    """Theme reports: frequency, cooccurrence, crosstab; the write-up (themes), the framework
    matrix and saturation."""


BY_METAVAR = "[code|group|transcript|speaker|role|attribute:NAME]"


@report_group.command("frequency")
@click.option(
    "--by",
    default="code",
    show_default=True,
    metavar=BY_METAVAR,
    help="Break the figures down by group, transcript, speaker, role or the values of a "
    "speaker attribute (attribute:gender).",
)
@report_options
@pass_project
def report_frequency(
    project: Project,
    by: str,
    coder: str | None,
    codes: tuple[str, ...],
    rollup: bool,
    attributes: tuple[str, ...],
    chart: str | None,
    fmt: str,
) -> None:
    """Per code: turns coded, participants who raised it, transcripts, share of participant
    turns."""
    found = report.frequency(
        project, by, coder, rollup, list(codes), attributes=attribute_pairs(attributes)
    )
    _show(found, fmt, chart)


@report_group.command("cooccurrence")
@report_options
@pass_project
def report_cooccurrence(
    project: Project,
    coder: str | None,
    codes: tuple[str, ...],
    rollup: bool,
    attributes: tuple[str, ...],
    chart: str | None,
    fmt: str,
) -> None:
    """Code × code: turns coded with both codes."""
    found = report.cooccurrence(
        project, coder, rollup, list(codes), attributes=attribute_pairs(attributes)
    )
    _show(found, fmt, chart)


@report_group.command("crosstab")
@click.option(
    "--by",
    default="group",
    show_default=True,
    metavar="[group|transcript|speaker|role|attribute:NAME]",
    help="The columns of the table: groups, transcripts, speakers, roles or the values of "
    "a speaker attribute (attribute:gender).",
)
@click.option(
    "--value",
    type=click.Choice(report.CROSSTAB_VALUES),
    default="turns",
    show_default=True,
    help="What each cell counts.",
)
@report_options
@pass_project
def report_crosstab(
    project: Project,
    by: str,
    value: str,
    coder: str | None,
    codes: tuple[str, ...],
    rollup: bool,
    attributes: tuple[str, ...],
    chart: str | None,
    fmt: str,
) -> None:
    """Code × group (or transcript, speaker, role, attribute value): turns, participants or
    share."""
    found = report.crosstab(
        project, by, value, coder, rollup, list(codes), attributes=attribute_pairs(attributes)
    )
    _show(found, fmt, chart)


CODER_OPTION = click.option(
    "--coder",
    help="This coder's codings (default: the consensus coder if there is one, else the coder "
    "with the most codings).",
)
THEMES_OPTION = click.option(
    "--code", "codes", multiple=True, help="Only this theme (default: every top-level theme)."
)


@report_group.command("themes")
@CODER_OPTION
@THEMES_OPTION
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    default="turn",
    show_default=True,
    help="The unit of the agreement figures.",
)
@click.option(
    "-o", "--output", type=FilePath(dir_okay=False), required=True, help="FILE.md, .docx or .html"
)
@pass_project
def report_themes(
    project: Project, coder: str | None, codes: tuple[str, ...], unit: str, output: str
) -> None:
    """The thematic write-up: per theme its description, prevalence, groups, sub-codes,
    co-occurring themes, agreement and quotes cited by pseudonym and group."""
    from qualcode.export.themes import themes
    from qualcode.export.writeup import WRITEUP_FORMATS, format_of, write_writeup

    format_of(output, WRITEUP_FORMATS)  # before the work, a wrong name is refused
    found = themes(project, coder, list(codes) or None, unit)
    count = write_writeup(found, output)
    click.echo(f"Wrote {count} theme(s) coded by {found.coder.name} to {shown(output)}.", err=True)


@report_group.command("framework")
@CODER_OPTION
@THEMES_OPTION
@click.option("--counts", is_flag=True, help="Count the passages instead of quoting them.")
@click.option("--pseudonymize", is_flag=True, help="Participants as P01, P02… (stable).")
@click.option(
    "-o", "--output", type=FilePath(dir_okay=False), required=True, help="FILE.xlsx or .md"
)
@pass_project
def report_framework(
    project: Project,
    coder: str | None,
    codes: tuple[str, ...],
    counts: bool,
    pseudonymize: bool,
    output: str,
) -> None:
    """Framework matrix: participants (grouped) × themes, each cell the participant's coded
    passages for the theme (or their number)."""
    from qualcode.export.framework import framework
    from qualcode.export.writeup import FRAMEWORK_FORMATS, format_of, write_framework

    format_of(output, FRAMEWORK_FORMATS)
    found = framework(project, coder, list(codes) or None, pseudonymize, counts)
    count = write_framework(found, output)
    click.echo(
        f"Wrote {count} participant(s) × {len(found.themes)} theme(s) coded by "
        f"{found.coder.name} to {shown(output)}.",
        err=True,
    )


@report_group.command("saturation")
@CODER_OPTION
@click.option(
    "--order",
    type=click.Choice(["name", "imported"]),
    default="name",
    show_default=True,
    help="Transcripts in order of name or of import.",
)
@click.option(
    "--chart", type=FilePath(dir_okay=False), help="Also write the chart to FILE.html (or .json)."
)
@format_option
@pass_project
def report_saturation(
    project: Project, coder: str | None, order: str, chart: str | None, fmt: str
) -> None:
    """Per transcript in order: the codes it added and the share of the codebook seen."""
    from qualcode.analyse.saturation import COLUMNS as SATURATION_COLUMNS
    from qualcode.analyse.saturation import saturation

    found = saturation(project, coder, order)
    _notice(found.describe(), fmt)
    emit(found.rows(), fmt, list(SATURATION_COLUMNS))
    if chart:
        path = charts.save_chart(charts.saturation_chart(found), chart)
        click.echo(f"Wrote the chart to {shown(path)}.", err=True)


# ---------------------------------------------------------------- quotes


@click.command("quotes")
@click.argument("codes", nargs=-1)
@click.option(
    "--coder",
    help="Quote this coder's codings (default as for reports); 'all': every coder's, each "
    "quote with its coder.",
)
@attributes_option(
    "Only the quotes of speakers with this attribute (e.g. gender=f); repeatable: speakers "
    "with all of them."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, "json", "table"]),
    help="csv, xlsx, docx, md (or json, table); default: from -o's extension, else table.",
)
@click.option("-o", "--output", type=FilePath(dir_okay=False), help="Write to this file.")
@click.option(
    "--pseudonymize",
    is_flag=True,
    help="Replace speaker labels with stable pseudonyms P01, P02… (interviewers I01…).",
)
@pass_project
def quotes_command(
    project: Project,
    codes: tuple[str, ...],
    coder: str | None,
    attributes: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    pseudonymize: bool,
) -> None:
    """Quote lists per theme (CODES, or all): code, transcript, group, turn, speaker, text."""
    if output and not fmt and not format_for(output):
        raise QualcodeError(
            f"cannot tell the quote format from the file name: use .csv, .xlsx, .docx or .md, "
            f"or give --format {'|'.join(FORMATS)}",
            output,
        )
    fmt = fmt or (format_for(output) if output else None) or "table"
    found = quotes(
        project, list(codes), coder, pseudonymize, attributes=attribute_pairs(attributes)
    )
    if fmt in ("json", "table"):
        if output:
            raise QualcodeError(f"-o writes csv, xlsx, docx or md; {fmt} goes to the screen")
        _notice(found.describe(), fmt)
        _own_figures(found.coder, fmt)
        emit([quote.row() for quote in found.quotes], fmt, COLUMNS)
        return
    if not output:  # csv or md on stdout: which coder, on stderr
        _notice(found.describe(), fmt)
        _own_figures(found.coder, fmt)
    count = write_quotes(found, fmt, output)
    if output:
        click.echo(f"Wrote {count} quote(s) to {shown(output)}. {found.describe()}")
        _own_figures(found.coder, "table")


# ---------------------------------------------------------------- agreement


@click.command("agreement")
@coders_option
@click.option("--unit", type=click.Choice(UNITS), default="turn", show_default=True)
@click.option("--code", "codes", multiple=True, help="Only this code. Repeatable.")
@click.option("--rollup", is_flag=True, help="Count a coding of a sub-code for its parents too.")
@click.option(
    "--ci",
    is_flag=True,
    help="Bootstrap 95% intervals per code (alpha: Hayes & Krippendorff 2007; kappa, AC1: "
    "over units); the reading then goes by the lower bound of alpha's interval.",
)
@click.option(
    "--confidence", type=float, help=f"The intervals' level (implies --ci) [{CONFIDENCE}]"
)
@click.option("--resamples", type=int, help=f"Bootstrap resamples (implies --ci) [{RESAMPLES}]")
@click.option(
    "--seed", type=int, help="Fix the bootstrap's draws: same seed, same output (implies --ci)."
)
@click.option(
    "--by-source",
    is_flag=True,
    help="With --unit character: also print each code's figures per transcript, their mean, "
    "size-weighted mean and the pooled figures (always in json).",
)
@format_option
@pass_project
def agreement_command(
    project: Project,
    coders: str,
    more_coders: tuple[str, ...],
    unit: str,
    codes: tuple[str, ...],
    rollup: bool,
    ci: bool,
    confidence: float | None,
    resamples: int | None,
    seed: int | None,
    by_source: bool,
    fmt: str,
) -> None:
    """Inter-coder agreement per code: percent agreement, Cohen's kappa (two coders),
    Krippendorff's alpha, Gwet's AC1, Fleiss' kappa; and pooled over the codes."""
    if by_source and unit != "character":
        raise QualcodeError("--by-source needs --unit character (NVivo's figures per source)")
    result = project_agreement(
        project,
        _coders(coders, more_coders),
        unit,
        list(codes),
        rollup,
        ci=ci or any(option is not None for option in (confidence, resamples, seed)),
        confidence=CONFIDENCE if confidence is None else confidence,
        resamples=RESAMPLES if resamples is None else resamples,
        seed=seed,
    )
    if fmt == "json":
        emit_document(result)
        return
    _notice(
        f"Agreement of {', '.join(result['coders'])} over {result['n_units']} units "
        f"({result['unit_description']}) in {result['transcripts']} transcript(s). "
        f"The last two lines summarise {result['overall']['pooling']}.",
        fmt,
    )
    if "intervals" in result:
        ci_info = result["intervals"]
        _notice(
            f"Intervals: {ci_info['confidence']:.0%}, {ci_info['resamples']} resamples, seed "
            f"{ci_info['seed']}; the reading goes by the lower bound of alpha's interval.",
            fmt,
        )
    if fmt == "table" or not by_source:
        emit(agreement_rows(result), fmt)
    if by_source:  # in csv, only this table
        _notice(f"Per source: {result['sources']}.", fmt)
        emit(source_rows(result), fmt)
    for row in [*result["codes"], {"code": POOLED_ROW, **result["overall"]}]:
        for statistic, reason in row["reasons"].items():
            click.echo(f"{row['code']}: {statistic} undefined: {reason}", err=True)


# ---------------------------------------------------------------- disagreements, adjudicate


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    """A disagreement for a table: one column of codes per coder."""
    flat = {key: row[key] for key in ("turn_id", "transcript", "turn", "speaker")}
    for coder, keys in row["codes"].items():
        flat[coder] = "(not coded)" if keys is None else ", ".join(keys)
    flat["differ"] = ", ".join(row["differ"])
    memos = [f"{coder}: {text}" for coder, text in row["memos"].items() if text]
    flat["memos"] = " | ".join(memos)
    flat["decision"] = row["decision"]
    flat["text"] = row["text"]
    return flat


@click.command("disagreements")
@coders_option
@click.option("--code", help="Only disagreements on this code.")
@click.option("--transcript", help="Only this transcript.")
@click.option("--limit", type=int, default=50, show_default=True, help="Turns per page.")
@click.option("--offset", type=int, default=0, help="Skip this many turns first.")
@format_option
@pass_project
def disagreements_command(
    project: Project,
    coders: str,
    more_coders: tuple[str, ...],
    code: str | None,
    transcript: str | None,
    limit: int,
    offset: int,
    fmt: str,
) -> None:
    """The turns where the coders differ, with each coder's codes and memos."""
    names = _coders(coders, more_coders)
    page = consensus.disagreements(project, names, code, transcript, limit, offset)
    if fmt == "json":
        emit_document({"limit": limit, "offset": offset, **page})
        return
    shown = f"{offset + 1}–{offset + len(page['rows'])}" if page["rows"] else "none"
    _notice(f"{page['total']} turn(s) where {' and '.join(names)} differ (showing {shown}).", fmt)
    emit([_flatten(row) for row in page["rows"]], fmt)


@click.command("adjudicate")
@coders_option
@click.option(
    "--consensus",
    "consensus_name",
    default=consensus.DEFAULT_CONSENSUS,
    show_default=True,
    help="The name of the consensus coder.",
)
@turn_id_option("Adjudicate the turn with this id ...")
@click.option(
    "--keep",
    type=click.Choice(list(consensus.DECISIONS)),
    help="... keeping the codes both applied and a (the first coder's other codes), b (the "
    "second's), both, none (nothing more) or codes (those given with --codes-kept). A turn "
    "where the coders agree has nothing to adjudicate.",
)
@click.option("--codes-kept", help="With --keep codes: the codes to keep, comma-separated.")
@click.option(
    "--decisions",
    type=FilePath(exists=True, dir_okay=False),
    help="Adjudicate the turns in a CSV with columns transcript,turn,decision[,codes].",
)
@click.option("--interactive", is_flag=True, help="Adjudicate the open disagreements one by one.")
@format_option
@pass_project
def adjudicate_command(
    project: Project,
    coders: str,
    more_coders: tuple[str, ...],
    consensus_name: str,
    turn_id: int | None,
    keep: str | None,
    codes_kept: str | None,
    decisions: str | None,
    interactive: bool,
    fmt: str,
) -> None:
    """Build or update a consensus coder from two coders' agreed codings plus decisions
    taken turn by turn; the two coders' own codings are never changed."""
    names = _coders(coders, more_coders)
    if len(names) != 2:
        raise QualcodeError("adjudicate compares exactly two coders: --coders A B")
    if (turn_id is None) != (keep is None):
        raise QualcodeError("give --turn-id and --keep together")
    rows = read_decisions(decisions) if decisions else []
    if turn_id is not None:
        transcript = project.turn(turn_id)
        rows.append(
            {
                "transcript": transcript["transcript"],
                "turn": transcript["turn"],
                "decision": keep,
                "codes": ";".join(key.strip() for key in (codes_kept or "").split(",")),
            }
        )
    status = consensus.adjudicate(
        project, names[0], names[1], consensus_name, rows, decisions or "--turn-id"
    )
    if rows:
        click.echo(f"Adjudicated {len(rows)} turn(s).")
    if interactive:
        _interactive(project, names, consensus_name)
        status = consensus.adjudication_status(project, consensus_name)
    if fmt == "json":
        emit_document(status)
        return
    click.echo(
        f"{status['consensus']}: consensus of {' and '.join(status['coders'])} over "
        f"{status['transcripts']} transcript(s); {status['consensus_codings']} coding(s). "
        f"{status['disagreements']} turn(s) differ: {status['adjudicated']} adjudicated, "
        f"{status['open']} open (open ones keep only the agreed codes)."
    )


def _interactive(project: Project, names: list[str], consensus_name: str) -> None:
    """Show each open disagreement and ask what to keep."""
    keys = {"a": "a", "b": "b", "both": "both", "n": "none", "none": "none"}
    offset = 0
    while True:
        page = consensus.disagreements(project, names, limit=20, offset=offset)
        open_rows = [row for row in page["rows"] if row["decision"] is None]
        if not page["rows"]:
            click.echo("No open disagreements left.")
            return
        for row in open_rows:
            click.echo(f"\n{row['transcript']}, turn {row['turn']} ({row['speaker']}):")
            click.echo(row["text"])
            for label, coder in zip(("a", "b"), names, strict=True):
                memo = row["memos"][coder]
                codes = ", ".join(row["codes"][coder] or []) or "no codes"
                click.echo(f"  {label}) {coder}: {codes}" + (f"  (memo: {memo})" if memo else ""))
            answer = click.prompt(
                "Keep a, b, both, n(one), s(kip) or q(uit)",
                type=click.Choice(["a", "b", "both", "n", "none", "s", "q"]),
                show_choices=False,
            )
            if answer == "q":
                return
            if answer != "s":
                consensus.adjudicate_turn(
                    project, row["turn_id"], keys[answer], consensus_name, coders=names
                )
        offset += len(page["rows"])
        if offset >= page["total"]:
            return


COMMANDS = [
    report_group,
    quotes_command,
    agreement_command,
    disagreements_command,
    adjudicate_command,
]
