"""Suggestions in a project: compute and store them, list them, accept or reject them.

Stored suggestions live in the ``suggestions`` table, one row per (turn, code, method) and, for
the learned method, per coder (keyword suggestions belong to no coder: ``coder_id`` is NULL).
Computing suggestions again replaces the stored ones of that method in that scope.

Accepting or rejecting is a decision of one coder about one (turn, code), kept in
``suggestion_decisions``: it survives recomputing, hides that code on that turn from that coder
only (another coder still sees a keyword suggestion), and a rejection is a negative example
for the coder's learned suggester. Accepting adds the coding (origin ``suggestion``) and records
the decision in one transaction.

The learned model is derived state: :func:`learned_model` trains it from the coder's codings
and rejections and keeps it, in memory and in the project file, under a fingerprint of exactly
those (and of the codebook), so it is retrained when, and only when, they change; another
process (the next CLI call) reads the stored one instead of training again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sys
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain
from math import isfinite
from threading import Lock
from typing import Any

from qualcode import nlp
from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.suggest import learned
from qualcode.suggest.analysis import Analyser
from qualcode.suggest.base import AnalysedTurn, Evidence, Suggestion, TurnText
from qualcode.suggest.combined import CombinedSuggester
from qualcode.suggest.keywords import (
    KeywordEvidence,
    KeywordSuggester,
    Specificity,
    keyword_notices,
    places,
    specificity,
)
from qualcode.suggest.learned import LearnedSuggester
from qualcode.suggest.questions import with_questions

METHODS = ("combined", "keywords", "learned")
CHOICES = (*METHODS, "all")  # all: keywords and learned, each stored as its own method
STATUSES = ("open", "accepted", "rejected", "coded")
PAGE = 2000
# One encoder for every stored row, compact (evidence is read by programs).
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
CACHE_SIZE = 16
WEIGHT_SAMPLE = 1000

_weights: OrderedDict[tuple, Specificity] = OrderedDict()
_models: OrderedDict[tuple[str, str], tuple[str, LearnedSuggester]] = OrderedDict()
_models_lock = Lock()


@dataclass
class SuggestResult:
    """What a suggest run did: suggestions stored per method, turns analysed, notices."""

    stored: dict[str, int] = field(default_factory=dict)
    turns: int = 0
    notices: list[str] = field(default_factory=list)


def checked_method(method: str, choices: Sequence[str] = CHOICES) -> str:
    """``method`` if it is one of ``choices`` (the suggestion methods, or ``all``), else a
    QualcodeError naming them: the one check of a method, whoever asks."""
    if method not in choices:
        raise QualcodeError(f"unknown method {method!r} (choose {', '.join(choices)})")
    return method


# ---------------------------------------------------------------- reading turns


def iter_turns(
    project: Project,
    transcript: str | None = None,
    turn_ids: Iterable[int] | None = None,
    include_interviewer: bool = False,
) -> Iterator[TurnText]:
    """Turns in id order, read a page at a time (never the whole project at once)."""
    where, params = ["id > ?"], []
    if transcript is not None:
        where.append("transcript_id = ?")
        params.append(project.transcript(transcript)["id"])
    if not include_interviewer:
        where.append("role = 'participant'")
    select = f"SELECT {', '.join(_TURN_FIELDS)} FROM turn_details WHERE {' AND '.join(where)}"
    if turn_ids is not None:
        wanted = sorted(set(turn_ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"{select} AND id IN ({','.join('?' * len(chunk))}) ORDER BY id"
            for row in project.db.execute(sql, [-1, *params, *chunk]):
                yield _turn(row)
        return
    last = -1
    sql = f"{select} ORDER BY id LIMIT {PAGE}"
    if transcript is None:
        # The whole project: walk the turns by id and look each one's speaker and transcript
        # up (the view's own plan sorts every remaining turn again for each page: 4 s instead
        # of 0.6 s for the 160,000 turns of the benchmark study).
        sql = _ALL_TURNS.format(role="" if include_interviewer else _PARTICIPANTS, page=PAGE)
    while rows := project.db.execute(sql, [last, *params]).fetchall():
        for row in rows:
            yield _turn(row)
        last = rows[-1][0]


_TURN_FIELDS = ("id", "text", "language", "role", "transcript", "turn", "speaker")
# The same fields as turn_details has them, turns first (CROSS JOIN keeps that order).
_ALL_TURNS = """
    SELECT turns.id, turns.text, transcripts.language, speakers.role, transcripts.name,
           turns.turn, speakers.label
    FROM turns
    CROSS JOIN speakers ON speakers.id = turns.speaker_id
    CROSS JOIN transcripts ON transcripts.id = turns.transcript_id
    WHERE turns.id > ?{role} ORDER BY turns.id LIMIT {page}
