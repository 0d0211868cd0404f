"""Follow-ups: every promise made to a customer, with a due time, and the reminders that make
sure it is kept: to the owner a little before and at the due time, to the leads once it is
overdue.

Reminders are not scheduled anywhere: `due_reminders` works out from the database what should
have been sent by now and has not been, so a restart or an outage loses nothing and the
reminders that came due meanwhile go out at once. Each reminder has a key naming what it is
about, its kind, its recipient and the due time (UTC) it is for; an instance must `claim` the
key (a unique row) before it sends, so with several instances each reminder goes out once.
Snoozing or closing a follow-up changes what is due, so its pending reminders are never
produced again; times are stored and compared in UTC, so daylight saving moves nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.cases import audit
from bot.cases.service import open_case
from bot.followups import queries as followups_db
from bot.shared import jobs
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.refusal import Refusal
from bot.shared.roles import Roles

if TYPE_CHECKING:
    from bot.followups.redirects import Redirect

REMIND_BEFORE = timedelta(minutes=15)
OVERDUE_AFTER = timedelta(hours=1)  # then the leads hear of it, once
CLAIM_TIMEOUT = timedelta(minutes=5)  # a claim neither delivered nor failed by then: it died
RETRY_FIRST = timedelta(minutes=1)  # a failed send waits this long, doubling each time
RETRY_MOST = timedelta(minutes=30)
MAX_WHAT = 3000  # a Slack section holds 3,000 characters
TRAILING_CASE = re.compile(r"^c-?(\d{1,9})$", re.IGNORECASE)


class FollowupError(Refusal):
    """Something that cannot be done to a follow-up (for one already done: who and when)."""


@dataclass(frozen=True)
class Followup:
    id: int
    owner_id: str
    case_id: int | None
    what: str
    due_at: datetime  # aware, UTC
    status: str  # "open" or "done"
    created_at: datetime
    done_at: datetime | None
    done_by: str | None = None

    @property
    def ref(self) -> str:
        return f"F-{self.id}"

    def overdue(self, now: datetime) -> bool:
        return self.status == "open" and self.due_at <= now


@dataclass(frozen=True)
class Reminder:
    id: str  # the claim key, e.g. "followup:7:due:2026-03-06T15:00:00+00:00:U0ANA0001"
    kind: str  # "before", "due", "overdue" or "unclaimed_redirect"
    recipient_id: str  # a user id, or a channel id when the leads are reached by channel
    due_at: datetime  # when it should be sent
    followup: Followup | None = None
    redirect: Redirect | None = None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _followup(row: dict) -> Followup:
    return Followup(
        row["id"], row["owner_id"], row["case_id"], row["what"], _time(row["due_at"]),
        row["status"], _time(row["created_at"]), _time(row["done_at"]), row["done_by"],
    )  # fmt: skip


def trailing_case(text: str) -> tuple[str, int | None]:
    """ "call her back C-1042" -> ("call her back", 1042). Only the C- form counts at the end,
    since a bare number there is usually part of the promise ("send the 2 boxes")."""
    words = text.split()
    if words and (match := TRAILING_CASE.match(words[-1])):
        return " ".join(words[:-1]), int(match[1])
    return " ".join(words), None


def get_followup(store: Store, followup_id: int) -> Followup | None:
    row = followups_db.followup_row(store, followup_id)
    return _followup(row) if row else None


def add_followup(
    store: Store,
    *,
    owner_id: str,
    what: str,
    due_at: datetime,
    case_id: int | None,
    request_key: str | None,
) -> Followup:
    """Record a promise, in one transaction with its audit row; a retried request (same key)
    returns the first one. Raises FollowupError (nothing promised, a time not ahead) or
    CaseError (unknown or closed case); nothing is stored then."""
    what = " ".join((what or "").split())
    if not what:
        example = "/followup tomorrow 10am call Sam about the refund C-1042"
        raise FollowupError(f"What did you promise? Write it after the time, e.g. `{example}`.")
    if len(what) > MAX_WHAT:
        raise FollowupError(f"That is {len(what)} characters; keep it under {MAX_WHAT}.")
    with store.transaction() as db:
        if request_key and (row := followups_db.followup_by_request(store, request_key)):
            return _followup(row)
        if due_at <= store.clock.now():
            raise FollowupError("That time has already passed: give a time ahead.")
        if case_id is not None:
            open_case(store, case_id)
        followup_id = followups_db.insert_followup(store,
            {"owner_id": owner_id, "case_id": case_id, "what": what, "due_at": iso(due_at),
             "status": "open", "request_key": request_key}
        )  # fmt: skip
        audit.append(
            db, actor=owner_id, action="followup.added", subject=f"F-{followup_id}",
            details={"case": f"C-{case_id}" if case_id else None, "what": what,
                     "due_at": iso(due_at)},
            at=store.now(),
        )  # fmt: skip
        return get_followup(store, followup_id)


def list_followups(store: Store, owner_id: str, *, include_done: bool = False) -> list[Followup]:
    """The owner's follow-ups: open ones by due time, so the overdue come first; then, if
    asked for, the done ones."""
    return [_followup(row) for row in followups_db.owner_followups(store, owner_id, include_done)]


def case_followups(store: Store, case_id: int) -> list[Followup]:
    """The open promises on a case, by due time."""
    return [_followup(row) for row in followups_db.case_followups(store, case_id)]


def _open_for(store: Store, followup_id: int, user_id: str, roles: Roles | None) -> Followup:
    """The follow-up, if it is open and `user_id` may change it (its owner, or a lead)."""
    followup = get_followup(store, followup_id)
    if followup is None:
        raise FollowupError(f"There is no follow-up F-{followup_id}. `/followup list` shows yours.")
    if followup.owner_id != user_id and not (roles and roles.at_least(user_id, "lead")):
        raise FollowupError(
            f"{followup.ref} is {followup.owner_id}'s promise: only they or a lead can change it."
        )
    if followup.status == "done":
        raise FollowupError(
            f"{followup.ref} was already done by {followup.done_by} at {iso(followup.done_at)}.",
            followup.done_by,
            followup.done_at,
        )
    return followup


def complete(
    store: Store, followup_id: int, user_id: str, *, roles: Roles | None = None
) -> Followup:
    """Close a follow-up: its owner may, and with `roles` given a lead or above may close
    anyone's. Its reminders stop. FollowupError for an unknown one, someone else's, or one
    already done (saying by whom and when)."""
    with store.transaction() as db:
        followup = _open_for(store, followup_id, user_id, roles)
        followups_db.finish_followup(
            store, followup.id, user_id, store.now()
        )  # open, checked above
        audit.append(
            db, actor=user_id, action="followup.done", subject=followup.ref,
            details={"owner": followup.owner_id, "due_at": iso(followup.due_at)},
            at=store.now(),
        )  # fmt: skip
        return get_followup(store, followup.id)


def snooze(
    store: Store, followup_id: int, user_id: str, until: datetime, *, roles: Roles | None = None
) -> Followup:
    """Move a follow-up's due time; the reminders for the old time are never sent, the new
    time gets its own. Same rules as `complete`; `until` must be ahead."""
    with store.transaction() as db:
        followup = _open_for(store, followup_id, user_id, roles)
        if until <= store.clock.now():
            raise FollowupError("Snooze to a time ahead, like `in 1h` or `tomorrow`.")
        followups_db.move_followup(store, followup.id, iso(until))
        audit.append(
            db, actor=user_id, action="followup.snoozed", subject=followup.ref,
            details={"from": iso(followup.due_at), "to": iso(until)}, at=store.now(),
        )  # fmt: skip
        return get_followup(store, followup.id)


def lead_recipients(roles: Roles, user_id: str) -> list[str]:
    """Who hears about a rep's overdue promise or unclaimed handoff: the leads; without any,
    the managers; without any, the leads' channel. Never the person themselves."""
    for role in ("lead", "manager"):
        people = [person for person in roles.people(role) if person != user_id]
        if people:
            return people
    channel = roles.channels.get("leads")
    return [channel] if channel else []


