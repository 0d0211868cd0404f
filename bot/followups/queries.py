"""Promises (follow-ups) and redirects between teams."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from bot.shared.db import Store, placeholders
from bot.shared.redact import may_mention


def insert_followup(store: Store, row: dict) -> int:
    """Store a follow-up (the columns of `followups`, without id and created_at)."""
    row = {**row, "created_at": store.now()}
    with store.transaction() as db:
        db.execute(
            f"INSERT INTO followups ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        return db.execute("SELECT last_insert_rowid()").fetchone()[0]


def followup_row(store: Store, followup_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM followups WHERE id = ?", [followup_id]))
    return rows[0] if rows else None


def followup_by_request(store: Store, request_key: str) -> dict | None:
    rows = list(store.db.query("SELECT * FROM followups WHERE request_key = ?", [request_key]))
    return rows[0] if rows else None


def open_since(store: Store, owner_id: str, case_id: int | None, since: str) -> list[dict]:
    """The owner's open follow-ups on the case (on none, for None) made since `since`, the
    latest first."""
    return list(
        store.db.query(
            """SELECT * FROM followups WHERE owner_id = ? AND status = 'open'
               AND case_id IS ? AND created_at >= ? ORDER BY id DESC""",
            [owner_id, case_id, since],
        )
    )


def owner_followups(store: Store, owner_id: str, include_done: bool) -> list[dict]:
    """Open ones first by due time (the overdue are the earliest), then those done or closed
    with their case."""
    return list(
        store.db.query(
            """SELECT * FROM followups WHERE owner_id = ? AND (status = 'open' OR ?)
               ORDER BY status != 'open', due_at, id""",
            [owner_id, int(include_done)],
        )
    )


def case_followups(store: Store, case_id: int) -> list[dict]:
    """A case's open follow-ups, by due time."""
    return list(
        store.db.query(
            """SELECT * FROM followups WHERE case_id = ? AND status = 'open'
               ORDER BY due_at, id""",
            [case_id],
        )
    )


def open_followups_due_by(store: Store, cutoff: str) -> list[dict]:
    return list(
        store.db.query(
            "SELECT * FROM followups WHERE status = 'open' AND due_at <= ? ORDER BY due_at, id",
            [cutoff],
        )
    )


def open_followups(store: Store) -> list[dict]:
    return list(store.db.query("SELECT * FROM followups WHERE status = 'open' ORDER BY due_at, id"))


def first_open_due_after(store: Store, cutoff: str) -> str | None:
    """The earliest due time of an open follow-up after `cutoff`."""
    row = store.db.execute(
        "SELECT min(due_at) FROM followups WHERE status = 'open' AND due_at > ?", [cutoff]
    ).fetchone()
    return row[0]


def settle_followup(
    store: Store, followup_id: int, status: Literal["done", "closed"], user_id: str, at: str
) -> bool:
    """An open follow-up becomes `status` (done, or closed with its case), by whom and when
    (its `status`_by and _at); False when it was not open (someone was first)."""
    with store.transaction() as db:
        cursor = db.execute(
            f"""UPDATE followups SET status = ?, {status}_by = ?, {status}_at = ?
               WHERE id = ? AND status = 'open'""",
            [status, user_id, at, followup_id],
        )
        return cursor.rowcount == 1


def move_followup(
    store: Store, followup_id: int, due_at: str, missed_at: str | None,
    zone: tuple[str, str] | None = None,
) -> bool:  # fmt: skip
    """An open follow-up due at `due_at` now, missed first at `missed_at` (None: never), in
    `zone` (its tz name and words) when one is named, else in the zone it had."""
    key, said = zone or (None, None)
    with store.transaction() as db:
        cursor = db.execute(
            """UPDATE followups SET due_at = ?, missed_at = ?, zone = coalesce(?, zone),
               zone_said = coalesce(?, zone_said) WHERE id = ? AND status = 'open'""",
            [due_at, missed_at, key, said, followup_id],
        )
        return cursor.rowcount == 1


