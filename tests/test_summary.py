"""The weekly summary against a week of data written by hand: every figure, exactly.

The week is 2026-W27 in London, in summer time (UTC+1), so a Sunday 23:30 there is still the
week and a Monday 00:30 (Sunday 23:30 UTC) is the next one; 2026-W26 is the week before."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cases.solutions import SolutionPolicy, SolutionType
from bot.reporting.chart import trend_chart
from bot.reporting.export import rows, shown, to_csv, to_markdown, week_span
from bot.reporting.goals import Goal, load_goals
from bot.reporting.summary import Labels, build_summary, trends
from bot.reporting.weekly import claim_weekly_post
from bot.reporting.weeks import iso_week, week_bounds
from bot.shared.clock import Clock, iso
from bot.shared.db import Store

LONDON = ZoneInfo("Europe/London")
MON = date(2026, 6, 29)  # Monday of 2026-W27
PREV = MON - timedelta(days=7)


def at(day: date, hour: int, minute: int = 0, days: int = 0) -> str:
    """A London wall-clock time as the store keeps it (ISO UTC)."""
    return iso(datetime.combine(day + timedelta(days=days), time(hour, minute), LONDON))


def _type(type_id: str, unit: str | None) -> SolutionType:
    label = type_id.replace("_", " ").capitalize()  # as a playbook names it
    return SolutionType(type_id, label, unit is not None, unit, False, None, ())


POLICY = SolutionPolicy(
    currency="GBP",
    types=(_type("refund", "GBP"), _type("account_credit", "GBP"), _type("replacement", None)),
)
GOALS = (
    Goal("fcr", "First-contact resolution", "first_contact_resolution", 70, "at_least"),
    Goal("kept", "Promises kept", "promises_kept_pct", 40, "at_least"),
    Goal("approval", "Approval time", "median_approval_minutes", 60, "at_most"),
)


class Week:
    """Inserts rows with the times given, straight into the tables the summary reads."""

    def __init__(self, store: Store):
        self.db = store.db
        self.ids = 0

    def insert(self, table: str, **row) -> int:
        columns = ", ".join(row)
        cursor = self.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        return cursor.lastrowid

    def query(self, when: str, text: str, verdict: str, best: str | None = None) -> int:
        return self.insert("faq_queries", text=text, best_id=best, best_score=90.0,
                           verdict=verdict, user_id="U1", source="command",
                           created_at=when)  # fmt: skip

    def case(self, case_id: int, opened: str, contacts: list[str], closed: str | None = None,
             cause: str | None = None) -> None:  # fmt: skip
        self.insert("cases", id=case_id, customer_id="K1", topic="box", owner_id="U1",
                    status="closed" if closed else "open", root_cause=cause, opened_at=opened,
                    closed_at=closed)  # fmt: skip
        for number, when in enumerate(contacts, start=1):
            self.insert("contacts", case_id=case_id, number=number, user_id="U1",
                        created_at=when)  # fmt: skip

    def solution(self, kind: str, amount: str | None, status: str, created: str,
                 decided: str | None = None) -> None:  # fmt: skip
        self.insert("solutions", case_id=1001, customer_id="K1", situation="box_problem",
                    type=kind, amount=amount, reason="r", requested_by="U1", status=status,
                    decided_at=decided, created_at=created)  # fmt: skip

    def followup(self, due: str, done: str | None, closed: str | None = None,
                 missed: str | None = None) -> None:  # fmt: skip
        """A promise due at `due`: done at `done`, closed with its case at `closed`, or open;
        snoozed to `due` after it was missed at `missed`."""
        status = "done" if done else "closed" if closed else "open"
        self.insert("followups", owner_id="U1", what="call back", due_at=due, status=status,
                    done_at=done, closed_at=closed, missed_at=missed,
                    created_at=at(PREV, 8))  # fmt: skip

    def redirect(self, team: str, created: str, taken: str | None, case_id: int = 1003,
                 withdrawn: str | None = None) -> None:  # fmt: skip
        status = "withdrawn" if withdrawn else "taken" if taken else "waiting"
        self.insert("redirects", case_id=case_id, from_user="U1", team_id=team, note="",
                    status=status, taken_at=taken, withdrawn_at=withdrawn, remind_at=created,
                    reply_by=created, created_at=created)  # fmt: skip


# When the summary of 2026-W27 is posted: Monday 09:00 in London, the week after.
POSTED = datetime.combine(MON + timedelta(days=7), time(9), LONDON)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "r.db", Clock(start=POSTED))
    w = Week(store)
    w.insert("customers", id="K1", name="Kim", created_at=at(PREV, 8), updated_at=at(PREV, 8))

    # FAQ: this week 8 queries (3 answered: two answers and a pick), 4 unanswered.
    w.query(at(MON, 10), "boxwell charge?", "answer", "unknown_charge")
    w.query(at(MON, 11, days=1), "what is this payment", "answer", "unknown_charge")
    q3 = w.query(at(MON, 12), "I was charged twice", "answer", "double_charge")
    w.insert("faq_feedback", query_id=q3, user_id="U1", entry_id="double_charge", helpful=0,
             created_at=at(MON, 12))  # fmt: skip
    q4 = w.query(at(MON, 13), "receipt please", "suggest", "invoice_copy")
    w.insert("faq_picks", query_id=q4, user_id="U1", entry_id="invoice_copy",
             created_at=at(MON, 13))  # fmt: skip
    w.query(at(MON, 14), "my box", "suggest", "where_is_my_box")  # no pick: neither
    q6 = w.query(at(MON, 15), "do you sell dog food", "none")
    q7 = w.query(at(MON, 16, days=2), "Do you sell dog food??", "none")
    q8 = w.query(at(MON, 23, 30, days=6), "gift wrap please", "none")  # Sunday 23:30: this week
    w.query(at(MON, 0, 30, days=7), "gift wrap please", "none")  # Monday 00:30: the next
    for query_id, action, when in (
        (q6, "entry", at(MON, 17)),
        (q7, "entry", at(MON, 17)),
        (q3, "phrasing", at(MON, 18)),
        (q8, "ignore", at(MON, 19)),
    ):
        w.insert("gap_resolutions", query_id=query_id, action=action, user_id="U9",
                 created_at=when)  # fmt: skip
    # The week before: 2 queries, 1 answered.
    w.query(at(PREV, 10), "strange charge", "answer", "unknown_charge")
    w.query(at(PREV, 11), "dog food?", "none")

    # Drafts and tone checks.
    for score, created, used in (
        (80, at(MON, 9), at(MON, 10)),
        (60, at(MON, 9), None),
        (100, at(PREV, 9), at(MON, 9, days=1)),
    ):
        w.insert("drafts", user_id="U1", message="m", situation="general", emotion="calm",
                 style="standard", version=0, text="t", tone_score=score, used_at=used,
                 created_at=created)  # fmt: skip
    for score, flags in ((70, ["cant", "unfortunately"]), (90, ["cant"]), (100, [])):
        w.insert("tone_checks", user_id="U1", text="t", score=score, flags=json.dumps(flags),
                 created_at=at(MON, 14))  # fmt: skip

    # Cases: 1001 closed at its first contact; 1002 came back twice and closed; 1005 four times.
    w.case(1001, at(MON, 9), [at(MON, 9)], at(MON, 10), "product")
    w.case(1002, at(PREV, 9), [at(PREV, 9), at(MON, 9), at(MON, 9, days=1)], at(MON, 12, days=1),
           "process")  # fmt: skip
    w.case(1003, at(MON, 9), [at(MON, 9)])
    w.case(1004, at(PREV, 9), [at(PREV, 9)], at(PREV, 10), "marketing")
    w.case(1005, at(MON, 9), [at(MON, h) for h in (9, 10, 11, 12)], at(MON, 13), "product")

    # Solutions: 6 proposed this week, 3 authorized at once; 3 decided this week.
    w.solution("refund", "20.00", "authorized", at(MON, 9))
    w.solution("account_credit", "10.00", "authorized", at(MON, 9))
    w.solution("refund", "50.00", "approved", at(MON, 10), at(MON, 10, 30))  # 30 minutes
    w.solution("replacement", None, "authorized", at(MON, 10))
    w.solution("refund", "100.00", "denied", at(MON, 11), at(MON, 12, 30))  # 90 minutes
    w.solution("account_credit", "45.00", "pending", at(MON, 12))
    w.solution("refund", "40.00", "approved", at(PREV, 12, days=6), at(MON, 12, days=1))  # 2 days

    # Follow-ups due this week: 2 on time, 1 late, 1 open, 1 done late only after the week
    # (before the summary was posted).
    w.followup(at(MON, 12, days=1), at(MON, 11, days=1))
    w.followup(at(MON, 12, days=1), at(MON, 12, days=1))  # done at the due minute: on time
    w.followup(at(MON, 12, days=2), at(MON, 9, days=3))
    w.followup(at(MON, 12, days=4), None)
    w.followup(at(MON, 20, days=6), at(MON, 8, days=7))
    w.followup(at(MON, 12, days=8), None)  # due next week
    w.followup(at(PREV, 12), at(PREV, 11))

    # Redirects: billing waited 20, 40, 90 minutes; returns 5, and one untaken at the week's
    # end after 120 minutes (Sunday 22:00 to midnight).
    for minutes, day in ((20, 0), (40, 1), (90, 2)):
        created = datetime.combine(MON + timedelta(days=day), time(10), LONDON)
        w.redirect("billing", iso(created), iso(created + timedelta(minutes=minutes)))
    w.redirect("returns", at(MON, 10, days=3), at(MON, 10, 5, days=3))
    w.redirect("returns", at(MON, 22, days=6), None)
    w.redirect("technical", at(PREV, 10, days=5), at(PREV, 10, 10, days=5))
    return store


@pytest.fixture
def summary(store: Store):
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    return build_summary(
        store, start=start, end=end, label=label, goals=GOALS, tz=LONDON, policy=POLICY
    )


def triple(figure) -> tuple:
    return figure.value, figure.previous, figure.change


def table(figures) -> list[tuple]:
    return [(f.name, f.value, f.previous) for f in figures]


def test_weeks_are_iso_weeks_in_the_team_time_zone():
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    assert (iso(start), iso(end), label) == (
        "2026-06-28T23:00:00+00:00", "2026-07-05T23:00:00+00:00", "2026-W27"
    )  # fmt: skip
    # Without a week: the last complete one, as the team's Monday morning sees it.
    sunday_night = datetime(2026, 7, 5, 23, 30, tzinfo=UTC)  # Monday 00:30 in London
    assert iso_week(None, now=sunday_night, tz=LONDON)[2] == "2026-W27"
    assert iso_week(None, now=sunday_night, tz=ZoneInfo("UTC"))[2] == "2026-W26"
    # Words, as a manager types them.
    assert iso_week("Last  Week", now=sunday_night, tz=LONDON)[2] == "2026-W27"
    assert iso_week("this week", now=sunday_night, tz=LONDON)[2] == "2026-W28"
    # The week the clocks go forward is an hour short.
    start, end, _ = iso_week("2026-w13", now=sunday_night, tz=LONDON)
    assert end - start == timedelta(days=7, hours=-1)


@pytest.mark.parametrize(
    "text, message",
    [("next week", "not a week"), ("2025-W53", "2025 has weeks 1 to 52"), ("2026-W00", "1 to 53")],
)
def test_a_bad_week_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        iso_week(text, now=datetime.now(UTC), tz=LONDON)


def test_volume(summary):
    v = summary.volume
    assert triple(v.faq_queries) == (8, 2, 6)
    assert triple(v.cases_opened) == (3, 2, 1)
    assert triple(v.contacts) == (8, 2, 6)
    assert not summary.empty


def test_self_service(summary):
    s = summary.self_service
    assert triple(s.faq_answer_rate) == (37.5, 50.0, -12.5)
    assert triple(s.unanswered_questions) == (4, 1, 3)
    assert triple(s.gaps_closed) == (2, 0, 2)  # the entry (two questions) and the phrasing
    assert table(s.top_topics) == [
        ("unknown_charge", 2, 1), ("double_charge", 1, 0), ("invoice_copy", 1, 0)
    ]  # fmt: skip
    assert [(f.label, f.value) for f in s.top_unanswered] == [
        ("do you sell dog food", 2), ("I was charged twice", 1), ("gift wrap please", 1)
    ]  # fmt: skip


def test_a_question_is_either_answered_or_without_a_good_answer_never_both(tmp_path):
    # Found playing the demo: "FAQ answer rate: 100%" beside "Questions with no good answer: 1"
    # for one question, whose first answer was Not helpful and whose next was the right one.
    store = Store(tmp_path / "r.db")
    w = Week(store)

    def vote(query_id: int, entry_id: str | None, helpful: bool) -> None:
        w.insert("faq_feedback", query_id=query_id, user_id="U1", entry_id=entry_id,
                 helpful=int(helpful), created_at=at(MON, 12))  # fmt: skip

    def pick(query_id: int, entry_id: str) -> None:
        w.insert("faq_picks", query_id=query_id, user_id="U1", entry_id=entry_id,
                 created_at=at(MON, 12))  # fmt: skip

    found = w.query(at(MON, 10), "i forgot my password", "answer", "password_reset")
    vote(found, "password_reset", False)
    pick(found, "cant_log_in")  # offered in its place: the right one
    vote(found, "cant_log_in", True)
    lost = w.query(at(MON, 11), "my code never came", "suggest", "two_factor")
    pick(lost, "two_factor")
    vote(lost, "two_factor", False)  # the pick was wrong too...
    vote(lost, None, False)  # ...and so were the others: None of these
    wrong = w.query(at(MON, 12), "charged again", "answer", "double_charge")
    vote(wrong, "double_charge", False)
    w.query(at(MON, 13), "my box", "suggest", "where_is_my_box")  # the rep said nothing
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    s = build_summary(store, start=start, end=end, label=label, tz=LONDON).self_service
    assert s.faq_answer_rate.value == 25.0  # the password one only
    assert s.unanswered_questions.value == 2  # the code and the charge; "my box" is neither
    assert [f.label for f in s.top_unanswered] == ["my code never came", "charged again"]
    # the first answers' misses show where they belong: answered outright, rarely right
    assert (s.faq_answered_outright.value, s.faq_answer_precision.value) == (50.0, 0.0)


def test_a_pasted_message_is_named_by_its_question_and_no_customers_name(tmp_path):
    store = Store(tmp_path / "r.db")
    Week(store).query(
        at(MON, 10), "Hi there, do you do halal meals? Kind regards, Omar Khan", "none"
    )
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    s = build_summary(store, start=start, end=end, label=label, goals=GOALS, tz=LONDON).self_service
    # the management channel reads what the gaps list shows a lead
    assert [(f.label, f.value) for f in s.top_unanswered] == [("do you do halal meals?", 1)]


def test_tone(summary):
    t = summary.tone
    assert triple(t.drafts_written) == (2, 1, 1)
    assert triple(t.drafts_used) == (2, 0, 2)
    assert triple(t.tone_checks) == (3, 0, 3)
    assert triple(t.can_do_score) == (80.0, 100.0, -20.0)  # (80 + 60 + 70 + 90 + 100) / 5
    assert table(t.top_phrases) == [("cant", 2, 0), ("unfortunately", 1, 0)]


def test_solutions(summary):
    s = summary.solutions
    assert triple(s.solutions_proposed) == (6, 1, 5)
    assert triple(s.inside_authority_pct) == (50.0, 0.0, 50.0)
    assert triple(s.approvals) == (2, 0, 2)
    assert triple(s.denials) == (1, 0, 1)
    assert triple(s.median_approval_minutes) == (90.0, None, None)  # of 30, 90 and 2880
    assert table(s.count_by_type) == [("account_credit", 1, 0), ("refund", 2, 1),
                                      ("replacement", 1, 0)]  # fmt: skip
    assert [(f.name, f.value, f.previous, f.unit) for f in s.value_by_type] == [
        ("account_credit", 10.0, 0, "money"), ("refund", 70.0, 40.0, "money")
    ]  # fmt: skip


def test_follow_through(summary):
    f = summary.follow_through
    assert triple(f.promises_due) == (5, 1, 4)
    assert triple(f.promises_kept) == (2, 1, 1)
    assert triple(f.promises_late) == (2, 0, 2)  # Sunday 20:00's, done on Monday, among them
    assert triple(f.promises_overdue) == (1, 0, 1)
    assert triple(f.promises_kept_pct) == (40.0, 100.0, -60.0)


@pytest.mark.parametrize(
    ("done", "kept", "late", "overdue"),
    [
        ((10, 0, 40), 1, 0, 0),  # on the reminder, in the minute it fell due: kept
        ((10, 1, 30), 0, 1, 0),  # a minute and a half later: late
        (None, 0, 0, 1),
    ],
)
def test_a_promise_done_just_now_is_done_and_on_the_reminder_on_time(
    tmp_path: Path, done: tuple[int, int, int] | None, kept: int, late: int, overdue: int
) -> None:
    """The week so far, read in the very second the rep clicked Done (times are stored to the
    second): the demo's summary had it "Still overdue" or not yet due, by the split second."""
    day = datetime.combine(MON + timedelta(days=1), time(10), UTC)
    clicked = (
        day.replace(minute=1, second=30)
        if done is None
        else day.replace(hour=done[0], minute=done[1], second=done[2])
    )
    # now: a fifth of a second after the click, in the same second
    store = Store(tmp_path / "r.db", Clock(start=clicked + timedelta(milliseconds=200)))
    Week(store).followup(iso(day), None if done is None else iso(clicked))
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    f = build_summary(store, start=start, end=end, label=label, tz=LONDON).follow_through
    assert (f.promises_due.value, f.promises_kept.value) == (1, kept)
    assert (f.promises_late.value, f.promises_overdue.value) == (late, overdue)


