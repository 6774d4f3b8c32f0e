"""The ``qualcode`` command line: a thin shell over the library.

Every command parses its options, calls one library function and prints the result. Listings
take ``--format table|json|csv``; errors are one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import click

from qualcode.cli.common import FilePath, QualcodeGroup
from qualcode.store import DEFAULT_PROJECT, PROJECT_ENV

# Each command and the module of qualcode.cli that defines it (in its COMMANDS).
COMMAND_MODULES = {
    "init": "transcripts",
    "import": "transcripts",
    "transcripts": "transcripts",
    "turns": "transcripts",
    "speakers": "transcripts",
    "search": "search",
    "codebook": "codebook",
    "code": "codings",
    "uncode": "codings",
    "memo": "codings",
    "memos": "codings",
    "codings": "codings",
    "undo": "codings",
    "redo": "codings",
    "history": "codings",
    "suggest": "suggest",
    "accept": "suggest",
    "reject": "suggest",
    "evaluate": "suggest",
    "export": "refi",
    "report": "analyse",
    "quotes": "analyse",
    "agreement": "analyse",
    "disagreements": "analyse",
    "adjudicate": "analyse",
    "app": "app",
    "demo": "app",
}


@click.group(cls=QualcodeGroup, lazy=COMMAND_MODULES)
@click.option(
    "--project",
    type=FilePath(dir_okay=False),
    envvar=PROJECT_ENV,
    default=DEFAULT_PROJECT,
    show_default=True,
    help=f"The project file (or set ${PROJECT_ENV}).",
)
@click.version_option(package_name="qualcode")
@click.pass_context
def cli(ctx: click.Context, project: str) -> None:
    """qualcode: code interview and focus-group transcripts against a codebook of themes."""
    ctx.obj = project


def main() -> None:
    cli(prog_name="qualcode")
