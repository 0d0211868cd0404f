"""FAQ gaps: what customers asked that the FAQ could not answer well, grouped so a lead sees
each need once, with the entries it might belong to."""

from __future__ import annotations

import functools
import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from rapidfuzz import utils

from bot.faq import queries as faq_db
from bot.faq.curate import Written, add_entry, add_phrasing
from bot.faq.knowledge import Entry, phrasing_key
from bot.faq.matching import AS_A_PHRASING, Matcher, MatchResult, Reading, Scored
from bot.faq.parts import parts_of
from bot.faq.pleasantries import question_of, without_pleasantries
from bot.faq.service import Edition, Faq
from bot.shared.clock import iso
from bot.shared.db import Store

GAP_WINDOW = timedelta(days=7)
# Average likeness from both sides (`alike`) of the questions of two groups at which they are
# one need in other words: "vegan meals?" and "do you have vegan options" share their one rare
# word (0.5), "can you gift wrap my box" and "my box smells of fish" only a common one (0.06).
# On the gap questions of four businesses in tests/test_gaps.py, two paraphrases are 0.27 and
# up ("5g coverage in leeds?", "when will 5g come to my town"), two questions that share only
# a common word 0.12 at most, and "is there nuts in the meals, my son is allergic" and "do you
# have vegan meals" 0.25: a meal is one of four things the first names. (The likeness of both
# sides at once, `Matcher.likeness`, put them at 0.33, one need: the vegan entry a lead wrote
# for it then answered the nut allergy.) A word no entry uses weighs most even when it is no
# topic ("is X available?"), so two such questions with little else alike can still meet: the
# New entry modal takes in only the wordings that read as its question (`READS_AS`).
SAME_NEED = 0.26
# Likeness from both sides (`alike`) at which a wording reads as the question itself: "do u
# have vegan meals??" and "do you have vegan meals" (1.0), "can you gift wrap my box" and "do
# you do gift wrapping" (0.93, a word the FAQ uses everywhere apart), not "gift wrap for a
# birthday?" (0.61) nor "is there a student discount" and "do you offer a discount for
# students" (0.68), which a lead may still find the same and add.
READS_AS = 0.8
KEEP_PICKING = 2  # picks of one entry for one question before it is worth a phrasing
SUGGESTIONS = 10  # entries offered for "Add as a phrasing of ..."
WORDINGS_MATCHED = 5  # a group's most asked wordings, each matched for its suggestions


@dataclass(frozen=True)
class Gap:
    kind: Literal["unanswered", "picked"]
    key: int  # the group's first query id; stable as new questions join, so buttons carry it
    questions: tuple[str, ...]  # distinct wordings, most asked first
    query_ids: tuple[int, ...]
    # where it might belong, best first: entries the matcher would offer as a "did you mean"
    # (none when no entry comes that close), never one a rep turned down for it
    suggestions: tuple[Entry, ...]
    # the one to offer first, if the matcher is sure enough to answer with it (else the gap
    # wants a new entry, or an entry of the menu)
    suggested: Entry | None
    not_helpful: tuple[Entry, ...] = ()  # entries reps marked Not helpful for its questions
    # the other entries reps were shown for them and answered "None of these" to
    none_of_these: tuple[Entry, ...] = ()
    # each question's wording, as `query_ids` are ordered
    asked: tuple[str, ...] = ()
    # its other wordings that read as its question (`READS_AS`): a new entry takes them in
    paraphrases: tuple[str, ...] = ()
    # the entry reps turned down whose phrasing its question reads as (`asked_already`): its
    # answer wants improving, and the question added to another entry would make /faq ask
    # "did you mean" between the two, so no entry is suggested
    asked_as: Scored | None = None
    # how sure /faq is of each suggestion for its questions now, as `/kb try` shows it (with
    # no entry reps turned down left out), as `suggestions` are ordered
    scores: tuple[float, ...] = ()
    # the entries its question is a phrasing of already (a lead added it, and /faq still does
    # not answer it with them: else it would be closed), never offered again; with what /faq
    # does for it now
    phrasing_of: tuple[Entry, ...] = ()
    now: MatchResult | None = None
    # who added its question as a phrasing from the gaps, to which entry and when (the
    # earliest), when it is one of `phrasing_of`: reps turning its answer down is news to them
    added: tuple[str, Entry, datetime] | None = None
    # the entry /faq answered its questions with when asked, with how sure it was then, when
    # reps marked that answer not helpful and its question is not the entry's own words
    # (`asked_as`): "can I change the delivery day to saturday" is `delivery_days`'s need, and
    # its answer is what wants a lead, not another entry /faq puts at 3%
    answered_with: Scored | None = None
    # who picked its entry from a "did you mean", with how many picks, most first (a picked
    # gap); for an unanswered one, who picked `picked_entry` for its questions since (an entry
    # reps turned down for it), listed here rather than as a second gap of the same question
    pickers: tuple[tuple[str, int], ...] = ()
    picked_entry: Entry | None = None

    @property
    def question(self) -> str:
        return self.questions[0]

    @property
    def count(self) -> int:
        return len(self.query_ids)


