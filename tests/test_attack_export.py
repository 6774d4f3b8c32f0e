"""Attacks on the files qualcode writes: a full disk mid-write, formulas in CSV cells, scripts
in chart labels. Every input is made here, at test time.

A full disk is simulated without root in two ways: an ``OSError(ENOSPC)`` raised in the
middle of writing rows, and a file size limit (``RLIMIT_FSIZE``: Python ignores SIGXFSZ, so a
write past the limit fails with ``EFBIG``) that stops every writer, C libraries included,
part-way through its file.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import re
import resource

import pytest
from click.testing import CliRunner

from qualcode import files
from qualcode.analyse import charts, report
from qualcode.cli import cli
from qualcode.errors import QualcodeError
from qualcode.export.codings import write_codings_csv
from qualcode.files import csv_cell, csv_value, written
from qualcode.read.codings import read_codings_csv

OLD = b"the old file, which must survive\n"
HOSTILE = ["=1+1", "+x", "-x", "@x", "\tx", "\rx", "'=x", "'plain", '=HYPERLINK("http://h")']
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SCRIPT = "</script><script>alert(1)</script>"


@contextlib.contextmanager
def file_size_limit(size: int):
    """No file may grow past ``size`` bytes while the block runs."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def leftovers(folder, name):
    return [p.name for p in folder.iterdir() if p.name != name and name in p.name]


# ---------------------------------------------------------------- whole or not at all


def test_a_full_disk_mid_write_leaves_the_old_file_and_no_partial(study, tmp_path, monkeypatch):
    target = tmp_path / "codings.csv"
    target.write_bytes(OLD)
    calls = 0

    def full_disk(value):
        nonlocal calls
        calls += 1
        if calls > 20:  # a few rows are written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return csv_cell(value)

    monkeypatch.setattr(files, "csv_cell", full_disk)
    with pytest.raises(QualcodeError) as caught:
        write_codings_csv(study.codings(), target)
    assert str(caught.value) == f"{target}: cannot write the file (No space left on device)"
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, "codings.csv") == []


def test_written_replaces_only_when_complete_and_keeps_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(OLD)
    target.chmod(0o600)
    with pytest.raises(ValueError), written(target) as partial:
        partial.write_text("half")
        raise ValueError("the writer failed")
    assert target.read_bytes() == OLD and leftovers(tmp_path, "out.txt") == []
    with written(target) as partial:
        assert partial.parent == tmp_path and partial != target
        partial.write_text("new")
        assert target.read_bytes() == OLD  # not yet
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o600
    assert leftovers(tmp_path, "out.txt") == []


