"""Moving in from another tool's project file: what its reader found, stored in a qualcode
project in one transaction.

A reader (:mod:`qualcode.refi.qualcoder`, :mod:`qualcode.refi.taguette`) turns the other
tool's database into a :class:`Moving`: documents with their text as the tool keeps it,
codes, coded passages and notes with their positions in the tool's units, and cases. Here:

- each document becomes a transcript, split into speaker turns from its text as qualcode's
  readers split it (the cases' names are speakers wherever they open a line); text before the
  first speaker label that a passage codes becomes a turn of the unknown speaker ``?``;
- a coded passage is placed in the text (:class:`~qualcode.refi.positions.SourceText`, with the
  text the tool says it covers as the evidence) and becomes a coding on each turn it touches:
  a span inside the turn, or the whole turn; one that crosses turns is split per turn, and the
  summary says how many were;
- a note on a passage becomes its coder's memo on the turns it touches;
- a case that names a speaker of the document becomes that speaker's attributes (and role);
- a document's ``group`` and ``language`` attributes become the transcript's.

A passage outside its document's text, or whose position units cannot be decided, stops the
import with a one-line error naming the file and the row: nothing is stored. A transcript whose
text is already in the project is reused; codings and memos already there are not added again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.read import MAX_BYTES
from qualcode.read.labels import split_turns
from qualcode.read.transcript import UNKNOWN_SPEAKER, ParsedTranscript
from qualcode.refi.codebook import RefiCode, plan_codebook
from qualcode.refi.positions import SourceText, Span
from qualcode.refi.qdpx_import import (  # what a .qdpx import and moving in share
    DOCUMENT_SUFFIX,
    RefiImportResult,
    TurnIndex,
    joined_notes,
    over_file_limit,
    split_coding,
    split_notice,
    turns_with_preamble,
)
from qualcode.refi.xmlutil import derived_guid, stored_datetime
from qualcode.store import DEFAULT_INTERVIEWERS, CodingRow

if TYPE_CHECKING:
    from qualcode.store import Project

FALLBACK_CODER = "unknown"
LISTED = 10
SPEAKER_RESERVED = {"speaker", "role"}


@dataclass
class Document:
    """A text document of the other tool."""

    key: Any
    name: str
    text: str
    """The text as the tool keeps it; positions count in it."""
    units: str
    """The position units of the passages on it (a :data:`~qualcode.refi.positions.CONVENTIONS`
    name)."""
    values: dict[str, str] = field(default_factory=dict)
    """Its attributes, names in lower case."""


@dataclass
class Passage:
    """A coded passage (``code`` set) or a note on a passage (``note`` set)."""

    document: Any
    start: int
    end: int
    row: str
    """Where the tool keeps it (``code_text ctid 17``), for messages."""
    evidence: str = ""
    """The text the tool says the passage covers."""
    code: str | None = None
    """The GUID of its code (as in :attr:`Moving.codes`)."""
    note: str = ""
    coder: str | None = None
    date: str | None = None
    memo: str = ""
    guid: str | None = None


@dataclass
class Case:
    """A case of the other tool: a speaker where its name is one."""

    name: str
    values: dict[str, str]
    documents: set[Any]
    """The documents it is linked to (empty: not linked, it may be in any)."""

    def value(self, name: str) -> str:
        """The value of attribute ``name``, whatever its case."""
        return next((v for k, v in self.values.items() if k.casefold() == name), "")


@dataclass
class Moving:
    """Everything a reader found in the other tool's project."""

    tool: str
    where: str
    name: str
    codes: list[RefiCode] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def move_in(
    project: Project,
    moving: Moving,
    group: str | None = None,
    language: str | None = None,
    interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
) -> RefiImportResult:
    """Store what a reader found, all or nothing; ``group`` and ``language`` apply to
    transcripts the file gives none."""
    landing = _Landing(project, moving, group, language, list(interviewers))
    with project.transaction():
        landing.run()
    return landing.result


