"""Buttons on /faq replies: "did you mean" picks, Helpful / Not helpful, None of these."""

import re
from collections.abc import Callable

from slack_bolt import App, Respond

from bot.core.faq import Faq
from bot.core.knowledge import Entry
from bot.slack.blocks import base
from bot.slack.blocks import faq as faq_blocks
from bot.slack.listeners.acks import acknowledge
from bot.store import QueryRecord

GONE = "This FAQ reply has expired. Ask again with /faq."

Click = Callable[[Faq, QueryRecord, Entry, dict], base.Message]


def replacing_the_reply(handle: Click) -> Callable:
    """A listener that finds the query and entry a button refers to, lets `handle` act on
    them, and puts its message in place of the reply that held the button."""

    def listener(body: dict, respond: Respond, context: dict) -> None:
        faq: Faq = context["services"].faq
        parsed = faq_blocks.parse_faq_value(body["actions"][0].get("value", ""))
        query = faq.query(parsed[0]) if parsed else None
        entry = faq.entry(parsed[1]) if parsed else None
        if query is None or entry is None:
            respond(replace_original=True, **base.note(GONE))
            return
        respond(replace_original=True, **handle(faq, query, entry, body))

    return listener


def pick(faq: Faq, query: QueryRecord, entry: Entry, body: dict) -> base.Message:
    faq.pick(query.id, body["user"]["id"], entry.id)
    return faq_blocks.faq_answer(entry, query.text, query.id, None)


def feedback(faq: Faq, query: QueryRecord, entry: Entry, body: dict) -> base.Message:
    helpful = body["actions"][0]["action_id"] == "faq_helpful"
    faq.feedback(query.id, body["user"]["id"], entry.id, helpful)
    return faq_blocks.faq_feedback_given(entry, query.text, helpful)


def none_of_these(faq: Faq, query: QueryRecord, entry: Entry, body: dict) -> base.Message:
    faq.feedback(query.id, body["user"]["id"], None, helpful=False)
    return faq_blocks.faq_none_of_these(query.text)


def register(app: App) -> None:
    app.action(re.compile(r"^faq_pick_\d+$"))(ack=acknowledge, lazy=[replacing_the_reply(pick)])
    app.action(re.compile(r"^faq_(not_)?helpful$"))(
        ack=acknowledge, lazy=[replacing_the_reply(feedback)]
    )
    app.action("faq_none_of_these")(ack=acknowledge, lazy=[replacing_the_reply(none_of_these)])
