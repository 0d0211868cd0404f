"""Nothing acknowledged is lost, nothing is done twice: the way in, the way out and the error
boundary, end to end through the emulator (which fails, rate-limits and repeats on request)."""

import fcntl
import json
import logging
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from slack_bolt import Ack

from bot.cases.service import import_customers
from bot.demo import LocalSlack
from bot.emulator.team import member
from bot.faq.knowledge import load_knowledge
from bot.slack import queries as edge_db
from bot.slack.outbox import Sender
from bot.slack.reminders import queue_due_reminders

ANA, BEN, LEE = member("ana").id, member("ben").id, member("lee").id
LEADS = "C0LEADS001"


def count(local: LocalSlack, sql: str) -> int:
    return local.services.store.db.execute(sql).fetchone()[0]


def posts_to(local: LocalSlack, channel: str, containing: str = "") -> list[str]:
    """The messages that reached `channel` (a person's id for their DM), failed sends left out."""
    calls = local.fake.calls_to("chat.postMessage")
    bodies = [json.dumps(c.body, ensure_ascii=False) for c in calls
              if c.body.get("channel") == channel and c.status == 200]  # fmt: skip
    return [body for body in bodies if containing in body]


def shown(replies) -> str:
    return "\n".join(r.render().text for r in replies)


@pytest.fixture
def with_customers(local: LocalSlack, tmp_path) -> LocalSlack:
    today = local.services.store.clock.now().date()
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "id,name,email,customer_since,tier\n"
        f"BX-1,Margaret Holloway,mh@example.com,{today - timedelta(days=4000)},premium\n"
    )
    import_customers(local.services.store, csv)
    return local


def open_credit_of_60(local: LocalSlack) -> None:
    """Ana's /solve modal for C-1001, filled in with a credit above her authority."""
    local.workspace.command("ana", "/solve", "C-1001")
    local.workspace.fill("Solution", "Account credit", "ana")
    local.workspace.fill("Amount (GBP), where it applies", "60", "ana")
    local.workspace.fill("Reason", "Six late boxes", "ana")


# --- the same request five times at once: one effect ------------------------------------------


def test_a_case_command_delivered_five_times_counts_one_contact(with_customers):
    local = with_customers
    replies = local.workspace.command("ana", "/case", "Margaret Holloway, parcel late", times=5)
    assert "C-1001" in shown(replies)
    assert count(local, "SELECT count(*) FROM contacts") == 1
    assert count(local, "SELECT count(*) FROM deliveries WHERE key LIKE 'command:%'") == 1


@pytest.mark.over_http
def test_a_solution_submitted_five_times_posts_one_card_and_one_message(with_customers):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    open_credit_of_60(local)
    local.workspace.submit("ana", times=5)
    local.settle()
    assert len(posts_to(local, LEADS, "Approval needed")) == 1
    assert len(posts_to(local, ANA, "Sent for approval")) == 1
    assert count(local, "SELECT count(*) FROM solutions") == 1
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'solution.requested'") == 1


def test_draft_a_reply_pressed_five_times_stores_one_draft(local):
    local.workspace.command("ana", "/faq", "i forgot my password")
    local.workspace.click("ana", "Draft a reply", times=5)
    assert count(local, "SELECT count(*) FROM drafts") == 1
    drafts = [c for c in local.fake.calls_to("response_url") if "Use this" in json.dumps(c.body)]
    assert len(drafts) == 1


def test_snooze_pressed_five_times_moves_the_promise_once(local):
    local.workspace.command("ana", "/followup", "in 1h send the tracking number")
    local.wait(timedelta(minutes=61))
    local.workspace.look(member("ana"))
    local.workspace.click("ana", "Snooze 1h", times=5)
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'followup.snoozed'") == 1
    due = local.services.store.db.execute("SELECT due_at FROM followups").fetchone()[0]
    assert due.startswith(str(local.clock.now().date()))  # one hour on, not five


def test_a_lead_and_a_double_click_on_approve_decide_once(with_customers):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    open_credit_of_60(local)
    local.workspace.submit("ana")
    local.workspace.look(member("lee"))
    local.workspace.click("lee", "Approve", times=5)
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'solution.approved'") == 1
    assert len(posts_to(local, ANA, "Approved:")) == 1


# --- nothing acknowledged is lost ------------------------------------------------------------


