"""The keyword suggester: a code's keywords and phrases, matched on lemmas and stems.

How a keyword matches a turn
----------------------------
Keywords and turns go through the same language pipeline (:mod:`qualcode.nlp`). A word of the
turn matches a word of a keyword when their lemmas are equal (lookup table, so "satte" is
"sætte") or their Snowball stems are equal (so "grænserne" and "grænsesætningen"-style forms
the table lacks still count). Punctuation inside a keyword is ignored ("self-compassion" also
matches "self compassion").

A phrase of several words matches inside one sentence (no ". ! ? …" between its words) when
either

* its words come in the phrase's order with at most :data:`MAX_GAP` other tokens between
  neighbours ("satte klare grænser" for "sætte grænse", "siger det højt" for "sige højt"), or
* every word of the phrase is a content word (none is a stop word) and all of them occur, in
  any order, within :data:`WINDOW` extra tokens of the phrase's length ("grænser har jeg lært
  at sætte" for "sætte grænse"). Phrases with function words ("ikke den eneste", "sige fra")
  keep their order, because there the order carries the meaning.

A longer keyword that matches swallows the shorter keywords of the same code inside it: "satte
grænser" counts once, for "sætte grænse", not also for "grænse".

How a (turn, code) is scored
----------------------------
``strength`` is the sum over the *distinct* keywords of the code found in the turn (a keyword
repeated five times counts once), a single word weighing 1 and each further word of a phrase
0.5 more. A content word of a phrase found without the rest of its phrase weighs
:data:`PARTIAL` (once per word of the turn and code, and not where it already counts as a
keyword of the code). With ``weights`` (:func:`specificity`), each weight is multiplied by how
specific the keyword is in the project's turns (BM25's inverse document frequency, relative
to a keyword found in :data:`SPECIFIC_SHARE` of them). Long turns mention many things in
passing, so the strength is divided by ``sqrt(max(words, REFERENCE_WORDS) / REFERENCE_WORDS)``;
the score is ``1 - exp(-strength / length_factor)``, in 0..1. A turn longer than
:data:`LONG_TURN` words is also scored window by window (runs of whole sentences of at most
:data:`WINDOW_WORDS` words): the code's score is the better of the whole turn's and its best
window's, whose hits are then the evidence. Most turns are about one or two themes, so a
code scoring below :data:`RELATIVE` times the turn's best code is discounted by its share of
that (the order of the codes in the turn is kept). A code is suggested when its score reaches
:data:`THRESHOLD`: one keyword in a short turn or passage is enough.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from threading import Lock

import numpy
from spacy.attrs import IDX, ORTH
from spacy.lexeme import Lexeme
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from qualcode import nlp
from qualcode.codebook import Codebook
from qualcode.suggest.base import AnalysedTurn, Evidence, Keyword, KeywordHit, Labels, Suggestion

METHOD = "keywords"
MAX_GAP = 2
WINDOW = 4
PHRASE_BONUS = 0.5
REFERENCE_WORDS = 40
THRESHOLD = 0.6
RELATIVE = 0.85
PARTIAL = 0.3
LONG_TURN = 70
WINDOW_WORDS = 30
SPECIFIC_SHARE = 0.3
MIN_SPECIFICITY = 0.1
MIN_WEIGHT_TURNS = 50


# What a word form triggers: the single-word keywords it is, the phrases it anchors, a bit
# mask of the phrase words it can stand for, the (phrase, content word) pairs it is and, of
# those, the ones it counts as in a turn where no phrase is found whole (the first of each
# code, none of a code the form is a single keyword of: see :func:`_words_apart`).
_Form = tuple[
    tuple[int, ...],
    tuple[int, ...],
    int,
    tuple[tuple[int, int], ...],
    tuple[tuple[int, int], ...],
]


@dataclass
class _Compiled:
    """A language's keywords, indexed by the lemma and the stem of their anchor word, and a
    cache of what each word form of the turns triggers (a form has one lemma and one stem).
    The bit masks let a phrase be skipped at once when one of its words is not in the turn."""

    keywords: list[Keyword]
    by_lemma: dict[int, list[int]]
    by_stem: dict[int, list[int]]
    bits_by_lemma: dict[int, int]
    bits_by_stem: dict[int, int]
    phrase_masks: dict[int, int]
    words_by_lemma: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    words_by_stem: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    triggers: dict[int, _Form] = field(default_factory=dict)
    alpha: dict[int, int] = field(default_factory=dict)
    length: dict[int, int] = field(default_factory=dict)
    forms: dict[int, tuple[int, int]] = field(default_factory=dict)
    ends: frozenset[int] = frozenset()
    lemmas: nlp.Forms | None = None
    # The forms learned so far as arrays: ORTH ids (sorted), alpha flags, whether it triggers.
    table: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray] = field(
        default_factory=lambda: (
            numpy.zeros(0, numpy.uint64),
            numpy.zeros(0, numpy.int64),
            numpy.zeros(0, bool),
        )
    )

    def lookup(self, orths: numpy.ndarray, vocab: Vocab) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Each token's alpha flag (0 or 1) and whether its form triggers anything, for the
        ORTH ids ``orths`` of many turns at once; forms not seen before are learned first."""
        keys, alpha, trigger = self.table
        at = numpy.searchsorted(keys, orths)
        at[at == len(keys)] = 0
        known = keys[at] == orths if len(keys) else numpy.zeros(len(orths), bool)
        if known.all():
            return alpha[at], trigger[at]
        # Forms not in the table (another thread may have learned some already, and the
        # table is replaced whole, so it is always consistent for the caller).
        new = numpy.unique(orths[~known])
        for orth in new.tolist():
            if orth not in self.alpha:
                self.learn(orth, vocab[orth])
        keys = numpy.concatenate([keys, new])
        alpha = numpy.concatenate([alpha, [self.alpha[orth] for orth in new.tolist()]])
        trigger = numpy.concatenate([trigger, [orth in self.triggers for orth in new.tolist()]])
        order = numpy.argsort(keys, kind="stable")
        self.table = keys, alpha, trigger = keys[order], alpha[order], trigger[order]
        at = numpy.searchsorted(keys, orths)
        return alpha[at], trigger[at]

    def learn(self, orth: int, form: Lexeme | Token) -> _Form | None:
        """What the word form ``orth`` (``form``: its lexeme) triggers (cached per form: a
        form has one lemma, one stem)."""
        lemma, stem = self.lemmas.get(orth)
        self.alpha[orth] = int(form.is_alpha)
        self.length[orth] = len(form.orth_)
        self.forms[orth] = (lemma, stem)
        found = dict.fromkeys([*self.by_lemma.get(lemma, ()), *self.by_stem.get(stem, ())])
        singles = tuple(k for k in found if len(self.keywords[k].lemmas) == 1)
        phrases = tuple(k for k in found if len(self.keywords[k].lemmas) > 1)
        mask = self.bits_by_lemma.get(lemma, 0) | self.bits_by_stem.get(stem, 0)
        apart = tuple(
            dict.fromkeys([*self.words_by_lemma.get(lemma, ()), *self.words_by_stem.get(stem, ())])
        )
        codes = {self.keywords[k].code for k in singles}
        alone = []
        for k, q in apart:
            code = self.keywords[k].code
            if code not in codes:
                codes.add(code)
                alone.append((k, q))
        entry = (singles, phrases, mask, apart, tuple(alone)) if (found or mask or apart) else None
        if entry is not None:
            self.triggers[orth] = entry
        return entry


