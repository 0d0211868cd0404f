"""Requests nobody decides: a solution waiting for a decision longer than the team allows is
brought, once, to whoever may decide it (or, when nobody listed may, to the leads). Each is
claimed by one instance before it is handed on (`job_claims`), so restarts, retries and
several instances tell nobody twice; a request decided, withdrawn or whose case closed before
then is never brought up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cases import queries as cases_db
from bot.cases.service import get_case
from bot.cases.solutions import (
    Deciders,
    SolutionPolicy,
    SolutionRecord,
    deciders,
    pending_solutions,
)
from bot.coaching.playbooks import WorkingHours
from bot.shared import jobs
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.roles import Roles

# How long a request waits before those who may decide it are told, unless goals.yaml sets a
# target for the median time to decide (the Slack side reads it).
APPROVAL_NUDGE_AFTER = timedelta(minutes=30)
KIND = "approval_nudge"  # its claims' kind in `job_claims`


@dataclass(frozen=True)
class Nudge:
    id: str  # the claim key, "solution:7:nudge"
    solution: SolutionRecord
    due_at: datetime
    deciders: Deciders


def nudge_key(solution_id: int) -> str:
    return f"solution:{solution_id}:nudge"


def nudge_due_at(
    solution: SolutionRecord, after: timedelta, hours: WorkingHours, tz: ZoneInfo
) -> datetime:
    """`after` from the request, or, when that falls outside the team's working hours (in its
    zone `tz`), the next working morning: nobody is told at night or on a Sunday."""
    waited = datetime.fromisoformat(solution.created_at) + after
    return hours.add(waited.astimezone(tz), 0).astimezone(UTC)  # 0 working hours: when open


def due_nudges(
    store: Store, policy: SolutionPolicy, roles: Roles, now: datetime, *,
    after: timedelta, hours: WorkingHours, tz: ZoneInfo,
) -> list[Nudge]:  # fmt: skip
    """Every nudge that should have gone out by `now` and has not, the oldest request first;
    each must be claimed before it is sent. None outside working hours: one that came due
    while the bot was stopped waits for the morning too."""
    if hours.add(now.astimezone(tz), 0) != now:
        return []
    waiting = [
        (solution, nudge_due_at(solution, after, hours, tz))
        for solution in pending_solutions(store)
    ]
    waiting = [(solution, due) for solution, due in waiting if due <= now]
    rows = jobs.claims(store, [nudge_key(solution.id) for solution, _ in waiting])
    return [
        Nudge(nudge_key(solution.id), solution, due, deciders(store, policy, roles, solution))
        for solution, due in waiting
        if jobs.to_claim(rows.get(nudge_key(solution.id)), now) and _wanted(store, solution)
    ]


def _wanted(store: Store, solution: SolutionRecord) -> bool:
    """Still waiting for a decision, on a case still open (one closed by a version that left
    its requests pending is settled at start-up: nobody is to decide it meanwhile)."""
    row = cases_db.solution_row(store, solution.id)
    case = get_case(store, solution.case_id)
    return (
        row is not None
        and row["status"] == "pending"
        and case is not None
        and (case.status == "open")
    )


def claim(store: Store, nudge: Nudge, recipients: list[str], instance: str, now: datetime) -> bool:
    """True for exactly one caller per nudge (and per retry), whichever instance it runs in;
    False when another has it, it was sent, or the request no longer waits. `recipients`, who
    it is for, are kept with the claim."""
    with store.transaction():
        if not _wanted(store, nudge.solution):
            return False
        return jobs.claim_job(
            store,
            key=nudge.id,
            kind=KIND,
            recipient_id=" ".join(recipients),
            due_at=nudge.due_at,
            instance=instance,
            now=now,
        )


def delivered(store: Store, nudge: Nudge, now: datetime) -> None:
    jobs.job_delivered(store, nudge.id, iso(now))
