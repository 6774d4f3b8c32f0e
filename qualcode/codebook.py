"""Codebooks: the themes a project codes against, read from and written to YAML.

A codebook has a ``name``, a list of ``languages`` and ``codes``. A code has a stable ``key``,
a ``label`` per language, a ``description``, optional ``include``/``exclude`` rules and
``examples``, a ``color``, ``keywords`` per language (words or phrases, matched on lemmas and
stems) and optional ``children`` (sub-codes). Every problem names the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualcode.errors import QualcodeError
from qualcode.resources import data_path

KEY = re.compile(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
LANGUAGE = re.compile(r"[a-z]{2,3}")
DEFAULT_CODEBOOK = "leaders-in-balance.yaml"
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
CODE_FIELDS = {
    "key",
    "label",
    "description",
    "include",
    "exclude",
    "examples",
    "color",
    "keywords",
    "children",
    "guid",
}
CODEBOOK_FIELDS = {"name", "languages", "codes", "guid"}
MAX_CODE_DEPTH = 20
"""Codes nest at most this many levels (a theme, its sub-codes, theirs, …)."""
MAX_YAML_DEPTH = 100
"""Deeper YAML is no codebook (codes at :data:`MAX_CODE_DEPTH` levels are about 45 deep) and
is refused before the YAML composer, which recurses once per level, runs out of stack."""


@dataclass
class Code:
    key: str
    label: dict[str, str]
    description: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    color: str | None = None
    keywords: dict[str, list[str]] = field(default_factory=dict)
    children: list[Code] = field(default_factory=list)
    guid: str | None = None

    def display(self, language: str | None = None) -> str:
        """The label in ``language``, else the first label, else the key."""
        if language and self.label.get(language):
            return self.label[language]
        return next(iter(self.label.values()), self.key)


@dataclass
class Codebook:
    name: str
    languages: list[str]
    codes: list[Code]
    guid: str | None = None

    def walk(self) -> Iterator[tuple[Code, Code | None]]:
        """Every code, depth first, with its parent (None for a top-level theme)."""
        stack = [(code, None) for code in reversed(self.codes)]
        while stack:
            code, parent = stack.pop()
            yield code, parent
            stack.extend((child, code) for child in reversed(code.children))

    def keys(self) -> list[str]:
        return [code.key for code, _ in self.walk()]

    def get(self, key: str) -> Code | None:
        return next((code for code, _ in self.walk() if code.key == key), None)

    def subtree(self, key: str) -> list[str]:
        """``key`` and the keys of its sub-codes, depth first (``[key]`` for an unknown key)."""
        code = self.get(key)
        return [key] if code is None else [c.key for c, _ in Codebook("", [], [code]).walk()]


def default_codebook_path() -> Path:
    return data_path("codebooks", DEFAULT_CODEBOOK)


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a YAML codebook; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise QualcodeError(f"cannot read the codebook ({error.strerror})", path) from None
    except UnicodeDecodeError:
        raise QualcodeError("the codebook is not UTF-8 text", path) from None
    return parse_codebook(text, str(path))


def too_deep(source: str, line: int | None) -> QualcodeError:
    """The refusal of a code nested deeper than :data:`MAX_CODE_DEPTH`, in any format."""
    return QualcodeError(
        f"a code nested more than {MAX_CODE_DEPTH} levels deep (a codebook may have at most "
        f"{MAX_CODE_DEPTH} levels of codes)",
        source,
        line,
    )


def parse_codebook(text: str, source: str) -> Codebook:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise _yaml_error(error, text, source) from None
    except _TooDeep as error:
        line = error.mark.line + 1
        if error.codes:
            raise too_deep(source, line) from None
        raise QualcodeError(
            f"the YAML nests more than {MAX_YAML_DEPTH} levels deep; a codebook is not that deep",
            source,
            line,
        ) from None
    if root is None:
        raise QualcodeError("the codebook is empty", source, 1)
    return _Reader(source).codebook(root)


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark, codes: bool):
        self.mark, self.codes = mark, codes


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, keeping the line of every node, that refuses codes nested deeper
    than :data:`MAX_CODE_DEPTH` (a list under ``codes`` or ``children`` is one level) and
    any nesting deeper than :data:`MAX_YAML_DEPTH`."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        self.code_depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        codes = (
            isinstance(index, yaml.ScalarNode)
            and index.value in ("codes", "children")
            and isinstance(event, yaml.SequenceStartEvent)
        )
        self.depth += 1
        self.code_depth += codes
        try:
            if self.code_depth > MAX_CODE_DEPTH or self.depth > MAX_YAML_DEPTH:
                raise _TooDeep(event.start_mark, self.code_depth > MAX_CODE_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.code_depth -= codes


def _yaml_error(error: yaml.YAMLError, text: str, source: str) -> QualcodeError:
    """One line naming the line of the problem and what the parser was reading then."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark:
        problem += f" ({context} started on line {context_mark.line + 1})"
    line = min(mark.line + 1, max(text.count("\n"), 1)) if mark else None
    return QualcodeError(f"broken YAML: {problem}", source, line)


