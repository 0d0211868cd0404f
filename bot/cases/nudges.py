"""Requests nobody decides: a solution waiting for a decision longer than the team allows is
brought, once, to each person who may decide it, in their own working hours (or, when nobody
listed may, to the leads, in the team's). Each is claimed by one instance before it is handed
on (`job_claims`), so restarts, retries and several instances tell nobody twice; a request
decided, withdrawn or whose case closed before then is never brought up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    id: str  # the claim key, "solution:7:nudge:U123" (for the leads: "solution:7:nudge")
    solution: SolutionRecord
    due_at: datetime
    deciders: Deciders
    # The one decider it is for, in their working hours; None: nobody listed may decide it,
    # so it is the leads' (in the team's hours).
    reader: str | None = None


def nudge_key(solution_id: int, reader: str | None = None) -> str:
    """A nudge's claim key: per decider, since each is told in their own hours. The key with
    no reader is the leads' nudge, and was everyone's before that: one claimed under it tells
    nobody again."""
    return f"solution:{solution_id}:nudge" + (f":{reader}" if reader else "")


def nudge_due_at(
    solution: SolutionRecord, after: timedelta, hours: WorkingHours, tz: ZoneInfo
) -> datetime:
    """`after` from the request, or, when that falls outside the team's working hours (in its
    zone `tz`), the next working morning: nobody is told at night or on a Sunday."""
    waited = datetime.fromisoformat(solution.created_at) + after
    return hours.add(waited.astimezone(tz), 0).astimezone(UTC)  # 0 working hours: when open


def _nudge_times(
    store: Store, policy: SolutionPolicy, roles: Roles, *, after: timedelta,
    hours: WorkingHours, tz: ZoneInfo, zone_of: Callable[[str], ZoneInfo],
    waited_by: datetime | None = None,
) -> Iterator[tuple[SolutionRecord, Deciders, str | None, datetime, ZoneInfo]]:  # fmt: skip
    """Each waiting request's nudges, one per person who may decide it (None: the leads'):
    with the deciders, the reader, when it falls due and on whose clock (`zone_of` a person's,
    `tz` the team's, for the leads). With `waited_by`, only requests that had waited `after`
    by then: a person's zone may be a question to Slack, asked only for those."""
    for solution in pending_solutions(store):
        if waited_by and datetime.fromisoformat(solution.created_at) + after > waited_by:
            continue
        who = deciders(store, policy, roles, solution)
        for reader in who.people or (None,):
            zone = zone_of(reader) if reader else tz
            yield solution, who, reader, nudge_due_at(solution, after, hours, zone), zone


def due_nudges(
    store: Store, policy: SolutionPolicy, roles: Roles, now: datetime, *,
    after: timedelta, hours: WorkingHours, tz: ZoneInfo, zone_of: Callable[[str], ZoneInfo],
) -> list[Nudge]:  # fmt: skip
    """Every nudge that should have gone out by `now` and has not, the oldest request first,
    one per person who may decide it; each must be claimed before it is sent. Each waits for
    its reader's working hours, on their clock (`zone_of`; the team's `tz` for the leads):
    nobody is told at 3 AM because it is 9 AM in London, and one that came due while the bot
    was stopped waits for their morning too."""
    times = _nudge_times(store, policy, roles, after=after, hours=hours, tz=tz,
                         zone_of=zone_of, waited_by=now)  # fmt: skip
    waiting = [
        Nudge(nudge_key(solution.id, reader), solution, due, who, reader)
        for solution, who, reader, due, zone in times
        if due <= now and hours.add(now.astimezone(zone), 0) == now
    ]
    keys = [nudge.id for nudge in waiting] + [nudge_key(n.solution.id) for n in waiting]
    rows = jobs.claims(store, keys)
    return [
        nudge
        for nudge in waiting
        if jobs.to_claim(rows.get(nudge.id), now)
        # claimed for everyone at once (before nudges were per person): told already
        and (nudge.reader is None or nudge_key(nudge.solution.id) not in rows)
        and _wanted(store, nudge.solution)
    ]


def next_nudge_at(
    store: Store, policy: SolutionPolicy, roles: Roles, now: datetime, *,
    after: timedelta, hours: WorkingHours, tz: ZoneInfo, zone_of: Callable[[str], ZoneInfo],
) -> datetime | None:  # fmt: skip
    """The first moment after `now` at which a nudge falls due (as `due_nudges` counts it),
    None when none will."""
    times = _nudge_times(store, policy, roles, after=after, hours=hours, tz=tz, zone_of=zone_of)
    return min((due for _, _, _, due, _ in times if due > now), default=None)


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
