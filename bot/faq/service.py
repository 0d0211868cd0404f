"""The FAQ as reps use it: match the customer's words, remember every question, take feedback,
and pick up edits to the knowledge base without a restart."""

from __future__ import annotations

import functools
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, overload

from bot.faq import queries as faq_db
from bot.faq.knowledge import Entry, Knowledge, files_signature, load_knowledge, phrasing_key
from bot.faq.learning import WINDOW, Lessons, Vote, learn
from bot.faq.matching import Matcher, MatchResult, Scored
from bot.faq.parts import parts_of, questions_of
from bot.faq.pleasantries import without_pleasantries
from bot.faq.queries import QueryRecord
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.english import language_of
from bot.shared.retyped import RETYPED_WITHIN
from bot.shared.ticker import Ticker

SUGGESTIONS = 3
ALSO = 2  # other answers at most, for the parts of a longer message (`Faq.match`)
# Clicks weigh less as time passes, which changes what they teach with no click new, but only
# over days: with nothing new, the clicks are read again at most this often.
RELEARN_EVERY = timedelta(hours=1)
LEARN_INTERVAL = 60.0  # seconds between looks at reps' new picks and votes


@dataclass(frozen=True)
class Edition:
    """One loaded version of the knowledge base; replaced whole, so a reader never sees a
    matcher from one version and entries from another."""

    knowledge: Knowledge
    matcher: Matcher  # over the entries with what reps taught it (`learning`)
    by_id: dict[str, Entry]  # the entries as the files have them
    lessons: Lessons = Lessons()

    @functools.cached_property
    def phrased(self) -> dict[str, tuple[str, ...]]:
        """Each phrasing the files have (spaces and case as `add_phrasing` compares them), with
        the entries it is one of: a gap's question that is one already is not offered again."""
        found: dict[str, tuple[str, ...]] = {}
        for entry in self.knowledge.entries:
            for phrasing in entry.phrasings:
                key = phrasing_key(phrasing)
                if entry.id not in found.get(key, ()):
                    found[key] = (*found.get(key, ()), entry.id)
        return found


@dataclass(frozen=True)
class Trial:
    """How /faq answers a question now, for a lead trying it (`Faq.trial`); nothing is kept."""

    result: MatchResult  # what a rep would get
    doubted: frozenset[str]  # entries reps turned down for questions like it (`Lessons.doubted`)
    taught: dict[str, int]  # entry id -> questions reps confirmed for it (`Lessons.learned`)


