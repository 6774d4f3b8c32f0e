"""Learning curves of the suggesters: macro-F1 and top-2 share after 0/25/50/100/200 coded
turns, for every method, on the evaluation interviews and on the study's own focus groups.

    python benchmarks/suggestion_curves.py [--set interviews|heldout|samples]... [--json]

Sets:

* ``interviews``: ``tests/suggestions/interviews/`` (ten long English research interviews
  on food at home, 227 participant turns, the tuning set), cross-validated by transcript
  (``qualcode evaluate --coder researcher --coded-turns N``).
* ``heldout``: ``tests/suggestions/interviews-heldout/`` (four more interviews, 83 turns,
  never used for tuning), imported with the tuning set into one project; the held-out
  interviews are scored by a suggester fitted on the tuning interviews only
  (``qualcode evaluate --held-out interview-ben --held-out ...``).
* ``samples``: the demo project (the study's own focus groups, coder-a and coder-b).
* ``segments``: ``tests/suggestions/segments/`` (six interviews on cycling to work answered in
  one or two sentences, 120 participant turns, eight codes), cross-validated by transcript.
* ``segments-heldout``: ``tests/suggestions/segments-heldout/`` (two more, 40 turns, never
  used for tuning), scored by a suggester fitted on the six.
* ``segments-heldout-2``: ``tests/suggestions/segments-heldout-2/`` (four more, 60 turns,
  written later and never used for tuning), scored by a suggester fitted on the six.

Each set is imported into a temporary project (``qualcode init --codebook``, ``import``,
``codings import``) and scored with :func:`qualcode.suggest.evaluate.evaluate`, the code
behind ``qualcode evaluate``. Keyword scores do not depend on the coded turns: one figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.codebook import load_codebook  # noqa: E402
from qualcode.demo import create_demo_project  # noqa: E402
from qualcode.read.codings import read_codings_csv  # noqa: E402
from qualcode.store import Project  # noqa: E402
from qualcode.suggest import workflow  # noqa: E402
from qualcode.suggest.evaluate import evaluate  # noqa: E402

SAMPLES = ROOT / "tests" / "suggestions"
CODED = (0, 25, 50, 100, 200)
SETS = ("interviews", "heldout", "samples", "segments", "segments-heldout", "segments-heldout-2")


def interview_project(
    path: Path, folders: list[Path], codebook: Path = SAMPLES / "food-at-home.yaml"
) -> Project:
    """A project of the food-at-home codebook (or ``codebook``) with the interviews and
    codings of ``folders``."""
    project = Project.create(path, load_codebook(codebook))
    with project.transaction():
        for folder in folders:
            project.import_files(sorted(folder.glob("*.txt")), group=folder.name)
            codings = folder / "codings.csv"
            project.import_codings(read_codings_csv(codings), str(codings))
    return project


def curve(project: Project, coder: str, held_out: list[str] | None = None) -> list[dict]:
    """One row per method and number of coded turns."""
    rows = []
    for method in workflow.METHODS:
        for coded in (None,) if method == "keywords" else CODED:
            result = evaluate(project, coder, method, coded, held_out)
            rows.append(
                {
                    "method": method,
                    "coded_turns": coded,
                    "macro_f1": round(result.macro["f1"], 3),
                    "top2": round(result.top2["share"], 3),
                    "turns": result.n_turns,
                }
            )
    return rows


def measure(name: str, folder: Path) -> dict[str, list[dict]]:
    if name in ("segments", "segments-heldout", "segments-heldout-2"):
        tuning = SAMPLES / "segments"
        folders = [tuning] if name == "segments" else [tuning, SAMPLES / name]
        project = interview_project(folder / f"{name}.db", folders, SAMPLES / "cycling.yaml")
        if name == "segments":
            return {"researcher": curve(project, "researcher")}
        names = [path.stem for path in sorted((SAMPLES / name).glob("*.txt"))]
        return {"researcher": curve(project, "researcher", names)}
    if name == "samples":
        project = create_demo_project(folder / "demo.db")
        return {coder: curve(project, coder) for coder in ("coder-a", "coder-b")}
    tuning = SAMPLES / "interviews"
    if name == "interviews":
        project = interview_project(folder / "tuning.db", [tuning])
        return {"researcher": curve(project, "researcher")}
    heldout = SAMPLES / "interviews-heldout"
    project = interview_project(folder / "heldout.db", [tuning, heldout])
    names = [path.stem for path in sorted(heldout.glob("*.txt"))]
    return {"researcher": curve(project, "researcher", names)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        choices=SETS,
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.set or ["interviews", "samples"]:
            results[name] = measure(name, Path(tmp))
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, coders in results.items():
        for coder, rows in coders.items():
            print(f"\n{name}, {coder} ({rows[0]['turns']} participant turns)")
            print("method     coded  macro-F1  top-2")
            for row in rows:
                coded = "-" if row["coded_turns"] is None else row["coded_turns"]
                print(f"{row['method']:<10} {coded:>5}  {row['macro_f1']:8.3f}  {row['top2']:5.3f}")


if __name__ == "__main__":
    main()
