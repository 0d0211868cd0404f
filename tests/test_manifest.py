"""The Slack app manifest matches the bot: what Slack is told to send is handled, the scopes it
asks for are exactly those the bot's calls and events need, and what a lead pastes into Slack
is within Slack's limits."""

import inspect
import io
import re
from pathlib import Path
from unittest.mock import create_autospec

import pytest
import yaml
from slack_bolt import App
from slack_sdk import WebClient

from bot.emulator.script import DemoScript
from bot.emulator.team import TEAM
from bot.slack.boundary import Listeners
from bot.slack.ids import Command, Event
from bot.slack.listeners import register_listeners
from bot.slack.server import EVENTS_PATH

ROOT = Path(__file__).parent.parent
MANIFEST = yaml.safe_load((ROOT / "manifest.yaml").read_text())
DECLARED = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
# The bot scopes each Web API method needs (docs.slack.dev/reference/methods); views need none.
SCOPE_OF: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "users.info": ("users:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "views.open": (),
    "views.push": (),
    "views.update": (),
    "views.publish": (),
    "auth.test": (),
    # Called with the app-level token, whose scope (connections:write) is no bot scope.
    "apps.connections.open": (),
    # The outbox's look for a message in flight when a sender died (bot/slack/outbox.py), in a
    # person's DM with the bot, a channel or a private channel: wherever it posts.
    "conversations.open": ("im:write",),
    "conversations.history": ("im:history", "channels:history", "groups:history"),
}
# The bot scope each subscribed event needs; the others need none.
EVENT_SCOPE = {"message.im": ("im:history",)}
# Slack's limits on the manifest's fields (docs.slack.dev/reference/app-manifest).
LIMITS = {"name": 35, "description": 140, "display_name": 80,
          "command": 32, "command description": 2000, "usage_hint": 1000}  # fmt: skip


def web_api_methods_in_the_code() -> set[str]:
    """The Web API methods the bot's code names through slack-sdk's WebClient (`chat_update`
    is chat.update), called or handed on; the emulator, Slack's side, left out."""
    method_of = {}
    for name, function in inspect.getmembers(WebClient, inspect.isfunction):
        called = re.search(r'api_call\(\s*"([\w.]+)"', inspect.getsource(function))
        if called and not name.startswith("_"):
            method_of[name] = called[1]
    named = set()
    for path in (ROOT / "bot").rglob("*.py"):
        if "emulator" not in path.relative_to(ROOT).parts:
            named |= set(re.findall(r"\.(\w+)\b", path.read_text())) & method_of.keys()
    return {method_of[name] for name in named}


def registrations(kind: str) -> list:
    """What the bot's listeners register for with the app's `command`, `event`, `action`, ...
    (names and patterns), as registering them on a stand-in for the Bolt app shows."""
    app = create_autospec(App, instance=True)
    register_listeners(Listeners(app))
    return [call.args[0] for call in getattr(app, kind).call_args_list]


def registered(kind: str) -> set[str]:
    """The names registered for; the catch-alls, patterns, left out."""
    return {name for name in registrations(kind) if isinstance(name, str)}


def test_the_manifest_declares_exactly_the_commands_the_bot_listens_to():
    assert registered("command") == set(Command) == DECLARED


@pytest.mark.parametrize("command", sorted(DECLARED))
def test_every_declared_command_answers_a_rep(local, command):
    (reply,) = local.workspace.command("ana", command, "")
    assert reply.render().text.strip()


def test_the_manifest_subscribes_to_the_events_the_bot_listens_to():
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    # "message" is heard in direct messages only: the manifest asks for message.im alone
    assert {e.removesuffix(".im") for e in events} == registered("event") == set(Event)
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert "im:history" in MANIFEST["oauth_config"]["scopes"]["bot"]  # to hear message.im


