"""Codings as CSV: ``transcript,turn,code,coder,start,end,memo,origin,created_at``.

What :func:`qualcode.read.codings.read_codings_csv` reads back."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qualcode.read.codings import REQUIRED

COLUMNS = (*REQUIRED, "start", "end", "memo", "origin", "created_at")


def write_codings_csv(codings: Iterable[dict[str, Any]], path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for coding in codings:
            writer.writerow(coding)
            count += 1
    return count
