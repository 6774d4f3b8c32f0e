"""Hostile REFI-QDA projects and codebooks, generated here: each is refused with one line that
names the file (and the member of an archive, and the line), or read within its bounds, and a
refusal leaves the project file as it was."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.codebook import parse_codebook
from qualcode.errors import QualcodeError
from qualcode.refi import archive as archive_module
from qualcode.refi import import_qdpx, read_qdc
from qualcode.refi.archive import Archive
from qualcode.store import Project

SOURCE = "11111111-2222-3333-4444-555555555555"
CODE = "aaaaaaaa-0000-0000-0000-000000000001"
USER = "bbbbbbbb-0000-0000-0000-000000000001"
TEXT = "TK: Hvordan gik det?\nD1: Det gik godt, jeg holder pauser nu.\n"


def project_xml(
    users: str = f'<User guid="{USER}" name="Anna"/>',
    codes: str = f'<Code guid="{CODE}" name="Pauser" isCodable="true"/>',
    source: str = f'plainTextPath="internal://{SOURCE}.txt"',
) -> str:
    """A project with one text source coded once, its text in a file unless ``source`` says
    otherwise (e.g. an inline ``<PlainTextContent>``)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="pilot" origin="MAXQDA 2022">
  <Users>{users}</Users>
  <CodeBook><Codes>{codes}</Codes></CodeBook>
  <Sources>
    <TextSource guid="{SOURCE}" name="pilot.txt" {source}>
      <PlainTextSelection guid="cccccccc-0000-0000-0000-000000000001" startPosition="25"
          endPosition="60" creatingUser="{USER}">
        <Coding guid="dddddddd-0000-0000-0000-000000000001" creatingUser="{USER}">
          <CodeRef targetGUID="{CODE}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def write_qdpx(path: Path, xml: str | None = None, **members: bytes) -> Path:
    """A .qdpx with ``xml`` as project.qde, the source text, and ``members`` (name → bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml or project_xml())
        archive.writestr(f"Sources/{SOURCE}.txt", TEXT)
        for name, data in members.items():
            archive.writestr(name.replace("__", "/"), data)
    return path


def counts(project: Project) -> tuple[int, int, int, int]:
    """Transcripts, turns, codings and codes in the project."""
    return tuple(
        project.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]
        for table in ("transcripts", "turns", "codings", "codes")
    )


def refused(project: Project, path: Path) -> str:
    """The one-line refusal of importing ``path``; asserts that the project is unchanged."""
    before = counts(project)
    with pytest.raises(QualcodeError) as caught:
        import_qdpx(project, path)
    message = str(caught.value)
    assert "\n" not in message
    assert counts(project) == before
    return message


def cli_refusal(project: Project, file: Path) -> str:
    """What ``qualcode import FILE`` says on stderr: one line, no traceback, a non-zero exit,
    and the project file byte for byte as it was."""
    before = project.path.read_bytes()
    result = CliRunner().invoke(cli, ["--project", str(project.path), "import", str(file)])
    assert result.exit_code == 1 and result.stdout == "", result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert project.path.read_bytes() == before
    return result.stderr


# ---------------------------------------------------------------------- a bare .qde's folder


def bare_qde(folder: Path) -> Path:
    (folder / "sources").mkdir(parents=True)
    (folder / "project.qde").write_text(project_xml(), encoding="utf-8")
    return folder / "project.qde"


def test_a_bare_qde_reads_the_regular_files_beside_it(project, tmp_path):
    qde = bare_qde(tmp_path / "pilot")
    (qde.parent / "sources" / f"{SOURCE}.txt").write_text(TEXT, encoding="utf-8")
    result = import_qdpx(project, qde)
    assert result.transcripts == ["pilot"] and result.coding_rows == 1


def test_a_symbolic_link_in_the_sources_folder_is_refused(project, tmp_path):
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("D1: a file from outside the project folder\n", encoding="utf-8")
    qde = bare_qde(tmp_path / "pilot")
    link = qde.parent / "sources" / f"{SOURCE}.txt"
    link.symlink_to(secret)
    message = refused(project, qde)
    assert message.startswith(f"{link}: a symbolic link: qualcode reads only regular files")
    assert f"{link}: a symbolic link" in cli_refusal(project, qde)
    assert not [t for t in project.transcripts() if "outside" in t["name"]]


def test_a_linked_sources_folder_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{SOURCE}.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "pilot").mkdir()
    qde = tmp_path / "pilot" / "project.qde"
    qde.write_text(project_xml(), encoding="utf-8")
    (tmp_path / "pilot" / "sources").symlink_to(elsewhere, target_is_directory=True)
    message = refused(project, qde)
    assert message.startswith(f"{tmp_path / 'pilot' / 'sources'}: the sources folder is a sym")


def test_a_file_replaced_by_a_link_after_listing_is_refused(tmp_path):
    qde = bare_qde(tmp_path / "pilot")
    source = qde.parent / "sources" / f"{SOURCE}.txt"
    source.write_text(TEXT, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret\n", encoding="utf-8")
    with Archive(qde) as archive:
        member = archive.member(f"internal://{SOURCE}.txt")
        source.unlink()
        source.symlink_to(tmp_path / "secret.txt")
        with pytest.raises(QualcodeError, match="a symbolic link"):
            archive.read(member)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_the_sources_folder_is_refused(project, tmp_path):
    qde = bare_qde(tmp_path / "pilot")
    os.mkfifo(qde.parent / "sources" / f"{SOURCE}.txt")
    assert "not a regular file" in refused(project, qde)


# ---------------------------------------------------------------------- sizes


def test_an_inline_text_over_the_file_limit_is_skipped_like_a_file(project, tmp_path):
    """200 KB of zip that unpacks to 21 MB of inline text: left out, as a 21 MB file is."""
    long_text = "D1: " + "ja " * 7_000_000
    xml = project_xml(source=f"><PlainTextContent>{long_text}</PlainTextContent")
    path = write_qdpx(tmp_path / "inline.qdpx", xml)
    assert path.stat().st_size < 200_000
    result = import_qdpx(project, path)
    assert result.transcripts == [] and counts(project)[:3] == (0, 0, 0)
    assert any("skipped source 'pilot.txt': over 20 MB of text" in n for n in result.notices)


def test_an_inline_text_within_the_limit_is_read(project, tmp_path):
    """10.3 MB of inline text, over libxml2's own limit of a text node, is within ours."""
    long_text = TEXT + "D2: " + "hvordan-gik-det-med-pauserne-i-dag " * 295_000 + "\n"
    xml = project_xml(source=f"><PlainTextContent>{long_text}</PlainTextContent")
    result = import_qdpx(project, write_qdpx(tmp_path / "inline.qdpx", xml))
    assert result.transcripts == ["pilot"] and result.turns == 3 and result.coding_rows == 1
    assert len(project.transcripts()) == 1 and result.notices == []


