"""A fake Slack Web API and response URLs on 127.0.0.1 that record every call and answer like
Slack, including its errors, its limits (`limits`), its rate limits (`rates`) and faults on
demand (429 / 5xx / any Slack error / a stalled or cut-off answer)."""

import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.emulator.limits import check_message
from bot.emulator.rates import TokenBucket
from bot.emulator.team import BOT_USER_ID, CHANNELS, TEAM, Member
from bot.emulator.webapi import Json, WebApiMethods, slack_error

CUT_HEADER = "X-Emulator-Cut"  # between FakeSlack and its handler only, never sent
RESPONSE_URL_MAX_POSTS = 5
RESPONSE_URL_LIFETIME = 30 * 60  # seconds
POST_BURST = 10  # chat.postMessage calls a channel takes at once before the rate limit bites
POSTS_PER_SECOND = 1.0  # per channel, once the burst is spent
# Slack's tiers for the other methods the bot calls, per workspace: calls a minute, which a
# burst may spend at once (Tier 3: 50+, Tier 4: 100+; Tier 2: 20+). Internal apps keep Tier 3
# for conversations.history (the 2025 limit of 1 a minute is for commercial non-Marketplace
# apps).
METHOD_TIERS = {
    "chat.update": 50, "chat.postEphemeral": 100, "conversations.history": 50,
    "conversations.open": 50, "users.info": 100, "views.open": 100, "views.push": 100,
    "views.update": 100, "views.publish": 100, "files.getUploadURLExternal": 20,
    "files.completeUploadExternal": 20,
}  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One request the bot made: the Web API method (or "response_url"), its arguments and
    what the fake answered. For response URLs, body["response_url"] names the URL."""

    method: str
    body: Json
    time: float
    response: Json = field(default_factory=dict)
    status: int = 200


@dataclass
class _Fault:
    method: str
    status: int
    retry_after: int
    times: int
    stall: float  # seconds to hold the answer back
    error: str | None  # Slack's error to answer with, instead of carrying the call out
    cut: bool  # the connection drops halfway through the answer


@dataclass
class _ResponseUrl:
    created: float
    posts: int = 0


def _parse_body(raw: bytes, content_type: str) -> Json:
    """JSON or form body; JSON-valued form fields (blocks, view, ...) are decoded as Slack does."""
    if not raw:
        return {}
    if "json" in content_type:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        return data
    form: Json = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for key in ("blocks", "attachments", "view"):
        if isinstance(form.get(key), str) and form[key][:1] in ("[", "{"):
            form[key] = json.loads(form[key])
    return form


class FakeSlack(WebApiMethods):
    """A fake Slack Web API server. Use as a context manager, or start() / stop().

    `clock` (default time.time) decides message timestamps and Slack's time limits, so a
    test or the demo can move time forward. chat.postMessage is rate limited per channel on
    real time: `post_burst` posts at once, then `posts_per_second`; the methods of
    `method_tiers` per workspace, as many calls a minute as their tier allows (a burst may
    spend them at once). Over a limit, HTTP 429 with Retry-After as Slack answers.
    """

    def __init__(
        self,
        token: str = "xoxb-emulator-token",
        *,
        members: Sequence[Member] = TEAM,
        channels: dict[str, str] = CHANNELS,
        clock: Callable[[], float] = time.time,
        post_burst: int = POST_BURST,
        posts_per_second: float = POSTS_PER_SECOND,
        method_tiers: dict[str, int] = METHOD_TIERS,
    ) -> None:
        self.token = token
        self.members = tuple(members)
        self.channels = dict(channels)
        self.clock = clock
        self.post_burst = post_burst
        self.posts_per_second = posts_per_second
        self._post_buckets: dict[str, TokenBucket] = {}
        self._method_buckets = {
            method: TokenBucket(per_minute, per_minute / 60)
            for method, per_minute in method_tiers.items()
        }
        self._stopping = threading.Event()  # wakes stalled answers when the server stops
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._last_call_at = 0.0  # time.monotonic() of the latest call
        self._faults: list[_Fault] = []
        self._refused: str | None = None  # the error every call gets once the app is gone
        self.archived: set[str] = set()  # channel ids
        self.left: set[str] = set()  # channel ids the bot was removed from
        self.deactivated: set[str] = set()  # user ids
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._messages: dict[tuple[str, str], Json] = {}
        self._views: dict[str, Json] = {}
        self.files: dict[str, Json] = {}  # uploaded files by id: name, title, content, channel
        self._dms: dict[tuple[str, ...], str] = {}
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Json], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> "FakeSlack":
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self.upload_base = f"{self.base_url}upload/"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},  # so stop() returns quickly (tests stop many)
            name="fake-slack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def api_url(self) -> str:
        """The base URL for WebClient(base_url=...); ends with "/" as slack_sdk requires."""
        return self.base_url + "api/"

    # --- what tests and the workspace use --------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 3.0,
    ) -> Call:
        """The first recorded call of `method` matching `predicate`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self._calls:
                    if call.method == method and (predicate is None or predicate(call)):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(c.method for c in self._calls) or "none"
                    raise TimeoutError(f"no matching {method} call in {timeout}s (calls: {seen})")
                self._cond.wait(remaining)

    def wait_until_quiet(self, quiet: float = 0.1, timeout: float = 3.0) -> None:
        """Return once no call has arrived for `quiet` seconds (counting from now), or after
        `timeout` seconds."""
        started = time.monotonic()
        deadline = started + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                idle = now - max(self._last_call_at, started)
                if idle >= quiet or now >= deadline:
                    return
                self._cond.wait(min(quiet - idle, deadline - now))

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def fail(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        stall: float = 0.0,
        error: str | None = None,
        cut: bool = False,
    ) -> None:
        """Answer the next `times` calls of `method` ("*" for any, "response_url" for response
        URLs) with HTTP `status`; 429 carries Retry-After like Slack's rate limiter.

        `error` names the Slack error to answer with (`fatal_error`, `channel_not_found`,
        `user_not_found`, ...), with HTTP `status`: Slack gives most of its errors with 200, so
        `fail(method, 200, error="fatal_error")` is what Slack says when it fails inside.
        Without it, a 429 says `ratelimited` and any other failing status `internal_error`.

        `stall` holds each answer back that many seconds (longer than the bot's client timeout
        to make it time out). With status 200 and no error the call is carried out at once and
        only its answer is late, as when Slack posted a message but the answer was lost: the
        message is then in conversations.history although the bot never heard that it was
        sent. `cut` drops the connection halfway through the answer (after carrying the call
        out, with status 200), as a proxy or a network failure does."""
        with self._cond:
            self._faults.append(_Fault(method, status, retry_after, times, stall, error, cut))

    def archive(self, channel: str) -> None:
        """The channel is archived: posting to it is refused with `is_archived`."""
        with self._cond:
            self.archived.add(self._channel(channel) or channel)

    def remove_bot(self, channel: str) -> None:
        """The bot is removed from the channel: posting and reading its history are refused
        with `not_in_channel`."""
        with self._cond:
            self.left.add(self._channel(channel) or channel)

    def deactivate(self, user_id: str) -> None:
        """The member's account is deactivated: users.info says `deleted`, a DM to them is
        refused (`user_disabled` by their id, `is_archived` in their DM, which Slack archives)."""
        with self._cond:
            self.deactivated.add(user_id)

    def dm_event(self, user_id: str, text: str) -> Json:
        """The `message` event Slack sends when `user_id` writes `text` to the bot directly
        (`text` as the client sends it; SignedClient.event encodes it as Slack would)."""
        with self._cond:
            channel = self._dm_for((user_id,))
        return {"type": "message", "channel_type": "im", "channel": channel, "user": user_id,
                "text": text, "ts": self.new_ts()}  # fmt: skip

    def chatter(self, user_id: str, channel: str, count: int) -> None:
        """`user_id` writes `count` messages in `channel` (people are not rate limited as the
        bot is): a busy channel, whose history a bot pages through."""
        with self._cond:
            channel = self._channel(channel) or channel
            for n in range(count):
                ts = self.new_ts()
                message = {"type": "message", "user": user_id, "text": f"message {n + 1}", "ts": ts}
                self._messages[(channel, ts)] = message

    def uninstall(self) -> Json:
        """The workspace removes the app: from now on every call is refused as Slack refuses
        an uninstalled app's token; returns the event Slack sends (SignedClient.event)."""
        with self._cond:
            self._refused = "account_inactive"
        return {"type": "app_uninstalled"}

    def revoke_tokens(self) -> Json:
        """The bot's token is revoked: every call is refused; returns Slack's event."""
        with self._cond:
            self._refused = "token_revoked"
        return {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER_ID]}}

    def reinstall(self) -> None:
        """The app is installed again and takes calls (a real reinstall gives a new token)."""
        with self._cond:
            self._refused = None

    def heal(self) -> None:
        """Slack is well again: the faults not yet used up are dropped."""
        with self._cond:
            self._faults.clear()

    def response_url(self) -> str:
        """A fresh response URL, as Slack puts in slash commands and message interactions."""
        token = secrets.token_urlsafe(12)
        url = f"{self.base_url}response/{token}"
        with self._cond:
            self._response_urls[token] = _ResponseUrl(self.clock())
        return url

    def handle(
        self, path: str, body: Json | None, authorization: str
    ) -> tuple[int, dict[str, str], Json | str]:
        """Answer one HTTP request: (status, extra headers, JSON body or, where Slack answers
        in plain text, a string). `body` None means it could not be parsed."""
        if path.startswith("/api/"):
            method = path.removeprefix("/api/")
            return self._answer(method, body, lambda b: self._api(method, b, authorization))
        if path.startswith("/upload/"):  # where a file's bytes go (its upload_url)
            file_id = path.removeprefix("/upload/")
            return self._answer(
                "file_upload", body, lambda b: (*self._receive_upload(file_id, b), {})
            )
        if path.startswith("/response/"):
            token = path.removeprefix("/response/")
            if body is not None:  # the log names the URL, since one bot may hold several
                body = {**body, "response_url": f"{self.base_url}response/{token}"}
            status, headers, response = self._answer(
                "response_url", body, lambda b: (*self._respond(token, b), {})
            )
            if status == 400 and isinstance(response, dict):
                return status, headers, str(response["error"])  # Slack says it in plain text
            return status, headers, response
        return 404, {}, slack_error("not_found")

    def _answer(
        self,
        method: str,
        body: Json | None,
        answer: Callable[[Json], tuple[int, Json, dict[str, str]]],
    ) -> tuple[int, dict[str, str], Json]:
        # One lock around answer and record: the fake's state and its call log stay in step.
        with self._cond:
            headers: dict[str, str] = {}
            fault = self._take_fault(method)
            if fault is not None and (fault.status != 200 or fault.error):
                status = fault.status
                if status == 429:
                    headers["Retry-After"] = str(fault.retry_after)
                default = "ratelimited" if status == 429 else "internal_error"
                response = slack_error(fault.error or default)
            elif body is None:
                status, response = 200, slack_error("invalid_json")
            else:
                status, response, headers = answer(body)
            self._calls.append(Call(method, body or {}, self.clock(), response, status))
            self._last_call_at = time.monotonic()
            self._cond.notify_all()
        if fault is not None and fault.stall > 0:
            self._stopping.wait(fault.stall)  # outside the lock: other calls go on meanwhile
        if fault is not None and fault.cut:
            headers[CUT_HEADER] = "1"  # for the handler, which answers half and hangs up
        return status, headers, response

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method in (method, "*"):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _api(self, method: str, body: Json, authorization: str) -> tuple[int, Json, dict[str, str]]:
        # Slack takes the token from the Authorization header or, for forms, a token field.
        token = authorization.removeprefix("Bearer ").strip() or body.get("token")
        if token != self.token:
            return 200, slack_error("invalid_auth"), {}
        if self._refused is not None:
            return 200, slack_error(self._refused), {}
        handler = self._methods.get(method)
        if handler is None:
            return 200, slack_error("unknown_method"), {}
        body = {k: v for k, v in body.items() if k != "token"}
        if method == "chat.postMessage":
            retry_after = self._post_wait(body.get("channel"))
        else:
            bucket = self._method_buckets.get(method)
            retry_after = bucket.take() if bucket is not None else 0
        if retry_after:
            return 429, slack_error("ratelimited"), {"Retry-After": str(retry_after)}
        return 200, handler(body), {}

    def _post_wait(self, channel: Any) -> int:
        """0 if a post to `channel` may go now, else the seconds Slack would say to wait."""
        key = self._channel(channel) or str(channel)
        bucket = self._post_buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self.post_burst, self.posts_per_second)
            self._post_buckets[key] = bucket
        return bucket.take()

    def _respond(self, token: str, body: Json) -> tuple[int, Json]:
        target = self._response_urls.get(token)
        if target is None:
            return 404, slack_error("no_service")
        if self.clock() - target.created > RESPONSE_URL_LIFETIME:
            return 404, slack_error("expired_url")
        if target.posts >= RESPONSE_URL_MAX_POSTS:
            return 404, slack_error("used_url")
        message = {k: v for k, v in body.items() if k != "response_url"}
        if not message.get("delete_original"):  # deleting needs no content
            refused = check_message(message)
            if refused is not None:
                return 400, refused
        target.posts += 1
        return 200, {"ok": True}

    # --- helpers for the methods -----------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body: Json | None = None
        fields: Json = dict(parse_qsl(url.query, keep_blank_values=True))
        try:
            if url.path.startswith("/upload/"):  # a file's bytes, not a form
                fields.update(bytes=len(raw), _raw=raw)
            else:
                fields.update(_parse_body(raw, self.headers.get("Content-Type", "")))
            body = fields
        except ValueError:  # includes json.JSONDecodeError and bad UTF-8
            body = None
        fake: FakeSlack = self.server.fake  # type: ignore[attr-defined]
        status, headers, response = fake.handle(
            url.path, body, self.headers.get("Authorization", "")
        )
        if isinstance(response, str):
            data, content_type = response.encode(), "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(response).encode(), "application/json; charset=utf-8"
        cut = headers.pop(CUT_HEADER, None) is not None
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if cut:  # half the answer, then the connection is gone
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the call log is the record, and stderr noise would spoil the demo."""
