"""HTTP mode: Bolt behind waitress, a production WSGI server, at /slack/events.

Every POST is verified here, in front of Bolt: a request that is too big, unsigned, badly
signed or out of date is answered 413 or 401 before any of the bot's code sees its body, so
nothing in an unverified body (a response_url above all) can make the bot do anything. Slack's
ssl_check, which comes unsigned, is answered 200 here and goes no further.
"""

from __future__ import annotations

import io
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.server import TcpWSGIServer

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"

# Slack's payloads are a few kilobytes, a modal's whole state at most a few hundred: a bigger
# body is refused before it is read.
MAX_BODY = 1024 * 1024
# Waitress reads a whole request before the app sees it; its own limit keeps it from reading
# (and spooling to disk) anything far bigger than ours.
WAITRESS_MAX_BODY = 2 * MAX_BODY
# Slack's rule, as slack-sdk and Bolt apply it: a signature older or newer than this is refused,
# so a request captured on the way cannot be replayed later.
SIGNATURE_MAX_AGE = 5 * 60
# Slack sends a small request at once and gives up on the answer after 3 s: a connection that
# has been silent for 5 s (one that connected and sent part of a request, or nothing, or
# stays open between requests) is not worth a place. Waitress looks for them every second.
CHANNEL_TIMEOUT = 5
CLEANUP_INTERVAL = 1
# Waitress's default of 100 open connections is what slow clients used up: new connections
# then waited, unaccepted, until the slow ones timed out. An open connection costs no thread,
# only a file descriptor, so allow many, but stay under the usual limit of 1,024 open files
# per process, with room for the database, the logs and the calls to Slack. (poll() instead
# of select(), which fails on descriptors numbered above 1,024.) A client that keeps a
# connection alive by sending a byte now and then holds its place until this limit; the
# HTTPS proxy that Slack's request URL needs in front of the bot is where to cut those short.
CONNECTION_LIMIT = 500
LOOP_TIMEOUT = 1  # seconds the server's loop waits in poll() for something to happen

# Slack's ssl_check, `ssl_check=1&token=...` (a 24-character verification token), comes unsigned:
# a body without a signature is read only up to this size, to see whether it is one.
SSL_CHECK_MOST = 256

TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds; twelve digits is far beyond any age
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")  # "v0=" and a hex SHA-256 HMAC


@dataclass(frozen=True)
class _Refusal:
    status: str
    answer: bytes
    reason: str  # for the log: says what was wrong, never echoes what was sent


def _unsigned(reason: str) -> _Refusal:
    return _Refusal("401 Unauthorized", b"invalid request signature\n", reason)


class SignatureChecked:
    """WSGI middleware: a POST reaches `app` only once its body is at most MAX_BODY bytes of
    UTF-8, signed with `signing_secret` within SIGNATURE_MAX_AGE of now; anything else is
    answered here, with a short plain body and one warning line naming the reason.

    "Now" is real time, not the bot's Clock: Slack signs with its real clock, and a signature's
    age is how long ago, in real time, it was made. The bot's Clock is real time too, except in
    `repbot demo`, which moves it hours or days ahead to show reminders coming due while the
    emulator's client goes on signing with real time. slack-sdk's verifier, here and in Bolt's
    own check (still on behind this one), uses real time as well."""

    def __init__(self, app: Callable, signing_secret: str) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":  # Bolt acts on POSTs only
            return self._app(environ, start_response)
        if _ssl_check(environ):
            # Answered here and handed to nobody, so nothing in an unsigned body can act.
            log.debug("answered Slack's ssl_check from %s", environ.get("REMOTE_ADDR"))
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b""]
        body = self._verified_body(environ)
        if isinstance(body, _Refusal):
            log.warning("refused a request from %s: %s", environ.get("REMOTE_ADDR"), body.reason)
            start_response(body.status, [("Content-Type", "text/plain; charset=utf-8")])
            return [body.answer]
        # Bolt reads the body again, from what was read here.
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self._app(environ, start_response)

    def _verified_body(self, environ: dict) -> bytes | _Refusal:
        length = int(environ.get("CONTENT_LENGTH") or 0)  # waitress has checked it is a number
        if length > MAX_BODY:
            return _Refusal("413 Request Entity Too Large", b"request too large\n",
                            f"a body of {length} bytes, over {MAX_BODY}")  # fmt: skip
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        # Checked here because slack-sdk's int(timestamp) raises on anything but digits.
        if not TIMESTAMP.fullmatch(timestamp):
            return _unsigned("no timestamp" if not timestamp else "a malformed timestamp")
        if not SIGNATURE.fullmatch(signature):
            return _unsigned("no signature" if not signature else "a malformed signature")
        age = time.time() - int(timestamp)
        if abs(age) > SIGNATURE_MAX_AGE:
            return _unsigned(f"a timestamp {abs(age):.0f} s {'old' if age > 0 else 'ahead'}")
        body = environ["wsgi.input"].read(length)
        try:
            text = body.decode("utf-8")  # slack-sdk and Bolt decode it, and would raise
        except UnicodeDecodeError:
            return _unsigned("a body that is not UTF-8")
        if not self._verifier.is_valid(text, timestamp, signature):  # a constant-time compare
            # Every request of Slack's refused so: the secret is another app's, or the Client
            # Secret, which the same page of the app's settings shows just above it.
            return _unsigned(
                "a wrong signature (if Slack's own requests are refused so, SLACK_SIGNING_SECRET "
                "is not the Signing Secret in your app's Basic Information > App Credentials)"
            )
        return body


