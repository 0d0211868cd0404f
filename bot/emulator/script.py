"""Runs demo lines (typed or from a file) against a Workspace and prints a transcript."""

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from difflib import get_close_matches
from typing import TextIO

from bot.emulator.render import Reader, show_live_markup
from bot.emulator.team import Member, member
from bot.emulator.workspace import DemoError, Reply, Workspace

INDENT = "    "

# `click 2`, `click "Approve"`, `click Approve`, each optionally `in #channel`, `in DM`, `in home`.
_CLICK = re.compile(
    r'click\s+(?:(\d+)|"([^"]+)"|(\S.*?))(?:\s+in\s+(#[\w-]+|dm|home|modal))?', re.IGNORECASE
)
# `fill "Field" value`; without a value (or with `""`) the field is emptied.
_FILL = re.compile(r'fill\s+(?:"([^"]+)"|(\S+))(?:\s+(.*))?', re.IGNORECASE)
_CHOOSE = re.compile(r'choose\s+(?:"([^"]+)"|(\S.*))', re.IGNORECASE)
_IN = re.compile(r"in\s+(#?[\w-]+)", re.IGNORECASE)


# The lines a person can type, as `help` shows them.
LINES = (
    ("/command text", "a slash command, typed by the current user in the current channel"),
    ("dm text", "a direct message to the bot from the current user"),
    ("as NAME", "switch user (default: ana), who sees what reached them meanwhile"),
    ("in #channel", "switch channel (default: #support)"),
    ("click N", "press button N of the latest reply with buttons where you are (or the modal)"),
    ('click "Label"', "... or its button with that label"),
    ('click "Label" in #channel', "press it on another or older message (or in DM, in home)"),
    ('choose "Option"', "pick the option with that label in a menu of the latest reply"),
    ('fill "Field" value', "type a value into the open modal's field (no value: empty it)"),
    ("submit", "submit the open modal"),
    ("cancel", 'close the open modal without submitting it (or: click "Cancel")'),
    ("# comment", "echoed as is"),
    ("quit", "leave the demo (or: exit, Ctrl-D)"),
    ("help", "these lines"),
)
QUIT = ("quit", "exit")


# A member's id as the renderer shows a live mention ("@U0ANA0001"); text the bot escaped
# shows in its brackets ("<@U0ANA0001>", typed by a customer) and stays as it is. The tests
# read the ids; only the demo's reader gets the names, as Slack shows them.
_MENTION = re.compile(r"(?<!<)@([UW][A-Z0-9]{8,})")


