"""Benchmark the FAQ matcher: accuracy and verdicts on Banking77 and on a second business
(benchmarks/telecom, in the repository), speed on synthetic FAQs.

Usage: .venv/bin/python scripts/bench_match.py [--data DIR] [--quick]

DIR holds knowledge/*.yaml and dev.csv (question,expected_id; an empty expected_id is a
topic the FAQ does not cover). dev.csv is only measured on, never learned from.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.evaluate import evaluate, read_questions  # noqa: E402
from bot.faq.knowledge import Entry, load_valid_knowledge  # noqa: E402
from bot.faq.matching import Matcher  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
SECOND = ROOT / "benchmarks" / "telecom"  # written without reading the matcher
SPEED_QUERIES = 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/banking77")
    parser.add_argument("--quick", action="store_true", help="skip the synthetic speed tests")
    args = parser.parse_args()
    second = load_valid_knowledge(SECOND / "knowledge")
    print(f"{len(second.entries)} entries, {SECOND.relative_to(ROOT)}")
    accuracy(Matcher.for_knowledge(second), read_questions(SECOND / "questions.csv"))
    dev = args.data / "dev.csv"
    if not dev.is_file() or not (args.data / "knowledge").is_dir():
        print(f"no benchmark data at {args.data} (need knowledge/ and dev.csv); skipping")
        return 0
    knowledge = load_valid_knowledge(args.data / "knowledge")
    entries = knowledge.entries
    rows = read_questions(dev)
    print(f"{len(entries)} entries, {len(rows)} questions from {args.data}")
    accuracy(Matcher.for_knowledge(knowledge), rows)
    if not args.quick:
        questions = [question for question, _ in rows]
        for size in SIZES:
            speed(entries, size, questions)
    return 0


def accuracy(matcher: Matcher, rows: list[tuple[str, str]]) -> None:
    e = evaluate(matcher, rows)
    print(f"top-1 {_share(e.top1)}   top-3 {_share(e.top3)}")
    print(
        f"covered: answer {_share(e.answered)} (right {_share(e.answer_precision)}), "
        f"suggest {_share(e.suggested)} (right among 3 {_share(e.suggest_right_rate)})"
    )
    print(f"uncovered: answer {_share(e.uncovered_answered)}")
    print(f"per question: p50 {e.p50_ms:.2f} ms, p99 {e.p99_ms:.2f} ms")


def speed(entries: list[Entry], size: int, questions: list[str]) -> None:
    knowledge = grow(entries, size)
    start = time.perf_counter()
    matcher = Matcher(knowledge)
    build = time.perf_counter() - start
    sample = random.Random(size).sample(questions, SPEED_QUERIES)
    e = evaluate(matcher, [(question, "") for question in sample])
    print(f"{size:>7} entries: build {build:.2f} s, p50 {e.p50_ms:.2f} ms, p99 {e.p99_ms:.2f} ms")


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


def _share(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.3f}"


if __name__ == "__main__":
    sys.exit(main())
