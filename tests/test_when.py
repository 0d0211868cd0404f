"""Reading when a promise is due: what reps type, in their own zone, across daylight saving;
text that cannot be read or is in the past is refused with what was understood."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.playbooks import WorkingHours
from bot.followups.when import Due, WhenError, parse_when, split_when

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
# Thursday 5 March 2026, 14:00 in London (GMT, UTC+0).
NOW = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)


def when(text: str, now: datetime = NOW, tz: ZoneInfo = LONDON, **kwargs) -> datetime:
    return parse_when(text, now=now, tz=tz, **kwargs).at


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2h", utc(2026, 3, 5, 16, 0)),
        ("in 30 min", utc(2026, 3, 5, 14, 30)),
        ("in an hour", utc(2026, 3, 5, 15, 0)),
        ("in 1h30m", utc(2026, 3, 5, 15, 30)),
        ("in 2 days", utc(2026, 3, 7, 14, 0)),
        ("in 2 months", utc(2026, 5, 5, 13, 0)),  # 14:00 in London, in summer time by then
        ("in a year", utc(2027, 3, 5, 14, 0)),
        ("in 1 month and 2 days", utc(2026, 4, 7, 13, 0)),
        ("tomorrow 10am", utc(2026, 3, 6, 10, 0)),
        ("Tomorrow at 10 a.m.", utc(2026, 3, 6, 10, 0)),
        ("10am tomorrow", utc(2026, 3, 6, 10, 0)),
        ("tomorrow", utc(2026, 3, 6, 9, 0)),  # a day without a time: opening time
        ("fri", utc(2026, 3, 6, 9, 0)),
        ("friday 3pm", utc(2026, 3, 6, 15, 0)),
        ("3:30pm on fri", utc(2026, 3, 6, 15, 30)),
        ("thu", utc(2026, 3, 12, 9, 0)),  # today's 09:00 has passed: next Thursday
        ("thu 4pm", utc(2026, 3, 5, 16, 0)),  # still ahead today
        ("next thursday", utc(2026, 3, 12, 9, 0)),
        ("next monday", utc(2026, 3, 9, 9, 0)),
        ("next week", utc(2026, 3, 9, 9, 0)),  # the start of next week's working days
        ("next week 2pm", utc(2026, 3, 9, 14, 0)),
        ("2026-12-01 14:00", utc(2026, 12, 1, 14, 0)),
        ("1 dec", utc(2026, 12, 1, 9, 0)),
        ("dec 1st 2026 noon", utc(2026, 12, 1, 12, 0)),
        ("eod", utc(2026, 3, 5, 17, 0)),
        ("tonight", utc(2026, 3, 5, 17, 0)),  # the end of the working day, as eod
        ("tonight 7", utc(2026, 3, 5, 19, 0)),  # a small number after tonight is the evening
        ("tonight at 9", utc(2026, 3, 5, 21, 0)),
        ("at 8 tonight", utc(2026, 3, 5, 20, 0)),
        ("10:30pm tonight", utc(2026, 3, 5, 22, 30)),
        ("tonight 20:30", utc(2026, 3, 5, 20, 30)),
        ("tomorrow noon", utc(2026, 3, 6, 12, 0)),
        ("16:45", utc(2026, 3, 5, 16, 45)),
        ("tomorrow 9", utc(2026, 3, 6, 9, 0)),  # a number after a day is the hour
        ("tomorrow at 9", utc(2026, 3, 6, 9, 0)),
        ("tomorrow 9am", utc(2026, 3, 6, 9, 0)),
        ("friday 14", utc(2026, 3, 6, 14, 0)),
        ("tomorrow 11", utc(2026, 3, 6, 11, 0)),
        ("fri at 3", utc(2026, 3, 6, 15, 0)),  # "at" makes it a time, and 3 am is no one's
        ("at 4", utc(2026, 3, 5, 16, 0)),
        ("at 9 tomorrow", utc(2026, 3, 6, 9, 0)),
        # Other ways reps write a time
        ("by eod", utc(2026, 3, 5, 17, 0)),
        ("end of the day", utc(2026, 3, 5, 17, 0)),
        ("by the end of the day", utc(2026, 3, 5, 17, 0)),
        ("close of business", utc(2026, 3, 5, 17, 0)),
        ("by 5", utc(2026, 3, 5, 17, 0)),  # as "at 5": nobody promises 5 am
        ("before 5pm", utc(2026, 3, 5, 17, 0)),
        ("around 4", utc(2026, 3, 5, 16, 0)),
        ("5pm tomorrow", utc(2026, 3, 6, 17, 0)),
        ("in 90 minutes", utc(2026, 3, 5, 15, 30)),
        ("in 1.5 hours", utc(2026, 3, 5, 15, 30)),
        ("in half an hour", utc(2026, 3, 5, 14, 30)),
        ("next monday morning", utc(2026, 3, 9, 9, 0)),  # a morning is opening time
        ("mon am", utc(2026, 3, 9, 9, 0)),
        ("first thing tomorrow", utc(2026, 3, 6, 9, 0)),
        ("tomorrow first thing", utc(2026, 3, 6, 9, 0)),
        ("tomorrow evening", utc(2026, 3, 6, 17, 0)),  # as "tonight" is today's
        ("tomorrow night 8", utc(2026, 3, 6, 20, 0)),
        ("this evening", utc(2026, 3, 5, 17, 0)),
        ("12pm tomorrow", utc(2026, 3, 6, 12, 0)),
        ("12 noon tomorrow", utc(2026, 3, 6, 12, 0)),
        ("tomorrow midday", utc(2026, 3, 6, 12, 0)),
        ("3.30pm", utc(2026, 3, 5, 15, 30)),
        ("3.30 pm", utc(2026, 3, 5, 15, 30)),
        ("15:30", utc(2026, 3, 5, 15, 30)),
        ("Friday", utc(2026, 3, 6, 9, 0)),
        ("next week friday", utc(2026, 3, 13, 9, 0)),  # the Friday of next week, not this one
        # Midnight is the 00:00 that ends the day named; alone, the coming one (ending today)
        ("midnight", utc(2026, 3, 6, 0, 0)),
        ("tonight midnight", utc(2026, 3, 6, 0, 0)),
        ("midnight tonight", utc(2026, 3, 6, 0, 0)),
        ("by midnight", utc(2026, 3, 6, 0, 0)),
        ("today midnight", utc(2026, 3, 6, 0, 0)),
        ("12 midnight", utc(2026, 3, 6, 0, 0)),
        ("12am", utc(2026, 3, 6, 0, 0)),
        ("tonight 12", utc(2026, 3, 6, 0, 0)),
        ("at 12 tonight", utc(2026, 3, 6, 0, 0)),
        ("thu midnight", utc(2026, 3, 6, 0, 0)),  # today's is still ahead: not next week's
        # The one that ends the day named
        ("tomorrow midnight", utc(2026, 3, 7, 0, 0)),
        ("midnight tomorrow", utc(2026, 3, 7, 0, 0)),
        ("tomorrow 12am", utc(2026, 3, 7, 0, 0)),
        ("fri midnight", utc(2026, 3, 7, 0, 0)),
        ("midnight on friday", utc(2026, 3, 7, 0, 0)),
        ("dec 1 midnight", utc(2026, 12, 2, 0, 0)),
    ],
)
def test_what_people_type(text, expected):
    assert when(text) == expected


def test_midnight_is_on_the_reps_clock_in_summer_time_too():
    in_june = utc(2026, 6, 17, 10, 30)  # 11:30 BST
    assert when("tomorrow midnight", now=in_june) == utc(2026, 6, 18, 23, 0)


def test_working_hours_decide_a_bare_day_and_eod():
    hours = WorkingHours(start=time(8, 30), end=time(18))
    assert when("tomorrow", hours=hours) == utc(2026, 3, 6, 8, 30)
    assert when("eod", hours=hours) == utc(2026, 3, 5, 18, 0)
    assert when("tonight", hours=hours) == utc(2026, 3, 5, 18, 0)
    # a floor's end of day is a working day's: on a Saturday or a holiday, the next one's
    assert when("eod", now=utc(2026, 3, 7, 10, 0), hours=hours) == utc(2026, 3, 9, 18, 0)
    closed = WorkingHours(holidays=frozenset({date(2026, 3, 5)}))
    assert when("cob", hours=closed) == utc(2026, 3, 6, 17, 0)


def test_eod_of_a_named_day_the_floor_does_not_work_is_the_next_working_days():
    """Found by QA: on a Saturday, "cob tomorrow" was due Sunday at 5 PM, when nobody works;
    plain "eod" already moved to Monday."""
    saturday = utc(2026, 3, 7, 10, 0)
    monday_eod = utc(2026, 3, 9, 17, 0)
    for text in ("cob tomorrow", "tomorrow eod", "eod sunday", "end of day sat"):
        due = parse_when(text, now=saturday, tz=LONDON)
        assert (due.at, due.moved) == (monday_eod, True), text  # said back with its weekday
        assert due.off in (date(2026, 3, 7), date(2026, 3, 8)), text  # and the day off said
    # a day with a clock time stays as typed, its day off said back; a working day's eod is not
    # moved
    sunday_3pm = Due(utc(2026, 3, 8, 15, 0), off=date(2026, 3, 8))
    assert parse_when("sunday 3pm", now=saturday, tz=LONDON) == sunday_3pm
    assert parse_when("eod friday", now=NOW, tz=LONDON) == Due(utc(2026, 3, 6, 17, 0))


def test_eod_typed_after_closing_on_a_working_day_is_the_end_of_the_next_working_day():
    """Found by a rep: "eod" at 7 pm on a working day was refused as passed, though a rep
    promising "by end of day" after closing means the next working day's end."""
    thursday_evening = utc(2026, 3, 5, 19, 0)  # 19:00 in London
    friday_eod = utc(2026, 3, 6, 17, 0)
    for text in ("eod", "cob", "close of business", "end of day", "by the end of the day",
                 "today eod"):  # fmt: skip
        due = parse_when(text, now=thursday_evening, tz=LONDON)
        # said back with its weekday, and the end of day that had passed
        assert due == Due(friday_eod, moved=True, passed=utc(2026, 3, 5, 17, 0)), text
    assert when("eod", now=utc(2026, 3, 5, 17, 0)) == friday_eod  # closing time: passed too
    # on a Friday evening, Monday's; before a holiday, the day after it
    assert when("cob", now=utc(2026, 3, 6, 18, 0)) == utc(2026, 3, 9, 17, 0)
    closed = WorkingHours(holidays=frozenset({date(2026, 3, 6)}))
    assert when("eod", now=thursday_evening, hours=closed) == utc(2026, 3, 9, 17, 0)
    # a Saturday evening's "eod" moves for the day, not for an end of day that passed
    saturday = parse_when("eod", now=utc(2026, 3, 7, 19, 0), tz=LONDON)
    assert saturday == Due(utc(2026, 3, 9, 17, 0), moved=True, off=date(2026, 3, 7))
    # an explicit time of today that has passed is still refused, and so is "tonight" alone
    for text in ("today 3pm", "2026-03-05 eod"):
        with pytest.raises(WhenError, match="already passed"):
            when(text, now=thursday_evening)
    with pytest.raises(WhenError, match="The working day ended at 5:00 PM"):
        when("tonight", now=thursday_evening)
    assert split_when("eod call back", now=thursday_evening, tz=LONDON) == ("eod", "call back")


