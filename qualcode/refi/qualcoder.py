"""Read a QualCoder project: a ``NAME.qda`` folder holding ``data.qda``, an SQLite database of
QualCoder's database version v17 (QualCoder 3.6 and later).

The tables read, as QualCoder's ``__main__.py`` creates them: ``source`` (``fulltext`` is the
text of a text source), ``code_cat`` (categories, nested by ``supercatid``), ``code_name``
(codes in a category by ``catid``, under another code by ``supercid``), ``code_text`` (a coded
passage: ``fid`` the source, ``pos0``/``pos1`` its positions, ``seltext`` its text, ``owner``
the coder), ``annotation`` (a note on a passage), ``cases`` and ``case_text`` (which sources a
case is linked to), ``attribute_type`` and ``attribute`` (values of case and file attributes).

Positions are those of QualCoder's coding view, a Qt text widget: UTF-16 code units, a line end
one unit; each passage is checked against its ``seltext``. Categories become parent codes.
Sources without text (pictures, audio, video), their codings, journals and memos on sources,
codes and cases are not imported, and the summary says so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.refi.codebook import RefiCode
from qualcode.refi.movein import Case, Document, Moving, Passage
from qualcode.refi.positions import UTF16_LF
from qualcode.refi.sqlitefile import check_tables, open_sqlite, rows
from qualcode.refi.xmlutil import derived_guid, refi_color

DATABASE = "data.qda"
VERSION = "v17"
TABLES = {
    "project": ("databaseversion", "date"),
    "source": ("id", "name", "fulltext", "mediapath", "memo"),
    "code_cat": ("catid", "name", "memo", "supercatid"),
    "code_name": ("cid", "name", "memo", "catid", "color", "supercid"),
    "code_text": ("ctid", "cid", "fid", "seltext", "pos0", "pos1", "owner", "date", "memo"),
    "cases": ("caseid", "name", "memo"),
    "case_text": ("caseid", "fid"),
    "attribute_type": ("name", "caseOrFile"),
    "attribute": ("name", "attr_type", "value", "id"),
    "annotation": ("anid", "fid", "pos0", "pos1", "memo", "owner", "date"),
}


def qualcoder_database(path: str | Path) -> Path | None:
    """The ``data.qda`` of a QualCoder project given as its folder or as the file itself, or
    None when ``path`` is neither."""
    path = Path(path)
    if path.is_dir():
        return path / DATABASE if (path / DATABASE).is_file() else None
    return path if path.name == DATABASE else None


def read_qualcoder(path: str | Path) -> Moving:
    """What a QualCoder project holds, ready for :func:`~qualcode.refi.movein.move_in`; a file
    that is not a v17 QualCoder database is a one-line error naming it."""
    database = qualcoder_database(path) or Path(path)
    where = str(Path(path) / DATABASE) if Path(path).is_dir() else str(path)
    with open_sqlite(database, where) as db:
        check_tables(db, TABLES, where, "a QualCoder project")
        project = rows(db, "SELECT databaseversion, date FROM project", where)
        version = project[0][0] if project else None
        if version != VERSION:
            raise QualcodeError(
                f"QualCoder database version {version or '(none)'}; qualcode reads version "
                f"{VERSION} (open the project in QualCoder 3.6 or later, which upgrades it)",
                where,
            )
        reader = _Reader(db, where, Path(path).stem, project[0][1] or "")
        return reader.read()


class _Reader:
    def __init__(self, db: sqlite3.Connection, where: str, name: str, created: str):
        self.db, self.where, self.created = db, where, created
        self.moving = Moving("QualCoder", where, name)

    def query(self, sql: str) -> list[tuple]:
        return rows(self.db, sql, self.where)

    def guid(self, *parts: Any) -> str:
        """The same GUID for the same code of the same project, a different one for another
        project's code with the same id."""
        return derived_guid("qualcoder", self.created, *parts)

    def read(self) -> Moving:
        self.moving.codes = self.codes()
        self.documents()
        self.passages()
        self.cases()
        self.unread()
        return self.moving

    def codes(self) -> list[RefiCode]:
        """Categories and codes as one tree: a category is the parent code of its codes and
        sub-categories, a code with ``supercid`` sits under that code."""
        nodes: dict[tuple[str, int], RefiCode] = {}
        parents: dict[tuple[str, int], tuple[str, int] | None] = {}
        for catid, name, memo, supercatid in self.query(
            "SELECT catid, name, memo, supercatid FROM code_cat ORDER BY catid"
        ):
            nodes["cat", catid] = RefiCode(
                _name(name, f"category {catid}"),
                self.guid("category", catid),
                description=(memo or "").strip(),
            )
            parents["cat", catid] = ("cat", supercatid) if supercatid is not None else None
        for cid, name, memo, catid, color, supercid in self.query(
            "SELECT cid, name, memo, catid, color, supercid FROM code_name ORDER BY cid"
        ):
            nodes["code", cid] = RefiCode(
                _name(name, f"code {cid}"),
                self.guid("code", cid),
                color=refi_color(color),
                description=(memo or "").strip(),
            )
            if supercid is not None:
                parents["code", cid] = ("code", supercid)
            elif catid is not None:
                parents["code", cid] = ("cat", catid)
            else:
                parents["code", cid] = None
        roots = []
        for key, node in nodes.items():
            parent = parents[key]
            if parent is None or parent not in nodes:
                roots.append(node)
            else:
                nodes[parent].children.append(node)
        reached = sum(1 for root in roots for _ in root.walk())
        if reached < len(nodes):
            raise QualcodeError(
                f"{len(nodes) - reached} code(s) or categories are their own ancestors "
                "(code_cat.supercatid or code_name.supercid form a cycle)",
                self.where,
            )
        return roots

    def documents(self) -> None:
        values: dict[int, dict[str, str]] = {}
        for name, value, source in self.query(
            "SELECT name, value, id FROM attribute WHERE attr_type = 'file' ORDER BY attrid"
        ):
            if name and value not in (None, ""):
                values.setdefault(source, {})[str(name).strip().casefold()] = str(value).strip()
        self.file_attributes = {name for found in values.values() for name in found}
        media = 0
        for source, name, text, _mediapath, _memo in self.query(
            "SELECT id, name, fulltext, mediapath, memo FROM source ORDER BY id"
        ):
            if not text or not str(text).strip():
                media += 1
                continue
            self.moving.documents.append(
                Document(
                    key=source,
                    name=_name(name, f"source {source}"),
                    text=str(text),
                    units=UTF16_LF,
                    values=values.get(source, {}),
                )
            )
        if media:
            self.moving.notices.append(
                f"{self.where}: {media} source(s) without text (pictures, audio, video) not "
                "imported: qualcode keeps text transcripts only"
            )

    def passages(self) -> None:
        texts = {document.key for document in self.moving.documents}
        codes = {cid for (cid,) in self.query("SELECT cid FROM code_name")}
        orphans = 0
        for ctid, cid, fid, seltext, pos0, pos1, owner, date, memo in self.query(
            "SELECT ctid, cid, fid, seltext, pos0, pos1, owner, date, memo FROM code_text "
            "ORDER BY ctid"
        ):
            if fid not in texts or cid not in codes:
                orphans += 1
                continue
            self.moving.passages.append(
                Passage(
                    document=fid,
                    start=_position(pos0, f"code_text ctid {ctid}", self.where),
                    end=_position(pos1, f"code_text ctid {ctid}", self.where),
                    row=f"code_text ctid {ctid}",
                    evidence=seltext or "",
                    code=self.guid("code", cid),
                    coder=owner,
                    date=date,
                    memo=memo or "",
                )
            )
        for anid, fid, pos0, pos1, memo, owner, date in self.query(
            "SELECT anid, fid, pos0, pos1, memo, owner, date FROM annotation ORDER BY anid"
        ):
            if fid not in texts:
                orphans += 1
                continue
            self.moving.passages.append(
                Passage(
                    document=fid,
                    start=_position(pos0, f"annotation anid {anid}", self.where),
                    end=_position(pos1, f"annotation anid {anid}", self.where),
                    row=f"annotation anid {anid}",
                    note=memo or "",
                    coder=owner,
                    date=date,
                )
            )
        if orphans:
            self.moving.notices.append(
                f"{self.where}: {orphans} coding(s) or annotation(s) on sources without text, "
                "or of codes that are not in code_name, not imported"
            )

    def cases(self) -> None:
        linked: dict[int, set[int]] = {}
        for caseid, fid in self.query("SELECT caseid, fid FROM case_text"):
            linked.setdefault(caseid, set()).add(fid)
        values: dict[int, dict[str, str]] = {}
        for name, value, caseid in self.query(
            "SELECT name, value, id FROM attribute WHERE attr_type = 'case' ORDER BY attrid"
        ):
            if name and value not in (None, ""):
                values.setdefault(caseid, {})[str(name).strip()] = str(value).strip()
        for caseid, name, _memo in self.query(
            "SELECT caseid, name, memo FROM cases ORDER BY caseid"
        ):
            if name and str(name).strip():
                self.moving.cases.append(
                    Case(str(name).strip(), values.get(caseid, {}), linked.get(caseid, set()))
                )

    def unread(self) -> None:
        """Say what a QualCoder project holds that qualcode does not keep."""
        other = sorted(self.file_attributes - {"group", "language"})
        if other:
            self.moving.notices.append(
                f"{self.where}: file attribute(s) {', '.join(map(repr, other))} not imported: "
                "a transcript keeps its group and language"
            )
        memos = self.query(
            "SELECT (SELECT count(*) FROM source WHERE coalesce(memo, '') != '') + "
            "(SELECT count(*) FROM cases WHERE coalesce(memo, '') != '')"
        )[0][0]
        tables = {name for (name,) in self.query("SELECT name FROM sqlite_master")}
        journals = self.query("SELECT count(*) FROM journal")[0][0] if "journal" in tables else 0
        if memos or journals:
            self.moving.notices.append(
                f"{self.where}: {memos} memo(s) on sources and cases and {journals} "
                "journal(s) not imported: qualcode keeps memos on turns (a code's memo is its "
                "description)"
            )


def _name(value: Any, fallback: str) -> str:
    return str(value).strip() if value is not None and str(value).strip() else fallback


def _position(value: Any, row: str, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise QualcodeError(f"{row}: position {value!r} is not a whole number", where)
