"""Benchmark the FAQ learning from the floor: Banking77's dev questions asked by reps over
simulated weeks, reps' clicks and a lead's one-click fixes feeding back, week by week.

Usage: .venv/bin/python scripts/bench_learning.py [--data DIR] [--weeks 8] [--per-week 1000]
       [--seed 0] [--clicks 30] [--no-learning] [--semantic]

DIR holds knowledge/*.yaml and dev.csv or questions.csv (question,expected_id; an empty
expected_id is a topic the FAQ does not cover): Banking77 by default, or benchmarks/telecom
(520 questions: `--data benchmarks/telecom --weeks 4 --per-week 130`). The knowledge is
copied to a temporary directory (what the lead adds is written there) with a temporary
database. Everything goes through the product's own code, as
the Slack listeners call it: `Faq.match` and `Faq.record` for /faq, `Faq.pick` and
`Faq.feedback` for the buttons, `Faq.learn` as the bot's background ticker runs it, and
`find_gaps`, `write_phrasing` (which writes the file) and `close_answered` (which puts the
FAQ back into service and closes what it answers) for the lead's clicks in /kb gaps. The
simulation only decides who clicks what, knowing the right entry from dev.csv; dev.csv is
never given to the FAQ.

Reps (20, fixed seed): a fifth never click. The others, on an answer, click Helpful when it is
the right entry and Not helpful when not, then pick the right entry if it is among the others
the reply offers in its place (`Faq.alternatives`); on a "did you mean", pick the right entry
when it is among those shown, else "None of these". Each week's questions are new (drawn without
replacement), 5 working days of them. At each week's end a lead spends at most `--clicks`
one-click actions in /kb gaps, biggest gap first: "Add as a phrasing of" (or "Accept as a
phrasing") when the entry offered is the right one, or the right one from the gap's menu of
closest entries; nothing else (no new entries: the FAQ's topics stay as they are).

Per week, over that week's questions: covered questions answered outright and how often right
(precision), the right entry among the first three (top-3), uncovered questions answered, and
the lead's clicks at the week's end.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.evaluate import read_questions  # noqa: E402
from bot.faq.gaps import close_answered, find_gaps, write_phrasing  # noqa: E402
from bot.faq.knowledge import load_valid_knowledge  # noqa: E402
from bot.faq.service import Faq  # noqa: E402
from bot.shared.clock import Clock  # noqa: E402
from bot.shared.db import Store  # noqa: E402

REPS = 20
SILENT_SHARE = 0.2  # reps who never click
WORKING_DAYS = 5
LEAD = "ULEAD"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # a Monday, 08:00
QUESTIONS = ("dev.csv", "questions.csv")  # Banking77's, benchmarks/telecom's


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # the same seed gives the same weeks
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/banking77")
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--per-week", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clicks", type=int, default=30, help="a lead's clicks per week")
    parser.add_argument("--no-learning", action="store_true", help="reps' clicks teach nothing")
    parser.add_argument(
        "--semantic", action="store_true", help="with the semantic tier (else lexical only)"
    )
    args = parser.parse_args()
    dev = next((path for path in QUESTIONS if (args.data / path).is_file()), QUESTIONS[0])
    dev = args.data / dev
    if not dev.is_file() or not (args.data / "knowledge").is_dir():
        print(f"no benchmark data at {args.data} (need knowledge/ and dev.csv); nothing to run")
        return 0
    if not args.semantic:
        os.environ["SEMANTIC"] = "off"  # the semantic tier's own setting: lexical matching
    elif importlib.util.find_spec("bot.faq.semantic") is None:
        print("--semantic: this build has no semantic tier (bot.faq.semantic); nothing to run")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        return simulate(args, dev, Path(tmp))


def simulate(args: argparse.Namespace, dev: Path, tmp: Path) -> int:
    knowledge_dir = tmp / "knowledge"
    shutil.copytree(args.data / "knowledge", knowledge_dir)
    clock = _StandingClock(START)
    store = Store(tmp / "bench.db", clock)
    faq = Faq(knowledge_dir, load_valid_knowledge(knowledge_dir), store)
    rows = read_questions(dev)
    truth = {" ".join(q.lower().split()): expected for q, expected in rows}
    rng = random.Random(args.seed)
    asked = rng.sample(rows, min(args.weeks * args.per_week, len(rows)))
    reps = [f"UREP{i:02d}" for i in range(REPS)]
    silent = set(rng.sample(reps, round(SILENT_SHARE * REPS)))
    print(
        f"{len(faq.entries)} entries, {len(asked)} of {len(rows)} questions from {args.data}, "
        f"{args.weeks} weeks of {args.per_week}, seed {args.seed}; {REPS} reps, "
        f"{len(silent)} never click; a lead's clicks at most {args.clicks} a week; "
        f"learning from reps' clicks {'off' if args.no_learning else 'on'}; "
        f"{getattr(faq.matcher, 'tier', 'lexical')} matching"
    )
    print(
        "| week | answered | precision | top-3 | uncovered answered | lead clicks "
        "| uncovered odds |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    began = time.perf_counter()
    for week in range(args.weeks):
        questions = asked[week * args.per_week : (week + 1) * args.per_week]
        if not questions:
            break
        monday = START + timedelta(weeks=week)
        covered = answered = right = top3 = uncovered = uncovered_answered = 0
        per_day = -(-len(questions) // WORKING_DAYS)
        for i, (question, expected) in enumerate(questions):
            day, nth = divmod(i, per_day)
            _move_to(clock, monday + timedelta(days=day, minutes=nth * 9 * 60 / per_day))
            if nth == 0 and not args.no_learning:
                faq.learn()  # the bot's ticker does this every minute; a day is enough here
            rep = rng.choice(reps)
            result = faq.match(question)
            query_id = faq.record(question, result, user_id=rep, channel_id=None, source="command")
            ids = _ids(result.matches)
            if expected:
                covered += 1
                top3 += expected in ids
                if result.verdict == "answer":
                    answered += 1
                    right += ids[0] == expected
            else:
                uncovered += 1
                uncovered_answered += result.verdict == "answer"
            if rep in silent:
                continue
            if result.verdict == "answer":
                faq.feedback(query_id, rep, ids[0], helpful=ids[0] == expected)
                # a "Not helpful" offers the next closest: the right one is picked if there
                query = faq.query(query_id)
                if ids[0] != expected and query and expected in _ids(faq.alternatives(query, rep)):
                    faq.pick(query_id, rep, expected)
            elif result.verdict == "suggest":
                if expected in _ids(result.offered):
                    faq.pick(query_id, rep, expected)
                else:
                    # "None of these", to the entries shown
                    faq.feedback(query_id, rep, None, helpful=False, shown=_ids(result.offered))
        _move_to(clock, monday + timedelta(days=WORKING_DAYS - 1, hours=17))
        clicks = lead_clicks(faq, store, truth, args.clicks)
        print(
            f"| {week + 1} | {_pct(answered, covered)} | {_pct(right, answered)} | "
            f"{_pct(top3, covered)} | {_pct(uncovered_answered, uncovered)} | {clicks} | "
            f"{faq.edition.lessons.uncovered_odds:.2f} |",
            flush=True,
        )
    print(f"{time.perf_counter() - began:.0f} s")
    return 0


def lead_clicks(faq: Faq, store: Store, truth: dict[str, str], budget: int) -> int:
    """A lead's week-end pass over /kb gaps, biggest first: a phrasing added when the entry
    offered (the button, or the menu of closest entries) is the right one for the question the
    gap shows; the list is read again after each click, as the listener shows it again."""
    clicks = 0
    done: set[int] = set()  # gaps the lead passed over
    while clicks < budget:
        gaps = find_gaps(store, faq.edition, store.clock.now())
        gap = next((g for g in gaps if g.key not in done and _right(g, truth)), None)
        if gap is None:
            break
        entry = faq.entry(truth[_folded(gap.question)])
        assert entry is not None
        # as the listener does, before and after the click is acknowledged
        close_answered(faq, write_phrasing(faq, gap, entry, LEAD))
        clicks += 1
        done.add(gap.key)
    return clicks


def _right(gap, truth: dict[str, str]) -> bool:
    expected = truth.get(_folded(gap.question))
    return bool(expected) and expected in {entry.id for entry in gap.suggestions}


def _ids(matches) -> list[str]:
    return [scored.entry.id for scored in matches]


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


class _StandingClock(Clock):
    """The simulation's clock moves only when it is moved: at real speed, the seconds a week
    takes to simulate went into the clicks' times, and the runs of one seed differed by a
    point or so, as clicks that weighed the same were ordered either way."""

    def __init__(self, at: datetime) -> None:
        super().__init__()
        self._at = at

    def now(self) -> datetime:
        return self._at + self._offset


def _move_to(clock: Clock, moment: datetime) -> None:
    delta = moment - clock.now()
    if delta > timedelta(0):
        clock.advance(delta)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


if __name__ == "__main__":
    raise SystemExit(main())