"""
_PARTICIPANTS = " AND speakers.role = 'participant'"


# Every step-th participant turn by id, the first one first (a sample, chosen without reading
# the turns' texts).
_EVERY = """
    SELECT id FROM (
        SELECT turns.id, row_number() OVER (ORDER BY turns.id) AS n
        FROM turns JOIN speakers ON speakers.id = turns.speaker_id
        WHERE speakers.role = 'participant'
    ) WHERE (n - 1) % ? = 0
"""


def _turn(row: tuple) -> TurnText:
    turn_id, text, language, role, transcript, turn, speaker = row
    return TurnText(turn_id, text, language, role or "participant", transcript, turn, speaker)


def coded_turn_ids(project: Project, coder_id: int) -> set[int]:
    """The turns this coder has applied at least one code to."""
    rows = project.db.execute(
        "SELECT DISTINCT turn_id FROM codings WHERE coder_id = ?", [coder_id]
    ).fetchall()
    return {row[0] for row in rows}


# ---------------------------------------------------------------- keyword weights


def keyword_weights(project: Project) -> Specificity:
    """How specific each keyword of the codebook is in this project
    (:func:`qualcode.suggest.keywords.specificity` over its participant turns, or over an
    even sample of :data:`WEIGHT_SAMPLE` of them in a larger project). Cached until the turns
    or the keywords change."""
    count, last = project.db.execute(
        "SELECT count(*), max(id) FROM turn_details WHERE role = 'participant'"
    ).fetchone()
    digest = hashlib.sha256()
    for row in project.db.execute("SELECT key, keywords FROM codes ORDER BY id"):
        digest.update(json.dumps(row, ensure_ascii=False).encode())
    key = (str(project.path.resolve()), count, last, digest.hexdigest())
    with _models_lock:
        if key in _weights:
            _weights.move_to_end(key)
            return _weights[key]
    step = max(1, -(-count // WEIGHT_SAMPLE))
    sample = iter_turns(project, turn_ids=[row[0] for row in project.db.execute(_EVERY, [step])])
    with nlp.batch_mode():
        weights = specificity(Analyser(project.codebook()).analyse(sample))
    with _models_lock:
        _weights[key] = weights
        while len(_weights) > CACHE_SIZE:
            _weights.popitem(last=False)
    return weights


# ---------------------------------------------------------------- the learned model


def training_data(
    project: Project, coder: str
) -> tuple[list[TurnText], dict[int, dict[str, bool]]]:
    """The turns a coder has labelled, and the labels (turn id -> {code: applied?}).

    In each transcript the coder has coded, the participant turns up to the last turn they coded
    count as seen: each is positive for the codes applied to it and negative for all others.
    Beyond that turn the coder has not been yet, so those turns say nothing. A rejected
    suggestion is a negative for its code wherever it is (unless the coder coded it anyway)."""
    coder_id = project.find_coder(coder)
    if coder_id is None:
        return [], {}
    codes = project.codebook().keys()
    seen = project.query(
        """
        WITH reach AS (
            SELECT t.transcript_id, max(t.turn) AS last
            FROM codings c JOIN turns t ON t.id = c.turn_id
            WHERE c.coder_id = ? GROUP BY t.transcript_id
        )
        SELECT td.* FROM turn_details td JOIN reach ON reach.transcript_id = td.transcript_id
        WHERE td.turn <= reach.last AND td.role = 'participant' ORDER BY td.id
        """,
        [coder_id],
    )
    applied: dict[int, set[str]] = {}
    for turn_id, key in project.db.execute(
        "SELECT c.turn_id, codes.key FROM codings c JOIN codes ON codes.id = c.code_id "
        "WHERE c.coder_id = ?",
        [coder_id],
    ).fetchall():
        applied.setdefault(turn_id, set()).add(key)
    turns = [TurnText.from_row(row) for row in seen]
    labels = {turn.id: {code: code in applied.get(turn.id, ()) for code in codes} for turn in turns}
    rejected = project.query(
        "SELECT td.*, codes.key AS rejected_code FROM suggestion_decisions d "
        "JOIN turn_details td ON td.id = d.turn_id JOIN codes ON codes.id = d.code_id "
        "WHERE d.coder_id = ? AND d.decision = 'rejected' ORDER BY td.id",
        [coder_id],
    )
    for row in rejected:
        if row["id"] not in labels:
            labels[row["id"]] = {}
            turns.append(TurnText.from_row(row))
        code = row["rejected_code"]
        labels[row["id"]][code] = code in applied.get(row["id"], ())
    return with_questions(project, turns), labels


def fingerprint(project: Project, coder: str) -> str:
    """A digest of everything the coder's learned model depends on: their codings, their
    rejections, the codebook's codes, keywords and what its pseudo-examples are made of
    (labels, descriptions, include rules, examples), the participant turns (how many, the
    last) and the stored model's format."""
    digest = hashlib.sha256(f"learned {learned.FORMAT}|".encode())
    coder_id = project.find_coder(coder)
    turns = project.db.execute(
        "SELECT count(*), max(id) FROM turn_details WHERE role = 'participant'"
    ).fetchone()
    digest.update(f"{turns[0]}:{turns[1]}|".encode())
    for sql in (
        "SELECT turn_id, code_id FROM codings WHERE coder_id = ? ORDER BY turn_id, code_id",
        "SELECT turn_id, code_id FROM suggestion_decisions WHERE coder_id = ? "
        "AND decision = 'rejected' ORDER BY turn_id, code_id",
    ):
        digest.update(b"|")
        for turn_id, code_id in project.db.execute(sql, [coder_id]).fetchall():
            digest.update(f"{turn_id}:{code_id},".encode())
    for row in project.db.execute(
        "SELECT id, key, keywords, label, description, include, examples FROM codes ORDER BY id"
    ):
        digest.update(json.dumps(row, ensure_ascii=False).encode())
    return digest.hexdigest()