def test_a_promise_closed_with_its_case_is_counted_apart_and_never_kept(tmp_path: Path) -> None:
    """Found by a QA play: closing a case marked its promises done, so the summary counted
    them kept (on time when the case closed before they were due) and the goal went green.
    One closed after the week's end was still overdue at its end, and is closed once it is."""
    store = Store(tmp_path / "r.db", Clock(start=datetime.combine(MON, time(9), LONDON)))
    w = Week(store)
    w.followup(at(MON, 12, days=1), at(MON, 11, days=1))  # kept
    w.followup(at(MON, 12, days=1), None, closed=at(MON, 11, days=1))  # before it was due
    w.followup(at(MON, 12, days=1), None, closed=at(MON, 9, days=2))  # after
    w.followup(at(MON, 12, days=4), None, closed=at(MON, 9, days=8))  # the week after
    w.followup(at(PREV, 12), None, closed=at(PREV, 11))  # the week before
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    goals = (Goal("kept", "Promises kept on time", "promises_kept_pct", 90, "at_least"),)

    def follow_through(made: str):
        store.clock.advance(datetime.fromisoformat(made) - store.clock.now())
        summary = build_summary(store, start=start, end=end, label=label, tz=LONDON, goals=goals)
        (kept,) = summary.goals
        assert kept.met is False
        return summary.follow_through

    f = follow_through(at(MON, 9, days=7))  # posted on Monday: the last one is still open
    assert triple(f.promises_due) == (4, 1, 3)
    assert triple(f.promises_kept) == (1, 0, 1)
    assert triple(f.promises_late) == (0, 0, 0)
    assert triple(f.promises_closed) == (2, 1, 1)
    assert triple(f.promises_overdue) == (1, 0, 1)
    assert triple(f.promises_kept_pct) == (25.0, 0.0, 25.0)
    f = follow_through(at(MON, 10, days=8))  # read again once it was closed
    assert triple(f.promises_closed) == (3, 1, 2)
    assert triple(f.promises_overdue) == (0, 0, 0)
    assert triple(f.promises_kept_pct) == (25.0, 0.0, 25.0)