def group_questions(
    rows: list[tuple[int, str]],
    matcher: Matcher | None = None,
    turned_down: Mapping[int, Iterable[str]] | None = None,
) -> list[list[tuple[int, str]]]:
    """Group (query id, text) rows, in id order, so that each group is one need in other words.

    Questions are read as the matcher reads them (`Matcher.read`: stems, synonyms, stop words,
    each word weighted by how rare it is in the FAQ) and compared from both sides (`alike`), so
    "do you do gift wrapping" meets "can you gift wrap my box" while "my box smells of fish"
    does not, nor a nut allergy "the meals" of a vegan question. Questions that read the same
    are one item; items are then joined by average linkage: the two groups most alike on
    average over all their pairs first, while that average is at least `SAME_NEED`. A group
    needs its questions alike as a whole, so a chain of pairs that share one word each does not
    make one. Each group is in id order and led by its first question, groups in the order of
    their first questions. Without a matcher, every word weighs the same.

    `turned_down`, by query id, the entries reps turned down for a question (`find_gaps`): two
    questions that share a word and for which reps turned down the very same entries ("any
    news about my delivery" and "any update on my delivery??", both shown the same three and
    answered "None of these") read to the FAQ as one need, and reps found it in none of them,
    so they are one need even when each says it with a word of its own (`alike`)."""
    matcher = matcher or _plain_matcher()
    turned_down = turned_down or {}
    items: list[list[tuple[int, str]]] = []
    readings: list[Reading] = []
    declined: list[frozenset[str]] = []  # by item, the entries turned down for its questions
    item_of: dict[object, int] = {}
    for query_id, text in rows:
        reading = matcher.read(text)
        # a question without content words ("hi", "???") joins only those that read the
        # same letter for letter
        same: object = frozenset(reading.words) or utils.default_process(text)
        index = item_of.setdefault(same, len(items))
        if index == len(items):
            items.append([])
            readings.append(reading)
            declined.append(frozenset())
        items[index].append((query_id, text))
        declined[index] |= frozenset(turned_down.get(query_id, ()))

    def likeness(a: int, b: int) -> float:
        same_declined = bool(declined[a]) and declined[a] == declined[b]
        words = alike(readings[a], readings[b])
        return max(words, SAME_NEED) if same_declined else words

    clusters = _average_linkage(readings, likeness, SAME_NEED)
    groups = [sorted(row for i in members for row in items[i]) for members in clusters]
    return sorted(groups)


def alike(a: Reading, b: Reading) -> float:
    """How alike two questions are from both sides, 0..1: the share of each one's weight that
    the words they share carry, the smaller of the two. Two questions are alike only when what
    they share is much of what each says: "do you have vegan meals" is half "meals", but "is
    there nuts in the meals, my son is allergic" a quarter. (`Matcher.likeness`, their shares'
    harmonic mean, lets the short one's half make up for the long one's quarter.)

    Nor are they alike when either has a word of its own that the FAQ knows and that weighs
    more than all the words they share: that word is what makes it specific, and the other
    does not ask it. "can I pause my deliveries for a month" and "any update on my delivery??"
    share "delivery", 0.28 of the first, but "pause" weighs more. A word no entry uses does
    not count so: it weighs most, yet is often a detail ("5g coverage in leeds?" is "when will
    5g come to my town")."""
    if not a.total or not b.total:
        return 0.0
    both = a.weights.keys() & b.weights.keys()
    shared = sum([a.weights[word] for word in both])
    if any(r.weights[word] > shared for r in (a, b) for word in r.known - both):
        return 0.0
    return min(shared / a.total, shared / b.total)


