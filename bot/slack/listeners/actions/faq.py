"""Buttons on /faq replies: "did you mean" picks and Helpful / Not helpful."""

import re

from slack_bolt import Ack, App, Respond

from bot.slack import blocks

GONE = "This FAQ reply has expired. Ask again with /faq."


def _clicked(body: dict, context: dict):
    """The query and entry a button refers to, or None when they are gone."""
    parsed = blocks.parse_faq_value(body["actions"][0].get("value", ""))
    if parsed is None:
        return None
    faq = context["services"].faq
    query, entry = faq.query(parsed[0]), faq.entry(parsed[1])
    return (faq, query, entry) if query and entry else None


def pick(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
    ack()
    clicked = _clicked(body, context)
    if clicked is None:
        respond(replace_original=True, **blocks.note(GONE))
        return
    faq, query, entry = clicked
    faq.pick(query.id, body["user"]["id"], entry.id)
    respond(replace_original=True, **blocks.faq_answer(entry, query.text, query.id, None))


def feedback(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
    ack()
    clicked = _clicked(body, context)
    if clicked is None:
        respond(replace_original=True, **blocks.note(GONE))
        return
    faq, query, entry = clicked
    helpful = body["actions"][0]["action_id"] == "faq_helpful"
    faq.feedback(query.id, body["user"]["id"], entry.id, helpful)
    respond(replace_original=True, **blocks.faq_feedback_given(entry, query.text, helpful))


def none_of_these(ack: Ack, body: dict, respond: Respond, context: dict) -> None:
    ack()
    clicked = _clicked(body, context)
    if clicked is None:
        respond(replace_original=True, **blocks.note(GONE))
        return
    faq, query, _ = clicked
    faq.feedback(query.id, body["user"]["id"], None, helpful=False)
    respond(replace_original=True, **blocks.faq_none_of_these(query.text))


def register(app: App) -> None:
    app.action(re.compile(r"^faq_pick_\d+$"))(pick)
    app.action("faq_helpful")(feedback)
    app.action("faq_not_helpful")(feedback)
    app.action("faq_none_of_these")(none_of_these)
