"""Moving in from QualCoder and Taguette: their project files straight into a qualcode project.

The Taguette project was made by Taguette 1.5.2's own code (tests/fixtures/taguette/
make_project.py); the QualCoder project is built here from QualCoder's v17 schema (the CREATE
statements of its ``__main__.py``), with positions counted by hand in UTF-16 code units with
one unit per line end, as QualCoder's coding view counts them.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.refi.projects import import_project
from qualcode.refi.taguette import document_text

TAGUETTE = Path(__file__).parent / "fixtures" / "taguette" / "fokusgruppe.sqlite3"

QUALCODER_SCHEMA = [
    "CREATE TABLE project (databaseversion text, date text, memo text,about text, "
    "bookmarkfile integer, bookmarkpos integer, codername text, recently_used_codes text, "
    "avbookmarkfile integer, avbookmarkmsec integer, avbookmarktextpos integer)",
    "CREATE TABLE source (id integer primary key, name text, fulltext text, mediapath text, "
    "memo text, owner text, date text, av_text_id integer, risid integer, unique(name))",
    "CREATE TABLE annotation (anid integer primary key, fid integer,pos0 integer, pos1 integer, "
    "memo text, owner text, date text, unique(fid,pos0,pos1,owner))",
    "CREATE TABLE attribute_type (name text primary key, date text, owner text, memo text, "
    "caseOrFile text, valuetype text)",
    "CREATE TABLE attribute (attrid integer primary key, name text, attr_type text, value text, "
    "id integer, date text, owner text, unique(name,attr_type,id))",
    "CREATE TABLE case_text (id integer primary key, caseid integer, fid integer, pos0 integer, "
    "pos1 integer, owner text, date text, memo text)",
    "CREATE TABLE cases (caseid integer primary key, name text, memo text, owner text,date text, "
    "constraint ucm unique(name))",
    "CREATE TABLE code_cat (catid integer primary key, name text, owner text, date text, "
    "memo text, supercatid integer, unique(name))",
    "CREATE TABLE code_text (ctid integer primary key, cid integer, fid integer,seltext text, "
    "pos0 integer, pos1 integer, owner text, date text, memo text, avid integer, "
    "important integer, unique(cid,fid,pos0,pos1, owner))",
    "CREATE TABLE code_name (cid integer primary key, name text, memo text, catid integer, "
    "owner text,date text, color text, supercid integer, unique(name))",
    "CREATE TABLE journal (jid integer primary key, name text, jentry text, date text, "
    "owner text, unique(name))",
]

# LF text: "TK: Hvad så? 😊" is 14 characters, 15 units (the emoji counts 2), then its line
# end (unit 15); "D1: " opens line 2 at unit 16, so "Jeg" starts at 20; "Jeg sagde fra " is
# 14 units, 🙌 2, " over for chefen." 17: the turn ends at 53; line 3 opens at 54, so
# "Fællesskabet" (12) is 58-70.
FULLTEXT = (
    "TK: Hvad så? 😊\r\n"
    "D1: Jeg sagde fra 🙌 over for chefen.\r\n"
    "D2: Fællesskabet betød meget – ærligt.\r\n"
)
CODINGS = [
    # ctid, cid, seltext, pos0, pos1, owner, memo
    (1, 1, "Jeg sagde fra 🙌 over for chefen.", 20, 53, "coder-a", "Første gang"),
    (2, 3, "Fællesskabet", 58, 70, "coder-b", ""),
    (3, 2, "over for chefen", 37, 52, "coder-a", ""),
    (4, 1, "chefen.\u2029D2: Fællesskabet", 46, 70, "coder-b", ""),
]


def qualcoder_project(folder: Path, codings=CODINGS, version: str = "v17", drop=()) -> Path:
    """A QualCoder project folder ``folder`` (NAME.qda) with one focus group coded by two
    coders: codes in a category and a sub-code, an annotation, cases and attributes."""
    folder.mkdir(parents=True)
    db = sqlite3.connect(folder / "data.qda")
    for statement in QUALCODER_SCHEMA:
        db.execute(statement)
    db.execute(
        "INSERT INTO project VALUES (?, '2024-03-01 10:00:00', '', 'QualCoder 3.6', 0, 0, "
        "'coder-a', '', null, null, null)",
        [version],
    )
    db.execute(
        "INSERT INTO source (id, name, fulltext, memo, owner, date) VALUES "
        "(1, 'netvaerk-1.txt', ?, 'Første samling', 'coder-a', '2024-03-01 10:00:00'), "
        "(2, 'foto.jpg', NULL, '', 'coder-a', '2024-03-01 10:00:00')",
        [FULLTEXT],
    )
    db.execute("INSERT INTO code_cat VALUES (1, 'Grænser', 'coder-a', '', 'Om at sige fra', null)")
    db.executemany(
        "INSERT INTO code_name (cid, name, memo, catid, owner, date, color, supercid) "
        "VALUES (?, ?, ?, ?, 'coder-a', '2024-03-01 10:00:00', ?, ?)",
        [
            (1, "Sagde fra", "Taler med chefen", 1, "#F44336", None),
            (2, "Chefen", "", None, "#2196F3", 1),
            (3, "Fællesskab", "", None, "#4CAF50", None),
        ],
    )
    db.executemany(
        "INSERT INTO code_text (ctid, cid, fid, seltext, pos0, pos1, owner, date, memo, "
        "important) VALUES (?, ?, 1, ?, ?, ?, ?, '2024-03-02 09:30:00', ?, 0)",
        codings,
    )
    db.execute(
        "INSERT INTO annotation VALUES (1, 1, 4, 12, 'Åbningsspørgsmålet', 'coder-a', "
        "'2024-03-02 09:40:00')"
    )
    db.execute("INSERT INTO cases (caseid, name, memo) VALUES (1, 'D1', ''), (2, 'D9', '')")
    db.execute("INSERT INTO case_text (caseid, fid, pos0, pos1) VALUES (1, 1, 16, 53)")
    db.executemany(
        "INSERT INTO attribute (name, attr_type, value, id) VALUES (?, ?, ?, ?)",
        [
            ("Køn", "case", "kvinde", 1),
            ("Alder", "case", "52", 1),
            ("Alder", "case", "40", 2),
            ("group", "file", "Netværk 1", 1),
            ("Interviewdato", "file", "2024-02-27", 1),
        ],
    )
    for table in drop:
        db.execute(f"DROP TABLE {table}")
    db.commit()
    db.close()
    return folder


def coded(project, transcript: str) -> list[tuple]:
    """(turn, code, coder, coded text, memo) of every coding of a transcript."""
    turns = {t["turn"]: t["text"] for t in project.turns(transcript)}
    found = []
    for c in project.codings():
        text = turns[c["turn"]]
        part = text if c["start"] is None else text[c["start"] : c["end"]]
        found.append((c["turn"], c["code"], c["coder"], part, c["memo"]))
    return sorted(found)


def test_a_qualcoder_project_moves_in_with_every_coding_on_its_text(project, tmp_path):
    folder = qualcoder_project(tmp_path / "studie.qda")
    result = import_project(project, folder)
    assert result.transcripts == ["netvaerk-1"] and result.turns == 3
    turns = project.turns("netvaerk-1")
    assert [(t["speaker"], t["text"]) for t in turns] == [
        ("TK", "Hvad så? 😊"),
        ("D1", "Jeg sagde fra 🙌 over for chefen."),
        ("D2", "Fællesskabet betød meget – ærligt."),
    ]
    assert [t["role"] for t in turns] == ["interviewer", "participant", "participant"]
    assert coded(project, "netvaerk-1") == [
        (2, "chefen", "coder-a", "over for chefen", None),
        (2, "sagde-fra", "coder-a", "Jeg sagde fra 🙌 over for chefen.", "Første gang"),
        (2, "sagde-fra", "coder-b", "chefen.", None),
        (3, "faellesskab", "coder-b", "Fællesskabet", None),
        (3, "sagde-fra", "coder-b", "Fællesskabet", None),
    ]
    assert result.codings == 4 and result.coding_rows == 5
    assert sorted(result.coders_added) == ["coder-a", "coder-b"]
    # the category is the parent code, the sub-code sits under its code
    codes = {row["key"]: row for row in project.query("SELECT key, parent_id, id FROM codes")}
    ids = {row["id"]: key for key, row in codes.items()}
    assert ids[codes["sagde-fra"]["parent_id"]] == "graenser"
    assert ids[codes["chefen"]["parent_id"]] == "sagde-fra"
    assert codes["faellesskab"]["parent_id"] is None
    # the annotation is coder-a's memo on the interviewer's turn
    memos = project.query("SELECT turn_id, text FROM memos")
    assert [(m["turn_id"], m["text"]) for m in memos] == [(turns[0]["id"], "Åbningsspørgsmålet")]
    # the case D1 is the speaker D1: its attributes; the file's group is the transcript's
    speakers = {s["label"]: s for s in project.speakers("netvaerk-1")}
    assert speakers["D1"]["attributes"] == {"Køn": "kvinde", "Alder": "52"}
    assert project.transcripts()[0]["group"] == "Netværk 1"
    notices = "\n".join(result.notices)
    assert "1 coding(s) cross a turn boundary and were split" in notices
    # which: the row, its code, the turns and the text it covered, label and all
    assert result.split == [
        "code_text ctid 4 in 'netvaerk-1.txt', 'Sagde fra', turns 2-3: 'chefen. D2: Fællesskabet'"
    ]
    assert notices.count(result.split[0]) == 1
    assert "'D9'" in notices and "'interviewdato'" in notices
    assert "1 source(s) without text" in notices


def test_moving_in_twice_adds_nothing_the_second_time(project, tmp_path):
    folder = qualcoder_project(tmp_path / "studie.qda")
    import_project(project, folder)
    again = import_project(project, folder / "data.qda")
    assert again.transcripts == [] and again.reused == ["netvaerk-1"]
    assert again.coding_rows == 0 and again.already == 5 and again.memos == 0
    assert len(project.codings()) == 5


def qualcoder_rows_are_refused(project, folder: Path, expected: str) -> None:
    before = project.query("SELECT count(*) AS n FROM transcripts")[0]["n"]
    with pytest.raises(QualcodeError) as error:
        import_project(project, folder)
    assert str(error.value) == expected
    assert project.query("SELECT count(*) AS n FROM transcripts")[0]["n"] == before
    assert project.codings() == [] and project.coders() == []


def test_bad_qualcoder_projects_are_one_line_naming_the_file(project, tmp_path):
    where = tmp_path / "a.qda" / "data.qda"
    outside = [*CODINGS[:2], (3, 2, "over for chefen", 37, 520, "coder-a", "")]
    qualcoder_project(tmp_path / "a.qda", codings=outside)
    qualcoder_rows_are_refused(
        project,
        tmp_path / "a.qda",
        f"{where}: code_text ctid 3: positions 37-520 lie outside the text of "
        "'netvaerk-1.txt' (93 positions)",
    )
    qualcoder_project(tmp_path / "b.qda", version="v12")
    qualcoder_rows_are_refused(
        project,
        tmp_path / "b.qda",
        f"{tmp_path / 'b.qda' / 'data.qda'}: QualCoder database version v12; qualcode reads "
        "version v17 (open the project in QualCoder 3.6 or later, which upgrades it)",
    )
    qualcoder_project(tmp_path / "c.qda", drop=["annotation"])
    qualcoder_rows_are_refused(
        project,
        tmp_path / "c.qda",
        f"{tmp_path / 'c.qda' / 'data.qda'}: not a QualCoder project: it has no table annotation",
    )
    # "Fællesskabet" counted in UTF-8 bytes (æ is 2): no reading of the positions puts it on
    # its text, which is in the document
    bytes_off = [*CODINGS[:1], (2, 3, "Fællesskabet", 63, 76, "coder-b", "")]
    qualcoder_project(tmp_path / "e.qda", codings=bytes_off)
    qualcoder_rows_are_refused(
        project,
        tmp_path / "e.qda",
        f"{tmp_path / 'e.qda' / 'data.qda'}: code_text ctid 2: the passage 63-76 in "
        "'netvaerk-1.txt' cannot be placed: its name is text of the document, but no reading "
        "puts it there",
    )
    (tmp_path / "d.qda").mkdir()
    (tmp_path / "d.qda" / "data.qda").write_text("TK: ikke en database\n", encoding="utf-8")
    qualcoder_rows_are_refused(
        project, tmp_path / "d.qda", f"{tmp_path / 'd.qda' / 'data.qda'}: not an SQLite database"
    )


def test_a_taguette_project_made_by_taguette_moves_in_with_every_highlight_on_its_text(project):
    result = import_project(project, TAGUETTE)
    assert result.origin == "Taguette" and result.transcripts == ["Netværk 2"]
    turns = project.turns("Netværk 2")
    assert [t["speaker"] for t in turns] == ["TK", "D1", "D2", "TK", "D1", "D3"]
    assert turns[2]["text"] == (
        "For mig handler det om fællesskabet 🙌 – at høre, at de andre også har det sådan.\n"
        "Det gør en forskel."
    )
    assert coded(project, "Netværk 2") == [
        (2, "boundaries", "anna", "Jeg har lært at sige fra over for min chef. Det var svært "
         "første gang.", None),
        (2, "boundaries", "bo", "første gang.", None),
        (3, "boundaries", "bo", "For mig handler det om fællesskabet", None),
        (3, "community", "anna", "fællesskabet 🙌 – at høre, at de andre også har det sådan.\n"
         "Det gør en forskel.", None),
        (3, "community", "bo", "For mig handler det om fællesskabet 🙌 – at høre, at de andre "
         "også har det sådan.", None),
        (5, "awareness", "bo", "Jeg tager en gåtur hver dag kl. 12. Før spiste jeg ved "
         "skærmen.", None),
        (5, "self-priority", "bo", "Jeg tager en gåtur hver dag kl. 12. Før spiste jeg ved "
         "skærmen.", None),
        (6, "awareness", "anna", "Ærligt talt: jeg sover bedre nu, og jeg mærker tidligere, når "
         "kroppen siger stop.", None),
    ]  # fmt: skip
    assert result.codings == 7 and result.coding_rows == 8 and result.codes_added == []
    assert any("1 coding(s) cross a turn boundary" in n for n in result.notices)
    assert result.split == [
        "highlights id 6 in 'Netværk 2', 'boundaries', turns 2-3: "
        "'første gang. D2: For mig handler det om fællesskabet'"
    ]


def test_taguette_offsets_are_utf8_bytes_of_the_text_nodes():
    text = document_text("<p>æ 🙌 x</p>\n<p>b<br>c</p>")
    assert text.text == "æ 🙌 x\n\nb\nc\n"
    # æ 2 bytes, " " 1, 🙌 4, " x" 2, the "\n" between the paragraphs 1, "b" 1, "c" 1
    assert text.length == 12
    assert text.char(3, at_end=False) == 2 and text.char(7, at_end=True) == 3
    assert text.char(9, at_end=False) == 6  # the "\n" text node, after the line end we add
    assert text.char(10, at_end=False) == 7  # "b"
    assert text.char(11, at_end=False) == 9  # "c": the <br> adds a line end, no byte
    # as Taguette's html5lib parses it: a <pre>'s first line end and comments are no text
    assert document_text("<pre>\nTK: a</pre><!-- x -->").pieces == ["TK: a"]


def test_bad_taguette_files_are_refused_and_nothing_is_stored(project, tmp_path):
    copy = tmp_path / "taguette.sqlite3"
    shutil.copyfile(TAGUETTE, copy)
    db = sqlite3.connect(copy)
    db.execute("UPDATE highlights SET end_offset = 5000 WHERE id = 4")
    db.commit()
    db.close()
    with pytest.raises(QualcodeError) as error:
        import_project(project, copy)
    assert str(error.value) == (
        f"{copy}: highlights id 4: offsets 287-5000 lie outside the text of document 1 (442 bytes)"
    )
    assert project.transcripts() == [] and project.codings() == []


def test_a_taguette_file_without_highlights_or_off_its_snippets_is_refused(project, tmp_path):
    copy = tmp_path / "taguette.sqlite3"
    shutil.copyfile(TAGUETTE, copy)
    db = sqlite3.connect(copy)
    db.execute("UPDATE highlights SET start_offset = start_offset + 4 WHERE id = 1")
    db.commit()
    db.close()
    with pytest.raises(QualcodeError) as error:
        import_project(project, copy)
    assert str(error.value) == (
        f"{copy}: highlights id 1: the text at offsets 76-145 is not the highlight's snippet"
    )
    db = sqlite3.connect(copy)
    db.execute("DROP TABLE highlight_tags")
    db.commit()
    db.close()
    with pytest.raises(QualcodeError) as error:
        import_project(project, copy)
    assert str(error.value) == f"{copy}: not a Taguette project: it has no table highlight_tags"
    assert project.transcripts() == [] and project.codings() == []


def test_the_command_line_moves_in_and_refuses_other_sqlite_files(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    folder = qualcoder_project(tmp_path / "studie.qda")
    result = runner.invoke(cli, ["--project", str(project.path), "import", str(folder)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "Imported 1 transcript(s) with 3 turns, 4 new code(s), 2 new coder(s), 4 coding(s) "
        "(5 new on turns, 0 already there), 1 memo(s) from "
    )
    assert "(QualCoder)." in result.stdout.splitlines()[0]
    result = runner.invoke(cli, ["--project", str(project.path), "import", str(project.path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {project.path}: an SQLite database, but neither a QualCoder nor a Taguette "
        "project\n"
    )


def test_a_coding_split_on_moving_in_is_exported_as_one_selection(project, tmp_path):
    """QualCoder's coding over two turns, split on moving in, goes out to a .qdpx as the one
    selection it was, the label between included."""
    from test_refi_import import exported_selections

    from qualcode.refi import export_qdpx

    import_project(project, qualcoder_project(tmp_path / "studie.qda"))
    export_qdpx(project, tmp_path / "out.qdpx")
    covered = sorted(text for text, _element in exported_selections(tmp_path / "out.qdpx"))
    assert "chefen.\nD2: Fællesskabet" in covered
    assert len(covered) == len(project.codings()) - 1
