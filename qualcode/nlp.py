"""Language pipelines: one cached spaCy pipeline per language, nothing downloaded.

``spacy.blank(lang)`` gives the tokenizer; lemmas come from spacy-lookups-data's lookup tables,
looked up case-insensitively (so a sentence-initial "Grænserne" finds its lemma), and every
token gets its Snowball stem (PyStemmer) as a fallback for words the table does not know.

:func:`sentences` splits a text into sentences with pysbd's rules for Danish and English
(Sadvilkar & Neumann 2020): abbreviations (``bl.a.``, ``f.eks.``, ``Dr.``, ``a.m.``), ordinals
(``2. klasse``), ellipses and quoted questions stay inside their sentence, and a bracketed stage
direction after a full stop (``(griner)``, ``(laughs)``) is not glued to the sentence before,
as spaCy's punctuation-only sentencizer does with its ``(``.

The stem is stored in ``token.norm_`` (spaCy's slot for a normalised form) and is also readable
as ``token._.stem``. Keeping it in a built-in attribute means ``Doc.to_array([LEMMA, NORM])``,
``Matcher`` and ``PhraseMatcher(attr="NORM")`` can all work on stems at C speed.

Each word form is looked up and stemmed once per process: the lemma and stem of every form seen
are cached, which makes the pipeline about as fast as the bare tokenizer and sentencizer.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

import numpy
import pysbd
import spacy
import Stemmer
from spacy.attrs import LEMMA, NORM, ORTH
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc, Token
from spacy.util import load_language_data, registry

LANGUAGES = {"da": "danish", "en": "english"}
BATCH_SIZE = 512
SENTENCE_ENDS = ("!", ".", "?", "…", "...", "!!", "??", "?!", "!?")
ONE_SENTENCE = re.compile(r"[.!?…][\W_]*\s+\S")  # no end punctuation before more text

Token.set_extension("stem", getter=lambda token: token.norm_, force=True)


def supported(language: str | None) -> bool:
    """Whether qualcode has a pipeline for ``language``."""
    return language in LANGUAGES


@cache
def stemmer(language: str) -> Stemmer.Stemmer:
    """The Snowball stemmer of ``language`` (da or en)."""
    return Stemmer.Stemmer(LANGUAGES[_known(language)])


@cache
def lemma_table(language: str) -> dict[str, str]:
    """The lookup table word -> lemma shipped in spacy-lookups-data, as a plain dict.

    spaCy's own ``Table`` hashes every key on loading: 1.6 s for the 553,000 Danish forms,
    against 0.4 s for reading the same JSON into a dict, and a dict looks a form up by its
    text just as well."""
    return load_language_data(registry.lookups.get(_known(language))["lemma_lookup"])


class Forms:
    """The lemma and stem (string ids) of every word form (ORTH id) of one language's
    vocabulary, each looked up and stemmed once per process."""

    def __init__(self, language: str, strings: StringStore):
        self._table = lemma_table(language)
        self._stem = stemmer(language).stemWord
        self._strings = strings
        self._forms: dict[int, tuple[int, int]] = {}

    def get(self, orth: int) -> tuple[int, int]:
        """(lemma, stem) of the word form ``orth``."""
        entry = self._forms.get(orth)
        return entry if entry is not None else self._learn(orth)

    def _learn(self, orth: int) -> tuple[int, int]:
        strings = self._strings
        text = strings[orth]
        lower = text.lower()
        lemma = self._table.get(text) or self._table.get(lower) or lower
        self._forms[orth] = entry = (strings.add(lemma), strings.add(self._stem(lower)))
        return entry


_forms: dict[str, Forms] = {}


@Language.factory("qualcode_lemmas", default_config={"language": "da"})
def _make_lemmas(nlp: Language, name: str, language: str):
    """A component that sets each token's lemma (lookup table) and stem (in ``norm``)."""
    found = _forms[language] = Forms(language, nlp.vocab.strings)
    known = found._forms

    def lemmas(doc: Doc) -> Doc:
        if len(doc):
            orths = doc.to_array(ORTH).tolist()
            values = [known.get(orth) or found.get(orth) for orth in orths]
            doc.from_array([LEMMA, NORM], numpy.array(values, dtype="uint64"))
        return doc

    return lemmas


def forms(language: str) -> Forms:
    """The word forms of ``language``'s pipeline: lemma and stem of a token by its ORTH id,
    for callers that run the pipeline without setting them on every token."""
    pipeline(language)
    return _forms[language]


@cache
def pipeline(language: str) -> Language:
    """The cached pipeline of ``language``: tokenizer, lemmas and stems."""
    nlp = spacy.blank(_known(language))
    nlp.add_pipe("qualcode_lemmas", config={"language": language})
    return nlp


def pipe(
    texts: Iterable[str],
    language: str,
    batch_size: int = BATCH_SIZE,
    lemmas: bool = True,
) -> Iterator[Doc]:
    """Stream ``texts`` through the pipeline of ``language``, one Doc per text, in order.

    ``lemmas=False`` leaves the tokens' lemma and stem unset, for callers that look up only
    some tokens' forms with :func:`forms`."""
    disable = [] if lemmas else ["qualcode_lemmas"]
    return pipeline(language).pipe(texts, batch_size=batch_size, disable=disable)


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=_known(language), clean=False)


def sentences(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` (pysbd's rules for ``language``), without
    the white space around it; the sentences cover every word of the text, in order."""
    parts = _segmenter(language).segment(text) if ONE_SENTENCE.search(text) else [text]
    bounds, position = [0], 0
    for part in (part.strip() for part in parts):
        found = text.find(part, position) if part else -1
        if found > 0:  # a part pysbd changed (not found) stays in the sentence before it
            bounds.append(found)
        position = max(position, found + len(part))
    spans = []
    for start, end in itertools.pairwise([*bounds, len(text)]):
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
    return spans


@cache
def sentence_ends(language: str) -> frozenset[int]:
    """ORTH ids of the punctuation that ends a sentence: two words are in the same sentence
    when none of these lies between them (a token-level test, faster than :func:`sentences`,
    for matching phrases)."""
    strings = pipeline(language).vocab.strings
    return frozenset(strings.add(char) for char in SENTENCE_ENDS)


@contextmanager
def batch_mode(threshold: int = 200_000) -> Iterator[None]:
    """Run the garbage collector less often while many turns are analysed.

    Analysing turns allocates many small objects (tokens' ids, matches, spans) that are freed
    by their reference counts as soon as a turn is done; with Python's default threshold the
    collector runs so often that it takes about as long as the analysis itself, and at 20,000
    (net) allocations it still ran 366 times and took 2.5 s of a 27 s suggest run on the
    benchmark study, scanning each batch's live turns again and again. At 200,000 it runs
    about twice. The threshold is restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"no pipeline for language {language!r} (known: da, en)")
    return language
