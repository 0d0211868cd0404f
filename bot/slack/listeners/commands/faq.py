"""/faq <customer's words>: the answer, "did you mean", or "no good match", only to the rep."""

from slack_bolt import Ack, App

from bot.core.faq import has_words
from bot.slack.blocks import base
from bot.slack.blocks import faq as faq_blocks


def answer(ack: Ack, command: dict, context: dict) -> None:
    # Matching takes milliseconds, so the answer rides on the acknowledgement itself: it
    # reaches the rep in any channel, even one the bot is not a member of.
    text = command.get("text", "").strip()
    if not text:
        ack(
            response_type="ephemeral",
            **base.usage("/faq", "<customer's question>", "where is my box"),
        )
        return
    if not has_words(text):
        ack(response_type="ephemeral", **faq_blocks.faq_no_words())
        return
    asked = context["services"].faq.ask(
        text,
        user_id=command["user_id"],
        channel_id=command.get("channel_id"),
        source="command",
        request_key=command.get("trigger_id"),
    )
    ack(response_type="ephemeral", **faq_blocks.faq_reply(text, asked.query_id, asked.result))


def register(app: App) -> None:
    app.command("/faq")(answer)
