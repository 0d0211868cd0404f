"""The weekly post: which week, when it is due, and the claim that makes it go out once
over every instance."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.cases.solutions import SolutionPolicy
from bot.faq.matching import Matcher
from bot.reporting.goals import Goals, Schedule
from bot.reporting.summary import Labels, WeeklySummary, build_summary
from bot.reporting.weeks import WeekError, iso_week, week_label
from bot.shared import jobs, times
from bot.shared.db import Store


def weekly_post_key(label: str) -> str:
    return f"summary:{label}"


def claim_weekly_post(store: Store, label: str, now: datetime, instance: str = "summary") -> bool:
    """True for exactly one caller per week label, over every instance: the claim is a unique
    row in `job_claims`. Mark it with jobs.job_delivered once the post is queued (the outbox
    retries the sending); a claim not marked within jobs.CLAIM_TIMEOUT is taken over."""
    return jobs.claim_job(
        store,
        key=weekly_post_key(label),
        kind="weekly_summary",
        recipient_id="management",
        due_at=now,
        instance=instance,
        now=now,
    )


def first_post(store: Store, label: str) -> bool:
    """Whether the week `label` would be the first the schedule ever posted: no week before it
    was claimed (a new install, or one that never reached its first posting time)."""
    return jobs.last_claim_before(store, "weekly_summary", weekly_post_key(label)) is None


def missed_weeks(store: Store, label: str) -> list[str]:
    """The weeks between the last one posted on schedule and `label` that were never posted
    (the bot was stopped when they were due): nothing before the first post ever made."""
    key = weekly_post_key(label)
    last = jobs.last_claim_before(store, "weekly_summary", key)
    if last is None:
        return []
    monday = _monday(last.removeprefix("summary:")) + timedelta(days=7)
    missed = []
    while week_label(monday) < label:
        missed.append(week_label(monday))
        monday += timedelta(days=7)
    return missed


def _monday(label: str) -> date:
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def weekly_summary(
    store: Store, goals: Goals, policy: SolutionPolicy, week: str | None = None,
    labels: Labels | None = None, matcher: Matcher | None = None,
) -> WeeklySummary:  # fmt: skip
    """The summary of `week` ("2026-W47"; None: the last complete week), its tables' keys
    named by `labels` (`summary_labels`). WeekError for a week that cannot be read, or that
    has not started yet (nothing to sum up: it would read as a quiet week)."""
    tz = goals.schedule.tz
    now = store.clock.now()
    start, end, label = iso_week(week, now=now, tz=tz)
    if start > now:
        _, _, this_week = iso_week("this week", now=now, tz=tz)
        first = start.astimezone(tz).date()
        raise WeekError(
            f"{label} has not started yet: it begins on "
            f"{first:%A}, {times.day(first)}, and its summary can be read "
            f"from then. This week so far is {this_week}."
        )
    return build_summary(
        store, start=start, end=end, label=label, goals=goals, tz=tz, policy=policy,
        labels=labels, matcher=matcher,
    )  # fmt: skip


def due_at(schedule: Schedule, now: datetime) -> datetime:
    """When this week's post of the week before is due: the schedule's day and time."""
    local = now.astimezone(schedule.tz)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=schedule.day)
    return datetime.combine(day, schedule.time, tzinfo=schedule.tz)


def next_due_at(schedule: Schedule, now: datetime) -> datetime:
    """The first posting time after `now`: this week's, or next week's once this one's passed."""
    due = due_at(schedule, now)
    return due if due > now else due_at(schedule, now + timedelta(days=7))