def reads_as(matcher: Matcher, wording: str, phrasings: Iterable[str]) -> bool:
    """Whether the wording reads as one of the phrasings (`READS_AS`), or is one of them letter
    for letter (a wording without words to read)."""
    reading = matcher.read(wording)
    plain = utils.default_process(wording)
    return any(
        alike(reading, matcher.read(phrasing)) >= READS_AS
        or (plain and utils.default_process(phrasing) == plain)
        for phrasing in phrasings
    )


def _average_linkage(
    readings: list[Reading], likeness: Callable[[int, int], float], cutoff: float
) -> list[list[int]]:
    """Clusters of readings (by index), joined most alike first while the mean likeness of
    their pairs is at least `cutoff`. Only pairs that share a word are compared: the others
    count as 0, and a few hundred questions share few words."""
    by_word: dict[str, list[int]] = {}
    for index, reading in enumerate(readings):
        for word in reading.words:
            by_word.setdefault(word, []).append(index)
    # sums[a][b]: the summed likeness of the pairs between clusters a and b (> 0 only)
    sums: dict[int, dict[int, float]] = {i: {} for i in range(len(readings))}
    pairs = {pair for ids in by_word.values() for pair in itertools.combinations(ids, 2)}
    for a, b in pairs:  # in any order: the heap below orders them fully
        sums[a][b] = sums[b][a] = likeness(a, b)
    members = {i: [i] for i in range(len(readings))}
    # (-mean likeness, a, b); a pair of live clusters is never out of date, as a cluster that
    # joins another is gone and the joined one gets a new number
    heap = [(-total, a, b) for a, near in sums.items() for b, total in near.items() if a < b]
    heapq.heapify(heap)
    fresh = itertools.count(len(readings))
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        if -negative < cutoff:
            break
        joined = next(fresh)
        members[joined] = members.pop(a) + members.pop(b)
        near = sums.pop(a)
        for other, total in sums.pop(b).items():
            near[other] = near.get(other, 0.0) + total
        near.pop(a, None)
        near.pop(b, None)
        sums[joined] = near
        for other, total in near.items():
            sums[other].pop(a, None)
            sums[other].pop(b, None)
            sums[other][joined] = total
            mean = total / (len(members[joined]) * len(members[other]))
            heapq.heappush(heap, (-mean, other, joined))
    return sorted(sorted(m) for m in members.values())


@functools.cache
def _plain_matcher() -> Matcher:
    return Matcher([])


def _wordings(group: list[tuple[int, str]]) -> tuple[str, ...]:
    counts = Counter(question_of(text) for _, text in group)
    return tuple(text for text, _ in counts.most_common())


def _turned_down(store: Store, since: str) -> dict[int, list[tuple[str, bool]]]:
    """By query, the entries reps turned down for it, each with True when marked Not helpful
    and False when only shown in the "did you mean" they answered "None of these": as they
    were shown then, not as the FAQ of today would show them."""
    found: dict[int, list[tuple[str, bool]]] = {}
    for query_id, entry_id, marked in faq_db.turned_down_since(store, since):
        found.setdefault(query_id, []).append((entry_id, marked))
    return found


def _suggestions(
    edition: Edition, questions: tuple[str, ...], turned_down: set[str]
) -> tuple[tuple[Scored, ...], Scored | None]:
    """The entries a group's questions might belong to, best first, each with its best score,
    and the one to suggest.

    Each of its most asked wordings is matched with the entries reps turned down left out (as
    if the FAQ did not have them); an entry scores its best over the wordings. Only entries
    the matcher would offer on their own, as a "did you mean" (from its `suggest_at`), are
    offered: a phrasing a lead adds makes the FAQ answer with it for good. (Every entry, "do
    you have vegan meals" was offered returns and PayPal; from `OFFER_AT`, 3%, "where is my
    box" marked not helpful was offered payment failures and gift cards: past the best, the
    confidence of entries that share no word with the question is no lower than that.) The
    best is suggested only when the matcher would answer with it: the lead's one click makes
    the FAQ answer the question with it from then on. (Suggested from the "did you mean"
    threshold, 12%, it was the right entry for 13 of 62 and 8 of 28 gaps in
    bench_learning.py's Banking77 and telecom weeks; from 50%, for 4 of 12 and 2 of 3. The
    others stay in the menu.)"""
    best: dict[str, Scored] = {}
    for question in questions[:WORDINGS_MATCHED]:
        for scored in edition.matcher.match(question, SUGGESTIONS, exclude=turned_down).matches:
            if scored.entry.id not in best or scored.score > best[scored.entry.id].score:
                best[scored.entry.id] = scored
    ranked = sorted(best.values(), key=lambda scored: -scored.score)[:SUGGESTIONS]  # stable
    close = tuple(
        replace(scored, entry=edition.by_id[scored.entry.id])
        for scored in ranked
        if scored.score >= edition.matcher.suggest_at
    )
    good = bool(close) and close[0].score >= edition.matcher.answer_at
    return close, close[0] if good else None


