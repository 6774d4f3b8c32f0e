"""The codebook as a file: YAML (what ``codebook load`` reads) or a REFI-QDA ``.qdc``."""

from __future__ import annotations

from pathlib import Path

from qualcode.codebook import Codebook, codebook_to_yaml
from qualcode.errors import QualcodeError
from qualcode.files import written
from qualcode.refi.qdc import export_qdc

FORMATS = (".yaml", ".yml", ".qdc")


def export_codebook(codebook: Codebook, path: str | Path) -> int:
    """Write ``codebook`` to ``path`` as YAML (.yaml, .yml) or REFI-QDA (.qdc), whole or not
    at all; returns the number of codes."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise QualcodeError("export the codebook as .yaml or .qdc", path)
    if suffix == ".qdc":
        return export_qdc(codebook, path)
    with written(path) as partial:
        partial.write_text(codebook_to_yaml(codebook), encoding="utf-8")
    return sum(1 for _ in codebook.walk())