def test_a_promise_due_on_sunday_night_counts_once_in_its_week_as_it_stands(tmp_path: Path):
    """Found by a QA play: a promise due late on Sunday and done after midnight read "Still
    overdue" in its week's summary, posted on Monday, and "Kept late" in none. Weeks are
    London's: Monday 00:30 there (Sunday 23:30 UTC) is the next week."""
    sunday_night = datetime.combine(MON + timedelta(days=6), time(23, 45), LONDON)
    store = Store(tmp_path / "r.db", Clock(start=sunday_night))
    w = Week(store)
    w.followup(at(MON, 23, 30, days=6), at(MON, 0, 10, days=7))  # done 40 minutes late
    w.followup(at(MON, 0, 30, days=7), at(MON, 0, 40, days=7))  # the next week's

    def follow_through(week: str, made: str) -> list[tuple]:
        store.clock.advance(datetime.fromisoformat(made) - store.clock.now())
        start, end, label = iso_week(week, now=store.clock.now(), tz=LONDON)
        f = build_summary(store, start=start, end=end, label=label, tz=LONDON).follow_through
        return [(figure.value, figure.previous) for figure in
                (f.promises_due, f.promises_kept, f.promises_late, f.promises_overdue)]  # fmt: skip

    # due, kept on time, kept late, still overdue: (the week, the week before)
    assert follow_through("2026-W27", at(MON, 23, 45, days=6)) == [(1, 0), (0, 0), (0, 0), (1, 0)]
    assert follow_through("2026-W27", at(MON, 0, 5, days=7)) == [(1, 0), (0, 0), (0, 0), (1, 0)]
    # posted on Monday morning: kept late, in the week it was due
    assert follow_through("2026-W27", at(MON, 9, days=7)) == [(1, 0), (0, 0), (1, 0), (0, 0)]
    # the week after counts its own alone, and has the first as it stands beside it: once
    assert follow_through("2026-W28", at(MON, 9, days=14)) == [(1, 1), (0, 0), (1, 1), (0, 0)]


