"""`repbot demo`: the emulator and the real bot in one process, driven from the terminal.

`LocalSlack` is also what the end-to-end tests run against: the same app, over real HTTP,
with real request signatures.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from bot.cases.service import import_customers
from bot.config import Settings
from bot.emulator.client import SignedClient
from bot.emulator.script import DemoScript
from bot.emulator.server import FakeSlack
from bot.emulator.team import CHANNELS, SUPPORT, TEAM, Member, member
from bot.emulator.workspace import Reply, Workspace
from bot.faq.knowledge import Entry
from bot.faq.service import learning_ticker
from bot.guide import Guide
from bot.reporting.weekly import due_at
from bot.reporting.weeks import iso_week
from bot.services import Services, open_services
from bot.shared.clock import Clock
from bot.shared.content import ContentError
from bot.slack.app import build_app
from bot.slack.ids import Command
from bot.slack.outbox import sender_ticker
from bot.slack.reload import RELOAD_INTERVAL, content_reloader
from bot.slack.reminders import next_due, queue_due_reminders, reminder_ticker
from bot.slack.server import EVENTS_PATH, HttpServer, slack_wsgi
from bot.slack.weekly import next_post_at, passed_over, post_if_due, summary_ticker

SAMPLE_CUSTOMERS = Path("data/sample_customers.csv")
OUTBOX_INTERVAL = 0.5  # seconds: a retry after a rate limit shows without a long pause
PROMPT_HELP = (
    "Lines: /faq {example} | dm {example} | as lee (the team lead) | "
    'click 1 | click "Helpful" | fill "Field" value | submit | cancel | wait 2h | home | '
    "# comment | help (what each does) | quit (or Ctrl-D) to leave"
)
EXTRA_HELP = (
    ("wait 2h", "time passes for the bot (30m, 1d, 2 hours, 1w at most): reminders, alerts go out"),
    ("home", "open the bot's Home tab as the current user"),
)


class TrackedExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting work in flight, so the demo can wait for the bot to
    finish answering before it prints the reply."""

    def __init__(self, max_workers: int = 5) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="repbot-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


