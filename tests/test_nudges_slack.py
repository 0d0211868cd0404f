"""A request above a rep's authority that nobody decides is brought, once, to whoever may
decide it, in their DM, with Approve and Deny that work as on its card; through the emulator."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cases.nudges import APPROVAL_NUDGE_AFTER
from bot.cases.service import import_customers
from bot.demo import LocalSlack
from bot.emulator.team import member
from bot.reporting.goals import Goal, Goals
from bot.shared.clock import Clock
from bot.slack.approvals import nudge_after
from bot.slack.reminders import queue_due_reminders
from tests.test_cases_slack import customers, shown, solve

ANA, SAM, LEE, MIA = (member(name).id for name in ("ana", "sam", "lee", "mia"))
LEADS = "C0LEADS001"
WAITED = "has waited"  # in every nudge, before how long


def ask(local: LocalSlack, amount: str, customer: str = "Margaret Holloway") -> None:
    """Ana asks for a refund of `amount` on a new case: £100 is for a lead or above (a senior
    may refund £75), £300 for a manager (a lead may refund £200)."""
    local.workspace.command("ana", "/case", f"{customer}, charged twice")
    case = local.services.store.db.execute("SELECT max(id) FROM cases").fetchone()[0]
    solve(local, "ana", f"C-{case}", "Refund", amount, "Charged twice for one box")


def at_work(local: LocalSlack) -> None:
    """Wednesday 2:50 PM in London: by the time a nudge is due, Lee (Berlin) and Mia (Chicago)
    are both in their working hours, each nudged on their own clock."""
    local.clock.advance(timedelta(hours=3, minutes=20))


def nudged(local: LocalSlack, tmp_path: Path) -> None:
    """A refund above Ana's authority asked for at work, and its nudges read by everyone."""
    customers(local, tmp_path)
    at_work(local)
    ask(local, "100")
    local.wait(timedelta(minutes=31))
    local.workspace.look_everyone()


def nudges(local: LocalSlack, to: str) -> list[str]:
    """The nudges that reached `to` (a person's id for their DM, or a channel)."""
    return [
        text for call in local.fake.calls_to("chat.postMessage")
        if call.body["channel"] == to and call.status == 200
        and WAITED in (text := json.dumps(call.body, ensure_ascii=False))
    ]  # fmt: skip


def test_a_lead_level_request_reaches_whoever_may_decide_it_after_30_minutes(local, tmp_path):
    customers(local, tmp_path)
    at_work(local)
    ask(local, "100")
    local.wait(timedelta(minutes=29))
    assert [nudges(local, who) for who in (LEE, MIA)] == [[], []]
    local.wait(timedelta(minutes=2))
    (to_lee,) = nudges(local, LEE)
    assert "S-1 has waited 30 minutes for a decision" in to_lee  # told at its time
    # the request as its card shows it, with the card's buttons
    assert "Approval needed (lead or above)*: Refund £100.00 for *Margaret Holloway*" in to_lee
    assert '"action_id": "solution_approve"' in to_lee and "solution_deny" in to_lee
    assert len(nudges(local, MIA)) == 1  # a manager may decide it too
    # not the senior, whose limit it is above, nor the rep who asked, nor the leads' channel
    assert nudges(local, SAM) == nudges(local, ANA) == nudges(local, LEADS) == []
    local.wait(timedelta(hours=3))
    assert len(nudges(local, LEE)) == len(nudges(local, MIA)) == 1  # told once


def test_a_manager_level_request_reaches_only_the_managers(local, tmp_path):
    customers(local, tmp_path)
    at_work(local)
    ask(local, "300")
    local.wait(timedelta(minutes=31))
    (to_mia,) = nudges(local, MIA)
    assert "Approval needed (manager or above)*: Refund £300.00" in to_mia
    assert nudges(local, LEE) == nudges(local, SAM) == []


