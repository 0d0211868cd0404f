"""What the core says when it turns a request down."""

from __future__ import annotations

from datetime import datetime


class Refusal(ValueError):
    """A request that cannot go ahead; the message is for the person in Slack. For something
    someone else already did, `by` and `at` say who and when."""

    def __init__(self, message: str, by: str | None = None, at: datetime | None = None):
        super().__init__(message)
        self.by = by
        self.at = at
