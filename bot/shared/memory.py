"""Building the big read-only structures a process keeps (the FAQ as read, its index)."""

from __future__ import annotations

import contextlib
import ctypes
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


def give_back_free_memory() -> None:
    """Hand the memory that building freed back to the system (glibc keeps it otherwise): the
    workers are forked after this, and what the parent holds counts in each one's RSS. Some
    25 MB at 100,000 entries; nothing where the C library is not glibc."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: not glibc
        ctypes.CDLL(None).malloc_trim(0)
