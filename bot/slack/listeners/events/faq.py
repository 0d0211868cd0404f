"""A direct message to the bot is a /faq question: reps can paste the customer's words."""

from slack_bolt import Ack

from bot.faq.pleasantries import only_thanks
from bot.services import Services
from bot.slack.access import usable
from bot.slack.blocks import faq as faq_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Command, Event
from bot.slack.outbox import Outbox

HELP = {"help", "?", "/help"}  # a rep asking what the bot does, not a customer's question
COMMANDS = frozenset(Command)


def answer_direct_message(
    ack: Ack, event: dict, services: Services, outbox: Outbox, delivery_key: str
) -> None:
    # The question and the reply are stored, the delivery claimed, before Slack hears the
    # acknowledgement: a crash before then leaves Slack's retry free to do it all.
    ack()
    # Edits, joins and other bots' messages carry a subtype; only a person's new message counts.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    channel = event.get("channel", "")
    text = event.get("text", "").strip()
    first, _, rest = text.partition(" ")
    first = first.lower()
    if first == Command.FAQ:  # a command typed in a thread reaches us as text
        text = rest.strip()
    elif text.lower() in HELP or first in COMMANDS:
        command = first if first in COMMANDS else None
        with outbox.unit_of_work(delivery_key):
            usable_here = usable(services.roles, event.get("user", ""))
            outbox.post(channel, faq_blocks.dm_help(usable_here, command))
        return
    result = services.faq.match(text)  # before the transaction: matching holds no lock
    if not result.names_a_need:
        said = faq_blocks.dm_thanks() if only_thanks(text) else faq_blocks.faq_no_words()
        with outbox.unit_of_work(delivery_key):
            outbox.post(channel, said)
        return
    with outbox.unit_of_work(delivery_key):
        query_id = services.faq.record(
            text, result, user_id=event["user"], channel_id=channel, source="dm",
            request_key=delivery_key,
        )  # fmt: skip
        outbox.post(channel, faq_blocks.faq_reply(text, query_id, result))


def register(app: Listeners) -> None:
    app.event(Event.MESSAGE)(answer_direct_message)
