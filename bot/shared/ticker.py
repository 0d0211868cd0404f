"""A task run every few seconds on a background thread (content reloads, later reminders)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Ticker:
    """Calls `task` every `interval` seconds until stopped; a failure is logged and the task
    is tried again at the next tick, so one bad run never stops the ticker."""

    def __init__(self, name: str, interval: float, task: Callable[[], object]) -> None:
        self.name = name
        self.interval = interval
        self.task = task
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Ticker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.task()
            except Exception:  # noqa: BLE001  (keep ticking: the next run may succeed)
                log.exception("%s failed; trying again in %.0f s", self.name, self.interval)
