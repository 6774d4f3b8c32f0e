"""Time keyword suggestions and training the learned suggester on the synthetic study.

    python benchmarks/bench_suggest.py [--transcripts 1000] [--turns 200] [--coded 10000]
                                       [--runs 2]

The study (``generate_study.py``, cached under /tmp/qualcode-bench) is imported once into a
project file that is kept next to it and reused by later runs.

qualcode: ``compute_suggestions(project, method="keywords")``: read every participant turn from
the project, stream it through the language pipeline, match the codebook's keywords on lemmas
and stems, score, and store the suggestions with their evidence (one transaction).

Baseline, in the same run: read the same participant turns' text from the project, stream them
through ``spacy.blank("da")`` with spaCy's own lookup lemmatizer, and run a ``PhraseMatcher``
on the LEMMA attribute over the same keywords (nothing scored, nothing stored).

Also timed: the same suggestions computed but not stored (where the time goes).

Learned: training the learned suggester for a coder with ``--coded`` coded participant turns
(read the codings and turns, analyse them, fit one classifier per code: what
``learned_model`` does when the project file keeps no model for the coder's codings), and
``learned_model`` in a new process reading the model the project file keeps.

Targets: keyword suggestions for every participant turn of the 1,000 × 200 study in under
60 s with a ratio to the baseline under 1.5; training on 10,000 coded turns in under 30 s.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher

from qualcode import nlp
from qualcode.codebook import load_codebook, parse_codebook
from qualcode.store import Project
from qualcode.suggest import workflow
from qualcode.suggest.analysis import Analyser
from qualcode.suggest.keywords import KeywordSuggester
from qualcode.suggest.learned import LearnedSuggester
from qualcode.suggest.workflow import compute_suggestions, iter_turns, learned_model

sys.path.insert(0, str(Path(__file__).parent))
from generate_study import generate_study, study_codebook  # noqa: E402

CACHE = Path("/tmp/qualcode-bench")
CODER = "coder-a"


def study(transcripts: int, turns: int, seed: int = 1) -> Path:
    """The generated study's folder (written on first use, then reused)."""
    folder = CACHE / f"study-{transcripts}x{turns}-seed{seed}"
    if not (folder / "codings.csv").exists():
        generate_study(folder, transcripts, turns, seed)
    return folder


def project_for(folder: Path, coded: int) -> Path:
    """A project with the study's transcripts and ``CODER``'s codings of the first
    ``coded`` coded turns (built once, then reused)."""
    path = folder / f"suggest-{coded}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    project = Project.create(partial, load_codebook(folder / "codebook.yaml"))
    project.import_files(sorted((folder / "transcripts").glob("*.txt")))
    rows, turns = [], set()
    with open(folder / "codings.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["coder"] != CODER:
                continue
            key = (row["transcript"], row["turn"])
            if key not in turns and len(turns) == coded:
                break
            turns.add(key)
            rows.append(row)
    project.import_codings(rows, "codings.csv")
    project.close()
    partial.rename(path)
    return path


def baseline(project: Project, keywords: list[str]) -> tuple[float, int, int]:
    """Seconds, turns and matches of the bare spaCy pipeline: read the participant turns,
    nlp.pipe with the lookup lemmatizer, PhraseMatcher on LEMMA."""
    nlp = spacy.blank("da")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    matcher.add("keywords", list(nlp.pipe(keywords)))
    start = time.perf_counter()
    texts = [
        row[0]
        for row in project.db.execute(
            "SELECT text FROM turn_details WHERE role = 'participant' ORDER BY id"
        )
    ]
    matches = 0
    for doc in nlp.pipe(texts, batch_size=512):
        matches += len(matcher(doc))
    return time.perf_counter() - start, len(texts), matches


def suggestions_only(project: Project) -> tuple[float, int]:
    """Seconds and count of the keyword suggestions computed but not stored: read the turns,
    analyse, score, build the evidence."""
    codebook = project.codebook()
    start = time.perf_counter()
    with nlp.batch_mode():
        turns = iter_turns(project)
        count = sum(
            1 for _ in KeywordSuggester(codebook).suggest(Analyser(codebook).analyse(turns))
        )
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--coded", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2, help="Best of this many runs.")
    args = parser.parse_args()
    folder = study(args.transcripts, args.turns)
    path = project_for(folder, args.coded)
    with Project(path) as project:
        # The study's codes with the current default codebook's keywords (a cached study may
        # have been written with older ones); codings are kept, codes are matched by key.
        with project.transaction():
            project.load_codebook(parse_codebook(study_codebook(), "study codebook"))
        keywords = sorted(
            {word for code, _ in project.codebook().walk() for word in code.keywords.get("da", [])}
        )
        # Warm the pipeline (load lookup tables) outside the timings, as both sides do it once.
        compute_suggestions(project, method="keywords", turn_ids=[1])
        # Best of --runs for both sides, interleaved, so that both meet the same machine load.
        seconds = base_seconds = unstored = float("inf")
        for _ in range(args.runs):
            start = time.perf_counter()
            result = compute_suggestions(project, method="keywords")
            seconds = min(seconds, time.perf_counter() - start)
            run = baseline(project, keywords)
            base_seconds, base_turns, matches = min(base_seconds, run[0]), run[1], run[2]
            unstored = min(unstored, suggestions_only(project)[0])
        start = time.perf_counter()
        codebook = project.codebook()
        turns, labels = workflow.training_data(project, CODER)
        with nlp.batch_mode():
            analysed = Analyser(codebook).analyse(turns, terms=True)
            model = LearnedSuggester(codebook, coder=CODER).fit(analysed, labels)
        train_seconds = time.perf_counter() - start
        learned_model(project, CODER)  # stored, if the file keeps no model for these codings
        workflow._models.clear()  # as in a new process
        start = time.perf_counter()
        learned_model(project, CODER)
        read_seconds = time.perf_counter() - start
    print(
        f"study: {args.transcripts} transcripts × {args.turns} turns, {len(keywords)} keywords (da)"
    )
    print(
        f"qualcode keyword suggestions: {result.turns:,} participant turns in {seconds:.1f} s "
        f"({result.turns / seconds:,.0f} turns/s), {result.stored.get('keywords', 0):,} stored"
    )
    print(
        f"baseline (nlp.pipe + lookup lemmatizer + PhraseMatcher on LEMMA): {base_turns:,} turns "
        f"in {base_seconds:.1f} s ({base_turns / base_seconds:,.0f} turns/s), {matches:,} matches"
    )
    print(f"ratio qualcode / baseline: {seconds / base_seconds:.2f}")
    print(
        f"of which computing without storing (read, analyse, score, evidence): {unstored:.1f} s, "
        f"ratio to the baseline {unstored / base_seconds:.2f}"
    )
    print(
        f"learned suggester: trained on {model.coded_turns:,} coded turns "
        f"({len(model.models)} code models) in {train_seconds:.1f} s; the stored model read "
        f"in {read_seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
