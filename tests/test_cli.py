"""The command line, through Click's runner and once as a real subprocess."""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.app import streamlit_command
from qualcode.cli import COMMAND_MODULES, cli
from qualcode.cli.common import FIXES, error_line
from qualcode.errors import QualcodeError
from qualcode.read import LAYOUTS
from qualcode.store import Project


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run ``qualcode ARGS`` in an empty working directory; return (exit code, out, err)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def samples(sample_dir: Path) -> list[str]:
    return [str(p) for p in sorted(sample_dir.glob("*.txt"))]


def test_the_researchers_first_session(run, sample_dir, tmp_path):
    assert run("init")[0] == 0
    code, out, _ = run("import", *samples(sample_dir), "--group", "Netværk 1")
    assert code == 0 and "Imported 4 transcript(s) with 247 turns." in out
    code, out, _ = run("transcripts", "--format", "json")
    listing = json.loads(out)
    assert [(t["name"], t["turns"], t["group"]) for t in listing] == [
        ("focus-group-en", 52, "Netværk 1"),
        ("netvaerk-1", 67, "Netværk 1"),
        ("netvaerk-2", 59, "Netværk 1"),
        ("netvaerk-3", 69, "Netværk 1"),
    ]
    assert [t["language"] for t in listing] == ["en", "da", "da", "da"]
    code, out, _ = run("turns", "--transcript", "netvaerk-1", "--format", "json")
    turns = json.loads(out)
    assert list(turns[0]) == ["id", "transcript", "turn", "speaker", "role", "start", "end", "text"]
    assert len(turns) == 67 and turns[0]["role"] == "interviewer" and turns[1]["speaker"] == "D1"
    turn_id = turns[16]["id"]
    code, out, _ = run("code", str(turn_id), "boundaries", "community", "--coder", "coder-a")
    assert code == 0 and "coded boundaries, community by coder-a" in out
    assert run("codings", "export", "codings.csv")[0] == 0
    with open(tmp_path / "codings.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["transcript"], r["turn"], r["code"], r["coder"]) for r in rows] == [
        ("netvaerk-1", "17", "boundaries", "coder-a"),
        ("netvaerk-1", "17", "community", "coder-a"),
    ]


def test_codings_csv_round_trips_between_projects(run, sample_dir, tmp_path):
    run("init")
    run("import", *samples(sample_dir))
    code, out, _ = run("codings", "import", str(sample_dir / "codings-coder-a.csv"))
    assert code == 0 and "Imported 113 coding(s)" in out
    assert (
        "Imported 0 coding(s); 113 already there."
        in run("codings", "import", str(sample_dir / "codings-coder-a.csv"))[1]
    )
    run("codings", "export", "out.csv")
    run("--project", "other.db", "init")
    run("--project", "other.db", "import", *samples(sample_dir))
    assert run("--project", "other.db", "codings", "import", "out.csv")[0] == 0
    with Project(tmp_path / "qualcode.db") as first, Project(tmp_path / "other.db") as second:

        def keyed(project):
            return sorted(
                (c["transcript"], c["turn"], c["code"], c["coder"]) for c in project.codings()
            )

        assert keyed(first) == keyed(second) and len(keyed(first)) == 113


