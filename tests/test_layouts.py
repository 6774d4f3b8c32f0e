"""Transcript layouts (qualcode.read.layouts): each layout on a small hand-written file with its
expected turns (speaker, timestamp, text), the left-out lines, and the readers of structured
outputs and documents that feed them."""

from __future__ import annotations

import io
import json

import pytest

from qualcode.errors import QualcodeError
from qualcode.read.documents import read_html, read_odt, read_rtf
from qualcode.read.layouts import LAYOUTS, read_lines, table_lines
from qualcode.read.structured import read_json, read_tsv

SAMPLES = {
    "otter": (
        "Fokusgruppe 2\n\nTanja Kjær  0:05\nVelkommen. Hvad har I lagt mærke til?\n\n"
        "Søren Ærø  0:12\nJeg sover bedre.\n\nOg jeg mærker efter.\n\nTanja Kjær  0:31\nJa.\n\n"
        "Transcribed by https://otter.ai\n",
        "name-time",
        [
            ("Tanja Kjær", "0:05", "Velkommen. Hvad har I lagt mærke til?"),
            ("Søren Ærø", "0:12", "Jeg sover bedre.\n\nOg jeg mærker efter."),
            ("Tanja Kjær", "0:31", "Ja."),
        ],
        [1, 14],
    ),
    "teams, no blank lines": (
        "Tanja Kjær   0:05\nVelkommen.\nSøren Ærø   0:12\nJeg sover bedre.\n"
        "Tanja Kjær   0:31\nJa.\n",
        "name-time",
        [
            ("Tanja Kjær", "0:05", "Velkommen."),
            ("Søren Ærø", "0:12", "Jeg sover bedre."),
            ("Tanja Kjær", "0:31", "Ja."),
        ],
        [],
    ),
    "zoom txt": (
        "[Tanja Kjær] 10:02:31\nVelkommen.\n[Søren Ærø] 10:02:40\nJeg sover bedre.\n",
        "name-time",
        [("Tanja Kjær", "10:02:31", "Velkommen."), ("Søren Ærø", "10:02:40", "Jeg sover bedre.")],
        [],
    ),
    "rev": (
        "Interviewer (Tanja) (00:13):\nHvad har du lagt mærke til?\n\n"
        "Søren Ærø (00:20):\nJeg sover bedre.\n\nInterviewer (Tanja) (00:31):\nJa.\n",
        "labels",
        [
            ("Interviewer (Tanja)", "00:13", "Hvad har du lagt mærke til?"),
            ("Søren Ærø", "00:20", "Jeg sover bedre."),
            ("Interviewer (Tanja)", "00:31", "Ja."),
        ],
        [],
    ),
    "f4 timestamps at paragraph ends": (
        "I: Hvad har du lagt mærke til? #00:00:05-2#\n\nB1: Jeg sover bedre. #00:00:12-4#\n\n"
        "Og jeg mærker efter. #00:00:20-1#\n\nI: Mm. #00:00:22-0#\n",
        "labels",
        [
            ("I", "00:00:05-2", "Hvad har du lagt mærke til?"),
            ("B1", "00:00:12-4", "Jeg sover bedre.\nOg jeg mærker efter."),
            ("I", "00:00:22-0", "Mm."),
        ],
        [],
    ),
    "otranscribe with a non-breaking space": (
        "00:22\u00a0Søren: Jeg sover bedre.\n00:31 Tanja: Ja.\n00:40 Søren: Og jeg mærker efter.\n",
        "time-name",
        [
            ("Søren", "00:22", "Jeg sover bedre."),
            ("Tanja", "00:31", "Ja."),
            ("Søren", "00:40", "Og jeg mærker efter."),
        ],
        [],
    ),
    "maxqda": (
        "00:00:05.0I: Hvad har du lagt mærke til?\n00:00:12.4B: Jeg sover bedre.\n"
        "00:00:20.1I: Mm.\n",
        "time-name",
        [
            ("I", "00:00:05.0", "Hvad har du lagt mærke til?"),
            ("B", "00:00:12.4", "Jeg sover bedre."),
            ("I", "00:00:20.1", "Mm."),
        ],
        [],
    ),
    "speaker alone on a line": (
        "SPEAKER_00\nHvad har du lagt mærke til?\n\nSPEAKER_01\nJeg sover bedre.\n\n"
        "SPEAKER_00\nMm.\n",
        "name-alone",
        [
            ("SPEAKER_00", None, "Hvad har du lagt mærke til?"),
            ("SPEAKER_01", None, "Jeg sover bedre."),
            ("SPEAKER_00", None, "Mm."),
        ],
        [],
    ),
    "older teams": (
        "0:0:0.0 --> 0:0:5.200\nTanja Kjær\nHvad har du lagt mærke til?\n\n"
        "0:0:5.200 --> 0:0:9.100\nSøren Ærø\nJeg sover bedre.\n",
        "range-name",
        [
            ("Tanja Kjær", "0:0:0.0", "Hvad har du lagt mærke til?"),
            ("Søren Ærø", "0:0:5.200", "Jeg sover bedre."),
        ],
        [],
    ),
    "google meet": (
        "Møde 12. marts\n\n00:00:00\n\nTanja Kjær: Velkommen.\nSøren Ærø: Jeg sover bedre.\n\n"
        "00:05:00\n\nTanja Kjær: Ja.\nTranscription ended after 00:45:12\n",
        "labels",
        [
            ("Tanja Kjær", "00:00:00", "Velkommen."),
            ("Søren Ærø", None, "Jeg sover bedre."),
            ("Tanja Kjær", "00:05:00", "Ja."),
        ],
        [1, 11],
    ),
    "descript": (
        "Tanja Kjær: [00:01:00] Velkommen.\n\nSøren Ærø: [00:01:10] Jeg sover bedre.\n",
        "labels",
        [("Tanja Kjær", "00:01:00", "Velkommen."), ("Søren Ærø", "00:01:10", "Jeg sover bedre.")],
        [],
    ),
    "whisperx txt": (
        "[SPEAKER_00]: Velkommen.\n[SPEAKER_01]: Jeg sover bedre.\n",
        "labels",
        [("SPEAKER_00", None, "Velkommen."), ("SPEAKER_01", None, "Jeg sover bedre.")],
        [],
    ),
    "trint": (
        "[00:00:05] Tanja Kjær\nVelkommen.\n\n[00:00:12] Søren Ærø\nJeg sover bedre.\n",
        "time-then-name",
        [("Tanja Kjær", "00:00:05", "Velkommen."), ("Søren Ærø", "00:00:12", "Jeg sover bedre.")],
        [],
    ),
    "labels, a sentence with a colon stays text": (
        "TK: Hvad har I lagt mærke til?\n\nD1: Jeg sover bedre.\nDet var sådan: godt.\n\n"
        "D2: Jeg har sagt fra.\n",
        "labels",
        [
            ("TK", None, "Hvad har I lagt mærke til?"),
            ("D1", None, "Jeg sover bedre.\nDet var sådan: godt."),
            ("D2", None, "Jeg har sagt fra."),
        ],
        [],
    ),
}


