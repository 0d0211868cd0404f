"""When a rep says a promise is due: "in 2h", "in 3 months", "tomorrow 10am", "tomorrow 9",
"fri", "next monday 3pm", "next week", "2026-12-01 14:00", "eod", "tonight 7pm", "tomorrow
midnight", "first thing tomorrow", read in the rep's own time zone, or in the one they name
after the time ("tomorrow 10am London time", "4pm GMT": bot.followups.zones), and returned
as UTC.

A small grammar of our own rather than a general date parser: dateparser (tried) puts
"tomorrow 10am" on the wrong side of a daylight-saving change, reads "fri 3" as March next
year, and skips words it does not know ("in 2h the"), which breaks finding where the time
ends and the promise begins. Here every word must be understood, and a day is combined with
its clock time in the rep's zone, so "10am" is 10 am local whatever the offset that day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.playbooks import WorkingHours
from bot.followups.zones import Unclear, Zone, read_zone, zone_said
from bot.shared import times
from bot.shared.refusal import Refusal

MAX_AHEAD = timedelta(days=366)  # further than that is a typo ("2062"), not a promise
MAX_WORDS = 8  # the longest when-phrase: "by the end of the day on friday"
EXAMPLES = '"in 2h", "tomorrow 10am", "fri 3pm", "next monday", "2026-12-01 14:00" or "eod"'
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tomorow": 1}
EVENING = ("tonight", "tonite")
UNITS = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "h": 60, "hr": 60, "hrs": 60,
         "hour": 60, "hours": 60, "d": 1440, "day": 1440, "days": 1440, "w": 10080,
         "wk": 10080, "wks": 10080, "week": 10080, "weeks": 10080}  # fmt: skip
# Months are the calendar's ("in 1 month" from 31 Jan is 28 Feb), so they are counted apart.
MONTH_UNITS = {"mo": 1, "mos": 1, "month": 1, "months": 1, "y": 12, "yr": 12, "yrs": 12,
               "year": 12, "years": 12}  # fmt: skip
RELATIVE_EXAMPLES = '"in 2h", "in 30 min", "in 3 days", "in 2 weeks" or "in 6 months"'
AMOUNT = re.compile(r"(\d+(?:\.\d+)?|an?|half an?)\s*([a-z]+)")
AMOUNTS = ("a", "an", "half")  # the words of an amount that are no number
CLOCK_12 = re.compile(r"^(\d{1,2})(?:[:.]([0-5]\d))?(am|pm)$")
CLOCK_24 = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DAY_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
BARE_HOUR = re.compile(r"^\d{1,2}$")
YEAR = re.compile(r"^\d{4}$")
# A word that looks like someone meant a time; after a when-phrase it means they mistyped one.
MERIDIEM = re.compile(r"\b(\d{1,2}(?:[:.]\d{2})?)\s+([ap])\.?m\b\.?", re.IGNORECASE)
MERIDIEM_WORD = re.compile(r"^(\d{1,2}(?:[:.]\d{2})?)([ap])\.?m\.?$", re.IGNORECASE)
# "31/12", "4.5.2026": a day in numbers, which the US and the rest read the other way round
NUMBERED_DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?$")
TIME_LIKE = re.compile(r"^\d{1,2}(?::\d+)?\s*(?:am|pm)$|^\d{1,2}:\d+$|^\d+(?:am|pm)\w*$")
# Words that only ever say when: after a when-phrase they mean one we could not read, and are
# refused rather than left at the start of the promise ("tomorrow afternoon call back").
TIME_WORDS = {"morning", "afternoon", "evening", "night", "am", "pm", "noon", "midday",
              "midnight", "eod", "cob", "today", "tonight", "tomorrow", "tmrw",
              *(name for name in WEEKDAYS if name.endswith("day"))}  # fmt: skip
AFTERNOON = ("afternoon", "pm")  # a part of the day with no one hour a rep would mean
MORNING = ("morning", "am")  # the start of the working day, as a day alone
NIGHT = ("evening", "night")  # the end of the working day, as "tonight"
# Before a clock time, these say it is one: "by 5" and "around 4" are 17:00 and 16:00, as "at".
AT_WORDS = ("at", "by", "before", "around")
# "end of day" and its other names: the end of the working day.
END_OF_DAY = (["eod"], ["cob"], ["end", "of", "day"], ["end", "of", "the", "day"],
              ["the", "end", "of", "day"], ["the", "end", "of", "the", "day"],
              ["close", "of", "business"], ["end", "of", "business"])  # fmt: skip
AFTERNOON_HINT = 'The afternoon has no one hour: say which, like "today 2pm" or "tomorrow 3pm".'


class WhenError(Refusal):
    """Text that is not a time we can use; the message says what was understood and how to
    write it, in words for the rep."""

    def __init__(self, message: str, understood: str = ""):
        super().__init__(message)
        self.understood = understood


@dataclass(frozen=True)
class Due:
    """When a promise is due, and the zone the rep named for it (None: their own)."""

    at: datetime  # aware, UTC
    zone: Zone | None = None
    # "eod" said of a day the floor does not work (a Saturday, a holiday: "eod", "cob
    # tomorrow"), so due at the end of the next working day: said back with its weekday, so
    # the rep sees it moved.
    moved: bool = False
    # "eod" typed after closing on a working day: the end of that day, which had passed, said
    # in the reply so the rep sees why it is the next working day's.
    passed: datetime | None = None
    # The day named, on the clock it was read on, where the floor does not work it: said in the
    # reply with its weekday, and why it moved where it did ("as tomorrow is not a working
    # day"); a clock time on it stays as typed ("saturday 10am").
    off: date | None = None


@dataclass(frozen=True)
class _Read:
    """A moment a phrase names, the day it named (None for a length of time: "in 2h"), and
    whether that day was moved to the next working day."""

    at: datetime
    day: date | None = None
    moved: bool = False


@dataclass(frozen=True)
class _Day:
    # "offset" (today + n), "weekday", "next week" (a weekday of it), "date" (year given)
    # or "yearless"
    kind: str
    offset: int = 0
    weekday: int = 0
    next: bool = False  # "next friday": never today
    evening: bool = False  # "tonight": the end of the working day, and "tonight 7" is 19:00
    day: date | None = None  # for "date"; for "yearless" the year is ignored


@dataclass(frozen=True)
class _When:
    minutes: int = 0  # relative: "in 2h" is 120 minutes of real time
    days: int = 0  # relative: "in 2 days" is the same clock time two days on
    months: int = 0  # relative: "in 2 months" is the same day and clock time two months on
    relative: bool = False
    day: _Day | None = None
    clock: time | None = None
    eod: bool = False  # end of the working day
    midnight: bool = False  # the 00:00 that ends the day named (`clock` is 00:00)


def _tokens(text: str) -> list[str]:
    """The words as typed, with "10 am" and "10 a.m." made one word ("10am")."""
    return MERIDIEM.sub(lambda m: f"{m[1]}{m[2].lower()}m", text).split()


def _words(tokens: list[str]) -> list[str]:
    """The tokens in lower case, "10a.m." as "10am" (the dots of "3.30pm" kept)."""
    return [
        f"{match[1]}{match[2]}m".lower() if (match := MERIDIEM_WORD.match(token)) else token.lower()
        for token in tokens
    ]


def _relative(words: list[str]) -> _When | None:
    """ "2h", "30 min", "1h30m", "an hour", "2 days", "1 week and 2 days", "3 months", "a year"
    (after "in")."""
    text = " ".join(w for w in words if w != "and")
    if not text:
        return None
    minutes = months = position = 0
    while position < len(text):
        match = AMOUNT.match(text, position)
        if match is None or (match[2] not in UNITS and match[2] not in MONTH_UNITS):
            return None
        amount = 1 if match[1] in ("a", "an") else 0.5 if match[1].startswith("half") else None
        if match[2] in MONTH_UNITS:
            months += int((amount or float(match[1])) * MONTH_UNITS[match[2]])
        else:  # "in 1.5 hours" is 90 minutes
            minutes += int((amount or float(match[1])) * UNITS[match[2]])
        position = match.end()
        while position < len(text) and text[position] == " ":
            position += 1
    # "in 0h" reads as now, which `parse_when` refuses as passed, in those words
    days, rest = divmod(minutes, 1440)
    return _When(minutes=rest, days=days, months=months, relative=True)


def _day(words: list[str]) -> tuple[_Day, int] | None:
    """The day at the start of `words` and how many words it took."""
    first = words[0]
    if first in DAY_OFFSETS:
        return _Day("offset", offset=DAY_OFFSETS[first]), 1
    if first in EVENING:
        return _Day("offset", evening=True), 1
    if first in WEEKDAYS:
        return _Day("weekday", weekday=WEEKDAYS[first]), 1
    if first == "this" and len(words) > 1 and words[1] in MORNING + NIGHT:  # "this evening"
        return _Day("offset"), 1
    if first in ("next", "this") and len(words) > 1 and words[1] in WEEKDAYS:
        return _Day("weekday", weekday=WEEKDAYS[words[1]], next=first == "next"), 2
    if words[:2] == ["next", "week"] and len(words) > 2 and words[2] in WEEKDAYS:
        return _Day("next week", weekday=WEEKDAYS[words[2]]), 3  # "next week friday"
    if words[:2] == ["next", "week"]:  # the week's first day: next Monday
        return _Day("weekday", weekday=0, next=True), 2
    if match := ISO_DATE.match(first):
        try:
            return _Day("date", day=date(int(match[1]), int(match[2]), int(match[3]))), 1
        except ValueError:
            return None
    # "1 dec", "1st december 2026", "dec 1", "december 1st 2026"
    if len(words) > 1:
        for number_word, month_word in ((words[0], words[1]), (words[1], words[0])):
            number = DAY_NUMBER.match(number_word)
            if number and month_word in MONTHS:
                has_year = len(words) > 2 and YEAR.match(words[2])
                year = int(words[2]) if has_year else 2000  # a leap year lets 29 feb through
                try:
                    day = date(year, MONTHS[month_word], int(number[1]))
                except ValueError:
                    return None
                return _Day("date" if has_year else "yearless", day=day), 3 if has_year else 2
    return None


def _bare_hour(word: str, *, at: bool, evening: bool = False) -> int | None:
    """The hour a number on its own names where a rep means one: after a day, 8 to 23 is the
    hour on the 24-hour clock ("tomorrow 9" is 09:00, "friday 14" is 14:00); a smaller one
    ("fri 3 boxes") is more likely a count than 3 am, unless "at" says it is a time, and then
    it is the afternoon ("at 3" is 15:00): nobody promises a call back at 3 am."""
    if not BARE_HOUR.match(word):
        return None
    hour = int(word)
    if evening and 6 <= hour <= 11:  # "tonight 7" is 19:00, "tonight 3 boxes" a count
        return hour + 12
    if 8 <= hour <= 23:
        return hour
    return hour + 12 if at and 1 <= hour < 8 else None


def _clock(
    words: list[str], *, bare: bool = False, at: bool = False, evening: bool = False
) -> tuple[time | None, str, int] | None:
    """(clock time, what it marks, words taken) at the start of `words`; the mark is "eod" for
    the end of the working day (no clock time), "midnight" for the 00:00 that ends the day
    named ("12am" too: nobody promises the first minute of a day), else "". A number on its
    own is an hour only where `bare` says it follows a day or "at" (`at`), never at the start."""
    first = words[0]
    if first == "12" and len(words) > 1 and words[1] in ("noon", "midday", "midnight"):
        said = _clock(words[1:])  # "12 noon", "12 midnight"
        return None if said is None else (said[0], said[1], 2)
    if first == "midnight" or (bare and evening and first == "12"):  # "tonight 12"
        return time(0), "midnight", 1
    if bare and (hour := _bare_hour(first, at=at, evening=evening)) is not None:
        return time(hour), "", 1
    if first in ("noon", "midday"):
        return time(12), "", 1
    for phrase in END_OF_DAY:
        if words[: len(phrase)] == phrase:
            return None, "eod", len(phrase)
    if match := CLOCK_12.match(first):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            return None
        if (hour, minute, match[3]) == (12, 0, "am"):
            return time(0), "midnight", 1
        return time(hour % 12 + (12 if match[3] == "pm" else 0), minute), "", 1
    if match := CLOCK_24.match(first):
        return time(int(match[1]), int(match[2])), "", 1
    return None


def _part(words: list[str], position: int, day: _Day) -> tuple[_Day, int]:
    """The day with the part of it said at `position`, and where the words go on: "tomorrow
    morning" and "tomorrow first thing" are its start, as the day alone; "tomorrow night" is
    its end, as "tonight" is today's."""
    rest = words[position:]
    if rest[:1] and rest[0] in MORNING:
        return day, position + 1
    if rest[:2] == ["first", "thing"]:
        return day, position + 2
    if rest[:1] and rest[0] in NIGHT:
        return replace(day, evening=True), position + 1
    return day, position


