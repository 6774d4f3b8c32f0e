"""The Streamlit workbench, page by page, with AppTest on a real demo project file: every
action is checked against what the SQLite file holds afterwards."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qualcode.analyse.project_agreement import project_agreement
from qualcode.app import APP_SCRIPT
from qualcode.app.downloads import qdc_file
from qualcode.app.main import PAGES, project_path
from qualcode.app.markup import literal
from qualcode.codebook import default_codebook_path, load_codebook, parse_codebook
from qualcode.store import PROJECT_ENV, Project
from qualcode.store.codebook import coding_counts

EN = "focus-group-en"  # 52 turns; 40 by participants; the interviewer speaks first
NEW_TRANSCRIPT = (
    "Netværk 4, fokusgruppe\n\n"
    "TK: Hvad har I lagt mærke til?\n\n"
    "D1: Jeg sover bedre, og jeg mærker efter.\n\n"
    "D2: Jeg har sagt fra over for min chef.\n"
).encode()


@pytest.fixture
def app(demo, monkeypatch) -> AppTest:
    """The app on a fresh copy of the demo project (``demo`` is a second connection to it,
    for checking what the app stored)."""
    monkeypatch.setenv(PROJECT_ENV, str(demo.path))
    return AppTest.from_file(str(APP_SCRIPT), default_timeout=30)


def open_page(app: AppTest, name: str) -> AppTest:
    app.run()
    app.switch_page(f"views/{name}.py").run()
    assert not app.exception, app.exception
    return app


def choose_coder(app: AppTest, name: str) -> None:
    """A new coder: "New coder…", the name, Start."""
    app.selectbox(key="coder").set_value("New coder…").run()
    app.text_input(key="new_coder").input(name)
    app.button(key="start_coding").click().run()
    assert not app.exception, app.exception


def pills_of(app: AppTest, turn_id: int):
    """A turn's pills (their key names the codes they show: ``codes-<turn>-<bits>``)."""
    (found,) = [p for p in app.pills if p.key.startswith(f"codes-{turn_id}-")]
    return found


def pills(app: AppTest, project: Project, turn: int, transcript: str = EN):
    return pills_of(app, project.turn_id(transcript, turn))


def progress_text(app: AppTest) -> str:
    return app.get("progress")[0].proto.text


def pager_text(app: AppTest) -> str:
    return next(c.value for c in app.caption if c.value.startswith("Page "))


def shown(markdown: str) -> str:
    """What a message's Markdown shows: names in it are escaped to show literally."""
    return re.sub(r"\\(.)", r"\1", markdown)


def stored_codes(project: Project, coder: str, turn: int) -> list[str]:
    return [c["code"] for c in project.codings(coder=coder, turn_id=project.turn_id(EN, turn))]


# ---------------------------------------------------------------- the frame


def test_every_page_opens_with_the_project_in_the_sidebar(app, demo):
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Project"]
    assert str(demo.path.resolve()) in [c.value for c in app.sidebar.caption]
    for spec in PAGES:
        open_page(app, spec.script[:-3])
        assert [t.value for t in app.title] == [spec.title]


def test_no_pages_folder_beside_the_entry_script():
    """Streamlit runs a ``pages/`` folder beside the entry script as its older multipage app,
    page scripts without the frame; the pages live in ``views/`` and in :data:`PAGES`."""
    assert not (APP_SCRIPT.parent / "pages").exists()
    assert all((APP_SCRIPT.parent / "views" / spec.script).is_file() for spec in PAGES)


def test_the_project_to_open(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    assert project_path() == Path("qualcode-demo.db")  # created from the samples
    with Project(tmp_path / "qualcode-demo.db") as created:
        assert len(created.transcripts()) == 4
    Project.create(tmp_path / "qualcode.db").close()
    assert project_path() == Path("qualcode.db")
    monkeypatch.setenv(PROJECT_ENV, str(tmp_path / "chosen.db"))
    assert project_path() == tmp_path / "chosen.db"


# ---------------------------------------------------------------- Project page


def test_project_page_lists_transcripts_with_their_counts(app, demo):
    open_page(app, "project")
    table = app.dataframe[0].value
    assert list(table["name"]) == [row["name"] for row in demo.transcripts()]
    assert list(table["turns"]) == [52, 67, 59, 69]
    assert list(table["words"]) == [row["words"] for row in demo.transcripts()]


def test_an_upload_is_previewed_before_it_is_stored(app, demo):
    open_page(app, "project")
    app.file_uploader[0].set_value(("netvaerk-4.txt", NEW_TRANSCRIPT, "text/plain")).run()
    assert not app.exception and not app.error
    assert any("3 turns, 3 speakers" in c.value for c in app.caption)
    preview = [frame.value for frame in app.dataframe]
    assert any(list(frame.get("speaker", [])) == ["TK", "D1", "D2"] for frame in preview)
    assert len(demo.transcripts()) == 4  # nothing stored by the preview
    assert app.multiselect(key="upload_interviewers").value == ["TK"]
    app.text_input(key="upload_group").input("Netværk 4")
    app.text_input(key="name-netvaerk-4.txt").input("network-4")
    app.button(key="store_upload").click().run()
    assert not app.exception and not app.error
    stored = demo.transcript("network-4")
    assert stored["group"] == "Netværk 4" and stored["language"] == "da"
    roles = {s["label"]: s["role"] for s in demo.speakers("network-4")}
    assert roles == {"TK": "interviewer", "D1": "participant", "D2": "participant"}
    assert "network-4" in list(app.dataframe[0].value["name"])
    assert not app.file_uploader[0].value  # a fresh uploader for the next batch


def test_a_bad_upload_shows_an_error_and_stores_nothing(app, demo):
    open_page(app, "project")
    app.file_uploader[0].set_value(("notes.txt", b"\xff\xfe\x00garbage\x00" * 3, "text/plain"))
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] and "notes.txt" in shown(app.error[0].value)
    assert len(demo.transcripts()) == 4


