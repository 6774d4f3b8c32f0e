"""The Streamlit workbench. ``streamlit_app.py`` and ``qualcode app`` both run :data:`APP_SCRIPT`.

Privacy: the server binds to 127.0.0.1, Streamlit's usage statistics and its first-run e-mail
prompt are off, whichever way
the app is started (``.streamlit/config.toml`` for ``streamlit run``, flags for ``qualcode app``).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_SCRIPT = Path(__file__).with_name("main.py")
PRIVATE_FLAGS = (
    "--server.address",
    "127.0.0.1",
    "--browser.gatherUsageStats",
    "false",
    "--global.developmentMode",
    "false",
    # Streamlit's first start asks for an e-mail address (and sends it to Streamlit); without
    # a terminal it exits instead of serving.
    "--server.showEmailPrompt",
    "false",
)
APP_FLAGS = (
    "--server.maxUploadSize",
    "20",
    "--client.toolbarMode",
    "minimal",
    "--theme.primaryColor",
    "#3b6ea5",
    "--runner.fastReruns",
    "false",
    "--runner.postScriptGC",
    "false",
)


def streamlit_command(port: int, headless: bool = False) -> list[str]:
    """The command line that serves the app privately on ``port``."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        *PRIVATE_FLAGS,
        *APP_FLAGS,
        "--server.port",
        str(port),
        "--server.headless",
        "true" if headless else "false",
    ]
