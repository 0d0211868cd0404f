"""Several messages due for one person or channel at once, as one: the digest the outbox sends
after a pause or a burst. Each item keeps its own blocks (and its buttons) while the message has
room; the rest are listed one line each; past Slack's limits a last line says how many more
there are and where to see them. An item's blocks carry its tag at the end of their block
ids, so a click (or a later update) can replace that one item and leave the others be."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.slack.blocks.base import (
    SECTION_LIMIT,
    Message,
    Mrkdwn,
    context,
    fit,
    message,
    notification_words,
    section,
    shorten,
)

MESSAGE_BLOCKS = 50  # Slack refuses a message with more
FULL_BLOCKS = 36  # of those, for items shown whole (with their buttons); the rest list lines
FULL_ITEMS = 10  # items shown whole, at most: a longer message is a wall, not a reminder
LINE_LIMIT = 280  # one listed item's line
FIRST_IN_NOTIFICATION = 120  # of the first item's own notification, after the headline
TAG = "~"  # block id = the item's own block id (or its place) + TAG + the item's tag
REST = "Open repbot's Home tab to see everything still open."

# What one item is, by its digest kind, as counted in the headline and the notification.
KINDS: dict[str, tuple[str, str]] = {
    "before": ("follow-up coming up", "follow-ups coming up"),
    "due": ("follow-up due", "follow-ups due"),
    "overdue": ("overdue alert", "overdue alerts"),
    "unclaimed_redirect": ("redirect nobody took", "redirects nobody took"),
    "approval": ("approval request", "approval requests"),
    "callback": ("senior callback", "senior callbacks"),
    "redirect": ("redirected case", "redirected cases"),
    "solution": ("solution update", "solution updates"),
    "taken": ("redirect taken", "redirects taken"),
    "undelivered": ("undelivered message", "undelivered messages"),
    "content": ("content problem", "content problems"),
}
_OTHER = ("message", "messages")


@dataclass(frozen=True)
class Item:
    """One queued message: its digest kind, its tag (digits, unique within the digest: the
    outbox item's id) and the message as it would go out alone."""

    kind: str
    tag: str
    message: Message


def headline(kinds: Sequence[str]) -> str:
    """ "5 follow-ups due and 3 overdue alerts": each kind counted, in order of first sight."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    parts = []
    for kind, number in counts.items():
        one, many = KINDS.get(kind, _OTHER)
        parts.append(f"{number} {one if number == 1 else many}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def tagged(blocks: list[dict], tag: str) -> list[dict]:
    """`blocks` with block ids that name their item: unique in the digest, and found again."""
    return [
        {**block, "block_id": f"{block.get('block_id') or f'b{place}'}{TAG}{tag}"}
        for place, block in enumerate(blocks)
    ]


def _line(item: Message) -> Mrkdwn:
    """An item in one line: the first line of its first section as it would show (built and
    escaped once by its builder: the headline of a card), or else its fallback (plain words,
    also escaped once)."""
    for block in item.get("blocks", []):
        if block.get("type") == "section" and str(block.get("text", {}).get("text", "")).strip():
            first = str(block["text"]["text"]).strip().splitlines()[0]
            return fit(Mrkdwn(" ".join(first.split())), LINE_LIMIT)
    return fit(Mrkdwn(" ".join(str(item.get("text", "")).split())), LINE_LIMIT)


def digest(items: Sequence[Item], rest: str = REST) -> Message:
    """The items as one message within Slack's limits: the first ones whole, with their
    buttons; then one line each; then "…and N more" and `rest`, where to see them."""
    title = headline([item.kind for item in items])
    blocks: list[dict] = [section(Mrkdwn("*") + title + Mrkdwn("*"))]
    shown = 0
    for item in items[:FULL_ITEMS]:
        own = item.message.get("blocks", [])
        if len(blocks) + 1 + len(own) > FULL_BLOCKS:
            break
        blocks += [{"type": "divider"}, *tagged(own, item.tag)]
        shown += 1
    # Sections of one line an item, after a divider; the last block says how many more.
    room = MESSAGE_BLOCKS - len(blocks) - 2
    lines: list[dict] = []
    body = Mrkdwn("")
    for item in items[shown:]:
        line = Mrkdwn("• ") + _line(item.message)
        if body and len(body) + 1 + len(line) > SECTION_LIMIT:
            if len(lines) + 2 > room:  # this section and one more would not fit
                break
            lines.append(section(body))
            body = Mrkdwn("")
        body = Mrkdwn(f"{body}\n{line}" if body else line)
        shown += 1
    if body:
        lines.append(section(body))
    if lines:
        blocks += [{"type": "divider"}, *lines]
    if shown < len(items):
        blocks.append(context(f"…and {len(items) - shown} more. {rest}"))
    # A phone shows the headline and what the first item is: "2 follow-ups due" alone says
    # nothing of whom to call.
    first = shorten(notification_words(items[0].message), FIRST_IN_NOTIFICATION) if items else ""
    return message(f"{title}. {first}" if first else title, blocks)


def tag_of(block_id: str) -> str | None:
    """The tag of the digest item a block belongs to; None outside a digest."""
    _, found, tag = block_id.rpartition(TAG)
    return tag if found and tag.isdigit() else None


def _untagged(block: dict) -> dict:
    """A digest item's block with the block id it had before it was tagged (or its place)."""
    return {**block, "block_id": str(block["block_id"]).rpartition(TAG)[0]}


def _tags(current: Message) -> set[str | None]:
    return {tag_of(str(block.get("block_id", ""))) for block in current.get("blocks", [])}


def is_digest(current: Message) -> bool:
    return any(tag is not None for tag in _tags(current))


def has_item(current: Message, tag: str) -> bool:
    """Whether the item `tag` is shown whole (with its blocks) in the digest `current`."""
    return tag in _tags(current)


def replace_item(
    current: Message, tag: str, replacement: Message, listed_as: Sequence[Message] = ()
) -> Message:
    """`current` (a digest, as Slack holds it) with the item `tag` shown as `replacement`,
    the other items as they are. An item only listed by a line, which carries no tag, has
    its line found by what it said: `listed_as`, the messages the item was sent or last
    changed as, latest first (none: the digest stays as it is). The text is Slack's copy of
    our fallback, escaped once already: it goes back as it is."""
    blocks: list[dict] = []
    done = False
    for block in current.get("blocks", []):
        if tag_of(str(block.get("block_id", ""))) != tag:
            blocks.append(block)
        elif not done:
            blocks += tagged(replacement.get("blocks", []), tag)
            done = True
    if not done:
        blocks = _relisted(blocks, [Mrkdwn("• ") + _line(m) for m in listed_as], replacement)
    return {"text": current.get("text", ""), "blocks": blocks}


def _relisted(blocks: list[dict], lines: Sequence[str], replacement: Message) -> list[dict]:
    """`blocks` with the first of `lines` found in a listing section (its latest wording
    first) said as `replacement` is, within the section's limit."""
    for line in lines:
        for place, block in enumerate(blocks):
            text = block.get("text") or {}
            if block.get("type") != "section" or tag_of(str(block.get("block_id", ""))):
                continue
            said = str(text.get("text", "")).split("\n")
            if line not in said:
                continue
            at = said.index(line)
            room = SECTION_LIMIT - (sum(len(s) + 1 for s in said) - 1 - len(line)) - 2
            if room < len("…"):  # no room: as it is (a cut line is never silent)
                return blocks
            said[at] = Mrkdwn("• ") + fit(_line(replacement), min(LINE_LIMIT, room))
            changed = {**block, "text": {**text, "text": "\n".join(said)}}
            return [*blocks[:place], changed, *blocks[place + 1 :]]
    return blocks


def in_place(
    current: Message | None, block_id: str, change: Callable[[Message], Message]
) -> Message:
    """What a click on `block_id` replaces its message with: `change` of the clicked item
    alone when the message is a digest (its other items stay as they are), else `change` of
    the whole message."""
    tag = tag_of(block_id)
    if current is None or tag is None or not has_item(current, tag):
        return change(current or {"text": "", "blocks": []})
    own = [_untagged(b) for b in current["blocks"] if tag_of(str(b.get("block_id", ""))) == tag]
    return replace_item(current, tag, change({"text": current.get("text", ""), "blocks": own}))
