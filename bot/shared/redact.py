"""Erasing a person's words wherever they were copied: every text column of every table is
searched for their name, email and ids (ignoring case, also as JSON writes them), and each
mention is replaced by their pseudonym. What a domain knows belongs to the person it erases
whole; this catches the copies it cannot know of (a question that named them, a message
already posted, a rep's tone check)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

# The audit log's rows never change, and its personal parts are checked against their digests
# (bot/shared/chain.py): an erasure marks those parts erased instead.
UNTOUCHED = ("audit_log", "audit_personal")
MIN_NEEDLE = 3  # characters: a shorter "name" would erase other words


@dataclass(frozen=True)
class Mentions:
    """Every spelling of some words, found ignoring case: a person's name, email and ids, or
    lines of what they wrote. Called with a text, whether it mentions any."""

    spellings: tuple[str, ...]  # the longest first
    regex: re.Pattern[str]

    def __call__(self, text: str) -> bool:
        return self.regex.search(text) is not None


def pattern(needles: Iterable[str], shortest: int = MIN_NEEDLE) -> Mentions | None:
    """Every spelling of the needles of at least `shortest` characters: as typed, as Slack's
    text escapes them, and as JSON writes either; None when there is none."""
    spellings = set()
    for needle in needles:
        needle = needle.strip()
        if len(needle) >= shortest:
            for form in (
                needle,
                needle.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            ):
                spellings.update({form, json.dumps(form)[1:-1]})
    if not spellings:
        return None
    ordered = tuple(sorted(spellings, key=len, reverse=True))
    return Mentions(ordered, re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE))


def _like(spelling: str) -> str:
    """A LIKE pattern for text containing `spelling` (its % and _ taken as themselves)."""
    escaped = spelling.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def note_forgetting(db: Database) -> None:
    """Inside the transaction that removed people's words: say so to whatever keeps things
    built from them in memory (the FAQ's learned phrasings), which then builds them again."""
    db.execute(
        "INSERT INTO forgetting (id, count) VALUES (1, 1)"
        " ON CONFLICT (id) DO UPDATE SET count = count + 1"
    )


def redact(db: Database, replacements: Sequence[tuple[Mentions | None, str]]) -> list[int]:
    """Replace, in the database's text columns (outside UNTOUCHED), what each Mentions finds by
    its replacement, in that order and in one pass over the tables, in the caller's
    transaction; returns the values each changed."""
    given = [(found, replacement) for found, replacement in replacements if found is not None]
    counts = [0] * len(replacements)
    if not given:
        return counts
    places = [i for i, (found, _) in enumerate(replacements) if found is not None]

    def redacted(text: str) -> str:
        for place, (found, replacement) in zip(places, given, strict=True):
            text, changed = found.regex.subn(replacement, text)
            counts[place] += changed > 0
        return text

    db.conn.create_function(
        "repbot_mentions", 1, lambda text: text is not None and any(f(text) for f, _ in given)
    )
    db.conn.create_function("repbot_redacted", 1, redacted)
    likes = [_like(spelling) for found, _ in given for spelling in found.spellings]
    for table in db.table_names():
        if table in UNTOUCHED or table.startswith("sqlite_"):
            continue
        for column in db[table].columns:
            if column.type.upper() != "TEXT":
                continue
            name = f'"{column.name}"'
            # SQLite's LIKE, in C, ignores the case of ASCII letters only: a text with any
            # other character goes on to the patterns, which ignore case in every script.
            candidates = " OR ".join([f"{name} LIKE ? ESCAPE '\\'"] * len(likes))
            db.execute(
                f'UPDATE "{table}" SET {name} = repbot_redacted({name})'
                f" WHERE ({candidates} OR {name} GLOB '*[^ -~]*') AND repbot_mentions({name})",
                likes,
            )
    if any(counts):
        note_forgetting(db)
    return counts


def naming(rows: Iterable[dict], found: Mentions | None, columns: Sequence[str]) -> list[dict]:
    """The rows whose texts in `columns` mention what `found` spells, as an erasure finds them:
    for an export of the records that name a person."""
    if found is None:
        return []
    return [row for row in rows if any(found(row[column] or "") for column in columns)]