class KeywordIndex:
    """The keywords of a codebook, compiled per language on first use."""

    def __init__(self, codebook: Codebook):
        self.codes = [code.key for code, _ in codebook.walk()]
        self._words = {
            code.key: {lang: list(words) for lang, words in code.keywords.items()}
            for code, _ in codebook.walk()
        }
        self._compiled: dict[str, _Compiled] = {}

    def keywords(self, language: str) -> list[Keyword]:
        return self._compile(language).keywords

    def _compile(self, language: str) -> _Compiled:
        compiled = self._compiled.get(language)
        if compiled is None:
            compiled = self._compiled[language] = _compiled(self._words, language)
        return compiled

    def match(
        self, doc: Doc, language: str
    ) -> tuple[dict[str, list[KeywordHit]], int, list[tuple[int, int]] | None]:
        """The distinct keywords of each code found in ``doc`` (a turn from ``nlp.pipe``),
        the number of words (alphabetic tokens) of the turn and, for a turn longer than
        :data:`WINDOW_WORDS`, its sentences as (first character, words)."""
        return self.match_all([doc], language)[0]

    def match_all(
        self, docs: list[Doc], language: str
    ) -> list[tuple[dict[str, list[KeywordHit]], int, list[tuple[int, int]] | None]]:
        """:meth:`match` of each of ``docs``, in order. The tokens of all of them are looked
        up at once (which of them are words, which trigger a keyword); only the places that
        trigger one are looked at one by one."""
        compiled = self._compile(language)
        if not docs:
            return []
        arrays = [doc.to_array([ORTH, IDX]) if len(doc) else _NO_TOKENS for doc in docs]
        both = numpy.concatenate(arrays)
        alpha, trigger = compiled.lookup(both[:, 0], docs[0].vocab)
        bounds = numpy.cumsum([0, *map(len, arrays)])
        counted = numpy.concatenate([[0], numpy.cumsum(alpha)])
        words = (counted[bounds[1:]] - counted[bounds[:-1]]).tolist()
        places = numpy.flatnonzero(trigger)
        cuts = numpy.searchsorted(places, bounds).tolist()
        places, bounds = places.tolist(), bounds.tolist()
        orths, starts = both[:, 0].tolist(), both[:, 1].tolist()
        found = []
        for d, doc in enumerate(docs):
            low, high = bounds[d], bounds[d + 1]
            found.append(
                _match(
                    doc,
                    compiled,
                    orths[low:high],
                    starts[low:high],
                    words[d],
                    [p - low for p in places[cuts[d] : cuts[d + 1]]],
                )
            )
        return found


