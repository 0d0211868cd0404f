"""The audit log: one row per proposal, authorization, approval, denial, refused click and
closed case, chained by hashes so that a changed or removed row shows.

Each row's hash is sha256(previous row's hash + the canonical JSON of the row), so changing
any row breaks every link after it, and `verify` names the first. Triggers refuse UPDATE and
DELETE; the chain catches whoever gets past them (a tool with the triggers dropped)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlite_utils import Database

from bot.store import Store

GENESIS = "0" * 64  # the "previous hash" of the first row


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    rows: int
    first_broken: int | None  # the id of the first row that does not check out
    reason: str


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


def verify(store: Store) -> AuditCheck:
    """Walk the chain from the first row; the first row that does not follow from the one
    before it is named."""
    prev_hash, expected_id, rows = GENESIS, 1, 0
    for row in store.audit_rows():
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
    return AuditCheck(True, rows, None, f"{rows} rows, chain intact")
