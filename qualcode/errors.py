"""The one error type qualcode shows to people: a short message naming the file and line."""

from __future__ import annotations

from pathlib import Path


def shown(name: str | Path) -> str:
    """``name`` as it is shown in a message: on one line, with newlines and other control
    characters escaped as in Python (``\\n``, ``\\x1b``), so that a file name cannot break the
    one-line message or send commands to the terminal."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(name))


class QualcodeError(Exception):
    """A problem the user can fix, shown as one line: ``file:line: what is wrong``.

    The library says what is wrong, never which button or command-line flag fixes it: ``fix``
    names the remedy (a key such as ``"init"`` or ``"force"``) and each front end words it in
    its own terms (the command line's in :data:`qualcode.cli.common.FIXES`)."""

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        fix: str | None = None,
    ):
        self.message = message
        self.file = shown(file) if file is not None else None
        self.line = line
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where = f"{self.file}:{self.line}"
        text = " ".join(self.message.split())
        return f"{where}: {text}" if where else text


class QualcodeWarning(UserWarning):
    """Something the user should know that does not stop the work, worded like
    :class:`QualcodeError`: ``file: what is wrong``."""

    def __init__(self, message: str, file: str | Path | None = None):
        super().__init__(str(QualcodeError(message, file)))
