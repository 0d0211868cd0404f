"""Erasing a person's words wherever they were copied: every text column of every table is
searched for their name, email and ids (ignoring case, also as JSON writes them), and each
mention is replaced by their pseudonym. What a domain knows belongs to the person it erases
whole; this catches the copies it cannot know of (a question that named them, a message
already posted, a rep's tone check), leaving alone the rows a replacement spares (another
customer's, holding the same words)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

# The audit log's rows never change, and its personal parts are checked against their digests
# (bot/shared/chain.py): an erasure marks those parts erased instead.
UNTOUCHED = ("audit_log", "audit_personal")
MIN_NEEDLE = 3  # characters: a shorter "name" would erase other words


@dataclass(frozen=True)
class Mentions:
    """Every spelling of some words, found ignoring case: a person's name, email and ids, or
    lines of what they wrote. Called with a text, whether it mentions any."""

    spellings: tuple[str, ...]  # one of these is in every mention: what SQL looks for first
    regex: re.Pattern[str]

    def __call__(self, text: str) -> bool:
        return self.regex.search(text) is not None


def pattern(
    needles: Iterable[str],
    shortest: int = MIN_NEEDLE,
    *,
    whole_words: bool = False,
    held: Iterable[str] | None = None,
) -> Mentions | None:
    """Every spelling of the needles of at least `shortest` characters: as typed, as Slack's
    text escapes them, and as JSON writes either; None when there is none. With `whole_words`,
    only where it is not part of a longer word ("Ann" is not in "planned"). `held`, when the
    needles are many spellings of a few words ("Mrs Holloway", "Dr Holloway"), are those words
    ("Holloway"), which SQL looks for in their place."""
    found = _spelled([needle for needle in needles if len(needle.strip()) >= shortest])
    if not found:
        return None
    ordered = sorted(found, key=len, reverse=True)
    either = "|".join(map(re.escape, ordered))
    if whole_words:
        either = rf"(?<!\w)(?:{either})(?!\w)"
    looked_for = found if held is None else _spelled(held)
    return Mentions(tuple(sorted(looked_for, key=len, reverse=True)), re.compile(either, re.I))


def _spelled(needles: Iterable[str]) -> set[str]:
    """Each needle as typed, as Slack's text escapes it, and as JSON writes either."""
    spellings = set()
    for needle in needles:
        needle = needle.strip()
        for form in (
            needle,
            needle.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        ):
            spellings.update({form, json.dumps(form)[1:-1]})
    return spellings


def either(*found: Mentions | None) -> Callable[[str], bool]:
    """Whether a text mentions what any of `found` finds."""
    given = [mentions for mentions in found if mentions is not None]
    return lambda text: any(mentions(text) for mentions in given)


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


@dataclass(frozen=True)
class Replacement:
    """What `found` finds is replaced by `by`, in every row but those `spared` names: by table,
    an SQL condition true of the rows to leave as they are (those someone else owns)."""

    found: Mentions | None
    by: str
    spared: Mapping[str, str] = field(default_factory=dict)


class _Pass:
    """Replacements over the text columns of the database (outside UNTOUCHED): the rows that
    may mention what they find are looked for in SQL first (`may_mention`), then each is
    checked with the patterns."""

    def __init__(self, db: Database, replacements: Sequence[Replacement]) -> None:
        self.db = db
        self.given = [
            (place, r.found, r.by, r.spared)
            for place, r in enumerate(replacements)
            if r.found is not None
        ]
        self.spellings = [s for _, found, _, _ in self.given for s in found.spellings]
        db.conn.create_function("repbot_mentions", -1, self.mentions)

    def applying(self, spared: tuple[object, ...]) -> list[tuple[int, Mentions, str]]:
        """The replacements a row's conditions (one per replacement given) do not spare."""
        return [
            (place, found, by)
            for (place, found, by, _), skip in zip(self.given, spared, strict=True)
            if not skip
        ]

    def mentions(self, text: str | None, *spared: object) -> bool:
        return text is not None and any(found(text) for _, found, _ in self.applying(spared))

    def columns(self, tables: Iterable[str]) -> Iterator[tuple[str, str, str, str, list[str]]]:
        """Each text column of `tables` the replacements may change: its table, its quoted
        name, the SQL arguments that say of a row whether each replacement spares it, and the
        condition of the rows whose text in it mentions what they find, with its parameters."""
        if not self.given:
            return
        for table in tables:
            if table in UNTOUCHED or table.startswith("sqlite_"):
                continue
            spared = "".join(f", ({conditions.get(table, '0')})" for *_, conditions in self.given)
            for column in self.db[table].columns:
                if column.type.upper() != "TEXT":
                    continue
                name = f'"{column.name}"'
                candidates, likes = may_mention([name], self.spellings)
                found = f"{candidates} AND repbot_mentions({name}{spared})"
                yield table, name, spared, found, likes


