"""A bare Bolt app served as `repbot run` serves HTTP, for bench_faq.py to compare against.

The same server (waitress behind the signature check and /healthz), the same pre-forked
worker processes and request threads, the same Bolt settings; its /faq only acknowledges,
echoing the text. What repbot costs beyond this is its own work. It reads the settings
`repbot run` reads (PORT, HOST, WEB_WORKERS, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
SLACK_API_URL); bench_faq.py starts it.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path

from slack_bolt import Ack, App

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.runtime import ACK_THREADS  # noqa: E402
from bot.slack.app import configured  # noqa: E402
from bot.slack.server import HttpServer  # noqa: E402
from bot.workers import Supervisor, listen, stop_on_signals  # noqa: E402


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    secret = os.environ["SLACK_SIGNING_SECRET"]
    app = App(
        token=os.environ["SLACK_BOT_TOKEN"],
        token_verification_enabled=False,
        signing_secret=secret,
        process_before_response=True,
    )
    configured(app.client, os.environ["SLACK_API_URL"])

    @app.command("/faq")
    def faq(ack: Ack, command: dict) -> None:
        ack(response_type="ephemeral", text=command.get("text", ""))

    host = os.environ.get("HOST", "127.0.0.1")
    sock = listen(host, int(os.environ["PORT"]))
    # as repbot run says it, with the port bound (PORT=0 leaves it to the system)
    logging.getLogger("bare_bolt").info(
        "serving at http://%s:%d/slack/events", host, sock.getsockname()[1]
    )

    def serve(number: int) -> int:
        stop_on_signals()
        HttpServer(app, secret, sock=sock, threads=ACK_THREADS).serve_forever()
        return 0

    workers = int(os.environ.get("WEB_WORKERS", "1"))
    if workers == 1:
        return serve(0)
    gc.freeze()  # as repbot run does before it forks
    return Supervisor(workers, serve).run()


if __name__ == "__main__":
    raise SystemExit(main())
