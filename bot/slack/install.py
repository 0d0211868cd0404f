"""Whether Slack still has the app. After `app_uninstalled`, a `tokens_revoked` naming the
bot, or Slack refusing the bot's token, repbot stops posting: the sender and the reminder and
weekly loops pause and what is queued stays queued (a dead token is never retried). It is
recorded in the database, so every worker and a restart see it, and said once, at WARNING,
with what an administrator can do. It resumes when Slack takes the token at start-up
(`repbot run` after a reinstall with the new SLACK_BOT_TOKEN), or when Slack, asked once a
minute meanwhile, takes it again: a token refused once in a Slack incident must not hold up
every reminder and card until someone restarts the bot."""

from __future__ import annotations

import logging
from datetime import timedelta
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.shared.db import Store
from bot.slack import queries as edge_db

log = logging.getLogger(__name__)

# What Slack answers when the token itself is refused (not the URL, not the network).
TOKEN_REFUSED = {
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "not_allowed_token_type", "team_access_not_granted",
}  # fmt: skip
ASK_AGAIN_AFTER = timedelta(minutes=1)  # between looks at whether Slack takes the token again

ADMIN_HELP = (
    "repbot stopped posting to Slack: %s. Queued messages stay in the outbox and nothing is "
    "retried against the dead token. To hand a customer their data: repbot customers export "
    "CUSTOMER; to delete all data: repbot purge --all --yes (with repbot stopped). To go on: "
    "reinstall the app, set SLACK_BOT_TOKEN to its new token and restart repbot"
)


def stop_posting(store: Store, reason: str) -> None:
    """Slack no longer has the app (`reason` says how we know): pause, and say so once."""
    if edge_db.mark_uninstalled(store, reason):
        log.warning(ADMIN_HELP, reason)


def paused(store: Store) -> bool:
    return edge_db.uninstalled(store) is not None


def token_accepted(store: Store) -> None:
    """Slack took the bot's token (auth.test at start-up): posting resumes if it was paused."""
    if edge_db.clear_uninstalled(store):
        log.info("Slack takes the bot's token again: repbot posts what is queued")


def token_taken_again(store: Store, client: WebClient) -> bool:
    """Whether Slack takes the bot's token now (auth.test), while posting is paused; if so,
    posting resumes."""
    try:
        client.auth_test()
    except (SlackApiError, OSError, HTTPException):
        return False  # refused still, or no answer: asked again later
    token_accepted(store)
    return True
