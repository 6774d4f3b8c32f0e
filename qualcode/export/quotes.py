"""Quote lists per theme, ready for the report: CSV, XLSX, DOCX and Markdown.

A quote is a coded turn's text (or, for a span coding, just the span) with its code, speaker,
group, transcript and turn number. Quotes come in codebook order (a theme, then its
sub-codes), then transcript and turn order. With ``pseudonymize`` every speaker label becomes
a stable pseudonym (participants P01, P02…, interviewers I01…), numbered over the whole
project in transcript order, so the same person has the same pseudonym in every export.
Pseudonyms replace the speaker labels only: names said inside the quotes stay as they are.
"""

from __future__ import annotations

import html
import io
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from qualcode.analyse.common import (
    CoderChoice,
    check_attributes,
    choose_coder,
    code_table,
    select_codes,
    speaker_filter,
)
from qualcode.errors import QualcodeError
from qualcode.files import write_csv_rows, written
from qualcode.store import Project

FORMATS = ("csv", "xlsx", "docx", "md")
ALL_CODERS = "all"  # quotes(coder="all"): every coder's quotes, each naming its coder
COLUMNS = (
    "code",
    "label",
    "transcript",
    "group",
    "turn",
    "speaker",
    "text",
    "start",
    "end",
    "memo",
    "coder",
)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RUN_BREAKS = re.compile("[\t\n\r]")


@dataclass
class Quote:
    code: str
    label: str
    depth: int
    transcript: str
    group: str | None
    turn: int
    turn_id: int
    speaker: str
    role: str
    text: str
    start: int | None
    end: int | None
    memo: str | None
    coder: str

    def row(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if key in COLUMNS}

    def citation(self, coder: bool = False) -> str:
        """Speaker, group, transcript and turn: 'P03, Netværk 1, netvaerk-1, turn 12' (with
        ``coder``, then 'coded by ann')."""
        parts = [self.speaker, self.group, self.transcript, f"turn {self.turn}"]
        if coder:
            parts.append(f"coded by {self.coder}")
        return ", ".join(part for part in parts if part)


@dataclass
class QuoteList:
    """The quotes of one coder for the chosen codes; ``codes`` lists (key, label, depth) of
    every chosen code, quoted or not."""

    coder: CoderChoice
    codes: list[tuple[str, str, int]]
    quotes: Iterable[Quote]
    pseudonymized: bool = False
    notes: list[str] = field(default_factory=list)
    every_coder: bool = False

    def describe(self, still_open: bool = True) -> str:
        if self.every_coder:
            lead = f"Quotes coded by every coder ({self.coder.why}); each names its coder."
        else:
            lead = f"Quotes coded by {self.coder.name} ({self.coder.why})."
        text = " ".join([lead, *self.coder.coverage_notes(False, still_open), *self.notes])
        if self.pseudonymized:
            text += " Speakers are pseudonymized (P01, P02…; interviewers I01…)."
        return text


def quotes(
    project: Project,
    codes: list[str] | None = None,
    coder: str | None = None,
    pseudonymize: bool = False,
    language: str | None = None,
    attributes: Sequence[tuple[str, str]] = (),
) -> QuoteList:
    """The quotes of ``codes`` (a theme brings its sub-codes; all codes when None), streamed
    from the project in codebook, transcript and turn order; of one coder (see
    :func:`~qualcode.analyse.common.choose_coder`) or, with ``coder="all"``, of every coder
    (then in coder order within a turn). ``attributes``: only the turns of speakers with
    every one of these ``(name, value)`` attributes."""
    every = coder == ALL_CODERS
    if every:
        choice, coder_ids = _every_coder(project)
    else:
        choice = choose_coder(project, coder)
        coder_ids = [choice.id]
    table = select_codes(code_table(project, language), codes)
    chosen = [(row.code, row.label, int(row.depth)) for row in table.itertuples()]
    names = pseudonyms(project) if pseudonymize else {}
    notes = []
    if attributes:
        check_attributes(project, attributes)
        said = " and ".join(f"{name} = {value}" for name, value in attributes)
        notes.append(f"Only the quotes of speakers with {said}.")
    return QuoteList(
        choice,
        chosen,
        _stream(project, coder_ids, table, names, attributes),
        pseudonymize,
        notes,
        every,
    )


