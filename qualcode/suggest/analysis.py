"""Analysing turns once: tokens, lemmas and stems, keyword matches, content terms.

Turns are streamed through the language pipeline in batches (``nlp.pipe``), each language
through its own pipeline, and come out in the order they went in. What the suggesters need is
kept (word count, keyword hits with their spans, content terms with their spans) and the spaCy
Doc is dropped, so a whole study can stream through without holding its tokens in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.attrs import IDX, IS_ALPHA, IS_STOP, LEMMA, LENGTH
from spacy.tokens import Doc

from qualcode import nlp
from qualcode.codebook import Codebook
from qualcode.suggest.base import SHORT_TURNS, AnalysedTurn, TurnText
from qualcode.suggest.keywords import KeywordIndex

CHUNK = 2000


class Analyser:
    """Analyses turns against one codebook's keywords."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.index = KeywordIndex(codebook)
        self._names: dict[int, str] = {}  # a lemma's text by its id, looked up once

    def analyse(self, turns: Iterable[TurnText], terms: bool = False) -> Iterator[AnalysedTurn]:
        """Analyse ``turns`` in order; ``terms`` also collects content lemmas (for the learned
        suggester). Turns in a language without a pipeline get no keyword hits."""
        iterator = iter(turns)
        while chunk := list(islice(iterator, CHUNK)):
            yield from self._chunk(chunk, terms)

    def _chunk(self, chunk: list[TurnText], terms: bool) -> list[AnalysedTurn]:
        results: list[AnalysedTurn | None] = [None] * len(chunk)
        by_language: dict[str, list[int]] = {}
        for position, turn in enumerate(chunk):
            if nlp.supported(turn.language):
                by_language.setdefault(turn.language, []).append(position)
            else:
                words = len(turn.text.split())
                results[position] = AnalysedTurn(turn, words, {}, [] if terms else None)
        for language, positions in by_language.items():
            texts = (chunk[p].text for p in positions)
            docs = list(nlp.pipe(texts, language, lemmas=terms))
            matched = self.index.match_all(docs, language)
            for position, doc, found in zip(positions, docs, matched, strict=True):
                results[position] = self._one(chunk[position], doc, found, terms)
        if terms:
            self._questions(chunk, results)
        return results  # type: ignore[return-value]

    def _questions(self, chunk: list[TurnText], results: list[AnalysedTurn]) -> None:
        """Analyse the questions the short turns answer (the learned suggester's question
        features; a long turn's are 0, see :mod:`qualcode.suggest.learned`)."""
        asked = [
            p for p, turn in enumerate(chunk) if turn.question and results[p].words < SHORT_TURNS
        ]
        if not asked:
            return
        texts = [TurnText(-1, chunk[p].question or "", chunk[p].language) for p in asked]
        for position, question in zip(asked, self._chunk(texts, True), strict=True):
            results[position].question = question

    def _one(self, turn: TurnText, doc: Doc, found: tuple, terms: bool) -> AnalysedTurn:
        hits, words, sentences = found
        if not terms:
            return AnalysedTurn(turn, words, hits, None, sentences)
        rows = doc.to_array([IS_ALPHA, IS_STOP, LEMMA, IDX, LENGTH]).tolist() if len(doc) else []
        names = self._names
        content = []
        for alpha, stop, lemma, start, length in rows:
            if alpha and not stop:
                name = names.get(lemma)
                if name is None:
                    name = names[lemma] = doc.vocab.strings[lemma]
                content.append((name, start, start + length))
        return AnalysedTurn(turn, words, hits, content, sentences)


def analyse(
    turns: Iterable[TurnText], codebook: Codebook, terms: bool = False
) -> Iterator[AnalysedTurn]:
    """Analyse ``turns`` against ``codebook`` (see :class:`Analyser`)."""
    return Analyser(codebook).analyse(turns, terms)
