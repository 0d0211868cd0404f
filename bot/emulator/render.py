"""Block Kit as plain text for a terminal, with the interactive elements numbered in order.

Live mrkdwn sequences are shown the way Slack would act on them: `<!channel>` as a ping
`@channel`, `<@U123>` as a mention `@U123`, `<#C123>` as the channel's name `#support` (to a
reader whose Slack knows it), `<url|label>` as a link `label (url)`. Text the bot
escaped (`&lt;!channel&gt;`) is shown as the literal characters, so a transcript tells a
harmless `<!channel>` from a real ping. Bold, italic, strike and code marks that Slack pairs up
are shown as typed (`*bold*`); one Slack prints as a character where it could have paired is
shown as `\\*`, so a transcript tells a customer called "*Bob*" from bold.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Json = dict[str, Any]

# Element types that take a value from a list of options.
_MENUS = {"static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes"}


@dataclass(frozen=True)
class Element:
    """An interactive element as numbered on screen; `index` starts at 1."""

    index: int
    type: str
    label: str
    action_id: str
    block_id: str
    value: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendered:
    text: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Reader:
    """Who reads a message, and when: Slack shows each reader a `<!date^…>` in their own
    time zone, and a `<#C123>` by the name of the channel, from the `channels` it knows
    (id -> name, without "#")."""

    tz: ZoneInfo
    now: datetime
    channels: Mapping[str, str] = field(default_factory=dict)


def unescape(text: str) -> str:
    """Slack's three HTML entities back to characters (&amp; last, so "&amp;lt;" stays "&lt;")."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_LIVE = re.compile(r"<([^<>]*)>")


def _day(moment: datetime) -> str:
    suffix = (
        "th"
        if 10 <= moment.day % 100 <= 20
        else {1: "st", 2: "nd", 3: "rd"}.get(moment.day % 10, "th")
    )
    return f"{moment:%B} {moment.day}{suffix}, {moment.year}"


def _clock(moment: datetime, seconds: bool = False) -> str:
    shown = f"{moment.hour % 12 or 12}:{moment:%M}" + (f":{moment:%S}" if seconds else "")
    return f"{shown} {moment:%p}"


def _ago(moment: datetime, now: datetime) -> str:
    past = now >= moment
    minutes = int(abs(now - moment) / timedelta(minutes=1))
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        if minutes >= size:
            count = minutes // size
            amount = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"{amount} ago" if past else f"in {amount}"
    return "just now"


def _date(stamp: int, layout: str, reader: Reader) -> str | None:
    """A date token in the reader's zone, by Slack's tokens (Slack's default 12-hour clock);
    None for a layout Slack would not read, which then shows its fallback."""
    moment = datetime.fromtimestamp(stamp, reader.tz)
    today = reader.now.astimezone(reader.tz).date()
    day = timedelta(days=1)
    near = {today - day: "yesterday", today: "today", today + day: "tomorrow"}
    plain = {
        "date_num": f"{moment:%Y-%m-%d}",
        "date": _day(moment),
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "date_long": f"{moment:%A}, {_day(moment)}",
        "time": _clock(moment),
        "time_secs": _clock(moment, seconds=True),
        "ago": _ago(moment, reader.now),
    }
    for name in ("date", "date_short", "date_long"):
        plain[f"{name}_pretty"] = near.get(moment.date(), plain[name])
    shown = re.sub(r"\{(\w+)\}", lambda token: plain.get(token[1], "\0"), layout)
    return None if "\0" in shown else shown


def _live(match: re.Match, reader: Reader | None = None) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("!date^") and reader is not None:
        # <!date^1392734382^{date_short} {time}^optional link|fallback>
        stamp, _, layout = target.removeprefix("!date^").partition("^")
        shown = _date(int(stamp), layout.split("^")[0], reader) if stamp.isdigit() else None
        return unescape(label) if shown is None else shown
    if target.startswith("!"):  # <!channel>, <!here>, <!subteam^S1|@leads>
        return label or "@" + target[1:].split("^")[0]
    if target.startswith("#") and not label and reader is not None:  # <#C123>, by its name
        return "#" + reader.channels.get(target[1:], target[1:])
    if target.startswith(("@", "#")):  # <@U123>, <#C123|support>
        return target[0] + label if label else target
    return f"{label} ({target})" if label else target


_MARKS = "*_~`"


def _opens(line: str, at: int) -> bool:
    # A mark opens where it follows no letter or digit and comes before something not a space.
    before, after = line[at - 1 : at], line[at + 1 : at + 2]
    return not (before.isalnum() or after.isspace() or not after)


