"""The parts of a customer's message that can each be a question: its sentences, and what
comes after an "also".

A pasted e-mail often asks two things: "Where is my box? Also, how do I change my address?"
matched whole answers the address and leaves the box out; matched part by part, it answers
both (`Faq.match`).
"""

from __future__ import annotations

import re

_BETWEEN_PARTS = re.compile(r"[.?!;\n]+|\balso\b", re.IGNORECASE)
# A longer message is read no further for more questions: a pasted thread can run on.
MAX_PARTS = 8


def parts_of(message: str) -> list[str]:
    """The message's parts that have any words, the first `MAX_PARTS` of them."""
    parts = (part.strip(" ,:-") for part in _BETWEEN_PARTS.split(message))
    return [part for part in parts if part][:MAX_PARTS]