def test_listings_speak_table_json_and_csv(run, sample_dir):
    run("init")
    run("import", str(sample_dir / "netvaerk-2.txt"))
    _, table, _ = run("turns", "--limit", "2")
    assert table.splitlines()[0].split() == [
        "id",
        "transcript",
        "turn",
        "speaker",
        "role",
        "start",
        "end",
        "text",
    ]
    _, out, _ = run("turns", "--limit", "2", "--offset", "1", "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert [r["turn"] for r in rows] == ["2", "3"] and rows[0]["speaker"] == "D4"
    _, out, _ = run("speakers", "--format", "json")
    assert {s["label"]: s["role"] for s in json.loads(out)}["TK"] == "interviewer"
    run("speakers", "set", "netvaerk-2", "D4", "--attribute", "gender=f")
    _, out, _ = run("speakers", "--format", "json")
    assert next(s for s in json.loads(out) if s["label"] == "D4")["attributes"] == {"gender": "f"}
    _, out, _ = run("codebook", "show", "--format", "json")
    assert [c["key"] for c in json.loads(out)["codes"]][0] == "awareness"


def test_codebook_load_merge_and_export(run, tmp_path):
    run("init")
    (tmp_path / "extra.yaml").write_text(
        "name: Extra\nlanguages: [da]\ncodes:\n  - key: fixer\n    label: Fikseren\n",
        encoding="utf-8",
    )
    code, out, _ = run("codebook", "load", "extra.yaml", "--merge")
    assert code == 0 and "1 new, 0 dropped" in out
    run("codebook", "export", "book.yaml")
    assert "key: fixer" in (tmp_path / "book.yaml").read_text(encoding="utf-8")
    code, out, _ = run("codebook", "load", "extra.yaml")
    assert code == 0 and "5 dropped" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("transcripts",), "qualcode.db: no qualcode project here; create one with "),
        (("init", "--codebook", "broken.yaml"), "broken.yaml:2: broken YAML"),
    ],
)
def test_errors_are_one_line_on_stderr(run, tmp_path, args, message):
    (tmp_path / "broken.yaml").write_text("name: x\nlanguages: [da\n", encoding="utf-8")
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"Error: {message}")


def test_library_errors_leave_the_remedy_to_the_command_line(run, demo):
    """The library says what is wrong and names its remedy; only the command line words it
    with its commands and flags (the app shows the library's own words)."""
    from qualcode.analyse.consensus import adjudication_status, build_consensus
    from qualcode.analyse.project_agreement import project_agreement

    failures = {}
    for fix, attempt in {
        "init": lambda: Project(demo.path.with_name("none.db")),
        "coders": lambda: project_agreement(demo, ["coder-a"]),
        "adjudicate": lambda: adjudication_status(demo, "nobody"),
    }.items():
        with pytest.raises(QualcodeError) as error:
            attempt()
        failures[fix] = error.value
    build_consensus(demo, "coder-a", "coder-b")
    with pytest.raises(QualcodeError) as error:
        build_consensus(demo, "coder-b", "coder-a")
    failures["consensus"] = error.value
    for fix, error in failures.items():
        assert error.fix == fix
        assert "--" not in str(error) and "'qualcode " not in str(error)
        assert error_line(error) == f"{error}; {FIXES[fix]}"
    code, _, err = run("--project", str(demo.path), "adjudicate", "--coders", "coder-b", "coder-a")
    assert code == 1
    assert err == (
        f"Error: {demo.path}: 'consensus' is the consensus of coder-a and coder-b, not of "
        "coder-b and coder-a; choose another name for the consensus coder; give another name "
        "with --consensus\n"
    )


def test_bad_input_leaves_the_project_unchanged(run, sample_dir, tmp_path):
    run("init")
    run("import", str(sample_dir / "netvaerk-1.txt"))
    before = (tmp_path / "qualcode.db").read_bytes()
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, err = run("import", str(sample_dir / "netvaerk-2.txt"), "empty.txt")
    assert (
        code == 1 and err.strip() == "Error: empty.txt: the file is empty: no transcript text found"
    )
    (tmp_path / "bad.csv").write_text(
        "transcript,turn,code,coder\nnetvaerk-1,2,awareness,a\nnetvaerk-1,2,nonsense,a\n",
        encoding="utf-8",
    )
    code, _, err = run("codings", "import", "bad.csv")
    assert code == 1 and err.strip() == "Error: bad.csv:3: unknown code 'nonsense'"
    code, _, err = run("code", "1", "awareness", "nonsense", "--coder", "a")
    assert code == 1 and "unknown code 'nonsense'" in err
    with Project(tmp_path / "qualcode.db") as project:
        assert [t["name"] for t in project.transcripts()] == ["netvaerk-1"]
        assert project.codings() == [] and project.coders() == []
    assert (tmp_path / "qualcode.db").read_bytes()[:100] == before[:100]


