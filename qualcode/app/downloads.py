"""Files the pages offer for download, made only when the researcher clicks.

Each function opens its own connection to the project file (a download is prepared outside
the page's script run), or takes what the page already made, writes the file with the
library's writer into a temporary folder and returns its bytes: nothing is left on disk.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from qualcode.codebook import Codebook
from qualcode.export.quotes import ALL_CODERS, quotes, write_quotes
from qualcode.export.themes import Writeup
from qualcode.files import slug
from qualcode.refi.qdc import export_qdc
from qualcode.store import Project

MIME = {
    "csv": "text/csv",
    "md": "text/markdown",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "qdc": "application/xml",
    "html": "text/html",
}


def download_name(
    project: str | Path, report: str, coder: str | None, extension: str, theme: str | None = None
) -> str:
    """The name a download is saved under: project, theme, report and coder, each a safe slug
    (``leaders-boundaries-quotes-coder-a.docx``; ``every-coder`` for every coder's)."""
    who = "every-coder" if coder in (None, ALL_CODERS) else slug(coder, "coder")
    parts = [slug(Path(project).stem, "project"), *([slug(theme, "theme")] if theme else [])]
    return "-".join([*parts, report, who]) + f".{extension}"


def quote_file(
    path: str | Path,
    fmt: str,
    codes: list[str] | None = None,
    coder: str | None = None,
    pseudonymize: bool = False,
    attributes: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """The quote lists of ``codes`` (all when None) as a ``fmt`` file (csv, xlsx, docx, md),
    of the speakers with ``attributes``."""
    with Project(path) as project, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"quotes.{fmt}"
        found = quotes(project, codes, coder, pseudonymize, attributes=attributes)
        write_quotes(found, fmt, target)
        return target.read_bytes()


def writeup_file(writeup: Writeup, fmt: str) -> bytes:
    """A write-up the page has already made (:func:`qualcode.export.themes.themes`) as a
    ``fmt`` file (md, docx, html)."""
    from qualcode.export.writeup import write_writeup

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"themes.{fmt}"
        write_writeup(writeup, target)
        return target.read_bytes()


def framework_file(
    path: str | Path, fmt: str, coder: str | None = None, pseudonymize: bool = False
) -> bytes:
    """The framework matrix as a ``fmt`` file (xlsx, md)."""
    from qualcode.export.framework import framework
    from qualcode.export.writeup import write_framework

    with Project(path) as project, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"framework.{fmt}"
        write_framework(framework(project, coder, pseudonymize=pseudonymize), target)
        return target.read_bytes()


def qdc_file(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA codebook (.qdc)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "codebook.qdc"
        export_qdc(codebook, target)
        return target.read_bytes()
