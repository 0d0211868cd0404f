"""Erasing a person's words wherever they were copied: every text column of every table is
searched for their name, email and ids (ignoring case, also as JSON writes them), and each
mention is replaced by their pseudonym. What a domain knows belongs to the person it erases
whole; this catches the copies it cannot know of (a question that named them, a message
already posted, a rep's tone check)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlite_utils import Database

# The audit log's rows never change, and its personal parts are checked against their digests
# (bot/shared/chain.py): an erasure marks those parts erased instead.
UNTOUCHED = ("audit_log", "audit_personal")
MIN_NEEDLE = 3  # characters: a shorter "name" would erase other words


def pattern(needles: Iterable[str], shortest: int = MIN_NEEDLE) -> re.Pattern[str] | None:
    """One pattern for every spelling of the needles of at least `shortest` characters: as
    typed, as Slack's text escapes them, and as JSON writes either."""
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
    ordered = sorted(spellings, key=len, reverse=True)  # the longest spelling first
    return re.compile("|".join(re.escape(s) for s in ordered), re.IGNORECASE)


def note_forgetting(db: Database) -> None:
    """Inside the transaction that removed people's words: say so to whatever keeps things
    built from them in memory (the FAQ's learned phrasings), which then builds them again."""
    db.execute(
        "INSERT INTO forgetting (id, count) VALUES (1, 1)"
        " ON CONFLICT (id) DO UPDATE SET count = count + 1"
    )


def redact(db: Database, found: re.Pattern[str] | None, replacement: str) -> int:
    """Replace every match of `found` (see `pattern`) in the database's text columns (outside
    UNTOUCHED) by `replacement`, in the caller's transaction; returns the values changed."""
    if found is None:
        return 0
    db.conn.create_function(
        "repbot_mentions", 1, lambda text: text is not None and found.search(text) is not None
    )
    db.conn.create_function(
        "repbot_redacted", 1, lambda text: found.sub(replacement, text), deterministic=True
    )
    changed = 0
    for table in db.table_names():
        if table in UNTOUCHED or table.startswith("sqlite_"):
            continue
        for column in db[table].columns:
            if column.type.upper() != "TEXT":
                continue
            cursor = db.execute(
                f'UPDATE "{table}" SET "{column.name}" = repbot_redacted("{column.name}")'
                f' WHERE repbot_mentions("{column.name}")'
            )
            changed += cursor.rowcount
    if changed:
        note_forgetting(db)
    return changed
