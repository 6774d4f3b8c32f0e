"""Searching turns across transcripts (qualcode.workbench.search_turns) on the two hand-counted
groups of tests/conftest.py (``groups``): text, speaker, attribute, code and uncoded filters,
paging, and where each hit lies on the Code page."""

from __future__ import annotations

import pytest

from qualcode.errors import QualcodeError
from qualcode.workbench import (
    TurnFilter,
    code_page_of,
    find_speaker,
    search_turns,
    speaker_attributes,
)

F = (("gender", "f"),)


def hits(page) -> list[tuple[str, int]]:
    return [(turn["transcript"], turn["turn"]) for turn in page.turns]


def test_text_is_searched_across_transcripts_in_any_case(groups):
    page = search_turns(groups, where=TurnFilter(text="CHEF"))
    assert hits(page) == [
        ("gruppe-a", 2),
        ("gruppe-a", 3),
        ("gruppe-a", 4),
        ("gruppe-b", 2),
        ("gruppe-b", 4),
    ]
    assert (page.total, page.transcripts) == (5, 2)
    second = page.turns[1]
    assert (second["speaker"], second["text"]) == ("D2", "Chefen lytter ikke til mig.")
    assert page.turns[0]["group"] == "Netværk 1" and page.turns[0]["language"] == "da"
    assert {(s["transcript"], s["label"]) for s in page.speakers} == {
        ("gruppe-a", "TK"),
        ("gruppe-a", "D1"),
        ("gruppe-a", "D2"),
        ("gruppe-b", "TK"),
        ("gruppe-b", "D1"),
        ("gruppe-b", "D2"),
        ("gruppe-b", "D3"),
    }


def test_chosen_transcripts_only(groups):
    page = search_turns(groups, ["gruppe-b"], where=TurnFilter(text="chef"))
    assert hits(page) == [("gruppe-b", 2), ("gruppe-b", 4)]
    assert (page.total, page.transcripts) == (2, 1)
    assert {s["transcript"] for s in page.speakers} == {"gruppe-b"}


def test_an_attribute_value_across_transcripts(groups):
    page = search_turns(groups, where=TurnFilter(attributes=F))
    assert hits(page) == [("gruppe-a", 2), ("gruppe-a", 5), ("gruppe-b", 3), ("gruppe-b", 4)]
    assert (page.total, page.transcripts) == (4, 2)
    both = search_turns(groups, where=TurnFilter(text="chef", attributes=F))
    assert hits(both) == [("gruppe-a", 2), ("gruppe-b", 4)]
    assert search_turns(groups, where=TurnFilter(attributes=(("gender", "x"),))).total == 0
    assert speaker_attributes(groups) == [("gender", "f"), ("gender", "m")]


def test_a_speaker_in_one_transcript_or_a_label_in_all(groups):
    transcript, label = find_speaker(groups, "gruppe-b:D1")
    assert (transcript, label) == ("gruppe-b", "D1")
    one = search_turns(groups, [transcript], where=TurnFilter(speaker=label))
    assert hits(one) == [("gruppe-b", 2)]
    assert find_speaker(groups, "D1") == (None, "D1")
    assert find_speaker(groups, "gruppe-c:D1") == (None, "gruppe-c:D1")
    every_d1 = search_turns(groups, where=TurnFilter(speaker="D1"))
    assert hits(every_d1) == [("gruppe-a", 2), ("gruppe-a", 5), ("gruppe-b", 2)]
    interviewer = search_turns(groups, where=TurnFilter(speaker="TK"))
    assert hits(interviewer) == [("gruppe-a", 1), ("gruppe-a", 4), ("gruppe-b", 1)]


def test_a_code_for_one_coder_or_for_any(groups):
    anns = search_turns(groups, coder="ann", where=TurnFilter(code="conditions"))
    assert hits(anns) == [("gruppe-b", 2)]
    assert anns.turns[0]["codes"] == ["conditions"]
    anyone = search_turns(groups, where=TurnFilter(code="conditions"))
    assert hits(anyone) == [("gruppe-a", 3), ("gruppe-b", 2)]
    assert anyone.turns[0]["coded_by"] == {"conditions": ["ben"]}
    first = search_turns(groups, limit=2).turns[1]
    assert first["coded_by"] == {"boundaries": ["ann", "ben"]}


def test_uncoded_only_for_a_coder(groups):
    page = search_turns(groups, coder="ann", where=TurnFilter(uncoded=True))
    assert hits(page) == [("gruppe-a", 3), ("gruppe-a", 5), ("gruppe-b", 4)]
    assert (page.total, page.transcripts) == (3, 2)
    bens = search_turns(groups, coder="ben", where=TurnFilter(uncoded=True, attributes=F))
    assert hits(bens) == [("gruppe-a", 5), ("gruppe-b", 3), ("gruppe-b", 4)]


def test_pages_run_on_across_transcripts(groups):
    pages = [search_turns(groups, limit=4, offset=offset) for offset in (0, 4, 8)]
    assert [hits(page) for page in pages] == [
        [("gruppe-a", n) for n in (1, 2, 3, 4)],
        [("gruppe-a", 5), ("gruppe-b", 1), ("gruppe-b", 2), ("gruppe-b", 3)],
        [("gruppe-b", 4)],
    ]
    assert {(page.total, page.transcripts, page.pages) for page in pages} == {(9, 2, 3)}
    assert [page.number for page in pages] == [1, 2, 3]
    last = pages[2].turns[0]
    assert last["position"] == 3
    assert (code_page_of(last), code_page_of(last, limit=2), code_page_of(last, limit=3)) == (
        1,
        2,
        2,
    )


def test_bad_names_are_one_line_errors(groups):
    with pytest.raises(QualcodeError, match="no transcript named 'gruppe-z'"):
        search_turns(groups, ["gruppe-z"])
    with pytest.raises(QualcodeError, match="no coder named 'nobody'"):
        search_turns(groups, coder="nobody")
    with pytest.raises(QualcodeError, match="unknown code 'nope'"):
        search_turns(groups, where=TurnFilter(code="nope"))
    with pytest.raises(QualcodeError, match="limit >= 1"):
        search_turns(groups, limit=0)
