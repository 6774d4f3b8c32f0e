"""A short answer is read with the question it answers (qualcode.suggest.questions): the
interviewer's turn just before it, in an interview with one participant."""

from __future__ import annotations

import math
from pathlib import Path

from qualcode.codebook import load_codebook
from qualcode.store import Project
from qualcode.suggest.analysis import Analyser
from qualcode.suggest.learned import LearnedSuggester
from qualcode.suggest.questions import with_questions
from qualcode.suggest.workflow import iter_turns

BOOK = load_codebook(Path(__file__).parent / "suggestions" / "cycling.yaml")
CODES = BOOK.keys()

INTERVIEW = (
    """Interviewer: Do you have showers at work?

Ruth: One on the ground floor, shared by four hundred people.

Ruth: And a locker.

Interviewer: Anything else?

Ruth: """
    + " ".join(["It is the only hour of the day nobody can phone me, really."] * 3)
    + "\n"
)

GROUP = """Moderator: Do you have showers at work?

Anna: One, on the ground floor.

Ben: None at all.
"""


def test_an_answer_in_an_interview_has_its_question_and_a_long_one_no_question_features(
    tmp_path,
):
    (tmp_path / "interview.txt").write_text(INTERVIEW)
    (tmp_path / "group.txt").write_text(GROUP)
    project = Project.create(tmp_path / "p.db", BOOK)
    project.import_files([tmp_path / "interview.txt", tmp_path / "group.txt"], language="en")
    turns = with_questions(project, list(iter_turns(project)))
    asked = {(turn.transcript, turn.turn): turn.question for turn in turns}
    # Turn 3 follows Ruth's own turn, turn 5 of the interview is long; in the focus group
    # (two participants) nobody's turn has a question.
    assert asked == {
        ("interview", 2): "Do you have showers at work?",
        ("interview", 3): None,
        ("interview", 5): "Anything else?",
        ("group", 2): None,
        ("group", 3): None,
    }
    analysed = {t.turn.turn: t for t in Analyser(BOOK).analyse(turns[:3], terms=True)}
    assert analysed[2].question is not None and analysed[3].question is None
    assert analysed[5].words == 39 and analysed[5].question is None  # long: not analysed
    model = LearnedSuggester(BOOK)
    features = model._question_scores(analysed[2])
    # "showers" and "work" are two workplace keywords in the question: 1 - e^-2.
    assert round(features[CODES.index("workplace")], 4) == round(1 - math.exp(-2), 4)
    assert sum(features) == features[CODES.index("workplace")]
    assert model._question_scores(analysed[3]) == [0.0] * 8
    assert model.feature_names()[-8:] == [f"question:{code}" for code in CODES]
