"""Building the big read-only structures a process keeps (the FAQ as read, its index)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: a big FAQ read and indexed is millions of small lists,
    dicts and strings, none in a cycle, and a collector that keeps rescanning them while they
    are made takes most of the time (reading 100,000 entries: 14 s with it, under 4 without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