def _scores_now(
    edition: Edition, questions: tuple[str, ...], offered: tuple[Scored, ...], turned_down: set[str]
) -> tuple[float, ...]:
    """How sure /faq is of each offered entry for the questions now, as `/kb try` shows it:
    with the entries reps turned down left out, "I cancelled my subscription but you still
    charged me" read 66% for "how do i cancel my subscription", which /faq answered 96% sure
    with "How do I cancel my subscription?" and put the other at 4%."""
    if not turned_down:
        return tuple(scored.score for scored in offered)
    best: dict[str, float] = {}
    for question in questions[:WORDINGS_MATCHED]:
        doubted = edition.lessons.doubted(edition.matcher, question)
        found = edition.matcher.match(question, SUGGESTIONS + len(turned_down), doubted=doubted)
        for scored in found.matches:
            best[scored.entry.id] = max(best.get(scored.entry.id, 0.0), scored.score)
    return tuple(best.get(scored.entry.id, 0.0) for scored in offered)


def asked_already(edition: Edition, question: str) -> Scored | None:
    """The entry whose phrasing the question reads as, if any: the one the FAQ answers it with
    at `AS_A_PHRASING` or surer, reps' doubts aside (reps turning down an entry for its own
    question is what says its answer wants improving)."""
    result = edition.matcher.match(question, 1)
    best = result.matches[0] if result.matches else None
    if best is None or best.score < AS_A_PHRASING:
        return None
    return replace(best, entry=edition.by_id[best.entry.id])  # as the files have it


def _added(
    store: Store, question: str, entries: tuple[Entry, ...]
) -> tuple[str, Entry, datetime] | None:
    """Who added the question as a phrasing of one of the entries from the gaps, and when."""
    by_id = {entry.id: entry for entry in entries}
    key = phrasing_key(question)
    for text, entry_id, user_id, when in faq_db.phrasings_added(store, list(by_id)):
        if phrasing_key(question_of(text)) == key:
            return user_id, by_id[entry_id], datetime.fromisoformat(when)
    return None


