"""REFI-QDA import: real NVivo and ATLAS.ti exports, and small projects written here in the
ways the schema allows (QualCoder's and MAXQDA's conventions, notes, cases, bad input)."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from qualcode.errors import QualcodeError
from qualcode.refi import export_qdpx, import_qdpx, load_qdc, read_qdc
from qualcode.refi.positions import CHARACTERS, UTF16, SourceText
from qualcode.store import Project

REFI = Path(__file__).parent / "fixtures" / "refi"
NVIVO_WIN = REFI / "nvivo" / "nvivo12.6-win_oltas0517.qdpx"
NVIVO_MAC = REFI / "nvivo" / "nvivo12.7-mac_OltasSzkepticizmus_17June.qdpx"
ATLAS_84 = REFI / "atlasti" / "atlasti8.4-mac_spec-standard-project_TestProject.qdpx"
ATLAS_84_QDE = REFI / "atlasti" / "atlasti8.4-mac_spec-standard-project_Project.qde"
ATLAS_232 = REFI / "atlasti" / "atlasti23.2-win_target-atlas-project.qdpx"
ANNEX_QDC = REFI / "qdc" / "refi-1.5-annexA1-example-codebook.qdc"
NS = {"q": "urn:QDA-XML:project:1.0"}

# A focus-group transcript as another tool stores it: BOM, CRLF, æøå, emoji, a heading.
RAW = (
    "Fokusgruppe, marts 2022\r\n\r\n"
    "TK: Hvordan gik det med pauserne? 😀\r\n"
    "D1: Det gik godt, jeg mærker efter nu.\r\nOg så tager jeg fri om fredagen.\r\n"
    "D2: Jeg er enig 👍 helt, grænser er svære.\r\n"
)
SOURCE_GUID = "11111111-2222-3333-4444-555555555555"
CODE_GUID = "aaaaaaaa-0000-0000-0000-000000000001"
OTHER_CODE = "aaaaaaaa-0000-0000-0000-000000000002"
USER = "bbbbbbbb-0000-0000-0000-000000000001"


def units(text: str, part: str, convention: str, occurrence: int = 0) -> tuple[int, int]:
    """Where ``part`` lies in ``text`` (the file as stored, BOM removed), counted the way a
    tool counts: computed here from the encodings, independently of qualcode's converter."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(part, index + 1)
    before, covered = text[:index], text[index : index + len(part)]
    if convention.endswith("-lf"):
        before, covered = before.replace("\r\n", "\n"), covered.replace("\r\n", "\n")
    if convention.startswith("utf16"):
        return len(before.encode("utf-16-le")) // 2, len(
            (before + covered).encode("utf-16-le")
        ) // 2
    return len(before), len(before) + len(covered)


def write_qdpx(
    path: Path,
    selections: str,
    origin: str = "MAXQDA 2022",
    raw: str = RAW,
    extra: str = "",
    cases: str = "",
    source_extra: str = "",
    variables: str = "",
) -> Path:
    """A small project with one text source and two codes, written as another tool would."""
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="pilot" origin="{origin}">
  <Users><User guid="{USER}" name="Anna"/></Users>
  <CodeBook><Codes>
    <Code guid="{CODE_GUID}" name="Pauser" isCodable="true" color="#ABC">
      <Description>Taking breaks</Description>
      <Code guid="{OTHER_CODE}" name="Fri om fredagen" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="cccccccc-0000-0000-0000-000000000001" name="age" typeOfVariable="Integer"/>
    <Variable guid="cccccccc-0000-0000-0000-000000000002" name="role" typeOfVariable="Text"/>
    {variables}
  </Variables>
  {cases}
  <Sources>
    <TextSource guid="{SOURCE_GUID}" name="pilot.docx" plainTextPath="internal://{SOURCE_GUID}.txt">
      {selections}
      {source_extra}
    </TextSource>
  </Sources>
  {extra}
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        archive.writestr(f"Sources/{SOURCE_GUID}.txt", b"\xef\xbb\xbf" + raw.encode("utf-8"))
    return path


def selection(
    start: int, end: int, code: str | None = CODE_GUID, name: str = "", inner: str = ""
) -> str:
    coding = (
        f'<Coding guid="{derived(start, end, code)}" creatingUser="{USER}" '
        f'creationDateTime="2024-05-01T09:30:00Z"><CodeRef targetGUID="{code}"/></Coding>'
        if code
        else ""
    )
    return (
        f'<PlainTextSelection guid="{derived(start, end)}" name="{name}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{USER}">{inner}{coding}</PlainTextSelection>'
    )


def derived(*parts: object) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def coded_texts(project: Project) -> Counter:
    """(transcript, code label, coded text, coder) of every coding."""
    rows = project.query(
        """SELECT td.transcript, td.text, c.start, c."end", k.label, coders.name AS coder
           FROM codings c JOIN turn_details td ON td.id = c.turn_id
           JOIN codes k ON k.id = c.code_id JOIN coders ON coders.id = c.coder_id"""
    )
    return Counter(
        (
            row["transcript"],
            row["label"],
            row["text"] if row["start"] is None else row["text"][row["start"] : row["end"]],
            row["coder"],
        )
        for row in rows
    )


