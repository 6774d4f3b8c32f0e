"""Searching turns across transcripts (qualcode.workbench.search_turns) on the two hand-counted
groups of tests/conftest.py (``groups``): text, speaker, attribute, code and uncoded filters,
paging, and where each hit lies on the Code page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.workbench import (
    TurnFilter,
    code_page_of,
    find_speaker,
    search_turns,
    shown_range,
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


# ---------------------------------------------------------------- qualcode search


def search(groups, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["--project", str(groups.path), "search", *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_command_line_searches_across_transcripts(groups):
    code, out, _ = search(groups, "chef", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert [(r["transcript"], r["turn"], r["speaker"]) for r in rows] == [
        ("gruppe-a", 2, "D1"),
        ("gruppe-a", 3, "D2"),
        ("gruppe-a", 4, "TK"),
        ("gruppe-b", 2, "D1"),
        ("gruppe-b", 4, "D3"),
    ]
    assert rows[0]["text"] == "Jeg siger fra over for min chef nu."
    assert rows[0]["codes"] == ["boundaries"] and rows[1]["codes"] == ["conditions"]

    code, out, _ = search(groups, "chef", "--attribute", "gender=f", "--limit", "1")
    assert code == 0
    assert "gruppe-a" in out and "Jeg siger fra" in out and "gruppe-b" not in out
    assert out.strip().endswith("showing 1–1 of 2 turns in 2 transcripts")


def test_the_command_line_follows_a_participant_and_a_coder(groups):
    _, out, _ = search(groups, "--speaker", "gruppe-b:D2", "--format", "json")
    assert [(r["transcript"], r["turn"]) for r in json.loads(out)] == [("gruppe-b", 3)]
    _, out, _ = search(groups, "--speaker", "D1", "--format", "csv")
    assert [(r["transcript"], r["turn"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("gruppe-a", "2"),
        ("gruppe-a", "5"),
        ("gruppe-b", "2"),
    ]
    _, out, _ = search(groups, "--coder", "ann", "--uncoded", "--format", "json")
    assert [(r["transcript"], r["turn"], r["codes"]) for r in json.loads(out)] == [
        ("gruppe-a", 3, []),
        ("gruppe-a", 5, []),
        ("gruppe-b", 4, []),
    ]
    _, out, _ = search(groups, "--code", "boundaries", "--coder", "ben", "--format", "json")
    assert [(r["transcript"], r["turn"]) for r in json.loads(out)] == [("gruppe-a", 2)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--uncoded"], "--uncoded needs --coder"),
        (["--attribute", "gender"], "attribute 'gender' must be NAME=VALUE"),
        (["--transcript", "nope"], "no transcript named 'nope'"),
        (["--speaker", "gruppe-b:D2", "--transcript", "gruppe-a"], "not in the --transcript"),
        (["--coder", "nobody"], "no coder named 'nobody'"),
        (["--code", "nope"], "unknown code 'nope'"),
    ],
)
def test_bad_search_options_are_one_line_errors(groups, args, message):
    code, out, err = search(groups, *args)
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and message in err and len(err.strip().splitlines()) == 1


def test_where_a_page_is_among_the_results(groups):
    assert shown_range(search_turns(groups, limit=4, offset=4)) == (
        "showing 5–8 of 9 turns in 2 transcripts"
    )
    one = search_turns(groups, ["gruppe-b"], where=TurnFilter(speaker="D2"))
    assert shown_range(one) == "showing 1–1 of 1 turn in 1 transcript"
    none = search_turns(groups, where=TurnFilter(text="ingenting her"))
    assert shown_range(none) == "showing 0–0 of 0 turns in 0 transcripts"