def learned_model(project: Project, coder: str) -> LearnedSuggester:
    """The coder's learned suggester, trained on their current codings (kept until those,
    their rejections or the codebook change: in memory, and in the project file for the next
    process). Check ``.trained`` before relying on it."""
    key = (str(project.path.resolve()), coder)
    stamp = fingerprint(project, coder)
    with _models_lock:
        cached = _models.get(key)
        if cached and cached[0] == stamp:
            _models.move_to_end(key)
            return cached[1]
    codebook = project.codebook()
    coder_id = project.find_coder(coder)
    stored = project.stored_model(coder_id, stamp) if coder_id is not None else None
    model = _stored(codebook, stored) if stored else None
    if model is None:
        turns, labels = training_data(project, coder)
        with nlp.batch_mode():
            analysed = Analyser(codebook).analyse(turns, terms=True)
            combined = CombinedSuggester(codebook, coder=coder, weights=keyword_weights(project))
            model = combined.fit(analysed, labels).learned
        if coder_id is not None:
            project.store_model(coder_id, stamp, _json(model.to_dict()))
    with _models_lock:
        _models[key] = (stamp, model)
        while len(_models) > CACHE_SIZE:
            _models.popitem(last=False)
    return model


def _stored(codebook: Codebook, stored: str) -> LearnedSuggester | None:
    """The stored model, or None when it cannot be read (it is derived: trained again)."""
    try:
        return LearnedSuggester.from_dict(codebook, json.loads(stored))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def learning_coders(project: Project) -> list[str]:
    """Coders who have coded anything: the candidates for a learned suggester."""
    rows = project.query(
        "SELECT name FROM coders WHERE id IN (SELECT DISTINCT coder_id FROM codings) ORDER BY name"
    )
    return [row["name"] for row in rows]


# ---------------------------------------------------------------- computing and storing