def test_the_week_so_far_counts_a_promise_kept_early_and_one_closed_with_its_case(tmp_path):
    """Found by a QA play: on Tuesday, the week so far showed no promise at all for one due on
    Friday that the rep had kept that morning; how it ends is known, so it counts now."""
    tuesday = datetime.combine(MON + timedelta(days=1), time(12), LONDON)
    store = Store(tmp_path / "r.db", Clock(start=tuesday))
    w = Week(store)
    w.followup(at(MON, 16, days=4), at(MON, 11, days=1))  # due Friday, done Tuesday morning
    w.followup(at(MON, 16, days=3), None, closed=at(MON, 10, days=1))  # its case closed
    w.followup(at(MON, 16, days=2), None)  # due Wednesday: ahead, not counted yet
    start, end, label = iso_week("2026-W27", now=store.clock.now(), tz=LONDON)
    f = build_summary(store, start=start, end=end, label=label, tz=LONDON).follow_through
    assert [figure.value for figure in (f.promises_due, f.promises_kept, f.promises_overdue)] == [
        2,
        1,
        0,
    ]


def test_a_promise_snoozed_after_it_was_due_is_late_in_the_week_it_was_missed(tmp_path: Path):
    """Found by a QA play: snoozing an overdue promise moved its due time, and once done it
    counted as kept on time. One snoozed in good time was rescheduled: it misses nothing."""
    store = Store(tmp_path / "r.db", Clock(start=POSTED))
    w = Week(store)
    # missed on Friday, snoozed to next Tuesday and done on Monday, before its new time: late
    w.followup(at(MON, 12, days=8), at(MON, 8, 30, days=7), missed=at(MON, 12, days=4))
    # missed on Sunday night, snoozed to Tuesday and not done yet: still overdue
    w.followup(at(MON, 12, days=8), None, missed=at(MON, 22, days=6))
    # snoozed in good time from Friday to Saturday, and done on Saturday: kept on time
    w.followup(at(MON, 12, days=5), at(MON, 11, days=5))
    start, end, label = iso_week("2026-W27", now=POSTED, tz=LONDON)
    f = build_summary(store, start=start, end=end, label=label, tz=LONDON).follow_through
    assert (f.promises_due.value, f.promises_kept.value) == (3, 1)
    assert (f.promises_late.value, f.promises_overdue.value) == (1, 1)
    # and not again in the week they were moved to
    store.clock.advance(timedelta(days=7))
    start, end, label = iso_week("2026-W28", now=store.clock.now(), tz=LONDON)
    f = build_summary(store, start=start, end=end, label=label, tz=LONDON).follow_through
    assert (f.promises_due.value, f.promises_due.previous) == (0, 3)
    assert (f.promises_late.previous, f.promises_overdue.previous) == (1, 1)