def _closes(line: str, at: int) -> bool:
    # ... and closes after something not a space, before no letter or digit.
    before, after = line[at - 1 : at], line[at + 1 : at + 2]
    return not (before.isspace() or not before or after.isalnum())


def _formatting(line: str) -> str:
    """One line with Slack's pairing of its marks (never across lines, nothing inside code,
    a mark never inside its own span): paired marks as typed, a mark that could have paired
    but did not as `\\` and the mark."""
    spans = {m.start() + k for m in _LIVE.finditer(line) for k in range(len(m[0]))}
    paired: set[int] = set()
    inside: dict[str, int] = {}  # the end of the open span of each mark
    shown = []
    for at, char in enumerate(line):
        if char not in _MARKS or at in spans or at in paired or at < inside.get("`", -1):
            shown.append(char)
            continue
        free = at > inside.get(char, -1)
        end = next(
            (k for k in range(at + 2, len(line))
             if line[k] == char and k not in spans and _closes(line, k)),
            None,
        ) if free and _opens(line, at) else None  # fmt: skip
        if end is not None:
            paired.add(end)
            inside[char] = end
            shown.append(char)
        else:
            could = _opens(line, at) or _closes(line, at)
            shown.append(f"\\{char}" if could else char)
    return "".join(shown)


def show_live_markup(text: str, reader: Reader | None = None) -> str:
    """Mrkdwn as a Slack reader sees it: mentions, pings and links made visible as such,
    formatting marks as Slack pairs them, and dates in the `reader`'s zone (without one, the
    fallback each date carries)."""
    formatted = "\n".join(_formatting(line) for line in text.split("\n"))
    return unescape(_LIVE.sub(lambda match: _live(match, reader), formatted))


def text_of(obj: Json | str | None, reader: Reader | None = None) -> str:
    """The readable text of a text object (plain_text or mrkdwn) or a bare (mrkdwn) string."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return show_live_markup(obj, reader)
    if obj.get("type") == "plain_text":
        return unescape(str(obj.get("text", "")))
    return show_live_markup(str(obj.get("text", "")), reader)


def render_message(
    text: str, blocks: list[Json] | None = None, reader: Reader | None = None
) -> Rendered:
    """A message: its blocks when it has any (Slack then shows `text` only in notifications),
    otherwise its text."""
    if not blocks:
        return Rendered(show_live_markup(text, reader), ())
    renderer = _Renderer(reader=reader)
    for block in blocks:
        renderer.block(block)
    return renderer.result()


def render_view(
    view: Json,
    values: Json | None = None,
    errors: dict[str, str] | None = None,
    reader: Reader | None = None,
) -> Rendered:
    """A modal or home tab: title, blocks with each input's current value (from `values`,
    shaped like view.state.values) and any submission errors, then its submit and close
    buttons (a modal always has the one to close it)."""
    renderer = _Renderer(values or {}, errors or {}, reader)
    home = view.get("type") == "home"
    renderer.lines.append("[home]" if home else f"[modal] {text_of(view.get('title'))}")
    for block in view.get("blocks", []):
        renderer.block(block)
    if home:
        return renderer.result()
    submit = [f"[Submit: {text_of(view['submit'])}]"] if view.get("submit") else []
    renderer.lines.append("  ".join([*submit, f"[Close: {close_label(view)}]"]))
    return renderer.result()


def close_label(view: Json) -> str:
    """What a modal's close button says: the view's own words, or Slack's "Cancel"."""
    return text_of(view.get("close")) or "Cancel"


def state_display(entry: Json | None) -> str:
    """What an input shows for one view.state.values entry ("" when empty)."""
    if not entry:
        return ""
    if entry.get("value") is not None:
        return str(entry["value"])
    if entry.get("selected_option"):
        return text_of(entry["selected_option"].get("text"))
    if entry.get("selected_options"):
        return ", ".join(text_of(o.get("text")) for o in entry["selected_options"])
    for key in (
        "selected_date",
        "selected_time",
        "selected_user",
        "selected_conversation",
        "selected_channel",
    ):
        if entry.get(key):
            return str(entry[key])
    return ""


def options_of(element: Json) -> list[Json]:
    """An element's options, including those inside option groups."""
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options += group.get("options", [])
    return options


def _options_shown(element: Json) -> str:
    """A menu's options as Slack lists them: each with its description (in smaller type under
    it, here in brackets), grouped under their groups' labels."""

    def listed(options: list[Json]) -> str:
        shown = []
        for option in options:
            description = text_of(option.get("description"))
            shown.append(text_of(option.get("text")) + (f" ({description})" if description else ""))
        return " | ".join(shown)

    parts = [listed(element["options"])] if element.get("options") else []
    for group in element.get("option_groups", []):
        parts.append(f"{text_of(group.get('label'))}: {listed(group.get('options', []))}")
    return " ‖ ".join(parts)


