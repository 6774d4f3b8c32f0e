"""Read a Taguette project file: the SQLite database Taguette keeps (``taguette.sqlite3``, or
the file a project is exported to), of its models in ``taguette/database/models.py``.

The tables read: ``projects``; ``documents`` (``contents`` is the document as Taguette shows
it, sanitised HTML); ``tags`` (``path`` is the tag's name); ``highlights`` (``start_offset`` and
``end_offset`` count UTF-8 bytes of the document's text, HTML tags not counted, and
``snippet`` is the highlighted HTML); ``highlight_tags``; ``commands`` (who made each highlight:
the ``highlight_add`` command naming it).

A document's text is the text of its HTML with a line break after every paragraph, heading,
list item or table row and at every ``<br>``, so that its speaker labels open lines; each
highlight's positions are converted from bytes to that text, and its text checked against its
snippet. Tags become codes, with their descriptions; a file holding several projects gives
each transcript its project's name as its group.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html

from qualcode.errors import QualcodeError
from qualcode.refi.codebook import RefiCode
from qualcode.refi.movein import Document, Moving, Passage
from qualcode.refi.positions import CHARACTERS
from qualcode.refi.sqlitefile import check_tables, open_sqlite, rows
from qualcode.refi.xmlutil import derived_guid

APPLICATION_ID = 0x54677474  # "Tgtt", set by Taguette on the databases it creates
TABLES = {
    "projects": ("id", "name"),
    "documents": ("id", "name", "description", "filename", "project_id", "contents"),
    "tags": ("id", "project_id", "path", "description"),
    "highlights": ("id", "document_id", "start_offset", "end_offset", "snippet"),
    "highlight_tags": ("highlight_id", "tag_id"),
    "commands": ("id", "date", "user_login", "payload"),
}
BLOCKS = {
    "p", "br", "div", "blockquote", "pre", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr",
}  # fmt: skip


def is_taguette(db: sqlite3.Connection) -> bool:
    """Whether an SQLite database is Taguette's (its application id, or its tables)."""
    if db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return True
    names = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    return {"documents", "highlights", "highlight_tags"} <= names


def read_taguette(path: str | Path) -> Moving:
    """What a Taguette project file holds, ready for :func:`~qualcode.refi.movein.move_in`."""
    where = str(path)
    with open_sqlite(path, where) as db:
        check_tables(db, TABLES, where, "a Taguette project")
        return _Reader(db, where, Path(path).stem).read()


@dataclass
class DocumentText:
    """A Taguette document's text, and where Taguette's byte offsets fall in it."""

    text: str
    byte_starts: list[int]
    char_starts: list[int]
    pieces: list[str]
    length: int
    """The document's length in Taguette's units (UTF-8 bytes of its text)."""

    def char(self, offset: int, at_end: bool) -> int:
        """The offset in :attr:`text` of Taguette's byte ``offset``: a start at the start of
        the next piece where it falls on the end of one, a byte inside a character rounded
        down (as Taguette's own ``byte_to_str_index``)."""
        if not self.pieces:
            return 0
        find = bisect_left if at_end else bisect_right
        index = max(find(self.byte_starts, offset) - 1, 0)
        piece = self.pieces[index]
        inside = offset - self.byte_starts[index]
        return self.char_starts[index] + len(
            piece.encode("utf-8")[: max(inside, 0)].decode("utf-8", "ignore")
        )


def document_text(contents: str) -> DocumentText:
    """The text of a Taguette document's HTML, with line breaks at its blocks."""
    out: list[str] = []
    byte_starts, char_starts, pieces = [], [], []
    counted = chars = 0

    def add(text: str | None) -> None:
        nonlocal counted, chars
        if not text:
            return
        byte_starts.append(counted)
        char_starts.append(chars)
        pieces.append(text)
        out.append(text)
        counted += len(text.encode("utf-8"))
        chars += len(text)

    def newline() -> None:
        nonlocal chars
        if out and not out[-1].endswith("\n"):
            out.append("\n")
            chars += 1

    def walk(element: etree._Element) -> None:
        block = isinstance(element.tag, str) and element.tag.lower() in BLOCKS
        if block:
            newline()
        if isinstance(element.tag, str):
            text = element.text
            if element.tag.lower() == "pre" and text and text.startswith("\n"):
                text = text[1:]  # an HTML parser drops it, as Taguette's (html5lib) does
            add(text)
            for child in element:
                walk(child)
                add(child.tail)
        if block:
            newline()

    if contents.strip():
        walk(html.fragment_fromstring(contents, create_parent="div"))
    return DocumentText("".join(out), byte_starts, char_starts, pieces, counted)


