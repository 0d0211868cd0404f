"""The app uninstalled or its token revoked: repbot stops posting and keeps what is queued;
`repbot purge --all --yes` then leaves an empty database, with no one's words in its bytes."""

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from test_retention import ASKED, seed

from bot.cases import audit
from bot.faq.semantic import cache_path
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.migrations import MIGRATIONS
from bot.slack.app import build_app
from bot.slack.blocks.base import note
from bot.slack.outbox import Outbox

ADMIN_LINES = ("repbot customers export CUSTOMER", "repbot purge --all --yes")


def queue_post(local, key: str) -> None:
    outbox = Outbox(local.services.store, local.sender, "test")
    with local.services.store.transaction():
        outbox.post(local.services.roles.channels["leads"], note(f"Post {key}"), key=key)
    outbox.kick()
    local.settle()


def statuses(local) -> list[str]:
    rows = local.services.store.db.execute("SELECT status FROM outbox ORDER BY id")
    return [status for (status,) in rows]


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize("event", ["uninstall", "revoke_tokens"])
def test_after_slack_says_the_app_is_gone_nothing_is_posted_and_the_queue_waits(
    local, caplog, event
):
    local.client.event(getattr(local.fake, event)())
    local.fake.clear()

    queue_post(local, "one")
    queue_post(local, "two")
    local.post_weekly_summary()  # the weekly loop waits too
    local.wait(timedelta(hours=1))  # and the outbox's retries

    assert local.fake.calls_to("chat.postMessage") == []
    assert local.fake.calls_to("files.getUploadURLExternal") == []
    assert 1 <= len(local.fake.calls_to("auth.test")) <= 61  # asked again once a minute
    assert statuses(local) == ["pending", "pending"]  # queued, not given up
    [warning] = warnings(caplog)  # said once, for an administrator
    assert all(line in warning for line in ADMIN_LINES)


def test_a_revoked_token_of_a_person_leaves_the_bot_posting(local):
    # repbot holds no person's token: only the bot's matters.
    local.client.event({"type": "tokens_revoked", "tokens": {"oauth": ["U0ANA"], "bot": []}})

    queue_post(local, "one")

    assert statuses(local) == ["sent"]


def test_a_refused_token_pauses_the_sender_without_giving_up_and_a_reinstall_resumes(local, caplog):
    local.fake.uninstall()  # the event never arrived: Slack refuses the token
    local.fake.clear()

    queue_post(local, "one")
    queue_post(local, "two")

    refused = local.fake.calls_to("chat.postMessage")
    assert [call.response["error"] for call in refused] == ["account_inactive"]  # once
    assert statuses(local) == ["pending", "pending"]
    assert len(warnings(caplog)) == 1

    local.fake.reinstall()
    build_app(local.settings, local.services)  # `repbot run` starts and Slack takes the token
    local.settle()
    assert statuses(local) == ["sent", "sent"]


def test_a_token_refused_once_in_a_slack_incident_is_asked_again_and_posting_resumes(local, caplog):
    # Slack had a bad minute: it refused the token once, then takes it as ever. Nobody restarts
    # the bot, and the reminders and cards must not wait for someone to.
    local.fake.fail("chat.postMessage", status=200, error="invalid_auth", times=1)
    local.fake.fail("auth.test", status=200, error="invalid_auth", times=1)
    queue_post(local, "one")
    assert statuses(local) == ["pending"]
    local.wait(timedelta(seconds=30))
    assert statuses(local) == ["pending"]  # asked at most once a minute

    local.wait(timedelta(minutes=1))
    assert statuses(local) == ["sent"]
    queue_post(local, "two")
    assert statuses(local) == ["sent", "sent"]
    assert len(warnings(caplog)) == 1


def test_purge_leaves_an_empty_database_with_no_ones_words_in_its_bytes(tmp_path, repbot):
    path = tmp_path / "repbot.db"
    store = Store(path)
    with store.transaction() as db:
        seed(store)
        db.execute("UPDATE customers SET email = 'kim.doe@example.com'")
        audit.append(db, actor="U1", action="note", subject="case:1",
                     details={"customer": "Kim Doe"}, at=iso(ASKED))  # fmt: skip
    with sqlite3.connect(cache_path(path)) as vectors:  # a learned phrasing's vector
        vectors.execute("CREATE TABLE phrasing_vectors (model, text, vector)")
        vectors.execute("INSERT INTO phrasing_vectors VALUES ('m', 'where is my parcel Kim', 0)")
    vectors.close()
    store.close()

    refused = repbot("purge", "--all", "--db", str(path))  # stdin is no terminal
    assert refused.returncode == 2
    assert "add --yes" in refused.stderr
    done = repbot("purge", "--all", "--yes", "--db", str(path))

    assert done.returncode == 0, done.stderr
    assert f"purged {path}:" in done.stdout
    files = [file for file in tmp_path.iterdir() if file.name.startswith("repbot")]
    data = b"".join(file.read_bytes() for file in files)
    assert b"Kim" not in data and b"kim.doe@example.com" not in data
    assert Path(f"{path}-wal").stat().st_size == 0  # checkpointed and truncated
    store = Store(path)  # repbot starts on it as on a new one
    assert store.schema_version() == len(MIGRATIONS)
    assert store.db.execute("SELECT count(*) FROM customers").fetchone()[0] == 0
    with store.transaction() as db:
        audit.append(db, actor="U1", action="note", subject="case:2", details={}, at=iso(ASKED))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.transaction() as db:
        db.execute("DELETE FROM audit_log")  # its triggers are back


def test_after_a_long_pause_slacks_rate_limit_delays_the_queue_and_gives_up_nothing(local):
    # Queued more than an hour before the reinstall: a 429 then is Slack saying "later",
    # not a failure that has gone on too long.
    local.fake.uninstall()
    queue_post(local, "one")
    local.wait(timedelta(hours=3))
    local.fake.reinstall()
    local.fake.fail("chat.postMessage", status=429, retry_after=30)
    build_app(local.settings, local.services)
    local.settle()
    outbox = Outbox(local.services.store, None, "test")
    assert outbox.item("one")["status"] == "pending"
    local.wait(timedelta(seconds=31))
    assert outbox.item("one")["status"] == "sent"