def test_after_closing_is_on_the_reps_own_clock():
    # 19:00 in London is 14:00 in New York, where the working day has three hours to go
    assert parse_when("eod", now=utc(2026, 3, 5, 19, 0), tz=NEW_YORK) == Due(utc(2026, 3, 5, 22, 0))
    # 18:00 in New York: Friday's end there, 17:00 EST
    due = parse_when("eod", now=utc(2026, 3, 5, 23, 0), tz=NEW_YORK)
    assert due == Due(utc(2026, 3, 6, 22, 0), moved=True, passed=utc(2026, 3, 5, 22, 0))
    # and on the clock of a zone the rep names: 18:00 in London is 10:00 in Los Angeles
    assert parse_when("eod PST", now=utc(2026, 3, 5, 18, 0), tz=LONDON).at == utc(2026, 3, 6, 1, 0)


def test_tonight_after_the_working_day_says_what_to_type_instead():
    """Found by QA: "tonight" at 19:30 was refused as "'tonight' is Dec 2, 2026 at 5:00 PM
    (Europe/London), which has already passed", a riddle with a tz id in it."""
    with pytest.raises(WhenError) as error:
        when("tonight", now=utc(2026, 3, 5, 18, 0))  # a Thursday
    assert str(error.value) == (
        "The working day ended at 5:00 PM: give the hour, like “9pm”, or “eod” for tomorrow's "
        "end of day."
    )
    assert when("tonight 8pm", now=utc(2026, 3, 5, 18, 0)) == utc(2026, 3, 5, 20, 0)
    # on a Friday, "eod" is Monday's; on a zone the rep named, its clock is said
    with pytest.raises(WhenError, match="or “eod” for Monday's end of day"):
        when("tonight", now=utc(2026, 3, 6, 19, 30))
    with pytest.raises(WhenError, match="ended at 5:00 PM New York time: give the hour"):
        when("tonight New York time", now=utc(2026, 3, 5, 23, 0))


