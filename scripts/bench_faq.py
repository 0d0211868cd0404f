"""/faq end to end: signed HTTP requests into the bot, with the emulator as Slack.

A knowledge base grown to 10,000 entries, 8 concurrent senders; prints p50 and p99 latency
(request sent to answer received) and requests per second. The bot runs in its own process.
Run:

    .venv/bin/python scripts/bench_faq.py [--entries 10000] [--senders 8] [--requests 2000]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from bench_match import grow

from bot.core.knowledge import load_valid_knowledge
from bot.demo import LocalSlack
from bot.emulator.client import SignedClient
from bot.emulator.team import TEAM

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()

    starter = load_valid_knowledge(ROOT / "knowledge").entries
    rng = random.Random(1)
    # Questions as reps type them: the starter phrasings, lower-cased, some with a typo.
    questions = [typo(p.lower(), rng) for e in starter for p in e.phrasings]

    with tempfile.TemporaryDirectory(prefix="repbot-bench-") as scratch:
        knowledge_dir = Path(scratch) / "knowledge"
        knowledge_dir.mkdir()
        grown = grow(starter, args.entries)
        rows = [
            {"id": e.id, "question": e.question, "variants": list(e.variants), "answer": e.answer}
            for e in grown
        ]
        (knowledge_dir / "faq.yaml").write_text(yaml.safe_dump(rows, sort_keys=False))
        # The bot runs in a process of its own, as in production, so that the senders here
        # do not compete with it for the interpreter lock.
        bot = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(knowledge_dir), str(Path(scratch) / "b.db")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        started = time.perf_counter()
        ready = json.loads(bot.stdout.readline())
        print(f"{len(grown)} entries loaded and indexed in {time.perf_counter() - started:.1f} s")
        client = SignedClient(ready["url"], ready["secret"])

        def send(n: int) -> float:
            start = time.perf_counter()
            response = client.command(
                "/faq",
                questions[n % len(questions)],
                user_id=TEAM[n % len(TEAM)].id,
                response_url=ready["response_url"],
            )
            elapsed = time.perf_counter() - start
            if response.status != 200 or "blocks" not in response.json():
                raise SystemExit(f"request {n} failed: {response.status} {response.body[:200]}")
            return elapsed

        try:
            with ThreadPoolExecutor(args.senders) as pool:
                list(pool.map(send, range(50)))  # warm up: connections, users.info, caches
                started = time.perf_counter()
                latencies = sorted(pool.map(send, range(args.requests)))
                wall = time.perf_counter() - started
        finally:
            bot.stdin.close()  # the bot stops when its standard input closes
            bot.wait(timeout=30)

    def ms(percentile: int) -> float:
        return latencies[min(len(latencies) - 1, len(latencies) * percentile // 100)] * 1000

    print(
        f"/faq over HTTP, {args.entries} entries, {args.senders} senders, "
        f"{args.requests} requests: p50 {ms(50):.1f} ms, p99 {ms(99):.1f} ms, "
        f"{args.requests / wall:.0f} requests/s"
    )
    return 0


def typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters in about a third of the questions."""
    if len(text) < 8 or rng.random() > 0.33:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def serve(knowledge_dir: str, db_path: str) -> int:
    """The bot and the emulator, until standard input closes."""
    logging.getLogger("waitress").setLevel(logging.ERROR)  # "queue depth" notes under load
    with LocalSlack(Path(knowledge_dir), ROOT / "playbooks", Path(db_path)) as local:
        ready = {
            "url": local.server.url,
            "secret": local.settings.slack_signing_secret,
            "response_url": local.fake.response_url(),
        }
        print(json.dumps(ready), flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        raise SystemExit(serve(*sys.argv[2:4]))
    raise SystemExit(main())
