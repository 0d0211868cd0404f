"""/faq end to end: signed HTTP requests into the bot, with the emulator as Slack.

A knowledge base grown to 10,000 entries, 8 concurrent senders; prints p50 and p99 latency
(request sent to answer received) and requests per second. The bot is `repbot run` in HTTP
mode, in processes of its own as in production, with `--workers` worker processes (default:
WEB_WORKERS's default, one per CPU). It matches with the lexical tier unless given
`--semantic` (a first build of 10,000 entries' phrasing vectors takes minutes). Run:

    .venv/bin/python scripts/bench_faq.py [--entries 10000] [--senders 8] [--requests 2000]
        [--workers N] [--warmup 50] [--semantic]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from bench_match import grow

from bot.config import default_web_workers
from bot.emulator.process import BotProcess
from bot.emulator.server import FakeSlack
from bot.emulator.team import TEAM
from bot.faq.knowledge import load_valid_knowledge

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=default_web_workers())
    parser.add_argument(
        "--warmup", type=int, default=50, help="requests before timing starts (default: 50)"
    )
    parser.add_argument(
        "--semantic", action="store_true", help="match with the semantic tier (repbot[semantic])"
    )
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
        # The bot runs in processes of its own, as in production, so that the senders here
        # do not compete with it for the interpreter lock. /faq answers in its
        # acknowledgement: the fake Slack here is only asked for auth.test at start-up.
        with FakeSlack() as fake:
            started = time.perf_counter()
            bot = BotProcess(
                fake,
                knowledge_dir=knowledge_dir,
                playbooks_dir=ROOT / "playbooks",
                db_path=Path(scratch) / "b.db",
                log=Path(scratch) / "bot.log",
                workers=args.workers,
                settings={"SEMANTIC": "on" if args.semantic else "off"},
            )
            print(
                f"{len(grown)} entries loaded and indexed in "
                f"{time.perf_counter() - started:.1f} s, {args.workers} workers"
            )
            response_url = fake.response_url()

            def send(n: int) -> float:
                start = time.perf_counter()
                response = bot.client.command(
                    "/faq",
                    questions[n % len(questions)],
                    user_id=TEAM[n % len(TEAM)].id,
                    response_url=response_url,
                )
                elapsed = time.perf_counter() - start
                if response.status != 200 or "blocks" not in response.json():
                    raise SystemExit(f"request {n} failed: {response.status} {response.body[:200]}")
                return elapsed

            with bot, ThreadPoolExecutor(args.senders) as pool:
                # Each worker process fills its own caches, so the first requests after a start
                # are slower; --warmup 2000 measures the steady state.
                list(pool.map(send, range(args.warmup)))
                started = time.perf_counter()
                latencies = sorted(pool.map(send, range(args.requests)))
                wall = time.perf_counter() - started

    def ms(percentile: int) -> float:
        return latencies[min(len(latencies) - 1, len(latencies) * percentile // 100)] * 1000

    print(
        f"/faq over HTTP, {args.workers} workers, {args.entries} entries, {args.senders} senders, "
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


if __name__ == "__main__":
    raise SystemExit(main())
