"""`repbot run`: real Slack, over Socket Mode when an app token is set, otherwise HTTP."""

from __future__ import annotations

import logging
import sys

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.core.content import ContentError
from bot.core.ticker import Ticker
from bot.services import open_services
from bot.slack.app import build_app
from bot.slack.reload import content_reloader
from bot.slack.reminders import reminder_ticker
from bot.slack.server import HttpServer
from bot.slack.weekly import summary_ticker

log = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    try:
        services = open_services(
            settings.knowledge_dir, settings.playbooks_dir, settings.database_path
        )
    except ContentError as error:
        print(f"repbot: not starting, the content has errors:\n{error}", file=sys.stderr)
        return 1
    try:
        app = build_app(settings, services)  # checks the token with auth.test
    except BoltError as error:
        print(f"repbot: not starting, Slack refused the bot token: {error}", file=sys.stderr)
        return 1
    content_reloader(app.client, services).start()
    reminder_ticker(app.client, services).start()
    summary_ticker(app.client, services).start()
    # Slack retries within minutes; the keys that recognise them need not live for ever.
    Ticker("forget-old-deliveries", 3600, services.store.forget_old_deliveries).start()
    entries = len(services.faq.entries)
    if settings.socket_mode:
        log.info("connecting over Socket Mode with %d FAQ entries", entries)
        try:
            SocketModeHandler(app, settings.slack_app_token).start()
        except SlackApiError as error:
            reason = error.response.get("error")
            print(
                f"repbot: Slack refused the app-level token SLACK_APP_TOKEN: {reason}",
                file=sys.stderr,
            )
            return 1
    else:
        server = HttpServer(app, host="0.0.0.0", port=settings.port)
        log.info("serving %d FAQ entries at http://0.0.0.0:%d/slack/events", entries, server.port)
        server.serve_forever()
    return 0
