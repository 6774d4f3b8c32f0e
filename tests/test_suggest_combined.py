"""The combined suggester: keywords or the learned model, each scaled to its threshold."""

from __future__ import annotations

import pytest
from test_suggest_workflow import labelled

from qualcode.suggest import keywords
from qualcode.suggest.analysis import analyse
from qualcode.suggest.base import TurnText
from qualcode.suggest.combined import CombinedSuggester, common_scale
from qualcode.suggest.evaluate import evaluate
from qualcode.suggest.keywords import KeywordSuggester
from qualcode.suggest.learned import LearnedSuggester
from qualcode.suggest.thresholds import OFF, CodeThresholds
from qualcode.suggest.workflow import compute_suggestions, list_suggestions, open_suggestions


def test_each_part_is_scaled_so_that_its_threshold_is_one_half():
    assert common_scale(0.6, 0.6) == 0.5 and common_scale(0.35, 0.35) == 0.5
    assert common_scale(0.0, 0.6) == 0.0 and common_scale(1.0, 0.35) == 1.0
    assert common_scale(0.3, 0.6) == pytest.approx(0.25)  # half the threshold: a quarter
    assert common_scale(0.675, 0.35) == pytest.approx(0.75)  # half way from 0.35 to 1


def test_before_a_model_exists_it_is_the_keyword_method(project):
    book = project.codebook()
    turns, labels = labelled(20, 10)  # too few coded turns for a model
    new = [
        TurnText(100, "Jeg har sat grænser over for min chef.", "da"),
        TurnText(101, "Kroppen siger fra, og jeg sover dårligt.", "da"),
    ]
    combined = CombinedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    assert not combined.trained
    analysed = list(analyse(new, book, terms=True))
    mine = list(combined.suggest(analysed))
    theirs = list(KeywordSuggester(book).suggest(analysed))
    assert [(s.turn_id, s.code) for s in mine] == [(s.turn_id, s.code) for s in theirs]
    assert [s.score for s in mine] == pytest.approx([common_scale(s.score, 0.6) for s in theirs])
    for mine_one, theirs_one in zip(mine, theirs, strict=True):
        assert [e._replace(method=None) for e in mine_one.evidence] == theirs_one.evidence
        assert {e.method for e in mine_one.evidence} == {"keywords"}
        assert mine_one.coder is None


NIGHT = "Ved midnat ligger jeg og tænker på regnskabet"  # no keyword of the codebook
BOSS = "Jeg talte med direktøren om opgaverne og weekenderne"


def night_and_boss(book) -> CombinedSuggester:
    """Combined, trained on 40 coded turns: awareness on NIGHT, boundaries on BOSS."""
    turns, labels = [], {}
    for i in range(40):
        night = i % 2 == 0
        turns.append(TurnText(i, f"{NIGHT if night else BOSS} nummer {i}.", "da"))
        labels[i] = {"awareness": night, "boundaries": not night}
    return CombinedSuggester(book, coder="ann").fit(analyse(turns, book, terms=True), labels)


def test_the_model_can_suggest_a_code_no_keyword_found_and_says_so(project):
    book = project.codebook()
    combined = night_and_boss(book)
    assert combined.trained
    new = [TurnText(100, "Ved midnat tænker jeg på regnskabet.", "da")]
    analysed = list(analyse(new, book, terms=True))
    assert analysed[0].hits == {}
    [suggestion] = list(combined.suggest(analysed))
    matrix, probabilities = combined.learned.predict(analysed)
    assert suggestion.code == "awareness" and probabilities["awareness"][0] >= 0.35
    assert suggestion.score == pytest.approx(common_scale(probabilities["awareness"][0], 0.35))
    assert [(e.text, e.method) for e in suggestion.evidence] == [
        ("midnat", "learned"),
        ("tænker", "learned"),
        ("regnskabet", "learned"),
    ]
    assert suggestion.coder == "ann"


