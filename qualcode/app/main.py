"""The Streamlit app's entry point (run by ``qualcode app`` and ``streamlit_app.py``).

It draws the frame every page shares (the sidebar with the open project) and runs the page the
researcher chose. Each page is one script in ``views/``; to add a page, add its line to
:data:`PAGES`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from qualcode.app import session
from qualcode.app.markup import literal
from qualcode.app.session import project_path
from qualcode.errors import QualcodeError

__all__ = ["PAGES", "main", "project_path"]

VIEWS = Path(__file__).with_name("views")
# The tab's icon, shipped with the app: an icon name (":material/…:") would make every page
# load fetch the favicon from a font server.
ICON = Path(__file__).with_name("icon.png")


class PageSpec(NamedTuple):
    script: str
    title: str
    icon: str


PAGES = [
    PageSpec("project.py", "Project", ":material/folder_open:"),
    PageSpec("codebook.py", "Codebook", ":material/account_tree:"),
    PageSpec("code.py", "Code", ":material/edit_note:"),
    PageSpec("search.py", "Search", ":material/search:"),
    PageSpec("reports.py", "Reports", ":material/bar_chart:"),
    PageSpec("agreement.py", "Agreement", ":material/rule:"),
]


def navigation() -> StreamlitPage:
    """The pages of :data:`PAGES`, each at the URL of its script's name (``/code``)."""
    return st.navigation(
        [
            st.Page(
                VIEWS / spec.script, title=spec.title, icon=spec.icon, url_path=spec.script[:-3]
            )
            for spec in PAGES
        ]
    )


def sidebar() -> None:
    """Which project is open, on every page."""
    path = session.open_path()
    with st.sidebar:
        st.caption("Project")
        st.markdown(f"**{literal(path.stem)}**")
        st.caption(str(path.resolve()))


def main() -> None:
    st.set_page_config(page_title="qualcode", page_icon=str(ICON), layout="wide")
    page = navigation()
    sidebar()
    try:
        page.run()
    except (QualcodeError, sqlite3.DatabaseError) as error:
        # e.g. a transcript or code removed by another session while this page showed it
        st.error(literal(session.error_text(error)), icon=":material/error:")


if __name__ == "__main__":
    main()