class _Renderer:
    def __init__(
        self,
        values: Json | None = None,
        errors: dict[str, str] | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.values = values or {}
        self.errors = errors or {}
        self.reader = reader
        self.lines: list[str] = []
        self.elements: list[Element] = []

    def result(self) -> Rendered:
        return Rendered("\n".join(self.lines), tuple(self.elements))

    def block(self, block: Json) -> None:
        kind = block.get("type")
        block_id = str(block.get("block_id", ""))
        if kind == "section":
            if block.get("text"):
                self.lines += text_of(block["text"], self.reader).splitlines()
            self.lines += [text_of(f, self.reader) for f in block.get("fields", [])]
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "image":
                self.lines.append(f"[image: {accessory.get('alt_text', '')}]")
            elif accessory:
                self.lines.append(self.element(accessory, block_id))
        elif kind == "context":
            parts = [
                f"[image: {e.get('alt_text', '')}]"
                if e.get("type") == "image"
                else text_of(e, self.reader)
                for e in block.get("elements", [])
            ]
            self.lines.append("  ".join(parts))
        elif kind == "header":
            self.lines.append(f"== {text_of(block.get('text'))} ==")
        elif kind == "divider":
            self.lines.append("----")
        elif kind == "image":
            self.lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "actions":
            self.lines.append(" ".join(self.element(e, block_id) for e in block["elements"]))
        elif kind == "input":
            self.input(block, block_id)
        elif kind == "rich_text":
            for element in block.get("elements", []):
                self.rich_text(element)
        else:
            self.lines.append(f"[{kind}]")

    def element(self, element: Json, block_id: str) -> str:
        """Number an interactive element and return how it shows: "[1 Helpful]"."""
        kind = element.get("type", "")
        label = text_of(element.get("text") or element.get("placeholder")) or kind
        options = tuple(text_of(o.get("text")) for o in options_of(element))
        self.elements.append(
            Element(
                index=len(self.elements) + 1,
                type=kind,
                label=label,
                action_id=str(element.get("action_id", "")),
                block_id=block_id,
                value=element.get("value"),
                options=options,
            )
        )
        shown = f"{label}: {_options_shown(element)}" if options else label
        return f"[{len(self.elements)} {shown}]"

    def input(self, block: Json, block_id: str) -> None:
        element = block.get("element", {})
        label = text_of(block.get("label"))
        if block.get("optional"):
            label += " (optional)"
        entry = self.values.get(block_id, {}).get(element.get("action_id", ""))
        shown = state_display(entry)
        if not shown and element.get("type") in _MENUS:
            options = " | ".join(text_of(o.get("text")) for o in options_of(element))
            shown = f"(one of: {options})"
        self.lines.append(f"{label}: {shown or '____'}")
        if hint := text_of(block.get("hint")):  # as Slack shows it, under the field
            self.lines.append(f"  ↳ {hint}")
        if block_id in self.errors:
            self.lines.append(f"  ! {self.errors[block_id]}")

    def rich_text(self, element: Json) -> None:
        kind = element.get("type")
        if kind == "rich_text_list":
            for n, item in enumerate(element.get("elements", []), start=1):
                bullet = f"{n}." if element.get("style") == "ordered" else "•"
                self.lines.append(f"{'  ' * element.get('indent', 0)}{bullet} {_inline(item)}")
        elif kind == "rich_text_preformatted":
            self.lines += ["    " + line for line in _inline(element).splitlines()]
        elif kind == "rich_text_quote":
            self.lines += ["> " + line for line in _inline(element).splitlines()]
        else:  # rich_text_section
            self.lines += _inline(element).splitlines()


def _inline(section: Json) -> str:
    """The text of a rich_text section, with mentions shown as the raw sequences they send."""
    parts = []
    for item in section.get("elements", []):
        kind = item.get("type")
        if kind == "text":
            parts.append(item.get("text", ""))
        elif kind == "link":
            parts.append(f"{item['text']} ({item['url']})" if item.get("text") else item["url"])
        elif kind == "user":
            parts.append(f"@{item.get('user_id')}")
        elif kind == "channel":
            parts.append(f"<#{item.get('channel_id')}>")
        elif kind == "broadcast":
            parts.append(f"<!{item.get('range')}>")
        elif kind == "emoji":
            parts.append(f":{item.get('name')}:")
    return "".join(parts)
