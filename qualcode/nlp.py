"""Language pipelines: one cached spaCy pipeline per language, nothing downloaded.

``spacy.blank(lang)`` gives the tokenizer; lemmas come from spacy-lookups-data's lookup tables,
looked up case-insensitively (so a sentence-initial "Grænserne" finds its lemma), and every
token gets its Snowball stem (PyStemmer) as a fallback for words the table does not know. A
sentencizer marks sentence boundaries.

The stem is stored in ``token.norm_`` (spaCy's slot for a normalised form) and is also readable
as ``token._.stem``. Keeping it in a built-in attribute means ``Doc.to_array([LEMMA, NORM])``,
``Matcher`` and ``PhraseMatcher(attr="NORM")`` can all work on stems at C speed.

Each word form is looked up and stemmed once per process: the lemma and stem of every form seen
are cached, which makes the pipeline about as fast as the bare tokenizer and sentencizer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import numpy
import spacy
import Stemmer
from spacy.attrs import LEMMA, NORM, ORTH
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc, Token

LANGUAGES = {"da": "danish", "en": "english"}
BATCH_SIZE = 512
ORTHS = "qualcode.orths"  # doc.user_data key: the token ids (ORTH) the lemma component read

Token.set_extension("stem", getter=lambda token: token.norm_, force=True)


def supported(language: str | None) -> bool:
    """Whether qualcode has a pipeline for ``language``."""
    return language in LANGUAGES


@cache
def stemmer(language: str) -> Stemmer.Stemmer:
    """The Snowball stemmer of ``language`` (da or en)."""
    return Stemmer.Stemmer(LANGUAGES[_known(language)])


@cache
def lemma_table(language: str) -> Table:
    """The lookup table word -> lemma shipped in spacy-lookups-data."""
    return load_lookups(_known(language), ["lemma_lookup"]).get_table("lemma_lookup")


@Language.factory("qualcode_lemmas", default_config={"language": "da"})
def _make_lemmas(nlp: Language, name: str, language: str):
    """A component that sets each token's lemma (lookup table) and stem (in ``norm``)."""
    table = lemma_table(language)
    stem = stemmer(language).stemWord
    strings = nlp.vocab.strings
    forms: dict[int, tuple[int, int]] = {}

    def learn(orth: int) -> tuple[int, int]:
        text = strings[orth]
        lower = text.lower()
        lemma = table.get(text) or table.get(lower) or lower
        forms[orth] = entry = (strings.add(lemma), strings.add(stem(lower)))
        return entry

    def lemmas(doc: Doc) -> Doc:
        if len(doc):
            orths = doc.to_array(ORTH).tolist()
            values = [forms.get(orth) or learn(orth) for orth in orths]
            doc.from_array([LEMMA, NORM], numpy.array(values, dtype="uint64"))
            doc.user_data[ORTHS] = orths
        return doc

    return lemmas


@cache
def pipeline(language: str) -> Language:
    """The cached pipeline of ``language``: tokenizer, lemmas and stems, sentences."""
    nlp = spacy.blank(_known(language))
    nlp.add_pipe("qualcode_lemmas", config={"language": language})
    nlp.add_pipe("sentencizer")
    return nlp


def pipe(texts: Iterable[str], language: str, batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Stream ``texts`` through the pipeline of ``language``, one Doc per text, in order."""
    return pipeline(language).pipe(texts, batch_size=batch_size)


def orths(doc: Doc) -> list[int]:
    """The ORTH ids of the doc's tokens (kept by the pipeline, so not read twice)."""
    kept = doc.user_data.get(ORTHS)
    if kept is not None and len(kept) == len(doc):
        return kept
    return doc.to_array(ORTH).tolist() if len(doc) else []


def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"no pipeline for language {language!r} (known: da, en)")
    return language
