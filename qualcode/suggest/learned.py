"""The learned suggester: one classifier per code, trained on one coder's codings.

Features of a turn are its content lemmas weighted by TF-IDF (stop words and punctuation left
out) plus, for every code, the keyword suggester's score of that code in the turn, weighted by
:data:`KEYWORD_WEIGHT` (these carry across languages, so a model trained on Danish codings
still has something to say about an English turn). Each code gets a logistic regression
(scikit-learn): a linear model trained on log-loss, the turns the coder applied the code to
weighted by :func:`qualcode.suggest.thresholds.class_weight` (the square root of the odds
against the code, so a rare code is not starved by the many turns it does not apply to; its
probabilities then lean towards suggesting it). A code is suggested when that probability
reaches :data:`THRESHOLD`: a suggestion is cheap to reject, so a one-in-three chance is worth
showing.

What the codebook says about each code is learned too: one pseudo-example per code and
language (:func:`codebook_examples`: its label, keywords, description, include rules and
examples), a turn with that code and none of the others, weighing :data:`PRIOR_WEIGHT` turns.
It adds the definitions' words to what a few dozen coded turns can teach. A term is a feature
once it occurs in two of the turns, or in one when the turns are short (:func:`min_df`).

A short answer (under :data:`SHORT_TURNS` words) is read with its question: the keyword
scores of the interviewer's turn just before it (:mod:`qualcode.suggest.questions`) are
features of their own, one per code (``question:CODE``), so "One, and it doubles as the
cleaner's store cupboard." after "Is there bike storage at work?" can be learned as being
about the workplace. A long answer carries its own topic; its question features are 0.

A code is learned once the coder has coded :data:`MIN_CODED_TURNS` turns and applied that code
to at least :data:`MIN_POSITIVES` of them. The model is derived state: it is rebuilt from the
codings when they change (see :func:`qualcode.suggest.workflow.learned_model`), and kept in
the project file as plain numbers (:meth:`LearnedSuggester.to_dict`: the vocabulary, its
inverse document frequencies and each code's weights), never as pickled objects.

scikit-learn is used only to fit: a fitted model predicts with numpy from those numbers
(TF-IDF with sublinear term frequency and l2 norm, then the logistic function), exactly what
scikit-learn's ``transform`` and ``predict_proba`` compute, so suggesting from a stored model
does not import scikit-learn (about a second of start-up).

Evidence for a suggestion: the terms of the turn that pushed the score up most (weight times
TF-IDF value), with their places in the turn, and the code's own keyword matches when its
keyword score was among the strongest reasons. Another code's keywords never appear (even
where the model learned that they go with this code), and no place of the turn twice.
"""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

import numpy
from scipy import sparse

from qualcode.codebook import Codebook
from qualcode.errors import QualcodeError
from qualcode.suggest import keywords, thresholds
from qualcode.suggest.base import (
    SHORT_TURNS,
    AnalysedTurn,
    Evidence,
    Labels,
    Suggestion,
    TurnText,
)

METHOD = "learned"
MIN_CODED_TURNS = 30
MIN_POSITIVES = 5
THRESHOLD = 0.35
KEYWORD_WEIGHT = 2.0
REGULARISATION = 10.0
EVIDENCE_TERMS = 3
BATCH = 2000
FORMAT = 4  # of to_dict() (3: the codebook prior, 4: question features): others train again
PRIOR_WEIGHT = 3.0


@dataclass
class CodeModel:
    """One code's logistic regression: a weight per feature and the intercept."""

    coef: numpy.ndarray
    intercept: float
    _listed: list[float] | None = field(default=None, init=False, repr=False, compare=False)

    def listed(self) -> list[float]:
        """``coef`` as a list of floats (read one weight at a time, a list is faster)."""
        if self._listed is None:
            self._listed = self.coef.tolist()
        return self._listed


def _terms(turn: AnalysedTurn) -> list[str]:
    if turn.terms is None:
        raise QualcodeError("the learned suggester needs turns analysed with terms=True")
    return [term for term, _, _ in turn.terms]


