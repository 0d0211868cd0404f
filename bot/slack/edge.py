"""One way in: what every request goes through once it is verified and before any listener
runs. It names the delivery (so a retry or a double click is recognised), skips one already
handled, and decodes what people typed from Slack's escaping, once, so the core sees the
customer's real words."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from slack_bolt import BoltContext, BoltRequest, BoltResponse

from bot.services import Services
from bot.slack import queries as edge_db
from bot.slack.blocks import delivery as delivery_blocks
from bot.slack.boundary import ARRIVED
from bot.slack.ids import Action
from bot.slack.outbox import Outbox, Sender

# Slack's markup in typed text: <@U123|name>, <#C123|name>, <!here>, <https://x|label>, and
# the three escaped characters. One pattern, one pass: nothing is decoded twice.
MARKUP = re.compile(r"<([^<>]*)>|&(amp|lt|gt);")
ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# Half of a character (an emoji cut in two), which JSON can carry and Python keeps, but which
# no database, file or Slack call takes: each becomes U+FFFD, as a broken byte in a form does.
# Control characters but tab and line breaks (a NUL, a terminal's colour escapes pasted in)
# show as nothing or as boxes and break YAML files and CSV exports: they are dropped.
UNREADABLE = re.compile("([\ud800-\udfff])|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _readable_char(match: re.Match[str]) -> str:
    return "\ufffd" if match.group(1) else ""


def _unescape(text: str) -> str:
    return re.sub(r"&(amp|lt|gt);", lambda m: ENTITIES[m.group(1)], text)


def _readable(inner: str) -> str:
    target, _, label = inner.partition("|")
    label = _unescape(label)
    if target[:1] in ("@", "#"):  # a person or a channel: its name when Slack gave one
        return target[0] + (label.lstrip(target[0]) or target[1:])
    if target.startswith("!"):
        special = target[1:]
        if special.startswith(("date^", "subteam^")):
            return label or "@" + special.split("^")[0]
        return "@" + special  # here, channel, everyone
    url = _unescape(target)
    if url.startswith("mailto:"):
        return label or url.removeprefix("mailto:")
    if label and label not in url:
        return f"{label} ({url})"
    return url


def decode(text: str) -> str:
    """People's words as they typed them, from the form Slack delivers them in."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return _readable(match.group(1))
        return ENTITIES[match.group(2)]

    return MARKUP.sub(replace, text)


def delivery_key(body: dict) -> str | None:
    """What identifies one delivery, so that a retry, a double click or a resubmission is
    recognised: the event's id; a button's message (or view), block, action and value; a
    modal's id, version and what was typed in it; a command's trigger."""
    kind = body.get("type")
    if kind == "event_callback":
        return f"event:{body.get('event_id')}"
    user = (body.get("user") or {}).get("id")
    if kind == "block_actions" and body.get("actions"):
        action = body["actions"][0]
        container = body.get("container") or {}
        view = body.get("view") or {}
        # A view (the Home tab) keeps its id when it is published again; its hash changes.
        where = container.get("message_ts") or f"{view.get('id')}:{view.get('hash')}"
        value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
        return f"action:{user}:{where}:{action.get('block_id')}:{action.get('action_id')}:{value}"
    if kind == "view_submission":
        view = body.get("view") or {}
        state = json.dumps(view.get("state", {}), sort_keys=True).encode()
        typed = hashlib.sha256(state).hexdigest()[:16]
        return f"view:{user}:{view.get('id')}:{view.get('hash')}:{typed}"
    if body.get("command"):
        return f"command:{body.get('trigger_id')}"
    return None