class _Landing:
    """Stores one :class:`Moving` (inside the import's transaction)."""

    def __init__(
        self,
        project: Project,
        moving: Moving,
        group: str | None,
        language: str | None,
        interviewers: list[str],
    ):
        self.project, self.moving = project, moving
        self.group, self.language, self.interviewers = group, language, interviewers
        self.result = RefiImportResult(origin=moving.tool, notices=list(moving.notices))
        self.code_ids: dict[str, int] = {}
        self.code_names: dict[str, str] = {}
        self.coders: dict[str, int] = {}
        self.codings: list[CodingRow] = []
        self.untouched: list[str] = []
        self.matched: set[str] = set()
        """Names of the cases that were speakers."""

    def run(self) -> None:
        self.load_codes()
        by_document: dict[Any, list[Passage]] = {}
        for passage in self.moving.passages:
            by_document.setdefault(passage.document, []).append(passage)
        for document in self.moving.documents:
            self.document(document, by_document.get(document.key, []))
        added = self.project.write_codings(self.codings, "import")
        self.result.coding_rows = added
        self.result.already = len(self.codings) - added
        self.report()

    def load_codes(self) -> None:
        existing = self.project.codebook()
        plan = plan_codebook(
            existing,
            self.moving.codes,
            "add",
            existing.languages or ["en"],
            name=existing.name or self.moving.name,
            source=self.moving.where,
        )
        if plan.added:
            self.project.load_codebook(plan.codebook, merge=True)
        self.result.codes_added = plan.added
        ids = self.project.code_ids()
        keys = plan.key_by_guid(self.moving.codes)
        self.code_ids = {guid: ids[key] for guid, key in keys.items()}
        self.code_names = {
            code.guid: code.name for top in self.moving.codes for code in top.walk() if code.guid
        }

    def coder(self, name: str | None) -> int:
        name = (name or "").strip() or FALLBACK_CODER
        if name not in self.coders:
            if self.project.find_coder(name) is None:
                self.result.coders_added.append(name)
            self.coders[name] = self.project.coder_id(name, guids=(derived_guid("coder", name),))
        return self.coders[name]

    # ------------------------------------------------------------------ documents

    def document(self, document: Document, passages: list[Passage]) -> None:
        if over_file_limit(document.text):  # the limit of a transcript file
            self.result.notices.append(
                f"{self.moving.where}: skipped document {document.name!r}: over "
                f"{MAX_BYTES // 1_000_000} MB of text ({len(passages)} passage(s) on it not "
                "imported)"
            )
            return
        text = SourceText(document.text)
        if not text.text.strip():
            self.result.notices.append(
                f"{self.moving.where}: document {document.name!r} has no text; skipped"
                + (f" ({len(passages)} passage(s) on it not imported)" if passages else "")
            )
            return
        spans = [self.place(passage, text, document) for passage in passages]
        turns = TurnIndex(self.transcript(document, text.text, spans), text.text)
        for passage, span in zip(passages, spans, strict=True):
            touched = turns.touched(span)
            if not touched:
                self.untouched.append(f"{passage.row} ({document.name!r})")
            elif passage.code is not None:
                self.store_coding(passage, touched)
                if len(touched) > 1:
                    code = self.code_names.get(passage.code, "?")
                    split = split_coding(passage.row, document.name, code, turns, span)
                    self.result.split.append(split)
            else:
                self.store_note(passage, touched)

    def place(self, passage: Passage, text: SourceText, document: Document) -> Span:
        """Where a passage lies in the transcript text; outside the text, or in units that
        cannot be decided, is an error naming the file and row."""
        placed = text.place(passage.start, passage.end, passage.evidence, document.units)
        if placed.undecided:
            raise QualcodeError(
                f"{passage.row}: the passage {passage.start}-{passage.end} in "
                f"{document.name!r} cannot be placed: {placed.undecided}",
                self.moving.where,
            )
        if placed.span is None:
            raise QualcodeError(
                f"{passage.row}: positions {passage.start}-{passage.end} lie outside the text "
                f"of {document.name!r} ({text.length(document.units)} positions)",
                self.moving.where,
            )
        return placed.span

    def transcript(self, document: Document, text: str, spans: list[Span]) -> list[tuple]:
        """The turns ``(id, start, end)`` of the transcript with this text: found in the
        project, or added to it."""
        source = f"{self.moving.where}:{document.name}"
        parsed = ParsedTranscript(source, text, [])
        row = self.project.db.execute(
            "SELECT id, name FROM transcripts WHERE content_hash = ?", [parsed.content_hash]
        ).fetchone()
        if row is not None:
            self.result.reused.append(row[1])
            transcript_id = row[0]
        else:
            transcript_id = self.add_transcript(document, source, text, spans)
        return [
            tuple(turn)
            for turn in self.project.db.execute(
                'SELECT id, start, "end" FROM turns WHERE transcript_id = ? ORDER BY start',
                [transcript_id],
            )
        ]

    def add_transcript(self, document: Document, source: str, text: str, spans: list[Span]):
        cases = [c for c in self.moving.cases if not c.documents or document.key in c.documents]
        split = split_turns(text, source, known_labels=[case.name for case in cases])
        turns = turns_with_preamble(split, spans)
        parsed = ParsedTranscript(source, text, turns, split.labelled, split.notices)
        if len(turns) > len(split.turns):
            parsed.notices.append(
                f"{source}: the coded text before the first speaker label is kept as turn 1 "
                f"of the unknown speaker {UNKNOWN_SPEAKER}"
            )
        title = self.free_name(DOCUMENT_SUFFIX.sub("", document.name).strip() or document.name)
        roles = {c.name: c.value("role").casefold() for c in cases}
        interviewers = {label for label in self.interviewers if roles.get(label) != "participant"}
        interviewers |= {label for label, role in roles.items() if role == "interviewer"}
        language = self.language or document.values.get("language")
        if language and not re.fullmatch(r"[a-z]{2,3}", language):
            language = None
        group = document.values.get("group") or self.group
        stored = self.project.add_transcripts([(title, parsed)], group, language, interviewers)
        self.result.notices.extend(stored.notices)
        self.result.transcripts.append(title)
        self.result.turns += stored.turns
        self.describe_speakers(title, cases)
        return self.project.db.execute(
            "SELECT id FROM transcripts WHERE name = ?", [title]
        ).fetchone()[0]

    def free_name(self, name: str) -> str:
        candidate, number = name, 1
        while self.project.db.execute(
            "SELECT 1 FROM transcripts WHERE name = ?", [candidate]
        ).fetchone():
            number += 1
            candidate = f"{name} ({number})"
        if candidate != name:
            self.result.notices.append(
                f"{self.moving.where}: a different transcript is named {name!r}; this one is "
                f"imported as {candidate!r}"
            )
        return candidate

    def describe_speakers(self, title: str, cases: list[Case]) -> None:
        """Roles and attributes of the new transcript's speakers, from the cases named so."""
        by_name = {case.name: case for case in cases}
        for speaker in self.project.speakers(title):
            case = by_name.get(speaker["label"])
            if case is None:
                continue
            self.matched.add(case.name)
            attributes = {
                k: v for k, v in case.values.items() if k.casefold() not in SPEAKER_RESERVED and v
            }
            if attributes:
                self.project.set_speaker(title, speaker["label"], attributes=attributes)

    # ------------------------------------------------------------------ codings and notes

    def store_coding(self, passage: Passage, touched: list[tuple[int, Any]]) -> None:
        code_id = self.code_ids.get(passage.code or "")
        if code_id is None:
            raise QualcodeError(f"{passage.row}: refers to no code of the file", self.moving.where)
        coder_id = self.coder(passage.coder)
        created = stored_datetime(passage.date)
        base = passage.guid or derived_guid(self.moving.tool, self.moving.name, passage.row)
        # the parts of a coding split across turns share a selection GUID: exported as one
        selection = derived_guid("selection", base) if len(touched) > 1 else None
        for number, (turn_id, span) in enumerate(touched):
            start, end = span or (None, None)
            guid = base if number == 0 else derived_guid(base, turn_id)
            memo = joined_notes([passage.memo]) or None
            self.codings.append(
                CodingRow(turn_id, code_id, coder_id, start, end, memo, created, guid, selection)
            )
        self.result.codings += 1

    def store_note(self, passage: Passage, touched: list[tuple[int, Any]]) -> None:
        if not passage.note.strip():
            return
        coder_id = self.coder(passage.coder)
        when = stored_datetime(passage.date)
        base = passage.guid or derived_guid(self.moving.tool, self.moving.name, passage.row)
        for turn_id, _span in touched:
            if self.project.write_memo(
                turn_id, coder_id, passage.note, True, when, (derived_guid(base, turn_id),)
            ):
                self.result.memos += 1

    def report(self) -> None:
        where, notices = self.moving.where, self.result.notices
        if self.result.split:
            notices.append(split_notice(where, self.result.split))
        if self.untouched:
            notices.append(
                f"{where}: {len(self.untouched)} passage(s) cover no turn text (only a speaker "
                f"label or blank lines) and were not imported: "
                f"{'; '.join(self.untouched[:LISTED])}"
            )
        unmatched = [
            case.name for case in self.moving.cases if case.name not in self.matched and case.values
        ]
        if unmatched:
            notices.append(
                f"{where}: {len(unmatched)} case(s) with attributes name no speaker of their "
                f"transcripts; their attributes were not imported: "
                f"{', '.join(map(repr, unmatched[:LISTED]))}"
            )