def _every_coder(project: Project) -> tuple[CoderChoice, list[int]]:
    """Every coder with codings (by name), as a choice, and their ids."""
    rows = project.db.execute(
        "SELECT id, name FROM coders "
        "WHERE EXISTS (SELECT 1 FROM codings WHERE coder_id = coders.id) ORDER BY name"
    ).fetchall()
    if not rows:
        raise QualcodeError("the project has no codings yet; code some turns first", project.path)
    return CoderChoice(ALL_CODERS, 0, ", ".join(name for _, name in rows)), [i for i, _ in rows]


def _stream(
    project: Project,
    coder_ids: list[int],
    table,
    names: dict[int, str],
    attributes: Sequence[tuple[str, str]] = (),
) -> Iterator:
    labels = dict(
        zip(
            table["code_id"],
            zip(table["code"], table["label"], table["depth"], strict=True),
            strict=True,
        )
    )
    if not labels:
        return
    where, params = speaker_filter(attributes)
    code_marks = ", ".join(f":code{i}" for i in range(len(labels)))
    coder_marks = ", ".join(f":coder{i}" for i in range(len(coder_ids)))
    params.update({f"code{i}": int(code_id) for i, code_id in enumerate(labels)})
    params.update({f"coder{i}": coder_id for i, coder_id in enumerate(coder_ids)})
    order = " ".join(f"WHEN {int(code_id)} THEN {i}" for i, code_id in enumerate(labels))
    cursor = project.db.execute(
        f"""
        SELECT co.name, c.code_id, td.transcript, td."group", td.turn, td.id, td.speaker_id,
               td.speaker, td.role,
               CASE WHEN c.start IS NULL THEN td.text
                    ELSE substr(td.text, c.start + 1, c."end" - c.start) END AS text,
               c.start, c."end",
               CASE WHEN c.memo IS NOT NULL AND m.text IS NOT NULL THEN c.memo || ' · ' || m.text
                    ELSE COALESCE(c.memo, m.text) END AS memo
        FROM codings c
        JOIN coders co ON co.id = c.coder_id
        JOIN turn_details td ON td.id = c.turn_id
        JOIN speakers s ON s.id = td.speaker_id
        LEFT JOIN memos m ON m.turn_id = c.turn_id AND m.coder_id = c.coder_id
        WHERE c.coder_id IN ({coder_marks}) AND c.code_id IN ({code_marks}) AND {where}
        ORDER BY CASE c.code_id {order} END, td.transcript, td.turn, co.name, c.start
        """,
        params,
    )
    for row in cursor:
        coder, code_id, transcript, group, turn, turn_id, speaker_id, speaker, role, text = row[:10]
        key, label, depth = labels[code_id]
        yield Quote(
            key,
            label,
            int(depth),
            transcript,
            group,
            turn,
            turn_id,
            names.get(speaker_id, speaker),
            role,
            text,
            *row[10:],
            coder=coder,
        )


def pseudonyms(project: Project) -> dict[int, str]:
    """speaker id → P01, P02… (participants) or I01… (interviewers), numbered over the whole
    project in transcript name and first-turn order, so the same speaker keeps the same
    pseudonym in every export."""
    rows = project.query(
        """
        SELECT s.id, s.role FROM speakers s JOIN transcripts tr ON tr.id = s.transcript_id
        ORDER BY tr.name, (SELECT min(turn) FROM turns WHERE speaker_id = s.id), s.id
        """
    )
    width = max(2, len(str(len(rows))))
    counters = {"participant": 0, "interviewer": 0}
    names = {}
    for row in rows:
        counters[row["role"]] += 1
        prefix = "P" if row["role"] == "participant" else "I"
        names[row["id"]] = f"{prefix}{counters[row['role']]:0{width}d}"
    return names


# ---------------------------------------------------------------- writers, one per format


