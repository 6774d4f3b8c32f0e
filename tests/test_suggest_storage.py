"""How suggestions are stored: the evidence JSON, the bulk insert, and the indexes the
SUGGESTION_INDEXES migration leaves (an existing project keeps its suggestions and decisions)."""

from __future__ import annotations

import json

import numpy
import pytest
from conftest import SMALL_GROUP

from qualcode.codebook import default_codebook_path, load_codebook
from qualcode.store import Project
from qualcode.store import file as project_file
from qualcode.store.schema import MIGRATIONS, SCHEMA_VERSION, SUGGESTION_INDEXES
from qualcode.suggest import keywords, workflow
from qualcode.suggest.base import Evidence, Keyword, KeywordHit, Suggestion
from qualcode.suggest.workflow import (
    accept,
    compute_suggestions,
    list_suggestions,
    open_suggestions,
    reject,
)


def dicts(evidence: list[Evidence]) -> list[dict]:
    """The evidence as every reader had it before the compact form: one dict per item."""
    return [item.to_dict() for item in evidence]


TEXT = '"citat" \\ med\ttab, emoji 🙂\u2028 og grænser, chef, sover, tal, satte grænser'


def at(word: str, nth: int = 0) -> tuple[str, int, int]:
    """``word``, where its ``nth`` occurrence in TEXT starts and ends."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return word, start, start + len(word)


def test_stored_evidence_is_compact_and_reads_back_as_before():
    evidence = [
        Evidence(*at("grænser"), "sætte grænse"),
        Evidence(*at('"citat" \\ med\ttab'), "citat"),
        Evidence(*at("grænser", 1), "sætte grænse"),  # the same pieces again, other places
        Evidence(*at("og")),  # no keyword
        Evidence(*at("chef"), term="chef", weight=0.12345),  # learned evidence
        Evidence(*at("emoji 🙂\u2028"), "emoji"),
        Evidence(*at("satte grænser"), "sætte grænse"),
    ]
    pieces: dict = {}
    stored = workflow._evidence_json(evidence, pieces)
    start = TEXT.index("grænser")
    # No text, no field names: offsets, then the keyword (or term and weight).
    assert stored.startswith(f'[[{start},{start + 7},"sætte grænse"],[0,17,"citat"],')
    assert f'{TEXT.index("chef")},{TEXT.index("chef") + 4},null,"chef",0.123]' in stored
    assert workflow.evidence_dicts(stored, TEXT) == dicts(evidence)
    assert workflow._evidence_json([], pieces) == "[]"
    # Each keyword (or term) is encoded once: two keywords, the bare word, the term, emoji.
    assert len(pieces) == 5
    decoded = workflow.evidence_dicts(stored, TEXT)
    assert decoded[1] == {"text": '"citat" \\ med\ttab', "start": 0, "end": 17, "keyword": "citat"}
    assert decoded[4] == {"text": "chef", "start": 40, "end": 44, "term": "chef", "weight": 0.123}


def test_evidence_stored_before_the_compact_form_reads_as_it_was():
    evidence = [Evidence(*at("chef"), term="chef", weight=0.5), Evidence(*at("og"), "og")]
    old = json.dumps(dicts(evidence), ensure_ascii=False, separators=(",", ":"))
    assert workflow.evidence_dicts(old, "anything") == dicts(evidence)


def test_evidence_of_combined_and_learned_items_reads_back_as_before():
    """Combined suggestions tag every item with its part; learned items carry a weight, as
    a float or numpy's float, and odd values go through the encoder as they always did."""
    evidence = [
        Evidence(*at("grænser"), "sætte grænse", method="keywords"),
        Evidence(*at("grænser", 1), "sætte grænse", method="keywords"),
        Evidence(*at("chef"), term="chef", weight=0.12345, method="learned"),
        Evidence(*at("chef"), term="chef", weight=numpy.float64(-2.0004), method="learned"),
        Evidence(*at("sover"), "sove dårligt", "sove", 1.0, "learned"),
        Evidence(*at("tal"), term="tal", weight=1e-20),
        Evidence(*at("tal"), term="tal", weight=3),
    ]
    pieces: dict = {}
    stored = workflow._evidence_json(evidence, pieces)
    assert workflow._evidence_json(evidence, pieces) == stored  # cached pieces
    assert workflow.evidence_dicts(stored, TEXT) == dicts(evidence)
    assert (
        f'{TEXT.index("sover")},{TEXT.index("sover") + 5},"sove dårligt","sove",1.0,"learned"]'
        in stored
    )
    odd = Evidence(*at("tal"), term="tal", weight=float("nan"))
    (back,) = workflow.evidence_dicts(workflow._evidence_json([odd], pieces), TEXT)
    assert back["term"] == "tal" and back["weight"] != back["weight"]  # NaN, as before


