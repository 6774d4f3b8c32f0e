"""Bytes to text for plain-text transcripts and captions.

Transcripts arrive as UTF-8 (with or without a BOM), UTF-16 (with a BOM, from some Windows
tools, or without one), or Windows-1252 (Danish Word "plain text" exports). The encodings are
told apart exactly, never guessed from word statistics:

- a BOM decides;
- text whose every second byte is NUL is UTF-16 without a BOM (little- or big-endian by which
  byte is NUL), since a Latin-script text in UTF-16 has a NUL byte in nearly every character;
- otherwise the text is UTF-8, and a byte that is not valid UTF-8 is read as Windows-1252. A
  Windows-1252 file is such bytes throughout; a UTF-8 file with a few of them (text pasted from
  another file) keeps its UTF-8 and gets a notice naming the lines, so nothing is lost silently.

What is not text is refused wherever in the file it shows: files that open with the signature
of a known binary format (a PDF or a zip archive renamed .txt), and control characters other
than tab, line and page breaks.
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
# Formats people save or rename as .txt by mistake, by the bytes every such file opens with.
SIGNATURES = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a zip archive (a .docx or another Office file?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc, .xls?)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"ID3", "an MP3 audio file"),
)
# Control characters that never occur in a transcript but always in binary files; tab, line
# feed, carriage return and form feed are text.
CONTROL = "[\x00-\x08\x0b\x0e-\x1f\x7f]"
CONTROL_TEXT = re.compile(CONTROL)
CONTROL_BYTES = re.compile(CONTROL.encode())
# In text decoded with "surrogateescape": a byte that is not UTF-8; a valid non-ASCII character;
# and one that is hardly ever a chance pair of Windows-1252 characters: from two bytes opening
# with Â or Ã (U+0080-U+00FF, such as æøå), or from three or four bytes. A chance pair of a
# Danish Windows-1252 capital and a typographic quote (Å’) is valid UTF-8 but not such proof.
NOT_UTF8 = re.compile("[\udc80-\udcff]")
UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")
SURELY_UTF8 = re.compile("[\x80-\xff\u0800-\ud7ff\ue000-\U0010ffff]")
UTF16_NUL_SHARE = 0.4
"""At least this share of UTF-16 code units must have a NUL byte on one side and (almost) none
on the other; a binary file has NULs on both sides or few at all."""
SHOWN_LINES = 5


def decode_text(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode a text file, normalise line ends to ``\\n`` and return it with notices about
    how it was read."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            raise QualcodeError(f"this is {kind}, not a text transcript", source, 1)
    notices: list[str] = []
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(data)
    if encoding is None:
        _refuse_control(CONTROL_BYTES.search(data), source)
        text = _decode_utf8_or_cp1252(data, source, notices)
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data[: error.start].decode(encoding, "replace").count("\n") + 1
            name = encoding.upper().replace("-SIG", "")
            raise QualcodeError(f"not valid {name} text", source, line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_control(CONTROL_TEXT.search(text), source)
    return text, notices


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` if the opening bytes are UTF-16 text without a BOM."""
    sample = data[:65536]
    units = len(sample) // 2
    if units < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nul, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nul >= UTF16_NUL_SHARE * units and other * 20 <= nul:
            return encoding
    return None


def _refuse_control(match: re.Match | None, source: str) -> None:
    """Refuse a file in which ``match`` found a control character, naming its line."""
    if match is None:
        return
    found, string = match.group(), match.string
    code = ord(found)
    line = string.count(b"\n" if isinstance(string, bytes) else "\n", 0, match.start()) + 1
    raise QualcodeError(
        f"this is a binary file, not a text transcript (control character U+{code:04X})",
        source,
        line,
    )


def _decode_utf8_or_cp1252(data: bytes, source: str, notices: list[str]) -> str:
    """UTF-8, with every byte that is not valid UTF-8 read as Windows-1252; or Windows-1252
    throughout where nothing proves UTF-8 and such bytes outnumber the valid UTF-8 letters
    (which are then chance pairs of Windows-1252 characters, such as ``Å’``)."""
    text = data.decode("utf-8", "surrogateescape")
    stray = list(NOT_UTF8.finditer(text))
    if not stray:
        return text
    if not SURELY_UTF8.search(text) and len(stray) >= len(UTF8_LETTER.findall(text)):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise QualcodeError(
                "unknown text encoding (expected UTF-8, UTF-16 or Windows-1252)",
                source,
                data.count(b"\n", 0, error.start) + 1,
            ) from None
    lines, read_as, line, position = [], [], 1, 0
    for match in stray:
        line += text.count("\n", position, match.start())
        position = match.start()
        byte = bytes([ord(match.group()) - 0xDC00])
        try:
            read_as.append(byte.decode("cp1252"))
        except UnicodeDecodeError:
            raise QualcodeError(
                f"unknown text encoding: UTF-8 with a byte (0x{byte[0]:02X}) that is not "
                "Windows-1252 either",
                source,
                line,
            ) from None
        if not lines or lines[-1] != line:
            lines.append(line)
    replacements = iter(read_as)
    decoded = NOT_UTF8.sub(lambda _match: next(replacements), text)
    shown = ", ".join(map(str, lines[:SHOWN_LINES])) + (", …" if lines[SHOWN_LINES:] else "")
    notices.append(
        f"{source}:{lines[0]}: UTF-8 text with {len(stray)} byte(s) that are not UTF-8, read as "
        f"Windows-1252 ({''.join(read_as[:10])!r}, line {shown}): "
        "check the text there"
    )
    return decoded