def snapshot(project: Project) -> dict:
    tables = [
        row["name"] for row in project.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    return {table: project.query(f'SELECT * FROM "{table}"') for table in tables}


@pytest.fixture(scope="module")
def nvivo(tmp_path_factory):
    """Both NVivo exports, each imported into its own project (read-only for the tests)."""
    folder = tmp_path_factory.mktemp("nvivo")
    found = {}
    for name, path in (("win", NVIVO_WIN), ("mac", NVIVO_MAC)):
        project = Project.create(folder / f"{name}.db")
        found[name] = (project, import_qdpx(project, path))
    yield found
    for project, _ in found.values():
        project.close()


# ---------------------------------------------------------------------- NVivo


def test_nvivo_for_windows_imports_all_303_codings(nvivo):
    project, result = nvivo["win"]
    assert result.codings == 303 and result.coding_rows == 303
    assert project.query("SELECT count(*) AS n FROM codings")[0]["n"] == 303
    assert not [n for n in result.notices if "not imported" in n]
    assert sorted(result.transcripts) == ["videos_10_selected", "videos_selection"]
    assert len(result.codes_added) == 152
    by_coder = Counter(c["coder"] for c in project.codings())
    assert by_coder == {"floriansipos": 297, "Gergo": 6}


def test_nvivo_for_mac_imports_all_297_codings(nvivo):
    project, result = nvivo["mac"]
    assert result.codings == 297 and result.coding_rows == 297
    assert project.query("SELECT count(*) AS n FROM codings")[0]["n"] == 297
    assert not [n for n in result.notices if "not imported" in n]


@pytest.mark.parametrize(
    ("name", "path", "count"), [("win", NVIVO_WIN, 303), ("mac", NVIVO_MAC, 297)]
)
def test_nvivo_selection_and_coding_guids_are_kept_on_re_export(nvivo, tmp_path, name, path, count):
    def coded_selections(archive_path: Path) -> dict[str, set[str]]:
        """Selection GUID → the GUIDs of its codings, for every coded text selection."""
        with zipfile.ZipFile(archive_path) as archive:
            member = next(n for n in archive.namelist() if n.endswith(".qde"))
            root = etree.fromstring(archive.read(member))
        return {
            s.get("guid").lower(): {c.get("guid").lower() for c in s.iterfind("q:Coding", NS)}
            for s in root.iterfind(".//q:TextSource/q:PlainTextSelection", NS)
            if s.find("q:Coding", NS) is not None
        }

    project, _ = nvivo[name]
    export_qdpx(project, tmp_path / "again.qdpx")
    theirs, ours = coded_selections(path), coded_selections(tmp_path / "again.qdpx")
    assert len(theirs) == count
    assert {guid: ours.get(guid) for guid in theirs} == theirs


def test_mac_codings_land_on_the_same_text_as_windows(nvivo):
    windows, mac = coded_texts(nvivo["win"][0]), coded_texts(nvivo["mac"][0])
    assert sum(mac.values()) == 297
    assert mac - windows == Counter()
    assert sum((windows - mac).values()) == 6
    assert {coder for (*_rest, coder) in windows - mac} == {"Gergo"}
    texts = {text for (_t, _code, text, _coder) in mac}
    # Hand-checked: 24 characters + two emoji of 2 UTF-16 units each = 2723 - 2695.
    assert "Nem tehetik kötelezővé! 😡😡" in texts
    assert "Mi az a fityesznek? Akkor írják át amikor akarják 🤣🤣🤣" in texts
    assert all(text == text.strip() and text for text in texts)


def test_nvivo_positions_read_as_python_indices_would_miss(nvivo):
    """The premise of the UTF-16 reading: as plain string indices the Mac selections mostly
    fall on other text than the Windows export's."""
    with zipfile.ZipFile(NVIVO_MAC) as archive:
        raw = archive.read("sources/70a540a6-08d4-4ce3-8a60-9f29ffd2b259.txt").decode("utf-8")
        xml = archive.read("project.qde").decode("utf-8")
    import re

    text = SourceText(raw)
    windows = {text for (_t, _c, text, _u) in coded_texts(nvivo["win"][0])}
    pairs = [
        (int(a), int(b))
        for a, b in re.findall(r'endPosition="(\d+)"[^>]*startPosition="(\d+)"', xml)
    ]
    pairs = [(start, end) for end, start in pairs]
    assert len(pairs) == 297

    def hits(convention: str) -> int:
        spans = [text.span(start, end, convention) for start, end in pairs]
        return sum(text.text[s.start : s.end] in windows for s in spans if s)

    assert hits(UTF16) == 297
    assert hits(CHARACTERS) < 30


def test_both_nvivo_exports_in_one_project_duplicate_nothing(tmp_path):
    with Project.create(tmp_path / "both.db") as project:
        import_qdpx(project, NVIVO_WIN)
        before = snapshot(project)
        mac = import_qdpx(project, NVIVO_MAC)
        assert (mac.transcripts, mac.coding_rows, mac.already) == ([], 0, 297)
        assert sorted(mac.reused) == ["videos_10_selected", "videos_selection"]
        assert mac.codes_added == [] and mac.coders_added == []
        again = import_qdpx(project, NVIVO_WIN)
        assert (again.coding_rows, again.already, again.memos) == (0, 303, 0)
        assert snapshot(project) == before


# ---------------------------------------------------------------------- ATLAS.ti


def test_atlas_84_codes_get_their_hierarchy_from_double_colon_names(project):
    result = import_qdpx(project, ATLAS_84)
    book = project.codebook()
    coke = book.get("coke")
    assert coke.label == {"da": "Coke", "en": "Coke"}
    assert (coke.color, coke.description) == ("#966450", "the breakfast of champions")
    assert [child.label["en"] for child in coke.children] == ["full-fat Coke", "diet Coke"]
    assert book.get("diet-coke").description == "non sucré"
    assert book.get("rushed").label["en"] == '"rushed"'
    assert len(result.codes_added) == 14
    assert [code.key for code in book.codes][-12:] == [
        "happiness",
        "feelings",
        "disgust",
        "waste-of-time",
        "coke",
        "milk",
        "serene",
        "bacon-and-eggs",
        "sleepy",
        "breakfast-food",
        "cornflakes",
        "rushed",
    ]


def test_atlas_84_skips_media_and_missing_texts_with_a_notice(project):
    result = import_qdpx(project, ATLAS_84)
    notices = "\n".join(result.notices)
    for kind, name in [
        ("PDF", "Pay de Limón con Base de Granola"),
        ("picture", "cornflakes-n-milk.jpg"),
        ("audio", "Jeanine's Breakfast.m4a"),
        ("video", "1994 Diet Coke-Diet Coke Break.mp4"),
    ]:
        assert f"skipped the {kind} source" in notices and name in notices
    assert "qualcode keeps text transcripts only (6 coding(s) on it not imported)" in notices
    assert "skipped source 'Mabel.txt': its text file is not in the archive" in notices
    assert "2 note(s) are not attached" in notices
    assert result.transcripts == [] and project.transcripts() == []


def test_atlas_232_codes_keep_their_nesting(project):
    result = import_qdpx(project, ATLAS_232)
    commits = project.codebook().get("commits")
    assert [c.label["en"] for c in commits.children] == [
        "2022-05-10T02:05:59Z 19e4dce",
        "2022-02-11T10:39:25Z cdbfd92",
    ]
    assert commits.guid == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"
    assert result.notices == []


def test_a_bare_qde_file_is_read_too(project):
    result = import_qdpx(project, ATLAS_84_QDE)
    assert len(result.codes_added) == 14
    assert project.codebook().get("full-fat-coke").description == "aka regular"


# ---------------------------------------------------------------------- codebooks (.qdc)


def test_the_annex_codebook_loads_with_braced_and_bare_guids(project):
    codes = read_qdc(ANNEX_QDC)
    assert [c.guid for c in codes][:2] == [
        "5215cc69-b628-4e02-afb9-9beeaee55808",
        "d7aa29da-519b-4946-9b90-253b6db8fd0a",
    ]
    result = load_qdc(project, ANNEX_QDC, merge=True)
    assert result["added"] == [
        "topics",
        "economy",
        "health-care",
        "values",
        "conservatives",
        "liberals",
    ]
    economy = project.codebook().get("economy")
    assert (economy.color, economy.description) == (
        "#ffff00",
        "Anything about jobs or taxes or business",
    )
    assert project.codebook().get("awareness") is not None


@pytest.mark.parametrize(
    "namespace",
    ["urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1.0"],
)
def test_codebooks_in_the_wild_are_read(tmp_path, namespace):
    text = ANNEX_QDC.read_text(encoding="utf-8").replace("urn:QDA-XML:codebook:1.0", namespace)
    text = text.replace("</Codes>", "</Codes><Sets/>")
    (tmp_path / "wild.qdc").write_text(text, encoding="utf-8")
    assert len(read_qdc(tmp_path / "wild.qdc")) == 6


def test_loading_a_qdc_replaces_the_codebook_and_keeps_matched_codes(demo, tmp_path):
    from qualcode.refi import export_qdc

    export_qdc(demo.codebook(), tmp_path / "mine.qdc")
    text = (tmp_path / "mine.qdc").read_text(encoding="utf-8")
    text = text.replace('name="Betydningen af fællesskab"', 'name="Fællesskabet"')
    (tmp_path / "mine.qdc").write_text(text, encoding="utf-8")
    before = len(demo.codings())
    keywords = demo.codebook().get("community").keywords
    result = load_qdc(demo, tmp_path / "mine.qdc")
    assert (result["added"], result["dropped"]) == ([], [])
    community = demo.codebook().get("community")
    assert community.label["da"] == "Fællesskabet" and community.keywords == keywords
    assert len(demo.codings()) == before


# ---------------------------------------------------------------------- positions and turns


@pytest.mark.parametrize(
    ("origin", "convention"),
    [
        ("NVivo for Windows 14", "utf16"),
        ("MAXQDA 2022", "characters"),
        ("QualCoder 3.5", "utf16-lf"),
        ("ATLAS.ti 23.2", "characters-lf"),
    ],
)
def test_selections_land_on_the_intended_text_in_each_tools_units(
    project, tmp_path, origin, convention
):
    raw = RAW
    partial = units(raw, "grænser er svære", convention)
    whole = units(raw, "Hvordan gik det med pauserne? 😀", convention)
    across = units(raw, "nu.\r\nOg så tager jeg fri om fredagen.\r\nD2: Jeg er enig", convention)
    path = write_qdpx(
        tmp_path / "pilot.qdpx",
        selection(*partial) + selection(*whole, code=OTHER_CODE) + selection(*across),
        origin=origin,
    )
    result = import_qdpx(project, path)
    assert result.codings == 3 and result.coding_rows == 4
    assert [n for n in result.notices if "positions" in n] == []
    turns = project.turns("pilot")
    assert [t["speaker"] for t in turns] == ["TK", "D1", "D2"]
    found = {(c["turn"], c["code"], c["start"], c["end"]): c["coder"] for c in project.codings()}
    d1 = turns[1]["text"]
    d2 = turns[2]["text"]
    assert found == {
        (1, "fri-om-fredagen", None, None): "Anna",
        (2, "pauser", d1.index("nu."), len(d1)): "Anna",
        (3, "pauser", 0, len("Jeg er enig")): "Anna",
        (3, "pauser", d2.index("grænser"), d2.index("grænser") + len("grænser er svære")): "Anna",
    }


def test_names_that_match_the_text_correct_a_tools_units(project, tmp_path):
    """MAXQDA is read as characters of the file; a file whose selections are named after
    their text and only match as QualCoder counts is read that way, with a notice."""
    parts = ["Og så tager jeg fri om fredagen.", "grænser er svære", "Jeg er enig 👍 helt"]
    selections = "".join(selection(*units(RAW, p, "characters-lf"), name=p) for p in parts)
    result = import_qdpx(project, write_qdpx(tmp_path / "p.qdpx", selections))
    assert any("read as characters, every line end counted once" in n for n in result.notices)
    texts = {text for (_t, _c, text, _u) in coded_texts(project)}
    assert texts == set(parts)


# A QualCoder project that went qualcode (positions in characters) → QualCoder (codings added
# in its coding view: UTF-16 code units) → REFI: both units in one file, every coding named
# after its text (QualCoder's names are the coded text, line ends as U+2029, as Qt gives them).
MIXED = (
    "Fokusgruppe 2 😀, marts 2022\r\n\r\n"
    "TK: Hvordan gik det med pauserne i år? 😀👍\r\n"
    "D1: Det gik godt, jeg mærker efter nu.\r\nOg så tager jeg fri om fredagen, æøå.\r\n"
    "D2: Jeg er enig 👍🏽 helt, grænser er svære 🙅‍♀️.\r\n"
    "D3: Ja, det siger du 🙈🙈 nånånånånånå.\r\n"
)


def test_mixed_position_units_are_decided_per_selection_or_reported(project, tmp_path):
    legacy, made = "characters-lf", "utf16-lf"  # qualcode's old units, QualCoder's own
    nu = "nu.\r\nOg så tager jeg fri om fredagen, æøå."
    placed = [
        (units(MIXED, "grænser er svære", legacy), "grænser er svære"),
        (
            units(MIXED, "Hvordan gik det med pauserne i år?", legacy),
            "Hvordan gik det med pauserne i år?",
        ),
        (units(MIXED, "Jeg er enig 👍🏽 helt", made), "Jeg er enig 👍🏽 helt"),
        (units(MIXED, nu, made), nu.replace("\r\n", "\u2029")),
        (units(MIXED, "det siger du", made), "Quotation 7"),  # a label: no evidence
        (units(MIXED, "fri om fredagen", made), ""),  # no name: QualCoder's own units
    ]
    start = len(MIXED[: MIXED.index("jeg fri om")].encode("utf-8"))  # bytes: no reading fits
    in_bytes = (start, start + len("jeg fri om fredagen, æøå".encode()))
    both = units(MIXED, "nånånå", made)  # in a run of "nå", two readings fit
    xml = "".join(selection(*where, name=name) for where, name in placed)
    xml += selection(*in_bytes, name="jeg fri om fredagen, æøå")
    xml += selection(*both, name="nånånå")
    path = write_qdpx(tmp_path / "mixed.qdpx", xml, origin="QualCoder 3.6", raw=MIXED)
    result = import_qdpx(project, path)
    texts = Counter(text for (_t, _c, text, _u) in coded_texts(project))
    assert texts == Counter(
        [
            "grænser er svære",
            "Hvordan gik det med pauserne i år?",
            "Jeg er enig 👍🏽 helt",
            "nu.\nOg så tager jeg fri om fredagen, æøå.",
            "det siger du",
            "fri om fredagen",
        ]
    )
    assert result.codings == 6 and len(project.codings()) == 6
    assert any(
        "positions of 2 selection(s) in 'pilot.docx' read as characters, every line end counted "
        "once, not as UTF-16 code units, every line end counted once" in n
        for n in result.notices
    )
    undecided = {u.guid: u for u in result.undecided}
    assert set(undecided) == {derived(*in_bytes), derived(*both)}
    assert "no reading puts it there" in undecided[derived(*in_bytes)].reason
    assert "fits the text at 2 places" in undecided[derived(*both)].reason
    xml_text = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    for guid, found in undecided.items():
        line = xml_text[: xml_text.index(guid)].count("\n") + 1
        notice = f"{path}:project.qde:{line}: selection {guid} in 'pilot.docx'"
        assert any(n.startswith(notice) and "not imported" in n for n in result.notices)
        assert (found.file, found.line) == (f"{path}:project.qde", line)


def test_an_older_qualcode_export_in_characters_still_lands(project, tmp_path):
    """qualcode wrote characters before it wrote UTF-16 code units; such a file says nothing
    of its units in qualcode.json and is read as characters, also where no name tells."""
    (tmp_path / "emoji.txt").write_text(
        "TK: Hvad så? 😀\nD1: Jeg mærker efter nu 👍🏽 – kroppen siger fra, æøå.\n",
        encoding="utf-8",
    )
    project.import_files([tmp_path / "emoji.txt"])
    d1 = project.turns("emoji")[1]
    start = d1["text"].index("kroppen")
    project.add_codings(d1["id"], ["awareness"], "coder-a", span=(start, start + 17))
    project.add_codings(d1["id"], ["community"], "coder-b")
    export_qdpx(project, tmp_path / "new.qdpx")
    with zipfile.ZipFile(tmp_path / "new.qdpx") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    extras = json.loads(files["qualcode.json"])
    assert extras.pop("positions") == "utf16"
    files["qualcode.json"] = json.dumps(extras).encode("utf-8")
    root = etree.fromstring(files["project.qde"])
    for source in root.iterfind(".//{*}TextSource"):
        text = files[f"sources/{source.get('guid')}.txt"].decode("utf-8").encode("utf-16-le")
        for element in source.iterfind("{*}PlainTextSelection"):
            for attribute in ("startPosition", "endPosition"):
                units = int(element.get(attribute))
                element.set(attribute, str(len(text[: 2 * units].decode("utf-16-le"))))
            element.set("name", "")
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "old.qdpx", "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with Project.create(tmp_path / "fresh.db") as fresh:
        result = import_qdpx(fresh, tmp_path / "old.qdpx")
        assert result.codings == 2 and not result.undecided
        assert coded_texts(fresh) == coded_texts(project)
        assert {text for (_t, _c, text, _u) in coded_texts(fresh)} == {
            "kroppen siger fra",
            "Jeg mærker efter nu 👍🏽 – kroppen siger fra, æøå.",
        }


def test_a_selection_outside_its_document_is_reported_not_stored(project, tmp_path):
    end = len(RAW) + 10
    good = units(RAW, "grænser er svære", "characters")
    path = write_qdpx(tmp_path / "p.qdpx", selection(*good) + selection(5, end) + selection(9, 9))
    result = import_qdpx(project, path)
    assert result.codings == 1 and len(project.codings()) == 1
    notice = next(n for n in result.notices if "do not lie inside" in n)
    assert notice.startswith(f"{tmp_path / 'p.qdpx'}:project.qde: 2 selection(s)")
    assert f"5-{end}" in notice and "9-9" in notice


def test_the_coded_heading_becomes_a_turn_and_a_label_alone_is_reported(project, tmp_path):
    heading = units(RAW, "Fokusgruppe, marts 2022", "characters")
    label = units(RAW, "D2:", "characters")
    result = import_qdpx(
        project, write_qdpx(tmp_path / "p.qdpx", selection(*heading) + selection(*label))
    )
    turns = project.turns("pilot")
    assert (turns[0]["speaker"], turns[0]["text"]) == ("?", "Fokusgruppe, marts 2022")
    assert [c["turn"] for c in project.codings()] == [1]
    assert any("cover no turn text" in n for n in result.notices)


def test_without_labels_every_paragraph_is_a_turn(project, tmp_path):
    raw = "Første afsnit om pauser.\r\n\r\nAndet afsnit 😀 om grænser.\r\n"
    part = units(raw, "grænser", "characters")
    import_qdpx(project, write_qdpx(tmp_path / "p.qdpx", selection(*part), raw=raw))
    turns = project.turns("pilot")
    assert [t["text"] for t in turns] == ["Første afsnit om pauser.", "Andet afsnit 😀 om grænser."]
    coding = project.codings()[0]
    assert turns[1]["text"][coding["start"] : coding["end"]] == "grænser"


# ---------------------------------------------------------------------- memos, cases, coders


def test_notes_become_coding_and_turn_memos(project, tmp_path):
    note = "dddddddd-0000-0000-0000-00000000000{}"
    memo_on_coding = selection(*units(RAW, "grænser er svære", "characters"))
    memo_on_coding = memo_on_coding.replace(
        "</Coding>", f'<NoteRef targetGUID="{note.format(1)}"/></Coding>'
    )
    memo_on_coding = memo_on_coding.replace(
        "><Coding", "><Description>Vigtigt citat</Description><Coding", 1
    )
    comment = selection(
        *units(RAW, "Hvordan gik det", "characters"),
        code=None,
        inner="<Description>Interviewer leder</Description>",
    )
    linked_start, linked_end = units(RAW, "jeg mærker efter nu", "characters")
    linked = selection(linked_start, linked_end, code=None)
    annotation = units(RAW, "fri om fredagen", "characters")
    link = derived(linked_start, linked_end)
    extra = f"""<Notes>
      <Note guid="{note.format(1)}" creatingUser="{USER}">
        <PlainTextContent>Om grænser</PlainTextContent></Note>
      <Note guid="{note.format(2)}" creatingUser="{USER}">
        <PlainTextContent>Kropslig opmærksomhed</PlainTextContent></Note>
      <Note guid="{note.format(3)}" creatingUser="{USER}">
        <PlainTextContent>Fredag fri</PlainTextContent>
        <PlainTextSelection guid="{derived("a")}"
          startPosition="{annotation[0]}" endPosition="{annotation[1]}"/></Note>
      <Note guid="{note.format(4)}" name="Project plan">
        <PlainTextContent>Plan</PlainTextContent></Note>
    </Notes>
    <Links>
      <Link guid="{derived("l")}" originGUID="{note.format(2)}" targetGUID="{link}"/>
    </Links>"""
    path = write_qdpx(
        tmp_path / "p.qdpx",
        memo_on_coding + comment + linked,
        extra=extra,
        source_extra=f'<NoteRef targetGUID="{note.format(3)}"/>',
    )
    result = import_qdpx(project, path)
    coding = project.codings()[0]
    assert coding["memo"] == "Vigtigt citat\n\nOm grænser"
    memos = {(m["turn"], m["coder"]): m["text"] for m in project.memos()}
    assert memos == {
        (1, "Anna"): "Interviewer leder",
        (2, "Anna"): "Kropslig opmærksomhed\n\nFredag fri",
    }
    assert result.memos == 3
    assert any("1 note(s) are not attached" in n for n in result.notices)
    again = import_qdpx(project, path)
    assert again.memos == 0 and len(project.memos()) == 2


def test_cases_give_speakers_their_role_and_attributes(project, tmp_path):
    cases = f"""<Cases>
      <Case guid="{derived("c1")}" name="TK"><VariableValue>
        <VariableRef targetGUID="cccccccc-0000-0000-0000-000000000002"/>
        <TextValue>interviewer</TextValue>
      </VariableValue><SourceRef targetGUID="{SOURCE_GUID}"/></Case>
      <Case guid="{derived("c2")}" name="D2"><VariableValue>
        <VariableRef targetGUID="cccccccc-0000-0000-0000-000000000001"/>
        <IntegerValue>52</IntegerValue>
      </VariableValue></Case>
    </Cases>"""
    path = write_qdpx(tmp_path / "p.qdpx", "", cases=cases)
    import_qdpx(project, path, interviewers=["D1"])
    speakers = {s["label"]: (s["role"], s["attributes"]) for s in project.speakers("pilot")}
    assert speakers == {
        "TK": ("interviewer", {}),
        "D1": ("interviewer", {}),
        "D2": ("participant", {"age": "52"}),
    }


def test_a_group_of_the_sources_is_the_transcripts_and_a_group_of_the_cases_the_speakers(
    project, tmp_path
):
    """Older qualcode exports gave cases the source's ``group`` variable (the transcript's
    group); a case variable of its own (QualCoder's case attribute) is the speaker's."""
    shared, own = "cccccccc-0000-0000-0000-000000000003", "cccccccc-0000-0000-0000-000000000004"

    def value(guid: str, text: str) -> str:
        return (
            f'<VariableValue><VariableRef targetGUID="{guid}"/>'
            f"<TextValue>{text}</TextValue></VariableValue>"
        )

    cases = f"""<Cases>
      <Case guid="{derived("c1")}" name="D1">{value(shared, "Netværk 5")}</Case>
      <Case guid="{derived("c2")}" name="D2">
        {value(own, "A-holdet")}{value(shared, "Netværk 5")}
      </Case>
    </Cases>"""
    path = write_qdpx(
        tmp_path / "p.qdpx",
        "",
        cases=cases,
        source_extra=value(shared, "Netværk 5"),
        variables=f'<Variable guid="{shared}" name="group" typeOfVariable="Text"/>'
        f'<Variable guid="{own}" name="Group" typeOfVariable="Text"/>',
    )
    import_qdpx(project, path)
    assert project.transcripts()[0]["group"] == "Netværk 5"
    speakers = {s["label"]: s["attributes"] for s in project.speakers("pilot")}
    assert speakers == {"TK": {}, "D1": {}, "D2": {"Group": "A-holdet"}}


def test_codes_and_coders_already_in_the_project_are_matched(demo, tmp_path):
    raw = "D1: Vi er ikke alene, vi spejler os i hinanden.\n"
    xml_code = selection(*units(raw, "Vi er ikke alene", "characters"))
    path = write_qdpx(tmp_path / "p.qdpx", xml_code, raw=raw)
    text = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    text = text.replace('name="Pauser"', 'name="Betydningen af fællesskab"').replace(
        'name="Anna"', 'name="coder-a"'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", text)
        archive.writestr(f"sources/{SOURCE_GUID}.txt", raw)
    result = import_qdpx(demo, path, group="Netværk 4")
    assert result.codes_added == ["fri-om-fredagen"] and result.coders_added == []
    assert demo.codebook().get("fri-om-fredagen") in demo.codebook().get("community").children
    coding = demo.codings(transcript="pilot")[0]
    assert (coding["code"], coding["coder"], coding["origin"]) == ("community", "coder-a", "import")
    assert coding["created_at"] == "2024-05-01T09:30:00+00:00"
    assert demo.transcript("pilot")["group"] == "Netværk 4"


def test_a_different_transcript_of_the_same_name_is_numbered(project, tmp_path):
    import_qdpx(project, write_qdpx(tmp_path / "a.qdpx", ""))
    other = RAW.replace("pauserne", "frokosten")
    result = import_qdpx(project, write_qdpx(tmp_path / "b.qdpx", "", raw=other))
    assert result.transcripts == ["pilot (2)"]
    assert any("imported as 'pilot (2)'" in n for n in result.notices)


# ---------------------------------------------------------------------- bad input


def corrupt_member(path: Path, member: str) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    data[offset : offset + 20] = b"\x00" * 20
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("not a zip", "not a REFI-QDA project: the file is not a readable zip archive"),
        ("no qde", "the archive holds no .qde project XML"),
        ("broken xml", "project.qde:3: broken XML"),
        ("not a project", "not a REFI-QDA project: the XML is a <CodeBook>"),
        ("bad position", "project.qde:{line}: a PlainTextSelection needs whole-number"),
        ("damaged source", "the archive is damaged"),
    ],
)
def test_bad_archives_give_one_line_and_change_nothing(demo, tmp_path, damage, message):
    path = tmp_path / "bad.qdpx"
    if damage == "not a zip":
        path.write_bytes(b"PK\x03\x04 this is no zip")
    elif damage == "no qde":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("sources/a.txt", "D1: hej")
    else:
        write_qdpx(path, selection(*units(RAW, "grænser", "characters")))
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("project.qde").decode("utf-8")
            source = archive.read(f"Sources/{SOURCE_GUID}.txt")
        if damage == "broken xml":
            xml = xml.replace("<Users>", "<Users><User", 1)
        elif damage == "not a project":
            xml = '<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'
        elif damage == "bad position":  # a second source, after a good one was stored
            second = xml[xml.index("<TextSource") : xml.index("</Sources>")]
            second = second.replace(SOURCE_GUID, "99999999-2222-3333-4444-555555555555")
            second = second.replace('startPosition="', 'startPosition="x', 1)
            xml = xml.replace("</Sources>", second + "</Sources>")
            message = message.format(line=xml[: xml.index('"x')].count("\n") + 1)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", xml)
            archive.writestr(f"Sources/{SOURCE_GUID}.txt", source * 50)
            archive.writestr("Sources/99999999-2222-3333-4444-555555555555.txt", source)
        if damage == "damaged source":
            corrupt_member(path, f"Sources/{SOURCE_GUID}.txt")
    before = snapshot(demo)
    with pytest.raises(QualcodeError) as caught:
        import_qdpx(demo, path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(path))
    assert snapshot(demo) == before


