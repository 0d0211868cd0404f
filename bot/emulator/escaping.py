"""What people type, as Slack delivers it to an app: `&`, `<`, `>` escaped, and mentions,
channels, links and e-mail addresses encoded in Slack's `<...>` syntax."""

import re
from collections.abc import Sequence

from bot.emulator.team import CHANNELS, TEAM, Member

# One pass over the text; the groups say what was typed. Slack links e-mail addresses too,
# so they are matched before "@name" could take the part after the "@".
_TYPED = re.compile(
    r"(?P<url>\b(?:https?|ftp)://[^\s<>|]+)"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?<![\w@#])@(?P<name>[\w][\w.-]*)"
    r"|(?<![\w@#&])#(?P<channel>[\w][\w-]*)"
)
_SPECIAL_MENTIONS = ("here", "channel", "everyone")
_URL_TRAILING = ".,;:!?)]}'\""  # punctuation after a link that Slack leaves out of it


def slack_escape(text: str) -> str:
    """`&`, `<` and `>` as Slack's entities, the only three Slack escapes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_encode(
    text: str,
    members: Sequence[Member] = TEAM,
    channels: dict[str, str] = CHANNELS,
    *,
    in_command: bool = True,
) -> str:
    """`text` as typed by a person, as Slack hands it to the app.

    A member's "@name" becomes `<@U...|name>` in a slash command (Slack's escaped form) and
    `<@U...>` in a message event, as Slack sends them; "@here" / "@channel" become
    `<!here>` / `<!channel>`; a known "#channel" `<#C...|name>`; a bare URL `<url>`; an
    e-mail address `<mailto:addr|addr>`. Unknown names and channels stay as typed (escaped).
    """
    by_name = {m.name.lower(): m for m in members}
    by_channel = {name: cid for cid, name in channels.items()}
    out = []
    position = 0
    for match in _TYPED.finditer(text):
        encoded, end = _encoded(match, by_name, by_channel, in_command)
        if encoded is None:
            continue
        out += [slack_escape(text[position : match.start()]), encoded]
        position = end
    out.append(slack_escape(text[position:]))
    return "".join(out)


def _encoded(
    match: re.Match[str],
    by_name: dict[str, Member],
    by_channel: dict[str, str],
    in_command: bool,
) -> tuple[str | None, int]:
    """The encoding of one match and where it ends, or None when Slack leaves it as text."""
    if match["url"]:
        url = match["url"].rstrip(_URL_TRAILING)
        return f"<{slack_escape(url)}>", match.start() + len(url)
    if match["email"]:
        address = slack_escape(match["email"])
        return f"<mailto:{address}|{address}>", match.end()
    if match["name"]:
        name = match["name"].rstrip(".-")  # "@lee." ends a sentence
        end = match.start("name") + len(name)
        if name.lower() in _SPECIAL_MENTIONS:
            return f"<!{name.lower()}>", end
        found = by_name.get(name.lower())
        if found is None:
            return None, end
        return (f"<@{found.id}|{found.name}>" if in_command else f"<@{found.id}>"), end
    name = match["channel"].rstrip("-")
    channel_id = by_channel.get(name)
    if channel_id is None:
        return None, match.end()
    return f"<#{channel_id}|{name}>", match.start("channel") + len(name)
