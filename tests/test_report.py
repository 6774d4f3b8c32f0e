"""Theme reports on the hand-counted study (tests/conftest.py), and on the demo.

ann's codings (turn: codes): t1#1 (interviewer) community; t1#2 awareness.body; t1#3
conditions; t1#5 boundaries; t1#6 boundaries, awareness; t2#2 awareness.body (a span);
t2#3 community; t3#2 conditions. Participant turns: t1 4 (G1), t2 3 and t3 1 (G2), 8 in all.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from qualcode.analyse import charts, report
from qualcode.analyse.common import choose_coder
from qualcode.analyse.consensus import adjudicate_turn, build_consensus
from qualcode.analyse.project_agreement import project_agreement
from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.export.quotes import quotes
from qualcode.store import Project


def rows(result, *keys):
    return {tuple(row[k] for k in keys): row for row in result.rows()}


def test_frequency_per_code_with_sub_codes_rolled_up(study):
    result = report.frequency(study, coder="ann")
    figures = {
        row["code"]: (row["turns"], row["participants"], row["transcripts"], row["share"])
        for row in result.rows()
    }
    assert figures == {
        # t1#2, t1#6, t2#2: three turns of three participants (t1 D1, t1 D2, t2 P1).
        "awareness": (3, 3, 2, 3 / 8),
        "awareness.body": (2, 2, 2, 2 / 8),
        "conditions": (2, 2, 2, 2 / 8),
        "boundaries": (2, 2, 1, 2 / 8),
        # t1#1 is the interviewer's: a turn coded, but no participant and no share.
        "community": (2, 1, 2, 1 / 8),
        "unused": (0, 0, 0, 0.0),
    }
    assert rows(result, "code")[("awareness",)]["sub_codes"] == "awareness.body"
    assert "Sub-codes are counted in their parents" in result.describe()
    assert result.describe().startswith("Figures for coder 'ann' (chosen).")


def test_frequency_without_rollup_counts_codes_as_applied(study):
    result = report.frequency(study, coder="ann", rollup=False)
    awareness = rows(result, "code")[("awareness",)]
    assert (awareness["turns"], awareness["share"]) == (1, 1 / 8)
    assert "not counted in their parents" in result.describe()


def test_frequency_by_group_role_transcript_and_speaker(study):
    by_group = rows(report.frequency(study, by="group", coder="ann"), "group", "code")
    assert by_group[("G1", "awareness")]["turns"] == 2
    assert by_group[("G1", "awareness")]["share"] == 2 / 4
    assert by_group[("G2", "awareness")]["share"] == 1 / 4
    assert by_group[("G1", "community")]["participant_turns"] == 0
    assert by_group[("G2", "conditions")]["transcripts"] == 1
    assert len(by_group) == 2 * 6  # every code in every group, zeros included
    by_role = rows(report.frequency(study, by="role", coder="ann"), "role", "code")
    assert by_role[("interviewer", "community")]["turns"] == 1
    assert by_role[("interviewer", "community")]["share"] is None  # no participant turns
    assert by_role[("participant", "community")]["share"] == 1 / 8
    by_transcript = rows(
        report.frequency(study, by="transcript", coder="ann"), "transcript", "code"
    )
    assert by_transcript[("t3", "conditions")]["share"] == 1.0
    by_speaker = rows(
        report.frequency(study, by="speaker", coder="ann"), "transcript", "speaker", "code"
    )
    # t1's D1 has two turns (2 and 5): awareness (rolled up) on one, boundaries on the other.
    assert by_speaker[("t1", "D1", "awareness")]["share"] == 0.5
    assert by_speaker[("t1", "D1", "boundaries")]["turns"] == 1
    assert all(row["turns"] > 0 for row in by_speaker.values())


def test_cooccurrence_counts_turns_coded_with_both(study):
    result = report.cooccurrence(study, coder="ann")
    matrix = {row["code"]: row for row in result.rows()}
    assert matrix["awareness"]["awareness"] == 3
    assert matrix["awareness"]["awareness.body"] == 2  # the sub-code rolls up
    assert matrix["awareness"]["boundaries"] == 1 == matrix["boundaries"]["awareness"]  # t1#6
    assert matrix["boundaries"]["boundaries"] == 2
    assert matrix["conditions"]["community"] == 0
    assert matrix["unused"]["unused"] == 0
    flat = report.cooccurrence(study, coder="ann", rollup=False)
    assert {row["code"]: row for row in flat.rows()}["awareness"]["awareness.body"] == 0


def test_crosstab_of_codes_by_group(study):
    result = report.crosstab(study, coder="ann")
    table = {row["code"]: row for row in result.rows()}
    assert (table["awareness"]["G1"], table["awareness"]["G2"]) == (2, 1)
    assert table["awareness"]["total"] == 3 and table["unused"]["total"] == 0
    shares = {row["code"]: row for row in report.crosstab(study, value="share", coder="ann").rows()}
    assert shares["conditions"]["G2"] == 0.25
    with pytest.raises(QualcodeError, match="crosstab breaks codes down by"):
        report.crosstab(study, by="code")


def test_crosstab_by_speaker_keeps_codebook_order_and_totals_participants(study):
    # t1's D1 (the first speaker column) has no conditions and no community turn: the rows
    # still come in codebook order, with every code.
    result = report.crosstab(study, by="speaker", value="participants", coder="ann")
    table = {row["code"]: row for row in result.rows()}
    assert [row["code"] for row in result.rows()] == [
        "awareness",
        "awareness.body",
        "conditions",
        "boundaries",
        "community",
        "unused",
    ]
    assert table["awareness"]["t1 D1"] == 1 and table["conditions"]["t1 D1"] == 0
    # participants who raised it: awareness t1 D1, t1 D2, t2 P1; community only t2 P2 (t1's
    # coding is the interviewer's), so the interviewer's column counts 0.
    assert table["awareness"]["total"] == 3 and table["community"]["total"] == 1
    assert table["community"]["t1 TK"] == 0 and table["unused"]["total"] == 0
    assert list(result.table.columns)[:2] == ["code", "label"]


def test_the_coder_is_the_consensus_when_there_is_one(study):
    # Two coders and no consensus: the one with the most codings, and the choice says so.
    choice = choose_coder(study)
    assert choice.name == "ann" and "most codings" in choice.why and "ben" in choice.why
    build_consensus(study, "ann", "ben")
    result = report.frequency(study)
    assert result.coder.name == "consensus"
    assert "consensus coder of ann and ben" in result.describe()
    assert {row["coder"] for row in result.rows()} == {"consensus"}


def test_a_project_without_codings_says_so(project):
    with pytest.raises(QualcodeError, match="no codings yet"):
        report.frequency(project)
    with pytest.raises(QualcodeError, match="no coder named"):
        report.frequency(project, coder="ann")


def test_an_empty_codebook_is_a_clear_error(tmp_path):
    project = Project.create(tmp_path / "empty.db")
    project.coder_id("ann")
    project.coder_id("ben")
    for analysis in (
        lambda: report.frequency(project, coder="ann"),
        lambda: report.cooccurrence(project, coder="ann"),
        lambda: report.crosstab(project, coder="ann"),
        lambda: project_agreement(project, ["ann", "ben"]),
    ):
        with pytest.raises(QualcodeError, match="the codebook has no codes yet"):
            analysis()
    project.close()


def test_reports_never_put_nan_into_json(study):
    for result in (
        report.frequency(study, by="role", coder="ann"),
        report.cooccurrence(study, coder="ann"),
        report.crosstab(study, by="role", value="share", coder="ann"),
    ):
        json.dumps(result.rows(), allow_nan=False)


def test_charts_are_altair_specs_written_as_standalone_pages(study, tmp_path):
    for result in (
        report.frequency(study, coder="ann"),
        report.frequency(study, by="group", coder="ann"),
        report.cooccurrence(study, coder="ann"),
        report.crosstab(study, coder="ann"),
    ):
        spec = charts.chart(result).to_dict()
        values = json.dumps(spec["datasets"])
        assert "awareness" in values
        path = charts.save_chart(charts.chart(result), tmp_path / f"{result.kind}.html")
        page = path.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "vegaEmbed" in page
        assert "awareness.body" in page
        # The libraries are inline: opening the page fetches nothing.
        assert not re.search(r"<script[^>]+src=", page)
    with pytest.raises(QualcodeError, match="html"):
        charts.save_chart(charts.chart(result), tmp_path / "chart.pdf")
    # Codebook colours colour the bars of a per-code chart.
    spec = charts.chart(report.frequency(study, coder="ann")).to_dict()
    assert "#4e79a7" in json.dumps(spec["encoding"]["color"])


def test_cli_report_commands(study, tmp_path):
    runner = CliRunner()
    base = ["--project", str(study.path), "report"]
    result = runner.invoke(cli, [*base, "frequency", "--coder", "ann", "--format", "json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing[0]["code"] == "awareness" and listing[0]["turns"] == 3
    assert "Figures for coder 'ann'" in result.stderr
    chart = tmp_path / "by-group.html"
    result = runner.invoke(
        cli, [*base, "frequency", "--by", "group", "--coder", "ann", "--chart", str(chart)]
    )
    assert result.exit_code == 0 and chart.exists()
    assert result.stdout.startswith("Figures for coder 'ann'")
    result = runner.invoke(cli, [*base, "cooccurrence", "--coder", "ann", "--format", "csv"])
    assert result.stdout.splitlines()[0].startswith("code,label,awareness,awareness.body")
    result = runner.invoke(cli, [*base, "crosstab", "--value", "share", "--coder", "ann"])
    assert result.exit_code == 0 and "G1" in result.stdout
    result = runner.invoke(cli, [*base, "frequency", "--coder", "nobody"])
    assert result.exit_code == 1 and "no coder named 'nobody'" in result.stderr


def test_demo_reports_smoke(demo):
    frequency = report.frequency(demo, by="group")
    assert frequency.coder.name in ("coder-a", "coder-b")
    assert {row["group"] for row in frequency.rows()} >= {"Netværk 1", "Netværk 2", "Netværk 3"}
    assert all(row["turns"] > 0 for row in frequency.rows())
    assert report.cooccurrence(demo).rows()[0]["code"] == "awareness"


def test_memos_are_listed_with_their_turns_and_the_coders_codes(demo):
    from qualcode.analyse.memos import memo_table

    a = next(c for c in demo.codings(coder="coder-a") if c["transcript"] == "netvaerk-1")
    demo.set_memo(a["turn_id"], "coder-a", "First memo")
    interviewer = demo.turn_id("focus-group-en", 1)  # nobody coded it
    demo.set_memo(interviewer, "coder-b", "Second memo")
    rows = memo_table(demo)  # in transcript order: focus-group-en before netvaerk-1
    keys = demo.codebook().keys()
    applied = {c["code"] for c in demo.codings(coder="coder-a", turn_id=a["turn_id"])}
    assert [(r["transcript"], r["turn"], r["coder"], r["memo"], r["codes"]) for r in rows] == [
        ("focus-group-en", 1, "coder-b", "Second memo", ""),
        (
            "netvaerk-1",
            a["turn"],
            "coder-a",
            "First memo",
            ", ".join(key for key in keys if key in applied),
        ),
    ]
    assert [r["memo"] for r in memo_table(demo, coder="coder-b")] == ["Second memo"]
    assert [r["memo"] for r in memo_table(demo, code=a["code"])] == ["First memo"]
    others = [key for key in keys if key not in applied]
    assert memo_table(demo, code=others[0]) == []
    with pytest.raises(QualcodeError, match="no coder named 'zed'"):
        memo_table(demo, coder="zed")
    with pytest.raises(QualcodeError, match="unknown code 'nope'"):
        memo_table(demo, code="nope")


# ---------------------------------------------------------------- transcripts not coded

# ben has not coded t3 (its one participant turn is ann's conditions). ben's coded turns, all
# participants': t1#2 awareness, t1#3 conditions + boundaries, t1#5 boundaries, t2#2
# awareness.body, t2#3 and t2#4 community. The participant turns of the transcripts ben coded:
# t1 4, t2 3, 7 in all (the 7 units agreement compares ann and ben on, too).


def test_a_coders_shares_are_over_the_transcripts_that_coder_coded(study):
    result = report.frequency(study, coder="ben")
    figures = {row["code"]: (row["turns"], row["share"], row["not_coded"]) for row in result.rows()}
    assert figures == {
        "awareness": (2, round(2 / 7, 4), "t3"),  # t1#2, t2#2; .25 if t3 counted "no"
        "awareness.body": (1, round(1 / 7, 4), "t3"),
        "conditions": (1, round(1 / 7, 4), "t3"),
        "boundaries": (2, round(2 / 7, 4), "t3"),
        "community": (2, round(2 / 7, 4), "t3"),
        "unused": (0, 0.0, "t3"),
    }
    assert "ben has not coded 1 transcript(s), left out: t3." in result.describe()
    assert "Shares are over the turns of the transcripts ben coded" in result.describe()
    assert project_agreement(study, ["ann", "ben"])["n_units"] == 7
    by_transcript = rows(
        report.frequency(study, by="transcript", coder="ben"), "transcript", "code"
    )
    assert by_transcript[("t3", "conditions")]["share"] is None  # not coded: no share
    assert by_transcript[("t3", "conditions")]["not_coded"] == "t3"
    assert by_transcript[("t2", "community")]["share"] == round(2 / 3, 4)
    assert by_transcript[("t2", "community")]["not_coded"] == ""
    by_group = rows(report.frequency(study, by="group", coder="ben"), "group", "code")
    assert by_group[("G2", "community")]["share"] == round(2 / 3, 4)  # t2's 3 turns, not t3's
    assert (
        by_group[("G2", "community")]["not_coded"],
        by_group[("G1", "awareness")]["not_coded"],
    ) == ("t3", "")
    for by in ("code", "group", "transcript", "role"):
        counted = report.frequency(study, by=by, coder="ben").table
        assert counted.equals(report.recount_frequency(study, by=by, coder="ben").table), by
    shares = {
        row["code"]: row for row in report.crosstab(study, "transcript", "share", "ben").rows()
    }
    assert shares["conditions"]["t3"] is None and shares["conditions"]["t1"] == 0.25
    # ann coded every transcript: nothing left out, her shares over all 8 participant turns.
    ann = report.frequency(study, coder="ann")
    assert {row["not_coded"] for row in ann.rows()} == {""}
    assert "has not coded" not in ann.describe()


def test_the_consensus_report_names_the_transcripts_it_leaves_out(study):
    build_consensus(study, "ann", "ben")
    result = report.frequency(study)
    assert "It leaves out 1 transcript(s): t3 (not coded by ben)." in result.describe()
    # the codes both applied: t1#3 conditions, t1#5 boundaries, t2#2 awareness.body, t2#3
    # community; over the 7 participant turns of t1 and t2.
    figures = {row["code"]: (row["turns"], row["share"]) for row in result.rows()}
    assert figures["conditions"] == (1, round(1 / 7, 4))
    assert figures["awareness"] == (1, round(1 / 7, 4))
    assert {row["not_coded"] for row in result.rows()} == {"t3"}
    found = quotes(study)
    assert "It leaves out 1 transcript(s): t3 (not coded by ben)." in found.describe()


def test_cli_reports_list_the_transcripts_not_coded(study):
    runner = CliRunner()
    base = ["--project", str(study.path), "report", "frequency", "--coder", "ben"]
    result = runner.invoke(cli, [*base, "--format", "json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert {row["not_coded"] for row in listing} == {"t3"}
    assert "left out: t3" in result.stderr
    result = runner.invoke(cli, base)
    assert "left out: t3" in result.stdout.splitlines()[0]
    assert "not_coded" in result.stdout


# ---------------------------------------------------------------- open disagreements

# Where ann and ben differ in t1 and t2 (by hand): t1#1 (ann community), t1#2 (awareness.body
# against awareness), t1#3 (ben adds boundaries), t1#6 (ann only), t2#4 (ben only): 5 turns.


def test_a_consensus_with_open_disagreements_says_how_many_and_offers_the_coders(study):
    build_consensus(study, "ann", "ben")
    assert "None of the 5 turn(s) where ann and ben differ is adjudicated yet" in (
        report.frequency(study).describe()
    )
    adjudicate_turn(study, study.turn_id("t1", 3), "b", coders=["ann", "ben"])
    result = report.frequency(study)
    assert (result.coder.disagreements, result.coder.open_disagreements) == (5, 4)
    assert "4 of the 5 turn(s) where ann and ben differ are not adjudicated yet" in (
        result.describe()
    )
    runner = CliRunner()
    base = ["--project", str(study.path)]
    for command in (["report", "frequency"], ["report", "crosstab"], ["quotes"]):
        shown = runner.invoke(cli, [*base, *command])
        assert shown.exit_code == 0, shown.output
        assert "4 of the 5 turn(s)" in shown.stdout
        assert "For the coders' own figures: --coder ann or --coder ben." in shown.stdout
    as_json = runner.invoke(cli, [*base, "report", "frequency", "--format", "json"])
    assert "--coder ann or --coder ben" in as_json.stderr
    json.loads(as_json.stdout)
    for transcript, turn in (("t1", 1), ("t1", 2), ("t1", 6), ("t2", 4)):
        adjudicate_turn(study, study.turn_id(transcript, turn), "a")
    settled = runner.invoke(cli, [*base, "report", "frequency"])
    assert "not adjudicated" not in settled.stdout and "own figures" not in settled.stdout
    assert report.frequency(study).coder.open_disagreements == 0


# ---------------------------------------------------------------- speaker attributes

# Genders in the study: t1 D1 f, t1 D2 m, t2 P1 f, t2 P2 m; t3 P1 and the interviewers have
# none. Participant turns: f 4 (t1 D1: 2 and 5; t2 P1: 2 and 4), m 3 (t1 D2: 3, 6; t2 P2: 3),
# not set 1 (t3 P1: 2).
GENDERS = {("t1", "D1"): "f", ("t1", "D2"): "m", ("t2", "P1"): "f", ("t2", "P2"): "m"}


@pytest.fixture
def gendered(study):
    for (transcript, label), gender in GENDERS.items():
        study.set_speaker(transcript, label, attributes={"gender": gender})
    return study


def test_a_report_by_a_speaker_attribute(gendered):
    result = report.frequency(gendered, by="attribute:gender", coder="ann")
    assert list(result.table.columns)[:2] == ["gender", "code"] and result.column == "gender"
    figures = {
        (row["gender"], row["code"]): (row["turns"], row["participants"], row["share"])
        for row in result.rows()
    }
    # ann: t1#2 (D1) and t2#2 (P1) awareness.body, t1#5 (D1) boundaries; t1#3 (D2) conditions,
    # t1#6 (D2) boundaries + awareness, t2#3 (P2) community; t3#2 (P1, no gender) conditions
    # and t1#1 (TK, no gender) community.
    assert figures[("f", "awareness")] == (2, 2, 0.5)
    assert figures[("f", "boundaries")] == (1, 1, 0.25)
    assert figures[("m", "awareness")] == (1, 1, round(1 / 3, 4))
    assert figures[("m", "community")] == (1, 1, round(1 / 3, 4))
    assert figures[("(not set)", "community")] == (1, 0, 0.0)  # the interviewer's turn
    assert figures[("(not set)", "conditions")] == (1, 1, 1.0)
    assert len(figures) == 3 * 6
    for by in ("attribute:gender", "code", "group", "transcript", "speaker"):
        for where in ((), (("gender", "f"),)):
            for coder in ("ann", "ben"):
                counted = report.frequency(gendered, by, coder, attributes=where).table
                recounted = report.recount_frequency(gendered, by, coder, attributes=where)
                assert counted.equals(recounted.table), (by, where, coder)
    table = {
        row["code"]: row
        for row in report.crosstab(gendered, "attribute:gender", "turns", "ann").rows()
    }
    assert (table["awareness"]["f"], table["awareness"]["m"], table["awareness"]["(not set)"]) == (
        2,
        1,
        0,
    )
    assert table["conditions"]["total"] == 2 and table["community"]["(not set)"] == 1
    spec = charts.chart(result).to_dict()  # the chart reads the values under its own name
    assert spec["encoding"]["yOffset"]["field"] == "breakdown"
    assert report.breakdown("attribute:role").keys == ["attribute role"]  # role is taken
    with pytest.raises(QualcodeError, match="or attribute:NAME"):
        report.frequency(gendered, by="gender")


def test_speaker_attributes_filter_every_report(gendered):
    women = (("gender", "f"),)
    result = report.frequency(gendered, coder="ben", attributes=women)
    figures = {row["code"]: (row["turns"], row["share"]) for row in result.rows()}
    # ben on f's 4 turns: t1#2 awareness, t1#5 boundaries, t2#2 awareness.body, t2#4 community
    assert figures == {
        "awareness": (2, 0.5),
        "awareness.body": (1, 0.25),
        "conditions": (0, 0.0),
        "boundaries": (1, 0.25),
        "community": (1, 0.25),
        "unused": (0, 0.0),
    }
    assert "Only the turns of speakers with gender = f: shares are over" in result.describe()
    men = {
        row["code"]: row
        for row in report.cooccurrence(gendered, "ann", attributes=(("gender", "m"),)).rows()
    }
    # ann on m's turns: t1#3 conditions, t1#6 boundaries + awareness, t2#3 community
    assert men["awareness"]["boundaries"] == 1 and men["awareness"]["awareness"] == 1
    assert men["community"]["community"] == 1  # 2 without the filter (t1#1 is TK's)
    assert men["conditions"]["conditions"] == 1 and men["awareness.body"]["awareness.body"] == 0
    described = report.cooccurrence(gendered, "ann", attributes=(("gender", "m"),)).describe()
    assert "Only the turns of speakers with gender = m." in described
    found = quotes(gendered, ["awareness"], "ann", attributes=women)
    assert [(q.code, q.transcript, q.turn) for q in found.quotes] == [
        ("awareness.body", "t1", 2),
        ("awareness.body", "t2", 2),
    ]
    assert "Only the quotes of speakers with gender = f." in found.describe()
    with pytest.raises(QualcodeError, match="no speaker has gender = x"):
        report.frequency(gendered, attributes=(("gender", "x"),))


def test_quotes_of_every_coder_name_their_coder(study, tmp_path):
    found = quotes(study, ["boundaries"], "all")
    assert [(q.transcript, q.turn, q.coder) for q in found.quotes] == [
        ("t1", 3, "ben"),
        ("t1", 5, "ann"),
        ("t1", 5, "ben"),
        ("t1", 6, "ann"),
    ]
    assert found.describe().startswith("Quotes coded by every coder (ann, ben)")
    runner = CliRunner()
    base = ["--project", str(study.path), "quotes", "boundaries"]
    result = runner.invoke(cli, [*base, "--coder", "all", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(",coder") and [line.rsplit(",", 1)[1] for line in lines[1:]] == [
        "ben",
        "ann",
        "ben",
        "ann",
    ]
    assert "Quotes coded by every coder" in result.stderr
    markdown = runner.invoke(cli, [*base, "--coder", "all", "--format", "md"]).stdout
    assert "t1, turn 5, coded by ann" in markdown and "t1, turn 5, coded by ben" in markdown
    # to the screen, as to a file: which coder it chose (on stderr, the quotes stay clean)
    result = runner.invoke(cli, [*base, "--format", "csv"])
    assert result.stderr.startswith("Quotes coded by ann (the coder with the most codings")
    assert result.stdout.startswith("code,label,transcript")
    assert "Choose another coder with --coder NAME" in result.stderr
    result = runner.invoke(cli, [*base, "--format", "md"])
    assert "Quotes coded by ann" in result.stderr
    (tmp_path / "all.xlsx").unlink(missing_ok=True)
    written = runner.invoke(cli, [*base, "--coder", "all", "-o", str(tmp_path / "all.xlsx")])
    assert "Wrote 4 quote(s)" in written.stdout
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "all.xlsx")["boundaries"]
    assert [cell.value for cell in sheet[1]][-1] == "coder"
    assert [row[-1].value for row in sheet.iter_rows(min_row=2)] == ["ben", "ann", "ben", "ann"]


def test_cli_reports_by_and_filtered_by_speaker_attributes(gendered):
    runner = CliRunner()
    base = ["--project", str(gendered.path), "report"]
    result = runner.invoke(
        cli,
        [*base, "frequency", "--by", "attribute:gender", "--coder", "ann", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    rows_ = {(row["gender"], row["code"]): row for row in json.loads(result.stdout)}
    assert rows_[("f", "awareness")]["share"] == 0.5
    result = runner.invoke(
        cli, [*base, "crosstab", "--by", "attribute:gender", "--coder", "ann", "--format", "csv"]
    )
    assert result.stdout.splitlines()[0] == "code,label,f,m,(not set),total"
    result = runner.invoke(
        cli,
        [*base, "frequency", "--coder", "ben", "--attribute", "gender=f", "--format", "json"],
    )
    assert {row["code"]: row["share"] for row in json.loads(result.stdout)}["awareness"] == 0.5
    result = runner.invoke(cli, [*base, "cooccurrence", "--attribute", "gender"])
    assert result.exit_code == 1 and "must be NAME=VALUE" in result.stderr
    result = runner.invoke(cli, [*base, "frequency", "--by", "gender"])
    assert result.exit_code == 1 and "attribute:NAME" in result.stderr
    assert "Traceback" not in result.output
