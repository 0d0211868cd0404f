"""Load and faults against real processes: "nothing acknowledged is lost, nothing is done twice".

The emulator runs in a process of its own; `repbot run` (HTTP, several workers) runs on a fresh
database. Threads send mixed signed requests, each carrying a unique marker that names its
effect in the database; at random moments the bot's whole process tree is killed with SIGKILL
and started again on the same database. Events that got no 2xx are sent again as Slack sends
them (same event_id, X-Slack-Retry-Num 1..3). Once the outbox has drained, the database and the
emulator's record of calls are checked. `scripts/fault_load.py` and tests/test_faults.py run
this.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.cases.service import import_customers
from bot.emulator.client import AppResponse, SignedClient
from bot.emulator.process import BotProcess
from bot.emulator.server import Call, FakeSlack
from bot.emulator.team import TEAM
from bot.shared.db import Store
from bot.slack.outbox import METADATA_EVENT

KINDS = ("faq", "case", "note", "followup", "dm", "click")
WEIGHTS = (4, 2, 2, 2, 3, 1)  # a click rides on a /faq answer of its own
EVENT_RETRIES = 3  # Slack's: a delivery and up to three retries
MARKER = re.compile(r"zq\d{6}")
QUESTIONS = (
    "I got charged twice for the same box",
    "where is my box",
    "how do i change my card details",
    "i forgot my password",
    "can I skip next week's delivery",
    "the courier left my parcel outside",
)
CUSTOMERS = ("Margaret Holloway", "Tom Okafor", "Priya Natarajan", "Gareth Evans")
DRAIN_GRACE = 60.0  # seconds the outbox gets to drain beyond a takeover of a dead claim


# --- the emulator in a process of its own ------------------------------------------------------


class _ServedSlack(FakeSlack):
    def serve(self) -> tuple[str, str]:
        self.start()
        server: Any = self._server
        printing = server.handle_error

        def handle_error(request: Any, address: Any) -> None:
            # A bot killed while its answer was on the way is the point here, not news.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                printing(request, address)

        server.handle_error = handle_error
        return self.token, self.api_url


class _Manager(BaseManager):
    pass


_Manager.register(
    "FakeSlack", _ServedSlack,
    exposed=("serve", "stop", "calls_to", "fail", "heal", "response_url"),
)  # fmt: skip


class RemoteSlack:
    """A FakeSlack in a process of its own, so that the load's threads and the bot's answers do
    not take turns with it on one interpreter lock. Only what the load needs is reachable."""

    def __init__(self) -> None:
        self._manager = _Manager(ctx=get_context("spawn"))
        self._manager.start()
        self._fake: Any = self._manager.FakeSlack()  # type: ignore[attr-defined]
        self.token, self.api_url = self._fake.serve()

    def calls_to(self, method: str) -> list[Call]:
        return self._fake.calls_to(method)

    def response_url(self) -> str:
        return self._fake.response_url()

    def close(self) -> None:
        self._fake.stop()
        self._manager.shutdown()

    def __enter__(self) -> RemoteSlack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the bot, started again on its database after each kill ------------------------------------


@dataclass(frozen=True)
class Setup:
    knowledge_dir: Path
    playbooks_dir: Path
    customers_csv: Path
    workdir: Path  # the database and each start's log go here
    workers: int = 2
    claim_timeout: int = 5  # OUTBOX_CLAIM_TIMEOUT: how soon a dead sender's claim is taken over

    @property
    def db_path(self) -> Path:
        return self.workdir / "repbot.db"


def prepare_database(setup: Setup) -> None:
    """A fresh database with the sample customers imported."""
    store = Store(setup.db_path)
    try:
        import_customers(store, setup.customers_csv)
    finally:
        store.close()


class Bot:
    """The current `repbot run` process; `restart` kills it with SIGKILL and starts another on
    the same database. Senders wait while it is down."""

    def __init__(self, slack: RemoteSlack | FakeSlack, setup: Setup, say: Callable[[str], None]):
        self.slack, self.setup, self.say = slack, setup, say
        self.starts = 0
        self.up = threading.Event()
        self.process = self._start()

    def _start(self) -> BotProcess:
        self.starts += 1
        process = BotProcess(
            self.slack, knowledge_dir=self.setup.knowledge_dir,
            playbooks_dir=self.setup.playbooks_dir, db_path=self.setup.db_path,
            log=self.setup.workdir / f"repbot-{self.starts}.log", workers=self.setup.workers,
            settings={"OUTBOX_CLAIM_TIMEOUT": str(self.setup.claim_timeout)},
        )  # fmt: skip
        self.say(f"repbot run #{self.starts} is up (pid {process.process.pid}, port "
                 f"{process.port}, {self.setup.workers} workers)")  # fmt: skip
        self.up.set()
        return process

    @property
    def client(self) -> SignedClient:
        self.up.wait()
        return self.process.client

    def kill(self) -> SignedClient:
        """Kill the whole process tree; the dead process's client, for a request that must
        find nobody there."""
        self.up.clear()
        dead = self.process
        dead.kill()
        self.say(f"killed repbot run #{self.starts} and its workers with SIGKILL")
        return dead.client

    def start_again(self) -> None:
        self.process = self._start()

    def stop(self) -> None:
        self.up.clear()
        self.process.__exit__()


# --- requests and what they leave behind -------------------------------------------------------


@dataclass
class Request:
    kind: str
    marker: str  # what names its effect: in the stored text, or the request's own key
    statuses: list[int] = field(default_factory=list)  # one per delivery; 0: no answer

    @property
    def answered(self) -> bool:
        return any(200 <= status < 300 for status in self.statuses)

    @property
    def lost_then_retried(self) -> bool:
        """An event whose first delivery got no 2xx and a retry of it did."""
        return self.kind == "dm" and not _ok(self.statuses[0]) and self.answered


def _ok(status: int) -> bool:
    return 200 <= status < 300


def _send(deliver: Callable[[], AppResponse]) -> tuple[int, AppResponse | None]:
    try:
        response = deliver()
    except (OSError, http.client.HTTPException):  # killed mid-request, or nobody listening
        return 0, None
    return response.status, response


@dataclass
class Figures:
    requests: int = 0
    answered: int = 0
    answered_stored: int = 0
    stored_twice: int = 0
    unanswered_stored: int = 0  # done, but the answer was lost with the process: allowed
    events_lost: int = 0  # events whose first delivery got no 2xx
    lost_events_retried: int = 0
    events_never_answered: int = 0
    kills: int = 0
    outbox_sent: int = 0
    outbox_dead: int = 0
    outbox_waiting: int = 0
    keys_delivered_twice: int = 0
    sent_but_missing: int = 0  # outbox messages marked sent that never reached the emulator
    by_kind: Counter = field(default_factory=Counter)

    def problems(self) -> list[str]:
        """Every invariant that failed, in words; empty when all hold."""
        found = []
        if self.answered_stored != self.answered:
            found.append(f"{self.answered - self.answered_stored} answered requests left no effect")
        if self.stored_twice:
            found.append(f"{self.stored_twice} requests took effect more than once")
        if self.events_never_answered:
            found.append(f"{self.events_never_answered} events were never answered 2xx")
        if self.outbox_waiting:
            found.append(f"{self.outbox_waiting} outbox items never drained")
        if self.keys_delivered_twice:
            found.append(f"{self.keys_delivered_twice} outbox keys reached Slack more than once")
        if self.sent_but_missing:
            found.append(f"{self.sent_but_missing} outbox items marked sent never reached Slack")
        return found

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {self.by_kind[kind]}" for kind in KINDS)
        return [
            f"requests sent                          {self.requests} ({kinds})",
            f"answered 2xx                           {self.answered}",
            f"2xx whose effect is stored             {self.answered_stored} (must equal answered)",
            f"effects stored twice                   {self.stored_twice} (must be 0)",
            f"unanswered but stored (answer lost)    {self.unanswered_stored}",
            f"kills (SIGKILL, whole process tree)    {self.kills}",
            f"events lost (no 2xx at first)          {self.events_lost}",
            f"lost events completed by a retry       {self.lost_events_retried}"
            f" (never answered: {self.events_never_answered}, must be 0)",
            f"outbox items sent                      {self.outbox_sent}"
            f" (dead: {self.outbox_dead}, not drained: {self.outbox_waiting})",
            f"outbox keys delivered more than once   {self.keys_delivered_twice} (must be 0)",
            f"outbox items sent but not in Slack     {self.sent_but_missing} (must be 0)",
        ]


class Load:
    """Mixed requests from several threads against `bot`, with `kills` SIGKILLs at random
    moments; `seed` makes the mix and the moments repeatable (the timing never is)."""

    def __init__(
        self, bot: Bot, slack: RemoteSlack, *, requests: int, kills: int, seed: int,
        threads: int = 8,
    ) -> None:  # fmt: skip
        self.bot, self.slack = bot, slack
        self.count, self.kills, self.threads = requests, kills, threads
        self.random = random.Random(seed)
        self.markers = (f"zq{n:06d}" for n in range(1, 10**6))
        self.sent: list[Request] = []
        self._lock = threading.Lock()
        self._done = threading.Condition()
        self._finished = 0
        self.cases: list[int] = []
        self.dms: dict[str, str] = {}

    def marker(self) -> str:
        with self._lock:
            return next(self.markers)

    # --- before the load: the cases that /note writes on, the DMs people write in

    def warm_up(self, db_path: Path) -> None:
        web = WebClient(token=self.slack.token, base_url=self.slack.api_url)
        for person in TEAM:
            self.dms[person.id] = web.conversations_open(users=person.id)["channel"]["id"]
        for name in CUSTOMERS:
            answer = self.bot.client.command("/case", f"{name}, warm-up", user_id=TEAM[0].id)
            assert answer.status == 200, answer.body
        with sqlite3.connect(db_path) as db:
            self.cases = [case_id for (case_id,) in db.execute("SELECT id FROM cases")]

    # --- the load

    def run(self, say: Callable[[str], None]) -> None:
        kinds = self.random.choices(KINDS, WEIGHTS, k=self.count)
        # Kills come after a random share of the requests is done, anywhere in the middle.
        moments = sorted(self.random.uniform(0.1, 0.9) * self.count for _ in range(self.kills))
        seeds = [self.random.random() for _ in kinds]
        say(f"sending {self.count} requests from {self.threads} threads, "
            f"with {self.kills} kills at random moments")  # fmt: skip
        killer = threading.Thread(target=self._kill_at, args=(moments, say), name="killer")
        killer.start()
        with ThreadPoolExecutor(self.threads, thread_name_prefix="load") as pool:
            for kind, seed in zip(kinds, seeds, strict=True):
                pool.submit(self._one, kind, random.Random(seed))
        killer.join()

    def _finished_at_least(self, count: float) -> bool:
        return self._finished >= count

    def _kill_at(self, moments: list[float], say: Callable[[str], None]) -> None:
        for moment in moments:
            with self._done:
                self._done.wait_for(partial(self._finished_at_least, moment))
            time.sleep(self.random.uniform(0, 0.05))  # not right after a request: mid-flight
            dead = self.bot.kill()
            # An event Slack delivers while nothing listens: surely lost, then retried.
            request, event = self._new_event(self.random.choice(TEAM).id, self.random)
            self._deliver(request, event, first=0, client=dead)
            self.bot.start_again()
            self._deliver(request, event, first=1)

    def _one(self, kind: str, rng: random.Random) -> None:
        try:
            person = rng.choice(TEAM).id
            if kind == "faq":
                self._command("faq", "/faq", f"{rng.choice(QUESTIONS)} ref {{}}", person)
            elif kind == "case":
                self._command("case", "/case", f"{rng.choice(CUSTOMERS)}, parcel {{}}", person)
            elif kind == "note":
                self._command("note", "/note", f"C-{rng.choice(self.cases)} called {{}}", person)
            elif kind == "followup":
                self._command("followup", "/followup", "in 2h call back about {}", person)
            elif kind == "dm":
                self._event(person, rng)
            else:
                self._click(person)
        finally:
            with self._done:
                self._finished += 1
                self._done.notify_all()

    def _record(self, request: Request) -> Request:
        with self._lock:
            self.sent.append(request)
        return request

    def _command(self, kind: str, command: str, text: str, person: str) -> AppResponse | None:
        client = self.bot.client
        marker = self.marker()
        if kind == "case":  # a contact is stored by its request: the trigger is the marker
            trigger, text = f"{int(time.time() * 1000)}.{marker}.{marker}", text.format(marker)
        else:
            trigger, text = client.new_trigger_id(), text.format(marker)
        request = self._record(Request(kind, trigger if kind == "case" else marker))
        status, response = _send(
            lambda: client.command(command, text, user_id=person, trigger_id=trigger)
        )
        request.statuses.append(status)
        return response

    def _event(self, person: str, rng: random.Random) -> None:
        self._deliver(*self._new_event(person, rng), first=0)

    def _new_event(self, person: str, rng: random.Random) -> tuple[Request, dict]:
        marker = self.marker()
        event = {"type": "message", "channel_type": "im", "channel": self.dms[person],
                 "user": person, "text": f"{rng.choice(QUESTIONS)} ref {marker}",
                 "ts": f"{time.time():.6f}"}  # fmt: skip
        return self._record(Request("dm", marker)), event

    def _deliver(
        self, request: Request, event: dict, *, first: int, client: SignedClient | None = None
    ) -> None:
        """Deliver `event` (retry `first` first) until a 2xx or Slack's last retry."""
        for retry in range(first, EVENT_RETRIES + 1):
            to = client or self.bot.client
            status, _ = _send(
                partial(
                    to.event,
                    event,
                    event_id=f"Ev{request.marker}",
                    retry_num=retry or None,
                    retry_reason="http_error" if retry else None,
                )
            )
            request.statuses.append(status)
            if _ok(status):
                return

    def _click(self, person: str) -> None:
        """A /faq answer, then a press of one of its buttons (the press names its query)."""
        response = self._command("faq", "/faq", f"{QUESTIONS[0]} ref {{}}", person)
        if response is None or not _ok(response.status) or not response.body:
            return  # no answer, so nothing to press
        buttons = [
            element
            for block in response.json().get("blocks", [])
            for element in block.get("elements", [])
            if element.get("type") == "button" and element["action_id"] != "faq_draft"
        ]
        if not buttons:
            return
        button = buttons[0]
        payload = {
            "type": "block_actions", "user": {"id": person, "team_id": "T0EMULATOR"},
            "trigger_id": self.bot.client.new_trigger_id(),
            "container": {"type": "message", "message_ts": f"{time.time():.6f}",
                          "channel_id": "C0SUPPORT1", "is_ephemeral": True},
            "channel": {"id": "C0SUPPORT1", "name": "support"},
            "response_url": self.slack.response_url(),
            "actions": [{"type": "button", "action_id": button["action_id"],
                         "block_id": "faq_feedback", "value": button["value"],
                         "action_ts": f"{time.time():.6f}"}],
        }  # fmt: skip
        request = self._record(Request("click", button["value"].partition(":")[0]))
        status, _ = _send(lambda: self.bot.client.block_actions(payload))
        request.statuses.append(status)


