"""Hostile and broken transcript files, generated at test time: each is refused with one line
naming the file (and line), or read without losing anything."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from qualcode.errors import QualcodeError
from qualcode.read import MAX_BYTES, READERS, read_transcript
from qualcode.read.captions import _blocks
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


# --- what is not text (item 17) ---------------------------------------------------------------


def test_a_nul_byte_deep_in_the_file_is_refused_naming_its_line():
    data = b"D1: Hej.\n" * 2000 + b"D2: Ja\x00 nej.\n"
    assert len(data) > 16_000
    message = _refusal(READERS[".txt"], data, "late.txt")
    assert message.startswith("late.txt:2001: this is a binary file")
    assert "U+0000" in message


@pytest.mark.parametrize("suffix", [".txt", ".md", ".srt", ".vtt"])
@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x1b", "\x1f", "\x7f"])
def test_control_characters_anywhere_are_refused_by_every_text_reader(suffix, control):
    head = "WEBVTT\n\n" if suffix == ".vtt" else ""
    cues = "".join(f"{i}\n00:00:0{i}.000 --> 00:00:0{i}.500\nD1: ord\n\n" for i in range(1, 4))
    data = (head + cues + f"4\n00:00:05.000 --> 00:00:06.000\nD2: a{control}b\n").encode()
    line = data.decode().count("\n")
    assert _refusal(READERS[suffix], data, f"x{suffix}").startswith(f"x{suffix}:{line}: ")


def test_tabs_page_breaks_and_line_ends_are_text():
    parsed = READERS[".txt"](b"D1: a\tb\fc\r\nD2: d\re", "ok.txt")
    assert [parsed.turn_text(turn) for turn in parsed.turns] == ["a\tb\fc", "d\ne"]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF file"),
        (b"PK\x03\x04" + b"D1: text\n" * 10, "a zip archive (a .docx"),
    ],
)
def test_a_binary_format_renamed_txt_is_named(data, kind):
    assert f"this is {kind}" in _refusal(READERS[".txt"], data, "x.txt")


# --- UTF-8 with stray Windows-1252 bytes (item 18) --------------------------------------------


def test_one_stray_windows_1252_byte_keeps_the_utf8_and_names_its_line():
    data = "TK: Hej æøå.\nD1: Jeg har det godt.\n".encode() + b"D2: Det g\xf8r jeg ogs\xe5.\n"
    parsed = READERS[".txt"](data, "mixed.txt")
    assert [parsed.turn_text(turn) for turn in parsed.turns] == [
        "Hej æøå.",
        "Jeg har det godt.",
        "Det gør jeg også.",
    ]
    assert parsed.notices[0] == (
        "mixed.txt:3: UTF-8 text with 2 byte(s) that are not UTF-8, read as Windows-1252 "
        "('øå', line 3): check the text there"
    )


def test_a_stray_byte_that_is_not_windows_1252_either_is_refused_naming_its_line():
    data = "TK: Hej æøå.\nD1: Ja g\udcf8r.\n".encode("utf-8", "surrogateescape") + b"D2: \x81\n"
    message = _refusal(READERS[".txt"], data, "bad.txt")
    assert message.startswith("bad.txt:3: unknown text encoding")
    assert "(0x81)" in message


# --- UTF-16 without a BOM (item 21) -----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(encoding):
    data = "TK: Hvordan går det?\r\nD1: Godt – æøå.\r\n".encode(encoding)
    parsed = READERS[".txt"](data, "no-bom.txt")
    assert [(t.speaker, parsed.turn_text(t)) for t in parsed.turns] == [
        ("TK", "Hvordan går det?"),
        ("D1", "Godt – æøå."),
    ]


def test_utf16_without_a_bom_cut_in_the_middle_of_a_character_is_named():
    data = "TK: Hej.\nD1: Ja".encode("utf-16-le")[:-1]
    message = _refusal(READERS[".txt"], data, "cut.txt")
    assert message.startswith("cut.txt:2: not valid UTF-16-LE text")


# --- captions in linear time (item 11; the figures are in benchmarks/bench_read.py) -----------


class ScanCounting(str):
    """Text that adds up how many characters ``count`` scans."""

    scanned = 0

    def count(self, sub, start=0, end=None):
        end = len(self) if end is None else end
        ScanCounting.scanned += max(0, end - start)
        return super().count(sub, start, end)


def test_caption_blocks_are_numbered_in_one_pass_over_the_text():
    text = "".join(f"{i}\n00:00:01,000 --> 00:00:02,000\nD1: ord\n\n\n" for i in range(2000))
    ScanCounting.scanned = 0
    blocks = _blocks(ScanCounting(text))
    assert [line for line, _ in blocks[:3]] == [1, 6, 11]
    assert blocks[-1] == (5 * 1999 + 1, ["1999", "00:00:01,000 --> 00:00:02,000", "D1: ord"])
    assert ScanCounting.scanned <= 2 * len(text)


@pytest.mark.parametrize(
    "payload",
    [
        "<" * 100_000,
        "<v " + "a " * 50_000,
        "<v D1" + " " * 100_000,
        "<i>" + "&lt;" * 20_000,
    ],
    ids=["open brackets", "unclosed voice tag", "voice tag of spaces", "entities"],
)
def test_hostile_cue_text_is_read_in_linear_time(payload):
    first = f"1\n00:00:01,000 --> 00:00:02,000\n{payload}"
    data = f"{first}\n\n2\n00:00:03,000 --> 00:00:04,000\nD2: ja"
    parsed = READERS[".srt"](data.encode(), "hostile.srt")
    assert parsed.turn_text(parsed.turns[-1]).endswith("ja")


def test_a_timing_line_of_a_million_digits_is_refused_at_once():
    data = f"1\n{'1' * 1_000_000} -->\nD1: ja\n".encode()
    assert "timing" in _refusal(READERS[".srt"], data, "digits.srt")


def test_many_cues_of_one_speaker_merge_into_one_turn():
    cues = "".join(f"{i}\n00:00:01,000 --> 00:00:02,000\nD1: ord {i}\n\n" for i in range(5000))
    parsed = READERS[".srt"](cues.encode(), "long.srt")
    assert len(parsed.turns) == 1
    assert parsed.turn_text(parsed.turns[0]) == " ".join(f"ord {i}" for i in range(5000))


# --- labels without text (item 19) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        (".txt", b"D1:\nTK:\n"),
        (".md", b"# Fokusgruppe\n\n**TK:**\n\n**D3:** \n"),
        (".srt", b"1\n00:00:01,000 --> 00:00:02,000\nD1:\n\n2\n00:00:03,000 --> 00:00:04,000\nTK:"),
        (".vtt", b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v D1>\n\n00:03.000 --> 00:04.000\nTK:"),
    ],
)
def test_labels_without_any_text_are_refused(suffix, data):
    _refusal(READERS[suffix], data, f"labels{suffix}")


def test_an_import_of_labels_only_is_refused_and_stores_nothing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from qualcode.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    (tmp_path / "cut.txt").write_text("D1:\nTK:\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    before = (tmp_path / "qualcode.db").read_bytes()
    result = runner.invoke(cli, ["import", "cut.txt"])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "Error: cut.txt: the file has speaker labels (2) but no text after any of them"
    ]
    assert (tmp_path / "qualcode.db").read_bytes() == before


def test_a_qdpx_whose_inline_text_is_only_labels_is_refused_and_stores_nothing(project, tmp_path):
    from qualcode.refi import import_qdpx

    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        'name="cut" origin="test"><Sources><TextSource '
        'guid="11111111-2222-3333-4444-555555555555" name="cut">'
        "<PlainTextContent>D1:\nTK:\n</PlainTextContent></TextSource></Sources></Project>"
    )
    path = tmp_path / "cut.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
    with pytest.raises(QualcodeError, match=r"cut\.qdpx:cut: the file has speaker labels \(2\)"):
        import_qdpx(project, path)
    assert project.transcripts() == []


# --- bold in the text after a label (item 20) -------------------------------------------------


@pytest.mark.parametrize(
    ("line", "speaker", "text"),
    [
        ("D3: **bold**", "D3", "**bold**"),
        ("D3: __bold__ ord", "D3", "__bold__ ord"),
        ("**D3:** **bold** ord", "D3", "**bold** ord"),
        ("**D3**: **bold**", "D3", "**bold**"),
        ("**D3:** ord", "D3", "ord"),
        ("__D3:__ ord", "D3", "ord"),
        ("[00:12:31] **D3:** ord", "D3", "ord"),
        ("**[00:12:31] D3:** ord", "D3", "ord"),
    ],
)
def test_bold_after_a_label_is_kept_exactly(line, speaker, text):
    parsed = READERS[".md"](f"TK: Hej.\n{line}\n".encode(), "bold.md")
    turn = parsed.turns[-1]
    assert (turn.speaker, parsed.turn_text(turn)) == (speaker, text)


def test_a_label_followed_by_a_long_run_of_spaces_is_matched_in_linear_time():
    line = "D1" + " " * 300_000 + "x"
    parsed = READERS[".txt"](f"TK: Hej.\n{line}\nD2: Ja.".encode(), "spaces.txt")
    assert [turn.speaker for turn in parsed.turns] == ["TK", "D2"]


def test_stray_bytes_on_many_lines_are_all_counted_and_the_first_lines_named():
    lines = ["TK: Hej æøå."] + [f"D1: linje {i} g\udcf8r" for i in range(2, 10)]
    data = "\n".join(lines).encode("utf-8", "surrogateescape")
    parsed = READERS[".txt"](data, "many.txt")
    assert parsed.turn_text(parsed.turns[-1]) == "linje 9 gør"
    assert parsed.notices[0].startswith("many.txt:2: UTF-8 text with 8 byte(s)")
    assert "line 2, 3, 4, 5, 6, …)" in parsed.notices[0]


def nested_html(levels: int, newline_every: int = 50) -> bytes:
    """A transcript inside ``levels`` nested <div>s, a line break every ``newline_every``."""
    opening = "".join(
        "<div>" + ("\n" if (i + 1) % newline_every == 0 else "") for i in range(levels)
    )
    return (
        f"<html><body>{opening}<p>D1: Jeg sætter grænser.</p><p>TK: Hvordan?</p>"
        + "</div>" * levels
        + "</body></html>"
    ).encode()


def test_html_nested_deeper_than_the_parser_keeps_is_refused_not_read_as_empty():
    turns = READERS[".html"](nested_html(240), "deep.html").turns
    assert [turn.speaker for turn in turns] == ["D1", "TK"]
    # libxml2 drops whatever lies deeper than about 255 levels: the speaker turns would be
    # lost without a word. The deepest kept element sits on line 254 // 50 + 1 = 6.
    for levels in (300, 5000):
        message = _refusal(READERS[".html"], nested_html(levels), "deep.html")
        assert message == (
            "deep.html:6: elements nested more than 254 levels deep: not an HTML transcript "
            "qualcode can read"
        )
