"""Closing a case, and what is still open on it: a closed case leaves nothing live behind.
Solutions waiting for a decision and redirects nobody has taken are withdrawn, and its open
promises are closed with it, in the one transaction that closes it, each with its audit row;
its reminders and "nobody has taken it" nudges stop with them. Whoever closes it is shown
first what that will settle (`open_items`), so a rep who still owes the customer something
keeps the case open until it is done."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cases.service import Case, get_case
from bot.cases.service import close_case as close_the_case
from bot.cases.solutions import SolutionRecord, solutions_of_case, withdraw_pending
from bot.followups import queries as followups_db
from bot.followups.redirects import Redirect, redirect_from_row, withdraw_waiting
from bot.followups.service import Followup, case_followups, close_with_case
from bot.shared.db import Store, existing


@dataclass(frozen=True)
class OpenItems:
    """What is still live on a case: what closing it withdraws or closes."""

    solutions: list[SolutionRecord]  # waiting for a decision
    redirects: list[Redirect]  # nobody has taken them
    promises: list[Followup]  # open follow-ups, by due time

    def __bool__(self) -> bool:
        return bool(self.solutions or self.redirects or self.promises)


@dataclass(frozen=True)
class ClosedCase:
    case: Case
    settled: OpenItems  # what was open on it, now withdrawn or closed


def open_items(store: Store, case_id: int) -> OpenItems:
    """What closing the case would settle, as it stands now."""
    return OpenItems(
        [s for s in solutions_of_case(store, case_id) if s.status == "pending"],
        [redirect_from_row(row) for row in followups_db.waiting_redirects(store, case_id)],
        case_followups(store, case_id),
    )


def close_case(store: Store, case_id: int, user_id: str, root_cause: str) -> ClosedCase:
    """Close an open case with its root cause, and settle what is still open on it: whatever
    is open when it closes, which may be more or less than the close form showed. Raises
    CaseError (no root cause, unknown or closed case); nothing changes then."""
    with store.transaction():
        case = close_the_case(store, case_id, user_id, root_cause)
        return ClosedCase(case, _settle(store, case_id, user_id))


def settle_closed_before(store: Store) -> list[ClosedCase]:
    """Settle, as closing does now and on behalf of whoever closed each, what the cases closed
    before it did (listed by migration 21) left open, in one transaction; those settled."""
    with store.transaction():
        settled = []
        for case_id in followups_db.cases_to_settle(store):
            case = existing(get_case(store, case_id), f"case C-{case_id}")
            by = case.closed_by or case.owner_id  # closing has always said who, but to be sure
            settled.append(ClosedCase(case, _settle(store, case_id, by)))
            followups_db.settled(store, case_id)
        return settled


def _settle(store: Store, case_id: int, user_id: str) -> OpenItems:
    """In the caller's transaction: what is open on a closed case withdrawn or closed by
    `user_id`, each with its audit row."""
    return OpenItems(
        withdraw_pending(store, case_id, user_id),
        withdraw_waiting(store, case_id, user_id),
        close_with_case(store, case_id, user_id),
    )
