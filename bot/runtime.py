"""`repbot run`: real Slack, over Socket Mode when an app token is set, otherwise HTTP, served
by WEB_WORKERS processes."""

from __future__ import annotations

import gc
import logging
import os
import socket
import sys
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.cases import audit
from bot.config import (
    SettingError,
    Settings,
    require_content,
    setting_named,
)
from bot.faq.service import learning_ticker
from bot.privacy.retention import run_daily
from bot.services import Services, open_services
from bot.shared.content import ContentError
from bot.shared.english import english_stems
from bot.shared.memory import give_back_free_memory
from bot.shared.ticker import Ticker
from bot.slack.app import build_app, token_refused
from bot.slack.outbox import Sender, forget_old, sender_ticker
from bot.slack.reload import content_reloader
from bot.slack.reminders import reminder_ticker
from bot.slack.server import HttpServer
from bot.slack.weekly import summary_ticker
from bot.workers import Supervisor, listen, stop_on_signals

log = logging.getLogger(__name__)

# Request threads per process. They only acknowledge (slow work goes to the lazy listeners'
# pool), which is CPU work under the interpreter lock: a second thread only made requests take
# turns on it, and a thread that holds the database's write lock wait for the other's matching
# to let go of the interpreter, while the other worker's writers waited for it (bench_faq, 2
# workers, 8 senders, on a busy machine: p50 14 ms and p99 62 to 91 ms with 1 thread each,
# p50 18 to 25 ms and p99 104 to 114 ms with 2; with 8, p99 was about 60 ms on a quiet one).
# The other worker takes what comes while this one is busy.
ACK_THREADS = 1
AUDIT_HEAD_INTERVAL = 60.0  # seconds between looks at how far the audit chain has grown


def run(settings: Settings) -> int:
    require_content("knowledge", settings.knowledge_dir)
    require_content("playbooks", settings.playbooks_dir)
    try:
        with setting_named("DATABASE_PATH"):  # a database it cannot use, named as a setting
            services = open_services(
                settings.knowledge_dir, settings.playbooks_dir, settings.database_path
            )
    except ContentError as error:
        print(f"repbot: not starting, the content has errors:\n{error}", file=sys.stderr)
        return 1
    # HTTP mode: the port, taken before Slack is asked anything, so that a port in use is
    # said in one line (and Socket Mode takes none).
    sock = None if settings.socket_mode else _listen(settings.host, settings.port)
    # Ours, not Bolt's default, so that a stopping worker can wait for the lazy listeners.
    executor = ThreadPoolExecutor(max_workers=5, thread_name_prefix="repbot-listener")
    try:
        app, sender = build_app(settings, services, listener_executor=executor)  # asks Slack
    except SettingError:
        if sock is not None:
            sock.close()
        raise
    audit.publish(audit.head(services.store))  # the log anchors the chain from the start
    entries = len(services.faq.entries)
    if sock is None:
        # One process: Socket Mode needs no port to share, and WEB_WORKERS is for HTTP.
        start_loops(app, sender, services, schedules=True)
        log.info("connecting over Socket Mode with %d FAQ entries", entries)
        try:
            SocketModeHandler(app, settings.slack_app_token).start()
        except SlackApiError as error:  # refused since check_slack asked
            raise token_refused("SLACK_APP_TOKEN", error.response.get("error")) from None
        return 0
    # The port bound, which PORT=0 leaves to the system.
    host, port, secret = settings.host, sock.getsockname()[1], settings.slack_signing_secret
    workers = settings.web_workers
    # Said in full, for a lead who meant Socket Mode and left SLACK_APP_TOKEN empty: then
    # nothing would arrive, and nothing else would say why.
    log.info("serving %d FAQ entries at http://%s:%d/slack/events with %d worker%s (HTTP mode, "
             "as SLACK_APP_TOKEN is empty: Slack must reach this address over HTTPS at the "
             "request URLs of the app's manifest; set SLACK_APP_TOKEN for Socket Mode)",
             entries, host, port, workers, "" if workers == 1 else "s")  # fmt: skip
    if workers == 1:
        return serve_http(app, sender, services, executor, sock, secret, schedules=True)
    # The workers are forked from this process with the content loaded, checked and indexed:
    # one start-up check, one index build, its memory shared copy-on-write (gc.freeze keeps
    # the collector from writing to it; after a reload a worker keeps that first index, but
    # its pages are this process's, so it costs nothing more). No thread runs here yet, and
    # the database connections are closed: each worker opens its own, as SQLite requires.
    services.store.close()
    english_stems()  # read once here, shared by the workers, not by each on its first typo
    give_back_free_memory()
    gc.freeze()
    return Supervisor(
        workers,
        lambda number: serve_http(
            app, sender, services, executor, sock, secret, schedules=number == 0
        ),
    ).run()


