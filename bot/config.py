"""Settings from the environment (and `.env`), each one documented in `.env.example`."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SLACK_API_DEFAULT = "https://slack.com/api/"
# The default number of HTTP worker processes is one per CPU, but no more than this: every
# worker holds its own FAQ index, and they all write to one SQLite file, one at a time.
WEB_WORKERS_MOST = 8


class SettingError(Exception):
    """A missing or malformed setting; the message is one line that names it."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str  # empty: HTTP mode
    slack_api_url: str
    port: int
    database_path: Path
    knowledge_dir: Path
    playbooks_dir: Path
    web_workers: int = 1  # HTTP mode: processes serving PORT; Socket Mode uses one process
    host: str = "0.0.0.0"  # HTTP mode: the address to listen on; 0.0.0.0 is every interface
    outbox_claim_timeout: int = 120  # seconds a send may be in flight before another takes over

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity, which a container's cpuset narrows
    (a CPU quota does not show here; set WEB_WORKERS there)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity
        return os.cpu_count() or 1


def default_web_workers() -> int:
    return min(usable_cpus(), WEB_WORKERS_MOST)


def load_env_file(path: str | Path = ".env") -> None:
    """Read `.env` if there is one; the real environment wins over the file."""
    from dotenv import load_dotenv

    load_dotenv(path, override=False)


# The example values of .env.example: copied as they are, they would reach Slack as a token.
PLACEHOLDERS = {
    "SLACK_BOT_TOKEN": "xoxb-your-bot-token",
    "SLACK_SIGNING_SECRET": "your-signing-secret",
}


def read_settings(
    env: Mapping[str, str] | None = None, *, need_slack: bool = True,
    need_signing_secret: bool | None = None,
) -> Settings:  # fmt: skip
    """Build Settings from `env` (default: os.environ); raise SettingError naming the bad one.
    `need_slack`: the command talks to Slack (a bot token); `need_signing_secret` (as
    need_slack unless given): it also takes requests from Slack."""
    env = os.environ if env is None else env
    if need_signing_secret is None:
        need_signing_secret = need_slack

    def text(name: str, default: str = "", required: bool = False) -> str:
        value = env.get(name, "").strip() or default
        if required and not value:
            raise SettingError(f"{name} is not set (see .env.example)")
        if value and value == PLACEHOLDERS.get(name):
            raise SettingError(
                f"{name} is still the example value from .env.example; put in your own "
                "(the README's 'Connecting to a real Slack workspace' says where to find it)"
            )
        return value

    bot_token = text("SLACK_BOT_TOKEN", required=need_slack)
    if bot_token and not bot_token.startswith("xoxb-"):
        raise SettingError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    app_token = text("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        raise SettingError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    api_url = text("SLACK_API_URL", SLACK_API_DEFAULT)
    if not api_url.startswith(("http://", "https://")):
        raise SettingError(f"SLACK_API_URL must be an http(s) URL, not {api_url!r}")
    port_text = text("PORT", "3000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingError(f"PORT must be a number from 1 to 65535, not {port_text!r}")
    host = text("HOST", "0.0.0.0")
    try:
        # An address literal, not a name: what the bot listens on is then exactly what the
        # setting says, decided without a DNS look-up at start-up.
        ipaddress.ip_address(host)
    except ValueError:
        raise SettingError(
            f"HOST must be an IP address to listen on (0.0.0.0, 127.0.0.1, ::), not {host!r}"
        ) from None
    workers_text = text("WEB_WORKERS", str(default_web_workers()))
    if not workers_text.isdigit() or int(workers_text) < 1:
        raise SettingError(f"WEB_WORKERS must be a number of at least 1, not {workers_text!r}")
    claim_text = text("OUTBOX_CLAIM_TIMEOUT", "120")
    if not claim_text.isdigit() or int(claim_text) < 1:
        raise SettingError(
            f"OUTBOX_CLAIM_TIMEOUT must be a number of seconds, at least 1, not {claim_text!r}"
        )
    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=text(
            "SLACK_SIGNING_SECRET", required=need_signing_secret and not app_token
        ),
        slack_app_token=app_token,
        # WebClient joins method names onto the base URL, so it must end with "/".
        slack_api_url=api_url.rstrip("/") + "/",
        port=int(port_text),
        database_path=Path(text("DATABASE_PATH", "repbot.db")),
        knowledge_dir=Path(text("KNOWLEDGE_DIR", "knowledge")),
        playbooks_dir=Path(text("PLAYBOOKS_DIR", "playbooks")),
        web_workers=int(workers_text),
        host=host,
        outbox_claim_timeout=int(claim_text),
    )
