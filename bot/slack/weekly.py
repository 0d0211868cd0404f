"""The weekly summary in the management channel (roles.yaml): on schedule, once across instances,
with a chart of the last eight weeks; and by hand from `repbot summary --post` or `/summary`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.guide import Guide
from bot.reporting.chart import trend_chart
from bot.reporting.summary import WeeklySummary, summary_labels, trends
from bot.reporting.weekly import (
    claim_weekly_post,
    due_at,
    first_post,
    missed_weeks,
    next_due_at,
    weekly_post_key,
    weekly_summary,
)
from bot.reporting.weeks import iso_week
from bot.services import Services
from bot.shared import jobs
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.ticker import Ticker
from bot.slack import install
from bot.slack.blocks.summary import summary_post
from bot.slack.outbox import Outbox, Sender

log = logging.getLogger(__name__)

SCHEDULE_INTERVAL = 60.0  # seconds between looks at the clock


def queue_summary(
    outbox: Outbox, store: Store, guide: Guide, summary: WeeklySummary, channel: str, key: str,
    missed: Sequence[str] = (),
) -> None:  # fmt: skip
    """The post (naming the `missed` weeks before it), then the trend chart under it, queued
    under `key` in the caller's transaction."""
    outbox.post(channel, summary_post(summary, missed), key=f"{key}:post")
    png = trend_chart(trends(store, end=summary.end, tz=guide.goals.schedule.tz))
    outbox.upload(
        channel, png, f"repbot-trends-{summary.label}.png",
        f"Trends of the last 8 weeks to {summary.label}", key=f"{key}:chart",
    )  # fmt: skip


def post_if_due(sender: Sender, services: Services) -> bool:
    """Queue last week's summary once it is due, exactly once over every instance; the
    outbox delivers it. True when this call queued it. Not while Slack does not have the app:
    the week is posted when it is back. Not a new install's first week when nothing happened
    in it: that week the bot did not run yet."""
    store = services.store
    now = store.clock.now()
    if now < due_at(services.guide.goals.schedule, now) or install.paused(store):
        return False
    guide = services.guide
    # Claim the week first: this runs every minute for the rest of the week once it is due,
    # and adding the week up is the costly part. A claim whose process died before queueing
    # is taken over after a while.
    _, _, label = iso_week(None, now=now, tz=guide.goals.schedule.tz)
    if not claim_weekly_post(store, label, now):
        return False
    labels = summary_labels(services.faq.entries.values(), guide.tone, guide.teams)
    summary = weekly_summary(
        store, guide.goals, guide.solutions, labels=labels, matcher=services.faq.matcher
    )
    key = weekly_post_key(label)
    if summary.empty and first_post(store, label):
        # A new install's first posting time comes after a week with nothing in it, most often
        # one it did not run in: "a quiet week" would tell management nothing true. The week
        # is passed over (claimed, never posted), so the first post is of the first week the
        # bot ran, and a week missed later, while it was stopped, is counted from this one.
        jobs.job_delivered(store, key, iso(now))
        log.info("weekly summary of %s not posted: nothing happened in it (a new install)", label)
        return False
    # After an outage of several weeks only the latest is posted; the post names the others.
    missed = missed_weeks(store, label)
    outbox = Outbox(store, sender, "weekly")
    channel = guide.roles.channels["management"]
    with store.transaction():
        queue_summary(outbox, store, guide, summary, channel, key, missed)
        jobs.job_delivered(store, key, iso(now))
    outbox.kick()
    return True


def next_post_at(services: Services, now: datetime) -> datetime:
    """The first moment after `now` at which `post_if_due` finds a week to post."""
    return next_due_at(services.guide.goals.schedule, now)


def passed_over(store: Store, label: str) -> bool:
    """Whether the schedule passed the week `label` over: claimed, and no post queued for it
    (a new install's first week, with nothing in it; see `post_if_due`)."""
    key = weekly_post_key(label)
    claim = jobs.claims(store, [key]).get(key)
    done = claim is not None and claim["status"] == "delivered"
    return done and Outbox(store, None, "weekly").item(f"{key}:post") is None


def summary_ticker(
    sender: Sender, services: Services, interval: float = SCHEDULE_INTERVAL
) -> Ticker:
    return Ticker("weekly-summary", interval, lambda: post_if_due(sender, services))
