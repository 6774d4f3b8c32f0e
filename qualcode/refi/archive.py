"""Reading a REFI-QDA project's files: a ``.qdpx`` zip, or a bare ``.qde`` with its sources in
a ``sources`` folder beside it.

Tools differ in the details: the XML may be ``project.qde`` or ``<project name>.qde``, the
sources folder ``sources/`` or ``Sources/``. Only files inside the archive are read: a source
linked elsewhere (``relative://``, ``absolute://``) is reported, never fetched. Beside a bare
``.qde`` only regular files in the sources folder are read: a symbolic link (or a device, a
pipe) there is refused, so that no file outside the project folder is ever imported. What an
archive unpacks to is bounded, on the sizes it declares and on the bytes actually read.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import unquote

from qualcode.errors import QualcodeError

INTERNAL = "internal://"
SOURCE_FOLDERS = ("sources", "Sources")
MAX_UNPACKED = 250_000_000
"""The most one import unpacks from an archive: the project XML and the files read from it,
together (a thousand 1.5-hour focus groups are about 100 MB of text)."""


class Archive:
    """The files of one REFI-QDA project; use as a context manager."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.zip: zipfile.ZipFile | None = None
        self.unpacked = 0
        """Bytes unpacked so far: the project XML (once, however often it is streamed) and
        the member files read."""
        try:
            self.members = self._list_members()
            self.qde = self._find_qde()
            self._unpack(self.qde, self.size(self.qde))
        except BaseException:
            self.__exit__()
            raise

    def _list_members(self) -> dict[str, str]:
        """Lower-cased name → name of every file of the project."""
        try:
            if self.path.suffix.lower() == ".qde":
                self.path.stat()
                return self._folder_members()
            self.zip = zipfile.ZipFile(self.path)
            return {
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

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.zip is not None:
            self.zip.close()

    def _folder_members(self) -> dict[str, str]:
        """The ``.qde`` and the regular files in its sources folder (sub-folders are left out,
        anything else is refused)."""
        folder = self.path.parent
        found = {self.path.name.casefold(): self.path.name}
        for sub in SOURCE_FOLDERS:
            if (folder / sub).is_symlink():
                raise _not_regular(folder / sub, "the sources folder is a symbolic link")
            if not (folder / sub).is_dir():
                continue
            for entry in os.scandir(folder / sub):
                if entry.is_dir(follow_symlinks=False):
                    continue
                if entry.is_symlink():
                    raise _not_regular(Path(entry.path), "a symbolic link")
                if not entry.is_file(follow_symlinks=False):
                    raise _not_regular(Path(entry.path), "not a regular file")
                found[f"sources/{entry.name}".casefold()] = f"{sub}/{entry.name}"
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
        if self.zip is None:
            return str(self.path if member == self.qde else self.path.parent / member)
        return f"{self.path}:{member}"

    def open_qde(self) -> IO[bytes]:
        """The project XML, to be streamed (no more of it than the size it declares, which
        counted against :data:`MAX_UNPACKED` when the archive was opened)."""
        if self.zip is None:
            handle: IO[bytes] = open(self.path, "rb")  # noqa: SIM115 (closed by _Bounded)
        else:
            handle = self.zip.open(self.qde)
        return _Bounded(handle, self.size(self.qde), self.where(self.qde))

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
        """The size ``member`` declares (for a zip, the size it unpacks to)."""
        if self.zip is not None:
            return self.zip.getinfo(member).file_size
        try:
            return self._folder_file(member).stat().st_size
        except OSError as error:
            raise QualcodeError(
                f"cannot read the file ({error.strerror})", self.where(member)
            ) from None

    def read(self, member: str) -> bytes:
        """The bytes of a member; a damaged one, or one that would unpack beyond
        :data:`MAX_UNPACKED`, is a one-line error naming it."""
        try:
            declared = self.size(member)
            self._unpack(member, declared)
            if self.zip is None:
                data = self._read_folder_file(member, declared)
            else:
                with self.zip.open(member) as handle:
                    data = handle.read(declared + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise QualcodeError(
                f"the archive is damaged: cannot read this file ({error})", self.where(member)
            ) from None
        if len(data) > declared:
            raise QualcodeError(
                f"the file holds more than the {declared} bytes it declares", self.where(member)
            )
        return data

    def _unpack(self, member: str, size: int) -> None:
        """Count ``size`` more bytes unpacked, refusing the archive beyond the bound."""
        if self.unpacked + size > MAX_UNPACKED:
            raise QualcodeError(
                f"the archive unpacks to more than {MAX_UNPACKED // 1_000_000} MB (this file "
                f"alone to {size / 1e6:.1f} MB); qualcode imports projects up to that size",
                self.where(member),
            )
        self.unpacked += size

    def _folder_file(self, member: str) -> Path:
        """The path of a file beside a bare ``.qde``, checked again when it is used: a file
        replaced by a symbolic link since the folder was listed is refused."""
        path = self.path.parent / PurePosixPath(member)
        if member == self.qde:
            return path
        if path.parent.is_symlink():
            raise _not_regular(path.parent, "the sources folder is a symbolic link")
        if path.is_symlink():
            raise _not_regular(path, "a symbolic link")
        if not path.resolve().is_relative_to(self.path.parent.resolve()):
            raise _not_regular(path, "outside the project folder")
        return path

    def _read_folder_file(self, member: str, declared: int) -> bytes:
        path = self._folder_file(member)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(path, flags)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise _not_regular(path, "not a regular file")
            return handle.read(declared + 1)


def _not_regular(path: Path, what: str) -> QualcodeError:
    return QualcodeError(
        f"{what}: qualcode reads only regular files inside the project folder; import refused",
        path,
    )


class _Bounded:
    """A binary stream of no more than ``limit`` bytes (the size its archive declared): a file
    that holds more is refused rather than read on."""

    def __init__(self, handle: IO[bytes], limit: int, where: str):
        self.handle, self.limit, self.where, self.read_so_far = handle, limit, where, 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size if size >= 0 else self.limit + 1)
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise QualcodeError(
                f"the file holds more than the {self.limit} bytes it declares", self.where
            )
        return data

    def __enter__(self) -> _Bounded:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.handle.close()
