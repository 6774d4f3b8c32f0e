"""Hostile and broken transcript files, generated at test time: each is refused with one line
naming the file (and line), or read without losing anything."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from qualcode.errors import QualcodeError
from qualcode.read import MAX_BYTES, read_transcript
from qualcode.read.docx import MAX_MEMBERS, read_docx
from qualcode.read.upload import read_upload

CORPUS = Path(__file__).parent / "fixtures" / "transcripts"
DOCX = (CORPUS / "bold-labels.docx").read_bytes()


def _refusal(reader, data: bytes, source: str) -> str:
    with pytest.raises(QualcodeError) as caught:
        reader(data, source)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{source}:")
    return message


def _docx_with(replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """The fixture .docx with some parts replaced, added or left out."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(DOCX)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        names = original.namelist()
        for name in names:
            if name not in drop:
                package.writestr(name, replace.get(name, original.read(name)))
        for name in replace.keys() - set(names):
            package.writestr(name, replace[name])
    return out.getvalue()


def _declare_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the uncompressed size of member ``name`` falsely declared as ``size``."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        struct.pack_into("<I", patched, package.getinfo(name).header_offset + 22, size)
    entry = patched.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", patched, entry + 28)[0]
        if patched[entry + 46 : entry + 46 + length] == name.encode():
            struct.pack_into("<I", patched, entry + 24, size)
        entry = patched.find(b"PK\x01\x02", entry + 4)
    return bytes(patched)


# --- .docx: zip bombs (item 10) ---------------------------------------------------------------


def test_a_small_docx_that_unpacks_past_the_limit_is_refused():
    bomb = _docx_with({"word/media/padding.bin": bytes(MAX_BYTES + 1_000_000)})
    assert len(bomb) < 100_000
    message = _refusal(read_docx, bomb, "bomb.docx")
    assert "unpacks to more than 20 MB" in message


def test_a_docx_that_lies_about_its_unpacked_size_is_refused():
    bomb = _docx_with({"word/media/padding.bin": bytes(MAX_BYTES + 1_000_000)})
    liar = _declare_size(bomb, "word/media/padding.bin", 1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as package:
        assert sum(info.file_size for info in package.infolist()) < MAX_BYTES
    assert "not a readable .docx file" in _refusal(read_docx, liar, "liar.docx")


def test_a_docx_with_thousands_of_parts_is_refused():
    many = _docx_with({f"customXml/item{i}.xml": b"<a/>" for i in range(2, MAX_MEMBERS + 2)})
    assert f"{MAX_MEMBERS} are accepted" in _refusal(read_docx, many, "many.docx")


def test_a_docx_within_the_limits_is_still_read():
    padded = _docx_with({"word/media/picture.bin": bytes(1_000_000)})
    assert [turn.speaker for turn in read_docx(padded, "ok.docx").turns] == ["TK", "D3", "D1"]


# --- .docx: damaged parts (item 13) -----------------------------------------------------------

DAMAGED_DOCX = {
    "malformed document.xml": {"replace": {"word/document.xml": b"<w:document"}},
    "malformed [Content_Types].xml": {"replace": {"[Content_Types].xml": b"<Types"}},
    "malformed _rels/.rels": {"replace": {"_rels/.rels": b"<Relationships"}},
    "binary document.xml": {"replace": {"word/document.xml": b"\x00\x01\x02"}},
    "document.xml of another kind": {"replace": {"word/document.xml": b"<x/>"}},
    "no document.xml": {"drop": ("word/document.xml",)},
    "no [Content_Types].xml": {"drop": ("[Content_Types].xml",)},
    "no _rels/.rels": {"drop": ("_rels/.rels",)},
}


@pytest.mark.parametrize("damage", sorted(DAMAGED_DOCX))
def test_a_damaged_docx_is_refused_in_one_line(damage):
    data = _docx_with(**DAMAGED_DOCX[damage])
    assert "not a readable .docx file" in _refusal(read_docx, data, "damaged.docx")


def test_a_damaged_docx_upload_is_refused_in_one_line():
    data = _docx_with({"word/document.xml": b"<w:document"})
    assert "not well-formed XML" in _refusal(read_upload, data, "upload.docx")


def test_a_damaged_docx_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "damaged.docx"
    path.write_bytes(_docx_with({"[Content_Types].xml": b"<Types"}))
    with pytest.raises(QualcodeError, match=r"damaged\.docx: not a readable \.docx file"):
        read_transcript(path)
