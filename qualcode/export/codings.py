"""Codings as CSV: ``transcript,turn,code,coder,start,end,memo,origin,created_at``.

What :func:`qualcode.read.codings.read_codings_csv` reads back. Text cells that a spreadsheet
would run as a formula get a leading ``'`` (:func:`qualcode.files.csv_cell`, through
:func:`qualcode.files.write_csv_rows`), which the reader
takes off again."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qualcode.files import write_csv_rows, written
from qualcode.read.codings import REQUIRED

COLUMNS = (*REQUIRED, "start", "end", "memo", "origin", "created_at")


def write_codings_csv(codings: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write ``codings`` to ``path`` (whole or not at all); returns how many."""
    with written(path) as partial, open(partial, "w", encoding="utf-8", newline="") as handle:
        return write_csv_rows(handle, codings, COLUMNS)
