"""Match a customer's question against the FAQ: BM25 over words, then a fuzzy rerank.

Each entry's phrasings are pooled into one document. A word inverted index with BM25
weights finds candidates without scoring every entry; query words the FAQ never uses are
corrected to the nearest FAQ word (typos); the best candidates are reranked by a mix of
BM25, rapidfuzz similarity to their closest phrasing (word order, small rewordings) and char
n-gram TF-IDF cosine (word forms). A score also counts the lead over the runner-up, so the
thresholds judge confidence. Everything is learned from the entries given, so the same code
works for any business's FAQ.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.core.knowledge import Entry

Verdict = Literal["answer", "suggest", "none"]

ANSWER_AT = 56.0
SUGGEST_AT = 35.0

_K1 = 2.0  # BM25 term-frequency saturation
_B = 0.75  # BM25 length normalisation
_MAX_QUERY_WORDS = 60  # a pasted e-mail is cut here: the question is rarely further down
_CANDIDATE_LIMIT = 300  # entries collected from posting lists before only rescoring them
_RERANK = 20  # candidates reranked with rapidfuzz and char n-grams
_GRAM_CACHE = 20_000  # entries whose char n-gram vectors are kept
_EAGER_GRAMS = 2_000  # FAQs up to this size get all char n-gram vectors at start-up
_TYPO_CUTOFF = 80.0  # rapidfuzz ratio for correcting an unknown word to an FAQ word
# shares of the final score: BM25, rapidfuzz similarity to the best phrasing, char n-grams
_BM25_WEIGHT = 0.45
_FUZZ_WEIGHT = 0.3
_CHAR_WEIGHT = 0.25
_LEAD = 10.0  # most a score gains from leading the runner-up

# <@U123>, <!channel>, <#C1|general>, <https://x|label>: keep a label, drop the rest
_SLACK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":[a-z0-9_+\-]+:")
_CONTRACTION = re.compile(r"n't\b|'(?:re|m|ve|ll|d|s)\b")
_CONTRACTIONS = {"n't": " not", "'re": " are", "'m": " am", "'ve": " have", "'ll": " will"}
_CONTRACTIONS |= {"'d": " would", "'s": ""}  # "'s" is "is" or a possessive: neither matters
_SPLIT_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}  # what "can't", "won't" leave
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Scored:
    entry: Entry
    score: float  # 0..100, higher is better, comparable to the thresholds


@dataclass(frozen=True)
class MatchResult:
    query: str
    verdict: Verdict
    matches: list[Scored]  # best first, at most `top`; may be empty for empty/garbage input


def stem(word: str) -> str:
    """Strip common English endings so that "cards", "carded", "carding" meet at "card"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "lsz":  # "stopped" -> "stop"
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:  # "receive" and "received" meet at "receiv"
        word = word[:-1]
    return word


