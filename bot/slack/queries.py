"""The Slack edge's tables: delivery keys (retries and repeats recognised), the outbox, where
a modal's outcome is shown, and what Slack told us of people (their time zone)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.shared.clock import iso
from bot.shared.db import Store, placeholders
from bot.slack.ids import Block

DELIVERY_MEMORY = timedelta(days=2)  # Slack retries within minutes; keep keys well past that
# A sent message's key stops a repeat of its request from sending it again, which is over in
# minutes; what could not be delivered stays longer, as the record a lead may be asked about.
SENT_MEMORY, UNDELIVERED_MEMORY = timedelta(days=7), timedelta(days=90)
# The records of staff exporting a customer's data from /customer, as an erasure reports them
# (bot/privacy/service.py): the click on the card's Export data, and what the bot sent for it
# (the file, the replies, what a second click is told), all keyed by that click, whose key
# holds the card's block and the customer's CRM id (bot/slack/edge.py).
_OF_THE_CARD = f"instr(key, ':{Block.CUSTOMER_DATA}:') > 0"
DATA_REQUESTS = {"deliveries": _OF_THE_CARD, "outbox": _OF_THE_CARD}


def claim_delivery(store: Store, key: str) -> bool:
    """True the first time a delivery key is seen, False for every repeat. Called inside
    the transaction of the work the delivery stands for, so that a crash before the commit
    leaves the key free for Slack's retry."""
    with store.write() as db:
        cursor = db.execute(
            "INSERT OR IGNORE INTO deliveries (key, received_at) VALUES (?, ?)",
            [key, store.now()],
        )
        return cursor.rowcount == 1


def delivered_at(store: Store, key: str) -> datetime | None:
    """When a delivery key was first seen; None for a new one."""
    row = store.db.execute("SELECT received_at FROM deliveries WHERE key = ?", [key]).fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def forget_old_deliveries(store: Store) -> None:
    """Delivery keys, sent outbox items and modal reply pointers that can no longer matter."""
    now = store.clock.now()
    with store.transaction() as db:
        db.execute("DELETE FROM deliveries WHERE received_at < ?", [iso(now - DELIVERY_MEMORY)])
        db.execute(
            """DELETE FROM outbox WHERE (status = 'sent' AND sent_at < ?)
                                     OR (status = 'dead' AND sent_at < ?)""",
            [iso(now - SENT_MEMORY), iso(now - UNDELIVERED_MEMORY)],
        )
        db.execute("DELETE FROM view_replies WHERE created_at < ?", [iso(now - DELIVERY_MEMORY)])


def user_time_zone(
    store: Store, user_id: str, max_age: timedelta | None = timedelta(days=1)
) -> str | None:
    """The time zone Slack last told for `user_id`, if it did within `max_age` (None: ever)."""
    since = iso(store.clock.now() - max_age) if max_age is not None else ""
    row = store.db.execute(
        "SELECT tz FROM users WHERE id = ? AND updated_at >= ?", [user_id, since]
    ).fetchone()
    return row[0] if row else None


def user_name(store: Store, user_id: str) -> str | None:
    """The name Slack last told for `user_id` (their full name, else their handle), if ever."""
    row = store.db.execute("SELECT real_name, name FROM users WHERE id = ?", [user_id]).fetchone()
    return (row[0] or row[1] or None) if row else None


def save_user(store: Store, user_id: str, name: str, real_name: str, tz: str) -> None:
    with store.transaction() as db:
        db.table("users").upsert(
            {"id": user_id, "name": name, "real_name": real_name, "tz": tz,
             "updated_at": store.now()},
            pk="id",
        )  # fmt: skip


