"""Write every suggestion qualcode makes on fixed material to one file, to compare two
versions of the code: a change meant to make suggesting faster must leave it byte for byte
the same.

    python benchmarks/check_suggestions.py OUT.tsv [--study-turns 20000]
    (run it once with the old code, once with the new, then ``cmp`` the two files)

What it writes, one line per suggestion (the score unrounded, the evidence as JSON):

* ``tests/suggestions`` sets (interviews, interviews-heldout, segments, segments-heldout,
  each with its codebook and its coder ``researcher``) and the demo project: what
  ``KeywordSuggester`` and ``CombinedSuggester`` (with the coder's learned model) suggest
  for every participant turn, and the rows ``compute_suggestions`` stores for the methods
  combined, keywords and all, as ``list_suggestions`` reads them back.
* the generated study of ``bench_suggest.py`` (when it is cached under /tmp/qualcode-bench):
  the keyword and combined (coder-a) suggestions of its first ``--study-turns`` participant
  turns, computed with the project's keyword weights, and the rows ``compute_suggestions``
  stores for those turns (method combined, on a copy of the project file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode import nlp  # noqa: E402
from qualcode.codebook import load_codebook  # noqa: E402
from qualcode.demo import create_demo_project  # noqa: E402
from qualcode.read.codings import read_codings_csv  # noqa: E402
from qualcode.store import Project  # noqa: E402
from qualcode.suggest import workflow  # noqa: E402
from qualcode.suggest.analysis import Analyser  # noqa: E402
from qualcode.suggest.combined import CombinedSuggester  # noqa: E402
from qualcode.suggest.keywords import KeywordSuggester  # noqa: E402

SAMPLES = ROOT / "tests" / "suggestions"
STUDY = Path("/tmp/qualcode-bench/study-1000x200-seed1/suggest-10000.db")
SETS = {
    "interviews": "food-at-home.yaml",
    "interviews-heldout": "food-at-home.yaml",
    "segments": "cycling.yaml",
    "segments-heldout": "cycling.yaml",
}


def _line(label: str, suggestion) -> str:
    evidence = json.dumps([item.to_dict() for item in suggestion.evidence], ensure_ascii=False)
    return "\t".join(
        [label, str(suggestion.turn_id), suggestion.code, repr(suggestion.score), evidence]
    )


def computed(project: Project, label: str, coder: str | None, turns: list) -> list[str]:
    """What the keyword and combined suggesters say of ``turns``, unstored."""
    codebook = project.codebook()
    weights = workflow.keyword_weights(project)
    lines = []
    with nlp.batch_mode():
        analysed = list(Analyser(codebook).analyse(turns, terms=True))
        for suggestion in KeywordSuggester(codebook, weights=weights).suggest(analysed):
            lines.append(_line(f"{label} keywords", suggestion))
        combined = CombinedSuggester(codebook, weights=weights)
        if coder is not None:
            combined.use(workflow.learned_model(project, coder))
        for suggestion in combined.suggest(analysed):
            lines.append(_line(f"{label} combined {coder}", suggestion))
    return lines


def stored(
    project: Project, label: str, method: str, turn_ids: list[int] | None = None
) -> list[str]:
    """The rows ``compute_suggestions`` stores for ``method``, read back."""
    result = workflow.compute_suggestions(project, method=method, turn_ids=turn_ids)
    lines = [f"{label} stored {method}\t{json.dumps(result.stored)}\t{result.turns}"]
    rows = [
        row
        for name in result.stored
        for row in workflow.list_suggestions(project, method=name, turn_ids=turn_ids)
    ]
    for row in rows:
        lines.append(
            "\t".join(
                [
                    f"{label} row",
                    str(row["turn_id"]),
                    row["code"],
                    str(row["coder"]),
                    row["method"],
                    repr(row["score"]),
                    json.dumps(row["evidence"], ensure_ascii=False),
                ]
            )
        )
    return lines


def sample_projects(folder: Path) -> list[tuple[str, Project, str | None]]:
    projects = []
    for name, codebook in SETS.items():
        project = Project.create(folder / f"{name}.db", load_codebook(SAMPLES / codebook))
        with project.transaction():
            source = SAMPLES / name
            project.import_files(sorted(source.glob("*.txt")), group=name)
            codings = source / "codings.csv"
            project.import_codings(read_codings_csv(codings), str(codings))
        projects.append((name, project, "researcher"))
    projects.append(("demo", create_demo_project(folder / "demo.db"), "coder-a"))
    return projects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--study-turns", type=int, default=20_000)
    args = parser.parse_args()
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for label, project, coder in sample_projects(Path(folder)):
            with project:
                turns = list(workflow.iter_turns(project))
                lines += computed(project, label, coder, turns)
                for method in ("keywords", "combined", "all"):
                    lines += stored(project, label, method)
        if STUDY.exists() and args.study_turns:
            copy = Path(folder) / "study.db"
            with Project(STUDY) as source:
                source.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(STUDY, copy)
            with Project(copy) as project:
                turns = list(workflow.iter_turns(project))[: args.study_turns]
                lines += computed(project, "study", "coder-a", turns)
                lines += stored(project, "study", "combined", [turn.id for turn in turns])
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines):,} lines written to {args.out}")


if __name__ == "__main__":
    main()
