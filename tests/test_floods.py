"""No floods: after a long pause, what piled up for one person or channel arrives as one
digest (or a few), listing each item with its buttons, within Slack's limits and rates."""

import json
from collections import Counter
from datetime import timedelta

from bot.demo import LocalSlack
from bot.emulator.team import member
from bot.followups.service import add_followup

ANA, BEN, LEE = member("ana").id, member("ben").id, member("lee").id


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
    local.wait(timedelta(days=7))  # a weekend outage, or `wait 7d` in the demo
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