def _phrase(words: list[str]) -> _When | None:
    """The whole of `words` as a time, or None when any word is not understood."""
    if not words:
        return None
    if words[0] == "in":
        return _relative(words[1:])
    at = words[0] in AT_WORDS
    if words[0] in (*AT_WORDS, "on"):
        words = words[1:]
    day = clock = None
    mark = ""
    position = 0
    if words[:2] == ["first", "thing"]:  # "first thing tomorrow": the day's opening time
        position = 2
    if position < len(words) and (found := _day(words[position:])):
        day, taken = found
        day, position = _part(words, position + taken, day)
    if position < len(words) and words[position] in AT_WORDS:
        at = True
        position += 1
    bare = at or day is not None
    evening = day is not None and day.evening
    bare_hour = position < len(words) and BARE_HOUR.match(words[position]) is not None
    if position < len(words) and (
        clock_found := _clock(words[position:], bare=bare, at=at, evening=evening)
    ):
        clock, mark, taken = clock_found
        position += taken
        # A time first: "10am tomorrow", "3pm on fri", "midnight tonight".
        if day is None and position < len(words):
            if words[position] == "on":
                position += 1
            if position < len(words) and (found := _day(words[position:])):
                day, taken = found
                day, position = _part(words, position + taken, day)
    if position != len(words) or (day is None and clock is None and not mark):
        return None
    if day is not None and day.evening and bare_hour and clock is not None and not mark:
        if clock.hour == 12:  # "at 12 tonight" is midnight
            clock, mark = time(0), "midnight"
        elif clock.hour < 12:  # "at 9 tonight" is 21:00
            clock = clock.replace(hour=clock.hour + 12)
    return _When(day=day, clock=clock, eod=mark == "eod", midnight=mark == "midnight")


