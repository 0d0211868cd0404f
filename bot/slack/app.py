"""The Bolt app: one factory that both `repbot run` and `repbot demo` use."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from datetime import timedelta

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.services import Services
from bot.slack.boundary import Listeners
from bot.slack.edge import way_in
from bot.slack.listeners import register_listeners
from bot.slack.outbox import Sender

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> WebClient:
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    # slack-sdk retries only connection errors by default; rate limits and Slack's own
    # hiccups deserve a retry too (Retry-After is honoured).
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
    return client


def build_app(
    settings: Settings, services: Services, *, listener_executor: Executor | None = None
) -> tuple[App, Sender]:
    """The app and the sender of its outbox (whose ticker the caller runs)."""
    app = App(
        # Every listener acknowledges in an ack function that answers in milliseconds and
        # leaves slow work to lazy listeners, so Bolt can answer Slack the moment ack returns
        # (without this, it polls for the ack every 10 ms).
        process_before_response=True,
        signing_secret=settings.slack_signing_secret or None,
        client=web_client(settings),
        request_verification_enabled=not settings.socket_mode,
        listener_executor=listener_executor,
    )

    sender = Sender(
        app.client, services.store, listener_executor,
        leads_channel=lambda: services.roles.channels.get("leads"),
        stale_after=timedelta(seconds=settings.outbox_claim_timeout),
    )  # fmt: skip
    app.use(way_in(services, sender))

    @app.error
    def last_resort(error: Exception, logger: logging.Logger) -> None:
        # Listeners have their own boundary (boundary.py); this sees only failures outside
        # them. It never answers: the body may not have come from Slack.
        logger.exception("request failed outside any listener: %s", error)

    register_listeners(Listeners(app))
    return app, sender
