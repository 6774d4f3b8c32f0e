"""Scoring any suggester against a coder's codings, the same way for every method.

The unit is the participant turn. A turn counts for a coder when it belongs to a transcript the
coder has coded (at least one coding in it); every participant turn of such a transcript is a
yes/no decision per code (did the coder apply the code to the turn, to the whole turn or a part
of it?). A transcript the coder has not coded is left out, not counted as "no" everywhere.

Per code: true positives (suggested and coded), false positives (suggested, not coded), false
negatives (coded, not suggested); precision = tp / (tp + fp), recall = tp / (tp + fn), F1 their
harmonic mean. A ratio with nothing to divide by is 0 (as scikit-learn's ``zero_division=0``).
The macro averages are the plain means over the codes the coder applied at least once or the
suggester suggested at least once in these turns (a code neither used nor suggested has no
figures and is left out).

Top-2 share: among the *substantive* participant turns, those the coder applied at least one
code to, the share whose two highest-scoring suggestions (whatever their score, threshold or
not) include at least one of the coder's codes.

Suggesters are validated by cross-validation grouped by transcript (:func:`folds`): the turns of
a transcript are suggested by a suggester fitted on the other transcripts only, so no turn is
ever scored by a model that saw it (for keywords, fitting learns nothing and this is the same as
scoring every turn once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from qualcode import nlp
from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.store import Project
from qualcode.suggest import keywords
from qualcode.suggest.analysis import Analyser
from qualcode.suggest.base import AnalysedTurn, Suggester, Suggestion, TurnText
from qualcode.suggest.combined import CombinedSuggester
from qualcode.suggest.keywords import KeywordSuggester
from qualcode.suggest.learned import LearnedSuggester
from qualcode.suggest.questions import with_questions
from qualcode.suggest.workflow import keyword_weights

MAX_FOLDS = 10


@dataclass
class CodeScore:
    code: str
    support: int
    suggested: int
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    # What decided whether the code was suggested, over the folds: part -> threshold -> folds.
    thresholds: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def threshold(self) -> str:
        """:attr:`thresholds` in words: "keywords 0.8", or with the folds each threshold was
        used in, when they differ: "learned 0.35 ×8; keywords 0.6 ×1, 0.8 ×1"."""
        parts = sorted(self.thresholds.items(), key=lambda item: -sum(item[1].values()))
        if len(parts) == 1 and len(parts[0][1]) == 1:
            return f"{parts[0][0]} {next(iter(parts[0][1]))}"
        return "; ".join(
            f"{part} "
            + ", ".join(
                f"{value} ×{folds}"
                for value, folds in sorted(values.items(), key=lambda item: -item[1])
            )
            for part, values in parts
        )


@dataclass
class Evaluation:
    """How well one method's suggestions match one coder's codings."""

    method: str
    coder: str | None
    unit: str
    validation: str
    n_transcripts: int
    n_turns: int
    codes: list[CodeScore]
    macro: dict[str, float]
    top2: dict[str, float]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for row, code in zip(data["codes"], self.codes, strict=True):
            for key in ("precision", "recall", "f1"):
                row[key] = round(row[key], 4)
            row["threshold"] = code.threshold
        data["macro"] = {key: round(value, 4) for key, value in self.macro.items()}
        data["top2"] = {
            key: round(value, 4) if isinstance(value, float) else value
            for key, value in self.top2.items()
        }
        return data


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def f1(precision: float, recall: float) -> float:
    return ratio(2 * precision * recall, precision + recall)


def score(
    units: Sequence[int],
    gold: Mapping[int, set[str]],
    suggestions: Iterable[Suggestion],
    codes: Sequence[str],
    threshold: float,
) -> tuple[list[CodeScore], dict[str, float], dict[str, float]]:
    """Per-code scores, macro averages and top-2 share of ``suggestions`` on ``units``.

    ``gold[turn_id]`` is the set of codes the coder applied; ``suggestions`` may include
    scores below ``threshold``: those only count for the top-2 ranking."""
    unit_set = set(units)
    ranked: dict[int, dict[str, float]] = defaultdict(dict)
    for suggestion in suggestions:
        if suggestion.turn_id in unit_set:
            best = ranked[suggestion.turn_id]
            best[suggestion.code] = max(best.get(suggestion.code, 0.0), suggestion.score)
    counts = {code: {"tp": 0, "fp": 0, "fn": 0} for code in codes}
    for turn_id in unit_set:
        coded = gold.get(turn_id, set())
        suggested = {c for c, s in ranked.get(turn_id, {}).items() if s >= threshold}
        for code in coded | suggested:
            if code not in counts:
                continue
            kind = "tp" if code in coded and code in suggested else "fn" if code in coded else "fp"
            counts[code][kind] += 1
    rows = []
    for code in codes:
        tp, fp, fn = counts[code]["tp"], counts[code]["fp"], counts[code]["fn"]
        if tp + fp + fn == 0:
            continue
        precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
        rows.append(
            CodeScore(code, tp + fn, tp + fp, tp, fp, fn, precision, recall, f1(precision, recall))
        )
    macro = {
        key: ratio(sum(getattr(row, key) for row in rows), len(rows))
        for key in ("precision", "recall", "f1")
    }
    substantive = [turn_id for turn_id in unit_set if gold.get(turn_id)]
    hits = 0
    for turn_id in substantive:
        scores = ranked.get(turn_id, {})
        top = sorted(scores, key=lambda code: (-scores[code], codes.index(code)))[:2]
        hits += bool(gold[turn_id] & set(top))
    top2 = {"turns": len(substantive), "hits": hits, "share": ratio(hits, len(substantive))}
    return rows, macro, top2


def folds(groups: Sequence[str]) -> list[list[str]]:
    """Groups (transcripts) split into folds: one transcript per fold when there are at most
    :data:`MAX_FOLDS`, else :data:`MAX_FOLDS` folds of whole transcripts (round robin)."""
    names = sorted(set(groups))
    count = min(len(names), MAX_FOLDS)
    return [names[i::count] for i in range(count)] if count else []


def first_coded(
    turns: Sequence[AnalysedTurn], labels: Mapping[int, Mapping[str, bool]], coded_turns: int
) -> list[AnalysedTurn]:
    """The turns, in order, up to and including the ``coded_turns``-th turn with a code
    applied: what a coder has seen after coding that many turns."""
    seen, count = [], 0
    for turn in turns:
        if count == coded_turns:
            break
        seen.append(turn)
        count += any(labels.get(turn.turn.id, {}).values())
    return seen


def cross_validate(
    make: Callable[[], Suggester],
    turns: Sequence[AnalysedTurn],
    labels: Mapping[int, Mapping[str, bool]],
    coded_turns: int | None = None,
    notes: list[str] | None = None,
    held_out: Sequence[str] | None = None,
    fitted: list[Suggester] | None = None,
) -> tuple[list[Suggestion], int]:
    """Every turn suggested by a suggester fitted on the other transcripts' turns only
    (with ``coded_turns``: on their first that many coded turns only). With ``held_out``: one
    fold, the turns of those transcripts suggested by a suggester fitted on all the others.

    Returns all suggestions (with scores below the threshold, for ranking) and the number of
    folds; ``fitted`` receives each fold's fitted suggester."""
    groups = [turn.turn.transcript or "" for turn in turns]
    splits = [list(held_out)] if held_out is not None else folds(groups)
    suggestions: list[Suggestion] = []
    for fold in splits:
        held = set(fold)
        train = [t for t, g in zip(turns, groups, strict=True) if g not in held]
        if coded_turns is not None:
            train = first_coded(train, labels, coded_turns)
        test = [t for t, g in zip(turns, groups, strict=True) if g in held]
        train_labels = {t.turn.id: labels[t.turn.id] for t in train if t.turn.id in labels}
        suggester = make().fit(train, train_labels)
        if fitted is not None:
            fitted.append(suggester)
        if notes is not None and getattr(suggester, "trained", True) is False:
            reason = next(iter(getattr(suggester, "skipped", {}).values()), "too few codings")
            fallback = " (keyword part only)" if suggester.method == "combined" else ""
            notes.append(f"no model for {', '.join(fold)}: {reason}{fallback}")
        suggestions.extend(suggester.suggest(test, min_score=0.0))
    return suggestions, len(splits)


