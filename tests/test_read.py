"""Every transcript reader against one shared corpus of good and bad files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qualcode.errors import QualcodeError
from qualcode.read import LAYOUTS, READERS, UNKNOWN_SPEAKER, read_transcript, reader_for
from qualcode.read.labels import split_turns

CORPUS = Path(__file__).parent / "fixtures" / "transcripts"

# file -> the turns a person reading the file sees: (speaker, text, timestamp)
GOOD = {
    "labels-plain.txt": [
        ("TK", "Hvad har I lagt mærke til?", None),
        ("D", "Jeg sover bedre.\nDet var sådan: en lettelse.", None),
        ("D3", "Ja.", None),
        ("Interviewer", "Og du?", None),
        ("P12", "Mm.", None),
    ],
    "labels-timestamp-before.txt": [
        ("D3", "Jeg sagde det til min chef.", "00:12:31"),
        ("TK", "Hvordan gik det?", "00:12:40"),
        ("D3", "Fint –", "00:12:44"),
        ("D1", "Det gjorde jeg også.", "00:12:45"),
    ],
    "labels-timestamp-after.txt": [
        ("D3", "Jeg holder fri om fredagen.", "00:12:31"),
        ("TK", "Hvorfor?", "00:12:50"),
        ("D3", "Fordi jeg skal.", "00:12:55"),
    ],
    "labels-bold.md": [
        ("TK", "Velkommen.", None),
        ("D3", "Tak.", None),
        ("D4", "Det var ”godt”.", None),
    ],
    "names.txt": [
        ("Anna", "Hej med jer.", None),
        ("Bo", "Hej Anna.\nDet var sådan: mærkeligt.", None),
        ("Anna", "Ja.", None),
        ("Bo", "Nemlig.", None),
    ],
    "bold-labels.docx": [
        ("TK", "Hvordan har I det?", None),
        ("D3", "Jeg har sat grænser.\nOg det hjalp.", None),
        ("D1", "Mm.\nVigtigt er ikke en taler.", None),
    ],
    "voice-tags.vtt": [
        ("TK", "Hvordan har I det?", "00:00:01.000"),
        ("D3", "Jeg har sat grænser. Over for min chef & bestyrelsen.", "00:00:04.500"),
        ("D1", "Mm.", "00:00:12.500"),
    ],
    "name-prefix.vtt": [
        ("TK", "Hvordan har I det?", "00:01.000"),
        ("D3", "Jeg har sat grænser. Over for min chef.", "00:04.500"),
        ("D1", "Mm.", "00:12.500"),
    ],
    "captions.srt": [
        ("Interviewer", "How are you?", "00:00:01.000"),
        ("P2", "I set limits. With my boss.", "00:00:04.500"),
    ],
    "crlf.txt": [("TK", "Hvordan går det?", None), ("D1", "Godt.\nMen travlt.", None)],
}
DANISH = [("TK", "Hvordan går det?", None), ("D1", "Godt, tak – æøå ÆØÅ.", None)]
ENCODINGS = ["utf8-bom.txt", "utf16-le-bom.txt", "utf16-be-bom.txt"]

# file -> (line of the error or None, words the message must contain)
BAD = {
    "empty.txt": (None, "empty"),
    "whitespace.txt": (None, "empty"),
    "binary.txt": (None, "binary"),
    "not-a-zip.docx": (None, ".docx"),
    "no-header.vtt": (1, "WEBVTT"),
    "bad-timing.vtt": (7, "timing"),
    "bad-timing.srt": (5, "timing"),
    "undecodable.txt": (4, "encoding"),
    "broken-utf16.txt": (1, "UTF-16"),
}


def turns_of(path: Path) -> list[tuple[str, str, str | None]]:
    parsed = read_transcript(path)
    for turn in parsed.turns:
        assert parsed.text[turn.start : turn.end] == parsed.turn_text(turn)
    return [(t.speaker, parsed.turn_text(t), t.timestamp) for t in parsed.turns]


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_files_give_the_turns_a_reader_sees(name):
    assert turns_of(CORPUS / name) == GOOD[name]


@pytest.mark.parametrize("name", ENCODINGS)
def test_encodings_are_detected_without_mojibake(name):
    assert turns_of(CORPUS / name) == DANISH


def test_windows_1252_word_export_keeps_danish_letters_and_typographic_quotes():
    assert turns_of(CORPUS / "cp1252.txt") == [
        ("TK", "Hvordan går det?", None),
        ("D1", "Godt, tak – ”æøå” ’ÆØÅ’.", None),
    ]


def test_text_without_speaker_labels_becomes_one_turn_per_paragraph():
    parsed = read_transcript(CORPUS / "no-labels.txt")
    assert [parsed.turn_text(t) for t in parsed.turns] == [
        "Første afsnit handler om krop og søvn.",
        "Andet afsnit om chefen.",
        "Tredje afsnit om netværket.",
    ]
    assert {t.speaker for t in parsed.turns} == {UNKNOWN_SPEAKER}
    assert not parsed.labelled
    assert "no speaker labels" in parsed.notices[0]


def test_header_lines_before_the_first_label_are_not_turns():
    parsed = read_transcript(CORPUS / "labels-plain.txt")
    assert parsed.text.startswith("Interview med netværk 2")
    assert parsed.turns[0].start == parsed.text.index("Hvad har I")


def test_a_sentence_ending_in_a_colon_is_not_a_speaker():
    parsed = split_turns("D1: Det var sådan:\nvi stoppede.\n\nD2: Ja.", "x.txt")
    assert [t.speaker for t in parsed.turns] == ["D1", "D2"]


def test_the_same_interview_as_txt_docx_and_vtt_gives_the_same_turns(sample_dir):
    txt = read_transcript(sample_dir / "netvaerk-3.txt")
    docx = read_transcript(sample_dir / "netvaerk-3.docx")
    assert docx.content_hash == txt.content_hash
    english = read_transcript(sample_dir / "focus-group-en.txt")
    captions = read_transcript(sample_dir / "focus-group-en.vtt")
    assert len(captions.turns) == len(english.turns) == 52
    for a, b in zip(english.turns, captions.turns, strict=True):
        assert a.speaker == b.speaker
        assert english.turn_text(a).split() == captions.turn_text(b).split()


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_get_one_line_naming_file_and_line(name):
    line, words = BAD[name]
    with pytest.raises(QualcodeError) as caught:
        read_transcript(CORPUS / name)
    message = str(caught.value)
    assert "\n" not in message
    where = f"{CORPUS / name}:{line}:" if line else f"{CORPUS / name}:"
    assert message.startswith(where)
    assert words in message


def _bad_inputs() -> dict[str, bytes]:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "not a Word document")
    return {
        "empty": b"",
        "white space": b" \n\t\n",
        "binary": (CORPUS / "binary.txt").read_bytes(),
        "zip without a document": archive.getvalue(),
        "truncated docx": (CORPUS / "bold-labels.docx").read_bytes()[:500],
        "labels only": b"D1:\nTK:\n",
        "PDF": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "NUL after 8 KB": b"D1: ord\n" * 2000 + b"D2: \x00\n",
    }


@pytest.mark.parametrize("bad", sorted(_bad_inputs()))
@pytest.mark.parametrize("suffix", sorted(READERS))
def test_every_reader_refuses_every_bad_input_with_a_clear_error(suffix, bad):
    data = _bad_inputs()[bad]
    with pytest.raises(QualcodeError) as caught:
        READERS[suffix](data, f"input{suffix}")
    assert str(caught.value).startswith(f"input{suffix}:")


@pytest.mark.parametrize("bad", sorted(_bad_inputs()))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_asked_for_refuses_every_bad_input_with_a_clear_error(layout, bad):
    data = _bad_inputs()[bad]
    with pytest.raises(QualcodeError) as caught:
        reader_for("input.txt", layout)(data, "input.txt")
    assert str(caught.value).startswith("input.txt:")


def test_a_layout_is_asked_for_by_name_and_only_for_text_and_documents():
    with pytest.raises(QualcodeError, match=r"a\.txt: unknown layout 'otter'"):
        reader_for("a.txt", "otter")
    with pytest.raises(QualcodeError, match=r"a\.vtt: a layout applies to \.txt .* \.vtt has"):
        reader_for("a.vtt", "labels")


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "huge.txt"
    chunk = ("D1: " + "ord " * 250 + "\n\n").encode()
    with open(big, "wb") as handle:
        for _ in range(50_000_000 // len(chunk) + 1):
            handle.write(chunk)
    with pytest.raises(QualcodeError, match=r"huge\.txt: the file is 50\.\d MB"):
        read_transcript(big)


def test_unknown_formats_and_missing_files_are_named(tmp_path):
    with pytest.raises(QualcodeError, match=r"notes\.pdf: unknown transcript format '\.pdf'"):
        read_transcript(tmp_path / "notes.pdf")
    with pytest.raises(QualcodeError, match=r"gone\.txt: cannot read the file"):
        read_transcript(tmp_path / "gone.txt")
