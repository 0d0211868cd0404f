"""Settings from the environment (and `.env`), each one documented in `.env.example`."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.shared.refusal import Refusal

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


# Where in the app's settings at https://api.slack.com/apps each Slack setting is found.
WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & "
    "Permissions page at https://api.slack.com/apps",
    "SLACK_APP_TOKEN": "generate an app-level token (xapp-...) with the scope connections:write "
    "under your app's Basic Information > App-Level Tokens at https://api.slack.com/apps",
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from your app's Basic Information > App "
    "Credentials at https://api.slack.com/apps",
}

# The tokens a Slack app's settings show, by prefix: what a token in the wrong setting is.
TOKEN_KINDS = {
    "xoxb-": "the bot token, for SLACK_BOT_TOKEN",
    "xapp-": "an app-level token, for SLACK_APP_TOKEN",
    "xoxp-": "a user token, which repbot does not use",
}

# The example values of .env.example: copied as they are, they would reach Slack as a token.
PLACEHOLDERS = {
    "SLACK_BOT_TOKEN": "xoxb-your-bot-token",
    "SLACK_SIGNING_SECRET": "your-signing-secret",
}


def _http_url(text: str) -> bool:
    """An http(s) URL with a host and, if any, a port number: what a request can go to."""
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 (a property that raises ValueError on a bad port)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# The content folders: the setting that names each, and what it holds, as a refusal says them.
CONTENT_FOLDERS = {
    "knowledge": ("KNOWLEDGE_DIR", "the FAQ's YAML files"),
    "playbooks": ("PLAYBOOKS_DIR", "the playbooks (roles.yaml and more)"),
}


def require_folder(name: str, folder: Path, holds: str) -> Path:
    """The folder a setting (or option) names, for a command that loads it whole: SettingError
    in one line when it is not there (the files' own problems are for the content check)."""
    if folder.is_dir():
        return folder
    if folder.is_absolute():
        raise SettingError(f"{name} {folder} is not a folder; set it to the folder of {holds}")
    # Most often a command run outside the clone: say where it looked.
    raise SettingError(
        f"{name} {folder} is not a folder in {Path.cwd()}; run repbot in the folder that has "
        f"{folder}/, or set {name} to the folder of {holds}"
    )


def require_content(kind: str, folder: Path, option: str | None = None) -> Path:
    """The knowledge or playbooks folder (`kind`), which must be one: SettingError names the
    command's `option` that gave it, else the setting."""
    setting, holds = CONTENT_FOLDERS[kind]
    return require_folder(option or setting, folder, holds)


@contextmanager
def setting_named(name: str) -> Iterator[None]:
    """A Refusal about the file or folder the setting `name` points at becomes the SettingError
    that names the setting."""
    try:
        yield
    except Refusal as error:
        raise SettingError(f"{name}: {error}") from None


class Environment:
    """The settings in `env` (default: os.environ), each read and checked when a command asks
    for it, so that a command refuses only a setting it uses: `repbot check` runs with the
    example token of .env.example, or a PORT that only `repbot run` would mind. Each method
    returns its setting or raises SettingError in one line that names it."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = os.environ if env is None else env

    def text(
        self, name: str, default: str = "", required: bool = False, otherwise: str = ""
    ) -> str:
        """The setting `name`; SettingError if `required` and not set, ending with `otherwise`
        (what else would do)."""
        value = self.env.get(name, "").strip() or default
        if required and not value:
            raise SettingError(  # only Slack's credentials are required: WHERE_TO_GET has each
                f"{name} is not set; {WHERE_TO_GET[name]}, and put it in .env (see .env.example) "
                f"or the environment{otherwise}"
            )
        if value and value == PLACEHOLDERS.get(name):
            raise SettingError(
                f"{name} is still the example value from .env.example; {WHERE_TO_GET[name]}, "
                "and put it in .env in its place"
            )
        return value

    def _token(self, name: str, prefix: str, required: bool = False) -> str:
        """A Slack token, which must start with `prefix`."""
        token = self.text(name, required=required)
        if token and not token.startswith(prefix):
            # Which token it is instead, by its prefix alone: the token itself is never said.
            kind = next(
                (f", not {p} ({k})" for p, k in TOKEN_KINDS.items() if token.startswith(p)), ""
            )
            raise SettingError(f"{name} must start with {prefix}{kind}; {WHERE_TO_GET[name]}")
        return token

    def bot_token(self) -> str:
        return self._token("SLACK_BOT_TOKEN", "xoxb-", required=True)

    def app_token(self) -> str:
        return self._token("SLACK_APP_TOKEN", "xapp-")

    def signing_secret(self) -> str:
        """Required in HTTP mode; Socket Mode (an app token) needs none and reads none, so the
        example value of .env.example may stay in a .env for Socket Mode."""
        if self.app_token():
            return ""
        return self.text(
            "SLACK_SIGNING_SECRET",
            required=True,
            otherwise=" (HTTP mode checks every request with it; or set SLACK_APP_TOKEN to "
            "connect over Socket Mode, which needs none)",
        )

    def api_url(self) -> str:
        url = self.text("SLACK_API_URL", SLACK_API_DEFAULT)
        if not _http_url(url):
            raise SettingError(
                f"SLACK_API_URL must be an http(s) URL such as {SLACK_API_DEFAULT}, not {url!r}"
            )
        return url.rstrip("/") + "/"  # WebClient joins method names onto it

    def port(self) -> int:
        port = self.text("PORT", "3000")
        # 0: a free port the system picks as the socket is bound, named in the log's "serving"
        # line (what the tests' `repbot run` processes use, so that none races another for one)
        if not port.isdigit() or not 0 <= int(port) < 65536:
            raise SettingError(f"PORT must be a number from 0 to 65535, not {port!r}")
        return int(port)

    def host(self) -> str:
        host = self.text("HOST", "0.0.0.0")
        try:
            # An address literal, not a name: what the bot listens on is then exactly what the
            # setting says, decided without a DNS look-up at start-up.
            ipaddress.ip_address(host)
        except ValueError:
            raise SettingError(
                f"HOST must be an IP address to listen on (0.0.0.0, 127.0.0.1, ::), not {host!r}"
            ) from None
        return host

    def web_workers(self) -> int:
        workers = self.text("WEB_WORKERS", str(default_web_workers()))
        if not workers.isdigit() or int(workers) < 1:
            raise SettingError(f"WEB_WORKERS must be a number of at least 1, not {workers!r}")
        return int(workers)

    def outbox_claim_timeout(self) -> int:
        seconds = self.text("OUTBOX_CLAIM_TIMEOUT", "120")
        if not seconds.isdigit() or int(seconds) < 1:
            raise SettingError(
                f"OUTBOX_CLAIM_TIMEOUT must be a number of seconds, at least 1, not {seconds!r}"
            )
        return int(seconds)

    def database_path(self) -> Path:
        return Path(self.text("DATABASE_PATH", "repbot.db"))

    def knowledge_dir(self) -> Path:
        return Path(self.text("KNOWLEDGE_DIR", "knowledge"))

    def playbooks_dir(self) -> Path:
        return Path(self.text("PLAYBOOKS_DIR", "playbooks"))

    def semantic(self) -> bool:
        """Whether FAQ matching may use the sentence encoder (when `repbot[semantic]` is
        installed; without it matching is lexical whatever this says)."""
        value = self.text("SEMANTIC", "on").lower()
        if value not in ("on", "off"):
            raise SettingError(f"SEMANTIC must be on or off, not {value!r}")
        return value == "on"

    def semantic_model(self) -> Path | None:
        """A folder with model.onnx and tokenizer.json to encode with instead of the model
        that `repbot[semantic]` installs (an air-gapped copy, or another model)."""
        folder = self.text("SEMANTIC_MODEL")
        if not folder:
            return None
        return require_folder("SEMANTIC_MODEL", Path(folder), "model.onnx and tokenizer.json")


def read_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Every setting, as `repbot run` uses them all; SettingError names the first bad one."""
    read = Environment(env)
    return Settings(
        slack_bot_token=read.bot_token(),
        slack_app_token=read.app_token(),
        slack_api_url=read.api_url(),
        port=read.port(),
        host=read.host(),
        web_workers=read.web_workers(),
        outbox_claim_timeout=read.outbox_claim_timeout(),
        slack_signing_secret=read.signing_secret(),
        database_path=read.database_path(),
        knowledge_dir=read.knowledge_dir(),
        playbooks_dir=read.playbooks_dir(),
    )
