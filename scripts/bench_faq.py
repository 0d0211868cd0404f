"""/faq end to end: signed HTTP requests into the bot, with the emulator as Slack.

A knowledge base grown to 10,000 entries, 8 concurrent senders; prints p50 and p99 latency
(request sent to answer received) and requests per second. Run:

    .venv/bin/python scripts/bench_faq.py [--entries 10000] [--senders 8] [--requests 2000]
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

from bot.core.knowledge import load_valid_knowledge
from bot.demo import LocalSlack
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
        started = time.perf_counter()
        with LocalSlack(knowledge_dir, Path(scratch) / "bench.db") as local:
            print(
                f"{len(grown)} entries loaded and indexed in {time.perf_counter() - started:.1f} s"
            )

            def send(n: int) -> float:
                user = TEAM[n % len(TEAM)]
                start = time.perf_counter()
                response = local.client.command(
                    "/faq",
                    questions[n % len(questions)],
                    user_id=user.id,
                    response_url=local.fake.response_url(),
                )
                elapsed = time.perf_counter() - start
                if response.status != 200 or "blocks" not in response.json():
                    raise SystemExit(f"request {n} failed: {response.status} {response.body[:200]}")
                return elapsed

            with ThreadPoolExecutor(args.senders) as pool:
                list(pool.map(send, range(50)))  # warm up: connections, users.info, caches
                started = time.perf_counter()
                latencies = sorted(pool.map(send, range(args.requests)))
                wall = time.perf_counter() - started
            local.executor.wait_idle()
            stored = local.services.store.db.execute("SELECT count(*) FROM faq_queries")
            assert stored.fetchone()[0] == args.requests + 50

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


if __name__ == "__main__":
    raise SystemExit(main())
