"""Sends correctly signed Slack requests (slash commands, interactions, events) to the app."""

import io
import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from bot.emulator.escaping import slack_encode
from bot.emulator.team import APP_ID, BOT_USER_ID, CHANNELS, TEAM, TEAM_DOMAIN, TEAM_ID, Member

# Events whose `text` a person typed, so Slack delivers it escaped and encoded.
TYPED_EVENTS = ("message", "app_mention")

# Slack still sends the deprecated verification token; Bolt ignores it unless configured.
VERIFICATION_TOKEN = "emulator-verification-token"


@dataclass(frozen=True)
class AppResponse:
    """What the app answered: HTTP status, headers (lower-case names) and body text."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SignedClient:
    """Posts requests to the app's endpoint (e.g. "http://127.0.0.1:PORT/slack/events") signed
    as Slack signs them. Every method takes `bad_signature=True` to send a wrong signature and
    `age=SECONDS` to sign as if sent that long ago (Bolt refuses more than 5 minutes).

    What people type (a command's text, a message event's text) is escaped and encoded as
    Slack does (see `slack_encode`), with mentions and channels of `members` / `channels`;
    `encoded=True` sends it exactly as given, for tests of the app's own decoding."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        timeout: float = 10.0,
        *,
        members: Sequence[Member] = TEAM,
        channels: dict[str, str] = CHANNELS,
        wsgi: Callable | None = None,
    ) -> None:
        self.app_url = app_url
        # With a WSGI app the request is dispatched into it in this process, through the same
        # checks and Bolt, with no socket: most tests do so; `app_url` then names only the path.
        self.wsgi = wsgi
        self.timeout = timeout
        self.members = tuple(members)
        self.channels = dict(channels)
        self._verifier = SignatureVerifier(signing_secret)
        self._counter = itertools.count(1)
        self.sent: list[dict[str, Any]] = []  # interaction payloads, to replay as Slack retries

    def new_trigger_id(self) -> str:
        # Slack's look like "13345224609.738474920.8088930838d88f008e0"; ours start with
        # the issue time in ms so the fake Web API can expire them after 3 s like Slack.
        return f"{int(time.time() * 1000)}.{next(self._counter)}.{secrets.token_hex(10)}"

    def new_action_ts(self) -> str:
        return f"{time.time():.6f}"

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        user_name: str = "",
        channel_id: str = "C0SUPPORT1",
        channel_name: str = "support",
        response_url: str = "",
        trigger_id: str | None = None,
        bad_signature: bool = False,
        age: int = 0,
        encoded: bool = False,
    ) -> AppResponse:
        """A slash command, form-encoded as Slack sends it; `text` as typed unless `encoded`."""
        if not encoded:
            text = slack_encode(text, self.members, self.channels, in_command=True)
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        return self._post(urlencode(form), "application/x-www-form-urlencoded", bad_signature, age)

    def block_actions(
        self, payload: dict[str, Any], *, bad_signature: bool = False, age: int = 0
    ) -> AppResponse:
        """A button press (or other block action); `payload` is the whole interaction."""
        return self._interaction(payload, bad_signature, age)

    def view_submission(
        self, payload: dict[str, Any], *, bad_signature: bool = False, age: int = 0
    ) -> AppResponse:
        """A modal submission; `payload` is the whole interaction."""
        return self._interaction(payload, bad_signature, age)

    def view_closed(
        self, payload: dict[str, Any], *, bad_signature: bool = False, age: int = 0
    ) -> AppResponse:
        """A modal closed by its user, sent only for a view opened with notify_on_close."""
        return self._interaction(payload, bad_signature, age)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        *,
        bad_signature: bool = False,
        age: int = 0,
        encoded: bool = False,
    ) -> AppResponse:
        """An Events API delivery; pass the same event_id with retry_num to send a retry. The
        `text` of a person's message or mention is as typed unless `encoded`."""
        if not encoded and _typed_by_a_person(event):
            text = slack_encode(event["text"], self.members, self.channels, in_command=False)
            event = {**event, "text": text}
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True},
            ],
        }
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self._post(json.dumps(envelope), "application/json", bad_signature, age, headers)

    def _interaction(self, payload: dict[str, Any], bad_signature: bool, age: int) -> AppResponse:
        self.sent.append(payload)
        body = urlencode({"payload": json.dumps(payload)})
        return self._post(body, "application/x-www-form-urlencoded", bad_signature, age)

    def _post(
        self,
        body: str,
        content_type: str,
        bad_signature: bool,
        age: int,
        extra_headers: dict[str, str] | None = None,
    ) -> AppResponse:
        timestamp = str(int(time.time()) - age)
        signature = self._verifier.generate_signature(timestamp=timestamp, body=body) or ""
        if bad_signature:
            signature = "v0=" + "0" * 64
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            **(extra_headers or {}),
        }
        if self.wsgi is not None:
            return _dispatch(self.wsgi, urlsplit(self.app_url).path, body.encode(), headers)
        request = urllib.request.Request(
            self.app_url, data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _app_response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:  # 4xx/5xx still carry an answer worth reading
            return _app_response(error.code, error.headers, error.read())


def _typed_by_a_person(event: dict[str, Any]) -> bool:
    # A bot's message carries what the bot sent, already in Slack's markup.
    return (
        event.get("type") in TYPED_EVENTS
        and isinstance(event.get("text"), str)
        and not event.get("bot_id")
    )


def _dispatch(wsgi: Callable, path: str, body: bytes, headers: dict[str, str]) -> AppResponse:
    """One POST through a WSGI app, as a WSGI server would hand it over."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "local",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_PORT": "0", "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": headers.get("Content-Type", ""),
    }  # fmt: skip
    for name, value in headers.items():
        if name != "Content-Type":
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list, exc_info: object = None) -> None:
        answer["status"], answer["headers"] = int(status.split()[0]), dict(response_headers)

    raw = b"".join(wsgi(environ, start_response))
    return _app_response(answer["status"], answer["headers"], raw)


def _app_response(status: int, headers: Any, raw: bytes) -> AppResponse:
    return AppResponse(status, {k.lower(): v for k, v in headers.items()}, raw.decode())
