"""Customers, their cases and contacts, notes, solutions and their decisions, the audit log."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable, Iterator

from bot.shared.db import Store, placeholders


def customers_by_id(store: Store, customer_id: str) -> list[dict]:
    """The customer with this CRM id, ignoring case (ids are unique as stored)."""
    return list(
        store.db.query(
            "SELECT * FROM customers WHERE lower(id) = lower(?) ORDER BY id", [customer_id]
        )
    )


def customers_by_email(store: Store, email: str) -> list[dict]:
    """Customers with this email, ignoring case."""
    return list(
        store.db.query(
            "SELECT * FROM customers WHERE lower(email) = lower(?) ORDER BY id", [email.strip()]
        )
    )


def any_customer(store: Store) -> bool:
    """Whether there is a customer at all (erased ones stay, as their references)."""
    return store.db.execute("SELECT 1 FROM customers LIMIT 1").fetchone() is not None


def customer_names(store: Store) -> dict[str, str]:
    """Every customer's name by id."""
    return dict(store.db.execute("SELECT id, name FROM customers").fetchall())


def customers_by_ids(store: Store, customer_ids: list[str]) -> dict[str, dict]:
    """Customers by id, of those ids (a few: each is a parameter)."""
    marks = placeholders(customer_ids)
    rows = store.db.query(f"SELECT * FROM customers WHERE id IN ({marks})", customer_ids)
    return {row["id"]: row for row in rows}


def customer(store: Store, customer_id: str) -> dict | None:
    rows = list(store.db.query("SELECT * FROM customers WHERE id = ?", [customer_id]))
    return rows[0] if rows else None


def add_customer(store: Store, *, name: str, email: str | None, created_by: str) -> str:
    """A customer the CRM export does not have yet, with an id of ours ("NEW-3")."""
    with store.transaction() as db:
        number = db.execute("SELECT count(*) FROM customers").fetchone()[0] + 1
        while customer(store, f"NEW-{number}") is not None:
            number += 1
        customer_id = f"NEW-{number}"
        db.execute(
            """INSERT INTO customers (id, name, email, customer_since, tier, created_by,
                   created_at, updated_at) VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)""",
            [customer_id, name, email, created_by, store.now(), store.now()],
        )
        return customer_id


def save_customer(store: Store, row: dict) -> str:
    """Add or update one customer from the CRM (id, name, email, customer_since, tier);
    returns "added", "updated" or "unchanged"."""
    fields = ("name", "email", "customer_since", "tier")
    with store.transaction() as db:
        old = customer(store, row["id"])
        if old is None:
            db.execute(
                """INSERT INTO customers (id, name, email, customer_since, tier, created_by,
                       created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)""",
                [row["id"], *(row[f] for f in fields), store.now(), store.now()],
            )
            return "added"
        if all(old[f] == row[f] for f in fields):
            return "unchanged"
        db.execute(
            """UPDATE customers SET name = ?, email = ?, customer_since = ?, tier = ?,
                   updated_at = ? WHERE id = ?""",
            [*(row[f] for f in fields), store.now(), row["id"]],
        )
        return "updated"


def case_row(store: Store, case_id: int) -> dict | None:
    rows = list(
        store.db.query(
            """SELECT c.*, (SELECT count(*) FROM contacts t WHERE t.case_id = c.id)
                   AS contact_count
               FROM cases c WHERE c.id = ?""",
            [case_id],
        )
    )
    return rows[0] if rows else None


def customer_cases(store: Store, customer_id: str) -> list[dict]:
    """A customer's cases with the time of their last contact, the latest first."""
    return list(
        store.db.query(
            """SELECT c.*, max(t.created_at) AS last_contact_at
               FROM cases c JOIN contacts t ON t.case_id = c.id
               WHERE c.customer_id = ? GROUP BY c.id
               ORDER BY last_contact_at DESC, c.id DESC""",
            [customer_id],
        )
    )


def insert_case(
    store: Store, customer_id: str, topic: str, owner_id: str, follows: int | None = None
) -> int:
    """A new open case (following a closed one on the same matter, if `follows`); ids start
    at 1001 so that every case reference has four digits, and a removed case's number is never
    given again (`remove_case`)."""
    with store.transaction() as db:
        case_id = db.execute(
            """SELECT max(1000, coalesce((SELECT max(id) FROM cases), 0),
                      coalesce((SELECT max(id) FROM retired_case_numbers), 0)) + 1"""
        )
        case_id = case_id.fetchone()[0]
        db.execute(
            """INSERT INTO cases (id, customer_id, topic, owner_id, status, opened_at, follows)
               VALUES (?, ?, ?, ?, 'open', ?, ?)""",
            [case_id, customer_id, topic, owner_id, store.now(), follows],
        )
        return case_id