def redact(
    db: Database, replacements: Sequence[Replacement], apart: Mapping[str, str] | None = None
) -> tuple[list[int], int]:
    """Make each Replacement in the database's text columns (outside UNTOUCHED), in that order
    and in one pass over the tables, in the caller's transaction. Returns how many rows each
    changed, but for the rows `apart` names (by table, an SQL condition), counted on their own:
    records of a kind the caller reports in its own words."""
    apart = apart or {}
    changed: list[set[tuple[str, int]]] = [set() for _ in replacements]
    changed_apart: set[tuple[str, int]] = set()
    pass_ = _Pass(db, replacements)
    table = ""

    def redacted(rowid: int, is_apart: int, text: str, *spared: object) -> str:
        for place, found, by in pass_.applying(spared):
            text, replaced = found.regex.subn(by, text)
            if replaced:
                (changed_apart if is_apart else changed[place]).add((table, rowid))
        return text

    db.conn.create_function("repbot_redacted", -1, redacted)
    for table, name, spared, found, likes in pass_.columns(db.table_names()):
        is_apart = f"({apart.get(table, '0')})"
        db.execute(
            f'UPDATE "{table}" SET {name} = repbot_redacted(rowid, {is_apart}, {name}{spared})'
            f" WHERE {found}",
            likes,
        )
    if changed_apart or any(changed):
        note_forgetting(db)
    return [len(rows) for rows in changed], len(changed_apart)


def changing(db: Database, replacements: Sequence[Replacement], where: Mapping[str, str]) -> int:
    """How many of the rows `where` names (by table, an SQL condition) a `redact` with these
    replacements would change: what it counts apart, said before it is done."""
    rows: set[tuple[str, int]] = set()
    pass_ = _Pass(db, replacements)
    for table, _, _, found, likes in pass_.columns(where):
        sql = f'SELECT rowid FROM "{table}" WHERE ({where[table]}) AND {found}'
        rows.update((table, row[0]) for row in db.execute(sql, likes))
    return len(rows)


def may_mention(columns: Sequence[str], spellings: Sequence[str]) -> tuple[str, list[str]]:
    """An SQL condition true of the rows whose `columns` (quoted names) may hold one of the
    spellings, and its parameters: SQLite's LIKE, in C, ignores the case of ASCII letters only,
    so a text with any other character is let through to the patterns, which ignore case in
    every script. Only the rows it lets through are read in Python."""
    if not spellings:
        return "(0)", []
    likes = [_like(spelling) for spelling in spellings]
    tests = [
        test
        for column in columns
        for test in ([f"{column} LIKE ? ESCAPE '\\'"] * len(likes) + [f"{column} GLOB '*[^ -~]*'"])
    ]
    return f"({' OR '.join(tests)})", likes * len(columns)


def spellings(found: Mentions | None) -> tuple[str, ...]:
    """What `found` looks for; none for None (a query for rows that may hold none finds none)."""
    return () if found is None else found.spellings


def naming(rows: Iterable[dict], found: Mentions | None, columns: Sequence[str]) -> list[dict]:
    """The rows whose texts in `columns` mention what `found` spells, as an erasure finds them:
    for an export of the records that name a person."""
    if found is None:
        return []
    return [row for row in rows if any(found(row[column] or "") for column in columns)]