class LearnedSuggester:
    """Suggests codes a coder would probably apply, learned from their codings."""

    method = METHOD

    def __init__(self, codebook: Codebook, threshold: float = THRESHOLD, coder: str | None = None):
        self.codebook = codebook
        self.codes = codebook.keys()
        self.threshold = threshold
        self.coder = coder
        self.vocabulary: dict[str, int] = {}
        self.idf = numpy.zeros(0)
        self.models: dict[str, CodeModel] = {}
        self.skipped: dict[str, str] = {}
        self.coded_turns = 0
        # Each code's thresholds for the combined suggester, chosen from the coder's decisions
        # (set by CombinedSuggester.fit, kept here so a stored model brings them along).
        self.thresholds: dict[str, thresholds.CodeThresholds] = {}
        self._names: list[str] | None = None
        self._positions = {code: i for i, code in enumerate(self.codes)}
        self._stacked: tuple[numpy.ndarray, numpy.ndarray] | None = None
        self._row: tuple[Any, int, list[tuple[int, float]]] | None = None  # see evidence()

    @property
    def trained(self) -> bool:
        return bool(self.models)

    @property
    def tuned(self) -> bool:
        """Whether anything was learned: a model, or a code's thresholds moved from the
        defaults."""
        return self.trained or any(
            (fit.keywords, fit.learned) != (keywords.THRESHOLD, self.threshold)
            for fit in self.thresholds.values()
        )

    def decides(self, code: str) -> tuple[str, float]:
        """What decides whether ``code`` is suggested: its probability, at one threshold."""
        return METHOD, self.threshold

    def fit(self, turns: Iterable[AnalysedTurn], labels: Labels) -> LearnedSuggester:
        """Train one classifier per code on the turns that have labels for it.

        ``labels[turn_id][code]`` is True when the coder applied the code, False when they
        saw the turn without applying it (or rejected the suggestion)."""
        examples = [turn for turn in turns if labels.get(turn.turn.id)]
        self.coded_turns = sum(1 for t in examples if any(labels[t.turn.id].values()))
        self.models, self.skipped, self._names, self._stacked = {}, {}, None, None
        self.thresholds = {}
        self.vocabulary, self.idf = {}, numpy.zeros(0)
        if self.coded_turns < MIN_CODED_TURNS:
            reason = f"only {self.coded_turns} coded turns (needs {MIN_CODED_TURNS})"
            self.skipped = dict.fromkeys(self.codes, reason)
            return self
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        priors = codebook_examples(self.codebook)
        vectorizer = TfidfVectorizer(
            analyzer=_identity,
            sublinear_tf=True,
            min_df=min_df([turn for turn in examples if any(labels[turn.turn.id].values())]),
            dtype=numpy.float64,
        )
        vectorizer.fit([_terms(turn) for turn in [*examples, *(turn for turn, _ in priors)]])
        self.vocabulary = {str(term): int(j) for term, j in vectorizer.vocabulary_.items()}
        self.idf = numpy.asarray(vectorizer.idf_, dtype=numpy.float64)
        matrix = self._features([*examples, *(turn for turn, _ in priors)])
        for code in self.codes:
            rows = [i for i, turn in enumerate(examples) if code in labels[turn.turn.id]]
            target = numpy.array([labels[examples[i].turn.id][code] for i in rows], dtype=bool)
            positives = int(target.sum())
            if positives < MIN_POSITIVES or positives == len(target):
                self.skipped[code] = f"{positives} positive turns (needs {MIN_POSITIVES})"
                continue
            weight = thresholds.class_weight(positives, len(target))
            # The codebook's pseudo-examples: each says yes for its own code, no for the others.
            sample = numpy.ones(len(rows) + len(priors))
            sample[len(rows) :] = PRIOR_WEIGHT
            rows += range(len(examples), len(examples) + len(priors))
            target = numpy.concatenate([target, [key == code for _, key in priors]])
            model = LogisticRegression(
                C=REGULARISATION,
                solver="liblinear",
                max_iter=1000,
                class_weight={True: weight, False: 1.0},
            )
            model.fit(matrix[rows], target, sample_weight=sample)
            self.models[code] = CodeModel(model.coef_[0].copy(), float(model.intercept_[0]))
        return self

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as plain data (JSON-able), for :meth:`from_dict`."""
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "format": FORMAT,
            "coder": self.coder,
            "codes": self.codes,
            "threshold": self.threshold,
            "coded_turns": self.coded_turns,
            "skipped": self.skipped,
            "thresholds": {code: asdict(fit) for code, fit in self.thresholds.items()},
            "terms": terms,
            "idf": self.idf.tolist(),
            "models": {
                code: {"coef": model.coef.tolist(), "intercept": model.intercept}
                for code, model in self.models.items()
            },
        }

    @classmethod
    def from_dict(cls, codebook: Codebook, data: dict[str, Any]) -> LearnedSuggester | None:
        """The model :meth:`to_dict` gave, for ``codebook``; None when it was stored in another
        format or for other codes (it must be trained again). Damaged data raises KeyError,
        TypeError or ValueError."""
        if data.get("format") != FORMAT or data.get("codes") != codebook.keys():
            return None
        model = cls(codebook, threshold=data["threshold"], coder=data["coder"])
        model.coded_turns = data["coded_turns"]
        model.skipped = dict(data["skipped"])
        model.thresholds = {
            code: thresholds.CodeThresholds.from_dict(fit)
            for code, fit in data["thresholds"].items()
            if code in model.codes
        }
        model.vocabulary = {term: j for j, term in enumerate(data["terms"])}
        model.idf = numpy.array(data["idf"], dtype=numpy.float64)
        model.models = {
            code: CodeModel(numpy.array(part["coef"], dtype=numpy.float64), part["intercept"])
            for code, part in data["models"].items()
        }
        return model

    def _tfidf(self, turns: Sequence[AnalysedTurn]) -> sparse.csr_matrix:
        """scikit-learn's ``TfidfVectorizer(sublinear_tf=True).transform``: per turn the count
        of each known term, ``1 + ln(count)``, times its idf, the row scaled to length 1."""
        vocabulary = self.vocabulary
        indptr, indices, counts = [0], [], []
        for turn in turns:
            found: dict[int, int] = {}
            for term in _terms(turn):
                j = vocabulary.get(term)
                if j is not None:
                    found[j] = found.get(j, 0) + 1
            for j in sorted(found):
                indices.append(j)
                counts.append(found[j])
            indptr.append(len(indices))
        data = numpy.log(numpy.array(counts, dtype=numpy.float64)) + 1.0
        data *= self.idf[numpy.array(indices, dtype=numpy.int64)]
        matrix = sparse.csr_matrix(
            (data, numpy.array(indices, dtype=numpy.int32), numpy.array(indptr, dtype=numpy.int64)),
            shape=(len(turns), len(vocabulary)),
        )
        norms = numpy.sqrt(numpy.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix.data /= numpy.repeat(norms, numpy.diff(matrix.indptr))
        return matrix

    def _features(self, turns: Sequence[AnalysedTurn]) -> sparse.csr_matrix:
        text = self._tfidf(turns)
        rows = []
        for turn in turns:
            found = _keyword_scores(turn) if turn.hits else {}
            rows.append([found.get(code, 0.0) for code in self.codes])
        scores = numpy.array(rows).reshape(len(turns), len(self.codes))
        asked = numpy.array([self._question_scores(turn) for turn in turns])
        asked = asked.reshape(len(turns), len(self.codes))
        return sparse.hstack(
            [
                text,
                sparse.csr_matrix(scores * KEYWORD_WEIGHT),
                sparse.csr_matrix(asked * KEYWORD_WEIGHT),
            ],
            format="csr",
        )

    def _question_scores(self, turn: AnalysedTurn) -> list[float]:
        """The question features of ``turn``: each code's keyword score in the question it
        answers, for a short answer only (0 for a long one, or one with no question)."""
        question = turn.question
        if question is None or not question.hits or turn.words >= SHORT_TURNS:
            return [0.0] * len(self.codes)
        found = _keyword_scores(question)
        return [found.get(code, 0.0) for code in self.codes]

    def feature_names(self) -> list[str]:
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return (
            words
            + [f"keywords:{code}" for code in self.codes]
            + [f"question:{code}" for code in self.codes]
        )

    def weights(self, code: str) -> numpy.ndarray:
        """The learned weight of each feature (in :meth:`feature_names` order) for ``code``."""
        return self.models[code].coef

    def suggest(
        self, turns: Iterable[AnalysedTurn], min_score: float | None = None
    ) -> Iterator[Suggestion]:
        if not self.models:
            return
        floor = self.threshold if min_score is None else min_score
        iterator = iter(turns)
        while batch := list(islice(iterator, BATCH)):
            matrix, probabilities = self.predict(batch)
            for code, column in probabilities.items():
                for row, probability in enumerate(column):
                    if probability < floor or probability <= 0:
                        continue
                    turn = batch[row]
                    yield Suggestion(
                        turn_id=turn.turn.id,
                        code=code,
                        score=probability,
                        method=METHOD,
                        evidence=self.evidence(turn, matrix, row, code),
                        coder=self.coder,
                    )

    def predict(
        self, turns: Sequence[AnalysedTurn]
    ) -> tuple[sparse.csr_matrix, dict[str, list[float]]]:
        """The feature matrix of ``turns`` and, per learned code, each turn's probability."""
        matrix = self._features(turns)
        if self._stacked is None:
            models = self.models.values()
            self._stacked = (
                numpy.column_stack([model.coef for model in models]),
                numpy.array([model.intercept for model in models]),
            )
        coef, intercept = self._stacked
        decision = numpy.asarray(matrix @ coef) + intercept
        probability = 1.0 / (1.0 + numpy.exp(-decision))
        return matrix, {
            code: probability[:, column].tolist() for column, code in enumerate(self.models)
        }

    def evidence(
        self, turn: AnalysedTurn, matrix: sparse.csr_matrix, row: int, code: str
    ) -> list[Evidence]:
        """Why ``code`` is suggested for ``turn`` (row ``row`` of ``predict``'s matrix): the
        terms of the turn that raised the code's score most, with their places: its content
        words and its own keyword matches (never another code's keywords), each place once
        (the stronger reason's)."""
        if self._names is None:
            self._names = self.feature_names()
        names = self._names
        # A turn's features, read once for all the codes suggested for it.
        features = self._row
        if features is None or features[0] is not matrix or features[1] != row:
            first, last = matrix.indptr[row], matrix.indptr[row + 1]
            columns = matrix.indices[first:last].tolist()
            features = self._row = (
                matrix,
                row,
                list(zip(columns, matrix.data[first:last].tolist(), strict=True)),
            )
        # Content words come first in the features, then one keyword score per code.
        size = len(self.vocabulary)
        own = size + self._positions[code]
        coef = self.models[code].listed()
        raised = [
            (weight, names[column])
            for column, value in features[2]
            if (column < size or column == own) and (weight := coef[column] * value) > 0
        ]
        # The strongest positive reasons (by weight, then name), as sorting them all would.
        shown = heapq.nlargest(EVIDENCE_TERMS, raised)
        own_name = names[own]
        items: list[Evidence] = []
        text = turn.turn.text

        def add(item: Evidence) -> None:
            if not any(item.start < other.end and other.start < item.end for other in items):
                items.append(item)

        places: dict[str, list[tuple[int, int]]] = {name: [] for _, name in shown}
        for term, start, end in turn.terms or []:
            if term in places:
                places[term].append((start, end))
        for weight, name in shown:
            if name == own_name:
                whole = [hit for hit in turn.hits.get(code, []) if hit.word is None]
                for item in keywords.evidence(whole, text):
                    add(item._replace(weight=float(weight)))
                continue
            for start, end in places[name]:
                add(Evidence(text[start:end], start, end, term=name, weight=float(weight)))
        return sorted(items, key=lambda item: (item.start, item.end))


