"""The workbench queries (qualcode.workbench): paging, filters, progress, coding from two
connections at once, on the demo project."""

from __future__ import annotations

import pytest

from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.workbench import (
    TurnFilter,
    change_codes,
    progress,
    transcript_names,
    transcript_speakers,
    turn_page,
    where_left_off,
)

EN = "focus-group-en"  # 52 turns, 40 of them by participants


def all_turns(project: Project, transcript: str, coder: str, where: TurnFilter) -> list[int]:
    """Turn numbers of every page, walked to the end."""
    numbers, offset = [], 0
    while True:
        page = turn_page(project, transcript, coder, where, limit=10, offset=offset)
        numbers += [turn["turn"] for turn in page.turns]
        offset += 10
        if offset >= page.total:
            return numbers


def test_pages_split_a_transcript_in_order(demo):
    pages = [turn_page(demo, EN, limit=25, offset=offset) for offset in (0, 25, 50)]
    assert [len(page.turns) for page in pages] == [25, 25, 2]
    assert [t["turn"] for page in pages for t in page.turns] == list(range(1, 53))
    assert {page.total for page in pages} == {52}
    assert [page.number for page in pages] == [1, 2, 3] and pages[0].pages == 3
    first = pages[0].turns[0]
    stored = demo.turn(first["id"])
    assert (first["speaker"], first["role"], first["text"]) == (
        stored["speaker"],
        stored["role"],
        stored["text"],
    )
    assert pages[0].language == "en"
    assert pages[0].speakers == transcript_speakers(demo, EN)


def test_a_page_carries_the_coders_codes_spans_and_memo(demo):
    turn_id = demo.turn_id(EN, 2)
    demo.add_codings(turn_id, ["boundaries"], "coder-c", span=(0, 15))
    demo.add_codings(turn_id, ["awareness"], "coder-c")
    demo.set_memo(turn_id, "coder-c", "holding breath")
    turn = turn_page(demo, EN, "coder-c", limit=3).turns[1]
    assert turn["codes"] == ["awareness", "boundaries"]  # codebook order
    assert turn["spans"] == [("boundaries", 0, 15)]
    assert turn["memo"] == "holding breath"
    assert turn_page(demo, EN, "coder-a", limit=3).turns[1]["memo"] is None
    assert turn_page(demo, EN, None, limit=3).turns[1]["codes"] == []


def test_progress_counts_participant_turns_the_coder_coded(demo):
    coded_by_a = {
        c["turn"] for c in demo.codings(coder="coder-a", transcript=EN) if c["turn"] is not None
    }
    participant = {t["turn"] for t in demo.turns(EN, role="participant")}
    assert progress(demo, EN, "coder-a") == (len(coded_by_a & participant), len(participant))
    assert progress(demo, EN, "somebody new") == (0, 40)
    assert progress(demo, EN, None) == (0, 40)


def test_uncoded_only_shows_the_participant_turns_still_to_do(demo):
    coded = {c["turn"] for c in demo.codings(coder="coder-a", transcript=EN)}
    participant = [t["turn"] for t in demo.turns(EN, role="participant")]
    todo = all_turns(demo, EN, "coder-a", TurnFilter(uncoded=True))
    assert todo == [n for n in participant if n not in coded]
    assert len(todo) == 40 - progress(demo, EN, "coder-a")[0]
    assert all_turns(demo, EN, "new coder", TurnFilter(uncoded=True)) == participant


def test_filter_by_code_speaker_and_text(demo):
    by_code = {
        c["turn"] for c in demo.codings(coder="coder-b", transcript=EN) if c["code"] == "community"
    }
    assert all_turns(demo, EN, "coder-b", TurnFilter(code="community")) == sorted(by_code)
    speaker = {s["label"]: s["turns"] for s in demo.speakers(EN)}
    assert len(all_turns(demo, EN, None, TurnFilter(speaker="P2"))) == speaker["P2"]
    # Danish letters fold too: "ÆRLIG" finds "ærlig" and "ærligt"
    found = all_turns(demo, "netvaerk-1", None, TurnFilter(text="ÆRLIG"))
    expected = [t["turn"] for t in demo.turns("netvaerk-1") if "ærlig" in t["text"].casefold()]
    assert found == expected and len(found) == 5
    combined = all_turns(demo, "netvaerk-1", None, TurnFilter(text="ærlig", speaker="D1"))
    assert combined == [
        n for n in expected if demo.turn(demo.turn_id("netvaerk-1", n))["speaker"] == "D1"
    ]
    with pytest.raises(QualcodeError, match="unknown code"):
        turn_page(demo, EN, "coder-a", TurnFilter(code="no-such-code"))


def test_a_page_reads_only_its_own_turns(demo):
    statements: list[str] = []
    demo.db.conn.set_trace_callback(statements.append)
    try:
        page = turn_page(demo, EN, "coder-a", TurnFilter(text="the"), limit=5, offset=5)
    finally:
        demo.db.conn.set_trace_callback(None)
    assert len(page.turns) == 5
    reading_text = [s for s in statements if "t.text" in s and "count(*)" not in s]
    assert reading_text and all("LIMIT" in s for s in reading_text)
    assert all("transcript_id" in s for s in statements if "FROM turns" in s)


def test_changing_codes_reports_what_changed(demo):
    turn_id = demo.turn_id(EN, 4)
    assert change_codes(demo, turn_id, "ann", add=["awareness", "community"]) == (
        ["awareness", "community"],
        [],
    )
    assert change_codes(demo, turn_id, "ann", add=["awareness"], remove=["community"]) == (
        [],
        ["community"],
    )
    assert [c["code"] for c in demo.codings(coder="ann")] == ["awareness"]
    assert [c["origin"] for c in demo.codings(coder="ann")] == ["manual"]


