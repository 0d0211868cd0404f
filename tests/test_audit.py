"""The audit log: rows chained by hashes, refused changes, and verify naming the first broken
row."""

import sqlite3
from decimal import Decimal

import pytest

from bot.core import audit
from bot.store import Store


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "r.db")
    for number in range(1, 5):
        with store.transaction() as db:
            row_id = audit.append(
                db, actor="U0LEE0001", action="solution.approved", subject=f"S-{number}",
                details={"amount": Decimal("20.50"), "case": "C-1001", "note": "café"},
                at=store.now(),
            )  # fmt: skip
            assert row_id == number
    return store


def test_a_clean_log_verifies(store):
    check = audit.verify(store)
    assert (check.ok, check.rows, check.first_broken) == (True, 4, None)
    assert audit.verify(Store(store.path.parent / "empty.db")).ok


def test_rows_cannot_be_updated_or_deleted(store):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE audit_log SET actor = 'U0ANA0001' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM audit_log WHERE id = 2")
    assert audit.verify(store).ok


def test_append_outside_a_transaction_is_refused(store):
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        audit.append(store.db, actor="U1", action="x", subject="y", details={}, at="now")


def test_an_altered_row_is_named(store):
    store.db.execute("DROP TRIGGER audit_log_no_update")  # what someone with the file could do
    details = '{"amount":"2050.00","case":"C-1001","note":"café"}'
    store.db.execute("UPDATE audit_log SET details = ? WHERE id = 3", [details])
    check = audit.verify(store)
    assert (check.ok, check.first_broken) == (False, 3)
    assert "changed" in check.reason


def test_a_rehashed_row_breaks_the_link_to_the_next(store):
    store.db.execute("DROP TRIGGER audit_log_no_update")
    store.db.execute("UPDATE audit_log SET hash = ? WHERE id = 2", ["f" * 64])
    check = audit.verify(store)
    assert not check.ok and check.first_broken == 2  # its own hash no longer checks out
    store.db.execute("UPDATE audit_log SET actor = 'U0ANA0001' WHERE id = 1")
    assert audit.verify(store).first_broken == 1


def test_a_removed_row_is_named_by_the_row_after_it(store):
    store.db.execute("DROP TRIGGER audit_log_no_delete")
    store.db.execute("DELETE FROM audit_log WHERE id = 2")
    check = audit.verify(store)
    assert (check.ok, check.first_broken) == (False, 3)
    assert "removed" in check.reason