_NO_TOKENS = numpy.zeros((0, 2), dtype=numpy.uint64)


def _match(
    doc: Doc,
    compiled: _Compiled,
    orths: list[int],
    starts: list[int],
    words: int,
    places: list[int],
) -> tuple[dict[str, list[KeywordHit]], int, list[tuple[int, int]] | None]:
    """:meth:`KeywordIndex.match` of one turn, whose tokens ``places`` trigger a keyword."""
    triggers = compiled.triggers
    sentences = _sentences(orths, starts, compiled) if words > LONG_TURN else None
    if not places:
        return {}, words, sentences
    singles: dict[int, list[int]] = {}
    anchors: list[tuple[int, int]] = []
    apart: list[tuple[int, _Form]] = []
    present = 0
    for i in places:
        entry = triggers[orths[i]]
        for k in entry[0]:
            found = singles.get(k)
            if found is None:
                singles[k] = [i]
            else:
                found.append(i)
        if entry[1]:
            for k in entry[1]:
                anchors.append((k, i))
        present |= entry[2]
        if entry[3]:
            apart.append((i, entry))
    phrases: dict[int, list[tuple[int, ...]]] = {}
    if anchors:
        masks = compiled.phrase_masks
        anchors = [(k, i) for k, i in anchors if masks[k] & present == masks[k]]
        if anchors:
            phrases = _match_phrases(compiled, orths, anchors)
    if phrases:  # the general case: whole phrases take their words and their code's
        pieces = [(i, entry[3]) for i, entry in apart]
        found_apart = _words_apart(compiled, singles, phrases, pieces)
        hits = _hits_by_code(doc, orths, starts, compiled, singles, phrases, found_apart)
        return hits, words, sentences
    # No phrase found whole (most turns): each word form counts apart as what it was
    # compiled to count as, the same as _words_apart would find.
    found_apart = {}
    for i, entry in apart:
        for pair in entry[4]:
            found = found_apart.get(pair)
            if found is None:
                found_apart[pair] = [i]
            else:
                found.append(i)
    if not singles and not found_apart:
        return {}, words, sentences
    return _plain_hits(orths, starts, compiled, singles, found_apart), words, sentences


def _plain_hits(
    orths: list[int],
    starts: list[int],
    compiled: _Compiled,
    singles: dict[int, list[int]],
    apart: dict[tuple[int, int], list[int]],
) -> dict[str, list[KeywordHit]]:
    """:func:`_hits_by_code` of a turn where no phrase was found whole, the same hits in the
    same order: a single keyword whose places all hold an earlier single keyword of its code
    (another word of the same form) is dropped, and phrase words found apart come last."""
    keywords, lengths = compiled.keywords, compiled.length
    span: dict[int, tuple[int, int]] = {}  # each place's characters, worked out once
    hits: dict[str, list[KeywordHit]] = {}
    first: dict[str, list[int]] = {}
    covered: dict[str, set[int]] = {}
    for k, tokens in singles.items():
        keyword = keywords[k]
        code = keyword.code
        found = hits.get(code)
        if found is None:
            spans = []
            for i in tokens:
                place = span.get(i)
                if place is None:
                    place = span[i] = (starts[i], starts[i] + lengths[orths[i]])
                spans.append(place)
            hits[code] = [KeywordHit(keyword, spans)]
            first[code] = tokens
            continue
        taken = covered.get(code)
        if taken is None:
            taken = covered[code] = set(first[code])
        kept = [i for i in tokens if i not in taken]
        if kept:
            taken.update(kept)
            spans = [(starts[i], starts[i] + lengths[orths[i]]) for i in kept]
            found.append(KeywordHit(keyword, spans))
    for (k, q), tokens in apart.items():
        keyword = keywords[k]
        spans = []
        for i in tokens:
            place = span.get(i)
            if place is None:
                place = span[i] = (starts[i], starts[i] + lengths[orths[i]])
            spans.append(place)
        found = hits.get(keyword.code)
        if found is None:
            hits[keyword.code] = [KeywordHit(keyword, spans, q)]
        else:
            found.append(KeywordHit(keyword, spans, q))
    return hits