def compute_suggestions(
    project: Project,
    transcript: str | None = None,
    method: str = "combined",
    coder: str | None = None,
    turn_ids: Iterable[int] | None = None,
    include_interviewer: bool = False,
    workers: int = 1,
) -> SuggestResult:
    """Compute suggestions for a transcript, some turns or the whole project, and store them
    in place of the stored ones of the same method (and coder) for those turns; with
    ``workers`` > 1, a run of more than :data:`PAGE` turns is computed in that many
    processes (the suggestions are the same).

    ``method`` is combined (the default, as on the command line and in the app), keywords,
    learned or all (keywords and learned). Learned
    suggestions are made for ``coder``, or for every coder with enough codings when no coder
    is given, and only for turns that coder has not coded yet. Combined suggestions are made
    for every turn: for ``coder`` (or every coder) whose decisions gave a model or thresholds,
    for that coder (standing in for nobody's in those transcripts); and, when no coder is
    given or the coder has neither yet, for nobody, from the keyword part alone.
    Interviewer turns are skipped unless ``include_interviewer``. All of it is one
    transaction."""
    checked_method(method)
    transcript_id = project.transcript(transcript)["id"] if transcript is not None else None
    turn_ids = sorted(set(turn_ids)) if turn_ids is not None else None
    codebook = project.codebook()
    result = SuggestResult()
    suggesters: list[tuple[Any, int | None, set[int]]] = []
    shared: _ScoredOnce | None = None
    weights = keyword_weights(project) if method != "learned" else None
    if method in ("keywords", "all"):
        suggesters.append((KeywordSuggester(codebook, weights=weights), None, set()))
    if method in ("learned", "all"):
        names = [coder] if coder else learning_coders(project)
        if not names:
            result.notices.append("no learned suggestions: nobody has coded a turn yet")
        for name in names:
            model = learned_model(project, name)
            coder_id = project.find_coder(name)
            if not model.trained or coder_id is None:
                reason = next(iter(model.skipped.values()), "no codings")
                result.notices.append(f"no learned suggestions for {name}: {reason}")
                continue
            suggesters.append((model, coder_id, coded_turn_ids(project, coder_id)))
    untuned: list[int] = []  # coders whose own combined suggestions (if any) are out of date
    if method == "combined":
        models = []
        for name in [coder] if coder else learning_coders(project):
            model = learned_model(project, name)
            coder_id = project.find_coder(name)
            if model.tuned and coder_id is not None:
                combined = CombinedSuggester(codebook, weights=weights).use(model)
                models.append((combined, coder_id, set()))
            elif coder_id is not None:
                untuned.append(coder_id)
            if not model.trained and coder:
                reason = next(iter(model.skipped.values()), "no codings")
                result.notices.append(
                    f"combined suggestions for {name} come from the keywords alone until a "
                    f"model can be learned: {reason}"
                )
        if not coder or not models:
            suggesters.append((CombinedSuggester(codebook, weights=weights), None, set()))
        suggesters.extend(models)
        # The keyword part is the same for every coder's combined suggestions: score it once.
        shared = _ScoredOnce(suggesters[0][0].keywords)
        for suggester, _, _ in suggesters:
            suggester.keywords = shared
    terms = any(getattr(s, "trained", False) for s, _, _ in suggesters)
    job = _Job(Analyser(codebook), terms, suggesters, shared, project.code_ids())
    seen: set[tuple[str, str]] = set()
    with project.transaction(), nlp.batch_mode():
        for suggester, coder_id, _ in suggesters:
            project.forget_suggestions(suggester.method, coder_id, transcript_id, turn_ids)
            result.stored.setdefault(suggester.method, 0)
        for coder_id in untuned:
            project.forget_suggestions("combined", coder_id, transcript_id, turn_ids)
            project.cover_suggestions(coder_id, transcript_id, covered=False)
        turns = iter_turns(project, transcript, turn_ids, include_interviewer)
        batches = _batches(turns, PAGE)
        if terms:  # a model reads each short answer's question
            batches = (with_questions(project, batch) for batch in batches)
        for count, languages, rows_by_suggester in _run(job, batches, workers):
            result.turns += count
            seen.update(languages)
            for (suggester, _, _), rows in zip(suggesters, rows_by_suggester, strict=True):
                project.insert_suggestions(rows)
                result.stored[suggester.method] += len(rows)
        if turn_ids is None:
            for suggester, coder_id, _ in suggesters:
                if suggester.method == "combined" and coder_id is not None:
                    project.cover_suggestions(coder_id, transcript_id)
    if method != "learned":
        result.notices[:0] = keyword_notices(codebook, seen)
    return result


