"""REFI-QDA codes in and out of the project's codebook.

Other tools' codes become codebook codes: hierarchy from nesting and from ATLAS.ti's flat
``parent::child`` names; a code that is already in the codebook is matched (by GUID, then by
key, then by name against the keys and labels) and never added twice. A new code gets a key
made from its name (``Oplevet støtte`` → ``oplevet-stoette``) and its name as the label in
every language of the codebook.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

from qualcode.codebook import KEY, MAX_CODE_DEPTH, Code, Codebook, too_deep
from qualcode.refi.xmlutil import (
    child_text,
    children,
    name_of,
    normal_guid,
    refi_color,
    slug,
    unique_key,
)

Mode = Literal["add", "merge", "replace"]
SEPARATOR = "::"


@dataclass
class RefiCode:
    """A code as a REFI-QDA file has it (``guid`` is None for a parent that ATLAS.ti only
    names in ``parent::child``)."""

    name: str
    guid: str | None = None
    color: str | None = None
    description: str = ""
    children: list[RefiCode] = field(default_factory=list)
    line: int | None = None
    """The line of its ``<Code>`` in the file."""

    def walk(self) -> Iterator[RefiCode]:
        yield self
        for child in self.children:
            yield from child.walk()


def read_codes(codes: etree._Element, source: str, depth: int = 1) -> list[RefiCode]:
    """The ``<Code>`` elements under ``<Codes>`` (any namespace), nested as they are; codes
    nested deeper than :data:`~qualcode.codebook.MAX_CODE_DEPTH` are refused, naming the
    line of the first too deep."""
    return [_read_code(element, source, depth) for element in children(codes, "Code")]


def _read_code(element: etree._Element, source: str, depth: int) -> RefiCode:
    if depth > MAX_CODE_DEPTH:
        raise too_deep(source, element.sourceline)
    return RefiCode(
        name=name_of(element),
        guid=normal_guid(element.get("guid")),
        color=refi_color(element.get("color")),
        description=child_text(element, "Description").strip(),
        children=read_codes(element, source, depth + 1),
        line=element.sourceline,
    )


def nest_paths(codes: Iterable[RefiCode], source: str) -> list[RefiCode]:
    """Codes with ``a::b`` names placed under ``a`` (made when only named); an explicit code
    ``a`` defined elsewhere takes that place with its colour and description. A name that
    nests a code too deep (``a::a::…``) is refused like a too deep ``<Code>``."""
    root = RefiCode("")
    explicit: set[int] = set()

    def place(code: RefiCode, parent: RefiCode, depth: int) -> None:
        parts = [part.strip() for part in code.name.split(SEPARATOR) if part.strip()]
        parts = parts or [code.name or "(unnamed)"]
        depth += len(parts)
        if depth > MAX_CODE_DEPTH:
            raise too_deep(source, code.line)
        for part in parts[:-1]:
            parent = _child(parent, part) or _add(parent, RefiCode(part))
        node = _child(parent, parts[-1])
        if node is None or (id(node) in explicit and node.guid != code.guid):
            node = _add(parent, RefiCode(parts[-1]))
        if id(node) not in explicit:
            node.guid, node.color, node.description = code.guid, code.color, code.description
            node.line = code.line
            explicit.add(id(node))
        for child in code.children:
            place(child, node, depth)

    for code in codes:
        place(code, root, 0)
    return root.children


def _child(parent: RefiCode, name: str) -> RefiCode | None:
    return next((child for child in parent.children if child.name == name), None)


def _add(parent: RefiCode, child: RefiCode) -> RefiCode:
    parent.children.append(child)
    return child


@dataclass
class CodePlan:
    """The codebook to load, and which code key each REFI code became."""

    codebook: Codebook
    keys: dict[int, str]
    """``id(RefiCode)`` → key of the codebook code it is."""
    added: list[str]

    def key_by_guid(self, codes: Iterable[RefiCode]) -> dict[str, str]:
        return {
            code.guid: self.keys[id(code)]
            for root in codes
            for code in root.walk()
            if code.guid and id(code) in self.keys
        }


def plan_codebook(
    existing: Codebook,
    codes: list[RefiCode],
    mode: Mode,
    languages: list[str],
    extras: dict[str, dict[str, Any]] | None = None,
    name: str | None = None,
    source: str = "",
) -> CodePlan:
    """Combine the project's codebook with REFI codes.

    ``add`` (project import) keeps every code as it is and adds the new ones; ``merge`` also
    moves matched codes to their place in ``codes`` and takes their colour, description and
    (renamed) label from it; ``replace`` keeps only the codes in ``codes``. Matched codes keep
    their key, keywords and rules, so their codings survive. ``extras`` (GUID → fields) carries
    what qualcode's own exports add: keys, labels per language, keywords, rules, examples.
    Codes of the file placed under deep codes of the project may nest too deep: refused,
    naming the file ``source``."""
    book = copy.deepcopy(existing)
    languages = book.languages or languages
    planner = _Planner(book, languages, extras or {}, mode)
    planner.match_all(codes, None)
    planner.place_all(codes, None)
    roots = planner.roots if mode == "replace" else book.codes
    merged = Codebook(name or book.name, languages, roots, book.guid)
    _check_depth(merged, planner.lines, source)
    return CodePlan(merged, planner.keys, planner.added)


def _check_depth(book: Codebook, lines: dict[str, int | None], source: str) -> None:
    """Refuse a codebook nested deeper than :data:`~qualcode.codebook.MAX_CODE_DEPTH`, naming
    the line (``lines``: code key → line in the file) of the first code too deep."""
    stack = [(code, 1) for code in book.codes]
    while stack:
        code, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise too_deep(source, lines.get(code.key))
        stack.extend((child, depth + 1) for child in code.children)


class _Planner:
    """Matches REFI codes to codebook codes, then places them (see :func:`plan_codebook`)."""

    def __init__(self, book: Codebook, languages: list[str], extras: dict, mode: Mode):
        self.book, self.languages, self.extras, self.mode = book, languages, extras, mode
        self.parents = {id(code): parent for code, parent in book.walk()}
        self.existing = [code for code, _ in book.walk()]
        self.by_guid = {normal_guid(code.guid): code for code in self.existing if code.guid}
        self.by_key = {code.key: code for code in self.existing}
        self.taken = set(self.by_key)
        self.guids = set(self.by_guid)
        self.matches: dict[int, Code] = {}
        self.used: set[int] = set()
        self.keys: dict[int, str] = {}
        self.lines: dict[str, int | None] = {}
        """Code key → line of the file's code placed there."""
        self.added: list[str] = []
        self.roots: list[Code] = []

    def match_all(self, codes: list[RefiCode], parent: Code | None) -> None:
        for node in codes:
            code = self.match(node, parent)
            if code is not None:
                self.matches[id(node)] = code
                self.used.add(id(code))
            self.match_all(node.children, code)

    def match(self, node: RefiCode, parent: Code | None) -> Code | None:
        if node.guid and node.guid in self.by_guid and id(self.by_guid[node.guid]) not in self.used:
            return self.by_guid[node.guid]
        key = self.extras.get(node.guid or "", {}).get("key")
        if key in self.by_key and id(self.by_key[key]) not in self.used:
            return self.by_key[key]
        folded = node.name.casefold()
        found = [
            code
            for code in self.existing
            if id(code) not in self.used
            and (
                code.key in (node.name, slug(node.name))
                or folded in {label.casefold() for label in code.label.values()}
            )
        ]
        under_parent = [code for code in found if self.parents.get(id(code)) is parent]
        return (under_parent or found or [None])[0]

    def place_all(self, codes: list[RefiCode], parent: Code | None) -> None:
        if self.mode != "add":
            for code in self.matches.values():
                self._detach(code)
                if self.mode == "replace":
                    code.children = []
        self._place(codes, parent)

    def _place(self, codes: list[RefiCode], parent: Code | None) -> None:
        for node in codes:
            code = self.matches.get(id(node))
            if code is None:
                code = self._new(node, parent)
                self._attach(code, parent)
            elif self.mode != "add":
                self._update(code, node)
                self._attach(code, parent)
            self.keys[id(node)] = code.key
            self.lines[code.key] = node.line
            self._place(node.children, code)

    def _new(self, node: RefiCode, parent: Code | None) -> Code:
        extra = self.extras.get(node.guid or "", {})
        key = extra.get("key")
        if not (isinstance(key, str) and KEY.fullmatch(key) and key not in self.taken):
            key = unique_key(node.name, self.taken, parent.display() if parent else None)
        self.taken.add(key)
        guid = node.guid if node.guid and node.guid not in self.guids else None
        if guid:
            self.guids.add(guid)
        label = self._ours(extra.get("label"))
        code = Code(
            key=key,
            label=label or dict.fromkeys(self.languages, node.name or key),
            description=node.description,
            color=node.color,
            guid=guid,
        )
        for name in ("include", "exclude", "examples"):
            if isinstance(extra.get(name), list):
                setattr(code, name, [str(item) for item in extra[name]])
        keywords = self._ours(extra.get("keywords"))
        code.keywords = {language: [str(w) for w in words] for language, words in keywords.items()}
        self.added.append(key)
        return code

    def _ours(self, per_language: object) -> dict:
        """The entries of a label or keywords (language → value) in the codebook's languages:
        a code must not carry a language its codebook does not have."""
        if not isinstance(per_language, dict):
            return {}
        return {k: v for k, v in per_language.items() if k in self.languages}

    def _update(self, code: Code, node: RefiCode) -> None:
        code.color = node.color or code.color
        code.description = node.description or code.description
        names = {code.key, *(label.casefold() for label in code.label.values())}
        if node.name and node.name.casefold() not in names and node.name != code.key:
            code.label[self.languages[0]] = node.name

    def _detach(self, code: Code) -> None:
        parent = self.parents.get(id(code))
        siblings = parent.children if parent is not None else self.book.codes
        if any(sibling is code for sibling in siblings):
            siblings[:] = [sibling for sibling in siblings if sibling is not code]

    def _attach(self, code: Code, parent: Code | None) -> None:
        if parent is not None:
            parent.children.append(code)
        elif self.mode == "replace":
            self.roots.append(code)
        else:
            self.book.codes.append(code)
