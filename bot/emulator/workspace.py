"""The Slack client side of the emulator: what one user at a time types, clicks and sees.

Each action sends a real signed request to the app, lets the bot finish (`settle`), then turns
everything the bot did meanwhile (its HTTP answer, response URL posts, Web API calls recorded
by the fake) into the replies that user would see.
"""

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator.client import VERIFICATION_TOKEN, AppResponse, SignedClient
from bot.emulator.escaping import slack_encode
from bot.emulator.limits import check_message, check_view
from bot.emulator.render import (
    Element,
    Reader,
    Rendered,
    close_label,
    options_of,
    render_message,
    render_view,
    text_of,
)
from bot.emulator.server import Call, FakeSlack
from bot.emulator.team import APP_ID, TEAM_DOMAIN, TEAM_ID, Member, channel_id, member
from bot.emulator.webapi import with_block_ids

Json = dict[str, Any]

# view.state.values key and initial-value field for each input element type.
_STATE_KEYS: dict[str, tuple[str, str]] = {
    "static_select": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "multi_static_select": ("selected_options", "initial_options"),
    "checkboxes": ("selected_options", "initial_options"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
}
_TEXT_STATE = ("value", "initial_value")  # plain_text_input, number_input, email/url inputs


class DemoError(Exception):
    """What a person asked for cannot be done; the message says why in plain words."""


@dataclass(frozen=True)
class Reply:
    """Something the user sees appear or change.

    kind: "ephemeral" | "message" | "modal" | "home". `user` is who sees it (None: everyone
    in the channel). `edited`: it replaces an earlier one (chat.update, replace_original,
    views.update); `removed`: that message was deleted or the modal closed.
    """

    kind: str
    user: str | None = None
    channel: str | None = None
    text: str = ""
    blocks: list[Json] = field(default_factory=list)
    ts: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None  # the response URL it arrived through, if any
    view: Json | None = None  # modals and home tabs, as Slack stored them
    values: Json = field(default_factory=dict)  # a modal's view.state.values
    errors: dict[str, str] = field(default_factory=dict)  # block_id -> submission error
    edited: bool = False
    removed: bool = False

    @property
    def view_id(self) -> str | None:
        return self.view["id"] if self.view else None

    @property
    def shown_view(self) -> Json:
        """The view of a modal or home tab, which always has one."""
        if self.view is None:
            raise DemoError(f"this {self.kind} has no view")
        return self.view

    @property
    def callback_id(self) -> str | None:
        return self.view.get("callback_id") if self.view else None

    @property
    def private_metadata(self) -> str | None:
        return self.view.get("private_metadata") if self.view else None

    def render(self, reader: Reader | None = None) -> Rendered:
        """As Slack shows it; to a `reader`, with each date in their time zone."""
        if self.view is not None:
            return render_view(self.view, self.values, self.errors, reader)
        return render_message(self.text, self.blocks, reader)

    @property
    def elements(self) -> tuple[Element, ...]:
        return self.render().elements


@dataclass(frozen=True)
class _UrlContext:
    """Who a response URL answers, and which reply (if any) replace/delete_original means."""

    user: str
    channel: str | None
    source: tuple | None


class Workspace:
    """One Slack workspace as its members see it, driven through a real app over HTTP."""

    def __init__(
        self,
        fake: FakeSlack,
        client: SignedClient,
        settle: Callable[[], None] | None = None,
    ) -> None:
        self.fake = fake
        self.client = client
        self.settle = settle or (lambda: fake.wait_until_quiet(quiet=0.1, timeout=3.0))
        # Everything currently on screen, oldest first; a key identifies one message or view.
        self._screen: dict[tuple, Reply] = {}
        # The replies that have had buttons: one whose buttons a click took away is still
        # the latest with buttons, so that a second click is not pressed on an older one.
        self._had_buttons: set[tuple] = set()
        # Where each reply is in its place, as Slack keeps it: an edit never moves a message.
        self._posted: dict[tuple, int] = {}
        self._urls: dict[str, _UrlContext] = {}
        self._modals: dict[str, list[str]] = {}  # user id -> stack of open view ids
        self._ephemeral_count = 0
        self._cursor = len(fake.calls)  # calls before this index have been shown
        # Messages for one person (a DM, an ephemeral) that came while another was acting:
        # that person sees them at their next look, as Slack shows what came meanwhile.
        self._unseen: dict[str, list[Reply]] = {}

    # --- what a person does ------------------------------------------------------------------

    def command(
        self,
        user: str | Member,
        command: str,
        text: str = "",
        channel: str = "C0SUPPORT1",
        *,
        encoded: bool = False,
        times: int = 1,
    ) -> list[Reply]:
        """Type a slash command in a channel. Slack escapes and encodes the typed `text` (with
        this workspace's members and channels); `encoded=True` sends `text` exactly as given.
        `times` delivers the same request that many times at once."""
        who = self._member(user)
        channel_id_ = self.channel_id(channel)
        url = self.fake.response_url()
        self._urls[url] = _UrlContext(who.id, channel_id_, None)
        if not encoded:
            text = slack_encode(text, self.fake.members, self.fake.channels, in_command=True)
        trigger_id = self.client.new_trigger_id()
        response = self._at_once(
            lambda: self.client.command(
                command,
                text,
                encoded=True,
                user_id=who.id,
                user_name=who.name,
                channel_id=channel_id_,
                channel_name=self.fake.channels.get(channel_id_, ""),
                response_url=url,
                trigger_id=trigger_id,
            ),
            times,
            command,
        )
        replies = []
        if response.body.strip():
            try:
                message = response.json()
            except ValueError:
                message = {"text": response.body}
            if message.get("text") or message.get("blocks"):
                _refuse_if_slack_would(check_message(message), f"the answer to {command}")
            replies.append(self._show_response(self._urls[url], message, url))
        return replies + self._look_now(who)

    def click(
        self,
        user: str | Member,
        element: int | str,
        *,
        where: str | None = None,
        looking_at: str | None = None,
        times: int = 1,
    ) -> list[Reply]:
        """Press a button, by number or label, of the latest reply with buttons this user
        sees, and of that one only: a reply whose buttons a click took away stays the latest,
        so an older one's button is never pressed in its place. `looking_at` (a channel id,
        "DM", "home"): the place on the user's screen, whose replies alone count (and the open
        modal's, over any place); None: every place. With `where` (a channel, "DM", "home"),
        of an older message: the latest there with that label (by number: the latest there
        with buttons). The open modal's close button ("Cancel") is pressed by its label too.
        `times` delivers that press that many times at once (a double click)."""
        who = self._member(user)
        if isinstance(element, str) and where is None:
            modal = self._top_modal(who)
            if (
                modal is not None
                and element.strip().lower() == close_label(modal.shown_view).lower()
            ):
                return self.cancel(who)
        key, reply, target = self._find_element(who, element, where, looking_at)
        if target.type != "button":
            raise DemoError(f"{target.index} is a {target.type}, not a button")
        action: Json = {"type": "button", "text": _plain(target.label)}
        if target.value is not None:
            action["value"] = target.value
        return self._act(who, key, reply, target, action, times)

    def choose(self, user: str | Member, option: str) -> list[Reply]:
        """Pick the option with this label in a menu of the latest reply that has one."""
        who = self._member(user)
        for key, reply in reversed(self._screen.items()):
            if reply.user not in (None, who.id) or not reply.elements:
                continue
            for target in reply.elements:
                menu = _element_json(reply.blocks, target)
                for choice in options_of(menu) if menu else []:
                    if text_of(choice.get("text")).lower() == option.strip().lower():
                        action = {"type": target.type, "selected_option": choice}
                        return self._act(who, key, reply, target, action)
            menus = [e for e in reply.elements if e.options]
            if menus:
                shown = " | ".join(o for e in menus for o in e.options)
                raise DemoError(f'no option "{option}" in the last menu: {shown}')
        raise DemoError(f"there are no menus in the replies {who.name} can see")

    def _act(
        self, who: Member, key: tuple, reply: Reply, target: Element, action: Json, times: int = 1
    ) -> list[Reply]:
        """Send the block_actions payload Slack sends when `who` uses `target` in `reply`."""
        action |= {
            "action_id": target.action_id,
            "block_id": target.block_id,
            "action_ts": self.client.new_action_ts(),
        }
        payload = self._interaction("block_actions", who) | {"actions": [action]}
        if reply.view is not None:
            payload["container"] = {"type": "view", "view_id": reply.view_id}
            payload["view"] = self._view_payload(reply)
        else:
            url = self.fake.response_url()
            self._urls[url] = _UrlContext(who.id, reply.channel, key)
            payload["container"] = {
                "type": "message",
                "message_ts": reply.ts,
                "channel_id": reply.channel,
                "is_ephemeral": reply.kind == "ephemeral",
            }
            payload["channel"] = {"id": reply.channel, "name": self._channel_name(reply.channel)}
            payload["response_url"] = url
            payload["state"] = {"values": {}}
            if reply.kind != "ephemeral":  # Slack sends no message object for ephemerals
                payload["message"] = self._message_payload(reply)
        self._at_once(lambda: self.client.block_actions(payload), times, f'"{target.label}"')
        return self._look_now(who)

    def fill(self, label: str, value: str, user: str | Member | None = None) -> None:
        """Type (or choose) `value` in the open modal's field labelled `label`; an empty
        `value` empties the field, as deleting what was typed does."""
        key, modal = self._open_modal(self._member(user) if user is not None else None)
        inputs = [b for b in modal.shown_view["blocks"] if b.get("type") == "input"]
        # The demo shows optional fields as "Tags (optional)": either way of writing it works.
        label = label.strip().strip('"').strip()  # quoted or not, the label is said once
        wanted = label.lower().removesuffix("(optional)").strip()
        block = next((b for b in inputs if _label(b).lower() == wanted), None)
        # The label's first words will do where only one field starts with them ("Amount" for
        # "Amount (GBP), where it applies"), as a person reads a form.
        starting = [b for b in inputs if re.match(rf"{re.escape(wanted)}\b", _label(b).lower())]
        if block is None and wanted and len(starting) == 1:
            block = starting[0]
        if block is None:
            labels = ", ".join(f'"{_label(b)}"' for b in inputs) or "none"
            raise DemoError(f'no field labelled "{label}" in this modal (fields: {labels})')
        element = block["element"]
        entry = {
            "type": element["type"],
            _state_keys(element)[0]: self._state_value(element, value),
        }
        values = {**modal.values, block["block_id"]: {element["action_id"]: entry}}
        self._screen[key] = replace(modal, values=values)

    def submit(self, user: str | Member, *, times: int = 1) -> list[Reply]:
        """Press the open modal's submit button; `times` delivers that submission that many
        times at once (a double click, a resubmission after a timeout)."""
        who = self._member(user)
        key, modal = self._open_modal(who)
        if not modal.shown_view.get("submit"):
            # Slack shows no submit button on such a modal: it never sends a view_submission
            close = close_label(modal.shown_view)
            raise DemoError(
                f'this form has nothing to submit: it has only {close} (click "{close}" or '
                "cancel closes it)"
            )
        if missing := _unfilled(modal.shown_view, modal.values):
            # Slack's own client refuses it, field by field: the app never hears of it
            errors = dict.fromkeys(missing, "Please complete this required field.")
            self._screen[key] = replace(modal, errors=errors, edited=True)
            return [self._screen[key], *self._look_now(who)]
        payload = self._interaction("view_submission", who) | {
            "view": self._view_payload(modal),
            "response_urls": [],
        }
        response = self._at_once(
            lambda: self.client.view_submission(payload), times, "the modal submission"
        )
        ack = response.json() if response.body.strip() else {}
        action = ack.get("response_action")
        stack = self._modals[who.id]
        replies: list[Reply] = []
        if action == "errors":
            self._screen[key] = replace(modal, errors=dict(ack.get("errors", {})), edited=True)
            replies.append(self._screen[key])
        elif action in ("update", "push"):
            _refuse_if_slack_would(check_view(ack.get("view")), f'the "{action}" view')
            replacing = modal.view_id if action == "update" else None
            view = self.fake.open_view(ack["view"], replacing=replacing)
            if shown := self._show_view(who.id, view, action):  # None: closed meanwhile
                replies.append(shown)
        else:  # no action closes this view; "clear" closes the whole stack
            replies += self._close(stack, stack[:] if action == "clear" else stack[-1:])
        return replies + self._look_now(who)

    def _close(self, stack: list[str], view_ids: list[str]) -> list[Reply]:
        """Take these views of a modal stack off the screen, the top one first."""
        closed = []
        for view_id in reversed(view_ids):
            closed.append(replace(self._screen.pop(("view", view_id)), removed=True))
            stack.remove(view_id)
        return closed

    def cancel(self, user: str | Member) -> list[Reply]:
        """Press the open modal's close button ("Cancel"), as Slack does: nothing is submitted,
        the modal closes (a pushed one shows the one under it again; with clear_on_close the
        whole stack closes), and the app hears of it (view_closed) only if the view asked with
        notify_on_close. DemoError when this user has no modal open."""
        who = self._member(user)
        _, modal = self._open_modal(who)
        stack = self._modals[who.id]
        closing = stack[:] if modal.shown_view.get("clear_on_close") else stack[-1:]
        if modal.shown_view.get("notify_on_close"):
            payload = self._interaction("view_closed", who) | {
                "view": self._view_payload(modal),
                "is_cleared": len(closing) > 1,
            }
            del payload["trigger_id"]  # nothing can be opened from a modal's closing
            self._check(self.client.view_closed(payload), "the modal closing")
        return self._close(stack, closing) + self._look_now(who)

    def modal_open(self, user: str | Member) -> bool:
        """Whether this user has a modal open."""
        return self._top_modal(self._member(user)) is not None

    def direct_message(self, user: str | Member, text: str) -> list[Reply]:
        """Write `text` to the bot in one's direct message with it, as a message event."""
        who = self._member(user)
        self._check(self.client.event(self.fake.dm_event(who.id, text)), "the direct message")
        return self._look_now(who)

    def look(self, user: str | Member) -> list[Reply]:
        """Let the bot finish (`settle`), then show what `user` has not seen yet: what reached
        them alone while others were acting, then what the bot did since the last look. Call
        it after anything that makes the bot act other than this user's own actions (which
        return their replies themselves): a scheduled job, an event, another user's click."""
        who = self._member(user)
        return self._unseen.pop(who.id, []) + self._look_now(who)

    def look_everyone(self) -> list[Reply]:
        """Everything nobody has seen yet, whoever sees it (`Reply.user` says who): for when
        time passes and reminders go to several people at once."""
        unseen = [reply for replies in self._unseen.values() for reply in replies]
        self._unseen.clear()
        return unseen + self._news(None)

    def _look_now(self, who: Member) -> list[Reply]:
        """What the bot did since the last look that `who` sees; what only another person
        sees is kept for their next look."""
        replies = []
        for reply in self._news(who):
            if reply.user in (None, who.id):
                replies.append(reply)
            else:
                self._unseen.setdefault(reply.user, []).append(reply)
        return replies

    def _news(self, who: Member | None) -> list[Reply]:
        self.settle()
        calls = self.fake.calls
        if self._cursor > len(calls):  # the fake's log was cleared meanwhile
            self._cursor = 0
        new, self._cursor = calls[self._cursor :], len(calls)
        replies = []
        for call in new:
            if call.status != 200 or not call.response.get("ok"):
                continue  # Slack showed nothing for a failed call
            reply = self._from_call(who, call)
            if reply is not None:
                replies.append(reply)
        return replies

    def _from_call(self, who: Member | None, call: Call) -> Reply | None:
        body, response = call.body, call.response
        if call.method == "response_url":
            context = self._urls.get(body["response_url"])
            if context is None:
                return None  # a URL handed out by someone else (a test), not this workspace
            return self._show_response(context, body, body["response_url"])
        if call.method == "chat.postEphemeral":
            self._ephemeral_count += 1
            reply = Reply(
                "ephemeral",
                user=body["user"],
                channel=self.channel_id(str(body["channel"])),
                text=body.get("text", ""),
                blocks=with_block_ids(body.get("blocks") or []),
                ts=response["message_ts"],
            )
            return self._put(("ephemeral", self._ephemeral_count), reply)
        if call.method in ("chat.postMessage", "chat.update"):
            message = response["message"]
            reply = Reply(
                "message",
                user=self.fake.dm_reader(response["channel"]),  # a DM: only its reader sees it
                channel=response["channel"],
                text=message.get("text", ""),
                blocks=message.get("blocks", []),
                ts=response["ts"],
                thread_ts=message.get("thread_ts"),
                edited=call.method == "chat.update",
            )
            return self._put(("message", reply.channel, reply.ts), reply)
        if call.method.startswith("views.") and call.method != "views.publish" and who:
            # A trigger id came from this user's action, so a new modal opens for them.
            return self._show_view(who.id, response["view"], call.method.removeprefix("views."))
        if call.method == "files.completeUploadExternal" and response.get("channel"):
            titles = ", ".join(f["title"] or f["name"] for f in response["files"])
            comment = body.get("initial_comment") or ""
            reply = Reply(
                "message",
                user=self.fake.dm_reader(response["channel"]),
                channel=response["channel"],
                text=f"{comment}\n[file: {titles}]".strip(),
            )
            return self._put(("file", response["files"][0]["id"]), reply)
        if call.method == "views.publish":
            return self._put(
                ("home", body["user_id"]), self._view_reply(body["user_id"], response["view"])
            )
        return None

    def _show_response(self, context: _UrlContext, message: Json, url: str) -> Reply:
        """A slash command's answer or a response URL post, as Slack shows it."""
        key = context.source
        source = self._screen.get(key) if key else None
        if key and source is not None and message.get("delete_original"):
            return replace(self._screen.pop(key), removed=True)
        fields = {
            "text": message.get("text", ""),
            "blocks": with_block_ids(message.get("blocks") or []),
            "response_url": url,
        }
        if key and source is not None and message.get("replace_original"):
            if source.kind == "message" and source.channel and source.ts:
                self.fake.replace_message(source.channel, source.ts, message)
            return self._put(key, replace(source, **fields, edited=True))
        if message.get("response_type") == "in_channel":
            reply = Reply("message", channel=context.channel, ts=self.fake.new_ts(), **fields)
            return self._put(("message", reply.channel, reply.ts), reply)
        self._ephemeral_count += 1
        reply = Reply(
            "ephemeral", user=context.user, channel=context.channel, ts=self.fake.new_ts(), **fields
        )
        return self._put(("ephemeral", self._ephemeral_count), reply)

    def _show_view(self, user_id: str, view: Json, how: str = "open") -> Reply | None:
        """A modal opened ("open" starts a stack, "push" adds to it) or updated."""
        key = ("view", view["id"])
        if how == "update":
            old = self._screen.get(key)
            if old is None:
                return None  # not on anyone's screen (closed already)
            # Slack keeps what the user typed in inputs that are still there.
            fresh = self._view_reply(old.user or user_id, view)
            values = {
                block_id: {a: old.values.get(block_id, {}).get(a, e) for a, e in actions.items()}
                for block_id, actions in fresh.values.items()
            }
            return self._put(key, replace(fresh, values=values, edited=True))
        stack = self._modals.setdefault(user_id, [])
        if how == "open":
            for view_id in stack:
                self._screen.pop(("view", view_id), None)
            stack.clear()
        stack.append(view["id"])
        return self._put(key, self._view_reply(user_id, view))

    def _view_reply(self, user_id: str, view: Json) -> Reply:
        kind = "home" if view.get("type") == "home" else "modal"
        return Reply(kind, user=user_id, view=view, values=_initial_values(view))

    def _put(self, key: tuple, reply: Reply) -> Reply:
        self._screen.pop(key, None)  # re-insert so the screen stays in order of change
        self._screen[key] = reply
        self._posted.setdefault(key, len(self._posted))
        if not reply.removed and reply.elements:
            self._had_buttons.add(key)
        return reply

    # --- payload parts -----------------------------------------------------------------------

    def _interaction(self, kind: str, who: Member) -> Json:
        return {
            "type": kind,
            "user": {"id": who.id, "username": who.name, "name": who.name, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.client.new_trigger_id(),
            "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _view_payload(self, reply: Reply) -> Json:
        return {**reply.shown_view, "state": {"values": reply.values}}

    def _message_payload(self, reply: Reply) -> Json:
        message: Json = {"type": "message", "text": reply.text, "ts": reply.ts, "team": TEAM_ID}
        if reply.blocks:
            message["blocks"] = reply.blocks
        if reply.thread_ts:
            message["thread_ts"] = reply.thread_ts
        return message

    # --- lookups -----------------------------------------------------------------------------

    def _member(self, user: str | Member) -> Member:
        if isinstance(user, Member):
            return user
        try:
            return member(user, self.fake.members)
        except KeyError:
            names = ", ".join(m.name for m in self.fake.members)
            raise DemoError(f'no one called "{user}" in this team (try: {names})') from None

    def channel_id(self, channel: str) -> str:
        """The id of a channel given by name ("#support", "support") or id."""
        try:
            return channel_id(channel, self.fake.channels)
        except KeyError:
            if channel.startswith(("D", "U")):  # a DM; Slack resolves those itself
                return channel
            names = ", ".join("#" + n for n in self.fake.channels.values())
            raise DemoError(f'no channel "{channel}" (try: {names})') from None

    def _channel_name(self, channel: str | None) -> str:
        return self.fake.channels.get(channel or "", "directmessage")

    def reader(self, who: Member) -> Reader:
        """`who` reading now (by the emulator's clock), in their own time zone, in a Slack
        that knows this workspace's channels by name."""
        now = datetime.fromtimestamp(self.fake.clock(), UTC)
        return Reader(ZoneInfo(who.tz), now, self.fake.channels)

    def channel_label(self, channel: str | None) -> str:
        """How a person reads where a reply is: "#support", or "DM" for a direct message."""
        name = self.fake.channels.get(channel or "")
        return f"#{name}" if name else "DM"

    def _find_element(
        self, who: Member, wanted: int | str, where: str | None = None,
        looking_at: str | None = None,
    ) -> tuple[tuple, Reply, Element]:  # fmt: skip
        """The button `wanted` of the latest reply with buttons `who` sees (at `looking_at`,
        when given), or with `where` of the latest there that has it. Not there: which buttons
        the latest reply has, and which other message has a button so labelled, with the line
        that presses it."""
        seen = sorted(
            (
                (key, reply)
                for key, reply in self._screen.items()
                if reply.user in (None, who.id) and key in self._had_buttons
            ),
            key=lambda shown: self._posted[shown[0]],
            reverse=True,  # the latest posted first
        )
        with_buttons = seen
        if where is not None:
            place = self._place(where)
            with_buttons = [(k, r) for k, r in seen if self._place_of(r) == place]
        elif looking_at is not None:
            with_buttons = [(k, r) for k, r in seen if self._place_of(r) in (looking_at, "modal")]
        number = isinstance(wanted, int) or wanted.isdigit()
        label = str(wanted).strip().lower()

        def found_in(reply: Reply) -> Element | None:
            for e in reply.elements:
                if (e.index == int(wanted)) if number else (e.label.lower() == label):
                    return e
            return None

        # By its place, the latest message there with that label; else the latest reply only.
        for key, reply in with_buttons if where is not None and not number else with_buttons[:1]:
            if (target := found_in(reply)) is not None:
                return key, reply, target
        button = f"button {wanted}" if number else f'button "{wanted}"'
        there = f" in {where}" if where is not None else ""
        if not with_buttons:
            said = f"there are no buttons in the replies {who.name} can see{there}"
            if seen and looking_at is not None and where is None:
                said = (f"there are no buttons in {self._place_label(looking_at)}, where "
                        f"{who.name} is")  # fmt: skip
        else:
            latest = with_buttons[0][1]
            labels = " ".join(f"[{e.index} {e.label}]" for e in latest.elements)
            if where is not None:
                has = f"has {labels}" if labels else "has no buttons now"
                raise DemoError(f"no {button} in {where}; its latest message with buttons "
                                f"({self._describe(latest)}) {has}")  # fmt: skip
            said = (f"no {button} in the latest reply with buttons ({self._describe(latest)}): "
                    f"{labels or 'it has no buttons now'}")  # fmt: skip
        other = None if number or where else next((k for k, r in seen if found_in(r)), None)
        if other is not None:
            named, reply = str(wanted).strip(), self._screen[other]
            # `seen` is latest first: one after the latest with buttons here is older
            older = bool(with_buttons) and seen.index((other, reply)) > seen.index(with_buttons[0])
            said += (f'. "{named}" is on {"an older" if older else "another"} message '
                     f"({self._describe(reply)}): to press it there, type: "
                     f'click "{named}" in {self._place_name(reply)}')  # fmt: skip
        raise DemoError(said)

    def _place_label(self, place: str) -> str:
        """A place as `_place_of` names it, as a person reads it: "#support", "DM", "home"."""
        return place if place in ("DM", "home", "modal") else self.channel_label(place)

    def _place_of(self, reply: Reply) -> str:
        """Where a reply is, as `click ... in PLACE` names it: "home", "modal", "DM" or the
        channel's id."""
        if reply.kind in ("home", "modal"):
            return reply.kind
        return "DM" if self.channel_label(reply.channel) == "DM" else str(reply.channel)

    def _place(self, where: str) -> str:
        named = {"dm": "DM", "home": "home", "modal": "modal"}.get(where.strip().lower())
        return named or self.channel_id(where.strip())

    def _place_name(self, reply: Reply) -> str:
        return self._place_label(self._place_of(reply))

    def _describe(self, reply: Reply) -> str:
        """A reply as a person finds it on screen: where it is and how it starts."""
        where = {"home": "your Home tab", "modal": "the open modal"}.get(reply.kind)
        where = where or self.channel_label(reply.channel)
        # As Slack shows it: bold and italics are how it looks, not characters on screen.
        text = re.sub(r"\\?[*_~`]", "", reply.render().text)  # a printed mark (\*) too
        lines = [line.strip("=[] ") for line in text.splitlines()]
        first = next((line for line in lines if line and not line.startswith("modal]")), "")
        return f"{where}, “{_shortened(first, 40)}”" if first else where

    def _top_modal(self, who: Member) -> Reply | None:
        stack = self._modals.get(who.id, [])
        return self._screen.get(("view", stack[-1])) if stack else None

    def _open_modal(self, who: Member | None) -> tuple[tuple, Reply]:
        """The top modal of `who`, or with None of whoever's modal changed last."""
        if who is not None:
            user_id = who.id
        else:
            modals = [r for r in self._screen.values() if r.kind == "modal"]
            user_id = (modals[-1].user or "") if modals else ""
        stack = self._modals.get(user_id, [])
        if not stack:
            raise DemoError("there is no open modal")
        key = ("view", stack[-1])
        return key, self._screen[key]

    def _at_once(self, send: Callable[[], AppResponse], times: int, what: str) -> AppResponse:
        """Send one request `times` times at once; every copy must be answered 200. The answer
        shown is the one with the most to say (repeats are answered with nothing)."""
        if times == 1:
            return self._check(send(), what)
        with ThreadPoolExecutor(max_workers=times) as pool:
            responses = list(pool.map(lambda _: send(), range(times)))
        for response in responses:
            self._check(response, what)
        return max(responses, key=lambda response: len(response.body))

    def _check(self, response: AppResponse, what: str) -> AppResponse:
        if response.status != 200:
            raise DemoError(f"the app answered HTTP {response.status} to {what}: {response.body}")
        return response

    def _state_value(self, element: Json, value: str) -> Any:
        kind = element["type"]
        if not value:  # an emptied field, as Slack sends it: nothing typed or chosen
            return [] if _state_keys(element)[0] == "selected_options" else None
        if kind == "users_select":
            return self._member(value).id
        if kind in ("conversations_select", "channels_select"):
            return self.channel_id(value)
        if _state_keys(element)[0] == "selected_option":
            return _option(element, value)
        if _state_keys(element)[0] == "selected_options":
            return [_option(element, v) for v in value.split(",")]
        return value


def _refuse_if_slack_would(refusal: Json | None, what: str) -> None:
    """Slack shows the person an error, not an app's answer that breaks its limits."""
    if refusal is not None:
        explanations = " ".join(refusal.get("response_metadata", {}).get("messages", []))
        raise DemoError(f"Slack refused {what}: {refusal['error']} {explanations}".strip())


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(block: Json) -> str:
    return str(block.get("label", {}).get("text", ""))


def _option(element: Json, wanted: str) -> Json:
    """The option whose label or value is `wanted` (case-insensitive)."""
    options = options_of(element)
    for option in options:
        if wanted.strip().lower() in (
            option["text"]["text"].lower(),
            str(option.get("value")).lower(),
        ):
            return option
    labels = ", ".join(f'"{o["text"]["text"]}"' for o in options)
    raise DemoError(f'"{wanted}" is not one of the choices: {labels}')


def _unfilled(view: Json, values: Json) -> list[str]:
    """The block ids of required input fields (not `optional`) left empty: nothing chosen or
    typed. Spaces pass, as far as Slack documents it: the app has to refuse those itself."""
    missing = []
    for block in view.get("blocks", []):
        if block.get("type") != "input" or block.get("optional"):
            continue
        element = block["element"]
        state_key = _state_keys(element)[0]
        state = values.get(block["block_id"], {}).get(element["action_id"], {})
        value = state.get(state_key)
        if not value:
            missing.append(block["block_id"])
    return missing


def _state_keys(element: Json) -> tuple[str, str]:
    """Where view.state.values keeps an input element's value, and where the element holds its
    initial one."""
    return _STATE_KEYS.get(element["type"], _TEXT_STATE)


def _initial_values(view: Json) -> Json:
    """view.state.values as Slack fills it before the user types: initial values or empty."""
    values: Json = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        state_key, initial_key = _state_keys(element)
        initial = element.get(initial_key, [] if state_key == "selected_options" else None)
        values[block["block_id"]] = {
            element["action_id"]: {"type": element["type"], state_key: initial}
        }
    return values


def _plain(text: str) -> Json:
    return {"type": "plain_text", "text": text, "emoji": True}


def _element_json(blocks: list[Json] | None, target: Element) -> Json | None:
    """The element a rendered `target` came from, to read what the renderer left out."""
    for block in blocks or []:
        if block.get("block_id") != target.block_id:
            continue
        candidates = [*block.get("elements", []), block.get("accessory") or {}]
        candidates.append(block.get("element") or {})
        for element in candidates:
            if element.get("action_id") == target.action_id:
                return element
    return None
