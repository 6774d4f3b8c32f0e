"""What the REFI-QDA readers and writers share: namespaces, safe XML parsing, schema checks,
GUIDs, dates, colours and code keys.

Reading is lenient (vendors' files often do not validate: other namespaces, empty ``<Sets/>``)
and safe (no entities, no network); writing is strict (every file is checked against the
REFI-QDA schema before it is handed to the researcher).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

from lxml import etree

from qualcode import files
from qualcode.errors import QualcodeError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMAS = Path(__file__).parent / "schemas"
GUID = re.compile(
    r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?"
)
RGB = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
GUID_NAMESPACE = uuid.UUID("6f0c2a52-3d55-4c1e-9a43-1d0cdbb0c0de")
"""Namespace of the GUIDs derived for things the store keeps no GUID for (turn selections,
variables, sets, notes of coding memos): the same project exports the same GUIDs every time."""


def qualcode_version() -> str:
    try:
        return version("qualcode")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0"


def origin() -> str:
    """What we write in the ``origin`` attribute, so that importers know the position units."""
    return f"qualcode {qualcode_version()}"


@functools.cache
def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def local(tag: object) -> str:
    """An element's name without its namespace (vendors use several namespaces)."""
    return _local(tag) if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Direct children called ``name``, whatever their namespace."""
    return (child for child in element if local(child.tag) == name)


def child_text(element: etree._Element, name: str) -> str:
    """The text of the first direct child called ``name`` ('' when there is none)."""
    found = next(children(element, name), None)
    return (found.text or "") if found is not None else ""


def _parser() -> etree.XMLParser:
    """The parser of small documents (codebooks): libxml2's own limits stay on (text nodes
    up to 10 MB, 256 levels of nesting)."""
    return etree.XMLParser(resolve_entities=False, no_network=True)


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse a small XML document; a syntax error names the file and line."""
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise xml_error(error, source) from None


def iterparse(handle: IO[bytes], source: str, events=("start", "end")) -> Iterator:
    """Stream a large XML document as (event, element) pairs; errors name the file and line.

    ``huge_tree`` lifts libxml2's 10 MB limit on one text node, because a source's text may
    be inline (``<PlainTextContent>``) and as long as a transcript file may be; the caller
    bounds the stream (:class:`qualcode.refi.archive.Archive`) and each text."""
    try:
        yield from etree.iterparse(
            handle, events=events, resolve_entities=False, no_network=True, huge_tree=True
        )
    except etree.XMLSyntaxError as error:
        raise xml_error(error, source) from None


def xml_error(error: etree.XMLSyntaxError, source: str) -> QualcodeError:
    message = (error.msg or str(error)).split(", line ")[0]
    message = re.sub(r",? (use|try) XML_PARSE_HUGE( option)?", "", message)
    return QualcodeError(f"broken XML: {message}", source, error.lineno or None)


def validate(path: Path, schema: str, source: str) -> None:
    """Check a written file against ``Project.xsd`` or ``Codebook.xsd``, streaming it.

    A failure means qualcode wrote something the standard does not allow: the error names the
    element's line so that the bug can be found."""
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    try:
        for _event, element in etree.iterparse(str(path), events=("end",), schema=xsd):
            forget(element)
    except etree.XMLSyntaxError as error:
        line = error.lineno or None
        if not line:  # streaming validation knows no line: find it in the whole tree
            xsd.validate(etree.parse(str(path), _parser()))
            line = xsd.error_log.last_error.line if xsd.error_log else None
        raise QualcodeError(
            f"the file written does not follow {schema}: {error.msg}", source, line
        ) from None


def forget(element: etree._Element) -> None:
    """Free a streamed element and the siblings before it, so memory stays flat."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def name_of(element: etree._Element) -> str:
    """An element's ``name``, trimmed and in composed Unicode (macOS tools write ``ó`` as ``o``
    plus an accent; qualcode compares names as they are typed)."""
    return unicodedata.normalize("NFC", (element.get("name") or "").strip())


def normal_guid(value: str | None) -> str | None:
    """A GUID in the form we store: lower case, no braces; None when ``value`` is no GUID."""
    match = GUID.fullmatch((value or "").strip())
    return match[1].lower() if match else None


def derived_guid(*parts: object) -> str:
    """A GUID that is the same whenever it is derived from the same parts: a version-5 UUID,
    as ``uuid.uuid5`` makes it, computed directly because exports derive one per turn."""
    name = "/".join(str(part) for part in parts).encode("utf-8")
    digest = bytearray(hashlib.sha1(GUID_NAMESPACE.bytes + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def xml_guid(value: str | None, *fallback: object) -> str:
    """``value`` if it is a GUID the schema accepts, else one derived from ``fallback``."""
    return normal_guid(value) or derived_guid(*fallback)


@functools.lru_cache(maxsize=4096)
def refi_datetime(value: str | None) -> str | None:
    """A stored timestamp as ``xsd:dateTime`` in UTC (``2024-05-01T09:30:00Z``); None when
    there is no readable timestamp (the attribute is then left out)."""
    moment = _parse_datetime(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@functools.lru_cache(maxsize=4096)
def stored_datetime(value: str | None) -> str | None:
    """A REFI ``xsd:dateTime`` as the store keeps timestamps (ISO 8601 with offset)."""
    moment = _parse_datetime(value)
    return moment.isoformat(timespec="seconds") if moment else None


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def refi_color(value: str | None) -> str | None:
    """A colour as the codebook keeps it (``#rrggbb``), from REFI's ``#rgb`` or ``#rrggbb``."""
    match = RGB.fullmatch((value or "").strip())
    if not match:
        return None
    digits = match[1]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits.lower()}"


def slug(name: str) -> str:
    """A code key from a code's name: ``Prioritering af arbejde`` → ``prioritering-af-arbejde``."""
    return files.slug(name, "code")


def unique_key(name: str, taken: set[str], parent: str | None = None) -> str:
    """A key for a new code that no other code has: its slug, else prefixed with its parent's
    slug, else numbered."""
    base = slug(name)
    candidates = [base] + ([f"{slug(parent)}-{base}"] if parent else [])
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def excerpt(text: str, limit: int = 100) -> str:
    """The first ``limit`` characters of a selection on one line, as other tools name them."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
