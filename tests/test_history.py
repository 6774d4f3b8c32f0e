"""The event log: each coding action one event; undo and redo per coder, as a stack."""

from __future__ import annotations

import sqlite3

import pytest

from qualcode.errors import QualcodeError
from qualcode.suggest.workflow import accept, compute_suggestions, list_suggestions, reject
from qualcode.workbench import change_codes


def state(project, coder: str, turn_id: int) -> tuple:
    """What undo must bring back exactly: codings (with GUID and time), memo, decisions."""
    return tuple(project._turn_state(turn_id, project.coder_id(coder)).values())


def test_each_coding_action_is_one_event_with_who_and_what(small):
    turn = small.turn_id("gruppe", 2)
    small.add_codings(turn, ["awareness"], "ann")
    small.add_codings(turn, ["boundaries"], "ann", span=(0, 9))
    small.add_codings(turn, ["awareness"], "ann")  # already there: nothing happened, no event
    small.remove_codings(turn, ["awareness"], "ann")
    small.set_memo(turn, "ann", "siger fra")
    change_codes(small, turn, "ann", add=["community"], remove=["boundaries"])
    log = small.history()
    assert log["total"] == 5
    assert [(row["coder"], row["action"], row["turn"], row["summary"]) for row in log["rows"]] == [
        ("ann", "code", 2, "coded community; removed boundaries on 0–9"),
        ("ann", "memo", 2, "wrote a memo"),
        ("ann", "uncode", 2, "removed awareness"),
        ("ann", "span", 2, "coded boundaries on 0–9"),
        ("ann", "code", 2, "coded awareness"),
    ]
    assert all(row["transcript"] == "gruppe" and row["at"] for row in log["rows"])
    page = small.history(limit=2, offset=2)
    assert page["total"] == 5 and [row["action"] for row in page["rows"]] == ["uncode", "span"]


def test_undo_and_redo_walk_back_and_forth_through_a_coders_actions(small):
    turn = small.turn_id("gruppe", 2)
    states = [state(small, "ann", turn)]
    small.add_codings(turn, ["awareness"], "ann")
    states.append(state(small, "ann", turn))
    small.add_codings(turn, ["boundaries"], "ann", span=(3, 12))
    states.append(state(small, "ann", turn))
    small.set_memo(turn, "ann", "first")
    states.append(state(small, "ann", turn))
    small.set_memo(turn, "ann", "")
    states.append(state(small, "ann", turn))

    assert small.next_undo("ann")["summary"] == "emptied the memo"
    for back in (3, 2, 1):
        assert small.undo("ann") is not None
        assert state(small, "ann", turn) == states[back]  # GUIDs and times come back too
    assert small.next_redo("ann")["summary"] == "coded boundaries on 3–12"
    assert small.redo("ann")["summary"] == "coded boundaries on 3–12"
    assert state(small, "ann", turn) == states[2]
    small.remove_codings(turn, ["awareness"], "ann")  # a new action: nothing left to redo
    assert small.next_redo("ann") is None and small.redo("ann") is None
    assert small.undo("ann")["summary"] == "removed awareness"
    assert state(small, "ann", turn) == states[2]
    assert small.undo("ann")["summary"] == "coded boundaries on 3–12"
    assert small.undo("ann")["summary"] == "coded awareness"
    assert state(small, "ann", turn) == states[0]
    assert small.undo("ann") is None
    actions = [row["action"] for row in small.history(limit=None)["rows"]]
    assert (len(actions), actions.count("undo"), actions.count("redo")) == (12, 6, 1)


def test_undo_takes_back_only_what_the_action_did(small):
    """Another coder's codes and the coder's own codes from an import stay; each coder's
    undo is their own."""
    turn = small.turn_id("gruppe", 2)
    small.add_codings(turn, ["awareness"], "ann")
    small.add_codings(turn, ["awareness"], "bo")
    small.import_codings(
        [{"transcript": "gruppe", "turn": 2, "code": "community", "coder": "ann", "line": 2}],
        "codings.csv",
    )
    assert small.undo("ann")["summary"] == "coded awareness"
    assert [(c["coder"], c["code"]) for c in small.codings(turn_id=turn)] == [
        ("bo", "awareness"),
        ("ann", "community"),
    ]
    assert small.undo("ann") is None  # the import is not ann's action on the Code page
    assert small.undo("bo")["summary"] == "coded awareness"
    assert [(c["coder"], c["code"]) for c in small.codings(turn_id=turn)] == [("ann", "community")]


def test_undo_brings_a_rejected_suggestion_back(small):
    compute_suggestions(small)
    offered = list_suggestions(small, coder="ann", status="open")
    first, second = offered[0], offered[1]
    reject(small, "ann", suggestion_id=first["id"])
    accept(small, "ann", suggestion_id=second["id"])
    left = {s["id"] for s in list_suggestions(small, coder="ann", status="open")}
    assert first["id"] not in left and second["id"] not in left
    assert small.undo("ann")["summary"] == f"accepted {second['code']}"
    assert small.codings(coder="ann") == []  # the accepted code went with it
    assert small.undo("ann")["summary"] == f"rejected {first['code']}"
    assert {s["id"] for s in list_suggestions(small, coder="ann", status="open")} >= {
        first["id"],
        second["id"],
    }
    assert small.redo("ann")["action"] == "reject"
    assert first["id"] not in {s["id"] for s in list_suggestions(small, coder="ann", status="open")}


def test_the_log_is_append_only(small):
    turn = small.turn_id("gruppe", 2)
    small.add_codings(turn, ["awareness"], "ann")
    for statement in ("UPDATE events SET coder = 'mallory'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            small.db.execute(statement)
    assert small.history()["rows"][0]["coder"] == "ann"


def test_undo_says_why_it_cannot(small, tmp_path):
    turn = small.turn_id("gruppe", 2)
    small.add_codings(turn, ["awareness"], "ann")
    small.remove_codings(turn, ["awareness"], "ann")
    small.db.execute("DELETE FROM codes WHERE key = 'awareness'")
    with pytest.raises(QualcodeError, match="its code is no longer in the codebook"):
        small.undo("ann")
    assert small.history()["total"] == 2  # nothing half done: no undo event either
    path = tmp_path / "gone.txt"
    path.write_text("D1: Hej.\n\nD2: Farvel.\n", encoding="utf-8")
    small.import_files([path])
    other = small.turn_id("gone", 1)
    small.add_codings(other, ["community"], "bo")
    small.db.execute("DELETE FROM transcripts WHERE name = 'gone'")  # its turns go with it
    with pytest.raises(QualcodeError, match="turn 1 of gone is no longer in the project"):
        small.undo("bo")


def test_one_passage_is_removed_and_comes_back_with_undo(small):
    turn = small.turn_id("gruppe", 2)
    small.add_codings(turn, ["boundaries"], "ann", span=(0, 9))
    small.add_codings(turn, ["boundaries"], "ann", span=(12, 20))
    small.add_codings(turn, ["boundaries"], "ann")
    assert small.remove_passage(turn, "boundaries", "ann", 12, 20)
    assert not small.remove_passage(turn, "boundaries", "ann", 12, 20)  # gone already
    left = {(c["start"], c["end"]) for c in small.codings(coder="ann")}
    assert left == {(None, None), (0, 9)}
    assert small.history()["rows"][0]["summary"] == "removed boundaries on 12–20"
    small.undo("ann")
    assert len(small.codings(coder="ann")) == 3
