"""What reps' clicks teach the FAQ: their picks and votes as evidence in ranking and confidence.

A "did you mean" pick of an entry, or Helpful on it, says the entry answers that question; Not
helpful says it does not. One click is one rep's opinion, and reps misclick, so a click moves
nothing by itself: a question is learned for an entry when at least `MIN_REPS` different reps
said so, for it or for questions like it (`SAME_QUESTION`, as the matcher reads questions),
with enough weight (`MIN_WEIGHT`). A click weighs 1 when made and half as much every
`HALF_LIFE` after (by the store's clock), so what reps said long ago fades: the FAQ and the
customers' words change.

What is learned enters the matcher as the FAQ's own phrasings do (`Lessons.entries`): a
question reps confirmed for an entry is one more phrasing of it, in ranking and in the
confidence fit, which is fitted on the phrasings held out, so a score keeps its meaning. It is
never written to the `knowledge/` files (leads decide what the FAQ says; the gaps list offers
the same questions to them). An entry reps turned down for a question is not answered with for
questions like it (`Lessons.doubted`), but can still be a "did you mean": it may be right for a
question worded alike.

The clicks also say how often reps ask about something the FAQ lacks (`uncovered_odds`): the
confidence assumes as many such questions as covered ones until they do, which is cautious
where the FAQ covers most of what is asked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.faq.knowledge import Entry
from bot.faq.matching import UNCOVERED_ODDS, Matcher, Reading
from bot.faq.pleasantries import question_of

# Four weeks: with two, two reps' word was gone in two weeks, before the same need came back
# often enough to be confirmed again (scripts/bench_learning.py lost answers in week 4).
HALF_LIFE = timedelta(weeks=4)
# Clicks older than this weigh at most 1/16 each: not read at all, which bounds the work.
WINDOW = 4 * HALF_LIFE
MIN_REPS = 2
# Two fresh clicks weigh 2: two reps' word lasts one half-life, three reps' over one and a half.
MIN_WEIGHT = 1.0
# Likeness (`Matcher.likeness`) at which another question's clicks count for this one: stricter
# than the gaps' grouping of needs (0.3), as this changes what reps are answered, unseen.
SAME_QUESTION = 0.4
# Likeness to a question reps turned an entry down for at which it is doubted: the same
# question in other words only. Leaving it out of every question like it (0.4) cost the right
# entry to those of its own questions that share its words with the one turned down.
TURNED_DOWN_AT = 0.7
# The latest questions per entry and side read for agreement: comparing them pairwise is
# quadratic, and a busy floor's four months of clicks on a popular entry are thousands.
MAX_QUESTIONS = 300
# Before reps' clicks, the confidence's even odds count as this many questions each way, and a
# rep's clicked questions count for this many at most (their own share of fits kept): one rep,
# however busy or careless, moves the odds to 2/3 at most; it takes three to reach `MIN_ODDS`.
ODDS_PRIOR = 20.0
PER_REP = 10.0
# Odds are kept in steps of this, so that each click does not make a new confidence.
ODDS_STEP = 0.1
# Reps' clicks can lower the even odds this far, no further. The fit's held-out questions are
# easier than the next customer's (a learned question held out leaves its near twins in its
# entry): at the floor's own odds (0.2) answers in scripts/bench_learning.py's fourth week were
# 92.9% to 94.9% right over three seeds. At 0.5, 95.5% to 96.1%, and 96.2% to 96.9% once
# entries reps turned down were doubted rather than left out (`Lessons.doubted`); at 0.4 then,
# 95.9% to 96.8%, answering 0.6 to 1.1 points more.
MIN_ODDS = 0.4


@dataclass(frozen=True)
class Vote:
    """One rep's word on an entry for a question (`queries.evidence_since`)."""

    question: str
    rep: str
    entry_id: str
    support: bool  # a pick or Helpful; False: Not helpful
    at: datetime


@dataclass(frozen=True)
class Lessons:
    """What the clicks of a window teach: questions learned as phrasings of entries, and
    questions for which entries were turned down."""

    learned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # entry id -> questions
    turned_down: tuple[tuple[Reading, str], ...] = ()  # (question as read, entry id)
    uncovered_odds: float = UNCOVERED_ODDS  # see `uncovered_odds`

    @property
    def asked(self) -> frozenset[str]:
        """Every question learned."""
        return frozenset(itertools.chain.from_iterable(self.learned.values()))

    def entries(self, entries: Sequence[Entry]) -> list[Entry]:
        """The FAQ's entries with the questions learned for them as extra variants."""
        if not self.learned:
            return list(entries)
        grown = []
        for entry in entries:
            known = {p.lower() for p in entry.phrasings}
            extra = [q for q in self.learned.get(entry.id, ()) if q.lower() not in known]
            grown.append(replace(entry, variants=entry.variants + tuple(extra)) if extra else entry)
        return grown

    def doubted(self, matcher: Matcher, text: str) -> frozenset[str]:
        """The entries not to answer this question with (`Matcher.match`): reps turned each down
        for this question or one like it, and it has no phrasing (its own or one reps confirmed)
        more like the question than that one. The closer evidence wins: Banking77's customers
        word a pending transfer and a balance a transfer has not updated alike, and half the
        entries reps' clicks left out (before they were only doubted) in
        scripts/bench_learning.py's fourth week were the right ones."""
        if not self.turned_down:
            return frozenset()
        doubted: set[str] = set()
        # as typed, and with its typos corrected as /faq reads it ("chnage" is "change")
        for reading in (matcher.read(text), matcher.read(text, corrected=True)):
            against: dict[str, float] = {}  # entry id -> the likeness of the closest turned down
            for turned, entry_id in self.turned_down:
                if turned.weights.keys() & reading.weights.keys():
                    likeness = Matcher.likeness(reading, turned)
                    if likeness >= max(TURNED_DOWN_AT, against.get(entry_id, 0.0)):
                        against[entry_id] = likeness
            doubted.update(
                entry_id
                for entry_id, likeness in against.items()
                if entry_id not in doubted
                and matcher.closest_phrasing(entry_id, reading) <= likeness
            )
        return frozenset(doubted)