def test_names_from_an_upload_are_shown_literally(app, demo):
    """A file name and a speaker label made of Markdown show as typed (an image link would
    make the browser fetch it)."""
    open_page(app, "project")
    name = "![x](http://10.255.255.1/p.png).txt"
    upload = b"TK: Hvad?\n\n**Ann**: Jeg sover bedre.\n"
    app.file_uploader[0].set_value((name, upload, "text/plain")).run()
    assert not app.exception, app.exception
    caption = next(c.value for c in app.caption if "turns," in c.value)
    assert caption.startswith(r"\!\[x\]\(http\://10\.255\.255\.1/p\.png\)\.txt: ")
    app.file_uploader[0].set_value(("**x**.txt", b"\x00\x01" * 100, "text/plain")).run()
    assert app.error and app.error[0].value.startswith(r"\*\*x\*\*\.txt")


def test_speaker_roles_attributes_and_group_are_saved(app, demo):
    open_page(app, "project")
    app.selectbox(key="speakers_transcript").set_value("netvaerk-1").run()
    app.selectbox(key="role-netvaerk-1-D1").set_value("interviewer")
    app.text_input(key="attr-netvaerk-1-D2-gender").input("woman")
    app.text_input(key="group-netvaerk-1").input("Network one")
    app.button[[b.label for b in app.button].index("Save speakers")].click().run()
    assert not app.exception and not app.error
    speakers = {s["label"]: s for s in demo.speakers("netvaerk-1")}
    assert speakers["D1"]["role"] == "interviewer"
    assert speakers["D2"]["attributes"] == {"gender": "woman"}
    assert demo.transcript("netvaerk-1")["group"] == "Network one"
    # a new attribute column, then a value in it
    app.text_input(key="new_attribute").input("sector")
    app.button(key="add_attribute").click().run()
    app.text_input(key="attr-netvaerk-1-D2-sector").input("bakery")
    app.button[[b.label for b in app.button].index("Save speakers")].click().run()
    speakers = {s["label"]: s for s in demo.speakers("netvaerk-1")}
    assert speakers["D2"]["attributes"] == {"gender": "woman", "sector": "bakery"}


def test_create_a_new_project_and_open_another(app, demo, tmp_path):
    open_page(app, "project")
    new = tmp_path / "study" / "new.db"
    app.text_input(key="project_file").input(str(new))
    app.button(key="create_project").click().run()
    assert not app.exception and not app.error
    with Project(new) as created:
        assert created.codebook().keys()[0] == "awareness" and created.transcripts() == []
    assert str(new.resolve()) in [c.value for c in app.sidebar.caption]
    assert app.info[0].value.startswith("No transcripts yet")
    # a file that is not a project: an error, and the new project stays open
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    app.text_input(key="project_file").input(str(junk))
    app.button(key="open_project").click().run()
    assert "not a qualcode project" in shown(app.error[0].value)
    assert str(new.resolve()) in [c.value for c in app.sidebar.caption]
    app.text_input(key="project_file").input(str(demo.path))
    app.button(key="open_project").click().run()
    assert len(app.dataframe[0].value) == 4


# ---------------------------------------------------------------- Codebook page


def test_add_a_code_with_keywords(app, demo):
    open_page(app, "codebook")
    app.text_input(key="key-").input("fixer")
    app.text_input(key="label--da").input("Lederen som fixer")
    app.text_input(key="label--en").input("The manager as fixer")
    app.text_area(key="keywords--da").input("fikse\nløse problemer\n")
    app.selectbox(key="parent-").set_value("boundaries")
    app.button[[b.label for b in app.button].index("Save code")].click().run()
    assert not app.exception and not app.error
    code = demo.codebook().get("fixer")
    assert code.label == {"da": "Lederen som fixer", "en": "The manager as fixer"}
    assert code.keywords == {"da": ["fikse", "løse problemer"]}
    assert [c.key for c in demo.codebook().get("boundaries").children] == ["fixer"]
    assert app.selectbox(key="edit_code").value == "fixer"  # now editing the new code


def test_a_bad_key_shows_an_error_and_stores_nothing(app, demo):
    open_page(app, "codebook")
    app.text_input(key="key-").input("The Fixer")
    app.text_input(key="label--en").input("Fixer")
    app.button[[b.label for b in app.button].index("Save code")].click().run()
    assert "must be lower-case" in shown(app.error[0].value)
    assert len(demo.codebook().keys()) == 5
    assert app.button[[b.label for b in app.button].index("Save code")]  # still usable


def test_edit_the_keywords_of_a_code(app, demo):
    before = demo.codebook().get("awareness")
    open_page(app, "codebook")
    app.selectbox(key="edit_code").set_value("awareness").run()
    box = app.text_area(key="keywords-awareness-en")
    box.input(box.value + "\nbody scan")
    app.button[[b.label for b in app.button].index("Save code")].click().run()
    assert not app.exception and not app.error
    after = demo.codebook().get("awareness")
    assert after.keywords["en"] == [*before.keywords["en"], "body scan"]
    assert after.keywords["da"] == before.keywords["da"] and after.guid == before.guid


def test_deleting_a_code_with_codings_asks_first(app, demo):
    codings = coding_counts(demo)["community"]
    open_page(app, "codebook")
    app.selectbox(key="edit_code").set_value("community").run()
    app.button(key="delete-community").click().run()
    assert "community" in demo.code_ids()  # not yet
    assert f"{codings} codings" in app.warning[0].value
    app.button(key="confirm_no").click().run()
    assert not app.warning and "community" in demo.code_ids()
    app.button(key="delete-community").click().run()
    app.button(key="confirm_yes").click().run()
    assert not app.exception and not app.error
    assert "community" not in demo.code_ids()
    assert "community" not in {c["code"] for c in demo.codings()}
    assert app.selectbox(key="edit_code").value == ""


