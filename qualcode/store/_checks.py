"""Which project files passed SQLite's quick check, as they are now, so that opening one
does not check it again.

The quick check reads the whole file (over a second on a study of 200,000 turns), so a file is
checked once per change that qualcode did not make itself: the record holds the inode, size and
modification time of the file and of its write-ahead log as they were when the file was last
found sound, or last written by qualcode (which leaves a sound file sound). A copy, a sync tool
or another program that writes the file changes them, and the next open checks the file again;
damage that changes none of them (a failing disk) shows only in the full check,
:meth:`~qualcode.store.file.ProjectFile.check`, or once the file changes. The record is a small
JSON file in the user's cache folder; when it cannot be read or written, every open checks.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path

KEPT = 100  # files remembered; the least recently checked are forgotten first


def record_file() -> Path:
    """Where the record is kept: ``$XDG_CACHE_HOME/qualcode`` or ``~/.cache/qualcode``."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "qualcode" / "checked.json"


def passed(path: Path) -> bool:
    """Whether ``path`` is as it was when last found sound (or written by qualcode)."""
    stamp = _stamp(path)
    return stamp is not None and _load().get(str(path.resolve())) == stamp


def remember(path: Path) -> None:
    """Record ``path``, as it is now, as sound."""
    stamp = _stamp(path)
    if stamp is None:
        return
    with contextlib.suppress(OSError, RuntimeError):
        records = _load()
        records.pop(str(path.resolve()), None)
        records[str(path.resolve())] = stamp
        target = record_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = dict(list(records.items())[-KEPT:])
        draft = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}")
        draft.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(draft, target)  # whole, for any process reading it meanwhile


def _stamp(path: Path) -> list[int] | None:
    """Inode, size and modification time of the file, and size and modification time of its
    write-ahead log (zeros when the log is empty: SQLite makes an empty one whenever it opens
    the file). A file replaced by another (a copy, a sync) has another inode."""
    try:
        status = path.stat()
    except OSError:
        return None
    try:
        log = path.with_name(path.name + "-wal").stat()
    except OSError:
        log = None
    logged = [log.st_size, log.st_mtime_ns] if log and log.st_size else [0, 0]
    return [status.st_ino, status.st_size, status.st_mtime_ns, *logged]


def _load() -> dict[str, list[int]]:
    try:
        records = json.loads(record_file().read_text(encoding="utf-8"))
    except (OSError, RuntimeError, ValueError):
        return {}
    return records if isinstance(records, dict) else {}