def test_an_event_whose_work_failed_is_not_acknowledged_and_slacks_retry_does_it(
    local, caplog, monkeypatch
):
    event = local.fake.dm_event(ANA, "how do i change my card details")
    real_enqueue = edge_db.enqueue
    failures = iter([sqlite3.OperationalError("disk I/O error")])

    def enqueue_once_failing(*args, **kwargs):  # the disk fails once, mid-transaction
        if (error := next(failures, None)) is not None:
            raise error
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(edge_db, "enqueue", enqueue_once_failing)
    with caplog.at_level(logging.ERROR):
        first = local.client.event(event, event_id="EvLOST")
    assert first.status == 500  # not acknowledged: Slack will deliver it again
    assert "disk I/O error" in caplog.text and "reference" in caplog.text
    assert count(local, "SELECT count(*) FROM faq_queries") == 0  # rolled back, key and all
    assert local.client.event(event, event_id="EvLOST", retry_num=1).status == 200
    local.settle()
    assert count(local, "SELECT count(*) FROM faq_queries") == 1
    assert len(posts_to(local, event["channel"])) == 1
    assert local.client.event(event, event_id="EvLOST", retry_num=2).status == 200
    local.settle()
    assert len(posts_to(local, event["channel"])) == 1  # a later retry changes nothing


# --- one way out: retries, rates, give-up, digests ------------------------------------------


def test_an_approval_card_waits_out_429_and_500_and_arrives_once(with_customers):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.fake.fail("chat.postMessage", status=500, times=3)
    open_credit_of_60(local)
    local.workspace.submit("ana")
    assert posts_to(local, LEADS, "Approval needed") == []
    local.fake.fail("chat.postMessage", status=429, retry_after=30, times=1)
    for _ in range(6):
        local.wait(timedelta(minutes=1))
    assert len(posts_to(local, LEADS, "Approval needed")) == 1
    assert len(posts_to(local, ANA, "Sent for approval")) == 1
    statuses = {c.status for c in local.fake.calls_to("chat.postMessage")}
    assert {429, 500, 200} <= statuses


def test_a_message_slack_keeps_refusing_is_given_up_with_a_record_and_the_leads_told(local):
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.fake.fail("chat.postMessage", status=503, times=1000)
    local.wait(timedelta(minutes=61))
    for _ in range(7):
        local.wait(timedelta(minutes=10))
    local.fake.heal()  # Slack is back
    local.wait(timedelta(minutes=5))  # the notices' next try: 5 minutes apart by now
    dead = local.services.store.db.execute(
        "SELECT key, error FROM outbox WHERE status = 'dead'"
    ).fetchall()
    assert [key for key, _ in dead if key.startswith("reminder:")], dead
    told = posts_to(local, LEADS, "could not deliver a message")
    assert len(told) >= 1 and ANA in told[0]


@pytest.mark.parametrize("gone", ["archive", "remove_bot"])
def test_an_approval_request_slack_will_not_take_to_the_leads_is_told_to_its_rep(
    with_customers, gone
):
    # The leads cannot be told (it was their channel): the rep, told "You'll hear the outcome
    # here", would wait for ever.
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    getattr(local.fake, gone)(LEADS)
    open_credit_of_60(local)
    local.workspace.submit("ana")
    local.wait(timedelta(minutes=1))
    (status,) = local.services.store.db.execute(
        "SELECT status FROM outbox WHERE key = 'solution:1:card'"
    ).fetchone()
    assert status == "dead"
    told = posts_to(local, ANA, "could not reach the leads")
    assert len(told) == 1 and "Account credit £60.00 on C-1001" in told[0]


def home_in(replies):
    """The Home tab among what a person sees (the last, when it was published again)."""
    return [reply for reply in replies if reply.kind == "home"][-1]


def test_an_approval_whose_card_never_reached_the_leads_is_decided_on_a_leads_home_tab(
    with_customers,
):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.fake.archive(LEADS)
    open_credit_of_60(local)
    local.workspace.submit("ana")
    local.wait(timedelta(minutes=1))  # the card is given up; Ana is told
    (told,) = posts_to(local, ANA, "could not reach the leads")
    assert "a lead can approve or deny it on their repbot Home tab" in told
    home_in(local.open_home(member("mia")))  # Mia opens her Home tab now, clicks later
    home = home_in(local.open_home(member("lee")))
    assert "Account credit £60.00 on C-1001 for @" in home.render().text
    assert "Six late boxes" in home.render().text
    clicked = local.workspace.click("lee", "Approve", where="home", times=2)  # a double click
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'solution.approved'") == 1
    assert len(posts_to(local, ANA, "Approved:")) == 1
    home = home_in(clicked)
    text = home.render().text
    assert text.startswith(f"[home]\n*Approved* by @{LEE}: Account credit £60.00")
    assert "No solutions waiting for your decision." in text
    assert not [e for e in home.elements if e.label in ("Approve", "Deny")]
    # the card Slack never took is not updated, so nothing more is given up
    assert count(local, "SELECT count(*) FROM outbox WHERE status = 'dead'") == 1
    # Mia's tab still shows the request: her click says who decided, and when (no form opens)
    clicked = local.workspace.click("mia", "Deny", where="home")
    assert not [r for r in clicked if r.kind == "modal"]
    text = home_in(clicked).render().text
    assert f"S-1 was already approved by @{LEE} on " in text, text
    assert "No solutions waiting for your decision." in text
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'solution.denied'") == 0


