"""The workbench's HTML (qualcode.app.markup) and the upload preview (qualcode.read.upload):
transcript text is always escaped; previews match what an import stores."""

from __future__ import annotations

import pytest

from qualcode.app.markup import (
    INTERVIEWER_COLOR,
    code_tip,
    highlight,
    literal,
    pill_colors,
    speaker_colors,
    text_spans,
    turn_html,
)
from qualcode.codebook import PALETTE, Code
from qualcode.errors import QualcodeError
from qualcode.read import read_transcript
from qualcode.read.upload import preview, read_upload


def test_highlight_escapes_text_inside_and_outside_the_marks():
    text = "D1 said <b>stop</b> & left"
    assert highlight(text, [(8, 19)]) == "D1 said <mark>&lt;b&gt;stop&lt;/b&gt;</mark> &amp; left"
    assert highlight("<script>alert(1)</script>", []) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_highlight_merges_overlaps_and_clips_stale_spans():
    text = "kroppen siger fra"
    assert highlight(text, [(8, 13), (0, 7), (5, 10)]) == "<mark>kroppen siger</mark> fra"
    assert highlight(text, [(14, 99), (-3, 2), (9, 9), (40, 50)]) == (
        "<mark>kr</mark>oppen siger <mark>fra</mark>"
    )
    assert (
        highlight(text, [(0, 7)], css_class='ev"x')
        == '<mark class="ev&quot;x">kroppen</mark> siger fra'
    )


def test_text_spans_ignore_case_including_danish_letters():
    text = "Ærligt talt, var det ærlig snak"
    assert text_spans(text, "ærlig") == [(0, 5), (21, 26)]
    assert text_spans(text, "  ") == []
    assert text_spans("Straße und STRASSE", "strasse") == []  # folding changes offsets: no marks


def test_a_turn_card_escapes_speaker_text_and_memo():
    turn = {
        "speaker": "<D1>",
        "role": "participant",
        "turn": 3,
        "timestamp": "00:12:31",
        "text": "I said <i>no</i>",
    }
    card = turn_html(
        turn, "#4e79a7", chips=[("<Grænser>", "#e15759")], spans=[(7, 16)], memo="<ok>"
    )
    assert "<i>" not in card and "&lt;i&gt;no&lt;/i&gt;" in card
    assert "&lt;D1&gt;" in card and "&lt;Grænser&gt;" in card and "Memo: &lt;ok&gt;" in card
    assert "<mark>&lt;i&gt;no&lt;/i&gt;</mark>" in card and "00:12:31" in card
    interviewer = turn_html({**turn, "role": "interviewer"}, INTERVIEWER_COLOR)
    assert "qc-interviewer" in interviewer and "qc-interviewer" not in card


def test_speakers_get_palette_colours_and_interviewers_grey():
    speakers = [
        {"label": "TK", "role": "interviewer"},
        {"label": "D1", "role": "participant"},
        {"label": "D2", "role": "participant"},
    ]
    assert speaker_colors(speakers) == {"TK": INTERVIEWER_COLOR, "D1": PALETTE[0], "D2": PALETTE[1]}


def test_pill_colours_use_only_valid_colours():
    css = pill_colors(["#4e79a7", "red;}body{display:none", None], "codes-")
    assert "nth-of-type(1)" in css and "#4e79a7" in css
    assert "display:none" not in css and css.count("#9c9c9c") == 6
    assert pill_colors([], "codes-") == ""


def test_an_upload_previews_what_the_import_stores(sample_dir, project):
    path = sample_dir / "netvaerk-1.txt"
    parsed = read_upload(path.read_bytes(), path.name)
    shown = preview(parsed, turns=3)
    assert shown["language"] == "da" and shown["turns"] == len(read_transcript(path).turns)
    assert [row["turn"] for row in shown["rows"]] == [1, 2, 3]
    project.add_transcripts([("netvaerk-1", parsed)])
    stored = {s["label"]: s["turns"] for s in project.speakers("netvaerk-1")}
    assert {s["speaker"]: s["turns"] for s in shown["speakers"]} == stored
    assert shown["words"] == project.transcripts()[0]["words"]
    assert shown["rows"][1]["text"] == project.turns("netvaerk-1", limit=2)[1]["text"]


