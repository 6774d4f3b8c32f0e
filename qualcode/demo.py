"""The demo project: the sample transcripts, coded by two coders, on the default codebook."""

from __future__ import annotations

from pathlib import Path

from qualcode.codebook import default_codebook_path, load_codebook
from qualcode.read.codings import read_codings_csv
from qualcode.resources import data_path, sample_transcripts
from qualcode.store import Project

DEMO_PROJECT = "qualcode-demo.db"
SAMPLE_GROUPS = {
    "netvaerk-1": "Netværk 1",
    "netvaerk-2": "Netværk 2",
    "netvaerk-3": "Netværk 3",
    "focus-group-en": "Pilot network (English)",
}


def create_demo_project(path: str | Path = DEMO_PROJECT) -> Project:
    """Open the demo project at ``path``, creating it from the samples if it is missing."""
    path = Path(path)
    if path.exists():
        return Project(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    book = load_codebook(default_codebook_path())
    with Project.create(partial, book) as project, project.transaction():
        for transcript in sample_transcripts():
            project.import_files([transcript], group=SAMPLE_GROUPS.get(transcript.stem))
        for codings in sorted(data_path("transcripts", "sample").glob("codings-*.csv")):
            project.import_codings(read_codings_csv(codings), str(codings))
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    return Project(path)
