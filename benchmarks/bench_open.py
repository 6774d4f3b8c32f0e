"""Time opening a big project: with SQLite's quick check, once it is remembered, and bare.

    python benchmarks/bench_open.py [--project FILE] [--transcripts 1000] [--turns 200]

Without --project, writes the synthetic study (generate_study.py) and imports it with its
codings into a new project first (a minute or two). qualcode: ``Project(path)``, first with the
quick check (its record cleared), then with the check remembered. Baseline: a bare
``sqlite3.connect`` reading the schema and one row, in the same run. Prints each time, the
ratios to the baseline, and the time of the full ``PRAGMA integrity_check`` for comparison.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_study import generate_study  # noqa: E402

from qualcode.codebook import load_codebook  # noqa: E402
from qualcode.store import Project  # noqa: E402


def build(folder: Path, transcripts: int, turns: int) -> Path:
    study = folder / "study"
    generate_study(study, transcripts, turns)
    path = folder / "big.db"
    with Project.create(path, load_codebook(study / "codebook.yaml")) as project:
        project.import_files(sorted((study / "transcripts").glob("*.txt")))
        with open(study / "codings.csv", encoding="utf-8", newline="") as rows:
            project.import_codings(csv.DictReader(rows), "codings.csv")
    return path


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bare(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("SELECT * FROM transcripts LIMIT 1").fetchone()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", help="An existing project file to open.")
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # a record of its own
        path = (
            Path(args.project) if args.project else build(Path(tmp), args.transcripts, args.turns)
        )
        Project(path).close()  # warm the page cache, so that each open reads from memory
        (Path(tmp) / "cache" / "qualcode" / "checked.json").unlink(missing_ok=True)
        checked = timed(lambda: Project(path).close())
        remembered = min(timed(lambda: Project(path).close()) for _ in range(5))
        baseline = min(timed(lambda: bare(path)) for _ in range(5))
        conn = sqlite3.connect(path)
        (turns,) = conn.execute("SELECT count(*) FROM turns").fetchone()
        (codings,) = conn.execute("SELECT count(*) FROM codings").fetchone()
        full = timed(lambda: conn.execute("PRAGMA integrity_check").fetchall())
        conn.close()
        size_mb = path.stat().st_size / 1e6
    print(f"project: {turns} turns, {codings} codings, {size_mb:.0f} MB")
    print(f"baseline (bare connect and read): {baseline * 1000:.1f} ms")
    print(f"open with the quick check:        {checked * 1000:.0f} ms ({checked / baseline:.0f}x)")
    print(
        f"open, check remembered:           {remembered * 1000:.1f} ms "
        f"({remembered / baseline:.1f}x)"
    )
    print(f"full integrity_check, for scale:  {full * 1000:.0f} ms")


if __name__ == "__main__":
    main()
