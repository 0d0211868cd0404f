"""A direct message to the bot is a /faq question: reps can paste the customer's words."""

from slack_bolt import App, Say
from slack_sdk import WebClient

from bot.core.faq import has_words
from bot.slack.blocks import faq as faq_blocks
from bot.slack.listeners.acks import acknowledge


def answer_direct_message(
    event: dict, body: dict, say: Say, client: WebClient, context: dict
) -> None:
    # Edits, joins and other bots' messages carry a subtype; only a person's new message counts.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    text = event.get("text", "").strip()
    if not has_words(text):
        say(**faq_blocks.faq_no_words())
        return
    services = context["services"]
    asked = services.faq.ask(
        text,
        user_id=event["user"],
        channel_id=event.get("channel"),
        source="dm",
        request_key=f"event:{body.get('event_id')}",
    )
    say(**faq_blocks.faq_reply(text, asked.query_id, asked.result))


def register(app: App) -> None:
    app.event("message")(ack=acknowledge, lazy=[answer_direct_message])