def _squashed(text: str) -> str:
    return "".join(text.split())


class _Reader:
    def __init__(self, db: sqlite3.Connection, where: str, name: str):
        self.db, self.where = db, where
        self.moving = Moving("Taguette", where, name)

    def query(self, sql: str) -> list[tuple]:
        return rows(self.db, sql, self.where)

    def read(self) -> Moving:
        projects = dict(self.query("SELECT id, name FROM projects ORDER BY id"))
        if len(projects) == 1:
            self.moving.name = str(next(iter(projects.values())))
        tags = {}
        for tag, path, description in self.query(
            "SELECT id, path, description FROM tags ORDER BY id"
        ):
            path = str(path or f"tag {tag}").strip()
            tags[tag] = derived_guid("taguette", "tag", path)
            if all(code.guid != tags[tag] for code in self.moving.codes):
                self.moving.codes.append(
                    RefiCode(path, tags[tag], description=(description or "").strip())
                )
        texts = {}
        described = 0
        for document, name, description, filename, project, contents in self.query(
            "SELECT id, name, description, filename, project_id, contents FROM documents "
            "ORDER BY id"
        ):
            texts[document] = document_text(str(contents or ""))
            values = {"group": str(projects[project])} if len(projects) > 1 else {}
            described += bool((description or "").strip())
            self.moving.documents.append(
                Document(
                    document,
                    str(name or filename or f"document {document}"),
                    texts[document].text,
                    CHARACTERS,
                    values,
                )
            )
        self.highlights(texts, tags)
        if len(projects) > 1:
            self.moving.notices.append(
                f"{self.where}: {len(projects)} projects; each transcript's group is the name "
                "of its project"
            )
        if described:
            self.moving.notices.append(
                f"{self.where}: {described} document description(s) not imported: qualcode "
                "keeps memos on turns"
            )
        return self.moving

    def makers(self) -> dict[int, tuple[str, str]]:
        """Highlight id → (user, date) of the command that made it."""
        found: dict[int, tuple[str, str]] = {}
        for user, date, payload in self.query(
            "SELECT user_login, date, payload FROM commands ORDER BY id"
        ):
            try:
                command = json.loads(payload)
            except (TypeError, ValueError):
                continue
            if isinstance(command, dict) and command.get("type") == "highlight_add":
                found.setdefault(command.get("highlight_id"), (user, date))
        return found

    def highlights(self, texts: dict[int, DocumentText], tags: dict[int, str]) -> None:
        tagged: dict[int, list[int]] = {}
        for highlight, tag in self.query(
            "SELECT highlight_id, tag_id FROM highlight_tags ORDER BY highlight_id, tag_id"
        ):
            if tag in tags:
                tagged.setdefault(highlight, []).append(tag)
        makers = self.makers()
        members = (
            self.query("SELECT DISTINCT user_login FROM project_members")
            if ("project_members" in {n for (n,) in self.query("SELECT name FROM sqlite_master")})
            else []
        )
        sole = members[0][0] if len(members) == 1 else None
        untagged = 0
        for highlight, document, start, end, snippet in self.query(
            "SELECT id, document_id, start_offset, end_offset, snippet FROM highlights ORDER BY id"
        ):
            row = f"highlights id {highlight}"
            text = texts.get(document)
            if text is None:
                raise QualcodeError(
                    f"{row}: refers to no document (document_id {document})", self.where
                )
            if not tagged.get(highlight):
                untagged += 1
                continue
            if not (
                isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= text.length
            ):
                raise QualcodeError(
                    f"{row}: offsets {start!r}-{end!r} lie outside the text of document "
                    f"{document} ({text.length} bytes)",
                    self.where,
                )
            first, last = text.char(start, at_end=False), text.char(end, at_end=True)
            if _squashed(text.text[first:last]) != _squashed(document_text(snippet or "").text):
                raise QualcodeError(
                    f"{row}: the text at offsets {start}-{end} is not the highlight's snippet",
                    self.where,
                )
            user, date = makers.get(highlight, (sole, None))
            for tag in tagged[highlight]:
                self.moving.passages.append(
                    Passage(
                        document=document,
                        start=first,
                        end=last,
                        row=row,
                        code=tags[tag],
                        coder=user,
                        date=date,
                        guid=derived_guid("taguette", self.moving.name, highlight, tag),
                    )
                )
        if untagged:
            self.moving.notices.append(
                f"{self.where}: {untagged} highlight(s) without a tag not imported"
            )