def test_repeat_contacts_and_first_contact_resolution(summary):
    r = summary.repeat_contacts
    assert triple(r.repeat_contacts) == (5, 0, 5)
    assert triple(r.third_contacts) == (3, 0, 3)
    assert triple(r.senior_callbacks) == (2, 0, 2)
    assert triple(r.cases_closed) == (3, 1, 2)
    assert triple(r.first_contact_resolution) == (33.3, 100.0, -66.7)


def test_a_case_that_follows_a_closed_one_counts_on_from_the_matters_contacts(tmp_path: Path):
    """A customer back about a closed matter gets a case that follows it (bot.cases): their
    contacts add up, so its second contact is the matter's third and raised a callback, and a
    follow-on closed after its own first contact is no first-contact resolution."""
    store = Store(tmp_path / "r.db")
    w = Week(store)
    w.insert("customers", id="K1", name="Kim", created_at=at(PREV, 8), updated_at=at(PREV, 8))
    w.case(1001, at(PREV, 9), [at(PREV, 9)], closed=at(PREV, 10), cause="product")
    w.case(1002, at(MON, 9), [at(MON, 9), at(MON, 11)], closed=at(MON, 12), cause="product")
    w.case(1003, at(MON, 9), [at(MON, 9)])  # another matter: a first contact
    w.case(1004, at(MON, 14), [at(MON, 14)], closed=at(MON, 15), cause="process")
    w.case(1005, at(MON, 16), [at(MON, 16)])  # back again after 1004, which followed 1001
    store.db.execute("UPDATE cases SET follows = 1001 WHERE id IN (1002, 1004)")
    store.db.execute("UPDATE cases SET follows = 1004 WHERE id = 1005")
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    r = build_summary(store, start=start, end=end, label=label, tz=LONDON).repeat_contacts
    # this week's contacts on their matter: 1002's 2nd and 3rd, 1003's 1st, 1004's 2nd, 1005's 3rd
    assert (r.repeat_contacts.value, r.third_contacts.value) == (4, 2)
    assert r.senior_callbacks.value == 2
    assert (r.cases_closed.value, r.first_contact_resolution.value) == (2, 0.0)


