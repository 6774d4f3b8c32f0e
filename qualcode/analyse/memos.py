"""Every memo of a project with its turn: what a coder noted while coding, to read beside the
codes (the Reports page's Memos view, ``qualcode memos``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qualcode.analyse.common import check_attributes, speaker_filter
from qualcode.errors import QualcodeError
from qualcode.store import Project

COLUMNS = ("transcript", "group", "turn", "speaker", "coder", "codes", "memo", "text", "updated")


def memo_table(
    project: Project,
    coder: str | None = None,
    code: str | None = None,
    attributes: Sequence[tuple[str, str]] = (),
) -> list[dict[str, Any]]:
    """The memos (of ``coder``; on turns ``code`` or one of its sub-codes is applied to by the
    memo's coder; on turns of speakers with every ``(name, value)`` of ``attributes``), in
    transcript and turn order, each with its turn (``text``, speaker, group) and the codes the
    memo's coder applied to the turn."""
    where, params = [], {}
    if coder is not None:
        if project.find_coder(coder) is None:
            raise QualcodeError(f"no coder named {coder!r} in the project", project.path)
        where.append("coders.name = :coder")
        params["coder"] = coder
    if code is not None:
        book = project.codebook()
        if book.get(code) is None:
            raise QualcodeError(f"unknown code {code!r}", project.path)
        keys = {f"key{i}": key for i, key in enumerate(book.subtree(code))}
        marks = ", ".join(f":{name}" for name in keys)
        where.append(
            f"""EXISTS (SELECT 1 FROM codings c JOIN codes k ON k.id = c.code_id
                       WHERE c.turn_id = m.turn_id AND c.coder_id = m.coder_id
                         AND k.key IN ({marks}))"""
        )
        params.update(keys)
    if attributes:
        check_attributes(project, attributes)
        speakers, named = speaker_filter(attributes)
        where.append(
            "EXISTS (SELECT 1 FROM turns t JOIN speakers s ON s.id = t.speaker_id "
            f"WHERE t.id = m.turn_id AND {speakers})"
        )
        params.update(named)
    rows = project.query(
        f"""SELECT td.transcript, td."group", td.turn, td.speaker, coders.name AS coder,
                   (SELECT group_concat(key, ', ') FROM (
                        SELECT DISTINCT k.key FROM codings c JOIN codes k ON k.id = c.code_id
                        WHERE c.turn_id = m.turn_id AND c.coder_id = m.coder_id
                        ORDER BY k.position)) AS codes,
                   m.text AS memo, td.text, m.updated_at AS updated
            FROM memos m JOIN turn_details td ON td.id = m.turn_id
            JOIN coders ON coders.id = m.coder_id
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY td.transcript, td.turn, coders.name""",
        params,
    )
    return [{**row, "codes": row["codes"] or ""} for row in rows]
