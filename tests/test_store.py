"""The database: migrations, repeated deliveries and votes that are never written twice."""

import fcntl
import os
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from processes import at_once
from sqlite_utils import Database

from bot.cases.audit import append
from bot.faq import queries as faq_db
from bot.shared.clock import Clock, iso
from bot.shared.db import Store
from bot.shared.migrations import MIGRATIONS
from bot.slack import queries as edge_db


def query(store: Store, key: str | None = "T1", text: str = "where is my box") -> int:
    return faq_db.record_query(
        store,
        text=text,
        best_id="where_is_my_box",
        best_score=91.5,
        verdict="answer",
        user_id="U1",
        channel_id="C1",
        source="command",
        request_key=key,
    )


def count(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def database_of_version(path: Path, version: int, *, foreign_keys: bool = False) -> Database:
    """A database as repbot left it at `version`, to be migrated on from there."""
    old = Database(sqlite3.connect(path))
    if foreign_keys:
        old.execute("PRAGMA foreign_keys = ON")
    # One commit, as repbot migrates, not one (and its syncs to disk) per statement.
    old.execute("BEGIN")
    for number, step in enumerate(MIGRATIONS[:version], start=1):
        step(old)
        old.execute(f"PRAGMA user_version = {number}")
    old.conn.commit()
    return old


def test_a_new_database_is_migrated_to_the_latest_version_in_wal_mode(tmp_path):
    store = Store(tmp_path / "r.db")
    assert store.schema_version() == len(MIGRATIONS)
    assert store.db.journal_mode == "wal"
    # Opening it again runs no step twice (a second CREATE TABLE would fail).
    assert Store(tmp_path / "r.db").schema_version() == len(MIGRATIONS)


def test_every_query_is_stored_with_who_where_and_when(tmp_path):
    store = Store(tmp_path / "r.db")
    record = faq_db.query(store, query(store))
    assert (record.text, record.best_id, record.best_score, record.verdict) == (
        "where is my box",
        "where_is_my_box",
        91.5,
        "answer",
    )
    assert (record.user_id, record.channel_id) == ("U1", "C1")
    assert record.created_at.endswith("+00:00")


def test_a_repeated_request_key_returns_the_first_record(tmp_path):
    store = Store(tmp_path / "r.db")
    assert query(store, "T1") == query(store, "T1")
    assert query(store, None) != query(store, None)
    assert count(store, "faq_queries") == 3


def test_a_delivery_is_claimed_once(tmp_path):
    store = Store(tmp_path / "r.db")
    assert edge_db.claim_delivery(store, "event:Ev1")
    assert not edge_db.claim_delivery(store, "event:Ev1")
    assert edge_db.claim_delivery(Store(tmp_path / "r.db"), "event:Ev1") is False


def test_one_vote_per_rep_query_and_entry_and_the_last_one_counts(tmp_path):
    store = Store(tmp_path / "r.db")
    query_id = query(store)
    faq_db.record_feedback(store, query_id, "U1", "where_is_my_box", helpful=True)
    faq_db.record_feedback(store, query_id, "U1", "where_is_my_box", helpful=False)
    faq_db.record_feedback(store, query_id, "U2", "where_is_my_box", helpful=True)
    rows = store.db.execute("SELECT user_id, helpful FROM faq_feedback ORDER BY user_id")
    assert rows.fetchall() == [("U1", 0), ("U2", 1)]


def test_solutions_and_redirects_from_before_withdrawals_are_kept_with_their_clicks(tmp_path):
    old = database_of_version(tmp_path / "r.db", 17, foreign_keys=True)
    at = "2026-11-30T09:00:00+00:00"
    old.execute("INSERT INTO customers (id, name, created_at, updated_at) VALUES ('BX-1', 'M', ?,"
                " ?)", [at, at])  # fmt: skip
    old.execute("INSERT INTO cases (id, customer_id, topic, owner_id, status, opened_at) VALUES"
                " (1001, 'BX-1', 'refund', 'U1', 'open', ?)", [at])  # fmt: skip
    old.execute("INSERT INTO solutions (case_id, customer_id, situation, type, amount, reason,"
                " requested_by, status, needs_role, created_at) VALUES (1001, 'BX-1', 'x',"
                " 'refund', '200.00', 'why', 'U1', 'pending', 'lead', ?)", [at])  # fmt: skip
    old.execute("INSERT INTO solution_clicks VALUES ('k1', 1, 'U2', 'refused', 'no', ?)", [at])
    old.execute("INSERT INTO redirects (case_id, from_user, team_id, note, status, remind_at,"
                " reply_by, created_at) VALUES (1001, 'U1', 'billing', '', 'waiting', ?, ?, ?)",
                [at, at, at])  # fmt: skip
    old.conn.commit()
    old.conn.close()
    store = Store(tmp_path / "r.db")
    assert store.schema_version() == len(MIGRATIONS)
    db = store.db
    assert db.execute("SELECT id, status FROM solutions").fetchall() == [(1, "pending")]
    assert db.execute("SELECT solution_id, outcome FROM solution_clicks").fetchall() == [
        (1, "refused")
    ]
    assert db.execute("SELECT id, status, withdrawn_at FROM redirects").fetchall() == [
        (1, "waiting", None)
    ]
    db.execute("UPDATE solutions SET status = 'withdrawn'")  # allowed from now on
    db.execute("UPDATE redirects SET status = 'withdrawn'")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {
        name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert {"solutions_case", "solutions_decided", "redirects_waiting", "redirects_created"} <= (
        indexes
    )


def test_votes_given_before_votes_per_entry_are_kept_and_a_vote_on_another_entry_added(tmp_path):
    old = database_of_version(tmp_path / "r.db", 16)
    old.execute(
        "INSERT INTO faq_queries (text, best_id, best_score, verdict, user_id, channel_id,"
        " source, created_at) VALUES ('where is my box', 'where_is_my_box', 91.5, 'answer',"
        " 'U1', 'C1', 'command', '2026-11-30T09:00:00+00:00')"
    )
    old.execute(
        "INSERT INTO faq_feedback VALUES (1, 'U1', 'where_is_my_box', 0, ?)",
        ["2026-11-30T09:01:00+00:00"],
    )
    old.conn.commit()
    old.conn.close()
    store = Store(tmp_path / "r.db")
    assert store.schema_version() == len(MIGRATIONS)
    faq_db.record_feedback(store, 1, "U1", "delivered_not_received", helpful=True)
    faq_db.record_feedback(store, 1, "U1", "where_is_my_box", helpful=False)  # a double click
    faq_db.record_feedback(store, 1, "U2", None, helpful=False)
    faq_db.record_feedback(store, 1, "U2", None, helpful=False)
    rows = store.db.execute("SELECT user_id, entry_id, helpful FROM faq_feedback ORDER BY rowid")
    assert rows.fetchall() == [
        ("U1", "where_is_my_box", 0),
        ("U1", "delivered_not_received", 1),
        ("U2", None, 0),
    ]


def write_from_threads(store: Store, threads: int, each: int) -> list[Exception]:
    """`threads` threads each recording `each` queries at once; the errors they met."""
    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            for i in range(each):
                query(store, f"W{n}-{i}")
        except (sqlite3.Error, AssertionError) as error:
            errors.append(error)

    running = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return errors


def test_writes_from_many_threads_all_land(tmp_path):
    store = Store(tmp_path / "r.db")
    assert write_from_threads(store, threads=8, each=25) == []
    assert count(store, "faq_queries") == 200


def test_a_writer_frozen_mid_write_makes_the_others_give_up_not_hang(tmp_path):
    store = Store(tmp_path / "r.db")
    store.lock_timeout = 0.05
    # another process, stopped while it held the writers' lock (SIGSTOP, swapped out)
    frozen = os.open(store.lock_path, os.O_RDWR)
    fcntl.flock(frozen, fcntl.LOCK_EX)
    for key in ("T1", "T2"):
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            query(store, key)
    fcntl.flock(frozen, fcntl.LOCK_UN)  # it goes on and finishes
    os.close(frozen)
    query(store, "T3")
    store.lock_timeout = 10  # as it is: writers taking turns in earnest
    # the waits given up let the lock go once they got it: nothing holds it now
    assert write_from_threads(store, threads=4, each=10) == []
    assert count(store, "faq_queries") == 41


def claim_keys(db_path: str, keys: list[str]) -> list[str]:
    """The keys one process wins."""
    store = Store(db_path)
    won = []
    for key in keys:
        if edge_db.claim_delivery(store, key):
            won.append(key)
        time.sleep(0.001)  # a worker does other work between claims; SQLite lets others in
    return won


def test_each_delivery_is_claimed_once_over_several_processes(tmp_path):
    # What the worker processes of `repbot run` rely on: the claim is one INSERT in a
    # BEGIN IMMEDIATE transaction, and SQLite's busy timeout makes the others wait.
    db_path = str(tmp_path / "r.db")
    Store(db_path).close()  # created and migrated, as the parent does before forking
    keys = [f"command:{n}" for n in range(200)]
    orders = [keys, keys[::-1], keys[100:] + keys[:100]]
    won = at_once(claim_keys, [(db_path, order) for order in orders])
    assert all(won)  # every process won some: they really ran at once
    assert sorted(key for keys_won in won for key in keys_won) == sorted(keys)


def test_what_can_no_longer_matter_is_forgotten_and_the_undelivered_kept_longer(tmp_path):
    clock = Clock()
    store = Store(tmp_path / "r.db", clock)
    edge_db.claim_delivery(store, "event:Ev1")
    for key in ("sent", "dead", "pending"):
        edge_db.enqueue(store, key, "chat.postMessage", "C1", {"message": {"text": key}})
    now = store.now()
    claimed = edge_db.claim_outbox(
        store, [1, 2], "me", now, now, iso(clock.now() + timedelta(minutes=5))
    )
    assert claimed == {1, 2}
    edge_db.outbox_done(store, [1], "me", "sent", store.now())
    edge_db.outbox_done(store, [2], "me", "dead", store.now(), error="channel_not_found")
    clock.advance(timedelta(days=8))
    edge_db.forget_old_deliveries(store)
    left = store.db.execute("SELECT key FROM outbox ORDER BY id").fetchall()
    assert left == [("dead",), ("pending",)]  # a week on: the sent one is gone
    assert edge_db.delivered_at(store, "event:Ev1") is None
    clock.advance(timedelta(days=90))
    edge_db.forget_old_deliveries(store)
    assert store.db.execute("SELECT key FROM outbox").fetchall() == [("pending",)]


def test_a_commit_that_fails_rolls_back_and_leaves_the_connection_usable(tmp_path):
    store = Store(tmp_path / "r.db")
    store.db.execute(
        """CREATE TABLE parent (id INTEGER PRIMARY KEY);
        """
    )
    store.db.execute(
        """CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER
           REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"""
    )
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        db.execute("INSERT INTO child (parent_id) VALUES (42)")  # checked only at COMMIT
    assert not store.db.conn.in_transaction
    with store.transaction() as db:
        db.execute("INSERT INTO parent (id) VALUES (1)")
    other = Store(tmp_path / "r.db")  # another connection sees it: it really committed
    assert other.db.execute("SELECT count(*) FROM parent").fetchone() == (1,)
    assert other.db.execute("SELECT count(*) FROM child").fetchone() == (0,)


def test_customers_erased_before_are_named_with_their_reference_as_those_erased_now(tmp_path):
    old = database_of_version(tmp_path / "r.db", 19)
    at = "2026-11-30T09:00:00+00:00"
    for customer, name, erased in (("P-0a1b", "Erased customer", at), ("BX-2", "Tom", None)):
        old.execute("INSERT INTO customers (id, name, ref, erased_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [customer, name, customer if erased else "P-9f8e", erased, at, at])  # fmt: skip
    old.conn.commit()
    old.conn.close()
    store = Store(tmp_path / "r.db")
    assert store.db.execute("SELECT id, name FROM customers ORDER BY id").fetchall() == [
        ("BX-2", "Tom"), ("P-0a1b", "Erased customer P-0a1b")
    ]  # fmt: skip


def test_redirects_sent_before_name_who_owned_their_case_when_they_were_sent(tmp_path):
    """A taken redirect's case was owned by whoever had it before the take (its audit row
    names them); a waiting one's is owned by the case's owner still."""
    old = database_of_version(tmp_path / "r.db", 23)
    at = "2026-11-30T09:00:00+00:00"
    old.execute("BEGIN")  # audit rows are written in a transaction, as repbot writes them
    old.execute("INSERT INTO customers (id, name, created_at, updated_at)"
                " VALUES ('BX-1', 'Margaret Holloway', ?, ?)", [at, at])  # fmt: skip
    old.execute("INSERT INTO cases (id, customer_id, topic, owner_id, status, opened_at)"
                " VALUES (1001, 'BX-1', 'damaged', 'U0SAM0001', 'open', ?)", [at])  # fmt: skip
    for sender, team, status, taken_by in (
        ("U0BEN0001", "billing", "taken", "U0SAM0001"),  # Ben sent Ana's case; Sam took it
        ("U0ANA0001", "deliveries", "waiting", None),  # Ana sent it on, Sam's
    ):
        old.execute("INSERT INTO redirects (case_id, from_user, team_id, note, status, taken_by,"
                    " remind_at, reply_by, created_at) VALUES (1001, ?, ?, '', ?, ?, ?, ?, ?)",
                    [sender, team, status, taken_by, at, at, at])  # fmt: skip
    details = {"case": "C-1001", "team": "billing", "previous_owner": "U0ANA0001"}
    append(old, actor="U0SAM0001", action="redirect.taken", subject="R-1", details=details, at=at)
    old.conn.commit()
    old.conn.close()
    store = Store(tmp_path / "r.db")
    assert store.db.execute("SELECT id, case_owner FROM redirects ORDER BY id").fetchall() == [
        (1, "U0ANA0001"), (2, "U0SAM0001")
    ]  # fmt: skip


def test_promises_snoozed_after_they_were_due_before_keep_the_first_time_they_missed(tmp_path):
    """Only the audit kept the due time a promise was snoozed from: the first snooze made
    after the minute it fell due names the time it was missed at; one in good time, or in
    that minute, missed nothing."""
    old = database_of_version(tmp_path / "r.db", 24)
    day = "2026-11-30T"
    old.execute("BEGIN")  # audit rows are written in a transaction, as repbot writes them
    for number, due in ((1, "17:00"), (2, "11:00"), (3, "10:00")):
        old.execute("INSERT INTO followups (id, owner_id, what, due_at, status, created_at)"
                    " VALUES (?, 'U0ANA0001', 'call back', ?, 'open', ?)",
                    [number, f"{day}{due}:00+00:00", f"{day}08:00:00+00:00"])  # fmt: skip
    for subject, at, moved_from, moved_to in (
        ("F-1", "09:30:00", "10:00", "12:00"),  # in good time
        ("F-2", "10:00:40", "10:00", "11:00"),  # in the minute it fell due: on time
        ("F-1", "12:05:00", "12:00", "15:00"),  # missed 12:00
        ("F-1", "15:10:00", "15:00", "17:00"),  # and 15:00, after it
    ):
        details = {"from": f"{day}{moved_from}:00+00:00", "to": f"{day}{moved_to}:00+00:00"}
        append(old, actor="U0ANA0001", action="followup.snoozed", subject=subject,
               details=details, at=f"{day}{at}+00:00")  # fmt: skip
    old.conn.commit()
    old.conn.close()
    store = Store(tmp_path / "r.db")
    assert store.db.execute("SELECT id, missed_at FROM followups ORDER BY id").fetchall() == [
        (1, f"{day}12:00:00+00:00"), (2, None), (3, None)
    ]  # fmt: skip
