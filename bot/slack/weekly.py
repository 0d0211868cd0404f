"""The weekly summary in the management channel (roles.yaml): on schedule, once across instances,
with a chart of the last eight weeks; and by hand from `repbot summary --post` or `/summary`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.chart import trend_chart
from bot.core.clock import iso
from bot.core.coach import Guide
from bot.core.summary import (
    WeeklySummary,
    build_summary,
    claim_weekly_post,
    faq_titles,
    iso_week,
    trends,
    weekly_post_key,
)
from bot.core.ticker import Ticker
from bot.services import Services
from bot.slack.blocks.summary import summary_post
from bot.store import Store

log = logging.getLogger(__name__)

SCHEDULE_INTERVAL = 60.0  # seconds between looks at the clock
RETRY_AFTER = timedelta(minutes=10)


def weekly_summary(
    store: Store, guide: Guide, week: str | None = None, titles: Mapping[str, str] | None = None
) -> WeeklySummary:
    """The summary of `week` ("2026-W47"; None: the last complete week), its top topics by
    their FAQ question where `titles` has it. ValueError for a week that cannot be read."""
    tz = guide.goals.schedule.tz
    start, end, label = iso_week(week, now=store.clock.now(), tz=tz)
    return build_summary(
        store, start=start, end=end, label=label, goals=guide.goals, tz=tz,
        policy=guide.solutions, titles=titles,
    )  # fmt: skip


def post_summary(
    client: WebClient, store: Store, guide: Guide, summary: WeeklySummary, channel: str
) -> None:
    """The post, then the trend chart under it. Raises SlackApiError / OSError on failure."""
    client.chat_postMessage(channel=channel, **summary_post(summary))
    png = trend_chart(trends(store, end=summary.end, tz=guide.goals.schedule.tz))
    client.files_upload_v2(
        channel=channel, content=png, filename=f"repbot-trends-{summary.label}.png",
        title=f"Trends of the last 8 weeks to {summary.label}",
    )  # fmt: skip


def due_at(services: Services, now: datetime) -> datetime:
    """When this week's post of the week before is due: the schedule's day and time."""
    schedule = services.coach.guide.goals.schedule
    local = now.astimezone(schedule.tz)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=schedule.day)
    return datetime.combine(day, schedule.time, tzinfo=schedule.tz)


def post_if_due(client: WebClient, services: Services) -> bool:
    """Post last week's summary once it is due, exactly once over every instance; a failed
    post is tried again. True when this call posted it."""
    store = services.store
    now = store.clock.now()
    if now < due_at(services, now):
        return False
    guide = services.coach.guide
    # Claim the week first: this runs every minute for the rest of the week once it is due,
    # and adding the week up is the costly part.
    _, _, label = iso_week(None, now=now, tz=guide.goals.schedule.tz)
    if not claim_weekly_post(store, label, now):
        return False
    summary = weekly_summary(store, guide, titles=faq_titles(services.faq.entries.values()))
    try:
        post_summary(client, store, guide, summary, guide.roles.channels["management"])
    except (SlackApiError, OSError) as error:
        log.warning("the weekly summary %s failed: %s", label, error)
        store.reminder_failed(weekly_post_key(label), str(error), iso(now + RETRY_AFTER))
        return False
    store.reminder_delivered(weekly_post_key(label), iso(now))
    return True


def summary_ticker(
    client: WebClient, services: Services, interval: float = SCHEDULE_INTERVAL
) -> Ticker:
    return Ticker("weekly-summary", interval, lambda: post_if_due(client, services))
