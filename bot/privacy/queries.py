"""The tables retention reads and empties, across the domains: like reporting's queries,
retention is about every table that holds people's words, so its SQL is kept here in one place.

A record is one row (a question, a draft, a tone check, a promise made outside any case) or a
closed case with every text tied to it; its texts are emptied in one statement or, for a case,
in the one transaction of its batch. An emptied text is '' (the columns are NOT NULL), which is
also how a later run knows a record is done."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from bot.shared.db import Store, placeholders


@dataclass(frozen=True)
class Rows:
    """Records of one table that expire by one time column, and the texts they hold."""

    table: str
    at: str  # the time column a period counts from
    texts: tuple[str, ...]
    where: str = "1"  # which rows are records of the kind at all

    def _expired(self) -> str:
        still = " OR ".join(f"{text} != ''" for text in self.texts)
        return f"{self.where} AND {self.at} < :before AND ({still})"

    def count(self, store: Store, before: str) -> int:
        sql = f"SELECT count(*) FROM {self.table} WHERE {self._expired()}"
        return store.db.execute(sql, {"before": before}).fetchone()[0]

    def batch(self, db: Database, before: str, limit: int) -> list[tuple[int, str]]:
        """(id, time) of up to `limit` expired records, the oldest first."""
        sql = f"""SELECT id, {self.at} FROM {self.table} WHERE {self._expired()}
                  ORDER BY id LIMIT :limit"""
        return db.execute(sql, {"before": before, "limit": limit}).fetchall()

    def empty(self, db: Database, ids: list[int]) -> None:
        blank = ", ".join(f"{text} = ''" for text in self.texts)
        db.execute(f"UPDATE {self.table} SET {blank} WHERE id IN ({placeholders(ids)})", ids)


FAQ_QUESTIONS = Rows("faq_queries", "created_at", ("text",))
DRAFTS = Rows("drafts", "created_at", ("customer_name", "message", "text"))
TONE_CHECKS = Rows("tone_checks", "created_at", ("text",))
CLOSED_CASES = Rows("cases", "closed_at", ("topic",), "status = 'closed'")
LOOSE_PROMISES = Rows("followups", "done_at", ("what",), "case_id IS NULL AND status = 'done'")


def owned_by_others(case_ids: list[int]) -> dict[str, str]:
    """By table, an SQL condition true of the rows another customer owns than the one whose
    cases are `case_ids` (through the case they belong to): an erasure leaves those as they
    are, whatever words they share with the erased customer's. Rows of no case are no one's."""
    mine = ", ".join(str(int(case_id)) for case_id in case_ids)  # numbers: written inline
    return _owned_through(f"SELECT id FROM cases WHERE id NOT IN ({mine})")


def owned_by_namesakes(name: str, email: str) -> dict[str, str]:
    """By table, an SQL condition true of the rows of the customers who have this name or
    email (the erased one no longer has either): "John Smith" on their own record and cases is
    their name, not a mention of the John Smith erased; and every other customer's record."""
    same = [f"lower(name) = lower({_literal(name)})"]
    if email:
        same.append(f"lower(email) = lower({_literal(email)})")
    namesakes = f"SELECT id FROM customers WHERE {' OR '.join(same)}"
    return _owned_through(f"SELECT id FROM cases WHERE customer_id IN ({namesakes})")


def _owned_through(cases: str) -> dict[str, str]:
    """By table, an SQL condition true of the rows that belong to the `cases` (a query of
    their ids), and of every customer's record: each row is one customer's, and the erased
    one's is erased whole."""
    of_case = f"case_id IN ({cases})"
    return {
        "customers": "1",
        "cases": f"id IN ({cases})",
        "case_notes": of_case,
        "contacts": of_case,
        "solutions": of_case,
        "solution_clicks": f"solution_id IN (SELECT id FROM solutions WHERE {of_case})",
        "followups": of_case,
        "redirects": of_case,
        # a draft names its case as the rep typed it: "C-1042", "c-1042" or "1042"
        "drafts": f"upper(trim(case_id)) IN (SELECT 'C-' || id FROM ({cases})"
        f" UNION ALL SELECT CAST(id AS TEXT) FROM ({cases}))",
    }


def _literal(text: str) -> str:
    """An SQL string literal of the text (a condition of `Replacement.spared` is inlined)."""
    return "'" + text.replace("'", "''") + "'"


def question_texts(db: Database, ids: list[int]) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            f"SELECT text FROM faq_queries WHERE id IN ({placeholders(ids)})", ids
        )
    ]


def is_archived(db: Database, start: str, end: str, part: str) -> bool:
    row = db.execute(
        'SELECT 1 FROM summary_archive WHERE start = ? AND "end" = ? AND part = ?',
        [start, end, part],
    ).fetchone()
    return row is not None


def archive(db: Database, start: str, end: str, part: str, rows: list, at: str) -> None:
    db.execute(
        """INSERT INTO summary_archive (start, "end", part, payload, created_at)
           VALUES (?, ?, ?, ?, ?)""",
        [start, end, part, json.dumps(rows, ensure_ascii=False), at],
    )


def other_names(store: Store, customer_id: str) -> list[str]:
    """The names of everyone else repbot knows: the other customers not erased, and the people
    of the Slack workspace (a rep, a colleague in billing)."""
    return [
        row[0]
        for row in store.db.execute(
            """SELECT name FROM customers WHERE id != ? AND erased_at IS NULL
               UNION SELECT real_name FROM users WHERE real_name IS NOT NULL
               UNION SELECT name FROM users WHERE name IS NOT NULL""",
            [customer_id],
        )
    ]


def owned_among(store: Store, table: str, owned: dict[str, str], ids: list[int]) -> set[int]:
    """Which of the rows `ids` of `table` the conditions `owned` (by table, as
    `owned_by_others` gives them) say are owned."""
    if not ids or table not in owned:
        return set()
    sql = f"SELECT id FROM {table} WHERE id IN ({placeholders(ids)}) AND ({owned[table]})"
    return {row[0] for row in store.db.execute(sql, ids)}
