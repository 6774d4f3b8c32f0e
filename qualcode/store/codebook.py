"""The project's codebook: its codes with their hierarchy, labels, keywords and colours.

:class:`CodebookRecords` replaces or merges a whole codebook (what loading a YAML or REFI-QDA
codebook does); the functions below it edit one code at a time (the Codebook page). Each is one
transaction and checks what it stores the way the loader checks a file: key format, ``#rrggbb``
colours, languages among the codebook's languages. Codes keep their order as ``position`` (depth
first, the order :meth:`Codebook.walk` yields). Every change of the tree brings the table of
each code's ancestors up to date (:meth:`CodebookRecords.update_code_ancestors`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from typing import Any

from qualcode.codebook import COLOR, KEY, LANGUAGE, PALETTE, Code, Codebook
from qualcode.errors import QualcodeError
from qualcode.store._stamps import new_guid
from qualcode.store.counts import ReportCounts


class CodebookRecords(ReportCounts):
    """The codebook and its codes, as a whole."""

    def codebook(self) -> Codebook:
        """The project's codebook, rebuilt from the codes table."""
        head = self.query("SELECT * FROM codebook WHERE id = 1")
        rows = self.query("SELECT * FROM codes ORDER BY position, id")
        by_id = {row["id"]: _code_from_row(row) for row in rows}
        roots = []
        for row in rows:
            code = by_id[row["id"]]
            if row["parent_id"] is None:
                roots.append(code)
            else:
                by_id[row["parent_id"]].children.append(code)
        if not head:
            return Codebook("", [], roots)
        return Codebook(head[0]["name"], json.loads(head[0]["languages"]), roots, head[0]["guid"])

    def code_ids(self) -> dict[str, int]:
        return {row["key"]: row["id"] for row in self.query("SELECT id, key FROM codes")}

    def code_id(self, key: str) -> int:
        code_id = self.code_ids().get(key)
        if code_id is None:
            raise QualcodeError(f"unknown code {key!r}: not in the project's codebook", self.path)
        return code_id

    def load_codebook(self, codebook: Codebook, merge: bool = False, force: bool = False) -> dict:
        """Replace (or merge into) the project's codebook; codes are matched by key.

        Codings of kept codes survive. Replacing drops codes missing from ``codebook``; if any
        of them has codings, nothing changes unless ``force`` (which deletes those codings).
        """
        existing = {row["key"]: row for row in self.query("SELECT id, key, guid FROM codes")}
        incoming = codebook.keys()
        dropped = [] if merge else [key for key in existing if key not in incoming]
        with self.transaction():
            if dropped:
                self._drop_codes([existing[key]["id"] for key in dropped], force)
            head = self.query("SELECT guid, languages FROM codebook WHERE id = 1")
            languages = codebook.languages
            if merge and head:
                languages = list(dict.fromkeys(json.loads(head[0]["languages"]) + languages))
            self.db["codebook"].upsert(
                {
                    "id": 1,
                    "name": codebook.name,
                    "languages": json.dumps(languages),
                    "guid": codebook.guid or (head[0]["guid"] if head else new_guid()),
                },
                pk="id",
            )
            ids: dict[str, int] = {}
            for position, (code, parent) in enumerate(codebook.walk()):
                row = _code_to_row(code)
                row["position"] = position
                row["parent_id"] = ids[parent.key] if parent else None
                if code.key in existing:
                    row["guid"] = code.guid or existing[code.key]["guid"]
                    self.db["codes"].update(existing[code.key]["id"], row)
                    ids[code.key] = existing[code.key]["id"]
                else:
                    row["guid"] = code.guid or new_guid()
                    ids[code.key] = self.db["codes"].insert(row).last_pk
            self.update_code_ancestors()
        return {
            "codes": len(incoming),
            "added": [k for k in incoming if k not in existing],
            "dropped": dropped,
        }

    def update_code_ancestors(self) -> None:
        """Bring the table of each code's ancestors (``code_ancestors``) in line with the
        codebook's tree after codes moved, and recount the rolled-up report counts of every
        code whose sub-codes changed (the counts of other codes stay as the triggers keep
        them). Called by every change of the tree; cheap when nothing moved."""
        if not self.db["code_ancestors"].exists():  # a schema older than the counts
            return
        with self.transaction():
            tree = set(
                self.db.execute(
                    """
                    WITH RECURSIVE up (code_id, ancestor_id) AS (
                        SELECT id, id FROM codes
                        UNION
                        SELECT up.code_id, codes.parent_id
                        FROM up JOIN codes ON codes.id = up.ancestor_id
                        WHERE codes.parent_id IS NOT NULL
                    )
                    SELECT code_id, ancestor_id FROM up
                    """
                ).fetchall()
            )
            stored = set(self.db.execute("SELECT code_id, ancestor_id FROM code_ancestors"))
            if tree == stored:
                return
            self.db.conn.executemany(
                "DELETE FROM code_ancestors WHERE code_id = ? AND ancestor_id = ?",
                sorted(stored - tree),
            )
            self.db.conn.executemany(
                "INSERT INTO code_ancestors (code_id, ancestor_id) VALUES (?, ?)",
                sorted(tree - stored),
            )
            self._recount_rollup(sorted({ancestor for _, ancestor in tree ^ stored}))

    def _drop_codes(self, code_ids: list[int], force: bool) -> None:
        marks = ",".join("?" * len(code_ids))
        used = self.query(
            f"SELECT c.key, count(*) AS n FROM codings JOIN codes c ON c.id = codings.code_id "
            f"WHERE code_id IN ({marks}) GROUP BY c.key",
            code_ids,
        )
        if used and not force:
            listing = ", ".join(f"{row['key']} ({row['n']} codings)" for row in used)
            raise QualcodeError(
                f"the new codebook leaves out codes that have codings: {listing}",
                self.path,
                fix="force",
            )
        self._delete_codes(code_ids)

    def _delete_codes(self, code_ids: list[int]) -> None:
        """Delete codes and their codings (the caller has made sure that may be done)."""
        marks = ",".join("?" * len(code_ids))
        self.db.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", code_ids)
        self.db.execute(f"UPDATE codes SET parent_id = NULL WHERE id IN ({marks})", code_ids)
        self.db.execute(f"DELETE FROM codes WHERE id IN ({marks})", code_ids)


