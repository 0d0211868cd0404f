"""No floods: after a long pause, what piled up for one person or channel arrives as one
digest (or a few), listing each item with its buttons, within Slack's limits and rates."""

import json
from collections import Counter
from datetime import timedelta

from bot.cases.service import import_customers
from bot.demo import LocalSlack
from bot.emulator.faults import delivered_keys
from bot.emulator.team import member
from bot.followups.service import add_followup
from bot.reporting.weekly import claim_weekly_post
from bot.reporting.weeks import iso_week
from bot.slack.blocks import base, digest
from bot.slack.outbox import Outbox

ANA, BEN, LEE = member("ana").id, member("ben").id, member("lee").id
LEADS = "C0LEADS001"


def posts_by_recipient(local: LocalSlack) -> Counter[str]:
    calls = local.fake.calls_to("chat.postMessage")
    return Counter(c.body["channel"] for c in calls if c.status == 200)


def promise(local: LocalSlack, owner: str, what: str, in_: timedelta) -> None:
    store = local.services.store
    due = store.clock.now() + in_
    add_followup(store, owner_id=owner, what=what, due_at=due, case_id=None, request_key=None)


def test_a_week_of_overdue_promises_reaches_the_lead_as_one_digest(local):
    for number in range(50):
        promise(local, ANA, f"call customer {number}", timedelta(hours=1))
        promise(local, BEN, f"email customer {number}", timedelta(hours=2))
    local.clock.advance(timedelta(days=7))  # a weekend outage: nothing ran meanwhile
    local.wait(timedelta(0))  # back: everything that came due goes out now
    sent = posts_by_recipient(local)
    assert sent[LEE] == 1, sent  # 100 overdue alerts
    assert sent[ANA] == 1 and sent[BEN] == 1, sent  # 50 "due now" each
    (to_lee,) = [c for c in local.fake.calls_to("chat.postMessage") if c.body["channel"] == LEE]
    assert to_lee.body["text"].startswith("100 overdue alerts")
    keys = to_lee.body["metadata"]["event_payload"]["keys"]
    assert len(keys) == len(set(keys)) == 100  # each alert delivered, once
    body = json.dumps(to_lee.body)
    assert "call customer 0" in body and "email customer 49" in body
    assert len(to_lee.body["blocks"]) <= 50


def latest(local: LocalSlack, channel: str) -> dict:
    """The newest message in `channel` as Slack holds it now (after any update)."""
    if channel.startswith("U"):
        channel = local.app.client.conversations_open(users=channel)["channel"]["id"]
    history = local.app.client.conversations_history(channel=channel, limit=1)
    return history["messages"][0]


