"""Claims of scheduled jobs (a reminder, the weekly post): each is claimed by exactly one
instance, then marked delivered or failed. The table is still called `reminders`, after the
first job that used it."""

from __future__ import annotations

from bot.shared.db import Store


def reminder_rows(store: Store, keys: list[str]) -> dict[str, dict]:
    if not keys:
        return {}
    rows = store.db.query(
        f"SELECT * FROM reminders WHERE key IN ({', '.join('?' * len(keys))})", keys
    )
    return {row["key"]: row for row in rows}


def claim_reminder(store: Store, row: dict, stale_before: str) -> bool:
    """Claim a reminder (the columns of `reminders` for a new claim) for one instance: a
    new key, a failed one whose retry time has come, or a claim older than `stale_before`
    (its instance died). Exactly one of any number of simultaneous claims returns True."""
    columns, marks = ", ".join(row), ", ".join("?" * len(row))
    with store.transaction() as db:
        cursor = db.execute(
            f"""INSERT INTO reminders ({columns}) VALUES ({marks})
                ON CONFLICT (key) DO UPDATE SET
                    status = 'claimed', instance = excluded.instance,
                    claimed_at = excluded.claimed_at, attempts = reminders.attempts + 1,
                    next_try_at = NULL
                WHERE (reminders.status = 'failed'
                       AND reminders.next_try_at <= excluded.claimed_at)
                   OR (reminders.status = 'claimed' AND reminders.claimed_at < ?)""",
            [*row.values(), stale_before],
        )
        return cursor.rowcount == 1


def reminder_delivered(store: Store, key: str, at: str) -> None:
    with store.transaction() as db:
        db.execute(
            """UPDATE reminders SET status = 'delivered', delivered_at = ?, error = NULL
               WHERE key = ? AND status = 'claimed'""",
            [at, key],
        )


def reminder_failed(store: Store, key: str, error: str, next_try_at: str) -> None:
    with store.transaction() as db:
        db.execute(
            """UPDATE reminders SET status = 'failed', error = ?, next_try_at = ?
               WHERE key = ? AND status = 'claimed'""",
            [error, next_try_at, key],
        )
