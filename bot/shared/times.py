"""Times and days in words, written one way wherever repbot writes them for people: the way
Slack shows a date token of ours (`{date_short} at {time}`: "Dec 4, 2026 at 10:00 AM"), so a
message, its phone notification, a reminder and a case card all read alike. A time is shown on
the reader's clock where we know their zone, and says "UTC" where we do not."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")


def day(on: date) -> str:
    """A day: "Dec 4, 2026"."""
    return f"{on:%b} {on.day}, {on.year}"


def days(first: date, last: date, between: str = "to") -> str:
    """A span of days, its year said once: "Nov 30 to Dec 6, 2026"; across the new year both
    years, "Dec 29, 2025 to Jan 4, 2026"."""
    shown_first = f"{first:%b} {first.day}" if first.year == last.year else day(first)
    return f"{shown_first} {between} {day(last)}"


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """The time of day on the clock of `tz`: "10:00 AM"."""
    local = moment.astimezone(tz)
    return f"{local.hour % 12 or 12}:{local:%M} {local:%p}"


def at(moment: datetime, tz: ZoneInfo) -> str:
    """A time on the clock of `tz`, the reader's own zone: "Dec 4, 2026 at 10:00 AM"."""
    return f"{day(moment.astimezone(tz).date())} at {clock(moment, tz)}"


def weekday(on: date) -> str:
    """A day with its weekday: "Fri, Dec 4, 2026"."""
    return f"{on:%a}, {day(on)}"


def day_said(moment: datetime, tz: ZoneInfo, now: datetime, *, near: bool = True) -> str:
    """The day of `moment` on the clock of `tz`, said back right after someone gave it, so a
    wrong day shows at once: "today" or "tomorrow" (with `near`), any other day with its
    weekday, "Fri, Dec 4, 2026"."""
    local = moment.astimezone(tz).date()
    ahead = (local - now.astimezone(tz).date()).days
    if near and ahead in (0, 1):
        return ("today", "tomorrow")[ahead]
    return weekday(local)


def on_weekday(moment: datetime, tz: ZoneInfo) -> str:
    """`at` with the weekday, where the day must not be mistaken: "Fri, Dec 4, 2026 at
    12:00 AM"."""
    return f"{weekday(moment.astimezone(tz).date())} at {clock(moment, tz)}"


def at_utc(moment: datetime) -> str:
    """A time for a reader whose zone we do not know: "Dec 4, 2026 at 10:00 AM UTC"."""
    return f"{at(moment, UTC)} UTC"


def at_reader(moment: datetime, tz: ZoneInfo | None) -> str:
    """A time on the reader's clock where we know their zone `tz`, else in UTC, saying so."""
    return at(moment, tz) if tz else at_utc(moment)