def test_done_in_a_digest_closes_that_reminder_and_leaves_the_others_their_buttons(local):
    for what in ("call Maria", "email Omar", "check the refund"):
        local.workspace.command("ana", "/followup", f"in 1h {what}")
    local.wait(timedelta(minutes=61))  # at 45 minutes one "Coming up", at 60 one "Due now"
    _, digest = [c for c in local.fake.calls_to("chat.postMessage") if c.body["channel"] == ANA]
    # what a phone shows: how many, and the first of them
    assert (
        digest.body["text"]
        == "3 follow-ups due. Due now: F-1 due Jun 17, 2026 at 12:30 PM · call Maria"
    )
    local.workspace.look(member("ana"))
    local.workspace.click("ana", "Done")  # the first item's
    now = latest(local, ANA)
    shown = json.dumps(now)
    assert "F-1 done: call Maria" in shown
    assert "email Omar" in shown and "check the refund" in shown
    buttons = [e for b in now["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["value"] for e in buttons if e["text"]["text"] == "Done"] == ["2", "3"]
    local.workspace.look(member("ana"))
    local.workspace.click("ana", "Snooze 1h")  # now the second item's
    shown = json.dumps(latest(local, ANA))
    assert "F-1 done: call Maria" in shown and "F-2 snoozed: email Omar" in shown


def test_a_promise_snoozed_by_typing_changes_its_item_of_a_digest_alone(local):
    for what in ("call Maria", "email Omar", "check the refund"):
        local.workspace.command("ana", "/followup", f"in 1h {what}")
    local.wait(timedelta(minutes=61))
    local.workspace.look(member("ana"))
    local.workspace.command("ana", "/followup", "snooze F-2 tomorrow 10am")
    now = latest(local, ANA)
    shown = json.dumps(now)
    assert "F-2 snoozed: email Omar, now due" in shown and "Due now: F-1" in shown
    buttons = [e for b in now["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["value"] for e in buttons if e["text"]["text"] == "Done"] == ["1", "3"]
    local.workspace.look(member("ana"))
    local.workspace.click("ana", "Done")  # F-1's, in the digest as it is now
    shown = json.dumps(latest(local, ANA))
    assert "F-1 done: call Maria" in shown and "F-2 snoozed: email Omar" in shown
    assert "Due now: F-3" in shown
    # Each change shows on the "Coming up" as well: the typed snooze's two edits, and the
    # click's on the "Coming up" (on the "Due now" clicked, the click replies)
    assert len(local.fake.calls_to("chat.update")) == 3


def test_approvals_piled_up_in_an_outage_reach_the_leads_as_one_message_that_decides_each(
    local, tmp_path
):
    csv = tmp_path / "crm.csv"
    since = local.services.store.clock.now().date() - timedelta(days=4000)
    csv.write_text(f"id,name,email,customer_since,tier\nBX-1,Margaret Holloway,m@x.com,{since},\n")
    import_customers(local.services.store, csv)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    local.fake.fail("chat.postMessage", status=503, times=1000)  # Slack is down
    for amount in ("60", "70", "80"):  # each above Ana's authority: a lead approves
        local.workspace.command("ana", "/solve", "C-1001")
        local.workspace.fill("Solution", "Account credit", "ana")
        local.workspace.fill("Amount (GBP), where it applies", amount, "ana")
        local.workspace.fill("Reason", "Six late boxes", "ana")
        local.workspace.submit("ana")
    local.fake.heal()
    local.wait(timedelta(minutes=10))
    sent = posts_by_recipient(local)
    assert sent[LEADS] == 1 and sent[ANA] == 1, sent
    (card,) = [c for c in local.fake.calls_to("chat.postMessage")
               if c.body["channel"] == LEADS and c.status == 200]  # fmt: skip
    assert (
        card.body["text"] == "3 approval requests. Approval needed: Account credit £60.00 on C-1001"
    )
    local.workspace.look(member("lee"))
    local.workspace.click("lee", "Approve")  # the first request's, by its button
    local.workspace.look(member("lee"))
    local.workspace.click("lee", "Deny")  # the second's: a modal, then chat.update
    local.workspace.fill("Why? The rep sees this.", "Credit was given last week", "lee")
    local.workspace.submit("lee")
    local.settle()
    now = json.dumps(latest(local, LEADS), ensure_ascii=False)
    assert "*Approved* by" in now and "£60.00" in now
    assert "*Denied* by" in now and "Credit was given last week" in now
    assert now.count('"Approve"') == 1 and "£80.00" in now  # the third waits, with its buttons
    statuses = local.services.store.db.execute("SELECT status, count(*) FROM solutions GROUP BY 1")
    assert dict(statuses.fetchall()) == {"approved": 1, "denied": 1, "pending": 1}


def test_a_digest_in_flight_when_its_sender_died_is_not_sent_again_and_what_came_since_is(local):
    for what in ("call Maria", "email Omar", "check the refund"):
        local.workspace.command("ana", "/followup", f"in 1h {what}")
    local.wait(timedelta(minutes=50))  # their "Coming up", as one message
    local.sender.client.timeout = 0.5
    local.fake.fail("chat.postMessage", status=200, stall=1, times=1)  # Slack has it; we do not
    local.wait(timedelta(minutes=11))
    store = local.services.store
    # the reminders it was sending (not what went before, such as the "Coming up")
    store.db.execute(
        "UPDATE outbox SET status = 'sending', claimed_at = ? WHERE key LIKE 'reminder:%:due:%'",
        ["2000-01-01"],
    )
    # Meanwhile one more item for Ana came due: it was in no message yet.
    Outbox(store, None, "test").post(ANA, base.note("one more"), key="test:more", digest="due")
    local.wait(timedelta(minutes=5))
    keys = delivered_keys(local.fake.calls_to("chat.postMessage"))
    assert set(keys.values()) == {1}, keys  # each once
    assert len([key for key in keys if ":due:" in key]) == 3 and keys["test:more"]
    assert [body["text"] for body in (c.body for c in local.fake.calls_to("chat.postMessage"))
            if body["channel"] == ANA][1:] == [
        "3 follow-ups due. Due now: F-1 due Jun 17, 2026 at 12:30 PM · call Maria", "one more"
    ]  # fmt: skip
    statuses = store.db.execute("SELECT DISTINCT status FROM outbox").fetchall()
    assert statuses == [("sent",)]


def test_a_digest_keeps_within_slacks_limits_and_says_how_many_more():
    big = "a long line about a customer & their <order> " * 60  # every item near a section
    items = [digest.Item("due", str(n), base.message(f"Due now: {n} & <Co>", [
        base.section(f"Due now: F-{n} {big}"),
        base.actions(f"followup:{n}", base.button("Done", "followup_done", str(n))),
    ])) for n in range(5)]  # fmt: skip
    items += [
        digest.Item("overdue", str(n), base.note(f"Overdue: F-{n} {big}")) for n in range(5, 300)
    ]
    message = digest.digest(items)
    # a phone's notification: the counts, and the first item's own, its words escaped once
    assert message["text"] == "5 follow-ups due and 295 overdue alerts. Due now: 0 &amp; &lt;Co&gt;"
    blocks = message["blocks"]
    assert len(blocks) <= 50
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids))
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert sum(b["type"] == "actions" for b in blocks) == 5  # each full item keeps its button
    more = blocks[-1]["elements"][0]["text"]
    listed = json.dumps(blocks).count("Overdue: F-")
    assert more == f"…and {295 - listed} more. Open repbot's Home tab to see everything still open."
    assert "&amp;" in json.dumps(blocks) and "&amp;amp;" not in json.dumps(blocks)  # escaped once


def test_one_item_of_a_digest_is_replaced_alone():
    items = [digest.Item("due", str(n), base.note(f"item {n}")) for n in range(3)]
    message = digest.digest(items)
    clicked = next(b["block_id"] for b in message["blocks"] if "item 1" in json.dumps(b))
    replaced = digest.in_place(message, clicked, lambda own: base.note("done 1"))
    shown = json.dumps(replaced)
    assert "done 1" in shown and "item 0" in shown and "item 2" in shown and "item 1" not in shown
    assert digest.in_place(None, "followup:1", lambda own: base.note("x")) == base.note("x")


def test_an_item_only_listed_in_a_digest_has_its_line_changed_each_time_it_is():
    items = [digest.Item("due", str(n), base.note(f"item {n} & <due>")) for n in range(12)]
    message = digest.digest(items)
    assert "\u2022 item 11 &amp; &lt;due&gt;" in json.dumps(message, ensure_ascii=False)
    first = base.note("done 11 & <ok>")
    once = digest.replace_item(message, "11", first, [items[11].message])
    assert "\u2022 done 11 &amp; &lt;ok&gt;" in json.dumps(once, ensure_ascii=False)
    assert "item 11" not in json.dumps(once) and "item 10" in json.dumps(once)
    twice = digest.replace_item(once, "11", base.note("reopened 11"), [first, items[11].message])
    assert "reopened 11" in json.dumps(twice) and "done 11" not in json.dumps(twice)
    assert digest.replace_item(message, "11", first) == message  # not found: as it is


def test_after_weeks_without_the_bot_management_gets_the_latest_week_naming_the_others(local):
    store = local.services.store
    tz = local.services.guide.goals.schedule.tz
    start, _, last_week = iso_week(None, now=store.clock.now(), tz=tz)
    # The last post the schedule made before the bot stopped: three weeks before last week.
    _, _, posted = iso_week(None, now=start - timedelta(days=14), tz=tz)
    assert claim_weekly_post(store, posted, store.clock.now())
    local.post_weekly_summary()
    management = [c.body for c in local.fake.calls_to("chat.postMessage")
                  if c.body["channel"] == "C0MGMT0001"]  # fmt: skip
    assert len(management) == 1 and f"Weekly summary {last_week}" in json.dumps(management[0])
    (missed,) = [b for b in management[0]["blocks"] if "Not posted" in json.dumps(b)]
    between = [iso_week(None, now=start - timedelta(days=days), tz=tz)[2] for days in (7, 0)]
    assert missed["elements"][0]["text"] == (
        f"Not posted while repbot was stopped: {between[0]} and {between[1]}. Read any of them "
        f"with `/summary {between[1]}` or `repbot summary --week {between[1]}`."
    )


def test_redirects_piled_up_in_an_outage_reach_the_team_as_one_message_each_taken_alone(local):
    local.fake.fail("chat.postMessage", status=503, times=1000)  # Slack is down
    for name in ("Maria Lopez", "Omar Haddad", "Grace Adeyemi"):
        local.workspace.command("ana", "/case", f"{name}, charged twice")
        local.workspace.click("ana", "Create")  # a new customer
    for ref in ("C-1001", "C-1002", "C-1003"):
        local.workspace.command("ana", "/redirect", f"billing {ref} please check")
    local.fake.heal()
    local.wait(timedelta(minutes=10))
    assert posts_by_recipient(local)["C0BILLING1"] == 1
    local.workspace.look(member("sam"))
    local.workspace.click("sam", "Take it")  # the first packet's
    shown = json.dumps(latest(local, "C0BILLING1"))
    assert shown.count("Taken by") == 1 and shown.count('"Take it"') == 2
    owners = local.services.store.db.execute("SELECT id, owner_id FROM cases ORDER BY id")
    assert [owner for _, owner in owners] == [member("sam").id, ANA, ANA]
