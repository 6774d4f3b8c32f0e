"""Splitting turns into sentences (the ``sentence`` unit of agreement), in Danish and English:
bracketed stage directions, quotes, ellipses and abbreviations, checked sentence by sentence."""

from __future__ import annotations

import itertools

import pytest

from qualcode.nlp import sentences


def split(text: str, language: str) -> list[str]:
    return [text[start:end] for start, end in sentences(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # a stage direction after a full stop is not glued to the sentence before
        (
            "da",
            "Jeg sagde det til ham. (griner) Det var sjovt.",
            ["Jeg sagde det til ham.", "(griner)", "Det var sjovt."],
        ),
        (
            "en",
            "I told him. (laughs) It was funny.",
            ["I told him.", "(laughs)", "It was funny."],
        ),
        # inside a sentence, or before its full stop, it stays there
        ("da", "Det var (pause) svært. Ja.", ["Det var (pause) svært.", "Ja."]),
        ("en", "I don't know (laughs). But yes.", ["I don't know (laughs).", "But yes."]),
        ("da", "Jeg ved det ikke [griner]. Men okay.", ["Jeg ved det ikke [griner].", "Men okay."]),
        # a quoted question or exclamation does not end the sentence that goes on
        ("da", 'Hun spurgte: "Hvorfor?" og gik.', ['Hun spurgte: "Hvorfor?" og gik.']),
        ("en", 'He asked, "Why?" and left.', ['He asked, "Why?" and left.']),
        ("da", "Han sagde 'nej!' Og så gik han.", ["Han sagde 'nej!'", "Og så gik han."]),
        # ellipses: a pause inside a sentence, or its end before a new one
        ("da", "Altså… jeg ved det ikke.", ["Altså… jeg ved det ikke."]),
        ("da", "Det er svært... Men vi prøver.", ["Det er svært...", "Men vi prøver."]),
        ("en", "Well... I don't know. Maybe.", ["Well...", "I don't know.", "Maybe."]),
        # abbreviations and ordinals
        (
            "da",
            "Det var bl.a. ca. 10 mennesker mv. Vi var glade.",
            ["Det var bl.a. ca. 10 mennesker mv.", "Vi var glade."],
        ),
        (
            "da",
            "Det var f.eks. hr. Jensen der kom. Han var glad!",
            ["Det var f.eks. hr. Jensen der kom.", "Han var glad!"],
        ),
        (
            "da",
            "Vi talte om det i 2. klasse. Det var godt.",
            ["Vi talte om det i 2. klasse.", "Det var godt."],
        ),
        (
            "en",
            "Dr. Smith came at 10 a.m. on Monday. Then he left.",
            ["Dr. Smith came at 10 a.m. on Monday.", "Then he left."],
        ),
        (
            "en",
            "We met in the U.S. last year. It was fine.",
            ["We met in the U.S. last year.", "It was fine."],
        ),
        # short sentences, line breaks, no final stop, white space around
        ("da", "Ja. Nej. Måske.", ["Ja.", "Nej.", "Måske."]),
        ("en", "  Fine.\nNew line here. And here  ", ["Fine.", "New line here.", "And here"]),
        ("en", "One sentence without a stop", ["One sentence without a stop"]),
        ("en", "   ", []),
    ],
)
def test_sentences(language, text, expected):
    assert split(text, language) == expected


def test_sentences_are_spans_of_the_text_in_order_covering_every_word():
    text = "Ja (griner). Nej!! Hvad med dig?  (pause) Det ved jeg ikke… Måske. Ja."
    spans = sentences(text, "da")
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert len(spans) == 6  # the … before Måske is read as a pause
    covered = "".join(text[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(text.split())
