"""Editing single codes (qualcode.store.codebook) on real project files."""

from __future__ import annotations

import pytest

from qualcode.codebook import PALETTE, Code, codebook_to_yaml, parse_codebook
from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.store.codebook import (
    code_usage,
    codebook_languages,
    coding_counts,
    delete_code,
    dropped_codes,
    move_code,
    save_code,
    set_codebook,
    shift_code,
)

TOP = ["awareness", "conditions", "self-priority", "boundaries", "community"]


def tree(project: Project) -> list[tuple[str, str | None]]:
    """(key, parent key) in the stored order."""
    return [
        (code.key, parent.key if parent else None) for code, parent in project.codebook().walk()
    ]


def snapshot(project: Project) -> list[dict]:
    return project.query("SELECT * FROM codes ORDER BY id")


def fixer(**changes) -> Code:
    fields = {
        "key": "fixer",
        "label": {"da": "Lederen som fixer", "en": "The manager as fixer"},
        "description": "The manager who solves everybody's problems.",
        "keywords": {"da": ["fikse", "løse problemer"], "en": ["fix"]},
    }
    return Code(**{**fields, **changes})


def test_a_new_code_comes_last_with_the_first_unused_colour(project):
    assert save_code(project, fixer()) == "added"
    assert [key for key, _ in tree(project)] == [*TOP, "fixer"]
    stored = project.codebook().get("fixer")
    used = {project.codebook().get(key).color for key in TOP}
    assert stored.color == next(color for color in PALETTE if color not in used)
    assert stored.keywords == {"da": ["fikse", "løse problemer"], "en": ["fix"]}
    assert stored.guid


def test_sub_codes_go_under_their_parent_in_order(project):
    save_code(project, fixer(key="body", label={"en": "The body"}), parent="awareness")
    save_code(project, fixer(key="sleep", label={"en": "Sleep"}), parent="awareness")
    save_code(project, fixer(key="night", label={"en": "Nights"}), parent="sleep")
    assert tree(project)[:5] == [
        ("awareness", None),
        ("body", "awareness"),
        ("sleep", "awareness"),
        ("night", "sleep"),
        ("conditions", None),
    ]


def test_editing_keywords_keeps_the_codes_codings_guid_and_place(demo):
    before = coding_counts(demo)["awareness"]
    code = demo.codebook().get("awareness")
    guid = code.guid
    code.keywords["en"] = [*code.keywords["en"], "  body scan ", "body scan", ""]
    assert save_code(demo, code) == "updated"
    after = demo.codebook().get("awareness")
    assert after.keywords["en"][-1] == "body scan"
    assert after.keywords["en"].count("body scan") == 1
    assert after.guid == guid
    assert coding_counts(demo)["awareness"] == before > 0
    assert [key for key, _ in tree(demo)] == TOP


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (fixer(key="Fixer"), "must be lower-case"),
        (fixer(key="the fixer"), "must be lower-case"),
        (fixer(color="red"), "must be #rrggbb"),
        (fixer(color="#12345"), "must be #rrggbb"),
        (fixer(label={"da": "  ", "en": ""}), "needs a label"),
        (fixer(label={"de": "Der Fixer"}), "language 'de' is not among"),
        (fixer(keywords={"sv": ["fixa"]}), "language 'sv' is not among"),
    ],
)
def test_bad_codes_are_refused_and_change_nothing(project, code, message):
    before = snapshot(project)
    with pytest.raises(QualcodeError, match=message) as caught:
        save_code(project, code)
    assert str(project.path) in str(caught.value)
    assert snapshot(project) == before


def test_a_bad_sub_code_stores_nothing_of_its_parent(project):
    bad_child = fixer(key="Bad Key", label={"en": "Bad"})
    with pytest.raises(QualcodeError):
        save_code(project, fixer(children=[bad_child]))
    assert "fixer" not in project.code_ids()


def test_edited_codebooks_load_again_through_the_yaml_checks(project):
    save_code(project, fixer(color="#123abc"), parent="boundaries")
    save_code(project, fixer(key="fixer-help", label={"en": "Helping"}), parent="fixer")
    book = parse_codebook(codebook_to_yaml(project.codebook()), "exported.yaml")
    assert book.get("fixer").color == "#123abc"
    assert [c.key for c in book.get("boundaries").children] == ["fixer"]
    assert [c.key for c in book.get("fixer").children] == ["fixer-help"]