def test_a_code_the_model_learned_is_decided_by_the_model(project):
    book = project.codebook()
    # The coder applied awareness to turns about the night, and saw ten turns about sleep
    # ("sover dårligt" is a keyword of awareness, score 0.78 >= 0.6) without applying it.
    turns, labels = [], {}
    for i in range(40):
        kind = ("night", "boss", "sleep", "night")[i % 4]
        text = {"night": NIGHT, "boss": BOSS, "sleep": "Jeg sover dårligt"}[kind]
        turns.append(TurnText(i, f"{text} nummer {i}.", "da", transcript=f"t{i % 3}"))
        labels[i] = {"awareness": kind == "night", "boundaries": kind == "boss"}
    combined = CombinedSuggester(book, coder="ann").fit(analyse(turns, book, terms=True), labels)
    assert sorted(combined.learned.models) == ["awareness", "boundaries"]
    assert combined.decides("awareness") == ("learned", 0.35)
    assert combined.decides("community") == ("keywords", 0.6)  # never applied: no model
    assert combined.learned.thresholds["awareness"] == CodeThresholds(OFF, 0.35, 20, 40)
    new = [
        TurnText(100, "Jeg sover dårligt.", "da"),
        TurnText(101, "Ved midnat tænker jeg på regnskabet.", "da"),
    ]
    analysed = list(analyse(new, book, terms=True))
    assert keywords.scores(analysed[0].hits, analysed[0].words)["awareness"] >= 0.6
    _, probabilities = combined.learned.predict(analysed)
    assert probabilities["awareness"][0] < 0.35 <= probabilities["awareness"][1]
    suggested = [(s.turn_id, s.code) for s in combined.suggest(analysed)]
    assert (100, "awareness") not in suggested and (101, "awareness") in suggested
    [night] = [s for s in combined.suggest(analysed) if (s.turn_id, s.code) == (101, "awareness")]
    assert night.score == pytest.approx(common_scale(probabilities["awareness"][1], 0.35))
    assert {e.method for e in night.evidence} == {"learned"}
    # Below the threshold, for ranking, the stronger part's evidence: here the keyword's.
    [sleep] = [
        s
        for s in combined.suggest(analysed, min_score=0.0)
        if (s.turn_id, s.code) == (100, "awareness")
    ]
    assert sleep.score < 0.5
    assert [(e.text, e.method) for e in sleep.evidence] == [("sover dårligt", "keywords")]


def test_the_coders_decisions_move_a_keyword_threshold_before_a_model_exists(project):
    book = project.codebook()
    # Six turns with two awareness keywords (score 0.97) the coder applied awareness to, ten
    # with one (0.78) they did not: at 0.6 the F-measure (positives weighing
    # sqrt(10 / 6) = 1.29) is 2 * 1.29 * 6 / (2 * 1.29 * 6 + 10) = 0.61; from 0.8 on it is 1.
    turns, labels = [], {}
    for i in range(16):
        text = "Jeg mærker kroppen og sover dårligt" if i < 6 else "Jeg sover dårligt"
        turns.append(TurnText(i, f"{text}, nummer {i}.", "da", transcript=f"t{i % 4}"))
        labels[i] = {"awareness": i < 6}
    combined = CombinedSuggester(book, coder="ann").fit(analyse(turns, book), labels)
    assert not combined.trained and combined.tuned
    assert combined.learned.thresholds["awareness"] == CodeThresholds(0.8, 0.35, 6, 16)
    assert combined.decides("awareness") == ("keywords", 0.8)
    new = [
        TurnText(100, "Jeg sover dårligt.", "da"),
        TurnText(101, "Jeg mærker kroppen og sover dårligt.", "da"),
    ]
    mine = [(s.turn_id, s.code, s.coder) for s in combined.suggest(analyse(new, book))]
    theirs = [(s.turn_id, s.code) for s in CombinedSuggester(book).suggest(analyse(new, book))]
    assert (100, "awareness") in theirs and (101, "awareness") in theirs
    assert (101, "awareness", "ann") in mine
    assert all(turn != 100 or code != "awareness" for turn, code, _ in mine)
    # Four decisions are too few to move it.
    few = {i: labels[i] for i in (0, 1, 2, 3, 6, 7, 8)}
    combined = CombinedSuggester(book).fit(analyse(turns, book), few)
    assert combined.decides("awareness") == ("keywords", 0.6) and not combined.tuned


def test_a_learned_term_inside_a_keyword_match_is_shown_once_as_the_keyword(project):
    book = project.codebook()
    turns, labels = labelled(40, 20)  # awareness: "Jeg mærker kroppen og sover dårligt ..."
    combined = CombinedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    new = [TurnText(100, "Jeg sover dårligt.", "da")]
    [suggestion] = [
        s for s in combined.suggest(analyse(new, book, terms=True)) if s.code == "awareness"
    ]
    # The model decides (it has learned awareness); its reasons, the keyword's place and the
    # words inside it, are shown once, as the keyword.
    reasons = combined.learned.evidence(
        next(iter(analyse(new, book, terms=True))),
        combined.learned.predict(list(analyse(new, book, terms=True)))[0],
        0,
        "awareness",
    )
    assert reasons and all(e.start < 10 and e.end > 4 for e in reasons)  # in "sover dårligt"
    assert [(e.text, e.method) for e in suggestion.evidence] == [("sover dårligt", "learned")]
    assert suggestion.evidence[0].keyword == "sove dårligt"