def find_gaps(store: Store, edition: Edition, now: datetime, *, suggest: bool = True) -> list[Gap]:
    """Every open gap of the last 7 days, biggest first: unanswered questions, and questions
    for which reps keep picking the same "did you mean" entry. Without `suggest`, an
    unanswered gap has no suggestions nor entries turned down: finding them matches
    its questions again, which a count or a lead's click on the gap does not need."""
    since = iso(now - GAP_WINDOW)
    records = faq_db.unanswered_since(store, since)
    unanswered = [(q, _matched_part(edition, text, best)) for q, text, best, _, _ in records]
    answered = {q: (best, score) for q, _, best, score, verdict in records if verdict == "answer"}
    rejected = _turned_down(store, since)  # grouped by it too, so `find_gap` finds the same
    shown = {q: [entry_id for entry_id, _ in found] for q, found in rejected.items()}
    gaps = []
    for group in group_questions(unanswered, edition.matcher, shown):
        questions = _wordings(group)
        query_ids = tuple(q for q, _ in group)
        offered: tuple[Scored, ...] = ()
        scores: tuple[float, ...] = ()
        suggested = asked_as = reads_now = added = answered_with = None
        phrasing_of: tuple[Entry, ...] = ()
        marked: dict[str, bool] = {}  # entries turned down: True if marked Not helpful
        if suggest:
            for entry_id, not_helpful in (r for q in query_ids for r in rejected.get(q, ())):
                marked[entry_id] = marked.get(entry_id, False) or not_helpful
            offered, best = _suggestions(edition, questions, set(marked))
            done = edition.phrased.get(phrasing_key(questions[0]), ())
            if done:  # added already: offering it again would add nothing
                offered = tuple(s for s in offered if s.entry.id not in done)
                best = best if best is not None and best.entry.id not in done else None
                phrasing_of = tuple(edition.by_id[e] for e in done)
                reads_now = Faq.match_in(edition, questions[0])
                first = reads_now.matches[0] if reads_now.matches else None
                if reads_now.verdict == "answer" and first and first.entry.id in done:
                    # written, but its questions not closed (the bot stopped in between):
                    # the lead's click closes them
                    best = replace(first, entry=edition.by_id[first.entry.id])
            suggested = best.entry if best is not None else None
            asked_as = asked_already(edition, questions[0]) if marked else None
            if asked_as is not None and asked_as.entry.id not in marked:
                asked_as = None  # answered now (the FAQ changed since): suggested as it is
            if asked_as is not None:
                suggested = None  # its answer wants improving, not another entry
                # how sure /faq is of it now: reps' doubts make it a "did you mean"
                found = Faq.match_in(edition, questions[0]).matches
                score = next((s.score for s in found if s.entry.id == asked_as.entry.id), 0.0)
                asked_as = replace(asked_as, score=score)
            if phrasing_of:
                added = _added(store, questions[0], phrasing_of)
            if asked_as is None and not phrasing_of:
                answered_with = _answered_with(edition, query_ids, answered, marked)
            scores = _scores_now(edition, questions, offered, set(marked))
            doubted = answered_with is not None and answered_with.entry.id in (
                edition.lessons.doubted(edition.matcher, questions[0])
            )
            if doubted:
                # reps agreed its answer is not it, and /faq offers it first still: the
                # others are offered as /faq itself offers them, not one it puts at 3% (left
                # out as if the entry were gone, "can I change the delivery day to saturday"
                # was offered the payment date, for "change")
                kept = [
                    (s, score)
                    for s, score in zip(offered, scores, strict=True)
                    if score >= edition.matcher.suggest_at
                ]
                offered, scores = tuple(s for s, _ in kept), tuple(score for _, score in kept)
                if suggested is not None and suggested not in {s.entry for s in offered}:
                    suggested = None
        known = [edition.by_id[e] for e in sorted(marked) if e in edition.by_id]
        paraphrases = tuple(
            q for q in questions[1:] if reads_as(edition.matcher, q, [questions[0]])
        )
        gaps.append(
            Gap("unanswered", group[0][0], questions, query_ids,
                tuple(s.entry for s in offered), suggested,
                tuple(e for e in known if marked[e.id]),
                tuple(e for e in known if not marked[e.id]),
                tuple(question_of(text) for _, text in group), paraphrases, asked_as,
                scores, phrasing_of, reads_now, added, answered_with)
        )  # fmt: skip
    seen = {query_id for query_id, _ in unanswered}
    picks = [row for row in faq_db.picks_since(store, since) if row[0] not in seen]
    picks, later = _picked_since(edition, gaps, rejected, picks)
    gaps = [
        replace(gap, pickers=_by_rep(later[gap.key][1]), picked_entry=later[gap.key][0])
        if gap.key in later else gap
        for gap in gaps
    ]  # fmt: skip
    by_entry: dict[str, list[tuple[int, str, str]]] = {}
    for query_id, text, entry_id, rep in picks:
        if entry_id in edition.by_id:
            by_entry.setdefault(entry_id, []).append((query_id, text, rep))
    for entry_id, rows in by_entry.items():
        entry = edition.by_id[entry_id]
        reps = {query_id: rep for query_id, _, rep in rows}
        for group in group_questions([(q, text) for q, text, _ in rows], edition.matcher):
            if len(group) >= KEEP_PICKING:
                gaps.append(
                    Gap("picked", group[0][0], _wordings(group), tuple(q for q, _ in group),
                        (entry,), entry, asked=tuple(question_of(text) for _, text in group),
                        pickers=_by_rep(reps[q] for q, _ in group))
                )  # fmt: skip
    gaps.sort(key=lambda gap: (-gap.count, gap.key))
    return gaps


