"""What the core says when it turns a request down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.shared import times


class Code(str):
    """A command of ours inside a refusal's words ("/followup list"): each interface shows it
    its own way (Slack as code). Words a person typed are never one, so they stay text."""


class Refusal(ValueError):
    """A request that cannot go ahead; the message is for the person, in their words. For
    something someone else already did, `by` and `at` say who and when: each interface shows
    them its own way (Slack: the person's name and the time in the reader's time zone), so the
    message itself never holds a raw id or timestamp. A message that names a command of ours
    is given in parts, the command as `Code`: ("There is no F-9. ", Code("/followup list"),
    " shows yours.")."""

    def __init__(
        self, message: str | Sequence[str], by: str | None = None, at: datetime | None = None
    ):
        self.parts: tuple[str, ...] = (message,) if isinstance(message, str) else tuple(message)
        self.words = "".join(self.parts)  # plain words, the commands as they are typed
        super().__init__(self.words)
        self.by = by
        self.at = at

    def __str__(self) -> str:
        if self.by is None and self.at is None:
            return self.words
        who = f" by {self.by}" if self.by else ""
        when = f" on {times.at_utc(self.at)}" if self.at else ""
        return f"{self.words}{who}{when}."