def _code_to_row(code: Code) -> dict[str, Any]:
    return {
        "key": code.key,
        "label": json.dumps(code.label, ensure_ascii=False),
        "description": code.description,
        "include": json.dumps(code.include, ensure_ascii=False),
        "exclude": json.dumps(code.exclude, ensure_ascii=False),
        "examples": json.dumps(code.examples, ensure_ascii=False),
        "color": code.color,
        "keywords": json.dumps(code.keywords, ensure_ascii=False),
    }


def _code_from_row(row: dict[str, Any]) -> Code:
    return Code(
        key=row["key"],
        label=json.loads(row["label"]),
        description=row["description"],
        include=json.loads(row["include"]),
        exclude=json.loads(row["exclude"]),
        examples=json.loads(row["examples"]),
        color=row["color"],
        keywords=json.loads(row["keywords"]),
        guid=row["guid"],
    )


# ---------------------------------------------------------------- one code at a time


DEFAULT_NAME = "Codebook"


def codebook_languages(project: CodebookRecords) -> list[str]:
    """The codebook's languages (empty when the project has no codebook yet)."""
    rows = project.query("SELECT languages FROM codebook WHERE id = 1")
    return json.loads(rows[0]["languages"]) if rows else []


def set_codebook(
    project: CodebookRecords, name: str | None = None, languages: list[str] | None = None
) -> None:
    """Rename the codebook or change its languages.

    A language that labels or keywords still use cannot be dropped: remove those first.
    """
    current = codebook_languages(project)
    if languages is not None:
        languages = list(dict.fromkeys(lang.strip() for lang in languages if lang.strip()))
        for language in languages:
            if not LANGUAGE.fullmatch(language):
                raise QualcodeError(
                    f"language {language!r} is not a code such as da or en", project.path
                )
        used = _used_languages(project)
        dropped = sorted(used - set(languages))
        if dropped:
            raise QualcodeError(
                f"the codebook still has labels or keywords in {', '.join(dropped)}; "
                "remove them before dropping the language",
                project.path,
            )
    if name is not None and not name.strip():
        raise QualcodeError("the codebook needs a name", project.path)
    with project.transaction():
        head = project.query("SELECT name, guid FROM codebook WHERE id = 1")
        project.db["codebook"].upsert(
            {
                "id": 1,
                "name": (name or "").strip() or (head[0]["name"] if head else DEFAULT_NAME),
                "languages": json.dumps(languages if languages is not None else current),
                "guid": head[0]["guid"] if head else new_guid(),
            },
            pk="id",
        )