class LocalSlack:
    """The fake Slack, the bot, and a workspace to talk to it. The bot serves HTTP on
    127.0.0.1 (as `repbot demo` runs it), or with `over_http=False` takes each signed request
    in this process, through the same checks and Bolt, without a socket (as most tests do)."""

    def __init__(
        self,
        knowledge_dir: Path,
        playbooks_dir: Path,
        db_path: Path,
        clock: Clock | None = None,
        reload_interval: float = RELOAD_INTERVAL,
        *,
        over_http: bool = True,
    ) -> None:
        self.clock = clock or Clock()
        self.services: Services = open_services(knowledge_dir, playbooks_dir, db_path, self.clock)
        channels = demo_channels(self.services.guide)
        self.fake = FakeSlack(clock=lambda: self.clock.now().timestamp(), channels=channels).start()
        signing_secret = secrets.token_hex(16)
        self.settings = Settings(
            slack_bot_token=self.fake.token,
            slack_signing_secret=signing_secret,
            slack_app_token="",
            slack_api_url=self.fake.api_url,
            port=0,
            database_path=db_path,
            knowledge_dir=knowledge_dir,
            playbooks_dir=playbooks_dir,
        )
        self.executor = TrackedExecutor()
        self.app, self.sender = build_app(
            self.settings, self.services, listener_executor=self.executor
        )
        self.server: HttpServer | None = None
        if over_http:
            self.server = HttpServer(self.app, signing_secret).start()
            self.client = SignedClient(self.server.url, signing_secret, channels=channels)
        else:
            wsgi = slack_wsgi(self.app, signing_secret)
            self.client = SignedClient(EVENTS_PATH, signing_secret, wsgi=wsgi, channels=channels)
        self.workspace = Workspace(self.fake, self.client, settle=self.settle)
        self.reloader = content_reloader(self.sender, self.services, reload_interval).start()
        self.reminders = reminder_ticker(self.app.client, self.sender, self.services).start()
        self.weekly = summary_ticker(self.sender, self.services).start()
        self.outbox = sender_ticker(self.sender, OUTBOX_INTERVAL).start()
        self.learning = learning_ticker(self.services.faq).start()

    def wait(self, delta: timedelta) -> int:
        """Move the bot's clock forward by `delta` and send what came due, as a running bot
        would have: the clock stops at each moment something falls due on the way (a
        reminder, an overdue alert, a redirect nobody took, a nudge, the weekly summary, an
        outbox retry), and what is due then is queued and sent before it goes on. Returns how
        many reminders came due."""
        moved, queued = timedelta(0), 0
        while True:
            now = self.clock.now()
            step = self._next_due(now)
            if step is None or moved + (step - now) >= delta:
                break
            self.clock.advance(step - now)
            moved += step - now
            queued += self._tick()
        self.clock.advance(delta - moved)
        return queued + self._tick()

    def _next_due(self, now: datetime) -> datetime | None:
        """The first moment after `now` at which one of the bot's tickers finds work."""
        moments = (
            next_due(self.app.client, self.services, now),
            next_post_at(self.services, now),
            self.sender.next_try_at(),
        )
        return min((moment for moment in moments if moment is not None), default=None)

    def _tick(self) -> int:
        """What the reminder, summary, outbox and learning tickers do at this moment."""
        self.services.faq.learn()
        queued = queue_due_reminders(self.app.client, self.sender, self.services)
        post_if_due(self.sender, self.services)
        self.settle()
        return queued

    def settle(self) -> None:
        """Let the bot finish: the listeners in flight, then everything due in the outbox."""
        self.executor.wait_idle()
        self.sender.deliver_due()
        self.executor.wait_idle()

    def post_weekly_summary(self) -> None:
        """The weekly summary goes out as scheduled: the clock moves past this week's posting
        time if that is still ahead, or past next week's if this week's passed its week over
        (a new install's first, with nothing in it)."""
        schedule = self.services.guide.goals.schedule
        now = self.clock.now()
        due = due_at(schedule, now)
        if now >= due:
            posted = post_if_due(self.sender, self.services)
            self.settle()
            label = iso_week(None, now=now, tz=schedule.tz)[2]
            if posted or not passed_over(self.services.store, label):
                return
            due += timedelta(days=7)
        self.wait(due - now + timedelta(minutes=1))

    def open_home(self, user: Member) -> list[Reply]:
        """What Slack does when a person opens the bot's Home tab."""
        event = {"type": "app_home_opened", "user": user.id, "channel": "D0HOME", "tab": "home"}
        self.client.event(event)
        self.executor.wait_idle()
        return self.workspace.look(user)

    def close(self) -> None:
        self.learning.stop()
        self.outbox.stop()
        self.weekly.stop()
        self.reminders.stop()
        self.reloader.stop()
        if self.server is not None:
            self.server.stop()
        self.executor.shutdown(wait=True)
        self.fake.stop()
        self.services.store.close()

    def __enter__(self) -> LocalSlack:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def demo_channels(guide: Guide) -> dict[str, str]:
    """The local Slack's channels, id -> name: #support, where the reps type, and every channel
    the playbooks post to. A team's or role's own channel id (teams.yaml, roles.yaml, as a new
    customer writes them) is a channel too, named after its team or use, so that a demo of
    one's own playbooks delivers there instead of to a channel Slack has never heard of."""
    named = {team.channel: team.id for team in guide.teams.values()}
    named |= {cid: f"support-{use}" for use, cid in guide.roles.channels.items()}
    channels = {cid: CHANNELS[cid] for cid in (SUPPORT, *named) if cid in CHANNELS}
    for cid, name in named.items():
        if cid not in channels:
            channels[cid] = name if name not in channels.values() else cid.lower()
    return channels