def test_two_connections_coding_at_once_lose_nothing(demo):
    """Two sessions, each with its own connection: one codes a turn while the other shows an
    older state of it; neither undoes the other."""
    turn_id = demo.turn_id(EN, 6)
    with Project(demo.path) as other:
        shown_here = turn_page(demo, EN, "ann", limit=6).turns[5]["codes"]
        change_codes(other, turn_id, "ann", add=["conditions"])
        change_codes(other, turn_id, "bo", add=["boundaries"])
        # this session still shows `shown_here` (no codes) and switches awareness on
        assert shown_here == []
        change_codes(demo, turn_id, "ann", add=["awareness"])
    assert sorted(c["code"] for c in demo.codings(coder="ann", turn_id=turn_id)) == [
        "awareness",
        "conditions",
    ]
    assert [c["code"] for c in demo.codings(coder="bo", turn_id=turn_id)] == ["boundaries"]


def test_names_and_bad_requests(demo):
    assert transcript_names(demo) == ["focus-group-en", "netvaerk-1", "netvaerk-2", "netvaerk-3"]
    with pytest.raises(QualcodeError, match="no transcript named 'nope'"):
        turn_page(demo, "nope")
    with pytest.raises(QualcodeError, match="limit >= 1"):
        turn_page(demo, EN, limit=0)


# ---------------------------------------------------------------- suggestions on the page

PILOT = (
    "TK: What have you noticed since the network started?\n\n"
    "P1: I notice my body now. When my heart races I take it as a warning signal.\n\n"
    "P2: The workload is simply too high, and the targets are unreasonable.\n\n"
    "P1: Hearing the others in the group helped me, I am not alone.\n\n"
    "P3: I said no to my boss about weekend work.\n"
)


@pytest.fixture
def pilot(project, tmp_path):
    (tmp_path / "pilot.txt").write_text(PILOT, encoding="utf-8")
    project.import_files([tmp_path / "pilot.txt"])
    return project


def test_suggestions_come_with_the_page_for_a_coder(pilot):
    from qualcode.workbench import evidence_spans, suggest_transcript, suggestion_count

    assert suggestion_count(pilot, "pilot", "ann") == 0
    result = suggest_transcript(pilot, "pilot", "ann")
    assert result.stored == {"combined": 4} and result.turns == 4
    assert suggestion_count(pilot, "pilot", "ann") == 4
    page = turn_page(pilot, "pilot", "ann")
    offered = {t["turn"]: [s["code"] for s in t["suggestions"]] for t in page.turns}
    assert offered == {
        1: [],  # the interviewer's turn
        2: ["awareness"],
        3: ["conditions"],
        4: ["community"],
        5: ["boundaries"],
    }
    third = page.turns[2]
    spans = evidence_spans(third["suggestions"])
    assert [(code, third["text"][start:end]) for code, start, end in spans] == [
        ("conditions", "workload"),
        ("conditions", "targets"),
        ("conditions", "unreasonable"),
    ]
    assert all(t["suggestions"] == [] for t in turn_page(pilot, "pilot", None).turns)


def test_accepting_codes_the_turn_and_rejecting_hides_it(pilot):
    from qualcode.workbench import accept_suggestion, reject_suggestion, suggest_transcript

    suggest_transcript(pilot, "pilot", "ann")
    page = turn_page(pilot, "pilot", "ann")
    conditions = page.turns[2]["suggestions"][0]
    boundaries = page.turns[4]["suggestions"][0]
    assert accept_suggestion(pilot, "ann", conditions["id"])["coded"] is True
    reject_suggestion(pilot, "ann", boundaries["id"])
    stored = [(c["turn"], c["code"], c["origin"]) for c in pilot.codings(coder="ann")]
    assert stored == [(3, "conditions", "suggestion")]
    page = turn_page(pilot, "pilot", "ann")
    assert page.turns[2]["codes"] == ["conditions"]
    assert [t["suggestions"] != [] for t in page.turns] == [False, True, False, True, False]
    # bo still sees both: decisions are per coder; recomputing keeps ann's decisions
    assert [len(t["suggestions"]) for t in turn_page(pilot, "pilot", "bo").turns] == [0, 1, 1, 1, 1]
    suggest_transcript(pilot, "pilot", "ann")
    page = turn_page(pilot, "pilot", "ann")
    assert [t["suggestions"] != [] for t in page.turns] == [False, True, False, True, False]


def test_learned_suggestions_need_a_coder_with_codings(pilot):
    from qualcode.workbench import suggest_transcript

    with pytest.raises(QualcodeError, match="choose who you are"):
        suggest_transcript(pilot, "pilot", None, "learned")
    with pytest.raises(QualcodeError, match="ann has no codings yet"):
        suggest_transcript(pilot, "pilot", "ann", "all")
    with pytest.raises(QualcodeError, match="unknown method"):
        suggest_transcript(pilot, "pilot", "ann", "magic")
    assert pilot.query("SELECT count(*) AS n FROM suggestions")[0]["n"] == 0


def test_the_code_page_opens_where_the_coder_left_off(demo):
    def by_hand(coder):
        for name in transcript_names(demo):
            coded, total = progress(demo, name, coder)
            if coded < total:
                return name
        return None

    for coder in demo.coders():
        assert where_left_off(demo, coder) == by_hand(coder)
    first = transcript_names(demo)[0]
    participants = [t["id"] for t in demo.turns(first, role="participant")]
    for turn_id in participants:
        change_codes(demo, turn_id, "zoe", add=["awareness"])
    assert where_left_off(demo, "zoe") == transcript_names(demo)[1]
    assert where_left_off(demo, "nobody") is None and where_left_off(demo, None) is None
