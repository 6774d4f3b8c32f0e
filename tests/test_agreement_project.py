"""Agreement over a real project's codings, against counts and coefficients worked by hand.

The study (tests/conftest.py): ann and ben coded t1 and t2; only ann coded t3, so
ben is missing there and t3 is left out. Units for ``turn`` are the 7 participant turns of
t1 and t2, in order t1#2, t1#3, t1#5, t1#6, t2#2, t2#3, t2#4.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qualcode.analyse.project_agreement import UNUSED, agreement_rows, project_agreement
from qualcode.cli import cli
from qualcode.errors import QualcodeError


def by_code(result):
    return {row["code"]: row for row in result["codes"]}


def test_turn_agreement_per_code_as_worked_by_hand(study):
    result = project_agreement(study, ["ann", "ben"])
    json.dumps(result, allow_nan=False)
    assert result["unit"] == "turn" and result["coders"] == ["ann", "ben"]
    assert result["n_units"] == 7 and result["transcripts"] == 2
    codes = by_code(result)
    assert list(codes) == [
        "awareness",
        "awareness.body",
        "conditions",
        "boundaries",
        "community",
        "unused",
    ]
    # awareness: ann yes on t1#6, ben on t1#2; 5 of 7 agree. Both say yes on 1/7 of units:
    # kappa = (5/7 - 37/49) / (1 - 37/49) = -1/6; alpha = 1 - 13 * 2 * 2 / (2 * 2 * 12) =
    # -1/12; AC1: pi_yes = 1/7, p_e = 2 (1/7)(6/7) = 12/49, (5/7 - 12/49)/(37/49) = 23/37.
    awareness = codes["awareness"]
    assert awareness["percent_agreement"] == pytest.approx(5 / 7)
    assert awareness["cohen_kappa"] == pytest.approx(-1 / 6)
    assert awareness["krippendorff_alpha"] == pytest.approx(-1 / 12)
    assert awareness["gwet_ac1"] == pytest.approx(23 / 37)
    assert awareness["fleiss_kappa"] == pytest.approx(-1 / 6)
    assert awareness["units_coded"] == {"ann": 1, "ben": 1}
    assert awareness["units_all_coded"] == 0 and awareness["units_disagreed"] == 2
    # awareness.body: ann t1#2 and (a span of) t2#2, ben t2#2: one disagreement.
    # kappa: p_e = (2/7)(1/7) + (5/7)(6/7) = 32/49 -> (42 - 32)/(49 - 32) = 10/17;
    # alpha = 1 - 13 * 2 / (2 * 3 * 11) = 20/33; AC1: pi_yes = 3/14 -> 51/65.
    body = codes["awareness.body"]
    assert body["percent_agreement"] == pytest.approx(6 / 7)
    assert body["cohen_kappa"] == pytest.approx(10 / 17)
    assert body["krippendorff_alpha"] == pytest.approx(20 / 33)
    assert body["gwet_ac1"] == pytest.approx(51 / 65)
    # conditions: both on t1#3 only (ann's t3 coding does not count: ben never coded t3).
    conditions = codes["conditions"]
    assert conditions["units_coded"] == {"ann": 1, "ben": 1}
    for name in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1"):
        assert conditions[name] == pytest.approx(1.0)
    # boundaries: ann t1#5, t1#6; ben t1#3, t1#5: kappa (35 - 29)/(49 - 29) = .3, alpha .35.
    boundaries = codes["boundaries"]
    assert boundaries["cohen_kappa"] == pytest.approx(0.3)
    assert boundaries["krippendorff_alpha"] == pytest.approx(0.35)
    assert boundaries["gwet_ac1"] == pytest.approx(15 / 29)
    # community: ann's coding of an interviewer turn (t1#1) is not a unit.
    community = codes["community"]
    assert community["units_coded"] == {"ann": 1, "ben": 2}
    assert community["cohen_kappa"] == pytest.approx(10 / 17)


def test_a_code_nobody_used_is_perfect_agreement_with_undefined_kappa_and_alpha(study):
    unused = by_code(project_agreement(study, ["ann", "ben"]))["unused"]
    assert unused["percent_agreement"] == 1.0 and unused["gwet_ac1"] == 1.0
    assert unused["cohen_kappa"] is None and unused["krippendorff_alpha"] is None
    assert unused["fleiss_kappa"] is None
    assert set(unused["reasons"]) == {"cohen_kappa", "krippendorff_alpha", "fleiss_kappa"}
    assert all(reason.startswith(UNUSED) for reason in unused["reasons"].values())


def test_overall_gives_the_mean_over_codes_and_the_pooled_figures(study):
    result = project_agreement(study, ["ann", "ben"])
    overall = result["overall"]
    assert "De Vries" in overall["pooling"] and "left out" in overall["pooling"]
    assert overall["codes"] == 5 and overall["n_units"] == 7
    # Per code (awareness, awareness.body, conditions, boundaries, community) Cohen's
    # p_o = 5/7, 6/7, 7/7, 5/7, 6/7 and p_e = 37/49, 32/49, 37/49, 29/49, 32/49: mean p_o =
    # 29/35 = 203/245, mean p_e = 167/245 -> pooled kappa = (203 - 167) / (245 - 167) = 6/13.
    assert overall["percent_agreement"] == pytest.approx(29 / 35)
    assert overall["cohen_kappa"] == pytest.approx(6 / 13)
    # alpha: 14 values per code, D_o = 2 d / 14 with d = 2, 1, 0, 2, 1 disagreeing units and
    # D_e = 2 n_yes n_no / (14 * 13) with n_yes = 2, 3, 2, 4, 3: mean D_o = 12/70, mean D_e =
    # 308/910 -> pooled alpha = 1 - (12/70) / (308/910) = 38/77.
    assert overall["krippendorff_alpha"] == pytest.approx(38 / 77)
    kappas = [-1 / 6, 10 / 17, 1.0, 0.3, 10 / 17]
    assert overall["mean_over_codes"]["cohen_kappa"] == pytest.approx(sum(kappas) / 5)
    assert overall["reasons"] == {}


def test_overall_pools_one_code_as_that_code(study):
    result = project_agreement(study, ["ann", "ben"], codes=["boundaries"])
    boundaries, overall = result["codes"][0], result["overall"]
    for name in ("cohen_kappa", "krippendorff_alpha", "gwet_ac1", "fleiss_kappa"):
        assert overall[name] == pytest.approx(boundaries[name])
        assert overall["mean_over_codes"][name] == pytest.approx(boundaries[name])


def test_rolled_up_sub_codes_are_not_pooled_twice(study):
    overall = project_agreement(study, ["ann", "ben"], rollup=True)["overall"]
    assert overall["codes"] == 4  # awareness.body is counted in awareness
    assert "rolled up" in overall["pooling"]


@pytest.fixture
def chance_coders(project, tmp_path):
    """100 participant turns; ann and bo apply awareness independently with p = .9 and
    community with p = .1: per code the two coders' yes/no are exactly independent."""
    lines = ["TK: Velkommen."] + [f"D{n % 9 + 1}: Sætning nummer {n}." for n in range(100)]
    (tmp_path / "chance.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    project.import_files([tmp_path / "chance.txt"])
    # unit n: ann yes on awareness for n >= 10, bo for n % 10 != 0 (81 both, 9 + 9 one, 1
    # neither); community the mirror image (1 both, 9 + 9 one, 81 neither).
    for n in range(100):
        turn = project.turn_id("chance", n + 2)
        for coder, says_yes in (("ann", n >= 10), ("bo", n % 10 != 0)):
            project.add_codings(turn, ["awareness" if says_yes else "community"], coder)
    return project


def test_codes_coded_at_random_pool_to_chance_not_to_reliable(chance_coders):
    result = project_agreement(chance_coders, ["ann", "bo"])
    codes, overall = by_code(result), result["overall"]
    for key in ("awareness", "community"):
        # p_o = .82 and p_e = .9 * .9 + .1 * .1 = .82: kappa 0. alpha: 200 values, n_yes = 180
        # (awareness) or 20, 18 disagreeing units -> 1 - 199 * 36 / (2 * 180 * 20) = .005.
        assert codes[key]["percent_agreement"] == pytest.approx(0.82)
        assert codes[key]["cohen_kappa"] == pytest.approx(0.0, abs=1e-12)
        assert codes[key]["krippendorff_alpha"] == pytest.approx(0.005)
    # Pooling the 200 (code, unit) pairs into one table would give p_e = .5 and kappa
    # (.82 - .5) / .5 = .64; De Vries' pooled kappa is (.82 - .82) / (1 - .82) = 0.
    assert overall["codes"] == 2 and overall["n_units"] == 100
    assert overall["cohen_kappa"] == pytest.approx(0.0, abs=1e-12)
    assert overall["krippendorff_alpha"] == pytest.approx(0.005)
    assert overall["mean_over_codes"]["krippendorff_alpha"] == pytest.approx(0.005)
    rows = {row["code"]: row for row in agreement_rows(result)}
    assert rows["(pooled)"]["reading"] == rows["(mean over codes)"]["reading"] == "not reliable"


def test_sentence_units_follow_spans(study):
    result = project_agreement(study, ["ann", "ben"], unit="sentence")
    assert result["n_units"] == 12
    body = by_code(result)["awareness.body"]
    # ann: both sentences of t1#2 and the first of t2#2 (her span); ben: both of t2#2.
    # 9 of 12 agree; kappa = (3/4 - 2/3) / (1 - 2/3) with p_e = (3/12)(2/12) + (9/12)(10/12).
    assert body["units_coded"] == {"ann": 3, "ben": 2}
    assert body["units_all_coded"] == 1 and body["units_disagreed"] == 3
    assert body["percent_agreement"] == pytest.approx(0.75)
    assert body["cohen_kappa"] == pytest.approx(0.25)


# participant turns' characters: t1 has 37 + 45 + 36 + 34, t2 37 + 42 + 4
T1_CHARACTERS, T2_CHARACTERS = 152, 83


def test_character_units_cover_whole_turns_and_spans(study):
    result = project_agreement(study, ["ann", "ben"], unit="character")
    total = T1_CHARACTERS + T2_CHARACTERS
    assert result["n_units"] == total
    body = by_code(result)["awareness.body"]
    t1_turn_2 = len("Jeg sover dårligt. Kroppen siger fra.")
    t2_turn_2 = len("I notice my body now. I sleep better.")
    both = len("I notice my body now.")
    # ann: all of t1#2 and 21 characters of t2#2; ben: all of t2#2.
    assert body["units_coded"] == {"ann": t1_turn_2 + both, "ben": t2_turn_2}
    assert body["units_all_coded"] == both
    disagreed = t1_turn_2 + t2_turn_2 - both
    assert body["units_disagreed"] == disagreed
    assert body["percent_agreement"] == pytest.approx(1 - disagreed / total)
    # Cohen's kappa from the 2x2 table by the textbook formula.
    p_ann, p_ben = (t1_turn_2 + both) / total, t2_turn_2 / total
    p_e = p_ann * p_ben + (1 - p_ann) * (1 - p_ben)
    assert body["cohen_kappa"] == pytest.approx((1 - disagreed / total - p_e) / (1 - p_e))


def test_codings_on_interviewer_turns_count_at_no_unit(study):
    # ann coded community on t1#1, an interviewer turn; community is otherwise ann t2#3 and
    # ben t2#3, t2#4 ("Yes.", 4 characters): at every unit ann's interviewer coding is absent.
    units_coded = {
        unit: by_code(project_agreement(study, ["ann", "ben"], unit=unit))["community"][
            "units_coded"
        ]
        for unit in ("turn", "sentence", "character")
    }
    assert units_coded["turn"] == {"ann": 1, "ben": 2}
    assert units_coded["sentence"] == {"ann": 2, "ben": 3}  # t2#3 has two sentences
    assert units_coded["character"] == {"ann": 42, "ben": 46}
    # character kappa over 235 characters, 42 both, 4 ben only: p_o = 231/235, p_e =
    # (42 * 46 + 193 * 189) / 235^2 = 38409/55225 -> (54285 - 38409) / (55225 - 38409).
    community = by_code(project_agreement(study, ["ann", "ben"], unit="character"))["community"]
    assert community["cohen_kappa"] == pytest.approx(15876 / 16816)


def test_character_figures_per_source_their_means_and_the_pooled_figures(study):
    result = project_agreement(study, ["ann", "ben"], unit="character")
    assert "NVivo" in result["sources"]
    body = by_code(result)["awareness.body"]
    sources = {row["transcript"]: row for row in body["sources"]}
    assert list(sources) == ["t1", "t2"]  # t3 is not compared: ben never coded it
    assert sources["t1"]["n_units"] == T1_CHARACTERS
    assert sources["t2"]["n_units"] == T2_CHARACTERS
    # t1: ann 37 characters, ben none: kappa 0; alpha = 1 - (n - 1) d / (n_yes n_no) with
    # n = 304 values, d = 37 disagreeing units, 37 yes, 267 no: 1 - 303/267 = -12/89.
    assert sources["t1"]["cohen_kappa"] == pytest.approx(0.0, abs=1e-12)
    assert sources["t1"]["krippendorff_alpha"] == pytest.approx(-12 / 89)
    # t2: ann 21, ben 37, both 21 of 83: p_o = 67/83, p_e = (21 * 37 + 62 * 46) / 83^2 ->
    # kappa = (5561 - 3629) / (6889 - 3629) = 483/815; alpha: n = 166, 58 yes, 108 no,
    # d = 16: 1 - 165 * 16 / (58 * 108) = 151/261.
    assert sources["t2"]["cohen_kappa"] == pytest.approx(483 / 815)
    assert sources["t2"]["krippendorff_alpha"] == pytest.approx(151 / 261)
    mean, weighted = body["mean_over_sources"], body["size_weighted_mean_over_sources"]
    assert mean["cohen_kappa"] == pytest.approx(483 / 815 / 2)
    assert weighted["cohen_kappa"] == pytest.approx(83 * 483 / 815 / 235)
    assert weighted["krippendorff_alpha"] == pytest.approx((152 * -12 / 89 + 83 * 151 / 261) / 235)
    assert mean["sources"]["cohen_kappa"] == 2
    pooled = body["pooled_over_sources"]
    assert pooled["cohen_kappa"] == body["cohen_kappa"]
    # a source where nobody used the code has no kappa: the means are over the others
    community = by_code(result)["community"]
    assert community["mean_over_sources"]["sources"]["cohen_kappa"] == 1
    t2 = {row["transcript"]: row for row in community["sources"]}["t2"]
    assert community["mean_over_sources"]["cohen_kappa"] == pytest.approx(t2["cohen_kappa"])
    # turn and sentence units have no per-source figures
    assert "sources" not in by_code(project_agreement(study, ["ann", "ben"]))["community"]


def test_cli_prints_the_figures_per_source(study):
    runner = CliRunner()
    args = ["--project", str(study.path), "agreement", "--coders", "ann", "ben"]
    table = runner.invoke(cli, [*args, "--unit", "character", "--by-source"])
    assert table.exit_code == 0, table.output
    for name in ("(mean over sources)", "(size-weighted mean over sources)", "(pooled over"):
        assert name in table.stdout
    csv = runner.invoke(cli, [*args, "--unit", "character", "--by-source", "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("code,source,n_units")
    refused = runner.invoke(cli, [*args, "--by-source"])
    assert refused.exit_code != 0 and "--unit character" in refused.stderr


def test_three_coders_have_no_cohen_kappa_and_missing_coders_count_as_missing(tmp_path, make_study):

    cy = [("t1", 3, ["conditions"], None), ("t1", 2, ["awareness"], None)]
    with make_study(tmp_path / "three", cy=cy) as project:
        result = project_agreement(project, ["ann", "ben", "cy"])
    json.dumps(result, allow_nan=False)
    assert result["n_units"] == 7
    awareness = by_code(result)["awareness"]
    assert awareness["cohen_kappa"] is None and "two coders" in awareness["reasons"]["cohen_kappa"]
    # t1 units have three coders, t2 units two. awareness: t1#2 (ann no, ben yes, cy yes)
    # and t1#6 (ann yes, the others no) agree on 1 of 3 pairs: p_a = (5 + 2/3) / 7;
    # alpha: n = 18 values, 3 yes, o_yn = 2*1/2 + 1*2/2 = 2 -> 1 - 17 * 4 / (2 * 3 * 15).
    assert awareness["percent_agreement"] == pytest.approx(17 / 21)
    assert awareness["krippendorff_alpha"] == pytest.approx(11 / 45)
    assert by_code(result)["conditions"]["krippendorff_alpha"] == pytest.approx(1.0)


def test_rollup_counts_sub_codes_for_their_parent(study):
    awareness = by_code(project_agreement(study, ["ann", "ben"], rollup=True))["awareness"]
    # Rolled up, ann has awareness on t1#2, t1#6, t2#2 and ben on t1#2, t2#2: one disagreement.
    assert awareness["units_coded"] == {"ann": 3, "ben": 2}
    assert awareness["percent_agreement"] == pytest.approx(6 / 7)


def test_a_coder_without_codings_leaves_nothing_to_compare(study):
    study.coder_id("dora")
    result = project_agreement(study, ["ann", "dora"])
    json.dumps(result, allow_nan=False)
    assert result["n_units"] == 0
    assert result["codes"][0]["percent_agreement"] is None
    assert "two or more coders" in result["codes"][0]["reasons"]["percent_agreement"]


def test_bad_requests_are_clear_errors(study):
    with pytest.raises(QualcodeError, match="two different coders"):
        project_agreement(study, ["ann", "ann"])
    with pytest.raises(QualcodeError, match="no coder named"):
        project_agreement(study, ["ann", "zed"])
    with pytest.raises(QualcodeError, match="unit must be"):
        project_agreement(study, ["ann", "ben"], unit="word")
    with pytest.raises(QualcodeError, match="unknown code"):
        project_agreement(study, ["ann", "ben"], codes=["nope"])


def test_cli_prints_the_contract_json(study):
    runner = CliRunner()
    args = ["--project", str(study.path), "agreement", "--coders", "ann", "ben"]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"unit", "coders", "n_units", "codes", "overall"} <= set(document)
    assert {"code", "n_units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"} <= set(
        document["codes"][0]
    )
    assert "gwet_ac1" in document["codes"][0] and "pooling" in document["overall"]
    table = runner.invoke(cli, [*args, "--unit", "sentence"])
    assert table.exit_code == 0 and "awareness.body" in table.stdout
    assert "unused: cohen_kappa undefined" in table.stderr


def test_demo_project_agreement_smoke(demo):
    result = project_agreement(demo, ["coder-a", "coder-b"])
    json.dumps(result, allow_nan=False)
    assert result["transcripts"] == 4 and result["n_units"] > 100
    assert all(0.8 < row["krippendorff_alpha"] <= 1 for row in result["codes"])


def strict_json(text: str):
    """Parse JSON that must hold no NaN or Infinity (json.loads accepts them by default)."""

    def refuse(constant: str):
        raise AssertionError(f"{constant} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def test_cli_three_coders_sentence_and_character_units_give_strict_json(tmp_path, make_study):

    cy = [("t1", 3, ["conditions"], None), ("t1", 2, ["awareness"], None)]
    runner = CliRunner()
    with make_study(tmp_path / "three", cy=cy) as project:
        base = ["--project", str(project.path), "agreement", "--coders", "ann", "ben", "cy"]
        for unit in ("turn", "sentence", "character"):
            result = runner.invoke(cli, [*base, "--unit", unit, "--format", "json"])
            assert result.exit_code == 0, result.output
            document = strict_json(result.stdout)
            assert document["unit"] == unit and document["coders"] == ["ann", "ben", "cy"]
            assert all(row["cohen_kappa"] is None for row in document["codes"])
            unused = {row["code"]: row for row in document["codes"]}["unused"]
            assert unused["krippendorff_alpha"] is None and unused["reasons"]
        # the same figures as the library (turn unit, worked by hand in the test above)
        result = runner.invoke(cli, [*base, "--format", "json"])
        awareness = {row["code"]: row for row in strict_json(result.stdout)["codes"]}["awareness"]
        assert awareness["krippendorff_alpha"] == pytest.approx(11 / 45)
        # comma-separated names work too, and the table names how overall is pooled
        result = runner.invoke(
            cli, ["--project", str(project.path), "agreement", "--coders", "ann,ben,cy"]
        )
        assert result.exit_code == 0 and "(mean over codes)" in result.stdout
        assert "The last two lines summarise over the codes someone applied" in result.stdout
