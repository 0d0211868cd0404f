"""Claims of scheduled jobs (a reminder, the weekly post): each is claimed by exactly one
instance, then marked delivered once its work is queued in the outbox, which retries the
sending (the table `job_claims`)."""

from __future__ import annotations

from bot.shared.db import Store, placeholders


def claims(store: Store, keys: list[str]) -> dict[str, dict]:
    if not keys:
        return {}
    rows = store.db.query(
        f"SELECT * FROM job_claims WHERE key IN ({', '.join('?' * len(keys))})", keys
    )
    return {row["key"]: row for row in rows}


def claim_job(store: Store, row: dict, stale_before: str) -> bool:
    """Claim a job (the columns of `job_claims` for a new claim) for one instance: a new key,
    or a claim older than `stale_before` (its instance died). Exactly one of any number of
    simultaneous claims returns True."""
    columns, marks = ", ".join(row), placeholders(row)
    with store.transaction() as db:
        cursor = db.execute(
            f"""INSERT INTO job_claims ({columns}) VALUES ({marks})
                ON CONFLICT (key) DO UPDATE SET
                    status = 'claimed', instance = excluded.instance,
                    claimed_at = excluded.claimed_at, attempts = job_claims.attempts + 1,
                    next_try_at = NULL
                WHERE job_claims.status = 'claimed' AND job_claims.claimed_at < ?""",
            [*row.values(), stale_before],
        )
        return cursor.rowcount == 1


def last_claim_before(store: Store, kind: str, key: str) -> str | None:
    """The greatest key of a `kind` claim below `key` (keys that sort as their order)."""
    row = store.db.execute(
        "SELECT max(key) FROM job_claims WHERE kind = ? AND key < ?", [kind, key]
    ).fetchone()
    return row[0] if row else None


def job_delivered(store: Store, key: str, at: str) -> None:
    with store.transaction() as db:
        db.execute(
            """UPDATE job_claims SET status = 'delivered', delivered_at = ?, error = NULL
               WHERE key = ? AND status = 'claimed'""",
            [at, key],
        )
