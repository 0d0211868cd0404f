"""Claims of scheduled jobs (a reminder, the weekly post): each is claimed by exactly one
instance, then marked delivered once its work is queued in the outbox, which retries the
sending (the table `job_claims`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.shared.clock import iso
from bot.shared.db import Store, placeholders

# A claim not marked delivered by then: its instance died between claiming and queueing. A
# claim dated more than this ahead of the clock was made before the clock was put back (NTP):
# its instance has long finished or died, so it is stale too, instead of holding the job
# until the clock comes round again.
CLAIM_TIMEOUT = timedelta(minutes=5)


def _live(now: datetime) -> tuple[str, str]:
    """The times a claim still held at `now` was made between (`CLAIM_TIMEOUT`)."""
    return iso(now - CLAIM_TIMEOUT), iso(now + CLAIM_TIMEOUT)


def is_stale(claimed_at: str, now: datetime) -> bool:
    """Whether a claim made at `claimed_at` may be taken over at `now`."""
    earliest, latest = _live(now)
    return not earliest <= claimed_at <= latest


def to_claim(row: dict | None, now: datetime) -> bool:
    """Whether a job whose claim is `row` (None: none yet) is to be claimed at `now`: not
    claimed yet, or claimed by an instance that died before it queued its work (the outbox
    retries the sending itself)."""
    if row is None:
        return True
    if row["status"] == "claimed":
        return is_stale(row["claimed_at"], now)
    return False


def claims(store: Store, keys: list[str]) -> dict[str, dict]:
    if not keys:
        return {}
    rows = store.db.query(
        f"SELECT * FROM job_claims WHERE key IN ({', '.join('?' * len(keys))})", keys
    )
    return {row["key"]: row for row in rows}


def claim_job(
    store: Store, *, key: str, kind: str, recipient_id: str, due_at: datetime, instance: str,
    now: datetime,
) -> bool:  # fmt: skip
    """Claim the job `key` for `instance` at `now`: a new key, or a stale claim (`is_stale`).
    Exactly one of any number of simultaneous claims returns True."""
    row = {
        "key": key, "kind": kind, "recipient_id": recipient_id, "due_at": iso(due_at),
        "status": "claimed", "instance": instance, "claimed_at": iso(now), "attempts": 1,
    }  # fmt: skip
    columns, marks = ", ".join(row), placeholders(row)
    with store.transaction() as db:
        cursor = db.execute(
            f"""INSERT INTO job_claims ({columns}) VALUES ({marks})
                ON CONFLICT (key) DO UPDATE SET
                    status = 'claimed', instance = excluded.instance,
                    claimed_at = excluded.claimed_at, attempts = job_claims.attempts + 1,
                    next_try_at = NULL
                WHERE job_claims.status = 'claimed'
                    AND job_claims.claimed_at NOT BETWEEN ? AND ?""",
            [*row.values(), *_live(now)],
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