def test_withdrawn_solutions_and_redirects_count_in_no_decision_or_wait(tmp_path: Path):
    """Found by a new-user QA play: a solution and a redirect withdrawn when their case was
    closed read as decided and taken in 0 minutes ("Median time to decision: 0 min", with
    nothing approved or denied), and the goals on those medians showed green."""
    store = Store(tmp_path / "r.db")
    w = Week(store)
    w.insert("customers", id="K1", name="Kim", created_at=at(PREV, 8), updated_at=at(PREV, 8))
    w.case(1001, at(MON, 9), [at(MON, 9)], closed=at(MON, 9, 5), cause="product")
    w.solution("refund", "120.00", "withdrawn", at(MON, 9), at(MON, 9, 5))
    w.redirect("returns", at(MON, 9, 1), None, case_id=1001, withdrawn=at(MON, 9, 5))
    # sent on Sunday night and withdrawn only the week after: waiting at this week's end
    w.redirect("billing", at(MON, 22, days=6), None, case_id=1001, withdrawn=at(MON, 9, days=7))
    goals = (GOALS[2], Goal("wait", "Redirect wait", "median_redirect_wait_minutes", 20, "at_most"))
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    summary = build_summary(store, start=start, end=end, label=label, goals=goals, tz=LONDON)
    s, silos = summary.solutions, summary.silos
    assert (s.approvals.value, s.denials.value, s.solutions_withdrawn.value) == (0, 0, 1)
    assert s.median_approval_minutes.value is None  # nothing was decided: no time to decide
    assert (silos.redirects.value, silos.redirects_waiting.value) == (2, 1)
    assert silos.redirects_withdrawn.value == 1
    # the one withdrawn in the week waited for nobody; the other had waited 2 hours by its end
    assert (silos.median_redirect_wait_minutes.value, silos.max_redirect_wait_minutes.value) == (
        120.0, 120.0
    )  # fmt: skip
    assert table(silos.redirects_by_team) == [("billing", 1, 0), ("returns", 1, 0)]
    assert table(silos.median_wait_by_team) == [("billing", 120.0, None), ("returns", None, None)]
    assert [(g.goal.id, g.actual, g.met) for g in summary.goals] == [
        ("approval", None, None),  # no data, not met in 0 minutes
        ("wait", 120.0, False),
    ]
    markdown = to_markdown(summary)
    assert "| Approval time | ≤ 60 min | – | no data |" in markdown
    assert "| Withdrawn undecided (their case was closed) | 1 | 0 | +1 |" in markdown


