"""A matter's history, as the senior who calls the customer back needs it: what was tried
across their contacts, on the case and on the closed cases it follows (its notes, the FAQ
answers drafted from, the drafts sent, solutions, promises and redirects, and when each
earlier case was closed), newest first, so nobody asks the customer a fourth time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.cases.card import CaseCard
from bot.cases.service import Case
from bot.cases.solutions import SolutionRecord, solutions_of_case
from bot.coaching.service import case_drafts
from bot.faq.knowledge import Entry
from bot.followups import queries as followups_db
from bot.followups.redirects import Redirect, first_draft_by_entry, redirect_from_row
from bot.followups.service import Followup, followup_from_row
from bot.shared.db import Store


@dataclass(frozen=True)
class Event:
    at: datetime  # aware, UTC
    case_ref: str  # the case of the matter it happened on


@dataclass(frozen=True)
class NoteAdded(Event):
    user_id: str
    text: str


@dataclass(frozen=True)
class FaqTried(Event):
    """An FAQ entry a draft was written from (the first time); `entry` while the FAQ has it."""

    entry_id: str
    entry: Entry | None


@dataclass(frozen=True)
class DraftSent(Event):
    text: str


@dataclass(frozen=True)
class SolutionAsked(Event):
    solution: SolutionRecord  # as it stands now: authorized, pending, approved, ...


@dataclass(frozen=True)
class Promised(Event):
    promise: Followup  # open or done


@dataclass(frozen=True)
class Redirected(Event):
    redirect: Redirect  # waiting, taken or withdrawn


@dataclass(frozen=True)
class Closed(Event):
    case: Case  # an earlier case of the matter, with its root cause


def _at(stored: str) -> datetime:
    moment = datetime.fromisoformat(stored)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def matter_history(
    store: Store, card: CaseCard, faq_entries: Mapping[str, Entry] | None = None
) -> list[Event]:
    """Everything that happened on the card's matter, newest first."""
    cases = [(card.case, card.notes, card.solutions)] + [
        (e.case, e.notes, solutions_of_case(store, e.case.id)) for e in card.earlier
    ]
    entries = faq_entries or {}
    ref_of = {case.id: case.ref for case, _, _ in cases}
    ids = list(ref_of)
    events: list[Event] = []
    for case, notes, solutions in cases:
        events += [NoteAdded(_at(when), case.ref, user_id, text) for user_id, text, when in notes]
        events += [SolutionAsked(_at(s.created_at), case.ref, s) for s in solutions]
        drafts = case_drafts(store, case.ref)
        events += [
            FaqTried(_at(draft["created_at"]), case.ref, entry_id, entries.get(entry_id))
            for entry_id, draft in first_draft_by_entry(drafts).items()
        ]
        events += [
            DraftSent(_at(draft["used_at"]), case.ref, draft["text"])
            for draft in drafts
            if draft["used_at"]
        ]
    for row in followups_db.followups_of_cases(store, ids):
        promise = followup_from_row(row)
        events.append(Promised(promise.created_at, ref_of[row["case_id"]], promise))
    for row in followups_db.redirects_of_cases(store, ids):
        sent = redirect_from_row(row)
        events.append(Redirected(sent.created_at, ref_of[sent.case_id], sent))
    events += [
        Closed(_at(e.case.closed_at), e.case.ref, e.case) for e in card.earlier if e.case.closed_at
    ]
    # Oldest first, then turned round: what was gathered later of the same second (a promise
    # after the draft that made it) reads as the newer.
    return list(reversed(sorted(events, key=lambda event: event.at)))
