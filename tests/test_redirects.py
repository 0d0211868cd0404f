"""Redirects: the teams file and its mistakes, the context packet and the customer's message,
the first taker wins, and unclaimed handoffs remind the rep and the lead once."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import shipped_matcher

from bot.cases import queries as cases_db
from bot.cases.service import CaseError, add_note, close_case, open_or_find_case
from bot.coaching import queries as coaching_db
from bot.coaching.playbooks import WorkingHours
from bot.faq.knowledge import Entry
from bot.followups.redirects import (
    RedirectError,
    closest_team,
    find_team,
    get_redirect,
    load_teams,
    redirect,
    take,
    waiting_redirects,
)
from bot.followups.reminders import claim, delivered, due_reminders
from bot.followups.service import add_followup
from bot.shared.clock import Clock
from bot.shared.db import Store
from bot.shared.roles import Roles

SHIPPED = Path(__file__).parent.parent / "playbooks"
REP, TAKER, TAKER2, LEAD = "U0ANA0001", "U0BEN0001", "U0SAM0001", "U0LEE0001"
ROLES = Roles({LEAD: "lead"})
LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)  # Thursday 14:00 in London
TEAMS_YAML = """\
teams:
  - id: billing
    name: Billing
    aliases: [payments]
    channel: C0BILLING1
    lead: U0LEE0001
    needs: [the charge in question]
    take_within: 30m
    reply_within: 2 working hours
  - id: returns
    name: Returns
    channel: C0RETURNS1
    lead: U0LEO0001
    needs: [which box]
    take_within: 1h
    reply_within: 1 working day
