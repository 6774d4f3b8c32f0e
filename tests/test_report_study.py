"""A tiny study whose every figure is counted by hand, shared by the analysis tests.

Three transcripts, a codebook with a sub-code, two coders (ann, ben) who agree on some turns
and differ on others; ben has not coded t3 at all. The tests of reports, agreement,
adjudication and quotes import :func:`build_study`; the tests here check that the study is
what those hand counts assume (turns, speakers, roles, sentences).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.codebook import parse_codebook
from qualcode.nlp import pipeline
from qualcode.store import Project

CODEBOOK = """
name: Hand-counted study
languages: [da, en]
codes:
  - key: awareness
    label: Awareness
    color: "#4e79a7"
    children:
      - key: awareness.body
        label: Body
  - key: conditions
    label: Conditions
  - key: boundaries
    label: Boundaries
  - key: community
    label: Community
  - key: unused
    label: Nobody uses this
"""

T1 = """TK: Velkommen. Hvordan går det?

D1: Jeg sover dårligt. Kroppen siger fra.

D2: Der er for meget arbejde. Chefen lytter ikke.

TK: Hvad har I gjort ved det?

D1: Jeg har sagt nej til weekendarbejde.

D2: Jeg holder pauser nu. Det hjælper.
"""

T2 = """Interviewer: What changed for you?

P1: I notice my body now. I sleep better.

P2: Meeting the others helped. I am not alone.

P1: Yes.
"""

T3 = """Interviewer: Anything else?

P1: My boss asks *too* much <b>really</b>.
"""

SPAN = (0, len("I notice my body now."))  # ann's span coding in t2, turn 2

# (transcript, turn, codes, span) per coder
CODINGS = {
    "ann": [
        ("t1", 1, ["community"], None),
        ("t1", 2, ["awareness.body"], None),
        ("t1", 3, ["conditions"], None),
        ("t1", 5, ["boundaries"], None),
        ("t1", 6, ["boundaries", "awareness"], None),
        ("t2", 2, ["awareness.body"], SPAN),
        ("t2", 3, ["community"], None),
        ("t3", 2, ["conditions"], None),
    ],
    "ben": [
        ("t1", 2, ["awareness"], None),
        ("t1", 3, ["conditions", "boundaries"], None),
        ("t1", 5, ["boundaries"], None),
        ("t2", 2, ["awareness.body"], None),
        ("t2", 3, ["community"], None),
        ("t2", 4, ["community"], None),
    ],
}


def build_study(folder: Path, coders: dict | None = None) -> Project:
    """Create the study's project in ``folder`` (t1 in group G1, t2 and t3 in G2)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in (("t1", T1), ("t2", T2), ("t3", T3)):
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    project = Project.create(folder / "study.db", parse_codebook(CODEBOOK, "test codebook"))
    project.import_files([paths["t1"]], group="G1", language="da")
    project.import_files([paths["t2"], paths["t3"]], group="G2", language="en")
    for coder, rows in (coders or CODINGS).items():
        for transcript, turn, codes, span in rows:
            project.add_codings(project.turn_id(transcript, turn), codes, coder, span=span)
    return project


@pytest.fixture
def study(tmp_path):
    with build_study(tmp_path / "study") as project:
        yield project


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
    assert study.turn(study.turn_id("t2", 2))["text"][slice(*SPAN)] == "I notice my body now."
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
        doc = pipeline(turn["language"])(turn["text"])
        counts.append(len([s for s in doc.sents if s.text.strip()]))
    assert counts == [2, 2, 1, 2, 2, 2, 1]
    doc = pipeline("en")(study.turn(study.turn_id("t2", 2))["text"])
    assert [(s.start_char, s.end_char) for s in doc.sents] == [(0, 21), (22, 37)]
