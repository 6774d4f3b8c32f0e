"""Reviewing agreement: the reading bands, the table the Agreement page shows, and
adjudicating disagreements into the consensus coder turn by turn (the Agreement page's road),
on a small hand-computed case."""

from __future__ import annotations

import pytest

from qualcode.analyse.consensus import adjudicate_turn, consensus_pair, disagreements
from qualcode.analyse.project_agreement import agreement_table, project_agreement, reading
from qualcode.errors import QualcodeError

PILOT = (
    "TK: What have you noticed?\n\n"
    "P1: I notice my body now.\n\n"
    "P2: The workload is too high.\n\n"
    "P1: The group helped me.\n\n"
    "P3: I said no to my boss.\n"
)


@pytest.fixture
def two_coders(project, tmp_path):
    """ann and bo agree on turn 2 (awareness) and differ on turn 3 (conditions/boundaries)."""
    (tmp_path / "pilot.txt").write_text(PILOT, encoding="utf-8")
    project.import_files([tmp_path / "pilot.txt"])
    turn = {n: project.turn_id("pilot", n) for n in range(1, 6)}
    project.add_codings(turn[2], ["awareness"], "ann")
    project.add_codings(turn[3], ["conditions"], "ann")
    project.add_codings(turn[2], ["awareness"], "bo")
    project.add_codings(turn[3], ["boundaries"], "bo")
    return project, turn


@pytest.mark.parametrize(
    ("alpha", "expected"),
    [
        (1.0, "reliable"),
        (0.800, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6669, "not reliable"),
        (-0.2, "not reliable"),
        (None, "undefined"),
    ],
)
def test_reading_bands(alpha, expected):
    assert reading(alpha) == expected


def test_the_agreement_table(two_coders):
    project, _ = two_coders
    rows = {row["code"]: row for row in agreement_table(project_agreement(project, ["ann", "bo"]))}
    assert list(rows) == [
        "awareness",
        "conditions",
        "self-priority",
        "boundaries",
        "community",
        "(mean over codes)",
        "(pooled)",
    ]
    assert (rows["awareness"]["krippendorff_alpha"], rows["awareness"]["reading"]) == (
        1.0,
        "reliable",
    )
    assert rows["conditions"]["percent_agreement"] == 0.75
    assert rows["conditions"]["units_disagreed"] == 1
    assert rows["conditions"]["reading"] == "not reliable"
    assert rows["community"]["reading"] == "undefined"  # nobody applied it
    # over awareness, conditions, boundaries (alpha 1, 0, 0): 8 values per code, D_o = 0,
    # 2/8, 2/8 and D_e = 2 n_yes n_no / 56 = 24/56, 14/56, 14/56, so pooled alpha =
    # 1 - (1/6) / (52/168) = 6/13; the mean is 1/3. Both get a reading; no disagreement count.
    mean, pooled = rows["(mean over codes)"], rows["(pooled)"]
    assert (mean["n_units"], mean["krippendorff_alpha"], mean["reading"]) == (
        4,
        0.333,
        "not reliable",
    )
    assert (pooled["n_units"], pooled["krippendorff_alpha"], pooled["reading"]) == (
        4,
        0.462,
        "not reliable",
    )
    assert pooled["units_disagreed"] is None
    assert "De Vries" in pooled["label"] and "3 codes" in mean["label"]


def test_adjudicating_a_turn_builds_the_consensus_and_keeps_the_originals(two_coders):
    project, turn = two_coders
    page = disagreements(project, ["ann", "bo"])
    assert page["total"] == 1
    assert [(r["turn"], r["differ"], r["decision"]) for r in page["rows"]] == [
        (3, ["conditions", "boundaries"], None)
    ]
    assert consensus_pair(project, "consensus") is None
    assert adjudicate_turn(project, turn[3], "b", coders=("ann", "bo")) == ["boundaries"]
    assert consensus_pair(project, "consensus") == ("ann", "bo")
    consensus = sorted((c["turn"], c["code"]) for c in project.codings(coder="consensus"))
    assert consensus == [(2, "awareness"), (3, "boundaries")]
    assert adjudicate_turn(project, turn[3], "none", coders=("ann", "bo")) == []
    assert disagreements(project, ["ann", "bo"])["rows"][0]["decision"] == "none"
    assert [c["code"] for c in project.codings(coder="ann")] == ["awareness", "conditions"]


def test_adjudicating_refuses_a_consensus_of_other_coders(two_coders):
    project, turn = two_coders
    adjudicate_turn(project, turn[3], "a", coders=("ann", "bo"))
    project.add_codings(turn[3], ["conditions"], "cy")
    with pytest.raises(QualcodeError, match="consensus of ann and bo, not of ann and cy"):
        adjudicate_turn(project, turn[3], "a", coders=("ann", "cy"))
    with pytest.raises(QualcodeError, match="decision must be one of"):
        adjudicate_turn(project, turn[3], "maybe", coders=("ann", "bo"))
    with pytest.raises(QualcodeError, match="needs the codes to keep"):
        adjudicate_turn(project, turn[3], "codes", coders=("ann", "bo"))
    assert consensus_pair(project, "consensus") == ("ann", "bo")