def reminder_key(kind: str, subject: str, due_at: datetime, recipient_id: str) -> str:
    return f"{subject}:{kind}:{iso(due_at)}:{recipient_id}"


def _followup_reminders(store: Store, roles: Roles, now: datetime) -> list[Reminder]:
    reminders = []
    for row in followups_db.open_followups_due_by(store, iso(now + REMIND_BEFORE)):
        followup = _followup(row)
        due, subject = followup.due_at, f"followup:{followup.id}"
        wanted: list[tuple[str, datetime, str]] = []
        # "before" only while it can still warn: after the due time the "due" reminder says
        # it all, and a promise made less than REMIND_BEFORE ahead needs no warning.
        if now < due and followup.created_at <= due - REMIND_BEFORE:
            wanted.append(("before", due - REMIND_BEFORE, followup.owner_id))
        if now >= due:
            wanted.append(("due", due, followup.owner_id))
        if now >= due + OVERDUE_AFTER:
            for lead in lead_recipients(roles, followup.owner_id):
                wanted.append(("overdue", due + OVERDUE_AFTER, lead))
        for kind, at, recipient in wanted:
            key = reminder_key(kind, subject, due, recipient)
            reminders.append(Reminder(key, kind, recipient, at, followup=followup))
    return reminders


def _sendable(row: dict | None, now: datetime) -> bool:
    """Not claimed yet; failed and due for another try; or claimed by an instance that never
    said how it went."""
    if row is None:
        return True
    if row["status"] == "failed":
        return row["next_try_at"] <= iso(now)
    if row["status"] == "claimed":
        return row["claimed_at"] < iso(now - CLAIM_TIMEOUT)
    return False


