"""The codebook command: show, load (replace or merge) and export."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.common import FORMATS, FilePath, emit, emit_document, pass_project
from qualcode.codebook import codebook_to_yaml, load_codebook
from qualcode.errors import shown
from qualcode.export.codebook import export_codebook
from qualcode.refi import load_qdc
from qualcode.store import Project


@click.group(invoke_without_command=True)
@click.pass_context
def codebook(ctx: click.Context) -> None:
    """Show the codebook, load one (replace or merge) or export it."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(show)


@codebook.command()
@click.option(
    "--format", "fmt", type=click.Choice([*FORMATS, "yaml"]), default="table", show_default=True
)
@pass_project
def show(project: Project, fmt: str) -> None:
    """List the codes: key, parent, label, colour, keywords per language."""
    book = project.codebook()
    if fmt == "yaml":
        click.echo(codebook_to_yaml(book), nl=False)
        return
    rows = [
        {
            "key": code.key,
            "parent": parent.key if parent else None,
            "label": code.display(book.languages[0] if book.languages else None),
            "color": code.color,
            "keywords": sum(len(words) for words in code.keywords.values()),
            "description": code.description,
        }
        for code, parent in book.walk()
    ]
    if fmt == "json":
        emit_document({"name": book.name, "languages": book.languages, "codes": rows})
    else:
        emit(rows, fmt)


@codebook.command()
@click.argument("file", type=FilePath(exists=True, dir_okay=False))
@click.option("--merge", is_flag=True, help="Add and update codes, keep the others.")
@click.option(
    "--force",
    is_flag=True,
    help="When replacing, also drop codes that have codings (and their codings).",
)
@pass_project
def load(project: Project, file: str, merge: bool, force: bool) -> None:
    """Replace the codebook with FILE (or --merge it in); codings of kept codes survive.

    FILE is a YAML codebook or a REFI-QDA codebook (.qdc) from another tool."""
    if Path(file).suffix.lower() == ".qdc":
        result = load_qdc(project, file, merge=merge, force=force)
        click.echo(
            f"Loaded {shown(file)}: {result['codes']} codes, "
            f"{len(result['added'])} new, {len(result['dropped'])} dropped."
        )
        return
    book = load_codebook(file)
    result = project.load_codebook(book, merge=merge, force=force)
    click.echo(
        f"Loaded {book.name!r}: {result['codes']} codes, "
        f"{len(result['added'])} new, {len(result['dropped'])} dropped."
    )


@codebook.command()
@click.argument("file", type=FilePath(dir_okay=False))
@pass_project
def export(project: Project, file: str) -> None:
    """Write the codebook to FILE (.yaml, or .qdc for other tools: REFI-QDA)."""
    count = export_codebook(project.codebook(), file)
    kind = ", REFI-QDA" if Path(file).suffix.lower() == ".qdc" else ""
    click.echo(f"Wrote {shown(file)} ({count} codes{kind}).")


COMMANDS = [codebook]


@codebook.command("keywords")
@click.argument("code")
@click.option("--coder", help="The turns this coder coded (default: anyone's codings).")
@click.option("--language", help="The turns of this language (default: most coded turns').")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--min-turns",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only terms found in at least this many coded turns.",
)
@click.option(
    "--add",
    "adding",
    multiple=True,
    metavar="TERM",
    help="Add this proposed term to the code's keywords (repeatable); nothing else is added.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@pass_project
def keywords_command(
    project: Project,
    code: str,
    coder: str | None,
    language: str | None,
    limit: int,
    min_turns: int,
    adding: tuple[str, ...],
    fmt: str,
) -> None:
    """Propose keywords for CODE: the words and two-word phrases that set its coded turns
    apart from the other turns, with their counts; --add TERM adds the ones you accept."""
    from qualcode.suggest.discover import COLUMNS, add_keywords, discover_keywords

    found = discover_keywords(project, code, coder, language, limit, min_turns)
    if adding:
        added = add_keywords(project, code, found["language"], list(adding))
        kept = len(adding) - len(added)
        click.echo(
            f"Added {len(added)} keyword(s) to {code} ({found['language']}): "
            f"{', '.join(added) or 'none'}" + (f"; {kept} it already had." if kept else "."),
            err=True,
        )
        return
    click.echo(
        f"Terms of the {found['coded_turns']} turns coded with {code} against "
        f"{found['other_turns']} other participant turns ({found['language']}); "
        f"add one with --add TERM.",
        err=fmt != "table",
    )
    emit(found["terms"], fmt, list(COLUMNS))