def turns_of(parsed):
    return [(t.speaker, t.timestamp, parsed.turn_text(t)) for t in parsed.turns]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_layout_reads_its_sample(name):
    text, layout, expected, left_out = SAMPLES[name]
    parsed = read_lines(text.rstrip("\n").split("\n"), "sample.txt")
    assert parsed.layout == layout
    assert turns_of(parsed) == expected
    if left_out:
        assert parsed.notices[-1].endswith(f"(lines {', '.join(map(str, left_out))})")
    else:
        assert parsed.notices == []


def test_a_plain_file_keeps_its_text_and_a_timestamped_one_is_rebuilt():
    text, *_ = SAMPLES["labels, a sentence with a colon stays text"]
    assert read_lines(text.split("\n"), "a.txt").text == text
    f4, *_ = SAMPLES["f4 timestamps at paragraph ends"]
    rebuilt = read_lines(f4.split("\n"), "b.txt")
    assert "#" not in rebuilt.text and rebuilt.text.startswith("I: Hvad har du lagt mærke til?")


def test_a_layout_can_be_forced_and_an_unknown_one_is_refused():
    text, *_ = SAMPLES["otter"]
    forced = read_lines(text.split("\n"), "a.txt", layout="labels")
    assert forced.layout is None and {t.speaker for t in forced.turns} == {"?"}
    with pytest.raises(QualcodeError, match="unknown layout 'otterai'"):
        read_lines(text.split("\n"), "a.txt", layout="otterai")
    assert set(LAYOUTS) >= {"labels", "name-time", "time-name", "name-alone"}


