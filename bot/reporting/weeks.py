"""Weeks as the summary counts them: ISO weeks, Monday to Monday in the team's time zone,
named "2026-W47", "this week" or "last week"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.shared.refusal import Refusal

WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)

RELATIVE_WEEKS = {"this week": 0, "this": 0, "last week": 1, "last": 1}  # weeks back


def week_bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in `tz`, as aware UTC times (a week with a daylight
    saving change is an hour shorter or longer)."""
    start = datetime.combine(monday, time(0), tz).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tz).astimezone(UTC)
    return start, end


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


class WeekError(Refusal):
    """Text that names no week; the message says how to write one."""


def iso_week(text: str | None, *, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, str]:
    """The week "2026-W47", "this week" (so far) or "last week" (also for None: the last
    complete week before `now`) as (start, end, label): aware UTC times of Monday 00:00 and
    the next Monday 00:00 in the team's time zone. WeekError saying what is wrong for any
    other text."""
    relative = RELATIVE_WEEKS.get(" ".join((text or "last week").lower().split()))
    if relative is not None:
        today = now.astimezone(tz).date()
        monday = today - timedelta(days=today.weekday() + 7 * relative)
    else:
        match = WEEK.match(text or "")  # None read as "last week" above
        if not match:
            raise WeekError(
                f"{text!r} is not a week: write it like 2026-W47 (ISO year-week), "
                "or this week, or last week."
            )
        year, week = int(match[1]), int(match[2])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            weeks = date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last
            raise WeekError(f"{year} has weeks 1 to {weeks}, not {week}.") from None
    return *week_bounds(monday, tz), week_label(monday)


def previous_week(start: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    monday = start.astimezone(tz).date() - timedelta(days=7)
    return week_bounds(monday, tz)
