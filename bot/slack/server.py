"""HTTP mode: Bolt behind waitress, a production WSGI server, at /slack/events."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

EVENTS_PATH = "/slack/events"


def health_checked(slack: Callable) -> Callable:
    """GET /healthz answers 200 for load balancers; everything else goes to Bolt."""

    def wsgi(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return wsgi


class HttpServer:
    """Serves the app on host:port (port 0 picks a free one), or on `sock`, a socket already
    listening (the one the worker processes share); `url` is the events endpoint."""

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        sock: socket.socket | None = None,
    ) -> None:
        wsgi = health_checked(SlackRequestHandler(app, path=EVENTS_PATH))
        where = {"host": host, "port": port} if sock is None else {"sockets": [sock]}
        # A short loop timeout lets stop() take effect at once instead of after a second.
        self._server = create_server(wsgi, threads=threads, asyncore_loop_timeout=0.05, **where)
        self.host = host if sock is None else sock.getsockname()[0]
        self.port = int(self._server.effective_port)
        self._thread: threading.Thread | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{EVENTS_PATH}"

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._run, name="repbot-http", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:
            # close() pulls the socket from under a select() in progress; only then is it fine.
            if not self._stopping:
                raise

    def stop(self) -> None:
        self._stopping = True
        self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
