"""Word (.docx) transcripts, read with python-docx.

Every paragraph becomes a line of the transcript text. A paragraph that opens with bold text
naming a speaker (``D3`` or ``D3:`` in bold, as Word transcription templates do) starts a turn
even where the transcriber left out the colon.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError

from qualcode.errors import QualcodeError
from qualcode.read.labels import ALWAYS_LABEL, split_turns
from qualcode.read.transcript import ParsedTranscript

BOLD_LABEL = re.compile(r"\s*(?P<label>[^\W\d_][\w.'’ -]{0,30}?)\s*:?\s*")


def read_docx(data: bytes, source: str) -> ParsedTranscript:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise QualcodeError(f"not a readable .docx file ({error})", source) from None
    lines, bold_labels = [], set()
    for paragraph in document.paragraphs:
        label, rest = _bold_label(paragraph)
        if label:
            bold_labels.add(label)
            lines.append(f"{label}: {rest.lstrip(': ').lstrip()}")
        else:
            lines.append(paragraph.text)
    text = "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return split_turns(text, source, known_labels=bold_labels)


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
    if not (has_colon or ALWAYS_LABEL.fullmatch(label)):
        return None, paragraph.text
    return label, rest
