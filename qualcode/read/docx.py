"""Word (.docx) transcripts, read with python-docx.

Every paragraph becomes a line of the transcript text. A paragraph that opens with bold text
naming a speaker (``D3`` or ``D3:`` in bold, as Word transcription templates do) starts a turn
even where the transcriber left out the colon.

A .docx is a zip archive: before python-docx unpacks it, its members are counted and unpacked
once with a running total, so that a small file that unpacks to gigabytes (a "zip bomb") is
refused under the same :data:`MAX_BYTES` limit as any other transcript.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree

from qualcode.errors import QualcodeError
from qualcode.read.labels import split_turns
from qualcode.read.layouts import ROLE, table_lines
from qualcode.read.transcript import MAX_BYTES, ParsedTranscript

BOLD_LABEL = re.compile(r"\s*(?P<label>[^\W\d_][\w.'’ -]{0,30}?)\s*:?\s*")
MAX_MEMBERS = 2000
"""A Word document has a few dozen parts; thousands are not a transcript."""
# What a damaged archive or a damaged part raises in zipfile, zlib, lxml and python-docx.
UNREADABLE = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    ValueError,
    AttributeError,
    etree.XMLSyntaxError,
)


def read_docx(data: bytes, source: str, layout: str | None = None) -> ParsedTranscript:
    check_archive(data, source)
    try:
        lines, bold_labels = _paragraphs(data)
    except etree.XMLSyntaxError as error:
        raise QualcodeError(
            f"not a readable .docx file (a part is not well-formed XML: {error.msg})", source
        ) from None
    except AttributeError:
        raise QualcodeError("not a readable .docx file (no Word document body)", source) from None
    except UNREADABLE as error:
        raise QualcodeError(f"not a readable .docx file ({error})", source) from None
    text = "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return split_turns(text, source, known_labels=bold_labels, layout=layout)


def _paragraphs(data: bytes) -> tuple[list[str], set[str]]:
    """The text of every paragraph, bold labels written as ``D3: …``, and those labels; a
    table (a transcript laid out as speaker | words, or time | speaker | words) as the lines
    :func:`qualcode.read.layouts.table_lines` makes of its rows."""
    lines, bold_labels = [], set()
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            rows = [[cell.text for cell in _cells(row)] for row in block.rows]
            lines.extend(table_lines(rows))
            lines.append("")
            continue
        label, rest = _bold_label(block)
        if label:
            bold_labels.add(label)
            lines.append(f"{label}: {rest.lstrip(': ').lstrip()}")
        else:
            lines.append(block.text)
    return lines, bold_labels


def _cells(row) -> list:
    """A row's cells, a cell merged across columns once."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def check_archive(
    data: bytes, source: str, kind: str = ".docx", max_bytes: int = MAX_BYTES
) -> None:
    """Refuse an archive (a ``kind`` file: .docx, .odt) with too many members or that unpacks
    to more than ``max_bytes``.

    The sizes the archive declares are checked first; then every member is unpacked in chunks
    with a running total, since declared sizes can lie."""
    limit = f"{max_bytes / 1e6:.0f} MB"
    too_big = (
        f"the {kind} unpacks to more than {limit}; transcripts over {limit} are refused "
        "(is it really one transcript? split it)"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS:
                raise QualcodeError(
                    f"not a readable {kind} file ({len(members)} parts; a document has "
                    f"at most a few hundred, {MAX_MEMBERS} are accepted)",
                    source,
                )
            if sum(member.file_size for member in members) > max_bytes:
                raise QualcodeError(too_big, source)
            total = 0
            for member in members:
                with package.open(member) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        if total > max_bytes:
                            raise QualcodeError(too_big, source)
    except UNREADABLE as error:
        raise QualcodeError(f"not a readable {kind} file ({error})", source) from None


def _bold_label(paragraph) -> tuple[str | None, str]:
    """The speaker label in the paragraph's opening bold runs, and the text after them."""
    runs = paragraph.runs
    count = next((i for i, run in enumerate(runs) if not run.bold), len(runs))
    bold = "".join(run.text for run in runs[:count])
    match = BOLD_LABEL.fullmatch(bold) if bold.strip() else None
    rest = "".join(run.text for run in runs[count:])
    if not match or not rest.strip(" :"):
        return None, paragraph.text
    label = match["label"].strip()
    has_colon = bold.rstrip().endswith(":") or rest.lstrip().startswith(":")
    if not (has_colon or ROLE.fullmatch(label)):
        return None, paragraph.text
    return label, rest