def _mended(value: Any) -> Any:
    """`value` (a request's body, or a part of it) with each lone surrogate in it mended and
    control characters left out (`UNREADABLE`)."""
    if isinstance(value, str):
        return UNREADABLE.sub(_readable_char, value)
    if isinstance(value, dict):
        return {key: _mended(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mended(item) for item in value]
    return value


def _rewrite_raw_body(req: BoltRequest, body: dict) -> None:
    """In HTTP mode Bolt builds lazy listeners' requests from the raw body: a change made to
    `body` here is made to it too, in the form it came in (JSON, a form, a form's payload)."""
    if req.mode != "http":
        return
    if req.raw_body.lstrip().startswith("{"):
        req.raw_body = json.dumps(body)
    elif body.get("command"):
        req.raw_body = urlencode(body)
    else:
        req.raw_body = urlencode({"payload": json.dumps(body)})


def _decode_typed_text(req: BoltRequest, body: dict) -> None:
    """Decode, in place, the text people typed: a command's text and a message event's; and
    mend the halves of characters anything typed may carry."""
    mended = _mended(body)
    changed = mended != body
    body.update(mended)
    if body.get("command") and isinstance(body.get("text"), str):
        body["text"] = decode(body["text"])
        changed = True
    event = body.get("event") or {}
    if event.get("type") == "message" and isinstance(event.get("text"), str):
        event["text"] = decode(event["text"])
        changed = True
    if changed:
        _rewrite_raw_body(req, body)


# Clicks whose listener answers a repeat itself: an export sent once is worth saying so.
REPEATS_ANSWERED = frozenset({Action.CUSTOMER_EXPORT})


def _answers_repeats(body: dict) -> bool:
    """A click whose listener tells a person clicking again what the first click did (its
    work stays done once, by its delivery key); every other repeat is dropped unanswered."""
    actions = body.get("actions") or [{}]
    return body.get("type") == "block_actions" and actions[0].get("action_id") in REPEATS_ANSWERED


# A second press this long after the first is a person asking again, who should hear why
# nothing more happens; one sooner is a double click, answered once by the first. A first press
# that seems later than now was made before the clock was put back (NTP): asked again too.
AGAIN_AFTER = timedelta(seconds=2)


def _say_clicked_before(
    services: Services, sender: Sender, body: dict, key: str, first: datetime
) -> None:
    """A person pressing a button again hears that it was handled the first time, instead of
    silence; the same press delivered twice is said once (its action_ts keys the reply)."""
    if body.get("type") != "block_actions" or not body.get("response_url"):
        return
    action = body["actions"][0]
    label = str((action.get("text") or {}).get("text") or "this button")
    user = (body.get("user") or {}).get("id")
    outbox = Outbox(services.store, sender, f"again:{key}:{action.get('action_ts')}")
    said = delivery_blocks.clicked_before(label, first)
    outbox.respond(body["response_url"], said, to=user, response_type="ephemeral")


def _press(body: dict, key: str | None) -> str | None:
    """What keys the replies to one delivery: its delivery key, and for a button its press
    (action_ts). A press that changed nothing claims no key (a refusal: see approve in
    listeners/actions/cases.py), so the next press of that button comes as new; under the
    button's key alone its answer would count as sent already, and it would get silence."""
    action_ts = (body.get("actions") or [{}])[0].get("action_ts")
    if key is None or body.get("type") != "block_actions" or not action_ts:
        return key
    return f"{key}:{action_ts}"


def way_in(services: Services, sender: Sender) -> Callable:
    """The global middleware: runs for every request Bolt has verified."""

    def arrive(
        req: BoltRequest, body: dict, context: BoltContext, next: Callable
    ) -> BoltResponse | None:
        context[ARRIVED] = True  # verified: a failure from here on may be told (last_resort)
        key = delivery_key(body)
        first = edge_db.delivered_at(services.store, key) if key is not None else None
        seen = first is not None
        if key is not None and first is not None and not _answers_repeats(body):
            if not timedelta(0) <= services.store.clock.now() - first < AGAIN_AFTER:
                _say_clicked_before(services, sender, body, key, first)
            return BoltResponse(status=200, body="")  # done before: a retry or a double click
        _decode_typed_text(req, body)
        context["services"] = services
        context["delivery_key"] = key
        context["delivered_before"] = first  # when a repeat's first delivery came (else None)
        # What a repeat says is its own: under the first delivery's key it would count as sent.
        # It still names that delivery: what a second click on Export data is told is one of
        # the records of staff exporting a customer's data, as an erasure finds them.
        fresh = f"again:{key}:{uuid.uuid4().hex}" if seen else _press(body, key)
        context["outbox"] = Outbox(services.store, sender, fresh or f"request:{uuid.uuid4().hex}")
        next()
        return None

    return arrive