def test_a_lead_denies_from_the_home_tab_and_the_card_in_the_leads_channel_says_so(
    with_customers,
):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    open_credit_of_60(local)
    local.workspace.submit("ana")
    assert len(posts_to(local, LEADS, "Approval needed")) == 1
    rep_home = home_in(local.open_home(member("ana")))
    assert "Account credit £60.00" in rep_home.render().text
    assert not [e for e in rep_home.elements if e.label in ("Approve", "Deny")]
    local.open_home(member("mia"))  # Mia opens her Home tab now, clicks later
    local.open_home(member("lee"))
    local.workspace.click("lee", "Deny", where="home")
    local.workspace.fill("Why? The rep sees this.", "Credit was given last week", "lee")
    submitted = local.workspace.submit("lee")
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'solution.denied'") == 1
    assert len(posts_to(local, ANA, "Denied:")) == 1
    (update,) = [c for c in local.fake.calls_to("chat.update") if c.status == 200]
    assert "Denied" in json.dumps(update.body) and update.body["channel"] == LEADS
    assert home_in(submitted).render().text.startswith(f"[home]\n*Denied* by @{LEE}: Account")
    home = home_in(local.workspace.click("mia", "Approve", where="home"))
    assert home.shown_view["blocks"][0]["text"]["text"].startswith(
        f"S-1 was already denied by <@{LEE}> <!date^"
    )
    assert count(local, "SELECT count(*) FROM audit_log WHERE action = 'solution.approved'") == 0


def test_a_decision_on_a_card_slack_holds_up_waits_with_backoff_and_then_updates_it(
    with_customers,
):
    # Slack's rate limit holds the card back 10 minutes; Lee approves from his Home tab at
    # once. The card's update waits for it backing off (it tried every 2 s), then replaces it.
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.fake.fail("chat.postMessage", status=429, retry_after=600, times=1)
    open_credit_of_60(local)
    local.workspace.submit("ana")
    assert posts_to(local, LEADS, "Approval needed") == []
    local.open_home(member("lee"))
    local.workspace.click("lee", "Approve", where="home")
    for _ in range(9 * 6):
        local.wait(timedelta(seconds=10))
    update = edge_db.outbox_item(local.services.store, "solution:1:decided")
    assert update is not None and update["status"] == "pending"
    assert update["attempts"] <= 12, update  # 2 s, 4 s, 8 s, ... apart (8 tries): not 55
    for _ in range(2):  # the card goes out at 10 minutes, its update after its backoff
        local.wait(timedelta(minutes=5))
    assert len(posts_to(local, LEADS, "Approval needed")) == 1
    (updated,) = [c for c in local.fake.calls_to("chat.update") if c.status == 200]
    assert "Approved" in json.dumps(updated.body) and updated.body["channel"] == LEADS


def test_a_decision_whose_card_never_goes_out_is_given_up_after_an_hour(with_customers):
    # Slack's rate limit holds the card for ever (a rate limit never gives an item up): its
    # update gives up after the hour any failure gets, instead of trying for ever.
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.fake.fail("chat.postMessage", status=429, retry_after=600, times=1000)
    open_credit_of_60(local)
    local.workspace.submit("ana")
    local.open_home(member("lee"))
    local.workspace.click("lee", "Approve", where="home")
    for _ in range(14):
        local.wait(timedelta(minutes=5))
    update = edge_db.outbox_item(local.services.store, "solution:1:decided")
    assert update is not None and update["status"] == "dead", update
    assert update["attempts"] < 25


