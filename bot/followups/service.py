"""Follow-ups: every promise made to a customer, with a due time, and the reminders that make
sure it is kept: to the owner a little before and at the due time, to the leads once it is
overdue.

Reminders are not scheduled anywhere: `due_reminders` works out from the database what should
have been sent by now and has not been, so a restart or an outage loses nothing and the
reminders that came due meanwhile go out at once. Each reminder has a key naming what it is
about, its kind, its recipient and the due time (UTC) it is for; an instance must `claim` the
key (a unique row) before it sends, so with several instances each reminder goes out once.
Snoozing or closing a follow-up changes what is due, so its pending reminders are never
produced again; times are stored and compared in UTC, so daylight saving moves nothing.
The same promise typed again at once by the same rep is the one already saved (as a retyped
/case is its contact: RETYPED_WITHIN), not a second with reminders and alerts of its own."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.cases import audit
from bot.cases.service import get_case, open_case, parse_case_ref
from bot.coaching.drafts import next_step
from bot.coaching.playbooks import Playbooks
from bot.followups import queries as followups_db
from bot.followups.zones import Zone, kept_zone
from bot.shared.clock import iso
from bot.shared.db import Store, existing
from bot.shared.refusal import Code, Refusal
from bot.shared.retyped import RETYPED_WITHIN, typed_alike
from bot.shared.roles import Roles

MAX_WHAT = 3000  # a Slack section holds 3,000 characters
# A promise a rep types is a line, read on a phone's notification: the details go in notes.
MAX_PROMISE = 300
TRAILING_CASE = re.compile(r"^c-?(\d{1,9})$", re.IGNORECASE)


class FollowupError(Refusal):
    """Something that cannot be done to a follow-up (for one already done: who and when; for
    someone else's: whose it is)."""


@dataclass(frozen=True)
class Followup:
    id: int
    owner_id: str
    case_id: int | None
    what: str
    due_at: datetime  # aware, UTC
    status: str  # "open", "done", or "closed" with its case (kept or not, nobody said)
    created_at: datetime
    done_at: datetime | None
    done_by: str | None = None
    closed_at: datetime | None = None  # when its case was closed, and by whom
    closed_by: str | None = None
    # The first due time it was missed at, when it was snoozed after it: the weekly summary
    # judges it against this time, not the due time it was moved to (`snooze`).
    missed_at: datetime | None = None
    # The customer's clock the rep named for it ("10am New York time"), kept through a snooze
    # that names none: every message of it says the time on that clock too. None: the rep's.
    zone: Zone | None = None

    @property
    def ref(self) -> str:
        return f"F-{self.id}"


@dataclass(frozen=True)
class Promised:
    """What a typed promise did: saved `followup`, or found it saved by the same rep `earlier`
    (how long ago), typed again within RETYPED_WITHIN: nothing more was saved."""

    followup: Followup
    earlier: timedelta | None = None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def followup_from_row(row: dict) -> Followup:
    return Followup(
        row["id"], row["owner_id"], row["case_id"], row["what"],
        datetime.fromisoformat(row["due_at"]), row["status"],
        datetime.fromisoformat(row["created_at"]), _time(row["done_at"]), row["done_by"],
        _time(row["closed_at"]), row["closed_by"], _time(row["missed_at"]),
        kept_zone(row["zone"], row["zone_said"]),
    )  # fmt: skip


def trailing_case(text: str) -> tuple[str, int | None]:
    """ "call her back C-1042" -> ("call her back", 1042). Only the C- form counts at the end,
    since a bare number there is usually part of the promise ("send the 2 boxes"). A promise
    is kept on one case: one that names two (C-1001 C-1002) is refused (FollowupError), not
    put on one of them with the other lost in its words."""
    words = text.split()
    named = [
        f"C-{int(match[1])}"
        for word in words
        if (match := TRAILING_CASE.match(word.strip(",.;:()")))
    ]
    if len(cases := list(dict.fromkeys(named))) > 1:
        raise FollowupError(
            f"A promise is kept on one case, and this one names {', '.join(cases[:-1])} and "
            f"{cases[-1]}. Type one /followup for each case, with its id at the end, for "
            f"example /followup tomorrow 10am call the customer back {cases[0]}."
        )
    if words and (match := TRAILING_CASE.match(words[-1])):
        return " ".join(words[:-1]), int(match[1])
    return " ".join(words), None


def case_first_to_end(text: str) -> str:
    """ "C-1042 tomorrow 10am call back" -> "tomorrow 10am call back C-1042": a case named
    before the time is read as one named at the end, so the text starts with when it is due."""
    first, _, rest = text.strip().partition(" ")
    return f"{rest} {first}" if rest.strip() and TRAILING_CASE.match(first) else text


def get_followup(store: Store, followup_id: int) -> Followup | None:
    row = followups_db.followup_row(store, followup_id)
    return followup_from_row(row) if row else None


def add_followup(
    store: Store,
    *,
    owner_id: str,
    what: str,
    due_at: datetime,
    case_id: int | None,
    request_key: str | None,
    zone: Zone | None = None,
) -> Followup:
    """Record a promise (due on the customer's clock `zone` when the rep named one), in one
    transaction with its audit row; a retried request (same key) returns the first one.
    Raises FollowupError (nothing promised, a time not ahead) or CaseError (unknown or closed
    case); nothing is stored then."""
    what = " ".join((what or "").split())
    if not what:
        example = "/followup tomorrow 10am call Sam about the refund C-1042"
        raise FollowupError(
            ("What did you promise? Write it after the time, e.g. ", Code(example), ".")
        )
    if len(what) > MAX_WHAT:
        raise FollowupError(f"That is {len(what)} characters; keep it under {MAX_WHAT}.")
    with store.transaction() as db:
        if request_key and (row := followups_db.followup_by_request(store, request_key)):
            return followup_from_row(row)
        if due_at <= store.clock.now():
            raise FollowupError("That time has already passed: give a time ahead.")
        if case_id is not None:
            open_case(store, case_id)
        followup_id = followups_db.insert_followup(store,
            {"owner_id": owner_id, "case_id": case_id, "what": what, "due_at": iso(due_at),
             "status": "open", "request_key": request_key, **_zone_columns(zone)}
        )  # fmt: skip
        details = {"case": f"C-{case_id}" if case_id else None, "due_at": iso(due_at)}
        if zone is not None:
            details["zone"] = zone.tz.key
        audit.append(
            db, actor=owner_id, action="followup.added", subject=f"F-{followup_id}",
            details=details,
            at=store.now(), customer=audit.customer_of_case(store, case_id),
            personal={"what": what},
        )  # fmt: skip
        return existing(get_followup(store, followup_id), f"follow-up F-{followup_id}")


def _zone_columns(zone: Zone | None) -> dict[str, str | None]:
    """A promise's zone as stored: its tz name and the words it is said back in."""
    return {"zone": zone.tz.key if zone else None, "zone_said": zone.name if zone else None}


def save_promise(
    store: Store,
    *,
    owner_id: str,
    what: str,
    due_at: datetime,
    case_id: int | None,
    request_key: str | None,
    zone: Zone | None = None,
) -> Promised:
    """`add_followup` for a promise a rep typed, unless they typed the same one at once
    before: the same words (whatever their case, spaces and closing punctuation), on the same
    case or on none, due at the same time, saved within RETYPED_WITHIN and still open. A double
    Enter, or a command typed again because its answer seemed lost, would otherwise promise
    twice, with two reminders and two overdue alerts. "in 30m" typed again a minute later is
    due a minute later, so a due time counts as the same within RETYPED_WITHIN too; "call
    back" at another time is another promise (another customer's, as like as not). Looked for
    in the same write transaction, so of two at once one is saved. A retried request (same
    key) is the first one, as it was answered. A promise longer than MAX_PROMISE is refused
    (FollowupError), saying how to write it."""
    said = " ".join(what.split())
    if len(said) > MAX_PROMISE:
        raise FollowupError(
            f"A promise can be at most {MAX_PROMISE} characters, and this one has "
            f"{len(said):,}. Say it in a line (call Maria back about her refund) and add the "
            "details with /note on its case."
        )
    with store.transaction():
        if request_key and (row := followups_db.followup_by_request(store, request_key)):
            return Promised(followup_from_row(row))
        now = store.clock.now()
        for row in followups_db.open_since(store, owner_id, case_id, iso(now - RETYPED_WITHIN)):
            earlier = followup_from_row(row)
            if typed_alike(earlier.what, what) and abs(earlier.due_at - due_at) <= RETYPED_WITHIN:
                return Promised(earlier, now - earlier.created_at)
        return Promised(
            add_followup(
                store, owner_id=owner_id, what=what, due_at=due_at, case_id=case_id,
                request_key=request_key, zone=zone,
            )
        )  # fmt: skip


def promise_of_draft(
    store: Store, playbooks: Playbooks, draft: dict, user_id: str,
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> Followup | None:  # fmt: skip
    """The promise a draft the rep just used made on its case ("I'll update you on where your
    parcel is", by its time), recorded as their follow-up, so that it is reminded, listed on
    the case and closed with it like any other; the same follow-up however often the draft is
    used. None for a draft that promised nothing (a closing), names no open case, or whose
    time has passed."""
    number = parse_case_ref(draft["case_id"] or "")
    case = get_case(store, number) if number is not None else None
    if draft["due_at"] is None or case is None or case.status != "open":
        return None
    due = datetime.fromisoformat(draft["due_at"])
    step = next_step(playbooks, draft["situation"], draft["message"], synonyms)
    if step is None or due <= store.clock.now():
        return None
    return add_followup(
        store, owner_id=user_id, what=step, due_at=due, case_id=case.id,
        request_key=f"draft:{draft['id']}:promise",
    )  # fmt: skip


def list_followups(store: Store, owner_id: str, *, include_done: bool = False) -> list[Followup]:
    """The owner's follow-ups: open ones by due time, so the overdue come first; then, if
    asked for, those done or closed with their case."""
    return [
        followup_from_row(row)
        for row in followups_db.owner_followups(store, owner_id, include_done)
    ]


def case_followups(store: Store, case_id: int) -> list[Followup]:
    """The open promises on a case, by due time."""
    return [followup_from_row(row) for row in followups_db.case_followups(store, case_id)]


def _open_for(store: Store, followup_id: int, user_id: str, roles: Roles | None) -> Followup:
    """The follow-up, if it is open and `user_id` may change it (its owner, or a lead)."""
    followup = get_followup(store, followup_id)
    if followup is None:
        raise FollowupError(
            (f"There is no follow-up F-{followup_id}. ", Code("/followup list"), " shows yours.")
        )
    if followup.owner_id != user_id and not (roles and roles.at_least(user_id, "lead")):
        raise FollowupError(
            f"Only its owner or a lead can change {followup.ref}: it was promised",
            followup.owner_id,
        )
    if followup.status == "done":
        raise FollowupError(f"{followup.ref} was already done", followup.done_by, followup.done_at)
    if followup.status == "closed":
        raise FollowupError(
            f"{followup.ref} was closed with its case C-{followup.case_id}",
            followup.closed_by, followup.closed_at,
        )  # fmt: skip
    return followup


def complete(
    store: Store, followup_id: int, user_id: str, *, roles: Roles | None = None
) -> Followup:
    """Close a follow-up: its owner may, and with `roles` given a lead or above may close
    anyone's. Its reminders stop. FollowupError for an unknown one, someone else's, or one
    already done (saying by whom and when)."""
    with store.transaction():
        return _finish(store, _open_for(store, followup_id, user_id, roles), user_id)


def close_with_case(store: Store, case_id: int, user_id: str) -> list[Followup]:
    """Close the open promises on a case `user_id` is closing, whoever made them: a closed
    case has nothing left to keep, and its reminders stop. They are closed, not done: nobody
    said they were kept. The closed, as they are now."""
    with store.transaction():
        return [
            _finish(store, followup, user_id, "closed")
            for followup in case_followups(store, case_id)
        ]


def _finish(
    store: Store, followup: Followup, user_id: str, status: Literal["done", "closed"] = "done"
) -> Followup:
    """An open follow-up done, or closed with its case, by `user_id`, with its audit row (in
    the caller's transaction)."""
    followups_db.settle_followup(store, followup.id, status, user_id, store.now())  # open, checked
    details = {"owner": followup.owner_id, "due_at": iso(followup.due_at)}
    if status == "closed":
        details["closed_with"] = f"C-{followup.case_id}"
    audit.append(
        store.db, actor=user_id, action=f"followup.{status}", subject=followup.ref,
        details=details, at=store.now(), customer=audit.customer_of_case(store, followup.case_id),
    )  # fmt: skip
    return existing(get_followup(store, followup.id), followup.ref)


def _missed_by(due_at: datetime, moment: datetime) -> bool:
    """Whether a promise due at `due_at` was missed by `moment`: past the minute it fell due,
    as the weekly summary counts "kept on time" (the reminder comes at that minute)."""
    return iso(moment)[:16] > iso(due_at)[:16]


def snooze(
    store: Store, followup_id: int, user_id: str, until: datetime, *, roles: Roles | None = None,
    zone: Zone | None = None,
) -> Followup:  # fmt: skip
    """Move a follow-up's due time; the reminders for the old time are never sent, the new
    time gets its own. Same rules as `complete`; `until` must be ahead. A `zone` named with it
    becomes the promise's; without one it keeps the customer's clock it was made on. A snooze
    in good time reschedules the promise; one after its due time keeps the first time it was
    missed at (`missed_at`), so the summary counts it late however it ends."""
    with store.transaction() as db:
        followup = _open_for(store, followup_id, user_id, roles)
        now = store.clock.now()
        if until <= now:
            raise FollowupError(
                ("Snooze to a time ahead, like ", Code("in 1h"), " or ", Code("tomorrow"), ".")
            )
        missed = followup.missed_at or (
            followup.due_at if _missed_by(followup.due_at, now) else None
        )
        named = (zone.tz.key, zone.name) if zone else None
        followups_db.move_followup(
            store, followup.id, iso(until), iso(missed) if missed else None, named
        )
        details = {"from": iso(followup.due_at), "to": iso(until)}
        if zone is not None:
            details["zone"] = zone.tz.key
        audit.append(
            db, actor=user_id, action="followup.snoozed", subject=followup.ref,
            details=details, at=store.now(),
            customer=audit.customer_of_case(store, followup.case_id),
        )  # fmt: skip
        return existing(get_followup(store, followup.id), followup.ref)


def lead_recipients(roles: Roles, user_id: str) -> list[str]:
    """Who hears about a rep's overdue promise or unclaimed handoff: the leads; without any,
    the managers; without any, the leads' channel. Never the person themselves."""
    for role in ("lead", "manager"):
        people = [person for person in roles.people(role) if person != user_id]
        if people:
            return people
    channel = roles.channels.get("leads")
    return [channel] if channel else []