def test_a_start_of_day_said_of_a_day_off_is_the_next_working_days_opening():
    """Found by QA: "tomorrow morning" typed on a Friday was due Saturday at 9 AM, when the
    floor does not work."""
    friday = utc(2026, 3, 6, 10, 0)
    monday_opening = utc(2026, 3, 9, 9, 0)
    for text in ("tomorrow morning", "first thing tomorrow", "tomorrow first thing", "tomorrow",
                 "sat", "sunday morning"):  # fmt: skip
        due = parse_when(text, now=friday, tz=LONDON)
        assert (due.at, due.moved) == (monday_opening, True), text
        assert due.off in (date(2026, 3, 7), date(2026, 3, 8)), text
    # a holiday moves it on too; a clock time on a day off stays as said
    closed = WorkingHours(holidays=frozenset({date(2026, 3, 9)}))
    assert when("tomorrow morning", now=friday, hours=closed) == utc(2026, 3, 10, 9, 0)
    assert parse_when("saturday 10am", now=friday, tz=LONDON) == Due(
        utc(2026, 3, 7, 10, 0), off=date(2026, 3, 7)
    )
    # a working day's morning is not moved, and nor is a day already past
    assert parse_when("tomorrow morning", now=NOW, tz=LONDON) == Due(utc(2026, 3, 6, 9, 0))
    with pytest.raises(WhenError, match="already passed"):
        when("yesterday", now=utc(2026, 3, 9, 8, 0))  # Monday: yesterday was Sunday


