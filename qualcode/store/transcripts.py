"""Transcripts, their speaker turns and speakers: stored on import, read a page at a time.

A transcript keeps its full text; each turn keeps its 1-based number, its speaker and its
``start``/``end`` character offsets in that text (``text[start:end]`` is the turn), and its
timestamp. Speakers belong to one transcript, with a role (interviewer or participant) and
attributes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError, shown
from qualcode.read import ParsedTranscript, count_words, read_transcript, summary
from qualcode.read.language import detect_language
from qualcode.store._stamps import free_guid, new_guid, now
from qualcode.store.file import ProjectFile

DEFAULT_INTERVIEWERS = ("TK", "I", "Interviewer", "Moderator", "Facilitator")


@dataclass
class ImportResult:
    """What an import did, for the summary shown to the researcher."""

    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    turns: int = 0
    readings: list[str] = field(default_factory=list)  # how each file was read


class TranscriptRecords(ProjectFile):
    """Transcripts, turns and speakers of a project."""

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
                result.readings.append(f"{shown(parsed.source)}: {summary(parsed)}")
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
        layout: str | None = None,
    ) -> ImportResult:
        """Read transcript files (with ``layout``, if one is asked for) and store them; a file
        that cannot be read stops the whole import before anything is stored. ``on_file`` is
        called after each file is read."""
        parsed = []
        for path in map(Path, paths):
            parsed.append((path.stem, read_transcript(path, layout=layout)))
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

    def adopt_transcript_guid(self, transcript_id: int, guid: str | None) -> None:
        """Give a transcript the GUID another tool knows it by (a REFI-QDA source's), unless
        another transcript has it already."""
        self._adopt_guid("transcripts", transcript_id, guid)

    def adopt_speaker_guid(self, speaker_id: int, guid: str | None) -> None:
        """Give a speaker the GUID another tool knows them by (a REFI-QDA case's), unless
        another speaker has it already."""
        self._adopt_guid("speakers", speaker_id, guid)

    def _adopt_guid(self, table: str, row_id: int, guid: str | None) -> None:
        if not guid:
            return
        with self.transaction():
            current = self.db.execute(f"SELECT guid FROM {table} WHERE id = ?", [row_id]).fetchone()
            if current and current[0] != guid:
                chosen = free_guid(self.db, table, [guid])
                if chosen == guid:
                    self.db.execute(f"UPDATE {table} SET guid = ? WHERE id = ?", [guid, row_id])
