"""Reminders of what is due: a follow-up before, at and after its time, a redirect nobody
has taken. Each is claimed by one instance before it is handed on, so with several instances
each goes out once; one whose send failed is tried again later."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.playbooks import WorkingHours
from bot.followups import queries as followups_db
from bot.followups.redirects import Redirect, redirect_from_row
from bot.followups.service import Followup, followup_from_row, lead_recipients
from bot.shared import jobs
from bot.shared.clock import iso
from bot.shared.db import Store, existing
from bot.shared.roles import Roles

REMIND_BEFORE = timedelta(minutes=15)


OVERDUE_AFTER = timedelta(hours=1)  # then the leads hear of it, once
# A "due" reminder that goes out this long after its time (repbot was stopped, or Slack kept
# refusing it) says the promise is past due: "Due now" for yesterday's would read as a slip.
LATE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Reminder:
    id: str  # the claim key, e.g. "followup:7:due:2026-03-06T15:00:00+00:00:U0ANA0001"
    kind: str  # "before", "due", "overdue" or "unclaimed_redirect"
    recipient_id: str  # a user id, or a channel id when the leads are reached by channel
    due_at: datetime  # when it should be sent
    followup: Followup | None = None
    redirect: Redirect | None = None


@dataclass(frozen=True)
class Hours:
    """When an alert about someone else's promise or handoff may reach its reader: in their
    working hours (situations.yaml's), on their clock (`zone_of`: Slack's, or the team's for a
    channel). The owner's own reminders keep the time they chose."""

    working: WorkingHours
    zone_of: Callable[[str], ZoneInfo]

    def open_at(self, reader: str, moment: datetime) -> datetime:
        """`moment`, or the next opening after it on `reader`'s clock when it is out of hours."""
        zone = self.zone_of(reader)
        return self.working.add(moment.astimezone(zone), 0).astimezone(UTC)

    def is_open(self, reader: str, moment: datetime) -> bool:
        return self.open_at(reader, moment) == moment


def _deferred(hours: Hours | None, reader: str, moment: datetime) -> datetime:
    return moment if hours is None else hours.open_at(reader, moment)


def _overdue_alerts(
    roles: Roles, followup: Followup, hours: Hours | None
) -> list[tuple[str, datetime]]:
    """Each lead to tell of the follow-up overdue, with when: in their working hours, not at
    11 PM on their clock."""
    at = followup.due_at + OVERDUE_AFTER
    leads = lead_recipients(roles, followup.owner_id)
    return [(lead, _deferred(hours, lead, at)) for lead in leads]


def _redirect_alerts(waiting: Redirect, hours: Hours | None) -> list[tuple[str, datetime]]:
    """Each reader to tell that nobody took the redirect, with when: in their working hours
    (nobody chose that moment: the team's take_within did)."""
    readers = dict.fromkeys((*waiting.told, waiting.team_lead))
    return [(reader, _deferred(hours, reader, waiting.remind_at)) for reader in readers]


def _reaches(hours: Hours | None, reader: str, at: datetime, now: datetime) -> bool:
    """Whether an alert due `at` goes to `reader` now: its time came, in their working hours
    (found outside them, after an outage, it waits for their next)."""
    return at <= now and (hours is None or hours.is_open(reader, now))


def reminder_key(kind: str, subject: str, due_at: datetime, recipient_id: str) -> str:
    return f"{subject}:{kind}:{iso(due_at)}:{recipient_id}"


def subject_of(followup: Followup) -> str:
    """What the keys of a follow-up's reminders start with."""
    return f"followup:{followup.id}"


def _followup_reminders(
    store: Store, roles: Roles, now: datetime, hours: Hours | None
) -> list[Reminder]:
    reminders = []
    for row in followups_db.open_followups_due_by(store, iso(now + REMIND_BEFORE)):
        followup = followup_from_row(row)
        due, subject = followup.due_at, subject_of(followup)
        wanted: list[tuple[str, datetime, str]] = []
        # "before" only while it can still warn: after the due time the "due" reminder says
        # it all, and a promise made less than REMIND_BEFORE ahead needs no warning.
        if now < due and followup.created_at <= due - REMIND_BEFORE:
            wanted.append(("before", due - REMIND_BEFORE, followup.owner_id))
        if now >= due:
            wanted.append(("due", due, followup.owner_id))
        if now >= due + OVERDUE_AFTER:
            wanted += [
                ("overdue", at, lead)
                for lead, at in _overdue_alerts(roles, followup, hours)
                if _reaches(hours, lead, at, now)
            ]
        for kind, at, recipient in wanted:
            key = reminder_key(kind, subject, due, recipient)
            reminders.append(Reminder(key, kind, recipient, at, followup=followup))
    return reminders


