"""The report counts the project file keeps (coded turns per coder, code and speaker, and per
transcript and role; turns per speaker) against the same counted from the codings.

Every change that touches codings or the codebook's tree is followed by the check that the
kept counts equal a recount, and that every frequency report read from them equals the one
counted from the codings (``report.recount_frequency``). Hand-counted figures come from the
study of tests/conftest.py (ann: t1#2 awareness.body, t2#2 awareness.body as a span,
t1#6 boundaries and awareness, …).
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest

from qualcode.analyse import report
from qualcode.analyse.consensus import adjudicate_turn, build_consensus, disagreements
from qualcode.codebook import Code, Codebook, parse_codebook
from qualcode.refi.qdpx_export import export_qdpx
from qualcode.refi.qdpx_import import import_qdpx
from qualcode.store import Project
from qualcode.store import codings as codings_module
from qualcode.store import counts as counts_module
from qualcode.store import file as project_file
from qualcode.store.codebook import delete_code, move_code, save_code
from qualcode.store.schema import CONSENSUS_ORIGIN, REPORT_COUNTS

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from generate_study import generate_study, study_codebook  # noqa: E402

RECOUNT = """
WITH RECURSIVE up (code_id, ancestor_id) AS (
    SELECT id, id FROM codes
    UNION
    SELECT up.code_id, codes.parent_id FROM up JOIN codes ON codes.id = up.ancestor_id
    WHERE codes.parent_id IS NOT NULL
), coded AS (
    SELECT DISTINCT c.coder_id, 0 AS rollup, c.code_id, c.turn_id FROM codings c
    UNION
    SELECT DISTINCT c.coder_id, 1, up.ancestor_id, c.turn_id
    FROM codings c JOIN up ON up.code_id = c.code_id
), codings_per AS (
    SELECT c.coder_id, c.code_id, t.speaker_id, count(*) AS n
    FROM codings c JOIN turns t ON t.id = c.turn_id GROUP BY 1, 2, 3
)
SELECT coded.coder_id, coded.rollup, coded.code_id, t.speaker_id, count(*) AS turns,
       CASE WHEN coded.rollup = 0 THEN
           (SELECT n FROM codings_per p WHERE p.coder_id = coded.coder_id
            AND p.code_id = coded.code_id AND p.speaker_id = t.speaker_id) ELSE 0 END AS codings
