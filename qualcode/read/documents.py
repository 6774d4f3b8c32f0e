"""Word-processor and web documents: OpenDocument (.odt), Rich Text (.rtf) and HTML (.html).

Each is turned into its paragraphs (a table row becomes one ``Speaker: words`` line when its
cells are a speaker and the words, as :func:`qualcode.read.layouts.table_lines` reads them), and
the paragraphs are read like the lines of a text file, with every layout
(:func:`qualcode.read.layouts.read_lines`). Parsers: odfpy for .odt, striprtf for .rtf, lxml
for HTML (no network, no entities from outside).
"""

from __future__ import annotations

import io

from qualcode.errors import QualcodeError
from qualcode.read.decode import decode_text
from qualcode.read.docx import check_archive
from qualcode.read.layouts import read_lines, table_lines
from qualcode.read.transcript import ParsedTranscript

# The nesting libxml2's HTML parser keeps (it drops deeper elements without a word).
MAX_HTML_DEPTH = 254
# Elements whose text makes one paragraph (HTML).
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd"}


def read_html(data: bytes, source: str, layout: str | None = None) -> ParsedTranscript:
    """An HTML transcript (noScribe's default output, a saved web page): one line per
    paragraph; scripts, styles and the head are left out."""
    import lxml.html
    from lxml import etree

    text, notices = decode_text(data, source)
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise QualcodeError(f"not a readable HTML file ({error})", source) from None
    # libxml2 silently drops what lies deeper than its limit: say so instead of "empty".
    deepest = root.xpath(f"(//*[count(ancestor::*) >= {MAX_HTML_DEPTH}])[1]")
    if deepest:
        raise QualcodeError(
            f"elements nested more than {MAX_HTML_DEPTH} levels deep: not an HTML transcript "
            "qualcode can read",
            source,
            deepest[0].sourceline,
        )
    for element in root.xpath("//script | //style | //head | //template"):
        element.drop_tree()
    lines: list[str] = []

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            rows = element.xpath(".//tr[not(ancestor::tr)]")
            lines.extend(table_lines([[_html_text(c) for c in row.xpath("td|th")] for row in rows]))
            lines.append("")
        elif tag in BLOCKS and not element.xpath(".//p | .//div | .//li | .//table"):
            lines.extend(_html_text(element).split("\n"))
            lines.append("")
        else:
            for child in element:
                walk(child)

    walk(root)
    return read_lines(lines, source, layout=layout).after(notices)


def _html_text(element) -> str:
    """The text of an element, with ``<br>`` as line breaks."""
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return element.text_content().strip()


def read_odt(data: bytes, source: str, layout: str | None = None) -> ParsedTranscript:
    """An OpenDocument text: its paragraphs and headings in order, table rows as lines."""
    from odf import opendocument, teletype
    from odf.namespaces import TABLENS, TEXTNS

    check_archive(data, source, ".odt")
    try:
        document = opendocument.load(io.BytesIO(data))
    except Exception as error:  # odfpy raises whatever its zip and XML parsers raise
        raise QualcodeError(f"not a readable .odt file ({type(error).__name__})", source) from None
    lines: list[str] = []

    def cells(row) -> list[str]:
        return [
            teletype.extractText(cell)
            for cell in row.childNodes
            if getattr(cell, "qname", None) == (TABLENS, "table-cell")
        ]

    def walk(node) -> None:
        for child in node.childNodes:
            name = getattr(child, "qname", None)
            if name == (TABLENS, "table"):
                rows = [row for row in child.childNodes if row.qname == (TABLENS, "table-row")]
                lines.extend(table_lines([cells(row) for row in rows]))
                lines.append("")
            elif name in ((TEXTNS, "p"), (TEXTNS, "h")):
                lines.extend(teletype.extractText(child).split("\n"))
            elif getattr(child, "childNodes", None):
                walk(child)

    walk(document.text)
    return read_lines(lines, source, layout=layout)


def read_rtf(data: bytes, source: str, layout: str | None = None) -> ParsedTranscript:
    """A Rich Text file: its plain text, one line per paragraph."""
    from striprtf.striprtf import rtf_to_text

    raw, notices = decode_text(data, source)
    if not raw.lstrip().startswith("{\\rtf"):
        raise QualcodeError("not an RTF file: it must start with {\\rtf", source, 1)
    try:
        plain = rtf_to_text(raw, errors="ignore")
    except (ValueError, IndexError, RecursionError) as error:
        raise QualcodeError(f"not a readable RTF file ({type(error).__name__})", source) from None
    lines = plain.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return read_lines(lines, source, layout=layout).after(notices)