def evaluation_data(project: Project, coder: str) -> tuple[list[TurnText], dict[int, set[str]]]:
    """The participant turns of every transcript ``coder`` has coded (each with the question
    it answers), and the codes they applied to each (to the turn or to a part of it)."""
    coder_id = project.find_coder(coder)
    if coder_id is None:
        raise QualcodeError(f"no coder named {coder!r} in the project", project.path)
    rows = project.query(
        """
        SELECT td.* FROM turn_details td
        WHERE td.role = 'participant' AND td.transcript_id IN (
            SELECT DISTINCT t.transcript_id FROM codings c JOIN turns t ON t.id = c.turn_id
            WHERE c.coder_id = ?)
        ORDER BY td.id
        """,
        [coder_id],
    )
    gold: dict[int, set[str]] = {}
    for turn_id, key in project.db.execute(
        "SELECT c.turn_id, codes.key FROM codings c JOIN codes ON codes.id = c.code_id "
        "WHERE c.coder_id = ?",
        [coder_id],
    ).fetchall():
        gold.setdefault(turn_id, set()).add(key)
    return with_questions(project, [TurnText.from_row(row) for row in rows]), gold


def make_suggester(
    method: str,
    codebook: Codebook,
    coder: str | None = None,
    weights: keywords.Specificity | None = None,
) -> Suggester:
    """A fresh, unfitted suggester of ``method`` (``weights``: how specific each keyword is
    in the project's turns, :func:`qualcode.suggest.keywords.specificity`)."""
    if method == "combined":
        return CombinedSuggester(codebook, coder=coder, weights=weights)
    if method == "keywords":
        return KeywordSuggester(codebook, weights=weights)
    if method == "learned":
        return LearnedSuggester(codebook, coder=coder)
    raise QualcodeError(f"unknown method {method!r} (choose combined, keywords or learned)")


