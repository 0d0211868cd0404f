"""/faq end to end: signed HTTP requests into the bot, with the emulator as Slack, against a
bare Bolt app served the same way.

A knowledge base grown to 10,000 entries, 8 concurrent senders; prints p50 and p99 latency
(request sent to answer received), requests per second, the time to start and each worker's
memory. The bot is `repbot run` in HTTP mode, in processes of its own as in production, with
`--workers` worker processes (default: WEB_WORKERS's default, one per CPU). In each run a bare
Bolt app (scripts/bare_bolt.py: the same server, workers, threads and signed requests, a /faq
that only acknowledges) answers the same requests right after, and the ratios say what repbot
adds to Bolt. The machine's load average is printed with each run: other work on the machine
shows in the figures. repbot matches with the lexical tier unless given `--semantic` (a
first build of 10,000 entries' phrasing vectors takes minutes). Run:

    .venv/bin/python scripts/bench_faq.py [--entries 10000] [--senders 8] [--requests 2000]
        [--workers N] [--warmup 50] [--runs 6] [--varied] [--no-bare]
        [--semantic]

--varied asks about the whole grown FAQ rather than the starter's questions, so that each
worker's caches fill as with a big team's real questions (for the memory figure).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from make_faq import write_faq

from bot.config import default_web_workers
from bot.emulator.process import BotProcess
from bot.emulator.server import FakeSlack
from bot.emulator.team import TEAM
from bot.faq.knowledge import load_valid_knowledge

ROOT = Path(__file__).resolve().parent.parent
BARE = [sys.executable, str(ROOT / "scripts" / "bare_bolt.py")]
TARGET_P99_MS = 50.0
TARGET_RATIO = 3.0


@dataclass(frozen=True)
class Run:
    p50: float  # ms
    p99: float  # ms
    rate: float  # requests/s
    ready: float  # s from start to answering
    rss: list[int]  # MB, each worker's resident memory
    pss: int  # MB, all processes' proportional share (shared pages counted once)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=default_web_workers())
    parser.add_argument(
        "--warmup", type=int, default=50, help="requests before timing starts (default: 50)"
    )
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--varied", action="store_true", help="ask about the whole FAQ")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Bolt app")
    parser.add_argument(
        "--semantic", action="store_true", help="match with the semantic tier (repbot[semantic])"
    )
    args = parser.parse_args()

    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="repbot-bench-") as scratch:
        knowledge_dir = write_faq(args.entries, Path(scratch) / "knowledge")
        asked = load_valid_knowledge(knowledge_dir if args.varied else ROOT / "knowledge")
        # Questions as reps type them: the FAQ's phrasings, lower-cased, some with a typo.
        phrasings = [p for e in asked.entries for p in e.phrasings]
        if args.varied:
            phrasings = rng.sample(phrasings, min(len(phrasings), args.requests + args.warmup))
        questions = [typo(p.lower(), rng) for p in phrasings]
        del asked, phrasings
        print(
            f"/faq over HTTP: {args.entries} entries, {args.workers} workers, {args.senders} "
            f"senders, {args.requests} requests after {args.warmup}"
            + (", varied questions" if args.varied else "")
        )
        repbot_runs, bare_runs = [], []
        with FakeSlack() as fake:
            for number in range(1, args.runs + 1):
                load = os.getloadavg()[0]

                def measure(command: list[str] | None, answered: Callable[[dict], bool]) -> Run:
                    return serve_and_time(
                        args, fake, knowledge_dir, Path(scratch), questions, command, answered
                    )

                repbot = measure(None, lambda body: "blocks" in body)
                repbot_runs.append(repbot)
                line = f"run {number} (load {load:.1f}): repbot {describe(repbot)}"
                if not args.no_bare:
                    bare = measure(BARE, lambda body: "text" in body)
                    bare_runs.append(bare)
                    line += (
                        f"; bare Bolt p50 {bare.p50:.1f} ms, p99 {bare.p99:.1f} ms; "
                        f"ratio p50 {repbot.p50 / bare.p50:.1f}, p99 {repbot.p99 / bare.p99:.1f}"
                    )
                print(line, flush=True)
    summarise(repbot_runs, bare_runs)
    return 0


def serve_and_time(
    args: argparse.Namespace,
    fake: FakeSlack,
    knowledge_dir: Path,
    scratch: Path,
    questions: list[str],
    command: list[str] | None,
    answered: Callable[[dict], bool],
) -> Run:
    """Start the app (repbot, or `command`), send the requests, stop it; what was measured."""
    db = scratch / "b.db"
    for leftover in scratch.glob("b.db*"):  # each run starts from an empty database
        leftover.unlink()
    started = time.perf_counter()
    # The bot runs in processes of its own, as in production, so that the senders here do not
    # compete with it for the interpreter lock. /faq answers in its acknowledgement: the fake
    # Slack here is only asked for auth.test at start-up.
    bot = BotProcess(
        fake,
        knowledge_dir=knowledge_dir,
        playbooks_dir=ROOT / "playbooks",
        db_path=db,
        log=scratch / "bot.log",
        workers=args.workers,
        ready_within=600,
        command=command,
        settings={"SEMANTIC": "on" if args.semantic else "off"},
    )
    ready = time.perf_counter() - started
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
        if response.status != 200 or not answered(response.json()):
            raise SystemExit(f"request {n} failed: {response.status} {response.body[:200]}")
        return elapsed

    with bot, ThreadPoolExecutor(args.senders) as pool:
        # Each worker process fills its own caches, so the first requests after a start are
        # slower; --warmup 2000 measures the steady state.
        list(pool.map(send, range(args.warmup)))
        started = time.perf_counter()
        latencies = sorted(pool.map(send, range(args.warmup, args.warmup + args.requests)))
        wall = time.perf_counter() - started
        pids = list(bot.workers().values()) or [bot.process.pid]
        rss = [memory(pid, "/status", "VmRSS:") for pid in pids]
        pss = sum(memory(pid, "/smaps_rollup", "Pss:") for pid in [bot.process.pid, *pids])

    def ms(percentile: int) -> float:
        return latencies[min(len(latencies) - 1, len(latencies) * percentile // 100)] * 1000

    return Run(ms(50), ms(99), len(latencies) / wall, ready, rss, pss)


def memory(pid: int, file: str, field: str) -> int:
    """A memory figure of a process from /proc, in MB (0 where /proc does not have it)."""
    try:
        for line in Path(f"/proc/{pid}{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def describe(run: Run) -> str:
    return (
        f"p50 {run.p50:.1f} ms, p99 {run.p99:.1f} ms, {run.rate:.0f} requests/s, ready in "
        f"{run.ready:.1f} s, workers {'/'.join(map(str, run.rss))} MB (PSS {run.pss} MB)"
    )


def summarise(repbot: list[Run], bare: list[Run]) -> None:
    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} ({min(values):.1f} to {max(values):.1f})"

    print(f"repbot, {len(repbot)} runs, median (range):")
    print(f"  p50 {spread([r.p50 for r in repbot])} ms, p99 {spread([r.p99 for r in repbot])} ms")
    print(f"  ready in {spread([r.ready for r in repbot])} s")
    print(f"  largest worker {max(max(r.rss) for r in repbot)} MB")
    under = sum(r.p99 < TARGET_P99_MS for r in repbot)
    print(f"  p99 under {TARGET_P99_MS:.0f} ms in {under} of {len(repbot)} runs")
    if bare:
        print(
            f"bare Bolt: p50 {spread([r.p50 for r in bare])} ms, "
            f"p99 {spread([r.p99 for r in bare])} ms"
        )
        p50s = [r.p50 / b.p50 for r, b in zip(repbot, bare, strict=True)]
        p99s = [r.p99 / b.p99 for r, b in zip(repbot, bare, strict=True)]
        print(f"ratio repbot/bare: p50 {spread(p50s)}, p99 {spread(p99s)}")
        within = sum(ratio <= TARGET_RATIO for ratio in p50s)
        print(f"  p50 at most {TARGET_RATIO:.0f} times the bare app's in {within} of {len(p50s)}")


def typo(text: str, rng: random.Random) -> str:
    """Swap two neighbouring letters in about a third of the questions."""
    if len(text) < 8 or rng.random() > 0.33:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


if __name__ == "__main__":
    raise SystemExit(main())