def test_move_a_code_and_delete_an_unused_one(app, demo):
    open_page(app, "codebook")
    app.selectbox(key="edit_code").set_value("community").run()
    app.button(key="up-community").click().run()
    assert demo.codebook().keys()[-2:] == ["community", "boundaries"]
    app.selectbox(key="edit_code").set_value("").run()
    app.text_input(key="key-").input("unused")
    app.text_input(key="label--en").input("Unused")
    app.button[[b.label for b in app.button].index("Save code")].click().run()
    app.button(key="delete-unused").click().run()  # no codings: no question
    assert not app.warning and "unused" not in demo.code_ids()


def test_load_a_yaml_codebook_by_merging(app, demo):
    yaml_text = (
        "name: Extra\nlanguages: [en]\ncodes:\n"
        "  - key: good-life\n    label: The good life\n    color: '#b07aa1'\n"
    )
    open_page(app, "codebook")
    app.file_uploader(key="codebook_file").set_value(
        ("extra.yaml", yaml_text.encode(), "text/yaml")
    )
    app.run()
    app.button(key="codebook_load").click().run()
    assert not app.exception and not app.error
    book = demo.codebook()
    assert len(book.keys()) == 6 and book.get("good-life").color == "#b07aa1"
    assert coding_counts(demo)["awareness"] > 0  # merging keeps the codings
    assert app.download_button(key="codebook_export").label == "Export YAML"


def test_replacing_asks_before_codings_go(app, demo):
    yaml_text = "name: Small\nlanguages: [en]\ncodes:\n  - key: awareness\n    label: Awareness\n"
    open_page(app, "codebook")
    app.file_uploader(key="codebook_file").set_value(
        ("small.yaml", yaml_text.encode(), "text/yaml")
    )
    app.radio(key="codebook_mode").set_value("replace").run()
    assert "conditions (" in shown(app.warning[0].value)
    assert app.button(key="codebook_load").disabled
    app.checkbox(key="codebook_force").check().run()
    app.button(key="codebook_load").click().run()
    assert demo.codebook().keys() == ["awareness"]
    assert {c["code"] for c in demo.codings()} == {"awareness"}


def test_load_a_refi_codebook_from_another_tool(app, demo):
    """The REFI-QDA 1.5 Annex A.1 example codebook: six codes, merged beside the five."""
    qdc = Path(__file__).parent / "fixtures/refi/qdc/refi-1.5-annexA1-example-codebook.qdc"
    open_page(app, "codebook")
    app.file_uploader(key="codebook_file").set_value(
        ("example.qdc", qdc.read_bytes(), "application/xml")
    )
    app.run()
    app.button(key="codebook_load").click().run()
    assert not app.exception and not app.error
    book = demo.codebook()
    assert len(book.keys()) == 11
    assert "Health care" in [code.label.get("en") or code.label.get("da") for code in book.codes]
    assert coding_counts(demo)["awareness"] > 0


def test_our_own_qdc_replaces_the_codebook_keeping_every_coding(app, demo):
    before = sorted((c["code"], c["turn_id"], c["coder"]) for c in demo.codings())
    open_page(app, "codebook")
    app.file_uploader(key="codebook_file").set_value(
        ("leaders.qdc", qdc_file(demo.codebook()), "application/xml")
    )
    app.radio(key="codebook_mode").set_value("replace").run()
    assert not app.warning  # every code is matched: nothing would be dropped
    app.button(key="codebook_load").click().run()
    assert not app.exception and not app.error
    assert demo.codebook().keys() == load_codebook(default_codebook_path()).keys()
    assert sorted((c["code"], c["turn_id"], c["coder"]) for c in demo.codings()) == before


def test_a_malformed_yaml_is_reported_with_its_line(app, demo):
    open_page(app, "codebook")
    bad = b"name: X\nlanguages: [en]\ncodes:\n  - key: Bad Key\n    label: x\n"
    app.file_uploader(key="codebook_file").set_value(("bad.yaml", bad, "text/yaml")).run()
    assert "bad.yaml:4" in shown(app.error[0].value)
    assert len(demo.codebook().keys()) == 5


# ---------------------------------------------------------------- Code page


def test_code_a_turn_by_hand_and_remove_it(app, demo):
    open_page(app, "code")
    assert app.info[0].value.startswith("Choose who you are")
    assert not app.pills  # read-only until a coder is chosen
    choose_coder(app, "ann")
    assert progress_text(app) == "0 of 40 participant turns coded by ann"
    pills(app, demo, 2).set_value(["awareness"]).run()
    assert not app.exception and not app.error
    assert stored_codes(demo, "ann", 2) == ["awareness"]
    assert demo.codings(coder="ann")[0]["origin"] == "manual"
    assert progress_text(app) == "1 of 40 participant turns coded by ann"
    assert pills(app, demo, 2).value == ["awareness"]
    pills(app, demo, 2).set_value(["awareness", "community"]).run()
    assert stored_codes(demo, "ann", 2) == ["awareness", "community"]
    pills(app, demo, 2).set_value([]).run()
    assert stored_codes(demo, "ann", 2) == []
    assert progress_text(app) == "0 of 40 participant turns coded by ann"


def test_an_existing_coder_sees_their_codes_and_progress(app, demo):
    coded = len({c["turn"] for c in demo.codings(coder="coder-a", transcript=EN)})
    open_page(app, "code")
    app.selectbox(key="coder").set_value("coder-a").run()
    assert progress_text(app).startswith(f"{coded} of 40")
    assert pills(app, demo, 2).value == stored_codes(demo, "coder-a", 2)


