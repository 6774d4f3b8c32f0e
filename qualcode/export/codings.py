"""Codings as CSV: ``transcript,turn,code,coder,start,end,memo,origin,created_at``.

What :func:`qualcode.read.codings.read_codings_csv` reads back. Text cells that a spreadsheet
would run as a formula get a leading ``'`` (:func:`qualcode.files.csv_cell`), which the reader
takes off again."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qualcode.files import csv_cell, written
from qualcode.read.codings import REQUIRED

COLUMNS = (*REQUIRED, "start", "end", "memo", "origin", "created_at")


def write_codings_csv(codings: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write ``codings`` to ``path`` (whole or not at all); returns how many."""
    count = 0
    with written(path) as partial, open(partial, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for coding in codings:
            writer.writerow([csv_cell(coding.get(column)) for column in COLUMNS])
            count += 1
    return count