def sections(quote_list: QuoteList) -> Iterator[tuple[str, str, int, Iterator[Quote]]]:
    """(key, label, depth, quotes) for every chosen code in codebook order, streaming: each
    section's quotes must be read before the next section."""
    stream = iter(quote_list.quotes)
    pending = next(stream, None)

    def take(key: str) -> Iterator[Quote]:
        nonlocal pending
        while pending is not None and pending.code == key:
            yield pending
            pending = next(stream, None)

    for key, label, depth in quote_list.codes:
        section = take(key)
        yield key, label, depth, section
        for _ in section:  # whatever the writer left unread
            pass


def write_quotes(quote_list: QuoteList, fmt: str, path: str | Path | None = None) -> int:
    """Write the quotes as ``fmt`` (csv, xlsx, docx, md) to ``path`` (csv and md: standard
    output when None); returns the number of quotes written."""
    if fmt not in FORMATS:
        raise QualcodeError(f"quote format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if path is None and fmt in ("xlsx", "docx"):
        raise QualcodeError(f"{fmt} quotes are written to a file: give -o FILE.{fmt}")
    writer = {"csv": write_csv, "xlsx": write_xlsx, "docx": write_docx, "md": write_markdown}
    if path is None:
        return writer[fmt](quote_list, sys.stdout)
    with written(path) as partial:
        if fmt in ("xlsx", "docx"):
            return writer[fmt](quote_list, partial)
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            return writer[fmt](quote_list, handle)


def format_for(path: str | Path) -> str | None:
    """The quote format a file name asks for (by its extension), or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"markdown": "md"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown") else None


def write_csv(quote_list: QuoteList, handle: IO[str]) -> int:
    """CSV, one row per quote; text a spreadsheet would run as a formula gets a leading ``'``
    (:func:`qualcode.files.csv_cell`)."""
    return write_csv_rows(handle, (quote.row() for quote in quote_list.quotes), COLUMNS)


def write_markdown(quote_list: QuoteList, handle: IO[str]) -> int:
    """Markdown: a heading per code (deeper for sub-codes), each quote a block quote followed
    by its citation and the coder's memo. Text is escaped so that it shows as written (no
    HTML, no markup)."""
    handle.write(f"# Quotes by theme\n\n{markdown_text(quote_list.describe())}\n")
    count = 0
    for key, label, depth, found in sections(quote_list):
        handle.write(f"\n{'#' * min(depth + 2, 6)} {markdown_text(label)} (`{key}`)\n\n")
        before = count
        for quote in found:
            lines = quote.text.splitlines() or [""]
            handle.write("".join(f"> {markdown_text(line)}\n" for line in lines))
            handle.write(f">\n> — {markdown_text(quote.citation(quote_list.every_coder))}\n\n")
            if quote.memo:
                handle.write(f"Memo: {markdown_text(quote.memo)}\n\n")
            count += 1
        if count == before:
            handle.write("_No quotes._\n")
    return count


def markdown_text(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", escaped)


def write_xlsx(quote_list: QuoteList, path: Path) -> int:
    """A workbook: an overview sheet (code, label, quotes, sheet), then one sheet per quoted
    code with a row per quote. Written in openpyxl's streaming mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    overview = book.create_sheet("Overview")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(sheet, names) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    overview.column_dimensions["A"].width = 24
    overview.column_dimensions["B"].width = 48
    header(overview, ["code", "label", "quotes", "sheet"])
    overview.append([text_cell(overview, quote_list.describe())])
    titles: set[str] = {"Overview"}
    counts: dict[str, tuple[int, str]] = {}
    widths = {"A": 14, "B": 10, "C": 8, "D": 10, "E": 90, "F": 30}
    for key, _, _, group in sections(quote_list):
        first = next(group, None)
        if first is None:
            continue
        title = _sheet_title(key, titles)
        sheet = book.create_sheet(title)
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
        every = quote_list.every_coder
        columns = ["transcript", "group", "turn", "speaker", "text", "memo"]
        header(sheet, columns + ["coder"] * every)
        count = 0
        for quote in chain([first], group):
            cells = [
                text_cell(sheet, value)
                for value in (quote.transcript, quote.group, quote.turn, quote.speaker)
            ]
            text = text_cell(sheet, quote.text)
            text.alignment = wrap
            coder = [text_cell(sheet, quote.coder)] if every else []
            sheet.append([*cells, text, text_cell(sheet, quote.memo), *coder])
            count += 1
        counts[key] = (count, title)
    for key, label, _ in quote_list.codes:
        count, title = counts.get(key, (0, ""))
        overview.append(
            [text_cell(overview, key), text_cell(overview, label), count, title or None]
        )
    save_zip(book, path)
    return sum(count for count, _ in counts.values())