def test_a_long_inline_note_is_left_out_with_a_notice(project, tmp_path, monkeypatch):
    monkeypatch.setattr("qualcode.refi.qdpx_import.MAX_BYTES", 1000)
    note = (
        '<Notes><Note guid="eeeeeeee-0000-0000-0000-000000000001" creatingUser="'
        f'{USER}"><PlainTextContent>{"x" * 1001}</PlainTextContent></Note></Notes>'
    )
    xml = project_xml().replace("</Project>", note + "</Project>")
    result = import_qdpx(project, write_qdpx(tmp_path / "note.qdpx", xml))
    assert any("note eeeeeeee-0000-0000-0000-000000000001 is over" in n for n in result.notices)
    assert result.memos == 0 and result.coding_rows == 1


def test_an_archive_that_unpacks_beyond_the_bound_is_refused(project, tmp_path, monkeypatch):
    path = write_qdpx(tmp_path / "big.qdpx")
    monkeypatch.setattr(archive_module, "MAX_UNPACKED", len(project_xml().encode()) + 10)
    message = refused(project, path)
    assert message.startswith(f"{path}:Sources/{SOURCE}.txt: the archive unpacks to more than")
    monkeypatch.setattr(archive_module, "MAX_UNPACKED", 100)
    assert refused(project, path).startswith(f"{path}:project.qde: the archive unpacks to")