def test_a_word_table_becomes_labelled_lines():
    rows = [
        ["Tid", "Taler", "Tekst"],
        ["00:00:05", "Interviewer", "Hvad har I lagt mærke til?"],
        ["00:00:12 - 00:00:20", "Søren Ærø", "Jeg sover bedre.\nOg jeg mærker efter."],
        ["", "", "Det er rart."],
        ["00:00:31", "Interviewer", "Ja."],
    ]
    assert table_lines(rows) == [
        "[00:00:05] Interviewer: Hvad har I lagt mærke til?",
        "[00:00:12] Søren Ærø: Jeg sover bedre.",
        "Og jeg mærker efter.",
        "Det er rart.",
        "[00:00:31] Interviewer: Ja.",
    ]


WHISPERX = {
    "segments": [
        {"start": 0.03, "end": 2.1, "text": " Velkommen allesammen.", "speaker": "SPEAKER_00"},
        {"start": 2.2, "end": 3.0, "text": " Hvad har I lagt mærke til?", "speaker": "SPEAKER_00"},
        {"start": 3.5, "end": 5.25, "text": " Jeg sover bedre.", "speaker": "SPEAKER_01"},
        {"start": 65.25, "end": 66.0, "text": " Mm.", "speaker": "SPEAKER_00"},
    ],
    "word_segments": [],
}