def test_moving_a_code_takes_its_sub_codes_along(project):
    save_code(project, fixer(key="sleep", label={"en": "Sleep"}), parent="awareness")
    move_code(project, "awareness", parent="community", index=0)
    assert tree(project) == [
        ("conditions", None),
        ("self-priority", None),
        ("boundaries", None),
        ("community", None),
        ("awareness", "community"),
        ("sleep", "awareness"),
    ]
    move_code(project, "awareness", parent=None, index=1)
    assert [key for key, parent in tree(project) if parent is None] == [
        "conditions",
        "awareness",
        "self-priority",
        "boundaries",
        "community",
    ]


def test_a_code_cannot_go_under_itself_or_its_sub_codes(project):
    save_code(project, fixer(key="sleep", label={"en": "Sleep"}), parent="awareness")
    before = snapshot(project)
    for parent in ("awareness", "sleep"):
        with pytest.raises(QualcodeError, match="cannot go under"):
            move_code(project, "awareness", parent=parent)
    with pytest.raises(QualcodeError, match="cannot go under"):
        save_code(project, project.codebook().get("awareness"), parent="sleep")
    assert snapshot(project) == before


def test_shifting_moves_among_siblings_and_stops_at_the_ends(project):
    shift_code(project, "community", -2)
    assert [key for key, _ in tree(project)] == [
        "awareness",
        "conditions",
        "community",
        "self-priority",
        "boundaries",
    ]
    shift_code(project, "awareness", -1)
    shift_code(project, "boundaries", 5)
    assert [key for key, _ in tree(project)][0] == "awareness"
    assert [key for key, _ in tree(project)][-1] == "boundaries"


def test_deleting_a_code_with_codings_needs_force_and_says_how_many(demo):
    expected = demo.query(
        "SELECT count(*) AS n, count(DISTINCT coder_id) AS coders FROM codings "
        "WHERE code_id = (SELECT id FROM codes WHERE key = 'community')"
    )[0]
    assert expected["n"] > 0
    all_codings = len(demo.codings())
    with pytest.raises(
        QualcodeError, match=f"has {expected['n']} codings by {expected['coders']} coder"
    ):
        delete_code(demo, "community")
    assert "community" in demo.code_ids() and len(demo.codings()) == all_codings
    usage = delete_code(demo, "community", force=True)
    assert usage == {"codes": ["community"], "codings": expected["n"], "coders": expected["coders"]}
    assert "community" not in demo.code_ids()
    assert len(demo.codings()) == all_codings - expected["n"]
    assert {c["code"] for c in demo.codings()} == set(TOP) - {"community"}


def test_deleting_a_code_deletes_its_unused_sub_codes(project):
    save_code(project, fixer(key="sleep", label={"en": "Sleep"}), parent="awareness")
    save_code(project, fixer(key="night", label={"en": "Nights"}), parent="sleep")
    assert code_usage(project, "sleep") == {"codes": ["sleep", "night"], "codings": 0, "coders": 0}
    delete_code(project, "sleep")
    assert [key for key, _ in tree(project)] == TOP
    positions = [row["position"] for row in project.query("SELECT position FROM codes")]
    assert sorted(positions) == list(range(len(TOP)))


def test_codebook_languages_can_grow_but_not_drop_used_ones(project):
    set_codebook(project, "Ledere i Balance", ["da", "en", "sv"])
    assert codebook_languages(project) == ["da", "en", "sv"]
    save_code(project, fixer(label={"sv": "Fixaren"}))
    with pytest.raises(QualcodeError, match="still has labels or keywords in sv"):
        set_codebook(project, languages=["da", "en"])
    with pytest.raises(QualcodeError, match="not a code such as da"):
        set_codebook(project, languages=["Danish"])
    assert codebook_languages(project) == ["da", "en", "sv"]


def test_a_project_without_codebook_gets_one_with_its_first_code(tmp_path):
    with Project.create(tmp_path / "empty.db") as project:
        save_code(project, fixer(label={"en": "Fixer"}, keywords={}))
        book = project.codebook()
        assert book.languages == ["en"] and book.keys() == ["fixer"]


def test_dropped_codes_lists_what_a_replacement_would_cost(demo):
    counts = coding_counts(demo)
    smaller = demo.codebook()
    smaller.codes = [code for code in smaller.codes if code.key not in ("awareness", "community")]
    assert dropped_codes(demo, smaller) == {
        "awareness": counts["awareness"],
        "community": counts["community"],
    }


def test_coding_counts_per_coder_add_up(demo):
    a, b = coding_counts(demo, "coder-a"), coding_counts(demo, "coder-b")
    both = coding_counts(demo)
    assert all(a[key] + b[key] == both[key] for key in TOP)
    assert sum(a.values()) == len(demo.codings(coder="coder-a"))
    assert coding_counts(demo, "nobody") == dict.fromkeys(TOP, 0)
