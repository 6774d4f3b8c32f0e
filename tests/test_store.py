"""The project file: real SQLite round trips, schema upgrades, refusing bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import qualcode.store.file as project_file
from qualcode.codebook import default_codebook_path, load_codebook, parse_codebook
from qualcode.errors import QualcodeError
from qualcode.read.labels import split_turns
from qualcode.store import Project
from qualcode.store.schema import APPLICATION_ID, SCHEMA_VERSION

INTERVIEW = (
    "Netværk 1\n\nTK: Hvad har I mærket?\n\n"
    "D1: Jeg sover dårligt.\nOg kroppen siger fra.\n\nD2: Ja.\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(project: Project) -> dict[str, int]:
    tables = ("transcripts", "speakers", "turns", "codes", "codings", "coders", "memos")
    return {table: project.db[table].count for table in tables}


def test_import_stores_turns_whose_offsets_give_their_text(project, tmp_path):
    result = project.import_files([write(tmp_path, "n1.txt", INTERVIEW)], group="Netværk 1")
    assert result.imported == ["n1"] and result.turns == 3
    stored = project.transcript("n1")
    assert stored["group"] == "Netværk 1" and stored["language"] == "da"
    turns = project.turns("n1")
    assert [(t["turn"], t["speaker"], t["role"]) for t in turns] == [
        (1, "TK", "interviewer"),
        (2, "D1", "participant"),
        (3, "D2", "participant"),
    ]
    assert turns[1]["text"] == "Jeg sover dårligt.\nOg kroppen siger fra."
    for turn in turns:
        assert stored["text"][turn["start"] : turn["end"]] == turn["text"]
    assert project.transcripts() == [
        {
            "name": "n1",
            "group": "Netværk 1",
            "language": "da",
            "source_file": "n1.txt",
            "turns": 3,
            "speakers": 3,
            "words": 4 + 7 + 1,
        }
    ]


def test_identical_content_is_skipped_and_a_clashing_name_refused(project, tmp_path):
    first = write(tmp_path, "n1.txt", INTERVIEW)
    project.import_files([first])
    (tmp_path / "copy").mkdir()
    copy = write(tmp_path / "copy", "other-name.txt", INTERVIEW)
    again = project.import_files([copy])
    assert again.imported == [] and "already imported as 'n1'" in again.skipped[0]
    before = counts(project)
    clash = write(tmp_path / "copy", "n1.txt", INTERVIEW + "\nD1: Noget nyt.\n")
    new = write(tmp_path, "n2.txt", "TK: Hej\n\nD1: Hej.\n")
    with pytest.raises(QualcodeError, match="a different transcript named 'n1'"):
        project.import_files([new, clash])
    assert counts(project) == before, "a refused import stores nothing, not even n2"


def test_an_unreadable_file_in_a_batch_stores_nothing(project, tmp_path):
    good = write(tmp_path, "good.txt", INTERVIEW)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(QualcodeError, match=r"bad\.txt: the file is empty"):
        project.import_files([good, bad])
    assert counts(project)["transcripts"] == 0


def test_interviewer_labels_decide_roles(project, tmp_path):
    path = write(tmp_path, "x.txt", "Anna: Hej?\n\nBo: Hej.\n\nAnna: Nå?\n\nBo: Ja.\n")
    project.import_files([path], interviewers=["anna"])
    assert {s["label"]: s["role"] for s in project.speakers("x")} == {
        "Anna": "interviewer",
        "Bo": "participant",
    }
    project.set_speaker("x", "Bo", attributes={"gender": "m", "group": "N1"})
    project.set_speaker("x", "Bo", role="interviewer", attributes={"group": None})
    bo = next(s for s in project.speakers("x") if s["label"] == "Bo")
    assert bo["role"] == "interviewer" and bo["attributes"] == {"gender": "m"}


def test_codings_round_trip_with_spans_memos_and_coders(project, tmp_path):
    project.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
    turn_id = project.turn_id("n1", 2)
    assert project.add_codings(turn_id, ["awareness", "community"], "coder-a") == [
        "awareness",
        "community",
    ]
    assert project.add_codings(turn_id, ["awareness"], "coder-a") == []
    assert project.add_codings(turn_id, ["awareness"], "coder-b", span=(4, 9), memo="sover") == [
        "awareness"
    ]
    rows = project.codings()
    assert [(r["turn"], r["code"], r["coder"], r["start"], r["end"], r["memo"]) for r in rows] == [
        (2, "awareness", "coder-a", None, None, None),
        (2, "awareness", "coder-b", 4, 9, "sover"),
        (2, "community", "coder-a", None, None, None),
    ]
    assert project.turn(turn_id)["text"][4:9] == "sover"
    assert project.remove_codings(turn_id, ["community"], "coder-a") == ["community"]
    assert project.coders() == ["coder-a", "coder-b"]
    project.set_memo(turn_id, "coder-a", "Kroppen som signal")
    assert [m["text"] for m in project.memos(coder="coder-a")] == ["Kroppen som signal"]
    project.set_memo(turn_id, "coder-a", "  ")
    assert project.memos() == []


def test_bad_codings_change_nothing(project, tmp_path):
    project.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
    turn_id = project.turn_id("n1", 2)
    with pytest.raises(QualcodeError, match="unknown code 'nonsense'"):
        project.add_codings(turn_id, ["awareness", "nonsense"], "coder-a")
    with pytest.raises(QualcodeError, match="span 30-99 is not inside turn"):
        project.add_codings(turn_id, ["awareness"], "coder-a", span=(30, 99))
    with pytest.raises(QualcodeError, match="no turn with id 999"):
        project.add_codings(999, ["awareness"], "coder-a")
    rows = [
        {"transcript": "n1", "turn": "2", "code": "awareness", "coder": "a", "line": 2},
        {"transcript": "n1", "turn": "7", "code": "awareness", "coder": "a", "line": 3},
    ]
    with pytest.raises(QualcodeError) as caught:
        project.import_codings(rows, "codings.csv")
    assert str(caught.value) == "codings.csv:3: transcript 'n1' has no turn 7"
    assert counts(project)["codings"] == 0 and counts(project)["coders"] == 0


def test_replacing_the_codebook_keeps_codings_of_kept_codes(project, tmp_path):
    project.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
    turn_id = project.turn_id("n1", 2)
    project.add_codings(turn_id, ["awareness", "community"], "coder-a")
    smaller = parse_codebook(
        "name: Mini\nlanguages: [da]\ncodes:\n"
        "  - key: awareness\n    label: Opmærksomhed\n"
        "    children:\n      - key: body\n        label: Kroppen\n"
        "  - key: fixer\n    label: Fikseren\n",
        "mini.yaml",
    )
    with pytest.raises(QualcodeError, match=r"community \(1 codings\)"):
        project.load_codebook(smaller)
    assert project.codebook().keys() == load_codebook(default_codebook_path()).keys()
    project.load_codebook(smaller, merge=True)
    assert set(project.codebook().keys()) == {
        "awareness",
        "body",
        "fixer",
        "conditions",
        "self-priority",
        "boundaries",
        "community",
    }
    result = project.load_codebook(smaller, force=True)
    assert sorted(result["dropped"]) == ["boundaries", "community", "conditions", "self-priority"]
    assert project.codebook().keys() == ["awareness", "body", "fixer"]
    assert project.codebook().get("awareness").children[0].key == "body"
    assert [(r["code"], r["coder"]) for r in project.codings()] == [("awareness", "coder-a")]


def test_a_new_project_round_trips_the_default_codebook(project):
    stored = project.codebook()
    original = load_codebook(default_codebook_path())
    assert all(code.guid for code, _ in stored.walk())
    for code, _ in stored.walk():
        code.guid = None
    assert stored.codes == original.codes
    assert (stored.name, stored.languages) == ("Ledere i Balance", ["da", "en"])


def test_files_that_are_not_projects_are_refused(tmp_path):
    text = write(tmp_path, "notes.db", "just text")
    with pytest.raises(QualcodeError, match=r"notes\.db: not a qualcode project"):
        Project(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(QualcodeError, match="another kind of SQLite file"):
        Project(other)
    with pytest.raises(QualcodeError, match="no qualcode project here"):
        Project(tmp_path / "missing.db")
    with pytest.raises(QualcodeError, match="already exists"):
        Project.create(text)


def test_a_damaged_project_file_is_refused(project, tmp_path):
    project.close()
    data = bytearray(project.path.read_bytes())
    data[100:4096] = bytes(len(data[100:4096]))
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data))
    with pytest.raises(QualcodeError, match=r"damaged\.db: "):
        Project(damaged).codebook()


def test_imports_leave_the_query_planner_current_statistics(project, tmp_path):
    stats = "SELECT tbl, stat FROM sqlite_stat1 WHERE idx = ?"
    project.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
    turns = project.query("SELECT count(*) AS n FROM turns")[0]["n"]
    assert int(project.query(stats, ["sqlite_autoindex_turns_1"])[0]["stat"].split()[0]) == turns
    project.import_codings(
        [{"transcript": "n1", "turn": n, "code": "awareness", "coder": "c"} for n in (2, 3)],
        "codings.csv",
    )
    assert project.query(stats, ["codings_coder"])[0]["stat"].split()[0] == "2"


def test_wal_lets_a_second_connection_read_while_one_writes(project, tmp_path):
    project.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
    other = Project(project.path)
    assert other.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with project.transaction():
        project.add_codings(project.turn_id("n1", 2), ["awareness"], "coder-a")
        assert other.codings() == []
    assert len(other.codings()) == 1
    other.close()


def test_an_older_file_is_upgraded_in_place_keeping_codings(project, tmp_path, monkeypatch):
    project.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
    project.add_codings(project.turn_id("n1", 2), ["awareness"], "coder-a")
    project.close()
    upgrade = "ALTER TABLE codings ADD COLUMN confidence REAL;\nCREATE INDEX x ON codings (memo);"
    monkeypatch.setattr(project_file, "MIGRATIONS", [*project_file.MIGRATIONS, upgrade])
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Project(project.path) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert "confidence" in upgraded.db["codings"].columns_dict
        assert [r["code"] for r in upgraded.codings()] == ["awareness"]


def test_a_first_version_file_is_upgraded_to_the_current_schema(project, tmp_path, monkeypatch):
    project.close()
    old = tmp_path / "v1.db"
    monkeypatch.setattr(project_file, "MIGRATIONS", project_file.MIGRATIONS[:1])
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", 1)
    with Project.create(old, load_codebook(default_codebook_path())) as first:
        first.import_files([write(tmp_path, "n1.txt", INTERVIEW)])
        turn = first.turn_id("n1", 2)
        first.add_codings(turn, ["awareness", "boundaries"], "coder-a")
        coder, code = first.coder_id("coder-a"), first.code_id("community")
        first.db.execute(
            "INSERT INTO suggestions (turn_id, code_id, coder_id, score, method, evidence, status,"
            " created_at) VALUES (?, ?, ?, 0.5, 'keywords', '[]', 'rejected', '2026-01-01')",
            [turn, code, coder],
        )
        first.db.conn.commit()
    monkeypatch.undo()
    with Project(old) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert sorted(r["code"] for r in upgraded.codings()) == ["awareness", "boundaries"]
        decisions = upgraded.query("SELECT turn_id, decision FROM suggestion_decisions")
        assert decisions == [{"turn_id": turn, "decision": "rejected"}]
        assert upgraded.query("SELECT turn_id, score, method, evidence FROM suggestions") == [
            {"turn_id": turn, "score": 0.5, "method": "keywords", "evidence": "[]"}
        ]
        assert "created_at" not in upgraded.db["suggestions"].columns_dict
        assert upgraded.check() == []


def test_a_failing_upgrade_changes_nothing(project, monkeypatch):
    project.close()
    broken = "ALTER TABLE codings ADD COLUMN confidence REAL;\nTHIS IS NOT SQL;"
    monkeypatch.setattr(project_file, "MIGRATIONS", [*project_file.MIGRATIONS, broken])
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(QualcodeError, match="the project file is damaged"):
        Project(project.path)
    monkeypatch.undo()
    with Project(project.path) as same:
        assert same.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "confidence" not in same.db["codings"].columns_dict


def test_a_file_from_a_newer_qualcode_is_refused(project):
    project.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    project.close()
    with pytest.raises(QualcodeError, match="written by a newer qualcode"):
        Project(project.path)


def test_a_new_file_carries_the_application_id(project):
    assert project.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_deleting_a_transcript_cascades_but_codes_with_codings_are_protected(project, tmp_path):
    project.add_transcripts([("n1", split_turns(INTERVIEW, "n1.txt"))])
    project.add_codings(project.turn_id("n1", 2), ["awareness"], "coder-a")
    with pytest.raises(sqlite3.IntegrityError):
        project.db.execute("DELETE FROM codes WHERE key = 'awareness'")
    project.db.execute("DELETE FROM transcripts")
    assert counts(project)["turns"] == counts(project)["codings"] == 0
