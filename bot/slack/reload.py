"""Knowledge files edited on disk take effect without a restart; a broken edit is reported to
the leads' channel while the FAQ keeps answering from the last good version."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

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
        # With several instances each sees the same broken files: one of them tells the leads.
        problems = "\n".join(f"{Path(p.file).name}:{p.line}:{p.message}" for p in knowledge.errors)
        claim = "knowledge-problems:" + hashlib.sha256(problems.encode()).hexdigest()
        if channel is None or not services.store.claim_delivery(claim):
            return
        message = kb_blocks.reload_refused(knowledge.errors, len(services.faq.entries))
        try:
            client.chat_postMessage(channel=channel, **message)
        except SlackApiError as error:
            log.warning("could not tell the leads: %s", error.response.get("error"))

    return Ticker("knowledge-reload", interval, reload_if_changed)
