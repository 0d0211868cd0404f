"""How people's words name a customer by part of their name, where nothing else says who is
meant: a follow-up on no case, a /faq question, a tone check. "Mrs Holloway" and "Margaret H."
name Margaret Holloway unless someone else repbot knows could be meant; "Holloway" alone too,
unless it is also an everyday word; "Margaret" alone never (too many people share it). On her
own records an erasure takes every word whole anyway (bot/privacy/service.py)."""

from __future__ import annotations

import re

from bot.shared.english import everyday_words
from bot.shared.redact import Mentions, pattern

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def words_of(name: str) -> list[str]:
    """The words of a name, as a person writes them: "O'Brien" and "Smith-Jones" are one."""
    return _WORD.findall(name)


def partly_named(name: str, others: list[str]) -> Mentions | None:
    """What names the person called `name` by part of their name, where `others` (everyone
    else repbot knows) could not be meant; None when nothing could."""
    words = words_of(name)
    if len(words) < 2:  # one word is the whole name, which an erasure finds already
        return None
    first, surname = words[0], words[-1]
    known = [words_of(other.lower()) for other in others]
    needles, held = [], []
    if not any(surname.lower() in other for other in known):
        needles += [f"{title}{dot} {surname}" for title in TITLES for dot in ("", ".")]
        if surname.lower() not in everyday_words():
            needles.append(surname)
        held.append(surname)
    initial = f"{first} {surname[0]}"  # "Margaret H", "Margaret H."
    if not any(len(other) > 1 and f"{other[0]} {other[-1][0]}" == initial.lower()
               for other in known):  # fmt: skip
        needles += [initial, f"{initial}."]
        held.append(initial)
    return pattern(needles, whole_words=True, held=held)