def _sentences(orths: list[int], starts: list[int], compiled: _Compiled) -> list[tuple[int, int]]:
    """The sentences of a turn: (character where it starts, its words)."""
    alpha, ends = compiled.alpha, compiled.ends
    sentences = []
    first, count = starts[0], 0
    for j, orth in enumerate(orths):
        count += alpha[orth]
        if orth in ends and j + 1 < len(orths) and orths[j + 1] not in ends:
            sentences.append((first, count))
            first, count = starts[j + 1], 0
    sentences.append((first, count))
    return sentences


def _words_apart(
    compiled: _Compiled,
    singles: dict[int, list[int]],
    phrases: dict[int, list[tuple[int, ...]]],
    apart: list[tuple[int, tuple[tuple[int, int], ...]]],
) -> dict[tuple[int, int], list[int]]:
    """The content words of phrase keywords found apart from the rest of their phrase:
    (phrase, word) -> token positions. A token counts once per code, and not at all where it
    is already a single keyword or part of a whole phrase of that code."""
    keywords = compiled.keywords
    used: dict[str, set[int]] = {}
    for k, places in singles.items():
        used.setdefault(keywords[k].code, set()).update(places)
    for k, occurrences in phrases.items():
        taken = used.setdefault(keywords[k].code, set())
        for occurrence in occurrences:
            taken.update(occurrence)
    found: dict[tuple[int, int], list[int]] = {}
    for i, pieces in apart:
        for k, q in pieces:
            if k in phrases:
                continue
            taken = used.setdefault(keywords[k].code, set())
            if i in taken:
                continue
            taken.add(i)
            found.setdefault((k, q), []).append(i)
    return found


_CACHE: OrderedDict[tuple, _Compiled] = OrderedDict()
_CACHE_SIZE = 8
_cache_lock = Lock()


def _compiled(words: dict[str, dict[str, list[str]]], language: str) -> _Compiled:
    """The compiled keywords of ``language``, shared by every index with the same keywords
    (compiling takes a while, and the word forms learned while matching are kept)."""
    key = (language, tuple((code, tuple(w.get(language, ()))) for code, w in words.items()))
    with _cache_lock:
        compiled = _CACHE.get(key)
        if compiled is not None:
            _CACHE.move_to_end(key)
            return compiled
    compiled = _compile(words, language)
    with _cache_lock:
        _CACHE[key] = compiled
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled


def _compile(words: dict[str, dict[str, list[str]]], language: str) -> _Compiled:
    """Run every keyword of ``language`` through the pipeline and index it."""
    keywords: list[Keyword] = []
    by_lemma: dict[int, list[int]] = {}
    by_stem: dict[int, list[int]] = {}
    if not nlp.supported(language):
        return _Compiled(keywords, by_lemma, by_stem, {}, {}, {})
    pipeline = nlp.pipeline(language)
    for code, per_language in words.items():
        seen = set()
        for text in per_language.get(language, []):
            tokens = [t for t in pipeline(text) if not (t.is_punct or t.is_space)]
            lemmas = tuple(t.lemma for t in tokens)
            if not tokens or lemmas in seen:
                continue
            seen.add(lemmas)
            content = [p for p, t in enumerate(tokens) if not t.is_stop]
            longest = max(range(len(tokens)), key=lambda p: len(tokens[p].text))
            keyword = Keyword(
                code=code,
                text=text,
                lemmas=lemmas,
                stems=tuple(t.norm for t in tokens),
                any_order=len(tokens) > 1 and len(content) == len(tokens),
                anchor=content[0] if content else longest,
                weight=1.0 + PHRASE_BONUS * (len(tokens) - 1),
                content=tuple(content),
            )
            keywords.append(keyword)
            by_lemma.setdefault(keyword.lemmas[keyword.anchor], []).append(len(keywords) - 1)
            by_stem.setdefault(keyword.stems[keyword.anchor], []).append(len(keywords) - 1)
    word_bits: dict[tuple[int, int], int] = {}
    bits_by_lemma: dict[int, int] = {}
    bits_by_stem: dict[int, int] = {}
    phrase_masks: dict[int, int] = {}
    words_by_lemma: dict[int, list[tuple[int, int]]] = {}
    words_by_stem: dict[int, list[tuple[int, int]]] = {}
    for k, keyword in enumerate(keywords):
        if len(keyword.content) > 1:
            for q in keyword.content:
                words_by_lemma.setdefault(keyword.lemmas[q], []).append((k, q))
                words_by_stem.setdefault(keyword.stems[q], []).append((k, q))
        if len(keyword.lemmas) > 1:
            mask = 0
            for lemma, stem in zip(keyword.lemmas, keyword.stems, strict=True):
                bit = word_bits.setdefault((lemma, stem), 1 << len(word_bits))
                bits_by_lemma[lemma] = bits_by_lemma.get(lemma, 0) | bit
                bits_by_stem[stem] = bits_by_stem.get(stem, 0) | bit
                mask |= bit
            phrase_masks[k] = mask
    return _Compiled(
        keywords,
        by_lemma,
        by_stem,
        bits_by_lemma,
        bits_by_stem,
        phrase_masks,
        words_by_lemma,
        words_by_stem,
        ends=nlp.sentence_ends(language),
        lemmas=nlp.forms(language),
    )


