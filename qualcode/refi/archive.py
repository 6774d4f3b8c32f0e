"""Reading a REFI-QDA project's files: a ``.qdpx`` zip, or a bare ``.qde`` with its sources in
a ``sources`` folder beside it.

Tools differ in the details: the XML may be ``project.qde`` or ``<project name>.qde``, the
sources folder ``sources/`` or ``Sources/``. Only files inside the archive are read: a source
linked elsewhere (``relative://``, ``absolute://``) is reported, never fetched.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import unquote

from qualcode.errors import QualcodeError

INTERNAL = "internal://"


class Archive:
    """The files of one REFI-QDA project; use as a context manager."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.zip: zipfile.ZipFile | None = None
        try:
            if self.path.suffix.lower() == ".qde":
                self.members = self._folder_members()
            else:
                self.zip = zipfile.ZipFile(self.path)
                self.members = {
                    info.filename.casefold(): info.filename
                    for info in self.zip.infolist()
                    if not info.is_dir()
                }
        except FileNotFoundError:
            raise QualcodeError("no such file", self.path) from None
        except zipfile.BadZipFile as error:
            raise QualcodeError(
                f"not a REFI-QDA project: the file is not a readable zip archive ({error})",
                self.path,
            ) from None
        except OSError as error:
            raise QualcodeError(f"cannot read the file ({error.strerror})", self.path) from None
        self.qde = self._find_qde()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.zip is not None:
            self.zip.close()

    def _folder_members(self) -> dict[str, str]:
        folder = self.path.parent
        found = {self.path.name.casefold(): self.path.name}
        for sub in ("sources", "Sources"):
            if (folder / sub).is_dir():
                for file in (folder / sub).iterdir():
                    if file.is_file():
                        found[f"sources/{file.name}".casefold()] = f"{sub}/{file.name}"
        return found

    def _find_qde(self) -> str:
        if self.zip is None:
            return self.path.name
        names = [name for name in self.members.values() if name.casefold().endswith(".qde")]
        top = [name for name in names if "/" not in name]
        preferred = [name for name in top if name.casefold() == "project.qde"]
        chosen = preferred or top or names
        if not chosen:
            raise QualcodeError(
                "not a REFI-QDA project: the archive holds no .qde project XML", self.path
            )
        return chosen[0]

    def where(self, member: str) -> str:
        """How errors and notices name a file inside the archive."""
        return str(self.path) if self.zip is None else f"{self.path}:{member}"

    def open_qde(self) -> IO[bytes]:
        """The project XML, to be streamed."""
        if self.zip is None:
            return open(self.path, "rb")
        return self.zip.open(self.qde)

    def member(self, reference: str | None) -> str | None:
        """The archive member an ``internal://`` path names (None when it is not there)."""
        if not reference or not reference.startswith(INTERNAL):
            return None
        name = reference[len(INTERNAL) :].lstrip("/")
        for candidate in (name, unquote(name)):
            for folder in ("sources/", ""):
                found = self.members.get(f"{folder}{candidate}".casefold())
                if found:
                    return found
        return None

    def size(self, member: str) -> int:
        if self.zip is None:
            return (self.path.parent / member).stat().st_size
        return self.zip.getinfo(member).file_size

    def read(self, member: str) -> bytes:
        """The bytes of a member; a damaged one is a one-line error naming it."""
        try:
            if self.zip is None:
                return (self.path.parent / PurePosixPath(member)).read_bytes()
            return self.zip.read(member)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise QualcodeError(
                f"the archive is damaged: cannot read this file ({error})", self.where(member)
            ) from None