def test_a_night_said_of_a_day_off_is_the_next_working_days_end_as_eod_is():
    """Found by QA: "tomorrow night" typed on a Friday evening was due Saturday at 5 PM (and on
    Christmas Eve, Christmas Day's), where "tomorrow eod" moved to Monday's."""
    friday_evening = utc(2026, 3, 6, 19, 30)
    monday_eod = utc(2026, 3, 9, 17, 0)
    for text in ("tomorrow night", "tomorrow evening", "tomorrow eod"):
        due = parse_when(text, now=friday_evening, tz=LONDON)
        assert (due.at, due.moved, due.off) == (monday_eod, True, date(2026, 3, 7)), text
    saturday = utc(2026, 3, 7, 10, 0)
    assert parse_when("tonight", now=saturday, tz=LONDON).at == monday_eod
    christmas = WorkingHours(holidays=frozenset({date(2026, 12, 25), date(2026, 12, 26)}))
    eve = utc(2026, 12, 24, 19, 30)  # a Thursday: the 28th is the next working day
    assert when("tomorrow night", now=eve, hours=christmas) == utc(2026, 12, 28, 17, 0)
    # a working day's night is not moved, and a clock time on a day off stays as said
    assert parse_when("tomorrow night", now=NOW, tz=LONDON) == Due(utc(2026, 3, 6, 17, 0))
    assert when("tomorrow night 8", now=friday_evening) == utc(2026, 3, 7, 20, 0)