def _matched_part(edition: Edition, text: str, best_id: str | None) -> str:
    """The question a gap shows and groups a message by: for a message longer than the
    matcher reads whole, the part of it /faq answered (or offered) its entry for, as /faq
    takes its surest part (`Faq.match_in`). A pasted story of 5,000 characters ending "Can I
    change the delivery day to saturday?", answered with `delivery_days`, was listed under
    its opening words, with "No other FAQ entry comes close to it"."""
    if best_id is None or edition.matcher.reads_whole(text):
        return text
    best: tuple[float, str] | None = None
    for part in parts_of(without_pleasantries(text)):
        found = edition.matcher.match(part, 1).matches
        if found and found[0].entry.id == best_id and (best is None or found[0].score > best[0]):
            best = (found[0].score, part)
    return best[1] if best is not None else text


def _answered_with(
    edition: Edition,
    query_ids: tuple[int, ...],
    answered: Mapping[int, tuple[str | None, float | None]],
    marked: Mapping[str, bool],
) -> Scored | None:
    """The entry /faq answered the group's questions with, surest first, that reps marked not
    helpful for them, with how sure it was then."""
    found: Scored | None = None
    for query_id in query_ids:
        entry_id, score = answered.get(query_id, (None, None))
        if entry_id is None or not marked.get(entry_id) or entry_id not in edition.by_id:
            continue
        if found is None or (score or 0.0) > found.score:
            found = Scored(edition.by_id[entry_id], score or 0.0)
    return found


def _picked_since(
    edition: Edition,
    gaps: list[Gap],
    rejected: Mapping[int, list[tuple[str, bool]]],
    picks: list[tuple[int, str, str, str]],
) -> tuple[list[tuple[int, str, str, str]], dict[int, tuple[Entry, list[str]]]]:
    """The picks that are no gap of their own, and by unanswered gap, the entry reps picked
    for its questions since and who: the entry reps turned down for a question of the gap,
    picked for it in its words. As two gaps, "can I change the delivery day to saturday"
    read "Marked not helpful" in one and "Reps keep picking" the same entry in the other."""
    left = []
    later: dict[int, tuple[Entry, list[str]]] = {}
    for row in picks:
        _, text, entry_id, rep = row
        home = next(
            (
                gap for gap in gaps
                if gap.kind == "unanswered" and entry_id in edition.by_id
                and (gap.key not in later or later[gap.key][0].id == entry_id)
                and any(e == entry_id for q in gap.query_ids for e, _ in rejected.get(q, ()))
                and reads_as(edition.matcher, question_of(text), gap.questions)
            ),
            None,
        )  # fmt: skip
        if home is None:
            left.append(row)
        else:
            later.setdefault(home.key, (edition.by_id[entry_id], []))[1].append(rep)
    return left, later