def test_a_reply_its_response_url_no_longer_takes_reaches_the_person_in_their_dm(local):
    # Slack fails for over 30 minutes: by then the command's response_url has expired, and
    # the reply the rep asked for would be lost in silence.
    local.fake.fail("response_url", status=503, times=1000)
    local.workspace.command("lee", "/summary", "")
    for _ in range(7):
        local.wait(timedelta(minutes=5))
    local.fake.heal()
    local.wait(timedelta(minutes=5))
    refused = [c.response for c in local.fake.calls_to("response_url") if c.status == 404]
    assert refused and refused[-1]["error"] == "expired_url"
    assert len(posts_to(local, LEE, "Weekly summary")) == 1


def test_an_item_that_cannot_be_sent_for_a_reason_of_ours_is_given_up_in_time(local, caplog):
    # A payload the sender cannot read (a bug, or a row from another version): it was left
    # claimed, taken over every 2 minutes and failing again, for ever.
    edge_db.enqueue(local.services.store, "broken", "chat.postMessage", ANA, {"text": "old form"})
    with caplog.at_level(logging.ERROR):
        local.settle()
        for _ in range(8):
            local.wait(timedelta(minutes=10))
    item = edge_db.outbox_item(local.services.store, "broken")
    # backing off to 5 minutes apart (about 20 in its hour), not taken over every 2 minutes
    assert item is not None and item["status"] == "dead" and item["attempts"] < 30
    assert "KeyError" in caplog.text and "Traceback" in caplog.text
    assert len(posts_to(local, LEADS, "could not deliver a message")) == 1


def test_a_retry_set_before_the_clock_was_put_back_goes_out_without_waiting_for_it(local):
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.wait(timedelta(minutes=50))  # its "Coming up"
    local.fake.fail("chat.postMessage", status=500, times=1)
    local.wait(timedelta(minutes=10))  # its "Due now", at the end of the wait
    unsent = "SELECT count(*) FROM outbox WHERE status != 'sent'"
    assert count(local, unsent) == 1  # failed once: tried again in 2 seconds
    local.clock.advance(timedelta(hours=-1))  # NTP puts the clock an hour back
    local.wait(timedelta(seconds=5))
    assert count(local, unsent) == 0  # not an hour later, when the clock comes round
    assert len(posts_to(local, ANA, "Due now")) == 1


def test_the_leads_hear_in_words_why_a_reminder_could_not_reach_its_person(local):
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.fake.deactivate(ANA)
    local.wait(timedelta(minutes=61))
    # one for its "Coming up", one for its "Due now"
    told, _ = [c.body for c in local.fake.calls_to("chat.postMessage")
               if c.body.get("channel") == LEADS and c.status == 200]  # fmt: skip
    assert told["text"] == (
        "repbot could not deliver a message to a person: the person's account is deactivated."
    )
    shown = json.dumps(told["blocks"])
    assert f"<@{ANA}> after 1 attempt: the person's account is deactivated." in shown
    assert "It is kept in the outbox as reminder:" in shown


def test_the_leads_hear_to_check_the_playbooks_when_a_teams_channel_is_not_in_slack(
    with_customers,
):
    # A lead who pastes a team's channel id into teams.yaml with a typo read "the channel no
    # longer exists", of a channel that never did, and nothing of where the id was written.
    local = with_customers
    del local.fake.channels["C0BILLING1"]
    local.workspace.command("ana", "/case", "BX-1, charged twice")
    local.workspace.command("ana", "/redirect", "billing C-1001 two charges")
    (told,) = posts_to(local, LEADS, "could not deliver")
    assert json.loads(told)["text"] == (
        "repbot could not deliver a message to a channel: Slack has no channel with that id; "
        "check it in playbooks/teams.yaml or roles.yaml."
    )


def test_reminders_due_together_reach_their_person_as_one_message(local):
    for what in ("call Maria", "email Omar", "check the refund"):
        local.workspace.command("ana", "/followup", f"in 1h {what}")
    local.wait(timedelta(minutes=61))
    coming, due = posts_to(local, ANA)  # all three "Coming up" at once, then "Due now"
    for told in (coming, due):
        assert all(what in told for what in ("call Maria", "email Omar", "check the refund"))


def test_a_send_in_flight_when_its_process_died_is_not_sent_again(local):
    # The message reached Slack, but the sender died before it recorded that: its claim goes
    # stale. The next sender finds the message's key in the channel's history.
    local.sender.client.timeout = 0.5
    local.fake.fail("chat.postMessage", status=200, stall=1, times=1)  # answered too late
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.wait(timedelta(minutes=61))  # the send times out: Slack has the message, we do not know
    store = local.services.store
    # the reminders it was sending (not what went before, such as the weekly post)
    store.db.execute(
        "UPDATE outbox SET status = 'sending', claimed_at = ? WHERE key LIKE 'reminder:%'",
        ["2000-01-01"],
    )
    local.wait(timedelta(minutes=5))
    assert len(posts_to(local, ANA, "Due now")) == 1
    (status,) = store.db.execute("SELECT status FROM outbox WHERE key LIKE 'reminder:%due%'")
    assert status == ("sent",)