class DemoScript:
    """Runs demo lines (`LINES`; `help` prints them).

    `extra_commands` maps a first word to a handler that gets the rest of the line, so later
    features can add lines such as `wait 2h`; a handler can print with `show(replies)`, and
    `extra_help` says what such a line does, for `help`. `commands` are the slash commands the
    app declares: another one typed is answered as Slack answers it, and never sent.
    """

    def __init__(
        self,
        workspace: Workspace,
        team: Sequence[Member],
        out: TextIO,
        extra_commands: dict[str, Callable[[str], None]] | None = None,
        echo: bool = True,
        extra_help: Sequence[tuple[str, str]] = (),
        commands: Sequence[str] = (),
        notifications: bool = False,
    ) -> None:
        self.workspace = workspace
        # Under each message, its notification: the plain text a phone shows of it, which the
        # rendered blocks above do not (a message's `text`, Slack's markup read as Slack shows it).
        self.notifications = notifications
        self.team = tuple(team)
        self.out = out
        self.extra_commands = dict(extra_commands or {})
        self.extra_help = tuple(extra_help)  # ("wait 2h", "time passes for the bot"), ...
        self.user = member("ana", self.team)
        self.channel = "C0SUPPORT1"
        # What is on the person's screen, whose buttons a bare `click` presses: the channel
        # they type in, their DM with the bot after `dm`, or the Home tab after `home`.
        self.place = self.channel
        self.echo = echo  # at a terminal prompt the person's typing is already on screen
        self.finished = False  # `quit` or `exit` was typed
        # The slash commands the app declares, as its manifest does: Slack sends it no other.
        # Empty: every command goes to the app.
        self.commands = tuple(commands)

    def run_lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.run_line(line)
            if self.finished:
                return

    def run_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.startswith("#"):
            self._print(line)
            return
        if self.echo:
            self._print(f"{self.user.name}> {line}")
        try:
            self._run(line)
        except DemoError as error:  # it may quote a reply: its mentions read as in replies
            self._print(f"{INDENT}! {self._named(str(error))}")
        except OSError as error:  # the app or the fake is not answering
            self._print(f"{INDENT}! could not reach the app: {error}")

    def _run(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        word = word.lower()
        if line.startswith("/") and self.commands and word not in self.commands:
            self._no_such_command(word)
        elif line.startswith("/"):
            self.place = self.channel
            self.show(self.workspace.command(self.user, word, rest.strip(), self.channel))
        elif word in QUIT and not rest.strip():
            self.finished = True
        elif word == "as" and rest.strip():
            self._switch_user(rest.strip())
        elif word == "dm" and rest.strip():
            self.place = "DM"
            self.show(self.workspace.direct_message(self.user, rest.strip()))
        elif word == "submit" and not rest.strip():
            self.show(self.workspace.submit(self.user))
        elif word == "cancel" and not rest.strip():
            self._cancel()
        elif word == "help" and not rest.strip():
            self._full_help()
        elif word in self.extra_commands:
            self.extra_commands[word](rest.strip())
        elif match := _CLICK.fullmatch(line):
            number, quoted, bare, where = match.groups()
            target: int | str = int(number) if number else (quoted or bare)
            self.show(self.workspace.click(self.user, target, where=where, looking_at=self.place))
        elif match := _CHOOSE.fullmatch(line):
            self.show(self.workspace.choose(self.user, match.group(1) or match.group(2)))
        elif match := _FILL.fullmatch(line):
            quoted, bare, value = match.groups()
            self.workspace.fill(quoted or bare, _unquote(value or ""), self.user)
        elif match := _IN.fullmatch(line):
            self.channel = self.place = self.workspace.channel_id(match.group(1))
            self._print(f"{INDENT}(now in {self.workspace.channel_label(self.channel)})")
        else:
            self._not_understood(line, word)

    def _switch_user(self, name: str) -> None:
        try:
            self.user = member(name, self.team)
        except KeyError:
            self._print(f"{INDENT}! no one called {name!r}; the team: {self._team()}")
            return
        self.place = self.channel
        self._print(f"{INDENT}(now {self.user.real_name}, {self.user.role})")
        waiting = self.workspace.look(self.user)  # what reached them while others acted
        if waiting:
            self.show(waiting)

    def _team(self) -> str:
        return ", ".join(f"{m.name} ({m.role})" for m in self.team)

    def _cancel(self) -> None:
        if not self.workspace.modal_open(self.user):
            self._print(f"{INDENT}(no modal is open, so there is nothing to cancel)")
            return
        self.show(self.workspace.cancel(self.user))

    def _no_such_command(self, command: str) -> None:
        """What Slack says of a command no app in the workspace declares, and what to type."""
        if command == "/help":
            hint = "for the lines this demo understands, type help (without the slash)"
        elif close := get_close_matches(command, self.commands, n=1):
            hint = f"did you mean {close[0]}?"
        else:
            hint = "the app's commands are " + ", ".join(self.commands)
        self._print(f"{INDENT}! Slack: {command} is not a valid command; {hint}")

    def _not_understood(self, line: str, word: str) -> None:
        """What to type instead of a line that is none of the demo's."""
        if f"/{word}" in self.commands:
            self._print(f"{INDENT}? slash commands start with a slash: /{line}")
            return
        words = [way for way, _ in LINES if way not in ("help", 'click "Label" in #channel')]
        words += [*self.extra_commands, "help"]
        first_words = sorted({way.split()[0] for way in words if way[0].isalpha()})
        if word in first_words:  # a line of the demo's, without what it needs, or with more
            ways = [way for way, _ in LINES if way.split()[0] == word]
            self._print(f"{INDENT}? {word} is typed like this: " + " | ".join(ways))
            return
        if close := get_close_matches(word, first_words, n=1, cutoff=0.75):
            meant = close[0] + line[len(word) :]
            self._print(f"{INDENT}? not understood; did you mean: {meant} (help lists every line)")
            return
        self._print(
            f"{INDENT}? not understood. For a customer's words, type /faq {line} (or dm {line}); "
            "lines are: " + " | ".join(words)
        )

    def _full_help(self) -> None:
        extra = [(word, "") for word in self.extra_commands]
        described = {line.split()[0] for line, _ in self.extra_help}
        lines = [*LINES[:-1], *self.extra_help, *(e for e in extra if e[0] not in described)]
        width = max(len(line) for line, _ in lines)
        self._print(f"{INDENT}lines you can type:")
        for line, meaning in [*lines, LINES[-1]]:
            self._print(f"{INDENT}  {line.ljust(width)}  {meaning}".rstrip())
        self._print(f"{INDENT}the team: {self._team()}")

    def show(self, replies: list[Reply]) -> None:
        """Print replies under the current line (extra commands use it too), a mention of a
        member by their name, as Slack shows it ("@ana", not "@U0ANA0001")."""
        if not replies:
            self._print(f"{INDENT}(no reply)")
        for reply in replies:
            text = "" if reply.removed else reply.render(self._reader_of(reply)).text
            lines = self._named(text).splitlines()
            if reply.view is not None and lines:  # its first line says "[modal] Title"
                heading, lines = lines[0], lines[1:]
            else:
                heading = self._heading(reply)
            self._print(INDENT + heading)
            for text_line in lines:
                self._print(INDENT + "  " + text_line)
            if self.notifications and reply.view is None and not reply.removed:
                said = self._named(show_live_markup(reply.text, self._reader_of(reply)))
                self._print(f"{INDENT}  [notification] {' '.join(said.split())}")

    def _named(self, text: str) -> str:
        """A member's mention in `text` by their name, as Slack shows it ("@ana")."""
        names = {m.id: m.name for m in self.team}
        return _MENTION.sub(lambda found: "@" + names.get(found[1], found[1]), text)

    def _reader_of(self, reply: Reply) -> Reader:
        """Who reads `reply` as the transcript shows it, in their own time zone: a DM or an
        ephemeral its one reader (Ana's reminder on Ana's clock, whoever is at the prompt), a
        channel message the member at the prompt."""
        reader = self.user
        if reply.user is not None:
            with contextlib.suppress(KeyError):  # a member this team does not list
                reader = member(reply.user, self.team)
        return self.workspace.reader(reader)

    def _heading(self, reply: Reply) -> str:
        if reply.removed:
            return "(modal closed)" if reply.view is not None else "(message deleted)"
        where = self.workspace.channel_label(reply.channel)
        edited = " (edited)" if reply.edited else ""
        if reply.kind == "ephemeral":
            return f"{where}{edited} (only visible to you):"
        thread = " (in thread)" if reply.thread_ts else ""
        return f"{where}{thread}{edited}:"

    def _print(self, text: str) -> None:
        print(text, file=self.out)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value
