"""The ``qualcode`` command line: a thin shell over the library.

Every command parses its options, calls one library function and prints the result. Listings
take ``--format table|json|csv``; errors are one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import click

from qualcode.cli.common import QualcodeGroup
from qualcode.store import DEFAULT_PROJECT, PROJECT_ENV


@click.group(cls=QualcodeGroup)
@click.option(
    "--project",
    type=click.Path(dir_okay=False),
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


def _register() -> None:
    from qualcode.cli import analyse, app, codebook, codings, refi, suggest, transcripts

    for module in (transcripts, codebook, codings, suggest, refi, analyse, app):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="qualcode")