def hit(keyword: str, *places: tuple[str, int, int], word: int | None = None) -> KeywordHit:
    key = Keyword("boundaries", keyword, (), (), False)
    return KeywordHit(key, [(start, end) for _, start, end in places], word)


@pytest.mark.parametrize("method", [None, "keywords"])
def test_keyword_evidence_is_built_when_read_and_stored_as_the_built_items(method):
    """Keyword evidence stays the hits until it is read; stored, it is the JSON its items
    would give, in turn order (a phrase found at two places, a word after it, a word
    before it, the same start twice)."""
    hits = [
        hit("sætte grænse", at("grænser"), at("grænser", 1)),
        hit("chef", at("chef")),
        hit("citat", at('"citat" \\ med\ttab')),
        hit("satte", ("satte", *at("satte grænser")[1:])),
        hit("sover", at("sover"), word=0),
    ]
    lazy = keywords.KeywordEvidence(hits, TEXT, method)
    assert lazy._items is None and len(lazy) == 6
    assert lazy._items is None  # counting built nothing
    pieces: dict = {}
    stored = workflow._evidence_json(lazy, pieces)
    assert lazy._items is None  # nor did storing
    built = keywords.evidence(hits, TEXT, method)
    assert [item.start for item in built] == sorted(item.start for item in built)
    assert [(item.text, item.keyword) for item in built[:2]] == [
        ('"citat" \\ med\ttab', "citat"),
        ("grænser", "sætte grænse"),
    ]
    assert stored == workflow._evidence_json(list(built), {})
    assert workflow.evidence_dicts(stored, TEXT) == dicts(built)
    assert lazy == built and list(lazy) == built and lazy[1] == built[1]
    assert all(item.method == method for item in lazy)


@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 123])
def test_rows_are_inserted_in_order_whatever_their_number(small, count):
    turn_ids = [row["id"] for row in small.turns()]
    code_ids = small.code_ids()
    keys = sorted(code_ids)
    suggestions = [
        Suggestion(
            turn_ids[n % len(turn_ids)],
            keys[n % len(keys)],
            n / 1000,
            "keywords",
            [Evidence(f"ord{n}", n, n + 4 + len(str(n)), "ord")],
        )
        for n in range(count)
    ]
    rows = [workflow._row(s, code_ids, None, {}) for s in suggestions]
    with small.transaction():
        small.insert_suggestions(rows)
    stored = small.db.execute(
        "SELECT turn_id, code_id, coder_id, score, method, evidence FROM suggestions ORDER BY id"
    ).fetchall()
    assert stored == rows
    assert [json.loads(row[5])[0][:2] for row in stored] == [
        [n, n + 4 + len(str(n))] for n in range(count)
    ]


def plan(project: Project, sql: str, params: list) -> str:
    rows = project.db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(row[-1] for row in rows)


