"""Commands that open the Streamlit app or set up the demo project."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import click

from qualcode.app import streamlit_command
from qualcode.cli.common import FilePath
from qualcode.demo import DEMO_PROJECT, create_demo_project
from qualcode.errors import shown
from qualcode.store import PROJECT_ENV

# The signals that ask ``qualcode app`` to stop (those this platform has): each is passed on to
# the Streamlit server, so that stopping qualcode stops the server too.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


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
        click.echo(f"Opening the demo project {shown(path)}.")
    env = {**os.environ, PROJECT_ENV: str(path.resolve())}
    command = streamlit_command(port, headless=not browser)
    raise SystemExit(run_passing_on_signals(command, env))


def run_passing_on_signals(command: Sequence[str], env: dict[str, str]) -> int:
    """Run ``command`` and wait for it, passing on each of :data:`STOP_SIGNALS` that qualcode
    receives meanwhile; return its exit code (128 + N if signal N ended it, as a shell does)."""
    child = subprocess.Popen(command, env=env)

    def pass_on(number: int, frame: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(number)

    previous = {number: signal.signal(number, pass_on) for number in STOP_SIGNALS}
    try:
        code = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 128 - code if code < 0 else code


@click.command()
@click.argument("path", default=DEMO_PROJECT, type=FilePath(dir_okay=False))
def demo(path: str) -> None:
    """Create the demo project at PATH: sample transcripts, two coders, default codebook."""
    existed = Path(path).exists()
    with create_demo_project(path) as project:
        count = len(project.transcripts())
    done = "Opened" if existed else "Created"
    click.echo(f"{done} the demo project {shown(path)} ({count} transcripts).")


COMMANDS = [app, demo]
