"""The layout samples in tests/layouts/ and tests/layouts-heldout/ (one per export layout of
a transcription service or tool, with the turns a reader must get): every one is read with at
least 90 % of its turns exactly right (speaker and whitespace-normalised text; a speaker's
consecutive caption cues or segments may be one turn), at least 90 % of those with the right
timestamp, and no timestamp left in the text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

LAYOUTS = Path(__file__).with_name("layouts")
# Written apart from the readers, by another hand; the readers were not fitted to them.
HELD_OUT = Path(__file__).with_name("layouts-heldout")
sys.path.insert(0, str(LAYOUTS))
from evaluate import evaluate  # noqa: E402

SAMPLES = sorted(p.name for p in LAYOUTS.iterdir() if (p / "expected.json").exists())
ALL = [
    folder
    for where in (LAYOUTS, HELD_OUT)
    for folder in sorted(where.iterdir())
    if (folder / "expected.json").exists()
]


def test_every_layout_of_the_issue_has_a_sample():
    assert len(SAMPLES) >= 34


@pytest.mark.parametrize("folder", ALL, ids=lambda f: f"{f.parent.name}/{f.name}")
def test_each_layout_sample_reads_right(folder):
    result = evaluate(folder)
    assert "error" not in result, result.get("error")
    assert max(result["exact"], result["merged"]) >= 0.9, (result["exact"], result["merged"])
    assert result["timestamps"] >= 0.9, result["timestamps"]
    assert result["times_in_text"] <= 0