@pytest.mark.parametrize("name", ["netvaerk-3.docx", "focus-group-en.vtt"])
def test_every_upload_format_reads_like_the_file(sample_dir, name):
    path = sample_dir / name
    assert read_upload(path.read_bytes(), name).turns == read_transcript(path).turns


def test_bad_uploads_are_refused_with_the_file_name():
    with pytest.raises(QualcodeError, match=r"interview\.pdf: unknown transcript format '\.pdf'"):
        read_upload(b"%PDF-1.4", "interview.pdf")
    with pytest.raises(QualcodeError, match=r"big\.txt: the file is 0\.0 MB"):
        read_upload(b"D1: " + b"x" * 100, "big.txt", max_bytes=50)


def test_literal_escapes_every_markdown_character():
    hostile = "![x](http://h/p.png) **b** :red[r] $x$ <i>\n# h"
    assert literal(hostile) == r"\!\[x\]\(http\://h/p\.png\) \*\*b\*\* \:red\[r\] \$x\$ \<i\> \# h"
    assert literal("Søren Ærø") == "Søren Ærø"


def test_the_preview_shows_the_lines_no_speaker_says():
    from pathlib import Path

    sample = Path(__file__).with_name("layouts") / "otter-txt" / "sample.txt"
    shown = preview(read_upload(sample.read_bytes(), "otter.txt"))
    assert shown["left_out"] == [{"line": 82, "text": "Transcribed by https://otter.ai"}]
    assert shown["rows"][0]["speaker"] == "Sarah Whitfield"


def test_marks_show_each_code_in_its_colour_and_stay_escaped():
    from qualcode.app.markup import Mark, marked

    text = "I <said> no to my boss"  # 0..22
    marks = [
        Mark(2, 11, "coded", "#e15759", 'Grænser "sat"', "boundaries"),
        Mark(9, 11, "coded", "#4e79a7", "Awareness", "awareness"),
        Mark(9, 11, "evidence", "#59a14f", "Community", "community"),
        Mark(18, 22, "hit"),
        Mark(20, 40, "evidence", "javascript:x", "Odd", "odd"),  # a bad colour is not used
        Mark(30, 35, "coded", "#000000", "Gone", "gone"),  # past the end: dropped
    ]
    assert marked(text, marks) == (
        "I "
        '<mark class="qc-m qc-coded" style="--qc-c:#e15759" title="coded Grænser &quot;sat&quot;"'
        ' data-codings="boundaries:2:11">&lt;said&gt; </mark>'
        '<mark class="qc-m qc-coded qc-evidence" style="--qc-c:#4e79a7;--qc-e:#59a14f" '
        'title="coded Awareness, Grænser &quot;sat&quot; · suggested Community" '
        'data-codings="awareness:9:11 boundaries:2:11">no</mark>'
        " to my "
        '<mark class="qc-m qc-hit" title="found">bo</mark>'
        '<mark class="qc-m qc-evidence qc-hit" style="--qc-e:#9c9c9c" '
        'title="suggested Odd · found">ss</mark>'
    )


def test_a_code_tip_gives_the_description_and_the_rules_in_the_transcript_language():
    code = Code(
        key="calm",
        label={"en": "Calm", "da": "Ro"},
        description="Moments of <b>rest</b>.",
        include=["explicit rest", "breathing"],
        exclude=["sleep"],
    )
    assert code_tip(code, "da") == (
        "Ro: Moments of <b>rest</b>.\nInclude: explicit rest; breathing\nExclude: sleep"
    )
    assert code_tip(Code(key="bare", label={"en": "Bare"}), "en") == ""
