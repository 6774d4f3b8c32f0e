"""Exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder through REFI-QDA, the standard exchange
format of qualitative data analysis tools: projects (``.qdpx``) and codebooks (``.qdc``).

One function per direction and format:

- :func:`export_qdpx` / :func:`import_qdpx` — whole projects;
- :func:`export_qdc` / :func:`load_qdc` / :func:`read_qdc` — codebooks;
- :func:`import_project` — moving in from a QualCoder project folder or a Taguette project
  file, read from the tools' own databases (:mod:`qualcode.refi.qualcoder`,
  :mod:`qualcode.refi.taguette`, stored by :mod:`qualcode.refi.movein`).
"""

from qualcode.refi.projects import import_project
from qualcode.refi.qdc import export_qdc, load_qdc, read_qdc
from qualcode.refi.qdpx_export import ExportSummary, export_qdpx
from qualcode.refi.qdpx_import import RefiImportResult, UndecidedSelection, import_qdpx

__all__ = [
    "ExportSummary",
    "RefiImportResult",
    "UndecidedSelection",
    "export_qdc",
    "export_qdpx",
    "import_project",
    "import_qdpx",
    "load_qdc",
    "read_qdc",
]
