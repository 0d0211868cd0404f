"""Block Kit building blocks, pure functions so tests can call them.

The one rule for text: pass people's words raw. Every builder here escapes plain `str` exactly
once, so nothing a customer or a rep typed can ping @channel, mention someone or forge a link.
Markup of our own (bold, mentions, dates) is built as `Mrkdwn`, which is already escaped and is
never escaped again; the top-level `text` of a message takes plain words only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.shared import times
from bot.shared.refusal import Code
from bot.slack.ids import FIELD_INPUT

Message = dict  # {"text": fallback for notifications, "blocks": [...]}

SECTION_LIMIT = 3000  # Slack refuses a section text longer than this
BUTTON_LIMIT = 75  # also option text
BUTTON_VALUE_LIMIT = 2000
OPTION_VALUE_LIMIT = 150
HEADER_LIMIT = 150
TITLE_LIMIT = 24  # modal title, submit and close
QUOTE_LIMIT = 300
FALLBACK_LIMIT = 3000  # Slack advises a notification text well under 4,000
MESSAGE_SECTIONS = 40  # of Slack's 50 blocks a message, leaving room for the rest of it
# How Slack words a time of ours, in the style of bot.shared.times: "today at 1:15 PM".
_TIME_LAYOUT = "{date_short_pretty} at {time}"
USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
# Spans a cut must not fall inside: an entity (&amp;) or our own markup (<@U123>, <!date^…>).
_UNSPLITTABLE = re.compile(r"&[a-z]+;|<[^<>]*>")
# Mrkdwn has no escape for its marks. One pairs up only where it can open (not after a letter
# or digit, not before a space) or close (not after a space, not before a letter or digit), so
# only a mark in such a place becomes its look-alike: "*Bob*" stays bold-proof and readable,
# while "snake_case", "2 * 3" and a link ("https://x.example/~ana", never formatted) stay as
# typed. The edges of the text count as either, since builders put marks of their own there.
_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
_PAIRABLE = re.compile(r"(\bhttps?://\S+)|(?<![^\W_])[*_~`](?!\s)|(?<!\s)[*_~`](?![^\W_])")
# A span a lead marked ("*Green box*"), its marks paired as Slack pairs them: a cut inside it
# would leave its first mark showing.
_MARKED = re.compile(_UNSPLITTABLE.pattern + r"|(?<![^\W_])([*_~`])(?!\s).*?(?<!\s)\1(?![^\W_])")


class Mrkdwn(str):
    """Text already escaped for mrkdwn. Only the builders make it, from `escape`, `mention`,
    `local_time` and literals; builders pass it through as is and escape any other `str`. Adding or
    joining plain text to it escapes that text, so the result stays Mrkdwn."""

    def __add__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(self, escape(other)))

    def __radd__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(escape(other), self))

    def join(self, items: Iterable[str]) -> Mrkdwn:
        return Mrkdwn(str.join(self, (escape(item) for item in items)))


def escape(text: str) -> Mrkdwn:
    """Slack's three control characters; with them escaped, `<!channel>` is just text. Marks
    that could pair up (`*_~` and backticks) become look-alikes, so a customer called "*Bob*"
    cannot end our bold early. Mrkdwn is returned as it is: escaping twice cannot happen."""
    if isinstance(text, Mrkdwn):
        return text
    return authored(_PAIRABLE.sub(lambda mark: mark[1] or mark[0].translate(_LOOKALIKES), text))


def authored(text: str) -> Mrkdwn:
    """Mrkdwn a team lead wrote for reps to read (an FAQ answer in knowledge/): their *bold*,
    _italics_, ~strikes~ and `code` are kept as they wrote them, while Slack's three control
    characters are escaped as in `escape`, so their text can still never ping @channel,
    mention someone or make a link. Never for words a customer or a rep typed: those `escape`."""
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def authored_line(text: str, limit: int) -> Mrkdwn:
    """A lead's mrkdwn (`authored`) on one line, shortened as `shorten` does, but cut before a
    span they marked rather than inside it: "*Green box*" stays bold, or is left out whole."""
    return authored(shorten(text, limit, unsplittable=_MARKED))


def unmarked(text: str) -> str:
    """A lead's mrkdwn (`authored`) as plain words for a fallback: the marks that would format
    are left out ("*lovely*" reads "lovely"), the rest as written."""
    return _PAIRABLE.sub(lambda mark: mark[1] or "", text)


def code(text: str) -> Mrkdwn:
    """`text` as code, escaped: a command, an id or a path of ours."""
    return Mrkdwn(f"`{escape(text)}`")


def file_shown(path: str | Path) -> str:
    """A content file as leads know it, by its folder and name ("knowledge/delivery.yaml"), not
    by where this machine keeps it."""
    shown = Path(path)
    return f"{shown.parent.name}/{shown.name}"


def mention(user_id: str) -> Mrkdwn:
    """A person's name as Slack shows it, from an id we checked; anything else stays text."""
    return Mrkdwn(f"<@{user_id}>") if USER_ID.match(user_id) else escape(user_id)


