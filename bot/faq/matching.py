"""Match a customer's question against the FAQ: BM25 over words, a fuzzy rerank, a calibrated score.

Words are read as Snowball English stems; e-mail addresses, links, numbers and codes the FAQ
does not know are the customer's, not their question's, and are left aside. Each entry's
phrasings are pooled into one document. A word inverted index with BM25 weights finds
candidates without scoring every entry; query words the FAQ never uses are corrected to the
nearest FAQ word (typos), unless they are English words; the best candidates are reranked by
a mix of BM25, rapidfuzz similarity to their closest phrasing (word order, small rewordings), char
n-gram TF-IDF cosine (word forms) and BM25 of word pairs of a stop word and a content word (how
the words go together: "will my card work" against "my card does not work"). Stop words ("is",
"it", "should", "by") count in BM25 but not in the fuzzy parts, and a stop word the FAQ never
uses costs nothing, so filler around a question does not drown it.

The score a rep sees is a confidence: the estimated chance (in %) that the entry is the right
answer, from its similarity, its lead over the best other entry, how far it stands out from the
entries after it, how close the question is to its single closest phrasing, how many of the
entry's key words the question uses, whether it names what another entry is about and how much
the question says (`_Evidence`); chat spellings ("didnt", "never came") meet their long forms.
The mapping is fitted when the index is built, on the knowledge base itself: each of a sample of
phrasings is matched with that phrasing held out (is its entry still found first?) and with its
whole entry held out (a question the FAQ does not cover). So the thresholds mean the same for
any business's FAQ. `match` can leave out entries a rep turned down, scoring the rest as if the
FAQ lacked them.

With the semantic tier (`repbot[semantic]`, see `bot.faq.semantic`), a sentence encoder adds
meaning to the words: how close the question is to each entry's closest phrasing and to its
centroid. The entries closest in meaning are candidates too; closeness in meaning is part of
the similarity that ranks them and one more piece of evidence for the confidence. How much it
counts is chosen, like the confidence, on the knowledge base's held-out phrasings (a held-out
phrasing's vector is left out of its entry's, as its words are). Without the encoder, the word
vectors shipped with repbot (`bot.faq.wordvectors`) stand in for it at a fixed share: a
customer's word the FAQ never uses ("reimburse", "relocated") still counts for what it means.

Two questions are compared as the matcher reads them (`read`, `likeness`: the same words and
weights), so that the FAQ gaps group questions by need with this module's judgement, not a
second one.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import operator
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from bot.faq import semantic
from bot.faq.grams import GramTable, Question
from bot.faq.knowledge import Entry, Knowledge
from bot.faq.pleasantries import without_pleasantries
from bot.shared.english import EMOJI_CODE, english_stems, stem
from bot.shared.memory import no_cycle_collection

if TYPE_CHECKING:
    from bot.faq.vectors import PhrasingVectors, TextEncoder, Vectors

Verdict = Literal["answer", "suggest", "none"]

# Thresholds on the confidence score: the estimated chance, in %, that the entry is right.
# An answer is given when it is more likely right than not.
ANSWER_AT = 50.0
SUGGEST_AT = 12.0
# A "did you mean" offers the entries after the best only from this score: on Banking77's and
# telecom's questions, those scored under 3 were the right entry 1 time in 50 (2,100 buttons
# for 45 right ones), and a rep reading "How do I change my card?" under a delivery question
# trusts the list less.
OFFER_AT = 3.0
# The confidence in an entry when the question reads (as the matcher reads it: stems, typos,
# chat spellings, synonyms, stop words aside) as one of its phrasings: the FAQ itself says so.
# The fit never sees such a question (it holds each phrasing out), so it would not say it; on
# two businesses' questions that read as a phrasing, 95% to 100% were that entry's.
AS_A_PHRASING = 95.0
# How far a "did you mean" must lead the next for a draft to be written about it.
LEAD_FOR_A_REPLY = 1.5

_K1 = 0.6  # BM25 term-frequency saturation
_B = 0.75  # BM25 length normalisation
_UNSEEN_WEIGHT = 0.5  # share of a word's weight lost when the FAQ never uses it
# A pasted e-mail is cut at this many characters, then at this many different words: repeated
# greetings and signatures do not use the budget up, the question is rarely further down.
_MAX_QUERY_CHARS = 4000
_MAX_QUERY_WORDS = 60
_LONGEST_WORD = 40  # letters: English's longest in use are some 30 ("antidisestablishmentarianism")
_CANDIDATE_LIMIT = 300  # entries collected from posting lists before only rescoring them
# A word that more than one entry in this many uses keeps its BM25 weights in a list over all
# entries, to rescore candidates with: looking each up in a dict of thousands of entries (stop
# words, a big FAQ's common words) took a third of a question at 10,000 entries; from this
# share on, the list is also the smaller.
_DENSE_SHARE = 8
_RERANK = 20  # candidates reranked with rapidfuzz and char n-grams
# Entries whose char n-gram vectors are kept, those asked about most recently: the entry's
# whole vector (some 12 kB, and 1 kB of its words' shares of a cosine, see `_QuestionGrams`;
# wanted for each of the 20 candidates) and those of its phrasings (some 30 kB, a `GramTable`,
# wanted only for the best three), so at most some 65 and 30 MB a process (the phrasings' of
# 5,000 entries took 350 MB as dicts, most of a big FAQ's worker).
_GRAM_CACHE = 5_000
_UNITS_CACHE = 1_000
# A FAQ up to this size has its phrasings' vectors in one table from the start (no rep waits on
# the cache, and calibrating compares its questions with every entry at once).
_EAGER_GRAMS = 2_000
# ... and one up to this size has every entry's whole vector from the start (130 MB at most,
# built once before the workers fork): the 20 candidates of a question need theirs, and
# computing them as questions came took half of each /faq at 10,000 entries.
_EAGER_WHOLE_GRAMS = 10_000
_TYPO_CUTOFF = 80.0  # rapidfuzz ratio for correcting an unknown word to an FAQ word
# Unknown words whose correction is kept: reps make the same typos, and looking one up takes
# some 0.1 ms (the whole vocabulary) at 10,000 entries.
_TYPO_CACHE = 4_096
# shares of the similarity: BM25, rapidfuzz similarity to the best phrasing, char n-grams, and
# BM25 of word pairs (see `_pairs`)
_BM25_WEIGHT = 0.45
_FUZZ_WEIGHT = 0.3
_CHAR_WEIGHT = 0.25
_PAIR_WEIGHT = 0.3
# Word pairs are indexed for a FAQ of up to this many entries. A bigger one's pairs ("my" and
# each of its nouns) cost more than they are worth there: at 10,000 entries, half a second of
# start-up (a fifth of a build) and 40 MB a worker; at 100,000, 240 MB more, half again.
_PAIRED_UP_TO = 5_000
_RESPELT_UP_TO = 5_000  # entries: a bigger FAQ's typos are only corrected by `_correction`
_CALIBRATION_SAMPLE = 200  # entries whose phrasings the confidence is fitted on
_CALIBRATION_PHRASINGS = 400  # at most, of a FAQ of up to _CALIBRATION_SAMPLE entries
# Each held-out phrasing is ranked against the whole FAQ, so a FAQ of more than 100 entries
# holds out fewer (entries x phrasings at most this): 400 phrasings of 199 entries took 0.35 s
# to build, more than the 200 of a sample of 201 entries, and now meet them smoothly.
_CALIBRATION_WORK = 40_000
# An uncovered question counts as much as a covered one: before reps have said what fits, the
# FAQ cannot know how often they will ask about what it lacks, so the confidence assumes even
# odds. Their clicks tell it later (`bot.faq.learning`): see `Matcher.with_uncovered_odds`.
UNCOVERED_ODDS = 1.0
_BACKGROUND = 9  # entries after the best whose mean similarity is the background
_FULL_DETAIL = 10  # content words in a question beyond which more words add no evidence
# Confidence before any evidence, as logistic coefficients on the evidence (see `_Evidence`);
# the fit is pulled towards it, so a small FAQ, with few phrasings to learn from, stays close.
_PRIOR = (-4.0, 2.0, 4.0, 4.0, 2.0, 1.0, 1.0, 1.0)
# With the semantic tier, the evidence has one more feature: the encoder's cosine of the question
# to the entry's closest phrasing (see `_Evidence.meaning`), at this prior weight.
_MEANING_PRIOR = 4.0
# ... and with the word vectors, none: only a FAQ's own held-out phrasings give it a weight (the
# prior's 4 made a two-entry FAQ answer "where is my box" with its double-charge entry, 54%).
_WORDS_MEANING_PRIOR = 0.0
# How close in meaning a question is to an entry: a mix of the encoder's cosine to the entry's
# closest phrasing and to its centroid (one phrasing that says the same, or all of them
# together), with the centroid's share one of `_CENTROID_SHARES`; and the share of that in the
# similarity that ranks entries (the rest lexical), one of `_MEANING_WEIGHTS`. A FAQ's own
# held-out phrasings choose both (see `_calibrate`), the middle ones on a tie. The entries
# closest in meaning are candidates besides BM25's best: a paraphrase that shares no rare word
# with its entry is still found.
_MEANING_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)
_CENTROID_SHARES = (0.0, 0.25, 0.5, 0.75)
_MEANING_CANDIDATES = 10
# Without the sentence encoder, the word vectors (`bot.faq.wordvectors`) are the meaning, at a
# fixed mix: chosen on held-out phrasings per FAQ, as for the encoder, it followed their noise
# (top-1 0.744 to 0.753 on an assistant's FAQ; 0.754 fixed). A FAQ of more phrasings than
# `_WORD_VECTORS_UP_TO` is matched on words alone: it says most things in many words already,
# and its vectors would cost memory (a million phrasings, 256 MB) and start-up. So is a FAQ of
# fewer entries than `_WORD_VECTORS_FROM`: too few held-out phrasings to weigh closeness in
# meaning, whose fixed share then offered a two-entry FAQ's double-charge entry for "where is
# my box".
_WORDS_MIXTURE = (0.35, 0.75)
_WORD_VECTORS_UP_TO = 20_000
_WORD_VECTORS_FROM = 5
_PRIOR_STRENGTH = 1.0  # ridge penalty on the distance of the fitted weights from the prior's
_BIAS_PULL = 5.0  # ... times this for the bias (see `_fit_logistic`)

# English function words: they carry no topic, and a small FAQ cannot learn that by itself
_STOP_TEXT = """
    a an the i me my mine myself we us our you your yours he him his she her it its they them
    their is am are was were be been being do does did doing have has had having will would
    shall should can could may might must to of in on at by for with from about as into onto
    over under up down out off than then so too very just also and or but if because while until
    till this that these those there here what which who whom whose please hi hello hey thanks
    thank dear now yet still already really some any all again ok okay regards sincerely
    faithfully yours cheers wishes sir madam
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# <@U123>, <!channel>, <#C1|general>, <https://x|label>: keep a label, drop the rest
_SLACK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
# an address or a link a customer gave ("jo.smith@example.com", "https://track.example/1234"):
# theirs, not words of their question
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+")
_CONTRACTION = re.compile(r"n't\b|'(?:re|m|ve|ll|d|s)\b")
_CONTRACTIONS = {"n't": " not", "'re": " are", "'m": " am", "'ve": " have", "'ll": " will"}
_CONTRACTIONS |= {"'d": " would", "'s": ""}  # "'s" is "is" or a possessive: neither matters
_SPLIT_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}  # what "can't", "won't" leave
# chat drops the apostrophe: "didnt" is "did not", where "not" is the part that matters;
# "never" says the same ("it never came", "it has not come")
_NEGATIONS = """
    dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt cant couldnt wont wouldnt
    shouldnt mustnt neednt aint never
"""
_SPLIT_STEMS |= dict.fromkeys(_NEGATIONS.split(), "not")
# irregular verbs, which no ending rule brings together ("came" / "come", "sent" / "send")
_IRREGULAR = """
    came:come went:go gone:go got:get gotten:get sent:send paid:pay bought:buy took:take
    taken:take gave:give given:give made:make told:tell said:say saw:see seen:see
    spent:spend broke:break broken:break stole:steal stolen:steal chose:choose chosen:choose
    forgot:forget forgotten:forget wrote:write written:write knew:know known:know
    brought:bring thought:think kept:keep lent:lend sold:sell held:hold began:begin
    begun:begin ran:run drove:drive driven:drive froze:freeze frozen:freeze withdrew:withdraw
    withdrawn:withdraw
"""
_SPLIT_STEMS |= dict(pair.split(":") for pair in _IRREGULAR.split())
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TOKEN = re.compile(r"[\w'\u2019]+")  # a word with its apostrophes, as `_respelled` reads it
_WORD = re.compile(r"[^\W_]+")  # "where_is_my_box" is four words, as a rep may copy an id
_ZEROS = itertools.repeat(0.0)  # the weight of what an entry does not use
_ONES = itertools.repeat(1.0)  # the idf of an n-gram no FAQ word has
_SENTENCE = re.compile(r"(?<=[?.!])\s+")


