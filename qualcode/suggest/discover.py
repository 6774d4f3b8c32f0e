"""Keyword discovery: the words and two-word phrases that set a code's coded turns apart from
the other turns, for the researcher to add to the codebook (nothing is added unless accepted).

Each participant turn of the code's language counts once per term (document frequency): the
turns coded with the code or one of its sub-codes (by the coder, or by anyone) against the
other participant turns of the transcripts those coders coded. A term is a content word's
lemma (its base form, as keywords are written: no stop words, no numbers, at least three
letters) or two adjacent content words. Terms are ranked by Dunning's log-likelihood G² of the
2×2 table (in coded / other turns × with / without the term), keeping those found in at least
``min_turns`` coded turns and relatively more often there than elsewhere; the code's own
keywords are left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.nlp import pipe
from qualcode.store import Project
from qualcode.store.codebook import save_code

COLUMNS = ("term", "coded_turns", "other_turns", "coded_share", "other_share", "g2")


def discover_keywords(
    project: Project,
    code: str,
    coder: str | None = None,
    language: str | None = None,
    limit: int = 20,
    min_turns: int = 2,
) -> dict[str, Any]:
    """``{"code", "language", "coded_turns", "other_turns", "terms": [{term, coded_turns,
    other_turns, coded_share, other_share, g2}]}``, the best ``limit`` terms first."""
    found = project.codebook().get(code)
    if found is None:
        raise QualcodeError(f"unknown code {code!r}: not in the codebook")
    coder_id = project.coder_id(coder, create=False) if coder is not None else None
    turns = _turns(project, code, coder_id)
    if not any(coded for _, _, coded in turns):
        who = f"by {coder}" if coder else "by anyone"
        raise QualcodeError(f"no participant turn is coded with {code} {who} yet")
    if language is None:
        language = Counter(lang for lang, _, coded in turns if coded).most_common(1)[0][0]
    chosen = [(text, coded) for lang, text, coded in turns if lang == language]
    inside, outside = Counter(), Counter()
    coded_turns = sum(coded for _, coded in chosen)
    docs = pipe((text for text, _ in chosen), language)
    for doc, (_, coded) in zip(docs, chosen, strict=True):
        (inside if coded else outside).update(_terms(doc))
    other_turns = len(chosen) - coded_turns
    known = {" ".join(word.lower().split()) for word in found.keywords.get(language, [])}
    terms = []
    for term, a in inside.items():
        b = outside[term]
        if a < min_turns or term in known or a * other_turns <= b * coded_turns:
            continue
        terms.append(
            {
                "term": term,
                "coded_turns": a,
                "other_turns": b,
                "coded_share": round(a / coded_turns, 4),
                "other_share": round(b / other_turns, 4) if other_turns else None,
                "g2": round(g2(a, coded_turns - a, b, other_turns - b), 2),
            }
        )
    terms.sort(key=lambda row: (-row["g2"], -row["coded_turns"], row["term"]))
    return {
        "code": code,
        "language": language,
        "coded_turns": coded_turns,
        "other_turns": other_turns,
        "terms": terms[:limit],
    }


def _turns(project: Project, code: str, coder_id: int | None) -> list[tuple[str, str, bool]]:
    """(language, text, coded) of every participant turn of the transcripts the coder (or
    anyone) coded; coded: with the code or a sub-code."""
    who = "c.coder_id = :coder" if coder_id is not None else "1"
    return [
        (row["language"], row["text"], bool(row["coded"]))
        for row in project.query(
            f"""
            SELECT tr.language, t.text,
                   EXISTS (SELECT 1 FROM codings c
                           JOIN code_ancestors ca ON ca.code_id = c.code_id
                           JOIN codes a ON a.id = ca.ancestor_id
                           WHERE c.turn_id = t.id AND a.key = :code AND {who}) AS coded
            FROM turns t
            JOIN speakers s ON s.id = t.speaker_id
            JOIN transcripts tr ON tr.id = t.transcript_id
            WHERE s.role = 'participant'
              AND EXISTS (SELECT 1 FROM codings c JOIN turns u ON u.id = c.turn_id
                          WHERE u.transcript_id = tr.id AND {who})
            ORDER BY tr.name, t.turn
            """,
            {"code": code, "coder": coder_id},
        )
    ]


def _terms(doc) -> set[str]:
    """The turn's terms: content lemmas, and pairs of adjacent content lemmas."""
    words = [
        token.lemma_.lower() if token.is_alpha and not token.is_stop and len(token) >= 3 else None
        for token in doc
    ]
    found = {word for word in words if word}
    found.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a and b)
    return found


def g2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood G² of the 2×2 table [[a, b], [c, d]]: 2 Σ O ln(O / E)."""
    total = a + b + c + d
    rows, columns = (a + b, c + d), (a + c, b + d)
    cells = ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1))
    return 2 * sum(
        observed * math.log(observed * total / (rows[i] * columns[j]))
        for observed, i, j in cells
        if observed
    )


def add_keywords(project: Project, code: str, language: str, terms: list[str]) -> list[str]:
    """Add ``terms`` to the code's keywords in ``language`` (those it has not already, with
    runs of white space as one space); returns the ones added. One transaction; an empty term
    or one with control characters adds nothing."""
    book = project.codebook()
    found = book.get(code)
    if found is None:
        raise QualcodeError(f"unknown code {code!r}: not in the codebook")
    parent = next((up.key for item, up in book.walk() if item.key == code and up), None)
    existing = found.keywords.get(language, [])
    known = {word.lower() for word in existing}
    cleaned = [" ".join(term.split()) for term in terms]  # line breaks and tabs are spaces
    for term in cleaned:
        if not term:
            raise QualcodeError("a keyword cannot be empty")
        if not term.isprintable():
            raise QualcodeError(f"a keyword cannot hold control characters: {term!r}")
    new = [term for term in dict.fromkeys(cleaned) if term.lower() not in known]
    if new:
        keywords = {**found.keywords, language: [*existing, *new]}
        save_code(project, replace(found, keywords=keywords, children=[]), parent)
    return new
