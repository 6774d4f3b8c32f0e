"""The question a participant turn answers: the interviewer's turn just before it, in an
interview (a transcript with one participant).

A short answer is often about what was asked, not what it says ("One, and it doubles as the
cleaner's store cupboard." answers "Is there bike storage at work?"), and a coder reads it
with its question. In a focus group the turn after the moderator's may answer another
participant, or be a "Ja." to the room: there a turn has no question (on the study's focus
groups the moderator's words before a turn mostly went with codes the coder did not apply).
The learned suggester reads the question too (its content words and
keyword scores as features of their own, see :mod:`qualcode.suggest.learned`); keyword
suggestions and every piece of evidence stay the turn's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from qualcode.store import Project
from qualcode.suggest.base import TurnText

CHUNK = 500


def questions(project: Project, turn_ids: Sequence[int]) -> dict[int, str]:
    """For each of ``turn_ids`` whose turn just before is an interviewer's, in a transcript
    with one participant, that turn's text."""
    found: dict[int, str] = {}
    for start in range(0, len(turn_ids), CHUNK):
        chunk = list(turn_ids[start : start + CHUNK])
        rows = project.db.execute(
            f"""
            SELECT t.id, q.text FROM turns t
            JOIN turns q ON q.transcript_id = t.transcript_id AND q.turn = t.turn - 1
            JOIN speakers s ON s.id = q.speaker_id
            WHERE s.role = 'interviewer' AND t.id IN ({",".join("?" * len(chunk))})
            AND (SELECT count(*) FROM speakers p WHERE p.transcript_id = t.transcript_id
                 AND p.role = 'participant') = 1
            """,
            chunk,
        ).fetchall()
        found.update(rows)
    return found


def with_questions(project: Project, turns: list[TurnText]) -> list[TurnText]:
    """``turns``, each participant turn with the question it answers (:func:`questions`)."""
    asked = questions(project, [turn.id for turn in turns if turn.role == "participant"])
    return [
        dataclasses.replace(turn, question=asked[turn.id]) if turn.id in asked else turn
        for turn in turns
    ]
