"""The Slack app manifest matches the bot: what Slack is told to send is handled, and what the
bot calls is allowed by the scopes it asks for."""

import io
from pathlib import Path
from unittest.mock import create_autospec

import pytest
import yaml
from slack_bolt import App

from bot.emulator.script import DemoScript
from bot.emulator.team import TEAM
from bot.slack.boundary import Listeners
from bot.slack.ids import Command, Event
from bot.slack.listeners import register_listeners

ROOT = Path(__file__).parent.parent
MANIFEST = yaml.safe_load((ROOT / "manifest.yaml").read_text())
DECLARED = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
# The scope each Web API method needs (api.slack.com/methods); views need none.
SCOPE_OF = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "auth.test": None,
    # The outbox's look for a message in flight when a sender died (bot/slack/outbox.py).
    "conversations.open": "im:write",
    "conversations.history": "channels:history",
}


def registered(kind: str) -> set[str]:
    """The names the bot's listeners register for with the app's `command` or `event`, as
    registering them on a stand-in for the Bolt app shows; the catch-alls, patterns, left out."""
    app = create_autospec(App, instance=True)
    register_listeners(Listeners(app))
    constraints = [call.args[0] for call in getattr(app, kind).call_args_list]
    return {name for name in constraints if isinstance(name, str)}


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


@pytest.mark.writes_content
def test_every_web_api_method_the_bot_calls_is_allowed_by_a_declared_scope(local):
    demo = DemoScript(local.workspace, TEAM, io.StringIO())
    demo.run_lines((ROOT / "scripts" / "demo.txt").read_text().splitlines())
    local.post_weekly_summary()
    # the emulator also logs answers to response URLs and a file's upload: not Web API methods
    called = {c.method for c in local.fake.calls} - {"response_url", "file_upload"}
    assert {"chat.postMessage", "users.info", "files.completeUploadExternal"} <= called
    assert called <= SCOPE_OF.keys(), "a method this test does not know the scope of"
    needed = {SCOPE_OF[method] for method in called} - {None}
    assert needed <= set(MANIFEST["oauth_config"]["scopes"]["bot"])


def test_the_outbox_may_look_up_a_message_in_flight_wherever_it_posts():
    # After a crash the sender reads the recipient's recent history, in a channel, a private
    # channel or a person's DM with the bot, before it sends a message again.
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"channels:history", "groups:history", "im:history", "im:write"} <= scopes


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