def due_reminders(
    store: Store, roles: Roles, now: datetime, hours: Hours | None = None
) -> list[Reminder]:
    """Every reminder that should have gone out by `now` and has not, the earliest first:
    follow-ups' "before", "due" and "overdue", and unclaimed redirects'. After an outage the
    ones that came due meanwhile are all here at once; each must be claimed before sending.
    With `hours`, those to anyone but the promise's owner (the lead's overdue alert, a
    redirect nobody took) wait for their reader's working hours."""
    candidates = _followup_reminders(store, roles, now, hours) + unclaimed_reminders(
        store, now, hours
    )
    rows = jobs.claims(store, [reminder.id for reminder in candidates])
    due = [reminder for reminder in candidates if jobs.to_claim(rows.get(reminder.id), now)]
    return sorted(due, key=_order)


def _order(reminder: Reminder) -> tuple[datetime, int, str]:
    """Earliest first, then by number (F-2 before F-10): the order a digest lists them in."""
    subject = reminder.followup or reminder.redirect
    return reminder.due_at, subject.id if subject is not None else 0, reminder.id


def _still_wanted(store: Store, reminder: Reminder) -> bool:
    """Between listing and claiming, the follow-up may have been done or snoozed, or the
    redirect taken."""
    if reminder.followup is not None:
        row = followups_db.followup_row(store, reminder.followup.id)
        due_at = iso(reminder.followup.due_at)
        return row is not None and row["status"] == "open" and row["due_at"] == due_at
    redirect = existing(reminder.redirect, f"what reminder {reminder.id} is about")
    row = followups_db.redirect_row(store, redirect.id)
    return row is not None and row["status"] == "waiting"


def claim(store: Store, reminder: Reminder, instance: str, now: datetime) -> bool:
    """True for exactly one caller per reminder (and per retry), whichever instance it runs
    in; False when another has it, it was delivered, or it is no longer wanted."""
    with store.transaction():
        if not _still_wanted(store, reminder):
            return False
        return jobs.claim_job(
            store,
            key=reminder.id,
            kind=reminder.kind,
            recipient_id=reminder.recipient_id,
            due_at=reminder.due_at,
            instance=instance,
            now=now,
        )


def delivered(store: Store, reminder: Reminder, now: datetime) -> None:
    jobs.job_delivered(store, reminder.id, iso(now))


def unclaimed_reminders(store: Store, now: datetime, hours: Hours | None = None) -> list[Reminder]:
    """For every redirect still waiting past its team's take_within: one reminder to the
    case's owner, one to the rep who sent it if someone else, and one to the team's lead (as
    teams.yaml named them when it was sent); with `hours`, each in its reader's working
    hours (`_redirect_alerts`)."""
    reminders = []
    for row in followups_db.redirects_to_remind(store, iso(now)):
        waiting = redirect_from_row(row)
        for recipient, at in _redirect_alerts(waiting, hours):
            if not _reaches(hours, recipient, at, now):
                continue
            key = reminder_key(
                "unclaimed_redirect", f"redirect:{waiting.id}", waiting.remind_at, recipient
            )
            reminders.append(
                Reminder(key, "unclaimed_redirect", recipient, at, redirect=waiting)
            )  # fmt: skip
    return reminders


def next_reminder_at(
    store: Store, now: datetime, roles: Roles, hours: Hours | None = None
) -> datetime | None:
    """The first moment after `now` at which a reminder falls due (a follow-up's "before",
    "due" or "overdue", a redirect's), None when none will: where a clock moved forward must
    stop on its way so that each goes out in its time, as a running bot's would. The alerts
    to others than the owner are at their readers' working hours, as `due_reminders` counts
    them."""
    moments = []
    # Each follow-up's owner reminders fall due at fixed offsets from its due time: the first
    # due time past `now` less each offset gives the first of that kind after `now`.
    for offset in (-REMIND_BEFORE, timedelta(0)):
        due = followups_db.first_open_due_after(store, iso(now - offset))
        if due is not None:
            moments.append(datetime.fromisoformat(due) + offset)
    # The alerts may fall due after `now` though their time passed before it (deferred to
    # their readers' hours): each open promise's and waiting redirect's.
    for row in followups_db.open_followups(store):
        moments += [at for _, at in _overdue_alerts(roles, followup_from_row(row), hours)]
    for row in followups_db.waiting_redirects(store):
        moments += [at for _, at in _redirect_alerts(redirect_from_row(row), hours)]
    return min((moment for moment in moments if moment > now), default=None)
