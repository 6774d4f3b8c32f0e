"""Import a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder or qualcode.

What becomes what:

- a text source → a transcript: its text from the source file (BOM removed, line ends made LF,
  trailing white space removed), with the turns a qualcode export lists for it in
  ``qualcode.json``; else split into speaker turns by the labels in the text
  (:func:`qualcode.read.labels.split_turns`, with the speakers the project's cases name), or
  one turn per paragraph where there are none; text before the first label that a selection
  codes becomes a turn of the unknown speaker ``?``;
- codes → codebook codes (see :mod:`qualcode.refi.codebook`); users → coders, matched by name;
- a coded selection → codings on the turns it touches: covering a whole turn, a whole-turn
  coding; part of a turn, a span coding (offsets inside the turn); several turns, one coding
  per turn touched;
- notes and descriptions → memos: a coded selection's description and the notes its codings
  point to become the coding's memo; the notes a selection points to (``NoteRef``, NVivo's
  links), the description of a selection without codes (MAXQDA's comments) and QualCoder's
  annotations become memos on the turns they touch, by the note's author;
- cases → speakers' roles and attributes (variables ``role`` and the others), where a case
  names a speaker of the transcript (variable ``speaker``, or the case's name); a code with a
  case's GUID (qualcode's case codes) is the case's, neither a code nor codings;
- a transcript's group: the source's variable ``group``, else the one set of sources it
  belongs to, else the ``group`` given to the import.

Positions are read in the units of the tool that wrote the file, and each selection named
after its text is checked against every reading on its own (:mod:`qualcode.refi.positions`);
a selection that does not lie inside its document, or whose units cannot be decided, is
reported, not stored. Media sources (PDF, pictures, audio, video) and sources linked outside
the archive are skipped with a notice.

The import is one transaction: a malformed archive or XML stops it with a one-line error naming
the file (and XML line) and leaves the project as it was. Content already in the project is
never duplicated: a transcript with the same text is reused, codes are matched, codings and
memos already there are left alone, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from qualcode.codebook import LANGUAGE
from qualcode.errors import QualcodeError
from qualcode.read import MAX_BYTES
from qualcode.read.labels import split_turns
from qualcode.read.transcript import UNKNOWN_SPEAKER, ParsedTranscript, ParsedTurn
from qualcode.refi.archive import INTERNAL, Archive
from qualcode.refi.codebook import RefiCode, nest_paths, plan_codebook, read_codes
from qualcode.refi.positions import CONVENTIONS, SourceText, Span, default_convention
from qualcode.refi.qdpx_export import EXTRAS
from qualcode.refi.xmlutil import (
    child_text,
    children,
    derived_guid,
    excerpt,
    forget,
    iterparse,
    local,
    name_of,
    normal_guid,
    stored_datetime,
)
from qualcode.store import DEFAULT_INTERVIEWERS, CodingRow

if TYPE_CHECKING:
    from qualcode.store import Project

MEDIA = {
    "PDFSource": "PDF",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}
CONTAINERS = {"Users", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs"}
DOCUMENT_SUFFIX = re.compile(r"\.(txt|docx?|rtf|odt|md|pdf|html?)$", re.IGNORECASE)
RESERVED = {"speaker", "role", "group", "language"}
CASE_RESERVED = {"speaker", "role"}
FALLBACK_CODER = "unknown"
UNDECIDED_LISTED = 50
SPLIT_LISTED = 10


@dataclass
class RefiImportResult:
    """What an import did, for the summary shown to the researcher."""

    origin: str = ""
    transcripts: list[str] = field(default_factory=list)
    """Transcripts added."""
    reused: list[str] = field(default_factory=list)
    """Transcripts whose text was already in the project (their codings were added to it)."""
    turns: int = 0
    codes_added: list[str] = field(default_factory=list)
    coders_added: list[str] = field(default_factory=list)
    codings: int = 0
    """Codings of the file that landed on turns."""
    coding_rows: int = 0
    """Codings stored (one per turn a coded selection touches)."""
    already: int = 0
    """Codings that were already in the project."""
    memos: int = 0
    split: list[str] = field(default_factory=list)
    """The codings that cross a turn boundary, each stored as one coding per turn it touches
    (a qualcode coding lies in one turn): where each is, its code, turns and text."""
    undecided: list[UndecidedSelection] = field(default_factory=list)
    """Selections not imported because their position units cannot be decided."""
    notices: list[str] = field(default_factory=list)


@dataclass
class UndecidedSelection:
    """A selection whose units (characters or UTF-16 code units …) cannot be decided, so that
    where it lies would be a guess: it is reported, and its codings and notes not imported."""

    file: str
    """The archive and XML member (``study.qdpx:project.qde``)."""
    source: str
    guid: str | None
    line: int | None
    start: int
    end: int
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: selection {self.guid or '(no GUID)'} in {self.source!r} "
            f"({self.start}-{self.end}) not imported, its position units cannot be decided: "
            f"{self.reason}"
        )


@dataclass
class _Case:
    guid: str | None
    name: str
    values: dict[str, str]
    """Variable name (as the file spells it) → value."""
    sources: set[str]
    shared: set[str] = field(default_factory=set)
    """Names of its variables that sources use too (one ``group`` for transcripts and
    speakers, as qualcode wrote it before it kept the two apart): the transcript's, not the
    speaker's."""

    def value(self, name: str) -> str:
        """The value of variable ``name``, whatever its case in the file."""
        return next((v for k, v in self.values.items() if k.casefold() == name), "")

    @property
    def label(self) -> str:
        return self.value("speaker") or self.name

    def attributes(self) -> dict[str, str]:
        """The speaker's attributes: every variable but ``speaker`` and ``role``, and but
        ``group`` and ``language`` where they are the sources' variables."""
        return {
            k: v
            for k, v in self.values.items()
            if v
            and k.casefold() not in CASE_RESERVED
            and not (k.casefold() in RESERVED and k in self.shared)
        }


