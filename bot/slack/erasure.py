"""Erasing a customer where Slack still shows them: the messages the bot posted about their
cases (approval cards, redirect packets, reminders, callbacks, what reps were told) are
replaced, through the outbox, by a line that names them as they are called from then on and
says their data was erased. Only those the outbox still knows: it forgets a sent message after
a week (SENT_MEMORY), and nothing else in the database says where the bot posted (a message's
channel and ts are kept only there). Cases of theirs opened before that may have older messages
that no one can replace from here: the erasure names them, for whoever ran it to delete them
in Slack."""

from __future__ import annotations

from bot.privacy.service import Erasure, erase
from bot.shared.clock import iso
from bot.slack import queries as edge_db
from bot.slack.blocks import privacy as privacy_blocks
from bot.slack.blocks.privacy import SlackCopies
from bot.slack.outbox import Outbox


def erase_everywhere(
    outbox: Outbox, text: str, *, actor: str, reason: str
) -> tuple[Erasure, SlackCopies]:
    """Erase the customer `text` names and queue the updates of the bot's messages about them,
    in one transaction; the erasure, and what it could and could not change in Slack. Refusal
    as `erase`."""
    with outbox.store.transaction():
        erasure = erase(
            outbox.store, text, actor=actor, reason=reason, handling=edge_db.DATA_REQUESTS
        )
        posts = edge_db.posts_naming(outbox.store, erasure.subjects)
        erased = privacy_blocks.erased_post(erasure.name)
        for post in posts:
            outbox.update(post["key"], erased, key=f"{post['key']}:erased")
    since = outbox.store.clock.now() - edge_db.SENT_MEMORY
    older = [case for case, opened in erasure.opened.items() if opened < iso(since)]
    return erasure, SlackCopies(len(posts), older, since)
