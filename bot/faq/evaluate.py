"""Measure a matcher on questions with known answers: what a lead checks before changing the FAQ.

Questions come as (question, expected entry id); an empty id is a question the FAQ does not
cover, which should get no answer. Used by `repbot knowledge test` and scripts/bench_match.py.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.faq.matching import Matcher

COLUMNS = ("question", "expected_id")


@dataclass(frozen=True)
class Evaluation:
    questions: int
    covered: int  # questions with an expected id the FAQ has
    # rates are 0..1, None when there was nothing to count (no covered question, no answer)
    top1: float | None  # share of covered questions whose best match is the expected entry
    top3: float | None  # ... whose expected entry is among the first three
    answered: float | None  # share of covered questions that got the verdict "answer"
    answer_precision: float | None  # share of those answers that were the expected entry
    uncovered: int
    uncovered_answered: float | None  # share of uncovered questions that got "answer"
    suggested: float | None  # share of covered questions that got "suggest"
    suggest_right_rate: float | None  # share of covered "suggest"s with the expected among 3
    # share right of the covered questions the matcher is surest of, the more sure half: how
    # far its scores can be trusted whatever the line for answering (ties at the half count)
    surest_half_right: float | None
    confusions: list[tuple[str, str, int]]  # (expected, got first instead, count), most first
    unanswered: list[tuple[str, str]]  # covered (question, expected id) whose verdict was "none"
    # expected ids that are not in the knowledge base: a typo or a removed entry, not a miss
    # of the matcher, so the questions that name them count in no rate
    unknown_ids: list[str]
    unknown: int  # questions whose expected id is one of those
    p50_ms: float
    p99_ms: float


def evaluate(matcher: Matcher, rows: Iterable[tuple[str, str]]) -> Evaluation:
    """Match every question and count how the matcher did; ids not in the FAQ are reported."""
    known = {entry.id for entry in matcher.entries}
    unknown: Counter[str] = Counter()  # ids in the order the file names them
    confusions: Counter[tuple[str, str]] = Counter()
    unanswered = []
    times = []
    questions = covered = top1 = top3 = answered = answered_right = 0
    suggested = suggested_right = uncovered = uncovered_answered = 0
    sureness: list[tuple[float, bool]] = []  # each covered question's best score, right
    for question, expected in rows:
        questions += 1
        start = time.perf_counter()
        result = matcher.match(question)
        times.append(time.perf_counter() - start)
        ids = [scored.entry.id for scored in result.matches]
        if not expected:
            uncovered += 1
            uncovered_answered += result.verdict == "answer"
            continue
        if expected not in known:
            unknown[expected] += 1
            continue
        covered += 1
        sureness.append((result.matches[0].score if ids else 0.0, ids[:1] == [expected]))
        top1 += ids[:1] == [expected]
        top3 += expected in ids[:3]
        if ids and ids[0] != expected:
            confusions[expected, ids[0]] += 1
        if result.verdict == "answer":
            answered += 1
            answered_right += ids[0] == expected
        elif result.verdict == "suggest":
            suggested += 1
            suggested_right += expected in ids[:3]
        else:
            unanswered.append((question, expected))
    return Evaluation(
        questions=questions,
        covered=covered,
        top1=_rate(top1, covered),
        top3=_rate(top3, covered),
        answered=_rate(answered, covered),
        answer_precision=_rate(answered_right, answered),
        uncovered=uncovered,
        uncovered_answered=_rate(uncovered_answered, uncovered),
        suggested=_rate(suggested, covered),
        suggest_right_rate=_rate(suggested_right, suggested),
        surest_half_right=_surest_half_right(sureness),
        confusions=[(a, b, n) for (a, b), n in confusions.most_common()],
        unanswered=unanswered,
        unknown_ids=list(unknown),
        unknown=unknown.total(),
        p50_ms=_percentile_ms(times, 50),
        p99_ms=_percentile_ms(times, 99),
    )


def read_questions(path: str | Path) -> list[tuple[str, str]]:
    """Read a CSV with the header `question,expected_id`; ValueError names the bad line."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.reader(file)
            header = next(reader, None)
            if header is None:
                raise ValueError(f"{path}:1: the file is empty (expected {','.join(COLUMNS)})")
            header = [name.strip().lstrip("\ufeff") for name in header]
            missing = [name for name in COLUMNS if name not in header]
            if missing:
                raise ValueError(
                    f"{path}:1: missing column {', '.join(missing)} "
                    f"(the header must be {','.join(COLUMNS)})"
                )
            at = [header.index(name) for name in COLUMNS]
            rows = []
            for values in reader:
                line = reader.line_num
                if not any(value.strip() for value in values):
                    continue  # blank lines are allowed
                if len(values) != len(header):
                    raise ValueError(
                        f"{path}:{line}: expected {len(header)} fields, got {len(values)}"
                    )
                question, expected = (values[i].strip() for i in at)
                if not question:
                    raise ValueError(f"{path}:{line}: empty question")
                rows.append((question, expected))
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise ValueError(f"{path}:{reader.line_num}: bad CSV: {error}") from error
    return rows


def format_report(evaluation: Evaluation, *, confusions: int = 10, unanswered: int = 20) -> str:
    """The text a lead reads: how often the right entry comes first, and what to fix."""
    e = evaluation
    lines = [
        f"{e.questions} questions: {e.covered} about an FAQ entry, {e.uncovered} not covered"
        + (f", {e.unknown} expecting an id the FAQ does not have" if e.unknown else ""),
        f"right entry first: {_percent(e.top1)}   among the first three: {_percent(e.top3)}",
        f"answered: {_percent(e.answered)} of covered questions, "
        f"right {_percent(e.answer_precision)} of the time",
        f"suggestions with the right entry among three: {_percent(e.suggest_right_rate)}",
        f"the surest half of covered questions: right {_percent(e.surest_half_right)}",
    ]
    if e.uncovered:
        lines.append(f"uncovered questions answered anyway: {_percent(e.uncovered_answered)}")
    lines.append(f"time per question: p50 {e.p50_ms:.2f} ms, p99 {e.p99_ms:.2f} ms")
    if e.unknown_ids:
        lines += [
            "",
            f"expected ids not in the knowledge base ({_count(e.unknown)} left out of the "
            "figures above; correct the id, or add the entry):",
            *(f"  {i}" for i in e.unknown_ids),
        ]
    if e.confusions and confusions > 0:
        lines += ["", "most often confused (expected -> matched first instead):"]
        lines += [f"  {n:>4}  {a} -> {b}" for a, b, n in e.confusions[:confusions]]
    if e.unanswered and unanswered > 0:
        lines += ["", f"no answer ({len(e.unanswered)}), expected entry in brackets:"]
        lines += [f"  {q}  [{expected}]" for q, expected in e.unanswered[:unanswered]]
        if len(e.unanswered) > unanswered:
            lines.append(f"  ... and {len(e.unanswered) - unanswered} more")
    return "\n".join(lines)


def _surest_half_right(sureness: list[tuple[float, bool]]) -> float | None:
    """The share right of the questions scored at least as high as the median question."""
    if not sureness:
        return None
    ranked = sorted(sureness, reverse=True)
    line = ranked[(len(ranked) - 1) // 2][0]
    surest = [right for score, right in ranked if score >= line]
    return sum(surest) / len(surest)


def _count(questions: int) -> str:
    return f"{questions} question{'' if questions == 1 else 's'}"


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}%"


def _percentile_ms(times: list[float], percentile: int) -> float:
    if len(times) < 2:
        return 1000 * times[0] if times else 0.0
    return 1000 * statistics.quantiles(times, n=100)[percentile - 1]
