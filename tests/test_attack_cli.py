"""Hostile files and situations on the command line: folders and unreadable files where a file
is expected, file names with newlines, read-only projects, a project locked by another write,
and a damaged project file. Every input is made here, at test time."""

from __future__ import annotations

import ctypes
import json
import os
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from qualcode.app import APP_SCRIPT
from qualcode.cli import cli
from qualcode.errors import QualcodeError, QualcodeWarning, shown
from qualcode.store import PROJECT_ENV, Project, _checks, file
from qualcode.store.schema import SCHEMA_VERSION

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run ``qualcode ARGS`` in ``tmp_path``; return (exit code, out, err)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def one_error(err: str) -> str:
    """The single line of an error message (fails if there are more)."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    return lines[0]


# ---------------------------------------------------------------- folders and file names


def test_a_folder_where_a_file_belongs_is_one_line_naming_it(run, demo, tmp_path):
    (tmp_path / "notes").mkdir()
    for args in (
        ("--project", "notes", "transcripts"),
        ("--project", str(demo.path), "import", "notes"),
        ("--project", str(demo.path), "codings", "import", "notes"),
        ("--project", str(demo.path), "codebook", "load", "notes"),
        ("--project", str(demo.path), "codings", "export", "notes"),
    ):
        code, out, err = run(*args)
        assert code == 1 and out == ""
        assert one_error(err) == "Error: notes: a folder, not a file", args
    code, _, err = run("--project", str(demo.path), "codings", "import", "missing.csv")
    assert one_error(err) == "Error: missing.csv: cannot read the file (No such file or directory)"


def test_an_unreadable_file_is_one_line_naming_it(run, demo, tmp_path, monkeypatch):
    """As the operating system says of a file this user may not read (the slow test below
    makes one for real)."""
    (tmp_path / "secret.csv").write_text("transcript,turn,code,coder\n", encoding="utf-8")
    access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: access(path, mode) and "secret" not in str(path)
    )
    for args in (("codings", "import", "secret.csv"), ("import", "secret.csv")):
        code, out, err = run("--project", str(demo.path), *args)
        assert code == 1 and out == ""
        assert one_error(err) == "Error: secret.csv: cannot read the file (permission denied)"


def test_a_folder_given_to_the_library_is_not_a_project(tmp_path):
    with pytest.raises(QualcodeError, match="a folder, not a project file"):
        Project(tmp_path)


HOSTILE_NAMES = ["two\nlines.txt", "carriage\rreturn.txt", "escape\x1b[31mred.txt", "tab\tname.txt"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_file_name_with_control_characters_stays_on_one_line(run, demo, tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    code, _, err = run("--project", str(demo.path), "import", name)
    assert code == 1
    escaped = name.encode("unicode_escape").decode()
    assert one_error(err) == f"Error: {escaped}: the file is empty: no transcript text found"
    code, _, err = run("--project", name, "transcripts")
    assert code == 1 and one_error(err).startswith(f"Error: {escaped}: not a qualcode project")
    (tmp_path / name).write_text("TK: Hvordan går det?\n\nD1: Godt.\n", encoding="utf-8")
    run("--project", str(demo.path), "import", name)
    code, out, _ = run("--project", str(demo.path), "import", name)
    assert code == 0 and out.splitlines()[1] == (
        f"Skipped {escaped}: already imported as {Path(name).stem!r}"
    )
    code, out, _ = run("--project", str(demo.path), "codebook", "export", f"{name}.yaml")
    assert code == 0 and out == f"Wrote {escaped}.yaml (5 codes).\n"


def test_shown_escapes_control_characters_only():
    assert shown("Netværk 1/fokus gruppe.txt") == "Netværk 1/fokus gruppe.txt"
    assert shown("a\nb\x00c\x7f") == "a\\nb\\x00c\\x7f"
    assert str(QualcodeError("bad", "x\ny.txt", 3)) == "x\\ny.txt:3: bad"


# ---------------------------------------------------------------- read-only projects

# Run as an ordinary user would be: the CLI on a read-only folder and a read-only file, and on
# files it cannot read. Prints {case: [exit code, stdout, stderr]} as JSON.
AS_A_USER = """
import json, sys
from pathlib import Path
from click.testing import CliRunner
from qualcode.cli import cli

folder = Path(sys.argv[1])
try:
    (folder / "locked" / "probe").write_text("x")
except PermissionError:
    pass
else:
    sys.exit(99)  # permission bits are not enforced here