def _match_phrases(
    compiled: _Compiled, orths: list[int], anchors: list[tuple[int, int]]
) -> dict[int, list[tuple[int, ...]]]:
    """Check each phrase around the places its anchor word was found; non-overlapping
    occurrences (token positions) per phrase."""
    found: dict[int, list[tuple[int, ...]]] = {}
    for k, i in anchors:
        occurrence = _phrase_at(compiled.keywords[k], i, orths, compiled.forms, compiled.ends)
        if occurrence is None:
            continue
        earlier = found.setdefault(k, [])
        if all(set(occurrence).isdisjoint(other) for other in earlier):
            earlier.append(occurrence)
    return found


def _phrase_at(
    keyword: Keyword,
    i: int,
    orths: list[int],
    forms: dict[int, tuple[int, int]],
    ends: frozenset[int],
) -> tuple[int, ...] | None:
    """The phrase's words around its anchor at token ``i``: in order with at most
    :data:`MAX_GAP` tokens between neighbours, else (content-word phrases) anywhere within a
    window; always in the anchor's sentence (no sentence-final punctuation in between)."""
    size = len(orths)

    def fits(j: int, q: int) -> bool:
        lemma, stem = forms[orths[j]]
        if lemma != keyword.lemmas[q] and stem != keyword.stems[q]:
            return False
        low, high = (i, j) if i < j else (j, i)
        return not any(orths[m] in ends for m in range(low + 1, high))

    chain = [i]
    current = i
    for q in range(keyword.anchor + 1, len(keyword.lemmas)):
        ahead = range(current + 1, min(current + MAX_GAP + 2, size))
        nxt = next((j for j in ahead if fits(j, q)), None)
        if nxt is None:
            break
        chain.append(current := nxt)
    else:
        current = i
        for q in range(keyword.anchor - 1, -1, -1):
            behind = range(current - 1, max(current - MAX_GAP - 2, -1), -1)
            previous = next((j for j in behind if fits(j, q)), None)
            if previous is None:
                break
            chain.append(current := previous)
        else:
            return tuple(sorted(chain))
    if not keyword.any_order:
        return None
    width = len(keyword.lemmas) - 1 + WINDOW
    chosen = [i]
    for q in range(len(keyword.lemmas)):
        if q == keyword.anchor:
            continue
        window = range(max(0, i - width), min(size, i + width + 1))
        near = [j for j in window if j not in chosen and fits(j, q)]
        if not near:
            return None
        chosen.append(min(near, key=lambda j: abs(j - i)))
    if max(chosen) - min(chosen) > width:
        return None
    return tuple(sorted(chosen))


def _hits_by_code(
    doc: Doc,
    orths: list[int],
    starts: list[int],
    compiled: _Compiled,
    singles: dict[int, list[int]],
    phrases: dict[int, list[tuple[int, ...]]],
    apart: dict[tuple[int, int], list[int]],
) -> dict[str, list[KeywordHit]]:
    """Group the keywords found by code, with their spans; a keyword whose every occurrence
    lies inside a longer keyword of the same code found in the turn is dropped. Phrase words
    found apart come last."""
    keywords, lengths = compiled.keywords, compiled.length
    found: dict[str, list[tuple[Keyword, list]]] = {}
    crowded: set[str] = set()
    hits: dict[str, list[KeywordHit]] = {}
    for k, tokens in singles.items():
        keyword = keywords[k]
        matched = found.get(keyword.code)
        if matched is None:
            found[keyword.code] = [(keyword, tokens)]
        else:
            matched.append((keyword, tokens))
            crowded.add(keyword.code)
    for k, occurrences in phrases.items():
        keyword = keywords[k]
        found.setdefault(keyword.code, []).append((keyword, occurrences))
        crowded.add(keyword.code)
    for code, matched in found.items():
        if code not in crowded:
            keyword, tokens = matched[0]
            spans = [(starts[i], starts[i] + lengths[orths[i]]) for i in tokens]
            hits[code] = [KeywordHit(keyword, spans)]
            continue
        hits[code] = [
            KeywordHit(keyword, _spans(doc, starts, orths, lengths, occurrences))
            for keyword, occurrences in _longest_first(matched)
        ]
    for (k, q), tokens in apart.items():
        keyword = keywords[k]
        spans = [(starts[i], starts[i] + lengths[orths[i]]) for i in tokens]
        hits.setdefault(keyword.code, []).append(KeywordHit(keyword, spans, q))
    return hits


