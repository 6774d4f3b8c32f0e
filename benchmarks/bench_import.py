"""Time importing the synthetic study, against a bare baseline measured in the same run.

    python benchmarks/bench_import.py [--transcripts 1000] [--turns 200] [--study FOLDER]

qualcode: ``qualcode import`` of every transcript into a new project file, as a subprocess
(so that its peak memory is measured alone). Baseline: read the same files, split them at
blank lines, run spaCy's blank Danish tokenizer over every turn and insert the turns with a
raw ``sqlite3.executemany``. Prints turns/s of both, the ratio and qualcode's peak memory.
Targets: the 1,000 × 200 study in under 60 s, under 1 GB, ratio under 2.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).parent))
from generate_study import generate_study  # noqa: E402


def baseline(paths: list[Path], database: Path) -> int:
    tokenizer = spacy.blank("da").tokenizer
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE turns (transcript TEXT, turn INTEGER, text TEXT, words INTEGER)")
    count = 0
    with conn:
        for path in paths:
            turns = [part.strip() for part in path.read_text("utf-8").split("\n\n")]
            rows = [
                (path.stem, i, text, len(tokenizer(text)))
                for i, text in enumerate(turns, start=1)
                if text
            ]
            conn.executemany("INSERT INTO turns VALUES (?, ?, ?, ?)", rows)
            count += len(rows)
    conn.close()
    return count


def qualcode_import(paths: list[Path], database: Path, codebook: Path) -> float:
    qualcode = [sys.executable, "-m", "qualcode", "--project", str(database)]
    subprocess.run(
        [*qualcode, "init", "--codebook", str(codebook)], check=True, capture_output=True
    )
    start = time.perf_counter()
    subprocess.run([*qualcode, "import", *map(str, paths)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--study", help="Reuse a study written by generate_study.py.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.study) if args.study else Path(tmp) / "study"
        if not args.study:
            generate_study(folder, args.transcripts, args.turns)
        paths = sorted((folder / "transcripts").glob("*.txt"))
        seconds = qualcode_import(paths, Path(tmp) / "qualcode.db", folder / "codebook.yaml")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        turns = (
            sqlite3.connect(Path(tmp) / "qualcode.db")
            .execute("SELECT count(*) FROM turns")
            .fetchone()[0]
        )
        start = time.perf_counter()
        base_turns = baseline(paths, Path(tmp) / "baseline.db")
        base_seconds = time.perf_counter() - start
    print(f"study: {len(paths)} transcripts, {turns} turns")
    print(
        f"qualcode import: {seconds:.1f} s, {turns / seconds:,.0f} turns/s, "
        f"peak memory {peak_mb:,.0f} MB"
    )
    print(
        f"baseline (read + spaCy tokenizer + executemany): {base_seconds:.1f} s, "
        f"{base_turns / base_seconds:,.0f} turns/s"
    )
    print(f"ratio qualcode / baseline: {seconds / base_seconds:.2f}")


if __name__ == "__main__":
    main()