# --- after the load: drain, then count --------------------------------------------------------


def drain(db_path: Path, timeout: float) -> dict[str, int]:
    """Wait until every outbox item is sent or dead (or `timeout` passes); the count by status."""
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(db_path) as db:
            counts = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
        if set(counts) <= {"sent", "dead"} or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def _effects(db_path: Path) -> dict[str, Counter]:
    """How many times each marker's effect is stored, by kind."""
    with sqlite3.connect(db_path) as db:

        def markers(sql: str) -> Counter:
            return Counter(m for (text,) in db.execute(sql) for m in MARKER.findall(text or ""))

        clicks = Counter(
            str(query_id)
            for (query_id,) in db.execute(
                "SELECT query_id FROM faq_feedback UNION ALL SELECT query_id FROM faq_picks"
            )
        )
        return {
            "faq": markers("SELECT text FROM faq_queries WHERE source = 'command'"),
            "dm": markers("SELECT text FROM faq_queries WHERE source = 'dm'"),
            "case": Counter(key for (key,) in db.execute("SELECT request_key FROM contacts")),
            "note": markers("SELECT text FROM case_notes"),
            "followup": markers("SELECT what FROM followups"),
            "click": clicks,
        }


def count(load: Load, slack: RemoteSlack, db_path: Path, outbox: dict[str, int]) -> Figures:
    figures = Figures(kills=load.kills)
    effects = _effects(db_path)
    for request in load.sent:
        stored = effects[request.kind][request.marker]
        figures.requests += 1
        figures.by_kind[request.kind] += 1
        figures.stored_twice += stored > 1
        if request.answered:
            figures.answered += 1
            figures.answered_stored += stored >= 1
        else:
            figures.unanswered_stored += stored >= 1
        if request.kind == "dm" and not _ok(request.statuses[0]):
            figures.events_lost += 1
            figures.lost_events_retried += request.lost_then_retried
            figures.events_never_answered += not request.answered
    figures.outbox_sent = outbox.get("sent", 0)
    figures.outbox_dead = outbox.get("dead", 0)
    figures.outbox_waiting = sum(outbox.values()) - figures.outbox_sent - figures.outbox_dead
    delivered = delivered_keys(slack.calls_to("chat.postMessage"))
    figures.keys_delivered_twice = sum(1 for n in delivered.values() if n > 1)
    with sqlite3.connect(db_path) as db:
        sent = db.execute(
            "SELECT key FROM outbox WHERE status = 'sent' AND method = 'chat.postMessage'"
        ).fetchall()
    figures.sent_but_missing = sum(1 for (key,) in sent if key not in delivered)
    return figures