def test_a_redirected_case_is_no_first_contact_resolution(tmp_path: Path):
    """Found by a new-user QA play: a case sent to another team and then closed read as
    "First-contact resolution: 100%"; the customer was passed on, not helped at first contact."""
    store = Store(tmp_path / "r.db")
    w = Week(store)
    w.insert("customers", id="K1", name="Kim", created_at=at(PREV, 8), updated_at=at(PREV, 8))
    w.case(1001, at(MON, 9), [at(MON, 9)], closed=at(MON, 12), cause="product")
    w.case(1002, at(MON, 9), [at(MON, 9)], closed=at(MON, 10), cause="product")
    w.redirect("returns", at(MON, 9, 30), at(MON, 9, 40), case_id=1001)
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    r = build_summary(store, start=start, end=end, label=label, tz=LONDON).repeat_contacts
    assert (r.cases_closed.value, r.first_contact_resolution.value) == (2, 50.0)
    assert r.first_contact_resolution.label == (
        "First-contact resolution (closed after one contact, never sent to another team)"
    )


def test_silos(summary):
    s = summary.silos
    assert triple(s.redirects) == (5, 1, 4)
    assert triple(s.redirects_waiting) == (1, 0, 1)
    assert triple(s.median_redirect_wait_minutes) == (40.0, 10.0, 30.0)
    assert triple(s.max_redirect_wait_minutes) == (120.0, 10.0, 110.0)
    assert table(s.redirects_by_team) == [("billing", 3, 0), ("returns", 2, 0),
                                          ("technical", 0, 1)]  # fmt: skip
    assert table(s.median_wait_by_team) == [("billing", 40.0, None), ("returns", 62.5, None),
                                            ("technical", None, 10.0)]  # fmt: skip
    assert table(s.max_wait_by_team) == [("billing", 90.0, None), ("returns", 120.0, None),
                                         ("technical", None, 10.0)]  # fmt: skip


def test_root_causes(summary):
    r = summary.root_causes
    assert table(r.counts) == [("product", 2, 0), ("process", 1, 0), ("marketing", 0, 1),
                               ("employee", 0, 0), ("customer", 0, 0),
                               ("unknown", 0, 0)]  # fmt: skip
    assert table(r.shares) == [("product", 66.7, 0.0), ("process", 33.3, 0.0),
                               ("marketing", 0.0, 100.0), ("employee", 0.0, 0.0),
                               ("customer", 0.0, 0.0), ("unknown", 0.0, 0.0)]  # fmt: skip


def test_goals_against_their_targets(summary):
    assert [(g.goal.id, g.target, g.actual, g.previous, g.met) for g in summary.goals] == [
        ("fcr", 70, 33.3, 100.0, False),
        ("kept", 40, 40.0, 100.0, True),
        ("approval", 60, 90.0, None, False),
    ]


def test_an_empty_week_is_a_short_correct_summary(store):
    start, end, label = iso_week("2026-W40", now=datetime.now(UTC), tz=LONDON)
    empty = build_summary(store, start=start, end=end, label=label, goals=GOALS, tz=LONDON)
    assert empty.empty
    assert triple(empty.volume.faq_queries) == (0, 0, 0)
    assert triple(empty.self_service.faq_answer_rate) == (None, None, None)
    assert empty.self_service.top_topics == () and empty.silos.redirects_by_team == ()
    assert [g.met for g in empty.goals] == [None, None, None]
    assert "Nothing happened this week" in to_markdown(empty)


def test_exports(summary):
    markdown = to_markdown(summary)
    # when the figures were read, on the team's clock: a promise overdue then may be kept since
    assert markdown.startswith(
        "# Weekly summary 2026-W27 (Jun 29 – Jul 5, 2026)\n\n"
        "Figures as of Jul 6, 2026 at 9:00 AM.\n"
    )
    assert "| FAQ answer rate | 37.5% | 50% | -12.5 pp |" in markdown  # a rate changes in points
    # solutions by the playbook's names, money with its currency
    credit = next(f for f in summary.solutions.value_by_type if f.name == "account_credit")
    assert credit.label == "Account credit"
    assert (
        "| Value granted, by type: Account credit | 10.00 GBP | 0.00 GBP | +10.00 GBP |" in markdown
    )
    # the types count the week's proposals that stand, and say so: 6 proposed, one denied and
    # one pending, 4 granted (QA read "Solutions by type" as all proposed)
    granted = re.findall(
        r"^\| Solutions proposed and granted, by type: [^|]+ \| (\d+) \|", markdown, re.M
    )
    assert sum(map(int, granted)) == 4
    assert "| First-contact resolution | ≥ 70% | 33.3% | no |" in markdown
    parsed = list(csv.DictReader(io.StringIO(to_csv(summary))))
    assert len(parsed) == len(rows(summary)) + len(GOALS)
    assert parsed[0] == {"section": "volume", "name": "faq_queries", "value": "8",
                         "previous": "2", "change": "6", "unit": "count",
                         "label": "FAQ queries", "target": "", "met": ""}  # fmt: skip
    by_name = {(r["section"], r["name"]): r for r in parsed}
    assert by_name["silos", "median_wait_by_team.returns"]["value"] == "62.5"
    assert by_name["goals", "kept"]["met"] == "true"


