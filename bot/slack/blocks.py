"""Block Kit messages, built by pure functions so tests can call them.

Every piece of text shown in Slack goes through `escape` exactly once, here: nothing a
customer or a rep typed can ping @channel, mention someone or forge a link.
"""

from __future__ import annotations

from bot.core.knowledge import Entry
from bot.core.matching import MatchResult, Scored

Message = dict  # {"text": fallback for notifications, "blocks": [...]}

SECTION_LIMIT = 3000  # Slack refuses a section text longer than this
BUTTON_LIMIT = 75
QUOTE_LIMIT = 300


def escape(text: str) -> str:
    """Slack's three control characters; with them escaped, `<!channel>` is just text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str) -> str:
    """The customer's words, escaped and shortened, as a mrkdwn quote."""
    return "> " + escape(shorten(text, QUOTE_LIMIT))


def section(mrkdwn: str) -> dict:
    # verbatim: Slack must not turn bare URLs, #channels or @here into live links or mentions.
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": mrkdwn[:SECTION_LIMIT], "verbatim": True},
    }


def context(mrkdwn: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn, "verbatim": True}]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {
        "type": "button",
        "text": {"type": "plain_text", "text": shorten(label, BUTTON_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *elements: dict) -> dict:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def usage(command: str, what: str, example: str) -> Message:
    text = f"Usage: `{command} {escape(what)}`, for example `{command} {escape(example)}`"
    return {"text": text, "blocks": [section(text)]}


def note(text: str) -> Message:
    """A short plain message to the rep; `text` is escaped."""
    return {"text": text, "blocks": [section(escape(text))]}


# /faq


def faq_value(query_id: int, entry_id: str) -> str:
    return f"{query_id}:{entry_id}"


def parse_faq_value(value: str) -> tuple[int, str] | None:
    query_id, _, entry_id = value.partition(":")
    return (int(query_id), entry_id) if query_id.isdigit() and entry_id else None


def _answer_blocks(entry: Entry, asked: str, score: float | None) -> list[dict]:
    match = f" · {score:.0f}% match" if score is not None else ""
    return [
        section(f"*{escape(entry.question)}*\n{escape(entry.answer)}"),
        context(f"You asked:\n{quote(asked)}\nFAQ `{escape(entry.id)}`{match}"),
    ]


def faq_answer(entry: Entry, asked: str, query_id: int, score: float | None) -> Message:
    """A confident match: the answer itself, the FAQ question it answers, and feedback buttons."""
    value = faq_value(query_id, entry.id)
    feedback = actions(
        "faq_feedback",
        button("Helpful", "faq_helpful", value, "primary"),
        button("Not helpful", "faq_not_helpful", value),
    )
    return {"text": entry.answer, "blocks": [*_answer_blocks(entry, asked, score), feedback]}


def faq_feedback_given(entry: Entry, asked: str, helpful: bool) -> Message:
    """The answer stays in view; the buttons give way to a thank-you."""
    thanks = (
        "Marked helpful. Thanks!"
        if helpful
        else "Marked not helpful. Thanks: the team leads will see this question and improve"
        " the answer."
    )
    return {"text": entry.answer, "blocks": [*_answer_blocks(entry, asked, None), context(thanks)]}


def faq_suggestions(asked: str, query_id: int, matches: list[Scored]) -> Message:
    """A close call: the best few as "did you mean" buttons."""
    buttons = [
        button(scored.entry.question, f"faq_pick_{n}", faq_value(query_id, scored.entry.id))
        for n, scored in enumerate(matches)
    ]
    none_value = faq_value(query_id, matches[0].entry.id)
    return {
        "text": "Did you mean one of these?",
        "blocks": [
            section(f"*Did you mean one of these?*\n{quote(asked)}"),
            actions("faq_suggestions", *buttons),
            actions("faq_none", button("None of these", "faq_none_of_these", none_value)),
        ],
    }


def faq_no_match(asked: str) -> Message:
    text = (
        "No good match in the FAQ for this question. "
        "I've passed it to the team leads so the FAQ can grow where customers ask."
    )
    return {"text": text, "blocks": [section(f"{quote(asked)}\n{text}")]}


def faq_no_words() -> Message:
    return note(
        "I need a few words of the customer's question to search the FAQ, "
        "for example: /faq where is my box"
    )


def faq_none_of_these(asked: str) -> Message:
    text = "Thanks. I've passed this question to the team leads so the FAQ can grow."
    return {"text": text, "blocks": [section(f"{quote(asked)}\n{text}")]}


def faq_reply(asked: str, query_id: int, result: MatchResult) -> Message:
    """The /faq reply for each verdict: the answer, "did you mean", or "no good match"."""
    if result.verdict == "answer":
        best = result.matches[0]
        return faq_answer(best.entry, asked, query_id, best.score)
    if result.verdict == "suggest":
        return faq_suggestions(asked, query_id, result.matches)
    return faq_no_match(asked)
