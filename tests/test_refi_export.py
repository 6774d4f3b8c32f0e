"""REFI-QDA export: what we write validates against the REFI-QDA schemas (checked with
xmlschema, independently of the lxml check the exporter runs), sits on the transcript text,
and keeps its GUIDs from one export to the next."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from qualcode.errors import QualcodeError
from qualcode.refi import export_qdc, export_qdpx

SCHEMAS = Path(__file__).parent / "fixtures" / "refi" / "schema"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))


@pytest.fixture
def coded(demo):
    """The demo project with what the samples lack: a span coding with a memo, a turn memo,
    speaker attributes and a sub-code."""
    turn = demo.turns("netvaerk-1")[3]
    demo.add_codings(turn["id"], ["community"], "coder-b", span=(4, 19), memo="Spejling & <ro>")
    demo.set_memo(turn["id"], "coder-a", "Vigtig pointe om fællesskab 😀")
    demo.set_speaker("netvaerk-1", "D1", attributes={"gender": "f", "age": "45"})
    book = demo.codebook()
    from qualcode.codebook import Code

    book.codes[0].children.append(
        Code("body-signals", {"da": "Kroppens signaler", "en": "Body signals"}, "Sleep, heart.")
    )
    demo.load_codebook(book)
    return demo


def qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def test_the_export_validates_against_project_xsd(coded, tmp_path, project_schema):
    export_qdpx(coded, tmp_path / "study.qdpx")
    document = qde(tmp_path / "study.qdpx")
    project_schema.validate(document.decode("utf-8"))
    root = etree.fromstring(document)
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    assert root.get("origin").startswith("qualcode ")


def test_the_codebook_export_validates_against_codebook_xsd(coded, tmp_path):
    count = export_qdc(coded.codebook(), tmp_path / "themes.qdc")
    schema = xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd"))
    schema.validate(str(tmp_path / "themes.qdc"))
    root = etree.parse(str(tmp_path / "themes.qdc")).getroot()
    codes = root.findall(".//{urn:QDA-XML:codebook:1.0}Code")
    book = coded.codebook()
    assert count == len(codes) == len(book.keys()) == 6
    awareness = codes[0]
    assert awareness.get("name") == book.codes[0].label["da"] == "Opmærksomhed og accept"
    assert awareness.get("color") == book.codes[0].color
    child = awareness.find("{urn:QDA-XML:codebook:1.0}Code")
    assert child.get("name") == "Kroppens signaler"
    assert child.findtext("{urn:QDA-XML:codebook:1.0}Description") == "Sleep, heart."


def test_every_coding_selection_lies_on_the_coded_text(coded, tmp_path):
    export_qdpx(coded, tmp_path / "study.qdpx")
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {
            source.get("guid"): archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
            for source in root.iterfind(".//q:TextSource", NS)
        }
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    users = {u.get("guid"): u.get("name") for u in root.iterfind(".//q:User", NS)}
    exported = set()
    for source in root.iterfind(".//q:TextSource", NS):
        text = texts[source.get("guid")]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            for coding in selection.iterfind("q:Coding", NS):
                code = codes[coding.find("q:CodeRef", NS).get("targetGUID")]
                exported.add((text[start:end], code, users[coding.get("creatingUser")]))
    labels = {code.key: code.display("da") for code, _ in coded.codebook().walk()}
    expected = set()
    for coding in coded.codings():
        turn = coded.turn(coding["turn_id"])
        text = turn["text"] if coding["start"] is None else turn["text"][coding["start"] :]
        text = text if coding["start"] is None else text[: coding["end"] - coding["start"]]
        expected.add((text, labels[coding["code"]], coding["coder"]))
    assert exported == expected
    assert len(expected) > 200


def test_sources_are_the_transcript_text_in_utf8(coded, tmp_path):
    export_qdpx(coded, tmp_path / "study.qdpx")
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
        for source in root.iterfind(".//q:TextSource", NS):
            guid = source.get("guid")
            assert source.get("plainTextPath") == f"internal://{guid}.txt"
            stored = coded.transcript(source.get("name"))
            assert guid == stored["guid"]
            assert archive.read(f"sources/{guid}.txt") == stored["text"].encode("utf-8")


def test_users_codes_cases_and_notes(coded, tmp_path):
    export_qdpx(coded, tmp_path / "study.qdpx")
    root = etree.fromstring(qde(tmp_path / "study.qdpx"))
    assert {u.get("name") for u in root.iterfind(".//q:User", NS)} == {"coder-a", "coder-b"}
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    book = coded.codebook()
    assert [c.get("color") for c in top] == [code.color for code in book.codes]
    assert [c.get("name") for c in top] == [code.label["da"] for code in book.codes]
    assert top[0].find("q:Code", NS).get("name") == "Kroppens signaler"
    assert top[0].findtext("q:Description", namespaces=NS).startswith("Noticing the body")
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", NS)}
    cases = {c.get("name"): c for c in root.iterfind(".//q:Case", NS)}
    d1 = cases["D1 (netvaerk-1)"]
    values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.findtext(
            "q:TextValue", namespaces=NS
        )
        for v in d1.iterfind("q:VariableValue", NS)
    }
    assert values == {
        "speaker": "D1",
        "role": "participant",
        "group": "Netværk 1",
        "gender": "f",
        "age": "45",
    }
    d1_turns = [t for t in coded.turns("netvaerk-1") if t["speaker"] == "D1"]
    assert len(d1.findall("q:SelectionRef", NS)) == len(d1_turns)
    assert "?" not in {c.split(" ")[0] for c in cases}
    notes = {
        n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iterfind(".//q:Note", NS)
    }
    assert notes == {"Spejling & <ro>", "Vigtig pointe om fællesskab 😀"}
    sets = {s.get("name"): len(s) for s in root.iterfind(".//q:Set", NS)}
    assert sets == {"Netværk 1": 1, "Netværk 2": 1, "Netværk 3": 1, "Pilot network (English)": 1}


def test_memos_hang_on_the_turn_and_on_the_coding(coded, tmp_path):
    export_qdpx(coded, tmp_path / "study.qdpx")
    root = etree.fromstring(qde(tmp_path / "study.qdpx"))
    notes = {
        n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS)
        for n in root.iterfind(".//q:Note", NS)
    }
    turn_refs = [
        notes[ref.get("targetGUID")]
        for selection in root.iterfind(".//q:TextSource/q:PlainTextSelection", NS)
        if not selection.findall("q:Coding", NS)
        for ref in selection.iterfind("q:NoteRef", NS)
    ]
    coding_refs = [
        notes[ref.get("targetGUID")] for ref in root.iterfind(".//q:Coding/q:NoteRef", NS)
    ]
    assert turn_refs == ["Vigtig pointe om fællesskab 😀"]
    assert coding_refs == ["Spejling & <ro>"]


def test_guids_are_stable_across_exports(coded, tmp_path):
    export_qdpx(coded, tmp_path / "first.qdpx")
    export_qdpx(coded, tmp_path / "second.qdpx")
    first, second = qde(tmp_path / "first.qdpx"), qde(tmp_path / "second.qdpx")
    assert first.replace(b'name="first"', b'name="second"', 1) == second
    root = etree.fromstring(first)
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids)) > 500
    stored = {row["guid"] for row in coded.query("SELECT guid FROM codings")}
    written = {c.get("guid") for c in root.iterfind(".//q:Coding", NS)}
    assert written == stored


def test_the_same_project_exported_twice_gives_the_same_bytes(coded, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    export_qdpx(coded, tmp_path / "a" / "study.qdpx")
    export_qdpx(coded, tmp_path / "b" / "study.qdpx")
    first = (tmp_path / "a" / "study.qdpx").read_bytes()
    assert first == (tmp_path / "b" / "study.qdpx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "study.qdpx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "project.qde" and len(archive.namelist()) == 4 + 2


def test_the_extras_carry_keys_and_keywords(coded, tmp_path):
    export_qdpx(coded, tmp_path / "study.qdpx")
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        extras = json.loads(archive.read("qualcode.json"))
    keys = {entry["key"] for entry in extras["codes"].values()}
    assert keys == set(coded.codebook().keys())
    assert {"awareness", "body-signals", "community"} <= keys
    awareness = next(e for e in extras["codes"].values() if e["key"] == "awareness")
    assert awareness["keywords"]["da"] and awareness["label"]["en"] == "Awareness and acceptance"


def test_an_export_needs_the_qdpx_suffix_and_leaves_no_partial_file(demo, tmp_path):
    with pytest.raises(QualcodeError, match=r"\.qdpx"):
        export_qdpx(demo, tmp_path / "study.zip")
    assert list(tmp_path.glob("study*")) == []


def test_an_empty_project_exports_a_valid_file(project, tmp_path, project_schema):
    summary = export_qdpx(project, tmp_path / "empty.qdpx")
    assert (summary.transcripts, summary.codings) == (0, 0)
    assert summary.codes == len(project.codebook().keys())
    project_schema.validate(qde(tmp_path / "empty.qdpx").decode("utf-8"))


def test_characters_xml_cannot_carry_are_dropped(demo, tmp_path, project_schema):
    turn = demo.turns("netvaerk-2")[2]
    demo.set_memo(turn["id"], "coder-a", "Linje\x0bskift fra Word")
    demo.set_speaker("netvaerk-2", "D1", attributes={"note": "a\x01b"})
    export_qdpx(demo, tmp_path / "study.qdpx")
    document = qde(tmp_path / "study.qdpx").decode("utf-8")
    project_schema.validate(document)
    assert "Linjeskift fra Word" in document and "<TextValue>ab</TextValue>" in document
