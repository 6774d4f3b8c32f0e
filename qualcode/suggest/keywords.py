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
0.5 more. Long turns mention many things in passing, so the strength is divided by
``sqrt(max(words, REFERENCE_WORDS) / REFERENCE_WORDS)``; the score is
``1 - exp(-strength / length_factor)``, in 0..1. Most turns are about one or two themes, so a
code scoring below :data:`RELATIVE` times the turn's best code is discounted by its share of
that (the order of the codes in the turn is kept). A code is suggested when its score reaches
:data:`THRESHOLD`: one keyword in a short turn is enough, a long turn needs more.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from threading import Lock

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

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


# What a word form triggers: the single-word keywords it is, the phrases it anchors, and a bit
# mask of the phrase words it can stand for.
_Form = tuple[tuple[int, ...], tuple[int, ...], int]


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
    triggers: dict[int, _Form] = field(default_factory=dict)
    alpha: dict[int, int] = field(default_factory=dict)
    length: dict[int, int] = field(default_factory=dict)
    forms: dict[int, tuple[int, int]] = field(default_factory=dict)
    ends: frozenset[int] = frozenset()
    lemmas: nlp.Forms | None = None

    def learn(self, orth: int, token: Token) -> _Form | None:
        """What the word form of ``token`` triggers (cached per form: a form has one lemma,
        one stem)."""
        lemma, stem = self.lemmas.get(orth)
        self.alpha[orth] = int(token.is_alpha)
        self.length[orth] = len(token.text)
        self.forms[orth] = (lemma, stem)
        found = dict.fromkeys([*self.by_lemma.get(lemma, ()), *self.by_stem.get(stem, ())])
        singles = tuple(k for k in found if len(self.keywords[k].lemmas) == 1)
        phrases = tuple(k for k in found if len(self.keywords[k].lemmas) > 1)
        mask = self.bits_by_lemma.get(lemma, 0) | self.bits_by_stem.get(stem, 0)
        entry = (singles, phrases, mask) if (found or mask) else None
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

    def match(self, doc: Doc, language: str) -> tuple[dict[str, list[KeywordHit]], int]:
        """The distinct keywords of each code found in ``doc`` (a turn from ``nlp.pipe``),
        and the number of words (alphabetic tokens) of the turn."""
        compiled = self._compile(language)
        orths = nlp.orths(doc)
        triggers, alpha = compiled.triggers, compiled.alpha
        new = set(orths).difference(alpha)
        for orth in new:
            compiled.learn(orth, doc[orths.index(orth)])
        singles: dict[int, list[int]] = {}
        anchors: list[tuple[int, int]] = []
        present = 0
        for i in [i for i, orth in enumerate(orths) if orth in triggers]:
            words, anchored, mask = triggers[orths[i]]
            present |= mask
            for k in words:
                places = singles.get(k)
                if places is None:
                    singles[k] = [i]
                else:
                    places.append(i)
            for k in anchored:
                anchors.append((k, i))
        words = sum(map(alpha.__getitem__, orths))
        phrases: dict[int, list[tuple[int, ...]]] = {}
        if anchors:
            masks = compiled.phrase_masks
            anchors = [(k, i) for k, i in anchors if masks[k] & present == masks[k]]
            if anchors:
                phrases = _match_phrases(compiled, orths, anchors)
        if not singles and not phrases:
            return {}, words
        return _hits_by_code(doc, orths, compiled, singles, phrases), words


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
            )
            keywords.append(keyword)
            by_lemma.setdefault(keyword.lemmas[keyword.anchor], []).append(len(keywords) - 1)
            by_stem.setdefault(keyword.stems[keyword.anchor], []).append(len(keywords) - 1)
    word_bits: dict[tuple[int, int], int] = {}
    bits_by_lemma: dict[int, int] = {}
    bits_by_stem: dict[int, int] = {}
    phrase_masks: dict[int, int] = {}
    for k, keyword in enumerate(keywords):
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
    compiled: _Compiled,
    singles: dict[int, list[int]],
    phrases: dict[int, list[tuple[int, ...]]],
) -> dict[str, list[KeywordHit]]:
    """Group the keywords found by code, with their spans; a keyword whose every occurrence
    lies inside a longer keyword of the same code found in the turn is dropped."""
    keywords, lengths = compiled.keywords, compiled.length
    starts = doc.to_array(IDX).tolist()
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


def score(hits: Iterable[KeywordHit], words: int) -> float:
    """The score of a code in a turn of ``words`` words, from its distinct keyword hits."""
    return _score(hits, _length_factor(words))


def _length_factor(words: int) -> float:
    return math.sqrt(words / REFERENCE_WORDS) if words > REFERENCE_WORDS else 1.0


def _score(hits: Iterable[KeywordHit], length_factor: float) -> float:
    strength = sum([hit.keyword.weight for hit in hits])
    return 1.0 - math.exp(-strength / length_factor)


def scores(
    hits: dict[str, list[KeywordHit]], words: int, relative: float = RELATIVE
) -> dict[str, float]:
    """The score of every code found in a turn: :func:`score`, discounted for a code much
    weaker than the turn's strongest (below ``relative`` times the best score, the score is
    multiplied by its share of ``relative`` times the best). The order within the turn is kept."""
    factor = _length_factor(words)
    values = {code: _score(found, factor) for code, found in hits.items()}
    if len(values) < 2 or not relative:
        return values
    best = max(values.values())
    for code, value in values.items():
        share = value / best
        if share < relative:
            values[code] = value * share / relative
    return values


def evidence(hits: list[KeywordHit], text: str) -> list[Evidence]:
    """Every place a code's keywords were found, in the order they occur in the turn."""
    items = [
        Evidence(text[start:end], start, end, hit.keyword.text)
        for hit in hits
        for start, end in hit.spans
    ]
    if len(hits) > 1:
        items.sort(key=_PLACE)
    return items


_PLACE = itemgetter(1, 2)  # an Evidence's start and end


class KeywordSuggester:
    """Suggests the codes whose keywords a turn contains (see the module docstring)."""

    method = METHOD

    def __init__(
        self, codebook: Codebook, threshold: float = THRESHOLD, relative: float = RELATIVE
    ):
        self.codebook = codebook
        self.threshold = threshold
        self.relative = relative

    def fit(self, turns: Iterable[AnalysedTurn], labels: Labels) -> KeywordSuggester:
        """Keywords are rules written by people: there is nothing to learn."""
        return self

    def suggest(
        self, turns: Iterable[AnalysedTurn], min_score: float | None = None
    ) -> Iterator[Suggestion]:
        floor = self.threshold if min_score is None else min_score
        for analysed in turns:
            values = scores(analysed.hits, analysed.words, self.relative)
            for code, value in values.items():
                if value >= floor and value > 0:
                    yield Suggestion(
                        analysed.turn.id,
                        code,
                        value,
                        METHOD,
                        evidence(analysed.hits[code], analysed.turn.text),
                    )
