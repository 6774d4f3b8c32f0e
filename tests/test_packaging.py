"""The installed package carries the default codebook and the sample transcripts."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_the_wheel_works_from_any_directory(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            "-q",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("qualcode-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for original in [
        *(ROOT / "codebooks").glob("*.yaml"),
        *(ROOT / "transcripts" / "sample").iterdir(),
    ]:
        packaged = f"qualcode/_data/{original.relative_to(ROOT).as_posix()}"
        assert packaged in names
        assert (tmp_path / "site" / packaged).read_bytes() == original.read_bytes()
    # The REFI-QDA schemas and every page of the app travel with the package.
    for packaged in (
        "qualcode/refi/schemas/Project.xsd",
        "qualcode/refi/schemas/Codebook.xsd",
        *(f"qualcode/app/views/{page.name}" for page in (ROOT / "qualcode/app/views").glob("*.py")),
    ):
        assert packaged in names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import qualcode.resources as r, qualcode.codebook as c; "
        "print(c.default_codebook_path()); print(len(r.sample_transcripts())); "
        "from qualcode.demo import create_demo_project; from qualcode.refi import export_qdpx; "
        "print(export_qdpx(create_demo_project('demo.db'), 'demo.qdpx').codings)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(tmp_path / "site")},
    )
    path, count, codings = result.stdout.split()
    assert Path(path) == tmp_path / "site/qualcode/_data/codebooks/leaders-in-balance.yaml"
    assert count == "4"
    # The demo's two coders' codings (113 + 120), exported and checked against the schema.
    assert codings == "233"


def test_the_numpy_the_code_needs_is_declared():
    """The agreement code counts bits with ``np.bitwise_count`` (numpy 2.0 and later): an
    environment that pins numpy below 2 must refuse to install qualcode, not crash later."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.version import Version

    root = Path(__file__).resolve().parents[1]
    uses = [p for p in (root / "qualcode").rglob("*.py") if "bitwise_count" in p.read_text()]
    assert uses, "bitwise_count is no longer used: this test can go"
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    numpy = next(Requirement(r) for r in declared if Requirement(r).name == "numpy")
    assert not numpy.specifier.contains(Version("1.26.4"))
    assert numpy.specifier.contains(Version("2.0.0"))
