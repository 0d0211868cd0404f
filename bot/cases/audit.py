"""The audit log: one row per proposal, authorization, approval, denial, refused click and
closed case, chained by hashes so that a changed or removed row shows.

Each row's hash is sha256(previous row's hash + the canonical JSON of the row), so changing
any row breaks every link after it, and `verify` names the first. Triggers refuse UPDATE and
DELETE; the chain catches whoever gets past them (a tool with the triggers dropped).

The chain alone cannot show rows cut from its end, an emptied log, or a chain recomputed from
an edited row onwards: it still checks out. So its head (row count and last hash) is published
outside the database (the weekly post, `repbot summary`, the log), and `verify` against a
published head proves the chain still extends it.

Personal data stays out of the hashed content, so that a customer can be erased without
breaking the chain: a row names its customer by a random reference (customers.ref), and keeps
free text about them (a reason, a promise, a note) in audit_personal under a salted digest
that the row's hash covers. `verify` checks each personal part against its digest; one that
is gone must have been erased by a later erasure or retention row, which counts the parts it
erased (see bot/shared/chain.py)."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlite_utils import Database

from bot.cases import queries as cases_db
from bot.shared.chain import GENESIS, canonical, new_salt, personal_digest, row_hash
from bot.shared.db import Store
from bot.shared.refusal import Refusal

log = logging.getLogger(__name__)

# The actions that erase personal parts of earlier rows; each says how many in "audit_rows".
ERASURES = ("customer.erased", "retention.applied")
# The row the schema step of version 12 wrote when it moved personal data out of the chain:
# heads published before it are proved by the head it recorded.
RESEALED = "audit.resealed"
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


def entries(count: int) -> str:
    """ "1 entry", "4 entries": the audit log's rows as every message counts them."""
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    rows: int
    first_broken: int | None  # the id of the first row that does not check out
    reason: str  # what is wrong; for an intact log, what else it proves ("" for nothing)

    def __str__(self) -> str:
        """The outcome in one sentence, worded alike wherever a command shows it."""
        if not self.ok:
            return f"The audit log is broken at entry {self.first_broken}: {self.reason}."
        proves = f", {self.reason}" if self.reason else ""
        return f"The audit log is intact: {entries(self.rows)}{proves}."


