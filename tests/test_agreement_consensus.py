"""Disagreements and adjudication into a consensus coder, on the hand-counted study.

ann and ben differ (in t1 and t2, which both coded) on t1#1 (ann: community, an interviewer
turn), t1#2 (ann: awareness.body, ben: awareness), t1#3 (ben adds boundaries), t1#6 (ann:
boundaries, awareness; ben nothing) and t2#4 (ben: community). On t2#2 both applied
awareness.body (ann a span, ben the whole turn): that is agreement at turn level.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qualcode.analyse import consensus
from qualcode.analyse.report import frequency
from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.read.codings import read_decisions


def codes_of(project, coder, transcript, turn):
    return sorted(
        row["code"]
        for row in project.codings(coder=coder, turn_id=project.turn_id(transcript, turn))
    )


def snapshot(project, coder):
    return [
        (row["transcript"], row["turn"], row["code"], row["start"], row["end"], row["guid"])
        for row in project.query(
            'SELECT td.transcript, td.turn, codes.key AS code, c.start, c."end", c.guid '
            "FROM codings c JOIN turn_details td ON td.id = c.turn_id "
            "JOIN codes ON codes.id = c.code_id JOIN coders ON coders.id = c.coder_id "
            "WHERE coders.name = ? ORDER BY c.id",
            [coder],
        )
    ]


def test_disagreements_list_the_differing_turns_with_codes_and_memos(study):
    study.set_memo(study.turn_id("t1", 6), "ann", "Pauses are a boundary here.")
    page = consensus.disagreements(study, ["ann", "ben"])
    assert page["total"] == 5
    assert [(row["transcript"], row["turn"]) for row in page["rows"]] == [
        ("t1", 1),
        ("t1", 2),
        ("t1", 3),
        ("t1", 6),
        ("t2", 4),
    ]
    t1_6 = page["rows"][3]
    assert t1_6["codes"] == {"ann": ["awareness", "boundaries"], "ben": []}
    assert t1_6["differ"] == ["awareness", "boundaries"]
    assert t1_6["memos"] == {"ann": "Pauses are a boundary here.", "ben": None}
    assert t1_6["speaker"] == "D2" and t1_6["text"].startswith("Jeg holder pauser")
    assert page["rows"][2]["differ"] == ["boundaries"]  # both applied conditions
    json.dumps(page, allow_nan=False)


def test_disagreements_page_and_filter(study):
    page = consensus.disagreements(study, ["ann", "ben"], limit=2, offset=2)
    assert page["total"] == 5
    assert [(row["transcript"], row["turn"]) for row in page["rows"]] == [("t1", 3), ("t1", 6)]
    on_community = consensus.disagreements(study, ["ann", "ben"], code="community")
    assert [(r["transcript"], r["turn"]) for r in on_community["rows"]] == [("t1", 1), ("t2", 4)]
    in_t2 = consensus.disagreements(study, ["ann", "ben"], transcript="t2")
    assert in_t2["total"] == 1


def test_a_coder_who_has_not_coded_a_transcript_does_not_disagree_there(study):
    # ben never coded t3: ann's conditions on t3#2 is no disagreement.
    rows = consensus.disagreements(study, ["ann", "ben"], limit=None)["rows"]
    assert "t3" not in {row["transcript"] for row in rows}


def test_building_the_consensus_keeps_agreed_codes_and_changes_no_original(study):
    before = {coder: snapshot(study, coder) for coder in ("ann", "ben")}
    status = consensus.build_consensus(study, "ann", "ben")
    assert status == {
        "consensus": "consensus",
        "coders": ["ann", "ben"],
        "transcripts": 2,
        "disagreements": 5,
        "adjudicated": 0,
        "open": 5,
        "decisions": {"a": 0, "b": 0, "both": 0, "none": 0, "codes": 0},
        # agreed: t1#3 conditions, t1#5 boundaries, t2#2 awareness.body, t2#3 community.
        "consensus_codings": 4,
    }
    assert codes_of(study, "consensus", "t1", 3) == ["conditions"]
    # ben coded the whole turn, ann a span of it: the consensus has the whole turn.
    t2_2 = study.codings(coder="consensus", turn_id=study.turn_id("t2", 2))
    assert [(row["code"], row["start"]) for row in t2_2] == [("awareness.body", None)]
    assert {coder: snapshot(study, coder) for coder in ("ann", "ben")} == before


def test_adjudicating_turns_one_by_one(study):
    consensus.build_consensus(study, "ann", "ben")
    turn, decide = study.turn_id, consensus.adjudicate_turn
    assert decide(study, turn("t1", 2), "both") == ["awareness", "awareness.body"]
    assert decide(study, turn("t1", 6), "a") == ["awareness", "boundaries"]
    assert decide(study, turn("t1", 3), "b") == ["conditions", "boundaries"]
    assert decide(study, turn("t2", 4), "none") == []
    assert decide(study, turn("t1", 1), "codes", codes=["community"]) == ["community"]
    # A new decision replaces the old one.
    assert decide(study, turn("t1", 6), "b") == []
    status = consensus.adjudication_status(study)
    assert (status["adjudicated"], status["open"]) == (5, 0)
    assert status["decisions"] == {"a": 0, "b": 2, "both": 1, "none": 1, "codes": 1}
    page = consensus.disagreements(study, ["ann", "ben"], limit=1, offset=3)
    assert page["rows"][0]["decision"] == "b"
    # Rebuilding (after more coding, say) keeps the decisions.
    study.add_codings(turn("t2", 4), ["awareness"], "ann")
    consensus.build_consensus(study, "ann", "ben")
    assert codes_of(study, "consensus", "t1", 2) == ["awareness", "awareness.body"]
    assert codes_of(study, "consensus", "t2", 4) == []  # 'none': agreed codes only
    # Reports now count the consensus coder.
    figures = {row["code"]: row["turns"] for row in frequency(study).rows()}
    assert figures["boundaries"] == 2 and figures["community"] == 2


def test_consensus_spans_merge_and_whole_turns_win():
    a = {1: [(0, 10)], 2: [(5, 8)]}
    b = {1: [(8, 20)], 2: [None], 3: [(0, 4), (2, 6)]}
    assert consensus.consensus_codings(a, b, None) == {1: [(0, 20)], 2: [None]}
    assert consensus.consensus_codings(a, b, "b")[3] == [(0, 6)]
    # the listed codes come on top of the agreed ones (1 and 2)
    assert consensus.consensus_codings(a, b, "codes", [3, 4]) == {
        1: [(0, 20)],
        2: [None],
        3: [(0, 6)],
        4: [None],
    }


def test_bad_adjudication_requests(study):
    with pytest.raises(QualcodeError, match="no consensus coder"):
        consensus.adjudicate_turn(study, study.turn_id("t1", 2), "a")
    consensus.build_consensus(study, "ann", "ben")
    with pytest.raises(QualcodeError, match="decision must be one of"):
        consensus.adjudicate_turn(study, study.turn_id("t1", 2), "maybe")
    with pytest.raises(QualcodeError, match="not both coders have coded"):
        consensus.adjudicate_turn(study, study.turn_id("t3", 2), "a")
    with pytest.raises(QualcodeError, match="only with the decision 'codes'"):
        consensus.adjudicate_turn(study, study.turn_id("t1", 2), "a", codes=["awareness"])
    study.add_codings(study.turn_id("t1", 2), ["awareness"], "cy")
    with pytest.raises(QualcodeError, match="consensus of ann and ben"):
        consensus.build_consensus(study, "ann", "cy")
    with pytest.raises(QualcodeError, match="codings of their own"):
        consensus.build_consensus(study, "ann", "ben", consensus="cy")


def test_a_bad_decisions_file_changes_nothing(study, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("transcript,turn,decision\nt1,2,both\nt1,99,a\n", encoding="utf-8")
    rows = read_decisions(decisions)
    with pytest.raises(QualcodeError) as error:
        consensus.adjudicate(study, "ann", "ben", decisions=rows, source=str(decisions))
    assert str(error.value) == f"{decisions}:3: transcript 't1' has no turn 99"
    assert "consensus" not in study.coders()
    assert study.query("SELECT count(*) AS n FROM adjudications")[0]["n"] == 0


def test_cli_disagreements_and_adjudicate(study, tmp_path):
    runner = CliRunner()
    base = ["--project", str(study.path)]
    result = runner.invoke(cli, [*base, "disagreements", "--coders", "ann", "ben"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("5 turn(s) where ann and ben differ (showing 1–5).")
    result = runner.invoke(
        cli, [*base, "disagreements", "--coders", "ann,ben", "--format", "json", "--limit", "2"]
    )
    document = json.loads(result.stdout)
    assert document["total"] == 5 and len(document["rows"]) == 2
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("transcript,turn,decision\nt1,2,both\nt2,4,none\n", encoding="utf-8")
    result = runner.invoke(
        cli, [*base, "adjudicate", "--coders", "ann", "ben", "--decisions", str(decisions)]
    )
    assert result.exit_code == 0, result.output
    assert "2 adjudicated, 3 open" in result.stdout
    turn_id = str(study.turn_id("t1", 6))
    result = runner.invoke(
        cli,
        [*base, "adjudicate", "--coders", "ann", "ben", "--turn", turn_id, "--keep", "a"],
    )
    assert result.exit_code == 0 and "3 adjudicated, 2 open" in result.stdout
    result = runner.invoke(
        cli, [*base, "adjudicate", "--coders", "ann", "ben"], input="a\nn\n", catch_exceptions=False
    )
    assert result.exit_code == 0
    result = runner.invoke(
        cli,
        [*base, "adjudicate", "--coders", "ann", "ben", "--interactive", "--format", "json"],
        input="a\nn\n",
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout[result.stdout.index("{") :])
    assert status["adjudicated"] == 5 and status["open"] == 0
    assert codes_of(study, "consensus", "t1", 1) == ["community"]  # 'a' on t1#1
    assert codes_of(study, "consensus", "t1", 3) == ["conditions"]  # 'n' on t1#3


def test_demo_adjudication_smoke(demo):
    status = consensus.build_consensus(demo, "coder-a", "coder-b")
    assert status["transcripts"] == 4 and status["disagreements"] > 0
    assert status["consensus_codings"] > 100
    assert frequency(demo).coder.name == "consensus"


def test_a_decision_adds_to_the_codes_both_applied(study):
    # t1#3: ann conditions; ben conditions and boundaries. Keeping the listed codes keeps the
    # agreed conditions too, and a listed code neither applied covers the whole turn.
    turn = study.turn_id("t1", 3)
    consensus.build_consensus(study, "ann", "ben")
    assert consensus.adjudicate_turn(study, turn, "codes", codes=["boundaries"]) == [
        "conditions",
        "boundaries",
    ]
    assert consensus.adjudicate_turn(study, turn, "codes", codes=["community"]) == [
        "conditions",
        "community",
    ]
    assert consensus.adjudicate_turn(study, turn, "a") == ["conditions"]
    assert consensus.adjudicate_turn(study, turn, "none") == ["conditions"]
    consensus.build_consensus(study, "ann", "ben")  # rebuilding gives the same
    assert codes_of(study, "consensus", "t1", 3) == ["conditions"]


@pytest.mark.parametrize(
    ("transcript", "turn", "agreed"),
    [("t1", 5, "boundaries"), ("t2", 2, "awareness.body"), ("t1", 4, "no codes")],
)
def test_a_decision_on_a_turn_where_the_coders_agree_is_refused(study, transcript, turn, agreed):
    consensus.build_consensus(study, "ann", "ben")
    before = snapshot(study, "consensus")
    with pytest.raises(QualcodeError) as error:
        consensus.adjudicate_turn(study, study.turn_id(transcript, turn), "b")
    assert error.value.message == (
        f"{transcript}, turn {turn}: ann and ben agree ({agreed}), so there is nothing to "
        "adjudicate; the consensus keeps their codes"
    )
    assert study.query("SELECT count(*) AS n FROM adjudications")[0]["n"] == 0
    assert snapshot(study, "consensus") == before


def test_a_decisions_file_with_an_agreed_turn_changes_nothing(study, tmp_path):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("transcript,turn,decision\nt1,2,both\nt1,5,a\n", encoding="utf-8")
    runner = CliRunner()
    base = ["--project", str(study.path), "adjudicate", "--coders", "ann", "ben"]
    result = runner.invoke(cli, [*base, "--decisions", str(decisions)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {decisions}:3: t1, turn 5: ann and ben agree (boundaries), so there is "
        "nothing to adjudicate; the consensus keeps their codes"
    ]
    assert "consensus" not in study.coders()
    result = runner.invoke(cli, [*base, "--turn-id", str(study.turn_id("t2", 2)), "--keep", "a"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "ann and ben agree (awareness.body)" in result.stderr