@dataclass
class _Note:
    text: str
    user: str | None
    date: str | None
    selections: list[tuple[int, int]]


@dataclass
class _Model:
    """Everything in the project XML but the sources (first pass)."""

    origin: str = ""
    name: str = ""
    creating_user: str | None = None
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RefiCode] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    source_variables: set[str] = field(default_factory=set)
    """GUIDs of the variables sources have values of."""
    cases: list[_Case] = field(default_factory=list)
    case_guids: set[str] = field(default_factory=set)
    notes: dict[str, _Note] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    selection_source: dict[str, str] = field(default_factory=dict)
    sets: dict[str, set[str]] = field(default_factory=dict)
    """Set name → its member sources."""
    graphs: int = 0
    extras: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


@dataclass
class _Coding:
    guid: str | None
    code: str | None
    user: str | None
    date: str | None
    notes: list[str]


@dataclass
class _Selection:
    guid: str | None
    start: int
    end: int
    name: str
    user: str | None
    date: str | None
    description: str
    codings: list[_Coding]
    notes: list[str]
    line: int | None
    span: Span | None = None


def import_qdpx(
    project: Project,
    path: str | Path,
    group: str | None = None,
    language: str | None = None,
    interviewers: Iterable[str] = DEFAULT_INTERVIEWERS,
) -> RefiImportResult:
    """Import a REFI-QDA project into ``project``, all or nothing.

    ``group`` and ``language`` apply to transcripts the file gives none; ``interviewers`` are
    the speaker labels of the interviewer where the file's cases give no role."""
    with Archive(path) as archive:
        model = _read_model(archive)
        importer = _Importer(project, archive, model)
        importer.group, importer.language = group, language
        importer.interviewers = list(interviewers)
        with project.transaction():
            importer.run()
        return importer.result


# ---------------------------------------------------------------------- first pass


def _read_model(archive: Archive) -> _Model:
    """Users, codes, variables, cases, notes and links; sources are only indexed here."""
    model = _Model()
    where = archive.where(archive.qde)
    case_elements = []
    user_lines: dict[str, int | None] = {}
    with archive.open_qde() as handle:
        for event, element in _stream(handle, where):
            name = local(element.tag)
            parent = element.getparent()
            if parent is None:
                if event == "start":
                    _read_project_element(element, model, where)
                continue
            if event == "start":
                continue
            owner = local(parent.tag)
            if name == "User" and owner == "Users":
                _read_user(element, model, user_lines, where)
            elif name == "CodeBook" and parent.getparent() is None:
                codes = next(children(element, "Codes"), None)
                model.codes = read_codes(codes, where) if codes is not None else []
            elif name == "Variable" and owner == "Variables":
                guid = normal_guid(element.get("guid"))
                if guid:
                    model.variables[guid] = name_of(element)
            elif name == "Case" and owner == "Cases":
                case_elements.append(_case_parts(element))
            elif name == "PlainTextSelection" and owner in ("TextSource", "Representation"):
                guid, source = normal_guid(element.get("guid")), normal_guid(parent.get("guid"))
                if guid and source:
                    model.selection_source[guid] = source
            elif name == "VariableValue" and owner in MEDIA.keys() | {"TextSource"}:
                model.source_variables.update(_variable_values([element]))
            elif name == "Note" and owner == "Notes":
                _read_note(element, model, archive)
            elif name == "Link" and owner == "Links":
                origin, target = (normal_guid(element.get(k)) for k in ("originGUID", "targetGUID"))
                if origin and target:
                    model.links.setdefault(target, []).append(origin)
            elif name == "Set" and owner == "Sets":
                members = _refs(element, "MemberSource")
                model.sets.setdefault(name_of(element), set()).update(members)
            elif name == "Graph":
                model.graphs += 1
            if (
                owner in CONTAINERS
                or parent.getparent() is None
                or (name == "PlainTextSelection" and owner in ("TextSource", "Representation"))
            ):
                forget(element)
    model.codes = nest_paths(model.codes, where)
    model.cases = [_case(parts, model) for parts in case_elements]
    model.case_guids = {case.guid for case in model.cases if case.guid}
    model.codes = _without_cases(model.codes, model.case_guids)
    model.extras = _read_extras(archive)
    return model


def _without_cases(codes: list[RefiCode], cases: set[str]) -> list[RefiCode]:
    """The codes that are no case's: a code with a case's GUID (qualcode's case codes, which
    code each speaker's turns for QualCoder) stands for the case, not a theme."""
    kept = []
    for code in codes:
        if code.guid in cases:
            continue
        code.children = _without_cases(code.children, cases)
        kept.append(code)
    return kept


