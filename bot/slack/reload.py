"""Knowledge and playbook files edited on disk take effect without a restart; a broken edit is
reported to the leads' channel while the bot keeps working from the last good version."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from bot.faq.knowledge import entries_gone_with_files
from bot.services import Services
from bot.shared.content import Problem
from bot.shared.ticker import Ticker
from bot.slack.blocks import base
from bot.slack.blocks import kb as kb_blocks
from bot.slack.outbox import Outbox, Sender

log = logging.getLogger(__name__)

RELOAD_INTERVAL = 2.0  # seconds between looks at the files


def content_reloader(
    sender: Sender, services: Services, interval: float = RELOAD_INTERVAL
) -> Ticker:
    def reload_if_changed() -> None:
        before = services.faq.edition.knowledge
        knowledge = services.faq.reload()
        if knowledge is not None:
            log.info("knowledge files changed: %d entries read", len(knowledge.entries))
            in_service = len(services.faq.entries)
            if knowledge.errors:
                message = kb_blocks.knowledge_reload(knowledge, in_service)
                tell_leads(sender, services, _listed(knowledge.errors), message)
            elif gone := entries_gone_with_files(before, knowledge):
                message = kb_blocks.knowledge_files_gone(gone, in_service)
                tell_leads(sender, services, repr((gone, knowledge.signature)), message)
        problems = services.playbooks.reload()
        if problems is not None:
            log.info("playbooks changed")
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                tell_leads(sender, services, _listed(errors), kb_blocks.playbooks_reload(problems))

    return Ticker("content-reload", interval, reload_if_changed)


def _listed(errors: list[Problem]) -> str:
    return "\n".join(f"{Path(p.file).name}:{p.line}:{p.message}" for p in errors)


def tell_leads(sender: Sender, services: Services, what: str, message: base.Message) -> None:
    """Post `message` about the content files to the leads' channel. With several instances
    each sees the same files: one of them tells the leads (the key is `what` was found)."""
    log.warning("content files: %s", message["text"])
    channel = services.roles.channels.get("leads")
    key = "content-problems:" + hashlib.sha256(what.encode()).hexdigest()
    if channel is not None:
        Outbox(services.store, sender, "content").post(channel, message, key=key, digest="content")
