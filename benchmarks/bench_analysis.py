"""Time theme reports and agreement on a big study, against baselines measured in the same run.

    python benchmarks/bench_analysis.py [--transcripts 1000] [--turns 240] [--runs 3]

The project file is cached under /tmp/qualcode-bench (``--keep FILE`` puts it elsewhere,
``--fresh`` builds it in a temporary folder that is removed afterwards).

The study is written straight into a real project file with bulk SQL (the import itself is
measured by bench_import.py): the study codebook of generate_study.py (5 themes with 3
sub-codes each: 20 codes), ``transcripts`` × ``turns`` turns (every sixth one the
interviewer's, so 1,000 × 240 gives 200,000 participant turns), and three coders: coder-a
puts 3–7 codes on every participant turn (1,000,000 codings), coder-b and coder-c each keep
85 % of coder-a's codes and add another one on 30 % of the turns.

1. Frequency report of coder-a (``report.frequency``: sub-codes rolled up into their themes,
   participants, transcripts, shares; read from the counts the project file keeps) against a
   raw ``SELECT code_id, count(*) FROM codings WHERE coder_id = ? GROUP BY code_id`` and
   against ``report.recount_frequency`` (the same report counted from all of coder-a's
   codings; the run checks both tables are equal). Target: < 1 s.
2. Agreement of the three coders over every participant turn, per code and pooled
   (``project_agreement``: from the project file to the finished JSON document) against calling
   the ``krippendorff`` package alone on the same 20 coders × units matrices, built beforehand.
   Target: < 10 s. The run also checks that both give the same alpha for every code.
3. The thematic write-up of coder-a (``export.themes.themes``: counts, co-occurrence,
   agreement of the three coders with bootstrap intervals, five quotes a theme) against the
   library calls it is made of, timed one after the other (the frequency report by transcript,
   co-occurrence, agreement with intervals, reading every theme's quotes); the framework matrix
   (counts) and saturation beside it. Target: a ratio near 1 (the write-up adds no work of its
   own worth timing) and under 30 s.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import krippendorff
import numpy as np

from qualcode.analyse.project_agreement import project_agreement
from qualcode.analyse.report import frequency, recount_frequency
from qualcode.codebook import parse_codebook
from qualcode.store import Project

sys.path.insert(0, str(Path(__file__).parent))
from generate_study import study_codebook  # noqa: E402

CODERS = ("coder-a", "coder-b", "coder-c")
CACHE = Path("/tmp/qualcode-bench")
WORDS = (
    "jeg du vi det som og at på med for til men så ikke bare lige jo nok måske altid meget "
    "travlt arbejde leder chef kollega pause krop søvn grænser netværket gruppen fællesskab "
    "opgave kunde møde mail familie tid hjem energi tænker synes gør siger mærker"
).split()


def build_project(path: Path, transcripts: int, turns: int, seed: int = 1) -> dict[str, int]:
    """Write the study into a new project file at ``path`` with bulk inserts."""
    rng = np.random.default_rng(seed)
    Project.create(path, parse_codebook(study_codebook(), "study codebook")).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    code_ids = [row[0] for row in conn.execute("SELECT id FROM codes ORDER BY position")]
    coder_ids = []
    for name in CODERS:
        cursor = conn.execute(
            "INSERT INTO coders (name, guid) VALUES (?, ?)", [name, str(uuid.uuid4())]
        )
        coder_ids.append(cursor.lastrowid)
    participant_turn_ids = []
    for number in range(1, transcripts + 1):
        participant_turn_ids += _insert_transcript(conn, rng, number, turns)
    counts = _insert_codings(conn, rng, participant_turn_ids, code_ids, coder_ids)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return {"participant_turns": len(participant_turn_ids), **counts}


def _insert_transcript(conn: sqlite3.Connection, rng, number: int, turns: int) -> list[int]:
    labels = ["TK"] + [f"D{i}" for i in range(1, 7)]
    speakers = [
        labels[0] if i % 6 == 1 else labels[rng.integers(1, 7)] for i in range(1, turns + 1)
    ]
    texts = [" ".join(rng.choice(WORDS, rng.integers(4, 40))) + "." for _ in range(turns)]
    pieces, offsets, position = [], [], 0
    for label, text in zip(speakers, texts, strict=True):
        head = f"{label}: "
        offsets.append((position + len(head), position + len(head) + len(text)))
        pieces.append(head + text + "\n\n")
        position += len(pieces[-1])
    transcript_id = conn.execute(
        'INSERT INTO transcripts (name, "group", language, content_hash, text, imported_at, '
        "guid) VALUES (?, ?, 'da', ?, ?, '2024-01-01', ?)",
        [
            f"study-{number:04d}",
            f"Netværk {number % 3 + 1}",
            uuid.uuid4().hex,
            "".join(pieces),
            str(uuid.uuid4()),
        ],
    ).lastrowid
    speaker_ids = {}
    for label in labels:
        role = "interviewer" if label == "TK" else "participant"
        speaker_ids[label] = conn.execute(
            "INSERT INTO speakers (transcript_id, label, role, guid) VALUES (?, ?, ?, ?)",
            [transcript_id, label, role, str(uuid.uuid4())],
        ).lastrowid
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM turns").fetchone()[0]
    conn.executemany(
        'INSERT INTO turns (id, transcript_id, turn, speaker_id, start, "end", text, words) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                first + i,
                transcript_id,
                i + 1,
                speaker_ids[label],
                start,
                end,
                text,
                text.count(" ") + 1,
            )
            for i, (label, text, (start, end)) in enumerate(
                zip(speakers, texts, offsets, strict=True)
            )
        ],
    )
    return [first + i for i, label in enumerate(speakers) if label != "TK"]


def _insert_codings(conn, rng, turn_ids: list[int], code_ids: list[int], coder_ids: list[int]):
    turn_ids = np.array(turn_ids)
    n, k = len(turn_ids), len(code_ids)
    ranks = rng.random((n, k)).argsort(axis=1)
    coded_a = ranks < rng.integers(3, 8, size=n)[:, np.newaxis]
    extra = (rng.random(n) < 0.3)[:, np.newaxis] & (ranks == 7)
    matrices = [coded_a]
    for _ in coder_ids[1:]:
        matrices.append((coded_a & (rng.random((n, k)) < 0.85)) | extra)
        extra = (rng.random(n) < 0.3)[:, np.newaxis] & (ranks == 8)
    codes = np.array(code_ids)
    counts = {}
    for coder_id, name, matrix in zip(coder_ids, CODERS, matrices, strict=True):
        rows, cols = np.nonzero(matrix)
        conn.executemany(
            "INSERT INTO codings (turn_id, code_id, coder_id, origin, created_at, guid) "
            "VALUES (?, ?, ?, 'import', '2024-01-01', ?)",
            (
                (int(t), int(c), coder_id, str(uuid.uuid4()))
                for t, c in zip(turn_ids[rows], codes[cols], strict=True)
            ),
        )
        counts[name] = len(rows)
    return counts


def coder_matrices(path: Path) -> list[np.ndarray]:
    """The baseline's input: per code, a coders × participant turns matrix of 0/1 (NaN where a
    coder has not coded the transcript; here every coder coded every transcript)."""
    conn = sqlite3.connect(path)
    turns = np.array(
        conn.execute(
            "SELECT t.id FROM turns t JOIN speakers s ON s.id = t.speaker_id "
            "WHERE s.role = 'participant' ORDER BY t.id"
        ).fetchall()
    ).ravel()
    coders = [row[0] for row in conn.execute("SELECT id FROM coders ORDER BY name")]
    codes = [row[0] for row in conn.execute("SELECT id FROM codes ORDER BY position")]
    rows = np.array(conn.execute("SELECT turn_id, code_id, coder_id FROM codings").fetchall())
    conn.close()
    column = np.searchsorted(turns, rows[:, 0])
    matrices = []
    for code in codes:
        matrix = np.zeros((len(coders), len(turns)))
        mine = rows[:, 1] == code
        for i, coder in enumerate(coders):
            matrix[i, column[mine & (rows[:, 2] == coder)]] = 1
        matrices.append(matrix)
    return matrices


def best_of(runs: int, function, *args, **kwargs) -> tuple[float, object]:
    """The fastest of ``runs`` calls (seconds) and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=240)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="Build the project here (or reuse it if it exists).")
    parser.add_argument("--fresh", action="store_true", help="Build in a temporary folder.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cached = CACHE / f"analysis-{args.transcripts}x{args.turns}-seed1.db"
        path = Path(tmp) / "study.db" if args.fresh else Path(args.keep or cached)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            start = time.perf_counter()
            built = build_project(path, args.transcripts, args.turns)
            print(f"built {path.name} in {time.perf_counter() - start:.0f} s: {built}")
        with Project(path) as project:
            report_frequency(project, args.runs)
            report_agreement(project, path, args.runs)
            report_writeup(project)


def report_frequency(project: Project, runs: int) -> None:
    coder_id = project.coder_id("coder-a", create=False)
    raw_sql = "SELECT code_id, count(*) FROM codings WHERE coder_id = ? GROUP BY code_id"
    raw, rows = best_of(runs, lambda: project.db.execute(raw_sql, [coder_id]).fetchall())
    ours, report = best_of(runs, frequency, project, coder="coder-a")
    by_group, _ = best_of(runs, frequency, project, "group", coder="coder-a")
    recount, counted = best_of(runs, recount_frequency, project, coder="coder-a")
    if not report.table.equals(counted.table):
        raise SystemExit("the kept counts differ from a recount of the codings")
    n = sum(count for _, count in rows)
    print(f"\nfrequency report over {n:,} codings of coder-a ({len(report.table)} codes)")
    print(f"  qualcode report.frequency (kept counts): {ours:.3f} s")
    print(f"  the same by group:                       {by_group:.3f} s")
    print(f"  recounted from the codings:              {recount:.3f} s (equal tables)")
    print(f"  raw GROUP BY code_id:                    {raw:.3f} s")
    print(f"  ratio to the raw GROUP BY: {ours / raw:.2f}; to the recount: {ours / recount:.2f}")


def report_agreement(project: Project, path: Path, runs: int) -> None:
    matrices = coder_matrices(path)
    baseline, alphas = best_of(
        runs,
        lambda: [
            krippendorff.alpha(reliability_data=m, level_of_measurement="nominal") for m in matrices
        ],
    )
    ours, result = best_of(runs, project_agreement, project, list(CODERS))
    ours_alphas = [row["krippendorff_alpha"] for row in result["codes"]]
    if not np.allclose(ours_alphas, alphas, rtol=0, atol=1e-9):
        raise SystemExit(f"alpha differs from the krippendorff package: {ours_alphas} {alphas}")
    print(
        f"\nagreement of {len(CODERS)} coders over {result['n_units']:,} turns × "
        f"{len(result['codes'])} codes"
    )
    print(f"  qualcode project_agreement:          {ours:.2f} s")
    print(f"  krippendorff.alpha on the 20 matrices: {baseline:.2f} s")
    print(f"  ratio: {ours / baseline:.2f}")
    print(f"  overall alpha {result['overall']['krippendorff_alpha']:.3f}; per-code alphas equal")


def report_writeup(project: Project) -> None:
    from qualcode.analyse.report import cooccurrence
    from qualcode.analyse.saturation import saturation
    from qualcode.export.framework import framework
    from qualcode.export.quotes import quotes
    from qualcode.export.themes import themes

    themes_keys = [c.key for c in project.codebook().codes]
    parts = {
        "frequency by transcript": lambda: frequency(project, "transcript", coder="coder-a"),
        "co-occurrence": lambda: cooccurrence(project, coder="coder-a"),
        "agreement with intervals": lambda: project_agreement(
            project, list(CODERS), rollup=True, ci=True, seed=1
        ),
        "every theme's quotes read": lambda: [
            sum(1 for _ in quotes(project, [key], "coder-a", pseudonymize=True).quotes)
            for key in themes_keys
        ],
    }
    times = {name: best_of(1, part)[0] for name, part in parts.items()}
    ours, found = best_of(1, themes, project, "coder-a")
    matrix, _ = best_of(1, framework, project, "coder-a", counts=True)
    saturated, _ = best_of(1, saturation, project, "coder-a")
    print(f"\nthe write-up of {len(found.themes)} themes of coder-a")
    for name, seconds in times.items():
        print(f"  {name + ':':<37}{seconds:.2f} s")
    print(f"  qualcode themes (the write-up):      {ours:.2f} s")
    print(f"  ratio to its parts: {ours / sum(times.values()):.2f}")
    print(f"  framework matrix (counts): {matrix:.2f} s; saturation: {saturated:.2f} s")


if __name__ == "__main__":
    main()
