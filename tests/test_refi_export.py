"""REFI-QDA export: what we write validates against the REFI-QDA schemas (checked with
xmlschema, independently of the lxml check the exporter runs), sits on the transcript text
with positions in UTF-16 code units as NVivo's own exports count them, and keeps its GUIDs from
one export to the next."""

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
NVIVO = Path(__file__).parent / "fixtures" / "refi" / "nvivo"
NS = {"q": "urn:QDA-XML:project:1.0"}
# A transcript with emoji (one of them a five-code-point sequence), æøå and a heading.
EMOJI_TRANSCRIPT = (
    "Fokusgruppe 😀 om pauser\n\n"
    "TK: Hvad har I lagt mærke til? 😀\n"
    "D1: Jeg mærker efter nu 👍🏽 – kroppen siger fra, æøå.\n"
    "D2: Grænser 🙅‍♀️ er svære, ÆØÅ, men 𝔞 jeg siger det højt.\n"
)


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


@pytest.fixture
def emoji(project, tmp_path):
    """A project with one transcript full of emoji, coded whole and in spans after them."""
    (tmp_path / "emoji.txt").write_text(EMOJI_TRANSCRIPT, encoding="utf-8")
    project.import_files([tmp_path / "emoji.txt"])
    turns = {t["speaker"]: t for t in project.turns("emoji")}
    for speaker, part in [("D1", "kroppen siger fra"), ("D2", "𝔞 jeg siger"), ("D2", "🙅‍♀️")]:
        text = turns[speaker]["text"]
        start = text.index(part)
        span = (start, start + len(part))
        project.add_codings(turns[speaker]["id"], ["awareness"], "coder-a", span=span)
    project.add_codings(turns["TK"]["id"], ["community"], "coder-b")
    return project