@dataclass(frozen=True)
class Scored:
    entry: Entry
    score: float  # 0..100: the estimated chance (%) that this entry answers the question


@dataclass(frozen=True)
class Reading:
    """A question as the matcher reads it, to compare with another question (`Matcher.likeness`):
    its content words, normalised as the FAQ's are (stems, chat spellings, synonyms), each with
    its weight, its idf in the FAQ (a word many entries use says little, one that no entry uses
    says most)."""

    weights: Mapping[str, float]
    # the words some entry uses: the others weigh most but may be a detail ("leeds")
    known: frozenset[str] = frozenset()

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.weights)

    @functools.cached_property
    def total(self) -> float:
        return sum(self.weights.values())


@dataclass(frozen=True)
class MatchResult:
    query: str
    verdict: Verdict
    matches: list[Scored]  # best first, at most `top`; may be empty for empty/garbage input
    # Whether the text has a word that can name what a customer wants: emoji, punctuation, a
    # greeting or a thanks alone do not, and are no question for the FAQ (nor a gap).
    names_a_need: bool = True
    # Other entries that parts of a longer message are answered with (`Faq.match`), best first
    also: tuple[Scored, ...] = ()
    # No good match, and the text reads as another language than the FAQ's English (`Faq.match`)
    other_language: bool = False

    @property
    def offered(self) -> list[Scored]:
        """The entries a "did you mean" shows: the best, and the others from `OFFER_AT`."""
        return self.matches[:1] + [m for m in self.matches[1:] if m.score >= OFFER_AT]

    def leading(self) -> Entry | None:
        """The entry to write a reply about: the answer, or a "did you mean" well ahead of the
        next. A reply built on the wrong problem is worse than a
        general one, so a close call between two entries names neither."""
        if self.verdict == "none" or not self.matches:
            return None
        best = self.matches[0]
        if self.verdict == "answer" or len(self.matches) == 1:
            return best.entry
        return best.entry if best.score >= LEAD_FOR_A_REPLY * self.matches[1].score else None


_STOP_STEMS = STOP_WORDS | {stem(word) for word in STOP_WORDS}


def is_content(word: str) -> bool:
    """A normalised word that can name a topic: not a stop word, not a lone character, not a
    number ("12", "2026": a date, an amount, an order number, which names no topic), not a run
    of letters longer than any word (a key held down, a pasted token)."""
    return 1 < len(word) <= _LONGEST_WORD and word not in _STOP_STEMS and not word.isdigit()


class _Normaliser:
    """Text to stemmed words; remembers stems because an FAQ repeats its words a lot.

    With synonyms (a word, and the other words and phrases customers use for it), each other
    word or phrase becomes the word itself, in the FAQ and in questions alike.
    """

    def __init__(self, synonyms: Mapping[str, Sequence[str]] | None = None) -> None:
        self._stems: dict[str, str] = {}
        self._synonym_of: dict[str, str] = {}  # stem of another word -> stem of the word
        self._phrase_word: dict[str, str] = {}  # stems of another phrase -> stem of the word
        for word, others in (synonyms or {}).items():
            (target,) = self._stemmed(word)
            for other in others:
                stems = self._stemmed(other)
                if len(stems) == 1:
                    self._synonym_of[stems[0]] = target
                elif stems:
                    self._phrase_word[" ".join(stems)] = target
        self._stems.clear()  # stemmed before the synonyms were known
        self._phrases: re.Pattern | None = None
        if self._phrase_word:
            # Longest first, so "took money out" wins over "took money".
            phrases = sorted(self._phrase_word, key=len, reverse=True)
            self._phrases = re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b")

    def words(self, text: str) -> list[str]:
        found = self._stemmed(text)
        if self._phrases is None:
            return found
        joined = self._phrases.sub(lambda m: self._phrase_word[m.group(0)], " ".join(found))
        return joined.split()

    def spellings(self, stems: Collection[str]) -> dict[str, list[str]]:
        """The words of the text stemmed so far that have each of the stems."""
        words: dict[str, list[str]] = {}
        for word, stemmed in self._stems.items():
            if stemmed in stems:
                words.setdefault(stemmed, []).append(word)
        return words

    @staticmethod
    def plain(text: str) -> str:
        """The text in lower case without what is the customer's rather than their question:
        Slack's markup of mentions and links (a link keeps its label), e-mail addresses, links
        and emoji."""
        text = unicodedata.normalize("NFKC", text).lower()
        if "<" in text:
            text = _SLACK.sub(lambda m: m.group(2) or " ", text)
        if "@" in text or "://" in text or "www." in text:
            text = _ADDRESS.sub(" ", text)
        if ":" in text:
            text = EMOJI_CODE.sub(" ", text)
        return text

    def _stemmed(self, text: str) -> list[str]:
        text = self.plain(text)
        if "'" in text or "\u2019" in text:
            text = _CONTRACTION.sub(
                lambda m: _CONTRACTIONS[m.group(0)], text.replace("\u2019", "'")
            )
        found = _WORD.findall(text)
        try:  # the common case, every word seen before, stays in C
            return list(map(self._stems.__getitem__, found))
        except KeyError:
            for word in found:
                if word not in self._stems:
                    stemmed = stem(_SPLIT_STEMS.get(word, word))
                    self._stems[word] = self._synonym_of.get(stemmed, stemmed)
            return list(map(self._stems.__getitem__, found))


@dataclass(frozen=True)
class _HeldOut:
    """A phrasing (or with `phrasing` None, a whole entry) left out while calibrating.

    The index is not rebuilt for it: `_held_out_candidates` scores the entry on `left`, the
    counts of the entry's words without those held out.
    """

    entry: int
    phrasing: int | None
    left: Counter[str]
    left_pairs: Counter[str]  # the same for word pairs (see `_pairs`)


@dataclass(frozen=True)
class _Evidence:
    """What the confidence in one entry rests on, each about 0..1.

    `similarity` is the entry's mixed similarity to the question, `lead` how far it is ahead of
    the best other entry (negative when behind), `gap` how far it stands out from the
    background (the mean similarity of the entries after the best), `nearest` the char
    n-gram cosine of the question to the entry's single closest phrasing (or sentence of one),
    `key_words` the share of the entry's key words (those most of its phrasings use) that the
    question uses, `on_topic` 0 when the question uses a key word of another entry that this
    entry never uses (else 1), `detail` how many content words the question has, up to
    `_FULL_DETAIL`, and with the semantic tier `meaning`, how close in meaning the question is
    to the entry (see `_CENTROID_SHARES`).
    The pooled similarity ranks well, but a question about something else also meets many
    words of a big entry somewhere; one phrasing that says the same thing is better evidence.
    A question the FAQ does not cover tends to be about as close to several entries (a low
    gap) and to no phrasing in particular, and to share words with a neighbouring entry but
    not the words that entry is about ("my phone was stolen" against "my card was stolen").
    A short question is weak evidence whatever it matches.
    """

    similarity: float
    lead: float
    gap: float
    nearest: float
    key_words: float
    on_topic: float
    detail: float
    meaning: float | None = None  # how close in meaning (see `_CENTROID_SHARES`), if known

    def features(self) -> tuple[float, ...]:
        # The last three count only against an entry (0 at best): where they say nothing, as
        # for an entry without key words, they leave the score as it was.
        return (
            1.0,
            self.similarity,
            self.lead,
            self.gap,
            self.nearest,
            self.key_words - 1.0,
            self.on_topic - 1.0,
            self.detail - 1.0,
            *(() if self.meaning is None else (self.meaning,)),
        )