def _listen(host: str, port: int) -> socket.socket:
    try:
        return listen(host, port)
    except OSError as error:
        # Without the address that create_server adds (its errors always carry an errno).
        reason = os.strerror(error.errno) if error.errno is not None else str(error)
        raise SettingError(
            f"Cannot listen on HOST {host} PORT {port}: {reason}; set PORT to a free port "
            "(from 1024 unless run as root) and HOST to an address of this machine"
        ) from None


def start_loops(app: App, sender: Sender, services: Services, *, schedules: bool) -> list[Ticker]:
    """The background loops. Every process needs its own content reloader, since each holds
    its own FAQ index and playbooks; the schedules (reminders, the weekly summary, the
    outbox's retries, forgetting old delivery keys, retention) run in one: their work is
    claimed in the database, so more would only repeat the same queries. Every process sends
    what its own requests queue at once (the sender's kick). Each process also learns from
    reps' clicks itself (`learning_ticker`)."""
    loops = [content_reloader(sender, services), learning_ticker(services.faq)]
    if schedules:
        loops += [
            reminder_ticker(app.client, sender, services),
            summary_ticker(sender, services),
            sender_ticker(sender),
            Ticker("audit-head", AUDIT_HEAD_INTERVAL, audit.HeadPublisher(services.store).tick),
            # Slack retries within minutes; the keys that recognise them need not live for ever.
            Ticker("forget-old-deliveries", 3600, lambda: forget_old(services.store)),
            # Once a day, claimed in the database: looked for every hour.
            Ticker("retention", 3600, lambda: _retention(services)),
        ]
    for loop in loops:
        loop.start()
    if schedules:
        # What waited in the outbox while no process was sending (a restart, a crash) goes
        # now, not at the sender's first tick.
        sender.kick()
    return loops


def _retention(services: Services) -> None:
    guide = services.guide
    run_daily(
        services.store, guide.retention, tz=guide.goals.schedule.tz, matcher=services.faq.matcher
    )


def serve_http(
    app: App, sender: Sender, services: Services, executor: ThreadPoolExecutor,
    sock: socket.socket, signing_secret: str, *, schedules: bool,
) -> int:  # fmt: skip
    """Serve `sock` until SIGTERM or SIGINT, then finish the work in hand; the exit code."""
    stop_on_signals()
    # With few threads, acknowledgements waiting their turn for a moment is the design;
    # waitress would log a warning for each one.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    loops = start_loops(app, sender, services, schedules=schedules)
    # A worker forked again after a crash starts from the content as it was at start-up:
    # catch up with the files now rather than at the reloader's first tick.
    loops[0].task()
    server = HttpServer(app, signing_secret, sock=sock, threads=ACK_THREADS)
    try:
        server.serve_forever()  # returns on a stop signal, once the requests in hand are done
    finally:
        executor.shutdown(wait=True)  # lazy listeners still answering
        for loop in loops:
            loop.stop()
        services.store.close()
    return 0
