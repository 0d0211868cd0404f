"""The audit log: rows chained by hashes, refused changes, verify naming the first broken
row, and the published head that shows what the chain alone cannot."""

import dataclasses
import json
import logging
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot import cli
from bot.cases import audit
from bot.cases import queries as cases_db
from bot.reporting.export import audit_line, to_markdown
from bot.reporting.summary import build_summary
from bot.reporting.weeks import iso_week
from bot.shared import chain
from bot.shared.db import Store
from bot.shared.refusal import Refusal
from bot.slack.blocks.summary import summary_post


def add_rows(store: Store, count: int) -> None:
    for _ in range(count):
        with store.transaction() as db:
            row_id = audit.append(
                db, actor="U0LEE0001", action="solution.approved", subject="S-1",
                details={"amount": Decimal("20.50"), "case": "C-1001", "note": "café"},
                at=store.now(),
            )  # fmt: skip
        assert row_id == audit.head(store).count


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "r.db")
    add_rows(store, 4)
    return store


@pytest.fixture
def published(store) -> audit.Head:
    """The head as last week's post gave it; the log grew by two rows since."""
    head = audit.head(store)
    add_rows(store, 2)
    return head


def drop_triggers(store: Store) -> None:
    """What someone with the database file could do first."""
    store.db.execute("DROP TRIGGER audit_log_no_update")
    store.db.execute("DROP TRIGGER audit_log_no_delete")


def rehash_from(store: Store, first: int) -> None:
    """Recompute every hash from row `first` on, as an attacker who read audit.py would."""
    rows = list(cases_db.audit_rows(store))
    prev_hash = rows[first - 2]["hash"] if first > 1 else audit.GENESIS
    for row in rows[first - 1 :]:
        row_hash = chain.row_hash(prev_hash, row["id"], row["at"], row["actor"], row["action"],
                                  row["subject"], json.loads(row["details"]),
                                  row["personal"])  # fmt: skip
        store.db.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?",
            [prev_hash, row_hash, row["id"]],
        )
        prev_hash = row_hash


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


def test_the_head_is_the_count_and_the_last_hash(store, tmp_path):
    last = list(cases_db.audit_rows(store))[-1]["hash"]
    head = audit.head(store)
    assert head == audit.Head(4, last)
    # 32 hex digits: 128 bits, beyond forging a chain that matches it (see HEAD_HEX).
    assert str(head) == f"4:{last[:32]}"
    assert audit.parse_head(str(head)) == audit.Head(4, last[:32])
    assert audit.parse_head(f" 4:{last.upper()} ") == head  # the whole hash does as well
    empty = Store(tmp_path / "empty.db")
    assert str(audit.head(empty)) == "0:" + "0" * 32
    assert audit.verify(empty, audit.head(empty)).ok


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is not an audit head"),
        ("4", "is not an audit head"),
        ("four:ab12", "is not an audit head"),
        ("-4:" + "a" * 32, "is not an audit head"),
        ("4:" + "g" * 32, "is not an audit head"),
        ("4:ab12", "has 4 hex digits: give the 32 published"),
        ("4:" + "a" * 65, "has 65 hex digits"),
    ],
)
def test_a_malformed_head_is_refused(text, message):
    with pytest.raises(Refusal, match=message):
        audit.parse_head(text)


def test_a_chain_that_grew_since_its_published_head_extends_it(store, published):
    check = audit.verify(store, published)
    assert (check.ok, check.rows, check.first_broken) == (True, 6, None)
    assert audit.verify(store, audit.head(store)).ok


def test_an_edit_inside_the_chain_fails_against_the_head(store, published):
    drop_triggers(store)
    store.db.execute("UPDATE audit_log SET actor = 'U0ANA0001' WHERE id = 2")
    check = audit.verify(store, published)
    assert (check.ok, check.first_broken) == (False, 2)
    assert "changed" in check.reason


def test_removing_the_last_rows_fails_against_the_head(store, published):
    drop_triggers(store)
    store.db.execute("DELETE FROM audit_log WHERE id >= 4")
    assert audit.verify(store).ok  # the chain alone cannot tell
    check = audit.verify(store, published)
    assert (check.ok, check.rows, check.first_broken) == (False, 3, 4)
    assert check.reason == (
        f"the log ends at entry 3, but the published head {published} had 4 entries: "
        "entries were removed from its end"
    )


def test_removing_every_row_fails_against_the_head(store, published):
    drop_triggers(store)
    store.db.execute("DELETE FROM audit_log")
    assert audit.verify(store).ok
    check = audit.verify(store, published)
    assert (check.ok, check.rows, check.first_broken) == (False, 0, 1)
    assert check.reason.endswith("had 4 entries: every entry was removed")


