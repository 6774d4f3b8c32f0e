"""Bytes to text for plain-text transcripts and captions.

Transcripts arrive as UTF-8 (with or without a BOM), UTF-16 with a BOM (some Windows tools) or
Windows-1252 (Danish Word "plain text" exports). The encodings are told apart exactly, never
guessed from statistics: a BOM decides; otherwise text that is valid UTF-8 is UTF-8, and
anything else must be valid Windows-1252.
"""

from __future__ import annotations

import codecs
import re

from qualcode.errors import QualcodeError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in a transcript but always in binary files.
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1b]")


def decode_text(data: bytes, source: str) -> str:
    """Decode a text file and normalise line ends to ``\\n``."""
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), None)
    if encoding is None:
        if BINARY_BYTES.search(data, 0, 8192):
            raise QualcodeError("this is a binary file, not a text transcript", source)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_cp1252(data, source)
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise QualcodeError(f"not valid {encoding.upper()} text", source, line) from None
        if "\x00" in text:
            raise QualcodeError("this is a binary file, not a text transcript", source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_cp1252(data: bytes, source: str) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise QualcodeError(
            "unknown text encoding (expected UTF-8, UTF-16 with BOM or Windows-1252)",
            source,
            line,
        ) from None
