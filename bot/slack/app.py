"""The Bolt app: one factory that both `repbot run` and `repbot demo` use."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import timedelta
from http.client import HTTPException

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.config import SLACK_API_DEFAULT, WHERE_TO_GET, SettingError, Settings
from bot.services import Services
from bot.slack.boundary import Listeners, last_resort
from bot.slack.edge import way_in
from bot.slack.install import TOKEN_REFUSED, token_accepted
from bot.slack.listeners import register_listeners
from bot.slack.listeners.views.cases import settle_cases_closed_before
from bot.slack.outbox import Outbox, Sender

log = logging.getLogger(__name__)

# How long the start-up check waits for Slack: a URL that swallows packets says so in seconds.
CHECK_TIMEOUT = 10
SLACK_ERROR = re.compile(r"[a-z0-9_]+")  # Slack's error codes; anything else is not Slack
# The check's own client logs nowhere: what went wrong is the one line of its SettingError,
# not that and slack-sdk's error line and traceback besides.
_UNLOGGED = logging.getLogger(f"{__name__}.check")
_UNLOGGED.addHandler(logging.NullHandler())
_UNLOGGED.propagate = False


def configured(client: WebClient, api_url: str) -> WebClient:
    """`client` talking to `api_url` (SLACK_API_URL), retrying what deserves a retry."""
    client.base_url = api_url
    # slack-sdk retries only connection errors by default; rate limits and Slack's own
    # hiccups deserve a retry too (Retry-After is honoured).
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=2))
    return client


def web_client(token: str, api_url: str) -> WebClient:
    return configured(WebClient(token=token), api_url)


def check_slack(token: str, api_url: str, app_token: str = "") -> None:
    """Asks Slack who the bot is (auth.test), and with an app token for Socket Mode whether it
    may connect, and logs who it is; SettingError, in one line that names the setting to fix,
    when Slack cannot be reached at `api_url` (SLACK_API_URL), something else answers there,
    or Slack refuses `token` (SLACK_BOT_TOKEN) or `app_token` (SLACK_APP_TOKEN). Asked once,
    without retries: a command that cannot work says so at once, before it does anything."""
    client = WebClient(
        token=token, base_url=api_url, timeout=CHECK_TIMEOUT, retry_handlers=[], logger=_UNLOGGED
    )
    identity = _asked(api_url, "SLACK_BOT_TOKEN", client.auth_test)
    if app_token:
        # A connection's address, never used: the handler asks for its own when it connects.
        _asked(
            api_url, "SLACK_APP_TOKEN", lambda: client.apps_connections_open(app_token=app_token)
        )
    who, team = identity.get("user"), identity.get("team")
    log.info("Slack at %s knows the bot as @%s in the workspace %s", api_url, who, team)


def token_refused(setting: str, code: object) -> SettingError:
    """The line for a token Slack refuses: which one, and where to get a good one."""
    return SettingError(f"{setting} was refused by Slack ({code}); {WHERE_TO_GET[setting]}")


def _asked(api_url: str, setting: str, call: Callable[[], SlackResponse]) -> SlackResponse:
    """Slack's answer to `call`, a call with the token `setting` names; SettingError else."""
    try:
        return call()
    except (SlackApiError, HTTPException) as error:
        answer = error.response if isinstance(error, SlackApiError) else None
        code = answer.get("error") if answer is not None and isinstance(answer.data, dict) else None
        # Slack answers with 200 and a JSON error code, even for a refused token.
        if answer is None or answer.status_code != 200 or not SLACK_ERROR.fullmatch(str(code)):
            status = f"HTTP {answer.status_code}" if answer is not None else "not HTTP"
            method = answer.api_url.rsplit("/", 1)[-1] if answer is not None else "a call"
            raise SettingError(
                f"SLACK_API_URL {api_url} did not answer like Slack's Web API ({status} to "
                f"{method}); set it to the Web API's base URL, such as {SLACK_API_DEFAULT}"
            ) from None
        if code in TOKEN_REFUSED:
            raise token_refused(setting, code) from None
        # An app-level token made without connections:write (auth.test needs no scope).
        if code == "missing_scope" and setting == "SLACK_APP_TOKEN":
            raise SettingError(
                f"{setting} lacks the scope Socket Mode needs ({code}); {WHERE_TO_GET[setting]}"
            ) from None
        raise SettingError(
            f"Slack at {api_url} (SLACK_API_URL) could not check {setting} ({code}); try again "
            "in a while"
        ) from None
    except OSError as error:  # urllib's URLError, a timeout, a refused connection, DNS
        raise SettingError(
            f"Cannot reach Slack at {api_url} (SLACK_API_URL): {_why(error)}; check the URL or "
            "your network"
        ) from None


def _why(error: OSError) -> str:
    """What the network said, without errno numbers: "Connection refused", "timed out"."""
    reason = getattr(error, "reason", error)  # urllib's URLError wraps the socket's error
    if isinstance(reason, OSError) and reason.strerror:
        return str(reason.strerror)
    return str(reason)


def build_app(
    settings: Settings, services: Services, *, listener_executor: Executor | None = None
) -> tuple[App, Sender]:
    """The app and the sender of its outbox (whose ticker the caller runs), once Slack has
    said who the bot is (check_slack: SettingError when it cannot)."""
    check_slack(settings.slack_bot_token, settings.slack_api_url, settings.slack_app_token)
    token_accepted(services.store)  # a reinstall: what was queued while it was gone goes now
    app = App(
        # The settings are given, all of them: Bolt would otherwise look for the token and the
        # signing secret in the environment itself (and, given a client as well as a token it
        # found there, warn that one is unused). The token makes Bolt's client, which gets
        # SLACK_API_URL below; Bolt's own check of the token would ask slack.com before that,
        # so check_slack has asked instead, and Bolt asks again (auth.test) at the first
        # request of each process, through its clients, which are pointed at SLACK_API_URL.
        token=settings.slack_bot_token,
        token_verification_enabled=False,
        signing_secret=settings.slack_signing_secret,
        # Every listener acknowledges in an ack function that answers in milliseconds and
        # leaves slow work to lazy listeners, so Bolt can answer Slack the moment ack returns
        # (without this, it polls for the ack every 10 ms).
        process_before_response=True,
        request_verification_enabled=not settings.socket_mode,
        listener_executor=listener_executor,
        # Named here: without a name, Bolt names the app after its caller's file, found by
        # inspect.stack(), which reads the source of every frame: 50 ms in a deep stack.
        name="repbot",
    )
    configured(
        app.client, settings.slack_api_url
    )  # Bolt's per-request clients copy its URL and retries

    sender = Sender(
        app.client, services.store, listener_executor,
        leads_channel=lambda: services.roles.channels.get("leads"),
        stale_after=timedelta(seconds=settings.outbox_claim_timeout),
    )  # fmt: skip
    app.use(way_in(services, sender))
    # Before any request or reminder: cases closed before closing settled what was open on
    # them are settled now, once (the sender's ticker sends the updates).
    settle_cases_closed_before(services, Outbox(services.store, sender, "closing"))

    app.error(last_resort)  # listeners have their own boundary; this sees the rest
    register_listeners(Listeners(app))
    return app, sender
