"""Fill a new database with a realistic quarter of a support floor, so that the weekly summary
(and `repbot demo --db PATH`) has something to show: 24 reps, the five teams of
playbooks/teams.yaml, 30,000 FAQ queries worded like the customers of knowledge/, cases with
repeat contacts, notes, solutions, drafts, tone checks, follow-ups, redirects and root causes.

    .venv/bin/python scripts/seed_demo.py --db demo.db [--weeks 13] [--seed 1]

Times run from `--weeks` weeks before this week's Monday (in the team's time zone) to now, so
last week is complete. The audit log is left empty: it records what people did through the
bot, and nobody did any of this; `repbot audit verify` reports an intact, empty chain."""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.faq.knowledge import load_valid_knowledge
from bot.guide import load_guide
from bot.shared.clock import iso
from bot.shared.db import Store

ROOT = Path(__file__).resolve().parent.parent
FIRST = ("Ana", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hugo", "Isla", "Jack", "Kemi",
         "Liam", "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tom", "Uma", "Vik",
         "Wren", "Yusuf", "Zara")  # fmt: skip
LAST = ("Adams", "Brown", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Reid", "Singh",
        "Taylor", "Walsh")  # fmt: skip
# Questions no FAQ entry answers, each asked in a few ways; leads close some during the quarter.
UNANSWERABLE = (
    ("do you sell dog food", "can i add dog food to my box", "dog food available?"),
    ("can you gift wrap my box", "is gift wrapping possible", "gift wrap for a birthday?"),
    ("do you deliver to ireland", "shipping to dublin?", "can i get a box sent to ireland"),
    ("are your boxes halal", "is the meat halal", "halal options?"),
    ("can i pay with paypal", "paypal accepted?", "do you take paypal"),
    ("do you have a student discount", "student discount?", "any discount for students"),
    ("can i choose a delivery time slot", "pick a time for delivery?", "delivery slot choice"),
    ("is the packaging recyclable", "can i recycle the box", "what do i do with the ice packs"),
    ("do you do corporate gifts", "bulk order for my office", "boxes for 50 staff?"),
    ("can i freeze the meals", "freezing the food ok?", "how long do meals keep in the freezer"),
)
# The entry a lead adds for each, with the id /kb gives it (its question's words joined by "_",
# bot/faq/curate.py): not in knowledge/, so the summary reads it out as words, as it would an
# entry taken out of the FAQ since, never as an id ("new_4").
ADDED = tuple("_".join(questions[0].split()) for questions in UNANSWERABLE)
DAY_WEIGHTS = (1.0, 1.0, 0.95, 0.9, 0.85, 0.45, 0.25)  # Monday to Sunday
CAUSES = {"product": 30, "process": 25, "marketing": 10, "employee": 8, "customer": 17,
          "unknown": 10}  # fmt: skip
TEAM_WAIT = {"billing": 14, "deliveries": 22, "returns": 35, "technical": 50, "retention": 9}


class Floor:
    """Random but plausible activity between `start` and `end`."""

    def __init__(self, rng: random.Random, start: datetime, end: datetime, tz) -> None:
        self.rng, self.start, self.end, self.tz = rng, start, end, tz
        local_start = start.astimezone(tz).date()
        self.days = [local_start + timedelta(days=n) for n in range((end - start).days + 1)]
        self.weights = [DAY_WEIGHTS[d.weekday()] for d in self.days]

    def moment(self) -> datetime:
        """A time in working hours, busier on weekdays and late mornings; never after `end`."""
        while True:
            day: date = self.rng.choices(self.days, self.weights)[0]
            hour = min(max(self.rng.gauss(12.5, 2.8), 8), 19.99)
            local = datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(hours=hour)
            moment = local.astimezone(UTC).replace(microsecond=0)
            if self.start <= moment < self.end:
                return moment

    def minutes(self, median: float, spread: float = 0.8) -> timedelta:
        return timedelta(minutes=max(1, round(self.rng.lognormvariate(math.log(median), spread))))


