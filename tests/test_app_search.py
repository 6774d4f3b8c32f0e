"""The Search page with AppTest: the two hand-counted groups of tests/conftest.py (``groups``)
searched across transcripts, its filters, paging on the demo project, the address, and
hostile text shown literally."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.app import APP_SCRIPT
from qualcode.store import PROJECT_ENV


@pytest.fixture
def app(groups, monkeypatch) -> AppTest:
    monkeypatch.setenv(PROJECT_ENV, str(groups.path))
    return AppTest.from_file(str(APP_SCRIPT), default_timeout=30)


@pytest.fixture
def demo_app(demo, monkeypatch) -> AppTest:
    monkeypatch.setenv(PROJECT_ENV, str(demo.path))
    return AppTest.from_file(str(APP_SCRIPT), default_timeout=30)


def search_page(app: AppTest) -> AppTest:
    app.run()
    app.switch_page("views/search.py").run()
    assert not app.exception, app.exception
    return app


def position(app: AppTest) -> str:
    return next(c.value for c in app.caption if c.value.startswith("Page "))


def cards(app: AppTest) -> list[str]:
    return [h.proto.body for h in app.get("html") if h.proto.body.startswith('<div class="qc-turn')]


def links(app: AppTest) -> list[dict[str, list[str]]]:
    """Where each result's button leads: the Code page's address parameters."""
    found = []
    for element in app.get("link_button"):
        url = urlsplit(element.proto.url)
        assert url.path == "code"
        found.append(parse_qs(url.query))
    return found


def test_a_word_is_found_in_every_transcript_and_marked(app, groups):
    search_page(app)
    assert position(app).endswith("of 9 turns in 2 transcripts")
    app.text_input(key="s_text").input("chef").run()
    assert position(app) == "Page 1 of 1 · showing 1–5 of 5 turns in 2 transcripts"
    shown = cards(app)
    assert len(shown) == 5
    assert [card.count('<span class="qc-where">gruppe-a</span>') for card in shown] == [
        1,
        1,
        1,
        0,
        0,
    ]
    assert "min <mark>chef</mark> nu" in shown[0] and "<mark>Chef</mark>en lytter" in shown[1]
    assert "<mark>CHEF</mark> er et stort ord" in shown[4]
    boundaries = groups.codebook().get("boundaries").display("da")
    assert f"{boundaries} · ann, ben" in shown[0]  # every coder's codes, read-only
    assert links(app) == [
        {"transcript": ["gruppe-a"], "page": ["1"]},
        {"transcript": ["gruppe-a"], "page": ["1"]},
        {"transcript": ["gruppe-a"], "page": ["1"]},
        {"transcript": ["gruppe-b"], "page": ["1"]},
        {"transcript": ["gruppe-b"], "page": ["1"]},
    ]
    assert not app.pills  # read-only: nothing to code with


def test_attribute_participant_and_transcripts(app):
    search_page(app)
    app.selectbox(key="s_attribute").set_value("gender=f").run()
    assert position(app).endswith("showing 1–4 of 4 turns in 2 transcripts")
    app.text_input(key="s_text").input("chef").run()
    assert position(app).endswith("showing 1–2 of 2 turns in 2 transcripts")
    app.selectbox(key="s_attribute").set_value(None)
    app.text_input(key="s_text").input("").run()
    app.selectbox(key="s_participant").set_value("gruppe-b:D2").run()
    assert position(app).endswith("showing 1–1 of 1 turn in 1 transcript")
    assert "Jeg har det godt i gruppen." in cards(app)[0]
    app.selectbox(key="s_participant").set_value(None).run()
    app.multiselect(key="s_transcripts").set_value(["gruppe-b"]).run()
    assert position(app).endswith("showing 1–4 of 4 turns in 1 transcript")
    assert app.selectbox(key="s_participant").options == [
        "gruppe-b · TK (interviewer)",
        "gruppe-b · D1 (gender=m)",
        "gruppe-b · D2 (gender=f)",
        "gruppe-b · D3 (gender=f)",
    ]


def test_a_coders_codes_and_uncoded_turns(app):
    search_page(app)
    assert app.toggle(key="s_uncoded").proto.disabled  # whose uncoded turns? choose first
    app.selectbox(key="s_coder").set_value("ann").run()
    assert not app.toggle(key="s_uncoded").proto.disabled
    app.toggle(key="s_uncoded").set_value(True).run()
    assert position(app).endswith("showing 1–3 of 3 turns in 2 transcripts")
    assert all(link["coder"] == ["ann"] for link in links(app))
    app.toggle(key="s_uncoded").set_value(False)
    app.selectbox(key="s_code").set_value("conditions").run()
    assert position(app).endswith("showing 1–1 of 1 turn in 1 transcript")
    assert "Min chef har sagt ja" in cards(app)[0]
    app.selectbox(key="s_coder").set_value(None).run()
    assert position(app).endswith("showing 1–2 of 2 turns in 2 transcripts")  # ann's and ben's


def test_results_are_paged_and_lead_to_the_turns_page(demo_app):
    search_page(demo_app)
    assert position(demo_app) == "Page 1 of 10 · showing 1–25 of 247 turns in 4 transcripts"
    demo_app.button(key="s-next-top").click().run()
    assert position(demo_app) == "Page 2 of 10 · showing 26–50 of 247 turns in 4 transcripts"
    assert demo_app.query_params["page"] == "2"
    assert links(demo_app)[0] == {"transcript": ["focus-group-en"], "page": ["2"]}
    for _ in range(2):
        demo_app.button(key="s-next-bottom").click().run()
    # page 3 ends focus-group-en (52 turns), page 4 is netvaerk-1's turns 24-48
    assert position(demo_app) == "Page 4 of 10 · showing 76–100 of 247 turns in 4 transcripts"
    assert links(demo_app)[0] == {"transcript": ["netvaerk-1"], "page": ["1"]}
    assert links(demo_app)[-1] == {"transcript": ["netvaerk-1"], "page": ["2"]}
    demo_app.button(key="s-previous-top").click().run()
    assert position(demo_app).startswith("Page 3 of 10")
    demo_app.text_input(key="s_text").input("chef").run()  # new filters: back to page 1
    assert position(demo_app).startswith("Page 1 of 1")
    assert "page" not in demo_app.query_params


def test_the_address_opens_the_same_search(demo_app):
    demo_app.query_params.update({"s_text": "the", "page": "2", "s_coder": "coder-a"})
    search_page(demo_app)
    assert demo_app.text_input(key="s_text").value == "the"
    assert demo_app.selectbox(key="s_coder").value == "coder-a"
    assert position(demo_app).startswith("Page 2 of ")


def test_hostile_text_is_shown_literally(app, groups, tmp_path: Path):
    path = tmp_path / "![x](http:evil) <b>.txt"
    path.write_text(
        "D1: Jeg skrev <script>alert(1)</script> & <b>fed</b> chef.\n\n<img src=x>: **ikke** fed\n",
        encoding="utf-8",
    )
    groups.import_files([path], language="da")
    search_page(app)
    app.text_input(key="s_text").input("<script>").run()
    assert not app.exception
    (card,) = cards(app)
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in card
    assert "<script>" not in card and "<b>" not in card
    assert '<span class="qc-where">![x](http:evil) &lt;b&gt;</span>' in card
    (button,) = app.get("link_button")
    assert parse_qs(urlsplit(button.proto.url).query)["transcript"] == ["![x](http:evil) <b>"]
    assert "\\!\\[x\\]\\(http\\:evil\\)" in button.proto.help
