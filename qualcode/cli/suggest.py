"""Suggestions on the command line: suggest, accept, reject, evaluate."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import click

from qualcode.cli.common import (
    coder_option,
    emit,
    emit_document,
    format_option,
    pass_project,
    turn_id_option,
)
from qualcode.errors import QualcodeError
from qualcode.files import write_csv_rows
from qualcode.store import Project
from qualcode.suggest import workflow
from qualcode.suggest.evaluate import evaluate as evaluate_suggestions

SUGGESTION_COLUMNS = (
    "id",
    "turn_id",
    "transcript",
    "turn",
    "speaker",
    "code",
    "score",
    "method",
    "evidence",
    "coder",
    "status",
)
SCORE_COLUMNS = (
    "code",
    "support",
    "suggested",
    "tp",
    "fp",
    "fn",
    "precision",
    "recall",
    "f1",
    "threshold",
)
TABLE_ROWS = 200  # suggestions a table lists (json and csv list them all)
MAX_WORKERS = 4


@click.command()
@click.option("--transcript", help="Only this transcript (default: the whole project).")
@click.option(
    "--method",
    type=click.Choice(workflow.CHOICES),
    default="combined",
    show_default=True,
    help="combined (keywords, and what a coder has coded once there is enough of it), "
    "keywords (from the codebook), learned (from a coder's codings) or all (keywords and "
    "learned, each on its own).",
)
@click.option(
    "--coder",
    help="Learn from this coder's codings (default: every coder with enough codings); "
    "the listing then shows what this coder sees, with their decisions.",
)
@click.option("--include-interviewer", is_flag=True, help="Suggest for interviewer turns too.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: min(MAX_WORKERS, os.cpu_count() or 1),
    show_default=f"the number of processors, at most {MAX_WORKERS}",
    help="Processes that compute the suggestions of a large run (the suggestions are the "
    "same with any number).",
)
@format_option
@pass_project
def suggest(
    project: Project,
    transcript: str | None,
    method: str,
    coder: str | None,
    include_interviewer: bool,
    workers: int,
    fmt: str,
) -> None:
    """Compute and store suggestions (replacing the stored ones of the same method), then list
    them: turn, code, score, method and the evidence (words and their places in the turn)."""
    result = workflow.compute_suggestions(
        project,
        transcript=transcript,
        method=method,
        coder=coder,
        include_interviewer=include_interviewer,
        workers=workers,
    )
    for notice in result.notices:
        click.echo(notice, err=True)
    stored = ", ".join(f"{count} {name}" for name, count in result.stored.items()) or "none"
    click.echo(f"Stored suggestions for {result.turns} turns: {stored}.", err=True)
    listed = dict(transcript=transcript, coder=coder, method=None if method == "all" else method)
    if fmt != "table":  # every suggestion, streamed: a whole study's million rows and more
        emit_stream(workflow.iter_suggestions(project, **listed), fmt)
        return
    rows = workflow.list_suggestions(project, **listed, limit=TABLE_ROWS + 1)
    more = len(rows) > TABLE_ROWS
    rows = rows[:TABLE_ROWS]
    for row in rows:
        row["evidence"] = ", ".join(sorted({item["text"] for item in row["evidence"]}))
    emit(rows, fmt, SUGGESTION_COLUMNS)
    if more:  # a table of a whole study's suggestions is read by nobody, and costs minutes
        click.echo(
            f"The first {TABLE_ROWS} are listed; --format json or csv lists every one.", err=True
        )


def emit_stream(rows: Iterable[dict[str, Any]], fmt: str) -> int:
    """Print suggestions as JSON or CSV while they are read, row by row, exactly as
    :func:`emit` prints the whole list; returns how many."""
    out = sys.stdout
    columns = SUGGESTION_COLUMNS
    picked = ({column: row.get(column) for column in columns} for row in rows)
    if fmt == "csv":
        return write_csv_rows(out, _csv_ready(picked), columns)
    count = 0
    for row in picked:
        text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if count == 0 else ",\n  ") + text)
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def _csv_ready(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
        yield row


def _decision_options(function):
    function = click.argument("suggestion_id", type=int, required=False)(function)
    function = turn_id_option("The turn, by its id (with --code).")(function)
    function = click.option("--code", help="The code suggested for --turn-id.")(function)
    return coder_option(function)


def _target(suggestion_id: int | None, turn_id: int | None, code: str | None) -> dict:
    if suggestion_id is not None and (turn_id is not None or code is not None):
        raise QualcodeError("name a suggestion by its id or by --turn-id and --code, not both")
    if suggestion_id is None and (turn_id is None or code is None):
        raise QualcodeError("name a suggestion by its id, or by --turn-id and --code")
    return {"suggestion_id": suggestion_id, "turn_id": turn_id, "code": code}


@click.command()
@_decision_options
@pass_project
def accept(
    project: Project, suggestion_id: int | None, turn_id: int | None, code: str | None, coder: str
) -> None:
    """Accept suggestion SUGGESTION_ID (or --turn-id and --code): --coder codes the turn with it
    (origin 'suggestion')."""
    done = workflow.accept(project, coder, **_target(suggestion_id, turn_id, code))
    already = "" if done["coded"] else " (the turn already had this code)"
    click.echo(f"Turn {done['turn_id']}: accepted {done['code']} for {coder}{already}.")


@click.command()
@_decision_options
@pass_project
def reject(
    project: Project, suggestion_id: int | None, turn_id: int | None, code: str | None, coder: str
) -> None:
    """Reject suggestion SUGGESTION_ID (or --turn-id and --code) for --coder: it is not offered
    to them again and teaches their learned suggester."""
    done = workflow.reject(project, coder, **_target(suggestion_id, turn_id, code))
    click.echo(f"Turn {done['turn_id']}: rejected {done['code']} for {coder}.")


@click.command()
@click.option("--coder", required=True, help="Whose codings are the reference.")
@click.option(
    "--method",
    type=click.Choice(workflow.METHODS),
    default="combined",
    show_default=True,
)
@click.option(
    "--coded-turns",
    type=click.IntRange(min=0),
    help="Learn from only the first N coded turns of each training fold (a learning curve).",
)
@click.option(
    "--held-out",
    "held_out",
    multiple=True,
    metavar="TRANSCRIPT",
    help="Score only this transcript (repeatable), suggested by a suggester fitted on all the "
    "others, instead of cross-validating.",
)
@format_option
@pass_project
def evaluate(
    project: Project,
    coder: str,
    method: str,
    coded_turns: int | None,
    held_out: tuple[str, ...],
    fmt: str,
) -> None:
    """Precision, recall and F1 of the suggestions against --coder's codings, per code and
    macro-averaged, and the share of coded participant turns with one of their codes among
    the top-2 suggestions. Cross-validated by transcript: no turn is scored by a model that
    saw it."""
    result = evaluate_suggestions(project, coder, method, coded_turns, list(held_out) or None)
    if fmt == "json":
        emit_document(result.to_dict())
        return
    data = result.to_dict()
    rows = [*data["codes"], {"code": "macro average", **data["macro"]}]
    emit(rows, fmt, SCORE_COLUMNS)
    if fmt == "table":
        top2 = data["top2"]
        click.echo(
            f"\n{method} suggestions vs {coder}: {result.n_turns} participant turns in "
            f"{result.n_transcripts} transcripts; {result.validation}."
        )
        click.echo(
            f"Top-2 share: {top2['hits']} of {top2['turns']} coded participant turns "
            f"({top2['share']:.1%}) have one of their codes among the two best suggestions."
        )
        for note in result.notes:
            click.echo(f"Note: {note}")


COMMANDS = [suggest, accept, reject, evaluate]