def add_contact(
    store: Store, case_id: int, user_id: str, request_key: str | None, words: str
) -> int:
    """Count one contact on a case, typed in `words` ('' for none); returns its number (the
    opening contact is 1). The words are kept as a keyed hash: enough to know them typed again,
    and no copy of the customer's words for an export, erasure or retention to find."""
    with store.transaction() as db:
        number = db.execute("SELECT count(*) + 1 FROM contacts WHERE case_id = ?", [case_id])
        number = number.fetchone()[0]
        db.execute(
            """INSERT INTO contacts (case_id, number, user_id, request_key, words_digest,
                   created_at) VALUES (?, ?, ?, ?, ?, ?)""",
            [case_id, number, user_id, request_key, _words_digest(store, words), store.now()],
        )
        return number


def latest_contact_by(
    store: Store, case_id: int, user_id: str, words: str
) -> tuple[int, str, str | None, bool] | None:
    """(number, when, request key, whether typed in `words`) of the latest contact `user_id`
    counted on a case."""
    row = store.db.execute(
        """SELECT number, created_at, request_key, words_digest IS ? FROM contacts
           WHERE case_id = ? AND user_id = ? ORDER BY number DESC LIMIT 1""",
        [_words_digest(store, words), case_id, user_id],
    ).fetchone()
    return (row[0], row[1], row[2], bool(row[3])) if row else None


def contact_by_request(store: Store, request_key: str) -> tuple[int, int, str] | None:
    """(case id, contact number, when) of a contact already counted for this request."""
    return store.db.execute(
        "SELECT case_id, number, created_at FROM contacts WHERE request_key = ?", [request_key]
    ).fetchone()


def remove_case(store: Store, case_id: int) -> bool:
    """Delete a case and its contacts, its number kept from new cases (the audit names it);
    False, and nothing deleted, when a row of another table still refers to it (a promise, a
    redirect: the foreign keys refuse)."""
    try:
        with store.transaction() as db:  # inside the caller's: a savepoint, undone alone
            db.execute("DELETE FROM contacts WHERE case_id = ?", [case_id])
            db.execute("DELETE FROM cases WHERE id = ?", [case_id])
            db.execute("INSERT OR IGNORE INTO retired_case_numbers (id) VALUES (?)", [case_id])
    except sqlite3.IntegrityError:
        return False
    return True


def merged_into(store: Store, case_id: int) -> int | None:
    """The case a removed case's one contact was moved to (`remove_case`), as the audit names
    it; None for a case never merged."""
    row = store.db.execute(
        """SELECT subject FROM audit_log WHERE action = 'contact.moved'
           AND json_extract(details, '$.from') = ? ORDER BY id DESC LIMIT 1""",
        [f"C-{case_id}"],
    ).fetchone()
    return int(row[0].removeprefix("C-")) if row else None


def close_case(store: Store, case_id: int, user_id: str, root_cause: str) -> bool:
    """Close an open case; False when it was not open."""
    with store.transaction() as db:
        cursor = db.execute(
            """UPDATE cases SET status = 'closed', root_cause = ?, closed_at = ?,
                   closed_by = ? WHERE id = ? AND status = 'open'""",
            [root_cause, store.now(), user_id, case_id],
        )
        return cursor.rowcount == 1


def add_case_note(
    store: Store, case_id: int, user_id: str, text: str, request_key: str | None
) -> None:
    with store.transaction() as db:
        db.execute(
            """INSERT INTO case_notes (case_id, user_id, text, request_key, created_at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING""",
            [case_id, user_id, text, request_key, store.now()],
        )


def noted_since(store: Store, case_id: int, user_id: str, text: str, since: str) -> str | None:
    """When `user_id` last added a note of exactly `text` to a case, if not before `since`."""
    return store.db.execute(
        """SELECT max(created_at) FROM case_notes
           WHERE case_id = ? AND user_id = ? AND text = ? AND created_at >= ?""",
        [case_id, user_id, text, since],
    ).fetchone()[0]


