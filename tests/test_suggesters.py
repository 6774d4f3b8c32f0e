"""One battery for every suggester (as tests/test_read.py has one for every reader): whatever
a suggester is, what it yields must hold for the workflow, the UI and ``evaluate``.

Each suggester is built on the default codebook and fitted on the same coded turns: Danish
turns about sleep and the body coded awareness, turns about the boss coded boundaries, small
talk coded neither. A new suggester joins by adding its line to SUGGESTERS.
"""

from __future__ import annotations

import pytest

from qualcode.codebook import default_codebook_path, load_codebook
from qualcode.suggest.analysis import analyse
from qualcode.suggest.base import TurnText
from qualcode.suggest.combined import CombinedSuggester
from qualcode.suggest.keywords import KeywordSuggester
from qualcode.suggest.learned import LearnedSuggester

BOOK = load_codebook(default_codebook_path())
CODES = set(BOOK.keys())
SUGGESTERS = {
    "keywords": KeywordSuggester,
    "learned": LearnedSuggester,
    "combined": CombinedSuggester,
}
# Which analysis each suggester reads: a learned one needs the turns' content terms.
TERMS = {"keywords": False, "learned": True, "combined": True}

BODY = "Jeg sover dårligt, og kroppen siger fra om natten"
BOSS = "Jeg har sagt nej til min chef om weekendarbejde"
SMALL_TALK = "Vi snakkede om vejret og om kaffen i kantinen"

NEW = [
    TurnText(100, "Om natten sover jeg dårligt, og kroppen siger fra.", "da"),
    TurnText(101, "Så sagde jeg nej til min chef.", "da"),
    TurnText(102, "I sleep badly and my body says stop.", "en"),
]
HOSTILE = [
    TurnText(200, "", "da"),
    TurnText(201, "   \n\t ", "da"),
    TurnText(202, "<script>alert(1)</script> **kroppen** ![x](http://h/p.png) søvn", "da"),
    TurnText(203, "😀 kroppen 😀 siger fra 👍🏽 min chef", "da"),
    TurnText(204, "x" * 5000 + " kroppen " + "sleep " * 2000, "en"),
    TurnText(205, "\x00\x07 chef\u200b min chef \ufeff", "da"),
    TurnText(206, "Kroppen", "fr"),
]


def coded_turns() -> tuple[list[TurnText], dict]:
    """40 coded turns (20 awareness, 20 boundaries) and 10 coded with neither."""
    turns, labels = [], {}
    for i in range(40):
        body = i % 2 == 0
        turns.append(TurnText(i, f"{BODY if body else BOSS}, nummer {i}.", "da"))
        labels[i] = {"awareness": body, "boundaries": not body}
    for i in range(40, 50):
        turns.append(TurnText(i, f"{SMALL_TALK} {i}.", "da"))
        labels[i] = {"awareness": False, "boundaries": False}
    return turns, labels


@pytest.fixture(scope="module", params=sorted(SUGGESTERS))
def fitted(request):
    """(name, suggester fitted on the coded turns, analyse(turns) as that suggester reads)."""
    name = request.param

    def prepared(turns):
        return list(analyse(turns, BOOK, terms=TERMS[name]))

    turns, labels = coded_turns()
    return name, SUGGESTERS[name](BOOK).fit(prepared(turns), labels), prepared


def check_shape(suggestions, turns, suggester, floor) -> None:
    texts = {turn.id: turn.text for turn in turns}
    for s in suggestions:
        assert s.turn_id in texts
        assert s.code in CODES
        assert s.method == suggester.method
        assert floor <= s.score <= 1
        if s.score >= suggester.threshold:  # what is shown says why it fired
            assert s.evidence, f"{s.code} on turn {s.turn_id} has no evidence"
        for e in s.evidence:
            assert 0 <= e.start < e.end <= len(texts[s.turn_id])
            assert texts[s.turn_id][e.start : e.end] == e.text


def test_suggestions_are_codes_of_the_codebook_with_exact_evidence(fitted):
    _, suggester, prepared = fitted
    suggestions = list(suggester.suggest(prepared(NEW), min_score=0))
    check_shape(suggestions, NEW, suggester, 0)
    assert len({(s.turn_id, s.code) for s in suggestions}) == len(suggestions)


def test_the_turn_about_a_theme_gets_that_theme_first(fitted):
    _, suggester, prepared = fitted
    best = {}
    for s in suggester.suggest(prepared(NEW[:2]), min_score=0):
        if s.score > best.get(s.turn_id, (None, 0))[1]:
            best[s.turn_id] = (s.code, s.score)
    assert {turn: code for turn, (code, _) in best.items()} == {
        100: "awareness",
        101: "boundaries",
    }


def test_the_threshold_is_the_default_floor_and_min_score_moves_it(fitted):
    _, suggester, prepared = fitted
    analysed = prepared(NEW)
    everything = list(suggester.suggest(analysed, min_score=0))
    default = list(suggester.suggest(analysed))
    assert default == [s for s in everything if s.score >= suggester.threshold]
    assert list(suggester.suggest(analysed, min_score=1.01)) == []


def test_the_same_turns_give_the_same_suggestions(fitted):
    _, suggester, prepared = fitted
    first = [(s.turn_id, s.code, s.score, s.evidence) for s in suggester.suggest(prepared(NEW))]
    again = [(s.turn_id, s.code, s.score, s.evidence) for s in suggester.suggest(prepared(NEW))]
    assert first == again and first


def test_no_turns_give_no_suggestions(fitted):
    _, suggester, prepared = fitted
    assert list(suggester.suggest(prepared([]), min_score=0)) == []


def test_empty_hostile_and_huge_turns_give_exact_evidence_or_nothing(fitted):
    _, suggester, prepared = fitted
    suggestions = list(suggester.suggest(prepared(HOSTILE), min_score=0))
    check_shape(suggestions, HOSTILE, suggester, 0)
    shown = {s.turn_id for s in suggestions if s.score >= suggester.threshold}
    assert not shown & {200, 201}


def test_one_turn_at_a_time_or_all_at_once_is_the_same(fitted):
    _, suggester, prepared = fitted
    together = {(s.turn_id, s.code, s.score) for s in suggester.suggest(prepared(NEW), 0)}
    alone = {(s.turn_id, s.code, s.score) for t in NEW for s in suggester.suggest(prepared([t]), 0)}
    assert together == alone
