"""The keyword suggester: matching on lemmas and stems, evidence offsets, scoring."""

from __future__ import annotations

import gc
import math

import numpy
import pytest

from qualcode import nlp
from qualcode.codebook import default_codebook_path, load_codebook, parse_codebook
from qualcode.suggest.analysis import analyse
from qualcode.suggest.base import TurnText
from qualcode.suggest.keywords import KeywordIndex, KeywordSuggester, score, specificity

CODEBOOK = """
name: Test
languages: [da, en]
codes:
  - key: boundaries
    label: {da: Grænser, en: Boundaries}
    keywords:
      da: [sætte grænse, grænse, chef]
      en: [set boundaries, boundary, boss, say no]
  - key: community
    label: {da: Fællesskab, en: Community}
    keywords:
      da: [ikke den eneste, fællesskab]
      en: [not the only one, self-compassion]
"""


@pytest.fixture(scope="module")
def codebook():
    return parse_codebook(CODEBOOK, "test.yaml")


def hits_of(codebook, text: str, language: str = "da") -> dict[str, list[tuple[str, str]]]:
    """code -> [(keyword, matched text)] for one turn."""
    (analysed,) = analyse([TurnText(1, text, language)], codebook)
    return {
        code: [
            (keyword, text[start:end])
            for start, end, keyword in sorted(
                (start, end, hit.keyword.text) for hit in hits for start, end in hit.spans
            )
        ]
        for code, hits in analysed.hits.items()
    }


def test_pipeline_lemmas_are_looked_up_case_insensitively_with_stems_as_fallback():
    doc = next(nlp.pipe(["Grænserne satte"], "da"))
    assert [t.lemma_ for t in doc] == ["grænse", "sætte"]
    assert [t._.stem for t in doc] == ["græns", "sat"]
    assert nlp.pipeline("da") is nlp.pipeline("da")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grænserne er vigtige.", [("grænse", "Grænserne")]),
        ("Jeg har grænser nu.", [("grænse", "grænser")]),
        # The phrase swallows the single word inside it: one hit, not two.
        ("Jeg satte grænser for mig selv.", [("sætte grænse", "satte grænser")]),
        # Words in between are not evidence: each matched word is highlighted on its own.
        ("Jeg satte klare grænser.", [("sætte grænse", "satte"), ("sætte grænse", "grænser")]),
        # Content-word phrases also match in another order within the sentence.
        (
            "Grænser har jeg lært at sætte.",
            [("sætte grænse", "Grænser"), ("sætte grænse", "sætte")],
        ),
    ],
)
def test_danish_inflections_count_for_the_keyword(codebook, text, expected):
    assert hits_of(codebook, text) == {"boundaries": expected}


def test_phrases_stay_inside_one_sentence(codebook):
    text = "Det skal man sætte. Grænser er svære."
    # Not the phrase "sætte grænse": "Grænser" is the keyword "grænse", and "sætte", a word
    # of the phrase found apart from it, is partial credit (hit.word: the phrase's word 0).
    assert hits_of(codebook, text) == {
        "boundaries": [("sætte grænse", "sætte"), ("grænse", "Grænser")]
    }
    (analysed,) = analyse([TurnText(1, text, "da")], codebook)
    assert [hit.word for hit in analysed.hits["boundaries"]] == [None, 0]


def test_phrases_with_function_words_keep_their_order(codebook):
    assert hits_of(codebook, "Jeg er ikke den eneste.") == {
        "community": [("ikke den eneste", "ikke den eneste")]
    }
    assert hits_of(codebook, "Den eneste er ikke her.") == {}


def test_english_inflections_and_punctuation_inside_keywords(codebook):
    text = "I was setting clear boundaries; my bosses listened when I said no."
    assert hits_of(codebook, text, "en") == {
        "boundaries": [
            ("set boundaries", "setting"),
            ("set boundaries", "boundaries"),
            ("boss", "bosses"),
            ("say no", "said no"),
        ]
    }
    assert hits_of(codebook, "Some self compassion, please.", "en") == {
        "community": [("self-compassion", "self compassion")]
    }


def test_evidence_offsets_point_at_the_matched_words(codebook):
    text = "TK spurgte. Jeg satte grænser over for min chef, og chefen forstod det."
    (analysed,) = analyse([TurnText(7, text, "da")], codebook)
    (suggestion,) = KeywordSuggester(codebook).suggest([analysed])
    assert [(e.text, e.start, e.end, e.keyword) for e in suggestion.evidence] == [
        ("satte grænser", 16, 29, "sætte grænse"),
        ("chef", 43, 47, "chef"),
        ("chefen", 52, 58, "chef"),
    ]
    assert all(text[e.start : e.end] == e.text for e in suggestion.evidence)


