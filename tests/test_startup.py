"""`repbot run` that cannot work stops in one line on standard error that names the setting
to fix and says what to do, with no traceback; a clean start logs no warning. The commands run
in this process (the `repbot` fixture in conftest.py), against the emulator or a plain HTTP
server on 127.0.0.1."""

import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import runtime
from bot.emulator.server import FakeSlack

ROOT = Path(__file__).parent.parent


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def web_server() -> Iterator[str]:
    """An HTTP server that is not Slack: every request is answered 404 with an HTML page."""

    class NotFound(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port nothing listens on, for as long as the test runs: bound here and never listened
    on, so a connection to it is refused, and no other process (the tests run in parallel)
    can bind it meanwhile, as one could a port handed out and taken back."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def settings(tmp_path: Path, fake: FakeSlack, **changed: str) -> dict[str, str]:
    """A whole environment that starts the bot against `fake`, with `changed` on top; a FAQ of
    one entry, whose index takes no time to build."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir(exist_ok=True)
    (knowledge / "faq.yaml").write_text(
        "- id: box\n  question: Where is my box?\n  answer: On its way.\n"
    )
    return {
        **env,
        "SLACK_BOT_TOKEN": fake.token,
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_PATH": str(tmp_path / "r.db"),
        "PORT": "0",  # a free port the system picks as the bot binds it
        "WEB_WORKERS": "1",
        "KNOWLEDGE_DIR": str(knowledge),
        **changed,
    }


def refusal(repbot, env: dict[str, str], *args: str) -> str:
    """The one line `repbot run` (or `args`) stops with."""
    done = repbot(*(args or ("run", "--env-file", os.devnull)), env=env)
    assert "Traceback" not in done.stderr
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    return line


def test_slack_that_cannot_be_reached_is_named_with_its_setting(
    repbot, tmp_path, fake, closed_port
):
    url = f"http://127.0.0.1:{closed_port}/api/"
    line = refusal(repbot, settings(tmp_path, fake, SLACK_API_URL=url))
    assert line == (
        f"repbot: Cannot reach Slack at {url} (SLACK_API_URL): Connection refused; check the "
        "URL or your network"
    )


def test_a_url_where_something_else_answers_is_not_taken_for_a_refused_token(
    repbot, tmp_path, fake, web_server
):
    for url, status in ((web_server, 404), (fake.api_url.removesuffix("api/"), 404)):
        line = refusal(repbot, settings(tmp_path, fake, SLACK_API_URL=url))
        assert line == (
            f"repbot: SLACK_API_URL {url} did not answer like Slack's Web API (HTTP {status} to "
            "auth.test); set it to the Web API's base URL, such as https://slack.com/api/"
        )


def test_a_token_slack_refuses_is_named_bot_or_app_level(repbot, tmp_path, fake):
    line = refusal(repbot, settings(tmp_path, fake, SLACK_BOT_TOKEN="xoxb-not-this-one"))
    assert line == (
        "repbot: SLACK_BOT_TOKEN was refused by Slack (invalid_auth); copy the Bot User OAuth "
        "Token (xoxb-...) from your app's OAuth & Permissions page at https://api.slack.com/apps"
    )
    line = refusal(repbot, settings(tmp_path, fake, SLACK_APP_TOKEN="xapp-1-not-this-one"))
    assert line == (
        "repbot: SLACK_APP_TOKEN was refused by Slack (invalid_auth); generate an app-level "
        "token (xapp-...) with the scope connections:write under your app's Basic Information > "
        "App-Level Tokens at https://api.slack.com/apps"
    )


def test_an_app_level_token_without_connections_write_says_which_scope(repbot, tmp_path, fake):
    # Slack's App-Level Tokens page offers several scopes; Socket Mode needs this one.
    fake.fail("apps.connections.open", 200, error="missing_scope")
    line = refusal(repbot, settings(tmp_path, fake, SLACK_APP_TOKEN="xapp-1-A-no-scope"))
    assert line == (
        "repbot: SLACK_APP_TOKEN lacks the scope Socket Mode needs (missing_scope); generate an "
        "app-level token (xapp-...) with the scope connections:write under your app's Basic "
        "Information > App-Level Tokens at https://api.slack.com/apps"
    )


def test_a_database_path_that_cannot_be_used_is_named_and_nothing_is_made(repbot, tmp_path, fake):
    missing = tmp_path / "no" / "such" / "folder" / "r.db"
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    cases = {
        missing: f"there is no folder {missing.parent} for the database {missing}; create the "
        "folder, or choose a file in one that exists",
        tmp_path: f"{tmp_path} is a folder; give the database's file, such as "
        f"{tmp_path / 'repbot.db'}",
        notes: f"{notes} is not a repbot database (not SQLite)",
        other: f"{other} is not a repbot database (another program's tables)",
    }
    for path, said in cases.items():
        line = refusal(repbot, settings(tmp_path, fake, DATABASE_PATH=str(path)))
        assert line == f"repbot: DATABASE_PATH: {said}"
    assert not (tmp_path / "no").exists()  # no folder made on the spot
    assert not fake.calls_to("auth.test")  # the files are checked before Slack is asked


def test_a_content_folder_that_is_not_there_is_named(repbot, tmp_path, fake):
    line = refusal(repbot, settings(tmp_path, fake, KNOWLEDGE_DIR=str(tmp_path / "faq")))
    assert line == (
        f"repbot: KNOWLEDGE_DIR {tmp_path / 'faq'} is not a folder; set it to the folder of "
        "the FAQ's YAML files"
    )


def test_env_example_as_it_is_is_refused_by_its_first_example_value(repbot, tmp_path, fake):
    env = {k: v for k, v in settings(tmp_path, fake).items() if not k.startswith("SLACK_")}
    line = refusal(repbot, env, "run", "--env-file", str(ROOT / ".env.example"))
    assert line.startswith("repbot: SLACK_BOT_TOKEN is still the example value from .env.example")


def test_commands_ask_only_for_the_settings_they_use(repbot, tmp_path, fake, closed_port):
    # The example values and settings only `repbot run` uses do not stop the other commands.
    env = settings(
        tmp_path, fake, SLACK_BOT_TOKEN="xoxb-your-bot-token", PORT="eighty",
        SLACK_SIGNING_SECRET="your-signing-secret", HOST="localhost", WEB_WORKERS="many",
        KNOWLEDGE_DIR=str(ROOT / "knowledge"), PLAYBOOKS_DIR=str(ROOT / "playbooks"),
    )  # fmt: skip
    done = repbot("match", env=env, stdin="where is my box\n")
    assert (done.returncode, done.stderr) == (0, "")
    done = repbot("tone", env=env, stdin="we cant do that\n")
    assert (done.returncode, done.stderr) == (0, "")
    crm = tmp_path / "crm.csv"
    crm.write_text("id,name,email,customer_since,tier\n")
    done = repbot("customers", "import", str(crm), env=env)  # DATABASE_PATH, made here
    assert (done.returncode, done.stderr) == (0, "")
    done = repbot("audit", "verify", env=env)
    assert (done.returncode, done.stderr) == (0, "")
    done = repbot("summary", env=env)
    assert (done.returncode, done.stderr) == (0, "")
    # A post needs the bot token and Slack's URL, and says in one line what is wrong with them.
    line = refusal(repbot, env, "summary", "--post")
    assert line.startswith("repbot: SLACK_BOT_TOKEN is still the example value")
    url = f"http://127.0.0.1:{closed_port}/api/"
    line = refusal(
        repbot, {**env, "SLACK_BOT_TOKEN": fake.token, "SLACK_API_URL": url}, "summary", "--post"
    )
    assert line.startswith(f"repbot: Cannot reach Slack at {url} (SLACK_API_URL)")


def test_a_clean_start_logs_no_warning(repbot, tmp_path, fake, monkeypatch, caplog):
    # Up to the point of serving: the content, the database, Slack's answer, the port.
    served: list[socket.socket] = []

    def serve_http(app, sender, services, executor, sock, *rest, **options) -> int:
        served.append(sock)
        sock.close()
        return 0

    monkeypatch.setattr(runtime, "serve_http", serve_http)
    caplog.set_level(logging.INFO, logger="bot.runtime")
    done = repbot("run", "--env-file", os.devnull, env=settings(tmp_path, fake))
    assert (done.returncode, len(served)) == (0, 1)
    assert done.stderr == ""  # no "As you gave `client` as well, `token` will be unused"
    # A lead who meant Socket Mode but left SLACK_APP_TOKEN empty learns it from the log.
    (serving,) = [r.getMessage() for r in caplog.records if "serving" in r.getMessage()]
    assert "(HTTP mode, as SLACK_APP_TOKEN is empty" in serving
    assert serving.endswith("set SLACK_APP_TOKEN for Socket Mode)")
    assert fake.calls_to("auth.test")