runner = CliRunner()
results = {}
for project in ("locked/demo.db", "open/demo.db"):
    for name, args in {
        "transcripts": ["transcripts", "--format", "json"],
        "report": ["report", "frequency", "--format", "json"],
        "agreement": ["agreement", "--coders", "coder-a", "coder-b", "--format", "json"],
        "export": ["export", str(folder / "out.qdpx")],
        "code": ["code", "1", "awareness", "--coder", "x"],
    }.items():
        result = runner.invoke(cli, ["--project", str(folder / project), *args])
        results[f"{project} {name}"] = [result.exit_code, result.stdout, result.stderr]
for name, args in {
    "unreadable project": ["--project", str(folder / "secret.db"), "transcripts"],
    "unreadable input": ["--project", str(folder / "open/demo.db"), "import",
                         str(folder / "secret.txt")],
    "init": ["--project", str(folder / "locked/new.db"), "init"],
}.items():
    result = runner.invoke(cli, args)
    results[name] = [result.exit_code, result.stdout, result.stderr]
print(json.dumps(results))
"""


def _as_a_user() -> None:
    """Run without root's power to ignore permission bits (dropped from the capabilities a
    program started as root gets), so that a read-only file is read-only even to root."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="drops root's capabilities the Linux way")
def test_a_read_only_project_reads_and_refuses_writes_plainly(demo, tmp_path):
    demo.close()
    locked, writable = tmp_path / "locked", tmp_path / "open"
    for folder in (locked, writable):
        folder.mkdir()
        (folder / "demo.db").write_bytes(demo.path.read_bytes())
    (writable / "demo.db").chmod(0o444)
    for secret in ("secret.db", "secret.txt"):
        (tmp_path / secret).write_bytes((writable / "demo.db").read_bytes())
        (tmp_path / secret).chmod(0o000)
    locked.chmod(0o555)
    try:
        completed = subprocess.run(
            [sys.executable, "-c", AS_A_USER, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_as_a_user if os.geteuid() == 0 else None,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's capabilities here: {error}")
    finally:
        locked.chmod(0o755)
    if completed.returncode == 99:
        pytest.skip("permission bits are not enforced for this user")
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    reasons = {
        "locked": "the folder of the project file is read-only (SQLite keeps its journal there)",
        "open": "the project file is read-only",
    }
    for where, reason in reasons.items():
        project = f"{where}/demo.db"
        for name in ("transcripts", "report", "agreement"):
            code, out, err = results[f"{project} {name}"]
            assert code == 0 and "Error" not in err, (project, name, err)
            assert json.loads(out)
        code, out, err = results[f"{project} export"]
        assert code == 0 and out.startswith(f"Wrote {tmp_path / 'out.qdpx'}: 4 transcript(s)")
        code, out, err = results[f"{project} code"]
        assert code == 1 and out == ""
        assert one_error(err) == (
            f"Error: {tmp_path / project}: {reason}; nothing can be changed in it"
        )
    assert sorted(p.name for p in locked.iterdir()) == ["demo.db"]
    assert (locked / "demo.db").read_bytes() == demo.path.read_bytes()
    code, _, err = results["init"]
    assert code == 1 and one_error(err) == (
        f"Error: {locked / 'new.db'}: the folder is read-only; cannot create the project there"
    )
    for name, secret in (("unreadable project", "secret.db"), ("unreadable input", "secret.txt")):
        code, _, err = results[name]
        assert code == 1
        assert one_error(err) == (
            f"Error: {tmp_path / secret}: cannot read the file (permission denied)"
        )


def test_a_project_that_cannot_be_written_is_opened_read_only(demo, monkeypatch):
    """What the read-only folder of the test above makes SQLite do, in this process: the file
    is opened read-only and immutable, so that SQLite needs no files beside it."""
    codings = demo.codings()
    demo.close()
    before = demo.path.read_bytes()
    reason = "the folder of the project file is read-only (SQLite keeps its journal there)"
    monkeypatch.setattr(file, "read_only_reason", lambda path: reason)
    monkeypatch.setattr(file.os, "access", lambda path, mode: mode != os.W_OK)
    with Project(demo.path) as project:
        assert project.read_only == reason
        assert len(project.transcripts()) == 4 and project.codings() == codings
        with pytest.raises(QualcodeError) as error:
            project.add_codings(1, ["awareness"], "x")
        assert str(error.value) == f"{demo.path}: {reason}; nothing can be changed in it"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            project.db.execute("DELETE FROM codings")
        assert sorted(p.name for p in demo.path.parent.glob("demo.db*")) == ["demo.db"]
    assert demo.path.read_bytes() == before


def test_an_older_read_only_project_says_it_needs_upgrading(demo, monkeypatch):
    demo.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    demo.close()
    monkeypatch.setattr(file, "read_only_reason", lambda path: "the project file is read-only")
    with pytest.raises(QualcodeError) as error:
        Project(demo.path)
    assert str(error.value) == (
        f"{demo.path}: this project needs upgrading to this qualcode's schema "
        f"({SCHEMA_VERSION - 1} to {SCHEMA_VERSION}), but the project file is read-only"
    )


def test_sqlite_errors_are_worded_for_people(tmp_path):
    path = tmp_path / "p.db"
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    readonly.sqlite_errorcode = sqlite3.SQLITE_READONLY_DIRECTORY
    assert str(file.refusal(readonly, path)) == (
        f"{path}: the project file or its folder is read-only; nothing can be changed in it"
    )
    other = sqlite3.DatabaseError("disk I/O error")
    assert (
        str(file.refusal(other, path)) == f"{path}: the project file cannot be used: disk I/O error"
    )


# ---------------------------------------------------------------- another write at work


def test_a_write_while_another_holds_the_file_says_so(run, demo, monkeypatch):
    monkeypatch.setattr(file, "BUSY_TIMEOUT", 0.05)
    before = demo.codings()
    demo.close()
    demo = Project(demo.path)  # with the short timeout
    importer = sqlite3.connect(demo.path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # as a bulk import does, for the whole import
    try:
        code, out, err = run("--project", str(demo.path), "code", "1", "awareness", "--coder", "x")
        with pytest.raises(QualcodeError, match="another qualcode command"):
            demo.add_codings(1, ["awareness"], "x")
    finally:
        importer.execute("ROLLBACK")
        importer.close()
    assert code == 1 and out == ""
    assert one_error(err) == (
        f"Error: {demo.path}: another qualcode command (an import, say) is writing to the "
        "project; waited 0.05 s for it; try again when it has finished"
    )
    assert demo.codings() == before
    demo.add_codings(1, ["awareness"], "x")  # and once it has finished, the write goes in


# ---------------------------------------------------------------- a damaged file


def damage_an_index(source: Path, target: Path, index: str = "turns_speaker") -> None:
    """Copy ``source`` to ``target`` with the first page of ``index`` made invalid: the file
    opens and its tables read, but SQLite's quick check fails."""
    conn = sqlite3.connect(source)
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [index]).fetchone()
    conn.close()
    data = bytearray(source.read_bytes())
    data[(root - 1) * page_size] = 0  # not a b-tree page type
    target.write_bytes(bytes(data))


def test_a_damaged_file_is_read_with_a_warning_and_never_written(run, demo, tmp_path):
    demo.close()
    damaged = tmp_path / "damaged.db"
    damage_an_index(demo.path, damaged)
    before = damaged.read_bytes()
    warning = f"Warning: {damaged}: the project file is damaged (Page "
    code, out, err = run("--project", str(damaged), "transcripts", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 4
    assert err.startswith(warning) and len(err.splitlines()) == 1
    assert "btreeInitPage() returns error code 11); what it shows may be incomplete" in err
    code, out, err = run("--project", str(damaged), "code", "1", "awareness", "--coder", "x")
    assert code == 1 and out == ""
    assert err.splitlines()[0].startswith(warning)
    assert err.splitlines()[1] == (
        f"Error: {damaged}: the project file is damaged; not writing to it, so as not to make "
        "it worse"
    )
    assert damaged.read_bytes() == before
    with pytest.warns(QualcodeWarning, match="damaged.db: the project file is damaged"):
        project = Project(damaged)
    assert project.damage and project.damage_warning
    project.close()


def test_a_sound_file_is_checked_once_per_change_from_outside(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    demo.close()
    checks = []
    real = Project._quick_check

    def counted(self: Project) -> list[str]:
        checks.append(_checks.passed(self.path))
        return real(self)

    monkeypatch.setattr(Project, "_quick_check", counted)
    with Project(demo.path) as project:  # checked, and found sound
        project.add_codings(1, ["awareness"], "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Project(demo.path).close()  # qualcode's own write leaves it known to be sound
    assert checks == [False, True]
    damaged = demo.path.with_name("copy.db")
    damage_an_index(demo.path, damaged)
    damaged.replace(demo.path)  # a changed file, as a sync tool might leave it
    with pytest.warns(QualcodeWarning):
        Project(demo.path).close()
    assert checks == [False, True, False]


def test_the_app_warns_of_a_damaged_file(demo, tmp_path, monkeypatch):
    demo.close()
    damaged = tmp_path / "damaged.db"
    damage_an_index(demo.path, damaged)
    monkeypatch.setenv(PROJECT_ENV, str(damaged))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.warns(QualcodeWarning):
        app = AppTest.from_file(str(APP_SCRIPT), default_timeout=30).run()
        expected = str(Project(damaged).damage_warning)
    assert not app.exception
    assert [w.value for w in app.warning if "damaged" in w.value] == [expected]
