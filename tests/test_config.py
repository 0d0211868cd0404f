"""A missing or malformed setting stops start-up with one line that names it."""

import inspect
import re
from collections.abc import Iterator, Mapping
from contextlib import suppress
from pathlib import Path

import pytest

from bot.config import (
    SLACK_API_DEFAULT,
    Environment,
    SettingError,
    default_web_workers,
    read_settings,
)

ROOT = Path(__file__).parent.parent

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults_for_everything_but_the_slack_credentials():
    settings = read_settings(GOOD)
    assert settings.slack_api_url == SLACK_API_DEFAULT
    assert settings.port == 3000
    assert str(settings.database_path) == "repbot.db"
    assert str(settings.knowledge_dir) == "knowledge"
    assert str(settings.playbooks_dir) == "playbooks"
    assert settings.web_workers == default_web_workers()
    assert settings.host == "0.0.0.0"
    assert settings.outbox_claim_timeout == 120
    assert not settings.socket_mode


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "::", "::1"])
def test_host_is_an_ip_address_to_listen_on(host):
    assert read_settings({**GOOD, "HOST": host}).host == host


def test_web_workers_default_to_one_per_cpu_within_limits_and_can_be_set():
    assert 1 <= default_web_workers() <= 8
    assert read_settings({**GOOD, "WEB_WORKERS": "3"}).web_workers == 3


def test_port_0_leaves_the_port_to_the_system():
    # `repbot run` binds it and names the port in its "serving" line (tests/test_workers.py
    # reads it there, through BotProcess).
    assert read_settings({**GOOD, "PORT": "0"}).port == 0


def test_api_url_gets_the_trailing_slash_the_web_client_needs():
    settings = read_settings({**GOOD, "SLACK_API_URL": "http://127.0.0.1:9999/api"})
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"


def test_an_app_token_means_socket_mode_and_no_signing_secret_is_needed():
    settings = read_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A"})
    assert settings.socket_mode


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({**GOOD, "PORT": "eighty"}, "PORT"),
        ({**GOOD, "PORT": "70000"}, "PORT"),
        ({**GOOD, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({**GOOD, "WEB_WORKERS": "0"}, "WEB_WORKERS"),
        ({**GOOD, "WEB_WORKERS": "abc"}, "WEB_WORKERS"),
        ({**GOOD, "WEB_WORKERS": "-2"}, "WEB_WORKERS"),
        ({**GOOD, "HOST": "localhost"}, "HOST"),
        ({**GOOD, "HOST": "0.0.0"}, "HOST"),
        ({**GOOD, "HOST": "300.1.1.1"}, "HOST"),
        ({**GOOD, "HOST": "http://0.0.0.0"}, "HOST"),
        ({**GOOD, "OUTBOX_CLAIM_TIMEOUT": "0"}, "OUTBOX_CLAIM_TIMEOUT"),
        ({**GOOD, "OUTBOX_CLAIM_TIMEOUT": "2m"}, "OUTBOX_CLAIM_TIMEOUT"),
    ],
)
def test_bad_settings_are_named_in_one_line(env, named):
    with pytest.raises(SettingError) as raised:
        read_settings(env)
    message = str(raised.value)
    assert message.startswith(named)
    assert "\n" not in message