def test_undo_and_redo_on_the_code_page_and_the_history_on_the_project_page(app, demo):
    open_page(app, "code")
    choose_coder(app, "ann")
    assert app.button(key="undo-button").disabled  # nothing done yet
    pills(app, demo, 2).set_value(["awareness"]).run()
    pills(app, demo, 2).set_value(["awareness", "community"]).run()
    app.run()
    assert shown(app.button(key="undo-button").proto.help) == (
        "Undo (Ctrl+Z): coded community (turn 2 of focus-group-en)"
    )
    app.button(key="undo-button").click().run()
    assert not app.exception and not app.error
    assert stored_codes(demo, "ann", 2) == ["awareness"]
    assert pills(app, demo, 2).value == ["awareness"]  # the turn is redrawn
    app.button(key="undo-button").click().run()
    assert stored_codes(demo, "ann", 2) == []
    assert progress_text(app) == "0 of 40 participant turns coded by ann"
    app.button(key="redo-button").click().run()
    assert stored_codes(demo, "ann", 2) == ["awareness"]
    open_page(app, "project")
    table = app.dataframe[-1].value
    assert list(table["summary"]) == [
        "redid: coded awareness",
        "undid: coded awareness",
        "undid: coded community",
        "coded community",
        "coded awareness",
    ]
    assert set(table["coder"]) == {"ann"} and set(table["turn"]) == {2}


def test_a_memo_is_saved_and_removed(app, demo):
    open_page(app, "code")
    choose_coder(app, "ann")
    turn_id = demo.turn_id(EN, 4)
    boxes = lambda: [box.key for box in app.text_area]  # noqa: E731
    assert f"memo-{turn_id}" not in boxes()  # drawn only when the turn's Memo button opens it
    app.button(key=f"memo-open-{turn_id}").click().run()
    assert f"memo-{turn_id}" in boxes()
    app.text_area(key=f"memo-{turn_id}").input("not weakness: information").run()
    assert not app.error
    assert [(m["turn"], m["text"]) for m in demo.memos(coder="ann")] == [
        (4, "not weakness: information")
    ]
    assert any("Memo: not weakness: information" in h.proto.body for h in app.get("html"))
    app.text_area(key=f"memo-{turn_id}").input("").run()
    assert demo.memos(coder="ann") == []
    app.button(key=f"memo-open-{turn_id}").click().run()
    assert f"memo-{turn_id}" not in boxes()


def test_filters_narrow_the_turns(app, demo):
    open_page(app, "code")
    app.selectbox(key="coder").set_value("coder-a").run()
    coded, total = (int(word) for word in progress_text(app).split()[:3:2])
    app.toggle(key="f_uncoded").set_value(True).run()
    assert pager_text(app).endswith(f"of {total - coded} turns")
    app.toggle(key="f_uncoded").set_value(False)
    app.selectbox(key="f_speaker").set_value("P2").run()
    assert pager_text(app).endswith("of 7 turns")
    assert {p.key.split("-")[1] for p in app.pills} == {
        str(t["id"]) for t in demo.turns(EN) if t["speaker"] == "P2"
    }
    app.selectbox(key="f_speaker").set_value(None)
    app.text_input(key="f_text").input("BREATH").run()
    breath = [t for t in demo.turns(EN) if "breath" in t["text"].casefold()]
    assert pager_text(app).endswith(f"of {len(breath)} turns") and breath
    assert any('title="found">breath</mark>' in h.proto.body for h in app.get("html"))
    app.text_input(key="f_text").input("")
    app.selectbox(key="f_code").set_value("community").run()
    community = {
        c["turn"] for c in demo.codings(coder="coder-a", transcript=EN) if c["code"] == "community"
    }
    assert pager_text(app).endswith(f"of {len(community)} turns")


def test_uncoded_only_works_as_a_queue(app, demo):
    open_page(app, "code")
    choose_coder(app, "ann")
    app.toggle(key="f_uncoded").set_value(True).run()
    assert pager_text(app) == "Page 1 of 2 · showing 1–25 of 40 turns"
    first = int(app.pills[0].key.split("-")[1])
    pills_of(app, first).set_value(["conditions"]).run()  # the turn alone is redrawn
    assert pills_of(app, first).value == ["conditions"]  # a second code can follow
    pills_of(app, first).set_value(["conditions", "community"]).run()
    assert progress_text(app) == "1 of 40 participant turns coded by ann"
    app.run()  # the page drawn again (another page, a filter): the coded turn has left the queue
    assert pager_text(app) == "Page 1 of 2 · showing 1–25 of 39 turns"
    assert str(first) not in {p.key.split("-")[1] for p in app.pills}


def test_paging_through_a_transcript(app, demo):
    open_page(app, "code")
    assert pager_text(app) == "Page 1 of 3 · showing 1–25 of 52 turns"
    app.button(key="next-top").click().run()
    assert pager_text(app) == "Page 2 of 3 · showing 26–50 of 52 turns"
    app.button(key="next-bottom").click().run()
    assert pager_text(app) == "Page 3 of 3 · showing 51–52 of 52 turns"
    assert app.button(key="next-top").disabled
    app.button(key="previous-top").click().run()
    assert pager_text(app).startswith("Page 2 of 3")
    app.selectbox(key="page_size").set_value(10).run()
    assert pager_text(app) == "Page 1 of 6 · showing 1–10 of 52 turns"
    app.selectbox(key="transcript").set_value("netvaerk-2").run()
    assert pager_text(app) == "Page 1 of 6 · showing 1–10 of 59 turns"


def test_a_failed_write_shows_an_error_and_the_page_stays_usable(app, demo):
    open_page(app, "code")
    choose_coder(app, "ann")
    with Project(demo.path) as other:  # another session deletes a code meanwhile
        other.db.execute("DELETE FROM codings WHERE code_id = ?", [other.code_id("community")])
        other.db.execute("DELETE FROM codes WHERE key = 'community'")
    pills(app, demo, 2).set_value(["community"]).run()
    assert not app.exception
    assert "unknown code 'community'" in shown(app.error[0].value)
    assert stored_codes(demo, "ann", 2) == []
    assert "community" not in pills(app, demo, 2).options
    pills(app, demo, 2).set_value(["awareness"]).run()
    assert not app.error and stored_codes(demo, "ann", 2) == ["awareness"]


