"""The files the pages offer for download: quote lists in four formats and the codebook as
REFI-QDA, made from a real demo project file."""

from __future__ import annotations

import csv
import io
import re

import docx
import openpyxl
from lxml import etree

from qualcode.app.downloads import qdc_file, quote_file


def test_quote_files_in_every_format(demo, tmp_path):
    awareness = [c for c in demo.codings(coder="coder-b") if c["code"] == "awareness"]
    assert len(awareness) == 27
    rows = list(
        csv.DictReader(io.StringIO(quote_file(demo.path, "csv", ["awareness"], "coder-b").decode()))
    )
    assert len(rows) == 27 and {row["code"] for row in rows} == {"awareness"}
    assert [(row["transcript"], int(row["turn"])) for row in rows] == sorted(
        (c["transcript"], c["turn"]) for c in awareness
    )
    everything = quote_file(demo.path, "csv", None, "coder-b").decode()
    assert len(list(csv.DictReader(io.StringIO(everything)))) == len(demo.codings(coder="coder-b"))
    markdown = quote_file(demo.path, "md", ["awareness"], "coder-b").decode()
    assert markdown.startswith("# Quotes by theme") and markdown.count("\n> — ") == 27
    (tmp_path / "q.xlsx").write_bytes(quote_file(demo.path, "xlsx", ["awareness"], "coder-b"))
    book = openpyxl.load_workbook(tmp_path / "q.xlsx")
    assert sum(sheet.max_row - 1 for sheet in book.worksheets if sheet.title != "About") >= 27
    (tmp_path / "q.docx").write_bytes(quote_file(demo.path, "docx", ["awareness"], "coder-b"))
    assert any(
        "awareness" in p.text.lower() or "opmærksomhed" in p.text.lower()
        for p in docx.Document(tmp_path / "q.docx").paragraphs
    )


def test_pseudonymized_quotes_name_no_speaker(demo):
    rows = list(
        csv.DictReader(
            io.StringIO(quote_file(demo.path, "csv", None, "coder-a", pseudonymize=True).decode())
        )
    )
    assert rows and all(re.fullmatch(r"[PI]\d\d", row["speaker"]) for row in rows)


def test_the_codebook_as_qdc(demo):
    root = etree.fromstring(qdc_file(demo.codebook()))
    names = [code.get("name") for code in root.iter("{*}Code")]
    assert len(names) == 5
    colors = [code.get("color") for code in root.iter("{*}Code")]
    assert colors == [code.color for code in demo.codebook().codes]
