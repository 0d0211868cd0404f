"""The Bolt app: one factory that both `repbot run` and `repbot demo` use."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.listeners import register_listeners

log = logging.getLogger(__name__)


def web_client(settings: Settings) -> WebClient:
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    # slack-sdk retries only connection errors by default; rate limits and Slack's own
    # hiccups deserve a retry too (Retry-After is honoured).
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
    return client


def delivery_key(body: dict) -> str | None:
    """What identifies one delivery, so that a retry or a repeat is recognised."""
    kind = body.get("type")
    if kind == "event_callback":
        return f"event:{body.get('event_id')}"
    if kind == "block_actions" and body.get("actions"):
        action = body["actions"][0]
        return f"action:{body.get('user', {}).get('id')}:{action.get('action_ts')}"
    if kind == "view_submission":
        return f"view:{body.get('trigger_id')}"
    if body.get("command"):
        return f"command:{body.get('trigger_id')}"
    return None


def build_app(
    settings: Settings, services: Services, *, listener_executor: Executor | None = None
) -> App:
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

    @app.use
    def provide_services(context: dict, next) -> None:
        context["services"] = services
        next()

    @app.use
    def skip_redeliveries(body: dict, next) -> BoltResponse | None:
        key = delivery_key(body)
        if key is not None and not services.store.claim_delivery(key):
            log.info("ignoring a repeated delivery %s", key)
            return BoltResponse(status=200, body="")
        next()
        return None

    @app.error
    def tell_the_rep(error: Exception, body: dict, respond, logger: logging.Logger) -> None:
        logger.exception("listener failed: %s", error)
        if body.get("response_url"):
            respond(
                replace_original=False,
                **base.note("Sorry, something went wrong on our side. Please try again."),
            )

    register_listeners(app)
    return app
