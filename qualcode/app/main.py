"""The Streamlit app's entry point (run by ``qualcode app`` and ``streamlit_app.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from qualcode.demo import DEMO_PROJECT, create_demo_project
from qualcode.store import DEFAULT_PROJECT, PROJECT_ENV, Project


def project_path() -> Path:
    """The project to open: $QUALCODE_PROJECT, ./qualcode.db, or else the demo project."""
    chosen = os.environ.get(PROJECT_ENV)
    if chosen:
        return Path(chosen)
    if Path(DEFAULT_PROJECT).exists():
        return Path(DEFAULT_PROJECT)
    create_demo_project(DEMO_PROJECT).close()
    return Path(DEMO_PROJECT)


def main() -> None:
    st.set_page_config(page_title="qualcode", layout="wide")
    path = project_path()
    with Project(path) as project:
        st.title("qualcode")
        st.caption(f"Project: {path}")
        rows = project.transcripts()
        st.dataframe(rows, hide_index=True)
        names = [row["name"] for row in rows]
        if names:
            name = st.selectbox("Transcript", names)
            turns = project.turns(name, limit=200)
            st.dataframe(
                [{k: t[k] for k in ("turn", "speaker", "role", "text")} for t in turns],
                hide_index=True,
            )


main()
