"""One error boundary: every listener, acknowledging or lazy, runs inside `guard`. A failure
is logged with its traceback and a short reference, and the person gets one kind line with
that reference; a refusal (bad input, no authority) shows its own words; a repeat of work
already done changes nothing and says nothing.

`Listeners` registers listeners on the app through the boundary, so no listener can be
registered outside it. Replies through `respond` go through the outbox."""

from __future__ import annotations

import functools
import inspect
import json
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.kwargs_injection.args import Args

from bot.shared.refusal import Refusal
from bot.slack.blocks import base
from bot.slack.outbox import AlreadyHandled, Outbox
from bot.slack.people import time_zone

log = logging.getLogger(__name__)

ARRIVED = "arrived"  # in the context once the way in (edge.py) took a verified request
MAX_EVENT_RETRIES = 3  # Slack's: after the third retry, an event is not delivered again
SORRY = "Sorry, something went wrong on our side (reference {ref}). Please try again."


class OutboxRespond:
    """`respond(...)` as listeners call it, queued in the outbox instead of posted at once."""

    def __init__(self, outbox: Outbox, response_url: str | None, user: str | None) -> None:
        self.outbox = outbox
        self.response_url = response_url
        self.user = user  # who the replies are for, should the URL no longer take them

    def __call__(self, text: str = "", blocks: list | None = None, **options: Any) -> None:
        if not self.response_url:
            log.warning("a reply with nowhere to go (no response_url): %s", text[:80])
            return
        message: dict = {"text": text}
        if blocks is not None:
            message["blocks"] = blocks
        self.outbox.respond(self.response_url, message, to=self.user, **options)


def _value(args: Args, name: str) -> Any:
    if name == "respond":
        outbox = args.context.get("outbox")
        if outbox is None:
            return args.respond
        return OutboxRespond(outbox, args.body.get("response_url"), _user(args.body))
    if hasattr(args, name):
        return getattr(args, name)
    return args.context.get(name)


def _user(body: dict) -> str | None:
    """Who sent the request: a command names them by user_id, an interaction as user."""
    return (body.get("user") or {}).get("id") or body.get("user_id")


def _first_input(view: dict | None) -> str | None:
    for block in (view or {}).get("blocks", []):
        if block.get("type") == "input" and block.get("block_id"):
            return block["block_id"]
    return None


def _tell(args: Args, text: str, *, acked: bool, said: base.Message | None = None) -> None:
    """Say `text` (shown as `said` where Slack can show more than words) to whoever sent the
    request, wherever it can be said."""
    ack: Ack = args.ack
    body = args.body
    said = said or base.note(text)
    if not acked and body.get("command"):
        ack(response_type="ephemeral", **said)
        return
    submitted = body.get("type") == "view_submission"
    if not acked and submitted and (block_id := _first_input(args.view)):
        ack(response_action="errors", errors={block_id: text})  # the modal says it
        return
    if not acked:
        ack()
    outbox: Outbox | None = args.context.get("outbox")
    if outbox is None:
        return
    user = _user(body)
    event = body.get("event") or {}
    if body.get("response_url"):
        outbox.respond(body["response_url"], said, to=user, response_type="ephemeral",
                       replace_original=False)  # fmt: skip
    elif event.get("channel_type") == "im" and event.get("channel"):
        outbox.post(event["channel"], said)
    elif user:
        outbox.post(user, said)


def _reader_zone(args: Args) -> ZoneInfo | None:
    """The time zone of whoever sent the request, for a time said in plain words (a phone's
    notification, a modal's error); None where there is nobody to ask about."""
    services, user = args.context.get("services"), _user(args.body)
    if services is None or user is None:
        return None
    return time_zone(args.client, services.store, user)


def _slack_retries(args: Args) -> bool:
    """Whether Slack will deliver this request again if it is not acknowledged: events are
    delivered up to four times in all; commands and interactions never again."""
    if args.body.get("type") != "event_callback":
        return False
    retry = (args.request.headers.get("x-slack-retry-num") or ["0"])[0]
    return not retry.isdigit() or int(retry) < MAX_EVENT_RETRIES


@functools.cache
def _argument_names(listener: Callable) -> list[str]:
    # Read once per listener: every app built (each test's, each worker's) guards the same
    # hundred functions, and inspect took a tenth of building one.
    return inspect.getfullargspec(listener).args


def guard(listener: Callable, *, lazy: bool = False) -> Callable:
    """`listener` inside the boundary, with the arguments it names (Bolt's, or the context's)."""
    wanted = _argument_names(listener)

    def guarded(args: Args) -> BoltResponse | None:
        acked = lambda: lazy or args.ack.response is not None  # noqa: E731
        try:
            listener(**{name: _value(args, name) for name in wanted})
        except AlreadyHandled as repeat:
            log.info("ignoring a repeated delivery %s", repeat)
            if not acked():
                args.ack()
        except Refusal as refusal:
            tz = _reader_zone(args) if refusal.at else None
            said = base.refusal(refusal.parts, refusal.by, refusal.at, tz)
            _tell(args, said["text"], acked=acked(), said=said)
        except Exception as error:
            sorry = _logged(error, f"{listener.__name__} failed")
            if not lazy and _slack_retries(args):
                # Its work was rolled back: no acknowledgement, so Slack delivers it again.
                return BoltResponse(status=500, body="")
            _tell(args, sorry, acked=acked())
        return None

    # Bolt names lazy listeners by their function's name.
    guarded.__name__ = listener.__name__
    guarded.__qualname__ = listener.__qualname__
    return guarded


def _logged(error: Exception, what: str) -> str:
    """Log a failure with its traceback under a new reference; the kind line that names it."""
    ref = secrets.token_hex(3)
    log.error("%s (reference %s): %s", what, ref, error, exc_info=error)
    return SORRY.format(ref=ref)


def last_resort(error: Exception, body: dict, context: BoltContext) -> BoltResponse | None:
    """A failure outside every listener (in the way in, such as the database behind its check
    of the delivery key): logged with its traceback and a reference. A slash command, which
    Slack never sends again, gets the kind line as its answer; anything else is answered 500,
    so that Slack sends an event again and tells a clicker it failed. A request the way in
    never took may not be Slack's: it gets no answer of ours."""
    sorry = _logged(error, "request failed outside any listener")
    if not context.get(ARRIVED) or not body.get("command"):
        return None
    said = {"response_type": "ephemeral", **base.note(sorry)}
    return BoltResponse(
        status=200, body=json.dumps(said), headers={"content-type": "application/json"}
    )


class Listeners:
    """The app's listener registration, each listener inside the boundary: `command`, `action`,
    `view` and `event` as on a Bolt App, with a listener, or with `ack=` and `lazy=[...]`."""

    def __init__(self, app: App) -> None:
        self.app = app

    def command(self, name: str | re.Pattern) -> Callable:
        return self._through(self.app.command(name))

    def action(self, constraints: str | re.Pattern | dict) -> Callable:
        return self._through(self.app.action(constraints))

    def view(self, constraints: str | re.Pattern | dict) -> Callable:
        return self._through(self.app.view(constraints))

    def event(self, event: str | re.Pattern | dict) -> Callable:
        return self._through(self.app.event(event))

    @staticmethod
    def _through(register: Callable) -> Callable:
        def listen(
            listener: Callable | None = None,
            *,
            ack: Callable | None = None,
            lazy: list | None = None,
        ) -> None:
            first = listener if listener is not None else ack
            assert first is not None, "a listener, or ack= with lazy="
            register(guard(first), *[guard(f, lazy=True) for f in lazy or []])

        return listen
