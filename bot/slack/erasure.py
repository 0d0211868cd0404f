"""Erasing a customer where Slack still shows them: the messages the bot posted about their
cases (approval cards, redirect packets, reminders, callbacks, what reps were told) are
replaced, through the outbox, by a line that says their data was erased. Only those the outbox
still knows: it forgets a sent message after a week (SENT_MEMORY)."""

from __future__ import annotations

from bot.privacy.service import Erasure, erase
from bot.slack import queries as edge_db
from bot.slack.blocks import privacy as privacy_blocks
from bot.slack.outbox import Outbox


def erase_everywhere(outbox: Outbox, text: str, *, actor: str, reason: str) -> tuple[Erasure, int]:
    """Erase the customer `text` names and queue the updates of the bot's messages about them,
    in one transaction; the erasure, and how many messages will change. Refusal as `erase`."""
    with outbox.store.transaction():
        erasure = erase(outbox.store, text, actor=actor, reason=reason)
        posts = edge_db.posts_naming(outbox.store, erasure.subjects)
        for post in posts:
            outbox.update(post["key"], privacy_blocks.erased_post(), key=f"{post['key']}:erased")
    return erasure, len(posts)
