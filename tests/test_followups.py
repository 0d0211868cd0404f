"""Follow-ups and their reminders: promises recorded once, closed and snoozed by the right
people, reminders before, at and after the due time, each sent exactly once whatever fails,
restarts, runs twice or changes its clocks."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import shipped_matcher

from bot.cases import queries as cases_db
from bot.cases.service import CaseError, close_case, get_case, move_contact, open_or_find_case
from bot.followups import service as followups
from bot.followups.reminders import (
    OVERDUE_AFTER,
    REMIND_BEFORE,
    claim,
    delivered,
    due_reminders,
)
from bot.followups.service import (
    FollowupError,
    add_followup,
    complete,
    list_followups,
    snooze,
    trailing_case,
)
from bot.followups.when import WhenError, parse_when
from bot.shared.clock import Clock
from bot.shared.db import Store
from bot.shared.jobs import CLAIM_TIMEOUT
from bot.shared.roles import Roles

REP, REP2, LEAD, MANAGER = "U0ANA0001", "U0BEN0001", "U0LEE0001", "U0MIA0001"
ROLES = Roles({LEAD: "lead", MANAGER: "manager"})
START = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)

FAQ = shipped_matcher()  # /case reads topics as the FAQ does


class FixedClock(Clock):
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        super().__init__()
        self.at = at

    def now(self) -> datetime:
        return self.at + self._offset


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "r.db", clock=FixedClock(START))


def promise(store: Store, due: datetime, owner: str = REP, key: str | None = None, **kwargs):
    kwargs.setdefault("case_id", None)
    what = kwargs.pop("what", "call Sam about the refund")
    return add_followup(
        store, owner_id=owner, what=what, due_at=due, request_key=key, **kwargs
    )  # fmt: skip


def send_all(store: Store, now: datetime, instance: str = "a") -> list[tuple[str, str]]:
    """What one instance of the delivery loop sends at `now`: (kind, recipient)."""
    sent = []
    for reminder in due_reminders(store, ROLES, now):
        if claim(store, reminder, instance, now):
            delivered(store, reminder, now)
            sent.append((reminder.kind, reminder.recipient_id))
    return sent


def test_a_promise_is_stored_once_with_an_audit_row(store):
    due = START + timedelta(hours=2)
    first = promise(store, due, key="req-1")
    again = promise(store, due, key="req-1")
    assert again == first
    assert (first.owner_id, first.status, first.due_at, first.ref) == (REP, "open", due, "F-1")
    assert [row["action"] for row in cases_db.audit_rows(store)] == ["followup.added"]


def test_bad_promises_store_nothing(store):
    with pytest.raises(FollowupError, match="What did you promise"):
        promise(store, START + timedelta(hours=1), what="  ")
    with pytest.raises(FollowupError, match="passed"):
        promise(store, START - timedelta(minutes=1))
    with pytest.raises(CaseError, match="no case C-9999"):
        promise(store, START + timedelta(hours=1), case_id=9999)
    with pytest.raises(WhenError):
        parse_when("tomorrow 25pm", now=START, tz=ZoneInfo("Europe/London"))
    assert list_followups(store, REP, include_done=True) == []
    assert list(cases_db.audit_rows(store)) == []


def test_a_promise_on_a_case(store):
    cases_db.save_customer(store,
        {"id": "BX-1", "name": "Margaret Holloway", "email": None, "customer_since": None,
         "tier": None}
    )  # fmt: skip
    case = open_or_find_case(
        store, customer_text="BX-1", topic="refund", user_id=REP, request_key=None, matcher=FAQ
    ).case
    assert promise(store, START + timedelta(hours=1), case_id=case.id).case_id == case.id
    close_case(store, case.id, REP, "product")
    with pytest.raises(CaseError, match="closed"):
        promise(store, START + timedelta(hours=1), case_id=case.id)


def test_a_new_case_with_a_promise_on_it_is_not_moved_to_another(store):
    cases_db.save_customer(store,
        {"id": "BX-1", "name": "Margaret Holloway", "email": None, "customer_since": None,
         "tier": None}
    )  # fmt: skip
    cases = [
        open_or_find_case(store, customer_text="BX-1", topic=topic, user_id=REP,
                          request_key=topic, matcher=FAQ).case
        for topic in ("billed twice", "parcel never turned up")
    ]  # fmt: skip
    promise(store, START + timedelta(hours=1), case_id=cases[1].id)
    with pytest.raises(CaseError, match=f"C-{cases[1].id} has more on it now"):
        move_contact(store, opened=cases[1].id, to=cases[0].id, user_id=REP,
                     request_key="parcel never turned up")  # fmt: skip
    assert [get_case(store, case.id).contact_count for case in cases] == [1, 1]


def test_the_case_is_read_from_the_end_of_the_promise():
    assert trailing_case("call her back C-1042") == ("call her back", 1042)
    assert trailing_case("send the 2 boxes") == ("send the 2 boxes", None)
    for two in ("call C-1001 C-1002", "call c1001, then C-1002", "C-1001 and C-1002 and C-1001"):
        with pytest.raises(
            FollowupError,
            match="^A promise is kept on one case, and this one "
            "names C-1001 and C-1002. Type one /followup",
        ):
            trailing_case(two)  # fmt: skip
    assert trailing_case("call C-1001 back C-1001") == ("call C-1001 back", 1001)


def test_mine_are_listed_overdue_first(store):
    later = promise(store, START + timedelta(hours=5))
    soon = promise(store, START + timedelta(hours=1))
    promise(store, START + timedelta(hours=2), owner=REP2)
    store.clock.advance(timedelta(hours=3))
    assert [f.id for f in list_followups(store, REP)] == [soon.id, later.id]
    assert soon.due_at <= store.clock.now() < later.due_at  # the overdue one came first
    complete(store, soon.id, REP)
    assert [f.id for f in list_followups(store, REP)] == [later.id]
    assert [f.id for f in list_followups(store, REP, include_done=True)] == [later.id, soon.id]


def test_who_may_close_a_promise(store):
    mine = promise(store, START + timedelta(hours=1))
    with pytest.raises(FollowupError, match="no follow-up F-99"):
        complete(store, 99, REP)
    with pytest.raises(FollowupError, match="Only its owner or a lead") as refused:
        complete(store, mine.id, REP2, roles=ROLES)
    assert refused.value.by == REP  # named as each interface names a person, never in the words
    with pytest.raises(FollowupError, match="Only its owner or a lead"):
        complete(store, mine.id, LEAD)  # without roles nobody but the owner
    done = complete(store, mine.id, LEAD, roles=ROLES)
    assert (done.status, done.done_by, done.done_at) == ("done", LEAD, START)
    said = "already done by U0LEE0001 on Mar 5, 2026 at 2:00 PM UTC"
    with pytest.raises(FollowupError, match=said) as e:
        complete(store, mine.id, REP)
    assert (e.value.by, e.value.at) == (LEAD, START)
    assert [row["action"] for row in cases_db.audit_rows(store)][-1] == "followup.done"


def test_snooze_moves_the_due_time(store):
    mine = promise(store, START + timedelta(hours=1))
    later = START + timedelta(days=1)
    assert snooze(store, mine.id, REP, later).due_at == later
    with pytest.raises(FollowupError, match="time ahead"):
        snooze(store, mine.id, REP, START - timedelta(minutes=5))
    with pytest.raises(FollowupError, match="Only its owner or a lead"):
        snooze(store, mine.id, REP2, later, roles=ROLES)


def test_a_snooze_after_the_due_time_keeps_the_first_time_missed(store):
    """Snoozed in good time (or in the minute it fell due, as "kept on time" counts it), a
    promise is rescheduled; snoozed after that, it keeps the first due time it missed, however
    often it is moved again."""
    mine = promise(store, START + timedelta(hours=1))
    moved = snooze(store, mine.id, REP, START + timedelta(hours=2))  # in good time
    assert (moved.due_at, moved.missed_at) == (START + timedelta(hours=2), None)
    store.clock.advance(timedelta(hours=2, seconds=50))  # still the minute it fell due
    moved = snooze(store, mine.id, REP, START + timedelta(hours=3))
    assert moved.missed_at is None
    store.clock.advance(timedelta(hours=1, minutes=1))  # a minute after 17:00: missed
    moved = snooze(store, mine.id, LEAD, START + timedelta(days=1), roles=ROLES)
    assert (moved.due_at, moved.missed_at) == (
        START + timedelta(days=1),
        START + timedelta(hours=3),
    )
    store.clock.advance(timedelta(days=1, hours=1))
    moved = snooze(store, mine.id, REP, START + timedelta(days=3))
    assert moved.missed_at == START + timedelta(hours=3)  # the first it missed, not the last
    assert complete(store, mine.id, REP).missed_at == START + timedelta(hours=3)


def test_before_due_and_overdue_as_the_clock_moves(store):
    due = START + timedelta(hours=2)
    promise(store, due)
    timeline = {
        due - REMIND_BEFORE - timedelta(minutes=1): [],
        due - REMIND_BEFORE: [("before", REP)],
        due - timedelta(minutes=5): [],
        due: [("due", REP)],
        due + timedelta(minutes=30): [],
        due + OVERDUE_AFTER: [("overdue", LEAD)],
        due + timedelta(hours=5): [],
    }
    for now, expected in timeline.items():
        assert send_all(store, now) == expected, now


def test_overdue_goes_to_managers_when_the_lead_is_late(store):
    promise(store, START + timedelta(hours=1), owner=LEAD)
    kinds = send_all(store, START + timedelta(hours=3))
    assert kinds == [("due", LEAD), ("overdue", MANAGER)]


def test_a_promise_made_close_to_its_time_gets_no_early_warning(store):
    promise(store, START + timedelta(minutes=10))
    assert send_all(store, START + timedelta(minutes=1)) == []
    assert send_all(store, START + timedelta(minutes=10)) == [("due", REP)]


def test_snooze_cancels_pending_reminders_and_makes_new_ones(store):
    due = START + timedelta(hours=1)
    mine = promise(store, due)
    assert send_all(store, due - REMIND_BEFORE) == [("before", REP)]
    stale = due_reminders(store, ROLES, due)  # listed, then the rep snoozes before it is sent
    snooze(store, mine.id, REP, due + timedelta(hours=1))
    assert [claim(store, reminder, "a", due) for reminder in stale] == [False]
    assert send_all(store, due) == []
    assert send_all(store, due + timedelta(minutes=45)) == [("before", REP)]
    assert send_all(store, due + timedelta(hours=1)) == [("due", REP)]


def test_done_cancels_every_reminder(store):
    due = START + timedelta(hours=1)
    mine = promise(store, due)
    stale = due_reminders(store, ROLES, due + OVERDUE_AFTER)
    complete(store, mine.id, REP)
    assert [claim(store, reminder, "a", due) for reminder in stale] == [False, False]
    assert send_all(store, due + timedelta(hours=4)) == []


def test_a_claim_whose_instance_died_is_claimed_again(store):
    due = START + timedelta(hours=1)
    promise(store, due)
    [reminder] = due_reminders(store, ROLES, due)
    assert claim(store, reminder, "dies", due)
    assert due_reminders(store, ROLES, due + timedelta(minutes=1)) == []
    assert not claim(store, reminder, "b", due + timedelta(minutes=1))
    later = due + CLAIM_TIMEOUT + timedelta(seconds=1)
    assert send_all(store, later, "b") == [("due", REP)]


def test_a_claim_made_before_the_clock_was_put_back_does_not_hold_the_reminder(store):
    due = START + timedelta(hours=1)
    promise(store, due)
    ahead = due + timedelta(hours=3)  # the clock ran three hours fast, then NTP put it back
    [reminder, _overdue] = due_reminders(store, ROLES, ahead)
    assert claim(store, reminder, "dies", ahead)
    back = due + timedelta(minutes=10)
    assert send_all(store, back, "b") == [("due", REP)]  # not three hours later
    assert send_all(store, back + timedelta(minutes=1), "b") == []


def test_after_an_outage_what_came_due_goes_out_at_once_and_once(store):
    due = START + timedelta(hours=1)
    promise(store, due)
    back = due + timedelta(hours=3)  # the bot was down from before the first reminder
    assert send_all(store, back) == [("due", REP), ("overdue", LEAD)]  # no "before": too late
    assert send_all(store, back + timedelta(minutes=1)) == []
    restarted = Store(store.path, clock=FixedClock(back))
    assert send_all(restarted, back + timedelta(minutes=2)) == []


def test_two_instances_send_each_reminder_once(tmp_path):
    path = tmp_path / "shared.db"
    first = Store(path, clock=FixedClock(START))
    second = Store(path, clock=FixedClock(START))
    for minutes in range(0, 120, 7):
        promise(first, START + timedelta(minutes=30 + minutes))
    sent: list[tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)

    def loop(store: Store, instance: str) -> None:
        for step in range(0, 300, 5):
            barrier.wait()  # both instances look at the same moment, every time
            now = START + timedelta(minutes=step)
            for reminder in due_reminders(store, ROLES, now):
                if claim(store, reminder, instance, now):
                    delivered(store, reminder, now)
                    with lock:
                        sent.append(reminder.id)

    threads = [threading.Thread(target=loop, args=(s, n)) for s, n in ((first, "a"), (second, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == len(set(sent)) == 18 * 3  # before, due and overdue for each promise


@pytest.mark.parametrize(
    ("tz", "created", "text", "due_utc"),
    [
        # Europe/London leaves summer time at 02:00 on Sunday 25 October 2026.
        ("Europe/London", datetime(2026, 10, 24, 14, 0, tzinfo=UTC), "tomorrow 10am",
         datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "in 2h",
         datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
        # America/New_York starts daylight saving at 02:00 on Sunday 8 March 2026.
        ("America/New_York", datetime(2026, 3, 7, 17, 0, tzinfo=UTC), "tomorrow 10am",
         datetime(2026, 3, 8, 14, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_daylight_saving_neither_shifts_nor_duplicates_a_reminder(tmp_path, tz, created, text,
                                                                  due_utc):  # fmt: skip
    store = Store(tmp_path / "dst.db", clock=FixedClock(created))
    due = parse_when(text, now=created, tz=ZoneInfo(tz)).at
    assert due == due_utc
    promise(store, due)
    sent_at: dict[str, datetime] = {}
    now = created
    while now <= due + timedelta(hours=2):  # every minute across the change
        for reminder in due_reminders(store, ROLES, now):
            assert claim(store, reminder, "a", now)
            delivered(store, reminder, now)
            assert reminder.kind not in sent_at
            sent_at[reminder.kind] = now
        now += timedelta(minutes=1)
    assert sent_at == {
        "before": due - REMIND_BEFORE,
        "due": due,
        "overdue": due + OVERDUE_AFTER,
    }


def test_reminders_are_about_the_current_state(store):
    mine = promise(store, START + timedelta(hours=1))
    [reminder] = due_reminders(store, ROLES, START + timedelta(hours=1))
    assert reminder.followup == mine and reminder.redirect is None
    assert reminder.due_at == mine.due_at and reminder.recipient_id == REP
    assert followups.get_followup(store, mine.id) == mine
