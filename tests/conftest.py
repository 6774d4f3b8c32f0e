"""Shared fixtures: real project files in a temporary folder, the sample transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.codebook import default_codebook_path, load_codebook
from qualcode.demo import create_demo_project
from qualcode.resources import data_path
from qualcode.store import Project

FIXTURES = Path(__file__).parent / "fixtures"
# One short Danish focus group (4 turns: TK, then D1 on boundaries, a backchannel, D3 on
# community), for suggestion tests.
SMALL_GROUP = FIXTURES / "suggest" / "gruppe.txt"


@pytest.fixture
def sample_dir() -> Path:
    """The sample transcripts (Danish and English focus groups) and their codings."""
    return data_path("transcripts", "sample")


@pytest.fixture
def project(tmp_path: Path):
    """A new, empty project file with the default codebook."""
    with Project.create(tmp_path / "project.db", load_codebook(default_codebook_path())) as p:
        yield p


@pytest.fixture
def demo(tmp_path: Path):
    """The demo project: the four sample transcripts with the sample codings."""
    with create_demo_project(tmp_path / "demo.db") as p:
        yield p


@pytest.fixture
def small(project):
    """The default-codebook project with the short Danish focus group of SMALL_GROUP."""
    project.import_files([SMALL_GROUP], language="da")
    return project