@dataclass(frozen=True)
class _QuestionGrams:
    """A question's char n-gram vector (`vector`), and its cosine to an entry's added up word by
    word: each word's share (the entry's weights of its n-grams times their idf, summed), kept
    by the entry for its own words; times `scale`, what made the question's vector unit length
    (and the entry's scale, see `_grams_of_entry`); plus, for an n-gram the question has n > 1
    times, what its tf changes, (1 + log n) - n times its idf (`repeated`). Twenty entries'
    shares of the question's five words or so add up faster than their weights of its 50
    n-grams are looked up: the vectors of a big FAQ's entries do not stay in a processor's
    caches (at 10,000 entries, a sixth of a question)."""

    vector: dict[str, float]
    words: tuple[str, ...]
    scale: float
    repeated: tuple[tuple[str, float], ...]
    # the vector in the numbers of `GramTable`s' n-grams, by the numbers' id (with the numbers:
    # a table's id is another's once it is gone)
    numbered: dict[int, tuple[dict[str, int], Question]] = field(
        default_factory=dict, compare=False
    )

    def cosines(self, table: GramTable, first: int = 0, stop: int | None = None) -> np.ndarray:
        """The question's cosine to the table's vectors from `first` to `stop` (all)."""
        known = self.numbered.get(id(table.ids))
        if known is None or known[0] is not table.ids:
            known = self.numbered[id(table.ids)] = table.ids, table.question(self.vector)
        return table.cosines(known[1], first, stop)


@dataclass(frozen=True)
class _Units:
    """An entry's phrasings' n-gram vectors (`Matcher._unit_texts`): rows `first` on of
    `table`, and the phrasing each is of."""

    table: GramTable
    first: int
    positions: tuple[int, ...]


class _Example(NamedTuple):
    """A held-out question the confidence is fitted on (`Matcher._calibrate`)."""

    features: tuple[float, ...]  # of its evidence on its best entry (`_Evidence.features`)
    right: bool  # its best entry is right
    covered: bool  # only its phrasing held out, not its whole entry
    asked: bool  # the phrasing is a question reps asked


@dataclass(frozen=True)
class _Confidence:
    """Logistic map from the evidence on an entry to the chance (0..100) that it is right."""

    weights: tuple[float, ...]

    def __call__(self, evidence: _Evidence) -> float:
        z = sum(map(operator.mul, self.weights, evidence.features()))  # in C
        return 100.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