class Faq:
    def __init__(self, knowledge_dir: Path, knowledge: Knowledge, store: Store) -> None:
        self.knowledge_dir = Path(knowledge_dir)
        self.store = store
        self._edition = self._edition_of(knowledge, Lessons())
        self._tried = knowledge.signature  # the files as last read, good or bad
        self._reloading = threading.Lock()
        # One learning at a time: a caller that comes while another learns waits for its
        # lessons (the demo's `wait` beside the ticker) instead of finding them not yet there.
        self._learning = threading.Lock()
        # what `learn` last read: the evidence's mark, the files' version it read them with, when
        self._learned_from: tuple[tuple[object, ...], Knowledge, datetime] | None = None

    @staticmethod
    def _edition_of(knowledge: Knowledge, lessons: Lessons) -> Edition:
        taught = replace(knowledge, entries=lessons.entries(knowledge.entries))
        matcher = Matcher.for_knowledge(
            taught, uncovered_odds=lessons.uncovered_odds, asked=lessons.asked
        )
        return Edition(knowledge, matcher, knowledge.by_id(), lessons)

    @property
    def edition(self) -> Edition:
        return self._edition

    @property
    def entries(self) -> dict[str, Entry]:
        return self._edition.by_id

    @property
    def matcher(self) -> Matcher:
        return self._edition.matcher

    @overload
    def reload(self, *, force: Literal[True]) -> Knowledge: ...
    @overload
    def reload(self, *, force: bool = False) -> Knowledge | None: ...
    def reload(self, *, force: bool = False) -> Knowledge | None:
        """Read the knowledge files again if they changed (or if forced). Returns what was
        read, or None when nothing changed; with errors, the last good edition stays."""
        with self._reloading:
            if not force and files_signature(self.knowledge_dir) == self._tried:
                return None
            knowledge = load_knowledge(self.knowledge_dir)
            self._tried = knowledge.signature
            if not knowledge.errors:
                self._edition = self._edition_of(knowledge, self._edition.lessons)
            return knowledge

    def learn(self) -> bool:
        """Take in what reps' picks and votes of the last weeks teach (`learning`); the index
        is rebuilt only when the questions learned changed. Returns whether anything did. The
        clicks are read only when one came (or changed) since the last time, the files changed,
        or `RELEARN_EVERY` passed: the ticker calls this every minute."""
        with self._learning:
            return self._learn()

    def _learn(self) -> bool:
        now = self.store.clock.now()
        edition = self._edition
        mark = faq_db.evidence_mark(self.store)
        last = self._learned_from
        if (
            last is not None
            and last[0] == mark
            and last[1] is edition.knowledge
            and now - last[2] < RELEARN_EVERY
        ):
            return False
        self._learned_from = (mark, edition.knowledge, now)
        votes = [
            Vote(text, rep, entry_id, support, datetime.fromisoformat(at))
            for text, rep, entry_id, support, at in faq_db.evidence_since(
                self.store, iso(now - WINDOW)
            )
        ]
        answered = [
            (rep, fits, datetime.fromisoformat(at))
            for rep, fits, at in faq_db.answered_since(self.store, iso(now - WINDOW))
        ]
        lessons = learn(votes, edition.matcher, now, answered)
        if lessons == edition.lessons:
            return False
        # Built outside the lock (it takes a while): a lead's edit meanwhile is not held up,
        # and wins; the next tick learns again on top of it.
        if lessons.learned != edition.lessons.learned:
            rebuilt = self._edition_of(edition.knowledge, lessons)
        elif lessons.uncovered_odds != edition.lessons.uncovered_odds:
            matcher = edition.matcher.with_uncovered_odds(lessons.uncovered_odds)
            rebuilt = replace(edition, matcher=matcher, lessons=lessons)
        else:
            rebuilt = replace(edition, lessons=lessons)
        with self._reloading:
            if self._edition is not edition:
                return False
            self._edition = rebuilt
            return True

    def match(self, text: str) -> MatchResult:
        """The FAQ's match for a rep's question; with an answer, the other entries its parts
        (`parts_of`) are answered with too (`MatchResult.also`). A message two or more of whose
        questions ("...?") are each answered, with different entries, is answered with the
        surest of them: read whole, "Where is my box? How do I change my address? Can I
        pause?" was a 48% "did you mean" of the address alone (on two businesses' questions
        asked two at a time, 17% to 22% answered instead of 37% to 38%, the first answer as
        often right; their single questions as before). A message longer than the matcher
        reads whole that is no answer takes its surest part's match if surer: its question may
        be past the end of what was read, or lost among the rest. (Otherwise a part alone is
        not taken: out of the sentences around it, it was answered wrongly more often than it
        was newly answered right.)"""
        return self.match_in(self._edition, text)

    def trial(self, text: str) -> Trial:
        """What `match` gives, with what reps' clicks have to do with it; not recorded, so a
        lead's try is no customer's question (not in the gaps, the learning or the summary)."""
        edition = self._edition  # one edition for the match and the lessons shown with it
        lessons = edition.lessons
        return Trial(
            self.match_in(edition, text),
            lessons.doubted(edition.matcher, text),
            {entry_id: len(questions) for entry_id, questions in lessons.learned.items()},
        )

    def with_phrasing(self, entry_id: str, phrasing: str) -> Edition:
        """The FAQ as it would be with `phrasing` added to the entry, the files left as they
        are: what /faq would do with it, for a lead to read before adding it. A rebuild, so
        seconds on a FAQ of 10,000 entries: never before Slack's acknowledgement."""
        edition = self._edition
        entries = [
            replace(entry, variants=(*entry.variants, phrasing)) if entry.id == entry_id else entry
            for entry in edition.knowledge.entries
        ]
        return self._edition_of(replace(edition.knowledge, entries=entries), edition.lessons)

    @staticmethod
    def match_in(edition: Edition, text: str) -> MatchResult:
        """`match` in the given edition (the current, or one `with_phrasing` made)."""
        result = _matched(edition, text, SUGGESTIONS)
        if result.verdict == "none" and result.names_a_need and language_of(text) == "other":
            return replace(result, other_language=True)  # its parts would read the same
        message = without_pleasantries(text)  # not a quoted earlier message's
        parts = parts_of(message)
        if len(parts) < 2:
            return result
        found = [_matched(edition, part, SUGGESTIONS) for part in parts]
        asked = _answers(found)
        questions = set(questions_of(message))
        answered = [f for part, f in zip(parts, found, strict=True) if part in questions]
        if len(_answers(answered)) > 1:
            # several questions, each answered alone: the surest leads
            result = replace(max(answered, key=_surety), query=text)
        elif result.verdict != "answer":
            if edition.matcher.reads_whole(text):
                return result  # a part alone, out of its sentences, is not taken (see above)
            surest = max(found, key=_surety)
            if _surety(surest) > _surety(result):
                result = replace(surest, query=text)
            if result.verdict != "answer":
                return result
        lead_id = result.matches[0].entry.id
        also = [answer for answer in asked if answer.entry.id != lead_id][:ALSO]
        return replace(result, also=tuple(also)) if also else result

    def alternatives(
        self, query: QueryRecord, user_id: str, shown: Collection[str] = ()
    ) -> list[Scored]:
        """What a "did you mean" would offer for the question once the rep said its answer is
        not it: without the entries they turned down for it, its best (which they saw, as the
        answer or the first suggestion) and the others `shown` with it (the answers to the rest
        of the message), scored as if the FAQ lacked them; none when nothing else comes close
        enough to suggest."""
        edition = self._edition
        rejected = faq_db.turned_down(self.store, query.id, user_id) | set(shown)
        if query.best_id:
            rejected.add(query.best_id)
        result = edition.matcher.match(query.text, top=SUGGESTIONS, exclude=rejected)
        return result.offered if result.verdict != "none" else []

    def record(
        self,
        text: str,
        result: MatchResult,
        *,
        user_id: str,
        channel_id: str | None,
        source: str,
        request_key: str | None = None,
    ) -> int:
        """Store a question and what it matched (apart from matching, so that the write can
        join a transaction without holding the database while matching). The same rep's same
        words again within RETYPED_WITHIN, matched the same, are the question already stored (a
        double Enter, or a retype after a slow reply): its id is returned, so the leads' gaps,
        what the FAQ learns and the weekly summary count one ask."""
        best = result.matches[0] if result.matches else None
        return faq_db.record_query(
            self.store,
            text=text,
            best_id=best.entry.id if best else None,
            best_score=round(best.score, 2) if best else None,
            verdict=result.verdict,
            user_id=user_id,
            channel_id=channel_id,
            source=source,
            request_key=request_key,
            retyped_since=iso(self.store.clock.now() - RETYPED_WITHIN),
        )

    def entry(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def query(self, query_id: int) -> QueryRecord | None:
        return faq_db.query(self.store, query_id)

    def pick(self, query_id: int, user_id: str, entry_id: str) -> None:
        """A rep chose a "did you mean" suggestion; leads see which ones reps keep picking."""
        faq_db.record_pick(self.store, query_id, user_id, entry_id)

    def feedback(
        self,
        query_id: int,
        user_id: str,
        entry_id: str | None,
        helpful: bool,
        shown: Sequence[str] = (),
    ) -> None:
        """A rep's vote on an entry's answer; with `entry_id` None, their "None of these" to the
        entries `shown` (the "did you mean" of the reply), which the leads' gaps name."""
        faq_db.record_feedback(self.store, query_id, user_id, entry_id, helpful, shown)


def _answers(found: Sequence[MatchResult]) -> list[Scored]:
    """The entries the parts were answered with, each once, in the parts' order."""
    answers: dict[str, Scored] = {}
    for part in found:
        if part.verdict == "answer":
            answers.setdefault(part.matches[0].entry.id, part.matches[0])
    return list(answers.values())


def _surety(result: MatchResult) -> float:
    return result.matches[0].score if result.matches else 0.0


def learning_ticker(faq: Faq) -> Ticker:
    """Each process learns from reps' clicks itself (`Faq.learn`), into its own index: a
    minute late is soon enough for evidence that needs two reps to agree."""
    return Ticker("faq-learning", LEARN_INTERVAL, faq.learn)


def _matched(edition: Edition, text: str, top: int) -> MatchResult:
    """The edition's match, not answered with an entry reps turned down for the question."""
    doubted = edition.lessons.doubted(edition.matcher, text)
    return edition.matcher.match(text, top=top, doubted=doubted)