def test_a_month_on_is_the_same_day_or_the_last_of_a_shorter_month():
    assert when("in 1 month", now=utc(2026, 1, 31, 10, 0)) == utc(2026, 2, 28, 10, 0)
    assert when("in 1 month", now=utc(2026, 12, 15, 10, 0)) == utc(2027, 1, 15, 10, 0)


def test_the_reps_zone_decides_what_10am_is():
    assert when("tomorrow 10am", tz=NEW_YORK) == utc(2026, 3, 6, 15, 0)  # EST, UTC-5


@pytest.mark.parametrize(
    ("now", "tz", "text", "expected"),
    [
        # London leaves summer time on Sunday 25 October 2026 at 02:00 BST.
        (utc(2026, 10, 24, 14, 0), LONDON, "tomorrow 10am", utc(2026, 10, 25, 10, 0)),
        (utc(2026, 10, 24, 14, 0), LONDON, "mon", utc(2026, 10, 26, 9, 0)),
        (utc(2026, 10, 24, 14, 0), LONDON, "in 1 day", utc(2026, 10, 25, 15, 0)),  # 15:00 GMT
        (utc(2026, 10, 24, 23, 30), LONDON, "in 2h", utc(2026, 10, 25, 1, 30)),  # real hours
        # New York starts daylight saving on Sunday 8 March 2026 at 02:00 EST.
        (utc(2026, 3, 7, 17, 0), NEW_YORK, "tomorrow 10am", utc(2026, 3, 8, 14, 0)),
        (utc(2026, 3, 7, 17, 0), NEW_YORK, "mon 9am", utc(2026, 3, 9, 13, 0)),
        (utc(2026, 3, 8, 6, 30), NEW_YORK, "in 1h", utc(2026, 3, 8, 7, 30)),
    ],
)
def test_daylight_saving_never_moves_the_clock_time(now, tz, text, expected):
    assert when(text, now=now, tz=tz) == expected


def test_the_result_is_utc():
    assert when("tomorrow 10am", tz=NEW_YORK).tzinfo == UTC


@pytest.mark.parametrize(
    ("text", "understood"),
    [("tomorrow 25pm", "tomorrow"), ("fri 3", "fri"), ("in 2h the", "in 2h")],
)
def test_text_half_understood_says_what_was_understood(text, understood):
    with pytest.raises(WhenError) as error:
        when(text)
    assert error.value.understood == understood
    assert f"I understood {understood!r}" in str(error.value)
    assert "Try" in str(error.value)


@pytest.mark.parametrize("text", ["blah", "", "  ", "in 2 parsecs", "2026-02-30"])
def test_text_that_is_not_a_time(text):
    with pytest.raises(WhenError, match="Try"):
        when(text)


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "today 9am",
        "noon",
        "today noon",
        "today midday",
        "12pm",
        "yesterday midnight",
        "2025-12-01 14:00",
        "in 0h",
        "in 0 minutes",
    ],
)
def test_a_time_in_the_past_is_refused_with_how_it_was_read(text):
    with pytest.raises(WhenError, match="already passed") as error:
        when(text)
    # the zone as people say it, never its tz id
    assert "London time, which has already passed" in str(error.value)
    assert "Europe/" not in str(error.value)


def test_more_than_a_year_ahead_is_a_typo():
    with pytest.raises(WhenError, match="more than a year away: check the year"):
        when("2062-12-01")
    assert when("in 2 weeks") == NOW + timedelta(weeks=2)