def test_a_coder_with_a_model_sees_their_combined_suggestions_once(demo):
    compute_suggestions(demo, method="combined")
    rows = list_suggestions(demo)
    coders = {row["coder"] for row in rows if row["status"] == "open"}
    assert coders == {None, "coder-a", "coder-b"}
    seen = list_suggestions(demo, coder="coder-a")
    pairs = [(row["turn_id"], row["code"]) for row in seen]
    assert len(pairs) == len(set(pairs))
    # The coder's own combined suggestions stand in for nobody's everywhere, even where
    # their model leaves out a code the keywords alone would suggest.
    own = {r["id"] for r in rows if r["coder"] == "coder-a" and r["method"] == "combined"}
    assert {row["id"] for row in seen} <= own
    nobody = {(r["turn_id"], r["code"]) for r in rows if r["coder"] is None}
    assert nobody - set(pairs)
    page = open_suggestions(demo, [turn for turn, _ in pairs[:20]], "coder-a")
    assert all(entry["method"] == "combined" for entries in page.values() for entry in entries)


def test_a_coder_without_a_model_any_more_sees_nobodys_suggestions_again(demo):
    compute_suggestions(demo, method="combined")
    transcript = demo.transcripts()[0]["name"]
    own = list_suggestions(demo, transcript=transcript, coder="coder-a")
    assert own and all(row["method"] == "combined" for row in own)
    with demo.transaction():
        demo.db.execute("DELETE FROM codings WHERE coder_id = ?", [demo.find_coder("coder-a")])
    compute_suggestions(demo, transcript=transcript, method="combined", coder="coder-a")
    stored = list_suggestions(demo, transcript=transcript, method="combined")
    assert {r["coder"] for r in stored if r["status"] == "open"} == {None, "coder-b"}
    nobody = [(r["turn_id"], r["code"]) for r in stored if r["coder"] is None]
    seen = list_suggestions(demo, transcript=transcript, coder="coder-a", method="combined")
    assert nobody and [(r["turn_id"], r["code"]) for r in seen] == nobody


def test_evaluating_combined_with_no_coded_turns_gives_the_keyword_figures(demo):
    before = evaluate(demo, "coder-a", "combined", coded_turns=0)
    plain = evaluate(demo, "coder-a", "keywords")
    assert before.macro == plain.macro and before.top2 == plain.top2
    assert all("keyword part only" in note for note in before.notes) and before.notes


def test_learned_evidence_is_never_another_codes_keyword(project):
    book = project.codebook()
    # The coder applied awareness to turns about the boss: the model learns that the
    # boundaries keyword score goes with awareness, but that keyword is not awareness's.
    turns, labels = [], {}
    for i in range(60):
        boss = i % 2 == 0
        text = "Jeg talte med min chef om weekendarbejde" if boss else "Vi drak kaffe i kantinen"
        turns.append(TurnText(i, f"{text} nummer {i}.", "da"))
        labels[i] = {"awareness": boss, "boundaries": False}
    model = LearnedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    names = model.feature_names()
    weights = model.weights("awareness")
    assert weights[names.index("keywords:boundaries")] > 0
    new = [TurnText(100, "Min chef ville have weekendarbejde.", "da")]
    [suggestion] = [
        s for s in model.suggest(analyse(new, book, terms=True)) if s.code == "awareness"
    ]
    assert suggestion.evidence
    assert all(e.keyword is None and e.term for e in suggestion.evidence)
    places = [(e.start, e.end) for e in suggestion.evidence]
    assert len(places) == len(set(places))


def test_a_code_learned_from_few_turns_is_suggested_by_either_part(project):
    book = project.codebook()
    turns, labels = labelled(30, 6)  # awareness on 6 turns, boundaries on 24
    combined = CombinedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    assert sorted(combined.learned.models) == ["awareness", "boundaries"]
    assert combined.decides("awareness") == ("keywords 0.6 or learned", 0.35)
    assert combined.decides("boundaries") == ("learned", 0.35)
    new = list(analyse([TurnText(100, "Jeg sover dårligt.", "da")], book, terms=True))
    keyword_score = keywords.scores(new[0].hits, new[0].words)["awareness"]
    [suggestion] = [s for s in combined.suggest(new, min_score=0.0) if s.code == "awareness"]
    _, probabilities = combined.learned.predict(new)
    expected = max(
        common_scale(keyword_score, 0.6), common_scale(probabilities["awareness"][0], 0.35)
    )
    assert keyword_score >= 0.6 and expected >= 0.5
    assert suggestion.score == pytest.approx(expected)
