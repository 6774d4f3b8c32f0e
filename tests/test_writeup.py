"""The thematic write-up, the framework matrix and saturation, on the hand-counted study
(tests/conftest.py).

ann's codings (turn: codes): t1#1 (interviewer) community; t1#2 awareness.body; t1#3
conditions; t1#5 boundaries; t1#6 boundaries, awareness; t2#2 awareness.body (a span);
t2#3 community; t3#2 conditions. t1 is group G1 (D1, D2: 4 participant turns); t2 (P1, P2:
3) and t3 (P1: 1) are G2. Pseudonyms in transcript and first-turn order: t1 TK I01, D1 P01,
D2 P02; t2 P1 P03, P2 P04; t3 P1 P05. ben codes t1 and t2 only.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from conftest import SPAN, T1, T2

from qualcode.analyse import report
from qualcode.analyse.project_agreement import project_agreement
from qualcode.analyse.saturation import saturation
from qualcode.cli import cli
from qualcode.export.framework import framework
from qualcode.export.themes import themes
from qualcode.export.writeup import write_framework, write_writeup

T1_TURNS = [block.split(": ", 1)[1].strip() for block in T1.strip().split("\n\n")]
T2_TURNS = [block.split(": ", 1)[1].strip() for block in T2.strip().split("\n\n")]


def by_code(writeup):
    return {theme.code: theme for theme in writeup.themes}


def test_the_writeup_counts_what_the_frequency_report_counts(study):
    writeup = themes(study, coder="ann")
    found = by_code(writeup)
    assert list(found) == ["awareness", "conditions", "boundaries", "community", "unused"]
    frequency = {row["code"]: row for row in report.frequency(study, coder="ann").rows()}
    for key, theme in found.items():
        row = frequency[key]
        assert (theme.participants, theme.turns, theme.transcripts) == (
            row["participants"],
            row["participant_turns"],
            row["transcripts"],
        )
        assert theme.turns / theme.of_turns == pytest.approx(row["share"])
    groups = {
        (row["group"], row["code"]): row
        for row in report.frequency(study, by="group", coder="ann").rows()
    }
    for key, theme in found.items():
        for share in theme.groups:
            row = groups[(share.group, key)]
            assert (share.participants, share.turns) == (
                row["participants"],
                row["participant_turns"],
            )
    # by hand: awareness on t1#2 (D1), t1#6 (D2), t2#2 (P1): 3 of 5 participants, 3 of 8 turns
    assert found["awareness"].prevalence() == (
        "raised by 3 of 5 participants, in both groups; 3 of 8 participant turns (38%)"
    )
    assert found["boundaries"].prevalence() == (
        "raised by 2 of 5 participants, in one of two groups (G1); 2 of 8 participant turns (25%)"
    )
    assert found["community"].prevalence().startswith("raised by 1 of 5 participants")
    assert found["unused"].prevalence() == (
        "raised by 0 of 5 participants, in no group; 0 of 8 participant turns (0%)"
    )
    assert [(g.group, g.of_participants, g.of_turns) for g in found["awareness"].groups] == [
        ("G1", 2, 4),
        ("G2", 3, 4),
    ]
    assert found["awareness"].sub_codes == [("awareness.body", "Body", 2)]
    assert found["awareness"].cooccurring == [("boundaries", "Boundaries", 1)]
    assert found["community"].cooccurring == []  # its only other turn is the interviewer's
    assert writeup.participants == 5 and writeup.interviewer_turns == 4
    assert writeup.left_out == []


def test_agreement_is_the_agreement_report_with_its_interval(study):
    found = by_code(themes(study, coder="ann"))
    expected = project_agreement(study, ["ann", "ben"], "turn", rollup=True, ci=True, seed=1)
    for row in expected["codes"]:
        agreement = found[row["code"]].agreement if row["code"] in found else None
        if agreement is None:
            continue
        assert agreement.alpha == row["krippendorff_alpha"]
        assert agreement.low == row["intervals"]["krippendorff_alpha"]["low"]
        assert agreement.coders == ["ann", "ben"]


def test_quotes_are_each_participants_longest_coded_passage_across_groups(study):
    awareness = by_code(themes(study, coder="ann"))["awareness"]
    assert [(q.speaker, q.group, q.text.strip()) for q in awareness.quotes] == [
        ("P01", "G1", T1_TURNS[1]),  # the longest first
        ("P03", "G2", T2_TURNS[1][slice(*SPAN)]),  # then the other group: the coded span
        ("P02", "G1", T1_TURNS[5]),
    ]
    boundaries = by_code(themes(study, coder="ann"))["boundaries"]
    assert [(q.speaker, q.turn) for q in boundaries.quotes] == [("P01", 5), ("P02", 6)]


def test_a_transcript_the_coder_did_not_code_is_left_out_and_said(study):
    writeup = themes(study, coder="ben")
    assert writeup.transcripts == ["t1", "t2"] and writeup.left_out == ["t3"]
    assert writeup.participants == 4 and writeup.participant_turns == 7
    assert "Left out, as ben did not code them: t3." in writeup.methods()


def test_the_writeup_files_hold_one_heading_per_theme_and_the_text_escaped(study, tmp_path):
    writeup = themes(study, coder="ann")
    write_writeup(writeup, tmp_path / "themes.docx")
    with zipfile.ZipFile(tmp_path / "themes.docx") as archive:
        body = archive.read("word/document.xml").decode()
    headings = re.findall(r'<w:pStyle w:val="Heading1"/>.*?<w:t[^>]*>([^<]*)</w:t>', body)
    assert headings == ["Awareness", "Conditions", "Boundaries", "Community", "Nobody uses this"]
    assert "“Jeg sover dårligt. Kroppen siger fra.”" in body
    assert "— P01, G1" in body
    write_writeup(themes(study, coder="ann", codes=["conditions"]), tmp_path / "themes.html")
    page = (tmp_path / "themes.html").read_text()
    # t3's turn holds markup: it shows as text, escaped
    assert "My boss asks *too* much &lt;b&gt;really&lt;/b&gt;." in page
    assert "<b>" not in page and "http" not in page
    write_writeup(writeup, tmp_path / "themes.md")
    text = (tmp_path / "themes.md").read_text()
    assert text.count("\n## ") == 5
    assert "> I notice my body now.\n>\n> — P03, G2" in text


def test_the_framework_cells_hold_exactly_the_coded_passages(study, tmp_path):
    matrix = framework(study, coder="ann", pseudonymize=True)
    assert [(row.group, row.participant) for row in matrix.rows] == [
        ("G1", "P01"),
        ("G1", "P02"),
        ("G2", "P03"),
        ("G2", "P04"),
        ("G2", "P05"),
    ]
    assert [key for key, _ in matrix.themes] == [
        "awareness",
        "conditions",
        "boundaries",
        "community",
        "unused",
    ]
    cells = {row.participant: matrix.cells(row) for row in matrix.rows}
    assert cells["P01"] == [
        f"{T1_TURNS[1]} (turn 2)",
        "",
        f"{T1_TURNS[4]} (turn 5)",
        "",
        "",
    ]
    assert cells["P02"][0] == f"{T1_TURNS[5]} (turn 6)"  # coded awareness and boundaries
    assert cells["P03"][0] == "I notice my body now. (turn 2)"
    assert cells["P04"][3] == f"{T2_TURNS[2]} (turn 3)"
    counts = framework(study, coder="ann", counts=True)
    assert [counts.cells(row) for row in counts.rows][0] == [1, 0, 1, 0, 0]
    assert counts.rows[0].participant == "t1 · D1"
    write_framework(matrix, tmp_path / "framework.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "framework.xlsx")["Framework"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Group", "Participant", "Awareness"]
    assert values[1][:3] == ["G1", "P01", f"{T1_TURNS[1]} (turn 2)"]


def test_saturation_counts_the_new_codes_of_each_transcript(study):
    ann = saturation(study, coder="ann")
    assert [
        (row["transcript"], row["new_codes"], row["new"], row["seen"]) for row in ann.rows()
    ] == [
        ("t1", 5, "awareness, awareness.body, conditions, boundaries, community", 5),
        ("t2", 0, "", 5),
        ("t3", 0, "", 5),
    ]
    assert ann.rows()[0]["share"] == round(5 / 6, 4)
    assert ann.saturated_after() == "t1"
    assert "No new code appeared after t1 (2 more transcript(s))." in ann.describe()
    ben = saturation(study, coder="ben")
    assert [(row["transcript"], row["new_codes"]) for row in ben.rows()] == [("t1", 3), ("t2", 2)]
    assert ben.saturated_after() is None and ben.left_out == ["t3"]
    assert "no saturation yet" in ben.describe()


def test_the_commands_write_the_files_and_refuse_a_wrong_name(study, tmp_path):
    runner = CliRunner()
    base = ["--project", str(study.path)]
    out = tmp_path / "themes.md"
    result = runner.invoke(cli, [*base, "report", "themes", "--coder", "ann", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# Themes\n\nThis write-up covers 3 transcript(s)")
    result = runner.invoke(cli, [*base, "report", "themes", "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: x.txt: write to a file ending in .md, .docx, .html"
    assert not (tmp_path / "x.txt").exists()
    out = tmp_path / "matrix.md"
    result = runner.invoke(
        cli, [*base, "report", "framework", "--coder", "ann", "--counts", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "| G1 | t1 · D1 | 1 | 0 | 1 | 0 | 0 |" in out.read_text()
    result = runner.invoke(
        cli, [*base, "report", "saturation", "--coder", "ann", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("1,t1,G1,5,5,")


def test_pseudonyms_are_the_same_in_the_writeup_the_framework_and_the_quote_lists(study):
    from qualcode.export.quotes import quotes

    listed = {
        (q.transcript, q.turn): q.speaker
        for q in quotes(study, coder="ann", pseudonymize=True).quotes
        if q.role == "participant"
    }
    matrix = framework(study, coder="ann", pseudonymize=True)
    in_matrix = {
        (row.transcript, turn): row.participant
        for row in matrix.rows
        for passages in row.passages.values()
        for turn, _ in passages
    }
    in_writeup = {
        (q.transcript, q.turn): q.speaker
        for theme in themes(study, coder="ann").themes
        for q in theme.quotes
    }
    assert in_matrix == listed
    assert in_writeup.items() <= listed.items() and len(in_writeup) == 7


def test_the_word_file_opens_in_python_docx(study, tmp_path):
    from docx import Document

    write_writeup(themes(study, coder="ann"), tmp_path / "themes.docx")
    document = Document(tmp_path / "themes.docx")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Awareness", "Conditions", "Boundaries", "Community", "Nobody uses this"]
    quoted = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quoted[0] == f"“{T1_TURNS[1]}”"