def _longest_first(matched: list[tuple[Keyword, list]]) -> list[tuple[Keyword, list]]:
    """Keep each keyword's occurrences that are not inside a longer keyword's occurrence."""
    matched.sort(key=lambda item: -len(item[0].lemmas))
    covered: set[int] = set()
    kept_all = []
    for keyword, occurrences in matched:
        if len(keyword.lemmas) == 1:
            occurrences = [(i,) for i in occurrences]
        kept = [o for o in occurrences if not covered.issuperset(o)]
        if kept:
            for occurrence in kept:
                covered.update(occurrence)
            kept_all.append((keyword, kept))
    return kept_all


def _spans(
    doc: Doc,
    starts: list[int],
    orths: list[int],
    lengths: dict[int, int],
    occurrences: list[tuple[int, ...]],
) -> list[tuple[int, int]]:
    """Character spans of occurrences, one per run of tokens with nothing but punctuation
    between them (so "self-compassion" is one span)."""
    spans = []
    for occurrence in occurrences:
        first = previous = occurrence[0]
        for i in occurrence[1:]:
            if i > previous + 1 and not all(doc[j].is_punct for j in range(previous + 1, i)):
                spans.append((starts[first], starts[previous] + lengths[orths[previous]]))
                first = i
            previous = i
        spans.append((starts[first], starts[previous] + lengths[orths[previous]]))
    return spans


# How specific each hit is: (language, code, keyword, word apart) -> a factor in
# MIN_SPECIFICITY..1 (see :func:`specificity`); a hit not in it counts fully.
Specificity = dict[tuple[str, str, str, int | None], float]


def score(
    hits: Iterable[KeywordHit],
    words: int,
    weights: Specificity | None = None,
    language: str = "",
) -> float:
    """The score of a code in a turn of ``words`` words, from its distinct keyword hits."""
    return _score(hits, _length_factor(words), weights, language)


def _length_factor(words: int) -> float:
    return math.sqrt(words / REFERENCE_WORDS) if words > REFERENCE_WORDS else 1.0


def strength(
    hits: Iterable[KeywordHit], weights: Specificity | None = None, language: str = ""
) -> float:
    """The sum over distinct hits of their weight (a phrase's word found apart weighs
    :data:`PARTIAL`), each times its specificity."""
    if not weights:
        return sum([hit.keyword.weight if hit.word is None else PARTIAL for hit in hits])
    return sum(
        [
            (hit.keyword.weight if hit.word is None else PARTIAL)
            * weights.get((language, hit.keyword.code, hit.keyword.text, hit.word), 1.0)
            for hit in hits
        ]
    )


def _score(
    hits: Iterable[KeywordHit],
    length_factor: float,
    weights: Specificity | None = None,
    language: str = "",
) -> float:
    return 1.0 - math.exp(-strength(hits, weights, language) / length_factor)


def scores(
    hits: dict[str, list[KeywordHit]], words: int, relative: float = RELATIVE
) -> dict[str, float]:
    """The score of every code found in a turn, from the whole turn (:func:`score`),
    discounted as :func:`discounted` says."""
    factor = _length_factor(words)
    return discounted({code: _score(found, factor) for code, found in hits.items()}, relative)


def discounted(values: dict[str, float], relative: float = RELATIVE) -> dict[str, float]:
    """Scores of a turn's codes with a code much weaker than the turn's strongest discounted
    (below ``relative`` times the best score, the score is multiplied by its share of
    ``relative`` times the best). The order within the turn is kept."""
    if len(values) < 2 or not relative:
        return values
    best = max(values.values())
    if best <= 0:
        return values
    for code, value in values.items():
        share = value / best
        if share < relative:
            values[code] = value * share / relative
    return values


