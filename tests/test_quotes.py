"""Quote lists per theme on the hand-counted study (tests/conftest.py): every format
read back with the library that reads it, and every quote checked against the study's text.

ann's codings in codebook order: awareness t1#6 (D2); awareness.body t1#2 (D1) and a span of
t2#2 (P1: "I notice my body now."); conditions t1#3 (D2), t3#2 (P1); boundaries t1#5 (D1),
t1#6 (D2); community t1#1 (TK, the interviewer), t2#3 (P2); unused nothing. 9 quotes.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.export.quotes import COLUMNS, pseudonyms, quotes, write_quotes

T1_6 = "Jeg holder pauser nu. Det hjælper."
T1_2 = "Jeg sover dårligt. Kroppen siger fra."
SPAN = "I notice my body now."
T3_2 = "My boss asks *too* much <b>really</b>."

# (code, transcript, turn, speaker, text) of ann's quotes, in the order they come.
ANN = [
    ("awareness", "t1", 6, "D2", T1_6),
    ("awareness.body", "t1", 2, "D1", T1_2),
    ("awareness.body", "t2", 2, "P1", SPAN),
    ("conditions", "t1", 3, "D2", "Der er for meget arbejde. Chefen lytter ikke."),
    ("conditions", "t3", 2, "P1", T3_2),
    ("boundaries", "t1", 5, "D1", "Jeg har sagt nej til weekendarbejde."),
    ("boundaries", "t1", 6, "D2", T1_6),
    ("community", "t1", 1, "TK", "Velkommen. Hvordan går det?"),
    ("community", "t2", 3, "P2", "Meeting the others helped. I am not alone."),
]
# Pseudonyms over the whole project, in transcript and first-turn order.
PSEUDONYMS = {
    ("t1", "TK"): "I01",
    ("t1", "D1"): "P01",
    ("t1", "D2"): "P02",
    ("t2", "Interviewer"): "I02",
    ("t2", "P1"): "P03",
    ("t2", "P2"): "P04",
    ("t3", "Interviewer"): "I03",
    ("t3", "P1"): "P05",
}


def listed(found):
    return [(q.code, q.transcript, q.turn, q.speaker, q.text) for q in found.quotes]


def test_quotes_come_in_codebook_then_transcript_order_and_spans_quote_the_span(study):
    found = quotes(study, coder="ann")
    assert listed(found) == ANN
    span = [q for q in quotes(study, ["awareness.body"], coder="ann").quotes][1]
    assert (span.start, span.end, span.group) == (0, len(SPAN), "G2")
    assert [key for key, _label, _depth in found.codes][-1] == "unused"


def test_a_theme_brings_its_sub_codes(study):
    assert [row[0] for row in listed(quotes(study, ["awareness"], coder="ann"))] == [
        "awareness",
        "awareness.body",
        "awareness.body",
    ]
    with pytest.raises(QualcodeError, match="unknown code"):
        quotes(study, ["nope"], coder="ann")


def test_pseudonyms_are_stable_over_the_whole_project(study):
    names = pseudonyms(study)
    by_label = {(s["transcript"], s["label"]): names[s["id"]] for s in study.speakers()}
    assert by_label == PSEUDONYMS
    found = quotes(study, coder="ann", pseudonymize=True)
    assert [q.speaker for q in found.quotes] == [
        PSEUDONYMS[(transcript, speaker)] for _c, transcript, _t, speaker, _x in ANN
    ]
    assert "pseudonymized" in found.describe()
    # The same speaker keeps the same pseudonym in another coder's export.
    ben = {
        (q.transcript, q.turn): q.speaker
        for q in quotes(study, coder="ben", pseudonymize=True).quotes
    }
    assert ben[("t1", 2)] == "P01" and ben[("t2", 4)] == "P03"


def test_csv_has_the_contract_columns_and_every_quote(study, tmp_path):
    path = tmp_path / "quotes.csv"
    assert write_quotes(quotes(study, coder="ann"), "csv", path) == 9
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == list(COLUMNS)
    assert [
        (r["code"], r["transcript"], int(r["turn"]), r["speaker"], r["text"]) for r in rows
    ] == ANN
    assert rows[2]["start"] == "0" and rows[2]["end"] == str(len(SPAN)) and rows[0]["start"] == ""
    assert {r["coder"] for r in rows} == {"ann"}


def test_xlsx_has_an_overview_and_one_sheet_per_quoted_code(study, tmp_path):
    path = tmp_path / "quotes.xlsx"
    assert write_quotes(quotes(study, coder="ann"), "xlsx", path) == 8 + 1
    book = load_workbook(path)
    assert book.sheetnames == [
        "Overview",
        "awareness",
        "awareness.body",
        "conditions",
        "boundaries",
        "community",
    ]
    overview = list(book["Overview"].values)
    assert overview[0] == ("code", "label", "quotes", "sheet")
    counts = {row[0]: row[2] for row in overview[2:]}
    assert counts == {
        "awareness": 1,
        "awareness.body": 2,
        "conditions": 2,
        "boundaries": 2,
        "community": 2,
        "unused": 0,
    }
    body = list(book["awareness.body"].values)
    assert body[0] == ("transcript", "group", "turn", "speaker", "text", "memo")
    assert body[1:] == [("t1", "G1", 2, "D1", T1_2, None), ("t2", "G2", 2, "P1", SPAN, None)]


def test_docx_has_a_heading_per_theme_and_a_citation_under_each_quote(study, tmp_path):
    path = tmp_path / "quotes.docx"
    assert write_quotes(quotes(study, coder="ann", pseudonymize=True), "docx", path) == 9
    paragraphs = [(p.style.name, p.text) for p in Document(path).paragraphs]
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    assert headings == [
        "Awareness (awareness)",
        "Body (awareness.body)",
        "Conditions (conditions)",
        "Boundaries (boundaries)",
        "Community (community)",
        "Nobody uses this (unused)",
    ]
    assert ("Heading 2", "Body (awareness.body)") in paragraphs  # a sub-code one level deeper
    texts = [text for _style, text in paragraphs]
    body = texts.index("Body (awareness.body)")
    assert texts[body + 1 : body + 5] == [
        f"“{T1_2}”",
        "P01, G1, t1, turn 2",
        f"“{SPAN}”",
        "P03, G2, t2, turn 2",
    ]
    assert [style for style, text in paragraphs if text == f"“{SPAN}”"] == ["Quote"]
    assert texts[-1] == "No quotes."


def test_docx_export_does_work_in_proportion_to_the_quotes(tmp_path, monkeypatch):
    """The work python-docx does finding places in the document (children of the elements it
    searches) grows linearly: adding each paragraph used to scan the whole body (and every
    style), which made 13,500 quotes take a minute."""
    from docx.oxml.xmlchemy import BaseOxmlElement

    from qualcode.analyse.common import CoderChoice
    from qualcode.export.quotes import Quote, QuoteList

    scanned = 0
    search, xpath = BaseOxmlElement.first_child_found_in, BaseOxmlElement.xpath

    def counted(original):
        def wrapper(self, *args, **kwargs):
            nonlocal scanned
            scanned += len(self)
            return original(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(BaseOxmlElement, "first_child_found_in", counted(search))
    monkeypatch.setattr(BaseOxmlElement, "xpath", counted(xpath))

    def work(n: int) -> int:
        nonlocal scanned
        codes = [(f"code{i}", f"Code {i}", 0) for i in range(4)]
        found = [
            Quote(
                codes[i % 4][0],
                "",
                0,
                "t",
                "G",
                i,
                i,
                "P01",
                "participant",
                "Ja.",
                None,
                None,
                None,
                "ann",
            )
            for i in range(n)
        ]
        found[0].text = " Ja.\nNej.\tMåske."  # line breaks, tabs and spaces kept
        found.sort(key=lambda quote: quote.code)
        scanned = 0
        write_quotes(
            QuoteList(CoderChoice("ann", 1, "given"), codes, found), "docx", tmp_path / f"{n}.docx"
        )
        done = scanned
        paragraphs = [p.text for p in Document(tmp_path / f"{n}.docx").paragraphs]
        assert len(paragraphs) == 2 * n + 4 + 2 and "“ Ja.\nNej.\tMåske.”" in paragraphs
        return done

    small, large = work(100), work(400)
    assert large < 4.5 * small


def test_markdown_escapes_the_text_and_cites_each_quote(study, tmp_path):
    path = tmp_path / "quotes.md"
    assert write_quotes(quotes(study, ["conditions"], coder="ann"), "md", path) == 2
    text = path.read_text(encoding="utf-8")
    assert "## Conditions (`conditions`)" in text
    assert r"> My boss asks \*too\* much &lt;b&gt;really&lt;/b&gt;." in text
    assert "> — P1, G2, t3, turn 2" in text
    assert "<b>" not in text


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(study, tmp_path):
    (tmp_path / "t4.txt").write_text("D1: =SUM(A1) is what my boss says.\n", encoding="utf-8")
    study.import_files([tmp_path / "t4.txt"], group="G3", language="en")
    study.add_codings(study.turn_id("t4", 1), ["conditions"], "ann")
    path = tmp_path / "formula.xlsx"
    write_quotes(quotes(study, ["conditions"], coder="ann"), "xlsx", path)
    cell = load_workbook(path)["conditions"]["E4"]
    assert (cell.value, cell.data_type) == ("=SUM(A1) is what my boss says.", "s")


def test_cli_quotes_in_every_format(study, tmp_path):
    runner = CliRunner()
    base = ["--project", str(study.path), "quotes"]
    result = runner.invoke(cli, [*base, "awareness", "--coder", "ann", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["text"] for r in rows] == [T1_6, T1_2, SPAN]
    result = runner.invoke(cli, [*base, "--coder", "ann", "--format", "json", "--pseudonymize"])
    assert [row["speaker"] for row in json.loads(result.stdout)][:3] == ["P02", "P01", "P03"]
    for suffix in ("xlsx", "docx", "md", "csv"):
        out = tmp_path / f"q.{suffix}"
        result = runner.invoke(cli, [*base, "--coder", "ann", "-o", str(out)])
        assert result.exit_code == 0 and out.exists(), result.output
        assert result.stdout.startswith("Wrote 9 quote(s)")
    result = runner.invoke(cli, [*base, "--coder", "ann", "--format", "xlsx"])
    assert result.exit_code == 1 and "give -o FILE.xlsx" in result.stderr
    result = runner.invoke(cli, [*base, "--coder", "ann", "-o", str(tmp_path / "q.pdf")])
    assert result.exit_code == 1 and "cannot tell the quote format" in result.stderr
    assert not (tmp_path / "q.pdf").exists()


def test_memos_written_on_the_code_page_reach_every_quote_list(demo, tmp_path):
    """A memo on a turn (the Code page's memo box) comes with the turn's quotes, beside the
    coding's own memo, in CSV, XLSX, DOCX and Markdown."""
    import csv

    import docx
    import openpyxl

    from qualcode.export.quotes import quotes, write_quotes

    coding = demo.codings(coder="coder-a")[0]
    demo.set_memo(coding["turn_id"], "coder-a", "Talks to the board =first time")
    paths = {fmt: tmp_path / f"q.{fmt}" for fmt in ("csv", "xlsx", "docx", "md")}
    for fmt, path in paths.items():
        write_quotes(quotes(demo, [coding["code"]], "coder-a"), fmt, path)
    with open(paths["csv"], encoding="utf-8") as handle:
        memos = [row["memo"] for row in csv.DictReader(handle)]
    assert "'Talks to the board =first time" not in memos  # only a leading = is quoted
    assert "Talks to the board =first time" in memos
    cells = [
        row[-1]
        for sheet in openpyxl.load_workbook(paths["xlsx"]).worksheets
        for row in sheet.iter_rows(values_only=True)
    ]
    assert "Talks to the board =first time" in cells
    texts = [p.text for p in docx.Document(paths["docx"]).paragraphs]
    assert "Memo: Talks to the board =first time" in texts
    assert "Memo: Talks to the board =first time" in paths["md"].read_text(encoding="utf-8")
