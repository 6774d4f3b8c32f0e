"""REFI-QDA codebooks (``.qdc``): the codebook exchanged on its own.

A ``.qdc`` holds codes only: name, GUID, colour, description and nesting. What REFI has no
place for (keys, labels in more than one language, keywords, include/exclude rules, examples)
stays in the project: a code read back is matched to the project's code (by GUID, then key or
label) and keeps them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from qualcode.codebook import Code, Codebook, parse_codebook
from qualcode.errors import QualcodeError
from qualcode.files import written
from qualcode.refi.codebook import RefiCode, nest_paths, plan_codebook, read_codes
from qualcode.refi.xmlutil import (
    CODEBOOK_NS,
    children,
    local,
    origin,
    parse_xml,
    validate,
    xml_guid,
)

if TYPE_CHECKING:
    from qualcode.store import Project

MAX_BYTES = 50_000_000


def export_qdc(codebook: Codebook, path: str | Path) -> int:
    """Write ``codebook`` as a REFI-QDA ``.qdc`` that validates against Codebook.xsd; returns
    the number of codes. The file appears whole or not at all."""
    path = Path(path)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", origin())
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    count = 0
    for code in codebook.codes:
        count += _code_element(codes, code, codebook.languages, CODEBOOK_NS)
    if not count:
        raise QualcodeError("the codebook has no codes to export", path)
    with written(path) as partial:
        # lxml writing to a file name says nothing when the disk is full: write the bytes.
        partial.write_bytes(
            etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
        )
        validate(partial, "Codebook.xsd", str(path))
    return count


def _code_element(parent: etree._Element, code: Code, languages: list[str], ns: str) -> int:
    """One ``<Code>`` with its sub-codes; returns how many codes it wrote."""
    element = etree.SubElement(parent, f"{{{ns}}}Code")
    element.set("guid", xml_guid(code.guid, "code", code.key))
    element.set("name", code.display(languages[0] if languages else None))
    element.set("isCodable", "true")
    if code.color:
        element.set("color", code.color)
    if code.description:
        etree.SubElement(element, f"{{{ns}}}Description").text = code.description
    return 1 + sum(_code_element(element, child, languages, ns) for child in code.children)


def read_qdc(path: str | Path) -> list[RefiCode]:
    """The codes of a ``.qdc`` file (see :func:`parse_qdc`)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise QualcodeError("the codebook file is too large to be a codebook", path)
        data = path.read_bytes()
    except OSError as error:
        raise QualcodeError(f"cannot read the codebook ({error.strerror})", path) from None
    return parse_qdc(data, str(path))


def parse_qdc(data: bytes, source: str) -> list[RefiCode]:
    """The codes of a REFI-QDA codebook, with ``a::b`` names nested; ``source`` names it in
    errors. Any codebook namespace is read (``urn:QDA-XML:codebook:1.0``, ``…:1:0`` from
    NVivo for Mac, ``…:0:4`` from ATLAS.ti), and an empty ``<Sets/>`` is no error."""
    if len(data) > MAX_BYTES:
        raise QualcodeError("the codebook file is too large to be a codebook", source)
    root = parse_xml(data, source)
    if local(root.tag) != "CodeBook":
        raise QualcodeError(
            f"not a REFI-QDA codebook: the document is a <{local(root.tag)}>, not a <CodeBook>",
            source,
            root.sourceline,
        )
    container = next(children(root, "Codes"), None)
    if container is None:
        raise QualcodeError("the codebook has no <Codes>", source, root.sourceline)
    codes = nest_paths(read_codes(container, source), source)
    if not codes:
        raise QualcodeError("the codebook has no codes", source, container.sourceline)
    return codes


def qdc_codebook(
    project: Project, codes: list[RefiCode], merge: bool, name: str, source: str
) -> Codebook:
    """The codebook that loading ``codes`` (replacing, or merging) would give the project:
    codes are matched to the project's codes by GUID, key or label, so that codings of kept
    codes survive; ``name`` names a codebook that has none, ``source`` the file in errors."""
    existing = project.codebook()
    return plan_codebook(
        existing,
        codes,
        "merge" if merge else "replace",
        existing.languages or ["en"],
        name=existing.name or name,
        source=source,
    ).codebook


def incoming_codebook(project: Project, name: str, data: bytes, merge: bool) -> Codebook:
    """The codebook in the file ``name`` with content ``data``: a REFI-QDA ``.qdc`` (its codes
    matched to the project's by GUID, key or label, see :func:`qdc_codebook`) or YAML."""
    if name.lower().endswith(".qdc"):
        return qdc_codebook(project, parse_qdc(data, name), merge, Path(name).stem, name)
    try:
        return parse_codebook(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        raise QualcodeError("the codebook is not UTF-8 text", name) from None


def load_qdc(project: Project, path: str | Path, merge: bool = False, force: bool = False) -> dict:
    """Replace the project's codebook with a ``.qdc`` (or merge it in), as with a YAML
    codebook; replacing drops the codes the file leaves out (refused when they have codings,
    unless ``force``)."""
    codebook = qdc_codebook(project, read_qdc(path), merge, Path(path).stem, str(path))
    return project.load_codebook(codebook, merge=merge, force=force)
