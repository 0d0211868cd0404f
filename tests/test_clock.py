"""The bot's clock: real time, or a fixed start from which time runs on at real speed."""

from datetime import UTC, datetime, timedelta

import pytest

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
