"""The files qualcode writes for people: whole or not at all, and CSV cells no spreadsheet runs.

Every export (codings, quotes, codebooks, charts, REFI-QDA files) is written through
:func:`written`: to a temporary file beside the target, renamed over it only once complete, so
that a full disk or a refused write leaves the old file as it was and no partial file behind.

Every CSV cell we write goes through :func:`csv_cell` and every cell read back from our own
CSV through :func:`csv_value`, which undoes exactly what :func:`csv_cell` did.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from qualcode.errors import QualcodeError

FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


@contextmanager
def written(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write the file to; when the block ends without an
    error, the file replaces ``path`` (keeping the old file's permissions) in one rename.

    On any error the temporary file is removed and ``path`` is left as it was; an ``OSError``
    (a full disk, no permission) becomes a :class:`QualcodeError` naming ``path``."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        yield partial
        if path.exists():
            shutil.copymode(path, partial)
        os.replace(partial, path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise QualcodeError(f"cannot write the file ({reason})", path) from None
    finally:
        partial.unlink(missing_ok=True)


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell that a spreadsheet shows as text and never runs as a formula.

    Text that starts with ``= + - @``, a tab or a carriage return gets a leading ``'`` (as
    OWASP recommends); so does text that already starts with ``'``, so that :func:`csv_value`
    can always take exactly one ``'`` off and get the text back. Other values pass as they are."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, QUOTE)):
        return QUOTE + value
    return value


def write_csv_rows(handle: IO[str], rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> int:
    """``rows`` (their ``columns``) as CSV with a header, every cell through :func:`csv_cell`;
    returns how many rows. Rows end with CR LF (RFC 4180), so that a cell holding a lone
    carriage return is quoted like one holding a line break, instead of breaking its row."""
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({column: csv_cell(row.get(column)) for column in columns})
        count += 1
    return count


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """:func:`write_csv_rows` into a string (for a download)."""
    buffer = io.StringIO()
    write_csv_rows(buffer, rows, columns)
    return buffer.getvalue()


def csv_value(text: str) -> str:
    """The text :func:`csv_cell` was given: one leading ``'`` taken off, if there is one."""
    return text.removeprefix(QUOTE)


def slug(name: str, fallback: str = "file", width: int = 60) -> str:
    """``name`` as lower-case ASCII letters, digits and hyphens, safe in a file name or a key
    on every system: ``Ledere i Balance`` → ``ledere-i-balance``, ``Søren Ærø`` →
    ``soeren-aeroe``; ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFKD", name.casefold().translate(FOLD))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:width].strip("-")
    return text or fallback