FROM coded JOIN turns t ON t.id = coded.turn_id
GROUP BY 1, 2, 3, 4
"""


def recounted(project: Project) -> set[tuple]:
    return set(project.db.execute(RECOUNT).fetchall())


def kept(project: Project) -> set[tuple]:
    return set(
        project.db.execute(
            "SELECT coder_id, rollup, code_id, speaker_id, turns, codings "
            "FROM speaker_code_turns WHERE turns > 0 OR codings > 0"
        ).fetchall()
    )


def assert_counts_current(project: Project, reports: bool = True) -> None:
    """The kept counts equal a recount from the codings, and so do the frequency reports
    (by everything with sub-codes rolled up, by code and group without)."""
    assert kept(project) == recounted(project)
    assert all(row[4] >= 0 for row in project.db.execute("SELECT * FROM speaker_code_turns"))
    per_transcript = project.db.execute(
        "SELECT a.coder_id, a.rollup, a.code_id, s.transcript_id, s.role, sum(a.turns), "
        "sum(a.turns > 0), sum(a.codings) FROM speaker_code_turns a "
        "JOIN speakers s ON s.id = a.speaker_id GROUP BY 1, 2, 3, 4, 5 HAVING sum(a.turns) > 0"
    ).fetchall()
    assert set(per_transcript) == set(
        project.db.execute(
            "SELECT coder_id, rollup, code_id, transcript_id, role, turns, speakers, codings "
            "FROM transcript_code_turns WHERE turns > 0 OR speakers > 0 OR codings > 0"
        ).fetchall()
    )
    assert set(
        project.db.execute("SELECT speaker_id, turns FROM speaker_turns WHERE turns > 0")
    ) == set(project.db.execute("SELECT speaker_id, count(*) FROM turns GROUP BY speaker_id"))
    if not reports:
        return
    coders = [None] if project.query("SELECT 1 FROM codings LIMIT 1") else []
    views = [*((by, True) for by in report.BY), ("code", False), ("group", False)]
    for coder in [*coders, *project.coders()]:
        for by, rollup in views:
            fast = report.frequency(project, by, coder, rollup)
            slow = report.recount_frequency(project, by, coder, rollup)
            pd.testing.assert_frame_equal(fast.table, slow.table)
            assert fast.describe() == slow.describe()


def ann_turns(project: Project, code: str, rollup: bool = True) -> int:
    table = report.frequency(project, coder="ann", rollup=rollup).table
    return int(table.set_index("code").loc[code, "turns"])


def test_the_hand_counted_study_is_kept_right(study):
    assert_counts_current(study)
    assert (ann_turns(study, "awareness"), ann_turns(study, "awareness", rollup=False)) == (3, 1)


def test_span_codings_count_a_turn_once_and_deleting_one_keeps_it(study):
    turn = study.turn_id("t1", 3)  # coded conditions by ann (the whole turn)
    study.add_codings(turn, ["conditions"], "ann", span=(0, 4))
    study.add_codings(turn, ["conditions"], "ann", span=(5, 9))
    assert ann_turns(study, "conditions") == 2  # t1#3 and t3#2, however many spans
    assert_counts_current(study, reports=False)
    study.db.execute(
        "DELETE FROM codings WHERE turn_id = ? AND start = 0", [turn]
    )  # one span goes; the turn still has the code
    assert ann_turns(study, "conditions") == 2
    assert_counts_current(study, reports=False)
    study.remove_codings(turn, ["conditions"], "ann")  # the rest of the turn's codings
    assert ann_turns(study, "conditions") == 1
    assert_counts_current(study)


def test_a_sub_code_and_its_parent_on_one_turn_count_once_rolled_up(study):
    turn = study.turn_id("t1", 2)  # ann: awareness.body
    study.add_codings(turn, ["awareness"], "ann")
    assert (ann_turns(study, "awareness"), ann_turns(study, "awareness", rollup=False)) == (3, 2)
    study.remove_codings(turn, ["awareness.body"], "ann")
    assert (ann_turns(study, "awareness"), ann_turns(study, "awareness.body")) == (3, 1)
    assert_counts_current(study)


def test_moving_a_coding_to_another_turn_code_or_coder(study):
    coding = study.query(
        "SELECT codings.id FROM codings JOIN coders ON coders.id = coder_id "
        "WHERE name = 'ann' AND code_id = ?",
        [study.code_id("community")],
    )[0]["id"]
    with study.transaction() as db:
        db.execute(
            "UPDATE codings SET code_id = ?, turn_id = ? WHERE id = ?",
            [study.code_id("conditions"), study.turn_id("t2", 1), coding],
        )
    assert_counts_current(study)


def test_a_codebook_reload_that_moves_a_sub_code(study):
    book = study.codebook()
    body = book.codes[0].children.pop()  # awareness.body goes under boundaries
    boundaries = next(code for code in book.codes if code.key == "boundaries")
    boundaries.children.append(body)
    study.load_codebook(book)
    # boundaries: t1#5, t1#6 + awareness.body on t1#2, t2#2
    assert (ann_turns(study, "awareness"), ann_turns(study, "boundaries")) == (1, 4)
    assert_counts_current(study)


def test_editing_the_tree_one_code_at_a_time(study):
    move_code(study, "awareness.body", "conditions")
    assert ann_turns(study, "conditions") == 4  # t1#3, t3#2 + t1#2, t2#2
    assert_counts_current(study, reports=False)
    save_code(study, Code(key="awareness.body", label={"en": "Body"}), parent="awareness")
    assert ann_turns(study, "conditions") == 2
    save_code(study, Code(key="calm", label={"en": "Calm"}), parent="awareness.body")
    study.add_codings(study.turn_id("t3", 2), ["calm"], "ann")
    assert ann_turns(study, "awareness") == 4
    assert_counts_current(study, reports=False)
    delete_code(study, "awareness.body", force=True)
    assert ann_turns(study, "awareness") == 1
    assert_counts_current(study)


def test_a_speaker_who_changes_role(study):
    study.set_speaker("t1", "TK", role="participant")
    community = report.frequency(study, coder="ann").table.set_index("code").loc["community"]
    assert (community["participants"], community["participant_turns"]) == (2, 2)
    assert_counts_current(study, reports=False)
    study.set_speaker("t1", "TK", role="interviewer")
    assert_counts_current(study)


def test_building_and_adjudicating_a_consensus(demo):
    build_consensus(demo, "coder-a", "coder-b")
    assert report.frequency(demo).coder.name == "consensus"
    assert_counts_current(demo, reports=False)
    # a decision on a turn where the two coders differ (an agreed turn is refused)
    turn = disagreements(demo, ["coder-a", "coder-b"], limit=1)["rows"][0]
    adjudicate_turn(demo, turn["turn_id"], "none")
    assert_counts_current(demo)


def test_a_refi_import_keeps_the_counts(demo, tmp_path):
    export_qdpx(demo, tmp_path / "demo.qdpx")
    with Project.create(tmp_path / "copy.db") as copy:
        import_qdpx(copy, tmp_path / "demo.qdpx")
        assert copy.query("SELECT count(*) AS n FROM codings")[0]["n"] > 0
        assert_counts_current(copy)
        for by in ("code", "group"):
            ours = report.frequency(demo, by, "coder-a").rows()
            theirs = report.frequency(copy, by, "coder-a").rows()
            assert [row["turns"] for row in ours] == [row["turns"] for row in theirs]


@pytest.mark.slow
@pytest.mark.parametrize("bulk", [None, 50])
def test_a_small_generated_study(tmp_path, monkeypatch, bulk):
    """Imported coding by coding, and (bulk) with the counts recounted once after the 50th."""
    if bulk:
        monkeypatch.setattr(codings_module, "BULK_CODINGS", bulk)
    folder = tmp_path / "study"
    transcripts = generate_study(folder, transcripts=4, turns=30, seed=5)
    with Project.create(tmp_path / "s.db", parse_codebook(study_codebook(), "study")) as project:
        project.import_files(sorted(transcripts.glob("*.txt")))
        with open(folder / "codings.csv", encoding="utf-8", newline="") as handle:
            rows = [{**row, "line": line} for line, row in enumerate(csv.DictReader(handle), 2)]
        first = project.import_codings(rows[:40], "codings.csv")
        assert first == {"added": 40, "skipped": 0}
        assert project.import_codings(rows, "codings.csv") == {
            "added": len(rows) - 40,
            "skipped": 40,
        }
        assert len(project.coders()) == 3
        triggers = project.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {row["name"] for row in triggers} >= set(counts_module.COUNT_TRIGGERS)
        assert_counts_current(project, reports=False)
        turn = project.turn_id("study-0001", 2)  # the triggers work again after a bulk import
        project.remove_codings(
            turn, [row["code"] for row in project.codings(turn_id=turn)], "coder-a"
        )
        assert_counts_current(project)


def test_an_older_project_gets_its_counts_on_upgrade(tmp_path, monkeypatch, make_study):
    before = project_file.MIGRATIONS.index(REPORT_COUNTS)
    monkeypatch.setattr(project_file, "MIGRATIONS", project_file.MIGRATIONS[:before])
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", before)
    with make_study(tmp_path / "old") as old:
        path = old.path
        assert not old.db["speaker_code_turns"].exists()
    monkeypatch.undo()
    with Project(path) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == len(
            project_file.MIGRATIONS
        )
        assert ann_turns(upgraded, "awareness") == 3
        assert_counts_current(upgraded, reports=False)
        upgraded.add_codings(upgraded.turn_id("t3", 2), ["awareness.body"], "ann")
        assert ann_turns(upgraded, "awareness") == 4
        assert_counts_current(upgraded)


def test_a_codebook_with_a_deeper_tree(project):
    book = Codebook(
        "deep",
        ["en"],
        [
            Code(
                key="a",
                label={"en": "A"},
                children=[
                    Code(
                        key="b",
                        label={"en": "B"},
                        children=[Code(key="c", label={"en": "C"})],
                    )
                ],
            )
        ],
    )
    project.load_codebook(book, force=True)
    assert set(project.db.execute("SELECT code_id, ancestor_id FROM code_ancestors")) == {
        (project.code_id(x), project.code_id(y))
        for x, y in [("a", "a"), ("b", "b"), ("c", "c"), ("b", "a"), ("c", "a"), ("c", "b")]
    }


def test_an_older_project_gets_consensus_origins_and_keeps_every_coding(
    tmp_path, monkeypatch, make_study
):
    """Schema 6 stored consensus codings as 'manual': the upgrade rebuilds the codings table
    with the origin 'consensus' for them and keeps every coding (id, GUID, span, memo)."""
    before = project_file.MIGRATIONS.index(CONSENSUS_ORIGIN)
    monkeypatch.setattr(project_file, "MIGRATIONS", project_file.MIGRATIONS[:before])
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", before)
    with make_study(tmp_path / "old") as old:
        path = old.path
        turn = old.turn_id("t1", 2)
        old.add_codings(turn, ["conditions"], "ann", span=(0, 4), memo="first words")
        with old.transaction():  # what qualcode 0.1 wrote for a consensus of ann and ben
            consensus = old.coder_id("consensus")
            old.db.execute(
                "INSERT INTO consensus_coders VALUES (?, ?, ?, 'then', 'then')",
                [consensus, old.coder_id("ann"), old.coder_id("ben")],
            )
            old.db.execute(
                "INSERT INTO codings (turn_id, code_id, coder_id, origin, created_at, guid) "
                "VALUES (?, ?, ?, 'manual', 'then', 'c-1')",
                [turn, old.code_id("awareness"), consensus],
            )
        codings = old.query("SELECT * FROM codings ORDER BY id")
    monkeypatch.undo()
    with Project(path) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == len(
            project_file.MIGRATIONS
        )
        after = upgraded.query("SELECT * FROM codings ORDER BY id")
        assert len(after) == len(codings) == 18
        expected = [  # later migrations add the selection GUID of imported codings
            {
                **row,
                "origin": "consensus" if row["coder_id"] == consensus else row["origin"],
                "selection_guid": None,
            }
            for row in codings
        ]
        assert after == expected
        assert {row["origin"] for row in after} == {"manual", "consensus"}
        assert upgraded.check() == []
        assert_counts_current(upgraded, reports=False)
        # The rebuilt table has its indexes and count triggers again.
        upgraded.add_codings(upgraded.turn_id("t3", 2), ["awareness.body"], "ann")
        assert_counts_current(upgraded, reports=False)
        with pytest.raises(sqlite3.IntegrityError):
            upgraded.db.execute(
                "INSERT INTO codings (turn_id, code_id, coder_id, origin, created_at, guid) "
                "VALUES (?, ?, ?, 'guessed', 'now', 'c-2')",
                [turn, upgraded.code_id("awareness"), consensus],
            )


def test_consensus_codings_have_their_own_origin(demo):
    build_consensus(demo, "coder-a", "coder-b")
    origins = {row["origin"] for row in demo.codings(coder="consensus")}
    assert origins == {"consensus"}
    assert "consensus" not in {row["origin"] for row in demo.codings(coder="coder-a")}