class _ScoredOnce:
    """A keyword suggester shared by several combined suggesters of one run: each turn's
    keyword scores are computed once, for the first suggester that asks, and handed to the
    others (the same dict, which they only read). :meth:`forget` drops them between
    batches."""

    def __init__(self, keywords: KeywordSuggester):
        self.inner = keywords
        self.threshold = keywords.threshold
        self._scored: dict[int, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def scored(self, turn: AnalysedTurn) -> Any:
        key = id(turn)
        found = self._scored.get(key)
        if found is None or found[0] is not turn:
            found = self._scored[key] = (turn, self.inner.scored(turn))
        return found[1]

    def forget(self) -> None:
        self._scored.clear()


@dataclass
class _Job:
    """What a suggest run does to each batch of turns: analyse them, and give every
    suggester's rows to store (see :func:`_rows`)."""

    analyser: Analyser
    terms: bool
    suggesters: list[tuple[Any, int | None, set[int]]]
    shared: _ScoredOnce | None
    code_ids: dict[str, int]
    pieces: dict[tuple, tuple[str, str]] = field(default_factory=dict)


_job: _Job | None = None  # the run a worker process was forked for


def _rows(job: _Job, turns: list[TurnText]) -> tuple[int, set[tuple[str, str]], list[list]]:
    """A batch of turns analysed and suggested for: how many turns, their (transcript,
    language) pairs, and each suggester's rows (``_row``) in the run's order."""
    batch = list(job.analyser.analyse(turns, terms=job.terms))
    if job.shared is not None:
        job.shared.forget()
    made = []
    for suggester, coder_id, coded in job.suggesters:
        todo = [t for t in batch if t.turn.id not in coded]
        made.append(
            [
                _row(suggestion, job.code_ids, coder_id, job.pieces)
                for suggestion in suggester.suggest(todo)
            ]
        )
    return len(batch), {(t.transcript or "", t.language) for t in turns}, made


def _forked_rows(turns: list[TurnText]) -> tuple[int, set[tuple[str, str]], list[list]]:
    assert _job is not None
    return _rows(_job, turns)


def _run(
    job: _Job, batches: Iterator[list[TurnText]], workers: int
) -> Iterator[tuple[int, set[tuple[str, str]], list[list]]]:
    """:func:`_rows` of each batch, in order: in this process, or, with ``workers`` > 1 and
    more than one batch, in that many worker processes forked from this one (they inherit
    the pipeline, the keyword weights and the models, and only compute; the turns are read
    and the rows stored here, so the project file has one writer). Where processes cannot be
    forked (not Linux), in this process."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if second is None or workers < 2 or not sys.platform.startswith("linux"):
        yield _rows(job, first)
        if second is not None:
            yield _rows(job, second)
        for batch in batches:
            yield _rows(job, batch)
        return
    global _job
    _job = job
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        pending: deque = deque()
        for batch in chain([first, second], batches):
            pending.append(pool.submit(_forked_rows, batch))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        raise QualcodeError(
            "a process computing suggestions stopped (out of memory?): nothing was stored; "
            "try --workers 1"
        ) from None
    finally:
        pool.shutdown(cancel_futures=True)
        _job = None


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _row(
    suggestion: Suggestion,
    code_ids: dict[str, int],
    coder_id: int | None,
    pieces: dict[tuple, tuple[str, str]] | None = None,
) -> tuple:
    return (
        suggestion.turn_id,
        code_ids[suggestion.code],
        coder_id,
        round(suggestion.score, 4),
        suggestion.method,
        _evidence_json(suggestion.evidence, {} if pieces is None else pieces),
    )


def _evidence_json(evidence: Sequence[Evidence], pieces: dict[tuple, tuple[str, str]]) -> str:
    """The stored JSON of a suggestion's evidence: one array per item, ``[start, end,
    keyword, term, weight, method]`` without its trailing nulls (``[57,65,"stresset"]``), the
    weight rounded to 3 places. The item's text is not stored: it is the turn's text from
    start to end, and :func:`evidence_dicts` puts it back. (Stored with the text and every
    field named, the evidence took 99 of the benchmark study's 250 MB and a fifth of a
    keyword run's time.)

    An item's JSON is put together from the JSON of its keyword, term and method, encoded
    once per run and kept in ``pieces``, its offsets and its weight: a study repeats the same
    few hundred keywords hundreds of thousands of times. Offsets that are not plain ints and
    weights that are not finite floats go through the encoder. Keyword evidence not yet
    built (:class:`KeywordEvidence`) is encoded from its places."""
    if type(evidence) is KeywordEvidence:
        return _places_json(places(evidence.hits), evidence.method, pieces)
    parts = []
    for item in evidence:
        _, start, end, keyword, term, weight, method = item
        if (
            type(start) is not int
            or type(end) is not int
            or (weight is not None and not (isinstance(weight, float) and isfinite(weight)))
        ):
            parts.append(_json(_packed(item)))
            continue
        key = (keyword, term, method, weight is None)
        piece = pieces.get(key) or _piece(pieces, key)
        if weight is None:
            parts.append(f"[{start},{end}{piece[0]}")
        else:
            # The encoder writes a float (numpy's too) as float.__repr__ does.
            value = float.__repr__(round(weight, 3))
            parts.append(f"[{start},{end}{piece[0]}{value}{piece[1]}")
    return "[" + ",".join(parts) + "]"


def _places_json(
    found: list[tuple[int, int, str]], method: str | None, pieces: dict[tuple, tuple[str, str]]
) -> str:
    """:func:`_evidence_json` of keyword evidence items, from their (start, end, keyword)."""
    parts = []
    for start, end, keyword in found:
        key = (keyword, None, method, True)
        piece = pieces.get(key) or _piece(pieces, key)
        parts.append(f"[{start},{end}{piece[0]}")
    return "[" + ",".join(parts) + "]"


def _piece(pieces: dict[tuple, tuple[str, str]], key: tuple) -> tuple[str, str]:
    """The JSON around an item's offsets and weight for ``key`` (keyword, term, method, no
    weight), kept in ``pieces``."""
    keyword, term, method, unweighted = key
    if unweighted:
        rest = _json(_packed(Evidence("", 0, 0, keyword, term, None, method))[2:])
        piece = ("," + rest[1:] if rest != "[]" else "]", "")
    else:
        head = _json([keyword, term])[1:-1]
        piece = (f",{head},", ("" if method is None else "," + _json(method)) + "]")
    pieces[key] = piece
    return piece


def _packed(item: Evidence) -> list[Any]:
    """``[start, end, keyword, term, weight, method]`` of an item, without trailing nulls."""
    weight = None if item.weight is None else round(item.weight, 3)
    packed = [item.start, item.end, item.keyword, item.term, weight, item.method]
    while len(packed) > 2 and packed[-1] is None:
        packed.pop()
    return packed


_FIELDS = ("keyword", "term", "weight", "method")


def evidence_dicts(stored: str, text: str) -> list[dict[str, Any]]:
    """The evidence stored by :func:`_evidence_json` for a turn whose text is ``text``, as
    :meth:`Evidence.to_dict` gives it: ``{"text", "start", "end"}`` and whichever of keyword,
    term, weight and method it has. (Rows stored before the compact form hold those dicts
    themselves, and are read as they are.)"""
    items = json.loads(stored)
    for position, item in enumerate(items):
        if isinstance(item, dict):
            continue
        start, end = item[0], item[1]
        data = {"text": text[start:end], "start": start, "end": end}
        for name, value in zip(_FIELDS, item[2:], strict=False):
            if value is not None:
                data[name] = value
        items[position] = data
    return items


# ---------------------------------------------------------------- listing


_BASE = """
    SELECT s.id, s.turn_id, td.transcript, td.turn, td.speaker, codes.key AS code,
           s.score, s.method, s.evidence, {coder} AS coder, {status} AS status,
           td.text AS turn_text
    FROM suggestions s
    JOIN turn_details td ON td.id = s.turn_id
    JOIN codes ON codes.id = s.code_id
    LEFT JOIN coders made_for ON made_for.id = s.coder_id
    {join}
    WHERE {where}