def evaluate(
    project: Project,
    coder: str,
    method: str = "combined",
    coded_turns: int | None = None,
    held_out: Sequence[str] | None = None,
) -> Evaluation:
    """Score ``method``'s suggestions against ``coder``'s codings (see the module docstring),
    each transcript suggested by a suggester fitted on the other transcripts only.

    ``coded_turns`` simulates a coder early in the work: each fold's suggester learns from
    only the first that many coded turns of the other transcripts (a learning curve).
    ``held_out`` names held-out transcripts: only their turns are scored, by a suggester fitted
    on every other transcript the coder has coded."""
    if coded_turns is not None and coded_turns < 0:
        raise QualcodeError("the number of coded turns cannot be negative")
    codebook = project.codebook()
    make_suggester(method, codebook)
    turns, gold = evaluation_data(project, coder)
    if held_out is not None:
        held_out = sorted(set(held_out))
        coded = {turn.transcript for turn in turns}
        for name in held_out:
            project.transcript(name)
            if name not in coded:
                raise QualcodeError(f"{coder} has not coded transcript {name!r}", project.path)
    units = [turn.id for turn in turns if held_out is None or turn.transcript in held_out]
    if not turns:
        raise QualcodeError(f"{coder} has not coded any participant turn", project.path)
    codes = codebook.keys()
    labels = {t.id: {code: code in gold.get(t.id, ()) for code in codes} for t in turns}
    unit_set = set(units)
    languages = {(t.transcript or "", t.language) for t in turns if t.id in unit_set}
    notes = keywords.keyword_notices(codebook, languages) if method != "learned" else []
    fitted: list[Suggester] = []
    with nlp.batch_mode():
        analysed = list(Analyser(codebook).analyse(turns, terms=method != "keywords"))
        weights = keyword_weights(project)
        suggestions, n_folds = cross_validate(
            lambda: make_suggester(method, codebook, coder, weights),
            analysed,
            labels,
            coded_turns,
            notes,
            held_out,
            fitted,
        )
    threshold = make_suggester(method, codebook).threshold
    rows, macro, top2 = score(units, gold, suggestions, codes, threshold)
    for row in rows:
        for suggester in fitted:
            part, value = suggester.decides(row.code)
            used = row.thresholds.setdefault(part, {})
            used[f"{value:g}"] = used.get(f"{value:g}", 0) + 1
    transcripts = len(held_out or {turn.transcript for turn in turns})
    first = f", on their first {coded_turns} coded turns" if coded_turns is not None else ""
    if held_out is not None:
        validation = (
            f"held out: {', '.join(held_out)} suggested by a suggester fitted on the other "
            f"transcripts{first}"
        )
    else:
        validation = (
            f"cross-validation grouped by transcript ({n_folds} fold{'' if n_folds == 1 else 's'}"
            f"): each transcript suggested by a suggester fitted on the others{first}"
        )
    return Evaluation(
        method=method,
        coder=coder,
        unit="participant turn",
        validation=validation,
        n_transcripts=transcripts,
        n_turns=len(units),
        codes=rows,
        macro=macro,
        top2=top2,
        notes=notes,
    )
