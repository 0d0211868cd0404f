"""Drafts written for reps and the tone checks of their own words."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from bot.shared.db import Store, placeholders
from bot.shared.redact import may_mention


def record_draft(store: Store, draft: dict, request_key: str | None = None) -> int:
    """Store a draft (the columns of `drafts`); a retried request gets the first one."""
    row = {**draft, "request_key": request_key, "created_at": store.now()}
    columns = ", ".join(row)
    with store.transaction() as db:
        db.execute(
            f"INSERT INTO drafts ({columns}) VALUES ({', '.join('?' * len(row))})"
            " ON CONFLICT (request_key) DO NOTHING",
            list(row.values()),
        )
        if request_key is None:
            return db.execute("SELECT last_insert_rowid()").fetchone()[0]
        return db.execute("SELECT id FROM drafts WHERE request_key = ?", [request_key]).fetchone()[
            0
        ]


def draft(store: Store, draft_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
    return rows[0] if rows else None


def mark_draft(
    store: Store, draft_id: int, *, used: bool | None = None, helpful: bool | None = None
):
    """Record what the rep did with a draft; "Use this" keeps the time of the first use."""
    with store.transaction() as db:
        if used:
            db.execute(
                "UPDATE drafts SET used_at = coalesce(used_at, ?) WHERE id = ?",
                [store.now(), draft_id],
            )
        if helpful is not None:
            db.execute("UPDATE drafts SET helpful = ? WHERE id = ?", [int(helpful), draft_id])


def record_tone_check(
    store: Store, user_id: str, text: str, score: int, flags: list[str], request_key: str | None
) -> None:
    with store.transaction() as db:
        db.execute(
            """INSERT INTO tone_checks (user_id, text, score, flags, request_key, created_at)
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING""",
            [user_id, text, score, json.dumps(flags), request_key, store.now()],
        )


def case_drafts(store: Store, case_ref: str) -> list[dict]:
    """Drafts written for a case, by its reference ("C-1042") or the bare number, as the
    rep typed it; the oldest first."""
    number = case_ref.split("-")[-1]
    return list(
        store.db.query(
            "SELECT * FROM drafts WHERE upper(trim(case_id)) IN (?, ?) ORDER BY id",
            [case_ref.upper(), number],
        )
    )


def tone_checks_that_may_name(store: Store, spellings: Sequence[str]) -> Iterator[dict]:
    """The tone checks whose text may hold one of the spellings (`may_mention`), oldest first."""
    where, likes = may_mention(['"text"'], spellings)
    return store.db.query(f"SELECT * FROM tone_checks WHERE {where} ORDER BY id", likes)


def drafts_that_may_name(store: Store, spellings: Sequence[str]) -> Iterator[dict]:
    """The drafts whose words may hold one of the spellings (`may_mention`), the oldest first."""
    where, likes = may_mention(['"customer_name"', '"message"', '"text"'], spellings)
    return store.db.query(f"SELECT * FROM drafts WHERE {where} ORDER BY id", likes)


def drafts_of_cases(store: Store, case_ids: list[int]) -> list[dict]:
    """Drafts written for the cases, named as a rep typed them ("C-1042", "c-1042", "1042")."""
    names = [name for i in case_ids for name in (f"C-{i}", str(i))]
    marks = placeholders(names)
    return list(
        store.db.query(
            f"SELECT * FROM drafts WHERE upper(trim(case_id)) IN ({marks}) ORDER BY id", names
        )
    )


def erase_drafts(store: Store, draft_ids: list[int], erased: str) -> int:
    """The customer's words, their name and the reply written to them."""
    marks = placeholders(draft_ids)
    return store.db.execute(
        f"""UPDATE drafts SET message = ?, text = ?, customer_name = NULL
            WHERE id IN ({marks})""",
        [erased, erased, *draft_ids],
    ).rowcount
