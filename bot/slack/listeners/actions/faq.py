"""Buttons on /faq replies: "did you mean" picks, Helpful / Not helpful, None of these."""

from collections.abc import Callable

from slack_bolt import Ack, Respond

from bot.faq.knowledge import Entry
from bot.faq.service import Faq, QueryRecord
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import faq as faq_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Action, any_numbered
from bot.slack.outbox import Outbox

GONE = "This FAQ reply has expired. Ask again with /faq."

Click = Callable[[Faq, QueryRecord, Entry, dict], base.Message]


def replacing_the_reply(handle: Click) -> Callable:
    """A listener that finds the query and entry a button refers to, lets `handle` act on
    them, and puts its message in place of the reply that held the button."""

    def listener(
        ack: Ack, body: dict, respond: Respond, services: Services, outbox: Outbox,
        delivery_key: str,
    ) -> None:  # fmt: skip
        faq = services.faq
        parsed = faq_blocks.parse_faq_value(body["actions"][0].get("value", ""))
        query = faq.query(parsed[0]) if parsed else None
        entry = faq.entry(parsed[1][0]) if parsed else None
        with outbox.unit_of_work(delivery_key):  # the click and the reply it causes, at once
            if query is None or entry is None:
                respond(replace_original=True, **base.note(GONE))
            else:
                respond(replace_original=True, **handle(faq, query, entry, body))
        ack()

    listener.__name__ = handle.__name__
    return listener


def pick(faq: Faq, query: QueryRecord, entry: Entry, body: dict) -> base.Message:
    faq.pick(query.id, body["user"]["id"], entry.id)
    return faq_blocks.faq_answer(entry, query.text, query.id, None)


def feedback(faq: Faq, query: QueryRecord, entry: Entry, body: dict) -> base.Message:
    helpful = body["actions"][0]["action_id"] == Action.FAQ_HELPFUL
    user_id = body["user"]["id"]
    faq.feedback(query.id, user_id, entry.id, helpful)
    # the answers to the rest of the message stay in view, as matched now
    also = faq.match(query.text).also if query.text else ()
    shown = [scored.entry.id for scored in also]
    others = None if helpful or not query.text else faq.alternatives(query, user_id, shown)
    return faq_blocks.faq_feedback_given(
        entry, query.text, helpful, also, (query.id, others) if others else None
    )


def none_of_these(faq: Faq, query: QueryRecord, entry: Entry, body: dict) -> base.Message:
    # the value names every entry the reply showed (one sent before: the first only)
    parsed = faq_blocks.parse_faq_value(body["actions"][0]["value"])
    shown = parsed[1] if parsed else [entry.id]
    faq.feedback(query.id, body["user"]["id"], None, helpful=False, shown=shown)
    return faq_blocks.faq_none_of_these(query.text)


def register(app: Listeners) -> None:
    app.action(any_numbered(Action.FAQ_PICK))(replacing_the_reply(pick))
    for action_id in (Action.FAQ_HELPFUL, Action.FAQ_NOT_HELPFUL):
        app.action(action_id)(replacing_the_reply(feedback))
    app.action(Action.FAQ_NONE_OF_THESE)(replacing_the_reply(none_of_these))