class _Normaliser:
    """Text to stemmed words; remembers stems because an FAQ repeats its words a lot."""

    def __init__(self) -> None:
        self._stems: dict[str, str] = {}

    def words(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        if "<" in text:
            text = _SLACK.sub(lambda m: m.group(2) or " ", text)
        if ":" in text:
            text = _EMOJI.sub(" ", text)
        if "'" in text or "\u2019" in text:
            text = _CONTRACTION.sub(
                lambda m: _CONTRACTIONS[m.group(0)], text.replace("\u2019", "'")
            )
        stems = self._stems
        out = []
        for word in _WORD.findall(text):
            found = stems.get(word)
            if found is None:
                found = stems.setdefault(word, _SPLIT_STEMS.get(word) or stem(word))
            out.append(found)
        return out


class Matcher:
    """An index over FAQ entries, built once; `match` is read-only and safe across threads."""

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        answer_at: float = ANSWER_AT,
        suggest_at: float = SUGGEST_AT,
    ) -> None:
        self.entries = list(entries)
        self.answer_at = answer_at
        self.suggest_at = suggest_at
        self._normaliser = _Normaliser()
        self._postings: dict[str, dict[int, int]] = {}  # word -> {entry index: count}
        self._phrasings: list[list[str]] = []  # per entry, normalised phrasings for rapidfuzz
        lengths = []
        for index, entry in enumerate(self.entries):
            texts = []
            length = 0
            for phrasing in entry.phrasings:
                words = self._normaliser.words(phrasing)
                texts.append(" ".join(words))
                length += len(words)
                for word in words:
                    posting = self._postings.get(word)
                    if posting is None:
                        self._postings[word] = {index: 1}
                    else:
                        posting[index] = posting.get(index, 0) + 1
            self._phrasings.append(texts)
            lengths.append(length)
        count = len(self.entries)
        average = sum(lengths) / count if count else 1.0
        # BM25 denominator part that depends only on the entry, precomputed
        self._length_norm = [_K1 * (1 - _B + _B * n / average) for n in lengths]
        self._idf = {
            word: math.log(1 + (count - len(p) + 0.5) / (len(p) + 0.5))
            for word, p in self._postings.items()
        }
        self._unseen_idf = math.log(1 + (count + 0.5) / 0.5)
        self._vocabulary = list(self._postings)
        # Char n-grams see through typos and word forms ("verify" / "verification"). Their
        # weights come from the vocabulary; entry vectors are built on first use and cached,
        # so start-up stays fast for a huge FAQ.
        gram_count: dict[str, int] = {}
        for word, posting in self._postings.items():
            for gram in _grams(word):
                gram_count[gram] = gram_count.get(gram, 0) + len(posting)
        self._gram_idf = {
            gram: math.log((count + 1) / (min(n, count) + 1)) + 1 for gram, n in gram_count.items()
        }
        self._entry_grams = functools.lru_cache(maxsize=_GRAM_CACHE)(self._grams_of_entry)
        if count <= _EAGER_GRAMS:  # a small FAQ is warmed now, so no rep waits on a cold cache
            for index in range(count):
                self._entry_grams(index)

    def match(self, text: str, top: int = 3) -> MatchResult:
        if not isinstance(text, str):
            text = ""
        words = self._query_words(text)
        ranked = self._rank(words, " ".join(words))
        matches = [Scored(self.entries[i], score) for i, score in ranked[: max(top, 0)]]
        best = ranked[0][1] if ranked else 0.0
        if best >= self.answer_at:
            verdict: Verdict = "answer"
        elif best >= self.suggest_at:
            verdict = "suggest"
        else:
            verdict = "none"
        return MatchResult(text, verdict, matches)

    def _query_words(self, text: str) -> list[str]:
        """Unique query words, unknown ones corrected to the closest FAQ word if one is close."""
        words: list[str] = []
        for word in self._normaliser.words(text[:4000])[:_MAX_QUERY_WORDS]:
            if word not in self._idf and len(word) >= 4:
                found = process.extractOne(
                    word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF
                )
                if found is not None:
                    word = found[0]
            if word not in words:
                words.append(word)
        return words

    def _rank(self, words: list[str], query: str) -> list[tuple[int, float]]:
        known = sorted((w for w in words if w in self._idf), key=lambda w: len(self._postings[w]))
        if not known:
            return []
        # Rare words first: they name the topic. Once enough candidates are collected, common
        # words only add to the candidates' scores, so a huge FAQ is not scanned in full.
        scores: dict[int, float] = {}
        norm = self._length_norm
        for word in known:
            weight = self._idf[word] * (_K1 + 1)
            posting = self._postings[word]
            if len(scores) + len(posting) <= _CANDIDATE_LIMIT:
                for index, tf in posting.items():
                    scores[index] = scores.get(index, 0.0) + weight * tf / (tf + norm[index])
            else:
                if len(scores) < _CANDIDATE_LIMIT:  # too common to add all: fill up to the limit
                    for index in itertools.islice(posting, _CANDIDATE_LIMIT - len(scores)):
                        scores.setdefault(index, 0.0)
                for index, score in scores.items():
                    tf = posting.get(index)
                    if tf:
                        scores[index] = score + weight * tf / (tf + norm[index])
        # BM25 as a share of what a perfect match would score, so it is comparable across
        # queries; a word the FAQ never uses counts as the rarest: the FAQ cannot answer it
        ceiling = sum(self._idf.get(w, self._unseen_idf) for w in words) * (_K1 + 1)
        best = heapq.nsmallest(_RERANK, scores.items(), key=lambda item: (-item[1], item[0]))
        ranked = []
        query_grams = self._gram_vector(words)
        for index, bm25 in best:
            similarity = process.extractOne(
                query, self._phrasings[index], scorer=fuzz.token_sort_ratio
            )[1]
            entry_grams = self._entry_grams(index)
            cosine = sum(x * entry_grams.get(g, 0.0) for g, x in query_grams.items())
            score = 100 * _BM25_WEIGHT * min(bm25 / ceiling, 1.0)
            score += _FUZZ_WEIGHT * similarity + 100 * _CHAR_WEIGHT * cosine
            ranked.append((index, score))
        ranked.sort(key=lambda item: (-item[1], item[0]))
        # Confidence, not just similarity: a match only as good as its rival is a close call.
        # Each score gains (or loses) its lead over the best other entry, up to _LEAD points
        # (a lone weak candidate must not double its score); the order stays.
        top, runner_up = ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0.0
        confident = []
        for i, (index, score) in enumerate(ranked):
            rival = runner_up if i == 0 else top
            confident.append((index, min(max(score + min(score - rival, _LEAD), 0.0), 100.0)))
        return confident

    def _grams_of_entry(self, index: int) -> dict[str, float]:
        return self._gram_vector(" ".join(self._phrasings[index]).split())

    def _gram_vector(self, words: list[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector of the words' char n-grams."""
        counts: dict[str, int] = {}
        for word in words:
            for gram in _grams(word):
                counts[gram] = counts.get(gram, 0) + 1
        vector = {g: (1 + math.log(n)) * self._gram_idf.get(g, 1.0) for g, n in counts.items()}
        length = math.sqrt(sum(x * x for x in vector.values())) or 1.0
        return {g: x / length for g, x in vector.items()}


def _grams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