"""


def list_suggestions(
    project: Project,
    transcript: str | None = None,
    status: str | None = None,
    coder: str | None = None,
    method: str | None = None,
    turn_ids: Iterable[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Stored suggestions, in turn order, best first within a turn (every one of
    :func:`iter_suggestions`, in a list)."""
    return list(
        iter_suggestions(project, transcript, status, coder, method, turn_ids, limit, offset)
    )


def iter_suggestions(
    project: Project,
    transcript: str | None = None,
    status: str | None = None,
    coder: str | None = None,
    method: str | None = None,
    turn_ids: Iterable[int] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[dict[str, Any]]:
    """Stored suggestions, in turn order, best first within a turn, read as they are listed
    (a whole study's million rows are never all in memory at once). The arguments are
    checked before the first row is asked for.

    With ``coder``: the suggestions that coder sees (keyword ones and their own learned ones;
    their own combined ones in place of the keyword-only combined ones),
    each with that coder's status: ``accepted``, ``rejected``, ``coded`` (they applied the
    code without the suggestion) or ``open``. Without a coder: every suggestion, once per coder
    who decided on it (``coder`` = who decided, ``status`` = their decision), or once with
    status ``open`` when nobody has decided yet."""
    if status is not None and status not in STATUSES:
        raise QualcodeError(f"unknown status {status!r} (choose {', '.join(STATUSES)})")
    if method is not None:
        checked_method(method, METHODS)
    where, params = ["1"], []
    if coder is not None:
        coder_id = project.find_coder(coder)
        join = (
            "LEFT JOIN suggestion_decisions d ON d.turn_id = s.turn_id "
            "AND d.code_id = s.code_id AND d.coder_id = :coder"
        )
        status_sql = (
            "CASE WHEN d.decision IS NOT NULL THEN d.decision WHEN EXISTS (SELECT 1 FROM "
            "codings c WHERE c.turn_id = s.turn_id AND c.code_id = s.code_id "
            "AND c.coder_id = :coder) THEN 'coded' ELSE 'open' END"
        )
        coder_sql = ":name"
        where.append("(s.coder_id IS NULL OR s.coder_id = :coder)")
        # A coder's own combined suggestions stand in for the keyword-only ones of nobody: in
        # the transcripts they were computed for, and wherever they suggest the same code.
        where.append(
            "NOT (s.coder_id IS NULL AND s.method = 'combined' AND (td.transcript_id IN "
            "(SELECT transcript_id FROM suggestion_coverage WHERE coder_id = :coder) "
            "OR EXISTS (SELECT 1 FROM suggestions own WHERE own.turn_id = s.turn_id "
            "AND own.code_id = s.code_id AND own.method = 'combined' "
            "AND own.coder_id = :coder)))"
        )
        named: dict[str, Any] = {"coder": coder_id, "name": coder}
    else:
        join = (
            "LEFT JOIN suggestion_decisions d ON d.turn_id = s.turn_id AND d.code_id = "
            "s.code_id AND (s.coder_id IS NULL OR d.coder_id = s.coder_id) "
            "LEFT JOIN coders decider ON decider.id = d.coder_id"
        )
        status_sql = "coalesce(d.decision, 'open')"
        coder_sql = "coalesce(decider.name, made_for.name)"
        named = {}
    if transcript is not None:
        named["transcript_id"] = project.transcript(transcript)["id"]
        where.append("td.transcript_id = :transcript_id")
    if method is not None:
        named["method"] = method
        where.append("s.method = :method")
    if turn_ids is not None:
        ids = sorted({int(i) for i in turn_ids})
        where.append(f"s.turn_id IN ({','.join(str(i) for i in ids) or 'NULL'})")
    sql = _BASE.format(coder=coder_sql, status=status_sql, join=join, where=" AND ".join(where))
    sql = f"SELECT * FROM ({sql})"
    if status is not None:
        named["status"] = status
        sql += " WHERE status = :status"
    sql += " ORDER BY turn_id, score DESC, code"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return _decoded(project.db.query(sql, named or params))


def _decoded(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        row["evidence"] = evidence_dicts(row["evidence"], row.pop("turn_text"))
        yield row


def open_suggestions(
    project: Project, turn_ids: Iterable[int], coder: str
) -> dict[int, list[dict[str, Any]]]:
    """For a page of turns, what ``coder`` should be offered, read from the stored
    suggestions (nothing is computed): per turn, one entry per code, best first, leaving out
    codes the coder has already applied or decided on.

    Each entry: ``id`` (of the best stored suggestion, for :func:`accept`/:func:`reject`),
    ``turn_id``, ``code``, ``score`` (the best), ``method`` (of the best), ``methods`` (all
    methods suggesting it) and ``evidence`` (the best's, then the others' new places)."""
    ids = sorted({int(i) for i in turn_ids})
    page: dict[int, list[dict[str, Any]]] = {turn_id: [] for turn_id in ids}
    if not ids:
        return page
    rows = list_suggestions(project, coder=coder, status="open", turn_ids=ids)
    merged: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["turn_id"], row["code"])
        if key not in merged:
            merged[key] = {
                "id": row["id"],
                "turn_id": row["turn_id"],
                "code": row["code"],
                "score": row["score"],
                "method": row["method"],
                "methods": [row["method"]],
                "evidence": list(row["evidence"]),
            }
            page[row["turn_id"]].append(merged[key])
            continue
        entry = merged[key]
        entry["methods"].append(row["method"])
        places = {(item["start"], item["end"]) for item in entry["evidence"]}
        entry["evidence"] += [
            item for item in row["evidence"] if (item["start"], item["end"]) not in places
        ]
    return page


# ---------------------------------------------------------------- deciding


def _find(
    project: Project,
    coder: str,
    suggestion_id: int | None,
    turn_id: int | None,
    code: str | None,
) -> dict[str, Any]:
    """The stored suggestion a decision is about: by id, or the best one for turn + code."""
    if suggestion_id is not None:
        rows = project.query(
            "SELECT s.*, codes.key AS code, coders.name AS made_for FROM suggestions s "
            "JOIN codes ON codes.id = s.code_id LEFT JOIN coders ON coders.id = s.coder_id "
            "WHERE s.id = ?",
            [suggestion_id],
        )
        if not rows:
            raise QualcodeError(f"no suggestion with id {suggestion_id} in the project")
        row = rows[0]
        if row["made_for"] not in (None, coder):
            raise QualcodeError(
                f"suggestion {suggestion_id} was learned for {row['made_for']}, not {coder}"
            )
        return row
    if turn_id is None or code is None:
        raise QualcodeError("name a suggestion by its id, or by a turn and a code")
    project.turn(turn_id)
    code_id = project.code_id(code)
    rows = project.query(
        "SELECT s.*, codes.key AS code FROM suggestions s JOIN codes ON codes.id = s.code_id "
        "LEFT JOIN coders ON coders.id = s.coder_id WHERE s.turn_id = ? AND s.code_id = ? "
        "AND (s.coder_id IS NULL OR coders.name = ?) ORDER BY s.score DESC LIMIT 1",
        [turn_id, code_id, coder],
    )
    if not rows:
        raise QualcodeError(f"no suggestion of {code!r} for turn {turn_id}")
    return rows[0]


def _decide(project: Project, row: dict[str, Any], coder_id: int, decision: str) -> None:
    project.decide_suggestion(
        row["turn_id"], row["code_id"], coder_id, decision, row["method"], row["score"]
    )


def accept(
    project: Project,
    coder: str,
    suggestion_id: int | None = None,
    turn_id: int | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """Accept a suggestion (by id, or by turn + code): in one transaction, ``coder`` codes the
    turn with it (origin ``suggestion``) and the decision is recorded."""
    row = _find(project, coder, suggestion_id, turn_id, code)
    with (
        project.transaction(),
        project.coding_action(project.coder_id(coder), row["turn_id"], "accept"),
    ):
        added = project.add_codings(row["turn_id"], [row["code"]], coder, origin="suggestion")
        _decide(project, row, project.coder_id(coder), "accepted")
    return {
        "turn_id": row["turn_id"],
        "code": row["code"],
        "coder": coder,
        "decision": "accepted",
        "coded": bool(added),
    }


def reject(
    project: Project,
    coder: str,
    suggestion_id: int | None = None,
    turn_id: int | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """Reject a suggestion (by id, or by turn + code) for ``coder``: it is not offered to them
    again and counts as a negative example for their learned suggester."""
    row = _find(project, coder, suggestion_id, turn_id, code)
    coder_id = project.find_coder(coder)
    if (
        coder_id is not None
        and project.db.execute(
            "SELECT 1 FROM codings WHERE turn_id = ? AND code_id = ? AND coder_id = ?",
            [row["turn_id"], row["code_id"], coder_id],
        ).fetchone()
    ):
        raise QualcodeError(
            f"{coder} has coded turn {row['turn_id']} with {row['code']!r}; remove the coding "
            "first to reject the suggestion",
            fix="uncode",
        )
    with (
        project.transaction(),
        project.coding_action(project.coder_id(coder), row["turn_id"], "reject"),
    ):
        _decide(project, row, project.coder_id(coder), "rejected")
    return {"turn_id": row["turn_id"], "code": row["code"], "coder": coder, "decision": "rejected"}
