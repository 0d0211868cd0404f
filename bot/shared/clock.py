"""The bot's clock: real time, which the demo can move forward to show reminders happen."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """UTC now, plus an offset that only `repbot demo` ever moves."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
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
