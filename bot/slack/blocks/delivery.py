"""What the leads are told about a message the outbox gave up (bot/slack/outbox.py)."""

from __future__ import annotations

from datetime import datetime

from bot.slack.blocks.base import (
    USER_ID,
    Message,
    Mrkdwn,
    context,
    counted,
    escape,
    mention,
    message,
    section,
    shown_at,
)

# Slack's reasons for refusing a message for good, as a lead would say them.
REASONS = {
    # a deleted channel, or (far likelier on a first day) an id mistyped in the playbooks
    "channel_not_found": (
        "Slack has no channel with that id; check it in playbooks/teams.yaml or roles.yaml"
    ),
    "is_archived": "the conversation is archived",
    "not_in_channel": "repbot is no longer in the channel",
    "user_disabled": "the person's account is deactivated",
    "user_not_found": "the person is not in the workspace",
    "msg_too_long": "the message was too long for Slack",
    "invalid_blocks": "Slack refused the message's layout",
    "message_not_found": "the message to change was deleted",
}


def _recipient(target: str) -> tuple[str, Mrkdwn]:
    """Who the message was for, in plain words and as Slack shows them."""
    if USER_ID.match(target):
        return "a person", mention(target)
    if target[:1] in ("C", "G", "D"):
        return "a channel", Mrkdwn(f"<#{escape(target)}>")
    return "an earlier message", Mrkdwn("an earlier message")  # an update names its message


def undelivered(target: str, tries: int, error: str, key: str) -> Message:
    """A message to `target` given up after `tries` because of `error` (Slack's code, or what
    failed), kept in the outbox under `key`."""
    why = REASONS.get(error, f"it kept failing ({error})")
    plain, shown = _recipient(target)
    text = Mrkdwn("repbot could not deliver a message to ") + shown
    text += f" after {counted(tries, 'attempt')}: {why}."
    return message(
        f"repbot could not deliver a message to {plain}: {why}.",
        [section(text), context(f"It is kept in the outbox as {key}.")],
    )


def clicked_before(label: str, at: datetime) -> Message:
    """What a person hears who presses a button again that was handled already: when it was,
    and that pressing again does nothing twice (not silence, and not the work done again)."""
    text = (
        f"You pressed “{label}” on this message before; it was answered then, and pressing it "
        "again does not do it twice."
    )
    shown = Mrkdwn(f"You pressed “{escape(label)}” on this message before, ") + shown_at(at)
    shown += Mrkdwn("; it was answered then, and pressing it again does not do it twice.")
    return message(text, [section(shown)])
