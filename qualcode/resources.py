"""Where the default codebook and the sample transcripts are.

An installed wheel carries them as package data in ``qualcode/_data``; in a source checkout
(``pip install -e .``) they are read from the editable originals at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_path(*parts: str) -> Path:
    packaged = PACKAGE / "_data"
    root = packaged if packaged.is_dir() else PACKAGE.parent
    return root.joinpath(*parts)


def sample_transcripts() -> list[Path]:
    """The sample transcripts of the demo project, in name order."""
    folder = data_path("transcripts", "sample")
    return sorted(path for path in folder.glob("*.txt"))