def _read_user(
    element: etree._Element, model: _Model, lines: dict[str, int | None], where: str
) -> None:
    """A user, by GUID; one GUID given two names is refused, since whose codings are whose
    would be a guess."""
    guid, name = normal_guid(element.get("guid")), name_of(element)
    if not guid:
        return
    if guid in model.users and model.users[guid] != name:
        raise QualcodeError(
            f"the user GUID {guid} is given twice, to {model.users[guid]!r} (line "
            f"{lines[guid]}) and to {name!r}: whose codings are whose is unclear",
            where,
            element.sourceline,
        )
    model.users[guid] = name
    lines.setdefault(guid, element.sourceline)


def _stream(handle, where: str, events: tuple[str, ...] = ("start", "end")):
    """The project XML as (event, element) pairs; a damaged archive is a one-line error."""
    try:
        yield from iterparse(handle, where, events)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise QualcodeError(
            f"the archive is damaged: cannot read the XML ({error})", where
        ) from None


def _read_project_element(element: etree._Element, model: _Model, where: str) -> None:
    if local(element.tag) != "Project":
        raise QualcodeError(
            f"not a REFI-QDA project: the XML is a <{local(element.tag)}>, not a <Project>",
            where,
            element.sourceline,
        )
    model.origin = (element.get("origin") or "").strip()
    model.name = name_of(element)
    model.creating_user = normal_guid(element.get("creatingUserGUID"))


def _case_parts(element: etree._Element) -> dict[str, Any]:
    """A case as read; variable names and selections' sources are resolved after the pass."""
    return {
        "guid": normal_guid(element.get("guid")),
        "name": name_of(element),
        "values": _values(element),
        "sources": _refs(element, "SourceRef"),
        "selections": _refs(element, "SelectionRef"),
    }


def _values(element: etree._Element) -> dict[str, str]:
    """Variable GUID → value of the ``<VariableValue>`` children."""
    return _variable_values(children(element, "VariableValue"))


def _variable_values(elements: Iterable[etree._Element]) -> dict[str, str]:
    """Variable GUID → value of these ``<VariableValue>`` elements."""
    values = {}
    for value in elements:
        ref = next(children(value, "VariableRef"), None)
        guid = normal_guid(ref.get("targetGUID")) if ref is not None else None
        texts = [(c.text or "").strip() for c in value if local(c.tag).endswith("Value")]
        if guid and texts:
            values[guid] = texts[0]
    return values


def _refs(element: etree._Element, kind: str) -> set[str]:
    return {guid for ref in children(element, kind) if (guid := normal_guid(ref.get("targetGUID")))}


def _case(parts: dict[str, Any], model: _Model) -> _Case:
    values = {model.variables.get(k, k): v for k, v in parts["values"].items()}
    shared = {model.variables.get(k, k) for k in parts["values"] if k in model.source_variables}
    sources = parts["sources"] | {
        model.selection_source[s] for s in parts["selections"] if s in model.selection_source
    }
    return _Case(parts["guid"], parts["name"], values, sources, shared)


def _read_note(element: etree._Element, model: _Model, archive: Archive) -> None:
    guid = normal_guid(element.get("guid"))
    if not guid:
        return
    text = child_text(element, "PlainTextContent")
    member = archive.member(element.get("plainTextPath"))
    too_long = over_file_limit(text) or (not text and member and archive.size(member) > MAX_BYTES)
    if too_long:
        model.notices.append(
            f"{archive.where(archive.qde)}:{element.sourceline}: note {guid} is over "
            f"{MAX_BYTES // 1_000_000} MB of text; not imported"
        )
        return
    if not text and member:
        text = _decode(archive.read(member), archive.where(member))
    selections = []
    for selection in children(element, "PlainTextSelection"):
        try:
            selections.append(
                (int(selection.get("startPosition")), int(selection.get("endPosition")))
            )
        except (TypeError, ValueError):
            continue
    model.notes[guid] = _Note(
        text=text.replace("\r\n", "\n").replace("\r", "\n").strip(),
        user=normal_guid(element.get("creatingUser") or element.get("modifyingUser")),
        date=element.get("creationDateTime") or element.get("modifiedDateTime"),
        selections=selections,
    )


_STRINGS = {"type": "array", "items": {"type": "string"}}
_PER_LANGUAGE = {"type": "object", "propertyNames": {"pattern": f"^{LANGUAGE.pattern}$"}}
EXTRAS_SCHEMA = {
    "type": "object",
    "properties": {
        "generator": {"type": "string"},
        "positions": {"enum": list(CONVENTIONS)},
        "codebook": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "languages": {"type": "array", "items": {"$ref": "#/$defs/language"}},
            },
        },
        "turns": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "array",
                    "prefixItems": [
                        {"type": "integer", "minimum": 0},
                        {"type": "integer", "minimum": 0},
                        {"type": "string", "minLength": 1},
                        {"type": ["string", "null"]},
                    ],
                    "minItems": 3,
                    "maxItems": 4,
                },
            },
        },
        "codes": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "label": {**_PER_LANGUAGE, "additionalProperties": {"type": "string"}},
                    "include": _STRINGS,
                    "exclude": _STRINGS,
                    "examples": _STRINGS,
                    "keywords": {**_PER_LANGUAGE, "additionalProperties": _STRINGS},
                },
            },
        },
    },
    "$defs": {"language": {"type": "string", "pattern": f"^{LANGUAGE.pattern}$"}},
}
"""What :mod:`qualcode.refi.qdpx_export` writes in ``qualcode.json``: every field read back
has its type checked (fields a later qualcode may add are let through)."""