def scored(
    turn: AnalysedTurn,
    relative: float = RELATIVE,
    weights: Specificity | None = None,
    floor: float | None = None,
) -> dict[str, tuple[float, list[KeywordHit]]]:
    """Every code found in ``turn``: its score and the hits it rests on.

    A turn longer than :data:`WINDOW_WORDS` words is also scored window by window (runs of
    whole sentences of at most that many words, or one longer sentence): a code's score is
    the best of the whole turn's and its best window's, and the hits are that window's.

    With ``floor``, codes that cannot score ``floor`` are left out (the others keep their
    scores): no length factor is below 1 and a window holds no more than the whole turn, so
    a code whose hits weigh ``w`` in all scores at most ``1 - exp(-w)`` in the turn or in any
    window, and discounting only lowers it; nor can a left-out code be the turn's best that
    the others are discounted against, unless none of them reaches ``floor`` either."""
    language = turn.turn.language
    factor = _length_factor(turn.words)
    windows = _windows(turn.sentences, len(turn.turn.text)) if turn.sentences else []
    windows = [(start, end, _length_factor(w)) for start, end, w in windows if w < turn.words]
    found: dict[str, tuple[float, list[KeywordHit]]] = {}
    exp = math.exp
    for code, hits in turn.hits.items():
        # Each hit's weight, as strength() weighs it, summed in the same order.
        if weights:
            get = weights.get
            values = [
                (hit.keyword.weight if hit.word is None else PARTIAL)
                * get((language, hit.keyword.code, hit.keyword.text, hit.word), 1.0)
                for hit in hits
            ]
        else:
            values = [hit.keyword.weight if hit.word is None else PARTIAL for hit in hits]
        total = sum(values)
        if floor is not None and 1.0 - exp(-total) < floor - _EPSILON:
            continue
        best, shown = 1.0 - exp(-total / factor), hits
        if windows:
            value, window = _best_window(values, hits, windows)
            if value > best:
                best, shown = value, _inside(hits, *window)
        found[code] = (best, shown)
    values = discounted({code: value for code, (value, _) in found.items()}, relative)
    return {code: (values[code], hits) for code, (_, hits) in found.items()}


_EPSILON = 1e-9  # leaves out only codes that are clearly below the floor


def _best_window(
    values: list[float],
    hits: list[KeywordHit],
    windows: list[tuple[int, int, float]],
) -> tuple[float, tuple[int, int]]:
    """The best score of the code's ``hits`` (weighing ``values``) in one of ``windows``
    (first character, end character, length factor) and that window's (first, end): the
    first best, as scoring each window's :func:`_inside` hits would find, without building
    them."""
    items = [
        (value, [first for first, _ in hit.spans]) for value, hit in zip(values, hits, strict=True)
    ]
    best, chosen = 0.0, (0, 0)
    for start, end, factor in windows:
        total = 0
        for weight, firsts in items:
            for first in firsts:
                if start <= first < end:
                    total += weight
                    break
        if total:
            value = 1.0 - math.exp(-total / factor)
            if value > best:
                best, chosen = value, (start, end)
    return best, chosen


def _windows(sentences: list[tuple[int, int]], end: int) -> list[tuple[int, int, int]]:
    """(first character, end character, words) of each run of whole sentences of at most
    :data:`WINDOW_WORDS` words (a longer sentence is a window of its own)."""
    bounds = [start for start, _ in sentences[1:]] + [end]
    windows = []
    for i, (start, words) in enumerate(sentences):
        j, total = i, words
        while j + 1 < len(sentences) and total + sentences[j + 1][1] <= WINDOW_WORDS:
            j += 1
            total += sentences[j][1]
        windows.append((start, bounds[j], total))
    return windows


def _inside(hits: list[KeywordHit], start: int, end: int) -> list[KeywordHit]:
    """The hits with their places between ``start`` and ``end`` (a phrase by its first piece)."""
    inside = []
    for hit in hits:
        spans = [span for span in hit.spans if start <= span[0] < end]
        if spans:
            inside.append(
                hit if len(spans) == len(hit.spans) else KeywordHit(hit.keyword, spans, hit.word)
            )
    return inside


def specificity(turns: Iterable[AnalysedTurn]) -> Specificity:
    """How specific each hit is in ``turns`` (BM25's inverse document frequency): a hit found
    in at most :data:`SPECIFIC_SHARE` of a language's turns counts fully, a more common one
    by ``idf(share) / idf(SPECIFIC_SHARE)``, never below :data:`MIN_SPECIFICITY`, where
    ``idf = ln(1 + (N - n + 0.5) / (n + 0.5))`` for a hit in n of N turns. A language with
    fewer than :data:`MIN_WEIGHT_TURNS` turns is too small to say: its keywords count fully."""
    counts: dict[tuple[str, str, str, int | None], int] = {}
    totals: dict[str, int] = {}
    for turn in turns:
        language = turn.turn.language
        totals[language] = totals.get(language, 0) + 1
        for key in {hit.key for hits in turn.hits.values() for hit in hits}:
            counts[(language, *key)] = counts.get((language, *key), 0) + 1
    weights: Specificity = {}
    for key, n in counts.items():
        total = totals[key[0]]
        if total < MIN_WEIGHT_TURNS:
            continue
        reference = _idf(SPECIFIC_SHARE * total, total)
        value = _idf(n, total) / reference if reference > 0 else 1.0
        if value < 1.0:
            weights[key] = max(MIN_SPECIFICITY, value)
    return weights


