"""What the core says when it turns a request down."""

from __future__ import annotations

from datetime import datetime


class Refusal(ValueError):
    """A request that cannot go ahead; the message is for the person, in their words. For
    something someone else already did, `by` and `at` say who and when: each interface shows
    them its own way (Slack: the person's name and the time in the reader's time zone), so the
    message itself never holds a raw id or timestamp."""

    def __init__(self, message: str, by: str | None = None, at: datetime | None = None):
        super().__init__(message)
        self.words = message
        self.by = by
        self.at = at

    def __str__(self) -> str:
        if self.by is None and self.at is None:
            return self.words
        who = f" by {self.by}" if self.by else ""
        when = f" at {self.at.isoformat(timespec='minutes')}" if self.at else ""
        return f"{self.words}{who}{when}."