def test_a_chain_recomputed_after_an_edit_fails_against_the_head(store, published):
    drop_triggers(store)
    store.db.execute('UPDATE audit_log SET details = \'{"amount":"2050.00"}\' WHERE id = 2')
    rehash_from(store, 2)
    assert audit.verify(store).ok  # every link checks out again
    check = audit.verify(store, published)
    assert (check.ok, check.first_broken) == (False, 4)
    assert check.reason.startswith("entry 4 hashes to ")
    assert check.reason.endswith(
        f"not to the published {published.hash[:32]}: entries up to it were changed or replaced "
        "and the chain recomputed"
    )


def test_the_head_goes_to_the_log_each_time_the_chain_grows_past_a_multiple(
    store, monkeypatch, caplog
):
    monkeypatch.setattr(audit, "PUBLISH_EVERY", 3)
    publisher = audit.HeadPublisher(store)  # 4 rows: the head of 3 was published before
    with caplog.at_level(logging.INFO, logger="bot.cases.audit"):
        publisher.tick()  # nothing new
        add_rows(store, 1)
        publisher.tick()  # 5 rows: not yet past 6
        add_rows(store, 3)
        publisher.tick()  # 8 rows: past 6, published as it is now
        publisher.tick()
    eighth = list(cases_db.audit_rows(store))[7]["hash"]
    assert [r.getMessage() for r in caplog.records if r.name == "bot.cases.audit"] == [
        f"audit log head 8:{eighth[:32]}: verify with `repbot audit verify --head 8:{eighth[:32]}`"
    ]


def test_a_chain_of_one_row_is_one_entry():
    assert audit_line(audit.Head(1, "ab" * 32)).startswith(
        "Audit log to date (all weeks): 1 entry, head `1:abab"
    )


def test_the_weekly_post_and_the_markdown_publish_the_head(store):
    london = ZoneInfo("Europe/London")
    start, end, label = iso_week("last week", now=datetime.now(UTC), tz=london)
    summary = build_summary(store, start=start, end=end, label=label, tz=london)
    head = audit.head(store)
    line = (
        f"Audit log to date (all weeks): 4 entries, head `{head}`. "
        f"Verify with `repbot audit verify --head {head}`"
    )
    # Both posts, the quiet week's and the busy one's, end with the head.
    for shown in (summary, dataclasses.replace(summary, empty=False)):
        last = summary_post(shown)["blocks"][-1]
        assert last["type"] == "context" and last["elements"][0]["text"] == line
    assert to_markdown(summary).endswith(f"\n{line}\n")


def verify_cli(store: Store, *head: str) -> int:
    return cli.main(["audit", "verify", "--db", str(store.path), *head])


def test_the_cli_verifies_against_a_head(store, published, capsys):
    assert verify_cli(store, "--head", str(published)) == 0
    assert capsys.readouterr().out == (
        f"The audit log is intact: 6 entries, extending the published head {published}.\n"
    )
    assert verify_cli(store) == 0
    assert capsys.readouterr().out == "The audit log is intact: 6 entries.\n"

    drop_triggers(store)
    store.db.execute("DELETE FROM audit_log WHERE id >= 3")
    assert verify_cli(store, "--head", str(published)) == 1
    assert capsys.readouterr().err == (
        f"The audit log is broken at entry 3: the log ends at entry 2, but the published head "
        f"{published} had 4 entries: entries were removed from its end.\n"
    )
    store.db.execute("DELETE FROM audit_log")
    assert verify_cli(store, "--head", str(published)) == 1
    assert capsys.readouterr().err == (
        f"The audit log is broken at entry 1: the log is empty, but the published head "
        f"{published} had 4 entries: every entry was removed.\n"
    )


def test_the_cli_names_a_recomputed_chain(store, published, capsys):
    drop_triggers(store)
    store.db.execute("UPDATE audit_log SET subject = 'S-9' WHERE id = 3")
    rehash_from(store, 3)
    assert verify_cli(store, "--head", str(published)) == 1
    err = capsys.readouterr().err
    assert err.startswith("The audit log is broken at entry 4: entry 4 hashes to ")
    assert err.endswith("entries up to it were changed or replaced and the chain recomputed.\n")
    assert err.count("\n") == 1


def test_the_cli_refuses_a_malformed_head(store, capsys):
    assert verify_cli(store, "--head", "4:ab12") == 2
    assert capsys.readouterr().err == (
        "repbot: the hash of audit head '4:ab12' has 4 hex digits: give the 32 published "
        "(or all 64)\n"
    )
    assert verify_cli(store, "--head", "latest") == 2
    assert "'latest' is not an audit head" in capsys.readouterr().err