def test_score_counts_distinct_keywords_and_the_turns_length(codebook):
    # 14 words, "chef" twice: one distinct keyword of weight 1.
    text = "Jeg talte med min chef i går, og min chef sagde ja til det hele med det samme."
    (analysed,) = analyse([TurnText(1, text, "da")], codebook)
    assert analysed.words == 18
    assert score(analysed.hits["boundaries"], analysed.words) == pytest.approx(1 - math.exp(-1))
    # A phrase of two words weighs 1.5, plus "chef" 1: strength 2.5.
    (short,) = analyse([TurnText(2, "Jeg satte grænser for min chef.", "da")], codebook)
    assert score(short.hits["boundaries"], short.words) == pytest.approx(1 - math.exp(-2.5))
    # 160 words with one keyword: the strength is divided by sqrt(160 / 40) = 2.
    long = "Chef " + "ord " * 159
    (diluted,) = analyse([TurnText(3, long, "da")], codebook)
    assert diluted.words == 160
    value = score(diluted.hits["boundaries"], diluted.words)
    assert value == pytest.approx(1 - math.exp(-0.5))
    # Below the threshold of 0.5: not suggested, but still ranked when asked for every score.
    assert list(KeywordSuggester(codebook).suggest([diluted])) == []
    (ranked,) = KeywordSuggester(codebook).suggest([diluted], min_score=0.0)
    assert ranked.score == pytest.approx(0.3935, abs=1e-4)


def test_turns_in_a_language_without_a_pipeline_get_no_suggestions(codebook):
    (analysed,) = analyse([TurnText(1, "Ich setze Grenzen, chef.", "de")], codebook)
    assert analysed.hits == {} and analysed.words == 4


def test_default_codebook_suggests_each_theme_from_its_definition():
    """One sentence per theme, written from STUDY.md's table (not from the samples)."""
    book = load_codebook(default_codebook_path())
    turns = [
        TurnText(1, "Jeg har lært at lytte til kroppen, når den siger fra.", "da"),
        TurnText(2, "Arbejdsmængden er urimelig, og det kan jeg ikke ændre på.", "da"),
        TurnText(3, "Nu holder jeg pauser og tager fri uden dårlig samvittighed.", "da"),
        TurnText(4, "Jeg sagde til min chef, at jeg ikke arbejder i weekenden.", "da"),
        TurnText(5, "Det var befriende at høre, at jeg ikke er den eneste.", "da"),
        TurnText(6, "I finally listened to my body instead of ignoring the warning signs.", "en"),
        TurnText(7, "I told my boss I would not answer emails at the weekend.", "en"),
        TurnText(8, "It was a relief to hear that I am not the only one.", "en"),
    ]
    best = {}
    for suggestion in KeywordSuggester(book).suggest(analyse(turns, book)):
        if suggestion.score > best.get(suggestion.turn_id, ("", 0.0))[1]:
            best[suggestion.turn_id] = (suggestion.code, suggestion.score)
    assert {turn: code for turn, (code, _) in best.items()} == {
        1: "awareness",
        2: "conditions",
        3: "self-priority",
        4: "boundaries",
        5: "community",
        6: "awareness",
        7: "boundaries",
        8: "community",
    }


def test_a_code_much_weaker_than_the_turns_best_is_discounted(codebook):
    text = "Jeg satte grænser for min chef, og fællesskabet hjalp."
    (analysed,) = analyse([TurnText(1, text, "da")], codebook)
    boundaries = 1 - math.exp(-2.5)  # sætte grænse (1.5) + chef (1)
    community = 1 - math.exp(-1)  # fællesskab
    share = community / boundaries  # 0.689, below 0.85 of the best
    ranked = {s.code: s.score for s in KeywordSuggester(codebook).suggest([analysed], 0.0)}
    assert ranked == pytest.approx(
        {"boundaries": boundaries, "community": community * share / 0.85}
    )
    assert ranked["community"] == pytest.approx(0.512, abs=1e-3)
    # Only boundaries reaches the threshold of 0.6.
    assert [s.code for s in KeywordSuggester(codebook).suggest([analysed])] == ["boundaries"]


def test_batch_mode_restores_the_garbage_collector():
    before = gc.get_threshold()
    with nlp.batch_mode():
        assert gc.get_threshold() == (max(200_000, before[0]), *before[1:])
        # Cyclic garbage (a spaCy Doc and the Tokens it caches) is still collected: after
        # more than the threshold of cycles made and dropped, the collector has run (the
        # youngest generation's collection may be counted as an older one's: every tenth is).
        runs = sum(generation["collections"] for generation in gc.get_stats())
        for _ in range(250_000):
            pair: list = []
            pair.append(pair)
        assert sum(generation["collections"] for generation in gc.get_stats()) > runs
    assert gc.get_threshold() == before


