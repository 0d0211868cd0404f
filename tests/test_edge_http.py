"""The HTTP edge under attack, over real HTTP: forged, malformed, replayed and oversized
requests are refused before Bolt sees them (no database write, no call out, no traceback),
and slow or idle connections cannot starve Slack's requests."""

import hashlib
import hmac
import http.server
import json
import logging
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt import App

from bot.config import Settings
from bot.demo import TrackedExecutor
from bot.emulator.client import SignedClient
from bot.emulator.process import BotProcess
from bot.emulator.server import FakeSlack
from bot.emulator.team import member
from bot.services import open_services
from bot.slack import server
from bot.slack.app import build_app
from bot.slack.server import MAX_BODY, HttpServer

ROOT = Path(__file__).parent.parent
SECRET = "edge-test-signing-secret"
ANA = member("ana").id


class Listener:
    """An HTTP server on 127.0.0.1 that counts the requests it gets: where a forged
    response_url points."""

    def __init__(self) -> None:
        self.hits = 0
        owner = self

        class Count(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.hits += 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Count)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Edge:
    server: HttpServer
    fake: FakeSlack
    executor: TrackedExecutor
    db_path: Path
    listener: Listener


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    """The bot's app served by HttpServer, with the emulator as Slack and no background loops,
    so that whatever reaches the database or the network came from the request."""
    db_path = tmp_path_factory.mktemp("edge") / "repbot.db"
    services = open_services(ROOT / "knowledge", ROOT / "playbooks", db_path)
    fake = FakeSlack().start()
    settings = Settings(
        slack_bot_token=fake.token,
        slack_signing_secret=SECRET,
        slack_app_token="",
        slack_api_url=fake.api_url,
        port=0,
        database_path=db_path,
        knowledge_dir=ROOT / "knowledge",
        playbooks_dir=ROOT / "playbooks",
    )
    executor = TrackedExecutor()
    app, _ = build_app(settings, services, listener_executor=executor)
    http_server = HttpServer(app, SECRET).start()
    listener = Listener()
    try:
        yield Edge(http_server, fake, executor, db_path, listener)
    finally:
        listener.close()
        http_server.stop()
        executor.shutdown(wait=True)
        fake.stop()
        services.store.close()


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 5.0) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def sign(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


def faq_body(response_url: str, text: str = "where is my box") -> bytes:
    """A /faq command as Slack sends it, whose response_url points at `response_url`."""
    form = {"command": "/faq", "text": text, "user_id": ANA, "user_name": "ana",
            "channel_id": "C0SUPPORT1", "team_id": "T0REPBOT", "response_url": response_url,
            "trigger_id": f"{int(time.time() * 1000)}.1.forged"}  # fmt: skip
    return urlencode(form).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def signed(body: bytes, timestamp: str, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack sends with `body`, signed with `secret` at `timestamp`."""
    return {**FORM, "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(body, timestamp, secret)}  # fmt: skip


def without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k != name}


def with_signature(headers: dict[str, str], signature: str) -> dict[str, str]:
    return {**headers, "X-Slack-Signature": signature}


# Each kind of bad request: (body, now) -> what is sent. A bad timestamp is signed as it is,
# so that only the timestamp is wrong.
FORGED = {
    "no timestamp": lambda b, now: (b, without(signed(b, now), "X-Slack-Request-Timestamp")),
    "empty timestamp": lambda b, now: (b, signed(b, "")),
    "non-numeric timestamp": lambda b, now: (b, signed(b, "abc")),
    "negative timestamp": lambda b, now: (b, signed(b, f"-{now}")),
    "huge timestamp": lambda b, now: (b, signed(b, "9" * 40)),
    "float timestamp": lambda b, now: (b, signed(b, f"{now}.5")),
    "spaced timestamp": lambda b, now: (b, signed(b, f"{now} 1")),
    "6 minutes old": lambda b, now: (b, signed(b, str(int(now) - 360))),
    "6 minutes ahead": lambda b, now: (b, signed(b, str(int(now) + 360))),
    "no signature": lambda b, now: (b, without(signed(b, now), "X-Slack-Signature")),
    "empty signature": lambda b, now: (b, with_signature(signed(b, now), "")),
    "v1 signature": lambda b, now: (b, with_signature(signed(b, now), "v1=" + "a" * 64)),
    "short signature": lambda b, now: (b, with_signature(signed(b, now), "v0=" + "a" * 63)),
    "non-hex signature": lambda b, now: (b, with_signature(signed(b, now), "v0=" + "g" * 64)),
    "wrong signature": lambda b, now: (b, with_signature(signed(b, now), "v0=" + "0" * 64)),
    "another secret": lambda b, now: (b, signed(b, now, secret="another")),
    "another body": lambda b, now: (b + b"&text=refund", signed(b, now)),
    "not UTF-8": lambda b, now: (b + b"\xff", signed(b + b"\xff", now)),
}


def data_version(db_path: Path) -> Iterator[int]:
    """PRAGMA data_version on a connection of our own changes whenever another connection
    commits: a way to see whether the bot wrote anything."""
    watcher = sqlite3.connect(db_path)
    try:
        while True:
            yield watcher.execute("PRAGMA data_version").fetchone()[0]
    finally:
        watcher.close()


def test_a_signed_request_is_answered_and_seen_to_write(edge):
    """The control: the measures below do see what a real request does."""
    versions = data_version(edge.db_path)
    before = next(versions)
    body = faq_body(edge.fake.response_url(), "I got charged twice for the same box")
    status, answer = post(edge.server.url, body, signed(body, str(int(time.time()))))
    edge.executor.wait_idle()
    assert status == 200
    assert "double_charge" in answer
    assert next(versions) != before  # the question was stored
    versions.close()


@pytest.mark.parametrize("case", FORGED)
def test_forged_and_malformed_requests_are_refused_before_bolt(edge, case, caplog):
    edge.fake.clear()
    hits = edge.listener.hits
    versions = data_version(edge.db_path)
    before = next(versions)
    body, headers = FORGED[case](faq_body(edge.listener.url), str(int(time.time())))
    with caplog.at_level(logging.INFO):
        status, answer = post(edge.server.url, body, headers)
        edge.executor.wait_idle()
    assert (status, answer) == (401, "invalid request signature\n")
    assert next(versions) == before
    versions.close()
    assert edge.fake.calls == []
    assert edge.listener.hits == hits
    refusals = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in refusals] == ["bot.slack.server"]
    assert refusals[0].getMessage().startswith("refused a request from 127.0.0.1: ")
    assert not any(r.exc_info for r in caplog.records)
    assert SECRET not in caplog.text


def test_slacks_url_verification_challenge_is_answered_and_nothing_else_happens(edge):
    """What Slack sends when a lead saves the Event Subscriptions request URL: the URL is
    accepted only if the answer carries the challenge back."""
    edge.fake.clear()
    versions = data_version(edge.db_path)
    before = next(versions)
    body = json.dumps({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "type": "url_verification",
                       "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmd"}).encode()  # fmt: skip
    now = str(int(time.time()))
    headers = {**signed(body, now), "Content-Type": "application/json"}
    status, answer = post(edge.server.url, body, headers)
    assert (status, json.loads(answer)) == (200, {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmd"})
    # Unsigned, it is refused like any other request.
    assert post(edge.server.url, body, {"Content-Type": "application/json"})[0] == 401
    edge.executor.wait_idle()
    assert next(versions) == before
    versions.close()
    assert edge.fake.calls == []


def test_slacks_ssl_check_is_answered_though_slack_does_not_sign_it(edge, caplog):
    """Slack checks the certificate of a slash command's URL with an unsigned form; anything
    but 200 counts against the URL. Answered at the edge, it reaches nothing: not even a
    command smuggled in beside it."""
    edge.fake.clear()
    hits = edge.listener.hits
    versions = data_version(edge.db_path)
    before = next(versions)
    check = b"ssl_check=1&token=Jhj5dZrVaK7ZwHHjRyZWjbDl"
    smuggled = b"ssl_check=1&" + faq_body(edge.listener.url)[:200]
    with caplog.at_level(logging.INFO):
        assert post(edge.server.url, check, FORM) == (200, "")
        assert post(edge.server.url, smuggled, FORM) == (200, "")
        # Not an ssl_check: refused as unsigned.
        assert post(edge.server.url, b"ssl_check=0&token=x", FORM)[0] == 401
        edge.executor.wait_idle()
    assert next(versions) == before
    versions.close()
    assert edge.fake.calls == []
    assert edge.listener.hits == hits
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["refused a request from 127.0.0.1: no timestamp"]


def test_requests_signed_with_another_secret_point_at_the_setting_to_fix(edge, caplog):
    # What a lead sees in the log when SLACK_SIGNING_SECRET holds the wrong secret: Slack
    # shows reps only that the command failed.
    body = faq_body(edge.listener.url)
    with caplog.at_level(logging.WARNING):
        status, _ = post(edge.server.url, body, signed(body, str(int(time.time())), "another"))
    assert status == 401
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.startswith("refused a request from 127.0.0.1: a wrong signature")
    assert "SLACK_SIGNING_SECRET is not the Signing Secret in your app's Basic Information" in line


def test_a_replayed_request_is_refused(edge):
    """A real request, captured and sent again six minutes later."""
    client = SignedClient(edge.server.url, SECRET)
    hits = edge.listener.hits
    response = client.command("/faq", "where is my box", user_id=ANA,
                              response_url=edge.listener.url, age=6 * 60)  # fmt: skip
    assert response.status == 401
    edge.executor.wait_idle()
    assert edge.listener.hits == hits


def test_a_body_over_the_limit_is_refused_unread(edge, caplog):
    hits = edge.listener.hits
    body = faq_body(edge.listener.url) + b"&pad=" + b"x" * MAX_BODY
    assert post(edge.server.url, body, signed(body, str(int(time.time())))) == (
        413,
        "request too large\n",
    )
    assert f"over {MAX_BODY}" in caplog.text
    assert edge.listener.hits == hits


def test_slow_connections_do_not_keep_slack_waiting(edge):
    """200 clients that connect and then send part of a request and stop, or dribble a byte
    at a time: a signed /faq is still answered within Slack's 3 s."""
    host, port = edge.server.host, edge.server.port
    silent = [socket.create_connection((host, port)) for _ in range(100)]
    dribbling = [socket.create_connection((host, port)) for _ in range(100)]
    for each in silent:
        each.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Le")
    stop = threading.Event()

    def dribble() -> None:
        while True:
            for each in dribbling:
                each.sendall(b"P")
            if stop.wait(1.0):
                return

    dribbler = threading.Thread(target=dribble, daemon=True)
    dribbler.start()
    try:
        client = SignedClient(edge.server.url, SECRET, timeout=3.0)
        response = client.command("/faq", "I got charged twice for the same box", user_id=ANA)
        assert response.status == 200
        assert "double_charge" in response.body
    finally:
        stop.set()
        dribbler.join()
        for each in silent + dribbling:
            each.close()


def test_an_idle_connection_is_closed(monkeypatch, edge):
    """A connection that sends part of a request and then nothing is closed after
    CHANNEL_TIMEOUT (shortened here; waitress counts whole seconds)."""
    monkeypatch.setattr(server, "CHANNEL_TIMEOUT", 1)
    monkeypatch.setattr(server, "CLEANUP_INTERVAL", 0)
    app = App(token="xoxb-idle", signing_secret=SECRET, token_verification_enabled=False)
    short = HttpServer(app, SECRET).start()
    try:
        with socket.create_connection((short.host, short.port), timeout=3.0) as idle:
            idle.sendall(b"POST /slack/events HTTP/1.1\r\n")
            assert idle.recv(1) == b""  # closed by the server, well before the 3 s timeout
    finally:
        short.stop()


def test_a_real_repbot_run_refuses_a_non_numeric_timestamp_with_401(tmp_path):
    listener = Listener()
    try:
        with (
            FakeSlack() as fake,
            BotProcess(
                fake,
                knowledge_dir=ROOT / "knowledge",
                playbooks_dir=ROOT / "playbooks",
                db_path=tmp_path / "repbot.db",
                log=tmp_path / "repbot.log",
                workers=1,
            ) as bot,
        ):
            fake.clear()
            body = faq_body(listener.url)
            status, _ = post(bot.client.app_url, body, signed(body, "abc", bot.secret))
            assert status == 401
            assert bot.stop() == 0
            assert fake.calls == []
            assert "refused a request from 127.0.0.1: a malformed timestamp" in bot.output
            assert "Traceback" not in bot.output
    finally:
        listener.close()
    assert listener.hits == 0