@pytest.mark.parametrize(
    ("env", "where"),
    [
        ({}, "OAuth & Permissions"),
        ({"SLACK_BOT_TOKEN": "junk"}, "OAuth & Permissions"),
        ({**GOOD, "SLACK_APP_TOKEN": "junk"}, "Basic Information > App-Level Tokens"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "Basic Information > App Credentials"),
    ],
)
def test_a_missing_or_wrong_slack_credential_says_where_in_slack_to_get_it(env, where):
    with pytest.raises(SettingError) as raised:
        read_settings(env)
    assert where in str(raised.value)
    assert "https://api.slack.com/apps" in str(raised.value)


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({**GOOD, "SLACK_BOT_TOKEN": "xoxp-1-2-3"},
         "SLACK_BOT_TOKEN must start with xoxb-, not xoxp- (a user token, which repbot does not "
         "use); copy the Bot User OAuth Token (xoxb-...)"),
        # The two tokens of Socket Mode, each in the other's place
        ({**GOOD, "SLACK_BOT_TOKEN": "xapp-1-A-2", "SLACK_APP_TOKEN": "xoxb-1-2"},
         "SLACK_BOT_TOKEN must start with xoxb-, not xapp- (an app-level token, for "
         "SLACK_APP_TOKEN)"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-1-2"},
         "SLACK_APP_TOKEN must start with xapp-, not xoxb- (the bot token, for SLACK_BOT_TOKEN)"),
        ({**GOOD, "SLACK_BOT_TOKEN": "1-2-abc"}, "SLACK_BOT_TOKEN must start with xoxb-; copy"),
    ],
)  # fmt: skip
def test_a_token_in_the_wrong_setting_is_named_by_its_kind_never_by_its_value(env, line):
    with pytest.raises(SettingError) as raised:
        read_settings(env)
    assert str(raised.value).startswith(line)
    assert "1-2" not in str(raised.value)


def test_socket_mode_minds_no_signing_secret_not_even_the_example_one():
    # .env.example copied, with the two tokens of the README's Socket Mode steps filled in
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A",
           "SLACK_SIGNING_SECRET": "your-signing-secret"}  # fmt: skip
    assert read_settings(env).slack_signing_secret == ""


def test_a_missing_signing_secret_says_socket_mode_needs_none():
    with pytest.raises(SettingError, match="set SLACK_APP_TOKEN to connect over Socket Mode"):
        read_settings({"SLACK_BOT_TOKEN": "xoxb-1"})


def test_the_example_values_of_env_example_are_refused_by_name():
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        with pytest.raises(SettingError, match=f"^{name} is still the example value") as raised:
            read_settings({**GOOD, name: example[name]})
        assert "https://api.slack.com/apps" in str(raised.value)  # where to get one


def test_a_command_reads_only_the_settings_it_asks_for():
    # .env.example copied as it is, and a PORT only `repbot run` would use: a command that
    # loads the content or posts a summary minds neither.
    read = Environment({"SLACK_SIGNING_SECRET": "your-signing-secret", "PORT": "eighty",
                        "SLACK_BOT_TOKEN": "xoxb-1-2-abc", "KNOWLEDGE_DIR": "faq"})  # fmt: skip
    assert read.knowledge_dir() == Path("faq")
    assert (read.bot_token(), read.api_url()) == ("xoxb-1-2-abc", SLACK_API_DEFAULT)
    with pytest.raises(SettingError, match="^PORT must be"):
        read.port()


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/api/", "https:///api/", "http://"])
def test_a_slack_api_url_that_no_request_could_go_to_is_refused(url):
    with pytest.raises(SettingError, match="^SLACK_API_URL must be an http"):
        read_settings({**GOOD, "SLACK_API_URL": url})


class Asked(Mapping[str, str]):
    """An empty environment that notes every name it is asked for."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.names.add(name)
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def settings_read() -> set[str]:
    """Every setting repbot reads: what each of Environment's readers asks for."""
    env = Asked()
    read = Environment(env)
    for name, method in inspect.getmembers(read, inspect.ismethod):
        if not name.startswith("_") and name != "text":
            with suppress(SettingError):  # a required one, not set: asked for all the same
                method()
    return env.names


def test_env_example_and_the_readme_document_every_setting_and_no_other():
    read = settings_read()
    assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "PORT"} <= read
    # Set or shown commented out, with the comment above it that says what it is.
    example = (ROOT / ".env.example").read_text()
    assert set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE)) == read
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Settings") :]
    table = table[: table.index("\n\n", table.index("| setting |"))]
    assert set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", table, re.MULTILINE)) == read