def save_code(project: CodebookRecords, code: Code, parent: str | None = None) -> str:
    """Add ``code`` under ``parent`` (None: a top-level theme), or update the code with its key.

    An updated code keeps its place unless ``parent`` differs from its current parent; then it
    moves to the end of its new parent's sub-codes. A new code comes last among its siblings and
    gets the first palette colour no other code uses when it has none. ``code.children`` are
    saved after it, as its sub-codes. Returns ``"added"`` or ``"updated"``.
    """
    with project.transaction():
        languages = codebook_languages(project)
        if not project.query("SELECT 1 FROM codebook WHERE id = 1"):
            languages = sorted(code.label) or ["en"]
            set_codebook(project, DEFAULT_NAME, languages)
        code = _checked(project, code, languages)
        existing = project.query("SELECT id, parent_id, guid FROM codes WHERE key = ?", [code.key])
        parent_id = _parent_id(project, parent)
        row = _code_to_row(code)
        if existing:
            code_id = existing[0]["id"]
            if parent_id is not None and parent_id in _subtree(project, code_id):
                raise QualcodeError(
                    f"code {code.key!r} cannot go under {parent!r}, which is one of its own "
                    "sub-codes",
                    project.path,
                )
            row["guid"] = code.guid or existing[0]["guid"]
            project.db["codes"].update(code_id, row)
            if existing[0]["parent_id"] != parent_id:
                _place(project, code_id, parent_id, None)
            outcome = "updated"
        else:
            if row["color"] is None:
                row["color"] = free_color(project)
            row.update(guid=code.guid or new_guid(), parent_id=parent_id, position=1 << 30)
            project.db["codes"].insert(row)
            _renumber(project)
            outcome = "added"
        for child in code.children:
            save_code(project, child, parent=code.key)
        project.update_code_ancestors()
    return outcome


def move_code(
    project: CodebookRecords, key: str, parent: str | None = None, index: int | None = None
) -> None:
    """Put code ``key`` under ``parent`` (None: top level) at ``index`` among its new siblings
    (None: last). Its sub-codes move with it."""
    with project.transaction():
        code_id = project.code_id(key)
        parent_id = _parent_id(project, parent)
        if parent_id is not None and parent_id in _subtree(project, code_id):
            raise QualcodeError(
                f"code {key!r} cannot go under {parent!r}: that is {key!r} itself or one of "
                "its sub-codes",
                project.path,
            )
        _place(project, code_id, parent_id, index)
        project.update_code_ancestors()


def shift_code(project: CodebookRecords, key: str, step: int) -> None:
    """Move a code ``step`` places up (negative) or down among its siblings."""
    with project.transaction():
        code_id = project.code_id(key)
        parent_id = project.query("SELECT parent_id FROM codes WHERE id = ?", [code_id])[0][
            "parent_id"
        ]
        siblings = _children(project)[parent_id]
        index = max(0, min(len(siblings) - 1, siblings.index(code_id) + step))
        _place(project, code_id, parent_id, index)


def code_usage(project: CodebookRecords, key: str) -> dict[str, Any]:
    """What deleting code ``key`` would take with it: the code and its sub-codes (``codes``),
    their ``codings`` and the ``coders`` who made them."""
    code_id = project.code_id(key)
    ids = _subtree(project, code_id)
    marks = ",".join("?" * len(ids))
    keys = {
        row["id"]: row["key"]
        for row in project.query(f"SELECT id, key FROM codes WHERE id IN ({marks})", ids)
    }
    counts = project.query(
        f"SELECT count(*) AS codings, count(DISTINCT coder_id) AS coders FROM codings "
        f"WHERE code_id IN ({marks})",
        ids,
    )[0]
    return {"codes": [keys[i] for i in ids], **counts}


def delete_code(project: CodebookRecords, key: str, force: bool = False) -> dict[str, Any]:
    """Delete code ``key`` and its sub-codes.

    If they have codings nothing changes unless ``force``, which deletes those codings too.
    Returns what was deleted, as :func:`code_usage` reports it.
    """
    with project.transaction():
        usage = code_usage(project, key)
        if usage["codings"] and not force:
            also = f" and its sub-codes {', '.join(usage['codes'][1:])}" * (len(usage["codes"]) > 1)
            raise QualcodeError(
                f"code {key!r}{also} has {usage['codings']} codings by {usage['coders']} "
                "coder(s); deleting the code deletes them too",
                project.path,
                fix="force",
            )
        project._delete_codes(_subtree(project, project.code_id(key)))
        _renumber(project)
        project.update_code_ancestors()
    return usage


def coding_counts(project: CodebookRecords, coder: str | None = None) -> dict[str, int]:
    """Number of codings per code key (of one coder, or of all), 0 for unused codes."""
    sql = (
        "SELECT codes.key, count(codings.id) AS n FROM codes "
        "LEFT JOIN codings ON codings.code_id = codes.id"
    )
    params: list[Any] = []
    if coder is not None:
        sql += " AND codings.coder_id = (SELECT id FROM coders WHERE name = ?)"
        params.append(coder)
    rows = project.query(sql + " GROUP BY codes.id ORDER BY codes.position", params)
    return {row["key"]: row["n"] for row in rows}


