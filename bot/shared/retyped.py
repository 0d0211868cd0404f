"""The same words typed again at once by the same person: a double Enter, or a retype after
an error or a slow reply. Each domain counts that as what was already done, not once more: a
/case is the contact already counted, a /note, /solve or /followup the one already saved, a
/faq the question already asked (so the leads' gaps count it once)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

# After this, the same words are something that happened again: a new contact, note, grant,
# promise or question.
RETYPED_WITHIN = timedelta(minutes=5)


def as_typed(words: str) -> str:
    """Words as a retype is told by (`typed_alike`): case, runs of spaces and the punctuation
    at the end aside, for a rep typing the same again may hit Shift or "!" this time."""
    words = " ".join(words.casefold().split())
    end = len(words)
    while end and (words[end - 1] == " " or unicodedata.category(words[end - 1])[0] == "P"):
        end -= 1
    return words[:end]


def typed_alike(words: str, other: str) -> bool:
    """Whether two texts are the same words typed again: "box  late!" and "Box late"."""
    return as_typed(words) == as_typed(other)
