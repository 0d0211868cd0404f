"""Nothing acknowledged is lost, nothing is done twice: load and SIGKILLs against real processes.

Starts the emulator (FakeSlack) in a process of its own and `repbot run` (HTTP mode, --workers
worker processes) on a fresh database with the repo's knowledge/ and playbooks/ and the sample
customers. Sends mixed signed requests from 8 threads (/faq, /case, /note, /followup, direct
messages, button clicks), each with a unique marker; at random moments kills the bot's whole
process tree with SIGKILL and starts it again on the same database. Events that got no 2xx are
sent again as Slack does (same event_id, X-Slack-Retry-Num 1..3). Then waits for the outbox to
drain, prints the figures and exits 1 if an invariant failed. A click counts its own /faq, and
each kill one event sent while nothing listens, so a little more than --requests is sent. Run:

    .venv/bin/python scripts/fault_load.py [--requests 600] [--kills 5] [--seed N] [--workers 2]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from bot.emulator.faults import Setup, run

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests to send")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of the whole bot")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable mix")
    parser.add_argument("--workers", type=int, default=2, help="WEB_WORKERS of repbot run")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    print(f"seed {seed}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="repbot-faults-") as workdir:
        setup = Setup(
            knowledge_dir=ROOT / "knowledge",
            playbooks_dir=ROOT / "playbooks",
            customers_csv=ROOT / "data" / "sample_customers.csv",
            workdir=Path(workdir),
            workers=args.workers,
        )
        figures = run(setup, requests=args.requests, kills=args.kills, seed=seed)
    print(f"\nfigures after {time.monotonic() - started:.1f} s:")
    for line in figures.lines():
        print("  " + line)
    problems = figures.problems()
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if not problems:
        print("all invariants hold")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