def _longest(words: list[str]) -> int:
    """How many leading words make the longest phrase that reads as a time (0 for none)."""
    for length in range(min(len(words), MAX_WORDS), 0, -1):
        if _phrase(words[:length]) is not None:
            return length
    return 0


def _zone_after(tokens: list[str], length: int) -> tuple[Zone | None, int] | None:
    """The zone named right after the time in the first `length` tokens, and how many tokens
    it takes (a zone of None: "my time", the rep's own). WhenError for words meant as a zone
    that name none we can use, so they never end up in the promise."""
    found = read_zone(tokens[length:])
    if isinstance(found, Unclear):
        raise WhenError(found.question, " ".join(tokens[:length]))
    return found


def _zoned(tokens: list[str], words: list[str]) -> tuple[int, Zone | None, list[str]]:
    """How many leading tokens say when (0 for none), the zone they name, and those tokens
    without the zone's: a zone follows the time, which may go on after it ("10am PST
    tomorrow")."""
    length = _longest(words)
    found = _zone_after(tokens, length) if length else None
    if found is None:
        return length, None, tokens[:length]
    zone, taken = found
    after = length + taken
    more = next(
        (k for k in range(min(len(words) - after, MAX_WORDS), 0, -1)
         if _phrase(words[:length] + words[after : after + k]) is not None),
        0,
    )  # fmt: skip
    return after + more, zone, tokens[:length] + tokens[after : after + more]


