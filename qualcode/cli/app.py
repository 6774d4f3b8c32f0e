"""Commands that open the Streamlit app or set up the demo project."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import click

from qualcode.app import streamlit_command
from qualcode.demo import DEMO_PROJECT, create_demo_project
from qualcode.store import PROJECT_ENV


@click.command()
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--browser/--no-browser", default=True, help="Open a browser tab.")
@click.pass_context
def app(ctx: click.Context, port: int, browser: bool) -> None:
    """Open the Streamlit UI on this project, bound to 127.0.0.1.

    Without --project (or $QUALCODE_PROJECT) and without ./qualcode.db, it opens the demo
    project ./qualcode-demo.db, created from the sample transcripts on first start.
    """
    path = Path(ctx.obj)
    chosen = ctx.parent.get_parameter_source("project").name != "DEFAULT"
    if not chosen and not path.exists():
        path = Path(DEMO_PROJECT)
        create_demo_project(path).close()
        click.echo(f"Opening the demo project {path}.")
    env = {**os.environ, PROJECT_ENV: str(path.resolve())}
    command = streamlit_command(port, headless=not browser)
    raise SystemExit(subprocess.call(command, env=env))


@click.command()
@click.argument("path", default=DEMO_PROJECT, type=click.Path(dir_okay=False))
def demo(path: str) -> None:
    """Create the demo project at PATH: sample transcripts, two coders, default codebook."""
    existed = Path(path).exists()
    with create_demo_project(path) as project:
        count = len(project.transcripts())
    click.echo(
        f"{'Opened' if existed else 'Created'} the demo project {path} ({count} transcripts)."
    )


COMMANDS = [app, demo]
