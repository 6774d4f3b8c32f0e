"""The hand-counted study of tests/conftest.py is what the hand counts of the analysis tests
assume (turns, speakers, roles, sentences)."""

from __future__ import annotations

from qualcode.nlp import sentences


def test_the_study_has_the_turns_the_hand_counts_assume(study):
    turns = study.turns()
    assert [(t["transcript"], t["turn"], t["speaker"], t["role"]) for t in turns] == [
        ("t1", 1, "TK", "interviewer"),
        ("t1", 2, "D1", "participant"),
        ("t1", 3, "D2", "participant"),
        ("t1", 4, "TK", "interviewer"),
        ("t1", 5, "D1", "participant"),
        ("t1", 6, "D2", "participant"),
        ("t2", 1, "Interviewer", "interviewer"),
        ("t2", 2, "P1", "participant"),
        ("t2", 3, "P2", "participant"),
        ("t2", 4, "P1", "participant"),
        ("t3", 1, "Interviewer", "interviewer"),
        ("t3", 2, "P1", "participant"),
    ]
    span = study.codings(coder="ann", turn_id=study.turn_id("t2", 2))[0]
    assert (
        study.turn(span["turn_id"])["text"][span["start"] : span["end"]] == "I notice my body now."
    )
    assert {t["name"]: t["group"] for t in study.transcripts()} == {
        "t1": "G1",
        "t2": "G2",
        "t3": "G2",
    }
    assert len(study.codings(coder="ann")) == 9 and len(study.codings(coder="ben")) == 7


def test_participant_turns_split_into_the_sentences_the_hand_counts_assume(study):
    counts = []
    for turn in study.turns(role="participant"):
        if turn["transcript"] == "t3":
            continue
        counts.append(len(sentences(turn["text"], turn["language"])))
    assert counts == [2, 2, 1, 2, 2, 2, 1]
    assert sentences(study.turn(study.turn_id("t2", 2))["text"], "en") == [(0, 21), (22, 37)]