def local_time(moment: datetime, tz: ZoneInfo | None = None) -> Mrkdwn:
    """A time in each reader's own zone, as Slack shows its date token: "today at 1:15 PM",
    "Dec 2, 2026 at 1:15 PM"; where Slack cannot show that, the same words (`bot.shared.times`)
    on the clock of `tz`, the reader's zone when we know it, else in UTC."""
    return _date_token(moment, times.at_reader(moment, tz))


def your_time(moment: datetime) -> Mrkdwn:
    """`local_time` beside the same time on another clock: "(tomorrow at 4:00 PM your time)"
    in each reader's own zone, for a message many read; where Slack cannot show that, the
    time in UTC, saying so ("Dec 3, 2026 at 4:00 PM UTC"), for it is nobody's own clock."""
    return _date_token(moment, times.at_utc(moment), f"{_TIME_LAYOUT} your time")


def shown_at(moment: datetime) -> Mrkdwn:
    """When something happened, after its verb in a sentence ("done by @ana " and this):
    `local_time`, whose fallback, never "today", takes an "on": "on Dec 2, 2026 at 1:15 PM UTC"
    (Slack's "today" takes none, so the words around it give none)."""
    return _date_token(moment, f"on {times.at_utc(moment)}")


def said_at(moment: datetime, tz: ZoneInfo | None) -> str:
    """`shown_at` in a message's plain words (a phone's notification), which no Slack shows in
    each reader's zone: "on Dec 2, 2026 at 1:15 PM" on the clock of `tz`, the reader's zone
    when we know it, else in UTC."""
    return f"on {times.at_reader(moment, tz)}"


def _date_token(moment: datetime, fallback: str, layout: str = _TIME_LAYOUT) -> Mrkdwn:
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{layout}|{escape(fallback)}>")


def _cut(text: str, limit: int, unsplittable: re.Pattern[str] = _UNSPLITTABLE) -> int:
    """Where to end the first part of `text` so it is at most `limit` long: after the last
    word that fits, or inside a word only when the word alone is longer than `limit`; never
    inside an entity or a piece of our markup (or another `unsplittable` span)."""
    inside = {
        i for m in unsplittable.finditer(text, 0, 2 * limit) for i in range(m.start() + 1, m.end())
    }
    safe = [i for i in range(limit, 0, -1) if i not in inside]
    return next((i for i in safe if text[i].isspace()), safe[0] if safe else limit)