def test_the_indexes_serve_each_lookup_of_suggestions(small):
    indexes = {
        name: [column[2] for column in small.db.execute(f"PRAGMA index_info({name})")]
        for (name,) in small.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'suggestions'"
        )
    }
    assert indexes == {"suggestions_turn": ["turn_id", "code_id"]}
    # The suggestion a decision on a turn + code is about (workflow._find).
    assert "suggestions_turn (turn_id=? AND code_id=?)" in plan(
        small,
        "SELECT s.*, codes.key AS code FROM suggestions s JOIN codes ON codes.id = s.code_id "
        "LEFT JOIN coders ON coders.id = s.coder_id WHERE s.turn_id = ? AND s.code_id = ? "
        "AND (s.coder_id IS NULL OR coders.name = ?) ORDER BY s.score DESC LIMIT 1",
        [1, 1, "ann"],
    )
    # Replacing one transcript's suggestions.
    assert "suggestions_turn (turn_id=?)" in plan(
        small,
        "DELETE FROM suggestions WHERE method = ? AND coder_id IS ? "
        "AND turn_id IN (SELECT id FROM turns WHERE transcript_id = ?)",
        ["keywords", None, 1],
    )
    # Deleting a turn finds its suggestions without reading the table (deleting a code,
    # rare, reads it once).
    assert "suggestions_turn (turn_id=?)" in plan(
        small, "SELECT id FROM suggestions WHERE turn_id = ?", [1]
    )


def test_an_existing_project_keeps_its_suggestions_and_decisions(tmp_path, monkeypatch):
    before = MIGRATIONS.index(SUGGESTION_INDEXES)
    monkeypatch.setattr(project_file, "MIGRATIONS", MIGRATIONS[:before])
    monkeypatch.setattr(project_file, "SCHEMA_VERSION", before)
    path = tmp_path / "older.db"

    def stamped(self, rows):  # as qualcode stored suggestions then: with a time of making
        self.db.conn.executemany(
            "INSERT INTO suggestions (turn_id, code_id, coder_id, score, method, evidence, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, '2026-11-29T00:00:00')",
            rows,
        )

    monkeypatch.setattr(Project, "insert_suggestions", stamped)
    with Project.create(path, load_codebook(default_codebook_path())) as older:
        older.import_files([SMALL_GROUP], language="da")
        compute_suggestions(older, method="keywords")
        accept(older, "ann", turn_id=older.turn_id("gruppe", 2), code="boundaries")
        reject(older, "bob", turn_id=older.turn_id("gruppe", 4), code="community")
        old_indexes = {
            row[0]
            for row in older.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'suggestions'"
            )
        }
        suggestions = older.db.execute("SELECT * FROM suggestions ORDER BY id").fetchall()
        listed = list_suggestions(older)
    assert old_indexes == {"suggestions_turn", "suggestions_code", "suggestions_scope"}
    assert len(suggestions) == 2
    monkeypatch.undo()

    with Project(path) as upgraded:
        assert upgraded.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert upgraded.check() == []
        columns = "id, turn_id, code_id, coder_id, score, method, evidence"
        kept = [row[:7] for row in suggestions]  # all but the status and time of making
        assert upgraded.db.execute(f"SELECT {columns} FROM suggestions ORDER BY id").fetchall() == (
            kept
        )
        assert list_suggestions(upgraded) == listed
        assert [(r["turn"], r["code"], r["coder"], r["status"]) for r in listed] == [
            (2, "boundaries", "ann", "accepted"),
            (4, "community", "bob", "rejected"),
        ]
        turn_ids = [upgraded.turn_id("gruppe", 2), upgraded.turn_id("gruppe", 4)]
        assert open_suggestions(upgraded, turn_ids, "ann") == {
            turn_ids[0]: [],
            turn_ids[1]: [
                {
                    "id": suggestions[1][0],
                    "turn_id": turn_ids[1],
                    "code": "community",
                    "score": listed[1]["score"],
                    "method": "keywords",
                    "methods": ["keywords"],
                    "evidence": listed[1]["evidence"],
                }
            ],
        }
        # Recomputing after the upgrade stores the same suggestions; the decisions stay.
        result = compute_suggestions(upgraded, method="keywords")
        assert result.stored == {"keywords": 2}
        again = list_suggestions(upgraded)
        assert [{**r, "id": None} for r in again] == [{**r, "id": None} for r in listed]
        assert [c["code"] for c in upgraded.codings(coder="ann")] == ["boundaries"]
