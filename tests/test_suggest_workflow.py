"""Suggestions in a project: computing and storing, accepting and rejecting, learning."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from conftest import SMALL_GROUP

from qualcode.errors import QualcodeError
from qualcode.suggest.analysis import analyse
from qualcode.suggest.base import Suggestion, TurnText
from qualcode.suggest.evaluate import cross_validate, folds, score
from qualcode.suggest.learned import MIN_CODED_TURNS, LearnedSuggester
from qualcode.suggest.workflow import (
    accept,
    compute_suggestions,
    learned_model,
    list_suggestions,
    open_suggestions,
    reject,
    training_data,
)


def stored(project, method=None):
    return [
        (row["turn"], row["code"], row["method"])
        for row in list_suggestions(project, method=method)
    ]


def test_interviewer_turns_are_skipped_unless_asked_for(small):
    result = compute_suggestions(small, method="keywords")
    assert result.turns == 3  # D1, D2, D3
    assert stored(small) == [(2, "boundaries", "keywords"), (4, "community", "keywords")]
    result = compute_suggestions(small, method="keywords", include_interviewer=True)
    assert result.turns == 4
    assert stored(small) == [
        (1, "boundaries", "keywords"),
        (2, "boundaries", "keywords"),
        (4, "community", "keywords"),
    ]


def test_evidence_is_stored_with_offsets_into_the_turn(small):
    compute_suggestions(small)
    row = list_suggestions(small, transcript="gruppe")[0]
    text = small.turn(row["turn_id"])["text"]
    assert text == "Jeg har lært at sætte grænser over for min chef."
    assert [(e["text"], e["start"], e["end"]) for e in row["evidence"]] == [
        ("sætte grænser", 16, 29),
        ("min chef", 39, 47),
    ]
    assert all(text[e["start"] : e["end"]] == e["text"] for e in row["evidence"])


def test_recomputing_replaces_the_stale_suggestions_of_the_same_method(small):
    compute_suggestions(small, method="keywords")
    first = [(row["turn"], row["code"], row["score"]) for row in list_suggestions(small)]
    # A stale suggestion left over from an older codebook: recomputing removes it.
    small.db.execute(
        "INSERT INTO suggestions (turn_id, code_id, score, method) VALUES (?, ?, 0.9, 'keywords')",
        [small.turn_id("gruppe", 3), small.code_id("awareness")],
    )
    assert len(list_suggestions(small)) == 3
    compute_suggestions(small, method="keywords")
    rows = list_suggestions(small)
    assert [(r["turn"], r["code"]) for r in rows] == [(2, "boundaries"), (4, "community")]
    assert [(r["turn"], r["code"], r["score"]) for r in rows] == first
    # Another method's suggestions are left alone.
    assert stored(small, "learned") == []


def test_accept_codes_the_turn_with_origin_suggestion(small):
    compute_suggestions(small)
    suggestion = list_suggestions(small, transcript="gruppe")[0]
    done = accept(small, "ann", suggestion_id=suggestion["id"])
    assert done == {
        "turn_id": suggestion["turn_id"],
        "code": "boundaries",
        "coder": "ann",
        "decision": "accepted",
        "coded": True,
    }
    codings = small.codings(coder="ann")
    assert [(c["turn"], c["code"], c["origin"]) for c in codings] == [
        (2, "boundaries", "suggestion")
    ]
    # No longer offered to ann; still offered to bob.
    turn_ids = [suggestion["turn_id"]]
    assert open_suggestions(small, turn_ids, "ann") == {suggestion["turn_id"]: []}
    assert [s["code"] for s in open_suggestions(small, turn_ids, "bob")[turn_ids[0]]] == [
        "boundaries"
    ]
    # The decision outlives recomputing.
    compute_suggestions(small)
    (row,) = list_suggestions(small, coder="ann", turn_ids=turn_ids)
    assert row["status"] == "accepted"


def test_accept_is_one_transaction(small):
    compute_suggestions(small)
    suggestion = list_suggestions(small)[0]
    small.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON suggestion_decisions "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        accept(small, "ann", suggestion_id=suggestion["id"])
    assert small.codings() == []


def test_accept_and_reject_by_turn_and_code(small):
    compute_suggestions(small)
    turn_id = small.turn_id("gruppe", 4)
    reject(small, "ann", turn_id=turn_id, code="community")
    accept(small, "ann", turn_id=small.turn_id("gruppe", 2), code="boundaries")
    statuses = [(r["turn"], r["code"], r["status"]) for r in list_suggestions(small, coder="ann")]
    assert statuses == [(2, "boundaries", "accepted"), (4, "community", "rejected")]
    with pytest.raises(QualcodeError, match="no suggestion of 'awareness' for turn"):
        accept(small, "ann", turn_id=turn_id, code="awareness")
    with pytest.raises(QualcodeError, match="unknown code 'nope'"):
        reject(small, "ann", turn_id=turn_id, code="nope")
    with pytest.raises(QualcodeError, match="no suggestion with id 999"):
        reject(small, "ann", suggestion_id=999)


def test_a_rejection_hides_the_suggestion_and_is_a_negative_example(small):
    compute_suggestions(small)
    turn_id = small.turn_id("gruppe", 4)
    reject(small, "ann", turn_id=turn_id, code="community")
    assert open_suggestions(small, [turn_id], "ann") == {turn_id: []}
    compute_suggestions(small)
    assert open_suggestions(small, [turn_id], "ann") == {turn_id: []}
    turns, labels = training_data(small, "ann")
    assert [t.id for t in turns] == [turn_id]
    assert labels == {turn_id: {"community": False}}
    # Coding the turn anyway overrides the rejection as a label.
    small.add_codings(turn_id, ["community"], "ann")
    _, labels = training_data(small, "ann")
    assert labels[turn_id]["community"] is True


# ---------------------------------------------------------------- learned

BODY = "Jeg mærker kroppen og sover dårligt om natten"
BOSS = "Jeg talte med direktøren om opgaverne og weekenderne"
OTHER = "Vi snakkede om vejret og om kaffen i kantinen"


def labelled(count: int, positives: int) -> tuple[list, dict]:
    """``count`` coded turns of which ``positives`` are about the body (code awareness) and
    the rest about the boss (code boundaries), plus uncoded small talk."""
    turns, labels = [], {}
    for i in range(count):
        body = i < positives
        turns.append(
            TurnText(i, f"{BODY if body else BOSS} nummer {i}.", "da", transcript=f"t{i % 3}")
        )
        labels[i] = {"awareness": body, "boundaries": not body}
    for i in range(count, count + 10):
        turns.append(TurnText(i, f"{OTHER} {i}.", "da", transcript=f"t{i % 3}"))
        labels[i] = {"awareness": False, "boundaries": False}
    return turns, labels


def test_the_learned_suggester_needs_enough_coded_turns_and_positives(project):
    book = project.codebook()
    turns, labels = labelled(MIN_CODED_TURNS - 1, 10)
    model = LearnedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    assert not model.trained
    assert model.skipped["awareness"] == "only 29 coded turns (needs 30)"
    turns, labels = labelled(MIN_CODED_TURNS, 4)
    model = LearnedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    assert sorted(model.models) == ["boundaries"]
    assert model.skipped["awareness"] == "4 positive turns (needs 5)"
    assert model.skipped["community"] == "0 positive turns (needs 5)"


def test_the_learned_suggester_learns_a_coders_words(project):
    book = project.codebook()
    turns, labels = labelled(40, 20)
    model = LearnedSuggester(book).fit(analyse(turns, book, terms=True), labels)
    assert sorted(model.models) == ["awareness", "boundaries"]
    new = [
        TurnText(100, "Om natten sover jeg dårligt.", "da"),
        TurnText(101, "Direktøren ville have opgaverne færdige.", "da"),
    ]
    best = {}
    for s in model.suggest(analyse(new, book, terms=True)):
        if s.score > best.get(s.turn_id, (None, 0))[1]:
            best[s.turn_id] = (s.code, s.score)
    assert {turn: code for turn, (code, _) in best.items()} == {
        100: "awareness",
        101: "boundaries",
    }
    evidence = next(
        s.evidence
        for s in model.suggest(analyse(new[:1], book, terms=True))
        if s.code == "awareness"
    )
    assert {e.text for e in evidence} <= {"natten", "sover", "dårligt"}
    assert all(new[0].text[e.start : e.end] == e.text for e in evidence)


def test_cross_validation_never_scores_a_turn_the_model_saw(project):
    book = project.codebook()
    turns, labels = labelled(60, 30)
    analysed = list(analyse(turns, book, terms=True))
    seen: list[set[int]] = []

    class Recording(LearnedSuggester):
        def fit(self, turns, labels):
            turns = list(turns)
            seen.append({t.turn.id for t in turns})
            return super().fit(turns, labels)

        def suggest(self, turns, min_score=None):
            turns = list(turns)
            assert seen[-1].isdisjoint(t.turn.id for t in turns)
            return super().suggest(turns, min_score)

    suggestions, n_folds = cross_validate(lambda: Recording(book), analysed, labels)
    assert n_folds == 3 and len(seen) == 3
    assert folds([t.transcript for t in turns]) == [["t0"], ["t1"], ["t2"]]
    # Every turn was held out exactly once: 70 turns, two learned codes each.
    assert sorted({s.turn_id for s in suggestions}) == list(range(70))
    assert len(suggestions) == 140


def test_scores_and_top2_share_by_hand():
    # Turns 1-4; the coder applied a to 1, a+b to 2, nothing to 3, b to 4.
    gold = {1: {"a"}, 2: {"a", "b"}, 4: {"b"}}
    suggestions = [
        Suggestion(1, "a", 0.9, "m"),  # tp a
        Suggestion(2, "b", 0.8, "m"),  # tp b; a missed (fn a)
        Suggestion(3, "a", 0.7, "m"),  # fp a
        Suggestion(4, "c", 0.6, "m"),  # fp c; fn b
        Suggestion(4, "a", 0.2, "m"),  # below the threshold: ranked only
    ]
    rows, macro, top2 = score([1, 2, 3, 4], gold, suggestions, ["a", "b", "c"], 0.5)
    table = {r.code: (r.tp, r.fp, r.fn, round(r.precision, 3), round(r.recall, 3)) for r in rows}
    assert table == {"a": (1, 1, 1, 0.5, 0.5), "b": (1, 0, 1, 1.0, 0.5), "c": (0, 1, 0, 0.0, 0.0)}
    assert macro["precision"] == pytest.approx(0.5)
    assert macro["recall"] == pytest.approx(1 / 3)
    assert macro["f1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    # Substantive turns 1, 2, 4; top two of 4 are c and a, neither is b.
    assert top2 == {"turns": 3, "hits": 2, "share": pytest.approx(2 / 3)}


def test_learned_suggestions_skip_the_turns_the_coder_has_coded(demo, tmp_path):
    demo.import_files([SMALL_GROUP], language="da")
    result = compute_suggestions(demo, method="learned", coder="coder-a")
    assert result.notices == []
    assert result.stored["learned"] > 0
    coded = {
        row[0]
        for row in demo.db.execute(
            "SELECT DISTINCT turn_id FROM codings JOIN coders ON coders.id = coder_id "
            "WHERE coders.name = 'coder-a'"
        )
    }
    rows = list_suggestions(demo, method="learned", coder="coder-a")
    assert rows and all(row["turn_id"] not in coded for row in rows)
    assert {row["coder"] for row in rows} == {"coder-a"}
    new = {(row["turn"], row["code"]) for row in rows if row["transcript"] == "gruppe"}
    assert {(2, "boundaries"), (4, "community")} <= new


def test_too_few_codings_give_a_notice_not_an_error(small):
    small.add_codings(small.turn_id("gruppe", 2), ["boundaries"], "ann")
    result = compute_suggestions(small, method="learned", coder="ann")
    assert result.notices == ["no learned suggestions for ann: only 1 coded turns (needs 30)"]
    assert result.stored == {}


def test_a_trained_model_is_kept_in_the_project_file_until_the_codings_change(demo, monkeypatch):
    from qualcode.suggest import workflow

    first = compute_suggestions(demo, method="learned", coder="coder-a")
    rows = demo.query("SELECT coder_id, fingerprint, model FROM learned_models")
    assert [row["coder_id"] for row in rows] == [demo.find_coder("coder-a")]
    assert rows[0]["fingerprint"] == workflow.fingerprint(demo, "coder-a")
    before = [(r["turn_id"], r["code"], r["score"]) for r in list_suggestions(demo)]

    # A new process: nothing in memory. The stored model is read, not trained again.
    workflow._models.clear()
    monkeypatch.setattr(LearnedSuggester, "fit", lambda *a: pytest.fail("trained again"))
    again = compute_suggestions(demo, method="learned", coder="coder-a")
    assert again.stored == first.stored
    assert [(r["turn_id"], r["code"], r["score"]) for r in list_suggestions(demo)] == before

    # One more coding: the fingerprint changes and the model is trained (and stored) again.
    monkeypatch.undo()
    workflow._models.clear()
    turn = demo.turn_id("netvaerk-2", 3)
    demo.add_codings(turn, ["community"], "coder-a")
    fits = []
    real_fit = LearnedSuggester.fit
    monkeypatch.setattr(LearnedSuggester, "fit", lambda *a: fits.append(1) or real_fit(*a))
    compute_suggestions(demo, method="learned", coder="coder-a")
    assert fits == [1]
    [row] = demo.query("SELECT fingerprint FROM learned_models")
    assert row["fingerprint"] == workflow.fingerprint(demo, "coder-a") != rows[0]["fingerprint"]

    # The model learns the codebook's descriptions too: editing one trains it again.
    with demo.transaction():
        demo.db.execute("UPDATE codes SET description = 'Om naboer' WHERE key = 'community'")
    assert workflow.fingerprint(demo, "coder-a") != row["fingerprint"]


def test_a_stored_model_predicts_what_scikit_learn_predicts(demo):
    import json

    import numpy
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from qualcode.suggest import learned, workflow
    from qualcode.suggest.thresholds import class_weight

    book = demo.codebook()
    turns, labels = training_data(demo, "coder-a")
    analysed = list(analyse(turns, book, terms=True))
    model = LearnedSuggester(book).fit(analysed, labels)
    kept = LearnedSuggester.from_dict(book, json.loads(json.dumps(model.to_dict())))
    new = list(analyse(list(workflow.iter_turns(demo)), book, terms=True))
    # scikit-learn's own transform and predict_proba, fitted as the suggester fits: the
    # coded turns and the codebook's pseudo-examples (one per code and language).
    examples = [t for t in analysed if labels.get(t.turn.id)]
    priors = learned.codebook_examples(book)
    codes = book.keys()
    assert [key for _, key in priors] == [key for key in codes for _ in book.languages]
    fitted = examples + [turn for turn, _ in priors]
    coded = [t for t in examples if any(labels[t.turn.id].values())]
    assert learned.min_df(coded) == 2  # focus-group turns: not short
    vectorizer = TfidfVectorizer(analyzer=learned._identity, sublinear_tf=True, min_df=2)
    vectorizer.fit([learned._terms(t) for t in fitted])
    expected = vectorizer.transform([learned._terms(t) for t in new]).toarray()
    assert numpy.abs(kept._tfidf(new).toarray() - expected).max() < 1e-12
    matrix, probabilities = kept.predict(new)
    train = model._features(fitted)
    for code in kept.models:
        rows = [i for i, t in enumerate(examples) if code in labels[t.turn.id]]
        target = [labels[examples[i].turn.id][code] for i in rows]
        reference = LogisticRegression(
            C=learned.REGULARISATION,
            solver="liblinear",
            class_weight={True: class_weight(sum(target), len(target)), False: 1.0},
        )
        weights = [1.0] * len(rows) + [learned.PRIOR_WEIGHT] * len(priors)
        rows += range(len(examples), len(fitted))
        target += [key == code for _, key in priors]
        reference.fit(train[rows], target, sample_weight=weights)
        assert numpy.allclose(probabilities[code], reference.predict_proba(matrix)[:, 1])
    assert LearnedSuggester.from_dict(book, {**model.to_dict(), "format": 0}) is None


def test_keyword_suggestions_do_not_import_scikit_learn(demo):
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from qualcode.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['--project', {str(demo.path)!r}, 'suggest', "
        "'--method', 'keywords'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'qualcode'}))\n"
    )
    demo.close()
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['qualcode']"


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        '{"format": 2}',
        "[]",
        '{"format": 2, "codes": CODES, "thresholds": 5}',
        "null",
        'THRESHOLD "high"',
        "THRESHOLD -1",
        "THRESHOLD 1e308",
        "THRESHOLD null",
        "THRESHOLD [0.5]",
    ],
)
def test_a_stored_model_that_cannot_be_read_is_trained_again(demo, damage):
    from qualcode.suggest import workflow

    model = learned_model(demo, "coder-a")
    coder_id = demo.find_coder("coder-a")
    codebook = demo.codebook()
    damage = damage.replace("CODES", json.dumps(codebook.keys()))
    if damage.startswith("THRESHOLD "):  # a whole model whose thresholds are not numbers
        data = model.to_dict()
        data["thresholds"]["awareness"]["keywords"] = json.loads(damage.split(" ", 1)[1])
        damage = json.dumps(data)
    with demo.transaction():
        demo.db.execute(
            "UPDATE learned_models SET model = ? WHERE coder_id = ?", [damage, coder_id]
        )
    workflow._models.clear()
    again = learned_model(demo, "coder-a")
    assert again.trained and sorted(again.models) == sorted(model.models)
    stored = demo.db.execute(
        "SELECT model FROM learned_models WHERE coder_id = ?", [coder_id]
    ).fetchone()[0]
    assert json.loads(stored)["thresholds"] == json.loads(json.dumps(model.to_dict()))["thresholds"]


def stored_rows(project) -> list[tuple]:
    return project.db.execute(
        "SELECT turn_id, code_id, coder_id, score, method, evidence FROM suggestions ORDER BY id"
    ).fetchall()


@pytest.mark.parametrize("method", ["combined", "all"])
def test_worker_processes_store_the_same_suggestions_in_the_same_order(
    demo, monkeypatch, tmp_path, method
):
    """A run of many batches computed in two forked processes stores what one process
    stores, row for row; the project file is written by this process only."""
    from qualcode.suggest import workflow

    monkeypatch.setattr(workflow, "PAGE", 16)  # the demo's 188 turns in 12 batches
    alone = compute_suggestions(demo, method=method, workers=1)
    expected = stored_rows(demo)
    real, pids = workflow._rows, tmp_path / "pids"

    def recorded(job, turns):
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return real(job, turns)

    monkeypatch.setattr(workflow, "_rows", recorded)
    forked = compute_suggestions(demo, method=method, workers=2)
    assert stored_rows(demo) == expected
    computed_by = pids.read_text().split()
    assert len(computed_by) == 12 and str(os.getpid()) not in computed_by
    assert (forked.stored, forked.turns, forked.notices) == (
        alone.stored,
        alone.turns,
        alone.notices,
    )
    assert sum(alone.stored.values()) == len(expected) > 100


def test_a_failure_in_a_worker_process_stores_nothing(demo, monkeypatch):
    from qualcode.suggest import workflow

    compute_suggestions(demo, method="keywords")
    before = stored_rows(demo)
    monkeypatch.setattr(workflow, "PAGE", 16)
    real = workflow._rows

    def failing(job, turns):
        if any(turn.turn == 3 and turn.transcript == "netvaerk-2" for turn in turns):
            raise RuntimeError("worker failed")
        return real(job, turns)

    monkeypatch.setattr(workflow, "_rows", failing)
    with pytest.raises(RuntimeError, match="worker failed"):
        compute_suggestions(demo, method="keywords", workers=2)
    assert stored_rows(demo) == before


def test_a_worker_process_that_dies_is_a_clear_error_and_stores_nothing(demo, monkeypatch):
    from qualcode.suggest import workflow

    compute_suggestions(demo, method="keywords")
    before = stored_rows(demo)
    monkeypatch.setattr(workflow, "PAGE", 16)
    real = workflow._rows

    def killed(job, turns):  # as the kernel's out-of-memory killer would stop it
        if any(turn.turn == 3 and turn.transcript == "netvaerk-2" for turn in turns):
            os._exit(9)
        return real(job, turns)

    monkeypatch.setattr(workflow, "_rows", killed)
    with pytest.raises(QualcodeError, match="a process computing suggestions stopped"):
        compute_suggestions(demo, method="keywords", workers=2)
    assert stored_rows(demo) == before
