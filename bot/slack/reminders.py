"""Reminders from the database to the people they are for (promises, redirects nobody took,
and requests nobody decided: bot/slack/approvals.py): each is claimed (once across instances)
and handed to the outbox in one transaction; the outbox delivers it, retrying, and several due
for one person at once reach them as one message."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.followups.reminders import (
    Hours,
    claim,
    delivered,
    due_reminders,
    next_reminder_at,
    subject_of,
)
from bot.followups.service import Followup
from bot.services import Services
from bot.shared.ticker import Ticker
from bot.slack import approvals, install
from bot.slack import queries as edge_db
from bot.slack.blocks import followups as followup_blocks
from bot.slack.outbox import Outbox, Sender, this_instance
from bot.slack.people import known_name, known_time_zone, time_zone

log = logging.getLogger(__name__)

REMINDER_INTERVAL = 20.0  # seconds between looks; reminders are minutes apart
KEY_PREFIX = "reminder:"  # a reminder's outbox key is this and its claim key


def queue_due_reminders(client: WebClient, sender: Sender, services: Services) -> int:
    """Queue every reminder that is due and that this instance wins; returns how many. None
    while Slack does not have the app (bot/slack/install.py)."""
    store = services.store
    if install.paused(store):
        return 0
    outbox = Outbox(store, sender, "reminders")
    # Asked of Slack before the transaction, which must not wait on the network; a reader's
    # zone also says when an alert to them is due (their working hours).
    hours, zones = _hours(client, services)
    due = list(due_reminders(store, services.roles, store.clock.now(), hours))
    nudges = approvals.due(services, store.clock.now(), hours.zone_of)
    queued = 0
    now = store.clock.now()
    # All in one transaction: the sender sees them together, so a person's reminders due at
    # once go out as one digest, not split by whichever of them the sender saw first.
    with store.transaction():
        for reminder in due:
            if not claim(store, reminder, this_instance(), now):
                continue
            reader = reminder.recipient_id  # a channel's readers see it on UTC's clock, as before
            tz = hours.zone_of(reader) if _person(reader) else followup_blocks.UTC
            owner = reminder.followup.owner_id if reminder.followup else None
            name = known_name(store, owner) if owner else None
            message = followup_blocks.reminder(reminder, tz, now, services.guide.teams, name)
            outbox.post(
                reminder.recipient_id, message, key=KEY_PREFIX + reminder.id, digest=reminder.kind
            )
            delivered(store, reminder, now)  # to the outbox, which owns the sending from here
            queued += 1
        for nudge in nudges:
            queued += approvals.queue_nudge(services, outbox, nudge, zones, this_instance(), now)
    if queued:
        outbox.kick()
    return queued


def _person(reader: str) -> bool:
    """A member id, not a channel's (the leads')."""
    return reader.startswith(("U", "W"))


def _hours(client: WebClient, services: Services) -> tuple[Hours, dict[str, ZoneInfo]]:
    """Working hours on each reader's clock: a person's as Slack says it (asked once each), a
    channel's (the leads') the team's; with the zones asked so far, which it fills in."""
    store, guide = services.store, services.guide
    zones: dict[str, ZoneInfo] = {}

    def zone_of(reader: str) -> ZoneInfo:
        if reader not in zones:
            zones[reader] = (
                time_zone(client, store, reader) if _person(reader) else guide.goals.schedule.tz
            )
        return zones[reader]

    return Hours(guide.playbooks.working_hours, zone_of), zones


def next_due(client: WebClient, services: Services, now: datetime) -> datetime | None:
    """The first moment after `now` at which `queue_due_reminders` finds something new due:
    a reminder (those to others than the promise's owner in their working hours), or a nudge
    of a request nobody decided."""
    store = services.store
    hours, _ = _hours(client, services)
    moments = [
        next_reminder_at(store, now, services.roles, hours),
        approvals.next_due(services, now, hours.zone_of),
    ]
    return min((moment for moment in moments if moment is not None), default=None)


def show_on_reminders(
    outbox: Outbox, followup: Followup, done: str, clicked: tuple[str, str | None] | None = None
) -> None:
    """Every reminder of `followup` the bot sent shows what became of it (`done`: done, or
    snoozed to when it is due now): its owner's, one snoozed before would otherwise still say
    the time of that first snooze and one not clicked would keep its buttons; and the leads'
    overdue alerts, which would otherwise still call a promise kept or moved overdue. Each as
    its reader's clock shows it. Not the reminder `clicked` (its message's ts and, in a
    digest, the item's tag), which the click's reply replaces."""

    def replied(item: dict) -> bool:
        if clicked is None or item["sent_ts"] != clicked[0]:
            return False
        return clicked[1] is None or clicked[1] == str(item["id"])

    prefix = KEY_PREFIX + subject_of(followup) + ":"
    for item in edge_db.posts_keyed(outbox.store, prefix):
        if replied(item):
            continue
        reader = item["target"]  # the owner, a lead, or the leads' channel
        tz = known_time_zone(outbox.store, reader)  # told when the reminder went out
        shown = followup_blocks.followup_closed(
            followup, tz, done, for_owner=reader == followup.owner_id
        )
        # Done or closed with its case is for good, so shown once: a later click on a reminder
        # from before changes nothing the reader would see, and queues nothing again. A snooze
        # may be moved again.
        once = f"{item['key']}:done" if followup.status != "open" else None
        outbox.update(item["key"], shown, key=once)


def reminder_ticker(
    client: WebClient, sender: Sender, services: Services, interval: float = REMINDER_INTERVAL
) -> Ticker:
    return Ticker("reminders", interval, lambda: queue_due_reminders(client, sender, services))
