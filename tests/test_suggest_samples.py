"""The evaluation interviews in tests/suggestions/ are what docs/suggestions.md says they are,
and ``evaluate --held-out`` scores only the held-out transcripts, by a suggester fitted on the
others."""

from __future__ import annotations

import csv
import json
from itertools import islice
from pathlib import Path

from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.codebook import load_codebook
from qualcode.read import read_transcript
from qualcode.read.codings import read_codings_csv
from qualcode.store import Project
from qualcode.suggest import workflow
from qualcode.suggest.analysis import analyse
from qualcode.suggest.evaluate import cross_validate, evaluate, evaluation_data
from qualcode.suggest.keywords import specificity
from qualcode.suggest.learned import LearnedSuggester
from qualcode.suggest.workflow import compute_suggestions, iter_turns, keyword_weights

SAMPLES = Path(__file__).parent / "suggestions"
BOOK = load_codebook(SAMPLES / "food-at-home.yaml")


def participant_turns(folder: Path) -> dict[tuple[str, int], str]:
    turns = {}
    for path in sorted(folder.glob("*.txt")):
        parsed = read_transcript(path)
        for number, turn in enumerate(parsed.turns, 1):
            if turn.speaker != "Interviewer":
                turns[path.stem, number] = parsed.text[turn.start : turn.end]
    return turns


def test_the_interviews_are_long_turns_every_one_coded_with_the_codebooks_codes():
    for folder, transcripts, count in (("interviews", 10, 227), ("interviews-heldout", 4, 83)):
        turns = participant_turns(SAMPLES / folder)
        assert len({name for name, _ in turns}) == transcripts
        assert len(turns) == count
        assert all(60 <= len(text.split()) <= 100 for text in turns.values())
        with open(SAMPLES / folder / "codings.csv", newline="") as file:
            rows = list(csv.DictReader(file))
        assert {row["code"] for row in rows} == set(BOOK.keys())
        assert {(row["transcript"], int(row["turn"])) for row in rows} == set(turns)
    assert len(BOOK.keys()) == 10
    assert all(code.keywords["en"] for code, _ in BOOK.walk())


def test_the_segments_are_short_answers_coded_with_the_cycling_codes():
    book = load_codebook(SAMPLES / "cycling.yaml")
    for folder, transcripts, count, coded in (
        ("segments", 6, 120, 142),
        ("segments-heldout", 2, 40, 51),
        ("segments-heldout-2", 4, 60, 73),
    ):
        turns = participant_turns(SAMPLES / folder)
        assert len({name for name, _ in turns}) == transcripts
        assert len(turns) == count
        assert all(3 <= len(text.split()) <= 30 for text in turns.values())
        with open(SAMPLES / folder / "codings.csv", newline="") as file:
            rows = list(csv.DictReader(file))
        assert len(rows) == coded
        assert {row["code"] for row in rows} == set(book.keys())
        assert {(row["transcript"], int(row["turn"])) for row in rows} <= set(turns)
    assert len(book.keys()) == 8
    assert all(code.keywords["en"] for code, _ in book.walk())


def interviews(tmp_path: Path) -> Project:
    project = Project.create(tmp_path / "food.db", BOOK)
    with project.transaction():
        for folder in ("interviews", "interviews-heldout"):
            project.import_files(sorted((SAMPLES / folder).glob("*.txt")))
            codings = SAMPLES / folder / "codings.csv"
            project.import_codings(read_codings_csv(codings), str(codings))
    return project


def test_held_out_transcripts_are_scored_by_a_suggester_fitted_on_the_others(tmp_path):
    project = interviews(tmp_path)
    held = ["interview-ben", "interview-sophie"]
    with open(SAMPLES / "interviews-heldout" / "codings.csv", newline="") as file:
        codings = [row for row in csv.DictReader(file) if row["transcript"] in held]
    for method in ("keywords", "learned"):
        result = evaluate(project, "researcher", method, held_out=held)
        assert (result.n_transcripts, result.n_turns) == (2, 41)  # 20 + 21 participant turns
        assert result.top2["turns"] == 41
        assert sum(row.support for row in result.codes) == len(codings)
        assert result.validation.startswith("held out: interview-ben, interview-sophie")
    # Keywords learn nothing: held out or cross-validated, each turn gets the same scores.
    everything = evaluate(project, "researcher", "keywords")
    assert everything.n_turns == 310
    project.close()
    runner = CliRunner()
    args = ["--project", str(tmp_path / "food.db"), "evaluate", "--coder", "researcher"]
    out = runner.invoke(cli, [*args, "--held-out", "interview-ben", "--format", "json"])
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["n_turns"] == 20
    out = runner.invoke(cli, [*args, "--held-out", "interview-nobody"])
    assert out.exit_code == 1 and len(out.stderr.splitlines()) == 1