def _q(tag: str) -> str:
    return f"{{{NS['q']}}}{tag}"


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text`` from ``start`` to ``end`` counted in UTF-16 code units (by encoding, not by
    qualcode's converter; a position inside a surrogate pair is an error)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def selections(archive: zipfile.ZipFile, folder: str) -> list[tuple[str, int, int, etree._Element]]:
    """(source text without BOM, start, end, element) of every text selection in an archive."""
    root = etree.fromstring(archive.read("project.qde"))
    found = []
    for source in root.iterfind(".//q:TextSource", NS):
        member = f"{folder}/{source.get('plainTextPath').removeprefix('internal://')}"
        text = archive.read(member).decode("utf-8-sig")
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            found.append((text, start, end, selection))
    return found


def case_codings(selection: etree._Element, cases: set[str]) -> bool:
    """Whether a selection is a speaker's turn: coded with its case's code, the code with
    the case's GUID (how QualCoder's import finds a case's text)."""
    refs = {ref.get("targetGUID") for ref in selection.iterfind("q:Coding/q:CodeRef", NS)}
    return bool(refs) and refs <= cases


def whole_lines(text: str, covered_start: int, covered_end: int) -> bool:
    """Whether ``text[covered_start:covered_end]`` is whole lines (one comment in NVivo's
    fixtures, where each field of a YouTube comment is a line)."""
    return (covered_start == 0 or text[covered_start - 1] == "\n") and (
        covered_end == len(text) or text[covered_end] in "\r\n"
    )


@pytest.mark.parametrize(
    ("name", "folder", "count", "lines_as_units", "lines_as_points"),
    [
        ("nvivo12.7-mac_OltasSzkepticizmus_17June.qdpx", "sources", 297, 272, 13),
        ("nvivo12.6-win_oltas0517.qdpx", "Sources", 303, 274, 14),
    ],
)
def test_nvivo_counts_positions_in_utf16_code_units(
    name, folder, count, lines_as_units, lines_as_points
):
    """The premise of our export's units, from NVivo's own files: the coders coded whole
    comments (lines; the other selections are sentences of one), and the selections cover
    whole lines when their positions are UTF-16 code units of the file (CRLF 2, BOM not
    counted), almost never as code points. No selection ends inside an emoji."""
    with zipfile.ZipFile(NVIVO / name) as archive:
        found = selections(archive, folder)
    assert len(found) == count
    as_units = as_points = 0
    for text, start, end, _element in found:
        covered = utf16_slice(text, start, end)  # never splits an emoji
        before = len(utf16_slice(text, 0, start))
        as_units += whole_lines(text, before, before + len(covered))
        as_points += whole_lines(text, start, end)
    assert (as_units, as_points) == (lines_as_units, lines_as_points)
    if folder == "sources":  # hand-checked in the Mac export (LF, no BOM)
        texts = {
            (start, end): (text, utf16_slice(text, start, end)) for text, start, end, _ in found
        }
        # 50 characters and three emoji of 2 units each, no emoji before: 2539 - 2483 = 56
        text, covered = texts[2483, 2539]
        assert covered == "Mi az a fityesznek? Akkor írják át amikor akarják 🤣🤣🤣"
        assert text[2483:2539] == covered + "\n0\n"
        # after three emoji (3 units more than characters), two inside (2 more): 2695 - 3 and
        # 2723 - 3 - 2 as character offsets
        text, covered = texts[2695, 2723]
        assert covered == "Nem tehetik kötelezővé! 😡😡"
        assert text[2692:2718] == covered and text[2695:2723] != covered


def test_our_positions_are_utf16_code_units_as_nvivo_counts(emoji, tmp_path):
    export_qdpx(emoji, tmp_path / "emoji.qdpx")
    with zipfile.ZipFile(tmp_path / "emoji.qdpx") as archive:
        found = selections(archive, "sources")
        extras = json.loads(archive.read("qualcode.json"))
        cases = {
            c.get("guid") for c in etree.fromstring(archive.read("project.qde")).iter(_q("Case"))
        }
    assert extras["positions"] == "utf16"
    turns = [t["text"] for t in emoji.turns("emoji")]
    covered = {"turn": [], "coding": []}
    for text, start, end, element in found:
        assert element.find("q:Coding", NS) is not None  # QualCoder: no empty annotation
        kind = "turn" if case_codings(element, cases) else "coding"
        covered[kind].append(utf16_slice(text, start, end))
        if kind == "coding":
            assert element.get("name") == covered[kind][-1]
    assert covered["turn"] == turns
    assert sorted(covered["coding"]) == sorted(
        ["kroppen siger fra", "𝔞 jeg siger", "🙅\u200d♀️", "Hvad har I lagt mærke til? 😀"]
    )
    # read as code points, every selection after the first emoji would be off
    after = [(text, start, end) for text, start, end, _ in found if start > text.index("😀")]
    assert after and all(
        text[start:end] != utf16_slice(text, start, end) for text, start, end in after
    )


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
    cases = {c.get("guid") for c in root.iterfind(".//q:Case", NS)}
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    users = {u.get("guid"): u.get("name") for u in root.iterfind(".//q:User", NS)}
    exported = set()
    for source in root.iterfind(".//q:TextSource", NS):
        text = texts[source.get("guid")]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            if case_codings(selection, cases):
                continue
            for coding in selection.iterfind("q:Coding", NS):
                code = codes[coding.find("q:CodeRef", NS).get("targetGUID")]
                covered = utf16_slice(text, start, end)
                exported.add((covered, code, users[coding.get("creatingUser")]))
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
    source_text = coded.transcript("netvaerk-1")["text"]  # no emoji: units are characters
    # the coders, and qualcode as the maker of the speakers' turns
    users = {u.get("name") for u in root.iterfind(".//q:User", NS)}
    assert users == {"coder-a", "coder-b", "qualcode"}
    book = coded.codebook()
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)[: len(book.codes)]
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
    # the speaker's attributes are case variables; the group is its transcript's, a source
    # variable, and no variable is both (QualCoder makes each a case or a file attribute)
    assert values == {"speaker": "D1", "role": "participant", "gender": "f", "age": "45"}
    source = next(s for s in root.iterfind(".//q:TextSource", NS) if s.get("name") == "netvaerk-1")
    source_values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.findtext(
            "q:TextValue", namespaces=NS
        )
        for v in source.iterfind("q:VariableValue", NS)
    }
    assert source_values == {"group": "Netværk 1", "language": "da"}
    refs = {
        scope: {r.get("targetGUID") for r in root.iterfind(f".//q:{scope}//q:VariableRef", NS)}
        for scope in ("Case", "TextSource")
    }
    assert refs["Case"] and refs["TextSource"] and not refs["Case"] & refs["TextSource"]
    d1_turns = [t for t in coded.turns("netvaerk-1") if t["speaker"] == "D1"]
    assert len(d1.findall("q:SelectionRef", NS)) == len(d1_turns)
    assert "?" not in {c.split(" ")[0] for c in cases}
    # each case points at its transcript, and its text is its turns, coded with the case's
    # code (the case's GUID and name: how QualCoder's import reads a case's text)
    assert [r.get("targetGUID") for r in d1.iterfind("q:SourceRef", NS)] == [source.get("guid")]
    case_codes = root.findall("q:CodeBook/q:Codes/q:Code", NS)[len(book.codes) :]
    assert [(c.get("guid"), c.get("name")) for c in case_codes] == [
        (c.get("guid"), c.get("name")) for c in root.iterfind(".//q:Case", NS)
    ]
    assert [r.get("targetGUID") for r in d1.iterfind("q:CodeRef", NS)] == [d1.get("guid")]
    turn_texts = [
        source_text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in source.iterfind("q:PlainTextSelection", NS)
        if s.find("q:Coding/q:CodeRef", NS).get("targetGUID") == d1.get("guid")
    ]
    assert turn_texts == [t["text"] for t in d1_turns]
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
    cases = {c.get("guid") for c in root.iterfind(".//q:Case", NS)}
    turn_refs = [
        notes[ref.get("targetGUID")]
        for selection in root.iterfind(".//q:TextSource/q:PlainTextSelection", NS)
        if case_codings(selection, cases)
        for ref in selection.iterfind("q:NoteRef", NS)
    ]
    coding_refs = [
        notes[ref.get("targetGUID")] for ref in root.iterfind(".//q:Coding/q:NoteRef", NS)
    ]
    assert turn_refs == ["Vigtig pointe om fællesskab 😀"]
    assert coding_refs == ["Spejling & <ro>"]


