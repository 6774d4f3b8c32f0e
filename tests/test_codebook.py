"""Codebook files: the default codebook, and every malformed file named with its line."""

from __future__ import annotations

import pytest

from qualcode.codebook import (
    codebook_to_yaml,
    default_codebook_path,
    load_codebook,
    parse_codebook,
)
from qualcode.errors import QualcodeError

GOOD = """\
name: Mini
languages: [da, en]
codes:
  - key: awareness
    label: {da: Opmærksomhed, en: Awareness}
    color: "#4e79a7"
    keywords:
      da: [krop, sætte grænse]
    children:
      - key: body
        label: Kroppen
"""


def test_the_default_codebook_has_the_five_themes_of_the_study():
    book = load_codebook(default_codebook_path())
    assert book.keys() == ["awareness", "conditions", "self-priority", "boundaries", "community"]
    for code in book.codes:
        assert code.label["da"] and code.label["en"] and code.description
        assert code.include and code.exclude and code.color
        assert len(code.keywords["da"]) >= 20 and len(code.keywords["en"]) >= 20
    assert book.get("self-priority").label["da"] == "Prioritering af arbejde versus sig selv"
    assert "sætte grænse" in book.get("boundaries").keywords["da"]
    assert "not the only one" in book.get("community").keywords["en"]


def test_a_codebook_round_trips_through_yaml():
    book = parse_codebook(GOOD, "mini.yaml")
    assert book.get("body").label == {"da": "Kroppen", "en": "Kroppen"}
    assert parse_codebook(codebook_to_yaml(book), "again.yaml") == book


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("name: x\nlanguages: [da\ncodes: []\n", 3, "broken YAML"),
        ("", 1, "empty"),
        ("name: x\nlanguages: [da]\n", 1, "has no 'codes'"),
        ("name: x\nlanguages: [da]\ncodes: []\n", 3, "non-empty list"),
        (GOOD.replace("    color:", "    colour:"), 6, "unknown field 'colour'"),
        (GOOD.replace('"#4e79a7"', "#4e79a7"), 6, "quote a colour"),
        (GOOD.replace('"#4e79a7"', "blue"), 6, "must be #rrggbb"),
        (GOOD.replace("key: body", "key: awareness"), 10, "used twice (first on line 4)"),
        (GOOD.replace("key: body", "key: Body Text"), 10, "must be lower-case"),
        (GOOD.replace("        label: Kroppen\n", ""), 10, "has no 'label'"),
        (GOOD.replace("      da: [krop", "      de: [krop"), 8, "language 'de'"),
        (GOOD.replace("da: [krop, sætte grænse]", "da: krop"), 8, "must be a list"),
        (GOOD.replace("languages: [da, en]", "languages: [danish]"), 2, "not a code"),
    ],
)
def test_malformed_codebooks_name_file_and_line(text, line, words):
    with pytest.raises(QualcodeError) as caught:
        parse_codebook(text, "book.yaml")
    assert str(caught.value).startswith(f"book.yaml:{line}: ")
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_text_is_named(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_bytes(b"\xff\xfe\x00broken")
    with pytest.raises(QualcodeError, match=r"book\.yaml: the codebook is not UTF-8"):
        load_codebook(path)
