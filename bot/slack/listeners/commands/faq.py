"""/faq <customer's words>: the answer, "did you mean", or "no good match", only to the rep."""

from slack_bolt import Ack

from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import faq as faq_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Command
from bot.slack.outbox import Outbox


def answer(ack: Ack, command: dict, services: Services, outbox: Outbox, delivery_key: str) -> None:
    # Matching takes milliseconds, so the answer rides on the acknowledgement itself: it
    # reaches the rep in any channel, even one the bot is not a member of.
    text = command.get("text", "").strip()
    if not text:
        ack(
            response_type="ephemeral",
            **base.usage(Command.FAQ, "<customer's question>", "where is my box"),
        )
        return
    result = services.faq.match(text)  # before the transaction: matching holds no lock
    if not result.names_a_need:
        ack(response_type="ephemeral", **faq_blocks.faq_no_words())
        return
    with outbox.unit_of_work(delivery_key):
        query_id = services.faq.record(
            text, result, user_id=command["user_id"], channel_id=command.get("channel_id"),
            source="command", request_key=command.get("trigger_id"),
        )  # fmt: skip
    ack(response_type="ephemeral", **faq_blocks.faq_reply(text, query_id, result))


def register(app: Listeners) -> None:
    app.command(Command.FAQ)(answer)
