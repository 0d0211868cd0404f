"""One way out: everything the bot delivers after the acknowledgement (approval cards, DMs,
reminders, redirect packets, callbacks, the weekly post, `response_url` replies) is queued in
the `outbox` table, in the transaction of the change that causes it, and sent by one sender
that retries, keeps to Slack's rates and never sends a message twice.

Each queued item has a key that names the message (`solution:12:card`), so a retried request
queues nothing new. Each message is sent tagged with its key (Slack message metadata), and each
file upload is recorded under the id Slack gives the file before it is shared: an item whose
send was in flight when its process died, or got no answer, is looked for in the recipient's
history by that before it is sent again.

No floods: an item queued with a digest kind is sent together with every other such item due
for the same person or channel, as one message that lists them all (blocks/digest.py) and
names each in its metadata; after a pause, a hundred reminders for one lead are one message.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import os
import socket
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.ticker import Ticker
from bot.slack import install
from bot.slack import queries as edge_db
from bot.slack.blocks import base, delivery
from bot.slack.blocks import digest as digests

log = logging.getLogger(__name__)

METADATA_EVENT = "repbot_outbox"
_STARTED = uuid.uuid4().hex[:8]


def this_instance() -> str:
    """Who holds a claim: the process id is read when asked, since HTTP mode's workers are
    forked after this module is imported."""
    return f"{socket.gethostname()}:{os.getpid()}:{_STARTED}"


SEND_TIMEOUT = 10  # seconds; Slack answers in well under one, a stall is a failure
STALE_AFTER = timedelta(minutes=2)  # a claim this old: its sender died mid-send (a default)
GIVE_UP_AFTER = timedelta(hours=1)  # a reminder or card later than this has lost its point
FIRST_BACKOFF, MAX_BACKOFF = 2.0, 300.0  # seconds, doubling between
# No retry is set further ahead than this (not even for Slack's Retry-After): a time further
# ahead was set by a clock since put back (NTP), and the item is due at once instead of
# waiting for the clock to come round to it again.
LATEST_RETRY = timedelta(minutes=15)
# Slack allows about one message a second to a channel, with short bursts.
CHANNEL_BURST, CHANNEL_RATE = 10, 1.0
# Items due for one person or channel at once go out as one digest message of at most this
# many (past what the message can show, it counts them): each is named in the message's
# metadata, which is how a crashed send is found again.
DIGEST_MAX = 100
HISTORY_PAGE = 200  # messages a page, when a send in flight is looked for in history
SENDER_INTERVAL = 2.0  # seconds between looks for items to retry
SLACK_DOMAINS = (".slack.com", ".slack-gov.com")  # where Slack's response_urls point
# Slack's own errors that no retry will cure; anything else is worth another try.
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                    "request_timeout"}  # fmt: skip


# Whether this thread queued something in the unit of work it is in (see `unit_of_work`).
_queued = threading.local()


class Outbox:
    """What one request (or one scheduled job) delivers; every item gets a key from `prefix`
    unless it has a name of its own, so a repeat of the request queues nothing twice."""

    def __init__(self, store: Store, sender: Sender | None, prefix: str) -> None:
        self.store = store
        self.sender = sender
        self.prefix = prefix
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict) -> Outbox:
        # Bolt deep-copies the context for lazy listeners; their deliveries number on.
        return self

    def _key(self, key: str | None) -> str:
        if key is not None:
            return key
        with self._lock:
            return f"{self.prefix}:{next(self._numbers)}"

    def post(
        self, channel: str, message: base.Message, *, key: str | None = None,
        digest: str | None = None, undelivered: tuple[str, base.Message] | None = None,
    ) -> str:  # fmt: skip
        """A message to a channel, or to a person by user id (their DM with the bot). With
        `digest`, the kind of item it is (a key of `digests.KINDS`: "due", "approval", ...),
        the messages due for the same channel or person at once go out as one, each listed.
        `undelivered` is who is waiting on it and what they are told if it is given up (the
        leads are told in any case, unless it was for them)."""
        key = self._key(key)
        payload = _with_waiting({"message": message}, undelivered)
        self._queue(key, "chat.postMessage", channel, payload, digest)
        return key

    def respond(
        self, response_url: str, message: base.Message, *, to: str | None = None, **options: Any
    ) -> str:
        """A reply through a request's response_url (ephemeral, or replacing the original).
        `to` is the person it is for: a reply of its own (not one replacing a message) that
        the URL no longer takes (Slack lets one live 30 minutes, for 5 replies) reaches them
        in their DM instead."""
        key = self._key(None)
        replaces = options.get("replace_original") or options.get("delete_original")
        waiting = (to, None) if to and not replaces else None  # told the reply itself
        payload = _with_waiting({"message": {**options, **message}}, waiting)
        self._queue(key, "response_url", response_url, payload)
        return key

    def update(self, of_key: str, message: base.Message, *, key: str | None = None) -> str:
        """Replace a message this outbox sent earlier (found by its key) with `message`;
        nothing is queued for one that was given up: it never landed to be changed. The last
        update queued is the one that stays: an earlier one still to be sent (or tried again)
        is then never sent."""
        key = self._key(key)
        original = edge_db.outbox_item(self.store, of_key)
        if original is not None and original["status"] == "dead":
            return key
        self._queue(key, "chat.update", of_key, {"message": message})
        return key

    def upload(self, channel: str, content: bytes, filename: str, title: str, *, key: str) -> str:
        payload = {"content": base64.b64encode(content).decode(), "filename": filename,
                   "title": title}  # fmt: skip
        self._queue(key, "files.upload", channel, payload)
        return key

    def _queue(
        self, key: str, method: str, target: str, payload: dict, digest: str | None = None
    ) -> None:
        edge_db.enqueue(self.store, key, method, target, payload, digest)
        if not self.store.db.conn.in_transaction:
            self.kick()
        else:  # the unit of work kicks once it has committed
            _queued.here = True

    def item(self, key: str) -> dict | None:
        """The queued item `key`, with its status ('pending', 'sending', 'sent', 'dead')."""
        return edge_db.outbox_item(self.store, key)

    def kick(self) -> None:
        if self.sender is not None:
            self.sender.kick()

    @contextmanager
    def unit_of_work(self, delivery_key: str | None) -> Iterator[Outbox]:
        """One transaction for a request's work, the claim of its delivery key and what it
        delivers: a crash before the commit leaves nothing behind, so Slack's retry is free to
        do the work; a repeat after it raises AlreadyHandled and changes nothing. The sender
        is woken only when the work queued something: most /faq answers queue nothing, and
        waking it for nothing cost every request a look at the outbox."""
        outer = getattr(_queued, "here", False)  # a unit of work inside another
        _queued.here = False
        try:
            with self.store.transaction():
                if delivery_key is not None and not edge_db.claim_delivery(
                    self.store, delivery_key
                ):
                    raise AlreadyHandled(delivery_key)
                yield self
        finally:
            queued, _queued.here = _queued.here, outer or _queued.here
        if queued:
            self.kick()


class AlreadyHandled(Exception):
    """This delivery's work was done by an earlier copy of it (a retry or a double click)."""