def _local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    # The clock time on that day in the zone, with that day's offset: daylight saving never
    # moves "10 am". A time that does not exist (the spring-forward hour) reads as the offset
    # before the change, which zoneinfo gives for fold=0: 02:30 becomes 03:30.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _months_on(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day ("in 1 month" from 31 Jan)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _resolve(
    when: _When, now: datetime, tz: ZoneInfo, hours: WorkingHours, *, working_day: bool = True
) -> _Read:
    """The moment `when` names. A support floor's end of day and start of day are a working
    day's: "eod" (with a day or without) on a day the floor does not work, or of today once it
    has closed, is the next working day's, and so is a day without a clock time ("tomorrow
    morning", "first thing tomorrow": its opening), unless not `working_day` (the day as
    said)."""
    local_now = now.astimezone(tz)
    if when.relative:
        # Whole days and months keep the clock time (the day after a change too), the rest is
        # real time.
        moved = _months_on(local_now.date(), when.months) + timedelta(days=when.days)
        return _Read(_local(moved, local_now.time(), tz) + timedelta(minutes=when.minutes))
    evening = when.day is not None and when.day.evening
    if when.eod or (evening and when.clock is None):
        clock = hours.end
    else:
        clock = hours.start if when.clock is None else when.clock
    # Midnight is the 00:00 that ends the day named, so the day after it on the calendar.
    ends = timedelta(days=1 if when.midnight else 0)
    # "eod", "tonight" ("tomorrow night": the same end of the working day) and the opening of
    # a day said alone: what nobody keeps on a day off ("yesterday" stays where it is, refused
    # as passed)
    forward = when.day is None or when.day.offset >= 0
    working = forward and (when.eod or when.clock is None)

    def on(day: date) -> _Read:
        kept = hours.working_day_from(day) if working and working_day else day
        return _Read(_local(kept + ends, clock, tz), day, kept != day)

    today = local_now.date()
    day = when.day
    if day is None or (day.kind == "offset" and day.offset == 0):
        # "eod" typed after closing on a working day means the next working day's end, as a
        # rep promising "by end of day" at 7 pm does; any other time of today stays as said.
        if when.eod and working_day and on(today).at <= now:
            return on(today + timedelta(days=1))
        return on(today)
    if day.kind == "offset":
        return on(today + timedelta(days=day.offset))
    if day.kind in ("date", "yearless"):
        date_said = day.day
        assert date_said is not None  # _day gives both kinds their date
        if day.kind == "date":
            return on(date_said)
        # This year's, or next year's once it has passed; 29 February waits for a leap year
        # (more than a year away, which parse_when then refuses).
        for year in range(today.year, today.year + 5):
            try:
                moment = on(date_said.replace(year=year))
            except ValueError:
                continue
            if moment.at > now:
                break
        return moment
    if day.kind == "next week":
        return on(today + timedelta(days=7 - today.weekday() + day.weekday))
    # A weekday is the next such day that is still ahead: "fri" on a Friday at 8 am is today
    # at 9, at noon it is next Friday; "next fri" is never today.
    ahead = (day.weekday - today.weekday()) % 7
    if ahead == 0 and (day.next or on(today).at <= now):
        ahead = 7
    return on(today + timedelta(days=ahead))


