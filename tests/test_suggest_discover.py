"""Keyword discovery on the hand-counted study (tests/conftest.py), counted by hand.

English turns of t2 and t3 (participants): t2#2 P1 "I notice my body now. I sleep better.",
t2#3 P2 "Meeting the others helped. I am not alone.", t2#4 P1 "Yes.", t3#2 P1 "My boss asks
*too* much <b>really</b>." ann coded t2#2 awareness.body (a span), t2#3 community, t3#2
conditions; ben t2#2 awareness.body, t2#3 and t2#4 community.
"""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.suggest.discover import add_keywords, discover_keywords, g2


def test_g2_is_dunnings_log_likelihood():
    # a term in 3 of 4 coded turns and 1 of 16 others: by hand, 2 Σ O ln(O/E)
    expected = 2 * (
        3 * math.log(3 * 20 / (4 * 4))
        + 1 * math.log(1 * 20 / (4 * 16))
        + 1 * math.log(1 * 20 / (16 * 4))
        + 15 * math.log(15 * 20 / (16 * 16))
    )
    assert g2(3, 1, 1, 15) == pytest.approx(expected)
    assert g2(2, 2, 4, 4) == pytest.approx(0.0)  # the same share inside and out


def test_the_terms_of_a_codes_turns_against_the_others(study):
    found = discover_keywords(study, "awareness", coder="ann", language="en", min_turns=1)
    # awareness (with its sub-code): t2#2 only, against t2#3, t2#4 and t3#2
    assert (found["coded_turns"], found["other_turns"]) == (1, 3)
    terms = {row["term"]: row for row in found["terms"]}
    # content lemmas of "I notice my body now. I sleep better." (I, my, now: stop words;
    # better: well) and the pair of adjacent ones
    assert sorted(terms) == ["body", "notice", "sleep", "sleep well", "well"]
    body = terms["body"]
    assert (body["coded_turns"], body["other_turns"], body["coded_share"]) == (1, 0, 1.0)
    assert body["g2"] == round(g2(1, 0, 0, 3), 2)
    assert "boss" not in terms  # a term of another turn only


def test_the_codes_own_keywords_and_rare_terms_are_left_out(study):
    add_keywords(study, "awareness", "en", ["body"])
    found = discover_keywords(study, "awareness", coder="ann", language="en", min_turns=1)
    assert "body" not in {row["term"] for row in found["terms"]}
    assert discover_keywords(study, "awareness", coder="ann", language="en")["terms"] == []


def test_keywords_are_added_only_when_asked_and_once(study):
    before = study.codebook().get("community").keywords.get("en", [])
    assert add_keywords(study, "community", "en", ["alone", "meet other", "alone"]) == [
        "alone",
        "meet other",
    ]
    assert add_keywords(study, "community", "en", ["alone"]) == []
    after = study.codebook().get("community")
    assert after.keywords["en"] == [*before, "alone", "meet other"]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("", "a keyword cannot be empty"),
        (" \t\n ", "a keyword cannot be empty"),
        ("a\x00b", "a keyword cannot hold control characters: 'a\\x00b'"),
        ("bad\x1bword", "a keyword cannot hold control characters: 'bad\\x1bword'"),
    ],
)
def test_a_term_that_is_no_keyword_adds_nothing(study, term, message):
    before = study.codebook().get("community").keywords
    with pytest.raises(QualcodeError) as caught:
        add_keywords(study, "community", "en", ["alone", term])
    assert str(caught.value) == message
    assert study.codebook().get("community").keywords == before
    # Line breaks and tabs inside a term are spaces.
    assert add_keywords(study, "community", "en", ["meet\n  the\tothers"]) == ["meet the others"]


def test_errors_name_the_code(study):
    with pytest.raises(QualcodeError, match="unknown code 'nope'"):
        discover_keywords(study, "nope")
    with pytest.raises(QualcodeError, match="no participant turn is coded with unused"):
        discover_keywords(study, "unused")


def test_the_command_lists_and_adds(study):
    runner = CliRunner()
    base = ["--project", str(study.path), "codebook", "keywords", "awareness"]
    result = runner.invoke(
        cli, [*base, "--coder", "ann", "--language", "en", "--min-turns", "1", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "term,coded_turns,other_turns,coded_share,other_share,g2"
    )
    result = runner.invoke(
        cli, [*base, "--coder", "ann", "--language", "en", "--min-turns", "1", "--add", "sleep"]
    )
    assert result.exit_code == 0, result.output
    assert "Added 1 keyword(s) to awareness (en): sleep." in result.output
    assert "sleep" in study.codebook().get("awareness").keywords["en"]