class _Failure(Exception):
    def __init__(
        self, error: str, *, retry_after: float | None = None, final: bool = False,
        unsure: bool = False, told: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(error)
        self.retry_after = retry_after
        self.final = final
        self.unsure = unsure  # no answer came: Slack may have carried the call out
        # an update of a message given up meanwhile: whoever had to know was told of that one
        self.told = told


def _no_answer(error: Exception) -> _Failure:
    """A call that got no answer (the network, a refused connection, a stall, an answer cut
    off): worth another try, after a look at whether Slack carried it out."""
    return _Failure(f"{type(error).__name__}: {error}", unsure=True)


class _Buckets:
    """Per-channel token buckets on real time: posting speed is real even when the bot's
    clock is moved forward."""

    def __init__(self, burst: int, rate: float) -> None:
        self.burst, self.rate = burst, rate
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _tokens(self, channel: str, now: float) -> float:
        tokens, at = self._state.get(channel, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.rate)

    def ready(self, channel: str) -> bool:
        """Whether `channel` may take another message now."""
        with self._lock:
            return self._tokens(channel, time.monotonic()) >= 1

    def take(self, channel: str) -> None:
        """A message is going to `channel`: one token less."""
        with self._lock:
            now = time.monotonic()
            self._state[channel] = (self._tokens(channel, now) - 1, now)

    def give_back(self, channel: str) -> None:
        """The message `take` was for did not reach `channel`: its token is spent on no post."""
        with self._lock:
            now = time.monotonic()
            self._state[channel] = (min(float(self.burst), self._tokens(channel, now) + 1), now)


class Sender:
    """Sends what the outbox holds. `kick()` after a commit sends at once on `executor`; the
    ticker tries again what failed. Claims in the database make each item go out once across
    threads, processes and instances."""

    def __init__(
        self, client: WebClient, store: Store, executor: Executor | None = None,
        *, leads_channel: Callable[[], str | None] = lambda: None, burst: int = CHANNEL_BURST,
        instance: str | None = None,
        stale_after: timedelta = STALE_AFTER,
    ) -> None:  # fmt: skip
        # A client of its own: no retries inside a call (the outbox retries, without holding
        # a thread) and a timeout that turns a stall into a failure.
        self.client = WebClient(token=client.token, base_url=client.base_url, timeout=SEND_TIMEOUT)
        self.store = store
        self.executor = executor
        self.leads_channel = leads_channel
        self._instance = instance  # a name of its own (tests); else this process's
        self.stale_after = stale_after
        self._buckets = _Buckets(burst, CHANNEL_RATE)
        self._lock = threading.Lock()
        self._scheduled = False
        self._again = False
        self._token_asked: datetime | None = None  # when Slack was last asked, while paused

    @property
    def instance(self) -> str:
        return self._instance or this_instance()  # read late: workers fork after building

    def kick(self) -> None:
        """Send what is due soon, without waiting for the next tick; calls arriving while a
        run is on only ask it to look once more."""
        if self.executor is None:
            self.deliver_due()
            return
        with self._lock:
            if self._scheduled:
                self._again = True
                return
            self._scheduled = True
        self.executor.submit(self._run)

    def _run(self) -> None:
        while True:
            try:
                self.deliver_due()
            except Exception:  # noqa: BLE001  (the ticker tries again; nothing is lost)
                log.exception("the outbox sender failed; the next tick tries again")
            with self._lock:
                if not self._again:
                    self._scheduled = False
                    return
                self._again = False

    def deliver_due(self) -> int:
        """Send everything due that this sender can claim; returns how many messages went.
        Nothing while Slack does not have the app (bot/slack/install.py)."""
        sent = 0
        while not self._paused() and (batch := self._claim_next()) is not None:
            sent += self._deliver(*batch)
        return sent

    def next_try_at(self) -> datetime | None:
        """The first moment after now at which an item is to be tried again, None if none is."""
        now = self.store.clock.now()
        # One later than LATEST_RETRY is due now already (a clock set back): see DUE.
        found = edge_db.next_outbox_try(self.store, iso(now))
        if found is None or found > iso(now + LATEST_RETRY):
            return None
        return datetime.fromisoformat(found)

    def _paused(self) -> bool:
        """Whether Slack does not have the app; while so, it is asked now and then whether it
        takes the token again (install.token_taken_again)."""
        if not install.paused(self.store):
            return False
        now = self.store.clock.now()
        asked = self._token_asked
        # a clock set back since the last look does not hold the next one up
        if asked is not None and timedelta(0) <= now - asked < install.ASK_AGAIN_AFTER:
            return True
        self._token_asked = now
        return not install.token_taken_again(self.store, self.client)

    def _claim_next(self) -> tuple[list[dict], bool] | None:
        now = self.store.clock.now()
        stale, latest = iso(now - self.stale_after), iso(now + LATEST_RETRY)
        rows = edge_db.due_outbox(self.store, iso(now), stale, latest)
        for row in rows:
            posts = row["method"] == "chat.postMessage"
            if posts and not self._buckets.ready(row["target"]):
                continue  # this channel's rate is spent: the next tick tries again
            group = self._digest_group(row, now, stale, latest) if row["digest"] else [row]
            claimed = edge_db.claim_outbox(
                self.store, [r["id"] for r in group], self.instance, iso(now), stale, latest
            )
            group = [r for r in group if r["id"] in claimed]
            if group:
                if posts:  # spent only on what this sender really sends
                    self._buckets.take(row["target"])
                # A claim whose sender died, or a send that got no answer: Slack may have it.
                unknown = any(r["status"] == "sending" or r["unsure"] for r in group)
                return group, unknown
        return None

    def _digest_group(self, first: dict, now: datetime, stale: str, latest: str) -> list[dict]:
        """`first` and every digestible item due with it for the same recipient."""
        rows = edge_db.due_digest(self.store, first["target"], iso(now), stale, latest, DIGEST_MAX)
        return [first, *(row for row in rows if row["id"] != first["id"])][:DIGEST_MAX]

    def _deliver(self, group: list[dict], unknown: bool) -> int:
        now = self.store.clock.now()
        try:
            if unknown:
                # Those Slack has: sent before the sender stopped, or before the answer was
                # lost. The others go now.
                landed, found = self._already_sent(group)
                if found:
                    log.info("outbox %s reached Slack before (found in its history)",
                             sorted(found)[0])  # fmt: skip
                    # Where each landed, so that a later chat.update of it finds it.
                    for message_ts in set(found.values()):
                        sent = [row["id"] for row in group if found.get(row["key"]) == message_ts]
                        edge_db.outbox_done(
                            self.store, sent, self.instance, "sent", iso(now),
                            channel=landed, ts=message_ts,
                        )  # fmt: skip
                    group = [row for row in group if row["key"] not in found]
                    if not group:
                        return 0
            channel, ts = self._send(group)
        except _Failure as failure:
            self._failed(group, failure, now)
            return 0
        except Exception as error:  # noqa: BLE001  (ours, most likely: backed off, given up)
            log.exception("outbox %s could not be sent", group[0]["key"])
            self._failed(group, _Failure(f"{type(error).__name__}: {error}"), now)
            return 0
        ids = [row["id"] for row in group]
        edge_db.outbox_done(
            self.store, ids, self.instance, "sent", iso(now), channel=channel, ts=ts
        )
        return 1

    def _failed(self, group: list[dict], failure: _Failure, now: datetime) -> None:
        """Give up the items no retry will help (all of them for a final error, else those
        older than GIVE_UP_AFTER: a digest's newer items keep their hour), retry the rest.
        A refused token gives up nothing: it pauses the sender, and the items wait for it.
        Nor does a failure that says when to try again (Slack's rate limit): it is no sign of a
        failure that lasts, whatever the items' age (items queued while the app was uninstalled
        are hours old when it is back)."""
        if group[0]["method"] == "chat.postMessage" and not failure.unsure:
            # Slack said no: nothing was posted. Retries of a refusal do not eat up the
            # channel's rate, which real time alone refills (many retries in a moment when
            # the demo's clock moves on).
            self._buckets.give_back(group[0]["target"])
        if str(failure) in install.TOKEN_REFUSED:
            install.stop_posting(self.store, f"Slack refused the bot's token ({failure})")
            ids = [row["id"] for row in group]
            edge_db.outbox_retry(
                self.store, ids, self.instance, str(failure), iso(now), unsure=failure.unsure
            )
            return
        lasting = failure.retry_after is None
        dead = [
            row for row in group
            if failure.final or (lasting and _age(row, now) > GIVE_UP_AFTER)
        ]  # fmt: skip
        if dead:
            first = dead[0]
            log.error("outbox %s (of %d) to %s given up after %d tries: %s", first["key"],
                      len(dead), first["target"], first["attempts"] + 1, failure)  # fmt: skip
            ids = [row["id"] for row in dead]
            edge_db.outbox_done(
                self.store, ids, self.instance, "dead", iso(now), error=str(failure)
            )
            for row in dead if not failure.told else ():  # one notice each, as one digest
                self._tell_waiting(row)
                self._alert_leads(row, str(failure))
        retry = [row for row in group if row not in dead]
        if not retry:
            return
        first = retry[0]
        if failure.retry_after is not None:
            delay = min(failure.retry_after, LATEST_RETRY.total_seconds())
        else:
            delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, first["attempts"] - 1))
        log.warning("outbox %s (of %d) to %s failed (%s); trying again in %.0f s",
                    first["key"], len(retry), first["target"], failure, delay)  # fmt: skip
        ids = [row["id"] for row in retry]
        edge_db.outbox_retry(
            self.store, ids, self.instance, str(failure), iso(now + timedelta(seconds=delay)),
            unsure=failure.unsure,
        )  # fmt: skip

    def _tell_waiting(self, item: dict) -> None:
        """Whoever waits on a message given up is told, when its sender named them."""
        payload = _payload(item)
        waiting = payload.get("undelivered")
        if waiting is not None:
            # what its sender said to tell them, or else the message itself (a reply)
            message = payload["message"]
            notice = waiting.get("message") or {
                k: message[k] for k in ("text", "blocks") if k in message
            }
            outbox = Outbox(self.store, None, "undelivered")
            outbox.post(waiting["to"], notice, key=f"undelivered:{item['key']}:told",
                        digest="undelivered")  # fmt: skip

    def _alert_leads(self, item: dict, error: str) -> None:
        """A message that could not be delivered is the leads' to know about, unless it was
        itself for them (or a reply only its rep would have seen)."""
        leads = self.leads_channel()
        if not leads or item["key"].startswith("undelivered:"):
            return
        if item["target"] == leads or item["method"] == "response_url":
            return
        notice = delivery.undelivered(item["target"], item["attempts"] + 1, error, item["key"])
        outbox = Outbox(self.store, None, "undelivered")
        outbox.post(leads, notice, key=f"undelivered:{item['key']}", digest="undelivered")

    # --- sending ---------------------------------------------------------------------------

    def _send(self, group: list[dict]) -> tuple[str | None, str | None]:
        first = group[0]
        payload = _payload(first)
        method = first["method"]
        try:
            if method == "chat.postMessage":
                message = payload["message"] if len(group) == 1 else _digest(group)
                metadata = {"event_type": METADATA_EVENT,
                            "event_payload": {"keys": [row["key"] for row in group]}}  # fmt: skip
                answer = self.client.chat_postMessage(
                    channel=first["target"], metadata=metadata, **message
                )
                return answer.get("channel"), answer.get("ts")
            if method == "chat.update":
                if edge_db.updated_later(self.store, first["target"], first["id"]):
                    # This one failed and came round again after a later change of the same
                    # message was queued: sent now, it would undo that change.
                    log.info("outbox %s skipped: a later update replaces it", first["key"])
                    return None, None
                channel, ts, item = self._sent_message(first["target"])
                message = payload["message"]
                if item["digest"]:  # it may have gone out in a digest: replace it alone
                    current = self._current(channel, ts)
                    if current is not None and digests.is_digest(current):
                        # only listed there, it is found by what it last said
                        said = edge_db.sent_updates(self.store, first["target"])
                        said.append(_payload(item)["message"])
                        message = digests.replace_item(current, str(item["id"]), message, said)
                self.client.chat_update(channel=channel, ts=ts, **message)
                return channel, ts
            if method == "files.upload":
                return self._upload(first, payload), None
            if method == "response_url":
                self._post_response(first["target"], payload["message"])
                return None, None
        except SlackApiError as error:
            raise _from_slack(error) from error
        except (OSError, HTTPException) as error:
            raise _no_answer(error) from error
        raise _Failure(f"unknown outbox method {method}", final=True)

    def _conversation(self, target: str) -> str:
        """Where a message or file to `target` is: a person's (by user id) is their DM."""
        if target.startswith(("U", "W")):
            return self.client.conversations_open(users=target)["channel"]["id"]
        return target

    def _upload(self, item: dict, payload: dict) -> str:
        """Upload a file and share it (files_upload_v2's three steps), the id Slack gives the
        file recorded before it is shared: after a crash or a lost answer, the upload is found
        in the conversation by it (`_already_sent`) instead of going out twice."""
        channel = self._conversation(item["target"])
        content = base64.b64decode(payload["content"])
        upload = self.client.files_getUploadURLExternal(
            filename=payload["filename"], length=len(content)
        )
        edge_db.outbox_file(self.store, item["id"], self.instance, upload["file_id"])
        request = urllib.request.Request(upload["upload_url"], data=content, method="POST")
        with urllib.request.urlopen(request, timeout=self.client.timeout) as answer:
            answer.read()  # an error status raises (HTTPError): tried again like no answer
        self.client.files_completeUploadExternal(
            files=[{"id": upload["file_id"], "title": payload["title"]}], channel_id=channel
        )
        return channel

    def _post_response(self, url: str, message: dict) -> None:
        if not self._slack_address(url):
            raise _Failure(f"not a Slack response_url: {urlsplit(url).netloc}", final=True)
        answer = WebhookClient(url, timeout=SEND_TIMEOUT).send_dict(message)
        if answer.status_code == 200:
            return
        if answer.status_code == 429:
            raise _Failure("ratelimited", retry_after=_seconds(answer.headers.get("Retry-After")))
        # 404 (used_url, expired_url) or a refused payload: no retry will change that.
        raise _Failure(f"HTTP {answer.status_code}: {answer.body}", final=answer.status_code < 500)

    def _slack_address(self, url: str) -> bool:
        """A second line behind the signature check: replies go only to Slack's own hosts,
        or to the host of the Web API the bot is set to use (the emulator, a proxy)."""
        parts, api = urlsplit(url), urlsplit(self.client.base_url)
        host = parts.hostname or ""
        if parts.scheme == "https" and (host == "slack.com" or host.endswith(SLACK_DOMAINS)):
            return True
        return (parts.scheme, parts.netloc) == (api.scheme, api.netloc)

    def _sent_message(self, key: str) -> tuple[str, str, dict]:
        """Where the message queued as `key` landed, and its item; it must be sent before it
        can change."""
        item = edge_db.outbox_item(self.store, key)
        if item is None or item["status"] == "dead":
            # given up (and said so) when it is there; not there: never queued, a bug
            raise _Failure(f"the message {key} was never delivered", final=True,
                           told=item is not None)  # fmt: skip
        if item["status"] != "sent" or not item["sent_ts"]:
            # Backed off and given up like any failure: its message may be held up for long.
            raise _Failure(f"the message {key} is not sent yet")
        return item["sent_channel"], item["sent_ts"], item

    def _current(self, channel: str, ts: str) -> base.Message | None:
        """The message at `ts` as Slack holds it now (a digest's other items may have changed
        since it was sent)."""
        history = self.client.conversations_history(
            channel=channel, oldest=ts, latest=ts, inclusive=True, limit=1
        )
        messages: list[dict[str, Any]] = history.get("messages", [])
        return messages[0] if messages and messages[0].get("ts") == ts else None

    def _already_sent(self, group: list[dict]) -> tuple[str | None, dict[str, str]]:
        """The keys of `group` that reached Slack in a send that was in flight when its sender
        died or that got no answer, each with the ts of the message it is in, and the channel
        of those messages: they are in the metadata of the recipient's recent messages (a
        file: the message that shares it). A digest sent then may have held fewer items than
        this group (some came due since) or others."""
        first = group[0]
        keys = {row["key"] for row in group}
        landed: Callable[[dict], set[str]]  # the keys of `group` a message of the history holds
        if first["method"] == "chat.postMessage":
            landed = _keys_in_metadata
        elif first["method"] == "files.upload" and first["file_id"]:
            landed = _file_shared(first["file_id"], first["key"])
        else:  # a response_url reply cannot be looked up (sent again at worst); an upload
            return None, {}  # without a file id never reached the step that shares it
        oldest = min(datetime.fromisoformat(row["created_at"]) for row in group).timestamp() - 60
        found: dict[str, str] = {}
        try:
            channel = self._conversation(first["target"])
            history = self.client.conversations_history(
                channel=channel, oldest=str(oldest), limit=HISTORY_PAGE, include_all_metadata=True
            )
            for page in history:  # slack_sdk turns the pages of a busy channel
                for message in page.get("messages", []):
                    for key in keys & landed(message):
                        found[key] = message["ts"]
                if found.keys() == keys:
                    break
        except SlackApiError as error:
            raise _from_slack(error) from error
        except (OSError, HTTPException) as error:
            raise _no_answer(error) from error
        return channel, found


