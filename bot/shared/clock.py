"""The bot's clock: real time, which the demo can move forward to show reminders happen."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """UTC now, plus an offset that only `repbot demo` ever moves.

    `start` sets the instant the clock shows now; from there it runs on at real speed (so
    timeouts and rate limits behave). Tests start at a fixed instant, so that what a test
    sees does not depend on the day it runs; without `start` the clock shows real time."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("Clock(start=...) needs an aware datetime, e.g. tzinfo=UTC")
        self._offset = timedelta(0) if start is None else start - datetime.now(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


def iso(moment: datetime) -> str:
    """Timestamps are stored as ISO 8601 UTC text, which sorts and compares as time."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
