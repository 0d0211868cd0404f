"""Benchmark the FAQ matcher: accuracy and verdicts on Banking77, speed on synthetic FAQs.

Usage: .venv/bin/python scripts/bench_match.py [--data DIR] [--quick]

DIR holds knowledge/*.yaml and dev.csv (question,expected_id; an empty expected_id is a
topic the FAQ does not cover). dev.csv is only measured on, never learned from.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.knowledge import Entry, load_valid_knowledge  # noqa: E402
from bot.core.matching import Matcher  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
SPEED_QUERIES = 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/banking77")
    parser.add_argument("--quick", action="store_true", help="skip the synthetic speed tests")
    args = parser.parse_args()
    dev = args.data / "dev.csv"
    if not dev.is_file() or not (args.data / "knowledge").is_dir():
        print(f"no benchmark data at {args.data} (need knowledge/ and dev.csv); skipping")
        return 0
    entries = load_valid_knowledge(args.data / "knowledge").entries
    with dev.open(encoding="utf-8", newline="") as file:
        rows = [(row["question"], row["expected_id"]) for row in csv.DictReader(file)]
    print(f"{len(entries)} entries, {len(rows)} questions from {args.data}")
    accuracy(Matcher(entries), rows)
    if not args.quick:
        questions = [question for question, _ in rows]
        for size in SIZES:
            speed(entries, size, questions)
    return 0


def accuracy(matcher: Matcher, rows: list[tuple[str, str]]) -> None:
    covered = uncovered = top1 = top3 = answered = answered_right = 0
    suggested = suggested_right = uncovered_answered = 0
    times = []
    for question, expected in rows:
        start = time.perf_counter()
        result = matcher.match(question)
        times.append(time.perf_counter() - start)
        ids = [scored.entry.id for scored in result.matches]
        if not expected:
            uncovered += 1
            uncovered_answered += result.verdict == "answer"
            continue
        covered += 1
        top1 += ids[:1] == [expected]
        top3 += expected in ids[:3]
        if result.verdict == "answer":
            answered += 1
            answered_right += ids[0] == expected
        elif result.verdict == "suggest":
            suggested += 1
            suggested_right += expected in ids[:3]
    print(f"top-1 {top1 / covered:.3f}   top-3 {top3 / covered:.3f}")
    print(
        f"covered: answer {answered / covered:.3f} (right {_share(answered_right, answered)}), "
        f"suggest {suggested / covered:.3f} (right among 3 {_share(suggested_right, suggested)})"
    )
    print(f"uncovered: answer {_share(uncovered_answered, uncovered)}")
    print(f"per question: p50 {_ms(times, 50)} ms, p99 {_ms(times, 99)} ms")


def speed(entries: list[Entry], size: int, questions: list[str]) -> None:
    knowledge = grow(entries, size)
    start = time.perf_counter()
    matcher = Matcher(knowledge)
    build = time.perf_counter() - start
    sample = random.Random(size).sample(questions, SPEED_QUERIES)
    times = []
    for question in sample:
        start = time.perf_counter()
        matcher.match(question)
        times.append(time.perf_counter() - start)
    print(
        f"{size:>7} entries: build {build:.2f} s, p50 {_ms(times, 50)} ms, p99 {_ms(times, 99)} ms"
    )


def grow(entries: list[Entry], size: int) -> list[Entry]:
    """Clone entries with new ids and perturbed phrasings until there are `size` of them.

    Each clone gets words of its own (as another product or team would) and its phrasings
    lose or swap a word, so posting lists and the vocabulary grow as in a real large FAQ.
    """
    rng = random.Random(7)
    syllables = ["ka", "lo", "mi", "ren", "tor", "vak", "zu", "pel", "dri", "sun", "qua", "bex"]
    out = list(entries[:size])
    while len(out) < size:
        base = entries[len(out) % len(entries)]
        own = ["".join(rng.choices(syllables, k=3)) for _ in range(3)]
        phrasings = []
        for phrasing in base.phrasings:
            words = phrasing.split()
            if len(words) > 3:
                words.pop(rng.randrange(len(words)))
                i = rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
            words.insert(rng.randrange(len(words) + 1), rng.choice(own))
            phrasings.append(" ".join(words))
        out.append(
            Entry(
                id=f"{base.id}-{len(out)}",
                question=phrasings[0],
                answer=base.answer,
                variants=tuple(phrasings[1:]),
            )
        )
    return out


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def _ms(times: list[float], percentile: int) -> str:
    if len(times) < 2:
        return f"{1000 * times[0]:.2f}" if times else "n/a"
    return f"{1000 * statistics.quantiles(times, n=100)[percentile - 1]:.2f}"


if __name__ == "__main__":
    sys.exit(main())