class Matcher:
    """An index over FAQ entries, built once; `match` is read-only and safe across threads."""

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        synonyms: Mapping[str, Sequence[str]] | None = None,
        answer_at: float = ANSWER_AT,
        suggest_at: float = SUGGEST_AT,
        encoder: TextEncoder | None | Literal["default"] = "default",
        uncovered_odds: float = UNCOVERED_ODDS,
        asked: Collection[str] = (),
    ) -> None:
        """`encoder`: the sentence encoder of the semantic tier or the word vectors; by
        default what the settings give (`bot.faq.semantic`), None for words alone.
        `asked`: the phrasings that are questions reps asked (`bot.faq.learning`), and
        `uncovered_odds` how many questions the FAQ does not cover reps ask per one it does
        (see `with_uncovered_odds`)."""
        self.entries = list(entries)
        self.uncovered_odds = uncovered_odds
        self._asked = frozenset(asked)
        self.answer_at = answer_at
        self.suggest_at = suggest_at
        if isinstance(encoder, str):  # "default"
            encoder = semantic.default_encoder()
        self.encoder = encoder
        with no_cycle_collection():
            self._build(synonyms)

    def with_uncovered_odds(self, odds: float) -> Matcher:
        """This matcher with its confidence fitted again for `odds` uncovered questions per
        covered one (what reps' clicks say, `bot.faq.learning`): the same index and held-out
        examples, only the fit redone, in milliseconds. Fewer uncovered questions make a score
        mean more: where they are rare, a close match is seldom one the FAQ lacks.

        The odds weigh the uncovered questions made of phrasings that reps asked (`asked`);
        those made of a lead's phrasings keep even odds. A lead's words are easier to match
        than a customer's, so a fit on them alone is too sure of covered questions, and even
        odds make up for it: in scripts/bench_learning.py's first week, answers are 94% right
        (91.7% with the floor's odds for every uncovered question). A question a customer
        asked is as hard as the next one."""
        refitted = copy.copy(self)  # the index is read-only: the copy shares it
        refitted.uncovered_odds = odds
        refitted._confidence = _Confidence(
            _fit_logistic(self._examples, self._prior, _PRIOR_STRENGTH, odds)
        )
        return refitted

    @property
    def tier(self) -> str:
        return (
            "semantic"
            if self.encoder is not None and self.encoder.kind == "sentence"
            else "lexical"
        )

    def _build(self, synonyms: Mapping[str, Sequence[str]] | None) -> None:
        self._normaliser = _Normaliser(synonyms)
        postings: dict[str, dict[int, int]] = {}  # word -> {entry index: count}
        # per entry, the content words of each phrasing, sorted: as `_fuzzy`'s token sort
        # ratio compares them, so that a question does not sort them again for each candidate
        self._phrasings: list[list[str]] = []
        self._key_words: list[frozenset[str]] = []  # per entry, see `_key_words`
        lengths: list[int] = []
        pair_postings: dict[str, dict[int, int]] = {}  # word pair -> {entry index: count}
        pair_lengths: list[int] = []
        held_out = self._held_out()
        sampled = {index for index, _ in held_out}
        read: dict[int, list[list[str]]] = {}  # their entries' phrasings, for calibrating too
        read_pairs: dict[int, Counter[str]] = {}  # ... and their word pairs, counted
        paired = len(self.entries) <= _PAIRED_UP_TO
        for index, entry in enumerate(self.entries):
            phrasings = [self._normaliser.words(phrasing) for phrasing in entry.phrasings]
            if index in sampled:
                read[index] = phrasings
            counts = Counter(itertools.chain.from_iterable(phrasings))
            _post(postings, index, counts)
            if paired:
                pairs = Counter(itertools.chain.from_iterable(map(_pairs, phrasings)))
                _post(pair_postings, index, pairs)
                pair_lengths.append(pairs.total())
                if index in sampled:
                    read_pairs[index] = pairs
            contents = [_content_words(words) for words in phrasings]
            self._phrasings.append([" ".join(sorted(words)) for words in contents])
            self._key_words.append(_key_words(contents))
            lengths.append(counts.total())
        count = len(self.entries)
        average = sum(lengths) / count if count else 1.0
        self._average_length = average
        self._idf = {word: _idf(count, len(p)) for word, p in postings.items()}
        # Each word's BM25 weight in each entry that uses it, so that a question only adds them:
        # word -> {entry index: weight}, for a word rare enough to collect candidates with; for
        # a common word (`_DENSE_SHARE`), a list (a small FAQ's word can be both)
        norm = [_K1 * (1 - _B + _B * n / average) for n in lengths]
        dense = count / _DENSE_SHARE
        self._postings: dict[str, dict[int, float]] = {}
        self._common: dict[str, list[float]] = {}
        shared: dict[float, float] = {}  # equal weights (same count, same length) as one float
        for word, posting in postings.items():
            weights = _bm25_weights(self._idf[word] * (_K1 + 1), posting, norm, shared)
            if len(posting) > dense:
                self._common[word] = list(map(weights.get, range(count), _ZEROS))
            if len(posting) <= max(_CANDIDATE_LIMIT, dense):
                self._postings[word] = weights
        self._unseen_idf = _idf(count, 0)
        # Word pairs keep their counts: a question's BM25 over its few pairs is worked out for
        # its 20 candidates, cheaper than every pair's weights in every entry up front.
        self._pair_counts = pair_postings
        self._average_pairs = sum(pair_lengths) / len(pair_lengths) if pair_lengths else 1.0
        self._pair_norm = [_K1 * (1 - _B + _B * n / self._average_pairs) for n in pair_lengths]
        self._pair_idf = {pair: _idf(count, len(p)) for pair, p in pair_postings.items()}
        self._vocabulary = [word for word in self._idf if is_content(word)]
        # Char n-grams see through typos and word forms ("verify" / "verification"). Their
        # weights come from the vocabulary; entry vectors are built on first use and cached,
        # so start-up stays fast for a huge FAQ.
        gram_count: Counter[str] = Counter()
        for word in self._vocabulary:
            df = len(postings[word])
            for gram in _grams(word):
                gram_count[gram] += df
        self._gram_idf = {
            gram: math.log((count + 1) / (min(n, count) + 1)) + 1 for gram, n in gram_count.items()
        }
        whole = count if _GRAM_CACHE < count <= _EAGER_WHOLE_GRAMS else _GRAM_CACHE
        self._entry_grams = functools.lru_cache(maxsize=whole)(self._grams_of_entry)
        units = _EAGER_GRAMS if count <= _EAGER_GRAMS else _UNITS_CACHE
        self._eager_units = self._all_units() if count <= _EAGER_GRAMS else None
        self._units_cache = functools.lru_cache(maxsize=_UNITS_CACHE)(self._units_of_entry)
        self._sayings = functools.lru_cache(maxsize=units)(self._sayings_of_entry)
        # an entry's phrasings as read (`closest_phrasing`): wanted again for every question
        # like one reps turned it down for, and a popular entry has hundreds learned
        self._phrasings_read = functools.lru_cache(maxsize=_UNITS_CACHE)(self._read_phrasings)
        # What a question shares with an entry, wanted again by its evidence: calibrating wants
        # it after ranking all its questions, so their grams are kept till then.
        self._question_grams = functools.lru_cache(maxsize=_CALIBRATION_PHRASINGS)(
            self._question_of
        )
        self._corrected = functools.lru_cache(maxsize=_TYPO_CACHE)(self._correction)
        for index in range(count if count <= _EAGER_WHOLE_GRAMS else 0):
            self._entry_grams(index)
        self._key_word_owners = Counter(itertools.chain.from_iterable(self._key_words))
        self._meaning: PhrasingVectors | None = None
        # the encoder's share of similarity, and the centroid's of meaning: see `_calibrate`
        self._meaning_weight = 0.0
        self._centroid_share = 0.0
        if self.encoder is not None and (
            self.encoder.kind == "sentence"
            or _WORD_VECTORS_FROM
            <= len(self.entries)
            <= sum(len(entry.phrasings) for entry in self.entries)
            <= _WORD_VECTORS_UP_TO
        ):
            from bot.faq.vectors import PhrasingVectors

            self._meaning = PhrasingVectors(self.encoder, [e.phrasings for e in self.entries])
        # The FAQ's own words by stem, read so far (only its own), for typos (`_spelled`,
        # `_a_letter_away`). Not kept for a huge FAQ matched on words alone: hundreds of
        # thousands of words, tens of MB a worker.
        self._spellings = (
            self._normaliser.spellings(frozenset(self._vocabulary))
            if self._meaning is not None or count <= _RESPELT_UP_TO
            else {}
        )
        self._faq_words = {w: stemmed for stemmed, words in self._spellings.items() for w in words}
        # A word a letter away from one of these is at most a letter longer than the longest.
        self._longest_faq_word = max(map(len, self._faq_words), default=0)
        self._gram_table: GramTable | None = None
        if 0 < count <= _EAGER_GRAMS:  # every entry's vector is there: see `bot.faq.grams`
            vectors = [self._entry_grams(index) for index in range(count)]
            ids = self._entry_units(0).table.ids  # the entries' n-grams are their phrasings'
            self._gram_table = GramTable.of_vectors([(v, scale) for v, _, scale in vectors], ids)
        self._examples, self._prior = self._calibrate(held_out, read, read_pairs)
        self._confidence = _Confidence(
            _fit_logistic(self._examples, self._prior, _PRIOR_STRENGTH, self.uncovered_odds)
        )
        self._gram_table = None  # only calibrating asks so many questions of the same entries
        self._question_grams = functools.lru_cache(maxsize=8)(self._question_of)
        # What calibrating's questions touched is not what reps will ask about: the memory is
        # the workers' to fill (some 50 MB at 100,000 entries).
        if count > _EAGER_WHOLE_GRAMS:
            self._entry_grams.cache_clear()
        self._units_cache.cache_clear()

    @classmethod
    def for_knowledge(
        cls,
        knowledge: Knowledge,
        encoder: TextEncoder | None | Literal["default"] = "default",
        uncovered_odds: float = UNCOVERED_ODDS,
        asked: Collection[str] = (),
    ) -> Matcher:
        """A matcher over a loaded knowledge base, with the synonyms its leads keep (and see
        `Matcher`)."""
        return cls(
            knowledge.entries,
            synonyms=knowledge.synonyms,
            encoder=encoder,
            uncovered_odds=uncovered_odds,
            asked=asked,
        )

    def match(
        self,
        text: str,
        top: int = 3,
        exclude: Collection[str] = (),
        doubted: Collection[str] = (),
    ) -> MatchResult:
        """The best `top` entries for the question; those whose ids are in `exclude` are left
        out and the rest scored as if the FAQ did not have them (a rep said they are wrong).
        One whose id is in `doubted` (reps turned it down for a question like this one) is not
        answered with: it scores under `answer_at` at most, and so does every entry after it."""
        if not isinstance(text, str):
            text = ""
        asked = self._question(text)
        words, pairs = self._query_words(asked)
        names_a_need = _names_a_need(words)
        closest = None
        if self._meaning is not None and names_a_need:
            question = self._meaning.question(self._spelled(asked))
            if question.any():  # else the word vectors know none of its words: words alone
                closest = self._meaning.closest(question)
        ranked = self._rank(words, pairs, closest)
        if exclude:
            ranked = [(i, s) for i, s in ranked if self.entries[i].id not in exclude]
        scored = self._scores(ranked, words, max(top, 1), closest)
        if scored and self.entries[scored[0][0]].id in doubted:
            ceiling = self.answer_at - 1.0
            scored = [(index, min(score, ceiling)) for index, score in scored]
        best = scored[0][1] if scored else 0.0
        if best >= self.answer_at:
            verdict: Verdict = "answer"
        elif best >= self.suggest_at:
            verdict = "suggest"
        else:
            verdict = "none"
        matches = [Scored(self.entries[index], score) for index, score in scored[: max(top, 0)]]
        return MatchResult(text, verdict, matches, names_a_need)

    def reads_whole(self, text: str) -> bool:
        """Whether `match` reads all of the text: a long pasted message is cut (see
        `_MAX_QUERY_CHARS`)."""
        if len(text) > _MAX_QUERY_CHARS:
            return False
        return len(set(self._normaliser.words(_asked(text)))) <= _MAX_QUERY_WORDS

    def names_a_need(self, text: str) -> bool:
        """Whether the text has a word that can name what a customer wants, as `match` says
        (`MatchResult.names_a_need`), without matching it."""
        return _names_a_need(self._query_words(self._question(text))[0])

    def read(self, text: str, corrected: bool = False) -> Reading:
        """The question as the matcher reads it (see `Reading`). Unknown words are kept as they
        are, not corrected to FAQ words: two questions about what the FAQ lacks meet on the
        words it lacks. `corrected`: typos corrected as `match` corrects them, for a question
        that is to meet one the FAQ knows the words of."""
        if corrected:
            words = self._query_words(self._question(text))[0]
        else:
            words = self._normaliser.words(_asked(text) if isinstance(text, str) else "")
        content = [word for word in dict.fromkeys(words) if is_content(word)]
        weights = {word: self._idf.get(word, self._unseen_idf) for word in content}
        return Reading(weights, frozenset(word for word in content if word in self._idf))

    def closest_phrasing(self, entry_id: str, reading: Reading) -> float:
        """The likeness (`likeness`) of the question as read to the entry's closest phrasing; 0
        for an id the FAQ lacks."""
        return max((self.likeness(reading, p) for p in self._phrasings_read(entry_id)), default=0.0)

    def _read_phrasings(self, entry_id: str) -> tuple[Reading, ...]:
        entry = next((entry for entry in self.entries if entry.id == entry_id), None)
        return tuple(map(self.read, entry.phrasings)) if entry is not None else ()

    @staticmethod
    def likeness(a: Reading, b: Reading) -> float:
        """How alike two questions are, 0..1: the weight of the words they share over the
        weight of all their words (a weighted Dice coefficient), as BM25 ranks entries with
        rare words counting most, but from both sides. Not the fuzzy or char n-gram parts of
        ranking: those reward a shared common word ("box", "flight") as much as a rare one."""
        total = a.total + b.total
        if not total:
            return 0.0
        weights = a.weights
        return 2 * sum([weights[word] for word in weights.keys() & b.weights.keys()]) / total

    def _scores(
        self,
        ranked: list[tuple[int, float]],
        words: list[str],
        count: int,
        closest: Vectors | None,
    ) -> list[tuple[int, float]]:
        """The confidence of the first `count` ranked entries (at least two), best first.

        Two entries cannot both be right, so the best is at most as likely as the runner-up,
        on its own evidence, is unlikely (a close call stays one), and the others at most as
        likely as the best is unlikely; no entry scores above one ranked before it. A question
        that reads as one of the best entry's phrasings (and not of the runner-up's) is that
        entry's at `AS_A_PHRASING` at least, whatever the runner-up's evidence.
        """
        evidence = self._evidence(ranked, words, max(count, 2), None, closest)
        confidence = [self._confidence(e) for e in evidence]
        phrased = (
            bool(confidence)
            and self._is_a_phrasing(ranked[0][0], words)
            and not (len(confidence) > 1 and self._is_a_phrasing(ranked[1][0], words))
        )
        if phrased:
            confidence[0] = max(confidence[0], AS_A_PHRASING)
        scored = []
        ceiling = 100.0
        for i, (index, _) in enumerate(ranked[: len(evidence)]):
            rival = (
                confidence[1 if i == 0 else 0]
                if len(evidence) > 1 and not (phrased and i == 0)
                else 0.0
            )
            ceiling = min(ceiling, confidence[i], 100.0 - rival)
            scored.append((index, ceiling))
        return scored[:count]

    def _is_a_phrasing(self, index: int, words: list[str]) -> bool:
        """Whether the question has the words of one of the entry's phrasings (or of a
        sentence of one), stop words too ("the ATM took my card" is not "what ATMs take this
        card?"), in any order."""
        asked = frozenset(words)
        content = {word for word in asked if is_content(word)}
        return any(
            asked in sentences
            for contents, sentences in self._sayings(index)
            if content <= contents  # cheap: most phrasings fail here
        )

    def _sayings_of_entry(self, index: int) -> list[tuple[frozenset[str], set[frozenset[str]]]]:
        """Per phrasing of the entry, its content words and the words of each of its sentences
        (see `_is_a_phrasing`): reading them for each question took a twentieth of it."""
        return [
            (
                frozenset(words_of.split()),
                {frozenset(self._normaliser.words(part)) for part in _SENTENCE.split(phrasing)},
            )
            for phrasing, words_of in zip(
                self.entries[index].phrasings, self._phrasings[index], strict=True
            )
        ]

    def _evidence(
        self,
        ranked: list[tuple[int, float]],
        words: list[str],
        count: int,
        held: _HeldOut | None,
        closest: Vectors | None,
        near: dict[tuple[int, int | None], float] | None = None,
    ) -> list[_Evidence]:
        """The evidence on each of the first `count` ranked entries (see `_Evidence`); `near`,
        if given, keeps the question's `_nearest` cosines for another question with the same
        words."""
        if not ranked:
            return []
        content = [word for word in words if is_content(word)]
        content_set = set(content)
        question = self._question_grams(tuple(content))
        detail = min(len(content), _FULL_DETAIL) / _FULL_DETAIL
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        rest = [similarity for _, similarity in ranked[1 : 1 + _BACKGROUND]]
        background = sum(rest) / len(rest) if rest else 0.0
        # a question none of whose words the word vectors know is close in meaning to nothing
        meaningless = None if self._meaning is None else 0.0
        return [
            _Evidence(
                similarity,
                similarity - (runner_up if i == 0 else best),
                similarity - background,
                self._nearest(index, question, held, near),
                self._key_word_share(index, content_set, held),
                self._on_topic(index, content, held),
                detail,
                self._closeness(closest, index) if closest is not None else meaningless,
            )
            for i, (index, similarity) in enumerate(ranked[:count])
        ]

    def _nearest(
        self,
        index: int,
        question: _QuestionGrams,
        held: _HeldOut | None,
        near: dict[tuple[int, int | None], float] | None = None,
    ) -> float:
        """Char n-gram cosine of the question to the entry's closest phrasing or sentence; kept
        in `near`, if given, by entry and the phrasing left out of it."""
        skip = held.phrasing if held is not None and held.entry == index else None
        if near is not None and (index, skip) in near:
            return near[index, skip]
        units = self._entry_units(index)
        to_units = question.cosines(units.table, units.first, units.first + len(units.positions))
        cosines = itertools.compress(to_units.tolist(), [p != skip for p in units.positions])
        found = min(max(cosines, default=0.0), 1.0)
        if near is not None:
            near[index, skip] = found
        return found

    def _key_word_share(self, index: int, content: set[str], held: _HeldOut | None) -> float:
        """The share of the entry's key words that the question's content words include."""
        if held is not None and held.entry == index and held.phrasing is not None:
            phrasings = self._phrasings[index]
            others = phrasings[: held.phrasing] + phrasings[held.phrasing + 1 :]
            keys = _key_words([phrasing.split() for phrasing in others])
        else:
            keys = self._key_words[index]
        return len(keys & content) / len(keys) if keys else 1.0

    def _on_topic(self, index: int, content: list[str], held: _HeldOut | None) -> float:
        """0 if the question uses a key word of another entry that this entry never uses."""
        for word in content:
            owners = self._key_word_owners.get(word, 0)
            if held is not None and held.phrasing is None and word in self._key_words[held.entry]:
                owners -= 1  # the held-out entry is not there to own it
            if owners <= 0:
                continue
            if held is not None and held.entry == index:
                if not held.left[word]:
                    return 0.0
            elif not self._uses(word, index):
                return 0.0
        return 1.0

    def _uses(self, word: str, index: int) -> bool:
        """Whether the entry uses the FAQ word."""
        posting = self._postings.get(word)
        return index in posting if posting is not None else self._common[word][index] > 0

    def _question(self, text: str) -> str:
        """What the question asks (`_asked`), respelt (`_respelled`)."""
        return self._respelled(_asked(text)) if isinstance(text, str) else ""

    def _respelled(self, text: str) -> str:
        """The text with each word of five letters or more that is no English word, and that no
        FAQ word is close to (`_correction`), spelt as a word of the FAQ a letter away if there
        is one (`_a_letter_away`): "famly" as "family", whose stem "fam" was too short to
        correct, "movign" as "moving", too far from the FAQ's "move". Only the FAQ's words: the
        commonest English word a letter away is often another ("crypto" would be "crypt",
        "laggy" "baggy"), and a word the FAQ does not use cannot lead to its entries anyway.
        Words with an apostrophe are left to the contractions ("doesn't")."""
        if not self._faq_words:
            return text
        # The query reads no more words than this (`_query_words`), and each costs hundreds of
        # look-ups.
        return _TOKEN.sub(
            lambda found: self._respelling(found.group(0)), text, count=_MAX_QUERY_WORDS
        )

    def _respelling(self, word: str) -> str:
        stemmed = self._stem_of(word) if len(word) >= 5 and word.isalpha() else None
        if stemmed is None or stemmed in self._idf or not is_content(stemmed):
            return word
        if stemmed in english_stems():
            return word
        if self._may_be_a_typo(stemmed) and self._corrected(stemmed) != stemmed:
            return word  # an FAQ word is close: `_query_words` and `_spelled` correct it
        return self._a_letter_away(word.lower()) or word

    def _a_letter_away(self, word: str) -> str | None:
        """The FAQ's word a letter away from `word` (one dropped, added, changed, or two next to
        each other swapped), the commonest in the FAQ if there are several; None if none is."""
        if len(word) > self._longest_faq_word + 1:
            return None  # "xxxx…" pasted: thousands of letters, each changed 26 ways, for nothing
        found = []
        for candidate in _a_letter_changed(word):
            stemmed = self._faq_words.get(candidate)
            if stemmed is not None:
                found.append((self._idf[stemmed], candidate))
        return min(found)[1] if found else None

    def _stem_of(self, word: str) -> str | None:
        """The word's stem as the FAQ's words are read (synonyms too), if it is one word."""
        stems = self._normaliser.words(word)
        return stems[0] if len(stems) == 1 else None

    def _query_words(self, question: str) -> tuple[list[str], list[str]]:
        """Unique words of the question (`_question`), unknown ones corrected to the closest FAQ
        word if one is close, and the unique pairs of words next to each other (see `_pairs`)."""
        words: dict[str, None] = {}  # ordered set
        said = []  # the words in the order said, corrected
        for word in self._normaliser.words(question):
            if word not in self._idf and not word.isalpha():
                continue  # a code the FAQ does not know ("sw1a", "bx48213"): the customer's own
            if self._may_be_a_typo(word):
                word = self._corrected(word)
            if word not in words:
                if len(words) == _MAX_QUERY_WORDS:
                    break
                words[word] = None
            said.append(word)
        return list(words), list(dict.fromkeys(_pairs(said))) if self._pair_counts else []

    def _spelled(self, text: str) -> str:
        """The question as the encoder reads it (`_Normaliser.plain`), with each typo that
        `_query_words` corrects spelled as the FAQ spells the word, in the form closest to the
        typo ("cancle" is "cancel", "cancled" "cancelled"): an encoder knows "cancel", and reads
        "cancle" as pieces of other words."""
        plain = _Normaliser.plain(text)
        return _WORD.sub(lambda found: self._spelling(found.group(0)), plain)

    def _spelling(self, word: str) -> str:
        stemmed = self._stem_of(word)
        if stemmed is None or not self._may_be_a_typo(stemmed):
            return word
        found = process.extractOne(word, self._spellings.get(self._corrected(stemmed), ()))
        return word if found is None else found[0]

    def _may_be_a_typo(self, word: str) -> bool:
        """Whether `_correction` is asked for the word (stemmed): one the FAQ does not use, of
        letters only (a code is the customer's own), long enough for a typo to be told from
        another word, and no stop word."""
        return word not in self._idf and len(word) >= 4 and word.isalpha() and is_content(word)

    def _correction(self, word: str) -> str:
        """The FAQ word closest to an unknown word if one is close, else the word itself. An
        English word is no typo, however close an FAQ word is ("smells" is not "sell")."""
        if word in english_stems():
            return word
        found = process.extractOne(
            word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=_TYPO_CUTOFF
        )
        return word if found is None else found[0]

    def _rank(
        self, words: list[str], pairs: list[str], closest: Vectors | None = None
    ) -> list[tuple[int, float]]:
        """Entries by similarity (0..1.3, see `_PAIR_WEIGHT`), best first; empty when the words
        name no topic. With `closest` (the encoder's cosine per entry, see
        `PhrasingVectors.closest`), the entries closest in meaning are candidates too, and the
        cosine is part of similarity."""
        candidates = self._candidates(words, pairs, closest)
        return _combine(candidates, self._meaning_weight, self._centroid_share)

    def _closeness(self, closest: Vectors, index: int) -> float:
        """How close in meaning the question is to the entry (`closest`: see `_candidates`)."""
        share = self._centroid_share
        return (1 - share) * float(closest[0, index]) + share * float(closest[1, index])

    def _candidates(
        self, words: list[str], pairs: list[str], closest: Vectors | None
    ) -> list[tuple[int, float, float, float]]:
        """The entries worth ranking, each with its lexical similarity and the encoder's
        cosines to its closest phrasing and its centroid (`closest`, as
        `PhrasingVectors.closest` gives them; 0 without an encoder)."""
        content = [word for word in words if is_content(word)]
        weights = {word: self._weight(word, None) for word in words}
        if not _names_a_topic(content, weights, closest):
            return []
        scores = self._collected(self._known(words, weights))[0]
        ordered = " ".join(sorted(content))
        question = self._question_grams(tuple(content))
        return self._similarities(
            self._best(scores, None, closest),
            _ceiling(content, weights),
            closest,
            lambda index: (_fuzzy(ordered, self._phrasings[index]), self._cosine(question, index)),
            self._paired(pairs, None),
        )

    def _held_out_candidates(
        self,
        words: list[str],
        pairs: list[str],
        held: _HeldOut,
        whole: _HeldOut,
        closest: tuple[Vectors | None, Vectors | None],
    ) -> tuple[list[tuple[int, float, float, float]], list[tuple[int, float, float, float]]]:
        """`_candidates` of a held-out phrasing as a question, with the phrasing held out
        (`held`) and with its whole entry held out (`whole`), `closest` for each. Computed
        together, as the other entries' BM25 weights and their rapidfuzz and n-gram
        similarities are the same in both: only the held-out entry's differ (rescored on what
        is left of it, or gone)."""
        content = [word for word in words if is_content(word)]
        weights = {word: self._weight(word, held) for word in words}
        if not _names_a_topic(content, weights, closest[0]):
            return [], []  # nor does the question with more of the FAQ held out
        known = self._known(words, weights)
        scores, collected = self._collected(known)
        weights_whole = {word: self._weight(word, whole) for word in words}
        known_whole = [word for word in known if weights_whole[word][1]]
        # The words only the held-out entry uses (only with the phrasing held out are they
        # known) are the rarest, so the first collected; each word collected after them is the
        # entry's too (the question is its phrasing), so the rest collect the same other
        # entries in both questions, unless the first of them was too common to collect with
        # and the entry's presence changed how `_rescored` fills up.
        if len(known_whole) < len(known) and collected == len(known) - len(known_whole):
            scores_whole = self._collected(known_whole)[0]
        else:
            scores_whole = dict(scores)
        scores_whole.pop(held.entry, None)
        if held.entry in scores:
            terms = [(word, self._idf[word]) for word in known]
            scores[held.entry] = _held_bm25(terms, held.left, self._average_length)
        ordered = " ".join(sorted(content))
        question = self._question_grams(tuple(content))
        alike: dict[int, tuple[float, float]] = {}  # (fuzzy, cosine) of each entry, for both
        to_all = None if self._gram_table is None else question.cosines(self._gram_table)

        def alike_of(index: int) -> tuple[float, float]:
            if index in alike:
                return alike[index]
            phrasings = self._phrasings[index]
            # only the question with the phrasing held out has its entry
            if index == held.entry and held.phrasing is not None:
                others = phrasings[: held.phrasing] + phrasings[held.phrasing + 1 :]
                cosine = self._held_cosine(question, index, held.phrasing)
                alike[index] = _fuzzy(ordered, others), cosine
            elif to_all is not None:
                alike[index] = _fuzzy(ordered, phrasings), float(to_all[index])
            else:  # a phrasing has more words than a rep's question: a dot product is quicker
                vector, _, scale = self._entry_grams(index)
                alike[index] = _fuzzy(ordered, phrasings), _dot(question.vector, vector) * scale
            return alike[index]

        sums: dict[int, float] = {}  # the other entries' word-pair BM25, for both

        def ranked_with(
            out: _HeldOut,
            bm25: dict[int, float],
            weighed: dict[str, tuple[float, bool]],
            cosines: Vectors | None,
        ) -> list[tuple[int, float, float, float]]:
            return self._similarities(
                self._best(bm25, out, cosines), _ceiling(content, weighed), cosines, alike_of,
                self._paired(pairs, out, sums),
            )  # fmt: skip

        ranked = ranked_with(held, scores, weights, closest[0])
        if not _names_a_topic(content, weights_whole, closest[1]):
            return ranked, []
        return ranked, ranked_with(whole, scores_whole, weights_whole, closest[1])

    def _known(self, words: list[str], weights: dict[str, tuple[float, bool]]) -> list[str]:
        """The words the FAQ uses, the rarest first: the highest idf (the same for the same
        number of entries)."""
        return sorted((w for w in words if weights[w][1]), key=self._idf.__getitem__, reverse=True)

    def _collected(self, known: list[str]) -> tuple[dict[int, float], int]:
        """The BM25 score of each candidate entry (`known`: see `_known`), and how many of the
        words collected candidates before `_rescored` took the rest."""
        # Rare words first: they name the topic. Once enough candidates are collected, common
        # words only add to the candidates' scores, so a huge FAQ is not scanned in full.
        scores: dict[int, float] = {}
        added = 0
        for word in known:
            posting = self._postings.get(word)
            if posting is None or len(scores) + len(posting) > _CANDIDATE_LIMIT:
                break  # the rest are more common still
            for index, weight in posting.items():
                scores[index] = scores.get(index, 0.0) + weight
            added += 1
        if added < len(known):
            scores = self._rescored(scores, known[added:])
        return scores, added

    def _best(
        self, scores: dict[int, float], held: _HeldOut | None, closest: Vectors | None
    ) -> list[tuple[int, float]]:
        """The candidates to rerank, with their BM25: the best `_RERANK` by it, the best first
        and the lower index on a tie, then those closest in meaning."""
        # by index, then stably by score (both in C); only those that can be among the best
        # are sorted (all of them took a tenth of a match)
        best = list(scores.items())
        if len(best) > _RERANK:
            cut = sorted(scores.values(), reverse=True)[_RERANK - 1]
            best = list(itertools.compress(best, map(cut.__le__, scores.values())))
        best.sort()
        best.sort(key=operator.itemgetter(1), reverse=True)
        del best[_RERANK:]
        if closest is not None:
            best += self._closest_in_meaning(closest, held, {index for index, _ in best}, scores)
        return best

    def _similarities(
        self,
        best: list[tuple[int, float]],
        ceiling: float,
        closest: Vectors | None,
        alike: Callable[[int], tuple[float, float]],
        paired: Callable[[list[int]], list[float]] | None,
    ) -> list[tuple[int, float, float, float]]:
        """The candidates (`best`) with their similarity, from their BM25 as a share of the
        `ceiling`, their rapidfuzz and n-gram similarities (`alike`) and their word pairs' BM25
        as a share (`paired`, None when the question has none the FAQ indexes), and with the
        encoder's cosines (see `_candidates`)."""
        indexes = [index for index, _ in best]
        shares = paired(indexes) if paired is not None else [0.0] * len(best)
        # read from the arrays at once: an element at a time took a fifth of this
        near = [[0.0] * len(best)] * 2 if closest is None else closest[:, indexes].tolist()
        ranked = []
        for (index, bm25), share, phrasing, centroid in zip(best, shares, *near, strict=True):
            fuzzy, cosine = alike(index)
            similarity = _BM25_WEIGHT * min(bm25 / ceiling, 1.0)
            similarity += _FUZZ_WEIGHT * fuzzy
            similarity += _CHAR_WEIGHT * min(cosine, 1.0)
            similarity += _PAIR_WEIGHT * min(share, 1.0)
            ranked.append((index, similarity, max(phrasing, 0.0), max(centroid, 0.0)))
        return ranked

    def _held_cosine(self, question: _QuestionGrams, index: int, position: int) -> float:
        """The char n-gram cosine of a held-out phrasing (the question) to the rest of its entry,
        from the entry's vector: only the weights of the phrasing's own n-grams change, so the
        rest of the vector is not built again."""
        vector, _, scale = self._entry_grams(index)
        norm = 1 / (scale * scale)  # the squared length of the vector before scaling
        dot = 0.0
        words = self._phrasings[index][position].split()
        for gram, n in _gram_counts(words).items():
            idf = self._gram_idf.get(gram, 1.0)
            # the weight of an n-gram the entry has `count` times is idf * (1 + log count), so
            # the count is read back from it (exactly: a whole number)
            before = vector[gram]
            count = round(math.exp(before / idf - 1))
            after = idf * (1 + math.log(count - n)) if count > n else 0.0
            norm += after * after - before * before
            dot += question.vector.get(gram, 0.0) * after
        return dot / math.sqrt(norm) if dot else 0.0

    def _cosine(self, question: _QuestionGrams, index: int) -> float:
        """The char n-gram cosine of the question to the entry, added up word by word (see
        `_QuestionGrams`)."""
        vector, shares, scale = self._entry_grams(index)
        total = 0.0
        for word in question.words:
            share = shares.get(word)
            total += self._share(word, vector) if share is None else share
        for gram, weight in question.repeated:
            total += weight * vector.get(gram, 0.0)
        return total * question.scale * scale

    def _share(self, word: str, vector: dict[str, float]) -> float:
        """The weights in `vector` of the word's n-grams times their idf, summed."""
        grams = _grams(word)
        weights = map(vector.get, grams, _ZEROS)
        return sum(map(operator.mul, map(self._gram_idf.get, grams, _ONES), weights))

    def _closest_in_meaning(
        self,
        closest: Vectors,
        held: _HeldOut | None,
        taken: set[int],
        scores: dict[int, float],
    ) -> list[tuple[int, float]]:
        """The entries closest in meaning that BM25 did not already bring, with their BM25."""
        phrasing = closest[0]
        count = min(_MEANING_CANDIDATES, len(phrasing))
        if not count:
            return []
        chosen = phrasing.argpartition(-count)[-count:]
        order = sorted((-float(phrasing[i]), int(i)) for i in chosen)
        out = []
        for _, index in order:
            if index in taken or (
                held is not None and held.phrasing is None and held.entry == index
            ):
                continue
            out.append((index, scores.get(index, 0.0)))
        return out

    def _rescored(self, scores: dict[int, float], words: list[str]) -> dict[int, float]:
        """`scores` with the BM25 weights of words too common to add for every entry that uses
        them: each word's first entries fill the candidates up to the limit, then it adds its
        weight to theirs (0 where unused), in C."""
        indexes = list(scores)
        totals = list(scores.values())
        taken = set(indexes)
        pick = None  # a common word's weights of the candidates, as a tuple
        for word in words:
            posting = self._postings.get(word)
            common = self._common.get(word)
            if len(indexes) < _CANDIDATE_LIMIT:
                users: Iterable[int] = (
                    posting
                    if posting is not None
                    else itertools.compress(itertools.count(), self._common[word])
                )
                first = itertools.islice(users, _CANDIDATE_LIMIT - len(indexes))
                added = list(itertools.filterfalse(taken.__contains__, first))  # in C
                if added:
                    indexes += added
                    totals += [0.0] * len(added)
                    taken.update(added)
                    pick = None
            if common is not None:
                # after the fill, half the limit at least: itemgetter gives a tuple
                pick = pick or operator.itemgetter(*indexes)
                weights: Iterable[float] = pick(common)
            else:
                weights = map(self._postings[word].get, indexes, _ZEROS)
            totals = list(map(operator.add, totals, weights))
        return dict(zip(indexes, totals, strict=True))

    def _weight(self, word: str, held: _HeldOut | None) -> tuple[float, bool]:
        """The word's idf in the query and whether the FAQ uses it (held-out phrasing aside)."""
        posting = self._postings.get(word)
        if word not in self._idf or (
            posting is not None and held is not None and _held_alone(posting, held, held.left, word)
        ):
            # a stop word the FAQ never uses is filler; any other word names what it lacks
            return (self._unseen_idf * _UNSEEN_WEIGHT if is_content(word) else 0.0), False
        return self._idf[word], True

    def _paired(
        self, pairs: list[str], held: _HeldOut | None, sums: dict[int, float] | None = None
    ) -> Callable[[list[int]], list[float]] | None:
        """The BM25 over the question's word pairs of each of some entries, as a share of what a
        perfect match on them would score (a pair the FAQ never uses, held-out phrasing aside,
        counts as a word it never uses); None when the FAQ indexes no pairs or the question has
        none. `sums` keeps the BM25 of entries other than the held-out one: the same with a
        phrasing held out and with its whole entry held out."""
        if not pairs or not self._pair_counts:
            return None
        known = []
        ceiling = 0.0
        for pair in pairs:
            counts = self._pair_counts.get(pair)
            if counts is None or (
                held is not None and _held_alone(counts, held, held.left_pairs, pair)
            ):
                ceiling += self._unseen_idf * _UNSEEN_WEIGHT
            else:
                known.append((self._pair_idf[pair], pair, counts))
                ceiling += self._pair_idf[pair]
        scale = 1 / (ceiling * (_K1 + 1))
        found = {} if sums is None else sums
        skip = None if held is None else held.entry  # scored on what is left of it, if there

        def shares(indexes: list[int]) -> list[float]:
            new = [index for index in indexes if index not in found and index != skip]
            norms = list(map(self._pair_norm.__getitem__, new))
            totals = [0.0] * len(new)
            for idf, _, counts in known:  # each pair's BM25 in all the entries at once, in C
                tfs = list(map(counts.get, new, _ZEROS))
                weights = map(operator.truediv, tfs, map(operator.add, tfs, norms))
                totals = list(map(operator.add, totals, map((idf * (_K1 + 1)).__mul__, weights)))
            found.update(zip(new, totals, strict=True))
            out = [found.get(index, 0.0) * scale for index in indexes]
            if held is not None and skip in indexes:
                terms = [(pair, idf) for idf, pair, _ in known]
                held_bm25 = _held_bm25(terms, held.left_pairs, self._average_pairs)
                out[indexes.index(skip)] = held_bm25 * scale
            return out

        return shares

    def _held_out(self) -> list[tuple[int, int]]:
        """The phrasings (entry, position) that `_calibrate` holds out."""
        pool = [index for index, entry in enumerate(self.entries) if entry.variants]
        if len(pool) <= _CALIBRATION_SAMPLE:  # a small FAQ: phrasings of every entry
            sizes = [len(self.entries[i].phrasings) for i in pool]
            budget = max(_CALIBRATION_SAMPLE, _CALIBRATION_WORK // max(len(pool), 1))
            return _spread(pool, sizes)[: min(budget, _CALIBRATION_PHRASINGS)]
        # one phrasing each of a sample of entries; the same FAQ gives the same sample
        rng = random.Random(0)
        return [
            (i, rng.randrange(len(self.entries[i].phrasings)))
            for i in rng.sample(pool, _CALIBRATION_SAMPLE)
        ]

    def _calibrate(
        self,
        held_out: list[tuple[int, int]],
        read: dict[int, list[list[str]]],
        read_pairs: dict[int, Counter[str]],
    ) -> tuple[list[_Example], tuple[float, ...]]:
        """What the confidence is fitted on (see the module doc): examples from held-out
        phrasings of this knowledge base, and the prior.
        `read`: the normalised phrasings of their entries, `read_pairs` their word pairs.

        Each sampled phrasing gives two questions: held out from its entry (covered), the answer
        is right when its entry still comes first; with its whole entry gone, any answer is wrong.
        """
        # each question: its words, what is held out, the encoder's cosines, the candidates
        questions = []
        meanings: dict[tuple[int, int], tuple[Vectors, Vectors]] = {}
        if self._meaning is not None:
            meant = [(i, p) for i, p in held_out if self._meaning.vector(i, p).any()]
            meanings = dict(zip(meant, self._meaning.held_out_all(meant), strict=True))
        for index, position in held_out:
            phrasings = read[index]
            words = list(dict.fromkeys(phrasings[position]))
            pairs = _pairs(phrasings[position]) if self._pair_counts else []
            others = phrasings[:position] + phrasings[position + 1 :]
            held = _HeldOut(
                index,
                position,
                Counter(itertools.chain.from_iterable(others)),
                _left(read_pairs.get(index), pairs),
            )
            whole = _HeldOut(index, None, Counter(), Counter())
            pairs = list(dict.fromkeys(pairs))
            # the phrasing as a question: its own vector, its entry's other phrasings only
            closest, closest_whole = meanings.get((index, position), (None, None))
            candidates, candidates_whole = self._held_out_candidates(
                words, pairs, held, whole, (closest, closest_whole)
            )
            phrasing = self.entries[index].phrasings[position]
            questions.append((words, held, closest, candidates, phrasing))
            questions.append((words, whole, closest_whole, candidates_whole, phrasing))
        if self._meaning is not None and self._meaning.encoder.kind == "words":
            self._meaning_weight, self._centroid_share = _WORDS_MIXTURE
        elif self._meaning is not None:
            self._meaning_weight, self._centroid_share = _best_mixture(
                # the held-out phrasings (each followed by its whole entry held out)
                [(held.entry, candidates) for _, held, _, candidates, _ in questions[::2]]
            )
        examples: list[_Example] = []
        near: dict[tuple[int, int | None], float] = {}
        asked = self._asked
        for words, held, closest, candidates, phrasing in questions:
            if held.phrasing is not None:  # a phrasing's two questions: often the same best entry
                near = {}
            ranked = _combine(candidates, self._meaning_weight, self._centroid_share)
            if ranked:
                evidence = self._evidence(ranked, words, 1, held, closest, near)[0]
                covered = held.phrasing is not None
                right = covered and ranked[0][0] == held.entry
                examples.append(_Example(evidence.features(), right, covered, phrasing in asked))
        prior: tuple[float, ...] = _PRIOR
        if self._meaning is not None:
            of_words = self._meaning.encoder.kind == "words"
            prior = (*_PRIOR, _WORDS_MEANING_PRIOR if of_words else _MEANING_PRIOR)
        return examples, prior

    def _grams_of_entry(self, index: int) -> tuple[dict[str, float], dict[str, float], float]:
        """The entry's char n-gram vector as in `_units_of_entry` (weights and scale), and each of
        its words' share of a cosine to it (see `_QuestionGrams`)."""
        words = " ".join(self._phrasings[index]).split()
        vector, scale, _ = self._tf_idf(words)
        shares = {word: self._share(word, vector) for word in dict.fromkeys(words)}
        return vector, shares, scale

    def _entry_units(self, index: int) -> _Units:
        """The n-gram vectors of the entry's phrasings (see `_unit_texts`)."""
        if self._eager_units is not None:
            return self._eager_units[index]
        return self._units_cache(index)

    def _units_of_entry(self, index: int) -> _Units:
        """The n-gram vectors of the entry's phrasings (see `_unit_texts`) in a table of their
        own: a FAQ too big to have them all in one (`_all_units`)."""
        texts, positions = self._unit_texts(index)
        return _Units(GramTable.of_texts(texts, self._gram_idf, _grams), 0, positions)

    def _unit_texts(self, index: int) -> tuple[list[list[str]], tuple[int, ...]]:
        """The words of the entry's phrasings and, of a phrasing that asks two things ("Where
        is my box? How can I track it?"), of each sentence; and the phrasing each is of."""
        texts = []
        positions = []
        for position, phrasing in enumerate(self.entries[index].phrasings):
            units = [self._phrasings[index][position].split()]  # content words, normalised
            sentences = [part for part in _SENTENCE.split(phrasing) if _WORD.search(part)]
            if len(sentences) > 1:
                units += [_content_words(self._normaliser.words(part)) for part in sentences]
            for words in units:
                if words:
                    texts.append(words)
                    positions.append(position)
        return texts, tuple(positions)

    def _all_units(self) -> list[_Units]:
        """Every entry's phrasings' vectors (`_units_of_entry`) in one table: built in one go,
        and a question compared with all of them at once."""
        texts: list[list[str]] = []
        spans = []
        for index in range(len(self.entries)):
            words, positions = self._unit_texts(index)
            spans.append((len(texts), positions))
            texts += words
        table = GramTable.of_texts(texts, self._gram_idf, _grams)
        return [_Units(table, first, positions) for first, positions in spans]

    def _question_of(self, words: tuple[str, ...]) -> _QuestionGrams:
        vector, scale, counts = self._weighed_grams(words)
        repeated = tuple(
            (g, self._gram_idf.get(g, 1.0) * (1 + math.log(n) - n))
            for g, n in counts.items()
            if n > 1
        )
        return _QuestionGrams(vector, words, scale, repeated)

    def _weighed_grams(self, words: Sequence[str]) -> tuple[dict[str, float], float, Counter[str]]:
        """The unit-length TF-IDF vector of the words' char n-grams, the scale that made it unit
        length, and the n-grams' counts."""
        vector, scale, counts = self._tf_idf(words)
        return {g: x * scale for g, x in vector.items()}, scale, counts

    def _tf_idf(self, words: Sequence[str]) -> tuple[dict[str, float], float, Counter[str]]:
        """The TF-IDF weights of the words' char n-grams, the scale that makes them a unit-length
        vector, and the n-grams' counts."""
        counts = _gram_counts(words)
        idf = map(self._gram_idf.get, counts, _ONES)
        vector = dict(zip(counts, idf, strict=True))
        # most grams come once (tf 1): those that do not are picked out in C
        for g in list(itertools.compress(counts, map((1).__lt__, counts.values()))):
            vector[g] *= 1 + math.log(counts[g])
        return vector, 1 / (math.hypot(*vector.values()) or 1.0), counts


def _spread(pool: list[int], sizes: list[int]) -> list[tuple[int, int]]:
    """(entry, phrasing) to hold out, at most `_CALIBRATION_PHRASINGS`: a phrasing of each
    entry, then a second of each, and so on, each entry's in an order of its own that the same
    FAQ always gets. Every phrasing of a small FAQ made the build take longer than that of a
    huge one (77 entries, 1.5 s on a busy machine) and fitted the 8 weights no better."""
    rng = random.Random(0)
    orders = [rng.sample(range(size), size) for size in sizes]
    rounds = itertools.zip_longest(*orders)  # the first of each entry's, the second, ...
    held_out = (
        (index, position)
        for positions in rounds
        for index, position in zip(pool, positions, strict=True)
        if position is not None
    )
    return list(itertools.islice(held_out, _CALIBRATION_PHRASINGS))


def _fuzzy(ordered: str, phrasings: list[str]) -> float:
    """The question's (content words sorted and joined) rapidfuzz token sort ratio to the
    closest of the phrasings (words sorted too: so plain `fuzz.ratio` is that ratio), 0..1."""
    found = process.extractOne(ordered, phrasings, scorer=fuzz.ratio)
    return found[1] / 100 if found else 0.0


def _best_mixture(
    questions: list[tuple[int, list[tuple[int, float, float, float]]]],
) -> tuple[float, float]:
    """The encoder's share of similarity and the centroid's of meaning that find the most
    held-out phrasings' entries first, given (entry, candidates) for each; on a tie, the
    shares nearest the middle of their ranges."""
    middle = _MEANING_WEIGHTS[len(_MEANING_WEIGHTS) // 2], _CENTROID_SHARES[1]

    def found_first(shares: tuple[float, float]) -> tuple[int, float]:
        ranks = [(entry, _combine(candidates, *shares)) for entry, candidates in questions]
        found = sum(bool(r) and r[0][0] == entry for entry, r in ranks)
        return found, -abs(shares[0] - middle[0]) - abs(shares[1] - middle[1])

    return max(itertools.product(_MEANING_WEIGHTS, _CENTROID_SHARES), key=found_first)


def _combine(
    candidates: list[tuple[int, float, float, float]], weight: float, centroid_share: float
) -> list[tuple[int, float]]:
    """Candidates by similarity, best first: the lexical one mixed with closeness in meaning
    (`weight` of it), which mixes phrasing and centroid cosines (`centroid_share` of it)."""
    if weight:
        ranked = [
            (
                index,
                (1 - weight) * lexical
                + weight * ((1 - centroid_share) * near + centroid_share * centre),
            )
            for index, lexical, near, centre in candidates
        ]
    else:  # lexical only: the mix is the lexical similarity itself
        ranked = [(index, lexical) for index, lexical, _, _ in candidates]
    # by index, then stably by similarity (both in C)
    ranked.sort(key=operator.itemgetter(0))
    ranked.sort(key=operator.itemgetter(1), reverse=True)
    return ranked


def _a_letter_changed(word: str) -> set[str]:
    """Every string a letter away from the word (in a to z): one dropped, added, changed, or
    two next to each other swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(head + tail[1:] for head, tail in splits if tail),
        *(head + tail[1] + tail[0] + tail[2:] for head, tail in splits if len(tail) > 1),
        *(head + letter + tail[1:] for head, tail in splits if tail for letter in _LETTERS),
        *(head + letter + tail for head, tail in splits for letter in _LETTERS),
    }


def _asked(text: str) -> str:
    """What a question asks: as much of it as is read, without greetings, well-wishing and
    sign-offs (`without_pleasantries`), which the FAQ's phrasings never have."""
    return without_pleasantries(text[:_MAX_QUERY_CHARS])


def _names_a_need(words: list[str]) -> bool:
    return any(map(is_content, words))


def _names_a_topic(
    content: list[str], weights: dict[str, tuple[float, bool]], closest: Vectors | None
) -> bool:
    """Whether a question can have candidates: stop words alone never name a topic; words the
    FAQ lacks (see `Matcher._weight`) only its meaning."""
    return bool(content) and (closest is not None or any(weights[word][1] for word in content))


def _ceiling(content: list[str], weights: dict[str, tuple[float, bool]]) -> float:
    """What an entry that matched the content words perfectly would score in BM25: a score as a
    share of it is comparable across questions and filler costs nothing (a stop word that
    matches helps); a content word the FAQ never uses counts against every entry."""
    return sum(weights[word][0] for word in content) * (_K1 + 1) or 1.0


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two sparse vectors, `a` the question's: each of its n-grams looked up
    in `b`, all in C (a third cheaper than finding the shared n-grams first)."""
    return sum(map(operator.mul, a.values(), map(b.get, a, itertools.repeat(0.0))))


def _bm25_weights(
    weight: float, counts: dict[int, int], norm: list[float], shared: dict[float, float]
) -> dict[int, float]:
    """A word's BM25 weight in each entry that uses it, from its counts there (`weight`: its idf
    times k1 + 1; `norm`: each entry's length part), computed in C; a weight already in
    `shared` is that float."""
    tfs = counts.values()
    dividends = map(operator.mul, itertools.repeat(weight), tfs)
    divisors = map(operator.add, tfs, map(norm.__getitem__, counts))
    keys, values = itertools.tee(map(operator.truediv, dividends, divisors))
    return dict(zip(counts, map(shared.setdefault, keys, values), strict=True))


def _idf(count: int, df: int) -> float:
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def _key_words(phrasings: Sequence[Sequence[str]]) -> frozenset[str]:
    """The content words that at least half of an entry's phrasings use: what it is about."""
    counts = Counter(itertools.chain.from_iterable(map(set, phrasings)))
    return frozenset(word for word, n in counts.items() if 2 * n >= len(phrasings))


def _held_alone(
    posting: Mapping[int, object], held: _HeldOut, left: Counter[str], term: str
) -> bool:
    """Whether only what is held out uses the term (`posting`: the entries that use it; `left`:
    what is left of the held-out entry's terms), so that the FAQ without it does not."""
    return posting.keys() == {held.entry} and not left[term]


def _held_bm25(terms: Iterable[tuple[str, float]], left: Counter[str], average: float) -> float:
    """BM25 of a held-out phrasing's entry as if that phrasing were not in it, over the terms
    (words or word pairs, each with its idf): `left` counts what is left of the entry's terms,
    `average` is an entry's average number of them."""
    norm = _K1 * (1 - _B + _B * left.total() / average)
    score = 0.0
    for term, idf in terms:
        tf = left[term]
        score += idf * (_K1 + 1) * tf / (tf + norm)
    return score


def _post(postings: dict[str, dict[int, int]], index: int, counts: Counter[str]) -> None:
    """Add an entry's counts of its words (or word pairs) to their postings."""
    for term, n in counts.items():
        posting = postings.get(term)
        if posting is None:
            postings[term] = {index: n}
        else:
            posting[index] = n


def _left(counts: Counter[str] | None, held: list[str]) -> Counter[str]:
    """`counts` less those of the `held` items (a copy, in C, and a few subtractions)."""
    left = Counter() if counts is None else counts.copy()
    left.subtract(held)
    return left


def _pairs(words: Sequence[str]) -> list[str]:
    """The pairs of words next to each other of which one is a stop word: what a question asks
    is often in how its words go together ("will my card work" is not "my card does not work"),
    which its words one by one lose. Pairs of content words say little that their words do not,
    and are most pairs; two stop words ("I am", "for it") are the filler of a wordy question."""
    stop = list(map(_STOP_STEMS.__contains__, words))
    chosen = itertools.compress(itertools.pairwise(words), map(operator.ne, stop, stop[1:]))
    return list(map(" ".join, chosen))  # in C: built for every phrasing of the FAQ


def _content_words(words: list[str]) -> list[str]:
    return [word for word in words if len(word) > 1 and word not in _STOP_STEMS]


def _gram_counts(words: Iterable[str]) -> Counter[str]:
    """How many times each char n-gram of the words occurs in them, counted in C."""
    return Counter(itertools.chain.from_iterable(map(_grams, words)))


@functools.lru_cache(maxsize=100_000)
def _grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    return tuple(padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def _fit_logistic(
    examples: list[_Example],
    prior: tuple[float, ...],
    strength: float,
    uncovered_odds: float,
) -> tuple[float, ...]:
    """Weighted logistic regression by Newton's method, pulled towards `prior`.

    A covered example weighs 1, an uncovered one made of a question reps asked
    `uncovered_odds`, any other uncovered one `UNCOVERED_ODDS` (see
    `Matcher.with_uncovered_odds`). A ridge penalty of `strength`
    on the distance of each feature weight from the prior's keeps a small FAQ near the prior
    and makes the fit always exist. Feature weights stay >= 0, so that more evidence never
    lowers a score: a weight the fit wants negative is fixed at 0 and the rest refitted.
    The bias is pulled harder: a held-out question informs it about as much as 0.25 (p(1-p) at
    even odds) and a feature weight about as much as 0.05 (times a feature's typical square),
    so a pull of 1 on the weights and 5 on the bias is worth some 20 held-out questions.
    """
    size = len(prior)
    rows = np.array([e.features for e in examples], dtype=float).reshape(-1, size)
    rights = np.array([e.right for e in examples], dtype=float)
    weights = np.array(
        [1.0 if e.covered else uncovered_odds if e.asked else UNCOVERED_ODDS for e in examples]
    )
    target = np.array(prior, dtype=float)
    pull = np.full(size, strength)
    pull[0] *= _BIAS_PULL
    free = list(range(size))
    while True:
        beta = np.where(np.isin(np.arange(size), free), target, 0.0)
        columns = rows[:, free]  # a weight fixed at 0 stays 0 in beta
        for _ in range(25):
            chances = 1.0 / (1.0 + np.exp(-np.clip(columns @ beta[free], -50.0, 50.0)))
            gradient = columns.T @ (weights * (rights - chances))
            gradient -= pull[free] * (beta[free] - target[free])
            hessian = columns.T @ (columns * (weights * chances * (1 - chances))[:, None])
            hessian[np.diag_indices(len(free))] += pull[free]
            step = np.linalg.solve(hessian, gradient)
            beta[free] += step
            if np.abs(step).max() < 1e-6:
                break
        negative = [i for i in free if i and beta[i] < 0]
        if not negative:
            return tuple(beta.tolist())
        free.remove(min(negative, key=lambda i: beta[i]))
