"""`repbot run` in HTTP mode as a process of its own, exactly as in production, with the fake
Slack as its Web API: what the multi-worker tests and the /faq benchmark run against."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from bot.emulator.client import SignedClient

WORKER_STARTED = re.compile(r"worker (\d+) started \(pid (\d+)\)")
SERVING = re.compile(r"serving .*at http://[^/]*:(\d+)/slack/events")


class SlackApi(Protocol):
    """Where the bot finds Slack's Web API: a FakeSlack, here or in a process of its own."""

    # Read-only: FakeSlack's api_url is a property.
    @property
    def token(self) -> str: ...
    @property
    def api_url(self) -> str: ...


class BotProcess:
    """Starts `repbot run` (or `command`, which reads the same settings: the benchmark's bare
    Bolt app) with WEB_WORKERS=`workers` (and any further `settings`) and waits until it
    answers /healthz. It binds PORT=0, a port the system picks as it binds, and says which in
    its log: a port chosen here and bound there a moment later could be taken by another
    process in between (the tests run in parallel), and another bot on it would answer for
    this one. Its log (standard output and error) goes to `log`; `client` signs requests for
    it, once it is ready."""

    def __init__(
        self,
        fake: SlackApi,
        *,
        knowledge_dir: Path,
        playbooks_dir: Path,
        db_path: Path,
        log: Path,
        workers: int,
        ready_within: float = 120.0,
        settings: dict[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.log = log
        self.port = 0  # until its log says which port it bound
        self.secret = secrets.token_hex(16)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env.update(
            SLACK_BOT_TOKEN=fake.token,
            SLACK_SIGNING_SECRET=self.secret,
            SLACK_API_URL=fake.api_url,
            PORT="0",
            DATABASE_PATH=str(db_path),
            KNOWLEDGE_DIR=str(knowledge_dir),
            PLAYBOOKS_DIR=str(playbooks_dir),
            WEB_WORKERS=str(workers),
        )
        env.update(settings or {})
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                command or [sys.executable, "-m", "bot.cli", "run", "--env-file", os.devnull],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, so `kill` takes them all
            )
        try:
            self._wait_ready(ready_within)
        except BaseException:
            self.__exit__()
            raise
        self.client = SignedClient(f"{self.base_url}/slack/events", self.secret)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.port or self.health() != 200:
            if self.process.poll() is not None:
                raise RuntimeError(f"repbot run exited {self.process.returncode}:\n{self.output}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"repbot run not ready in {timeout} s:\n{self.output}")
            if not self.port and (serving := SERVING.search(self.output)):
                self.port = int(serving.group(1))
                continue
            time.sleep(0.01)  # a start takes about a second: poll finely, the check is cheap

    def health(self) -> int | None:
        """The status of GET /healthz; None when nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> dict[int, int]:
        """Worker number -> pid of the latest start of each worker, from the log."""
        return {int(n): int(pid) for n, pid in WORKER_STARTED.findall(self.output)}

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def kill(self) -> None:
        """SIGKILL to the supervisor and every worker at once, as when the machine loses power:
        nothing gets to finish or clean up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop()
        except subprocess.TimeoutExpired:
            self.process.kill()  # its workers notice and stop themselves
            self.process.wait()
