"""When a promise is due, said one way wherever it is shown: the reply, `/followup list`, the
reminders, the lead's alert, Home, the case card, a redirect packet and a matter's history; a
time the rep gave on the customer's clock is said on it first, then on the reader's."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.followups.service import Followup
from bot.followups.when import Due
from bot.followups.zones import Zone
from bot.shared import times
from bot.slack.blocks.base import Mrkdwn, escape, local_time, your_time

DAY = timedelta(days=1)
NEAR = ("today", "tomorrow")


def due_time(
    moment: datetime, tz: ZoneInfo | None, now: datetime | None = None, zone: Zone | None = None,
    *, weekday: bool = False,
) -> tuple[str, Mrkdwn]:  # fmt: skip
    """When a follow-up is due, in plain words and as shown. Midnight gets its weekday and the
    day it ends ("Fri, Dec 4, 2026 at 12:00 AM (midnight at the end of Thursday)"): "tomorrow
    at 12:00 AM" would leave the rep to work out which night it is. Said back to the rep who
    just gave it (`now`), any day but today and tomorrow gets its weekday too ("Fri, Dec 4,
    2026 at 9:00 AM"), so a wrong day shows at once, and so do those two with `weekday` (a day
    the rep did not name: "eod" on a Sunday is Monday's end); and a time given in another
    `zone`, the customer's, is said on that clock and on the rep's (`_in_zone`), its plain
    words (a phone's notification, read later) with dates for "today" and "tomorrow", and both
    with dates where no `now` says when it is read (a reminder, the Home tab). No `tz`: a message
    many read (a case card, a team's packet), on each reader's own clock as Slack shows it,
    after the customer's, dated, where the rep named one."""
    if tz is None:
        if zone is None:
            return times.at_utc(moment), local_time(moment)
        theirs = _on_their_clock(moment, None, zone, near=True, later=True)
        return f"{theirs} ({times.at_utc(moment)})", escape(f"{theirs} (") + your_time(moment) + ")"
    if zone is not None and _clock_differs(moment, tz, zone):
        shown = _in_zone(moment, tz, now, zone, weekday=weekday)
        return _in_zone(moment, tz, now, zone, later=True, weekday=weekday), Mrkdwn(escape(shown))
    if ends := _midnight(moment, tz):
        said = f"{times.on_weekday(moment, tz)} ({ends})"
        return said, Mrkdwn(escape(said))
    if now is not None and (weekday or times.day_said(moment, tz, now) not in NEAR):
        said = times.on_weekday(moment, tz)
        return said, Mrkdwn(escape(said))
    return times.at(moment, tz), local_time(moment, tz)


def why_moved(due: Due | None, tz: ZoneInfo, now: datetime) -> str:
    """Why a time the rep just gave is due where it is, for one moved to the next working day:
    ", as today's end of day passed at 5:00 PM" for an "eod" typed after closing; ", as
    tomorrow is not a working day" for one said of a day the floor does not work ("tomorrow
    morning" on a Friday). On the clock it was read on; on a zone the rep named, with that
    day's name (", as Friday's end of day passed at 5:00 PM New York time"), as the rep's today
    may be another. Nothing for a time as said."""
    if due is None or not due.moved:
        return ""
    zone = due.zone
    if due.passed is not None:
        if zone is None:
            return f", as today's end of day passed at {times.clock(due.passed, tz)}"
        closed = due.passed.astimezone(zone.tz)
        return f", as {closed:%A}'s end of day passed at {_on_clock(due.passed, zone)}"
    if due.off is None:
        return ""
    today = now.astimezone(zone.tz if zone else tz).date()
    ahead = (due.off - today).days
    day = ("today", "tomorrow")[ahead] if ahead in (0, 1) else times.weekday(due.off)
    return f", as {day} is not a working day"


def said_with_weekday(due: Due | None) -> bool:
    """Whether a time the rep just gave is said back with its weekday even as "today" or
    "tomorrow": one moved to the next working day, or due on a day the floor does not work."""
    return due is not None and (due.moved or due.off is not None)


def _on_clock(moment: datetime, zone: Zone) -> str:
    return f"{times.clock(moment, zone.tz)} {zone.label(moment)}"


def _midnight(moment: datetime, tz: ZoneInfo) -> str | None:
    """ "midnight at the end of Thursday" where `moment` is 00:00 on the clock of `tz`, which
    belongs to the day before it."""
    local = moment.astimezone(tz)
    return f"midnight at the end of {local - DAY:%A}" if local.time() == time(0) else None


def _clock_differs(moment: datetime, tz: ZoneInfo, zone: Zone) -> bool:
    """Whether the zone's clock shows another time than the rep's (not "GMT" in London)."""
    theirs, own = moment.astimezone(zone.tz), moment.astimezone(tz)
    return theirs.replace(tzinfo=None) != own.replace(tzinfo=None)


def _in_zone(
    moment: datetime, tz: ZoneInfo, now: datetime | None, zone: Zone, *, later: bool = False,
    weekday: bool = False,
) -> str:  # fmt: skip
    """ "tomorrow at 10:00 AM London time (5:00 AM your time)": first as promised to the
    customer, then on the rep's clock, its day said again where it is another. "today" and
    "tomorrow" on the zone's clock only while its day is the rep's too (else it reads as the
    rep's tomorrow), and never for midnight, which on the rep's clock is spelt out as the list
    spells it. Read `later` (a notification) or at no known `now`, dates instead of "today"
    and "tomorrow"; with `weekday`, neither (`due_time`)."""
    theirs = moment.astimezone(zone.tz)
    same_day = now is None or now.astimezone(zone.tz).date() == now.astimezone(tz).date()
    same_day = same_day and not weekday
    said = _on_their_clock(moment, now, zone, near=same_day, later=later)
    own = times.clock(moment, tz)
    ends = _midnight(moment, tz)
    if moment.astimezone(tz).date() != theirs.date():
        near = ends is None and not weekday
        own = f"{_day(moment, tz, now, near=near, later=later)} at {own}"
    return f"{said} ({own} your time{f', {ends}' if ends else ''})"


def _on_their_clock(
    moment: datetime, now: datetime | None, zone: Zone, *, near: bool, later: bool
) -> str:
    """ "tomorrow at 10:00 AM London time": `moment` as promised to the customer, on the clock
    of `zone`; "today" and "tomorrow" only `near` and never for midnight (`_day`)."""
    near = near and moment.astimezone(zone.tz).time() != time(0)
    day = _day(moment, zone.tz, now, near=near, later=later)
    return f"{day} at {_on_clock(moment, zone)}"


def _day(moment: datetime, tz: ZoneInfo, now: datetime | None, *, near: bool, later: bool) -> str:
    """The day of `moment` on the clock of `tz` in `_in_zone`: `times.day_said`, or its date
    in place of "today" and "tomorrow" for words read `later` or at no known `now`."""
    said = times.day_said(moment, tz, now or moment, near=near)
    if (later or now is None) and said in ("today", "tomorrow"):
        return times.day(moment.astimezone(tz).date())
    return said


def missed(promise: Followup, tz: ZoneInfo | None = None) -> Mrkdwn:
    """What follows a promise's due time in every message of it, for one snoozed after it was
    due: " · first due today at 11:00 AM, missed", so that a snooze never reads as a promise
    kept on time (the weekly summary counts it late); on the customer's clock first, as its
    due time, where the rep named one. Nothing for any other. No `tz`: as `due_time`."""
    if promise.missed_at is None:
        return Mrkdwn("")
    shown = due_time(promise.missed_at, tz, zone=promise.zone)[1]
    return Mrkdwn(" · first due ") + shown + ", missed"


def missed_in_words(promise: Followup, tz: ZoneInfo) -> str:
    """`missed` in a message's plain words (a phone's notification), on the clock of `tz`."""
    if promise.missed_at is None:
        return ""
    return f" · first due {due_time(promise.missed_at, tz, zone=promise.zone)[0]}, missed"