def parse_head(text: str) -> Head:
    """A head as published ("1234:9f86d081884c7d659a2feaa0c55ad015"); Refusal saying what
    is wrong with any other text."""
    match = HEAD_TEXT.match(text.strip().lower())
    if match is None:
        raise Refusal(
            f"{text!r} is not an audit head: give it as published, COUNT:HASH "
            f"(an entry count, a colon, {HEAD_HEX} hex digits)"
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


def append(
    db: Database,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict,
    at: str,
    customer: str | None = None,
    personal: dict | None = None,
) -> int:
    """Write one row inside the caller's transaction, so the row exists exactly when the change
    it records does; returns its id. `customer` is the customer's reference (customers.ref,
    never their CRM id), `personal` the free text that an erasure may remove."""
    if not db.conn.in_transaction:
        # Outside a write transaction two writers could both chain onto the same last row.
        raise RuntimeError("audit.append must run inside the caller's transaction")
    details = json.loads(json.dumps(details, default=_plain))
    if customer is not None:
        details["customer"] = customer
    last = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    digest = None
    if personal:
        personal = json.loads(json.dumps(personal, default=_plain))
        salt = new_salt()
        digest = personal_digest(salt, personal)
    this_hash = row_hash(prev_hash, row_id, at, actor, action, subject, details, digest)
    db.execute(
        """INSERT INTO audit_log (id, at, actor, action, subject, details, personal, prev_hash,
               hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [row_id, at, actor, action, subject, canonical(details), digest, prev_hash, this_hash],
    )
    if personal:
        db.execute(
            "INSERT INTO audit_personal (audit_id, salt, data) VALUES (?, ?, ?)",
            [row_id, salt, canonical(personal)],
        )
    return row_id


def append_erasure(
    store: Store,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict,
    at: str,
    erased: list[int],
    customer: str | None = None,
) -> int:
    """An erasure row (an action of ERASURES) and the personal parts of the rows `erased` it
    erases, in the caller's transaction: the row counts them, and `verify` checks the count."""
    details = {**details, "audit_rows": len(erased)}
    row_id = append(
        store.db, actor=actor, action=action, subject=subject, details=details, at=at,
        customer=customer,
    )  # fmt: skip
    cases_db.mark_personal_parts_erased(store, erased, row_id)
    return row_id


def personal_parts_about(
    store: Store, *, cases: Sequence[str] = (), subjects: Sequence[str] = ()
) -> list[int]:
    """The audit rows, not yet erased, with personal parts about these cases ("C-1001") or
    these subjects ("F-12")."""
    return cases_db.personal_parts_about(store, list(cases), list(subjects))


def customer_of_case(store: Store, case_id: int | None) -> str | None:
    """The reference that audit rows name a case's customer by (None for no case)."""
    return cases_db.customer_ref_of_case(store, case_id)


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
    before it, or whose personal part was changed or removed without an erasure, is named.
    With a published `head`, the chain must also still reach it: at least head.count rows, the
    row at head.count with the head's hash."""
    prev_hash, expected_id, rows = GENESIS, 1, 0
    hash_at_head = GENESIS  # the hash at the head's row count, once the walk gets there
    personal = cases_db.audit_personal_parts(store)
    erased_by = Counter(part["erased_by"] for part in personal.values() if part["data"] is None)
    erasers: set[int] = set()
    resealed: list[dict] = []
    for row in cases_db.audit_rows(store):
        rows += 1
        row_id = row["id"]
        if row_id != expected_id or row["prev_hash"] != prev_hash:
            reason = f"entry {row_id} does not follow entry {expected_id - 1}: an entry was removed"
            if row_id == expected_id:
                reason = (
                    f"entry {row_id} does not follow the entry before it: that entry was changed"
                )
            return AuditCheck(False, rows, row_id, reason)
        try:
            details = json.loads(row["details"])
        except json.JSONDecodeError:
            return AuditCheck(False, rows, row_id, f"entry {row_id} has unreadable details")
        recomputed = row_hash(prev_hash, row_id, row["at"], row["actor"], row["action"],
                              row["subject"], details, row["personal"])  # fmt: skip
        if recomputed != row["hash"]:
            changed = f"entry {row_id} was changed after it was written"
            return AuditCheck(False, rows, row_id, changed)
        problem = _personal_problem(row, personal.pop(row_id, None))
        if row["action"] in ERASURES:
            erasers.add(row_id)
            claimed, found = details.get("audit_rows", 0), erased_by.get(row_id, 0)
            if claimed != found:
                problem = (
                    f"entry {row_id} erased the personal details of {entries(claimed)}, but "
                    f"{found} are marked as erased by it"
                )
        if problem is not None:
            return AuditCheck(False, rows, row_id, problem)
        if row["action"] == RESEALED:
            resealed.append(details)
        prev_hash, expected_id = row["hash"], row_id + 1
        if head is not None and row_id == head.count:
            hash_at_head = row["hash"]
    stray = sorted(personal) + sorted(set(erased_by) - erasers - {None})
    if stray:
        reason = f"personal details name entry {stray[0]}, which is not in the chain or erased none"
        return AuditCheck(False, rows, rows, reason)
    if head is None:
        return AuditCheck(True, rows, None, "")
    return _against(head, rows, hash_at_head, resealed)


def _personal_problem(row: dict, part: dict | None) -> str | None:
    """What is wrong with a row's personal part, if anything: changed, or gone without an
    erasure after the row."""
    row_id = row["id"]
    if row["personal"] is None:
        return None if part is None else f"entry {row_id} has personal details it never had"
    if part is None:
        return f"the personal details of entry {row_id} were removed without an erasure"
    if part["data"] is None:
        if part["erased_by"] is None or part["erased_by"] <= row_id:
            return f"the personal details of entry {row_id} were removed without an erasure"
        return None
    try:
        data = json.loads(part["data"])
        intact = personal_digest(part["salt"], data) == row["personal"]
    except (json.JSONDecodeError, TypeError, ValueError):
        intact = False
    return None if intact else f"the personal details of entry {row_id} were changed"


def _against(head: Head, rows: int, hash_at_head: str, resealed: list[dict]) -> AuditCheck:
    """An intact chain of `rows` rows against a published head; a head published before the
    chain was resealed is proved by the head the reseal recorded."""
    for seal in resealed:
        old = parse_head(seal["old_head"])
        if head.count == old.count and old.hash.startswith(head.hash):
            reason = (
                f"extending head {head}, as it did when it was resealed to move personal data "
                "out of the hashed entries"
            )
            return AuditCheck(True, rows, None, reason)
    if rows == 0 and head.count > 0:
        reason = (
            f"the log is empty, but the published head {head} had {entries(head.count)}: "
            "every entry was removed"
        )
        return AuditCheck(False, rows, 1, reason)
    if rows < head.count:
        reason = (
            f"the log ends at entry {rows}, but the published head {head} had "
            f"{entries(head.count)}: entries were removed from its end"
        )
        return AuditCheck(False, rows, rows + 1, reason)
    if not hash_at_head.startswith(head.hash):
        reason = (
            f"entry {head.count} hashes to {hash_at_head[:HEAD_HEX]}, not to the published "
            f"{head.hash[:HEAD_HEX]}: entries up to it were changed or replaced and the chain "
            "recomputed"
        )
        return AuditCheck(False, rows, head.count, reason)
    return AuditCheck(True, rows, None, f"extending the published head {head}")