def split(text: str, limit: int = SECTION_LIMIT) -> list[Mrkdwn]:
    """Escaped `text` in parts of at most `limit`, split between words, none of them empty, and
    never inside a span our markup marks (`*[add: the offer]*`): its first mark would show."""
    rest = escape(text).strip()
    parts = []
    while len(rest) > limit:
        # Once escaped, only our own marks can pair (`escape`), so spans to keep whole are ours.
        cut = _cut(rest, limit, _MARKED)
        parts.append(Mrkdwn(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    return [Mrkdwn(part) for part in [*parts, rest] if part]


def shorten(text: str, limit: int, unsplittable: re.Pattern[str] = _UNSPLITTABLE) -> str:
    """Plain text on one line, at most `limit` long, ending with "…" after the last whole word
    that fits when it is longer (and outside every `unsplittable` span)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: _cut(text, limit - 1, unsplittable)].rstrip() + "…"


def fit(text: str, limit: int = SECTION_LIMIT) -> Mrkdwn:
    """Escaped text that fits one block; longer text ends with "…", so a cut is never silent."""
    text = escape(text)
    return text if len(text) <= limit else Mrkdwn(split(text, limit - 1)[0] + "…")


def quote(text: str, limit: int = QUOTE_LIMIT) -> Mrkdwn:
    """The customer's words, escaped and shortened, as a mrkdwn quote."""
    return Mrkdwn("> ") + shorten(text, limit)


def section(text: str) -> dict:
    """One section; text that may be longer than a section holds goes to `sections`."""
    # verbatim: Slack must not turn bare URLs, #channels or @here into live links or mentions.
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(text), "verbatim": True}}


def sections(text: str, *, most: int = MESSAGE_SECTIONS, rest: str = "") -> list[dict]:
    """Long text as as many sections as it takes, split between words, never mid-escape; past
    `most` blocks, the last one says how many parts are left out and `rest`, where to read them."""
    parts = split(text)
    if len(parts) <= most:
        return [section(part) for part in parts]
    more = f"…and {len(parts) - most + 1} more parts. {rest}".strip()
    return [*(section(part) for part in parts[: most - 1]), context(more)]


def context(text: str) -> dict:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": fit(text), "verbatim": True}],
    }


def bulleted(
    title: Mrkdwn, lines: Sequence[str], *, shown: int, rest: str, empty: str = ""
) -> list[dict]:
    """A list under its `title` (mrkdwn) in one section: at most `shown` lines, as many as the
    section holds; when some are left out, a context line says how many and `rest`, how to see
    them all."""
    body = title
    count = 0
    for line in lines[:shown]:
        bullet = Mrkdwn(f"\n• {fit(line, SECTION_LIMIT // 2)}")
        if len(body) + len(bullet) > SECTION_LIMIT:
            break
        body, count = body + bullet, count + 1
    if not lines and empty:
        body += "\n" + empty
    blocks = [section(body)]
    if count < len(lines):
        blocks.append(context(Mrkdwn(f"…and {len(lines) - count} more. ") + rest))
    return blocks


