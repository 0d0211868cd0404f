"""Time the weekly summary over a year of history: 1.5 million FAQ queries and a support floor's
cases, contacts, solutions, promises and redirects, bulk-inserted into a temporary database.

    .venv/bin/python scripts/bench_summary.py [--queries 1500000] [--db PATH]

Prints the time `build_summary` takes for the last complete week (the goal: under 2 s)."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.reporting.goals import load_goals
from bot.reporting.summary import build_summary, trends
from bot.reporting.weeks import iso_week
from bot.shared.clock import iso
from bot.shared.db import Store

WEEKS = 52
TZ = ZoneInfo("Europe/London")
ENTRIES = [f"entry_{n}" for n in range(60)]
UNANSWERED = [f"do you {verb} {thing}" for verb in ("sell", "deliver", "stock", "make", "ship")
              for thing in ("dog food", "gift wrap", "wine", "vegan boxes", "to ireland",
                            "on sundays", "baby food", "cat treats")]  # fmt: skip
TEAMS = ("billing", "deliveries", "returns", "technical", "retention")
CAUSES = ("product", "process", "marketing", "employee", "customer", "unknown")
RULES = ("cant", "unfortunately", "you-need-to", "not-possible", "as-i-said")


def moments(rng: random.Random, start: datetime, count: int):
    """`count` random times over the year after `start`, in order."""
    span = WEEKS * 7 * 86400
    for offset in sorted(rng.randrange(span) for _ in range(count)):
        yield start + timedelta(seconds=offset)


def fill(store: Store, queries: int, start: datetime, rng: random.Random) -> None:
    conn = store.db.conn
    with store.transaction():
        conn.executemany(
            """INSERT INTO faq_queries (text, best_id, best_score, verdict, user_id, source,
                   created_at) VALUES (?, ?, ?, ?, ?, 'command', ?)""",
            (
                (f"{rng.choice(UNANSWERED)}{rng.choice(('', '?', ' please', '??'))}", None,
                 40.0, "none", f"U{rng.randrange(40)}", iso(when))
                if rng.random() < 0.08
                else (f"question {rng.randrange(5000)}", rng.choice(ENTRIES), 90.0,
                      "answer" if rng.random() < 0.85 else "suggest", f"U{rng.randrange(40)}",
                      iso(when))
                for when in moments(rng, start, queries)
            ),
        )  # fmt: skip
        # Feedback and picks on a few percent of the queries.
        conn.execute(
            """INSERT INTO faq_feedback (query_id, user_id, entry_id, helpful, created_at)
               SELECT id, user_id, best_id, abs(random()) % 5 > 0, created_at FROM faq_queries
               WHERE verdict = 'answer' AND abs(random()) % 20 = 0"""
        )
        conn.execute(
            """INSERT INTO faq_picks (query_id, user_id, entry_id, created_at)
               SELECT id, user_id, best_id, created_at FROM faq_queries
               WHERE verdict = 'suggest' AND abs(random()) % 2 = 0"""
        )
        now = iso(start)
        conn.execute(
            "INSERT INTO customers (id, name, created_at, updated_at) VALUES ('K1', 'K', ?, ?)",
            [now, now],
        )
        cases = queries // 10
        case_rows, contact_rows, solution_rows, followup_rows, redirect_rows = [], [], [], [], []
        for case_id, opened in enumerate(moments(rng, start, cases), start=1001):
            contacts = rng.choices((1, 2, 3, 4), (70, 20, 8, 2))[0]
            closed = opened + timedelta(hours=rng.randrange(1, 72)) if rng.random() < 0.9 else None
            case_rows.append((case_id, opened, closed, rng.choice(CAUSES) if closed else None))
            for number in range(1, contacts + 1):
                contact_rows.append((case_id, number, iso(opened + timedelta(hours=number - 1))))
            if rng.random() < 0.3:
                status = rng.choices(("authorized", "approved", "denied", "pending"),
                                     (70, 20, 5, 5))[0]  # fmt: skip
                decided = None
                if status in ("approved", "denied"):
                    decided = iso(opened + timedelta(minutes=rng.randrange(5, 600)))
                kind, amount = rng.choice(("refund", "account_credit")), rng.randrange(5, 80)
                solution_rows.append((case_id, kind, f"{amount}.00", status, decided, iso(opened)))
            if rng.random() < 0.4:
                due = opened + timedelta(hours=rng.randrange(1, 48))
                done = due + timedelta(minutes=rng.randrange(-600, 300))
                followup_rows.append((case_id, iso(due), iso(done), iso(opened)))
            if rng.random() < 0.1:
                taken = opened + timedelta(minutes=rng.randrange(1, 240))
                redirect_rows.append((case_id, rng.choice(TEAMS), iso(taken), iso(opened)))
        conn.executemany(
            """INSERT INTO cases (id, customer_id, topic, owner_id, status, root_cause, opened_at,
                   closed_at) VALUES (?, 'K1', 'topic', 'U1', ?, ?, ?, ?)""",
            [(i, "closed" if c else "open", cause, iso(o), iso(c) if c else None)
             for i, o, c, cause in case_rows],
        )  # fmt: skip
        conn.executemany(
            """INSERT INTO contacts (case_id, number, user_id, created_at)
               VALUES (?, ?, 'U1', ?)""",
            contact_rows,
        )
        conn.executemany(
            """INSERT INTO solutions (case_id, customer_id, situation, type, amount, reason,
                   requested_by, status, decided_at, created_at)
               VALUES (?, 'K1', 'general', ?, ?, 'r', 'U1', ?, ?, ?)""",
            solution_rows,
        )
        conn.executemany(
            """INSERT INTO followups (case_id, owner_id, what, due_at, status, done_at,
                   created_at) VALUES (?, 'U1', 'call', ?, 'done', ?, ?)""",
            followup_rows,
        )
        conn.executemany(
            """INSERT INTO redirects (case_id, from_user, team_id, note, status, taken_at,
                   remind_at, reply_by, created_at)
               VALUES (?, 'U1', ?, '', 'taken', ?, ?, ?, ?)""",
            [(i, team, taken, made, made, made) for i, team, taken, made in redirect_rows],
        )
        conn.executemany(
            """INSERT INTO drafts (user_id, message, situation, emotion, style, version, text,
                   tone_score, used_at, created_at)
               VALUES ('U1', 'm', 'general', 'calm', 'standard', 0, 't', ?, ?, ?)""",
            [(rng.randrange(40, 101), iso(when) if rng.random() < 0.7 else None, iso(when))
             for when in moments(rng, start, cases)],
        )  # fmt: skip
        conn.executemany(
            """INSERT INTO tone_checks (user_id, text, score, flags, created_at)
               VALUES ('U1', 't', ?, ?, ?)""",
            [(rng.randrange(40, 101), json.dumps(rng.sample(RULES, rng.randrange(3))), iso(when))
             for when in moments(rng, start, cases // 2)],
        )  # fmt: skip
    store.db.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1_500_000)
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temp dir)")
    args = parser.parse_args()
    now = datetime.now(UTC)
    start, end, label = iso_week(None, now=now, tz=TZ)
    first = end - timedelta(weeks=WEEKS)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        store = Store(path)
        began = time.perf_counter()
        fill(store, args.queries, first, random.Random(1))
        print(f"filled {args.queries:,} queries in {time.perf_counter() - began:.1f} s")
        goals, _ = load_goals(Path(__file__).resolve().parent.parent / "playbooks")
        began = time.perf_counter()
        summary = build_summary(store, start=start, end=end, label=label, goals=goals, tz=TZ)
        took = time.perf_counter() - began
        print(
            f"build_summary {label}: {took:.2f} s "
            f"({summary.volume.faq_queries.value:,} queries that week) "
            f"{'OK' if took < 2 else 'TOO SLOW'} (goal: under 2 s)"
        )
        began = time.perf_counter()
        trends(store, end=end, tz=TZ)
        print(f"trends, 8 weeks: {time.perf_counter() - began:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