def _by_rep(reps: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Each rep with their number of picks, most first."""
    return tuple(Counter(reps).most_common())


def find_gap(store: Store, edition: Edition, now: datetime, key: int) -> Gap | None:
    """The open gap with this key, without its suggestions (a lead's click names the entry)."""
    gaps = find_gaps(store, edition, now, suggest=False)
    return next((gap for gap in gaps if gap.key == key), None)


NEIGHBOURS_CHECKED = 3  # entries closest to a question whose phrasings a preview matches again


@dataclass(frozen=True)
class Preview:
    """What /faq would do once a gap's question is a phrasing of `entry` (`preview_phrasing`)."""

    entry: Entry
    result: MatchResult  # the gap's question, with the phrasing added
    # questions /faq answers now that it would no longer answer so: each with the entry it
    # answers it with now and what it would do then
    lost: tuple[tuple[str, Scored, MatchResult], ...]


def preview_phrasing(faq: Faq, gap: Gap, entry: Entry) -> Preview:
    """What /faq would do with the gap's question added as a phrasing of `entry`, read from
    the FAQ built with it (the files untouched): the menu offers what /faq would offer with
    the entries reps turned down left out, and "how do i cancel my subscription", answered 96%
    sure and marked not helpful, added to "I cancelled my subscription but you still charged
    me" had /faq ask "did you mean" between the two. The questions checked for an answer they
    would lose are the gap's wordings and the phrasings of the entries closest to its question
    now (a gap wording /faq would answer with `entry` is what the lead asks for). Building the
    FAQ takes seconds on a large one: called after Slack's acknowledgement."""
    before = faq.edition
    after = faq.with_phrasing(entry.id, gap.question)
    closest = Faq.match_in(before, gap.question).matches
    near = [scored.entry.id for scored in closest if scored.entry.id != entry.id]
    checked = dict.fromkeys(
        [*gap.questions[:WORDINGS_MATCHED],
         *(p for e in near[:NEIGHBOURS_CHECKED] for p in before.by_id[e].phrasings)]
    )  # fmt: skip
    lost = []
    for question in checked:
        was = Faq.match_in(before, question)
        if was.verdict != "answer":
            continue
        then = Faq.match_in(after, question)
        wanted = question in gap.questions and _answers_with(then, entry.id)
        if not wanted and not _answers_with(then, was.matches[0].entry.id):
            lost.append((question, was.matches[0], then))
    return Preview(entry, Faq.match_in(after, gap.question), tuple(lost))


# What a lead does about a gap, in two steps. The first, before Slack hears the lead's click
# acknowledged, writes what must last: the phrasing or the entry, in the knowledge files
# (`write_phrasing`, `write_entry`). The second, after it, has the FAQ read the files again and
# closes the gap's questions /faq answers with the entry now (`close_answered`): reading them
# again rebuilds the matcher, 2 to 4 seconds on a FAQ of 10,000 entries, past the 3 Slack
# waits for an acknowledgement. Should the process die in between, the gap stays on the list:
# the lead's click again writes nothing new ("already a phrasing") and closes what is answered.


@dataclass(frozen=True)
class ToClose:
    """A phrasing or entry written for a gap, whose questions `close_answered` closes."""

    gap: Gap | None  # None: another lead dealt with the gap meanwhile
    question: str  # the phrasing added, or the new entry's question
    entry_id: str
    action: Literal["phrasing", "entry"]
    user_id: str
    written: Written | None  # None: the entry had the phrasing already


def write_phrasing(faq: Faq, gap: Gap, entry: Entry, user_id: str) -> ToClose:
    """The gap's question becomes a phrasing of `entry`; nothing is closed yet."""
    written = add_phrasing(faq.knowledge_dir, entry, gap.question)
    return ToClose(gap, gap.question, entry.id, "phrasing", user_id, written)


def write_entry(
    faq: Faq,
    gap: Gap | None,
    user_id: str,
    *,
    question: str,
    answer: str,
    variants: list[str],
    tags: list[str],
) -> ToClose:
    """A new entry; nothing is closed yet. Only the gap's questions /faq answers with it will
    be: a lead who typed a question of their own, or left a wording of the group out, has not
    answered the others, and the weekly summary counts only what was."""
    written = add_entry(
        faq.knowledge_dir, question, answer, variants=variants, tags=tags,
        taken_ids=set(faq.entries),
    )  # fmt: skip
    return ToClose(gap, question, written.entry_id, "entry", user_id, written)


def close_answered(faq: Faq, done: ToClose) -> tuple[tuple[str, MatchResult], ...]:
    """Once the FAQ read the files again, close the gap's questions that /faq answers with the
    entry, and only those (in a transaction of their own): how the entry is asked is not
    enough ("are your meals suitable for vegans" was left open beside a vegan entry that /faq
    answered it with, 100% sure), nor being in a group a phrasing was added to (a wording of
    it still got a "did you mean"). Returns the others, with what /faq does for them now."""
    faq.reload()
    gap = done.gap
    if gap is None:  # the entry still counts; there is nothing left to close
        return ()
    now = {wording: faq.match(wording) for wording in gap.questions}
    answered = {wording: _answers_with(result, done.entry_id) for wording, result in now.items()}
    closed = [q for q, wording in zip(gap.query_ids, gap.asked, strict=True) if answered[wording]]
    if closed:
        faq_db.resolve_gaps(faq.store, closed, done.action, done.entry_id, done.user_id)
    return tuple((wording, now[wording]) for wording in gap.questions if not answered[wording])


def _answers_with(result: MatchResult, entry_id: str) -> bool:
    return result.verdict == "answer" and result.matches[0].entry.id == entry_id


def ignore_gap(faq: Faq, gap: Gap, user_id: str) -> None:
    faq_db.resolve_gaps(faq.store, list(gap.query_ids), "ignore", None, user_id)


def resolver(store: Store, query_id: int) -> tuple[str, str, str | None] | None:
    """Who dealt with a question from the gaps, and how: (user id, action, entry id)."""
    return faq_db.gap_resolver(store, query_id)