def case_notes(store: Store, case_id: int) -> list[tuple[str, str, str]]:
    """(user id, text, time) of a case's notes, oldest first."""
    return store.db.execute(
        "SELECT user_id, text, created_at FROM case_notes WHERE case_id = ? ORDER BY id",
        [case_id],
    ).fetchall()


def insert_solution(store: Store, row: dict) -> int:
    """Store a solution (the columns of `solutions`, without id and created_at)."""
    row = {**row, "created_at": store.now()}
    with store.transaction() as db:
        db.execute(
            f"INSERT INTO solutions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        return db.execute("SELECT last_insert_rowid()").fetchone()[0]


def solution_row(store: Store, solution_id: int) -> dict | None:
    rows = list(store.db.query("SELECT * FROM solutions WHERE id = ?", [solution_id]))
    return rows[0] if rows else None


def solution_by_request(store: Store, request_key: str) -> dict | None:
    rows = list(store.db.query("SELECT * FROM solutions WHERE request_key = ?", [request_key]))
    return rows[0] if rows else None


def same_solutions(
    store: Store, case_id: int, type_id: str, amount: str | None, statuses: tuple[str, ...],
    *, before: int | None = None, requested_by: str | None = None, since: str | None = None,
) -> list[dict]:  # fmt: skip
    """The requests for this solution (type and amount, as stored) on a case with one of
    `statuses` ("pending": still waiting for a decision), the earliest first; of those before
    the request `before`, asked for by `requested_by`, and made since `since`, when given."""
    return list(
        store.db.query(
            f"""SELECT * FROM solutions WHERE case_id = ? AND type = ? AND amount IS ?
                  AND status IN ({placeholders(statuses)}) AND (? IS NULL OR id < ?)
                  AND (? IS NULL OR requested_by = ?) AND (? IS NULL OR created_at >= ?)
                ORDER BY id""",
            [
                case_id,
                type_id,
                amount,
                *statuses,
                before,
                before,
                requested_by,
                requested_by,
                since,
                since,
            ],  # fmt: skip
        )
    )


def case_solutions(store: Store, case_id: int) -> list[dict]:
    return list(store.db.query("SELECT * FROM solutions WHERE case_id = ? ORDER BY id", [case_id]))


def granted_amounts(
    store: Store, customer_id: str, type_id: str, since: str, exclude_id: int | None = None
) -> list[str | None]:
    """Amounts (as text, None for solutions without one) of a customer's solutions of a type
    that stand: authorized at once or approved, since a time."""
    return [
        row[0]
        for row in store.db.execute(
            """SELECT amount FROM solutions
               WHERE customer_id = ? AND type = ? AND created_at >= ?
                 AND status IN ('authorized', 'approved') AND id IS NOT ?""",
            [customer_id, type_id, since, exclude_id],
        )
    ]


def decide_solution(
    store: Store, solution_id: int, status: str, user_id: str, reason: str | None
) -> bool:
    """Decide a pending solution; False when it was already decided (someone was first)."""
    with store.transaction() as db:
        cursor = db.execute(
            """UPDATE solutions SET status = ?, decided_by = ?, decided_at = ?,
                   decision_reason = ? WHERE id = ? AND status = 'pending'""",
            [status, user_id, store.now(), reason, solution_id],
        )
        return cursor.rowcount == 1


def withdraw_solution(store: Store, solution_id: int, user_id: str) -> bool:
    """Withdraw a pending solution (its case was closed); False when it was decided first."""
    with store.transaction() as db:
        cursor = db.execute(
            """UPDATE solutions SET status = 'withdrawn', decided_by = ?, decided_at = ?
               WHERE id = ? AND status = 'pending'""",
            [user_id, store.now(), solution_id],
        )
        return cursor.rowcount == 1


def solution_click(store: Store, request_key: str) -> dict | None:
    rows = list(
        store.db.query("SELECT * FROM solution_clicks WHERE request_key = ?", [request_key])
    )
    return rows[0] if rows else None


def record_solution_click(
    store: Store, request_key: str, solution_id: int, user_id: str, outcome: str, message: str
) -> None:
    with store.transaction() as db:
        db.execute(
            """INSERT INTO solution_clicks
                   (request_key, solution_id, user_id, outcome, message, created_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [request_key, solution_id, user_id, outcome, message, store.now()],
        )


def audit_personal_parts(store: Store) -> dict[int, dict]:
    """The personal parts of audit rows, by row id (erased ones with data NULL)."""
    rows = store.db.query("SELECT * FROM audit_personal")
    return {row["audit_id"]: row for row in rows}


def customer_ref_of_case(store: Store, case_id: int | None) -> str | None:
    """The reference of the case's customer, which audit rows name them by."""
    if case_id is None:
        return None
    row = store.db.execute(
        "SELECT ref FROM customers WHERE id = (SELECT customer_id FROM cases WHERE id = ?)",
        [case_id],
    ).fetchone()
    return row[0] if row else None


def audit_rows(store: Store) -> Iterator[dict]:
    return store.db.query("SELECT * FROM audit_log ORDER BY id")


def set_case_owner(store: Store, case_id: int, owner_id: str) -> None:
    with store.transaction() as db:
        db.execute("UPDATE cases SET owner_id = ? WHERE id = ?", [owner_id, case_id])


def open_case_ids(store: Store, owner_id: str) -> list[int]:
    rows = store.db.execute(
        "SELECT id FROM cases WHERE owner_id = ? AND status = 'open' ORDER BY id", [owner_id]
    )
    return [case_id for (case_id,) in rows.fetchall()]


def pending_solution_rows(store: Store, requested_by: str | None = None) -> list[dict]:
    """Solutions waiting for a decision, the oldest first; all of them, or one rep's."""
    if requested_by is None:
        sql, params = "SELECT * FROM solutions WHERE status = 'pending' ORDER BY id", []
    else:
        sql = "SELECT * FROM solutions WHERE status = 'pending' AND requested_by = ? ORDER BY id"
        params = [requested_by]
    return list(store.db.query(sql, params))


def cases_of_customer(store: Store, customer_id: str) -> list[dict]:
    return list(
        store.db.query("SELECT * FROM cases WHERE customer_id = ? ORDER BY id", [customer_id])
    )


def case_contacts(store: Store, case_id: int) -> list[dict]:
    return list(
        store.db.query(
            "SELECT number, user_id AS by, created_at AS at FROM contacts"
            " WHERE case_id = ? ORDER BY number",
            [case_id],
        )
    )


# Audit rows as an export shows them: with their personal parts (data NULL once erased).
AUDIT_WITH_PERSONAL = """SELECT a.id, a.at, a.actor, a.action, a.subject, a.details, p.data
                         FROM audit_log a LEFT JOIN audit_personal p ON p.audit_id = a.id"""


def audit_rows_of_customer(store: Store, ref: str) -> list[dict]:
    """The audit rows that name a customer by their reference, with their personal parts."""
    return list(
        store.db.query(
            f"{AUDIT_WITH_PERSONAL} WHERE json_extract(a.details, '$.customer') = ? ORDER BY a.id",
            [ref],
        )
    )


def audit_rows_by_id(store: Store, audit_ids: list[int]) -> list[dict]:
    """These audit rows, with their personal parts."""
    return list(
        store.db.query(
            f"{AUDIT_WITH_PERSONAL} WHERE a.id IN ({placeholders(audit_ids)}) ORDER BY a.id",
            audit_ids,
        )
    )


def pseudonymise_customer(store: Store, customer_id: str, ref: str, name: str, at: str) -> int:
    """The customer's id becomes their reference (in their cases and solutions too), their name
    `name`, and their email and tenure are gone; foreign keys are checked at the commit."""
    db = store.db
    db.execute("PRAGMA defer_foreign_keys = ON")  # for this transaction only
    changed = db.execute(
        """UPDATE customers SET id = ?, name = ?, email = NULL, customer_since = NULL,
               erased_at = ?, updated_at = ? WHERE id = ?""",
        [ref, name, at, at, customer_id],
    ).rowcount
    for table in ("cases", "solutions"):
        db.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?", [ref, customer_id])
    return changed


def erase_case_texts(store: Store, case_ids: list[int], erased: str) -> dict[str, int]:
    """The cases' topics, notes, solution and decision reasons, and what a click on a solution
    answered, replaced by `erased` ('' for retention, which reads '' as done); a reason never
    given stays NULL, and '' leaves none; the hashes of their contacts' words gone. Counts by
    kind."""
    marks = placeholders(case_ids)
    db = store.db
    topics = db.execute(
        f"UPDATE cases SET topic = ? WHERE id IN ({marks}) AND topic != ''", [erased, *case_ids]
    ).rowcount
    notes = db.execute(
        f"UPDATE case_notes SET text = ? WHERE case_id IN ({marks})", [erased, *case_ids]
    ).rowcount
    # a hash of short words can be guessed by whoever holds the key, which is in this file
    db.execute(f"UPDATE contacts SET words_digest = NULL WHERE case_id IN ({marks})", case_ids)
    db.execute(
        f"""UPDATE solution_clicks SET message = ?
            WHERE solution_id IN (SELECT id FROM solutions WHERE case_id IN ({marks}))""",
        [erased, *case_ids],
    )
    solutions = db.execute(
        f"""UPDATE solutions SET reason = ?,
                decision_reason = CASE WHEN decision_reason IS NULL THEN NULL ELSE NULLIF(?, '') END
            WHERE case_id IN ({marks})""",
        [erased, erased, *case_ids],
    ).rowcount
    return {"case topic": topics, "note": notes, "solution": solutions}


def personal_parts_to_erase(store: Store, ref: str) -> list[int]:
    """The audit rows whose personal parts are about the customer, not yet erased."""
    return [
        row[0]
        for row in store.db.execute(
            """SELECT p.audit_id FROM audit_personal p JOIN audit_log a ON a.id = p.audit_id
               WHERE p.data IS NOT NULL AND json_extract(a.details, '$.customer') = ?""",
            [ref],
        )
    ]


def personal_parts_about(store: Store, cases: list[str], subjects: list[str]) -> list[int]:
    """The audit rows, not yet erased, with personal parts about the cases or subjects."""
    case_marks, subject_marks = placeholders(cases), placeholders(subjects)
    return [
        row[0]
        for row in store.db.execute(
            f"""SELECT p.audit_id FROM audit_personal p JOIN audit_log a ON a.id = p.audit_id
                WHERE p.data IS NOT NULL AND (json_extract(a.details, '$.case') IN ({case_marks})
                      OR a.subject IN ({subject_marks}))""",
            [*cases, *subjects],
        )
    ]


def personal_parts_mentioning(
    store: Store, mentions: Callable[[str], bool], *, of_no_customer_but: str | None = None
) -> list[int]:
    """The audit rows whose personal parts mention someone (a promise with no case that names
    the customer), not yet erased; with `of_no_customer_but`, only those about no customer or
    about that one (by their reference)."""
    sql = """SELECT p.audit_id, p.data FROM audit_personal p JOIN audit_log a ON a.id = p.audit_id
             WHERE p.data IS NOT NULL"""
    if of_no_customer_but is not None:
        sql += " AND coalesce(json_extract(a.details, '$.customer'), ?) = ?"
    given = [] if of_no_customer_but is None else [of_no_customer_but] * 2
    return [audit_id for audit_id, data in store.db.execute(sql, given) if mentions(data)]


def mark_personal_parts_erased(store: Store, audit_ids: list[int], erased_by: int) -> None:
    store.db.conn.executemany(
        "UPDATE audit_personal SET salt = NULL, data = NULL, erased_by = ? WHERE audit_id = ?",
        [(erased_by, audit_id) for audit_id in audit_ids],
    )


def _words_digest(store: Store, words: str) -> str | None:
    """The keyed hash a contact's words are kept as (`add_contact`); None for no words."""
    return _identifier_digest(store, words) if words else None


def _identifier_digest(store: Store, identifier: str) -> str:
    """A keyed hash of a CRM id, an email or a contact's words: the key is this
    installation's, so the digest proves nothing about them elsewhere."""
    row = store.db.execute("SELECT key FROM install_key").fetchone()
    key = row[0] if row else ""
    message = identifier.strip().lower().encode("utf-8")
    return hmac.new(key.encode("ascii"), message, hashlib.sha256).hexdigest()


def remember_erased(store: Store, identifiers: list[str], ref: str, at: str) -> None:
    store.db.conn.executemany(
        "INSERT OR IGNORE INTO erased_identifiers (digest, ref, erased_at) VALUES (?, ?, ?)",
        [(_identifier_digest(store, i), ref, at) for i in identifiers if i.strip()],
    )


def erased_as(store: Store, identifier: str) -> tuple[str, str] | None:
    """(reference, time) of the erased customer who had this CRM id or email, if any."""
    row = store.db.execute(
        "SELECT ref, erased_at FROM erased_identifiers WHERE digest = ?",
        [_identifier_digest(store, identifier)],
    ).fetchone()
    return (row[0], row[1]) if row else None
