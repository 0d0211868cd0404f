"""The bot's clock: real time, or a fixed start from which time runs on at real speed; and
times and days as people read them."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.shared import times
from bot.shared.clock import Clock

START = datetime(2026, 6, 17, 10, 30, tzinfo=UTC)  # a Wednesday


def test_a_clock_with_a_start_shows_that_instant_and_runs_on_from_it():
    clock = Clock(start=START)
    first = clock.now()
    assert START <= first < START + timedelta(seconds=5)
    assert first.strftime("%A") == "Wednesday"
    assert clock.now() >= first  # time runs on, so timeouts and rate limits still work


def test_advance_moves_a_started_clock_on_as_it_moves_a_real_one():
    clock = Clock(start=START)
    clock.advance(timedelta(days=5))
    assert START + timedelta(days=5) <= clock.now() < START + timedelta(days=5, seconds=5)


def test_a_start_in_another_time_zone_is_the_same_instant():
    clock = Clock(start=START.astimezone(datetime.now().astimezone().tzinfo))
    assert START <= clock.now() < START + timedelta(seconds=5)


def test_a_start_without_a_time_zone_is_refused():
    with pytest.raises(ValueError, match="aware"):
        Clock(start=datetime(2026, 6, 17, 10, 30))


def test_without_a_start_the_clock_shows_real_time():
    before = datetime.now(UTC)
    assert before <= Clock().now() <= datetime.now(UTC)


def test_times_and_days_read_one_way_as_slack_shows_its_date_tokens():
    london = ZoneInfo("Europe/London")
    assert times.at(START, london) == "Jun 17, 2026 at 11:30 AM"  # summer time
    assert times.at(START.replace(hour=0, minute=5), london) == "Jun 17, 2026 at 1:05 AM"
    assert times.at(START.replace(hour=11, minute=0), london) == "Jun 17, 2026 at 12:00 PM"
    assert times.at(START.replace(hour=23), london) == "Jun 18, 2026 at 12:30 AM"  # the next day
    assert times.at_utc(START) == "Jun 17, 2026 at 10:30 AM UTC"
    assert times.day(date(2026, 12, 4)) == "Dec 4, 2026"
    assert times.days(date(2026, 11, 30), date(2026, 12, 6)) == "Nov 30 to Dec 6, 2026"
    assert times.days(date(2025, 12, 29), date(2026, 1, 4), "–") == "Dec 29, 2025 – Jan 4, 2026"