@pytest.mark.parametrize("fault", [{"stall": 1}, {"cut": True}])
@pytest.mark.parametrize("history_limited", [False, True])
def test_a_send_whose_answer_never_came_is_looked_for_before_it_is_sent_again(
    local, fault, history_limited
):
    # Slack posted the reminder, but its answer timed out or was cut off: the retry must
    # find it in Ana's DM instead of posting it a second time, even if the look is itself
    # rate limited at first.
    local.sender.client.timeout = 0.5
    local.fake.fail("chat.postMessage", status=200, times=1, **fault)
    if history_limited:
        local.fake.fail("conversations.history", status=429, retry_after=5)
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.wait(timedelta(minutes=61))
    for _ in range(2):  # the retry, and the one after the look's Retry-After
        local.wait(timedelta(minutes=1))
    assert len(posts_to(local, ANA, "Due now")) == 1
    (status,) = local.services.store.db.execute(
        "SELECT status FROM outbox WHERE key LIKE 'reminder:%'"
    ).fetchone()
    assert status == "sent"


@pytest.mark.parametrize("how", ["stall", "cut", "died"])
def test_a_chart_slack_has_though_its_upload_got_no_answer_is_not_uploaded_again(local, how):
    # Slack shared the weekly chart, but the answer timed out or was cut off, or the sender
    # died before it recorded it: the retry finds the file in the management channel instead
    # of uploading it a second time.
    local.sender.client.timeout = 0.5
    fault = {"cut": True} if how == "cut" else {"stall": 1}
    local.fake.fail("files.completeUploadExternal", status=200, times=1, **fault)
    local.post_weekly_summary()  # the first week's summary is due: its post and chart go
    store = local.services.store
    if how == "died":
        store.db.execute(
            "UPDATE outbox SET status = 'sending', unsure = 0, claimed_at = ? WHERE key LIKE ?",
            ["2000-01-01", "%:chart"],
        )
    for _ in range(3):
        local.wait(timedelta(minutes=1))
    shared = [f for f in local.fake.files.values() if f.get("channel") == "C0MGMT0001"]
    assert len(shared) == 1 and shared[0]["name"].startswith("repbot-trends-")
    assert len(local.fake.calls_to("files.completeUploadExternal")) == 1
    (status,) = store.db.execute("SELECT status FROM outbox WHERE key LIKE '%:chart'").fetchone()
    assert status == "sent"


def test_a_card_found_in_history_after_its_sender_died_can_still_be_updated(with_customers):
    # The approval card reached Slack but its sender died before it recorded where: found
    # again in the leads' history, it must keep its place there, or the lead's Deny (a
    # chat.update of the card) waits forever for a message it thinks is not sent.
    local = with_customers
    approval_card_in_flight_when_its_sender_died(local)
    store = local.services.store
    local.wait(timedelta(minutes=5))
    assert len(posts_to(local, LEADS, "Approval needed")) == 1
    local.sender.client.timeout = 10
    local.workspace.click("lee", "Deny")
    local.workspace.fill("Why? The rep sees this.", "Credit was given last week", "lee")
    local.workspace.submit("lee")
    local.wait(timedelta(minutes=1))
    updates = [c for c in local.fake.calls_to("chat.update") if c.response.get("ok")]
    assert len(updates) == 1 and "Denied" in json.dumps(updates[0].body)
    (status,) = store.db.execute("SELECT status FROM outbox WHERE key LIKE '%:decided'")
    assert status == ("sent",)


def test_a_send_in_flight_is_found_again_past_a_page_of_a_busy_channels_history(with_customers):
    # More than one page of other messages came after it: the lookup must turn the page.
    local = with_customers
    approval_card_in_flight_when_its_sender_died(local, chatter=450)
    local.wait(timedelta(minutes=5))
    assert len(posts_to(local, LEADS, "Approval needed")) == 1