# the last two are past the calendar's end: refused in words, not an overflow
@pytest.mark.parametrize(
    "text", ["in 5 years", "in 13 months", "in 99999999 days", "in 99999999999999999999 h"]
)
def test_a_length_of_more_than_a_year_is_too_far_ahead(text):
    with pytest.raises(WhenError) as error:
        when(text)
    assert "is too far ahead: a follow-up is due within a year." in str(error.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [("in 2 parsecs", "in 2 parsecs"), ("in a bit", "in a bit"), ("in soon", "in soon")],
)
def test_in_with_a_length_not_understood_says_how_to_write_one(text, said):
    for refuse in (lambda: when(text), lambda: split_when(f"{text} call her back")):
        with pytest.raises(WhenError) as error:
            refuse()
        assert str(error.value).startswith(
            f'I couldn\'t read {said!r} as a time: after "in", say how long from now in minutes'
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "tomorrow 10am call her back about the refund C-1042",
            ("tomorrow 10am", "call her back about the refund C-1042"),
        ),
        ("in 2h Ring Sam", ("in 2h", "Ring Sam")),
        ("next Monday send the 3 boxes", ("next Monday", "send the 3 boxes")),
        ("fri 3 boxes", ("fri", "3 boxes")),  # a small number is a count, not 3 am
        ("tomorrow 9 call back", ("tomorrow 9", "call back")),
        ("tomorrow at 9 call back", ("tomorrow at 9", "call back")),
        ("friday 14 ring Sam", ("friday 14", "ring Sam")),
        ("tomorrow 9am call back about order 9", ("tomorrow 9am", "call back about order 9")),
        ("tomorrow 10 9 boxes", ("tomorrow 10", "9 boxes")),  # one hour, then the promise
        ("10am tomorrow 9 boxes", ("10am tomorrow", "9 boxes")),
        ("10 AM tomorrow check", ("10am tomorrow", "check")),
        ("eod", ("eod", "")),
        ("tonight 7 call Ben", ("tonight 7", "call Ben")),
        ("tonight 3 boxes", ("tonight", "3 boxes")),  # a small number is a count, as after fri
        ("tomorrow midnight call back", ("tomorrow midnight", "call back")),
        ("midnight tonight call back C-1001", ("midnight tonight", "call back C-1001")),
        ("next monday morning ring Sam", ("next monday morning", "ring Sam")),
        ("first thing tomorrow send the label", ("first thing tomorrow", "send the label")),
        ("3.30pm call her", ("3.30pm", "call her")),
        ("by 5 send 2 boxes", ("by 5", "send 2 boxes")),
        ("by the end of the day refund", ("by the end of the day", "refund")),
        ("eod friday call back", ("eod friday", "call back")),
    ],
)
def test_split_finds_where_the_time_ends(text, expected):
    assert split_when(text) == expected


def test_split_refuses_text_without_a_time_or_with_a_mistyped_one():
    with pytest.raises(WhenError, match="Start with when"):
        split_when("call her back tomorrow")
    # the word that leads a time is said with the one after it, which is what was not read
    with pytest.raises(WhenError, match=r"\('next blursday' is not a time\)"):
        split_when("next blursday call her")
    with pytest.raises(WhenError, match="'25pm'") as error:
        split_when("tomorrow 25pm call her")
    assert error.value.understood == "tomorrow"
    for numbered in ("31/12 call her", "4.5.2026 call her"):  # which way round is not ours to guess
        with pytest.raises(WhenError, match="Write the month as a word"):
            split_when(numbered)


@pytest.mark.parametrize(
    ("text", "understood", "word"),
    [
        ("tomorrow afternoon call back", "tomorrow", "afternoon"),
        ("fri pm call back", "fri", "pm"),
        ("in 2h tomorrow call back", "in 2h", "tomorrow"),
        ("fri 3pm tomorrow call back", "fri 3pm", "tomorrow"),
    ],
)
def test_split_never_leaves_a_word_of_time_in_the_promise(text, understood, word):
    with pytest.raises(WhenError) as error:
        split_when(text)
    assert error.value.understood == understood
    assert str(error.value).startswith(f"I understood {understood!r} but not {word!r} as a time.")


def test_the_afternoon_is_refused_with_how_to_say_its_hour():
    hint = 'The afternoon has no one hour: say which, like "today 2pm" or "tomorrow 3pm".'
    for refuse in (
        lambda: split_when("tomorrow afternoon call back"),
        lambda: split_when("this afternoon call back"),
        lambda: when("tomorrow afternoon"),
    ):
        with pytest.raises(WhenError) as error:
            refuse()
        assert str(error.value).endswith(hint)


def test_split_with_a_clock_also_refuses_a_past_time():
    assert split_when("eod call", now=NOW, tz=LONDON) == ("eod", "call")
    with pytest.raises(WhenError, match="already passed"):
        split_when("yesterday 10am call her", now=NOW, tz=LONDON)


