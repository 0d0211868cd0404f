"""Knowledge and playbook files edited on disk take effect without a restart; a broken edit is
reported to the leads' channel while the bot keeps working from the last good version."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

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
        knowledge = services.faq.reload()
        if knowledge is not None:
            log.info("knowledge files changed: %d entries read", len(knowledge.entries))
            if knowledge.errors:
                message = kb_blocks.knowledge_reload(knowledge, len(services.faq.entries))
                tell_leads(sender, services, knowledge.errors, message)
        problems = services.playbooks.reload()
        if problems is not None:
            log.info("playbooks changed")
            errors = [p for p in problems if p.severity == "error"]
            if errors:
                tell_leads(sender, services, errors, kb_blocks.playbooks_reload(problems))

    return Ticker("content-reload", interval, reload_if_changed)


def tell_leads(
    sender: Sender, services: Services, errors: list[Problem], message: base.Message
) -> None:
    log.warning("content files have errors; still serving the last good version")
    channel = services.roles.channels.get("leads")
    # With several instances each sees the same broken files: one of them tells the leads.
    problems = "\n".join(f"{Path(p.file).name}:{p.line}:{p.message}" for p in errors)
    key = "content-problems:" + hashlib.sha256(problems.encode()).hexdigest()
    if channel is not None:
        Outbox(services.store, sender, "content").post(channel, message, key=key, digest="content")
