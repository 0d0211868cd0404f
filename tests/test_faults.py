"""Nothing acknowledged is lost, nothing is done twice, against real `repbot run` processes:
load with SIGKILLs of the whole process tree, the same request five times at once, and a
send in flight when its instance died, with a second instance on the same database.

The invariants asserted here hold whatever the timing; where a kill lands is left to chance,
what it may and may not leave behind is not."""

import json
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.cases.service import import_customers
from bot.emulator.faults import Setup, delivered_keys, run
from bot.emulator.process import BotProcess
from bot.emulator.server import FakeSlack
from bot.emulator.team import member
from bot.emulator.workspace import Workspace
from bot.followups.service import add_followup
from bot.services import open_services
from bot.shared.clock import Clock
from bot.shared.db import Store
from bot.slack.reminders import queue_due_reminders

ROOT = Path(__file__).parent.parent
ANA, LEE = member("ana").id, member("lee").id
LEADS = "C0LEADS001"
CLAIM_TIMEOUT = 1  # seconds: a dead sender's claim is taken over this soon


def setup_in(tmp_path: Path, workers: int = 2) -> Setup:
    return Setup(
        knowledge_dir=ROOT / "knowledge",
        playbooks_dir=ROOT / "playbooks",
        customers_csv=ROOT / "data" / "sample_customers.csv",
        workdir=tmp_path,
        workers=workers,
        claim_timeout=CLAIM_TIMEOUT,
    )


def count(db_path: Path, sql: str) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchone()[0]