def save_zip(document: Any, path: Path) -> None:
    """Save a workbook or Word document (a zip archive) to ``path`` through memory: saved
    straight to a file, a failed write (a full disk) leaves the library's zip file open, to
    fail again with a traceback when Python exits."""
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getbuffer())


def _sheet_title(key: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\), unique in the workbook."""
    base = SHEET_FORBIDDEN.sub("-", key)[:31] or "code"
    title, number = base, 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title)
    return title


def text_cell(sheet, value: Any):
    """A cell holding ``value``; text is stored as text exactly as written (never read as a
    formula, even when it starts with '='), minus the control characters XLSX cannot hold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def xml_text(text: str) -> str:
    """Text without the control characters a Word document cannot hold."""
    return NOT_XML.sub("", text)


def write_docx(quote_list: QuoteList, path: Path) -> int:
    """A Word document: a heading per theme (sub-codes one level deeper), each quote in the
    Quote style, followed by speaker, group, transcript and turn, and the coder's memo.

    Paragraphs go in through :class:`Paragraphs`, in time linear in the number of quotes."""
    from docx import Document

    document = Document()
    add = Paragraphs(document)
    add("Quotes by theme", "Title")
    add(quote_list.describe())
    count = 0
    for key, label, depth, found in sections(quote_list):
        add(xml_text(f"{label} ({key})"), f"Heading {min(depth + 1, 9)}")
        before = count
        for quote in found:
            add(f"“{xml_text(quote.text)}”", "Quote")
            add(xml_text(quote.citation(quote_list.every_coder)), citation=True)
            if quote.memo:
                add(xml_text(f"Memo: {quote.memo}"), citation=True)
            count += 1
        if count == before:
            add("No quotes.")
    save_zip(document, path)
    return count


class Paragraphs:
    """Adds paragraphs of one run at the end of a python-docx ``document``, in constant time
    each.

    ``document.add_paragraph(text, style)`` looks the style up by name among all styles and
    finds the end of the body by scanning every paragraph before it, so a document of n quotes
    took time growing with n². Here each kind of paragraph (style, citation or not) is made
    once with python-docx as a template; each paragraph is a copy of its template with the
    text put in, placed right before the body's closing section properties."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.end = document.element.body.sectPr
        self.templates: dict[tuple[str | None, bool], Any] = {}

    def __call__(self, text: str, style: str | None = None, citation: bool = False) -> None:
        from copy import deepcopy

        from docx.oxml.ns import qn

        kind = (style, citation)
        if kind not in self.templates:
            self.templates[kind] = self._template(style, citation)
        element = deepcopy(self.templates[kind])
        run = element[-1]
        if not text:
            element.remove(run)
        elif RUN_BREAKS.search(text):
            run.text = text  # python-docx turns tabs and line breaks into their elements
        else:
            t = run[-1]
            t.text = text
            if text != text.strip():
                t.set(qn("xml:space"), "preserve")
        self.end.addprevious(element)

    def _template(self, style: str | None, citation: bool) -> Any:
        """A paragraph of ``style`` with one run holding one character; a citation's run is
        italic and 9 pt."""
        from docx.oxml import OxmlElement
        from docx.shared import Pt
        from docx.text.paragraph import Paragraph

        element = OxmlElement("w:p")
        paragraph = Paragraph(element, self.document._body)
        if style is not None:
            paragraph.style = self.document.styles[style]
        run = paragraph.add_run("x")
        if citation:
            run.italic = True
            run.font.size = Pt(9)
        return element