def test_trends_and_chart(store):
    _, end, _ = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    found = trends(store, end=end, weeks=2, tz=LONDON)
    assert found == [
        ("2026-W26", {"faq_queries": 2, "faq_answer_rate": 50.0, "cases_opened": 2,
                      "third_contacts": 0, "promises_kept_pct": 100.0}),
        ("2026-W27", {"faq_queries": 8, "faq_answer_rate": 37.5, "cases_opened": 3,
                      "third_contacts": 3, "promises_kept_pct": 40.0}),
    ]  # fmt: skip
    eight = trends(store, end=end, tz=LONDON)
    assert [label for label, _ in eight][:2] == ["2026-W20", "2026-W21"]
    assert trend_chart(eight).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_weekly_post_is_claimed_once(store):
    now = datetime(2026, 7, 6, 8, tzinfo=UTC)
    assert claim_weekly_post(store, "2026-W27", now)
    assert not claim_weekly_post(store, "2026-W27", now + timedelta(seconds=1), "other")
    assert claim_weekly_post(store, "2026-W28", now + timedelta(days=7))


def test_goals_file_problems_name_file_and_line(tmp_path: Path):
    (tmp_path / "goals.yaml").write_text(
        "summary:\n  timezone: Mars/Olympus\n  day: funday\n  time: '25:00'\n"
        "  channel: management\n  chanel: C0MGMT0001\n"
        "goals:\n"
        "  - id: fcr\n    label: FCR\n    figure: first_contact\n    target: high\n"
        "    direction: at_least\n"
        "  - id: kept\n    label: Kept\n    figure: promises_kept_pct\n    target: 90\n"
        "    direction: at_most\n"
    )
    goals, problems = load_goals(tmp_path)
    assert [(p.line, p.severity, p.message.split(" ")[0:2]) for p in problems] == [
        (5, "warning", ["summary:", "unknown"]),  # the channel, now in roles.yaml
        (2, "error", ["summary:", "timezone:"]), (3, "error", ["summary:", "day:"]),
        (4, "error", ["summary:", "time:"]),
        (6, "error", ["summary:", "unknown"]),  # a misspelt key
        (10, "error", ["fcr:", "figure:"]), (11, "error", ["fcr:", "target"]),
    ]  # fmt: skip
    assert problems[4].message == "summary: unknown key 'chanel' (expected day, time, timezone)"
    assert problems[0].message == (
        "summary: unknown key 'channel' (expected day, time, timezone); "
        "the management channel is in roles.yaml now (channels: management)"
    )
    assert problems[6].message == "fcr: target must be a number"
    assert [g.id for g in goals.goals] == ["kept"]


def test_the_shipped_goals_file_is_valid():
    goals, problems = load_goals(Path(__file__).parent.parent / "playbooks")
    assert problems == []
    assert goals.schedule.timezone == "Europe/London" and goals.schedule.day == 0
    assert goals.schedule.time == time(9, 0) and goals.goals


def test_every_key_reads_as_the_playbooks_name_it_or_else_in_words(store):
    start, end, label = iso_week("2026-W27", now=datetime.now(UTC), tz=LONDON)
    labels = Labels(topics={"double_charge": "I've been charged twice for the same box"},
                    phrases={"cant": "“can't”"}, teams={"technical": "App support"})  # fmt: skip
    named = build_summary(store, start=start, end=end, label=label, tz=LONDON, policy=POLICY,
                          labels=labels)  # fmt: skip
    # by their names where the FAQ and the playbooks have them; taken out since: in words
    assert [f.label for f in named.silos.redirects_by_team] == ["Billing", "Returns", "App support"]
    assert [f.label for f in named.self_service.top_topics] == [
        "Unknown charge", "I've been charged twice for the same box", "Invoice copy"
    ]  # fmt: skip
    assert [f.label for f in named.tone.top_phrases] == ["“can't”", "Unfortunately"]
    assert [f.label for f in named.root_causes.counts][:2] == ["Product", "Process"]
    gone = build_summary(store, start=start, end=end, label=label, tz=LONDON)  # no playbook
    assert [f.label for f in gone.solutions.count_by_type] == [
        "Account credit", "Refund", "Replacement"
    ]  # fmt: skip


def test_a_wait_reads_in_minutes_hours_or_days_as_it_grows():
    # a redirect nobody took for six days is not "8730 min" to a manager
    assert [shown(m, "minutes") for m in (0, 45, 150, 8730)] == [
        "0 min", "45 min", "2.5 h", "6.1 days"
    ]  # fmt: skip


def test_a_week_across_new_year_names_both_years():
    tz = ZoneInfo("Europe/London")
    start, end = week_bounds(date(2025, 12, 29), tz)  # 2026-W01
    assert week_span(start, end, tz, "to") == "Dec 29, 2025 to Jan 4, 2026"
    start, end = week_bounds(date(2026, 11, 30), tz)
    assert week_span(start, end, tz, "–") == "Nov 30 – Dec 6, 2026"
