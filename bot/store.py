"""SQLite through sqlite-utils: schema, versioned migrations and the queries the bot needs.

Bolt runs listeners on a thread pool, so every thread gets its own connection; WAL lets
readers work while one writer writes, and the busy timeout makes writers wait their turn.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database

from bot.shared.clock import Clock, iso

BUSY_TIMEOUT_SECONDS = 10
DELIVERY_MEMORY = timedelta(days=2)  # Slack retries within minutes; keep keys well past that
# A sent message's key stops a repeat of its request from sending it again, which is over in
# minutes; what could not be delivered stays longer, as the record a lead may be asked about.
SENT_MEMORY, UNDELIVERED_MEMORY = timedelta(days=7), timedelta(days=90)


def _v1_faq(db: Database) -> None:
    db.execute(
        """CREATE TABLE faq_queries (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            best_id TEXT,
            best_score REAL,
            verdict TEXT NOT NULL CHECK (verdict IN ('answer', 'suggest', 'none')),
            user_id TEXT NOT NULL,
            channel_id TEXT,
            source TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX faq_queries_created ON faq_queries (created_at)")
    db.execute(
        """CREATE TABLE faq_feedback (
            query_id INTEGER NOT NULL REFERENCES faq_queries (id),
            user_id TEXT NOT NULL,
            entry_id TEXT,
            helpful INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (query_id, user_id)
        )"""
    )
    db.execute(
        """CREATE TABLE faq_picks (
            query_id INTEGER NOT NULL REFERENCES faq_queries (id),
            user_id TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (query_id, user_id)
        )"""
    )
    db.execute(
        """CREATE TABLE deliveries (
            key TEXT PRIMARY KEY,
            received_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE users (
            id TEXT PRIMARY KEY,
            name TEXT,
            real_name TEXT,
            tz TEXT,
            updated_at TEXT NOT NULL
        )"""
    )


def _v2_gap_resolutions(db: Database) -> None:
    # What a lead did about a question the FAQ could not answer: it leaves the gaps list.
    db.execute(
        """CREATE TABLE gap_resolutions (
            query_id INTEGER PRIMARY KEY REFERENCES faq_queries (id),
            action TEXT NOT NULL CHECK (action IN ('phrasing', 'entry', 'ignore')),
            entry_id TEXT,
            user_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX gap_resolutions_created ON gap_resolutions (created_at)")


def _v3_drafts_and_tone(db: Database) -> None:
    db.execute(
        """CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            case_id TEXT,
            customer_name TEXT,
            message TEXT NOT NULL,
            entry_id TEXT,
            situation TEXT NOT NULL,
            emotion TEXT NOT NULL,
            style TEXT NOT NULL,
            version INTEGER NOT NULL,
            text TEXT NOT NULL,
            due_at TEXT,
            tone_score INTEGER,
            used_at TEXT,
            helpful INTEGER,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX drafts_created ON drafts (created_at)")
    db.execute(
        """CREATE TABLE tone_checks (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            score INTEGER NOT NULL,
            flags TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX tone_checks_created ON tone_checks (created_at)")


def _v4_cases_solutions_audit(db: Database) -> None:
    db.execute(
        """CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT,
            customer_since TEXT,
            tier TEXT,
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX customers_email ON customers (lower(email))")
    db.execute("CREATE INDEX customers_name ON customers (lower(name))")
    db.execute(
        """CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers (id),
            topic TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            root_cause TEXT,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            closed_by TEXT
        )"""
    )
    db.execute("CREATE INDEX cases_customer ON cases (customer_id)")
    db.execute(
        """CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            number INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL,
            UNIQUE (case_id, number)
        )"""
    )
    db.execute(
        """CREATE TABLE case_notes (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX case_notes_case ON case_notes (case_id)")
    db.execute(
        """CREATE TABLE solutions (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            customer_id TEXT NOT NULL REFERENCES customers (id),
            situation TEXT NOT NULL,
            type TEXT NOT NULL,
            amount TEXT,
            reason TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('authorized', 'pending', 'approved', 'denied')),
            needs_role TEXT,
            decided_by TEXT,
            decided_at TEXT,
            decision_reason TEXT,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX solutions_customer ON solutions (customer_id, type, created_at)")
    db.execute("CREATE INDEX solutions_case ON solutions (case_id)")
    # Every click on Approve or Deny, by request key: a retried click gets the same answer.
    db.execute(
        """CREATE TABLE solution_clicks (
            request_key TEXT PRIMARY KEY,
            solution_id INTEGER NOT NULL REFERENCES solutions (id),
            user_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            message TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )"""
    )
    # Append-only: the hash chain shows tampering, the triggers stop it by accident or habit.
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
        )


def _v5_followups_redirects(db: Database) -> None:
    db.execute(
        """CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            owner_id TEXT NOT NULL,
            case_id INTEGER REFERENCES cases (id),
            what TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'done')),
            done_by TEXT,
            done_at TEXT,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX followups_open ON followups (status, due_at)")
    db.execute("CREATE INDEX followups_owner ON followups (owner_id, status)")
    db.execute("CREATE INDEX followups_case ON followups (case_id)")
    # The team's lead and when to remind are copied from teams.yaml when the case is sent, so
    # a later edit of the file never changes a handoff already under way.
    db.execute(
        """CREATE TABLE redirects (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            from_user TEXT NOT NULL,
            team_id TEXT NOT NULL,
            team_lead TEXT,
            note TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('waiting', 'taken')),
            taken_by TEXT,
            taken_at TEXT,
            remind_at TEXT NOT NULL,
            reply_by TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX redirects_waiting ON redirects (status, remind_at)")
    db.execute("CREATE INDEX redirects_case ON redirects (case_id)")
    # One row per reminder ever claimed, by a key that names what it is about and the due time
    # it is for; the primary key is what lets exactly one instance send each reminder.
    db.execute(
        """CREATE TABLE reminders (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            recipient_id TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'delivered', 'failed')),
            instance TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_try_at TEXT,
            error TEXT,
            delivered_at TEXT
        )"""
    )


def _v6_summary_indexes(db: Database) -> None:
    # The weekly summary counts each table over a week of one time column: without these it
    # would scan every row of a year's history.
    db.execute("CREATE INDEX cases_opened ON cases (opened_at)")
    db.execute("CREATE INDEX cases_closed ON cases (closed_at)")
    db.execute("CREATE INDEX contacts_created ON contacts (created_at)")
    db.execute("CREATE INDEX solutions_created ON solutions (created_at)")
    db.execute("CREATE INDEX solutions_decided ON solutions (decided_at)")
    db.execute("CREATE INDEX followups_due ON followups (due_at)")
    db.execute("CREATE INDEX redirects_created ON redirects (created_at)")
    db.execute("CREATE INDEX drafts_used ON drafts (used_at)")


def _v7_delivery_age_index(db: Database) -> None:
    # forget_old_deliveries runs every hour; without this it would read the whole table.
    db.execute("CREATE INDEX deliveries_received ON deliveries (received_at)")


def _v8_outbox(db: Database) -> None:
    # Everything the bot delivers after the acknowledgement, written in the transaction of the
    # change that causes it and sent by one sender (bot/slack/outbox.py). `key` makes a
    # message's identity part of the data, so the same message can never be queued twice.
    db.execute(
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            method TEXT NOT NULL,
            target TEXT NOT NULL,
            payload TEXT NOT NULL,
            digest TEXT,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_try_at TEXT NOT NULL,
            claimed_at TEXT,
            instance TEXT,
            sent_at TEXT,
            sent_channel TEXT,
            sent_ts TEXT,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX outbox_due ON outbox (status, next_try_at)")
    # Where a modal's outcome is shown, kept here so that a modal's private_metadata is only a
    # pointer and a submission cannot name an address of its own.
    db.execute(
        """CREATE TABLE view_replies (
            view_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            response_url TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )


# Append new steps; never edit one that has shipped. Step N brings the schema to version N.
MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_faq,
    _v2_gap_resolutions,
    _v3_drafts_and_tone,
    _v4_cases_solutions_audit,
    _v5_followups_redirects,
    _v6_summary_indexes,
    _v7_delivery_age_index,
    _v8_outbox,
]


@dataclass(frozen=True)
class QueryRecord:
    id: int
    text: str
    best_id: str | None
    best_score: float | None
    verdict: str
    user_id: str
    channel_id: str | None
    created_at: str


class Store:
    def __init__(self, path: str | Path, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or Clock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Writers in this process queue here, where a thread wakes the moment the lock is free;
        # SQLite's own busy handler (other processes) sleeps in steps of up to 100 ms.
        self._write_lock = threading.RLock()
        self.db.enable_wal()
        self.migrate()

    @property
    def db(self) -> Database:
        """This thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
            db = Database(conn)
            self._local.db = db
            with self._lock:
                self._connections.append(conn)
        return db

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction; IMMEDIATE takes the write lock up front, so two processes
        never both read-then-write and deadlock on the upgrade."""
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        with self._write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            try:
                db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT leaves the transaction open: later writes would seem to
                # succeed and never commit, and every other connection would wait on the lock.
                db.rollback()
                raise

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        with self.transaction() as db:
            current = self.schema_version()
            for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
                step(db)
                db.execute(f"PRAGMA user_version = {version}")

    def now(self) -> str:
        return iso(self.clock.now())

    # Deliveries: Slack may send the same request more than once.

    def claim_delivery(self, key: str) -> bool:
        """True the first time a delivery key is seen, False for every repeat. Called inside
        the transaction of the work the delivery stands for, so that a crash before the commit
        leaves the key free for Slack's retry."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO deliveries (key, received_at) VALUES (?, ?)",
                [key, self.now()],
            )
            return cursor.rowcount == 1

    def delivery_seen(self, key: str) -> bool:
        row = self.db.execute("SELECT 1 FROM deliveries WHERE key = ?", [key]).fetchone()
        return row is not None

    def forget_old_deliveries(self) -> None:
        """Delivery keys, sent outbox items and modal reply pointers that can no longer matter."""
        now = self.clock.now()
        with self.transaction() as db:
            db.execute("DELETE FROM deliveries WHERE received_at < ?", [iso(now - DELIVERY_MEMORY)])
            db.execute(
                """DELETE FROM outbox WHERE (status = 'sent' AND sent_at < ?)
                                         OR (status = 'dead' AND sent_at < ?)""",
                [iso(now - SENT_MEMORY), iso(now - UNDELIVERED_MEMORY)],
            )
            db.execute(
                "DELETE FROM view_replies WHERE created_at < ?", [iso(now - DELIVERY_MEMORY)]
            )

    # FAQ queries and what reps said about the answers.

    def record_query(
        self,
        *,
        text: str,
        best_id: str | None,
        best_score: float | None,
        verdict: str,
        user_id: str,
        channel_id: str | None,
        source: str,
        request_key: str | None,
    ) -> int:
        """Store one query; a repeat with the same request key returns the first one's id."""
        with self.transaction() as db:
            db.execute(
                """INSERT INTO faq_queries (text, best_id, best_score, verdict, user_id,
                       channel_id, source, request_key, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (request_key) DO NOTHING""",
                [text, best_id, best_score, verdict, user_id, channel_id, source, request_key,
                 self.now()],
            )  # fmt: skip
            if request_key is None:
                return db.execute("SELECT last_insert_rowid()").fetchone()[0]
            row = db.execute("SELECT id FROM faq_queries WHERE request_key = ?", [request_key])
            return row.fetchone()[0]

    def query(self, query_id: int) -> QueryRecord | None:
        row = self.db.execute(
            """SELECT id, text, best_id, best_score, verdict, user_id, channel_id, created_at
               FROM faq_queries WHERE id = ?""",
            [query_id],
        ).fetchone()
        return QueryRecord(*row) if row else None

    def record_feedback(
        self, query_id: int, user_id: str, entry_id: str | None, helpful: bool
    ) -> None:
        """One vote per rep and query: clicking again changes the vote, never adds one."""
        with self.transaction() as db:
            db.execute(
                """INSERT INTO faq_feedback (query_id, user_id, entry_id, helpful, created_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (query_id, user_id) DO UPDATE SET
                   entry_id = excluded.entry_id, helpful = excluded.helpful,
                   created_at = excluded.created_at""",
                [query_id, user_id, entry_id, int(helpful), self.now()],
            )

    def record_pick(self, query_id: int, user_id: str, entry_id: str) -> None:
        """A rep chose a "did you mean" suggestion; the last choice counts."""
        with self.transaction() as db:
            db.execute(
                """INSERT INTO faq_picks (query_id, user_id, entry_id, created_at)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (query_id, user_id) DO UPDATE SET
                   entry_id = excluded.entry_id, created_at = excluded.created_at""",
                [query_id, user_id, entry_id, self.now()],
            )

    # FAQ gaps: questions with no good answer, and what leads did about them.

    def unanswered_since(self, since: str) -> list[tuple[int, str]]:
        """Questions that got "no good match" (and no pick) or a "Not helpful", not yet dealt
        with."""
        return self.db.execute(
            """SELECT q.id, q.text FROM faq_queries q
               WHERE q.created_at >= ?
                 AND ((q.verdict = 'none'
                       AND NOT EXISTS (SELECT 1 FROM faq_picks p WHERE p.query_id = q.id))
                      OR EXISTS (SELECT 1 FROM faq_feedback f
                                 WHERE f.query_id = q.id AND f.helpful = 0))
                 AND NOT EXISTS (SELECT 1 FROM gap_resolutions r WHERE r.query_id = q.id)
               ORDER BY q.id""",
            [since],
        ).fetchall()

    def picks_since(self, since: str) -> list[tuple[int, str, str]]:
        """(query id, question, picked entry id) for "did you mean" picks not yet dealt with."""
        return self.db.execute(
            """SELECT q.id, q.text, p.entry_id FROM faq_picks p
               JOIN faq_queries q ON q.id = p.query_id
               WHERE q.created_at >= ?
                 AND NOT EXISTS (SELECT 1 FROM gap_resolutions r WHERE r.query_id = q.id)
               ORDER BY q.id""",
            [since],
        ).fetchall()

    def resolve_gaps(
        self, query_ids: list[int], action: str, entry_id: str | None, user_id: str
    ) -> int:
        """Mark questions as dealt with; returns how many were not already."""
        with self.transaction() as db:
            before = db.conn.total_changes
            db.conn.executemany(
                """INSERT OR IGNORE INTO gap_resolutions
                       (query_id, action, entry_id, user_id, created_at)
                   VALUES (?, ?, ?, ?, ?)""",
                [(q, action, entry_id, user_id, self.now()) for q in query_ids],
            )
            return db.conn.total_changes - before

    def gap_resolver(self, query_id: int) -> tuple[str, str, str | None] | None:
        """Who dealt with a question, and how: (user id, action, entry id)."""
        return self.db.execute(
            "SELECT user_id, action, entry_id FROM gap_resolutions WHERE query_id = ?",
            [query_id],
        ).fetchone()

    # People, as Slack describes them: their time zone decides what "by 3 pm" means.

    def user_time_zone(self, user_id: str, max_age: timedelta = timedelta(days=1)) -> str | None:
        row = self.db.execute(
            "SELECT tz FROM users WHERE id = ? AND updated_at >= ?",
            [user_id, iso(self.clock.now() - max_age)],
        ).fetchone()
        return row[0] if row else None

    def save_user(self, user_id: str, name: str, real_name: str, tz: str) -> None:
        with self.transaction() as db:
            db["users"].upsert(
                {"id": user_id, "name": name, "real_name": real_name, "tz": tz,
                 "updated_at": self.now()},
                pk="id",
            )  # fmt: skip

    # Drafts and tone checks, for the weekly summary.

    def record_draft(self, draft: dict, request_key: str | None = None) -> int:
        """Store a draft (the columns of `drafts`); a retried request gets the first one."""
        row = {**draft, "request_key": request_key, "created_at": self.now()}
        columns = ", ".join(row)
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO drafts ({columns}) VALUES ({', '.join('?' * len(row))})"
                " ON CONFLICT (request_key) DO NOTHING",
                list(row.values()),
            )
            if request_key is None:
                return db.execute("SELECT last_insert_rowid()").fetchone()[0]
            return db.execute(
                "SELECT id FROM drafts WHERE request_key = ?", [request_key]
            ).fetchone()[0]

    def draft(self, draft_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
        return rows[0] if rows else None

    def mark_draft(self, draft_id: int, *, used: bool | None = None, helpful: bool | None = None):
        """Record what the rep did with a draft; "Use this" keeps the time of the first use."""
        with self.transaction() as db:
            if used:
                db.execute(
                    "UPDATE drafts SET used_at = coalesce(used_at, ?) WHERE id = ?",
                    [self.now(), draft_id],
                )
            if helpful is not None:
                db.execute("UPDATE drafts SET helpful = ? WHERE id = ?", [int(helpful), draft_id])

    def record_tone_check(
        self, user_id: str, text: str, score: int, flags: list[str], request_key: str | None
    ) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO tone_checks (user_id, text, score, flags, request_key, created_at)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING""",
                [user_id, text, score, json.dumps(flags), request_key, self.now()],
            )

    # Customers, cases, contacts and notes. The rules live in core/cases.py; callers that need
    # several of these in one transaction open it with `transaction()` around them.

    def find_customers(self, text: str) -> list[dict]:
        """Customers whose id, email or name is the text, ignoring case; an id match first."""
        return list(
            self.db.query(
                """SELECT * FROM customers
                   WHERE lower(id) = :k OR lower(email) = :k OR lower(name) = :k
                   ORDER BY lower(id) = :k DESC, lower(email) = :k DESC, id""",
                {"k": text.strip().lower()},
            )
        )

    def customer(self, customer_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM customers WHERE id = ?", [customer_id]))
        return rows[0] if rows else None

    def add_customer(self, *, name: str, email: str | None, created_by: str) -> str:
        """A customer the CRM export does not have yet, with an id of ours ("NEW-3")."""
        with self.transaction() as db:
            number = db.execute("SELECT count(*) FROM customers").fetchone()[0] + 1
            while self.customer(f"NEW-{number}") is not None:
                number += 1
            customer_id = f"NEW-{number}"
            db.execute(
                """INSERT INTO customers (id, name, email, customer_since, tier, created_by,
                       created_at, updated_at) VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)""",
                [customer_id, name, email, created_by, self.now(), self.now()],
            )
            return customer_id

    def save_customer(self, row: dict) -> str:
        """Add or update one customer from the CRM (id, name, email, customer_since, tier);
        returns "added", "updated" or "unchanged"."""
        fields = ("name", "email", "customer_since", "tier")
        with self.transaction() as db:
            old = self.customer(row["id"])
            if old is None:
                db.execute(
                    """INSERT INTO customers (id, name, email, customer_since, tier, created_by,
                           created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)""",
                    [row["id"], *(row[f] for f in fields), self.now(), self.now()],
                )
                return "added"
            if all(old[f] == row[f] for f in fields):
                return "unchanged"
            db.execute(
                """UPDATE customers SET name = ?, email = ?, customer_since = ?, tier = ?,
                       updated_at = ? WHERE id = ?""",
                [*(row[f] for f in fields), self.now(), row["id"]],
            )
            return "updated"

    def case_row(self, case_id: int) -> dict | None:
        rows = list(
            self.db.query(
                """SELECT c.*, (SELECT count(*) FROM contacts t WHERE t.case_id = c.id)
                       AS contact_count
                   FROM cases c WHERE c.id = ?""",
                [case_id],
            )
        )
        return rows[0] if rows else None

    def customer_cases(self, customer_id: str) -> list[dict]:
        """A customer's cases with the time of their last contact, the latest first."""
        return list(
            self.db.query(
                """SELECT c.*, max(t.created_at) AS last_contact_at
                   FROM cases c JOIN contacts t ON t.case_id = c.id
                   WHERE c.customer_id = ? GROUP BY c.id
                   ORDER BY last_contact_at DESC, c.id DESC""",
                [customer_id],
            )
        )

    def insert_case(self, customer_id: str, topic: str, owner_id: str) -> int:
        """A new open case; ids start at 1001 so that every case reference has four digits."""
        with self.transaction() as db:
            case_id = db.execute("SELECT max(coalesce(max(id), 1000), 1000) + 1 FROM cases")
            case_id = case_id.fetchone()[0]
            db.execute(
                """INSERT INTO cases (id, customer_id, topic, owner_id, status, opened_at)
                   VALUES (?, ?, ?, ?, 'open', ?)""",
                [case_id, customer_id, topic, owner_id, self.now()],
            )
            return case_id

    def add_contact(self, case_id: int, user_id: str, request_key: str | None) -> int:
        """Count one contact on a case; returns its number (the opening contact is 1)."""
        with self.transaction() as db:
            number = db.execute("SELECT count(*) + 1 FROM contacts WHERE case_id = ?", [case_id])
            number = number.fetchone()[0]
            db.execute(
                """INSERT INTO contacts (case_id, number, user_id, request_key, created_at)
                   VALUES (?, ?, ?, ?, ?)""",
                [case_id, number, user_id, request_key, self.now()],
            )
            return number

    def contact_by_request(self, request_key: str) -> tuple[int, int] | None:
        """(case id, contact number) of a contact already counted for this request."""
        return self.db.execute(
            "SELECT case_id, number FROM contacts WHERE request_key = ?", [request_key]
        ).fetchone()

    def reopen_case(self, case_id: int) -> None:
        with self.transaction() as db:
            db.execute(
                """UPDATE cases SET status = 'open', root_cause = NULL, closed_at = NULL,
                       closed_by = NULL WHERE id = ?""",
                [case_id],
            )

    def close_case(self, case_id: int, user_id: str, root_cause: str) -> bool:
        """Close an open case; False when it was not open."""
        with self.transaction() as db:
            cursor = db.execute(
                """UPDATE cases SET status = 'closed', root_cause = ?, closed_at = ?,
                       closed_by = ? WHERE id = ? AND status = 'open'""",
                [root_cause, self.now(), user_id, case_id],
            )
            return cursor.rowcount == 1

    def add_case_note(self, case_id: int, user_id: str, text: str, request_key: str | None) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO case_notes (case_id, user_id, text, request_key, created_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_key) DO NOTHING""",
                [case_id, user_id, text, request_key, self.now()],
            )

    def case_notes(self, case_id: int) -> list[tuple[str, str, str]]:
        """(user id, text, time) of a case's notes, oldest first."""
        return self.db.execute(
            "SELECT user_id, text, created_at FROM case_notes WHERE case_id = ? ORDER BY id",
            [case_id],
        ).fetchall()

    def case_promises(self, case_ref: str) -> list[tuple[str, str]]:
        """(text, due time) of the drafts a rep used on a case, by its reference ("C-1042");
        a draft names its case as the rep typed it, so the bare number counts too."""
        number = case_ref.split("-")[-1]
        return self.db.execute(
            """SELECT text, due_at FROM drafts
               WHERE upper(trim(case_id)) IN (?, ?) AND due_at IS NOT NULL
                 AND used_at IS NOT NULL
               ORDER BY due_at""",
            [case_ref.upper(), number],
        ).fetchall()

    # Solutions and the clicks that decide them.

    def insert_solution(self, row: dict) -> int:
        """Store a solution (the columns of `solutions`, without id and created_at)."""
        row = {**row, "created_at": self.now()}
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO solutions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return db.execute("SELECT last_insert_rowid()").fetchone()[0]

    def solution_row(self, solution_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM solutions WHERE id = ?", [solution_id]))
        return rows[0] if rows else None

    def solution_by_request(self, request_key: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM solutions WHERE request_key = ?", [request_key]))
        return rows[0] if rows else None

    def case_solutions(self, case_id: int) -> list[dict]:
        return list(
            self.db.query("SELECT * FROM solutions WHERE case_id = ? ORDER BY id", [case_id])
        )

    def granted_amounts(
        self, customer_id: str, type_id: str, since: str, exclude_id: int | None = None
    ) -> list[str | None]:
        """Amounts (as text, None for solutions without one) of a customer's solutions of a type
        that stand: authorized at once or approved, since a time."""
        return [
            row[0]
            for row in self.db.execute(
                """SELECT amount FROM solutions
                   WHERE customer_id = ? AND type = ? AND created_at >= ?
                     AND status IN ('authorized', 'approved') AND id IS NOT ?""",
                [customer_id, type_id, since, exclude_id],
            )
        ]

    def decide_solution(
        self, solution_id: int, status: str, user_id: str, reason: str | None
    ) -> bool:
        """Decide a pending solution; False when it was already decided (someone was first)."""
        with self.transaction() as db:
            cursor = db.execute(
                """UPDATE solutions SET status = ?, decided_by = ?, decided_at = ?,
                       decision_reason = ? WHERE id = ? AND status = 'pending'""",
                [status, user_id, self.now(), reason, solution_id],
            )
            return cursor.rowcount == 1

    def solution_click(self, request_key: str) -> dict | None:
        rows = list(
            self.db.query("SELECT * FROM solution_clicks WHERE request_key = ?", [request_key])
        )
        return rows[0] if rows else None

    def record_solution_click(
        self, request_key: str, solution_id: int, user_id: str, outcome: str, message: str
    ) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO solution_clicks
                       (request_key, solution_id, user_id, outcome, message, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [request_key, solution_id, user_id, outcome, message, self.now()],
            )

    # The audit log; rows are written by core/audit.py inside the caller's transaction.

    def audit_rows(self) -> Iterator[dict]:
        return self.db.query("SELECT * FROM audit_log ORDER BY id")

    # Follow-ups: promises with a due time. The rules live in core/followups.py.

    def insert_followup(self, row: dict) -> int:
        """Store a follow-up (the columns of `followups`, without id and created_at)."""
        row = {**row, "created_at": self.now()}
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO followups ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return db.execute("SELECT last_insert_rowid()").fetchone()[0]

    def followup_row(self, followup_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM followups WHERE id = ?", [followup_id]))
        return rows[0] if rows else None

    def followup_by_request(self, request_key: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM followups WHERE request_key = ?", [request_key]))
        return rows[0] if rows else None

    def owner_followups(self, owner_id: str, include_done: bool) -> list[dict]:
        """Open ones first by due time (the overdue are the earliest), then done ones."""
        return list(
            self.db.query(
                """SELECT * FROM followups WHERE owner_id = ? AND (status = 'open' OR ?)
                   ORDER BY status = 'done', due_at, id""",
                [owner_id, int(include_done)],
            )
        )

    def case_followups(self, case_id: int) -> list[dict]:
        """A case's open follow-ups, by due time."""
        return list(
            self.db.query(
                """SELECT * FROM followups WHERE case_id = ? AND status = 'open'
                   ORDER BY due_at, id""",
                [case_id],
            )
        )

    def open_followups_due_by(self, cutoff: str) -> list[dict]:
        return list(
            self.db.query(
                "SELECT * FROM followups WHERE status = 'open' AND due_at <= ? ORDER BY due_at, id",
                [cutoff],
            )
        )

    def finish_followup(self, followup_id: int, user_id: str, at: str) -> bool:
        """Mark an open follow-up done; False when it was not open (someone was first)."""
        with self.transaction() as db:
            cursor = db.execute(
                """UPDATE followups SET status = 'done', done_by = ?, done_at = ?
                   WHERE id = ? AND status = 'open'""",
                [user_id, at, followup_id],
            )
            return cursor.rowcount == 1

    def move_followup(self, followup_id: int, due_at: str) -> bool:
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE followups SET due_at = ? WHERE id = ? AND status = 'open'",
                [due_at, followup_id],
            )
            return cursor.rowcount == 1

    # Redirects: a case handed to another team, waiting until someone there takes it.

    def insert_redirect(self, row: dict) -> int:
        """Store a redirect (the columns of `redirects`, without id and created_at)."""
        row = {**row, "created_at": self.now()}
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO redirects ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            return db.execute("SELECT last_insert_rowid()").fetchone()[0]

    def redirect_row(self, redirect_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM redirects WHERE id = ?", [redirect_id]))
        return rows[0] if rows else None

    def redirect_by_request(self, request_key: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM redirects WHERE request_key = ?", [request_key]))
        return rows[0] if rows else None

    def waiting_redirects(self, case_id: int | None = None) -> list[dict]:
        """Redirects nobody has taken yet, the oldest first; of one case, or all."""
        return list(
            self.db.query(
                """SELECT * FROM redirects WHERE status = 'waiting' AND (? IS NULL OR case_id = ?)
                   ORDER BY created_at, id""",
                [case_id, case_id],
            )
        )

    def redirects_to_remind(self, now: str) -> list[dict]:
        return list(
            self.db.query(
                """SELECT * FROM redirects WHERE status = 'waiting' AND remind_at <= ?
                   ORDER BY remind_at, id""",
                [now],
            )
        )

    def take_redirect(self, redirect_id: int, user_id: str, at: str) -> bool:
        """The first taker wins; False when it was already taken."""
        with self.transaction() as db:
            cursor = db.execute(
                """UPDATE redirects SET status = 'taken', taken_by = ?, taken_at = ?
                   WHERE id = ? AND status = 'waiting'""",
                [user_id, at, redirect_id],
            )
            return cursor.rowcount == 1

    def set_case_owner(self, case_id: int, owner_id: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE cases SET owner_id = ? WHERE id = ?", [owner_id, case_id])

    def case_drafts(self, case_ref: str) -> list[dict]:
        """Drafts written for a case, by its reference ("C-1042") or the bare number, as the
        rep typed it; the oldest first."""
        number = case_ref.split("-")[-1]
        return list(
            self.db.query(
                "SELECT * FROM drafts WHERE upper(trim(case_id)) IN (?, ?) ORDER BY id",
                [case_ref.upper(), number],
            )
        )

    # Reminders: each one claimed by exactly one instance, then delivered or failed.

    def reminder_rows(self, keys: list[str]) -> dict[str, dict]:
        if not keys:
            return {}
        rows = self.db.query(
            f"SELECT * FROM reminders WHERE key IN ({', '.join('?' * len(keys))})", keys
        )
        return {row["key"]: row for row in rows}

    def claim_reminder(self, row: dict, stale_before: str) -> bool:
        """Claim a reminder (the columns of `reminders` for a new claim) for one instance: a
        new key, a failed one whose retry time has come, or a claim older than `stale_before`
        (its instance died). Exactly one of any number of simultaneous claims returns True."""
        columns, marks = ", ".join(row), ", ".join("?" * len(row))
        with self.transaction() as db:
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

    def reminder_delivered(self, key: str, at: str) -> None:
        with self.transaction() as db:
            db.execute(
                """UPDATE reminders SET status = 'delivered', delivered_at = ?, error = NULL
                   WHERE key = ? AND status = 'claimed'""",
                [at, key],
            )

    def reminder_failed(self, key: str, error: str, next_try_at: str) -> None:
        with self.transaction() as db:
            db.execute(
                """UPDATE reminders SET status = 'failed', error = ?, next_try_at = ?
                   WHERE key = ? AND status = 'claimed'""",
                [error, next_try_at, key],
            )

    # The outbox: what the bot must deliver, claimed by one sender at a time.

    def enqueue(
        self, key: str, method: str, target: str, payload: dict, digest: str | None = None
    ) -> bool:
        """Queue a delivery in the caller's transaction; False when `key` is already queued
        (a retried or repeated request queues nothing twice)."""
        now = self.now()
        with self.transaction() as db:
            cursor = db.execute(
                """INSERT OR IGNORE INTO outbox
                   (key, method, target, payload, digest, created_at, next_try_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [key, method, target, json.dumps(payload), digest, now, now],
            )
            return cursor.rowcount == 1

    def due_outbox(self, now: str, stale_before: str, limit: int = 100) -> list[dict]:
        """Items to send: pending ones whose time has come, and claims whose sender died."""
        return list(
            self.db.query(
                """SELECT * FROM outbox
                   WHERE (status = 'pending' AND next_try_at <= :now)
                      OR (status = 'sending' AND claimed_at < :stale)
                   ORDER BY id LIMIT :limit""",
                {"now": now, "stale": stale_before, "limit": limit},
            )
        )

    def claim_outbox(self, ids: list[int], instance: str, now: str, stale_before: str) -> set[int]:
        """Claim the items of `ids` that are still due; of simultaneous claims one wins each."""
        claimed = set()
        with self.transaction() as db:
            for item_id in ids:
                cursor = db.execute(
                    """UPDATE outbox SET status = 'sending', instance = ?, claimed_at = ?,
                           attempts = attempts + 1
                       WHERE id = ? AND ((status = 'pending' AND next_try_at <= ?)
                                         OR (status = 'sending' AND claimed_at < ?))""",
                    [instance, now, item_id, now, stale_before],
                )
                if cursor.rowcount == 1:
                    claimed.add(item_id)
        return claimed

    def outbox_done(
        self, ids: list[int], instance: str, status: str, at: str, *, channel: str | None = None,
        ts: str | None = None, error: str | None = None,
    ) -> None:  # fmt: skip
        """Record the end of a send: 'sent' (with where it landed) or 'dead' (with why). Only
        the claim's holder may: a sender that stalled past its claim has lost the item."""
        with self.transaction() as db:
            for item_id in ids:
                db.execute(
                    """UPDATE outbox SET status = ?, sent_at = ?, sent_channel = ?, sent_ts = ?,
                           error = ?
                       WHERE id = ? AND status = 'sending' AND instance = ?""",
                    [status, at, channel, ts, error, item_id, instance],
                )

    def outbox_retry(self, ids: list[int], instance: str, error: str, next_try_at: str) -> None:
        """Put claimed items back in the queue until `next_try_at`."""
        with self.transaction() as db:
            for item_id in ids:
                db.execute(
                    """UPDATE outbox SET status = 'pending', error = ?, next_try_at = ?
                       WHERE id = ? AND status = 'sending' AND instance = ?""",
                    [error, next_try_at, item_id, instance],
                )

    def outbox_item(self, key: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM outbox WHERE key = ?", [key]))
        return rows[0] if rows else None

    def remember_reply(self, view_id: str, user_id: str, response_url: str) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT OR REPLACE INTO view_replies (view_id, user_id, response_url, created_at)
                   VALUES (?, ?, ?, ?)""",
                [view_id, user_id, response_url, self.now()],
            )

    def reply_for(self, view_id: str, user_id: str) -> str | None:
        row = self.db.execute(
            "SELECT response_url FROM view_replies WHERE view_id = ? AND user_id = ?",
            [view_id, user_id],
        ).fetchone()
        return row[0] if row else None

    # The App Home: what is on a person's desk.

    def open_case_ids(self, owner_id: str) -> list[int]:
        rows = self.db.execute(
            "SELECT id FROM cases WHERE owner_id = ? AND status = 'open' ORDER BY id", [owner_id]
        )
        return [case_id for (case_id,) in rows.fetchall()]

    def pending_solution_rows(self, requested_by: str | None = None) -> list[dict]:
        """Solutions waiting for a decision, the oldest first; all of them, or one rep's."""
        if requested_by is None:
            sql, params = "SELECT * FROM solutions WHERE status = 'pending' ORDER BY id", []
        else:
            sql = (
                "SELECT * FROM solutions WHERE status = 'pending' AND requested_by = ? ORDER BY id"
            )
            params = [requested_by]
        return list(self.db.query(sql, params))

    # The weekly summary: aggregates over one period [start, end) of ISO UTC times, all in SQL
    # so that a week out of a year of history is read through the time indexes only.

    def _one(self, sql: str, params: dict) -> dict:
        return next(self.db.query(sql, params))

    def _medians(self, keyed_values_sql: str, params: dict) -> dict[str, tuple[int, float, float]]:
        """key -> (count, median, max) of the `key, x` rows the SQL selects; a median of an
        even count is the mean of the middle two."""
        rows = self.db.execute(
            f"""WITH v AS ({keyed_values_sql}),
                    r AS (SELECT key, x, row_number() OVER (PARTITION BY key ORDER BY x) AS n,
                                 count(*) OVER (PARTITION BY key) AS total FROM v)
                SELECT key, total, avg(CASE WHEN n IN ((total + 1) / 2, (total + 2) / 2)
                                            THEN x END), max(x)
                FROM r GROUP BY key ORDER BY key""",
            params,
        )
        return {key: (total, median, most) for key, total, median, most in rows}

    def faq_week(self, start: str, end: str) -> dict:
        """Queries; answered: a "did you mean" pick, or an answer nobody voted not helpful;
        unanswered: the gaps' definition (see unanswered_since); gap groups leads closed by
        growing the FAQ (one resolve_gaps call writes one group with one time)."""
        return self._one(
            """SELECT count(*) AS queries,
                   coalesce(sum(EXISTS (SELECT 1 FROM faq_picks p WHERE p.query_id = q.id)
                       OR (q.verdict = 'answer' AND NOT EXISTS (SELECT 1 FROM faq_feedback f
                           WHERE f.query_id = q.id AND f.helpful = 0))), 0) AS answered,
                   coalesce(sum((q.verdict = 'none'
                       AND NOT EXISTS (SELECT 1 FROM faq_picks p WHERE p.query_id = q.id))
                       OR EXISTS (SELECT 1 FROM faq_feedback f
                           WHERE f.query_id = q.id AND f.helpful = 0)), 0) AS unanswered,
                   (SELECT count(*) FROM (SELECT DISTINCT user_id, action, entry_id, created_at
                       FROM gap_resolutions WHERE created_at >= :start AND created_at < :end
                         AND action IN ('phrasing', 'entry'))) AS gaps_closed
               FROM faq_queries q WHERE q.created_at >= :start AND q.created_at < :end""",
            {"start": start, "end": end},
        )

    def topic_counts(self, start: str, end: str, limit: int | None) -> list[tuple[str, int]]:
        """(entry id, queries) of the entries that answered: the one a rep picked, else the
        matched one; the most asked first."""
        return self.db.execute(
            """SELECT topic, count(*) AS n FROM (
                   SELECT coalesce((SELECT p.entry_id FROM faq_picks p WHERE p.query_id = q.id
                                    ORDER BY p.created_at DESC LIMIT 1),
                                   CASE WHEN q.verdict = 'answer' THEN q.best_id END) AS topic
                   FROM faq_queries q WHERE q.created_at >= ? AND q.created_at < ?)
               WHERE topic IS NOT NULL GROUP BY topic ORDER BY n DESC, topic LIMIT ?""",
            [start, end, -1 if limit is None else limit],
        ).fetchall()

    def unanswered_wordings(self, start: str, end: str) -> list[tuple[str, int]]:
        """(question, times asked) of the unanswered questions, one row per wording (case and
        outer spaces ignored), in the order they were first asked."""
        return self.db.execute(
            """SELECT q.text, count(*) FROM faq_queries q
               WHERE q.created_at >= ? AND q.created_at < ?
                 AND ((q.verdict = 'none'
                       AND NOT EXISTS (SELECT 1 FROM faq_picks p WHERE p.query_id = q.id))
                      OR EXISTS (SELECT 1 FROM faq_feedback f
                                 WHERE f.query_id = q.id AND f.helpful = 0))
               GROUP BY lower(trim(q.text)) ORDER BY min(q.id)""",
            [start, end],
        ).fetchall()

    def tone_week(self, start: str, end: str) -> dict:
        """Drafts written and used, tone checks, and the mean score of drafts and checks."""
        return self._one(
            """SELECT
                   (SELECT count(*) FROM drafts
                    WHERE created_at >= :start AND created_at < :end) AS drafts_written,
                   (SELECT count(*) FROM drafts
                    WHERE used_at >= :start AND used_at < :end) AS drafts_used,
                   (SELECT count(*) FROM tone_checks
                    WHERE created_at >= :start AND created_at < :end) AS tone_checks,
                   (SELECT avg(score) FROM (
                       SELECT tone_score AS score FROM drafts
                       WHERE created_at >= :start AND created_at < :end
                         AND tone_score IS NOT NULL
                       UNION ALL SELECT score FROM tone_checks
                       WHERE created_at >= :start AND created_at < :end)) AS can_do_score""",
            {"start": start, "end": end},
        )

    def flag_counts(self, start: str, end: str) -> list[tuple[str, int]]:
        """(tone rule id, times caught) in tone checks, the most caught first."""
        return self.db.execute(
            """SELECT j.value, count(*) AS n FROM tone_checks t, json_each(t.flags) j
               WHERE t.created_at >= ? AND t.created_at < ?
               GROUP BY j.value ORDER BY n DESC, j.value""",
            [start, end],
        ).fetchall()

    def solution_week(self, start: str, end: str) -> dict:
        """Solutions proposed (and authorized at once) in the period; decisions taken in it,
        with the median and longest minutes from request to decision."""
        row = self._one(
            """SELECT count(*) AS proposed,
                   coalesce(sum(status = 'authorized'), 0) AS authorized,
                   (SELECT count(*) FROM solutions WHERE decided_at >= :start
                    AND decided_at < :end AND status = 'approved') AS approved,
                   (SELECT count(*) FROM solutions WHERE decided_at >= :start
                    AND decided_at < :end AND status = 'denied') AS denied
               FROM solutions WHERE created_at >= :start AND created_at < :end""",
            {"start": start, "end": end},
        )
        waits = self._medians(
            """SELECT 'all' AS key,
                   (julianday(decided_at) - julianday(created_at)) * 1440 AS x
               FROM solutions WHERE decided_at >= :start AND decided_at < :end""",
            {"start": start, "end": end},
        )
        _, median, _ = waits.get("all", (0, None, None))
        return {**row, "decision_minutes": median}

    def solution_types_week(self, start: str, end: str) -> list[tuple[str, int, float | None]]:
        """(type, count, total amount) of the solutions proposed in the period that stand
        (authorized at once or approved)."""
        return self.db.execute(
            """SELECT type, count(*), round(sum(CAST(amount AS REAL)), 2) FROM solutions
               WHERE created_at >= ? AND created_at < ? AND status IN ('authorized', 'approved')
               GROUP BY type ORDER BY type""",
            [start, end],
        ).fetchall()

    def followup_week(self, start: str, end: str) -> dict:
        """Promises due in the period, as they stood at its end: done by their due time, done
        later within the period, or not done by its end."""
        return self._one(
            """SELECT count(*) AS due,
                   coalesce(sum(done_at IS NOT NULL AND done_at <= due_at), 0) AS kept,
                   coalesce(sum(done_at > due_at AND done_at < :end), 0) AS late,
                   coalesce(sum(done_at IS NULL OR done_at >= :end), 0) AS overdue
               FROM followups WHERE due_at >= :start AND due_at < :end""",
            {"start": start, "end": end},
        )

    def case_week(self, start: str, end: str) -> dict:
        """Cases opened, contacts (the second and later, the third and later, the third: the one
        that raises a senior callback), cases closed and those closed after one contact."""
        return self._one(
            """SELECT
                   (SELECT count(*) FROM cases
                    WHERE opened_at >= :start AND opened_at < :end) AS cases_opened,
                   count(*) AS contacts,
                   coalesce(sum(number >= 2), 0) AS repeat_contacts,
                   coalesce(sum(number >= 3), 0) AS third_contacts,
                   coalesce(sum(number = 3), 0) AS senior_callbacks,
                   (SELECT count(*) FROM cases
                    WHERE closed_at >= :start AND closed_at < :end) AS cases_closed,
                   (SELECT count(*) FROM cases c WHERE closed_at >= :start AND closed_at < :end
                      AND NOT EXISTS (SELECT 1 FROM contacts t
                                      WHERE t.case_id = c.id AND t.number >= 2))
                       AS closed_first_contact
               FROM contacts WHERE created_at >= :start AND created_at < :end""",
            {"start": start, "end": end},
        )

    def root_cause_counts(self, start: str, end: str) -> dict[str, int]:
        """Root cause -> cases closed in the period with it."""
        rows = self.db.execute(
            """SELECT coalesce(root_cause, 'unknown'), count(*) FROM cases
               WHERE closed_at >= ? AND closed_at < ? GROUP BY 1""",
            [start, end],
        )
        return dict(rows.fetchall())

    def redirect_waits(self, start: str, end: str) -> dict[str, tuple[int, int, float, float]]:
        """Team id (and "all") -> (redirects sent in the period, still waiting at its end,
        median and longest minutes waited to be taken). One not taken by the end counts the
        time it had waited by then, so a long wait shows in the week it started."""
        params = {"start": start, "end": end}
        where = "created_at >= :start AND created_at < :end"
        wait = "(julianday(min(coalesce(taken_at, :end), :end)) - julianday(created_at)) * 1440"
        waits = self._medians(
            f"""SELECT team_id AS key, {wait} AS x FROM redirects WHERE {where}
                UNION ALL SELECT 'all', {wait} FROM redirects WHERE {where}""",
            params,
        )
        waiting = dict(
            self.db.execute(
                f"""SELECT team_id, count(*) FROM redirects WHERE {where}
                      AND (taken_at IS NULL OR taken_at >= :end) GROUP BY team_id""",
                params,
            ).fetchall()
        )
        waiting["all"] = sum(waiting.values())
        return {
            key: (total, waiting.get(key, 0), median, most)
            for key, (total, median, most) in waits.items()
        }