@pytest.mark.slow
def test_the_console_script_runs_as_a_real_subprocess(sample_dir, tmp_path):
    env = {**os.environ, "QUALCODE_PROJECT": str(tmp_path / "study.db")}

    def qualcode(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "qualcode", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert qualcode("init").returncode == 0
    assert qualcode("import", str(sample_dir / "focus-group-en.vtt")).returncode == 0
    result = qualcode("turns", "--format", "json")
    turns = json.loads(result.stdout)
    assert len(turns) == 52 and turns[1]["speaker"] == "P2"
    failed = qualcode("import", str(sample_dir / "missing.txt"))
    assert failed.returncode == 1
    assert (
        failed.stderr.strip() == f"Error: {sample_dir / 'missing.txt'}: cannot read the file "
        "(No such file or directory)"
    )


def test_the_app_is_served_privately():
    command = streamlit_command(8765)
    flags = dict(zip(command[5::2], command[6::2], strict=False))
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.port"] == "8765"
    assert flags["--server.showEmailPrompt"] == "false"
    assert flags["--runner.fastReruns"] == "false"
    config = (Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text()
    assert 'address = "127.0.0.1"' in config and "gatherUsageStats = false" in config
    assert "showEmailPrompt = false" in config and "fastReruns = false" in config


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="finds the server process in /proc")
def test_stopping_the_app_stops_its_server(tmp_path):
    """The README's first command, ``qualcode app``, on a fresh machine (an empty home folder,
    no terminal to answer Streamlit's first-run prompt) serves the demo project without asking
    anything; ``kill -TERM`` of it stops the Streamlit server it started."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "home").mkdir()
    qualcode = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "app", "--port", str(port)],
        cwd=tmp_path,
        # BROWSER: the tab the command opens is opened by /bin/true.
        env={**os.environ, "HOME": str(tmp_path / "home"), "BROWSER": "true"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    health = f"http://127.0.0.1:{port}/_stcore/health"
    children: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not _answers(health):
            assert qualcode.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        assert (tmp_path / "qualcode-demo.db").exists()
        children += Path(f"/proc/{qualcode.pid}/task/{qualcode.pid}/children").read_text().split()
        assert len(children) == 1
        qualcode.send_signal(signal.SIGTERM)
        assert qualcode.wait(timeout=10) == 0
        assert not _answers(health)
        assert not Path(f"/proc/{children[0]}").exists()
    finally:
        for pid in [qualcode.pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        qualcode.wait()


def test_demo_creates_a_coded_project_once(run, tmp_path):
    code, out, _ = run("demo", "demo.db")
    assert code == 0 and "Created the demo project demo.db (4 transcripts)" in out
    assert "Opened" in run("demo", "demo.db")[1]
    with Project(tmp_path / "demo.db") as project:
        assert project.coders() == ["coder-a", "coder-b"]
        assert {t["group"] for t in project.transcripts()} == {
            "Netværk 1",
            "Netværk 2",
            "Netværk 3",
            "Pilot network (English)",
        }


def test_every_command_is_listed_with_the_module_that_defines_it():
    """Commands load lazily from COMMAND_MODULES: it must name each command's module."""
    defined = {}
    for module_name in set(COMMAND_MODULES.values()):
        module = importlib.import_module(f"qualcode.cli.{module_name}")
        defined.update({command.name: module_name for command in module.COMMANDS})
    assert defined == COMMAND_MODULES


def test_a_quick_command_does_not_load_the_others():
    script = (
        "import sys; from qualcode.cli import cli; "
        "cli(['--project', 'none.db', 'turns', '--help'], standalone_mode=False); "
        "print(sorted(m for m in ('sklearn', 'altair', 'streamlit', 'qualcode.suggest') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith("[]")


LAYOUT_SAMPLES = Path(__file__).with_name("layouts")


def test_import_says_how_each_file_was_read_and_what_it_left_out(run):
    assert run("init")[0] == 0
    sample = str(LAYOUT_SAMPLES / "otter-txt" / "sample.txt")
    code, out, _ = run("import", sample, "--interviewer", "Sarah Whitfield")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Imported 1 transcript(s) with 27 turns."
    assert lines[1].endswith(
        "sample.txt: read as name and time on their own line (Otter.ai, Microsoft Teams, "
        "Zoom .txt, Trint): 5 speaker(s), 27 turn(s), timestamps kept"
    )
    assert lines[2].endswith("left out 1 line(s) that no speaker says (lines 82)")
    with Project("qualcode.db") as project:
        roles = {s["label"]: s["role"] for s in project.speakers("sample")}
    assert roles["Sarah Whitfield"] == "interviewer" and roles["Søren Ærø"] == "participant"


def test_the_layouts_are_listed_and_one_can_be_asked_for(run, tmp_path):
    code, out, _ = run("import", "--layouts")
    assert code == 0 and out.splitlines()[0].startswith("labels ")
    assert {line.split()[0] for line in out.splitlines()} == set(LAYOUTS)
    assert run("init")[0] == 0
    otter = tmp_path / "otter.txt"
    otter.write_bytes((LAYOUT_SAMPLES / "otter-txt" / "sample.txt").read_bytes())
    code, out, _ = run("import", "--layout", "name-alone", str(otter))
    assert code == 0 and "otter.txt: no speakers found" in out
    code, _, err = run(
        "import", "--layout", "labels", str(LAYOUT_SAMPLES / "whisperx-json" / "sample.json")
    )
    assert code == 1 and err.strip().endswith(
        "a layout applies to .txt .md .docx .html .htm .odt .rtf files; .json has its own"
    )


def test_labelled_lines_read_as_words_are_named():
    """Some turns laid out one way, some another: the lines the chosen layout reads as words
    though they look like speakers are named, never silently given to the speaker before."""
    from qualcode.read.layouts import read_lines

    lines = [
        "[Tanja] 10:02:31",
        "Velkommen.",
        "[Søren] 10:02:40",
        "Jeg sover bedre.",
        "[Tanja] 10:02:50",
        "Godt.",
        "Tanja: Hvad mere?",
        "Søren: Det er det.",
        "Tanja: Tak.",
    ]
    parsed = read_lines(lines, "mixed.txt")
    assert parsed.layout == "name-time"
    assert parsed.notices == [
        "mixed.txt: 3 line(s) look like speaker labels, D3: … (Rev, Descript, f4/f5, WhisperX "
        ".txt, Google Meet, noScribe) but are read as words of the speaker before them (lines "
        "7, 8, 9); check them, or ask for that layout (--layout labels)"
    ]


def test_memos_are_listed_and_their_csv_cannot_start_a_formula(run):
    assert run("demo", "qualcode.db")[0] == 0
    assert run("memo", "5", '=HYPERLINK("x")', "--coder", "coder-a")[0] == 0
    code, out, _ = run("memos", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "transcript,group,turn,speaker,coder,codes,memo,text,updated"
    assert '\'=HYPERLINK(""x"")' in lines[1] and lines[1].startswith("focus-group-en,")
    code, out, _ = run("memos", "--coder", "coder-b")
    assert code == 0 and out.strip() == "(none)"
    code, _, err = run("memos", "--code", "nope")
    assert code == 1 and err.strip().endswith("unknown code 'nope'")
    code, _, err = run("memos", "--attribute", "gender=x")
    assert code == 1 and err.strip().endswith("no speaker has gender = x")


def test_undo_redo_and_the_history_of_coding_actions(run):
    assert run("demo", "qualcode.db")[0] == 0
    assert run("code", "5", "community", "--coder", "ann")[0] == 0
    assert run("memo", "5", "network", "--coder", "ann")[0] == 0
    code, out, _ = run("undo", "--coder", "ann")
    assert code == 0 and out.strip() == "Undid on focus-group-en turn 5: wrote a memo."
    code, out, _ = run("history", "--format", "json")
    log = json.loads(out)
    assert [(e["coder"], e["action"], e["turn"], e["summary"]) for e in log] == [
        ("ann", "undo", 5, "undid: wrote a memo"),
        ("ann", "memo", 5, "wrote a memo"),
        ("ann", "code", 5, "coded community"),
    ]
    code, out, _ = run("redo", "--coder", "ann")
    assert code == 0 and out.strip() == "Redid on focus-group-en turn 5: wrote a memo."
    code, out, _ = run("memos", "--coder", "ann", "--format", "json")
    assert [m["memo"] for m in json.loads(out)] == ["network"]
    code, out, _ = run("redo", "--coder", "ann")
    assert code == 0 and out.strip() == "Nothing to redo for ann."
    code, out, _ = run("history", "--coder", "ann", "--limit", "2", "--offset", "1")
    assert code == 0 and out.strip().endswith("2–3 of 4 events.")