def delivered_keys(posts: list[Call]) -> Counter:
    """How many times each outbox key reached Slack, from the metadata of the messages Slack
    took (a refused or rate-limited post did not arrive)."""
    keys: Counter = Counter()
    for call in posts:
        if call.status != 200 or not call.response.get("ok"):
            continue
        metadata = call.body.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        if metadata.get("event_type") == METADATA_EVENT:
            keys.update(metadata.get("event_payload", {}).get("keys", []))
    return keys


def run(
    setup: Setup, *, requests: int, kills: int, seed: int, say: Callable[[str], None] = print
) -> Figures:
    """The whole run: emulator, bot, load with kills, drain, figures."""
    prepare_database(setup)
    say(f"a fresh database with the sample customers: {setup.db_path}")
    with RemoteSlack() as slack:
        say(f"the emulator (FakeSlack) serves {slack.api_url} from a process of its own")
        bot = Bot(slack, setup, say)
        try:
            load = Load(bot, slack, requests=requests, kills=kills, seed=seed)
            load.warm_up(setup.db_path)
            load.run(say)
            say("waiting for the outbox to drain")
            outbox = drain(setup.db_path, setup.claim_timeout + DRAIN_GRACE)
        finally:
            bot.stop()
        return count(load, slack, setup.db_path, outbox)