def _keys_in_metadata(message: dict) -> set[str]:
    """The outbox keys a message this sender posted names in its metadata."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return set()
    return set(metadata.get("event_payload", {}).get("keys", []))


def _file_shared(file_id: str, key: str) -> Callable[[dict], set[str]]:
    """`key`, for the message that shares the file `file_id`."""

    def landed(message: dict) -> set[str]:
        return {key} if any(f.get("id") == file_id for f in message.get("files", [])) else set()

    return landed


def _with_waiting(payload: dict, undelivered: tuple[str, base.Message | None] | None) -> dict:
    """An item's payload, with who waits on it and what they are told if it is given up (None:
    the message itself, which is kept once)."""
    if undelivered is None:
        return payload
    to, notice = undelivered
    return {
        **payload,
        "undelivered": {"to": to} if notice is None else {"to": to, "message": notice},
    }


def _age(row: dict, now: datetime) -> timedelta:
    return now - datetime.fromisoformat(row["created_at"])


def _payload(row: dict) -> dict:
    return json.loads(row["payload"])


def _from_slack(error: SlackApiError) -> _Failure:
    status = error.response.status_code
    code = error.response.get("error") or f"HTTP {status}"
    if status == 429:
        return _Failure(code, retry_after=_seconds(error.response.headers.get("Retry-After")))
    return _Failure(code, final=status < 500 and code not in TRANSIENT_ERRORS)


def _seconds(header: Any) -> float:
    """A Retry-After header's seconds, however the HTTP client handed it over."""
    value = header[0] if isinstance(header, list) and header else header
    try:
        return max(1.0, float(value))
    except (TypeError, ValueError):
        return 1.0


def _digest(group: list[dict]) -> base.Message:
    """Several messages due for one person or channel at once, as one, each item tagged with
    its outbox id (so a click or an update can replace it alone)."""
    items = [digests.Item(row["digest"], str(row["id"]), _payload(row)["message"]) for row in group]
    return digests.digest(items)


def forget_old(store: Store) -> None:
    """Delivery keys, sent items and modal reply pointers that can no longer matter."""
    edge_db.forget_old_deliveries(store)


def sender_ticker(sender: Sender, interval: float = SENDER_INTERVAL) -> Ticker:
    # Through kick, so the sending runs where the listeners' does (and one run at a time).
    return Ticker("outbox", interval, sender.kick)