def free_color(project: CodebookRecords) -> str:
    """The first palette colour no code uses yet (cycling when all are taken): the colour a
    new code gets."""
    used = [row["color"] for row in project.query("SELECT color FROM codes")]
    free = [color for color in PALETTE if color not in used]
    return free[0] if free else PALETTE[len(used) % len(PALETTE)]


def dropped_codes(project: CodebookRecords, codebook: Codebook) -> dict[str, int]:
    """The codes that replacing the codebook with ``codebook`` would drop, with how many
    codings each has (what a researcher must agree to lose before replacing)."""
    incoming = set(codebook.keys())
    counts = coding_counts(project)
    return {key: n for key, n in counts.items() if key not in incoming}


# ---------------------------------------------------------------- checks


def _checked(project: CodebookRecords, code: Code, languages: list[str]) -> Code:
    """``code`` with its texts trimmed, or a QualcodeError saying what is wrong with it."""

    def fail(message: str) -> QualcodeError:
        return QualcodeError(message, project.path)

    key = code.key.strip()
    if not KEY.fullmatch(key):
        raise fail(
            f"code key {key!r} must be lower-case letters, digits, '-' or '_' (e.g. self-priority)"
        )
    label = {lang: text.strip() for lang, text in code.label.items() if text and text.strip()}
    if not label:
        raise fail(f"code {key!r} needs a label")
    keywords = {
        lang: list(dict.fromkeys(word.strip() for word in words if word and word.strip()))
        for lang, words in code.keywords.items()
    }
    keywords = {lang: words for lang, words in keywords.items() if words}
    for what, values in (("label", label), ("keywords", keywords)):
        for language in values:
            if language not in languages:
                raise fail(
                    f"{what} of {key!r}: language {language!r} is not among the codebook's "
                    f"languages {languages}"
                )
    color = (code.color or "").strip() or None
    if color is not None and not COLOR.fullmatch(color):
        raise fail(f"color {color!r} of {key!r} must be #rrggbb")

    def lines(values: list[str]) -> list[str]:
        return [value.strip() for value in values if value and value.strip()]

    return replace(
        code,
        key=key,
        label=label,
        description=code.description.strip(),
        include=lines(code.include),
        exclude=lines(code.exclude),
        examples=lines(code.examples),
        color=color,
        keywords=keywords,
    )


def _used_languages(project: CodebookRecords) -> set[str]:
    used: set[str] = set()
    for row in project.query("SELECT label, keywords FROM codes"):
        used |= set(json.loads(row["label"])) | set(json.loads(row["keywords"]))
    return used


# ---------------------------------------------------------------- the tree and its order


def _parent_id(project: CodebookRecords, parent: str | None) -> int | None:
    return None if parent is None else project.code_id(parent)


def _children(project: CodebookRecords) -> dict[int | None, list[int]]:
    """Each code's sub-codes (None: the top-level themes), in their current order."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for row in project.query("SELECT id, parent_id FROM codes ORDER BY position, id"):
        children[row["parent_id"]].append(row["id"])
    return children


def _subtree(project: CodebookRecords, code_id: int) -> list[int]:
    """``code_id`` and all its sub-codes, depth first."""
    children = _children(project)
    result, stack = [], [code_id]
    while stack:
        current = stack.pop()
        result.append(current)
        stack.extend(reversed(children[current]))
    return result


def _place(
    project: CodebookRecords, code_id: int, parent_id: int | None, index: int | None
) -> None:
    """Make ``code_id`` the ``index``-th sub-code of ``parent_id`` and renumber positions."""
    children = _children(project)
    for siblings in children.values():
        if code_id in siblings:
            siblings.remove(code_id)
    siblings = children[parent_id]
    siblings.insert(len(siblings) if index is None else max(0, index), code_id)
    project.db.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [parent_id, code_id])
    _write_order(project, children)


def _renumber(project: CodebookRecords) -> None:
    _write_order(project, _children(project))


def _write_order(project: CodebookRecords, children: dict[int | None, list[int]]) -> None:
    """Store positions 0, 1, 2, … in depth-first order of the tree ``children``."""
    order: list[int] = []
    stack = list(reversed(children[None]))
    while stack:
        current = stack.pop()
        order.append(current)
        stack.extend(reversed(children[current]))
    project.db.conn.executemany(
        "UPDATE codes SET position = ? WHERE id = ?",
        [(position, code_id) for position, code_id in enumerate(order)],
    )
