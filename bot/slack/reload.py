"""Knowledge files edited on disk take effect without a restart; a broken edit is reported to
the leads' channel while the FAQ keeps answering from the last good version."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.ticker import Ticker
from bot.services import Services
from bot.slack.blocks import kb as kb_blocks

log = logging.getLogger(__name__)

RELOAD_INTERVAL = 2.0  # seconds between looks at the knowledge files


def knowledge_reloader(
    client: WebClient, services: Services, interval: float = RELOAD_INTERVAL
) -> Ticker:
    def reload_if_changed() -> None:
        knowledge = services.faq.reload()
        if knowledge is None:
            return
        if not knowledge.errors:
            log.info("FAQ reloaded: %d entries", len(knowledge.entries))
            return
        log.warning("knowledge files have errors; still serving the last good version")
        channel = services.roles.channels.get("leads")
        if channel is None:
            return
        message = kb_blocks.reload_refused(knowledge.errors, len(services.faq.entries))
        try:
            client.chat_postMessage(channel=channel, **message)
        except SlackApiError as error:
            log.warning("could not tell the leads: %s", error.response.get("error"))

    return Ticker("knowledge-reload", interval, reload_if_changed)