def enqueue(
    store: Store, key: str, method: str, target: str, payload: dict, digest: str | None = None
) -> bool:
    """Queue a delivery in the caller's transaction; False when `key` is already queued
    (a retried or repeated request queues nothing twice)."""
    now = store.now()
    with store.transaction() as db:
        cursor = db.execute(
            """INSERT OR IGNORE INTO outbox
               (key, method, target, payload, digest, created_at, next_try_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [key, method, target, json.dumps(payload), digest, now, now],
        )
        return cursor.rowcount == 1


# An item to send: pending and its time come, or claimed by a sender that died. A time past
# :latest (which no retry is ever set beyond) was set before the clock was put back (NTP): the
# item is due now, not when the clock comes round to it again.
DUE = """((status = 'pending' AND (next_try_at <= :now OR next_try_at > :latest))
          OR (status = 'sending' AND (claimed_at < :stale OR claimed_at > :latest)))"""


def due_outbox(
    store: Store, now: str, stale_before: str, latest: str, limit: int = 100
) -> list[dict]:
    """Items to send: pending ones whose time has come, and claims whose sender died."""
    return list(
        store.db.query(
            f"SELECT * FROM outbox WHERE {DUE} ORDER BY id LIMIT :limit",
            {"now": now, "stale": stale_before, "latest": latest, "limit": limit},
        )
    )


def next_outbox_try(store: Store, now: str) -> str | None:
    """The earliest time after `now` at which a pending item is to be tried again."""
    row = store.db.execute(
        "SELECT min(next_try_at) FROM outbox WHERE status = 'pending' AND next_try_at > ?",
        [now],
    ).fetchone()
    return row[0]


def due_digest(
    store: Store, target: str, now: str, stale_before: str, latest: str, limit: int
) -> list[dict]:
    """The digestible posts to `target` that are due now, oldest first: one digest's items."""
    return list(
        store.db.query(
            f"""SELECT * FROM outbox
                WHERE target = :target AND digest IS NOT NULL AND method = 'chat.postMessage'
                  AND {DUE}
                ORDER BY id LIMIT :limit""",
            {"target": target, "now": now, "stale": stale_before, "latest": latest, "limit": limit},
        )  # fmt: skip
    )


def claim_outbox(
    store: Store, ids: list[int], instance: str, now: str, stale_before: str, latest: str
) -> set[int]:
    """Claim the items of `ids` that are still due; of simultaneous claims one wins each."""
    claimed = set()
    with store.transaction() as db:
        for item_id in ids:
            cursor = db.execute(
                f"""UPDATE outbox SET status = 'sending', instance = :instance,
                        claimed_at = :now, attempts = attempts + 1
                    WHERE id = :id AND {DUE}""",
                {"instance": instance, "now": now, "id": item_id, "stale": stale_before,
                 "latest": latest},
            )  # fmt: skip
            if cursor.rowcount == 1:
                claimed.add(item_id)
    return claimed


def outbox_done(
    store: Store, ids: list[int], instance: str, status: str, at: str, *,
    channel: str | None = None, ts: str | None = None, error: str | None = None,
) -> None:  # fmt: skip
    """Record the end of a send: 'sent' (with where it landed) or 'dead' (with why). Only
    the claim's holder may: a sender that stalled past its claim has lost the item. A file's
    content is not kept once Slack has it (it may be a customer's whole data)."""
    if not ids:  # an IN list of none is no SQL
        return
    with store.transaction() as db:
        db.execute(
            f"""UPDATE outbox SET status = ?, sent_at = ?, sent_channel = ?, sent_ts = ?,
                    error = ?,
                    payload = CASE WHEN method = 'files.upload' AND ? = 'sent'
                                   THEN '{{}}' ELSE payload END
                WHERE id IN ({placeholders(ids)}) AND status = 'sending' AND instance = ?""",
            [status, at, channel, ts, error, status, *ids, instance],
        )


def outbox_retry(
    store: Store, ids: list[int], instance: str, error: str, next_try_at: str, *,
    unsure: bool = False,
) -> None:  # fmt: skip
    """Put claimed items back in the queue until `next_try_at`; `unsure` when Slack may have
    taken them (no answer came), which stays so until they are sent."""
    if not ids:  # an IN list of none is no SQL
        return
    with store.transaction() as db:
        db.execute(
            f"""UPDATE outbox SET status = 'pending', error = ?, next_try_at = ?,
                    unsure = unsure OR ?
                WHERE id IN ({placeholders(ids)}) AND status = 'sending' AND instance = ?""",
            [error, next_try_at, unsure, *ids, instance],
        )


def outbox_file(store: Store, item_id: int, instance: str, file_id: str) -> None:
    """The id Slack gave the file a claimed upload is about to share (see `_already_sent`)."""
    with store.transaction() as db:
        db.execute(
            "UPDATE outbox SET file_id = ? WHERE id = ? AND status = 'sending' AND instance = ?",
            [file_id, item_id, instance],
        )


def posts_keyed(store: Store, prefix: str) -> list[dict]:
    """The messages queued whose keys start with `prefix`, to whomever, oldest first, but for
    those given up (they never landed to be changed). A range of keys, so the key's index
    finds them: `prefix` up to the key after it ("…:7:" up to "…:7;")."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return list(
        store.db.query(
            """SELECT * FROM outbox WHERE key >= ? AND key < ?
                 AND method = 'chat.postMessage' AND status != 'dead' ORDER BY id""",
            [prefix, after],
        )
    )


def posts_naming(store: Store, subjects: Sequence[str]) -> list[dict]:
    """The messages queued whose keys name any of `subjects`, oldest first, but for those
    given up: "solution:12" names "solution:12:card", "reminder:followup:3:due:…" names
    "followup:3", and the notices about either ("undelivered:solution:12:card:told")."""
    if not subjects:
        return []
    keys = [key for subject in subjects for key in (f"{subject}:%", f"%:{subject}:%")]
    return list(
        store.db.query(
            f"""SELECT * FROM outbox WHERE method = 'chat.postMessage' AND status != 'dead'
                  AND ({" OR ".join(["key LIKE ?"] * len(keys))}) ORDER BY id""",
            keys,
        )
    )


def updated_later(store: Store, of_key: str, item_id: int) -> bool:
    """Whether an update of the message `of_key` was queued after the item `item_id` (and not
    given up). Only the items after it are read, by id."""
    row = store.db.execute(
        """SELECT 1 FROM outbox WHERE id > ? AND method = 'chat.update' AND target = ?
             AND status != 'dead' LIMIT 1""",
        [item_id, of_key],
    ).fetchone()
    return row is not None


def sent_updates(store: Store, of_key: str) -> list[dict]:
    """The messages the message `of_key` was changed to and Slack took, the latest first."""
    rows = store.db.execute(
        """SELECT payload FROM outbox WHERE method = 'chat.update' AND target = ?
             AND status = 'sent' ORDER BY id DESC""",
        [of_key],
    ).fetchall()
    return [json.loads(row[0])["message"] for row in rows]


def outbox_item(store: Store, key: str) -> dict | None:
    rows = list(store.db.query("SELECT * FROM outbox WHERE key = ?", [key]))
    return rows[0] if rows else None


def remember_reply(store: Store, view_id: str, user_id: str, response_url: str) -> None:
    with store.transaction() as db:
        db.execute(
            """INSERT OR REPLACE INTO view_replies (view_id, user_id, response_url, created_at)
               VALUES (?, ?, ?, ?)""",
            [view_id, user_id, response_url, store.now()],
        )


def reply_for(store: Store, view_id: str, user_id: str) -> str | None:
    row = store.db.execute(
        "SELECT response_url FROM view_replies WHERE view_id = ? AND user_id = ?",
        [view_id, user_id],
    ).fetchone()
    return row[0] if row else None


def mark_uninstalled(store: Store, reason: str) -> bool:
    """Record that Slack no longer takes the bot's token; True only for the call that did."""
    with store.write() as db:
        cursor = db.execute(
            "INSERT OR IGNORE INTO slack_uninstalled (id, reason, at) VALUES (1, ?, ?)",
            [reason, store.now()],
        )
        return cursor.rowcount == 1


def uninstalled(store: Store) -> str | None:
    """Why Slack no longer takes the bot's token, or None while it does."""
    row = store.db.execute("SELECT reason FROM slack_uninstalled WHERE id = 1").fetchone()
    return row[0] if row else None


def clear_uninstalled(store: Store) -> bool:
    """Slack takes the token again; True when it had not."""
    with store.write() as db:
        return db.execute("DELETE FROM slack_uninstalled").rowcount == 1
