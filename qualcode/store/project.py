"""The project file: one SQLite database holding transcripts, turns, codebook and codings.

:class:`Project` is the only way in. It refuses files that are not qualcode projects, upgrades
older schemas in place, turns on foreign keys and WAL (so the UI and the CLI can share one
file), and runs every write in one transaction (:meth:`Project.transaction`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from qualcode.codebook import Code, Codebook
from qualcode.errors import QualcodeError
from qualcode.read import ParsedTranscript, count_words, read_transcript
from qualcode.read.language import detect_language
from qualcode.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

DEFAULT_PROJECT = "qualcode.db"
PROJECT_ENV = "QUALCODE_PROJECT"
DEFAULT_INTERVIEWERS = ("TK", "I", "Interviewer", "Moderator", "Facilitator")
# An import of more codings than this recounts the report counts of its coders once at the end
# instead of updating them coding by coding (a million codings: seconds instead of a minute).
BULK_CODINGS = 20_000
COUNT_TRIGGERS = (
    "codings_count_insert",
    "codings_count_delete",
    "codings_count_update",
    "speaker_code_turns_insert",
    "speaker_code_turns_update",
    "speaker_code_turns_delete",
)
ORIGINS = ("manual", "suggestion", "import")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_guid() -> str:
    return str(uuid.uuid4())


def default_project_path() -> Path:
    """``$QUALCODE_PROJECT`` if set, else ``./qualcode.db``."""
    return Path(os.environ.get(PROJECT_ENV) or DEFAULT_PROJECT)


@dataclass
class ImportResult:
    """What an import did, for the summary shown to the researcher."""

    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    turns: int = 0


class Project:
    """An open project file. Use :meth:`create` for a new one, ``Project(path)`` otherwise."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise QualcodeError(
                "no qualcode project here; create one with 'qualcode init'", self.path
            )
        self.db = self._connect()
        self._check_and_upgrade()

    @classmethod
    def create(cls, path: str | Path, codebook: Codebook | None = None) -> Project:
        """Create a new project file, with ``codebook`` loaded if given."""
        path = Path(path)
        if path.exists():
            raise QualcodeError("a file already exists here; not overwriting it", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        finally:
            conn.close()
        project = cls(path)
        with project.transaction():
            project.db["project"].insert({"id": 1, "created_at": now(), "guid": new_guid()})
            if codebook is not None:
                project.load_codebook(codebook)
        return project

    def _connect(self) -> sqlite_utils.Database:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        except sqlite3.DatabaseError as error:
            raise QualcodeError(f"not a qualcode project: {error}", self.path) from None
        if application_id != APPLICATION_ID:
            conn.close()
            raise QualcodeError("not a qualcode project (another kind of SQLite file)", self.path)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            conn.close()
            raise QualcodeError(f"the project file is damaged: {error}", self.path) from None
        return sqlite_utils.Database(conn)

    def _check_and_upgrade(self) -> None:
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise QualcodeError(
                    f"this project was written by a newer qualcode (schema {version}; this "
                    f"version knows up to {SCHEMA_VERSION}); upgrade qualcode",
                    self.path,
                )
            if version < SCHEMA_VERSION:
                with self.transaction():
                    for number in range(version, SCHEMA_VERSION):
                        for statement in _statements(MIGRATIONS[number]):
                            self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                    # Migrations build tables and indexes that the planner knows nothing of.
                    self.refresh_statistics()
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            raise QualcodeError(f"the project file is damaged: {error}", self.path) from None

    def refresh_statistics(self) -> None:
        """Give SQLite's query planner current statistics of the tables, after a bulk write.

        Without them, report and agreement queries on a big study may pick a join order
        hundreds of times slower. A sample of each index is enough (``analysis_limit``), so
        this takes milliseconds even on 200,000 turns."""
        self.db.execute("PRAGMA analysis_limit = 1000")
        self.db.execute("ANALYZE")

    def check(self) -> list[str]:
        """Problems SQLite's integrity check finds in the file (empty when it is sound)."""
        rows = [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction; nested calls join the outer one (as savepoints)."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def query(self, sql: str, params: Sequence | dict | None = None) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params or ()))

    # ---------------------------------------------------------------- transcripts and turns

    def add_transcripts(
        self,
        transcripts: Iterable[tuple[str, ParsedTranscript]],
        group: str | None = None,
        language: str | None = None,
        interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
    ) -> ImportResult:
        """Store parsed transcripts under the given names, all in one transaction.

        Content already in the project is skipped and reported; a different transcript under
        an existing name is refused, and then nothing of this import is stored.
        """
        interviewer_labels = {label.casefold() for label in interviewers}
        result = ImportResult()
        with self.transaction():
            for name, parsed in transcripts:
                same = self.db.execute(
                    "SELECT name FROM transcripts WHERE content_hash = ?", [parsed.content_hash]
                ).fetchone()
                if same:
                    result.skipped.append(f"{parsed.source}: already imported as {same[0]!r}")
                    continue
                if self.db.execute("SELECT 1 FROM transcripts WHERE name = ?", [name]).fetchone():
                    raise QualcodeError(
                        f"a different transcript named {name!r} is already in the project; "
                        "rename the file to import it as a new transcript",
                        parsed.source,
                    )
                self._insert_transcript(name, parsed, group, language, interviewer_labels)
                result.imported.append(name)
                result.turns += len(parsed.turns)
                result.notices.extend(parsed.notices)
            if result.imported:
                self.refresh_statistics()
        return result

    def import_files(
        self,
        paths: Sequence[str | Path],
        group: str | None = None,
        language: str | None = None,
        interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
        on_file: Callable[[Path], None] | None = None,
    ) -> ImportResult:
        """Read transcript files and store them; a file that cannot be read stops the whole
        import before anything is stored. ``on_file`` is called after each file is read."""
        parsed = []
        for path in map(Path, paths):
            parsed.append((path.stem, read_transcript(path)))
            if on_file:
                on_file(path)
        return self.add_transcripts(parsed, group, language, interviewers)

    def _insert_transcript(
        self,
        name: str,
        parsed: ParsedTranscript,
        group: str | None,
        language: str | None,
        interviewers: set[str],
    ) -> None:
        # Plain statements: an import writes thousands of these rows, and sqlite-utils'
        # insert() looks the table up again on every call.
        transcript_id = self.db.conn.execute(
            'INSERT INTO transcripts (name, "group", language, source_file, content_hash, text, '
            "imported_at, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                group,
                language or detect_language(parsed.text),
                Path(parsed.source).name,
                parsed.content_hash,
                parsed.text,
                now(),
                new_guid(),
            ],
        ).lastrowid
        speaker_ids = {}
        for label in parsed.speakers:
            role = "interviewer" if label.casefold() in interviewers else "participant"
            speaker_ids[label] = self.db.conn.execute(
                "INSERT INTO speakers (transcript_id, label, role, attributes, guid) "
                "VALUES (?, ?, ?, '{}', ?)",
                [transcript_id, label, role, new_guid()],
            ).lastrowid
        self.db.conn.executemany(
            'INSERT INTO turns (transcript_id, turn, speaker_id, start, "end", timestamp, text, '
            "words) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    transcript_id,
                    number,
                    speaker_ids[turn.speaker],
                    turn.start,
                    turn.end,
                    turn.timestamp,
                    text,
                    count_words(text),
                )
                for number, turn in enumerate(parsed.turns, start=1)
                for text in [parsed.turn_text(turn)]
            ],
        )

    def transcripts(self) -> list[dict[str, Any]]:
        """One row per transcript: name, group, language, turns, speakers, words."""
        return self.query(
            """
            SELECT t.name, t."group", t.language, t.source_file,
                   (SELECT count(*) FROM turns WHERE transcript_id = t.id) AS turns,
                   (SELECT count(*) FROM speakers WHERE transcript_id = t.id) AS speakers,
                   (SELECT coalesce(sum(words), 0) FROM turns WHERE transcript_id = t.id)
                       AS words
            FROM transcripts t ORDER BY t.name
            """
        )

    def transcript(self, name: str) -> dict[str, Any]:
        rows = self.query("SELECT * FROM transcripts WHERE name = ?", [name])
        if not rows:
            raise QualcodeError(f"no transcript named {name!r} in the project", self.path)
        return rows[0]

    def set_transcript(
        self, name: str, group: str | None = None, language: str | None = None
    ) -> None:
        """Change a transcript's group or language."""
        transcript_id = self.transcript(name)["id"]
        changes = {
            key: value
            for key, value in {"group": group, "language": language}.items()
            if value is not None
        }
        if changes:
            with self.transaction():
                self.db["transcripts"].update(transcript_id, changes)

    def turns(
        self,
        transcript: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        role: str | None = None,
    ) -> list[dict[str, Any]]:
        """Turns in transcript order, one page at a time when ``limit`` is given."""
        where, params = [], []
        if transcript is not None:
            transcript_id = self.transcript(transcript)["id"]
            where.append("transcript_id = ?")
            params.append(transcript_id)
        if role is not None:
            where.append("role = ?")
            params.append(role)
        sql = "SELECT * FROM turn_details"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY transcript, turn"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self.query(sql, params)

    def turn(self, turn_id: int) -> dict[str, Any]:
        rows = self.query("SELECT * FROM turn_details WHERE id = ?", [turn_id])
        if not rows:
            raise QualcodeError(f"no turn with id {turn_id} in the project", self.path)
        return rows[0]

    def turn_id(self, transcript: str, turn: int) -> int:
        """The id of turn number ``turn`` (1-based) of ``transcript``."""
        row = self.db.execute(
            "SELECT turns.id FROM turns JOIN transcripts ON transcripts.id = turns.transcript_id "
            "WHERE transcripts.name = ? AND turns.turn = ?",
            [transcript, turn],
        ).fetchone()
        if row is None:
            raise QualcodeError(f"transcript {transcript!r} has no turn {turn}", self.path)
        return row[0]

    def speakers(self, transcript: str | None = None) -> list[dict[str, Any]]:
        """Speakers with their role, attributes and number of turns."""
        sql = """
            SELECT s.id, t.name AS transcript, s.label, s.role, s.attributes,
                   (SELECT count(*) FROM turns WHERE speaker_id = s.id) AS turns
            FROM speakers s JOIN transcripts t ON t.id = s.transcript_id
        """
        params: list[Any] = []
        if transcript is not None:
            sql += " WHERE t.name = ?"
            params.append(transcript)
        rows = self.query(sql + " ORDER BY t.name, s.id", params)
        for row in rows:
            row["attributes"] = json.loads(row["attributes"])
        return rows

    def set_speaker(
        self,
        transcript: str,
        label: str,
        role: str | None = None,
        attributes: dict[str, str | None] | None = None,
    ) -> None:
        """Change a speaker's role and attributes (an attribute set to None is removed)."""
        if role not in (None, "interviewer", "participant"):
            raise QualcodeError(f"role must be interviewer or participant, not {role!r}")
        rows = [s for s in self.speakers(transcript) if s["label"] == label]
        if not rows:
            raise QualcodeError(f"transcript {transcript!r} has no speaker {label!r}", self.path)
        merged = {**rows[0]["attributes"], **(attributes or {})}
        merged = {key: value for key, value in merged.items() if value not in (None, "")}
        with self.transaction():
            self.db["speakers"].update(
                rows[0]["id"],
                {"role": role or rows[0]["role"], "attributes": json.dumps(merged)},
            )

    # ---------------------------------------------------------------- codebook

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
            changed = sorted({ancestor for _, ancestor in tree ^ stored})
            marks = ",".join("?" * len(changed))
            self.db.execute(
                f"DELETE FROM speaker_code_turns WHERE rollup = 1 AND code_id IN ({marks})",
                changed,
            )
            self.db.execute(
                f"""
                INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns)
                SELECT c.coder_id, 1, a.ancestor_id, t.speaker_id, count(DISTINCT c.turn_id)
                FROM code_ancestors a
                JOIN codings c ON c.code_id = a.code_id
                JOIN turns t ON t.id = c.turn_id
                WHERE a.ancestor_id IN ({marks})
                GROUP BY c.coder_id, a.ancestor_id, t.speaker_id
                """,
                changed,
            )

    @contextmanager
    def bulk_codings(self, coder_ids: Iterable[int]) -> Iterator[None]:
        """Inside a write transaction, for rewriting many codings of ``coder_ids``: the
        triggers that keep the report counts stop meanwhile, and those coders' counts are
        recounted once at the end (a failure rolls the whole transaction back, triggers too)."""
        paused = self._pause_report_counts()
        yield
        self._recount_report_counts(sorted(set(coder_ids)), paused)

    def _pause_report_counts(self) -> list[str]:
        """Stop the triggers that keep the report counts (inside a write transaction, for a
        bulk write of codings); returns them, for :meth:`_recount_report_counts`."""
        marks = ",".join("?" * len(COUNT_TRIGGERS))
        triggers = [
            row[0]
            for row in self.db.execute(
                f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
                COUNT_TRIGGERS,
            )
        ]
        for name in COUNT_TRIGGERS:
            self.db.execute(f"DROP TRIGGER IF EXISTS {name}")
        return triggers

    def _recount_report_counts(self, coder_ids: list[int], triggers: list[str]) -> None:
        """Recount the report counts of ``coder_ids`` from their codings and restart the
        ``triggers`` stopped by :meth:`_pause_report_counts`."""
        marks = ",".join("?" * len(coder_ids))
        for table in ("speaker_code_turns", "transcript_code_turns"):
            self.db.execute(f"DELETE FROM {table} WHERE coder_id IN ({marks})", coder_ids)
        self.db.execute(
            f"""
            INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
            SELECT c.coder_id, 0, c.code_id, t.speaker_id, count(DISTINCT c.turn_id), count(*)
            FROM codings c JOIN turns t ON t.id = c.turn_id
            WHERE c.coder_id IN ({marks})
            GROUP BY c.coder_id, c.code_id, t.speaker_id
            """,
            coder_ids,
        )
        self.db.execute(
            f"""
            INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns)
            SELECT c.coder_id, 1, a.ancestor_id, t.speaker_id, count(DISTINCT c.turn_id)
            FROM codings c JOIN code_ancestors a ON a.code_id = c.code_id
            JOIN turns t ON t.id = c.turn_id
            WHERE c.coder_id IN ({marks})
            GROUP BY c.coder_id, a.ancestor_id, t.speaker_id
            """,
            coder_ids,
        )
        self.db.execute(
            f"""
            INSERT INTO transcript_code_turns
                (coder_id, rollup, code_id, transcript_id, role, turns, speakers, codings)
            SELECT a.coder_id, a.rollup, a.code_id, s.transcript_id, s.role, sum(a.turns),
                   sum(a.turns > 0), sum(a.codings)
            FROM speaker_code_turns a JOIN speakers s ON s.id = a.speaker_id
            WHERE a.coder_id IN ({marks})
            GROUP BY a.coder_id, a.rollup, a.code_id, s.transcript_id, s.role
            """,
            coder_ids,
        )
        for trigger in triggers:
            self.db.execute(trigger)

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
                f"the new codebook leaves out codes that have codings: {listing}; merge instead, "
                "or replace with --force to delete those codings",
                self.path,
            )
        self.db.execute(f"DELETE FROM codings WHERE code_id IN ({marks})", code_ids)
        self.db.execute(f"UPDATE codes SET parent_id = NULL WHERE id IN ({marks})", code_ids)
        self.db.execute(f"DELETE FROM codes WHERE id IN ({marks})", code_ids)

    # ---------------------------------------------------------------- coders and codings

    def coder_id(self, name: str, create: bool = True) -> int:
        """The id of coder ``name``, added to the project on first use."""
        name = name.strip()
        if not name:
            raise QualcodeError("a coder needs a name")
        row = self.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
        if row:
            return row[0]
        if not create:
            raise QualcodeError(f"no coder named {name!r} in the project", self.path)
        with self.transaction():
            return self.db["coders"].insert({"name": name, "guid": new_guid()}).last_pk

    def coders(self) -> list[str]:
        return [row["name"] for row in self.query("SELECT name FROM coders ORDER BY name")]

    def add_codings(
        self,
        turn_id: int,
        codes: Iterable[str],
        coder: str,
        span: tuple[int, int] | None = None,
        memo: str | None = None,
        origin: str = "manual",
    ) -> list[str]:
        """Apply codes to a turn (or to ``span``, offsets inside the turn); returns the codes
        newly applied (those already there are left as they are)."""
        turn = self.turn(turn_id)
        code_ids = {key: self.code_id(key) for key in codes}
        if span is not None:
            start, end = span
            if not 0 <= start < end <= len(turn["text"]):
                raise QualcodeError(
                    f"span {start}-{end} is not inside turn {turn_id} "
                    f"(which has {len(turn['text'])} characters)",
                    self.path,
                )
        added = []
        with self.transaction():
            coder_id = self.coder_id(coder)
            for key, code_id in code_ids.items():
                if self._insert_coding(turn_id, code_id, coder_id, span, memo, origin):
                    added.append(key)
        return added

    def _insert_coding(
        self,
        turn_id: int,
        code_id: int,
        coder_id: int,
        span: tuple[int, int] | None,
        memo: str | None,
        origin: str,
        created_at: str | None = None,
    ) -> bool:
        start, end = span if span else (None, None)
        cursor = self.db.execute(
            'INSERT OR IGNORE INTO codings (turn_id, code_id, coder_id, start, "end", memo, '
            "origin, created_at, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                turn_id,
                code_id,
                coder_id,
                start,
                end,
                memo or None,
                origin,
                created_at or now(),
                new_guid(),
            ],
        )
        return cursor.rowcount == 1

    def remove_codings(self, turn_id: int, codes: Iterable[str], coder: str) -> list[str]:
        """Remove a coder's codings (whole turn and spans) of ``codes`` from a turn."""
        self.turn(turn_id)
        code_ids = {key: self.code_id(key) for key in codes}
        coder_id = self.coder_id(coder, create=False)
        removed = []
        with self.transaction():
            for key, code_id in code_ids.items():
                cursor = self.db.execute(
                    "DELETE FROM codings WHERE turn_id = ? AND code_id = ? AND coder_id = ?",
                    [turn_id, code_id, coder_id],
                )
                if cursor.rowcount:
                    removed.append(key)
        return removed

    def codings(
        self, coder: str | None = None, transcript: str | None = None, turn_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Codings with their transcript, turn number, code key and coder name."""
        where, params = [], []
        for column, value in (
            ("coders.name", coder),
            ("td.transcript", transcript),
            ("td.id", turn_id),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = """
            SELECT codings.id, td.transcript, td.turn, codes.key AS code, coders.name AS coder,
                   codings.start, codings."end", codings.memo, codings.origin,
                   codings.created_at, td.id AS turn_id
            FROM codings
            JOIN turn_details td ON td.id = codings.turn_id
            JOIN codes ON codes.id = codings.code_id
            JOIN coders ON coders.id = codings.coder_id
        """
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.query(
            sql + " ORDER BY td.transcript, td.turn, codes.position, coders.name", params
        )

    def import_codings(self, rows: Iterable[dict[str, Any]], source: str) -> dict[str, int]:
        """Store codings given as rows of ``transcript, turn, code, coder`` (optional
        ``start, end, memo``), all or nothing; ``source`` names the file in errors.

        Each row carries ``line``, its line in ``source``."""
        code_ids = self.code_ids()
        added = skipped = 0
        paused: list[str] = []
        coder_ids: set[int] = set()
        with self.transaction():
            for row in rows:
                line = row.get("line")
                try:
                    turn_number = int(row["turn"])
                    turn_id = self.turn_id(row["transcript"], turn_number)
                    code_id = code_ids.get(row["code"])
                    if code_id is None:
                        raise QualcodeError(f"unknown code {row['code']!r}")
                    span = _span(row)
                    if span is not None:
                        length = len(self.turn(turn_id)["text"])
                        if not 0 <= span[0] < span[1] <= length:
                            raise QualcodeError(
                                f"span {span[0]}-{span[1]} is outside the turn "
                                f"({length} characters)"
                            )
                    coder_id = self.coder_id(row["coder"])
                except (ValueError, TypeError):
                    raise QualcodeError(
                        f"turn, start and end must be whole numbers: {row}", source, line
                    ) from None
                except QualcodeError as error:
                    raise QualcodeError(error.message, source, line) from None
                if self._insert_coding(
                    turn_id,
                    code_id,
                    coder_id,
                    span,
                    row.get("memo"),
                    "import",
                    row.get("created_at") or None,
                ):
                    added += 1
                    coder_ids.add(coder_id)
                    if added == BULK_CODINGS:
                        paused = self._pause_report_counts()
                else:
                    skipped += 1
            if paused:
                self._recount_report_counts(sorted(coder_ids), paused)
            if added:
                self.refresh_statistics()
        return {"added": added, "skipped": skipped}

    # ---------------------------------------------------------------- memos

    def set_memo(self, turn_id: int, coder: str, text: str) -> None:
        """A coder's memo on a turn; empty text removes it."""
        self.turn(turn_id)
        with self.transaction():
            coder_id = self.coder_id(coder)
            if text.strip():
                self.db.execute(
                    "INSERT INTO memos (turn_id, coder_id, text, updated_at, guid) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (turn_id, coder_id) DO UPDATE "
                    "SET text = excluded.text, updated_at = excluded.updated_at",
                    [turn_id, coder_id, text.strip(), now(), new_guid()],
                )
            else:
                self.db.execute(
                    "DELETE FROM memos WHERE turn_id = ? AND coder_id = ?", [turn_id, coder_id]
                )

    def memos(
        self, coder: str | None = None, transcript: str | None = None
    ) -> list[dict[str, Any]]:
        where, params = [], []
        for column, value in (("coders.name", coder), ("td.transcript", transcript)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = """SELECT memos.id, td.transcript, td.turn, td.id AS turn_id,
                        coders.name AS coder, memos.text, memos.updated_at
                 FROM memos JOIN turn_details td ON td.id = memos.turn_id
                 JOIN coders ON coders.id = memos.coder_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.query(sql + " ORDER BY td.transcript, td.turn, coders.name", params)


def _span(row: dict[str, Any]) -> tuple[int, int] | None:
    start, end = row.get("start"), row.get("end")
    if start in (None, "") and end in (None, ""):
        return None
    return int(start), int(end)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (sqlite3.complete_statement decides)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


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