def declare_size(path: Path, member: str, size: int) -> None:
    """Make the zip's central directory declare ``size`` bytes for ``member`` (a lie)."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(member)] != member.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("member", ["project.qde", f"Sources/{SOURCE}.txt"])
def test_a_member_larger_than_it_declares_is_refused(project, tmp_path, member):
    path = write_qdpx(tmp_path / "lying.qdpx")
    declare_size(path, member, 20)
    message = refused(project, path)
    assert message.startswith(f"{path}:{member}: ")
    assert "damaged" in message or "broken XML" in message


# ---------------------------------------------------------------------- nesting


def nested_yaml(levels: int) -> str:
    """A codebook whose codes nest ``levels`` deep, one under the other."""
    lines = ["name: Deep", "languages: [da]", "codes:"]
    for level in range(levels):
        indent = "    " * level
        lines += [f"{indent}  - key: c{level}", f"{indent}    label: C{level}"]
        if level < levels - 1:
            lines.append(f"{indent}    children:")
    return "\n".join(lines) + "\n"


def nested_codes(levels: int, namespace: str = "urn:QDA-XML:project:1.0") -> str:
    guids = [f"aaaaaaaa-0000-0000-0000-{level:012d}" for level in range(levels)]
    opening = "\n".join(f'<Code guid="{g}" name="C{g[-4:]}" isCodable="true">' for g in guids)
    return opening + "</Code>" * levels


@pytest.mark.parametrize("levels", [21, 300, 500])
def test_yaml_codes_nested_too_deep_are_refused_at_the_code(levels):
    text = nested_yaml(levels)
    assert parse_codebook(nested_yaml(20), "deep.yaml").get("c19") is not None
    with pytest.raises(QualcodeError) as caught:
        parse_codebook(text, "deep.yaml")
    line = 3 + 3 * 20 + 1  # the 21st code
    assert str(caught.value) == (
        f"deep.yaml:{line}: a code nested more than 20 levels deep (a codebook may have at "
        "most 20 levels of codes)"
    )
    assert text.splitlines()[line - 1].strip() == "- key: c20"


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, "a: " + "{a: " * 50_000, "- " * 50_000 + "x"],
    ids=["lists", "mappings", "block-lists"],
)
def test_yaml_nested_without_end_is_one_line(text, tmp_path):
    with pytest.raises(QualcodeError) as caught:
        parse_codebook(text, "deep.yaml")
    assert str(caught.value).startswith("deep.yaml:1: the YAML nests more than 100 levels")


def test_the_command_line_refuses_a_deep_yaml_codebook(project, tmp_path):
    (tmp_path / "deep.yaml").write_text(nested_yaml(300), encoding="utf-8")
    before = project.path.read_bytes()
    command = ["--project", str(project.path), "codebook", "load", str(tmp_path / "deep.yaml")]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "deep.yaml:64: a code nested more than 20 levels deep" in result.stderr
    assert project.path.read_bytes() == before


@pytest.mark.parametrize("levels", [21, 300])
def test_qdc_codes_nested_too_deep_are_refused_with_the_line(project, tmp_path, levels):
    path = tmp_path / "deep.qdc"
    codes = nested_codes(levels, "urn:QDA-XML:codebook:1.0")
    path.write_text(
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n{codes}</Codes></CodeBook>'
    )
    with pytest.raises(QualcodeError) as caught:
        read_qdc(path)
    if levels == 21:  # the 21st code is on line 23
        assert str(caught.value).startswith(f"{path}:23: a code nested more than 20 levels")
    else:  # deeper than libxml2 allows a codebook
        assert str(caught.value) == f"{path}:257: broken XML: Excessive depth in document: 256"
    assert str(caught.value) in cli_refusal(project, path)


def test_qdc_names_nesting_too_deep_are_refused(tmp_path):
    path = tmp_path / "flat.qdc"
    name = "::".join(f"level {n}" for n in range(21))
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n'
        f'<Code guid="{CODE}" name="{name}" isCodable="true"/></Codes></CodeBook>'
    )
    with pytest.raises(QualcodeError, match=r"flat\.qdc:3: a code nested more than 20"):
        read_qdc(path)


def test_qdpx_codes_nested_too_deep_are_refused(project, tmp_path):
    path = write_qdpx(tmp_path / "deep.qdpx", project_xml(codes=nested_codes(400)))
    line = (
        project_xml(codes=nested_codes(400))
        .splitlines()
        .index('<Code guid="aaaaaaaa-0000-0000-0000-000000000020" name="C0020" isCodable="true">')
    )
    message = refused(project, path)
    assert message.startswith(f"{path}:project.qde:{line + 1}: a code nested more than 20")
    assert f"{path}:project.qde:{line + 1}: a code nested" in cli_refusal(project, path)


def test_qdpx_nested_deeper_than_xml_allows_is_one_line(project, tmp_path):
    xml = project_xml().replace("</Project>", "<x>" * 100_000 + "</Project>")
    line = xml[: xml.index("<x>")].count("\n") + 1
    message = refused(project, write_qdpx(tmp_path / "deep.qdpx", xml))
    assert message == f"{tmp_path / 'deep.qdpx'}:project.qde:{line}: broken XML: Excessive " + (
        "depth in document: 2048"
    )


# ---------------------------------------------------------------------- qualcode.json


def extras(**code: object) -> bytes:
    return json.dumps({"codebook": {"languages": ["da"]}, "codes": {CODE: code}}).encode()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (extras(key="pauser", keywords={"da": 5}), "keywords.da, 5 is not of type 'array'"),
        (extras(key="pauser", label={"da": 5}), "5 is not of type 'string'"),
        (b'{"codebook": {"languages": "xx"}}', "at $.codebook.languages, 'xx' is not of type"),
        (b'{"codebook": {"languages": ["danish"]}}', "'danish' does not match"),
        (extras(key="pauser", label={"Danish!": "x"}), "at $.codes"),
        (b"{codes: none", "json:1: not JSON (Expecting property name"),
        (b'[{"codes": {}}]', "at $, [{'codes': {}}] is not of type 'object'"),
        (b"\xff\xfe{}", "json: not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"positions": "bytes"}', "at $.positions, 'bytes' is not one of"),
        (b'{"turns": {"x": [[0, "5", "D1"]]}}', "at $.turns.x[0][1], '5' is not of type"),
        (b'{"turns": {"x": [[-1, 5, "D1"]]}}', "at $.turns.x[0][0], -1 is less than"),
        (b'{"turns": {"x": [[0, 5, ""]]}}', "at $.turns.x[0][2], '' should be non-empty"),
    ],
    ids=[
        "keywords",
        "label",
        "languages",
        "language",
        "label-language",
        "not-json",
        "list",
        "not-utf8",
        "deep",
        "positions",
        "turn-end",
        "turn-start",
        "turn-speaker",
    ],
)
def test_a_hostile_qualcode_json_is_refused(project, tmp_path, content, words):
    path = write_qdpx(tmp_path / "extras.qdpx", **{"qualcode.json": content})
    message = refused(project, path)
    assert message.startswith(f"{path}:qualcode.json")
    assert words in message
    assert "qualcode.json" in cli_refusal(project, path)


def test_qualcode_json_gives_keys_labels_and_keywords_in_the_codebooks_languages(project, tmp_path):
    languages = project.codebook().languages
    content = extras(
        key="pauser",
        label={language: "Pauser" for language in languages} | {"xx": "Fremmed"},
        keywords={languages[0]: ["pause"], "xx": ["fremmed"]},
        include=["når nogen holder pause"],
        future_field={"anything": [1, 2]},
    )
    path = write_qdpx(tmp_path / "extras.qdpx", **{"qualcode.json": content})
    import_qdpx(project, path)
    code = project.codebook().get("pauser")
    assert code.label == dict.fromkeys(languages, "Pauser")
    assert code.keywords == {languages[0]: ["pause"]}
    assert code.include == ["når nogen holder pause"]


# ---------------------------------------------------------------------- users


def test_one_user_guid_with_two_names_is_refused_with_its_line(project, tmp_path):
    users = f'<User guid="{USER}" name="Anna"/>\n    <User guid="{{{USER.upper()}}}" name="Bo"/>'
    path = write_qdpx(tmp_path / "users.qdpx", project_xml(users=users))
    message = refused(project, path)
    assert message == (
        f"{path}:project.qde:4: the user GUID {USER} is given twice, to 'Anna' (line 3) and "
        "to 'Bo': whose codings are whose is unclear"
    )
    assert "the user GUID" in cli_refusal(project, path)


def test_one_user_listed_twice_under_one_name_is_one_coder(project, tmp_path):
    users = f'<User guid="{USER}" name="Anna"/><User guid="{USER}" name="Anna"/>'
    result = import_qdpx(project, write_qdpx(tmp_path / "users.qdpx", project_xml(users=users)))
    assert result.coders_added == ["Anna"] and result.coding_rows == 1


def test_file_codes_under_deep_project_codes_are_refused(project, tmp_path):
    project.load_codebook(parse_codebook(nested_yaml(19), "deep.yaml"), force=True)
    codes = (
        '<Code guid="aaaaaaaa-0000-0000-0000-000000000001" name="C18" isCodable="true">\n'
        '<Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Under" isCodable="true">\n'
        '<Code guid="aaaaaaaa-0000-0000-0000-000000000003" name="Too deep" isCodable="true"/>'
        "</Code></Code>"
    )
    xml = project_xml(codes=codes)
    line = xml[: xml.index('name="Too deep"')].count("\n") + 1
    path = write_qdpx(tmp_path / "under.qdpx", xml)
    assert refused(project, path).startswith(f"{path}:project.qde:{line}: a code nested more")
    assert len(project.codebook().keys()) == 19