def wait_until(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# --- load with kills ---------------------------------------------------------------------------


def test_under_load_and_sigkills_nothing_answered_is_lost_and_nothing_is_done_twice(tmp_path):
    # The load is small: what costs time is starting the bot again after each kill and the
    # outbox taking over the dead senders' claims, not the requests.
    figures = run(setup_in(tmp_path), requests=80, kills=2, seed=7, say=lambda line: None)
    assert figures.problems() == []
    assert figures.requests >= 80 and figures.answered > 0
    assert figures.answered_stored == figures.answered  # every 2xx has its effect stored
    assert figures.stored_twice == 0
    assert figures.keys_delivered_twice == 0  # no outbox message reached Slack twice
    assert figures.sent_but_missing == 0 and figures.outbox_waiting == 0
    # Each kill is followed by an event sent while nothing listens: at least that many were
    # lost, and every lost event was completed by one of Slack's retries.
    assert figures.events_lost >= 2
    assert figures.lost_events_retried == figures.events_lost


# --- the same request five times at once -------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def bot(tmp_path: Path, fake: FakeSlack) -> Iterator[BotProcess]:
    setup = setup_in(tmp_path)
    store = Store(setup.db_path)
    import_customers(store, setup.customers_csv)
    store.close()
    with BotProcess(
        fake, knowledge_dir=setup.knowledge_dir, playbooks_dir=setup.playbooks_dir,
        db_path=setup.db_path, log=tmp_path / "repbot.log", workers=2,
    ) as running:  # fmt: skip
        yield running


def posts_to(fake: FakeSlack, channel: str, containing: str) -> int:
    calls = fake.calls_to("chat.postMessage")
    return sum(
        1
        for call in calls
        if call.body.get("channel") == channel
        and call.status == 200
        and containing in json.dumps(call.body, ensure_ascii=False)
    )


def test_a_command_a_submission_and_a_click_each_delivered_five_times_act_once(bot, fake, tmp_path):
    db = tmp_path / "repbot.db"

    def settle() -> None:
        # A request queues its messages in the outbox before Slack hears the acknowledgement:
        # once the outbox has sent everything, Slack has every message the requests caused.
        wait_until(lambda: count(db, "SELECT count(*) FROM outbox WHERE status != 'sent'") == 0)

    workspace = Workspace(fake, bot.client, settle)

    replies = workspace.command("ana", "/case", "Margaret Holloway, parcel late", times=5)
    assert "C-1001" in "\n".join(r.render().text for r in replies)
    assert count(db, "SELECT count(*) FROM contacts") == 1
    assert count(db, "SELECT count(*) FROM deliveries WHERE key LIKE 'command:%'") == 1

    workspace.command("ana", "/solve", "C-1001")
    # The modal is opened by a lazy listener, after the acknowledgement: wait for it, then look.
    fake.wait_for("views.open", timeout=10)
    workspace.look(member("ana"))
    workspace.fill("Solution", "Account credit", "ana")
    workspace.fill("Amount (GBP), where it applies", "60", "ana")
    workspace.fill("Reason", "Six late boxes", "ana")
    workspace.submit("ana", times=5)
    assert count(db, "SELECT count(*) FROM solutions") == 1
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'solution.requested'") == 1
    assert posts_to(fake, LEADS, "Approval needed") == 1
    assert posts_to(fake, ANA, "Sent for approval") == 1

    workspace.look(member("lee"))
    workspace.click("lee", "Approve", times=5)
    assert count(db, "SELECT count(*) FROM audit_log WHERE action = 'solution.approved'") == 1
    assert count(db, "SELECT count(*) FROM solution_clicks") == 1
    assert posts_to(fake, ANA, "Approved:") == 1
    assert count(db, "SELECT count(*) FROM outbox WHERE status != 'sent'") == 0
    assert "Traceback" not in bot.output


# --- two instances, one database: a send in flight when its instance died ----------------------


def test_a_reminder_in_flight_when_its_instance_died_reaches_its_person_once(tmp_path, fake):
    setup = setup_in(tmp_path, workers=1)
    # A promise made an hour ago, due a minute ago: its reminder is queued in the outbox by
    # the bot's own reminder code (the reminders ticker waits 20 s; the outbox is the point).
    earlier = Clock()
    earlier.advance(-timedelta(hours=1))
    store = Store(setup.db_path, earlier)
    due = Clock().now() - timedelta(minutes=1)
    add_followup(store, owner_id=ANA, what="call Maria back", due_at=due, case_id=None,
                 request_key=None)  # fmt: skip
    store.close()
    services = open_services(setup.knowledge_dir, setup.playbooks_dir, setup.db_path)
    web = WebClient(token=fake.token, base_url=fake.api_url)
    assert queue_due_reminders(web, None, services) == 1  # type: ignore[arg-type]
    services.store.close()
    (key,) = [k for (k,) in sqlite3.connect(setup.db_path).execute("SELECT key FROM outbox")]

    # Slack takes the message but its answer never comes back while the sender waits.
    fake.fail("chat.postMessage", status=200, stall=30)
    settings = {"OUTBOX_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT)}

    def start(n: int) -> BotProcess:
        return BotProcess(
            fake, knowledge_dir=setup.knowledge_dir, playbooks_dir=setup.playbooks_dir,
            db_path=setup.db_path, log=tmp_path / f"repbot-{n}.log", workers=1,
            settings=settings,
        )  # fmt: skip

    with ThreadPoolExecutor(2) as pool:  # both at once: either may be the one that sends
        started = list(pool.map(start, (1, 2)))
    try:
        fake.wait_for("chat.postMessage", timeout=10)  # one instance is sending it now
        with sqlite3.connect(setup.db_path) as db:
            status, instance = db.execute("SELECT status, instance FROM outbox").fetchone()
        assert status == "sending"
        pid = int(instance.split(":")[-2])
        sending = next(b for b in started if b.process.pid == pid)
        survivor = next(b for b in started if b is not sending)
        sending.kill()

        def sent() -> bool:
            with sqlite3.connect(setup.db_path) as db:
                return db.execute("SELECT status FROM outbox").fetchone()[0] == "sent"

        wait_until(sent)
        with sqlite3.connect(setup.db_path) as db:
            (instance,) = db.execute("SELECT instance FROM outbox").fetchone()
        assert int(instance.split(":")[-2]) == survivor.process.pid  # the survivor took over
        assert fake.calls_to("conversations.history")  # and looked before sending again
        assert delivered_keys(fake.calls_to("chat.postMessage")) == {key: 1}
        assert posts_to(fake, ANA, "call Maria back") == 1
    finally:
        for bot in started:
            bot.__exit__()