def test_turn_memos_are_notes_of_the_source_on_the_turns_text_as_qualcoder_reads_them(
    emoji, tmp_path
):
    """QualCoder takes a source's ``NoteRef`` to a note with text and a selection as an
    annotation (its ``insert_annotation``: the note's positions, ``modifyingUser``)."""
    d2 = next(t for t in emoji.turns("emoji") if t["speaker"] == "D2")
    emoji.set_memo(d2["id"], "coder-a", "Efter 🙅‍♀️: vigtig")
    export_qdpx(emoji, tmp_path / "emoji.qdpx")
    with zipfile.ZipFile(tmp_path / "emoji.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
        users = {u.get("name"): u.get("guid") for u in root.iterfind(".//q:User", NS)}
        notes = {n.get("guid"): n for n in root.iterfind(".//q:Note", NS)}
        (source,) = root.iterfind(".//q:TextSource", NS)
        text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        refs = [r.get("targetGUID") for r in source.iterfind("q:NoteRef", NS)]
        assert len(refs) == 1
        note = notes[refs[0]]
        assert note.findtext("q:PlainTextContent", namespaces=NS) == "Efter 🙅‍♀️: vigtig"
        assert note.get("modifyingUser") == users["coder-a"]
        marked = note.find("q:PlainTextSelection", NS)
        start, end = int(marked.get("startPosition")), int(marked.get("endPosition"))
        assert utf16_slice(text, start, end) == d2["text"]
        assert start > d2["start"]  # the emoji before the turn count 2


def test_guids_are_stable_across_exports(coded, tmp_path):
    export_qdpx(coded, tmp_path / "first.qdpx")
    export_qdpx(coded, tmp_path / "second.qdpx")
    first, second = qde(tmp_path / "first.qdpx"), qde(tmp_path / "second.qdpx")
    assert first.replace(b'name="first"', b'name="second"', 1) == second
    root = etree.fromstring(first)
    cases = {c.get("guid") for c in root.iterfind(".//q:Case", NS)}
    # every GUID is one thing's, but for each case and its case code (QualCoder's convention)
    guids = [e.get("guid") for e in root.iter() if e.get("guid") and e.tag != _q("Case")]
    assert len(guids) == len(set(guids)) > 500 and cases < set(guids)
    stored = {row["guid"] for row in coded.query("SELECT guid FROM codings")}
    written = {
        c.get("guid")
        for c in root.iterfind(".//q:Coding", NS)
        if c.find("q:CodeRef", NS).get("targetGUID") not in cases
    }
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
