"""Pre-forked worker processes for HTTP mode.

One Python process answers one request at a time (the interpreter lock) and the bot is CPU
bound, so a single process makes concurrent requests queue. The parent binds the port once,
forks `count` workers that all accept on that one socket (the kernel hands each connection
to whichever is free), and supervises them: a worker that dies is forked again, SIGTERM or
SIGINT stops them all cleanly. Everything the workers share lives in SQLite.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

from bot.shared.ticker import Ticker

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
POLL = 0.1  # seconds between the supervisor's looks at its workers
RESTART_DELAY = 1.0  # a worker slot is forked at most once a second: a crash loop stays cheap
STOP_GRACE = 15.0  # seconds workers get to finish the requests in hand before SIGKILL


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound by the parent before it forks: every worker inherits it,
    and a worker forked again later serves the same port without binding anything. `host` is
    an IPv4 or IPv6 address (the HOST setting)."""
    family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def stop_on_signals() -> None:
    """SIGTERM and SIGINT raise SystemExit in the main thread; waitress's run() ends on it
    after the requests in hand are answered."""

    def stop(signum: int, frame: object) -> None:
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)  # a second signal must not cut the drain short
        raise SystemExit(0)

    for each in STOP_SIGNALS:
        signal.signal(each, stop)


class Supervisor:
    """Forks workers 0 .. count-1, each running `work(number)` (its exit code), and keeps them
    running until SIGTERM or SIGINT. A worker forked again keeps its number, so work that only
    worker 0 does (the schedules) survives its crash."""

    def __init__(self, count: int, work: Callable[[int], int]) -> None:
        self.count = count
        self.work = work
        self.children: dict[int, int] = {}  # pid -> worker number
        self.forked_at: dict[int, float] = {}  # worker number -> when it was last forked
        self._stop_requested = False

    def run(self) -> int:
        """Supervise until stopped; 0 once every worker has exited."""

        def request_stop(signum: int, frame: object) -> None:
            # Only a flag: the loop below acts on it, outside the signal handler.
            self._stop_requested = True

        for each in STOP_SIGNALS:
            signal.signal(each, request_stop)
        due = dict.fromkeys(range(self.count), 0.0)  # worker number -> when to fork it
        deadline: float | None = None  # set once stopping: SIGKILL for workers still there
        while True:
            if self._stop_requested and deadline is None:
                log.info("stopping %d workers", len(self.children))
                deadline = time.monotonic() + STOP_GRACE
                self._signal_all(signal.SIGTERM)
            if deadline is None:
                for number, at in list(due.items()):
                    if time.monotonic() >= at:
                        del due[number]
                        self._fork(number)
            elif not self.children:
                log.info("all workers stopped")
                return 0
            elif time.monotonic() > deadline:
                log.warning("%d workers did not stop in time; killing them", len(self.children))
                self._signal_all(signal.SIGKILL)
                deadline = float("inf")
            for pid, status in self._exited():
                number = self.children.pop(pid)
                if deadline is None:
                    log.warning("worker %d (pid %d) %s; starting it again",
                                number, pid, _how_it_ended(status))  # fmt: skip
                    due[number] = self.forked_at[number] + RESTART_DELAY
            time.sleep(POLL)

    def _fork(self, number: int) -> None:
        # Stop signals are held back across fork until the worker has its own handlers:
        # one arriving in between must not reach the parent's handler in the child.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:
            stop_on_signals()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            self._be_worker(number)  # never returns
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        self.children[pid] = number
        self.forked_at[number] = time.monotonic()
        log.info("worker %d started (pid %d)", number, pid)

    def _be_worker(self, number: int) -> None:
        code = 1
        try:
            _watch_parent(os.getppid())
            code = self.work(number)
        except SystemExit as stopped:  # a stop signal before serving began
            code = stopped.code if isinstance(stopped.code, int) else 0
        except BaseException:
            log.exception("worker %d failed", number)
        finally:
            # os._exit: the parent's stack, atexit hooks and buffers are not the worker's.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _exited(self) -> list[tuple[int, int]]:
        """(pid, wait status) of every worker that has exited since the last look."""
        exited = []
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # none left at all
                break
            if pid == 0:  # some left, all running
                break
            exited.append((pid, status))
        return exited

    def _signal_all(self, signum: int) -> None:
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):  # exited meanwhile; the loop reaps it
                os.kill(pid, signum)


def _watch_parent(parent: int) -> None:
    """A worker whose supervisor died stops itself, rather than hold the port for ever."""

    def check() -> None:
        if os.getppid() != parent:
            log.warning("the supervisor (pid %d) is gone; stopping", parent)
            os.kill(os.getpid(), signal.SIGTERM)

    Ticker("watch-supervisor", 1.0, check).start()


def _how_it_ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with code {os.waitstatus_to_exitcode(status)}"