def describe(moment: datetime, tz: ZoneInfo, zone: Zone | None = None) -> str:
    """How a time reads back to the rep, with the zone it was read in as people say it: "Mar 6,
    2026 at 9:00 AM London time" on their own clock; on a `zone` they named, in the words a
    saved promise says it with: "Mar 6, 2026 at 12:00 PM UTC+5", "... Kolkata time", "... PDT"."""
    if zone is not None:
        return f"{times.at(moment, zone.tz)} {zone.label(moment)}"
    return f"{times.at(moment, tz)} {zone_said(tz)}"


def _moment(
    when: _When, now: datetime, tz: ZoneInfo, hours: WorkingHours, *, working_day: bool = True
) -> _Read | None:
    """The moment `when` names; None past the calendar's end ("in 99999 years")."""
    try:
        return _resolve(when, now, tz, hours, working_day=working_day)
    except (OverflowError, ValueError):
        return None


def _hint(word: str) -> str:
    """How to write a time, for one whose `word` we could not read."""
    return AFTERNOON_HINT if word in AFTERNOON else f"Try {EXAMPLES}."


def _unread(tokens: list[str], words: list[str], whole: str) -> WhenError:
    """What to say of text that does not start with a time; `whole` is the refusal for any
    text but a day in numbers or "in" with a length we cannot read."""
    first = tokens[0] if tokens else ""
    if afternoon := [i for i, word in enumerate(words[:3]) if word in AFTERNOON]:
        said = " ".join(tokens[: afternoon[0] + 1])  # "this afternoon"
        return WhenError(f"I couldn't read {said!r} as a time. {AFTERNOON_HINT}")
    if NUMBERED_DATE.match(first):
        return WhenError(
            f"I don't read dates in numbers like {first!r}: 03/04 is the 3rd of April in "
            'London and March the 4th in New York. Write the month as a word, like "31 dec '
            '10am", or the date as "2026-12-31".'
        )
    if words[:1] == ["in"] and len(words) > 1:
        # "in", the amount and the word meant as its unit ("in 5 parsecs", "in a bit")
        amount = 1
        while amount < len(words) - 1 and (words[amount].isdigit() or words[amount] in AMOUNTS):
            amount += 1
        said = " ".join(tokens[: amount + 1])
        return WhenError(
            f'I couldn\'t read {said!r} as a time: after "in", say how long from now in '
            f"minutes, hours, days, weeks or months. Try {RELATIVE_EXAMPLES}."
        )
    return WhenError(whole)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, hours: WorkingHours | None = None) -> Due:
    """When `text` says a promise is due: the moment, aware and in UTC, read on the rep's
    clock `tz` or on the zone named after the time, and that zone. A day without a time is the
    start of the working day (`hours`, 09:00 by default); "eod" and "tonight" are its end,
    "eod" or "tonight" of a day the floor does not work, or "eod" of today after closing, the
    end of the next working day (said on a Saturday, "eod", "cob tomorrow" and "tomorrow
    night" are Monday's; "sunday 3pm" stays
    as said; "eod" at 7 pm on a Wednesday is Thursday's, "today 3pm" is refused).
    Raises WhenError for text that is not understood, a zone that is not (or names several),
    a time that has passed, or one more than a year away."""
    hours = hours or WorkingHours()
    tokens = _tokens(text)
    words = _words(tokens)
    if not words:
        raise WhenError(f"When is it due? Try {EXAMPLES}.")
    end, zone, kept = _zoned(tokens, words)
    if zone is not None:
        tz = zone.tz
    tokens = kept + tokens[end:]
    words = _words(tokens)
    when = _phrase(words)
    if when is None:
        length = _longest(words)
        rest = " ".join(words[length:])
        partial = _phrase(words[:length])  # None when no leading words read as a time
        if partial is None:
            whole = f"I couldn't read {text.strip()!r} as a time. Try {EXAMPLES}."
            raise _unread(tokens, words, whole)
        understood = " ".join(words[:length])
        partly = _moment(partial, now, tz, hours)
        read_as = f" as {describe(partly.at, tz, zone)}" if partly else ""
        raise WhenError(
            f"I understood {understood!r}{read_as} but not {rest!r}. {_hint(words[length])}",
            understood,
        )
    said = text.strip()
    read = _moment(when, now, tz, hours)
    moment = read.at if read else None
    if moment is not None and moment <= now:
        if when.day is not None and when.day.evening and when.clock is None:
            raise WhenError(_tonight_passed(moment, tz, zone, hours), said)
        raise WhenError(
            f"{said!r} is {describe(moment, tz, zone)}, which has already passed. Give a time "
            'ahead, like "tomorrow 10am" or "in 2h".',
            said,
        )
    if read is None or moment is None or (when.relative and moment - now > MAX_AHEAD):
        raise WhenError(
            f"{said!r} is too far ahead: a follow-up is due within a year. Give a nearer time, "
            'like "in 6 months" or "next monday".',
            said,
        )
    if moment - now > MAX_AHEAD:
        raise WhenError(
            f"{said!r} is {describe(moment, tz, zone)}, more than a year away: check the year.",
            said,
        )
    as_said = _moment(when, now, tz, hours, working_day=False)
    # moved from a working day that had closed, not from one the floor does not work
    after_closing = (
        when.eod
        and as_said is not None
        and as_said.at != moment
        and as_said.at <= now
        and hours.is_working_day(as_said.at.astimezone(tz).date())
    )
    off = read.day if read.day is not None and not hours.is_working_day(read.day) else None
    return Due(
        moment, zone, read.moved or after_closing,
        passed=as_said.at if as_said is not None and after_closing else None, off=off,
    )  # fmt: skip


