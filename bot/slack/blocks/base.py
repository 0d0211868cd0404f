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


def sections(mrkdwn: str) -> list[dict]:
    """Long text as as many sections as it takes, split between words, never mid-escape."""
    parts = []
    while len(mrkdwn) > SECTION_LIMIT:
        cut = mrkdwn.rfind(" ", 0, SECTION_LIMIT)
        cut = cut if cut > SECTION_LIMIT // 2 else SECTION_LIMIT
        if "&" in mrkdwn[cut - 5 : cut]:  # do not split "&amp;" and friends
            cut = mrkdwn.rfind("&", 0, cut)
        parts.append(mrkdwn[:cut])
        mrkdwn = mrkdwn[cut:].lstrip()
    return [section(part) for part in [*parts, mrkdwn]]


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


def message(fallback: str, blocks: list[dict]) -> Message:
    """A message. Slack shows `fallback` in notifications and parses it like mrkdwn, so it is
    plain text, escaped here like everything else."""
    return {"text": escape(fallback), "blocks": blocks}


def usage(command: str, what: str, example: str) -> Message:
    text = f"Usage: `{command} {what}`, for example `{command} {example}`"
    return message(text, [section(escape(text))])


def note(text: str) -> Message:
    """A short plain message to the rep; `text` is escaped."""
    return message(text, [section(escape(text))])