def reword(rng: random.Random, text: str) -> str:
    """A customer's version of a phrasing: case, punctuation, a greeting, a typo."""
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.4:
        text = text.rstrip("?!.")
    if rng.random() < 0.1:
        text = f"hi, {text}"
    if rng.random() < 0.1:
        text = f"{text} please"
    if rng.random() < 0.15 and len(text) > 8:
        i = rng.randrange(1, len(text) - 2)
        text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def seed(store: Store, weeks: int, rng: random.Random, queries: int = 30_000) -> dict[str, int]:
    guide, problems = load_guide(ROOT / "playbooks")
    if guide is None:
        raise SystemExit("\n".join(map(str, problems)))
    entries = load_valid_knowledge(ROOT / "knowledge").entries
    tz = guide.goals.schedule.tz
    now = store.clock.now().replace(microsecond=0)
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday() + 7 * weeks)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=tz).astimezone(UTC)
    floor = Floor(rng, start, now, tz)

    reps = ["U0ANA0001", "U0BEN0001"] + [f"U0REP{n:04d}" for n in range(1, 23)]
    staff = reps + ["U0SAM0001", "U0LEE0001", "U0MIA0001"]
    deciders = ["U0SAM0001", "U0LEE0001", "U0MIA0001"]
    users = [(u, f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}") for i, u in
             enumerate(staff)]  # fmt: skip
    customers = [
        (f"CUS-{10001 + n}", f"{rng.choice(FIRST)} {rng.choice(LAST)}",
         (start.date() - timedelta(days=rng.randrange(10, 2500))).isoformat(),
         rng.choice(("standard", "standard", "plus", "family")))
        for n in range(900)
    ]  # fmt: skip

    # FAQ queries, oldest first: the id order is the time order, as in a live database.
    closes = {i: floor.moment() for i in rng.sample(range(len(UNANSWERABLE)), 6)}
    query_rows, feedback, picks, resolutions = [], [], [], []
    unanswered: dict[int, list[int]] = {}  # question -> ids of the queries it went unanswered
    for query_id, when in enumerate(sorted(floor.moment() for _ in range(queries)), start=1):
        user = rng.choice(reps)
        roll = rng.random()
        if roll < 0.09:
            topic = rng.randrange(len(UNANSWERABLE))
            text = reword(rng, rng.choice(UNANSWERABLE[topic]))
            if topic in closes and when > closes[topic]:  # a lead added it to the FAQ
                row = (text, ADDED[topic], 92.0, "answer")
            else:
                row = (text, rng.choice(entries).id, round(rng.uniform(20, 55), 1), "none")
                unanswered.setdefault(topic, []).append(query_id)
        else:
            entry = rng.choice(entries)
            text = reword(rng, rng.choice((entry.question, *entry.variants)))
            if roll < 0.79:
                row = (text, entry.id, round(rng.uniform(86, 100), 1), "answer")
            else:
                row = (text, entry.id, round(rng.uniform(60, 85), 1), "suggest")
                if rng.random() < 0.6:
                    picks.append((query_id, user, entry.id, iso(when + timedelta(seconds=20))))
        query_rows.append((query_id, *row, user, iso(when)))
        if row[3] == "answer" and rng.random() < 0.07:
            helpful = int(rng.random() < 0.85)
            feedback.append((query_id, user, row[1], helpful, iso(when + timedelta(minutes=1))))
    for topic, closed in closes.items():
        action = rng.choice(("entry", "phrasing"))
        lead = rng.choice(("U0LEE0001", "U0MIA0001"))
        resolutions += [(query_id, action, ADDED[topic], lead, iso(closed))
                        for query_id in unanswered.get(topic, [])]  # fmt: skip

    # Cases with their contacts, notes, solutions, promises and redirects.
    cases, contacts, notes, solutions, followups, redirects = [], [], [], [], [], []
    types = [t for t in guide.solutions.types if not t.new_customers_only]
    teams = list(guide.teams.values())
    for case_id, opened in enumerate(sorted(floor.moment() for _ in range(weeks * 250)), 1001):
        customer = rng.choice(customers)[0]
        owner = rng.choice(reps)
        times = [opened]
        for _ in range(rng.choices((0, 1, 2, 3), (62, 25, 10, 3))[0]):
            times.append(times[-1] + floor.minutes(60 * 20, 1.0))
        times = [t for t in times if t < now]
        for number, when in enumerate(times, start=1):
            contacts.append((case_id, number, rng.choice(reps), iso(when)))
        closed = times[-1] + floor.minutes(90, 1.2)
        status, cause, closed_at = "open", None, None
        if rng.random() < 0.88 and closed < now:
            status, closed_at = "closed", iso(closed)
            cause = rng.choices(list(CAUSES), list(CAUSES.values()))[0]
        topic = rng.choice(entries).id.replace("_", " ")
        cases.append((case_id, customer, topic, owner, status, cause, iso(opened), closed_at,
                      owner if closed_at else None))  # fmt: skip
        if rng.random() < 0.4:
            note_at = opened + timedelta(minutes=rng.randrange(2, 30))
            notes.append((case_id, owner, "Customer sent photos; checked the order.", iso(note_at)))
        if rng.random() < 0.3:
            solution_type = rng.choice(types)
            limit = guide.solutions.limits[solution_type.id]["rep"]
            amount, inside = None, limit is not None
            if solution_type.has_amount:
                top = solution_type.max_amount or 100
                value = min(top, max(1, round(rng.lognormvariate(math.log(20), 0.8))))
                amount = f"{value}.00" if solution_type.unit == guide.solutions.currency else value
                inside = limit is not None and limit[0] is not None and value <= limit[0]
            made = opened + timedelta(minutes=rng.randrange(3, 25))
            decided_by = decided_at = None
            state = "authorized"
            if not inside:
                decided = made + floor.minutes(25, 1.1)
                state = "pending"
                if decided < now:
                    state = "approved" if rng.random() < 0.8 else "denied"
                    decided_by, decided_at = rng.choice(deciders), iso(decided)
            solutions.append((case_id, customer, "general", solution_type.id,
                              None if amount is None else str(amount), owner, state,
                              None if state == "authorized" else "lead", decided_by, decided_at,
                              iso(made)))  # fmt: skip
        if rng.random() < 0.35:
            due = opened + timedelta(hours=rng.randrange(2, 48))
            outcome = rng.random()
            done = None
            if outcome < 0.82:
                done = due - timedelta(minutes=rng.randrange(5, 120))
            elif outcome < 0.94:
                done = due + floor.minutes(180, 1.0)
            if done is not None and done >= now:
                done = None
            followups.append((owner, case_id, "Call back with an update", iso(due),
                              "done" if done else "open", owner if done else None,
                              iso(done) if done else None, iso(opened)))  # fmt: skip
        if rng.random() < 0.12:
            team = rng.choice(teams)
            sent = opened + timedelta(minutes=rng.randrange(5, 40))
            if sent < now:
                taken = sent + floor.minutes(TEAM_WAIT.get(team.id, 20))
                taken_by = rng.choice(reps) if taken < now else None
                redirects.append((case_id, owner, team.id, team.lead, "Context in the packet.",
                                  "taken" if taken_by else "waiting", taken_by,
                                  iso(taken) if taken_by else None, iso(sent + team.take_within),
                                  iso(sent + timedelta(hours=4)), iso(sent)))  # fmt: skip

    # Drafts and tone checks.
    drafts = []
    for when in (floor.moment() for _ in range(weeks * 300)):
        score = rng.choices((100, 90, 80, 70, 60), (55, 20, 12, 8, 5))[0]
        used = iso(when + timedelta(minutes=rng.randrange(1, 10))) if rng.random() < 0.7 else None
        drafts.append((rng.choice(reps), "Customer message", "general", "frustrated", "standard",
                       0, "Thanks for bearing with us...", score, used, iso(when)))  # fmt: skip
    rules = list(guide.tone.rules)
    weights = [30 if r.id in ("cant", "unfortunately", "you-need-to") else 3 for r in rules]
    checks = []
    for when in (floor.moment() for _ in range(weeks * 150)):
        flagged = rng.choices(rules, weights, k=rng.choices((0, 1, 2, 3), (40, 35, 18, 7))[0])
        score = max(0, 100 - sum(r.penalty for r in flagged))
        checks.append((rng.choice(reps), "Rep's own reply", score,
                       json.dumps([r.id for r in flagged]), iso(when)))  # fmt: skip

    conn = store.db.conn
    stamp = iso(now)
    with store.transaction():
        conn.executemany(
            "INSERT INTO users (id, name, real_name, tz, updated_at) VALUES (?, ?, ?, ?, ?)",
            [(u, name.split()[0].lower(), name, tz.key, stamp) for u, name in users],
        )
        conn.executemany(
            """INSERT INTO customers (id, name, email, customer_since, tier, created_at,
                   updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(i, n, f"{i.lower()}@example.com", since, tier, stamp, stamp)
             for i, n, since, tier in customers],
        )  # fmt: skip
        conn.executemany(
            """INSERT INTO faq_queries (id, text, best_id, best_score, verdict, user_id,
                   channel_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?, 'C0SUPPORT1',
                   'command', ?)""",
            query_rows,
        )
        conn.executemany(
            """INSERT INTO faq_feedback (query_id, user_id, entry_id, helpful, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            feedback,
        )
        conn.executemany("INSERT INTO faq_picks VALUES (?, ?, ?, ?)", picks)
        conn.executemany(
            """INSERT INTO gap_resolutions (query_id, action, entry_id, user_id, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            resolutions,
        )
        conn.executemany(
            """INSERT INTO cases (id, customer_id, topic, owner_id, status, root_cause,
                   opened_at, closed_at, closed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            cases,
        )
        conn.executemany(
            "INSERT INTO contacts (case_id, number, user_id, created_at) VALUES (?, ?, ?, ?)",
            contacts,
        )
        conn.executemany(
            "INSERT INTO case_notes (case_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
            notes,
        )
        conn.executemany(
            """INSERT INTO solutions (case_id, customer_id, situation, type, amount, reason,
                   requested_by, status, needs_role, decided_by, decided_at, created_at)
               VALUES (?, ?, ?, ?, ?, 'Put right what went wrong', ?, ?, ?, ?, ?, ?)""",
            solutions,
        )
        conn.executemany(
            """INSERT INTO followups (owner_id, case_id, what, due_at, status, done_by, done_at,
                   created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            followups,
        )
        conn.executemany(
            """INSERT INTO redirects (case_id, from_user, team_id, team_lead, note, status,
                   taken_by, taken_at, remind_at, reply_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            redirects,
        )
        conn.executemany(
            """INSERT INTO drafts (user_id, message, situation, emotion, style, version, text,
                   tone_score, used_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            drafts,
        )
        conn.executemany(
            """INSERT INTO tone_checks (user_id, text, score, flags, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            checks,
        )
    return {"reps": len(reps), "customers": len(customers), "queries": len(query_rows),
            "cases": len(cases), "contacts": len(contacts), "solutions": len(solutions),
            "follow-ups": len(followups), "redirects": len(redirects), "drafts": len(drafts),
            "tone checks": len(checks)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a new database file")
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    store = Store(args.db)
    if store.db.execute("SELECT count(*) FROM faq_queries").fetchone()[0]:
        raise SystemExit(f"{args.db} already has queries: seed a new database.")
    began = time.perf_counter()
    counts = seed(store, args.weeks, random.Random(args.seed))
    store.db.execute("ANALYZE")
    store.close()
    made = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    print(f"{args.db}: {made} in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
