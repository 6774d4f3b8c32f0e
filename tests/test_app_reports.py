"""The Reports page on the hand-counted study (tests/conftest.py): what its figures leave out
and whose they are, checked against the counts by hand in tests/test_report.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.analyse.consensus import adjudicate_turn
from qualcode.app import APP_SCRIPT
from qualcode.app.downloads import download_name
from qualcode.app.session import error_text, in_page_terms
from qualcode.errors import QualcodeError
from qualcode.store import PROJECT_ENV


@pytest.fixture
def app(study, monkeypatch) -> AppTest:
    monkeypatch.setenv(PROJECT_ENV, str(study.path))
    return AppTest.from_file(str(APP_SCRIPT), default_timeout=30)


def reports(app: AppTest) -> AppTest:
    app.run()
    app.switch_page("views/reports.py").run()
    assert not app.exception, app.exception
    return app


def shown(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def captions(app: AppTest) -> str:
    return " ".join(shown(c.value) for c in app.caption)


def test_the_reports_page_names_the_transcripts_a_coder_has_not_coded(app):
    reports(app)
    app.selectbox(key="report_coder").set_value("ben").run()
    app.segmented_control(key="report_by").set_value("code").run()
    assert "ben has not coded 1 transcript(s), left out: t3." in captions(app)
    table = app.dataframe[0].value.set_index("code")
    assert table.loc["awareness", "share"] == round(2 / 7, 4)
    assert table.loc["awareness", "not_coded"] == "t3"


def test_an_unfinished_consensus_says_how_many_are_open_and_offers_each_coders_figures(app, study):
    adjudicate_turn(study, study.turn_id("t1", 3), "b", coders=["ann", "ben"])
    reports(app)
    assert app.selectbox(key="report_coder").value == "(automatic)"
    assert "It leaves out 1 transcript(s): t3 (not coded by ben)." in captions(app)
    (warning,) = app.warning
    assert shown(warning.value).startswith(
        "4 of the 5 turn(s) where ann and ben differ are not adjudicated yet, so"
    )
    assert "Agreement page" in warning.value and "--" not in warning.value
    assert "adjudicated yet" not in captions(app)  # said once, in the warning
    app.button(key="own_figures_ben").click().run()
    assert app.selectbox(key="report_coder").value == "ben"
    assert not app.warning
    assert "Figures for coder 'ben' (chosen)." in captions(app)


GENDERS = {("t1", "D1"): "f", ("t1", "D2"): "m", ("t2", "P1"): "f", ("t2", "P2"): "m"}


def test_speaker_attributes_break_reports_down_and_narrow_them(app, study):
    for (transcript, label), gender in GENDERS.items():
        study.set_speaker(transcript, label, attributes={"gender": gender})
    reports(app)
    app.selectbox(key="report_coder").set_value("ann").run()
    app.segmented_control(key="report_by").set_value("attribute:gender").run()
    table = app.dataframe[0].value.set_index(["gender", "code"])
    assert table.loc[("f", "awareness"), "share"] == 0.5  # t1#2, t2#2 of f's 4 turns
    assert table.loc[("(not set)", "conditions"), "share"] == 1.0  # t3's P1
    assert not app.exception
    app.segmented_control(key="report_view").set_value("crosstab").run()
    app.segmented_control(key="crosstab_by").set_value("attribute:gender").run()
    crosstab = app.dataframe[0].value
    assert list(crosstab.columns) == ["code", "label", "f", "m", "(not set)", "total"]
    app.selectbox(key="report_coder").set_value("ben").run()
    app.multiselect(key="report_speakers").set_value(["gender=f"]).run()
    app.segmented_control(key="report_view").set_value("frequency").run()
    app.segmented_control(key="report_by").set_value("code").run()
    shares = app.dataframe[0].value.set_index("code")["share"]
    assert (shares["awareness"], shares["community"]) == (0.5, 0.25)  # of f's 4 turns
    said = "Only the turns of speakers with gender = f: shares are over their participant turns."
    assert said in captions(app)


def test_quotes_of_every_coder_on_the_reports_page(app):
    reports(app)
    app.segmented_control(key="report_view").set_value("quotes").run()
    app.selectbox(key="quote_theme").set_value("boundaries").run()
    app.toggle(key="quotes_every_coder").set_value(True).run()
    text = " ".join(h.proto.body for h in app.get("html"))
    assert text.count('class="qc-text"') == 4  # ann t1#5, t1#6; ben t1#3, t1#5
    assert text.count("coded by ann") == 2 and text.count("coded by ben") == 2
    assert "Quotes coded by every coder (ann, ben)" in captions(app)


# ---------------------------------------------------------------- the app's own words

APP = Path(__file__).parent.parent / "qualcode" / "app"
COMMAND_LINE = re.compile(r"(?<![\w-])--(?!qc-)[a-z]|\bqualcode [a-z]+\b|\bcommand[- ]line flag")


def shown_strings(path: Path) -> list[str]:
    """The string literals of a module (f-strings' text parts too), docstrings and regular
    expressions left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    patterns = {  # re.compile's patterns are read, not shown
        id(argument)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "compile"
        for argument in node.args
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings | patterns
    ]


def test_the_app_never_speaks_in_command_line_terms():
    modules = [*sorted((APP / "views").glob("*.py")), APP / "session.py", APP / "main.py"]
    found = [
        (path.name, text)
        for path in modules
        for text in shown_strings(path)
        if COMMAND_LINE.search(text)
    ]
    assert found == []
    assert COMMAND_LINE.search("choose with --coder") and COMMAND_LINE.search(
        "'qualcode adjudicate'"
    )
    # what the library says in the command line's terms, the pages say in their own
    notice = "x.txt: 3 line(s) look like … (lines 7, 8); check them, or ask for that layout "
    notice += "(--layout labels)"
    assert in_page_terms(notice).endswith(
        "ask for that layout (choose labels under Layout of text and document files)"
    )
    assert error_text(QualcodeError("the codebook has no codes yet", fix="codebook")) == (
        "the codebook has no codes yet; add codes, or load a codebook, on the Codebook page"
    )


def test_the_reports_page_names_its_own_controls(app):
    reports(app)  # ann and ben, no consensus: ann, who has the most codings
    text = captions(app)
    assert "the project also has ben" in text
    assert "Choose another coder in the Coder box above" in text and "--" not in text


def test_download_names_say_project_theme_report_and_coder():
    assert (
        download_name("/data/leaders.db", "quotes", "coder-a", "docx", "boundaries")
        == "leaders-boundaries-quotes-coder-a.docx"
    )
    assert download_name("Ledere i Balance.db", "quotes", "all", "xlsx") == (
        "ledere-i-balance-quotes-every-coder.xlsx"
    )
    assert download_name("p.db", "memos", "Søren/../Ærø", "csv") == "p-memos-soeren-aeroe.csv"
    assert download_name("p.db", "memos", None, "csv", "self-priority") == (
        "p-self-priority-memos-every-coder.csv"
    )
    assert download_name("«».db", "quotes", "…", "md") == "project-quotes-coder.md"