def _keyword_scores(turn: AnalysedTurn) -> dict[str, float]:
    """The keyword features: each code's score from its whole keyword matches over the whole
    turn (no partial credit, no windows: the model weighs the evidence itself, and these
    features measured better than the keyword suggester's own scores)."""
    whole = {code: [h for h in hits if h.word is None] for code, hits in turn.hits.items()}
    return keywords.scores({code: hits for code, hits in whole.items() if hits}, turn.words)


def min_df(coded: Sequence[AnalysedTurn]) -> int:
    """In how many turns a term must occur to be a feature: 2, or 1 when the turns the coder
    applied codes to are short (their median below :data:`SHORT_TURNS` words). Most words of
    a one-sentence answer occur once in a hundred of them: terms seen twice would leave a
    short answer three or four features instead of the twenty of a long interview turn."""
    if not coded:
        return 2
    return 1 if statistics.median(turn.words for turn in coded) < SHORT_TURNS else 2


def codebook_examples(codebook: Codebook) -> list[tuple[AnalysedTurn, str]]:
    """One pseudo-example per code and language of the codebook, analysed like a turn: the
    code's label, keywords, description, include rules and examples in one text (a prior:
    what the codebook says the code is about, learned as one turn with the code weighing
    :data:`PRIOR_WEIGHT` turns, and as a turn without it for every other code). The texts
    are read in each of the codebook's languages (a description in another language adds
    words no turn holds)."""
    from qualcode.suggest.analysis import Analyser

    texts: list[tuple[TurnText, str]] = []
    for code, _ in codebook.walk():
        for language in codebook.languages:
            parts = [
                code.label.get(language, ""),
                *code.keywords.get(language, []),
                code.description,
                *code.include,
                *code.examples,
            ]
            text = ". ".join(part.strip(" .") for part in parts if part.strip(" ."))
            if text:
                texts.append((TurnText(-1 - len(texts), text, language), code.key))
    analysed = Analyser(codebook).analyse([turn for turn, _ in texts], terms=True)
    return [(turn, key) for turn, (_, key) in zip(analysed, texts, strict=True)]


def _identity(terms: list[str]) -> list[str]:
    return terms