def test_a_request_decided_or_withdrawn_before_30_minutes_is_never_brought_up(local, tmp_path):
    customers(local, tmp_path)
    ask(local, "100")  # S-1 on C-1001: its case is closed
    local.wait(timedelta(minutes=10))
    local.workspace.click("ana", "Close case", where="#support")
    local.workspace.fill("Root cause", "Process", "ana")
    local.workspace.submit("ana")
    ask(local, "120", customer="Grace Adeyemi")  # S-2 on C-1002: Lee approves it
    local.wait(timedelta(minutes=10))
    local.workspace.click("lee", "Approve", where=LEADS)
    local.wait(timedelta(hours=2))
    assert [nudges(local, who) for who in (LEE, MIA, LEADS)] == [[], [], []]


def test_approve_in_the_dm_shows_on_the_card_and_on_the_others_nudge(local, tmp_path):
    nudged(local, tmp_path)
    seen = local.workspace.click("mia", "Approve", where="DM") + local.workspace.look_everyone()
    nudge_and_card = [(r.user, r.channel == LEADS) for r in seen if r.edited]
    assert nudge_and_card == [(MIA, False), (None, True), (LEE, False)]
    for decided in seen[:3]:  # her nudge, the card and Lee's nudge, without the buttons
        assert decided.render().text.startswith(f"*Approved* by @{MIA}: Refund £100.00")
        assert not decided.elements
    assert "Approved: Refund £100.00 on C-1001." in shown(r for r in seen if r.user == ANA)
    db = local.services.store.db
    assert db.execute("SELECT status, decided_by FROM solutions").fetchall() == [("approved", MIA)]


def test_a_decision_on_the_card_or_a_denial_from_a_dm_shows_on_every_nudge(local, tmp_path):
    nudged(local, tmp_path)
    local.workspace.click("lee", "Approve", where=LEADS)
    (mias,) = [r for r in local.workspace.look_everyone() if r.user == MIA]
    assert mias.edited and mias.render().text.startswith(f"*Approved* by @{LEE}: Refund £100")
    ask(local, "100", customer="Grace Adeyemi")  # S-2: Mia denies it from her DM
    local.wait(timedelta(minutes=31))
    local.workspace.look_everyone()
    (form,) = local.workspace.click("mia", "Deny", where="DM")
    assert form.kind == "modal"
    local.workspace.fill("Why? The rep sees this.", "Refunded last week", "mia")
    seen = local.workspace.submit("mia") + local.workspace.look_everyone()
    denied = [r for r in seen if r.edited and r.render().text.startswith(f"*Denied* by @{MIA}")]
    assert {(r.channel == LEADS, r.user) for r in denied} == {(True, None), (False, LEE),
                                                              (False, MIA)}  # fmt: skip


def test_closing_the_case_after_the_nudge_takes_its_buttons_away_as_the_cards(local, tmp_path):
    nudged(local, tmp_path)
    local.workspace.click("ana", "Close case", where="#support")
    local.workspace.fill("Root cause", "Process", "ana")
    seen = local.workspace.submit("ana") + local.workspace.look_everyone()
    withdrawn = [r for r in seen if r.render().text.startswith("*Withdrawn*: Refund £100.00")]
    assert {r.user or r.channel for r in withdrawn} == {LEADS, LEE, MIA}
    assert all(r.edited and not r.elements for r in withdrawn)


def test_a_retried_send_or_a_restart_never_nudges_twice(local, tmp_path):
    customers(local, tmp_path)
    at_work(local)
    ask(local, "300")
    local.fake.fail("chat.postMessage", status=500, times=1)  # Slack fails the first send
    local.wait(timedelta(minutes=31))
    local.wait(timedelta(minutes=1))  # the outbox tries again
    sends = [c.status for c in local.fake.calls_to("chat.postMessage") if c.body["channel"] == MIA]
    assert sends == [500, 200] and len(nudges(local, MIA)) == 1
    assert queue_due_reminders(local.app.client, local.sender, local.services) == 0
    settings = local.settings
    with LocalSlack(
        settings.knowledge_dir, settings.playbooks_dir, settings.database_path,
        clock=Clock(start=local.clock.now()), over_http=False,
    ) as restarted:  # fmt: skip
        restarted.wait(timedelta(hours=2))
        assert nudges(restarted, MIA) == []