def weight(at: datetime, now: datetime) -> float:
    """A click's weight now: 1 when made, halved every `HALF_LIFE`."""
    return 0.5 ** max((now - at) / HALF_LIFE, 0.0)


def uncovered_odds(answered: Iterable[tuple[str, bool, datetime]], now: datetime) -> float:
    """Questions the FAQ lacks per question it covers, as reps' clicks tell: each question a
    rep asked and clicked on, whether an entry fits it, when.
    Clicks weigh as votes do, starting from even odds (`ODDS_PRIOR`), a rep's at most as much
    as `PER_REP` questions. A question reps said no entry fits may still be covered
    (its entry was not shown), so the odds lean to caution. Between `MIN_ODDS` and even odds,
    the caution of a FAQ no rep has clicked on yet."""
    per_rep: dict[str, list[float]] = {}  # rep -> [fits, lacks]
    for rep, fit, at in answered:
        per_rep.setdefault(rep, [0.0, 0.0])[not fit] += weight(at, now)
    fits = lacks = ODDS_PRIOR
    for rep_fits, rep_lacks in per_rep.values():
        scale = min(1.0, PER_REP / (rep_fits + rep_lacks))
        fits += rep_fits * scale
        lacks += rep_lacks * scale
    odds = round(round(lacks / fits / ODDS_STEP) * ODDS_STEP, 2)
    return min(max(odds, MIN_ODDS), UNCOVERED_ODDS)


def learn(
    votes: Iterable[Vote],
    matcher: Matcher,
    now: datetime,
    answered: Iterable[tuple[str, bool, datetime]] = (),
) -> Lessons:
    """The lessons of the votes and of the questions reps clicked on (`uncovered_odds`; see
    the module doc), questions read by `matcher`."""
    asked: dict[str, str] = {}  # the question folded -> as first asked
    # (entry id, question folded, rep) -> their last word: a rep who changed their mind (Not
    # helpful, then the same entry picked for the same question) said it once, the last way
    last: dict[tuple[str, str, str], bool] = {}
    read: list[tuple[Vote, str]] = []
    for vote in votes:  # oldest first
        question = question_of(vote.question)
        key = question.lower()
        asked.setdefault(key, question)
        last[vote.entry_id, key, vote.rep] = vote.support
        read.append((vote, key))
    # (entry id, support) -> question folded -> rep -> the weight of their latest word
    said: dict[tuple[str, bool], dict[str, dict[str, float]]] = {}
    for vote, key in read:
        if last[vote.entry_id, key, vote.rep] != vote.support:
            continue
        reps = said.setdefault((vote.entry_id, vote.support), {}).setdefault(key, {})
        reps[vote.rep] = max(reps.get(vote.rep, 0.0), weight(vote.at, now))
    readings = {key: matcher.read(text) for key, text in asked.items()}
    confirmed: dict[tuple[str, bool], dict[str, float]] = {}
    for (entry_id, support), questions in said.items():
        latest = dict(list(questions.items())[-MAX_QUESTIONS:])  # votes come oldest first
        for key, total in _agreed(latest, readings).items():
            confirmed.setdefault((entry_id, support), {})[key] = total
    learned: dict[str, tuple[str, ...]] = {}
    turned_down: list[tuple[Reading, str]] = []
    for (entry_id, support), scores in sorted(confirmed.items()):
        # Where reps agree both ways on an entry, the stronger side wins. Every question
        # learned is kept, the best supported first: a cap of 10 an entry was full by the
        # second week of scripts/bench_learning.py, and the curve flat from there.
        other = confirmed.get((entry_id, not support), {})
        kept = sorted((k for k, w in scores.items() if w > other.get(k, 0.0)),
                      key=lambda k: (-scores[k], k))  # fmt: skip
        if support and kept:
            learned[entry_id] = tuple(asked[k] for k in kept)
        elif not support:
            turned_down += [(readings[k], entry_id) for k in kept]
    return Lessons(learned, tuple(turned_down), uncovered_odds(answered, now))


def _agreed(
    questions: Mapping[str, Mapping[str, float]], readings: Mapping[str, Reading]
) -> dict[str, float]:
    """The questions (folded) that enough reps said the same of, counting what they said of
    questions like it, each with the weight of what was said: a rep counts once, with their
    heaviest click."""
    near: dict[str, set[str]] = {key: {key} for key in questions}
    by_word: dict[str, list[str]] = {}
    for key in questions:
        for word in readings[key].words:
            by_word.setdefault(word, []).append(key)
    pairs = {pair for keys in by_word.values() for pair in itertools.combinations(keys, 2)}
    for a, b in pairs:
        if Matcher.likeness(readings[a], readings[b]) >= SAME_QUESTION:
            near[a].add(b)
            near[b].add(a)
    agreed = {}
    for key, others in near.items():
        reps: dict[str, float] = {}
        for other in others:
            for rep, w in questions[other].items():
                reps[rep] = max(reps.get(rep, 0.0), w)
        total = sum(reps.values())
        if len(reps) >= MIN_REPS and total >= MIN_WEIGHT:
            agreed[key] = total
    return agreed