def test_a_held_out_fold_never_trains_on_the_held_out_transcripts(tmp_path):
    project = interviews(tmp_path)
    turns, gold = evaluation_data(project, "researcher")
    codes = BOOK.keys()
    labels = {t.id: {c: c in gold.get(t.id, ()) for c in codes} for t in turns}
    analysed = list(analyse(turns, BOOK, terms=True))
    fitted: list[set[str]] = []

    class Recording(LearnedSuggester):
        def fit(self, turns, labels):
            turns = list(turns)
            fitted.append({t.turn.transcript for t in turns})
            return super().fit(turns, labels)

    suggestions, n_folds = cross_validate(
        lambda: Recording(BOOK), analysed, labels, 100, held_out=["interview-kwame"]
    )
    assert n_folds == 1 and len(fitted) == 1
    assert "interview-kwame" not in fitted[0] and "interview-aisha" in fitted[0]
    kwame = {t.id for t in turns if t.transcript == "interview-kwame"}
    assert {s.turn_id for s in suggestions} == kwame


DANISH = "TK: Hvordan går det?\n\nD1: Jeg har sat grænser over for min chef.\n"


def test_no_keywords_in_a_transcripts_language_is_said_not_hidden(tmp_path):
    # The food-at-home codebook has English keywords only; this transcript is Danish.
    project = interviews(tmp_path)
    (tmp_path / "gruppe.txt").write_text(DANISH, encoding="utf-8")
    project.import_files([tmp_path / "gruppe.txt"], language="da")
    project.import_codings(
        [{"transcript": "gruppe", "turn": "2", "code": "time", "coder": "researcher"}], "inline"
    )
    notice = "no Danish keywords: keyword suggestions are off for gruppe"
    for method in ("combined", "keywords", "all"):
        result = compute_suggestions(project, transcript="gruppe", method=method)
        assert result.notices[0] == notice, method
    english = compute_suggestions(project, transcript="interview-ben", method="keywords")
    assert english.notices == [] and english.stored["keywords"] > 0
    assert evaluate(project, "researcher", "keywords").notes == [notice]
    assert notice not in evaluate(project, "researcher", "learned").notes
    project.close()
    runner = CliRunner()
    base = ["--project", str(tmp_path / "food.db")]
    out = runner.invoke(cli, [*base, "suggest", "--transcript", "gruppe"])
    assert out.exit_code == 0 and out.stderr.splitlines()[0] == notice
    out = runner.invoke(cli, [*base, "evaluate", "--coder", "researcher"])
    assert f"Note: {notice}" in out.stdout


def test_keyword_specificity_comes_from_the_projects_participant_turns(tmp_path):
    project = interviews(tmp_path)
    weights = keyword_weights(project)
    turns = list(analyse(iter_turns(project), BOOK))
    assert len(turns) == 310
    assert weights == specificity(turns) and weights
    # The food interviews mention food everywhere: "food" (of "food bank", found apart) in
    # more than 30 % of the turns counts less; "fridge" counts fully.
    food = [key for key in weights if key[1:] == ("sharing", "food bank", 0)]
    assert food and weights[food[0]] < 1
    assert ("en", "storage", "fridge", None) not in weights
    assert keyword_weights(project) is weights  # cached until the turns or keywords change
    (tmp_path / "more.txt").write_text("Interviewer: Hi?\n\nAnna: The food was fine.\n")
    project.import_files([tmp_path / "more.txt"])
    assert keyword_weights(project) is not weights


def test_keyword_specificity_of_a_large_project_comes_from_an_even_sample(tmp_path, monkeypatch):
    project = interviews(tmp_path)
    monkeypatch.setattr(workflow, "WEIGHT_SAMPLE", 100)  # 310 participant turns: every 4th
    sample = list(islice(analyse(iter_turns(project), BOOK), 0, None, 4))
    assert len(sample) == 78 and sample[1].turn.id == list(iter_turns(project))[4].id
    weights = keyword_weights(project)
    assert weights == specificity(sample) and weights
    assert weights != specificity(list(analyse(iter_turns(project), BOOK)))
