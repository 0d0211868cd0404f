"""A fake Slack Web API and response URLs on 127.0.0.1 that record every call and answer like
Slack, including its errors, its limits (`limits`), its rate limit on posting (`rates`) and
faults on demand (429 / 5xx / a stalled answer)."""

import base64
import copy
import hashlib
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

from bot.emulator.limits import check_message, check_view
from bot.emulator.rates import TokenBucket
from bot.emulator.team import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    CHANNELS,
    TEAM,
    TEAM_DOMAIN,
    TEAM_ID,
    Member,
    channel_id,
)

RESPONSE_URL_MAX_POSTS = 5
RESPONSE_URL_LIFETIME = 30 * 60  # seconds
SCHEDULE_MAX_AHEAD = 120 * 24 * 3600  # seconds
TRIGGER_LIFETIME = 3.0  # seconds
POST_BURST = 10  # chat.postMessage calls a channel takes at once before the rate limit bites
POSTS_PER_SECOND = 1.0  # per channel, once the burst is spent
HISTORY_LIMIT_DEFAULT = 100
HISTORY_LIMIT_MAX = 999

Json = dict[str, Any]


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


@dataclass
class _ResponseUrl:
    created: float
    posts: int = 0


def with_block_ids(blocks: list[Json]) -> list[Json]:
    """Copies of `blocks` with the block_id / action_id that Slack adds where the app left
    them out, so interaction payloads can name them as Slack would."""
    result = []
    for index, original in enumerate(blocks):
        block = copy.deepcopy(original)
        block.setdefault("block_id", _short_hash(index, block))
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        elements += [block[key] for key in ("accessory", "element") if key in block]
        for n, element in enumerate(elements):
            if element.get("type") != "image":
                element.setdefault("action_id", _short_hash(n, element))
        result.append(block)
    return result


def _short_hash(index: int, value: Any) -> str:
    text = f"{index}:{json.dumps(value, sort_keys=True)}"
    return hashlib.sha1(text.encode()).hexdigest()[:6]


def _error(error: str) -> Json:
    return {"ok": False, "error": error}


def _missing(name: str) -> Json:
    # What Slack answers when a required argument is absent on the newer methods.
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] missing required field: {name}"]},
    }


def _is_true(value: Any) -> bool:
    # slack_sdk sends booleans in query strings as "1" / "0"; JSON bodies send true / false.
    return str(value).lower() in ("1", "true")


def _metadata(body: Json) -> tuple[Json | None, Json | None]:
    """The message metadata in `body` (None if there is none) and Slack's error, if any."""
    metadata = body.get("metadata")
    if metadata in (None, ""):
        return None, None
    if isinstance(metadata, str):  # form bodies carry it as a JSON string
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None, _error("invalid_metadata_format")
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not metadata["event_type"]
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        return None, _error("invalid_metadata_schema")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}, None