def _read_extras(archive: Archive) -> dict[str, Any]:
    """qualcode's own additions (code keys, labels, keywords), if the archive has them; a
    ``qualcode.json`` that is not what qualcode writes is refused, naming it."""
    member = archive.members.get(EXTRAS)
    if member is None:
        return {}
    where = archive.where(member)
    if archive.size(member) > MAX_BYTES:
        raise QualcodeError(f"over {MAX_BYTES // 1_000_000} MB: not what qualcode writes", where)
    try:
        extras = json.loads(archive.read(member).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise QualcodeError("not UTF-8 text: not what qualcode writes", where) from None
    except json.JSONDecodeError as error:
        raise QualcodeError(f"not JSON ({error.msg})", where, error.lineno) from None
    except RecursionError:
        raise QualcodeError("nested too deeply to be what qualcode writes", where) from None
    import jsonschema  # here: importing it takes longer than most imports of a project

    problem = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(EXTRAS_SCHEMA).iter_errors(extras)
    )
    if problem is not None:
        raise QualcodeError(
            f"not what qualcode writes: at {problem.json_path}, {excerpt(problem.message, 120)}",
            where,
        )
    extras["codes"] = {normal_guid(k): v for k, v in extras.get("codes", {}).items()}
    extras["turns"] = {normal_guid(k): v for k, v in extras.get("turns", {}).items()}
    return extras


def over_file_limit(text: str) -> bool:
    """Whether ``text`` is over :data:`~qualcode.read.MAX_BYTES` in UTF-8, the limit of a
    transcript file (an inline text is bounded as a file is)."""
    return len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES


def _decode(data: bytes, where: str) -> str:
    """A source file's text as stored, without its BOM (UTF-8, or UTF-16 with a BOM)."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            data, chosen = data[len(bom) :], encoding
            break
    else:
        chosen = "utf-8"
    try:
        return data.decode(chosen)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise QualcodeError(f"the source file is not {chosen.upper()} text", where, line) from None


# ---------------------------------------------------------------------- second pass


class _Importer:
    """Stores one project's sources, codings and memos (second pass, inside a transaction)."""

    def __init__(self, project: Project, archive: Archive, model: _Model):
        self.project, self.archive, self.model = project, archive, model
        self.result = RefiImportResult(origin=model.origin, notices=list(model.notices))
        self.default = default_convention(model.origin, model.extras.get("positions"))
        self.declared = model.extras.get("positions") is not None
        """qualcode's own file says its units: every selection is read in them."""
        self.nvivo = "nvivo" in model.origin.casefold()
        self.group: str | None = None
        self.language: str | None = None
        self.interviewers: list[str] = []
        self.coders: dict[str, int] = {}
        self.code_ids: dict[str, int] = {}
        self.code_names: dict[str, str] = {}
        self.codings: list[CodingRow] = []
        self.attached: set[str] = set()
        self.names: set[str] = set()
        self.outside: list[str] = []
        self.reread: Counter = Counter()
        self.untouched: list[str] = []
        self.not_codes: Counter = Counter()
        self.groups_from_sets: set[str] = set()

    def run(self) -> None:
        self.load_codes()
        where = self.archive.where(self.archive.qde)
        with self.archive.open_qde() as handle:
            for _event, element in _stream(handle, where, events=("end",)):
                parent = element.getparent()
                if parent is None:
                    continue
                owner = local(parent.tag)
                if owner == "Sources" and local(element.tag) == "TextSource":
                    self.text_source(element)
                elif owner == "Sources" and local(element.tag) in MEDIA:
                    self.skip_media(element, MEDIA[local(element.tag)])
                if owner in CONTAINERS or parent.getparent() is None:
                    forget(element)
        self.store_codings()
        self.report()

    # ------------------------------------------------------------------ codes and coders

    def load_codes(self) -> None:
        existing = self.project.codebook()
        extras = self.model.extras
        languages = existing.languages or extras.get("codebook", {}).get("languages") or ["en"]
        plan = plan_codebook(
            existing,
            self.model.codes,
            "add",
            languages,
            extras.get("codes", {}),
            name=existing.name or self.model.name or self.archive.path.stem,
            source=self.where(),
        )
        if plan.added:
            self.project.load_codebook(plan.codebook, merge=True)
        self.result.codes_added = plan.added
        ids = self.project.code_ids()
        self.code_ids = {guid: ids[key] for guid, key in plan.key_by_guid(self.model.codes).items()}
        self.code_names = {
            code.guid: code.name for top in self.model.codes for code in top.walk() if code.guid
        }

    def coder(self, user: str | None) -> int:
        """The coder a REFI user is: matched by name, added when new."""
        user = user or self.model.creating_user
        name = self.model.users.get(user or "") or (f"user {user[:8]}" if user else FALLBACK_CODER)
        if name not in self.coders:
            if self.project.find_coder(name) is None:
                self.result.coders_added.append(name)
            self.coders[name] = self.project.coder_id(
                name, guids=(user, derived_guid("coder", name))
            )
        return self.coders[name]

    # ------------------------------------------------------------------ sources

    def skip_media(self, element: etree._Element, kind: str) -> None:
        name = name_of(element) or element.get("guid") or "?"
        codings = sum(1 for node in element.iter() if local(node.tag) == "Coding")
        self.result.notices.append(
            f"{self.where()}: skipped the {kind} source {name!r}: qualcode keeps text "
            f"transcripts only ({codings} coding(s) on it not imported)"
        )

    def where(self, member: str | None = None) -> str:
        return self.archive.where(member or self.archive.qde)

    def text_source(self, element: etree._Element) -> None:
        name = name_of(element) or (element.get("guid") or "source")
        selections = [self.selection(node) for node in children(element, "PlainTextSelection")]
        raw = self.source_text(element, name, selections)
        if raw is None:
            return
        text = SourceText(raw)
        if not text.text.strip():
            self.result.notices.append(f"{self.where()}: source {name!r} has no text; skipped")
            return
        for selection in selections:
            self.place(selection, text, name)
        self.report_reread(name)
        note_spans = self.note_spans(element, text, self.default)
        values = self.source_values(element)
        sole = self.sole_set(normal_guid(element.get("guid")))
        if sole and not values.get("group"):
            values["group"] = sole
        turns = self.transcript(element, name, text.text, selections, note_spans, values)
        landed = TurnIndex(turns, text.text)
        for selection in selections:
            if selection.span is not None:
                self.store_selection(selection, landed, name)
        for guid, span in note_spans:
            note = self.model.notes[guid]
            self.store_memo(landed.touched(span), note.text, note.user, note.date, guid)

    def selection(self, element: etree._Element) -> _Selection:
        line = element.sourceline
        try:
            start, end = int(element.get("startPosition")), int(element.get("endPosition"))
        except (TypeError, ValueError):
            raise QualcodeError(
                "a PlainTextSelection needs whole-number startPosition and endPosition "
                f"(found {element.get('startPosition')!r}, {element.get('endPosition')!r})",
                self.where(),
                line,
            ) from None
        codings = []
        for coding in children(element, "Coding"):
            ref = next(children(coding, "CodeRef"), None)
            codings.append(
                _Coding(
                    guid=normal_guid(coding.get("guid")),
                    code=normal_guid(ref.get("targetGUID")) if ref is not None else None,
                    user=normal_guid(coding.get("creatingUser")),
                    date=coding.get("creationDateTime"),
                    notes=[normal_guid(r.get("targetGUID")) for r in children(coding, "NoteRef")],
                )
            )
        guid = normal_guid(element.get("guid"))
        notes = [normal_guid(r.get("targetGUID")) for r in children(element, "NoteRef")]
        notes += self.model.links.get(guid or "", [])
        return _Selection(
            guid=guid,
            start=start,
            end=end,
            name=element.get("name") or "",
            user=normal_guid(element.get("creatingUser") or element.get("modifyingUser")),
            date=element.get("creationDateTime") or element.get("modifiedDateTime"),
            description=child_text(element, "Description").strip(),
            codings=codings,
            notes=[note for note in notes if note],
            line=line,
        )

    def source_text(
        self, element: etree._Element, name: str, selections: list[_Selection]
    ) -> str | None:
        """The text of a source as stored, or None (with a notice) when it cannot be had."""
        codings = sum(len(selection.codings) for selection in selections)
        lost = f"{codings} coding(s) on it not imported"
        inline = next(children(element, "PlainTextContent"), None)
        if inline is not None and inline.text:
            if over_file_limit(inline.text):
                return self.skip_long(f"{self.where()}:{inline.sourceline}", name, lost)
            return inline.text
        path = element.get("plainTextPath") or ""
        member = self.archive.member(path)
        if member is None:
            if not path and element.get("richTextPath"):
                reason = "it has no plain-text version (plainTextPath), only a rich-text one"
            elif path.startswith(INTERNAL) or not path:
                reason = "its text file is not in the archive"
            else:
                reason = f"its text is linked outside the archive ({path})"
            self.result.notices.append(f"{self.where()}: skipped source {name!r}: {reason}; {lost}")
            return None
        if self.archive.size(member) > MAX_BYTES:
            return self.skip_long(self.archive.where(member), name, lost)
        return _decode(self.archive.read(member), self.archive.where(member))

    def skip_long(self, where: str, name: str, lost: str) -> None:
        """Leave out a source over the size of a transcript file, with a notice."""
        self.result.notices.append(
            f"{where}: skipped source {name!r}: over {MAX_BYTES // 1_000_000} MB of text; {lost}"
        )

    def place(self, selection: _Selection, text: SourceText, name: str) -> None:
        """Where a selection lies, read in the file's units unless its name says otherwise
        (a file that declares its units is taken at its word); one outside its document or
        whose units cannot be decided is noted, not placed."""
        evidence = "" if self.declared else selection.name
        placed = text.place(selection.start, selection.end, evidence, self.default)
        if placed.undecided:
            undecided = UndecidedSelection(
                self.where(),
                name,
                selection.guid,
                selection.line,
                selection.start,
                selection.end,
                placed.undecided,
            )
            self.result.undecided.append(undecided)
        elif placed.span is None:
            length = text.length(self.default)
            self.outside.append(
                f"{name!r} {selection.start}-{selection.end} (line {selection.line}; the "
                f"document has {length} positions)"
            )
        elif not text.same(placed.convention, self.default):
            self.reread[placed.convention] += 1
        selection.span = placed.span

    def report_reread(self, name: str) -> None:
        """Say which selections of a source were read in other units than the file's."""
        for convention, count in sorted(self.reread.items()):
            self.result.notices.append(
                f"{self.where()}: positions of {count} selection(s) in {name!r} read as "
                f"{CONVENTIONS[convention]}, not as {CONVENTIONS[self.default]}: their names "
                "match the text that way"
            )
        self.reread.clear()

    def note_spans(
        self, element: etree._Element, text: SourceText, convention: str
    ) -> list[tuple[str, Span]]:
        """Notes the source points to that mark a passage of it (QualCoder's annotations)."""
        found = []
        for ref in children(element, "NoteRef"):
            guid = normal_guid(ref.get("targetGUID"))
            note = self.model.notes.get(guid or "")
            if note is None or not note.text or not note.selections:
                continue
            for start, end in note.selections:
                span = text.span(start, end, convention)
                if span is None:
                    self.outside.append(f"note {guid} {start}-{end}")
                else:
                    found.append((guid, span))
                    self.attached.add(guid)
        return found

    def source_values(self, element: etree._Element) -> dict[str, str]:
        values = {}
        for value in children(element, "VariableValue"):
            ref = next(children(value, "VariableRef"), None)
            guid = normal_guid(ref.get("targetGUID")) if ref is not None else None
            texts = [(c.text or "").strip() for c in value if local(c.tag).endswith("Value")]
            if guid in self.model.variables and texts:
                values[self.model.variables[guid].casefold()] = texts[0]
        return values

    # ------------------------------------------------------------------ transcripts and turns

    def transcript(
        self,
        element: etree._Element,
        name: str,
        text: str,
        selections: list[_Selection],
        note_spans: list[tuple[str, Span]],
        values: dict[str, str],
    ) -> list[tuple[int, int, int]]:
        """The turns, as ``(turn id, start, end)`` in text order, of the transcript with this
        text: found in the project, or added to it."""
        parsed = ParsedTranscript(f"{self.archive.path.name}:{name}", text, [])
        row = self.project.db.execute(
            "SELECT id, name FROM transcripts WHERE content_hash = ?", [parsed.content_hash]
        ).fetchone()
        if row is not None:
            transcript_id = row[0]
            self.result.reused.append(row[1])
        else:
            transcript_id = self.add_transcript(
                element, name, parsed, selections, note_spans, values
            )
        turns = self.project.db.execute(
            'SELECT id, start, "end" FROM turns WHERE transcript_id = ? ORDER BY start',
            [transcript_id],
        ).fetchall()
        return [tuple(turn) for turn in turns]

    def add_transcript(
        self,
        element: etree._Element,
        name: str,
        parsed: ParsedTranscript,
        selections: list[_Selection],
        note_spans: list[tuple[str, Span]],
        values: dict[str, str],
    ) -> int:
        source_guid = normal_guid(element.get("guid"))
        cases = [
            case for case in self.model.cases if not case.sources or source_guid in case.sources
        ]
        split = self.kept_turns(source_guid, name, parsed)
        if split is None:
            labels = [c.label for c in cases]
            split = split_turns(parsed.text, parsed.source, known_labels=labels)
            spans = [s.span for s in selections if s.span] + [span for _guid, span in note_spans]
            turns = turns_with_preamble(split, spans)
        else:
            turns = split.turns
        parsed = ParsedTranscript(parsed.source, parsed.text, turns, split.labelled, split.notices)
        if len(turns) > len(split.turns):
            parsed.notices.append(
                f"{parsed.source}: the coded text before the first speaker label is kept as "
                f"turn 1 of the unknown speaker {UNKNOWN_SPEAKER}"
            )
        title = self.free_name(DOCUMENT_SUFFIX.sub("", name).strip() or name)
        roles = {c.label: c.value("role").casefold() for c in cases}
        interviewers = {label for label in self.interviewers if roles.get(label) != "participant"}
        interviewers |= {label for label, role in roles.items() if role == "interviewer"}
        language = self.language or values.get("language")
        if language and not re.fullmatch(r"[a-z]{2,3}", language):
            language = None
        group = values.get("group") or self.group
        stored = self.project.add_transcripts([(title, parsed)], group, language, interviewers)
        self.result.notices.extend(stored.notices)
        self.result.transcripts.append(title)
        self.result.turns += stored.turns
        transcript_id = self.project.db.execute(
            "SELECT id FROM transcripts WHERE name = ?", [title]
        ).fetchone()[0]
        self.project.adopt_transcript_guid(transcript_id, source_guid)
        self.describe_speakers(title, transcript_id, cases)
        return transcript_id

    def kept_turns(
        self, source_guid: str | None, name: str, parsed: ParsedTranscript
    ) -> ParsedTranscript | None:
        """The turns qualcode wrote for this source in ``qualcode.json``, exactly as they
        were; None where it wrote none, or (with a notice) where they do not fit the text,
        which is then split by its speaker labels."""
        kept = self.model.extras.get("turns", {}).get(source_guid or "")
        if not kept:
            return None
        turns = [ParsedTurn(row[2], row[0], row[1], (row + [None])[3]) for row in kept]
        previous = 0
        for number, turn in enumerate(turns, 1):
            if not previous <= turn.start <= turn.end <= len(parsed.text):
                self.result.notices.append(
                    f"{self.archive.where(EXTRAS)}: turn {number} of {name!r} "
                    f"({turn.start}-{turn.end}) does not fit the source's text "
                    f"({len(parsed.text)} characters); its turns are found by speaker labels"
                )
                return None
            previous = turn.end
        labelled = any(turn.speaker != UNKNOWN_SPEAKER for turn in turns)
        return ParsedTranscript(parsed.source, parsed.text, turns, labelled)

    def sole_set(self, source: str | None) -> str | None:
        """The name of the one set of sources this source belongs to (MAXQDA's document sets,
        ATLAS.ti's document groups), or None when it is in no set or several."""
        found = [name for name, members in self.model.sets.items() if source in members]
        if len(found) != 1:
            return None
        self.groups_from_sets.add(found[0])
        return found[0]

    def free_name(self, name: str) -> str:
        """``name``, numbered when the project or this import already has a transcript of
        that name (with other text)."""
        candidate, number = name, 1
        while (
            candidate in self.names
            or self.project.db.execute(
                "SELECT 1 FROM transcripts WHERE name = ?", [candidate]
            ).fetchone()
        ):
            number += 1
            candidate = f"{name} ({number})"
        if candidate != name:
            self.result.notices.append(
                f"{self.where()}: a different transcript is named {name!r}; this one is "
                f"imported as {candidate!r}"
            )
        self.names.add(candidate)
        return candidate

    def describe_speakers(self, title: str, transcript_id: int, cases: list[_Case]) -> None:
        """Roles, attributes and GUIDs of the new transcript's speakers, from the cases."""
        labels = {case.label: case for case in cases}
        for speaker in self.project.speakers(title):
            case = labels.get(speaker["label"])
            if case is None:
                continue
            attributes = case.attributes()
            if attributes:
                self.project.set_speaker(title, speaker["label"], attributes=attributes)
            self.project.adopt_speaker_guid(speaker["id"], case.guid)

    # ------------------------------------------------------------------ codings and memos

    def store_selection(self, selection: _Selection, turns: TurnIndex, source: str) -> None:
        assert selection.span is not None
        touched = turns.touched(selection.span)
        if not touched:
            self.untouched.append(f"{source!r} {selection.start}-{selection.end}")
            return
        if not selection.codings and selection.description:
            self.store_memo(touched, selection.description, selection.user, selection.date, None)
        for guid in selection.notes:
            note = self.model.notes.get(guid)
            if note is not None:
                self.attached.add(guid)
                self.store_memo(touched, note.text, note.user or selection.user, note.date, guid)
        for coding in selection.codings:
            if self.store_coding(coding, selection, touched) and len(touched) > 1:
                where = f"selection {selection.guid or '(no GUID)'} (line {selection.line})"
                code = self.code_names.get(coding.code or "", "?")
                self.result.split.append(split_coding(where, source, code, turns, selection.span))

    def store_coding(
        self, coding: _Coding, selection: _Selection, touched: list[tuple[int, Any]]
    ) -> bool:
        """Store a coding on the turns it touches; False where it is no coding of ours."""
        if coding.code in self.model.case_guids:
            if not self.model.extras.get("turns"):  # qualcode's case codes mark turns
                self.not_codes["refer to a case, not a code"] += 1
            return False
        code_id = self.code_ids.get(coding.code or "")
        if code_id is None:
            self.not_codes["refer to no code of the codebook"] += 1
            return False
        if self.nvivo:  # NVivo for Windows stamps every Coding with the exporting user
            user, date = selection.user or coding.user, selection.date or coding.date
        else:
            user, date = coding.user or selection.user, coding.date or selection.date
        coder_id = self.coder(user)
        notes = [n for n in coding.notes if n in self.model.notes]
        self.attached.update(notes)
        memo = joined_notes([selection.description] + [self.model.notes[n].text for n in notes])
        created = stored_datetime(date)
        base = coding.guid or derived_guid("coding", selection.guid, coding.code)
        for number, (turn_id, span) in enumerate(touched):
            start, end = span or (None, None)
            guid = base if number == 0 else derived_guid(base, turn_id)
            kept = selection.guid  # exported again as it came, one selection over its parts
            self.codings.append(
                CodingRow(turn_id, code_id, coder_id, start, end, memo or None, created, guid, kept)
            )
        self.result.codings += 1
        return True

    def store_codings(self) -> None:
        """Store the codings of the whole file at once (the bulk path for a big project); a
        coding already in the project is counted, not added again."""
        added = self.project.write_codings(self.codings, "import")
        self.result.coding_rows = added
        self.result.already = len(self.codings) - added

    def store_memo(
        self,
        touched: list[tuple[int, Any]],
        text: str,
        user: str | None,
        date: str | None,
        guid: str | None,
    ) -> None:
        """A memo on each turn touched; added to the coder's memo there unless it has it."""
        if not text.strip():
            return
        coder_id = self.coder(user)
        when = stored_datetime(date)
        for turn_id, _span in touched:
            candidates = (guid, derived_guid(guid, turn_id))
            if self.project.write_memo(turn_id, coder_id, text, True, when, candidates):
                self.result.memos += 1

    def report(self) -> None:
        where, notices = self.where(), self.result.notices
        if self.result.split:
            notices.append(split_notice(where, self.result.split))
        undecided = self.result.undecided
        notices.extend(str(selection) for selection in undecided[:UNDECIDED_LISTED])
        if len(undecided) > UNDECIDED_LISTED:
            notices.append(
                f"{where}: {len(undecided) - UNDECIDED_LISTED} more selection(s) whose position "
                "units cannot be decided were not imported"
            )
        if self.outside:
            notices.append(
                f"{where}: {len(self.outside)} selection(s) do not lie inside their document "
                f"and were not imported: {'; '.join(self.outside[:10])}"
                + (" …" if len(self.outside) > 10 else "")
            )
        if self.untouched:
            notices.append(
                f"{where}: {len(self.untouched)} selection(s) cover no turn text (only a "
                f"speaker label or blank lines) and were not imported: "
                f"{'; '.join(self.untouched[:10])}"
            )
        for reason, count in self.not_codes.items():
            notices.append(f"{where}: {count} coding(s) {reason}; not imported")
        loose = [
            guid
            for guid, note in self.model.notes.items()
            if guid not in self.attached and note.text
        ]
        if loose:
            notices.append(
                f"{where}: {len(loose)} note(s) are not attached to a turn or coding (project "
                "memos, notes on media or codes) and were not imported"
            )
        unused = [name for name in self.model.sets if name not in self.groups_from_sets]
        if unused or self.model.graphs:
            notices.append(
                f"{where}: {len(unused)} set(s) and {self.model.graphs} graph(s) not imported "
                "(a transcript's group is its variable 'group', or the one set it belongs to)"
            )