def approval_card_in_flight_when_its_sender_died(local, chatter: int = 0) -> None:
    """A rep's /solve above their authority whose approval card reached Slack (answered too
    late for the sender to know), then `chatter` messages in the leads' channel, and the
    sender that claimed the card gone."""
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.sender.client.timeout = 0.5
    local.fake.fail("chat.postMessage", status=200, stall=1, times=2)  # answered too late
    open_credit_of_60(local)
    local.workspace.submit("ana")
    if chatter:
        local.fake.chatter(LEE, LEADS, chatter)
    local.services.store.db.execute(
        "UPDATE outbox SET status = 'sending', claimed_at = ? WHERE key LIKE 'solution:%'",
        ["2000-01-01"],
    )


# --- what was acknowledged survives the process dying right after ----------------------------


def dies_once_it_has_answered(local: LocalSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the bot is killed the moment it has its answer for Slack: nothing that
    comes after the acknowledgement (the lazy listeners) runs."""
    runner = local.app.listener_runner.lazy_listener_runner
    monkeypatch.setattr(runner, "start", lambda function, request: None)


class Killed(BaseException):
    """The process is gone: nothing after this point runs, and no handler sees it."""


def dies_before_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the bot is killed the moment it would answer Slack: what it wrote before
    is committed, and Slack heard nothing (it shows the person an error)."""

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(Ack, "__call__", killed)


def test_a_case_typed_again_after_the_bot_died_before_answering_is_not_opened_twice(
    with_customers, monkeypatch
):
    local = with_customers
    with monkeypatch.context() as dying, pytest.raises(Killed):
        dies_before_it_answers(dying)
        local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.wait(timedelta(minutes=2))  # Slack showed Ana an error: she types it again
    text = shown(local.workspace.command("ana", "/case", "margaret holloway,  Parcel late"))
    assert "You opened this case 2 minutes ago, so nothing more was counted." in text
    assert "C-1001 · Margaret Holloway" in text and "1 contact · open" in text
    assert count(local, "SELECT count(*) FROM cases") == 1
    assert count(local, "SELECT count(*) FROM contacts") == 1
    # Another rep's contact, or Ana's own later, is one more.
    (ben,) = local.workspace.command("ben", "/case", "Margaret Holloway, parcel late")
    assert "Counted another contact." in ben.render().text
    local.wait(timedelta(minutes=6))
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    assert count(local, "SELECT count(*) FROM contacts") == 3
    assert count(local, "SELECT count(*) FROM cases") == 1


@pytest.mark.writes_content
def test_a_new_faq_entry_whose_modal_closed_is_kept_though_the_bot_died_at_once(local, monkeypatch):
    local.workspace.command("ana", "/faq", "do you have vegan meals")
    local.workspace.command("lee", "/kb", "gaps")
    local.workspace.click("lee", "New entry")
    local.workspace.fill("Answer", "Yes: our Green box is fully vegan.", "lee")
    with monkeypatch.context() as dying:
        dies_once_it_has_answered(local, dying)
        replies = local.workspace.submit("lee", times=2)  # and a double click
    assert [(r.kind, r.removed) for r in replies if r.kind == "modal"] == [("modal", True)]
    # Slack closed the modal as saved: the entry is in the files, once; the gap, closed only
    # after the acknowledgement, stays on the list
    read = load_knowledge(local.services.faq.knowledge_dir)
    assert [e.answer for e in read.entries if e.question == "do you have vegan meals"] == [
        "Yes: our Green box is fully vegan."
    ]
    assert count(local, "SELECT count(*) FROM gap_resolutions") == 0
    local.services.faq.reload()  # as the bot started again, or its next look at the files
    (answer,) = local.workspace.command("ben", "/faq", "do you have vegan meals")
    assert "Yes: our Green box is fully vegan." in answer.render().text
    # the lead's click on the gap again closes it
    (listed,) = local.workspace.command("lee", "/kb", "gaps")
    offered = "Close as answered by “do you have vegan meals”"
    assert offered in [e.label for e in listed.elements]
    assert "It is a phrasing of “do you have vegan meals” (`do_you_have_vegan_meals`" in (
        listed.render().text
    )
    (after,) = local.workspace.click("lee", offered)
    text = after.render().text
    assert "“do you have vegan meals” is already a phrasing of `do_you_have_vegan_meals`" in text
    assert "No more FAQ gaps to review" in text
    assert count(local, "SELECT count(*) FROM gap_resolutions") == 1


@pytest.mark.writes_content
def test_a_leads_click_on_a_gap_is_kept_though_the_bot_died_at_once(local, monkeypatch):
    local.workspace.command("ana", "/faq", "what do you think of zeppelins")
    local.workspace.command("ana", "/faq", "how do i stop my subscription")
    local.workspace.click("ana", "Not helpful")
    (listed,) = local.workspace.command("lee", "/kb", "gaps")
    # only the second group has an entry to offer (zeppelins: a new entry)
    entry = local.services.faq.entry("pause_subscription")
    offered = f"Add as a phrasing of “{entry.question}”"
    assert offered in [e.label for e in listed.elements]
    local.workspace.click("lee", offered)  # the second group's: what /faq would do, first
    with monkeypatch.context() as dying:
        dies_once_it_has_answered(local, dying)
        # the first group, and a double click
        local.workspace.click("lee", "Ignore", where="#support", times=2)
        local.workspace.click("lee", "Add as its phrasing")
    resolved = "SELECT q.text, r.action, r.entry_id FROM gap_resolutions r JOIN faq_queries q"
    resolved += " ON q.id = r.query_id ORDER BY q.id"
    db = local.services.store.db
    # the phrasing is written before the acknowledgement; its gap is closed only after it
    assert db.execute(resolved).fetchall() == [("what do you think of zeppelins", "ignore", None)]
    read = load_knowledge(local.services.faq.knowledge_dir)
    assert "how do i stop my subscription" in read.by_id()[entry.id].variants
    # the bot started again: the gap is still listed, and the lead's click again closes it
    local.services.faq.reload()
    local.workspace.command("lee", "/kb", "gaps")
    (after,) = local.workspace.click("lee", f"Close as answered by “{entry.question}”")
    assert "is already a phrasing of `pause_subscription`" in after.render().text
    assert db.execute(resolved).fetchall() == [
        ("what do you think of zeppelins", "ignore", None),
        ("how do i stop my subscription", "phrasing", entry.id),
    ]


# --- one error boundary ------------------------------------------------------------------------


def test_a_failing_lazy_listener_tells_the_rep_with_a_reference_and_logs_it(with_customers, caplog):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.fake.fail("views.open", status=400, times=10)  # refused outright: no retries to wait
    with caplog.at_level(logging.ERROR):
        replies = local.workspace.command("ana", "/solve", "C-1001")
    text = shown(replies)
    assert "Sorry, something went wrong on our side (reference" in text
    ref = text.split("reference ")[1][:6]
    assert ref in caplog.text and "Traceback" in caplog.text


def test_a_failure_on_the_way_in_gives_a_command_the_kind_line_and_an_event_a_retry(
    local, monkeypatch, caplog
):
    # The database behind the way in's check of the delivery key fails (locked, the disk
    # full): before any listener, so outside their boundary.
    def locked(*args: object) -> bool:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(edge_db, "delivered_at", locked)
    with caplog.at_level(logging.ERROR):
        (reply,) = local.workspace.command("ana", "/faq", "where is my box")
    text = reply.render().text
    assert "Sorry, something went wrong on our side (reference" in text
    ref = text.split("reference ")[1][:6]
    assert ref in caplog.text and "database is locked" in caplog.text and "Traceback" in caplog.text
    event = local.fake.dm_event(ANA, "where is my box")
    assert local.client.event(event).status == 500  # not done: Slack sends it again


def test_a_writer_frozen_mid_write_gets_a_kind_line_and_a_retry_not_a_hung_bot(local):
    store = local.services.store
    store.lock_timeout = 0.05
    frozen = os.open(store.lock_path, os.O_RDWR)  # another worker, stopped holding the lock
    fcntl.flock(frozen, fcntl.LOCK_EX)
    try:
        (reply,) = local.workspace.command("ana", "/faq", "where is my box")
        assert "Sorry, something went wrong on our side (reference" in reply.render().text
        event = local.fake.dm_event(ANA, "where is my box")
        assert local.client.event(event, event_id="EvFROZEN").status == 500
    finally:
        fcntl.flock(frozen, fcntl.LOCK_UN)
        os.close(frozen)
    store.lock_timeout = 10
    assert local.client.event(event, event_id="EvFROZEN", retry_num=1).status == 200
    local.settle()
    assert count(local, "SELECT count(*) FROM faq_queries") == 1
    assert len(posts_to(local, event["channel"])) == 1  # the DM's answer, once
    text = shown(local.workspace.command("ana", "/faq", "where is my box"))
    assert "Where is my box?" in text and "Sorry" not in text


def test_an_unknown_command_gets_a_kind_line(local):
    (reply,) = local.workspace.command("ana", "/repbot-help", "please")
    assert "repbot does not know /repbot-help" in reply.render().text
    assert "/faq" in reply.render().text


def test_a_refusal_speaks_its_own_words(local):
    (reply,) = local.workspace.command("ana", "/case", "C-9999")
    assert reply.render().text.strip() == (
        "There is no case C-9999. Check the number, or open one with /case."
    )


def test_two_instances_sending_at_once_deliver_each_reminder_once(local):
    for number in range(12):
        local.workspace.command("ana", "/followup", f"in 1h call customer {number}")
        local.workspace.command("ben", "/followup", f"in 1h email customer {number}")
    local.clock.advance(timedelta(minutes=61))
    queue_due_reminders(local.app.client, local.sender, local.services)  # queued, not sent
    first = Sender(local.app.client, local.services.store, instance="first")
    second = Sender(local.app.client, local.services.store, instance="second")
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda sender: sender.deliver_due(), [first, second, first, second]))
    local.settle()
    keys = [key for c in local.fake.calls_to("chat.postMessage") if c.status == 200
            for key in c.body["metadata"]["event_payload"]["keys"]]  # fmt: skip
    assert len(keys) == len(set(keys)) == count(local, "SELECT count(*) FROM outbox")
    for who, what in ((ANA, "call customer 11"), (BEN, "email customer 0")):
        assert len(posts_to(local, who, what)) == 1


