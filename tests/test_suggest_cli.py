"""qualcode suggest / accept / reject / evaluate through Click's runner."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import SMALL_GROUP

from qualcode.cli import cli
from qualcode.demo import create_demo_project


@pytest.fixture
def run(tmp_path, monkeypatch):
    """``qualcode ARGS`` in a folder with a project holding one short focus group."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    monkeypatch.delenv("QUALCODE_CODER", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    shutil.copy(SMALL_GROUP, tmp_path)
    assert invoke("init")[0] == 0
    assert invoke("import", "gruppe.txt", "--language", "da")[0] == 0
    return invoke


def test_suggest_json_lists_the_stored_suggestions(run):
    code, out, err = run("suggest", "--method", "keywords", "--format", "json")
    assert code == 0
    assert err == "Stored suggestions for 3 turns: 2 keywords.\n"
    rows = json.loads(out)
    assert [
        {key: row[key] for key in ("turn_id", "transcript", "turn", "speaker", "code", "method")}
        for row in rows
    ] == [
        {
            "turn_id": 2,
            "transcript": "gruppe",
            "turn": 2,
            "speaker": "D1",
            "code": "boundaries",
            "method": "keywords",
        },
        {
            "turn_id": 4,
            "transcript": "gruppe",
            "turn": 4,
            "speaker": "D3",
            "code": "community",
            "method": "keywords",
        },
    ]
    assert [(e["text"], e["start"], e["end"]) for e in rows[0]["evidence"]] == [
        ("sætte grænser", 16, 29),
        ("min chef", 39, 47),
    ]
    # sætte grænse (a phrase, 1.5) + min chef (1.5) in a 10-word turn: 1 - e^-3.
    assert rows[0]["score"] == pytest.approx(0.9502, abs=1e-4)


def test_suggest_is_combined_by_default_and_the_keyword_method_before_a_model(run):
    code, out, err = run("suggest", "--format", "json")
    assert code == 0
    assert err == "Stored suggestions for 3 turns: 2 combined.\n"
    rows = json.loads(out)
    assert [(row["turn"], row["code"], row["method"]) for row in rows] == [
        (2, "boundaries", "combined"),
        (4, "community", "combined"),
    ]
    # Nobody has coded anything: the keyword part alone, its evidence marked as such.
    assert [(e["text"], e["method"]) for e in rows[0]["evidence"]] == [
        ("sætte grænser", "keywords"),
        ("min chef", "keywords"),
    ]
    # The keyword score 0.9502 on the combined scale, where the keyword threshold 0.6 is 0.5:
    # 0.5 + 0.5 * (0.9502 - 0.6) / (1 - 0.6).
    assert rows[0]["score"] == pytest.approx(0.9378, abs=1e-4)


def test_a_table_lists_the_first_suggestions_and_says_how_to_get_all(run, monkeypatch):
    import qualcode.cli.suggest as command

    monkeypatch.setattr(command, "TABLE_ROWS", 1)
    code, out, err = run("suggest", "--method", "keywords")
    assert code == 0
    assert err.splitlines()[-1] == "The first 1 are listed; --format json or csv lists every one."
    assert len([line for line in out.splitlines() if "keywords" in line]) == 1
    code, out, _ = run("suggest", "--method", "keywords", "--format", "json")
    assert len(json.loads(out)) == 2  # every one


def test_suggest_with_interviewer_turns_and_csv(run):
    code, out, _ = run("suggest", "--include-interviewer", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "id,turn_id,transcript,turn,speaker,code,score,method,evidence,coder,status"
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["turn"], r["speaker"], r["code"]) for r in rows] == [
        ("1", "TK", "boundaries"),
        ("2", "D1", "boundaries"),
        ("4", "D3", "community"),
    ]
    # Evidence is a JSON list in the CSV cell.
    assert [e["text"] for e in json.loads(rows[1]["evidence"])] == ["sætte grænser", "min chef"]