def plain(text: str, limit: int) -> dict:
    """A plain_text object (Slack shows it as typed, so it is not escaped) within `limit`."""
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def header(text: str) -> dict:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    """A button; its value comes back with the click, and Slack refuses one past 2,000."""
    if len(value) > BUTTON_VALUE_LIMIT:
        raise ValueError(f"button value longer than {BUTTON_VALUE_LIMIT}: {value[:40]}…")
    element = {
        "type": "button",
        "text": plain(label, BUTTON_LIMIT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def option(text: str, value: str, description: str | None = None) -> dict:
    """A menu option; its value is an id of ours, which Slack would refuse past 150. A
    description is shown in smaller type under its text."""
    if len(value) > OPTION_VALUE_LIMIT:
        raise ValueError(f"option value longer than {OPTION_VALUE_LIMIT}: {value[:40]}…")
    shown = {"text": plain(text, BUTTON_LIMIT), "value": value}
    return shown | ({"description": plain(description, BUTTON_LIMIT)} if description else {})


def actions(block_id: str, *elements: dict) -> dict:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def message(fallback: str, blocks: list[dict]) -> Message:
    """A message. Slack shows `fallback` in notifications and parses it like mrkdwn: it takes
    plain words only (no Mrkdwn, so nothing escaped reaches it) and escapes them here."""
    if isinstance(fallback, Mrkdwn):
        raise TypeError("message() takes plain words for its fallback, not escaped mrkdwn")
    return {"text": escape(shorten(fallback, FALLBACK_LIMIT)), "blocks": blocks}


def notification_words(built: Message) -> str:
    """A built message's notification as the plain words it was made from (`message` keeps
    them escaped), to quote in another message's notification."""
    text = str(built.get("text", ""))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def usage(command: str, what: str, example: str) -> Message:
    text = (
        Mrkdwn("Usage: ")
        + code(f"{command} {what}")
        + ", for example "
        + code(f"{command} {example}")
    )
    return message(f"Usage: {command} {what}, for example {command} {example}", [section(text)])


def unknown_command(named: str, known: Sequence[str]) -> Message:
    """A command this version does not have, and the ones it does."""
    listed = Mrkdwn(", ".join(code(name) for name in known))
    return message(
        f"repbot does not know {named}. It knows {', '.join(known)}.",
        [section(Mrkdwn("repbot does not know ") + named + ". It knows " + listed + ".")],
    )


def counted(number: int, noun: str) -> str:
    """ "1 contact", "2 contacts", "2 audit log entries", "2 records of staff exporting their
    data": the count as a person says it."""
    if number == 1:
        return f"{number} {noun}"
    head, of, rest = noun.partition(" of ")
    if head.endswith("y") and head[-2:-1] not in "aeiou":
        return f"{number} {head[:-1]}ies{of}{rest}"
    return f"{number} {head}s{of}{rest}"


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth")  # fmt: skip
TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}


def ordinal(number: int) -> str:
    """ "first", "second", ... "tenth", then "11th", "21st", "22nd": the place as said."""
    if 1 <= number <= len(ORDINALS):
        return ORDINALS[number - 1]
    suffix = (
        "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def how_often(number: int) -> str:
    """ "once", "twice", "three times", ... "12 times": how often, as said."""
    return TIMES.get(number, f"{number} times")


def refusal(
    words: str | Sequence[str], by: str | None, at: datetime | None, tz: ZoneInfo | None
) -> Message:
    """A refusal in its own words (`Refusal.parts`: the commands of ours in them, as `Code`,
    shown as code; every other part escaped as people's words may be in it); who did it before
    and when, as Slack shows a person and a time to each reader. The fallback (a phone's
    notification) stays plain words, the commands as typed, and says the time on the reader's
    clock (`tz`, their zone where we know it)."""
    parts = (words,) if isinstance(words, str) else tuple(words)
    plain_words = "".join(parts)
    text = Mrkdwn("").join(code(part) if isinstance(part, Code) else part for part in parts)
    if by is None and at is None:
        return message(plain_words, [section(text)])
    if by:
        text += Mrkdwn(" by ") + mention(by)
    when = ""
    if at:
        text += Mrkdwn(" ") + shown_at(at)
        when = f" {said_at(at, tz)}"
    return message(f"{plain_words}{when}.", [section(text + Mrkdwn("."))])


def note(text: str) -> Message:
    """A short plain message to the rep; `text` is plain words."""
    return message(text, [section(text)])


def text_field(block_id: str, label: str, *, multiline: bool = False, optional: bool = False,
               placeholder: str = "", hint: str = "", initial: str = "") -> dict:  # fmt: skip
    """A modal's text input; its value is read back by `block_id` and FIELD_INPUT. `hint`,
    words Slack shows under it; `initial`, what it holds when the modal opens."""
    element = {"type": "plain_text_input", "action_id": FIELD_INPUT, "multiline": multiline}
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    if initial:
        element["initial_value"] = initial
    block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block