def _idf(n: float, total: int) -> float:
    return math.log(1 + (total - n + 0.5) / (n + 0.5))


def places(hits: list[KeywordHit]) -> list[tuple[int, int, str]]:
    """(start, end, keyword) of every place a code's keywords were found, in the order they
    occur in the turn."""
    found = [(start, end, hit.keyword.text) for hit in hits for start, end in hit.spans]
    if len(hits) > 1:
        found.sort(key=_START_END)
    return found


def evidence(hits: list[KeywordHit], text: str, method: str | None = None) -> list[Evidence]:
    """Every place a code's keywords were found (:func:`places`), as evidence (``method``
    tags each item: a combined suggestion's keyword part)."""
    new = tuple.__new__  # Evidence(...) without its defaults' call (millions in a study)
    return [
        new(Evidence, (text[start:end], start, end, keyword, None, None, method))
        for start, end, keyword in places(hits)
    ]


class KeywordEvidence(Sequence[Evidence]):
    """:func:`evidence` of a suggestion, built when it is first read. A suggest run stores
    hundreds of thousands of keyword suggestions and reads none of their evidence: the
    store encodes the hits' :func:`places` straight away."""

    __slots__ = ("hits", "text", "method", "_items")

    def __init__(self, hits: list[KeywordHit], text: str, method: str | None = None):
        self.hits = hits
        self.text = text
        self.method = method
        self._items: list[Evidence] | None = None

    def _built(self) -> list[Evidence]:
        if self._items is None:
            self._items = evidence(self.hits, self.text, self.method)
        return self._items

    def __getitem__(self, index):  # type: ignore[override]
        return self._built()[index]

    def __len__(self) -> int:
        return sum(len(hit.spans) for hit in self.hits)

    def __iter__(self) -> Iterator[Evidence]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return self._built() == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._built())


_START_END = itemgetter(0, 1)  # a place's start and end


def language_name(language: str) -> str:
    """ "Danish" for ``da``: how a notice names a language."""
    return nlp.LANGUAGES[language].capitalize() if language in nlp.LANGUAGES else language


def keyword_notices(codebook: Codebook, transcripts: Iterable[tuple[str, str]]) -> list[str]:
    """One notice per language of ``transcripts`` ((name, language) pairs) in which the
    codebook has no keyword: "no Danish keywords: keyword suggestions are off for netvaerk-1"."""
    languages = {
        language
        for code, _ in codebook.walk()
        for language, words in code.keywords.items()
        if words
    }
    off: dict[str, set[str]] = {}
    for name, language in transcripts:
        if language not in languages:
            off.setdefault(language, set()).add(name)
    return [
        f"no {language_name(language)} keywords: keyword suggestions are off for "
        + ", ".join(sorted(names))
        for language, names in sorted(off.items())
    ]


class KeywordSuggester:
    """Suggests the codes whose keywords a turn contains (see the module docstring).

    ``weights`` (from :func:`specificity` over the project's turns) makes common keywords
    count less; without it every keyword counts fully."""

    method = METHOD

    def __init__(
        self,
        codebook: Codebook,
        threshold: float = THRESHOLD,
        relative: float = RELATIVE,
        weights: Specificity | None = None,
    ):
        self.codebook = codebook
        self.threshold = threshold
        self.relative = relative
        self.weights = weights

    def fit(self, turns: Iterable[AnalysedTurn], labels: Labels) -> KeywordSuggester:
        """Keywords are rules written by people: there is nothing to learn."""
        return self

    def decides(self, code: str) -> tuple[str, float]:
        """What decides whether ``code`` is suggested: its keyword score, at one threshold."""
        return METHOD, self.threshold

    def scored(self, turn: AnalysedTurn) -> dict[str, tuple[float, list[KeywordHit]]]:
        """Every code found in the turn: its score and the hits it rests on (:func:`scored`)."""
        return scored(turn, self.relative, self.weights) if turn.hits else {}

    def suggest(
        self, turns: Iterable[AnalysedTurn], min_score: float | None = None
    ) -> Iterator[Suggestion]:
        floor = self.threshold if min_score is None else min_score
        for analysed in turns:
            if not analysed.hits:
                continue
            found = scored(analysed, self.relative, self.weights, floor)
            for code, (value, hits) in found.items():
                if value >= floor and value > 0:
                    yield Suggestion(
                        analysed.turn.id,
                        code,
                        value,
                        METHOD,
                        KeywordEvidence(hits, analysed.turn.text),
                    )
