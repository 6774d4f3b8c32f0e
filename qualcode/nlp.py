"""Language pipelines: one cached spaCy pipeline per language, nothing downloaded.

``spacy.blank(lang)`` gives the tokenizer; lemmas come from spacy-lookups-data's lookup tables,
looked up case-insensitively (so a sentence-initial "Grænserne" finds its lemma), and every
token gets its Snowball stem (PyStemmer) as a fallback for words the table does not know. A
sentencizer marks sentence boundaries.
"""

from __future__ import annotations

from functools import cache

import spacy
import Stemmer
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc, Token

LANGUAGES = {"da": "danish", "en": "english"}

if not Token.has_extension("stem"):
    Token.set_extension("stem", default="")


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
    table = lemma_table(language)
    stem = stemmer(language).stemWord

    def lemmas(doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            token.lemma_ = table.get(token.text) or table.get(lower) or lower
            token._.stem = stem(lower)
        return doc

    return lemmas


@cache
def pipeline(language: str) -> Language:
    """The cached pipeline of ``language``: tokenizer, lemmas and stems, sentences."""
    nlp = spacy.blank(_known(language))
    nlp.add_pipe("qualcode_lemmas", config={"language": language})
    nlp.add_pipe("sentencizer")
    return nlp


def _known(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"no pipeline for language {language!r} (known: da, en)")
    return language
