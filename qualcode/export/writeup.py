"""The thematic write-up (:mod:`qualcode.export.themes`) as Markdown, Word or HTML, and the
framework matrix (:mod:`qualcode.export.framework`) as a workbook or Markdown.

Every piece of project text (labels, descriptions, quotes, names) is written as text: escaped
in Markdown and HTML, a plain run in Word, a text cell in the workbook. A file is written whole
or not at all (:func:`qualcode.files.written`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import IO

from qualcode.errors import QualcodeError
from qualcode.export.framework import Framework
from qualcode.export.quotes import Paragraphs, markdown_text, save_zip, text_cell, xml_text
from qualcode.export.themes import Theme, Writeup, listing
from qualcode.files import written

WRITEUP_FORMATS = ("md", "docx", "html")
FRAMEWORK_FORMATS = ("xlsx", "md")
TITLE = "Themes"


def format_of(path: str | Path, formats: tuple[str, ...]) -> str:
    """The format a file name asks for, by its extension, among ``formats``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    if suffix not in formats:
        raise QualcodeError(
            f"{Path(path).name}: write to a file ending in {', '.join('.' + f for f in formats)}"
        )
    return suffix


def write_writeup(writeup: Writeup, path: str | Path) -> int:
    """Write the write-up to ``path`` (.md, .docx or .html); returns the number of themes."""
    writers = {"md": writeup_markdown, "html": writeup_html, "docx": writeup_docx}
    _write(writeup, path, writers, binary={"docx"})
    return len(writeup.themes)


def _write(content, path: str | Path, writers: dict, binary: set[str]) -> None:
    """``writers[fmt](content, target)`` for the format ``path`` asks for, written whole or
    not at all: a binary writer gets the file's path, a text writer an open UTF-8 file."""
    fmt = format_of(path, tuple(writers))
    with written(path) as partial:
        if fmt in binary:
            writers[fmt](content, partial)
        else:
            with open(partial, "w", encoding="utf-8", newline="\n") as handle:
                writers[fmt](content, handle)


def theme_lines(theme: Theme) -> list[str]:
    """The plain sentences under a theme's heading, in order: prevalence, groups, sub-codes,
    co-occurring themes, agreement (each a paragraph of its own)."""
    lines = [theme.prevalence()[0].upper() + theme.prevalence()[1:] + "."]
    groups = "; ".join(
        f"{share.group}: {share.participants} of {share.of_participants} participants, "
        f"{share.turns} of {share.of_turns} turns"
        for share in theme.groups
    )
    lines.append(f"By group: {groups}.")
    if theme.sub_codes:
        subs = "; ".join(f"{label} ({turns_word(turns)})" for _, label, turns in theme.sub_codes)
        lines.append(f"Sub-codes: {subs}.")
    if theme.cooccurring:
        pairs = "; ".join(f"{label} ({turns_word(turns)})" for _, label, turns in theme.cooccurring)
        lines.append(f"Most often coded together with: {pairs}.")
    if theme.agreement is not None:
        lines.append(agreement_line(theme))
    return lines


def turns_word(turns: int) -> str:
    return f"{turns} turn" if turns == 1 else f"{turns} turns"


def agreement_line(theme: Theme) -> str:
    found = theme.agreement
    if found.alpha is None:
        return f"Agreement ({listing(found.coders)}): not computable ({found.reading})."
    interval = (
        f", {found.confidence:.0%} interval {found.low:.2f} to {found.high:.2f}"
        if found.low is not None and found.high is not None
        else ""
    )
    return (
        f"Agreement ({listing(found.coders)}, over {found.unit}): Krippendorff's alpha "
        f"{found.alpha:.2f}{interval} ({found.reading})."
    )


def citation(quote) -> str:
    """As the study cites: pseudonym and group ('P03, Netværk 1')."""
    return ", ".join(part for part in (quote.speaker, quote.group) if part)


def writeup_markdown(writeup: Writeup, handle: IO[str]) -> None:
    handle.write(f"# {TITLE}\n\n{markdown_text(writeup.methods())}\n")
    for theme in writeup.themes:
        handle.write(f"\n## {markdown_text(theme.label)}\n\n")
        if theme.description:
            handle.write(f"{markdown_text(theme.description)}\n\n")
        for line in theme_lines(theme):
            handle.write(f"{markdown_text(line)}\n\n")
        for quote in theme.quotes:
            lines = quote.text.strip().splitlines() or [""]
            handle.write("".join(f"> {markdown_text(line)}\n" for line in lines))
            handle.write(f">\n> — {markdown_text(citation(quote))}\n\n")
        if not theme.quotes:
            handle.write("_No quotes._\n")