# --- the way in: people's words, and authority from our own records ----------------------------


def test_what_slack_escapes_reaches_the_core_as_the_customer_wrote_it(local):
    (reply,) = local.workspace.command("ana", "/faq", "M&S charged me twice <again> @lee")
    (text,) = local.services.store.db.execute("SELECT text FROM faq_queries").fetchone()
    assert text == "M&S charged me twice <again> @lee"
    assert "double_charge" in json.dumps(reply.blocks) or "charged twice" in reply.render().text
    shown_text = json.dumps(reply.blocks)
    assert "&amp;amp;" not in shown_text and "<@" not in shown_text


def test_half_an_emoji_in_a_direct_message_is_answered_not_retried_into_silence(local):
    # JSON carries a lone surrogate (an emoji cut in two by a client); no database takes it.
    event = local.fake.dm_event(ANA, "where is my parcel \ud83d")
    assert local.client.event(event, event_id="EvHALF").status == 200
    local.settle()
    (answer,) = posts_to(local, event["channel"])
    assert "Track delivery" in answer
    (text,) = local.services.store.db.execute("SELECT text FROM faq_queries").fetchone()
    assert text == "where is my parcel \ufffd"


def test_half_an_emoji_typed_in_a_modal_is_taken_not_met_with_something_went_wrong(
    with_customers,
):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    open_credit_of_60(local)
    local.workspace.fill("Reason", "Six late boxes \ud83d", "ana")
    assert "went wrong" not in shown(local.workspace.submit("ana"))
    (reason,) = local.services.store.db.execute("SELECT reason FROM solutions").fetchone()
    assert reason == "Six late boxes \ufffd"
    assert len(posts_to(local, LEADS, "Approval needed")) == 1