def test_each_command_has_a_description_and_a_usage_hint_within_slacks_limits():
    info, bot = MANIFEST["display_information"], MANIFEST["features"]["bot_user"]
    assert 0 < len(info["name"]) <= LIMITS["name"]
    assert 0 < len(info["description"]) <= LIMITS["description"]
    assert 0 < len(bot["display_name"]) <= LIMITS["display_name"]
    for command in MANIFEST["features"]["slash_commands"]:
        name = command["command"]
        assert re.fullmatch(r"/[a-z0-9_-]+", name) and len(name) <= LIMITS["command"], name
        assert 0 < len(command["description"]) <= LIMITS["command description"], name
        assert 0 < len(command["usage_hint"]) <= LIMITS["usage_hint"], name


def test_slack_sends_everything_to_the_one_path_the_bot_serves():
    # In HTTP mode a lead replaces one address, as the manifest's comment and the README say.
    settings = MANIFEST["settings"]
    urls = {c["url"] for c in MANIFEST["features"]["slash_commands"]}
    urls |= {settings["event_subscriptions"]["request_url"]}
    urls |= {settings["interactivity"]["request_url"]}
    (url,) = urls
    assert url == f"https://repbot.example.com{EVENTS_PATH}"


def test_interactivity_is_on_for_the_bots_buttons_and_modals_and_nothing_else_is_asked():
    assert registrations("action") and registrations("view")
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    # No shortcuts and no menus whose options the bot loads: the manifest declares neither.
    assert registrations("shortcut") == registrations("options") == []
    assert "shortcuts" not in MANIFEST["features"]
    assert "message_menu_options_url" not in MANIFEST["settings"]["interactivity"]


def test_the_manifest_and_the_readme_agree_on_socket_mode():
    # As written the app connects over Socket Mode, the README's recommended way; the header
    # comment tells how to switch it to HTTP.
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    header = (ROOT / "manifest.yaml").read_text().split("display_information:")[0]
    assert "Socket Mode" in header and "socket_mode_enabled to false" in header
    readme = (ROOT / "README.md").read_text()
    assert "connects over **Socket Mode** when `SLACK_APP_TOKEN` is set" in readme
    assert "set `socket_mode_enabled: false`" in readme
    assert MANIFEST["settings"]["token_rotation_enabled"] is False  # one token, in .env


@pytest.mark.writes_content
def test_every_web_api_method_the_bot_calls_is_allowed_by_a_declared_scope(local):
    demo = DemoScript(local.workspace, TEAM, io.StringIO())
    demo.run_lines((ROOT / "scripts" / "demo.txt").read_text().splitlines())
    local.post_weekly_summary()
    # the emulator also logs answers to response URLs and a file's upload: not Web API methods
    called = {c.method for c in local.fake.calls} - {"response_url", "file_upload"}
    assert {"chat.postMessage", "users.info", "files.completeUploadExternal"} <= called
    assert called <= SCOPE_OF.keys(), "a method this test does not know the scope of"
    needed = {scope for method in called for scope in SCOPE_OF[method]}
    assert needed <= set(MANIFEST["oauth_config"]["scopes"]["bot"])


def test_the_manifest_asks_for_exactly_the_scopes_the_code_needs():
    # Read from the code, not from a run: a method called only after a crash counts too. A
    # scope nobody needs would be one more thing for a workspace admin to approve.
    called = web_api_methods_in_the_code()
    assert {"chat.postMessage", "users.info", "conversations.history"} <= called
    assert called <= SCOPE_OF.keys(), "a method this test does not know the scope of"
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    needed = {
        "commands",  # for the slash commands
        *(scope for method in called for scope in SCOPE_OF[method]),
        *(scope for event in events for scope in EVENT_SCOPE.get(event, ())),
    }
    declared = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"missing": needed - declared, "unused": declared - needed} == {
        "missing": set(),
        "unused": set(),
    }


def test_the_readme_names_everything_the_manifest_declares():
    # Step 1 of "Connecting to a real Slack workspace": what a person pastes, told in words.
    readme = (ROOT / "README.md").read_text()
    step = readme[readme.index("1. Go to <https://api.slack.com/apps>") :]
    step = step[: step.index("2. **Install to Workspace**")]
    declared = [
        *DECLARED,
        *MANIFEST["oauth_config"]["scopes"]["bot"],
        *MANIFEST["settings"]["event_subscriptions"]["bot_events"],
    ]
    assert [name for name in declared if f"`{name}`" not in step] == []