def _cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _cursor_ts(cursor: str) -> float | None:
    try:
        return float(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
    except ValueError:
        return None


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


class FakeSlack:
    """A fake Slack Web API server. Use as a context manager, or start() / stop().

    `clock` (default time.time) decides message timestamps and Slack's time limits, so a
    test or the demo can move time forward. chat.postMessage is rate limited per channel on
    real time: `post_burst` posts at once, then `posts_per_second`; over it, HTTP 429 with
    Retry-After as Slack answers.
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
    ) -> None:
        self.token = token
        self.members = tuple(members)
        self.channels = dict(channels)
        self.clock = clock
        self.post_burst = post_burst
        self.posts_per_second = posts_per_second
        self._post_buckets: dict[str, TokenBucket] = {}
        self._stopping = threading.Event()  # wakes stalled answers when the server stops
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._last_call_at = 0.0  # time.monotonic() of the latest call
        self._faults: list[_Fault] = []
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._messages: dict[tuple[str, str], Json] = {}
        self._scheduled: dict[str, Json] = {}
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
            "chat.scheduleMessage": self._chat_schedule_message,
            "chat.deleteScheduledMessage": self._chat_delete_scheduled_message,
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
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # so stop() returns quickly
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
    ) -> None:
        """Answer the next `times` calls of `method` ("*" for any, "response_url" for response
        URLs) with HTTP `status`; 429 carries Retry-After like Slack's rate limiter.

        `stall` holds each answer back that many seconds (longer than the bot's client timeout
        to make it time out). With status 200 the call is carried out at once and only its
        answer is late, as when Slack posted a message but the answer was lost: the message
        is then in conversations.history although the bot never heard that it was sent."""
        with self._cond:
            self._faults.append(_Fault(method, status, retry_after, times, stall))

    def dm_event(self, user_id: str, text: str) -> Json:
        """The `message` event Slack sends when `user_id` writes `text` to the bot directly
        (`text` as the client sends it; SignedClient.event encodes it as Slack would)."""
        with self._cond:
            channel = self._dm_for((user_id,))
        return {"type": "message", "channel_type": "im", "channel": channel, "user": user_id,
                "text": text, "ts": self.new_ts()}  # fmt: skip

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

    def new_ts(self) -> str:
        """A message timestamp, unique in this fake, as Slack gives every message."""
        return f"{int(self.clock())}.{next(self._counter):06d}"

    def open_view(self, spec: Json, replacing: str | None = None) -> Json:
        """Store a view that Slack itself opens or updates for the app (a view_submission ack
        with response_action "push" or "update"), so later views.update calls find it."""
        with self._cond:
            old = self._views.get(replacing or "")
            if old is not None:
                return self._new_view(spec, old["id"], old["root_view_id"])
            return self._new_view(spec, f"V{next(self._counter):09d}")

    def scheduled_messages(self) -> list[Json]:
        """Messages scheduled with chat.scheduleMessage and not deleted, earliest first."""
        with self._cond:
            return sorted((dict(m) for m in self._scheduled.values()), key=lambda m: m["post_at"])

    # --- request handling ------------------------------------------------------------------

    def handle(
        self, path: str, body: Json | None, authorization: str
    ) -> tuple[int, dict[str, str], Json | str]:
        """Answer one HTTP request: (status, extra headers, JSON body or, where Slack answers
        in plain text, a string). `body` None means it could not be parsed."""
        if path.startswith("/api/"):
            method = path.removeprefix("/api/")
            return self._answer(method, body, lambda b: self._api(method, b, authorization))
        if path.startswith("/upload/"):  # where files_upload_v2 sends a file's bytes
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
        return 404, {}, _error("not_found")

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
            if fault is not None and fault.status != 200:
                status = fault.status
                if status == 429:
                    headers["Retry-After"] = str(fault.retry_after)
                    response = _error("ratelimited")
                else:
                    response = _error("internal_error")
            elif body is None:
                status, response = 200, _error("invalid_json")
            else:
                status, response, headers = answer(body)
            self._calls.append(Call(method, body or {}, self.clock(), response, status))
            self._last_call_at = time.monotonic()
            self._cond.notify_all()
        if fault is not None and fault.stall > 0:
            self._stopping.wait(fault.stall)  # outside the lock: other calls go on meanwhile
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
            return 200, _error("invalid_auth"), {}
        handler = self._methods.get(method)
        if handler is None:
            return 200, _error("unknown_method"), {}
        body = {k: v for k, v in body.items() if k != "token"}
        if method == "chat.postMessage":
            retry_after = self._post_wait(body.get("channel"))
            if retry_after:
                return 429, _error("ratelimited"), {"Retry-After": str(retry_after)}
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
            return 404, _error("no_service")
        if self.clock() - target.created > RESPONSE_URL_LIFETIME:
            return 404, _error("expired_url")
        if target.posts >= RESPONSE_URL_MAX_POSTS:
            return 404, _error("used_url")
        message = {k: v for k, v in body.items() if k != "response_url"}
        if not message.get("delete_original"):  # deleting needs no content
            refused = check_message(message)
            if refused is not None:
                return 400, refused
        target.posts += 1
        return 200, {"ok": True}

    # --- helpers for the methods -----------------------------------------------------------

    def _member(self, user_id: Any) -> Member | None:
        # Slack's methods take user ids, never names.
        return next((m for m in self.members if m.id == user_id), None)

    def dm_reader(self, channel: str) -> str | None:
        """The one person who reads a direct message channel with the bot, if it is one."""
        with self._cond:
            members = next((m for m, dm in self._dms.items() if dm == channel), None)
        return members[0] if members and len(members) == 1 else None

    def _channel(self, value: Any) -> str | None:
        """The channel id Slack would post to: a known channel (by id or name), an open DM,
        or a member's DM when given a user id."""
        value = str(value or "")
        if value in self._dms.values():
            return value
        if self._member(value) is not None:
            return self._dm_for((value,))
        try:
            return channel_id(value, self.channels)
        except KeyError:
            return None

    def _dm_for(self, user_ids: tuple[str, ...]) -> str:
        key = tuple(sorted(user_ids))
        if key not in self._dms:
            self._dms[key] = f"D{len(self._dms) + 1:09d}"
        return self._dms[key]

    def _message(self, body: Json, ts: str, metadata: Json | None = None) -> Json:
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "team": TEAM_ID,
            "text": body.get("text", ""),
            "ts": ts,
        }
        if body.get("blocks"):
            message["blocks"] = with_block_ids(body["blocks"])
        if body.get("thread_ts"):
            message["thread_ts"] = str(body["thread_ts"])
        if metadata is not None:
            message["metadata"] = metadata
        return message

    def _new_view(self, spec: Json, view_id: str, root_view_id: str | None = None) -> Json:
        view: Json = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": spec.get("type", "modal"),
            "title": spec.get("title"),
            "submit": spec.get("submit"),
            "close": spec.get("close"),
            "blocks": with_block_ids(spec.get("blocks", [])),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "external_id": spec.get("external_id", ""),
            "clear_on_close": spec.get("clear_on_close", False),
            "notify_on_close": spec.get("notify_on_close", False),
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
            "root_view_id": root_view_id or view_id,
            "previous_view_id": None,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = view
        return view

    # --- the Web API methods ---------------------------------------------------------------

    def _auth_test(self, body: Json) -> Json:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Repbot Demo",
            "user": "repbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, body: Json) -> Json:
        channel = self._channel(body.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        refused = check_message(body)
        if refused is not None:
            return refused
        metadata, refused = _metadata(body)
        if refused is not None:
            return refused
        message = self._message(body, self.new_ts(), metadata)
        self._messages[(channel, message["ts"])] = message
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, body: Json) -> Json:
        if self._channel(body.get("channel")) is None:
            return _error("channel_not_found")
        if self._member(body.get("user")) is None:
            return _error("user_not_in_channel")
        return check_message(body) or {"ok": True, "message_ts": self.new_ts()}

    def _chat_update(self, body: Json) -> Json:
        channel = self._channel(body.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        ts = str(body.get("ts", ""))
        old = self._messages.get((channel, ts))
        if old is None:
            return _error("message_not_found")
        refused = check_message(body)
        if refused is not None:
            return refused
        metadata, refused = _metadata(body)
        if refused is not None:
            return refused
        message = self._message(body, ts, metadata or old.get("metadata"))
        self._messages[(channel, ts)] = message
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": message,
        }

    def _chat_schedule_message(self, body: Json) -> Json:
        channel = self._channel(body.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        refused = check_message(body)
        if refused is not None:
            return refused
        try:
            post_at = int(body["post_at"])
        except (KeyError, TypeError, ValueError):
            return _error("invalid_time")
        now = self.clock()
        if post_at <= now:
            return _error("time_in_past")
        if post_at > now + SCHEDULE_MAX_AHEAD:
            return _error("time_too_far")
        scheduled_id = f"Q{next(self._counter):09d}"
        self._scheduled[scheduled_id] = {
            "id": scheduled_id,
            "channel": channel,
            "post_at": post_at,
            "text": body.get("text", ""),
            "blocks": body.get("blocks", []),
        }
        return {
            "ok": True,
            "channel": channel,
            "scheduled_message_id": scheduled_id,
            "post_at": post_at,
            "message": self._message(body, ""),
        }

    def _chat_delete_scheduled_message(self, body: Json) -> Json:
        if self._channel(body.get("channel")) is None:
            return _error("channel_not_found")
        if self._scheduled.pop(str(body.get("scheduled_message_id", "")), None) is None:
            return _error("invalid_scheduled_message_id")
        return {"ok": True}

    def _views_open(self, body: Json) -> Json:  # views.open and views.push
        trigger_id = body.get("trigger_id")
        if not trigger_id:
            return _missing("trigger_id")
        if not isinstance(body.get("view"), dict):
            return _missing("view")
        # SignedClient's trigger ids start with their issue time in ms; Slack lets a trigger
        # live 3 s, so a bot that opens a modal too late fails here as it would in Slack.
        issued_ms = str(trigger_id).split(".")[0]
        if issued_ms.isdigit() and time.time() - int(issued_ms) / 1000 > TRIGGER_LIFETIME:
            return _error("expired_trigger_id")
        return check_view(body["view"]) or {"ok": True, "view": self.open_view(body["view"])}

    def _views_update(self, body: Json) -> Json:
        if not isinstance(body.get("view"), dict):
            return _missing("view")
        view_id = body.get("view_id")
        if not view_id and body.get("external_id"):
            found = [v for v in self._views.values() if v["external_id"] == body["external_id"]]
            view_id = found[0]["id"] if found else None
        if not view_id:
            return _missing("view_id")
        old = self._views.get(str(view_id))
        if old is None:
            return _error("not_found")
        if body.get("hash") and body["hash"] != old["hash"]:
            return _error("hash_conflict")
        refused = check_view(body["view"])
        if refused is not None:
            return refused
        return {"ok": True, "view": self.open_view(body["view"], replacing=old["id"])}

    def _views_publish(self, body: Json) -> Json:
        if not body.get("user_id"):
            return _missing("user_id")
        if self._member(body["user_id"]) is None:
            return _error("user_not_found")
        if not isinstance(body.get("view"), dict):
            return _missing("view")
        return check_view(body["view"]) or {"ok": True, "view": self.open_view(body["view"])}

    def _users_info(self, body: Json) -> Json:
        user = self._member(body.get("user"))
        if user is None:
            return _error("user_not_found")
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": TEAM_ID,
                "name": user.name,
                "deleted": False,
                "real_name": user.real_name,
                "tz": user.tz,
                "tz_offset": user.tz_offset(),
                "is_bot": False,
                "profile": {"real_name": user.real_name, "display_name": user.name},
            },
        }

    def _files_get_upload_url(self, body: Json) -> Json:
        if not body.get("filename") or not str(body.get("length", "")).isdigit():
            return _missing("filename" if not body.get("filename") else "length")
        file_id = f"F{next(self._counter):08d}"
        self.files[file_id] = {"id": file_id, "name": body["filename"], "content": b""}
        return {"ok": True, "upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, body: Json) -> tuple[int, Json]:
        if file_id not in self.files:
            return 404, _error("file_not_found")
        self.files[file_id]["content"] = body.pop("_raw", b"")  # kept here, not in the call log
        return 200, {"ok": True}

    def _files_complete_upload(self, body: Json) -> Json:
        files = body.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not files or any(f.get("id") not in self.files for f in files):
            return _error("file_not_found")
        channel = self._channel(body.get("channel_id")) if body.get("channel_id") else None
        for f in files:
            self.files[f["id"]].update(title=f.get("title", ""), channel=channel)
        shown = [{"id": f["id"], "title": f.get("title", ""), "name": self.files[f["id"]]["name"]}
                 for f in files]  # fmt: skip
        return {"ok": True, "files": shown, "channel": channel}

    def _conversations_open(self, body: Json) -> Json:
        if body.get("channel"):
            channel = self._channel(body["channel"])
            return (
                {"ok": True, "channel": {"id": channel}} if channel else _error("channel_not_found")
            )
        users = body.get("users")
        if not users:
            return _error("users_list_not_supplied")
        ids = users if isinstance(users, list) else str(users).split(",")
        found = [self._member(u.strip()) for u in ids]
        if any(m is None for m in found):
            return _error("user_not_found")
        return {"ok": True, "channel": {"id": self._dm_for(tuple(m.id for m in found if m))}}

    def _conversations_history(self, body: Json) -> Json:
        """A channel's or DM's messages, newest first; thread replies are left out as Slack
        leaves them out (they are in conversations.replies)."""
        channel = str(body.get("channel") or "")
        # Slack wants a conversation id here: not a name, not a user id.
        if channel not in self.channels and channel not in self._dms.values():
            return _error("channel_not_found")
        try:
            limit = int(body.get("limit") or HISTORY_LIMIT_DEFAULT)
            oldest = float(body.get("oldest") or 0)
            latest = float(body.get("latest") or "inf")
        except ValueError:
            return _error("invalid_arguments")
        if body.get("cursor"):
            after = _cursor_ts(str(body["cursor"]))
            if after is None:
                return _error("invalid_cursor")
            latest = min(latest, after)
        limit = max(1, min(limit, HISTORY_LIMIT_MAX))
        inclusive = _is_true(body.get("inclusive"))
        with_metadata = _is_true(body.get("include_all_metadata"))
        found = []
        for (in_channel, ts), message in self._messages.items():
            if in_channel != channel or message.get("thread_ts", ts) != ts:
                continue
            at = float(ts)
            if oldest < at < latest or (inclusive and at in (oldest, latest)):
                found.append(message)
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        page = [copy.deepcopy(m) for m in found[:limit]]
        if not with_metadata:
            for message in page:
                message.pop("metadata", None)
        has_more = len(found) > limit
        return {
            "ok": True,
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": _cursor(page[-1]["ts"]) if has_more else ""},
        }


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
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the call log is the record, and stderr noise would spoil the demo."""
