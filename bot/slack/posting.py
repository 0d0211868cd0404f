"""Posting a message where a failure must not undo what was already decided: the failure is
logged, never raised."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import base

log = logging.getLogger(__name__)


def tell(client: WebClient, channel: str, message: base.Message) -> None:
    """Post to a channel, or to a person by their user id (it lands in their DM with the bot);
    a failure is logged, never raised: the decision itself is already recorded."""
    try:
        client.chat_postMessage(channel=channel, **message)
    except SlackApiError as error:
        log.warning("could not post to %s: %s", channel, error.response.get("error"))