def run_demo(
    knowledge_dir: Path,
    playbooks_dir: Path,
    db_path: Path | None = None,
    script: Path | None = None,
    start: datetime | None = None,
    notifications: bool = False,
) -> int:
    lines = None
    if script is not None:  # read first: a wrong name is said before the demo starts
        try:
            lines = script.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            print(f"repbot: cannot read the script {script}: {error.strerror}", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="repbot-demo-") as scratch:
        # What leads add in the demo goes to a copy: a demo never changes the real FAQ.
        knowledge_copy = Path(scratch) / "knowledge"
        shutil.copytree(knowledge_dir, knowledge_copy)
        try:
            local = LocalSlack(
                knowledge_copy, playbooks_dir, db_path or Path(scratch) / "demo.db",
                clock=Clock(start=start),
            )  # fmt: skip
        except ContentError as error:
            # Named in the lead's own folder, not in the copy the demo works on.
            said = str(error).replace(str(knowledge_copy), str(knowledge_dir))
            print(f"repbot: not starting, the content has errors:\n{said}", file=sys.stderr)
            return 1
        with local:
            if SAMPLE_CUSTOMERS.is_file():  # customers of many years and brand-new ones
                import_customers(local.services.store, SAMPLE_CUSTOMERS)
            at_terminal = script is None and sys.stdin.isatty()
            demo = DemoScript(
                local.workspace,
                TEAM,
                sys.stdout,
                echo=not at_terminal,
                extra_help=EXTRA_HELP,
                commands=tuple(Command),  # those of manifest.yaml (tests/test_manifest.py)
                notifications=notifications,
            )
            demo.extra_commands["wait"] = lambda text: _wait(local, demo, text)
            demo.extra_commands["home"] = lambda _: _home(local, demo)
            if lines is not None:
                demo.run_lines(lines)
                return 0
            return _prompt(demo, list(local.services.faq.entries.values()), at_terminal)


# `wait 30m`, `wait 2h`, `wait 1d`, `wait 1w`, or in words: `wait 2 hours`, `wait 30 mins`,
# `wait 1 day`, `wait 1 week`
DURATION = re.compile(r"^(\d+)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}  # by the unit's first letter
# A week at a time: what the bot sent meanwhile, shown after the wait, stays readable.
LONGEST_WAIT = timedelta(days=7)


def _wait(local: LocalSlack, demo: DemoScript, text: str) -> None:
    """`wait 2h`: time passes for the bot; show what it sent meanwhile, to everyone."""
    found = DURATION.match(text.strip().lower())
    if found is None:
        print("    ? wait how long? For example: wait 30m, wait 2h, wait 1d, wait 1w")
        return
    delta = timedelta(**{UNITS[found.group(2)[0]]: int(found.group(1))})
    if delta > LONGEST_WAIT:
        days = LONGEST_WAIT.days
        print(
            f"    ? the demo waits up to {days} days at a time (wait {days}d, or wait 1w), so what "
            "the bot sent meanwhile fits on a screen; type wait again to go on from there"
        )
        return
    local.wait(delta)
    sent = local.workspace.look_everyone()
    if not sent:
        print(f"    ({found.group(1)} {found.group(2)} passed; the bot sent nothing meanwhile)")
    for reply in sent:
        if reply.user:
            print(f"    to {member(reply.user).name}:")
        demo.show([reply])


def _home(local: LocalSlack, demo: DemoScript) -> None:
    """`home`: the Home tab is on screen now; a bare `click` presses its buttons."""
    demo.place = "home"
    demo.show(local.open_home(demo.user))


def _prompt(demo: DemoScript, entries: list[Entry], at_terminal: bool) -> int:
    print(
        f"repbot demo: the bot in a local Slack of its own with a sample team and {len(entries)} "
        "FAQ entries; nothing reaches a real Slack."
    )
    # A question this FAQ answers, whoever's business it is (--knowledge): the first entry's
    # first way of asking it in a customer's words, else its question.
    example = "<the customer's words>"
    if entries:
        example = (*entries[0].variants, entries[0].question)[0]
    who, where = demo.user, demo.workspace.channel_label(demo.channel)
    print(f"You are {who.real_name} ({who.name}, a {who.role}) in {where}. Try: /faq {example}")
    print(PROMPT_HELP.format(example=example))
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history at the prompt)
    while True:
        try:
            line = input(f"{demo.user.name}> " if at_terminal else "")
        except EOFError:
            print()
            return 0
        demo.run_line(line)
        if demo.finished:
            return 0