def test_outside_working_hours_a_nudge_waits_for_the_next_working_morning(local, tmp_path):
    customers(local, tmp_path)
    local.clock.advance(timedelta(hours=11, minutes=15))  # Wednesday 4:45 PM in Chicago
    ask(local, "300")  # Mia, in Chicago, decides it
    local.wait(timedelta(hours=1))  # past 5 PM: Mia has gone home
    assert nudges(local, MIA) == []
    local.wait(timedelta(hours=15, minutes=14))  # Thursday 8:59 AM in Chicago
    assert nudges(local, MIA) == []
    local.wait(timedelta(minutes=2))
    (to_mia,) = nudges(local, MIA)
    assert "S-1 has waited 16 hours 15 minutes for a decision" in to_mia  # at 9:00 AM


def test_a_nudge_due_while_the_bot_was_stopped_waits_for_the_morning_too(local, tmp_path):
    customers(local, tmp_path)
    local.clock.advance(timedelta(hours=10, minutes=30))  # Wednesday 4:00 PM in Chicago
    ask(local, "300")  # to be brought up at 4:30 PM, but repbot is stopped until 7 PM
    local.clock.advance(timedelta(hours=3))
    local.wait(timedelta(minutes=1))
    assert nudges(local, MIA) == []
    local.wait(timedelta(hours=14))  # Thursday 9:01 AM in Chicago
    (to_mia,) = nudges(local, MIA)
    assert "S-1 has waited 17 hours 1 minute for a decision" in to_mia


def test_each_decider_is_nudged_in_their_own_working_hours(local, tmp_path):
    """Found by QA: Mia, a manager in Chicago, was nudged at 3 AM her time because it was
    9 AM in London. Lee, in Berlin, is told at 30 minutes (1:00 PM his time); Mia at 9 AM in
    Chicago, once, with how long it has waited."""
    customers(local, tmp_path)
    ask(local, "100")  # Wednesday 11:30 AM in London, 5:30 AM in Chicago
    local.wait(timedelta(minutes=31))
    assert len(nudges(local, LEE)) == 1 and nudges(local, MIA) == []
    local.wait(timedelta(hours=2, minutes=58))  # 8:59 AM in Chicago
    assert nudges(local, MIA) == []
    local.wait(timedelta(minutes=2))
    (to_mia,) = nudges(local, MIA)
    assert "S-1 has waited 3 hours 30 minutes for a decision" in to_mia  # at 9:00 AM
    assert len(nudges(local, LEE)) == 1


@pytest.mark.writes_content
def test_when_nobody_listed_may_decide_the_leads_channel_is_told_once_who_could(local, tmp_path):
    roles = local.settings.playbooks_dir / "roles.yaml"
    text = roles.read_text()
    roles.write_text(text.replace("manager: [U0MIA0001]", "manager: []"))
    assert local.services.playbooks.reload(force=True) == []
    customers(local, tmp_path)
    ask(local, "300")
    local.wait(timedelta(minutes=31))
    (told,) = nudges(local, LEADS)
    assert "Nobody listed in roles.yaml can decide S-1, which has waited 30 minutes" in told
    assert "A manager or above could, other than the one who asked" in told
    assert nudges(local, LEE) == []  # a lead may not grant it
    local.wait(timedelta(hours=2))
    assert len(nudges(local, LEADS)) == 1


def test_the_wait_is_the_target_goals_yaml_sets_for_the_median_time_to_decide():
    goal = Goal("approval_time", "Median time to decide", "median_approval_minutes", 45, "at_most")
    assert nudge_after(Goals((goal,))) == timedelta(minutes=45)
    assert nudge_after(Goals()) == APPROVAL_NUDGE_AFTER == timedelta(minutes=30)


def two_on_one_case(local: LocalSlack, tmp_path: Path) -> None:
    """S-1, a £250 refund (a manager's), and S-2, a £100 one (a lead's), on C-1001, each
    naming the other; after 30 minutes Mia, who may decide both, has them in one DM."""
    customers(local, tmp_path)
    at_work(local)
    ask(local, "250")
    solve(local, "ana", "C-1001", "Refund", "100", "Charged twice again")
    local.wait(timedelta(minutes=31))
    local.workspace.look_everyone()


