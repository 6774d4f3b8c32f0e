"""Time the DOCX quote export at N and 4N quotes, against python-docx's own baseline.

    python benchmarks/bench_exports.py [--transcripts 14] [--turns 240] [--runs 1] [--slow]

Builds two projects with bench_analysis.py's bulk builder (``transcripts`` and 4 ×
``transcripts`` transcripts of ``turns`` turns; coder-a puts 3–7 codes on every participant
turn, so 14 transcripts give about 13,800 quotes) and, for each, times ``write_quotes(quotes(…),
"docx", …)`` (from the project file to the saved document: a heading per code, each quote in
the Quote style with an italic 9 pt citation) against two baselines measured in the same run,
each writing the same number of bare paragraphs (two per quote, no styles) into a python-docx
document and saving it:

- lxml: each paragraph appended to the body directly (the least any DOCX writer can do);
- python-docx: ``document.add_paragraph(text)``, the library's own way, which finds the end of
  the body by scanning it, so that it grows with the square of the paragraphs: at 4N only with
  ``--slow`` (minutes at the default size).

A linear export takes about 4 times as long for 4 times the quotes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from qualcode.export.quotes import quotes, write_quotes
from qualcode.store import Project

sys.path.insert(0, str(Path(__file__).parent))
from bench_analysis import best_of, build_project  # noqa: E402

CITATION = "P01, Netværk 1, study-0001, turn 2"


def export_docx(project: Project, path: Path) -> int:
    return write_quotes(quotes(project, coder="coder-a"), "docx", path)


def bare_paragraphs(texts: list[str], path: Path) -> None:
    """python-docx's way: ``add_paragraph`` for every paragraph."""
    document = Document()
    for text in texts:
        document.add_paragraph(text)
        document.add_paragraph(CITATION)
    document.save(path)


def lxml_paragraphs(texts: list[str], path: Path) -> None:
    """The same paragraphs appended to the body with lxml, then saved by python-docx."""
    document = Document()
    body = document.element.body
    end = body.sectPr
    for text in texts:
        for line in (text, CITATION):
            paragraph = etree.SubElement(body, qn("w:p"))
            etree.SubElement(etree.SubElement(paragraph, qn("w:r")), qn("w:t")).text = line
    body.append(end)  # the section properties close the body
    document.save(path)


def measure(folder: Path, transcripts: int, turns: int, runs: int, slow: bool) -> dict:
    path = folder / f"study-{transcripts}.db"
    build_project(path, transcripts, turns)
    with Project(path) as project:
        ours, count = best_of(runs, export_docx, project, folder / "quotes.docx")
        texts = [quote.text for quote in quotes(project, coder="coder-a").quotes]
    floor, _ = best_of(runs, lxml_paragraphs, texts, folder / "lxml.docx")
    docx = best_of(runs, bare_paragraphs, texts, folder / "bare.docx")[0] if slow else None
    return {"quotes": count, "ours": ours, "lxml": floor, "docx": docx}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=14)
    parser.add_argument("--turns", type=int, default=240)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--slow", action="store_true", help="python-docx's baseline at 4N too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(Path(tmp), args.transcripts, args.turns, args.runs, True)
        large = measure(Path(tmp), 4 * args.transcripts, args.turns, args.runs, args.slow)
    print("| quotes | DOCX quote export | lxml paragraphs | ratio | add_paragraph | ratio |")
    print("|---|---|---|---|---|---|")
    for row in (small, large):
        docx = f"{row['docx']:.2f} s | {row['ours'] / row['docx']:.2f}" if row["docx"] else "– | –"
        print(
            f"| {row['quotes']:,} | {row['ours']:.2f} s "
            f"({1e6 * row['ours'] / row['quotes']:.0f} µs/quote) | {row['lxml']:.2f} s | "
            f"{row['ours'] / row['lxml']:.2f} | {docx} |"
        )
    scale = large["quotes"] / small["quotes"]
    growth = f"{scale:.2f} × the quotes: export {large['ours'] / small['ours']:.2f} × the time, "
    growth += f"lxml {large['lxml'] / small['lxml']:.2f} ×"
    if large["docx"]:
        growth += f", add_paragraph {large['docx'] / small['docx']:.2f} ×"
    print(growth)


if __name__ == "__main__":
    main()