class _Reader:
    """Turns YAML nodes into a Codebook, keeping line numbers for the error messages."""

    def __init__(self, source: str):
        self.source = source
        self.keys: dict[str, int] = {}

    def fail(self, node: yaml.Node, message: str) -> QualcodeError:
        return QualcodeError(message, self.source, node.start_mark.line + 1)

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of fields")
        fields = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in allowed:
                raise self.fail(
                    key_node,
                    f"unknown field {key!r} in {what} (allowed: {', '.join(sorted(allowed))})",
                )
            if key in fields:
                raise self.fail(key_node, f"field {key!r} appears twice in {what}")
            fields[key] = value_node
        return fields

    def string(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            hint = " (quote a colour: '#4e79a7'; an unquoted # starts a comment)" * (
                what == "color"
            )
            raise self.fail(node, f"{what} must be text{hint}")
        return str(node.value).strip()

    def strings(self, node: yaml.Node, what: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        values = [self.string(item, f"each entry of {what}") for item in node.value]
        return [value for value in values if value]

    def per_language(self, node: yaml.Node, what: str, languages: list[str]) -> dict:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must map each language to its value")
        result = {}
        for key_node, value_node in node.value:
            language = key_node.value
            if language not in languages:
                raise self.fail(
                    key_node,
                    f"{what}: language {language!r} is not among the "
                    f"codebook's languages {languages}",
                )
            result[language] = value_node
        return result

    def codebook(self, node: yaml.Node) -> Codebook:
        fields = self.mapping(node, "the codebook", CODEBOOK_FIELDS)
        for required in ("name", "languages", "codes"):
            if required not in fields:
                raise self.fail(node, f"the codebook has no {required!r}")
        languages = self.strings(fields["languages"], "languages")
        for language in languages:
            if not LANGUAGE.fullmatch(language):
                raise self.fail(
                    fields["languages"], f"language {language!r} is not a code such as da or en"
                )
        if not isinstance(fields["codes"], yaml.SequenceNode) or not fields["codes"].value:
            raise self.fail(fields["codes"], "codes must be a non-empty list")
        codes = [self.code(item, languages, 0) for item in fields["codes"].value]
        guid = self.string(fields["guid"], "guid") if "guid" in fields else None
        return Codebook(self.string(fields["name"], "name"), languages, codes, guid)

    def code(self, node: yaml.Node, languages: list[str], depth: int) -> Code:
        fields = self.mapping(node, "a code", CODE_FIELDS)
        if "key" not in fields:
            raise self.fail(node, "a code has no 'key'")
        key = self.string(fields["key"], "key")
        if not KEY.fullmatch(key):
            raise self.fail(
                fields["key"],
                f"code key {key!r} must be lower-case letters, "
                "digits, '-' or '_' (e.g. self-priority)",
            )
        if key in self.keys:
            raise self.fail(
                fields["key"], f"code key {key!r} is used twice (first on line {self.keys[key]})"
            )
        self.keys[key] = fields["key"].start_mark.line + 1
        if "label" not in fields:
            raise self.fail(node, f"code {key!r} has no 'label'")
        label_node = fields["label"]
        if isinstance(label_node, yaml.ScalarNode):
            label = dict.fromkeys(languages, self.string(label_node, "label"))
        else:
            label = {
                lang: self.string(value, f"label of {key!r}")
                for lang, value in self.per_language(label_node, "label", languages).items()
            }
        keywords = {}
        if "keywords" in fields:
            nodes = self.per_language(fields["keywords"], f"keywords of {key!r}", languages)
            keywords = {
                lang: self.strings(value, f"keywords of {key!r}") for lang, value in nodes.items()
            }
        color = None
        if "color" in fields:
            color = self.string(fields["color"], "color")
            if not COLOR.fullmatch(color):
                raise self.fail(fields["color"], f"color {color!r} of {key!r} must be #rrggbb")
        children = []
        if "children" in fields:
            if not isinstance(fields["children"], yaml.SequenceNode):
                raise self.fail(fields["children"], f"children of {key!r} must be a list")
            children = [self.code(item, languages, depth + 1) for item in fields["children"].value]

        def text(name: str) -> str:
            return self.string(fields[name], name) if name in fields else ""

        def texts(name: str) -> list[str]:
            return self.strings(fields[name], f"{name} of {key!r}") if name in fields else []

        return Code(
            key=key,
            label=label,
            description=text("description"),
            include=texts("include"),
            exclude=texts("exclude"),
            examples=texts("examples"),
            color=color,
            keywords=keywords,
            children=children,
            guid=text("guid") or None,
        )


def codebook_to_yaml(codebook: Codebook) -> str:
    """The codebook as YAML in the format :func:`load_codebook` reads."""

    def code_dict(code: Code) -> dict[str, Any]:
        result: dict[str, Any] = {"key": code.key, "label": code.label}
        for name in ("description", "include", "exclude", "examples", "color", "keywords"):
            value = getattr(code, name)
            if value:
                result[name] = value
        if code.children:
            result["children"] = [code_dict(child) for child in code.children]
        return result

    document = {
        "name": codebook.name,
        "languages": codebook.languages,
        "codes": [code_dict(code) for code in codebook.codes],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
