"""Slack's rate limiter, as a token bucket per key on real (monotonic) time: how fast a bot
posts is real even when the emulator's clock is moved."""

import math
import time
from collections.abc import Callable


class TokenBucket:
    """Allows `burst` calls at once, then `per_second` calls a second on average."""

    def __init__(
        self,
        burst: int,
        per_second: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self._now = now
        self._tokens = float(burst)
        self._updated = now()

    def take(self) -> int:
        """0 if a call may go now (and counts it), else the whole seconds to wait before
        trying again, as Slack's Retry-After says."""
        now = self._now()
        elapsed = now - self._updated
        self._tokens = min(self.burst, self._tokens + elapsed * self.per_second)
        self._updated = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0
        return max(1, math.ceil((1 - self._tokens) / self.per_second))
