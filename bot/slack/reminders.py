"""Reminders from the database to the people they are for: claimed first, so that with
several instances each goes out once; a failed send is tried again later."""

from __future__ import annotations

import logging
import os
import socket
import uuid

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.followups import claim, delivered, due_reminders, failed
from bot.core.ticker import Ticker
from bot.services import Services
from bot.slack.blocks import followups as followup_blocks
from bot.slack.people import time_zone

log = logging.getLogger(__name__)

REMINDER_INTERVAL = 20.0  # seconds between looks; reminders are minutes apart
INSTANCE = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def send_due_reminders(client: WebClient, services: Services) -> int:
    """Send every reminder that is due and that this instance wins; returns how many went."""
    store = services.store
    sent = 0
    for reminder in due_reminders(store, services.roles, store.clock.now()):
        now = store.clock.now()
        if not claim(store, reminder, INSTANCE, now):
            continue
        reader = reminder.recipient_id if reminder.recipient_id.startswith("U") else None
        tz = time_zone(client, store, reader) if reader else followup_blocks.UTC
        try:
            client.chat_postMessage(
                channel=reminder.recipient_id, **followup_blocks.reminder(reminder, tz, now)
            )
        except (SlackApiError, OSError) as error:
            log.warning("reminder %s to %s failed: %s", reminder.id, reminder.recipient_id, error)
            failed(store, reminder, now, str(error))
            continue
        delivered(store, reminder, now)
        sent += 1
    return sent


def reminder_ticker(
    client: WebClient, services: Services, interval: float = REMINDER_INTERVAL
) -> Ticker:
    return Ticker("reminders", interval, lambda: send_due_reminders(client, services))
