"""The learned suggester's codebook prior and its features for short turns."""

from __future__ import annotations

import pytest

from qualcode.codebook import Code, Codebook
from qualcode.suggest import learned
from qualcode.suggest.analysis import analyse
from qualcode.suggest.base import AnalysedTurn, TurnText
from qualcode.suggest.learned import LearnedSuggester, codebook_examples, min_df


def book() -> Codebook:
    return Codebook(
        "Cycling",
        ["en"],
        [
            Code(
                "safety",
                {"en": "Safety"},
                description="Lorries and buses passing close.",
                include=["near misses"],
                keywords={"en": ["helmet"]},
            ),
            Code(
                "cost",
                {"en": "Money"},
                description="Fares and repairs.",
                keywords={"en": ["cheap"]},
            ),
        ],
    )


def sized(*words: int) -> list[AnalysedTurn]:
    return [AnalysedTurn(TurnText(i, "x", "en"), n) for i, n in enumerate(words)]


def test_every_term_is_a_feature_when_the_coded_turns_are_short():
    assert min_df(sized(10, 14, 20)) == 1  # median 14 words
    assert min_df(sized(10, 29, 90)) == 1  # median 29: below 30
    assert min_df(sized(10, 30, 90)) == 2  # median 30: not short
    assert min_df(sized(20, 40, 50, 60)) == 2  # median 45
    assert min_df([]) == 2


def test_each_code_has_one_pseudo_example_per_language_from_the_codebook():
    examples = codebook_examples(book())
    assert [key for _, key in examples] == ["safety", "cost"]
    safety, cost = (turn for turn, _ in examples)
    # Label, keywords, description, include rules and examples, one sentence each.
    assert safety.turn.text == "Safety. helmet. Lorries and buses passing close. near misses"
    assert cost.turn.text == "Money. cheap. Fares and repairs"
    terms = [term for term, _, _ in safety.terms]
    assert {"helmet", "lorry", "bus", "miss"} <= set(terms)
    # It is analysed like a turn: its own keyword is found in it.
    assert set(safety.hits) == {"safety"} and set(cost.hits) == {"cost"}
    two = Codebook("Two", ["da", "en"], [Code("a", {"da": "A"}, keywords={"en": ["x"]})])
    assert [(turn.turn.language, key) for turn, key in codebook_examples(two)] == [
        ("da", "a"),
        ("en", "a"),
    ]


def short_answers() -> tuple[list[TurnText], dict[int, dict[str, bool]]]:
    """40 short coded answers: safety on "the traffic", cost on "the money", six words each;
    none says "lorries", which only the codebook's description of safety says."""
    turns, labels = [], {}
    for i in range(40):
        safe = i % 2 == 0
        text = f"I worry about the {'traffic' if safe else 'money'} number {i}."
        turns.append(TurnText(i, text, "en"))
        labels[i] = {"safety": safe, "cost": not safe}
    return turns, labels


def test_the_prior_teaches_the_words_of_a_codes_description(monkeypatch):
    codebook = book()
    turns, labels = short_answers()
    analysed = list(analyse(turns, codebook, terms=True))
    model = LearnedSuggester(codebook).fit(analysed, labels)
    # Short turns: terms seen once are features, so the description's words are in.
    assert {"lorry", "fare", "traffic", "money"} <= set(model.vocabulary)
    new = list(analyse([TurnText(100, "Lorries everywhere.", "en")], codebook, terms=True))
    _, probabilities = model.predict(new)
    assert probabilities["safety"][0] > 0.5 > probabilities["cost"][0]
    # Without the prior (its weight 0) nothing about lorries was learned: both codes are
    # where a turn with no known word puts them.
    monkeypatch.setattr(learned, "PRIOR_WEIGHT", 0.0)
    plain = LearnedSuggester(codebook).fit(analysed, labels)
    _, without = plain.predict(new)
    unknown = list(analyse([TurnText(101, "Everywhere.", "en")], codebook, terms=True))
    _, nothing = plain.predict(unknown)
    assert without["safety"][0] == pytest.approx(nothing["safety"][0])
    assert without["safety"][0] < probabilities["safety"][0]
