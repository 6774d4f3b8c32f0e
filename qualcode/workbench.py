"""What the coding workbench shows: one page of a transcript's turns, with one coder's codings
and memos, and that coder's progress; and the same page of turns searched across transcripts
(the Search page and ``qualcode search``).

Everything here is a query with ``LIMIT``/``OFFSET``, so a page costs the same in a project of
four transcripts as in one of a thousand: the workbench never loads the whole project.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.suggest import workflow

PAGE_SIZE = 25


@dataclass(frozen=True)
class TurnFilter:
    """Which turns of a transcript to show.

    ``uncoded``: only participant turns the coder has not coded yet (the turns the progress
    counts as still to do). ``code``: only turns the coder coded with this code key.
    ``speaker``: only the turns of the speaker with this label (a label belongs to one
    transcript: searched across transcripts, it is that label in each of them; search one
    transcript to follow one participant). ``text``: only turns containing this text
    (case-insensitive). ``attributes``: only turns of speakers with every one of these
    ``(name, value)`` attributes (e.g. ``(("gender", "f"),)``), in any transcript.
    """

    uncoded: bool = False
    code: str | None = None
    speaker: str | None = None
    text: str = ""
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass
class TurnPage:
    """One page of turns (and the transcript's ``speakers``, label and role, and
    ``language``); each turn dict has the columns of ``turns`` plus ``speaker``,
    ``role``, ``transcript`` (its name), ``group``, ``language``, ``position`` (0-based, in
    its transcript's turns: :func:`code_page_of` is the Code page's page that shows it),
    ``codes`` (the coder's code keys, in codebook order), ``spans`` (``(code, start, end)``
    of the coder's codings of part of the turn), ``memo`` (or None) and ``suggestions``
    (the coder's open suggestions, best first, see
    :func:`qualcode.suggest.workflow.open_suggestions`; none without a coder).

    ``transcripts`` is how many transcripts the ``total`` filtered turns come from. A page
    searched across transcripts (:func:`search_turns`) has no ``language`` (each turn has
    its own), and its ``speakers`` are those of the transcripts on the page, each with its
    ``transcript``."""

    turns: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    speakers: list[dict[str, Any]] = field(default_factory=list)
    language: str | None = None
    transcripts: int = 0

    @property
    def number(self) -> int:
        """This page's number, from 1."""
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        """How many pages the filtered turns fill (at least 1)."""
        return max(1, math.ceil(self.total / self.limit))


def shown_range(page: TurnPage) -> str:
    """Where a page is among the filtered turns: "showing 1–25 of 312 turns in 14
    transcripts"."""
    first = page.offset + 1 if page.turns else 0
    return (
        f"showing {first}–{page.offset + len(page.turns)} of {page.total} "
        f"turn{'' if page.total == 1 else 's'} in {page.transcripts} "
        f"transcript{'' if page.transcripts == 1 else 's'}"
    )


def transcript_names(project: Project) -> list[str]:
    """The names of the project's transcripts, in name order (no counts: cheap)."""
    return [row["name"] for row in project.query("SELECT name FROM transcripts ORDER BY name")]


def where_left_off(project: Project, coder: str | None) -> str | None:
    """The first transcript (in name order) with a participant turn ``coder`` has not coded:
    where the Code page opens for them (None when they have coded every one, or for no
    coder)."""
    coder_id = project.find_coder(coder) if coder else None
    if coder_id is None:
        return None
    rows = project.query(
        """SELECT tr.name FROM transcripts tr
           WHERE EXISTS (SELECT 1 FROM turns t JOIN speakers s ON s.id = t.speaker_id
                         WHERE t.transcript_id = tr.id AND s.role = 'participant'
                           AND NOT EXISTS (SELECT 1 FROM codings c
                                           WHERE c.turn_id = t.id AND c.coder_id = ?))
           ORDER BY tr.name LIMIT 1""",
        [coder_id],
    )
    return rows[0]["name"] if rows else None


def transcript_speakers(project: Project, transcript: str) -> list[dict[str, Any]]:
    """The transcript's speakers (``label``, ``role``) in order of first appearance."""
    transcript_id, _ = _transcript(project, transcript)
    return project.query(
        "SELECT label, role FROM speakers WHERE transcript_id = ? ORDER BY id", [transcript_id]
    )


def turn_page(
    project: Project,
    transcript: str,
    coder: str | None = None,
    where: TurnFilter | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> TurnPage:
    """The turns of ``transcript`` that pass ``where``, ``limit`` of them from ``offset``, with
    ``coder``'s codings and memos on them (none when ``coder`` is None)."""
    transcript_id, language = _transcript(project, transcript)
    page = _page(project, [transcript_id], project.find_coder(coder), coder, where, limit, offset)
    page.speakers = transcript_speakers(project, transcript)
    page.language = language
    return page


def search_turns(
    project: Project,
    transcripts: Sequence[str] = (),
    coder: str | None = None,
    where: TurnFilter | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> TurnPage:
    """The turns of ``transcripts`` (all of them when empty) that pass ``where``, in
    transcript name and turn order, ``limit`` of them from ``offset``, with ``coder``'s
    codings and memos on them (every coder's codes, read-only, when ``coder`` is None).

    The same filters as one transcript's page; with ``where.attributes`` the turns of every
    speaker with those attributes, across transcripts (a participant view)."""
    coder_id = project.find_coder(coder)
    if coder and coder.strip() and coder_id is None:
        raise QualcodeError(f"no coder named {coder.strip()!r} in the project", project.path)
    ids = [_transcript(project, name)[0] for name in dict.fromkeys(transcripts)] or None
    page = _page(project, ids, coder_id, coder, where, limit, offset)
    on_page = sorted({turn["transcript"] for turn in page.turns})
    if on_page:
        marks = ",".join("?" * len(on_page))
        page.speakers = project.query(
            f"""SELECT tr.name AS transcript, s.label, s.role FROM speakers s
                JOIN transcripts tr ON tr.id = s.transcript_id
                WHERE tr.name IN ({marks}) ORDER BY tr.name, s.id""",
            on_page,
        )
    return page


def code_page_of(turn: dict[str, Any], limit: int = PAGE_SIZE) -> int:
    """The page (from 1) of the Code page, unfiltered and ``limit`` turns a page, that shows
    ``turn`` (a turn of a :class:`TurnPage`)."""
    return int(turn["position"]) // limit + 1


def speaker_attributes(project: Project) -> list[tuple[str, str]]:
    """Every ``(name, value)`` speaker attribute in the project, in order (the choices of an
    attribute filter)."""
    return [
        (row["key"], row["value"])
        for row in project.query(
            """SELECT DISTINCT a.key, CAST(a.value AS TEXT) AS value
               FROM speakers s, json_each(s.attributes) a
               WHERE a.value IS NOT NULL ORDER BY a.key, value"""
        )
    ]


def find_speaker(project: Project, text: str) -> tuple[str | None, str]:
    """``TRANSCRIPT:LABEL`` read as ``(transcript, label)``: one speaker of one transcript (a
    participant). Text that names no transcript's speaker that way is a label, looked for in
    every transcript: ``(None, text)``."""
    for at in [index for index, char in enumerate(text) if char == ":"]:
        transcript, label = text[:at], text[at + 1 :]
        found = project.query(
            """SELECT 1 FROM speakers s JOIN transcripts tr ON tr.id = s.transcript_id
               WHERE tr.name = ? AND s.label = ?""",
            [transcript, label],
        )
        if found:
            return transcript, label
    return None, text


def _page(
    project: Project,
    transcript_ids: list[int] | None,
    coder_id: int | None,
    coder: str | None,
    where: TurnFilter | None,
    limit: int,
    offset: int,
) -> TurnPage:
    """The filtered turns of ``transcript_ids`` (None: every transcript), one page of them."""
    if limit < 1 or offset < 0:
        raise QualcodeError(f"a page needs limit >= 1 and offset >= 0, not {limit}/{offset}")
    condition, params = _condition(project, transcript_ids, coder_id, where or TurnFilter())
    counted = project.query(
        f"SELECT count(*) AS n, count(DISTINCT t.transcript_id) AS transcripts "
        f"FROM turns t JOIN speakers s ON s.id = t.speaker_id WHERE {condition}",
        params,
    )[0]
    turns = _turns(project, condition, params, coder, limit, offset)
    return TurnPage(turns, counted["n"], offset, limit, transcripts=counted["transcripts"])


def one_turn(project: Project, turn_id: int, coder: str | None = None) -> dict[str, Any]:
    """Turn ``turn_id`` as :func:`turn_page` gives its turns (to redraw one turn after a
    change, without reading the page again)."""
    turns = _turns(project, "t.id = ?", [turn_id], coder, 1, 0)
    if not turns:
        raise QualcodeError(f"no turn {turn_id} in the project", project.path)
    return turns[0]


def _turns(
    project: Project, condition: str, params: list[Any], coder: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """The turns that pass the SQL ``condition``, with ``coder``'s codings, memos and open
    suggestions."""
    turns = project.query(
        f"""SELECT t.id, t.turn, s.label AS speaker, s.role, t.start, t."end", t.timestamp,
                   t.text, t.words, tr.name AS transcript, tr."group", tr.language,
                   (SELECT count(u.turn) FROM turns u
                    WHERE u.transcript_id = t.transcript_id AND u.turn < t.turn) AS position
            FROM turns t JOIN speakers s ON s.id = t.speaker_id
                 JOIN transcripts tr ON tr.id = t.transcript_id
            WHERE {condition} ORDER BY tr.name, t.turn LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    )
    _attach_codings(project, turns, project.find_coder(coder))
    _attach_suggestions(project, turns, coder)
    return turns


def progress(project: Project, transcript: str, coder: str | None) -> tuple[int, int]:
    """``(coded, total)``: participant turns of ``transcript`` that ``coder`` has coded, of all
    its participant turns."""
    transcript_id, _ = _transcript(project, transcript)
    row = project.query(
        """SELECT count(*) AS total,
                  coalesce(sum(EXISTS (SELECT 1 FROM codings c
                                       WHERE c.turn_id = t.id AND c.coder_id = ?)), 0) AS coded
           FROM turns t JOIN speakers s ON s.id = t.speaker_id
           WHERE t.transcript_id = ? AND s.role = 'participant'""",
        [project.find_coder(coder), transcript_id],
    )[0]
    return row["coded"], row["total"]


def change_codes(
    project: Project,
    turn_id: int,
    coder: str,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> tuple[list[str], list[str]]:
    """Apply ``add`` to the whole turn and remove ``remove`` (spans included) for ``coder``, in
    one transaction and one coding action; returns ``(added, removed)``, the codes that
    actually changed.

    The workbench passes what the coder changed (not the whole set it showed), so codes that
    another session applied meanwhile are kept: two people coding at once lose nothing."""
    add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
    with (
        project.transaction(),
        project.coding_action(project.coder_id(coder), turn_id, "code" if add else "uncode"),
    ):
        added = project.add_codings(turn_id, add, coder) if add else []
        removed = project.remove_codings(turn_id, remove, coder) if remove else []
    return added, removed


def _transcript(project: Project, name: str) -> tuple[int, str]:
    """The transcript's id and language (without loading its text)."""
    rows = project.query("SELECT id, language FROM transcripts WHERE name = ?", [name])
    if not rows:
        raise QualcodeError(f"no transcript named {name!r} in the project", project.path)
    return rows[0]["id"], rows[0]["language"]


def _condition(
    project: Project, transcript_ids: list[int] | None, coder_id: int | None, where: TurnFilter
) -> tuple[str, list[Any]]:
    """The SQL condition (on turns ``t`` joined to speakers ``s``) that ``where`` asks for, in
    the transcripts ``transcript_ids`` (None: in every transcript)."""
    parts: list[str] = ["1"]
    params: list[Any] = []
    if transcript_ids is not None:
        parts.append(f"t.transcript_id IN ({','.join('?' * len(transcript_ids))})")
        params.extend(transcript_ids)
    if where.uncoded:
        parts.append("s.role = 'participant'")
        parts.append(
            "NOT EXISTS (SELECT 1 FROM codings c WHERE c.turn_id = t.id AND c.coder_id = ?)"
        )
        params.append(coder_id)
    if where.code:
        parts.append(
            "EXISTS (SELECT 1 FROM codings c WHERE c.turn_id = t.id AND c.code_id = ?"
            + (" AND c.coder_id = ?)" if coder_id is not None else ")")
        )
        params.append(project.code_id(where.code))
        if coder_id is not None:
            params.append(coder_id)
    if where.speaker:
        parts.append("s.label = ?")
        params.append(where.speaker)
    for name, value in where.attributes:
        parts.append(
            "EXISTS (SELECT 1 FROM json_each(s.attributes) a "
            "WHERE a.key = ? AND CAST(a.value AS TEXT) = ?)"
        )
        params.extend([name, value])
    if where.text.strip():
        project.db.conn.create_function("casefold", 1, _casefold, deterministic=True)
        parts.append("instr(casefold(t.text), ?) > 0")
        params.append(where.text.strip().casefold())
    return " AND ".join(parts), params


def _casefold(text: str | None) -> str | None:
    """SQLite's lower() folds ASCII only; Danish needs æ/Æ, ø/Ø, å/Å folded too."""
    return None if text is None else text.casefold()


def _attach_codings(project: Project, turns: list[dict[str, Any]], coder_id: int | None) -> None:
    """Add ``codes``, ``spans`` and ``memo`` of ``coder_id`` to each turn of a page; without a
    coder, ``coded_by``: every coder's codes (code -> the coders who applied it), to read."""
    codes: dict[int, list[str]] = defaultdict(list)
    spans: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    memos: dict[int, str] = {}
    coded_by: dict[int, dict[str, list[str]]] = defaultdict(dict)
    ids = [turn["id"] for turn in turns]
    if ids and coder_id is None:
        marks = ",".join("?" * len(ids))
        for row in project.query(
            f"""SELECT DISTINCT c.turn_id, codes.key, coders.name FROM codings c
                JOIN codes ON codes.id = c.code_id JOIN coders ON coders.id = c.coder_id
                WHERE c.turn_id IN ({marks}) ORDER BY codes.position, coders.name""",
            ids,
        ):
            coded_by[row["turn_id"]].setdefault(row["key"], []).append(row["name"])
    if ids and coder_id is not None:
        marks = ",".join("?" * len(ids))
        for row in project.query(
            f"""SELECT c.turn_id, codes.key, c.start, c."end" FROM codings c
                JOIN codes ON codes.id = c.code_id
                WHERE c.coder_id = ? AND c.turn_id IN ({marks})
                ORDER BY codes.position, c.start""",
            [coder_id, *ids],
        ):
            if row["key"] not in codes[row["turn_id"]]:
                codes[row["turn_id"]].append(row["key"])
            if row["start"] is not None:
                spans[row["turn_id"]].append((row["key"], row["start"], row["end"]))
        memos = {
            row["turn_id"]: row["text"]
            for row in project.query(
                f"SELECT turn_id, text FROM memos WHERE coder_id = ? AND turn_id IN ({marks})",
                [coder_id, *ids],
            )
        }
    for turn in turns:
        turn["codes"] = codes[turn["id"]]
        turn["spans"] = spans[turn["id"]]
        turn["memo"] = memos.get(turn["id"])
        turn["coded_by"] = coded_by[turn["id"]]


def _attach_suggestions(project: Project, turns: list[dict[str, Any]], coder: str | None) -> None:
    """Add ``suggestions``: the open suggestions ``coder`` should see on each turn of a page."""
    offered = (
        workflow.open_suggestions(project, [turn["id"] for turn in turns], coder.strip())
        if coder and coder.strip() and turns
        else {}
    )
    for turn in turns:
        turn["suggestions"] = offered.get(turn["id"], [])


# ---------------------------------------------------------------- suggestions


SUGGEST_METHODS = dict(
    zip(
        workflow.CHOICES,
        (
            "Keywords and your codings",
            "Keywords of the codebook",
            "Learned from your codings",
            "Keywords and learned, apart",
        ),
        strict=True,
    )
)
"""The suggestion methods (:data:`qualcode.suggest.workflow.CHOICES`) as the Code page names
them."""


def evidence_spans(suggestions: Iterable[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """Where the evidence of ``suggestions`` lies in the turn text: ``(code, start, end)``,
    for marking the words that triggered each suggestion in its code's colour."""
    return [
        (suggestion["code"], int(item["start"]), int(item["end"]))
        for suggestion in suggestions
        for item in suggestion["evidence"]
        if item.get("start") is not None and item.get("end") is not None
    ]


def suggestion_count(project: Project, transcript: str, coder: str | None = None) -> int:
    """Stored suggestions for the transcript's turns (keyword ones, plus ``coder``'s learned
    ones), decided or not: 0 means none were computed yet."""
    transcript_id, _ = _transcript(project, transcript)
    return project.query(
        """SELECT count(*) AS n FROM suggestions s JOIN turns t ON t.id = s.turn_id
           WHERE t.transcript_id = ?
             AND (s.coder_id IS NULL OR s.coder_id = ?)""",
        [transcript_id, project.find_coder(coder)],
    )[0]["n"]


def suggest_transcript(
    project: Project, transcript: str, coder: str | None, method: str = "combined"
) -> workflow.SuggestResult:
    """(Re)compute the suggestions for one transcript: keyword ones for everybody and, with
    ``learned``/``all``, the ones learned from ``coder``'s codings; ``combined`` (the default)
    is both in one, the keyword ones until ``coder`` has coded enough for a model (one
    transaction; the coder's earlier accept/reject decisions stay)."""
    workflow.checked_method(method)
    chosen = coder.strip() if coder and coder.strip() else None
    if method in ("learned", "all") and chosen is None:
        raise QualcodeError("learned suggestions are made for a coder: choose who you are first")
    learned_for = chosen if method != "keywords" else None
    if method != "combined" and learned_for and project.find_coder(learned_for) is None:
        raise QualcodeError(f"{learned_for} has no codings yet to learn from; code some turns")
    return workflow.compute_suggestions(project, transcript, method=method, coder=learned_for)


def accept_suggestion(project: Project, coder: str, suggestion_id: int) -> dict[str, Any]:
    """``coder`` accepts a stored suggestion: the turn gets the code (origin ``suggestion``)
    and the decision is kept, in one transaction."""
    return workflow.accept(project, coder.strip(), suggestion_id=suggestion_id)


def reject_suggestion(project: Project, coder: str, suggestion_id: int) -> dict[str, Any]:
    """``coder`` rejects a stored suggestion: it is not offered to them again."""
    return workflow.reject(project, coder.strip(), suggestion_id=suggestion_id)