def test_codes_from_another_session_are_kept(app, demo):
    open_page(app, "code")
    choose_coder(app, "ann")
    with Project(demo.path) as other:  # ann, in a second browser tab, codes turn 2
        other.add_codings(other.turn_id(EN, 2), ["conditions"], "ann")
        other.add_codings(other.turn_id(EN, 2), ["boundaries"], "bo")
    pills(app, demo, 2).set_value(["awareness"]).run()  # this tab still showed no codes
    assert sorted(stored_codes(demo, "ann", 2)) == ["awareness", "conditions"]
    assert stored_codes(demo, "bo", 2) == ["boundaries"]
    assert sorted(pills(app, demo, 2).value) == ["awareness", "conditions"]


def test_transcript_text_is_escaped_on_the_code_page(app, demo, tmp_path: Path):
    path = tmp_path / "tricky.txt"
    path.write_text("D1: Jeg skrev <script>alert(1)</script> & <b>fed</b>.\n", encoding="utf-8")
    demo.import_files([path])
    open_page(app, "code")
    app.selectbox(key="transcript").set_value("tricky").run()
    bodies = " ".join(h.proto.body for h in app.get("html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in bodies
    assert "<script>" not in bodies and "<b>" not in bodies


def test_a_transcript_removed_by_another_session_does_not_break_the_page(app, demo):
    open_page(app, "code")
    app.selectbox(key="coder").set_value("coder-a").run()
    app.selectbox(key="transcript").set_value("netvaerk-2").run()
    with Project(demo.path) as other, other.transaction():
        other.db.execute("DELETE FROM transcripts WHERE name = 'netvaerk-2'")
    app.run()
    assert not app.exception
    assert "netvaerk-2" not in app.selectbox(key="transcript").options
    assert pager_text(app).startswith("Page 1 of")


# ---------------------------------------------------------------- suggestions, reports, agreement

PILOT = (
    b"TK: What have you noticed since the network started?\n\n"
    b"P1: I notice my body now. When my heart races I take it as a warning signal.\n\n"
    b"P2: The workload is simply too high, and the targets are unreasonable.\n\n"
    b"P1: Hearing the others in the group helped me, I am not alone.\n\n"
    b"P3: I said no to my boss about weekend work.\n"
)  # 4 participant turns; keywords suggest awareness, conditions, community, boundaries


@pytest.fixture
def fresh(project, monkeypatch) -> AppTest:
    """The app on a new, empty project (``project`` is a second connection to it)."""
    monkeypatch.setenv(PROJECT_ENV, str(project.path))
    return AppTest.from_file(str(APP_SCRIPT), default_timeout=30)


def bodies(app: AppTest) -> str:
    return " ".join(h.proto.body for h in app.get("html"))


def frequency_rows(app: AppTest) -> dict[str, tuple[int, int, float]]:
    """code -> (turns, participants, share) of the Reports page's frequency table."""
    table = app.dataframe[0].value
    return {
        row.code: (int(row.turns), int(row.participants), float(row.share))
        for row in table.itertuples()
    }


def pilot_codes(project: Project, coder: str) -> list[tuple[int, str, str]]:
    return [(c["turn"], c["code"], c["origin"]) for c in project.codings(coder=coder)]


def test_import_code_suggest_report_agree_and_adjudicate(fresh, project):
    # import: preview, then store
    open_page(fresh, "project")
    fresh.file_uploader[0].set_value(("pilot.txt", PILOT, "text/plain")).run()
    fresh.button(key="store_upload").click().run()
    assert not fresh.exception and not fresh.error
    turn = {number: project.turn_id("pilot", number) for number in range(1, 6)}

    # code by hand, then compute suggestions: the evidence words are marked in the text
    fresh.switch_page("views/code.py").run()
    choose_coder(fresh, "ann")
    assert fresh.caption[0].value.startswith("No suggestions for this transcript yet")
    pills_of(fresh, turn[2]).set_value(["awareness"]).run()
    fresh.run()  # the click redrew its turn alone; AppTest then holds only that turn
    fresh.button(key="suggest").click().run()
    assert not fresh.exception and not fresh.error
    assert fresh.caption[0].value == "4 suggestions stored for this transcript."
    accept = {b.key for b in fresh.button if b.key and b.key.startswith("accept-")}
    assert accept == {  # awareness on turn 2 is coded already: not offered
        f"accept-{turn[3]}-conditions",
        f"accept-{turn[4]}-community",
        f"accept-{turn[5]}-boundaries",
    }
    text = bodies(fresh)
    evidence = '<mark class="qc-m qc-evidence" style="--qc-e:{}" title="suggested {}">{}</mark>'
    book = project.codebook()
    for key, words in (
        ("conditions", "workload"),
        ("conditions", "unreasonable"),
        ("boundaries", "said no"),
    ):
        code = book.get(key)  # in the code's colour, with its label as the tooltip
        assert evidence.format(code.color, code.display("en"), words) in text

    # the Reports page before accepting: ann's hand coding only
    fresh.switch_page("views/reports.py").run()
    fresh.segmented_control(key="report_by").set_value("code").run()
    before = frequency_rows(fresh)
    assert before["awareness"] == (1, 1, 0.25) and before["conditions"] == (0, 0, 0.0)

    # one click accepts a suggestion, the cross rejects one
    fresh.switch_page("views/code.py").run()
    fresh.button(key=f"accept-{turn[3]}-conditions").click().run()
    assert not fresh.exception and not fresh.error
    fresh.run()
    fresh.button(key=f"reject-{turn[5]}-boundaries").click().run()
    assert not fresh.exception and not fresh.error
    fresh.run()
    assert pilot_codes(project, "ann") == [
        (2, "awareness", "manual"),
        (3, "conditions", "suggestion"),
    ]
    assert pills_of(fresh, turn[3]).value == ["conditions"]
    assert {b.key for b in fresh.button if b.key and b.key.startswith("accept-")} == {
        f"accept-{turn[4]}-community"
    }
    assert ">workload</mark>" not in bodies(fresh)  # accepted: no longer a suggestion
    assert progress_text(fresh) == "2 of 4 participant turns coded by ann"

    # the report counts the accepted suggestion
    fresh.switch_page("views/reports.py").run()
    after = frequency_rows(fresh)
    assert after["awareness"] == (1, 1, 0.25) and after["conditions"] == (1, 1, 0.25)
    assert after["boundaries"] == (0, 0, 0.0)

    # a second coder: agrees on turn 2, differs on turn 3
    fresh.switch_page("views/code.py").run()
    choose_coder(fresh, "bo")
    pills_of(fresh, turn[2]).set_value(["awareness"]).run()
    fresh.run()
    pills_of(fresh, turn[3]).set_value(["boundaries"]).run()

    # agreement of ann and bo over the 4 participant turns (hand-computed)
    fresh.switch_page("views/agreement.py").run()
    assert fresh.multiselect(key="agreement_coders").value == ["ann", "bo"]
    table = fresh.dataframe[0].value.set_index("code")
    assert table.loc["awareness", "n_units"] == 4
    assert table.loc["awareness", "percent_agreement"] == 1.0
    assert table.loc["awareness", "krippendorff_alpha"] == 1.0
    assert table.loc["awareness", "reading"] == "reliable"
    # conditions: ann yes on turn 3 only, bo never: 3 of 4 alike, kappa and alpha 0
    assert table.loc["conditions", "percent_agreement"] == 0.75
    assert table.loc["conditions", "cohen_kappa"] == 0.0
    assert table.loc["conditions", "krippendorff_alpha"] == 0.0
    assert table.loc["conditions", "reading"] == "not reliable"
    # over awareness, conditions, boundaries (alpha 1, 0, 0): the mean 1/3; pooled (De Vries)
    # with D_o = 0, 2/8, 2/8 and D_e = 24/56, 14/56, 14/56: 1 - (1/6) / (52/168) = 6/13
    assert table.loc["(mean over codes)", "krippendorff_alpha"] == 0.333
    assert table.loc["(pooled)", "n_units"] == 4
    assert table.loc["(pooled)", "percent_agreement"] == 0.833
    assert table.loc["(pooled)", "krippendorff_alpha"] == 0.462
    assert table.loc["(pooled)", "reading"] == "not reliable"
    assert any("De Vries et al. 2008" in m.value for m in fresh.markdown)

    # the one disagreement, adjudicated with one click: the consensus keeps ann's codes
    fresh.segmented_control(key="agreement_section").set_value("disagreements").run()
    assert any(c.value.startswith("1 turns where the coders differ") for c in fresh.caption)
    fresh.button(key=f"adjudicate-{turn[3]}-a").click().run()
    assert not fresh.exception and not fresh.error
    assert sorted((c["turn"], c["code"]) for c in project.codings(coder="consensus")) == [
        (2, "awareness"),
        (3, "conditions"),
    ]
    assert any(c.value == "Adjudicated: kept ann's codes" for c in fresh.caption)
    fresh.button(key=f"adjudicate-{turn[3]}-both").click().run()
    assert sorted((c["turn"], c["code"]) for c in project.codings(coder="consensus")) == [
        (2, "awareness"),
        (3, "boundaries"),
        (3, "conditions"),
    ]
    assert pilot_codes(project, "bo") == [(2, "awareness", "manual"), (3, "boundaries", "manual")]

    # the reports now count the consensus coder by default
    fresh.switch_page("views/reports.py").run()
    assert "consensus coder of ann and bo" in fresh.caption[0].value
    adjudicated = frequency_rows(fresh)
    assert adjudicated["conditions"] == (1, 1, 0.25) and adjudicated["boundaries"] == (1, 1, 0.25)


def test_reports_page_views_on_the_demo(app, demo):
    open_page(app, "reports")
    assert app.selectbox(key="report_coder").value == "(automatic)"
    assert "coder with the most codings" in app.caption[0].value
    app.selectbox(key="report_coder").set_value("coder-a").run()
    by_group = app.dataframe[0].value
    assert set(by_group["group"]) == {
        "Netværk 1",
        "Netværk 2",
        "Netværk 3",
        "Pilot network (English)",
    }
    awareness = by_group[by_group["code"] == "awareness"]
    assert awareness["turns"].sum() == 26  # coder-a's 26 awareness codings, one per turn
    assert len(app.get("vega_lite_chart")) == 1
    app.segmented_control(key="report_view").set_value("cooccurrence").run()
    matrix = app.dataframe[0].value.set_index("code")
    assert matrix.loc["awareness", "awareness"] == 26  # the diagonal: turns coded with it
    assert matrix.loc["awareness", "community"] == matrix.loc["community", "awareness"]
    app.segmented_control(key="report_view").set_value("crosstab").run()
    crosstab = app.dataframe[0].value.set_index("code")
    assert list(crosstab["total"]) == [26, 18, 18, 22, 29]
    assert not app.exception and not app.error


def test_quote_lists_page_and_pseudonymize(app, demo):
    open_page(app, "reports")
    app.selectbox(key="report_coder").set_value("coder-b").run()
    app.segmented_control(key="report_view").set_value("quotes").run()
    assert [b.label for b in app.get("download_button")] == ["CSV", "Excel", "Word", "Markdown"]
    assert app.selectbox(key="quote_theme").value == "awareness"
    first = bodies(app)
    assert first.count('class="qc-text"') == 20  # 27 awareness quotes of coder-b: 20, then 7
    assert any(c.value == "Quotes 1–20" for c in app.caption)
    app.button(key="quotes_next").click().run()
    assert bodies(app).count('class="qc-text"') == 7
    assert any(c.value == "Quotes 21–27" for c in app.caption)
    assert app.button(key="quotes_next").disabled
    app.toggle(key="pseudonymize").set_value(True).run()
    text = bodies(app)
    assert "P0" in text and "Netværk 1, netvaerk-1, turn" in text
    assert "D1," not in text and "D2," not in text  # the Danish labels are replaced


def test_quotes_are_escaped_on_the_reports_page(app, demo, tmp_path: Path):
    path = tmp_path / "tricky.txt"
    path.write_text("D1: Jeg skrev <script>alert(1)</script> & <b>fed</b>.\n", encoding="utf-8")
    demo.import_files([path])
    demo.add_codings(demo.turn_id("tricky", 1), ["awareness"], "coder-a")
    open_page(app, "reports")
    app.selectbox(key="report_coder").set_value("coder-a").run()
    app.segmented_control(key="report_view").set_value("quotes").run()
    app.button(key="quotes_next").click().run()
    text = bodies(app)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in text
    assert "<script>" not in text and "<b>fed" not in text


def test_reports_page_without_codings_says_so(fresh):
    open_page(fresh, "reports")
    assert not fresh.exception
    assert "no codings yet" in fresh.info[0].value


def test_learned_suggestions_need_codings_first(fresh, project, tmp_path: Path):
    (tmp_path / "pilot.txt").write_bytes(PILOT)
    project.import_files([tmp_path / "pilot.txt"])
    open_page(fresh, "code")
    assert fresh.button(key="suggest").disabled  # no coder yet
    choose_coder(fresh, "ann")
    fresh.selectbox(key="suggest_method").set_value("learned")
    fresh.button(key="suggest").click().run()
    assert not fresh.exception
    assert "ann has no codings yet to learn from" in fresh.error[0].value
    assert project.query("SELECT count(*) AS n FROM suggestions")[0]["n"] == 0
    fresh.selectbox(key="suggest_method").set_value("keywords")
    fresh.button(key="suggest").click().run()
    assert not fresh.error
    assert project.query("SELECT count(*) AS n FROM suggestions")[0]["n"] == 4


DANISH_ONLY = """
name: Kun dansk
languages: [da]
codes:
  - key: boundaries
    label: {da: Grænser}
    keywords: {da: [chef, grænse]}
"""


def test_a_codebook_without_keywords_in_the_transcripts_language_says_so(fresh, project, tmp_path):
    project.load_codebook(parse_codebook(DANISH_ONLY, "kun-dansk.yaml"), force=True)
    (tmp_path / "pilot.txt").write_bytes(PILOT)
    project.import_files([tmp_path / "pilot.txt"], language="en")
    open_page(fresh, "code")
    choose_coder(fresh, "ann")
    fresh.button(key="suggest").click().run()
    assert not fresh.exception and not fresh.error
    # shown literally (markup.literal escapes the colon Streamlit would read as markup)
    assert [w.value for w in fresh.warning] == [
        literal("no English keywords: keyword suggestions are off for pilot"),
        literal(
            "combined suggestions for ann come from the keywords alone until a model can be "
            "learned: only 0 coded turns (needs 30)"
        ),
    ]


def test_a_suggestion_accepted_in_another_session_is_not_offered_again(fresh, project, tmp_path):
    (tmp_path / "pilot.txt").write_bytes(PILOT)
    project.import_files([tmp_path / "pilot.txt"])
    open_page(fresh, "code")
    choose_coder(fresh, "ann")
    fresh.button(key="suggest").click().run()
    turn_id = project.turn_id("pilot", 3)
    key = f"accept-{turn_id}-conditions"
    assert fresh.button(key=key)
    with Project(project.path) as other:  # ann, in a second tab, codes the turn by hand
        other.add_codings(turn_id, ["conditions"], "ann")
    fresh.button(key=key).click().run()  # this tab still offered it: accepting is harmless
    assert not fresh.exception and not fresh.error
    assert [(c["turn"], c["code"]) for c in project.codings(coder="ann")] == [(3, "conditions")]
    assert key not in {b.key for b in fresh.button}


def test_agreement_page_needs_two_coders(app, demo):
    open_page(app, "agreement")
    assert app.multiselect(key="agreement_coders").value == ["coder-a", "coder-b"]
    app.multiselect(key="agreement_coders").set_value(["coder-a"]).run()
    assert app.info[0].value == "Choose two or more coders under Coders to compare."
    app.multiselect(key="agreement_coders").set_value(["coder-a", "coder-b"])
    app.segmented_control(key="agreement_unit").set_value("sentence").run()
    assert not app.exception and not app.error
    assert "sentences of participant turns" in app.caption[0].value


def test_disagreements_are_paged(app, demo):
    open_page(app, "agreement")
    app.segmented_control(key="agreement_section").set_value("disagreements").run()
    caption = next(c.value for c in app.caption if "where the coders differ" in c.value)
    total = int(caption.split()[0])
    assert caption.startswith(f"{total} turns where the coders differ · page 1 of ")
    cards = [k for k in (b.key for b in app.button) if k and k.endswith("-none")]
    assert len(cards) == min(total, 10)


def test_codebook_page_offers_yaml_and_qdc(app, demo):
    open_page(app, "codebook")
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Export YAML", "Export QDC (REFI-QDA)"]


def test_the_app_gives_the_query_planner_statistics(app, demo):
    """A project filled by an older qualcode may have no table statistics; without them some
    agreement queries on a big study take minutes instead of a second."""
    stats = "SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'"
    demo.db.execute("DROP TABLE sqlite_stat1")
    assert demo.query(stats)[0]["n"] == 0
    app.run()
    assert demo.query(stats)[0]["n"] == 1
    assert demo.query("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'codings'")[0]["n"] > 0


def test_the_address_opens_the_same_place(app, demo):
    """Coder, transcript, filters, page size and page live in the address: a reload or a
    shared link opens the same page of the same transcript for the same coder."""
    app.query_params.update(
        {"coder": "coder-a", "transcript": "netvaerk-2", "page_size": "10", "page": "3"}
    )
    open_page(app, "code")
    assert app.selectbox(key="coder").value == "coder-a"
    assert app.selectbox(key="transcript").value == "netvaerk-2"
    assert pager_text(app) == "Page 3 of 6 · showing 21–30 of 59 turns"
    app.button(key="next-top").click().run()
    assert pager_text(app) == "Page 4 of 6 · showing 31–40 of 59 turns"
    assert app.query_params["page"] == "4"


def test_without_a_coder_every_coders_codes_show_read_only(app, demo):
    open_page(app, "code")
    transcript = app.selectbox(key="transcript").value
    assert not app.pills
    page = "".join(element.proto.body for element in app.get("html"))
    by_turn: dict[int, dict[str, set[str]]] = {}
    for coding in demo.codings():
        if coding["transcript"] == transcript and coding["turn"] <= 25:
            by_turn.setdefault(coding["turn"], {}).setdefault(coding["code"], set()).add(
                coding["coder"]
            )
    assert any(len(coders) == 2 for codes in by_turn.values() for coders in codes.values())
    book = demo.codebook()
    language = next(t["language"] for t in demo.transcripts() if t["name"] == transcript)
    for codes in by_turn.values():
        for code, coders in codes.items():
            chip = f"{book.get(code).display(language)} · {', '.join(sorted(coders))}"
            assert chip in page, (code, coders)


def test_the_code_page_opens_the_first_transcript_the_coder_has_not_finished(app, demo):
    names = sorted(t["name"] for t in demo.transcripts())
    for turn in demo.turns(names[0], role="participant"):
        demo.add_codings(turn["id"], ["awareness"], "zoe")
    app.query_params["coder"] = "zoe"
    open_page(app, "code")
    assert app.selectbox(key="transcript").value == names[1]


def test_the_memos_view_lists_every_memo_with_its_turn(app, demo):
    demo.set_memo(demo.turn_id(EN, 2), "coder-a", "Holds her breath at work")
    open_page(app, "reports")
    app.segmented_control(key="report_view").set_value("memos").run()
    assert not app.exception, app.exception
    assert any(shown(c.value) == "1 memo(s) by every coder." for c in app.caption)
    table = app.dataframe[0].value
    assert list(table["memo"]) == ["Holds her breath at work"]
    assert list(table["turn"]) == [2] and list(table["coder"]) == ["coder-a"]


def test_agreement_page_shows_intervals_and_the_figures_per_source(app, demo):
    open_page(app, "agreement")
    app.toggle(key="agreement_ci").set_value(True).run()
    assert not app.exception and not app.error
    table = app.dataframe[0].value.set_index("code")
    expected = project_agreement(demo, ["coder-a", "coder-b"], ci=True, seed=2007)
    row = {r["code"]: r for r in expected["codes"]}["awareness"]
    bounds = row["intervals"]["krippendorff_alpha"]
    assert table.loc["awareness", "krippendorff_alpha"] == (  # one column: it and its interval
        f"{round(row['krippendorff_alpha'], 3):.3f} "
        f"({round(bounds['low'], 3):.2f}–{round(bounds['high'], 3):.2f})"
    )
    assert "fleiss_kappa" not in table  # for two coders: Cohen's kappa
    assert table.loc["awareness", "reading"] == row["reading"]
    assert any("lower bound of its alpha interval" in c.value for c in app.caption)
    app.segmented_control(key="agreement_unit").set_value("character").run()
    assert not app.exception and not app.error
    sources = app.dataframe[1].value
    assert "(size-weighted mean over sources)" in set(sources["source"])


def test_the_writeup_framework_and_saturation_views(app, demo):
    from qualcode.export.themes import themes

    expected = themes(demo, "coder-a")
    open_page(app, "reports")
    app.selectbox(key="report_coder").set_value("coder-a").run()
    app.segmented_control(key="report_view").set_value("themes").run()
    assert not app.exception, app.exception
    preview = next(h.proto.body for h in app.get("html") if "qc-writeup" in h.proto.body)
    assert preview.count("<h2>") == len(expected.themes) == 5
    first = expected.themes[0]
    assert html.escape(first.prevalence()[0].upper() + first.prevalence()[1:]) in preview
    assert html.escape(first.quotes[0].text.strip()[:60]) in preview
    assert [b.proto.label for b in app.get("download_button")] == ["Markdown", "Word", "HTML"]
    app.segmented_control(key="report_view").set_value("framework").run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert list(table.columns[:2]) == ["Group", "Participant"] and len(table) == 22
    assert table["Participant"].str.fullmatch(r"P\d\d").all()  # pseudonymized by default
    app.segmented_control(key="report_view").set_value("saturation").run()
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["transcript"]) == sorted(
        t["name"] for t in demo.transcripts()
    )


def test_keywords_proposed_on_the_codebook_page_are_added_when_ticked(app, demo):
    from qualcode.suggest.discover import discover_keywords

    expected = discover_keywords(demo, "boundaries")
    open_page(app, "codebook")
    app.selectbox(key="edit_code").set_value("boundaries").run()
    app.button(key="find-boundaries").click().run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert list(table["term"]) == [row["term"] for row in expected["terms"]]
    assert "sende mail" not in demo.codebook().get("boundaries").keywords["da"]
    app.multiselect(key="proposed-boundaries-da").set_value(["sende mail", "snak"]).run()
    app.button(key="add-keywords-boundaries").click().run()
    assert not app.exception and not app.error
    keywords = demo.codebook().get("boundaries").keywords["da"]
    assert keywords[-2:] == ["sende mail", "snak"]
    assert app.text_area(key="keywords-boundaries-da").value.splitlines()[-2:] == [
        "sende mail",
        "snak",
    ]


def test_the_memos_view_follows_the_speaker_filter(app, demo):
    turns = demo.turns(EN, role="participant")
    first = turns[0]["id"]
    speaker = turns[0]["speaker"]
    second = next(t["id"] for t in turns if t["speaker"] != speaker)
    demo.set_speaker(EN, speaker, attributes={"gender": "f"})
    demo.set_memo(first, "coder-a", "Her breath")
    demo.set_memo(second, "coder-a", "Another speaker")
    assert demo.turn(second)["speaker"] != speaker
    open_page(app, "reports")
    app.segmented_control(key="report_view").set_value("memos").run()
    app.multiselect(key="report_speakers").set_value(["gender=f"]).run()
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["memo"]) == ["Her breath"]
