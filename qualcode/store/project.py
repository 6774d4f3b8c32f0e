"""The project file: one SQLite database holding transcripts, turns, codebook and codings.

:class:`Project` is the only way in, and the store (this package) is the only part of qualcode
that writes to the file. It joins one class per record family, each in its own module:

- :mod:`~qualcode.store.file`: opening, upgrading (:mod:`~qualcode.store.schema`),
  transactions and queries;
- :mod:`~qualcode.store.transcripts`: transcripts, turns and speakers;
- :mod:`~qualcode.store.codebook`: the codebook and its codes;
- :mod:`~qualcode.store.counts`: the report counts that triggers keep current;
- :mod:`~qualcode.store.codings`: coders, codings and memos;
- :mod:`~qualcode.store.suggestions`: suggestions and the decisions on them;
- :mod:`~qualcode.store.consensus`: consensus coders and adjudications.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from qualcode.codebook import Codebook
from qualcode.store._stamps import new_guid, now
from qualcode.store.consensus import ConsensusRecords
from qualcode.store.suggestions import SuggestionRecords


class Project(SuggestionRecords, ConsensusRecords):
    """An open project file. Use :meth:`create` for a new one, ``Project(path)`` otherwise."""

    @classmethod
    def create(cls, path: str | Path, codebook: Codebook | None = None) -> Self:
        """Create a new project file, with ``codebook`` loaded if given."""
        path = Path(path)
        cls._mark(path)
        project = cls(path)
        with project.transaction():
            project.db["project"].insert({"id": 1, "created_at": now(), "guid": new_guid()})
            if codebook is not None:
                project.load_codebook(codebook)
        return project