def due_reminders(store: Store, roles: Roles, now: datetime) -> list[Reminder]:
    """Every reminder that should have gone out by `now` and has not, the earliest first:
    follow-ups' "before", "due" and "overdue", and unclaimed redirects'. After an outage the
    ones that came due meanwhile are all here at once; each must be claimed before sending."""
    from bot.followups.redirects import unclaimed_reminders  # redirects.py imports this module

    candidates = _followup_reminders(store, roles, now) + unclaimed_reminders(store, now)
    rows = jobs.reminder_rows(store, [reminder.id for reminder in candidates])
    due = [reminder for reminder in candidates if _sendable(rows.get(reminder.id), now)]
    return sorted(due, key=lambda reminder: (reminder.due_at, reminder.id))


def _still_wanted(store: Store, reminder: Reminder) -> bool:
    """Between listing and claiming, the follow-up may have been done or snoozed, or the
    redirect taken."""
    if reminder.followup is not None:
        row = followups_db.followup_row(store, reminder.followup.id)
        return row["status"] == "open" and row["due_at"] == iso(reminder.followup.due_at)
    row = followups_db.redirect_row(store, reminder.redirect.id)
    return row["status"] == "waiting"


def claim(store: Store, reminder: Reminder, instance: str, now: datetime) -> bool:
    """True for exactly one caller per reminder (and per retry), whichever instance it runs
    in; False when another has it, it was delivered, or it is no longer wanted."""
    with store.transaction():
        if not _still_wanted(store, reminder):
            return False
        row = {
            "key": reminder.id, "kind": reminder.kind, "recipient_id": reminder.recipient_id,
            "due_at": iso(reminder.due_at), "status": "claimed", "instance": instance,
            "claimed_at": iso(now), "attempts": 1,
        }  # fmt: skip
        return jobs.claim_reminder(store, row, stale_before=iso(now - CLAIM_TIMEOUT))


def delivered(store: Store, reminder: Reminder, now: datetime) -> None:
    jobs.reminder_delivered(store, reminder.id, iso(now))


def failed(store: Store, reminder: Reminder, now: datetime, error: str) -> None:
    """A send that did not go through: tried again after a wait that doubles each time (up
    to RETRY_MOST), never marked delivered."""
    with store.transaction():
        row = jobs.reminder_rows(store, [reminder.id]).get(reminder.id)
        attempts = row["attempts"] if row else 1
        wait = min(RETRY_FIRST * 2 ** min(attempts - 1, 10), RETRY_MOST)
        jobs.reminder_failed(store, reminder.id, error[:500], iso(now + wait))
