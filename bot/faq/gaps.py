"""FAQ gaps: what customers asked that the FAQ could not answer well, grouped so a lead sees
each need once, with the entries it might belong to."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from rapidfuzz import fuzz, process, utils

from bot.faq import queries as faq_db
from bot.faq.curate import Written, add_entry, add_phrasing
from bot.faq.knowledge import Entry
from bot.faq.service import Edition, Faq
from bot.shared.clock import iso
from bot.shared.db import Store

GAP_WINDOW = timedelta(days=7)
SIMILAR = 75  # rapidfuzz token_sort_ratio: the same question in other words
KEEP_PICKING = 2  # picks of one entry for one question before it is worth a phrasing
SUGGESTIONS = 10  # entries offered for "Add as a phrasing of ..."


@dataclass(frozen=True)
class Gap:
    kind: Literal["unanswered", "picked"]
    key: int  # the group's first query id; stable as new questions join, so buttons carry it
    questions: tuple[str, ...]  # distinct wordings, most asked first
    query_ids: tuple[int, ...]
    suggestions: tuple[Entry, ...]  # where it might belong; the first is the best guess

    @property
    def question(self) -> str:
        return self.questions[0]

    @property
    def count(self) -> int:
        return len(self.query_ids)


def group_questions(rows: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Group (query id, text) rows, in id order, by similar wording. Each group is led by its
    first question, so a group keeps its key when newer questions join it."""
    leaders: list[str] = []
    groups: list[list[tuple[int, str]]] = []
    exact: dict[str, int] = {}
    for query_id, text in rows:
        processed = utils.default_process(text)
        index = exact.get(processed)
        if index is None:
            found = process.extractOne(
                processed, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR
            )
            if found is None:
                index = len(groups)
                leaders.append(processed)
                groups.append([])
            else:
                index = found[2]
            exact[processed] = index
        groups[index].append((query_id, text))
    return groups


def _wordings(group: list[tuple[int, str]]) -> tuple[str, ...]:
    counts = Counter(" ".join(text.split()) for _, text in group)
    return tuple(text for text, _ in counts.most_common())


def find_gaps(store: Store, edition: Edition, now: datetime) -> list[Gap]:
    """Every open gap of the last 7 days, biggest first: unanswered questions, and questions
    for which reps keep picking the same "did you mean" entry."""
    since = iso(now - GAP_WINDOW)
    unanswered = faq_db.unanswered_since(store, since)
    gaps = []
    for group in group_questions(unanswered):
        questions = _wordings(group)
        matches = edition.matcher.match(questions[0], top=SUGGESTIONS).matches
        gaps.append(
            Gap("unanswered", group[0][0], questions, tuple(q for q, _ in group),
                tuple(m.entry for m in matches))
        )  # fmt: skip
    seen = {query_id for query_id, _ in unanswered}
    by_entry: dict[str, list[tuple[int, str]]] = {}
    for query_id, text, entry_id in faq_db.picks_since(store, since):
        if query_id not in seen and entry_id in edition.by_id:
            by_entry.setdefault(entry_id, []).append((query_id, text))
    for entry_id, rows in by_entry.items():
        entry = edition.by_id[entry_id]
        for group in group_questions(rows):
            if len(group) >= KEEP_PICKING:
                gaps.append(
                    Gap("picked", group[0][0], _wordings(group), tuple(q for q, _ in group),
                        (entry,))
                )  # fmt: skip
    gaps.sort(key=lambda gap: (-gap.count, gap.key))
    return gaps


def find_gap(store: Store, edition: Edition, now: datetime, key: int) -> Gap | None:
    return next((gap for gap in find_gaps(store, edition, now) if gap.key == key), None)


# What a lead does about a gap. Each takes effect at once and takes the gap off the list.


def close_as_phrasing(faq: Faq, gap: Gap, entry: Entry, user_id: str) -> Written | None:
    """The gap's question becomes a phrasing of `entry`; None if the entry had it already."""
    written = add_phrasing(faq.knowledge_dir, entry, gap.question)
    if written is not None:
        faq.install(written.knowledge)
    faq_db.resolve_gaps(faq.store, list(gap.query_ids), "phrasing", entry.id, user_id)
    return written


def close_as_entry(
    faq: Faq,
    gap: Gap | None,
    user_id: str,
    *,
    question: str,
    answer: str,
    variants: list[str],
    tags: list[str],
) -> Written:
    written = add_entry(
        faq.knowledge_dir, question, answer, variants=variants, tags=tags,
        taken_ids=set(faq.entries),
    )  # fmt: skip
    faq.install(written.knowledge)
    if gap is not None:  # None: another lead dealt with the gap meanwhile; the entry still counts
        faq_db.resolve_gaps(faq.store, list(gap.query_ids), "entry", written.entry_id, user_id)
    return written


def ignore_gap(faq: Faq, gap: Gap, user_id: str) -> None:
    faq_db.resolve_gaps(faq.store, list(gap.query_ids), "ignore", None, user_id)


def resolver(store: Store, query_id: int) -> tuple[str, str, str | None] | None:
    """Who dealt with a question from the gaps, and how: (user id, action, entry id)."""
    return faq_db.gap_resolver(store, query_id)