"""

FAQ = shipped_matcher()  # /case reads topics as the FAQ does


class FixedClock(Clock):
    def __init__(self, at: datetime) -> None:
        super().__init__()
        self.at = at

    def now(self) -> datetime:
        return self.at + self._offset


@pytest.fixture
def teams(tmp_path):
    (tmp_path / "teams.yaml").write_text(TEAMS_YAML)
    teams, problems = load_teams(tmp_path)
    assert problems == []
    return teams


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "r.db", clock=FixedClock(START))
    cases_db.save_customer(store,
        {"id": "BX-1", "name": "Margaret Holloway", "email": None,
         "customer_since": "2014-03-02", "tier": "premium"}
    )  # fmt: skip
    return store


def new_case(store: Store) -> int:
    contact = open_or_find_case(
        store, customer_text="BX-1", topic="charged twice", user_id=REP, request_key=None,
        matcher=FAQ,
    )  # fmt: skip
    return contact.case.id


def send(store, teams, case_id, team="billing", key=None, note="she was charged twice"):
    return redirect(
        store, teams, case_id=case_id, team_id=team, from_user=REP, note=note,
        request_key=key, tz=LONDON, hours=WorkingHours(),
    )  # fmt: skip


def test_the_shipped_teams_load_cleanly():
    teams, problems = load_teams(SHIPPED)
    assert problems == []
    assert {team.channel for team in teams.values()} == {
        "C0BILLING1", "C0DELIVER1", "C0RETURNS1", "C0TECHAPP1", "C0RETAIN01"
    }  # fmt: skip
    assert all(team.needs and team.lead == LEAD for team in teams.values())


def test_mistakes_in_the_teams_file_are_named_by_line(tmp_path):
    (tmp_path / "teams.yaml").write_text(
        TEAMS_YAML.replace("channel: C0BILLING1", "channel: billing")
        .replace("take_within: 1h", "take_within: soon")
        .replace("aliases: [payments]", "aliases: [returns]")
        + "  - id: Bad Team\n    colour: red\n"
    )
    teams, problems = load_teams(tmp_path)
    messages = [f"{p.line}: {p.message}" for p in problems]
    assert any(
        m.startswith("5: team 'billing': channel: 'billing' is not a Slack channel id")
        for m in messages
    )
    assert any(
        m.startswith("15: team 'returns': take_within: 'soon' does not read") for m in messages
    )
    assert any("id: 'Bad Team' must be one lower-case word" in m for m in messages)
    assert any(m.startswith("18: team 'Bad Team': unknown key 'colour'") for m in messages)
    assert any("missing channel" in m for m in messages)
    assert all(str(p).startswith(str(tmp_path / "teams.yaml")) for p in problems)
    assert teams == {}  # billing and returns each have an error; nothing half-loaded


def test_a_name_two_teams_answer_to_is_an_error(tmp_path):
    (tmp_path / "teams.yaml").write_text(TEAMS_YAML.replace("[payments]", "[returns]"))
    _, problems = load_teams(tmp_path)
    assert [p.message for p in problems] == [
        "team 'returns': 'returns' already names team 'billing'"
    ]


def test_without_a_teams_file_only_redirect_is_off(tmp_path):
    teams, problems = load_teams(tmp_path)
    assert teams == {} and [p.severity for p in problems] == ["warning"]


def test_teams_are_found_by_id_name_or_alias(teams):
    assert find_team(teams, "BILLING").id == "billing"
    assert find_team(teams, "#payments").id == "billing"
    assert find_team(teams, " Returns ").id == "returns"
    assert find_team(teams, "legal") is None


def test_a_typo_of_a_team_finds_the_team_meant_and_other_words_none(teams):
    assert closest_team(teams, "biling").id == "billing"
    assert closest_team(teams, "#Paymnts").id == "billing"  # a typo of an alias
    assert closest_team(teams, "retrun").id == "returns"
    for far in ("legal", "care", "C-1042", "<!here>", ""):
        assert closest_team(teams, far) is None, far
    assert closest_team({}, "billing") is None


def test_an_unknown_team_lists_the_teams(store, teams):
    case_id = new_case(store)
    with pytest.raises(RedirectError, match=r"no team 'legal'. Teams: billing \(Billing\), ret"):
        send(store, teams, case_id, team="legal")
    with pytest.raises(RedirectError, match=r"no team 'biling'. Did you mean billing\? Teams: "):
        send(store, teams, case_id, team="biling")
    assert waiting_redirects(store) == []


def test_a_closed_or_unknown_case_is_refused(store, teams):
    with pytest.raises(CaseError, match="no case C-9999"):
        send(store, teams, 9999)
    case_id = new_case(store)
    close_case(store, case_id, REP, "process")
    with pytest.raises(CaseError, match="closed"):
        send(store, teams, case_id)
    assert waiting_redirects(store) == []


def test_the_packet_carries_the_whole_context(store, teams):
    case_id = new_case(store)
    add_note(store, case_id, REP, "second charge on 3 March", None)
    draft_id = coaching_db.record_draft(store,
        {"user_id": REP, "case_id": f"C-{case_id}", "customer_name": "Margaret",
         "message": "why was I charged twice?", "entry_id": "double_charge",
         "situation": "wrong_charge", "emotion": "upset", "style": "standard", "version": 0,
         "text": "I'm sorry about the double charge...", "due_at": None, "tone_score": 90}
    )  # fmt: skip
    coaching_db.mark_draft(store, draft_id, used=True)
    add_followup(
        store, owner_id=REP, what="confirm the refund", due_at=START + timedelta(hours=3),
        case_id=case_id, request_key=None,
    )  # fmt: skip
    entries = {"double_charge": Entry("double_charge", "Why was I charged twice?", "It's a hold.")}
    sent, packet, message = redirect(
        store, teams, case_id=case_id, team_id="payments", from_user=REP, note="urgent",
        request_key="r1", tz=LONDON, hours=WorkingHours(), faq_entries=entries,
    )  # fmt: skip
    assert (sent.team_id, sent.status, sent.from_user, sent.ref) == (
        "billing",
        "waiting",
        REP,
        "R-1",
    )
    assert packet.team.channel == "C0BILLING1"
    assert packet.case_card.case.customer.name == "Margaret Holloway"
    assert packet.question == "why was I charged twice?"
    assert packet.faq_tried == [("double_charge", entries["double_charge"])]
    assert packet.drafts_sent == ["I'm sorry about the double charge..."]
    assert [note[1] for note in packet.notes] == ["second charge on 3 March"]
    assert [p.what for p in packet.promises] == ["confirm the refund"]
    assert (packet.contact_count, packet.rep_note) == (1, "urgent")
    assert message == (
        "I've passed this to our Billing team with everything you've told me, so you won't "
        "need to repeat any of it. They'll get back to you by 4 pm today."
    )
    assert (
        cases_db.case_row(store, case_id)["owner_id"] == REP
    )  # still the rep's until someone takes it
    assert [row["action"] for row in cases_db.audit_rows(store)][-1] == "redirect.sent"


def test_a_retried_redirect_is_sent_once(store, teams):
    case_id = new_case(store)
    first = send(store, teams, case_id, key="k")
    store.clock.advance(timedelta(minutes=1))
    assert send(store, teams, case_id, key="k") == first
    assert len(waiting_redirects(store)) == 1
    with pytest.raises(RedirectError, match="already waiting for Billing") as error:
        send(store, teams, case_id, key="other")
    assert (error.value.by, error.value.at) == (first[0].from_user, first[0].created_at)


def test_working_days_decide_when_the_customer_hears_back(store, teams):
    store.clock.advance(timedelta(days=1, hours=2))  # Friday 16:00
    _, _, message = send(store, teams, new_case(store), team="returns")
    assert message.endswith("They'll get back to you by 4 pm on Monday.")


def test_the_first_taker_wins_and_owns_the_case(store, teams):
    case_id = new_case(store)
    sent, _, _ = send(store, teams, case_id)
    store.clock.advance(timedelta(minutes=10))
    taken = take(store, sent.id, TAKER)
    assert (taken.status, taken.taken_by, taken.taken_at) == ("taken", TAKER, store.clock.now())
    assert cases_db.case_row(store, case_id)["owner_id"] == TAKER
    assert take(store, sent.id, TAKER) == taken  # a retried click
    said = "already taken by U0BEN0001 on Mar 5, 2026 at 2:10 PM UTC"
    with pytest.raises(RedirectError, match=said) as e:
        take(store, sent.id, TAKER2)
    assert e.value.by == TAKER
    with pytest.raises(RedirectError, match="no redirect R-99"):
        take(store, 99, TAKER)
    assert [row["action"] for row in cases_db.audit_rows(store)][-1] == "redirect.taken"


def test_two_takers_at_once_one_wins(tmp_path, teams):
    path = tmp_path / "shared.db"
    first = Store(path, clock=FixedClock(START))
    cases_db.save_customer(
        first, {"id": "BX-1", "name": "M", "email": None, "customer_since": None, "tier": None}
    )
    sent, _, _ = send(first, teams, new_case(first))
    second = Store(path, clock=FixedClock(START))
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def click(store: Store, user: str) -> None:
        barrier.wait()
        try:
            outcomes.append(take(store, sent.id, user).taken_by)
        except RedirectError as error:
            outcomes.append(f"refused: {error.by}")

    threads = [threading.Thread(target=click, args=a) for a in ((first, TAKER), (second, TAKER2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = get_redirect(first, sent.id).taken_by
    assert sorted(outcomes) == sorted([winner, f"refused: {winner}"])


def reminders_sent(store: Store, now: datetime) -> list[tuple[str, str]]:
    sent = []
    for reminder in due_reminders(store, ROLES, now):
        if claim(store, reminder, "a", now):
            delivered(store, reminder, now)
            sent.append((reminder.kind, reminder.recipient_id))
    return sent


def test_an_unclaimed_redirect_reminds_the_rep_and_the_lead_once(store, teams):
    send(store, teams, new_case(store))
    assert reminders_sent(store, START + timedelta(minutes=29)) == []
    assert reminders_sent(store, START + timedelta(minutes=30)) == [
        ("unclaimed_redirect", REP),
        ("unclaimed_redirect", LEAD),
    ]
    assert due_reminders(store, ROLES, START + timedelta(hours=3)) == []


def test_a_taken_redirect_reminds_nobody(store, teams):
    sent, _, _ = send(store, teams, new_case(store))
    take(store, sent.id, TAKER)
    assert reminders_sent(store, START + timedelta(hours=2)) == []