def _tonight_passed(moment: datetime, tz: ZoneInfo, zone: Zone | None, hours: WorkingHours) -> str:
    """What to type for "tonight" alone once the working day it names has ended: the hour, or
    "eod" for the next working day's end (on a Friday, Monday's)."""
    today = moment.astimezone(tz).date()
    next_day = hours.working_day_from(today + timedelta(days=1))
    whose = "tomorrow" if next_day == today + timedelta(days=1) else f"{next_day:%A}"
    ended = times.clock(moment, tz) + (f" {zone.label(moment)}" if zone else "")
    return (
        f"The working day ended at {ended}: give the hour, like “9pm”, or “eod” for {whose}'s "
        "end of day."
    )


# Words that lead a time ("next monday", "by 5"), said with the word after them when that
# word is no time: "'next blursday' is not a time", not "'next' is not a time".
_LEADS_A_TIME = frozenset({"next", "this", "on", "by", "at", "in", "until", "before", "from"})


def split_when(
    text: str,
    *,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    hours: WorkingHours | None = None,
) -> tuple[str, str]:
    """`/followup tomorrow 10am call her back C-1042` -> ("tomorrow 10am", "call her back
    C-1042"): the longest leading phrase that reads as a time, with the zone named after it
    ("tomorrow 10am London time"), and the rest as typed. Raises WhenError when the text does
    not start with a time, when words after it are meant as a zone but name none we can use
    ("IST", "XYZ time"), or when the word after the time looks like a mistyped time ("tomorrow
    25pm ..."). Given `now` and `tz`, the time is also checked
    as `parse_when` checks it (not past, not a year away), so one call finds every mistake."""
    tokens = _tokens(text)
    words = _words(tokens)
    length = _zoned(tokens, words)[0]
    if length == 0:
        first = tokens[0] if tokens else ""
        if first.lower() in _LEADS_A_TIME and len(tokens) > 1:  # "next blursday": both words
            first = f"{first} {tokens[1]}"
        whole = f"Start with when it is due ({first!r} is not a time). Try {EXAMPLES}."
        raise _unread(tokens, words, whole)
    if length < len(words) and (TIME_LIKE.match(words[length]) or words[length] in TIME_WORDS):
        understood = " ".join(words[:length])
        raise WhenError(
            f"I understood {understood!r} but not {words[length]!r} as a time. "
            f"{_hint(words[length])}",
            understood,
        )
    when_text = " ".join(tokens[:length])
    if now is not None and tz is not None:
        parse_when(when_text, now=now, tz=tz, hours=hours)
    return when_text, " ".join(tokens[length:])