def test_an_approval_from_another_workspace_is_refused(with_customers):
    local = with_customers
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    open_credit_of_60(local)
    local.workspace.submit("ana")
    local.workspace.look(member("ana"))
    local.workspace.click("ana", "Approve")  # her own request: refused, but it gives a payload
    click = next(p for p in reversed(local.client.sent) if p["type"] == "block_actions")
    # Lee's member id, from another organisation of the enterprise (or a shared channel)
    forged = {**click, "user": {**click["user"], "id": LEE, "team_id": "T0ELSEWHERE"},
              "team": {"id": "T0ELSEWHERE"}}  # fmt: skip
    assert local.client.block_actions(forged).status == 200
    local.settle()
    said = json.dumps(local.fake.calls_to("response_url")[-1].body)
    assert "Only members of this workspace can decide on solutions." in said
    assert count(local, "SELECT count(*) FROM solutions WHERE status = 'pending'") == 1


def test_a_reply_goes_only_to_slack_whatever_a_request_names(local):
    # Even a signed request cannot make the bot post to an address of its choosing.
    local.client.command("/case", "C-9999", user_id=ANA, response_url="http://127.0.0.1:9/steal")
    local.client.command("/solve", "C-9999", user_id=ANA, response_url="http://127.0.0.1:9/x")
    local.settle()
    (dead,) = local.services.store.db.execute("SELECT error FROM outbox WHERE status = 'dead'")
    assert dead == ("not a Slack response_url: 127.0.0.1:9",)