def test_whisperx_json_merges_a_speakers_segments():
    parsed = read_json(json.dumps(WHISPERX).encode(), "a.json")
    assert turns_of(parsed) == [
        ("SPEAKER_00", "00:00:00.030", "Velkommen allesammen. Hvad har I lagt mærke til?"),
        ("SPEAKER_01", "00:00:03.500", "Jeg sover bedre."),
        ("SPEAKER_00", "00:01:05.250", "Mm."),
    ]
    plain = [{"timestamp": [0, 2], "text": " Hej."}, {"timestamp": [2, 3], "text": " Ja."}]
    undiarised = read_json(json.dumps(plain).encode(), "b.json")
    assert [t[2] for t in turns_of(undiarised)] == ["Hej.", "Ja."]
    assert "not diarised" in undiarised.notices[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"segments": [', "b.json:1: not valid JSON"),
        (b'{"text": "x"}', 'no "segments" list'),
        (b'{"segments": [{"text": 5}]}', 'segment 1 has no "text"'),
        (b'{"segments": [{"text": "x", "start": "soon"}]}', '"start" is not a number'),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_json_is_one_line_naming_the_file(data, message):
    with pytest.raises(QualcodeError, match=message.replace("[", r"\[")) as error:
        read_json(data, "b.json")
    assert "\n" not in str(error.value) and str(error.value).startswith("b.json")


def test_whisper_tsv_has_one_turn_per_segment():
    data = b"start\tend\ttext\n0\t2000\t Hej.\n2000\t3500\t Ja, hej.\n"
    parsed = read_tsv(data, "a.tsv")
    assert turns_of(parsed) == [("?", "00:00:00.000", "Hej."), ("?", "00:00:02.000", "Ja, hej.")]
    with pytest.raises(QualcodeError, match="a.tsv:3: the start is not a number"):
        read_tsv(b"start\tend\ttext\n0\t1\tx\nsoon\t2\ty\n", "a.tsv")


def test_html_odt_and_rtf_are_read_by_paragraph():
    html = (
        "<html><head><style>p{}</style><script>x()</script></head><body><h1>Fokusgruppe</h1>"
        "<p><b>Tanja Kjær:</b> Hvad har I lagt mærke til?</p><p>Søren Ærø: Jeg sover bedre."
        "<br>Og jeg mærker efter.</p><table><tr><th>Taler</th><th>Tekst</th></tr>"
        "<tr><td>Tanja Kjær</td><td>Ja.</td></tr><tr><td>Søren Ærø</td><td>Godt.</td></tr>"
        "</table></body></html>"
    ).encode()
    assert turns_of(read_html(html, "a.html")) == [
        ("Tanja Kjær", None, "Hvad har I lagt mærke til?"),
        ("Søren Ærø", None, "Jeg sover bedre.\nOg jeg mærker efter."),
        ("Tanja Kjær", None, "Ja."),
        ("Søren Ærø", None, "Godt."),
    ]
    rtf = (
        rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard TK: Hvad har I lagt m\'e6rke til?"
        rb"\par\par D1: Jeg sover bedre.\par D2: Jeg har sagt fra.\par}"
    )
    assert turns_of(read_rtf(rtf, "a.rtf")) == [
        ("TK", None, "Hvad har I lagt mærke til?"),
        ("D1", None, "Jeg sover bedre."),
        ("D2", None, "Jeg har sagt fra."),
    ]
    with pytest.raises(QualcodeError, match="a.rtf:1: not an RTF file"):
        read_rtf(b"TK: hej", "a.rtf")
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Interview 3"))
    for line in ["I: Hvad har du lagt mærke til?", "B: Jeg sover bedre.", "I: Mm."]:
        document.text.addElement(P(text=line))
    buffer = io.BytesIO()
    document.write(buffer)
    assert turns_of(read_odt(buffer.getvalue(), "a.odt")) == [
        ("I", None, "Hvad har du lagt mærke til?"),
        ("B", None, "Jeg sover bedre."),
        ("I", None, "Mm."),
    ]
    with pytest.raises(QualcodeError, match="a.odt: not a readable .odt file"):
        read_odt(b"PK\x03\x04broken", "a.odt")


@pytest.mark.parametrize(
    "line",
    [
        "Tanja Kjær" + " " * 300_000 + "0:05x",
        "[00:00:05]" + " " * 300_000 + "x",
        "00:22" + "\u00a0" * 300_000 + "Søren x",
        "**D1" + " " * 300_000 + "x",
        "D1: a" + " " * 300_000 + "#00:00:01-2#",
        "I: " + "#" * 300_000,
        "x" + "¤<" * 100_000,
    ],
    ids=["name spaces time", "time spaces", "nbsp", "bold spaces", "f4 spaces", "hashes", "marks"],
)
def test_hostile_lines_are_read_in_linear_time(line):
    """Each would take minutes with a pattern that backtracks over the run of spaces."""
    parsed = read_lines(["TK: Hej.", line, "D2: Ja."], "hostile.txt")
    assert parsed.turns[0].speaker == "TK" and parsed.turn_text(parsed.turns[-1]) == "Ja."


def test_an_odt_that_unpacks_past_the_limit_is_refused():
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<x>" + " " * 21_000_000 + "</x>")
    with pytest.raises(QualcodeError, match=r"big\.odt: the \.odt unpacks to more than 20 MB"):
        read_odt(archive.getvalue(), "big.odt")
