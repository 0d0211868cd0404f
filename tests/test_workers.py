"""`repbot run` in HTTP mode with two worker processes, as in production: the real command in a
process of its own, real signed requests, the emulator as Slack.

Which worker accepts a connection is up to the kernel; a test that needs one in particular
pauses the other with SIGSTOP, so the shared socket has only one taker."""

import os
import shutil
import signal
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from bot.emulator.process import BotProcess
from bot.emulator.server import FakeSlack
from bot.emulator.team import member
from bot.shared.db import Store
from bot.workers import listen

ROOT = Path(__file__).parent.parent
ANA = member("ana").id


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def bot(tmp_path: Path, fake: FakeSlack) -> Iterator[BotProcess]:
    knowledge, playbooks = tmp_path / "knowledge", tmp_path / "playbooks"
    shutil.copytree(ROOT / "knowledge", knowledge)
    shutil.copytree(ROOT / "playbooks", playbooks)
    with BotProcess(
        fake,
        knowledge_dir=knowledge,
        playbooks_dir=playbooks,
        db_path=tmp_path / "repbot.db",
        log=tmp_path / "repbot.log",
        workers=2,
    ) as running:
        wait_until(lambda: len(running.workers()) == 2)
        yield running


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@contextmanager
def only(bot: BotProcess, number: int) -> Iterator[int]:
    """Every other worker paused, so worker `number` takes the next connections; its pid."""
    workers = bot.workers()
    others = [pid for n, pid in workers.items() if n != number]
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield workers[number]
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


def faq(bot: BotProcess, text: str, trigger_id: str) -> dict:
    response = bot.client.command("/faq", text, user_id=ANA, trigger_id=trigger_id)
    assert response.status == 200, response.body
    return response.json()


def stored_questions(tmp_path: Path) -> list[str]:
    store = Store(tmp_path / "repbot.db")
    try:
        return [text for (text,) in store.db.execute("SELECT text FROM faq_queries ORDER BY id")]
    finally:
        store.close()


def unsent(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "repbot.db")) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]


def test_both_workers_answer_and_a_retry_that_reaches_the_other_worker_is_ignored(
    bot, fake, tmp_path
):
    assert bot.health() == 200
    with only(bot, 1):
        first = faq(bot, "I got charged twice for the same box", trigger_id="11.1.aa")
    assert "double_charge" in str(first["blocks"])
    with only(bot, 0):
        # Slack sends the same command again (same trigger_id): this worker never saw it.
        retry = bot.client.command("/faq", "I got charged twice for the same box",
                                   user_id=ANA, trigger_id="11.1.aa")  # fmt: skip
        assert (retry.status, retry.body) == (200, "")
        other = faq(bot, "where is my box", trigger_id="11.2.bb")
    assert other["blocks"]

    event = fake.dm_event(ANA, "how do i change my card details")
    with only(bot, 0):
        assert bot.client.event(event, event_id="Ev0WORKERS").status == 200
        fake.wait_for("chat.postMessage", timeout=10)
    with only(bot, 1):
        for attempt in (1, 2):
            retry = bot.client.event(event, event_id="Ev0WORKERS", retry_num=attempt)
            assert retry.status == 200
    # A DM's reply is written to the outbox before the event is acknowledged, so once the
    # outbox has sent everything in it, every post the retries could have caused has been made.
    wait_until(lambda: unsent(tmp_path) == 0)
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert stored_questions(tmp_path) == [
        "I got charged twice for the same box",
        "where is my box",
        "how do i change my card details",
    ]


def test_a_worker_that_dies_is_started_again_and_sigterm_stops_them_all(bot):
    killed = bot.workers()[1]
    os.kill(killed, signal.SIGKILL)
    wait_until(lambda: bot.workers()[1] != killed)
    assert f"worker 1 (pid {killed}) was killed by SIGKILL; starting it again" in bot.output
    with only(bot, 1):
        assert faq(bot, "where is my box", trigger_id="22.1.cc")["blocks"]

    workers = list(bot.workers().values())
    assert bot.stop() == 0
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert bot.health() is None  # nothing listens any more
    assert "all workers stopped" in bot.output
    assert "Traceback" not in bot.output


def test_one_worker_serves_in_the_process_itself_and_stops_cleanly(tmp_path, fake):
    with BotProcess(
        fake,
        knowledge_dir=ROOT / "knowledge",
        playbooks_dir=ROOT / "playbooks",
        db_path=tmp_path / "repbot.db",
        log=tmp_path / "repbot.log",
        workers=1,
    ) as bot:
        assert faq(bot, "where is my box", trigger_id="33.1.dd")["blocks"]
        assert bot.workers() == {}  # nothing forked
        assert bot.stop() == 0
        assert "with 1 worker (HTTP mode" in bot.output
        assert "Traceback" not in bot.output
        assert " WARNING " not in bot.output  # a clean start, and a request, warn of nothing


def test_a_port_in_use_stops_start_up_with_one_line(tmp_path, fake, repbot):
    # `repbot run` in this process (see conftest.py): it stops before it forks any worker.
    with socket.create_server(("0.0.0.0", 0)) as taken:
        port = taken.getsockname()[1]
        env = {**os.environ, "SLACK_BOT_TOKEN": fake.token, "SLACK_SIGNING_SECRET": "s",
               "SLACK_API_URL": fake.api_url, "PORT": str(port),
               "DATABASE_PATH": str(tmp_path / "r.db"), "WEB_WORKERS": "2"}  # fmt: skip
        done = repbot("run", "--env-file", os.devnull, env=env)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"repbot: Cannot listen on HOST 0.0.0.0 PORT {port}: Address already in use; set PORT "
        "to a free port (from 1024 unless run as root) and HOST to an address of this machine"
    ]


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_the_port_is_bound_on_host_ipv4_or_ipv6(host):
    try:
        sock = listen(host, 0)
    except OSError as error:  # a machine without IPv6
        pytest.skip(f"cannot listen on {host}: {error.strerror}")
    with sock:
        assert sock.getsockname()[0] == host