def test_sources_without_text_in_the_archive_are_skipped_and_never_fetched(project, tmp_path):
    path = write_qdpx(tmp_path / "linked.qdpx", selection(*units(RAW, "grænser", "characters")))
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    (tmp_path / "outside.txt").write_text("D1: Ikke i arkivet.\n", encoding="utf-8")
    others = (
        '<TextSource guid="99999999-0000-0000-0000-000000000001" name="linked.txt" '
        f'plainTextPath="absolute://{tmp_path / "outside.txt"}"/>'
        '<TextSource guid="99999999-0000-0000-0000-000000000002" name="rich.docx" '
        'richTextPath="internal://99999999-0000-0000-0000-000000000002.docx"/>'
    )
    files["project.qde"] = files["project.qde"].replace(
        b"</Sources>", others.encode("utf-8") + b"</Sources>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = import_qdpx(project, path)
    assert [t["name"] for t in project.transcripts()] == ["pilot"]
    assert result.codings == 1
    notices = "\n".join(result.notices)
    assert "skipped source 'linked.txt': its text is linked outside the archive" in notices
    assert "skipped source 'rich.docx': it has no plain-text version" in notices


def test_a_coding_across_two_turns_is_split_and_the_summary_says_which(project, tmp_path):
    """One NVivo selection from D1's turn into D2's, over the label, æøå and an emoji, in
    UTF-16 code units after an emoji: a coding per turn, each on its own text, and the
    summary names the selection, its code, its turns and all the text it covered."""
    across = "fri om fredagen.\r\nD2: Jeg er enig 👍"
    inside = "grænser er svære"
    path = write_qdpx(
        tmp_path / "p.qdpx",
        selection(*units(RAW, across, "utf16")) + selection(*units(RAW, inside, "utf16")),
        origin="NVivo 14",
    )
    result = import_qdpx(project, path)
    label = '{"da": "Pauser", "en": "Pauser"}'
    assert sorted(coded_texts(project).elements()) == [
        ("pilot", label, "Jeg er enig 👍", "Anna"),
        ("pilot", label, "fri om fredagen.", "Anna"),
        ("pilot", label, "grænser er svære", "Anna"),
    ]
    assert [(c["turn"], c["start"] is not None) for c in project.codings()] == [
        (2, True),
        (3, True),
        (3, True),
    ]
    assert (result.codings, result.coding_rows) == (2, 3)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("project.qde").decode("utf-8")
    guid = derived(*units(RAW, across, "utf16"))
    line = xml[: xml.index(f'guid="{guid}"')].count("\n") + 1
    which = (
        f"selection {guid} (line {line}) in 'pilot.docx', 'Pauser', turns 2-3: "
        "'fri om fredagen. D2: Jeg er enig 👍'"
    )
    assert result.split == [which]
    assert (
        f"{path}:project.qde: 1 coding(s) cross a turn boundary and were split into one "
        f"coding per turn (a qualcode coding lies in one turn; what lies between the turns, "
        f"such as the next speaker's label, is coded in none): {which}" in result.notices
    )


def exported_selections(path: Path) -> list[tuple[str, etree._Element]]:
    """(the text a selection covers, counted in UTF-16 code units by encoding, the selection)
    of every coded selection in one of our exports, the speakers' turns left out."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        cases = {case.get("guid") for case in root.iterfind(".//q:Case", NS)}
        found = []
        for source in root.iterfind(".//q:TextSource", NS):
            member = f"sources/{source.get('plainTextPath').removeprefix('internal://')}"
            data = archive.read(member).decode("utf-8").encode("utf-16-le")
            for element in source.iterfind("q:PlainTextSelection", NS):
                if element.find("q:Coding/q:CodeRef", NS).get("targetGUID") in cases:
                    continue
                start, end = (int(element.get(k)) for k in ("startPosition", "endPosition"))
                found.append((data[2 * start : 2 * end].decode("utf-16-le"), element))
    return found


def test_a_coding_split_across_turns_goes_out_as_one_selection_again(project, tmp_path):
    """The parts of a split coding keep their selection's GUID: the export writes them as
    the one selection they came from, over the label between, with its one coding (GUID
    and memo), and importing that gives the same two parts again."""
    across = "fri om fredagen.\r\nD2: Jeg er enig 👍"
    memo = "<Description>Fri om fredagen, æøå 😀</Description>"
    start, end = units(RAW, across, "utf16")
    path = write_qdpx(tmp_path / "p.qdpx", selection(start, end, inner=memo), origin="NVivo 14")
    import_qdpx(project, path)
    assert len(project.codings()) == 2
    export_qdpx(project, tmp_path / "out.qdpx")
    [(covered, element)] = exported_selections(tmp_path / "out.qdpx")
    assert covered == "fri om fredagen.\nD2: Jeg er enig 👍"
    assert element.get("guid") == derived(start, end)
    assert element.get("name") == "fri om fredagen. D2: Jeg er enig 👍"
    assert [c.get("guid") for c in element.iterfind("q:Coding", NS)] == [
        derived(start, end, CODE_GUID)
    ]
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    notes = [
        n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iter(f"{{{NS['q']}}}Note")
    ]
    assert notes == ["Fri om fredagen, æøå 😀"]
    with Project.create(tmp_path / "again.db") as again:
        result = import_qdpx(again, tmp_path / "out.qdpx")
        assert coded_texts(again) == coded_texts(project)
        assert [c["memo"] for c in again.codings()] == ["Fri om fredagen, æøå 😀"] * 2
        assert len(result.split) == 1 and "turns 2-3" in result.split[0]
        assert [n for n in result.notices if "not imported" in n] == []