def test_written_through_a_link_replaces_the_file_it_points_to(tmp_path):
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "out.csv"
    real.write_bytes(OLD)
    link = tmp_path / "out.csv"
    link.symlink_to(real)
    with written(link) as partial:
        partial.write_text("new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    "args, name",
    [
        (["codings", "export"], "codings.csv"),
        (["quotes", "--coder", "ann", "-o"], "quotes.csv"),
        (["quotes", "--coder", "ann", "-o"], "quotes.md"),
        (["quotes", "--coder", "ann", "-o"], "quotes.xlsx"),
        (["quotes", "--coder", "ann", "-o"], "quotes.docx"),
        (["codebook", "export"], "codebook.yaml"),
        (["codebook", "export"], "codebook.qdc"),
        (["report", "frequency", "--coder", "ann", "--chart"], "chart.html"),
        (["export"], "project.qdpx"),
        (["report", "themes", "--coder", "ann", "-o"], "themes.docx"),
        (["report", "themes", "--coder", "ann", "-o"], "themes.html"),
        (["report", "framework", "--coder", "ann", "-o"], "framework.xlsx"),
        (["report", "framework", "--coder", "ann", "-o"], "framework.md"),
        (["report", "saturation", "--coder", "ann", "--chart"], "saturation.html"),
    ],
)
def test_every_export_on_a_full_disk_is_one_line_and_the_old_file_intact(
    study, tmp_path, args, name
):
    target = tmp_path / name
    target.write_bytes(OLD)
    before = study.path.read_bytes()
    with file_size_limit(300):
        result = CliRunner().invoke(cli, ["--project", str(study.path), *args, str(target)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {target}: cannot write the file (File too large)"
    assert "Traceback" not in result.output
    assert target.read_bytes() == OLD
    assert leftovers(tmp_path, name) == []
    assert study.path.read_bytes() == before
    # With room on the disk, the same command replaces the old file.
    result = CliRunner().invoke(cli, ["--project", str(study.path), *args, str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() != OLD and leftovers(tmp_path, name) == []


# ---------------------------------------------------------------- formulas in CSV cells


def test_csv_cells_never_start_a_formula_and_read_back_exactly():
    for value in HOSTILE:
        cell = csv_cell(value)
        assert not cell.startswith(TRIGGERS)
        assert csv_value(cell) == value
    assert csv_cell("plain") == "plain" and csv_cell(-3) == -3 and csv_cell(None) is None


def hostile_codings(project) -> None:
    """One coding per hostile value as its memo, and hostile names for a coder and a code."""
    turns = [row["id"] for row in project.query("SELECT id FROM turns ORDER BY id")]
    for turn_id, value in zip(turns, HOSTILE, strict=False):
        project.add_codings(turn_id, ["awareness"], "=cmd|' /C calc'!A0", memo=value)
    project.add_codings(turns[-1], ["community"], "-ann", span=(0, 3), memo="@SUM(A1)")


def test_codings_export_is_formula_free_and_imports_back_exactly(study, make_study, tmp_path):
    hostile_codings(study)
    path = tmp_path / "codings.csv"
    write_codings_csv(study.codings(), path)
    with open(path, encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell.startswith(TRIGGERS)]
    assert "'=1+1" in cells and "''=x" in cells and "'\tx" in cells
    fresh = make_study(tmp_path / "fresh")
    with fresh:
        rows = read_codings_csv(path)
        assert {row["memo"] for row in rows} >= set(HOSTILE)

        def keyed(project, coders):
            return sorted(
                (c["transcript"], c["turn"], c["code"], c["coder"], c["start"], c["end"], c["memo"])
                for c in project.codings()
                if c["coder"] in coders
            )

        coders = {"=cmd|' /C calc'!A0", "-ann"}
        assert keyed(fresh, coders) == []
        fresh.import_codings(rows, path)
        assert keyed(fresh, coders) == keyed(study, coders)
        assert len(keyed(fresh, coders)) == len(HOSTILE) + 1


def test_quote_csv_and_listings_are_formula_free(study, tmp_path):
    hostile_codings(study)
    quotes_csv = tmp_path / "quotes.csv"
    base = ["--project", str(study.path)]
    coder = "=cmd|' /C calc'!A0"
    result = CliRunner().invoke(cli, [*base, "quotes", "--coder", coder, "-o", str(quotes_csv)])
    assert result.exit_code == 0, result.output
    listing = CliRunner().invoke(cli, [*base, "codings", "--format", "csv"])
    assert listing.exit_code == 0, listing.output
    for text in (quotes_csv.read_bytes().decode("utf-8"), listing.stdout):
        cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
        assert not [cell for cell in cells if cell.startswith(TRIGGERS)]
        assert "'=1+1" in cells and "'" + coder in cells
    # A memo with a lone carriage return is one quoted cell, not a broken row (the listings
    # end their rows with CR LF, so the writer quotes a cell holding either).
    rows = list(csv.DictReader(io.StringIO(listing.stdout, newline="")))
    assert "'\rx" in {row["memo"] for row in rows}
    assert {len(row) for row in rows} == {len(rows[0])}


def test_quote_workbooks_hold_formulas_as_text(study, tmp_path):
    from openpyxl import load_workbook

    hostile_codings(study)
    path = tmp_path / "quotes.xlsx"
    CliRunner().invoke(
        cli,
        ["--project", str(study.path), "quotes", "--coder", "=cmd|' /C calc'!A0", "-o", str(path)],
    )
    sheet = load_workbook(path)["awareness"]
    memos = [row[5] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in memos} == set(HOSTILE)
    assert {cell.data_type for cell in memos} == {"s"}


# ---------------------------------------------------------------- scripts in chart pages


def embedded_spec(page: str) -> dict:
    found = re.search(r"const spec = (.*?);\n\s*const embedOpt", page, re.S)
    return json.loads(found.group(1))


def test_a_chart_label_cannot_end_the_script_element(study, tmp_path):
    (tmp_path / "t4.txt").write_text("P1: Hello there.\n\nP2: Hi.\n", encoding="utf-8")
    study.import_files([tmp_path / "t4.txt"], group=SCRIPT, language="en")
    study.add_codings(study.turn_id("t4", 1), ["awareness"], "ann")
    book = study.codebook()
    book.codes[0].label = {language: SCRIPT + "&\u2028" for language in book.languages}
    study.load_codebook(book, merge=True)
    for result in (
        report.frequency(study, coder="ann"),
        report.frequency(study, by="group", coder="ann"),
    ):
        path = charts.save_chart(charts.chart(result), tmp_path / "chart.html")
        page = path.read_text(encoding="utf-8")
        assert "<script>alert" not in page and "</script><script>" not in page
        assert page.count("</script>") == 2  # the libraries' and the spec's own
        values = json.dumps(embedded_spec(page)["datasets"], ensure_ascii=False)
        assert SCRIPT + "&\u2028" in values or result.by == "group"
        assert SCRIPT in values


# ---------------------------------------------------------------- the write-up and the matrix


def hostile_transcript(study, tmp_path) -> list[str]:
    """A transcript whose turns are formulas, markup and table pipes, coded by ann."""
    texts = [*HOSTILE[:4], SCRIPT, "a | b || c", "# heading *bold* [link](http://h)"]
    body = "".join(f"P{i}: {text}\n\n" for i, text in enumerate(texts, start=1))
    (tmp_path / "t5.txt").write_text(body, encoding="utf-8")
    study.import_files([tmp_path / "t5.txt"], group=SCRIPT, language="en")
    for turn in range(1, len(texts) + 1):
        study.add_codings(study.turn_id("t5", turn), ["awareness"], "ann")
    return texts


def test_the_framework_workbook_holds_formulas_as_text_and_markdown_keeps_its_columns(
    study, tmp_path
):
    from openpyxl import load_workbook

    from qualcode.export.framework import framework
    from qualcode.export.writeup import write_framework

    texts = hostile_transcript(study, tmp_path)
    matrix = framework(study, coder="ann")
    write_framework(matrix, tmp_path / "framework.xlsx")
    sheet = load_workbook(tmp_path / "framework.xlsx")["Framework"]
    cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[1].value.startswith("t5 ·")]
    assert [cell.value for cell in cells] == [f"{t} (turn {i})" for i, t in enumerate(texts, 1)]
    assert {cell.data_type for cell in cells} == {"s"}
    write_framework(matrix, tmp_path / "framework.md")
    table = [
        line for line in (tmp_path / "framework.md").read_text().splitlines() if "t5 ·" in line
    ]
    columns = 2 + len(matrix.themes)
    assert all(len(re.split(r"(?<!\\)\|", line)) == columns + 2 for line in table)
    assert not any("<script>" in line for line in table)


def test_the_writeup_shows_hostile_text_as_text(study, tmp_path):
    from qualcode.export.themes import themes
    from qualcode.export.writeup import write_writeup

    hostile_transcript(study, tmp_path)
    book = study.codebook()
    book.codes[0].label = {language: SCRIPT for language in book.languages}
    book.codes[0].description = "# not a heading <img src=x onerror=alert(1)>"
    study.load_codebook(book, merge=True)
    writeup = themes(study, coder="ann")
    write_writeup(writeup, tmp_path / "themes.html")
    page = (tmp_path / "themes.html").read_text()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    write_writeup(writeup, tmp_path / "themes.md")
    text = (tmp_path / "themes.md").read_text()
    assert "\n# not a heading" not in text and "\\# not a heading &lt;img" in text