def split_coding(where: str, source: str, code: str, turns: TurnIndex, span: Span) -> str:
    """A coding split across turns, for the summary: where it is, its code, the turns it
    touches and the text it covers (with what lies between the turns, such as a label)."""
    numbers = turns.numbers(span)
    text = excerpt(turns.text[span.start : span.end], 60)
    return f"{where} in {source!r}, {code!r}, turns {numbers[0]}-{numbers[-1]}: {text!r}"


def split_notice(where: str, split: list[str]) -> str:
    """The summary's line on the codings split across turns: how many, and which."""
    listed = "; ".join(split[:SPLIT_LISTED]) + (" …" if len(split) > SPLIT_LISTED else "")
    return (
        f"{where}: {len(split)} coding(s) cross a turn boundary and were split into one "
        f"coding per turn (a qualcode coding lies in one turn; what lies between the turns, "
        f"such as the next speaker's label, is coded in none): {listed}"
    )


class TurnIndex:
    """A transcript's turns, to find the ones a span touches."""

    def __init__(self, turns: list[tuple[int, int, int]], text: str):
        self.turns, self.text = turns, text
        self.starts = [start for _id, start, _end in turns]

    def numbers(self, span: Span) -> list[int]:
        """The numbers (1-based, in text order) of the turns a span touches."""
        touched = {turn_id for turn_id, _ in self.touched(span)}
        return [n for n, (turn_id, _, _) in enumerate(self.turns, 1) if turn_id in touched]

    def touched(self, span: Span) -> list[tuple[int, tuple[int, int] | None]]:
        """``(turn id, span inside the turn or None for the whole turn)`` for each turn whose
        text the span overlaps (white space alone does not count)."""
        found = []
        index = max(bisect_right(self.starts, span.start) - 1, 0)
        while index < len(self.turns) and self.turns[index][1] < span.end:
            turn_id, start, end = self.turns[index]
            first, last = max(span.start, start), min(span.end, end)
            if first < last and self.text[first:last].strip():
                whole = (first, last) == (start, end)
                found.append((turn_id, None if whole else (first - start, last - start)))
            index += 1
        return found


def turns_with_preamble(split: ParsedTranscript, spans: list[Span]) -> list[ParsedTurn]:
    """The turns, with the text before the first speaker label as a turn of the unknown
    speaker when a selection codes it (the readers leave such a heading out of the turns)."""
    if not split.labelled or not split.turns:
        return list(split.turns)
    text = split.text
    first = split.turns[0].start
    line = text.rfind("\n", 0, first) + 1
    while line > 0 and not text[line:first].strip():  # the label is on a line above
        line = text.rfind("\n", 0, line - 1) + 1
    start, end = 0, line
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and any(span.start < end and span.end > start for span in spans):
        return [ParsedTurn(UNKNOWN_SPEAKER, start, end), *split.turns]
    return list(split.turns)


def joined_notes(parts: Iterable[str]) -> str:
    """The non-empty parts, stripped, each once, as paragraphs of one note."""
    return "\n\n".join(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


__all__ = ["RefiImportResult", "UndecidedSelection", "import_qdpx"]