def test_compiled_keywords_are_shared_until_the_keywords_change(codebook):
    first = KeywordIndex(codebook).keywords("da")
    assert KeywordIndex(codebook).keywords("da") is first
    assert [k.text for k in first] == [
        "sætte grænse",
        "grænse",
        "chef",
        "ikke den eneste",
        "fællesskab",
    ]
    changed = parse_codebook(CODEBOOK.replace("chef]", "chef, direktør]"), "changed.yaml")
    assert [k.text for k in KeywordIndex(changed).keywords("da")][:4] == [
        "sætte grænse",
        "grænse",
        "chef",
        "direktør",
    ]


def suggested(codebook, text: str, language: str = "da", weights=None) -> dict:
    """code -> (score, [evidence text]) of the keyword suggester for one turn."""
    analysed = list(analyse([TurnText(1, text, language)], codebook))
    return {
        s.code: (s.score, [e.text for e in s.evidence])
        for s in KeywordSuggester(codebook, weights=weights).suggest(analysed, min_score=0)
    }


def test_a_phrase_word_found_apart_earns_partial_credit(codebook):
    # grænse (1) + "sætte", the phrase's other word, found in another sentence (0.3).
    found = suggested(codebook, "Det skal man sætte. Grænser er svære.")
    assert found["boundaries"][0] == pytest.approx(1 - math.exp(-1.3))
    assert found["boundaries"][1] == ["sætte", "Grænser"]
    # A word of the phrase that is already a keyword of the code counts once, as itself.
    assert suggested(codebook, "Grænser er svære.")["boundaries"][0] == pytest.approx(
        1 - math.exp(-1)
    )


FILLER = "Vi drak kaffe i kantinen og talte om vejret hele formiddagen. "  # 11 words


def test_a_long_turn_is_scored_by_its_best_window_with_that_windows_evidence(codebook):
    # 10 + 7 x 11 + 3 = 90 words. Whole turn: sætte grænse 1.5 + chef 1 + grænse 1 (its
    # last place, outside the phrase) = 3.5, divided by sqrt(90 / 40) = 1.5. The first
    # sentence and one filler (21 words, at most 30) hold 2.5 of it, undivided: better.
    text = "Jeg satte en grænse over for min chef i går. " + FILLER * 7 + "Grænsen var tydelig."
    assert len(text.split()) == 90
    score, evidence = suggested(codebook, text)["boundaries"]
    assert 1 - math.exp(-2.5) > 1 - math.exp(-3.5 / 1.5)
    assert score == pytest.approx(1 - math.exp(-2.5))
    assert evidence == ["satte", "grænse", "chef"]
    # One keyword in a long answer: the whole turn alone would not reach the threshold.
    lone = FILLER * 3 + "Min chef lyttede. " + FILLER * 4
    assert len(lone.split()) == 80
    assert 1 - math.exp(-1 / math.sqrt(2)) < 0.6
    assert suggested(codebook, lone)["boundaries"] == (pytest.approx(1 - math.exp(-1)), ["chef"])
    # Up to 70 words a turn is scored whole.
    short = FILLER * 2 + "Min chef lyttede. " + FILLER * 2
    assert suggested(codebook, short)["boundaries"][0] == pytest.approx(
        1 - math.exp(-1 / math.sqrt(len(short.split()) / 40))
    )


def test_a_keyword_in_many_turns_counts_less(codebook):
    # 60 Danish turns: "chef" in 30 of them (50 %), "grænse" in 3 (5 %).
    turns = [
        TurnText(i, "Min chef." if i < 30 else "Grænser." if i < 33 else "Kaffe.", "da")
        for i in range(60)
    ]
    weights = specificity(analyse(turns, codebook))
    # idf(n) = ln(1 + (60 - n + 0.5) / (n + 0.5)); the reference is 30 % of 60 turns = 18.
    chef = math.log(2) / math.log(1 + 42.5 / 18.5)
    assert weights == {("da", "boundaries", "chef", None): pytest.approx(chef)}
    assert chef == pytest.approx(0.581, abs=1e-3)
    found = suggested(codebook, "Min chef og mine grænser.", weights=weights)
    assert found["boundaries"][0] == pytest.approx(1 - math.exp(-(1 + chef)))
    # Fewer than 50 turns of a language say nothing: every keyword counts fully.
    assert specificity(analyse(turns[:49], codebook)) == {}


