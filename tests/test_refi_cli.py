"""The REFI-QDA commands: ``export FILE.qdpx``, ``import FILE.qdpx``/``.qdc`` and
``codebook export|load FILE.qdc``."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli

REFI = Path(__file__).parent / "fixtures" / "refi"
NVIVO_WIN = REFI / "nvivo" / "nvivo12.6-win_oltas0517.qdpx"
ATLAS_84 = REFI / "atlasti" / "atlasti8.4-mac_spec-standard-project_TestProject.qdpx"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run ``qualcode ARGS`` in an empty folder; return (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, [str(arg) for arg in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def count_codings(run) -> int:
    code, out, _ = run("codings", "--format", "json")
    assert code == 0
    return len(json.loads(out))


def test_import_an_nvivo_project_and_export_it_again(run, tmp_path):
    assert run("init")[0] == 0
    code, out, _ = run("import", NVIVO_WIN)
    assert code == 0
    assert out.startswith(
        "Imported 2 transcript(s) with 471 turns, 152 new code(s), 2 new coder(s)"
    )
    assert "303 coding(s) (303 new on turns, 0 already there)" in out
    assert "(NVivo for Windows 12.6)" in out
    assert count_codings(run) == 303
    code, out, _ = run("import", NVIVO_WIN)
    assert code == 0 and "303 coding(s) (0 new on turns, 303 already there)" in out
    assert "Already in the project: videos_10_selected" in out
    assert count_codings(run) == 303
    code, out, _ = run("export", "oltas.qdpx")
    assert code == 0
    assert out.startswith("Wrote oltas.qdpx: 2 transcript(s), 157 code(s), 303 coding(s) by 2")
    with zipfile.ZipFile(tmp_path / "oltas.qdpx") as archive:
        assert sum(name.startswith("sources/") for name in archive.namelist()) == 2


def test_media_are_skipped_with_a_notice(run):
    run("init")
    code, out, _ = run("import", ATLAS_84)
    assert code == 0 and "14 new code(s)" in out
    assert (
        "Notice: " in out and "skipped the video source '1994 Diet Coke-Diet Coke Break.mp4'" in out
    )


def test_codebook_export_and_load_as_qdc(run, tmp_path):
    run("init")
    code, out, _ = run("codebook", "export", "themes.qdc")
    assert code == 0 and out.startswith("Wrote themes.qdc (5 codes, REFI-QDA)")
    text = (tmp_path / "themes.qdc").read_text(encoding="utf-8")
    (tmp_path / "themes.qdc").write_text(
        text.replace(
            "</Codes>",
            '<Code guid="12345678-1234-1234-1234-123456789abc" '
            'name="Den fikser-rolle" isCodable="true"/></Codes>',
        ),
        encoding="utf-8",
    )
    code, out, _ = run("codebook", "load", "themes.qdc")
    assert code == 0 and out.startswith("Loaded themes.qdc: 6 codes, 1 new, 0 dropped.")
    code, out, _ = run("codebook", "show", "--format", "json")
    assert "den-fikser-rolle" in out
    code, out, _ = run("import", REFI / "qdc" / "refi-1.5-annexA1-example-codebook.qdc")
    assert code == 0 and out.startswith("Merged the codebook") and "6 new code(s)" in out


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["bad.qdpx"], "bad.qdpx: not a REFI-QDA project: the file is not a readable zip archive"),
        (["missing.qdpx"], "missing.qdpx: no such file"),
        (["bad.qdpx", "other.txt"], "import a REFI-QDA file (.qdpx, .qdc) on its own"),
    ],
)
def test_bad_imports_are_one_line_errors(run, tmp_path, files, message):
    run("init")
    (tmp_path / "bad.qdpx").write_bytes(b"not a zip at all")
    (tmp_path / "other.txt").write_text("D1: hej\n", encoding="utf-8")
    code, out, err = run("import", *files)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1


def test_export_needs_a_qdpx_name(run):
    run("init")
    code, _, err = run("export", "study.zip")
    assert code == 1 and "study.zip: a REFI-QDA project file must end in .qdpx" in err


def test_import_sends_transcripts_to_the_readers_and_refi_files_to_the_refi_import(run, tmp_path):
    run("init")
    (tmp_path / "pilot.txt").write_text(
        "TK: Hvordan går det?\n\nD1: Jeg holder pauser nu.\n", encoding="utf-8"
    )
    code, out, _ = run("import", "pilot.txt", "--group", "Netværk 1")
    assert (code, out) == (
        0,
        "Imported 1 transcript(s) with 2 turns.\npilot.txt: read as speaker labels, D3: … (Rev, "
        "Descript, f4/f5, WhisperX .txt, Google Meet, noScribe): 2 speaker(s), 2 turn(s), no "
        "timestamps\n",
    )
    code, out, _ = run("export", "pilot.QDPX")
    assert code == 0 and "1 transcript(s)" in out
    (tmp_path / "fresh.db").unlink(missing_ok=True)
    assert run("--project", "fresh.db", "init")[0] == 0
    code, out, _ = run("--project", "fresh.db", "import", "pilot.QDPX")
    assert code == 0 and out.startswith("Imported 1 transcript(s) with 2 turns, 0 new code(s)")
    code, out, _ = run("--project", "fresh.db", "turns", "--format", "json")
    turns = json.loads(out)
    assert [(t["speaker"], t["role"], t["text"]) for t in turns] == [
        ("TK", "interviewer", "Hvordan går det?"),
        ("D1", "participant", "Jeg holder pauser nu."),
    ]
    code, out, _ = run("--project", "fresh.db", "transcripts", "--format", "json")
    assert [(t["name"], t["group"]) for t in json.loads(out)] == [("pilot", "Netværk 1")]
