"""Block Kit building blocks, pure functions so tests can call them.

Every piece of text shown in Slack goes through `escape` exactly once, here: nothing a
customer or a rep typed can ping @channel, mention someone or forge a link.
"""

from __future__ import annotations

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