def test_a_decision_in_a_digest_shows_on_the_other_requests_in_it(local, tmp_path):
    """Found by QA: Mia approved S-1 in her DM of two requests, and S-2 beside it still said
    S-1 was "waiting for approval" until something else changed the message."""
    two_on_one_case(local, tmp_path)
    (digest,) = nudges(local, MIA)
    assert "2 approval requests" in digest
    seen = local.workspace.click("mia", "Approve", where="DM") + local.workspace.look_everyone()
    local.wait(timedelta(minutes=1))  # whatever the outbox still had to send
    seen += local.workspace.look_everyone()
    now = [r for r in seen if r.user == MIA and r.edited][-1].render().text
    assert f"*Approved* by @{MIA}: Refund £250.00" in now  # the one clicked
    assert "Refund £250.00 (S-1), waiting for approval" not in now
    assert f"Also on C-1001 lately:* Refund £250.00 (S-1), approved by @{MIA}" in now
    assert "[1 Approve] [2 Deny]" in now  # S-2's, still to decide


def test_a_nudge_edited_later_says_how_long_its_request_waited_not_a_time_since(local, tmp_path):
    """Found by QA: edited when another request was decided, a nudge sent at 30 minutes said
    its request "has waited 2 hours 31 minutes", and the decided one said nothing of its wait.
    A waiting request's nudge keeps the wait it was sent with; a decided one says when it was
    decided, and how long after it was asked."""
    two_on_one_case(local, tmp_path)
    local.wait(timedelta(hours=2))
    local.workspace.look_everyone()
    seen = local.workspace.click("lee", "Approve", where=LEADS) + local.workspace.look_everyone()
    local.wait(timedelta(minutes=1))
    seen += local.workspace.look_everyone()
    leas = [r for r in seen if r.user == LEE and r.edited][-1].render().text
    assert leas.startswith(f"*Approved* by @{LEE}: Refund £100.00")
    assert "2 hours 31 minutes after it was asked." in leas
    mias = [r for r in seen if r.user == MIA and r.edited][-1].render().text
    assert "2 hours 31 minutes after it was asked." in mias  # S-2, in her digest
    assert "S-1 has waited 30 minutes for a decision" in mias  # as it was sent
    assert f"Also on C-1001 lately:* Refund £100.00 (S-2), approved by @{LEE}" in mias
    assert "has waited 2 hours" not in mias


def test_a_request_only_listed_in_a_long_digest_stops_saying_it_waits_once_decided(local, tmp_path):
    """Nine requests made at night are brought up at once in the morning, in one DM to Lee: the
    first ones whole, the ninth a line, which still said it "has waited 9 hours" for a
    decision after Mia decided it on its card."""
    csv = tmp_path / "crm.csv"
    csv.write_text("id,name,email,customer_since,tier\n" + "".join(
        f"BX-{n},Customer {n},c{n}@example.com,2020-01-01,standard\n" for n in range(1, 10)
    ))  # fmt: skip
    import_customers(local.services.store, csv)
    local.clock.advance(timedelta(hours=11, minutes=15))  # Wednesday 11:45 PM in Berlin
    for n in range(1, 10):
        ask(local, "100", customer=f"Customer {n}")
    local.wait(timedelta(hours=9, minutes=20))  # all brought up at 9:00 AM in Berlin
    (digest,) = nudges(local, LEE)
    assert "9 approval requests" in digest and "• :hourglass: *S-9 has waited" in digest
    local.workspace.look_everyone()
    local.workspace.click("mia", "Approve", where=LEADS)  # S-9's card, the latest
    local.wait(timedelta(minutes=1))
    seen = local.workspace.look_everyone()
    now = [r for r in seen if r.user == LEE and r.edited][-1].render().text
    assert "S-9 has waited" not in now
    assert f"• *Approved* by @{MIA}: Refund £100.00 for *Customer 9* on C-1009" in now
    assert "S-8 has waited 9 hours" in now  # the others as they were