def insert_redirect(store: Store, row: dict) -> int:
    """Store a redirect (the columns of `redirects`, without id and created_at)."""
    row = {**row, "created_at": store.now()}
    with store.transaction() as db:
        db.execute(
            f"INSERT INTO redirects ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        return db.execute("SELECT last_insert_rowid()").fetchone()[0]


def redirect_row(store: Store, redirect_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM redirects WHERE id = ?", [redirect_id]))
    return rows[0] if rows else None


def redirect_by_request(store: Store, request_key: str) -> dict | None:
    rows = list(store.db.query("SELECT * FROM redirects WHERE request_key = ?", [request_key]))
    return rows[0] if rows else None


def waiting_redirects(store: Store, case_id: int | None = None) -> list[dict]:
    """Redirects nobody has taken yet, the oldest first; of one case, or all."""
    return list(
        store.db.query(
            """SELECT * FROM redirects WHERE status = 'waiting' AND (? IS NULL OR case_id = ?)
               ORDER BY created_at, id""",
            [case_id, case_id],
        )
    )


def redirects_to_remind(store: Store, now: str) -> list[dict]:
    return list(
        store.db.query(
            """SELECT * FROM redirects WHERE status = 'waiting' AND remind_at <= ?
               ORDER BY remind_at, id""",
            [now],
        )
    )


def take_redirect(store: Store, redirect_id: int, user_id: str, at: str) -> bool:
    """The first taker wins; False when it was already taken."""
    return _settle_redirect(store, redirect_id, "taken", user_id, at)


def withdraw_redirect(store: Store, redirect_id: int, user_id: str, at: str) -> bool:
    """Withdraw a redirect nobody has taken (its case was closed); False when it was taken."""
    return _settle_redirect(store, redirect_id, "withdrawn", user_id, at)


def _settle_redirect(
    store: Store, redirect_id: int, status: Literal["taken", "withdrawn"], user_id: str, at: str
) -> bool:
    """A waiting redirect becomes `status`, by whom and when (its `status`_by and _at); False
    when it no longer waits (someone was first)."""
    with store.transaction() as db:
        cursor = db.execute(
            f"""UPDATE redirects SET status = ?, {status}_by = ?, {status}_at = ?
               WHERE id = ? AND status = 'waiting'""",
            [status, user_id, at, redirect_id],
        )
        return cursor.rowcount == 1


def cases_to_settle(store: Store) -> list[int]:
    """The closed cases whose open items closing did not settle then (migration 21)."""
    return [row[0] for row in store.db.execute("SELECT case_id FROM cases_to_settle ORDER BY 1")]


def settled(store: Store, case_id: int) -> None:
    store.db.execute("DELETE FROM cases_to_settle WHERE case_id = ?", [case_id])


def followups_of_cases(store: Store, case_ids: list[int]) -> list[dict]:
    marks = placeholders(case_ids)
    return list(
        store.db.query(f"SELECT * FROM followups WHERE case_id IN ({marks}) ORDER BY id", case_ids)
    )


def followups_that_may_name(store: Store, spellings: Sequence[str]) -> Iterator[dict]:
    """The promises whose text may hold one of the spellings (`may_mention`), the oldest first."""
    where, likes = may_mention(['"what"'], spellings)
    return store.db.query(f"SELECT * FROM followups WHERE {where} ORDER BY id", likes)


def redirects_of_cases(store: Store, case_ids: list[int]) -> list[dict]:
    marks = placeholders(case_ids)
    return list(
        store.db.query(f"SELECT * FROM redirects WHERE case_id IN ({marks}) ORDER BY id", case_ids)
    )


def erase_case_texts(store: Store, case_ids: list[int], erased: str) -> dict[str, int]:
    """The promise texts and redirect notes of the cases."""
    marks = placeholders(case_ids)
    db = store.db
    promises = db.execute(
        f"UPDATE followups SET what = ? WHERE case_id IN ({marks})", [erased, *case_ids]
    ).rowcount
    notes = db.execute(
        f"UPDATE redirects SET note = ? WHERE case_id IN ({marks})", [erased, *case_ids]
    ).rowcount
    return {"promise": promises, "redirect note": notes}