@pytest.mark.parametrize(
    ("text", "expected", "label"),
    [
        ("tomorrow 10am London time", utc(2026, 3, 6, 10, 0), "London time"),
        ("tomorrow 10am new york time", utc(2026, 3, 6, 15, 0), "New York time"),
        ("fri 3pm Los Angeles time", utc(2026, 3, 6, 23, 0), "Los Angeles time"),
        ("tomorrow 9am (Tokyo time)", utc(2026, 3, 6, 0, 0), "Tokyo time"),
        ("tomorrow 9am Europe/Paris", utc(2026, 3, 6, 8, 0), "Paris time"),
        ("4pm GMT", utc(2026, 3, 5, 16, 0), "GMT"),
        ("4pm UTC", utc(2026, 3, 5, 16, 0), "UTC"),
        ("tomorrow 10am PST", utc(2026, 3, 6, 18, 0), "PST"),
        ("tomorrow 10am pst", utc(2026, 3, 6, 18, 0), "PST"),
        ("10am PST tomorrow", utc(2026, 3, 6, 18, 0), "PST"),  # the time goes on after it
        ("tomorrow 10am ET", utc(2026, 3, 6, 15, 0), "EST"),
        ("tomorrow 10am Eastern", utc(2026, 3, 6, 15, 0), "Eastern time"),
        ("tomorrow 10am Hawaii time", utc(2026, 3, 6, 20, 0), "Hawaii time"),
        ("tomorrow 10am CET", utc(2026, 3, 6, 9, 0), "CET"),
        # "tomorrow" on that zone's calendar: in Sydney it is already Friday
        ("tomorrow 10am AEDT", utc(2026, 3, 6, 23, 0), "AEDT"),
        ("tomorrow 3pm UTC+2", utc(2026, 3, 6, 13, 0), "UTC+2"),
        ("eod PST", utc(2026, 3, 6, 1, 0), "PST"),  # the end of the working day there
        # the seasons of the day named: "EST" in July is New York's clock, on EDT then
        ("2026-07-01 10am EST", utc(2026, 7, 1, 14, 0), "EDT"),
        ("2026-07-01 10am BST", utc(2026, 7, 1, 9, 0), "BST"),
    ],
)
def test_a_zone_named_after_the_time_is_the_clock_it_is_read_on(text, expected, label):
    due = parse_when(text, now=NOW, tz=NEW_YORK)
    assert due.at == expected
    assert due.zone is not None and due.zone.label(due.at) == label
    assert split_when(f"{text} call Maria back") == (text, "call Maria back")


def test_my_time_is_the_reps_own_clock():
    due = parse_when("tomorrow 10am my time", now=NOW, tz=NEW_YORK)
    assert (due.at, due.zone) == (utc(2026, 3, 6, 15, 0), None)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("tomorrow 10am IST call", "IST is the time in India, Ireland and Israel: which did"),
        ("tomorrow 10am AST call", "AST is the time in the Atlantic and Arabia: which did"),
        ("tomorrow 10am XYZ time call", "I don't know the time zone 'XYZ time'. Name it as"),
        ("tomorrow 10am San Jose time call", "I don't know the time zone 'San Jose time'."),
        ("tomorrow 10am XYZT call", "I don't know the time zone 'XYZT'."),
        ("tomorrow 10am Europe/Pariss call", "I don't know the time zone 'Europe/Pariss'."),
        ("tomorrow 10am customer's time call", 'Whose clock is "customer\'s time"? Name'),
        ("tomorrow 10am UTC+5:30 call", "I read offsets in whole hours only"),
    ],
)
def test_words_meant_as_a_zone_that_name_none_or_several_are_asked_about(text, question):
    with pytest.raises(WhenError) as error:
        split_when(text)
    assert str(error.value).startswith(question)
    assert error.value.understood == "tomorrow 10am"


@pytest.mark.parametrize(
    "promise",
    [
        "lunch time chat",
        "TEXT Maria",
        "central office call",
        "et al",
        "pt 2 of the fix",
        "Maria time off request",
        "Alaska Airlines refund",
    ],
)
def test_words_that_only_look_a_little_like_a_zone_stay_in_the_promise(promise):
    assert split_when(f"tomorrow 10am {promise}") == ("tomorrow 10am", promise)
