"""Time the workbench pages on a big study against the demo project, in one process.

    python benchmarks/bench_ui.py [--transcripts 1000] [--turns 200] [--repeat 3]

Both projects are opened by Streamlit's ``AppTest`` (the real app script, pages and widgets,
without a browser), one after the other in this process. Timed, per project:

- the Code page for one transcript: coder-a chosen, the first 25 turns with coder-a's codes,
  memos and open keyword suggestions (computed beforehand, untimed);
- the Reports page as it opens (frequency table by group with its chart), *cold*: the cached
  report tables cleared before the run, so the counts are computed from the project file;
- the Reports page *warm*: rendered again with the report tables cached (what every click on
  the page costs until the project changes).

Each page is rendered once untimed first (imports, the language pipeline), then ``--repeat``
times; the best time is kept. Target: the study's time under twice the demo's (the ratios).

The study is ``generate_study.py``'s, imported once with ``qualcode import`` and
``qualcode codings import`` into a project cached under /tmp/qualcode-bench and reused by later
runs (delete the folder to build it again).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).parent))
from generate_study import generate_study  # noqa: E402

from qualcode.app import APP_SCRIPT  # noqa: E402
from qualcode.demo import create_demo_project  # noqa: E402
from qualcode.store import PROJECT_ENV, Project  # noqa: E402
from qualcode.suggest.workflow import compute_suggestions  # noqa: E402

CACHE = Path("/tmp/qualcode-bench")
CODER = "coder-a"


def study_project(transcripts: int, turns: int) -> Path:
    """The generated study as a project file, built on first use and cached."""
    folder = CACHE / f"ui-study-{transcripts}x{turns}"
    path = folder / "study.db"
    if path.exists():
        Project(path).close()  # brought to the current schema once, not in every copy
        return path
    generate_study(folder, transcripts, turns)
    partial = folder / "study.db.partial"
    for stale in folder.glob("study.db.partial*"):
        stale.unlink()
    qualcode = [sys.executable, "-m", "qualcode", "--project", str(partial)]
    started = time.perf_counter()
    subprocess.run([*qualcode, "init", "--codebook", str(folder / "codebook.yaml")], check=True)
    paths = sorted(str(p) for p in (folder / "transcripts").glob("*.txt"))
    subprocess.run([*qualcode, "import", *paths], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*qualcode, "codings", "import", str(folder / "codings.csv")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    print(f"built the study project in {time.perf_counter() - started:.0f} s: {path}")
    return path


def prepare_demo(folder: Path) -> Path:
    path = folder / "demo.db"
    with create_demo_project(path) as project:
        compute_suggestions(project, "focus-group-en")
    return path


def prepare_study(transcripts: int, turns: int, folder: Path) -> tuple[Path, str]:
    """A working copy of the cached study (the benchmark writes suggestions into it)."""
    path = folder / "study.db"
    shutil.copy(study_project(transcripts, turns), path)
    with Project(path) as project:
        name = project.query("SELECT name FROM transcripts ORDER BY name LIMIT 1")[0]["name"]
        compute_suggestions(project, name)
    return path, name


def timed(run, repeat: int, before=None) -> float:
    """The best of ``repeat`` timed calls of ``run`` (after one untimed call)."""
    run()
    best = float("inf")
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(path: Path, transcript: str, repeat: int) -> dict[str, float]:
    os.environ[PROJECT_ENV] = str(path)
    app = AppTest.from_file(str(APP_SCRIPT), default_timeout=600)
    app.run()
    app.session_state["coder"] = CODER
    app.session_state["transcript"] = transcript

    def page(name: str):
        def run() -> None:
            app.switch_page(f"views/{name}.py").run()
            if app.exception:
                raise RuntimeError(f"{name}: {app.exception[0].message}")

        return run

    code = timed(page("code"), repeat)
    suggestions = sum(1 for b in app.button if b.key and b.key.startswith("accept-"))
    turns = sum(1 for p in app.pills if p.key and p.key.startswith("codes-"))
    if turns == 0 or suggestions == 0:
        raise RuntimeError(f"the Code page showed {turns} turns and {suggestions} suggestions")
    cold = timed(page("reports"), repeat, before=st.cache_data.clear)
    warm = timed(page("reports"), repeat)
    if not app.dataframe:
        raise RuntimeError("the Reports page showed no table")
    return {"code": code, "reports cold": cold, "reports warm": warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo = measure(prepare_demo(Path(tmp)), "focus-group-en", args.repeat)
        study_path, transcript = prepare_study(args.transcripts, args.turns, Path(tmp))
        with Project(study_path) as project:
            size = project.query(
                "SELECT (SELECT count(*) FROM transcripts) AS transcripts, "
                "(SELECT count(*) FROM turns) AS turns, (SELECT count(*) FROM codings) AS codings"
            )[0]
        study = measure(study_path, transcript, args.repeat)
    print(
        f"demo: 4 transcripts; study: {size['transcripts']:,} transcripts, "
        f"{size['turns']:,} turns, {size['codings']:,} codings"
    )
    for name in demo:
        print(
            f"{name:>13}: demo {demo[name] * 1000:7.0f} ms, study {study[name] * 1000:7.0f} ms, "
            f"ratio {study[name] / demo[name]:.2f}"
        )


if __name__ == "__main__" and os.environ.get("QUALCODE_BENCH_PREPARE"):
    study_project(int(sys.argv[1]), int(sys.argv[2]))
    sys.exit()
elif __name__ == "__main__":
    main()
