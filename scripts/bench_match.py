"""Benchmark the FAQ matcher, its lexical and semantic tiers side by side: accuracy and verdicts
on Banking77 and on three other businesses (benchmarks/telecom, saas and travel, in the
repository, each written without reading the matcher), speed and memory
on synthetic FAQs.

Usage: .venv/bin/python scripts/bench_match.py [--data DIR] [--quick]

DIR holds knowledge/*.yaml and dev.csv (question,expected_id; an empty expected_id is a
topic the FAQ does not cover). dev.csv is only measured on, never learned from. The lexical
tier is words and the word vectors repbot ships; "words" is words alone, for comparison. The
semantic tier needs `repbot[semantic]` (./scripts/setup installs it); without it its column says so.
Its phrasing vectors are cached in a temporary file: "cold" builds with an empty cache, "warm"
again from it, as after a restart.

Two rows ask the same questions as reps paste them (a sample of `SAMPLED`, fixed seed): each
with one typo in a word of five letters or more (a letter dropped, doubled or swapped with the
next), and each wrapped as an e-mail or chat message (an opening, sometimes well-wishing, a
closing and a name, some of them phrases the matcher has no rule for).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.evaluate import Evaluation, evaluate, read_questions  # noqa: E402
from bot.faq.gaps import group_questions  # noqa: E402
from bot.faq.knowledge import Entry, load_valid_knowledge  # noqa: E402
from bot.faq.matching import Matcher  # noqa: E402
from bot.faq.semantic import encoder_from  # noqa: E402
from bot.faq.wordvectors import word_vectors  # noqa: E402

if TYPE_CHECKING:
    from bot.faq.vectors import TextEncoder

SIZES = (1_000, 10_000, 100_000)
SEMANTIC_SIZES = (1_000, 10_000)  # 100,000 entries are a million phrasings to encode
# written without reading the matcher: a mobile provider, an accounting SaaS, a rail seller
OTHERS = tuple(ROOT / "benchmarks" / name for name in ("telecom", "saas", "travel"))
SPEED_QUERIES = 500
GAPS = 400  # unanswered questions a lead groups in /kb gaps: a busy week's
# "words": words alone, the lexical tier without its word vectors, for comparison
TIERS = ("words", "lexical", "semantic")
SAMPLED = 2_000  # questions asked again with a typo, and again pasted as a message
OPENINGS = ("Hi,", "Hello,", "Hi there,", "Dear Sir or Madam,", "Good morning,", "Hey team!",
            "Hi Anna,", "Hello again,", "Hi guys,", "", "")  # fmt: skip
WISHES = ("I hope you're well.", "Hope you had a good weekend!", "Sorry to bother you.", "", "")
CLOSINGS = ("Thanks, Maria", "Kind regards,\nJohn Smith", "Many thanks, Sarah",
            "Thanks in advance!", "Cheers, Tom", "Any help appreciated.", "Best, Priya Patel",
            "Thank you for your help.", "Sent from my iPhone", "[10:32] Maria: ok")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/banking77")
    parser.add_argument("--quick", action="store_true", help="skip the synthetic speed tests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        encoder = encoder_from({**os.environ, "DATABASE_PATH": f"{folder}/bench.db"})
        if encoder is None:
            print("semantic tier: not installed or SEMANTIC=off (./scripts/setup installs it)")
        encoders = {"words": None, "lexical": word_vectors(), "semantic": encoder}
        for business in OTHERS:
            other = load_valid_knowledge(business / "knowledge")
            print(f"\n{len(other.entries)} entries, {business.relative_to(ROOT)}")
            asked = read_questions(business / "questions.csv")
            accuracy(encoders, other.entries, other.synonyms, asked)
        dev = args.data / "dev.csv"
        if not dev.is_file() or not (args.data / "knowledge").is_dir():
            print(f"\nno benchmark data at {args.data} (need knowledge/ and dev.csv); skipping")
            return 0
        knowledge = load_valid_knowledge(args.data / "knowledge")
        entries = knowledge.entries
        rows = read_questions(dev)
        print(f"\n{len(entries)} entries, {len(rows)} questions from {args.data}")
        accuracy(encoders, entries, knowledge.synonyms, rows)
        if not args.quick:
            questions = [question for question, _ in rows]
            print(f"\nspeed, one thread, {SPEED_QUERIES} questions; memory: this process")
            for size in SIZES:
                for tier in TIERS[1:]:
                    if tier == "lexical" or (encoders[tier] and size in SEMANTIC_SIZES):
                        speed(tier, encoders[tier], entries, size, questions)
    return 0


def accuracy(
    encoders: dict[str, TextEncoder | None],
    entries: list[Entry],
    synonyms: Mapping[str, Sequence[str]],
    rows: list[tuple[str, str]],
) -> None:
    matchers = {
        tier: Matcher(entries, synonyms=synonyms, encoder=encoder)
        for tier, encoder in encoders.items()
        if tier != "semantic" or encoder is not None
    }
    found = {tier: evaluate(matcher, rows) for tier, matcher in matchers.items()}
    rng = random.Random(0)
    sample = rng.sample(rows, min(SAMPLED, len(rows)))
    typos = [(_with_a_typo(question, rng), expected) for question, expected in sample]
    pasted = [(_pasted(question, rng), expected) for question, expected in sample]
    typoed = {tier: evaluate(matcher, typos) for tier, matcher in matchers.items()}
    wrapped = {tier: evaluate(matcher, pasted) for tier, matcher in matchers.items()}
    lines: list[tuple[str, Callable[[Evaluation], str]]] = [
        ("top-1", lambda e: _share(e.top1)),
        ("top-3", lambda e: _share(e.top3)),
        ("covered: answered", lambda e: _share(e.answered)),
        ("  of which right", lambda e: _share(e.answer_precision)),
        ("surest half: right", lambda e: _share(e.surest_half_right)),
        ("covered: suggested", lambda e: _share(e.suggested)),
        ("  right among 3", lambda e: _share(e.suggest_right_rate)),
        ("uncovered: answered", lambda e: _share(e.uncovered_answered)),
        ("p50 ms per question", lambda e: f"{e.p50_ms:.2f}"),
        ("p99 ms per question", lambda e: f"{e.p99_ms:.2f}"),
    ]
    print(f"{'':<22}" + "".join(f"{tier:>10}" for tier in found))
    for label, show in lines:
        print(f"{label:<22}" + "".join(f"{show(e):>10}" for e in found.values()))
    asked = {tier: evaluate(matcher, sample) for tier, matcher in matchers.items()}
    print(f"{len(sample)} of them as asked, with a typo, and pasted as a message:")
    for measure, show in lines[0:1] + lines[2:3]:
        for label, variant in (("asked", asked), ("typo", typoed), ("pasted", wrapped)):
            row = f"{label}: {measure.removeprefix('covered: ')}"
            print(f"{row:<22}" + "".join(f"{show(e):>10}" for e in variant.values()))


def _with_a_typo(question: str, rng: random.Random) -> str:
    """The question with one word of five letters or more misspelt, if it has one."""
    words = question.split()
    long = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not long:
        return question
    i = rng.choice(long)
    word, at = words[i], rng.randrange(len(words[i]) - 1)
    edit = rng.choice(("drop", "double", "swap"))
    if edit == "drop":
        words[i] = word[:at] + word[at + 1 :]
    elif edit == "double":
        words[i] = word[: at + 1] + word[at:]
    else:
        words[i] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words)


def _pasted(question: str, rng: random.Random) -> str:
    """The question as a pasted e-mail or chat message (see the module doc)."""
    parts = (rng.choice(OPENINGS), rng.choice(WISHES), question, rng.choice(CLOSINGS))
    return "\n".join(part for part in parts if part)


def speed(
    tier: str, encoder: TextEncoder | None, entries: list[Entry], size: int, questions: list[str]
) -> None:
    knowledge = grow(entries, size)
    start = time.perf_counter()
    matcher = Matcher(knowledge, encoder=encoder)
    build = f"build {time.perf_counter() - start:6.1f} s"
    if encoder is not None and encoder.kind == "sentence":  # again, as after a restart: cached
        del matcher
        start = time.perf_counter()
        matcher = Matcher(knowledge, encoder=encoder)
        build = f"build {build[6:]} cold, {time.perf_counter() - start:.1f} s warm"
    sample = random.Random(size).sample(questions, SPEED_QUERIES)
    e = evaluate(matcher, [(question, "") for question in sample])
    odd = 0.0
    for text in _odd_inputs(questions):
        start = time.perf_counter()
        matcher.match(text)
        odd = max(odd, time.perf_counter() - start)
    start = time.perf_counter()  # a lead's /kb gaps over a week of unanswered questions
    group_questions(list(enumerate(sample[:GAPS], start=1)), matcher)
    gaps = time.perf_counter() - start
    print(
        f"{size:>7} entries, {tier:<8}: p50 {e.p50_ms:5.2f} ms, p99 {e.p99_ms:5.2f} ms, "
        f"odd input up to {1000 * odd:.0f} ms, {GAPS} gaps grouped in {gaps:.2f} s, {build}, "
        f"{_rss_mb():.0f} MB"
    )


def _odd_inputs(questions: list[str]) -> list[str]:
    """Messages as long as /faq reads, of the kinds that cost most: one word of 4,000 letters,
    hundreds of made-up words, a whole thread of questions pasted, a question lost in
    courtesies, and stop words alone."""
    rng = random.Random(0)
    made_up = (
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 14)))
        for _ in range(400)
    )
    courteous = ("Hello team, I hope you are well. " * 40 + questions[0])[:3_000]
    return [
        "x" * 4_000,
        " ".join(made_up)[:4_000],
        " ".join(questions)[:4_000],
        (courteous + " thanks" * 200)[:4_000],
        "the of and to " * 250,
    ]


def _rss_mb() -> float:
    """The process's resident memory now (what a worker holds), from /proc where there is one."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


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