def test_learned_without_codings_is_a_notice(run):
    code, out, err = run("suggest", "--method", "learned", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    assert err.splitlines()[0] == "no learned suggestions: nobody has coded a turn yet"


def test_accept_and_reject(run):
    rows = json.loads(run("suggest", "--format", "json")[1])
    code, out, _ = run("accept", str(rows[0]["id"]), "--coder", "ann")
    assert (code, out) == (0, "Turn 2: accepted boundaries for ann.\n")
    code, out, _ = run("reject", "--turn-id", "4", "--code", "community", "--coder", "ann")
    assert (code, out) == (0, "Turn 4: rejected community for ann.\n")
    codings = json.loads(run("codings", "--format", "json")[1])
    assert [(c["turn"], c["code"], c["coder"], c["origin"]) for c in codings] == [
        (2, "boundaries", "ann", "suggestion")
    ]
    listed = json.loads(run("suggest", "--coder", "ann", "--format", "json")[1])
    assert [(r["turn"], r["code"], r["status"]) for r in listed] == [
        (2, "boundaries", "accepted"),
        (4, "community", "rejected"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accept", "999", "--coder", "ann"), "Error: no suggestion with id 999 in the project\n"),
        (
            ("reject", "--turn", "2", "--code", "nope", "--coder", "ann"),
            "Error: qualcode.db: unknown code 'nope': not in the project's codebook\n",
        ),
        (
            ("accept", "--turn", "2", "--coder", "ann"),
            "Error: name a suggestion by its id, or by --turn-id and --code\n",
        ),
        (
            ("suggest", "--transcript", "nowhere"),
            None,
        ),
        (
            ("evaluate", "--coder", "nobody"),
            "Error: qualcode.db: no coder named 'nobody' in the project\n",
        ),
    ],
)
def test_errors_are_one_line(run, args, message):
    run("suggest")
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("Error: ")
    if message is not None:
        assert err == message


def test_evaluate_on_the_demo_project(tmp_path, monkeypatch):
    create_demo_project(tmp_path / "demo.db").close()
    monkeypatch.setenv("QUALCODE_PROJECT", str(tmp_path / "demo.db"))
    runner = CliRunner()
    result = runner.invoke(cli, ["evaluate", "--coder", "coder-a", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "combined" and data["coder"] == "coder-a"
    assert (data["n_transcripts"], data["n_turns"]) == (4, 188)
    assert data["top2"]["turns"] == 100  # participant turns coder-a applied a code to
    assert [row["code"] for row in data["codes"]] == [
        "awareness",
        "conditions",
        "self-priority",
        "boundaries",
        "community",
    ]
    # support = the turns coder-a coded with each theme (counted from codings-coder-a.csv)
    assert [row["support"] for row in data["codes"]] == [26, 18, 18, 22, 29]
    for row in data["codes"]:
        assert row["tp"] + row["fn"] == row["support"]
        assert row["tp"] + row["fp"] == row["suggested"]
    assert data["macro"]["f1"] >= 0.5
    # Every fold's model learned every theme from 10+ of coder-a's turns: the model decided.
    assert {row["threshold"] for row in data["codes"]} == {"learned 0.35"}
    result = runner.invoke(cli, ["evaluate", "--coder", "coder-a", "--method", "learned"])
    assert result.exit_code == 0
    assert "macro average" in result.stdout
    header = result.stdout.splitlines()[0].split()
    assert header[-2:] == ["f1", "threshold"]
    assert "cross-validation grouped by transcript (4 folds)" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_streamed_listing_is_every_row_as_the_whole_list_prints_it(
    tmp_path, monkeypatch, capsys, fmt
):
    """json and csv are written row by row as they are read: every stored suggestion, in
    the listing's order, byte for byte what printing the whole list at once gives."""
    from qualcode.cli.common import emit
    from qualcode.cli.suggest import SUGGESTION_COLUMNS
    from qualcode.store import Project
    from qualcode.suggest import workflow

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    create_demo_project(tmp_path / "demo.db").close()
    runner = CliRunner()
    args = ["--project", "demo.db", "suggest", "--method", "all", "--format", fmt]
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0
    with Project(tmp_path / "demo.db") as project:
        rows = workflow.list_suggestions(project)
    assert len(rows) > 100
    if fmt == "csv":
        for row in rows:
            row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
    capsys.readouterr()
    emit(rows, fmt, SUGGESTION_COLUMNS)
    # (Click's result.stdout turns CR LF into LF: compare the bytes written.)
    assert result.stdout_bytes.decode("utf-8") == capsys.readouterr().out
    if fmt == "json":
        listed = json.loads(result.stdout)
    else:
        listed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [int(row["id"]) for row in listed] == [row["id"] for row in rows]


def test_streamed_json_of_no_suggestions_is_an_empty_list(run):
    code, out, _ = run("suggest", "--method", "learned", "--format", "json")
    assert code == 0
    assert out == "[]\n"
    code, out, _ = run("suggest", "--method", "learned", "--format", "csv")
    assert out == "id,turn_id,transcript,turn,speaker,code,score,method,evidence,coder,status\n"
