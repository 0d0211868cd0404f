"""The parts of a customer's message that can each be a question: its sentences, and what
comes after an "also".

A pasted e-mail often asks two things: "Where is my box? Also, how do I change my address?"
matched whole answers the address and leaves the box out; matched part by part, it answers
both (`Faq.match`). And a long one can bury its question among other words, where matched
whole it reads as none.
"""

from __future__ import annotations

import re

_BETWEEN_PARTS = re.compile(r"([.?!;\n]+|\balso\b)", re.IGNORECASE)
# A longer message is read no further for more questions: a pasted thread can run on.
MAX_PARTS = 8


def parts_of(message: str) -> list[str]:
    """The message's parts that have any words, in its order, `MAX_PARTS` at most: its
    questions (parts that end in "?") wherever they are, then the first of the others. A
    pasted e-mail can tell a long story before it asks."""
    parts = _parts(message)
    questions = [i for i, (_, asks) in enumerate(parts) if asks][:MAX_PARTS]
    others = [i for i, (_, asks) in enumerate(parts) if not asks]
    chosen = sorted(questions + others[: MAX_PARTS - len(questions)])
    return [parts[i][0] for i in chosen]


def questions_of(message: str) -> list[str]:
    """The message's parts that end in "?", as `parts_of` gives them."""
    return [part for part, asks in _parts(message) if asks][:MAX_PARTS]


def _parts(message: str) -> list[tuple[str, bool]]:
    """The message's parts that have any words, each with whether it ends in "?"."""
    pieces = _BETWEEN_PARTS.split(message)  # part, what ends it, part, ...
    parts = [
        (part.strip(" ,:-"), "?" in end)
        for part, end in zip(pieces[::2], [*pieces[1::2], ""], strict=True)
    ]
    return [(part, asks) for part, asks in parts if part]
