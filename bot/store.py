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

from bot.core.clock import Clock, iso

BUSY_TIMEOUT_SECONDS = 10
DELIVERY_MEMORY = timedelta(days=2)  # Slack retries within minutes; keep keys well past that


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


# Append new steps; never edit one that has shipped. Step N brings the schema to version N.
MIGRATIONS: list[Callable[[Database], None]] = [_v1_faq, _v2_gap_resolutions, _v3_drafts_and_tone]


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
            db.execute("COMMIT")

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
        """True the first time a delivery key is seen, False for every repeat."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO deliveries (key, received_at) VALUES (?, ?)",
                [key, self.now()],
            )
            return cursor.rowcount == 1

    def forget_old_deliveries(self) -> None:
        cutoff = iso(self.clock.now() - DELIVERY_MEMORY)
        with self.transaction() as db:
            db.execute("DELETE FROM deliveries WHERE received_at < ?", [cutoff])

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