def writeup_html(writeup: Writeup, handle: IO[str]) -> None:
    """A standalone page: no script, no style sheet or font from elsewhere."""
    handle.write(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE}</title><style>"
        "body{font-family:Georgia,serif;max-width:44rem;margin:2rem auto;line-height:1.5}"
        "blockquote{margin:1rem 0 1rem 1rem;padding-left:1rem;border-left:3px solid #bbb}"
        "cite{display:block;font-size:.85rem;color:#555;margin-top:.3rem}"
        ".methods{color:#333}</style></head><body>\n"
    )
    writeup_body(writeup, handle)
    handle.write("</body></html>\n")


def writeup_body(writeup: Writeup, handle: IO[str]) -> None:
    """The write-up as HTML elements (the page's body; also the app's preview)."""
    text = html.escape
    handle.write(f'<h1>{TITLE}</h1>\n<p class="methods">{text(writeup.methods())}</p>\n')
    for theme in writeup.themes:
        handle.write(f"<h2>{text(theme.label)}</h2>\n")
        if theme.description:
            handle.write(f"<p><em>{text(theme.description)}</em></p>\n")
        for line in theme_lines(theme):
            handle.write(f"<p>{text(line)}</p>\n")
        for quote in theme.quotes:
            body = text(quote.text.strip()).replace("\n", "<br>")
            handle.write(f"<blockquote>{body}<cite>— {text(citation(quote))}</cite></blockquote>\n")
        if not theme.quotes:
            handle.write("<p><em>No quotes.</em></p>\n")


def writeup_docx(writeup: Writeup, path: Path) -> None:
    """A Word document: a heading per theme, its sentences, its quotes in the Quote style."""
    from docx import Document

    document = Document()
    add = Paragraphs(document)
    add(TITLE, "Title")
    add(xml_text(writeup.methods()))
    for theme in writeup.themes:
        add(xml_text(theme.label), "Heading 1")
        if theme.description:
            add(xml_text(theme.description), citation=True)
        for line in theme_lines(theme):
            add(xml_text(line))
        for quote in theme.quotes:
            add(f"“{xml_text(quote.text.strip())}”", "Quote")
            add(xml_text(f"— {citation(quote)}"), citation=True)
        if not theme.quotes:
            add("No quotes.")
    save_zip(document, path)


def write_framework(framework: Framework, path: str | Path) -> int:
    """Write the matrix to ``path`` (.xlsx or .md); returns the number of participants."""
    _write(framework, path, {"xlsx": framework_xlsx, "md": framework_markdown}, binary={"xlsx"})
    return len(framework.rows)


def framework_markdown(framework: Framework, handle: IO[str]) -> None:
    """A table: group, participant, then a column per theme; passages separated by ' / '."""
    cell = lambda text: markdown_text(text).replace("\n", " ")  # noqa: E731
    handle.write(f"# Framework matrix\n\n{markdown_text(framework.describe())}\n\n")
    head = ["Group", "Participant", *(label for _, label in framework.themes)]
    handle.write("| " + " | ".join(cell(name) for name in head) + " |\n")
    handle.write("|" + "---|" * len(head) + "\n")
    for row in framework.rows:
        cells = [row.group, row.participant, *framework.cells(row)]
        handle.write("| " + " | ".join(cell(str(value)) for value in cells) + " |\n")


def framework_xlsx(framework: Framework, path: Path) -> None:
    """One sheet: a row per participant (grouped), a column per theme, each cell the
    participant's coded passages for it (or their number); a second sheet says how it was
    made."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Framework")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 22
    width = 14 if framework.counts else 60
    for index in range(len(framework.themes)):
        sheet.column_dimensions[_column(index + 3)].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    head = []
    for name in ["Group", "Participant", *(label for _, label in framework.themes)]:
        cell = text_cell(sheet, name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in framework.rows:
        cells = [text_cell(sheet, row.group), text_cell(sheet, row.participant)]
        for value in framework.cells(row):
            cell = text_cell(sheet, value)
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    about = book.create_sheet("About")
    about.column_dimensions["A"].width = 100
    about.append([text_cell(about, framework.describe())])
    save_zip(book, path)


def _column(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)