def _ssl_check(environ: dict) -> bool:
    """Whether the request is Slack's ssl_check, which it sends to a slash command's URL to
    check the certificate and which must be answered 200. Slack sends it without a signature
    (as bolt-python and bolt-js found: slackapi/bolt-js#1397), so the signature check would
    answer it 401. Only a small unsigned form is read to see."""
    if environ.get("HTTP_X_SLACK_SIGNATURE") or environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"):
        return False
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded")
    if not form or not 0 < length <= SSL_CHECK_MOST:
        return False
    body = environ["wsgi.input"].read(length).decode("utf-8", errors="replace")
    return parse_qs(body).get("ssl_check") == ["1"]


def health_checked(slack: Callable) -> Callable:
    """GET /healthz answers 200 for load balancers; everything else goes to Bolt."""

    def wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return wsgi


def slack_wsgi(app: App, signing_secret: str) -> Callable:
    """The bot as a WSGI app at /slack/events: every request verified, then Bolt. What the
    HTTP server serves, and what tests call in their own process without a socket."""
    return health_checked(
        SignatureChecked(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret)
    )


class _Server(TcpWSGIServer):
    """Waitress's server, taking a connection only while a request thread is free to answer
    it: the workers share one listening socket, and a busy one now leaves the next request to
    one that is free instead of queueing it behind its own (bench_faq, 2 workers of 1 thread,
    load 8.6 to 10.7: p99 40 to 50 ms instead of 77 to 111). Connections that wait are in the
    kernel's queue meanwhile, which every worker takes from."""

    def readable(self) -> bool:
        listening = super().readable()  # which also closes connections that have gone quiet
        # types-waitress has active_channels as one channel; it is a dict of them.
        channels = self.active_channels.values()  # type: ignore[attr-defined]
        in_hand = sum(len(channel.requests) for channel in channels)
        return listening and in_hand < self.adj.threads


class HttpServer:
    """Serves the app on host:port (port 0 picks a free one), or on `sock`, a socket already
    listening (the one the worker processes share); `url` is the events endpoint. Requests
    are verified with `signing_secret` (the app's) before Bolt sees them."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        sock: socket.socket | None = None,
    ) -> None:
        wsgi = slack_wsgi(app, signing_secret)
        self._map: dict = {}  # the server's sockets, which start()'s loop polls
        # As waitress's create_server makes it: on host:port, or on `sock` as it is.
        given = None if sock is None else (sock.family, sock.type, sock.proto, sock.getsockname())
        self._server = _Server(
            wsgi,
            self._map,
            _sock=sock,
            bind_socket=sock is None,
            sockinfo=given,
            host=host,
            port=port,
            threads=threads,
            # Waitress reads its loop timeout in whole seconds: 0.05 was 0, a loop that polled
            # without waiting and took a third of a core in each idle worker, and competed
            # with requests for the interpreter lock in a busy one. stop() wakes the loop.
            asyncore_loop_timeout=LOOP_TIMEOUT,
            asyncore_use_poll=True,
            channel_timeout=CHANNEL_TIMEOUT,
            cleanup_interval=CLEANUP_INTERVAL,
            connection_limit=CONNECTION_LIMIT,
            max_request_body_size=WAITRESS_MAX_BODY,
        )
        self.host = host if sock is None else sock.getsockname()[0]
        # types-waitress leaves out effective_port, which BaseWSGIServer.__init__ sets.
        self.port = int(self._server.effective_port)  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{EVENTS_PATH}"

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> HttpServer:
        """Serve on a thread of its own until stop()."""
        self._thread = threading.Thread(target=self._run, name="repbot-http", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopping:
            wasyncore.loop(LOOP_TIMEOUT, use_poll=True, map=self._map, count=1)

    def stop(self) -> None:
        # The request threads first: one still finishing an answer pulls the loop's trigger.
        self._server.task_dispatcher.shutdown()
        if self._thread is None:
            self._server.close()
            return
        self._stopping = True
        self._server.pull_trigger()  # wakes the loop's poll()
        self._thread.join(timeout=5)
        # Closed once the loop is done: closed while it ran, a socket went from under a poll()
        # in progress, and the trigger could be closed before it was pulled.
        wasyncore.close_all(self._map)
