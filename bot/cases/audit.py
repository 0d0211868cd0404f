"""The audit log: one row per proposal, authorization, approval, denial, refused click and
closed case, chained by hashes so that a changed or removed row shows.

Each row's hash is sha256(previous row's hash + the canonical JSON of the row), so changing
any row breaks every link after it, and `verify` names the first. Triggers refuse UPDATE and
DELETE; the chain catches whoever gets past them (a tool with the triggers dropped).

The chain alone cannot show rows cut from its end, an emptied log, or a chain recomputed from
an edited row onwards: it still checks out. So its head (row count and last hash) is published
outside the database (the weekly post, `repbot summary`, the log), and `verify` against a
published head proves the chain still extends it."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlite_utils import Database

from bot.cases import queries as cases_db
from bot.shared.db import Store
from bot.shared.refusal import Refusal

log = logging.getLogger(__name__)

GENESIS = "0" * 64  # the "previous hash" of the first row
# Hex digits of the hash a head shows: 128 bits. Forging a chain whose row COUNT matches a fixed
# published prefix takes about 16**HEAD_HEX tries (a second preimage, not a birthday
# collision); 16 digits (2**64) is within reach of rented hardware, 32 is not.
HEAD_HEX = 32
# The head goes to the log at every multiple of this count: a busy floor's newest rows are then
# anchored long before the weekly post, in a log that can be kept off the machine; one line per
# hundred decisions does not crowd it.
PUBLISH_EVERY = 100
HEAD_TEXT = re.compile(r"^(\d+):([0-9a-f]+)$")


@dataclass(frozen=True)
class Head:
    """Where the chain ended: its row count and the hash of its last row (GENESIS when empty).
    Its text form is COUNT:HASH with the hash cut to HEAD_HEX digits."""

    count: int
    hash: str  # lowercase hex: a full hash, or a published prefix of at least HEAD_HEX digits

    def __str__(self) -> str:
        return f"{self.count}:{self.hash[:HEAD_HEX]}"


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    rows: int
    first_broken: int | None  # the id of the first row that does not check out
    reason: str


def parse_head(text: str) -> Head:
    """A head as published ("1234:9f86d081884c7d659a2feaa0c55ad015"); Refusal saying what
    is wrong with any other text."""
    match = HEAD_TEXT.match(text.strip().lower())
    if match is None:
        raise Refusal(
            f"{text!r} is not an audit head: give it as published, COUNT:HASH "
            f"(a row count, a colon, {HEAD_HEX} hex digits)"
        )
    count, digits = int(match[1]), match[2]
    if not HEAD_HEX <= len(digits) <= len(GENESIS):
        raise Refusal(
            f"the hash of audit head {text!r} has {len(digits)} hex digits: "
            f"give the {HEAD_HEX} published (or all {len(GENESIS)})"
        )
    return Head(count, digits)


def head(store: Store) -> Head:
    """The chain's head now: read outside any write, so it names only committed rows."""
    count, last = store.db.execute(
        "SELECT COUNT(*), (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) FROM audit_log"
    ).fetchone()
    return Head(count, last or GENESIS)


def publish(head: Head) -> None:
    """The head into the log, with the command that checks the chain against it."""
    log.info("audit log head %s: verify with `repbot audit verify --head %s`", head, head)


def _plain(value: object) -> str:
    """Money is Decimal in the code and text in the log: "20.00" hashes the same forever."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to the audit log")


def _canonical(row: dict) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _hash(prev_hash: str, row_id: int, at: str, actor: str, action: str, subject: str,
          details: dict) -> str:  # fmt: skip
    row = {"id": row_id, "at": at, "actor": actor, "action": action, "subject": subject,
           "details": details}  # fmt: skip
    return hashlib.sha256((prev_hash + _canonical(row)).encode("utf-8")).hexdigest()


def append(db: Database, *, actor: str, action: str, subject: str, details: dict, at: str) -> int:
    """Write one row inside the caller's transaction, so the row exists exactly when the change
    it records does; returns its id."""
    if not db.conn.in_transaction:
        # Outside a write transaction two writers could both chain onto the same last row.
        raise RuntimeError("audit.append must run inside the caller's transaction")
    details = json.loads(json.dumps(details, default=_plain))
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    row_hash = _hash(prev_hash, row_id, at, actor, action, subject, details)
    db.execute(
        """INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [row_id, at, actor, action, subject, _canonical(details), prev_hash, row_hash],
    )
    return row_id


class HeadPublisher:
    """Puts the head into the log each time the chain has grown past another PUBLISH_EVERY
    rows. It reads committed rows only (a row whose transaction rolled back is never
    published), so it runs on a timer, not inside `append`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._published = head(store).count // PUBLISH_EVERY

    def tick(self) -> None:
        now = head(self.store)
        if now.count // PUBLISH_EVERY > self._published:
            self._published = now.count // PUBLISH_EVERY
            publish(now)


def verify(store: Store, head: Head | None = None) -> AuditCheck:
    """Walk the chain from the first row; the first row that does not follow from the one
    before it is named. With a published `head`, the chain must also still reach it: at least
    head.count rows, the row at head.count with the head's hash."""
    prev_hash, expected_id, rows = GENESIS, 1, 0
    hash_at_head = GENESIS  # the hash at the head's row count, once the walk gets there
    for row in cases_db.audit_rows(store):
        rows += 1
        row_id = row["id"]
        if row_id != expected_id or row["prev_hash"] != prev_hash:
            reason = f"row {row_id} does not follow row {expected_id - 1}: a row was removed"
            if row_id == expected_id:
                reason = f"row {row_id} does not follow the row before it: that row was changed"
            return AuditCheck(False, rows, row_id, reason)
        try:
            details = json.loads(row["details"])
        except json.JSONDecodeError:
            return AuditCheck(False, rows, row_id, f"row {row_id} has unreadable details")
        recomputed = _hash(prev_hash, row_id, row["at"], row["actor"], row["action"],
                           row["subject"], details)  # fmt: skip
        if recomputed != row["hash"]:
            return AuditCheck(False, rows, row_id, f"row {row_id} was changed after it was written")
        prev_hash, expected_id = row["hash"], row_id + 1
        if head is not None and row_id == head.count:
            hash_at_head = row["hash"]
    if head is None:
        return AuditCheck(True, rows, None, f"{rows} rows, chain intact")
    return _against(head, rows, hash_at_head)


def _against(head: Head, rows: int, hash_at_head: str) -> AuditCheck:
    """An intact chain of `rows` rows against a published head."""
    if rows == 0 and head.count > 0:
        reason = (
            f"the log is empty, but the published head {head} had {head.count:,} rows: "
            "every row was removed"
        )
        return AuditCheck(False, rows, 1, reason)
    if rows < head.count:
        reason = (
            f"the log ends at row {rows}, but the published head {head} had {head.count:,} "
            "rows: rows were removed from its end"
        )
        return AuditCheck(False, rows, rows + 1, reason)
    if not hash_at_head.startswith(head.hash):
        reason = (
            f"row {head.count} hashes to {hash_at_head[:HEAD_HEX]}, not to the published "
            f"{head.hash[:HEAD_HEX]}: rows up to it were changed or replaced and the chain "
            "recomputed"
        )
        return AuditCheck(False, rows, head.count, reason)
    return AuditCheck(True, rows, None, f"{rows} rows, chain intact, extends head {head}")