def general_hits(index: KeywordIndex, doc, language: str) -> dict:
    """The hits of a turn as the general path finds them (every word, phrase and word
    apart through _words_apart and _hits_by_code), to hold the fast path to."""
    from qualcode.suggest import keywords

    compiled = index._compile(language)
    orths = [token.orth for token in doc]
    singles, anchors, apart, present = {}, [], [], 0
    for i, orth in enumerate(orths):
        entry = compiled.triggers.get(orth)
        if entry is None:
            continue
        for k in entry[0]:
            singles.setdefault(k, []).append(i)
        anchors += [(k, i) for k in entry[1]]
        present |= entry[2]
        if entry[3]:
            apart.append((i, entry[3]))
    masks = compiled.phrase_masks
    anchors = [(k, i) for k, i in anchors if masks[k] & present == masks[k]]
    phrases = keywords._match_phrases(compiled, orths, anchors) if anchors else {}
    found = keywords._words_apart(compiled, singles, phrases, apart)
    starts = [token.idx for token in doc]
    return keywords._hits_by_code(doc, orths, starts, compiled, singles, phrases, found)


MIXED = """
  - key: conditions
    label: {da: Vilkår, en: Conditions}
    keywords:
      da: [chefen presser, travlt, travlhed, presset, for travlt på arbejdet]
      en: [work pressure, deadline, deadlines, boss pushes, too much work]
  - key: rest
    label: {da: Hvile, en: Rest}
    keywords:
      da: [sove dårligt, sove godt, hvile, sætte tid af]
      en: [sleep badly, rest, take time off, sleep]
"""


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("da", "Jeg satte grænser over for min chef. Chefen presser, og jeg sover dårligt."),
        ("da", "Grænser, grænser og grænsen. Sætte? Nej. Chef chef chefen, travlt og travlhed."),
        ("da", "Sove godt, sove dårligt: jeg sover. Hvile og tid. Jeg er ikke den eneste."),
        ("da", "Presset presser chefen. For travlt på arbejdet, så travlt at jeg sætter tid af."),
        ("da", "Ingen af ordene her. Sætte, sætte, sætte."),
        ("da", ""),
        ("en", "My boss pushes deadlines; too much work, I sleep badly and rest too little."),
        ("en", "Deadline after deadline. Work, pressure, work pressure. Boundaries I set."),
        ("en", "I take time off. Time? Off! Sleep, sleeping, slept. Not the only one, alone."),
        ("en", "Self compassion and self-compassion: say no, say it, no."),
    ],
)
def test_matching_finds_what_the_general_path_finds(language, text):
    """Turns with and without whole phrases, repeated words, words of several phrases and
    codes found apart: the hits (keyword, places, word apart), their order and their codes'
    order are the general path's."""
    book = parse_codebook(CODEBOOK + MIXED, "mixed.yaml")
    index = KeywordIndex(book)
    for doc in nlp.pipe([text, text], language, lemmas=False):
        found = index.match(doc, language)[0]
        expected = general_hits(index, doc, language)
        as_lists = {
            code: [(hit.keyword.text, hit.spans, hit.word) for hit in hits]
            for code, hits in found.items()
        }
        assert as_lists == {
            code: [(hit.keyword.text, hit.spans, hit.word) for hit in hits]
            for code, hits in expected.items()
        }
        assert list(found) == list(expected)


def test_a_batch_of_turns_is_looked_up_as_each_turn_alone(codebook):
    """The tokens of several turns looked up at once, with word forms new in each batch and
    forms seen before, give each token its own word flag and trigger, and every turn the
    hits, words and sentences it gets alone."""
    texts = [
        "Jeg satte grænser over for min chef.",
        "",
        "Chefen presser, og jeg sover dårligt. Grænser? Ja, grænser!",
        "Helt nye ord: cykelhjelm, regnvejr, 42 km.",
    ]
    index = KeywordIndex(codebook)
    docs = list(nlp.pipe(texts, "da", lemmas=False))
    together = index.match_all(docs[:2], "da") + index.match_all(docs[2:], "da")
    compiled = index._compile("da")
    for doc, found in zip(docs, together, strict=True):
        orths = numpy.array([token.orth for token in doc], dtype=numpy.uint64)
        alpha, trigger = compiled.lookup(orths, doc.vocab)
        assert alpha.tolist() == [int(token.is_alpha) for token in doc]
        assert trigger.tolist() == [token.orth in compiled.triggers for token in doc]
        alone = KeywordIndex(codebook).match(doc, "da")
        assert found[1:] == alone[1:]
        assert {
            c: [(h.keyword.text, h.spans, h.word) for h in hits] for c, hits in found[0].items()
        } == {c: [(h.keyword.text, h.spans, h.word) for h in hits] for c, hits in alone[0].items()}
    assert together[1] == ({}, 0, None)
    assert together[3][1] == 5  # Helt nye ord cykelhjelm regnvejr ("42" and "km." are not)
