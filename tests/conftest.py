"""Shared fixtures: real project files in a temporary folder, the sample transcripts, and the
hand-counted study.

The study is tiny and every figure in it is counted by hand: three transcripts, a codebook with
a sub-code, two coders (ann, ben) who agree on some turns and differ on others; ben has not
coded t3 at all. The tests of reports, agreement, adjudication, quotes and the kept counts use
it (``study``, or ``make_study`` for other coders); tests/test_report_study.py checks that the
study is what those hand counts assume.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qualcode.codebook import default_codebook_path, load_codebook, parse_codebook
from qualcode.demo import create_demo_project
from qualcode.resources import data_path
from qualcode.store import Project

FIXTURES = Path(__file__).parent / "fixtures"
# One short Danish focus group (4 turns: TK, then D1 on boundaries, a backchannel, D3 on
# community), for suggestion tests.
SMALL_GROUP = FIXTURES / "suggest" / "gruppe.txt"


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory):
    """The record of checked project files (qualcode.store._checks) goes to a folder of the
    test run, not the user's cache; subprocesses inherit it."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


CODEBOOK = """
name: Hand-counted study
languages: [da, en]
codes:
  - key: awareness
    label: Awareness
    color: "#4e79a7"
    children:
      - key: awareness.body
        label: Body
  - key: conditions
    label: Conditions
  - key: boundaries
    label: Boundaries
  - key: community
    label: Community
  - key: unused
    label: Nobody uses this
"""

T1 = """TK: Velkommen. Hvordan går det?

D1: Jeg sover dårligt. Kroppen siger fra.

D2: Der er for meget arbejde. Chefen lytter ikke.

TK: Hvad har I gjort ved det?

D1: Jeg har sagt nej til weekendarbejde.

D2: Jeg holder pauser nu. Det hjælper.
"""

T2 = """Interviewer: What changed for you?

P1: I notice my body now. I sleep better.

P2: Meeting the others helped. I am not alone.

P1: Yes.
"""

T3 = """Interviewer: Anything else?

P1: My boss asks *too* much <b>really</b>.
"""

SPAN = (0, len("I notice my body now."))  # ann's span coding in t2, turn 2

# (transcript, turn, codes, span) per coder
CODINGS = {
    "ann": [
        ("t1", 1, ["community"], None),
        ("t1", 2, ["awareness.body"], None),
        ("t1", 3, ["conditions"], None),
        ("t1", 5, ["boundaries"], None),
        ("t1", 6, ["boundaries", "awareness"], None),
        ("t2", 2, ["awareness.body"], SPAN),
        ("t2", 3, ["community"], None),
        ("t3", 2, ["conditions"], None),
    ],
    "ben": [
        ("t1", 2, ["awareness"], None),
        ("t1", 3, ["conditions", "boundaries"], None),
        ("t1", 5, ["boundaries"], None),
        ("t2", 2, ["awareness.body"], None),
        ("t2", 3, ["community"], None),
        ("t2", 4, ["community"], None),
    ],
}


def build_study(folder: Path, **more_coders: list) -> Project:
    """Create the study's project in ``folder`` (t1 in group G1, t2 and t3 in G2), coded by
    ann and ben and by ``more_coders`` (name: rows as in CODINGS)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in (("t1", T1), ("t2", T2), ("t3", T3)):
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    project = Project.create(folder / "study.db", parse_codebook(CODEBOOK, "test codebook"))
    project.import_files([paths["t1"]], group="G1", language="da")
    project.import_files([paths["t2"], paths["t3"]], group="G2", language="en")
    for coder, rows in {**CODINGS, **more_coders}.items():
        for transcript, turn, codes, span in rows:
            project.add_codings(project.turn_id(transcript, turn), codes, coder, span=span)
    return project


@pytest.fixture
def study(tmp_path: Path):
    """The hand-counted study with ann's and ben's codings."""
    with build_study(tmp_path / "study") as project:
        yield project


@pytest.fixture
def make_study():
    """``make_study(folder, cy=[...])``: the study in another folder, with more coders."""
    return build_study


@pytest.fixture(scope="session")
def _built(tmp_path_factory) -> dict[str, Path]:
    """Each shared project file built once per test run; tests get a copy of it."""
    folder = tmp_path_factory.mktemp("built")
    Project.create(folder / "project.db", load_codebook(default_codebook_path())).close()
    create_demo_project(folder / "demo.db").close()
    return {"project": folder / "project.db", "demo": folder / "demo.db"}


def _copy(built: Path, target: Path) -> Project:
    shutil.copyfile(built, target)
    return Project(target)


@pytest.fixture
def sample_dir() -> Path:
    """The sample transcripts (Danish and English focus groups) and their codings."""
    return data_path("transcripts", "sample")


@pytest.fixture
def project(tmp_path: Path, _built):
    """A new, empty project file with the default codebook."""
    with _copy(_built["project"], tmp_path / "project.db") as p:
        yield p


@pytest.fixture
def demo(tmp_path: Path, _built):
    """The demo project: the four sample transcripts with the sample codings."""
    with _copy(_built["demo"], tmp_path / "demo.db") as p:
        yield p


@pytest.fixture
def small(project):
    """The default-codebook project with the short Danish focus group of SMALL_GROUP."""
    project.import_files([SMALL_GROUP], language="da")
    return project


# Two focus groups for searching across transcripts, every figure counted by hand: "chef"
# (any case) is in a2, a3, a4 (TK) and b2, b4; gender=f speaks a2, a5, b3, b4; ann coded a2
# boundaries, b2 conditions, b3 community; ben coded a2 boundaries, a3 conditions.
GROUP_A = """TK: Hvad har I lagt mærke til?

D1: Jeg siger fra over for min chef nu.

D2: Chefen lytter ikke til mig.

TK: Hvordan har I det med chefen?

D1: Jeg sover bedre.
"""

GROUP_B = """TK: Hvad er nyt?

D1: Min chef har sagt ja til færre møder.

D2: Jeg har det godt i gruppen.

D3: CHEF er et stort ord.
"""

GROUP_GENDERS = {
    ("gruppe-a", "D1"): "f",
    ("gruppe-a", "D2"): "m",
    ("gruppe-b", "D1"): "m",
    ("gruppe-b", "D2"): "f",
    ("gruppe-b", "D3"): "f",
}


@pytest.fixture
def groups(project, tmp_path: Path) -> Project:
    """The default-codebook project with the two hand-counted groups (see GROUP_A)."""
    for name, text in (("gruppe-a", GROUP_A), ("gruppe-b", GROUP_B)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    project.import_files(
        [tmp_path / "gruppe-a.txt", tmp_path / "gruppe-b.txt"], group="Netværk 1", language="da"
    )
    for (transcript, label), gender in GROUP_GENDERS.items():
        project.set_speaker(transcript, label, attributes={"gender": gender})
    for transcript, turn, code, coder in (
        ("gruppe-a", 2, "boundaries", "ann"),
        ("gruppe-b", 2, "conditions", "ann"),
        ("gruppe-b", 3, "community", "ann"),
        ("gruppe-a", 2, "boundaries", "ben"),
        ("gruppe-a", 3, "conditions", "ben"),
    ):
        project.add_codings(project.turn_id(transcript, turn), [code], coder)
    return project
