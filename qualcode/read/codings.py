"""Codings and adjudication decisions from CSV files, each row with its line for errors.

A codings CSV has the columns ``transcript,turn,code,coder`` plus optional ``start,end,memo``
(what :mod:`qualcode.export.codings` writes, with the ``'`` it puts before text a spreadsheet
would run as a formula taken off again: :func:`qualcode.files.csv_value`); a decisions CSV
``transcript,turn,decision`` plus optional ``codes``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.files import csv_value

REQUIRED = ("transcript", "turn", "code", "coder")


def read_codings_csv(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a codings CSV, each with its ``line`` for error messages; a value starting with
    ``'`` loses that one ``'`` (:func:`qualcode.files.csv_cell` put it there)."""
    rows = read_csv_rows(path, REQUIRED, f"a codings CSV has the columns {','.join(REQUIRED)}")
    return [
        {key: csv_value(value) if isinstance(value, str) else value for key, value in row.items()}
        for row in rows
    ]


def read_csv_rows(path: str | Path, required: Sequence[str], columns: str) -> list[dict[str, Any]]:
    """The non-blank rows of a UTF-8 CSV file, values stripped, each with its ``line``.

    A missing ``required`` column or an empty value in one is an error naming the file and
    line; ``columns`` says which columns the file should have."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in required if name not in (reader.fieldnames or [])]
            if missing:
                raise QualcodeError(f"missing column(s) {', '.join(missing)}; {columns}", path, 1)
            rows = []
            for row in reader:
                if not any((value or "").strip() for value in row.values()):
                    continue
                empty = [name for name in required if not (row.get(name) or "").strip()]
                if empty:
                    raise QualcodeError(f"empty {', '.join(empty)}", path, reader.line_num)
                rows.append(
                    {**{k: (v or "").strip() for k, v in row.items() if k}, "line": reader.line_num}
                )
            return rows
    except UnicodeDecodeError:
        raise QualcodeError("the CSV is not UTF-8 text", path) from None
    except csv.Error as error:
        raise QualcodeError(f"broken CSV: {error}", path) from None
    except OSError as error:
        raise QualcodeError(f"cannot read the file ({error.strerror})", path) from None


def read_decisions(path: str | Path) -> list[dict[str, Any]]:
    """Decisions from a CSV with columns ``transcript,turn,decision`` (optional ``codes``:
    keys separated by ';' for the decision 'codes'); each row keeps its ``line``."""
    return read_csv_rows(
        path,
        ("transcript", "turn", "decision"),
        "a decisions CSV has the columns transcript,turn,decision (and codes for the "
        "decision 'codes')",
    )
