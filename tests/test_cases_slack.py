"""Cases and solutions end to end: /case, /note, /solve, approvals, through the emulator."""

import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlite_utils import Database

from bot.cases.audit import append, verify
from bot.cases.service import close_case as close_the_case_alone
from bot.cases.service import import_customers
from bot.demo import LocalSlack
from bot.emulator.render import render_message
from bot.emulator.team import member
from bot.shared.migrations import MIGRATIONS, _widen_check
from bot.slack.listeners.views.cases import settle_cases_closed_before
from bot.slack.outbox import Outbox

ANA, LEE, BEN = member("ana").id, member("lee").id, member("ben").id


def customers(local: LocalSlack, tmp_path) -> None:
    today = local.services.store.clock.now().date()
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "id,name,email,customer_since,tier\n"
        f"BX-1,Margaret Holloway,mh@example.com,{today - timedelta(days=12 * 365)},premium\n"
        f"BX-2,Grace Adeyemi,ga@example.com,{today - timedelta(days=6)},standard\n"
    )
    import_customers(local.services.store, csv)


def close_latest_case(local: LocalSlack, cause: str = "Product") -> list:
    """Ana presses Close case on her latest case card and records `cause`; the modal's reply."""
    local.workspace.click("ana", "Close case")
    local.workspace.fill("Root cause", cause, "ana")
    return local.workspace.submit("ana")


def shown(replies) -> str:
    return "\n".join(r.render().text for r in replies)


def dm_to(local: LocalSlack, user_id: str, containing: str) -> str:
    """The one direct message to `user_id` that contains `containing`."""
    (body,) = [
        text for call in local.fake.calls_to("chat.postMessage")
        if call.body["channel"] == user_id
        and containing in (text := json.dumps(call.body, ensure_ascii=False))
    ]  # fmt: skip
    return body


def count(local: LocalSlack, table: str) -> int:
    return local.services.store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def solve(local: LocalSlack, user: str, case: str, solution: str, amount: str, reason: str):
    local.workspace.command(user, "/solve", case)
    local.workspace.fill("Solution", solution, user)
    local.workspace.fill("Amount (GBP), where it applies", amount, user)
    local.workspace.fill("Reason", reason, user)
    return local.workspace.submit(user)


@pytest.mark.over_http
def test_a_third_contact_on_the_same_matter_raises_a_senior_callback_once(local, tmp_path):
    customers(local, tmp_path)
    first = shown(local.workspace.command("ana", "/case", "Margaret Holloway, parcel late"))
    assert "Opened a new case." in first and "C-1001 · Margaret Holloway" in first
    assert "customer for 12 years, premium" in first
    second = shown(local.workspace.command("ben", "/case", "mh@example.com, my parcel is late"))
    assert "Counted another contact." in second and "2 contacts" in second
    third = shown(local.workspace.command("ana", "/case", "BX-1, parcel still late"))
    assert "third contact" in third and "a senior has been asked to call them back" in third
    alert = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0SENIORS1")
    assert "Senior callback needed" in json.dumps(alert.body)
    local.workspace.command("ana", "/case", "BX-1, parcel late again")
    assert len([c for c in local.fake.calls_to("chat.postMessage")
                if c.body["channel"] == "C0SENIORS1"]) == 1  # fmt: skip


def test_a_new_customers_card_says_how_long_in_days(local, tmp_path):
    customers(local, tmp_path)
    card = shown(local.workspace.command("ana", "/case", "Grace Adeyemi, box damaged"))
    assert "(customer for 6 days, standard)" in card  # was "for 1 months"


def test_unknown_and_closed_cases_get_a_clear_answer(local, tmp_path):
    customers(local, tmp_path)
    assert "There is no case C-9999" in shown(local.workspace.command("ana", "/case", "C-9999"))
    # as /note, /solve and /followup read a case: "c9999" too, never a customer called so
    assert "There is no case C-9999." in shown(local.workspace.command("ana", "/case", "c9999"))
    assert "C-9999" in shown(local.workspace.command("ana", "/note", "C-9999 hello"))
    assert "There is no case C-9999" in shown(local.workspace.command("ana", "/solve", "C-9999"))
    local.workspace.command("ana", "/case", "Grace Adeyemi, box damaged")
    (closed,) = close_latest_case(local)
    # the modal says what was recorded, where the rep pressed Close case
    assert "C-1001 (Grace Adeyemi, box damaged) is closed. Root cause recorded: Product." in (
        closed.render().text
    )
    assert local.services.store.db.execute("SELECT status, root_cause FROM cases").fetchone() == (
        "closed", "product"
    )  # fmt: skip
    assert "is closed" in shown(local.workspace.command("ana", "/solve", "C-1001"))
    # Close case again, on the card as it was shown before
    again = shown(local.workspace.click("ana", "Close case", where="#support"))
    assert "C-1001 is already closed." in again


def test_a_customer_back_on_a_closed_matter_gets_a_new_case_that_counts_on(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Grace Adeyemi, box damaged")
    close_latest_case(local)
    again = shown(local.workspace.command("ana", "/case", "grace, box damaged again"))
    assert "*C-1002 · Grace Adeyemi*" in again
    assert "the customer is back about C-1001, which was closed" in again
    assert "2 contacts on this matter so far." in again
    causes = local.services.store.db.execute("SELECT id, status, root_cause FROM cases")
    assert causes.fetchall() == [(1001, "closed", "product"), (1002, "open", None)]


def test_the_callback_on_a_case_that_follows_a_closed_one_counts_the_whole_matter(local, tmp_path):
    """Found playing the demo: Ben heard of the third contact while the seniors' card said
    "2 times", with "No notes yet." and no word of the closed case."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "margaret, box damaged")
    local.workspace.command("ana", "/note", "C-1001 sent photos of the box")
    close_latest_case(local)
    second = shown(local.workspace.command("ana", "/case", "margaret, box damaged"))
    assert "1 contact (2 on this matter, with C-1001)" in second
    third = shown(local.workspace.command("ben", "/case", "margaret, box damaged"))
    assert "third contact on this matter" in third
    assert "2 contacts (3 on this matter, with C-1001)" in third
    alert = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0SENIORS1")
    text = json.dumps(alert.body, ensure_ascii=False)
    assert ("*Margaret Holloway* has contacted us 3 times about box damaged (2 on this case and "
            "1 on C-1001, closed with root cause Product)") in text  # fmt: skip
    assert "C-1001 (box damaged) closed" in text and "sent photos of the box (on C-1001)" in text
    assert "No notes yet." not in text


def test_the_callback_carries_what_was_tried_across_the_contacts(local, tmp_path):
    """Found by a new-user QA play: the senior callback said "No notes yet." under *History*
    on a case with an FAQ answer tried, a draft sent, promises and a redirect taken."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "margaret, box arrived damaged")
    local.workspace.command("ana", "/draft", "C-1001 Margaret: my box arrived damaged, eggs broken")
    local.workspace.click("ana", "Use this")
    local.wait(timedelta(minutes=2))
    local.workspace.command("ana", "/followup", "tomorrow 10am call Margaret back C-1001")
    local.wait(timedelta(minutes=2))
    local.workspace.command("ana", "/redirect", "returns C-1001 please check the photos")
    local.workspace.click("sam", "Take it")
    local.wait(timedelta(minutes=30))
    local.workspace.command("ben", "/case", "margaret, box arrived damaged")
    local.wait(timedelta(minutes=30))
    third = shown(local.workspace.command("ana", "/case", "margaret, box arrived damaged"))
    assert "third contact on this matter" in third
    alert = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0SENIORS1")
    text = render_message(alert.body["text"], alert.body["blocks"]).text
    assert "No notes yet." not in text and "Nothing recorded yet" not in text
    history = text.split("*History*, newest first\n")[1].splitlines()
    kinds = [line.split(" · ", 1)[1].split(":")[0] for line in history]
    assert kinds == [
        f"Sent to Returns (R-1) by @{ANA}",
        "Promised F-2",
        "Promised F-1",
        "Sent to the customer",
        "Tried from the FAQ",
    ]  # newest first
    assert f"taken by @{member('sam').id}" in history[0]
    assert "call Margaret back" in history[1]
    assert "My box arrived damaged — " in history[4]  # the FAQ entry, as the packet shows it


def test_a_promise_closed_with_its_case_is_never_read_as_done_or_kept(local, tmp_path):
    """Found by a QA play: closing a case stored its open promises as done, so the senior
    callback's history read "Promised F-1: … · done" though nobody did it, and the weekly
    summary counted it kept on time, turning its goal green."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "margaret, charged twice")
    local.workspace.command("ana", "/followup", "in 2h call Margaret back C-1001")
    local.workspace.command("ana", "/followup", "in 3h send her the refund reference C-1001")
    local.workspace.command("ana", "/followup", "done 2")  # kept, before it was due
    close_latest_case(local)  # F-1 is closed with it, not done
    local.workspace.command("ana", "/case", "margaret, billed twice")
    local.workspace.command("ana", "/case", "margaret, double charge again")
    alert = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0SENIORS1")
    text = render_message(alert.body["text"], alert.body["blocks"]).text
    history = text.split("*History*, newest first\n")[1].splitlines()
    (closed,) = [line for line in history if "Promised F-1" in line]
    (done,) = [line for line in history if "Promised F-2" in line]
    assert closed.endswith(" · closed with its case (on C-1001)") and "done" not in closed
    assert done.endswith(" · done (on C-1001)")
    again = shown(local.workspace.command("ana", "/followup", "done 1"))
    assert again.startswith(f"F-1 was closed with its case C-1001 by @{ANA} ")
    local.wait(timedelta(hours=4))  # both due now
    summary = shown(local.workspace.command("mia", "/summary", "this week"))
    assert "Promises due: *2*" in summary
    assert "Kept on time: *1*" in summary and "Kept late: *0*" in summary
    assert "Closed with their case: *1*" in summary and "Still overdue: *0*" in summary
    assert ":red_circle: Promises kept on time: *50%*" in summary


def test_a_promise_snoozed_after_it_was_due_reads_missed_and_counts_late(local, tmp_path):
    """Found by a QA play: snoozing an overdue promise moved its due time, and once done the
    weekly summary counted it kept on time; only the audit knew it was missed. One snoozed in
    good time is rescheduled, and kept on time if done by its new time."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "margaret, charged twice")  # 11:30 in London
    local.workspace.command("ana", "/followup", "in 1h call Margaret back C-1001")
    local.workspace.command("ana", "/followup", "in 2h send her the refund reference C-1001")
    moved = shown(local.workspace.command("ana", "/followup", "snooze 2 in 3h"))  # in time
    assert moved == (
        "F-2 snoozed: send her the refund reference · C-1001, now due Jun 17, 2026 at 2:30 PM"
    )
    local.wait(timedelta(hours=2))  # F-1 was due at 12:30: Ana's reminder, Lee's alert
    local.workspace.look(member("ana"))
    (alert,) = [r for r in local.workspace.look(member("lee")) if "Overdue" in r.text]
    # the reminder clicked (its "Due now"), and its "Coming up" edited to say the same
    snoozed, _ = local.workspace.click("ana", "Snooze 1h", where="DM")
    missed = "first due Jun 17, 2026 at 12:30 PM, missed"
    assert snoozed.text == (  # the phone
        f"F-1 snoozed: call Margaret back · C-1001, now due Jun 17, 2026 at 2:30 PM · {missed}"
    )
    (told,) = local.workspace.look(member("lee"))  # the alert says so, on Lee's clock
    assert told.ts == alert.ts and "first due Jun 17, 2026 at 1:30 PM, missed" in told.render().text
    ana = local.workspace.reader(member("ana"))
    (card,) = local.workspace.command("ana", "/case", "C-1001")
    lines = card.render(ana).text.splitlines()
    assert (
        "• F-1 · call Margaret back · due today at 2:30 PM · first due today at 12:30 PM, missed"
    ) in lines
    assert "• F-2 · send her the refund reference · due today at 2:30 PM" in lines
    (listed,) = local.workspace.command("ana", "/followup", "list")
    assert (
        "F-1 · today at 2:30 PM · first due today at 12:30 PM, missed · call Margaret back · C-1001"
    ) in listed.render(ana).text
    local.workspace.command("ana", "/followup", "done 1")  # before its new time
    local.workspace.command("ana", "/followup", "done 2")
    local.workspace.command("ana", "/case", "margaret, billed twice")
    local.workspace.command("ana", "/case", "margaret, double charge again")  # the third contact
    alert = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0SENIORS1")
    text = render_message(alert.body["text"], alert.body["blocks"]).text
    history = text.split("*History*, newest first\n")[1].splitlines()
    (first,) = [line for line in history if "Promised F-1" in line]
    (second,) = [line for line in history if "Promised F-2" in line]
    # the seniors' channel, read where Slack shows no reader's zone
    assert first.endswith(
        "Promised F-1: call Margaret back · due Jun 17, 2026 at 1:30 PM UTC · first due "
        "Jun 17, 2026 at 11:30 AM UTC, missed · done"
    )
    assert second.endswith(" · due Jun 17, 2026 at 1:30 PM UTC · done")
    local.wait(timedelta(hours=2))  # both past their time
    summary = shown(local.workspace.command("mia", "/summary", "this week"))
    assert "Promises due: *2*" in summary
    assert "Kept on time: *1*" in summary and "Kept late: *1*" in summary
    assert "Still overdue: *0*" in summary


def test_a_case_without_a_topic_retyped_at_once_counts_nothing_more(local, tmp_path):
    """Found by a QA play: /case BX-10002 typed again within a minute counted the contact
    each time (2, then 3 and a senior callback, then 4); with a topic it counted nothing."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "margaret, charged twice")
    local.wait(timedelta(hours=1))
    second = shown(local.workspace.command("ana", "/case", "BX-1"))
    assert "Counted another contact." in second and "· 2 contacts ·" in second
    local.wait(timedelta(seconds=40))
    again = shown(local.workspace.command("ana", "/case", "BX-1"))
    assert "You counted this contact on C-1001 just now, so nothing more was counted." in again
    assert "· 2 contacts ·" in again and "third contact" not in again
    assert count(local, "contacts") == 2
    posts = local.fake.calls_to("chat.postMessage")
    assert not [post for post in posts if post.body["channel"] == "C0SENIORS1"]  # no callback
    # Another rep's is another contact, the third: the callback
    third = shown(local.workspace.command("ben", "/case", "BX-1"))
    assert "third contact on this matter" in third and count(local, "contacts") == 3


def test_the_words_of_the_reps_last_contact_typed_again_at_once_count_nothing(local, tmp_path):
    """Found by a QA play: "double charge" typed twice after the case's own "charged twice for
    one box" counted a third contact and raised a senior callback; "box late" typed again as
    "box  late!" counted a second contact."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, charged twice for one box")
    # other words: the rep may be logging the customer back, so it counts
    second = shown(local.workspace.command("ana", "/case", "BX-1, double charge"))
    assert "Counted another contact." in second and "· 2 contacts ·" in second
    local.wait(timedelta(minutes=4))
    for typed in ("BX-1, double charge", "BX-1, Double  charge!"):
        again = shown(local.workspace.command("ana", "/case", typed))
        assert "You counted this contact on C-1001 4 minutes ago, so nothing more was counted." in (
            again
        )
        assert "· 2 contacts ·" in again and "third contact" not in again
    posts = local.fake.calls_to("chat.postMessage")
    assert not [post for post in posts if post.body["channel"] == "C0SENIORS1"]  # no callback
    # a case's own topic, with a capital and a "!", is the contact that opened it
    local.workspace.command("ana", "/case", "BX-2, box late")
    again = shown(local.workspace.command("ana", "/case", "BX-2, Box  late!"))
    assert "You opened this case just now, so nothing more was counted." in again
    assert "· 1 contact ·" in again
    # the same words after 5 minutes, or another rep's, are the customer back
    local.wait(timedelta(minutes=2))
    third = shown(local.workspace.command("ana", "/case", "BX-1, double charge"))
    assert "third contact on this matter" in third
    fourth = shown(local.workspace.command("ben", "/case", "BX-2, box late"))
    assert "Counted another contact." in fourth and "· 2 contacts ·" in fourth


def test_without_a_topic_a_customer_with_several_open_cases_is_asked_which(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, late box")
    local.workspace.command("ana", "/case", "BX-1, charged twice")
    local.wait(timedelta(minutes=10))  # another contact, not the rep's own of a moment ago
    asked = local.workspace.command("ana", "/case", "BX-1,")[0]  # then the first weekly post
    text = asked.render().text
    assert "*Margaret Holloway* (BX-1) has 2 open cases. Which one is this contact about?" in text
    assert "type the topic after a comma: /case BX-1, charged twice" in text
    assert [e.label for e in asked.elements] == [
        "C-1002 · charged twice", "C-1001 · late box", "Cancel",
    ]  # fmt: skip
    assert count(local, "contacts") == 2  # nothing counted on a guess
    (card,) = local.workspace.click("ana", "C-1001 · late box", times=2)
    text = card.render().text
    assert "Margaret Holloway (BX-1), as you chose. Counted another contact." in text
    assert "*C-1001 · Margaret Holloway*" in text and "2 contacts" in text
    assert count(local, "contacts") == 3
    local.workspace.command("ana", "/case", "BX-1")
    (cancelled,) = local.workspace.click("ana", "Cancel")
    assert "Cancelled: nothing was opened or counted for BX-1." in cancelled.render().text
    assert count(local, "contacts") == 3


def test_a_case_chosen_again_at_once_by_the_same_rep_counts_nothing_more(local, tmp_path):
    """Found by a QA play: /case BX-1 and the same one of several open cases chosen three
    times in a minute counted 1 to 4 contacts, and posted a senior callback nobody needed."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, late box")
    local.workspace.command("ana", "/case", "BX-1, wrong item")
    local.workspace.command("ana", "/case", "BX-1")
    opened = shown(local.workspace.click("ana", "C-1002 · wrong item"))
    assert "You opened this case just now, so nothing more was counted." in opened
    assert "· 1 contact ·" in opened and "Is this contact about" not in opened
    local.wait(timedelta(minutes=10))
    local.workspace.command("ana", "/case", "BX-1")
    counted = shown(local.workspace.click("ana", "C-1002 · wrong item"))
    assert "Counted another contact." in counted and "· 2 contacts ·" in counted
    for _ in range(2):
        local.wait(timedelta(seconds=20))
        local.workspace.command("ana", "/case", "BX-1")
        again = shown(local.workspace.click("ana", "C-1002 · wrong item"))
        assert "You counted this contact on C-1002 just now, so nothing more was counted." in again
        assert "· 2 contacts ·" in again and "third contact" not in again
    assert count(local, "contacts") == 3
    posts = local.fake.calls_to("chat.postMessage")
    assert not [post for post in posts if post.body["channel"] == "C0SENIORS1"]  # no callback
    # Another rep's choice is another contact, the third: the callback
    local.workspace.command("ben", "/case", "BX-1")
    third = shown(local.workspace.click("ben", "C-1002 · wrong item"))
    assert "third contact on this matter" in third and count(local, "contacts") == 4


def test_a_case_retyped_at_once_still_moves_its_contact_to_the_open_one(local, tmp_path):
    """ "Add to C-1001 instead" under a /case typed again at once moved nothing: it named the
    retyped request, which counted nothing, and said the contact was no longer on C-1002."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, late box")
    local.workspace.command("ana", "/case", "BX-1, wrong item")
    again = shown(local.workspace.command("ana", "/case", "BX-1, wrong item"))
    assert "You opened this case just now" in again and "Is this contact about it?" in again
    moved = shown(local.workspace.click("ana", "Add to C-1001 instead"))
    assert "Counted this contact on C-1001 instead: C-1002, opened for it, is no longer kept." in (
        moved
    )
    assert "· 2 contacts ·" in moved and count(local, "cases") == 1


def test_a_new_case_beside_an_open_one_offers_to_count_the_contact_there_once(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, promo code rejected")
    local.workspace.command("ana", "/case", "BX-1, voucher won't apply")  # the same matter
    (card,) = local.workspace.command("ana", "/case", "BX-1, parcel never turned up")
    text = card.render().text
    assert "*C-1002 · Margaret Holloway*" in text and "Opened a new case." in text
    assert "*Margaret Holloway* already has 1 open case. Is this contact about it?" in text
    assert "C-1001: promo code rejected · owner @U0ANA0001 · 2 contacts" in text
    assert card.text == (  # what a phone shows
        "C-1002 Margaret Holloway: parcel never turned up. Also open for Margaret Holloway: "
        "C-1001 (promo code rejected). Is this contact about one of them?"
    )
    # a double click: the contact moves once, and the seniors hear of its third contact once
    text = shown(local.workspace.click("ana", "Add to C-1001 instead", times=2))
    assert (
        "Counted this contact on C-1001 instead: C-1002, opened for it, is no longer kept." in text
    )
    assert "third contact on this matter" in text and "3 contacts" in text
    assert "Add to" not in text
    assert (count(local, "contacts"), count(local, "cases")) == (3, 1)
    local.settle()
    seniors = [c for c in local.fake.calls_to("chat.postMessage")
               if c.body["channel"] == "C0SENIORS1"]  # fmt: skip
    assert len(seniors) == 1
    # the next case gets a number of its own: the audit names C-1002 as the one moved from
    (card,) = local.workspace.command("ana", "/case", "BX-1, wrong item in the box")
    assert "*C-1003 · Margaret Holloway*" in card.render().text


def test_a_case_merged_into_another_says_where_it_went_and_a_move_onto_a_closed_one_stays(
    local, tmp_path
):
    """Found by a QA play: after "Add to C-1001 instead", /case C-1002 said "There is no case
    C-1002"; and the button pressed after C-1001 was closed said to open a new case with
    /case, though the new case was open already."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, promo code rejected")
    local.workspace.command("ana", "/case", "BX-1, parcel never turned up")
    local.workspace.click("ana", "Add to C-1001 instead")
    merged = "C-1002 was merged into C-1001: its contact was counted there instead."
    for command, text in (("/case", "C-1002"), ("/note", "C-1002 she called back")):
        (said,) = local.workspace.command("ana", command, text)
        assert said.render().text == f"{merged} `/case C-1001` shows it."
        assert said.text == f"{merged} /case C-1001 shows it."  # a phone: the command as typed
    # the next one has a case beside it too; its button is pressed once C-1001 is closed
    (card,) = local.workspace.command("ana", "/case", "BX-1, wrong item in the box")
    assert "*C-1003 · Margaret Holloway*" in card.render().text
    close_the_case_alone(local.services.store, 1001, BEN, "product")
    (said,) = local.workspace.click("ana", "Add to C-1001 instead")
    ana_reads = said.render(local.workspace.reader(member("ana"))).text
    assert ana_reads == (
        "C-1003 stays open as it is, with this contact: C-1001 was closed by @U0BEN0001 today "
        "at 11:30 AM."
    )
    assert shown(local.workspace.command("ana", "/case", "C-1003")).startswith("*C-1003 · ")


def test_a_case_typed_where_the_customer_goes_says_how_to_count_a_contact_or_add_a_note(
    local, tmp_path
):
    """Found by a QA play: /case C-1001 box late again said "No customer has the id C-1001"."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "BX-1, box late")
    for typed in ("C-1001 box late again", "c1001 box late again", "C-1001, box late again"):
        (said,) = local.workspace.command("ana", "/case", typed)
        assert said.render().text == (
            "C-1001 is a case, not a customer. To count this contact on it, type its customer, "
            "a comma and the topic: `/case BX-1, <topic>`; to add a note to it: "
            "`/note C-1001 <note>`."
        ), typed
    close_the_case_alone(local.services.store, 1001, ANA, "product")
    (said,) = local.workspace.command("ana", "/case", "C-1001 box late again")
    assert said.render().text == (
        "C-1001 is a case, not a customer, and it is closed. If its customer is back about it, "
        "`/case BX-1, <topic>` opens a new case that follows it."
    )
    (said,) = local.workspace.command("ana", "/case", "C-1009 box late")
    assert said.render().text.startswith(
        "No customer has the id C-1009, and there is no case C-1009 either."
    )
    assert count(local, "contacts") == 1 and count(local, "customers") == 2


@pytest.mark.parametrize("typed", ["@channel", "<!channel>", "@ben", "<@U0BEN0001>", "#support"])
def test_a_mention_or_a_channel_is_never_offered_as_a_new_customer(local, tmp_path, typed):
    customers(local, tmp_path)
    (refused,) = local.workspace.command("ana", "/case", f"{typed}, box damaged")
    text = refused.render().text
    assert "not a customer. Type the customer's name, email or customer id" in text
    assert refused.elements == () and count(local, "customers") == 2


def test_inside_the_reps_authority_a_solution_is_authorized_at_once(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    replies = solve(local, "ana", "C-1001", "Account credit", "15", "Late twice in a row")
    text = shown(replies)
    assert "Authorized: Account credit £15.00 on C-1001" in text
    assert "For the customer:" in text
    assert local.services.store.db.execute("SELECT status FROM solutions").fetchall() == [
        ("authorized",)
    ]
    assert verify(local.services.store).ok


def test_above_it_a_lead_approves_in_one_click_and_nobody_approves_twice(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    text = shown(solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes"))
    assert "Sent for approval (lead or above)" in text
    assert "Approval needed" in text  # the card in #support-leads
    refused = shown(local.workspace.click("ana", "Approve"))
    assert "Nobody decides their own request" in refused
    approved = shown(local.workspace.click("lee", "Approve"))
    assert "*Approved* by @U0LEE0001" in approved  # the card in #support-leads
    assert "Approved: Account credit £60.00 on C-1001." in dm_to(local, ANA, "Approved")
    rows = local.services.store.db.execute("SELECT status, decided_by FROM solutions").fetchall()
    assert rows == [("approved", LEE)]
    actions = [a for (a,) in local.services.store.db.execute("SELECT action FROM audit_log")]
    assert actions.count("solution.approved") == 1 and "solution.refused" in actions
    assert verify(local.services.store).ok


def test_bad_amounts_are_explained_in_the_modal_and_nothing_is_stored(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    for amount in ("-5", "0", "twenty", "999999", "$20", "20 EUR"):
        (modal,) = solve(local, "ana", "C-1001", "Account credit", amount, "x")
        assert modal.kind == "modal" and modal.errors, amount
    # an amount for a solution that has none is not dropped without a word
    (modal,) = solve(local, "ana", "C-1001", "Expedited shipping on the next box", "15", "x")
    assert "This solution has no amount: leave the amount empty." in modal.render().text
    assert count(local, "solutions") == 0 and count(local, "audit_log") == 0


def test_a_reason_of_emoji_alone_is_refused_under_the_reason_to_propose_and_to_deny(
    local, tmp_path
):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    (modal,) = solve(local, "ana", "C-1001", "Account credit", "15", "😀")
    assert modal.errors == {"reason": "There are no words in that reason (only emoji or "
                            "symbols). Say why: the approver and the log see it."}  # fmt: skip
    assert count(local, "solutions") == 0
    local.workspace.fill("Amount (GBP), where it applies", "60", "ana")
    local.workspace.fill("Reason", "Six late boxes", "ana")
    local.workspace.submit("ana")
    local.workspace.click("lee", "Deny")
    local.workspace.fill("Why? The rep sees this.", "👎", "lee")
    (still_open,) = local.workspace.submit("lee")
    assert "There are no words in that reason" in still_open.render().text
    status = local.services.store.db.execute("SELECT status FROM solutions").fetchone()
    assert status == ("pending",)


def test_the_amount_says_which_solutions_count_in_months_and_takes_a_decimal_comma(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, box arrived damaged")
    (modal,) = local.workspace.command("ana", "/solve", "C-1001")
    text = modal.render().text
    assert "Amount (GBP or months), where it applies (optional): ____" in text
    assert ("↳ Free months on the plan: how many months, like 2. Other amounts in GBP, "
            "like 12.50.") in text  # fmt: skip
    amount = "Amount (GBP or months), where it applies"
    local.workspace.fill("Solution", "Free months on the plan", "ana")
    local.workspace.fill("Reason", "Damaged again", "ana")
    (modal,) = local.workspace.submit("ana")
    assert "! How many months? Type a number, like 2." in modal.render().text
    local.workspace.fill(amount, "2", "ana")
    text = shown(local.workspace.submit("ana"))
    assert "Approval needed (lead or above)*: 2 free months on the plan for *Margaret" in text
    assert "Sent for approval (lead or above): 2 free months on the plan on C-1001." in text
    assert "I've asked for 2 months free on your plan" in text
    local.workspace.command("ana", "/solve", "C-1001")
    local.workspace.fill("Solution", "Account credit", "ana")
    local.workspace.fill(amount, "12,50", "ana")  # as a rep in Lisbon or Berlin types it
    local.workspace.fill("Reason", "Damaged again", "ana")
    text = shown(local.workspace.submit("ana"))
    assert "Authorized: Account credit £12.50 on C-1001, within your authority." in text
    # where no solution counts in another unit, the amount is in the currency alone
    local.workspace.command("ana", "/case", "Grace Adeyemi, charged twice")
    (modal,) = local.workspace.command("ana", "/solve", "C-1002")
    text = modal.render().text
    assert "Amount (GBP), where it applies (optional): ____" in text and "↳" not in text


def test_a_retried_submission_stores_one_solution_and_one_audit_row(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "15", "Late twice")
    (submission,) = [c for c in local.client.sent if c["type"] == "view_submission"][-1:]
    assert local.client.view_submission(submission).status == 200  # Slack's retry
    local.executor.wait_idle()
    assert count(local, "solutions") == 1 and count(local, "audit_log") == 1


def test_a_forged_approval_from_a_rep_is_refused_and_logged(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")
    solution_id = local.services.store.db.execute("SELECT id FROM solutions").fetchone()[0]
    response = local.client.block_actions({
        "type": "block_actions", "user": {"id": member("ben").id}, "trigger_id": "1.2.3",
        "response_url": local.fake.response_url(),
        "actions": [{"type": "button", "action_id": "solution_approve", "value": str(solution_id),
                     "block_id": f"approval:{solution_id}", "action_ts": "1700000000.1"}],
    })  # fmt: skip
    assert response.status == 200
    local.executor.wait_idle()
    assert local.services.store.db.execute("SELECT status FROM solutions").fetchone() == (
        "pending",
    )
    refused = local.services.store.db.execute(
        "SELECT actor FROM audit_log WHERE action = 'solution.refused'"
    ).fetchall()
    assert refused == [(member("ben").id,)]


def test_a_loyal_customer_is_offered_the_loyalty_equivalent(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, box arrived damaged")
    (modal,) = local.workspace.command("ana", "/solve", "C-1001")
    options = modal.render().text  # "Solution: (one of: ... | ...)"
    assert "with thanks for their loyalty" in options and "(new customers)" not in options
    local.workspace.command("ana", "/case", "Grace Adeyemi, box arrived damaged")
    (modal,) = local.workspace.command("ana", "/solve", "C-1002")
    assert "50% off the next box (new customers)" in modal.render().text


def test_a_denial_needs_a_reason_and_the_rep_hears_it(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")
    (modal,) = local.workspace.click("lee", "Deny")
    assert modal.kind == "modal"
    (still_open,) = local.workspace.submit("lee")
    assert still_open.errors  # no reason yet
    local.workspace.fill("Why? The rep sees this.", "Credit was given last week", "lee")
    text = shown(local.workspace.submit("lee"))
    assert "*Denied* by @U0LEE0001" in text and "Credit was given last week" in text
    dm = dm_to(local, ANA, "Denied")
    assert "Denied: Account credit £60.00 on C-1001." in dm and "For the customer:" in dm
    # the form said "The rep sees this": the rep, who may not be in the leads' channel, does
    assert "Why: Credit was given last week" in dm
    assert "what I can do for you is next-day delivery on your next box." in dm
    assert local.services.store.db.execute("SELECT status FROM solutions").fetchone() == ("denied",)


def test_a_refund_just_denied_is_granted_within_authority_only_past_a_warning(local, tmp_path):
    """After a lead denied a refund, the rep could grant a smaller one at once: no word of the
    denial, and the lead never knew."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, charged twice")
    solve(local, "ana", "C-1001", "Refund", "100", "charged twice")
    local.workspace.click("lee", "Deny")
    local.workspace.fill("Why? The rep sees this.", "Offer a credit instead", "lee")
    local.workspace.submit("lee")
    (modal,) = solve(local, "ana", "C-1001", "Refund", "20", "goodwill")
    text = modal.render().text
    assert ":warning: *Refund £100.00 on C-1001 was denied* (S-1) by @U0LEE0001" in text
    assert "> Offer a credit instead" in text and "Grant anyway" in text
    assert "Amount (GBP), where it applies (optional): 20" in text  # as she typed it
    assert count(local, "solutions") == 1  # nothing granted yet
    replies = local.workspace.submit("ana")  # she means it
    (told,) = local.workspace.look(member("lee"))
    assert "@U0ANA0001 granted *Refund £20.00* for *Margaret Holloway* on C-1001" in (
        told.render().text
    )
    assert "after you denied Refund £100.00 (S-1). Their reason:\n> goodwill" in told.render().text
    (dm,) = [r for r in replies if r.user == ANA and "Authorized" in r.text]
    assert "You granted it after Refund £100.00 (S-1) was denied by @U0LEE0001" in (
        dm.render().text
    )
    # a phone shows no names: who is told is said without one
    assert "was denied; whoever denied it is told." in dm.text
    (details,) = local.services.store.db.execute(
        "SELECT details FROM audit_log WHERE action = 'solution.authorized'"
    ).fetchone()
    assert json.loads(details)["after_denial"] == "S-1"


def test_each_approval_card_names_the_other_requests_of_its_kind_on_the_case(local, tmp_path):
    """Two refunds for one double charge were approved by two deciders, neither card saying
    the other was waiting or granted."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, charged twice")
    solve(local, "ana", "C-1001", "Refund", "250", "charged twice")
    replies = solve(local, "ana", "C-1001", "Refund", "100", "charged twice")
    (second,) = [r for r in replies if "Approval needed (lead" in r.render().text]
    assert ("Also on C-1001 lately:* Refund £250.00 (S-1), waiting for approval, asked by "
            "@U0ANA0001") in second.render().text  # fmt: skip
    (first,) = [r for r in replies if r.edited and "Refund £250.00 for" in r.render().text]
    assert "Refund £100.00 (S-2), waiting for approval" in first.render().text
    replies = local.workspace.click("lee", "Approve")  # the £100 one, Lee's limit
    (first,) = [r for r in replies if r.edited and "Approval needed (manager" in r.render().text]
    assert "Also on C-1001 lately:* Refund £100.00 (S-2), approved by @U0LEE0001" in (
        first.render().text
    )
    assert "Also on C-1001 lately: Refund £100.00 (S-2) approved." in first.text


def test_deny_is_refused_at_the_click_for_whoever_cannot_decide(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")  # a lead decides
    for user, said in [
        ("ana", "Nobody decides their own request"),
        ("ben", "Only a senior, lead or manager can approve or deny a solution."),
        (
            "sam",
            "This is above your limit as senior (at most £40.00 in one account credit): "
            "a lead or above decides it.",
        ),
    ]:
        replies = local.workspace.click(user, "Deny")
        assert [r.kind for r in replies] == ["ephemeral"], user  # no modal to type a reason into
        assert said in shown(replies)
    assert local.fake.calls_to("views.open") == [local.fake.calls_to("views.open")[0]]  # /solve's
    assert local.services.store.db.execute("SELECT status FROM solutions").fetchone() == (
        "pending",
    )


def test_every_press_of_a_refused_button_says_the_refusal_again(local, tmp_path):
    """Not silence, and not "it was answered then", which reads as if something was done."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")  # a lead decides
    refusal = "This is above your limit as senior (at most £40.00 in one account credit): a lead"
    presses = [local.workspace.click("sam", "Approve"), local.workspace.click("sam", "Approve")]
    local.wait(timedelta(minutes=30))  # Sam presses again later
    presses.append(local.workspace.click("sam", "Approve"))
    local.services.store.clock.advance(-timedelta(hours=1))  # NTP puts the bot's clock back
    presses += [local.workspace.click("sam", "Approve"), local.workspace.click("sam", "Deny")]
    for replies in presses:
        (said,) = [r for r in replies if r.kind == "ephemeral"]
        assert refusal in said.text and "pressed" not in said.text
    assert local.services.store.db.execute("SELECT status FROM solutions").fetchone() == (
        "pending",
    )
    refused = "SELECT count(*) FROM audit_log WHERE action = 'solution.refused'"
    # each press logged, Deny as Approve (README: "every ... refused attempt is a row")
    assert local.services.store.db.execute(refused).fetchone() == (5,)
    # the one who may decide it still can, with the same button
    assert "*Approved* by @U0LEE0001" in shown(local.workspace.click("lee", "Approve"))


def test_a_solution_beyond_everyones_limit_names_the_limit_in_money(local, tmp_path):
    """Reps and leads cannot open solutions.yaml: the modal says which limit, and how much."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, charged twice")
    one = (
        "At most £60.00 in one fee waiver, whoever grants it. A larger amount needs a change to "
        "the playbook, which team leads make; choose a smaller amount or another solution."
    )
    for user in ("ana", "lee"):  # the most anyone may grant at once: a lead's, as a rep's
        (modal,) = solve(local, user, "C-1001", "Fee waiver", "70", "Fee charged twice")
        assert modal.errors == {"amount": one}, user
        local.workspace.cancel(user)
    assert count(local, "solutions") == 0  # nothing granted before: no 30 days' total is hit
    solve(local, "ana", "C-1001", "Fee waiver", "10", "Fee charged twice")  # inside her authority
    solve(local, "lee", "C-1001", "Fee waiver", "60", "Second fee")  # inside a lead's
    (modal,) = solve(local, "ana", "C-1001", "Fee waiver", "60", "Third fee")
    assert modal.errors == {"amount": (
        "At most £120.00 per customer in 30 days, whoever grants it, and this customer has had "
        "£70.00 in the last 30 days. Choose £50.00 or less, or another solution."
    )}  # fmt: skip
    local.workspace.fill("Amount (GBP), where it applies", "50", "ana")
    assert "Sent for approval (lead or above): Fee waiver £50.00" in shown(
        local.workspace.submit("ana")
    )


def test_after_a_denial_the_customers_words_name_who_decided_and_offer_only_the_reps_own(
    local, tmp_path
):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, box arrived damaged")
    local.workspace.command("ana", "/solve", "C-1001")
    local.workspace.fill("Solution", "Refund", "ana")
    local.workspace.fill("Amount (GBP or months), where it applies", "300", "ana")
    local.workspace.fill("Reason", "Third damaged box", "ana")
    assert "Sent for approval (manager or above)" in shown(local.workspace.submit("ana"))
    local.workspace.click("mia", "Deny")
    local.workspace.fill("Why? The rep sees this.", "A new box is on its way instead", "mia")
    local.workspace.submit("mia")
    dm = dm_to(local, ANA, "Denied")
    # the manager decided, not a team lead; free months on the plan need a senior's approval
    assert ("I've gone through this with my manager, and what I can do for you is an account "
            "credit, a replacement box, next-day delivery on your next box or 50% off your next "
            "box, as thanks for being with us. Which would suit you best?") in dm  # fmt: skip
    assert "free" not in dm


def test_a_denial_typed_while_someone_else_approved_says_who_in_words(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")
    (modal,) = local.workspace.click("lee", "Deny")
    local.workspace.fill("Why? The rep sees this.", "Credit was given last week", "lee")
    local.workspace.click("mia", "Approve")  # while Lee was typing
    (after,) = local.workspace.submit("lee")
    text = after.render().text
    assert f"S-1 was already approved by @{member('mia').id} on " in text, text
    assert "Credit was given last week" not in text  # the form is gone: nothing left to submit
    status = local.services.store.db.execute("SELECT status, decided_by FROM solutions")
    assert status.fetchone() == ("approved", member("mia").id)


def button_click(local: LocalSlack, user_id: str, action_id: str, block: str, number: int) -> dict:
    """A click on a button of a message as it was before an edit reached the clicker's screen."""
    return {
        "type": "block_actions", "user": {"id": user_id}, "trigger_id": f"7.{user_id}.x",
        "response_url": local.fake.response_url(),
        "actions": [{"type": "button", "action_id": action_id, "value": str(number),
                     "block_id": f"{block}:{number}", "action_ts": f"{time.time():.6f}"}],
    }  # fmt: skip


def approve_click(local: LocalSlack, user_id: str, solution_id: int) -> dict:
    return button_click(local, user_id, "solution_approve", "approval", solution_id)


def test_a_second_click_on_a_decided_request_says_who_decided_and_when(local, tmp_path):
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")
    local.workspace.click("lee", "Approve")
    solution_id = local.services.store.db.execute("SELECT id FROM solutions").fetchone()[0]
    # Mia clicks Approve on the card as it was before Lee's click reached her screen
    local.client.block_actions(approve_click(local, member("mia").id, solution_id))
    told = local.fake.wait_for("response_url", lambda c: "already" in json.dumps(c.body))
    decided = local.clock.now()  # the clock stands still: Lee decided at this moment
    assert f"was already approved by <@{LEE}> <!date^{int(decided.timestamp())}^" in (
        json.dumps(told.body)
    )
    # words only, for a phone, on Mia's clock (Chicago)
    assert told.body["text"] == "S-1 was already approved on Jun 17, 2026 at 5:30 AM."
    approvals = local.services.store.db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'solution.approved'"
    )
    assert approvals.fetchone() == (1,)


def cases_of(local: LocalSlack) -> list[tuple]:
    return local.services.store.db.execute(
        "SELECT id, customer_id, topic FROM cases ORDER BY id"
    ).fetchall()


def test_a_first_name_alone_or_a_typo_finds_the_customer_and_says_who(local, tmp_path):
    customers(local, tmp_path)
    first = shown(local.workspace.command("ana", "/case", "margaret, charged twice again"))
    assert "Found Margaret Holloway (BX-1) by part of the name. Opened a new case." in first
    assert "customer for 12 years, premium" in first
    typo = shown(local.workspace.command("ana", "/case", "Margret Holloway, charged twice"))
    assert "Found Margaret Holloway (BX-1) by a similar spelling." in typo
    assert "Counted another contact." in typo
    assert cases_of(local) == [(1001, "BX-1", "charged twice again")]
    assert count(local, "customers") == 2  # nobody new


def test_a_crm_id_or_an_email_needs_no_comma(local, tmp_path):
    customers(local, tmp_path)
    by_id = shown(local.workspace.command("ana", "/case", "bx-1 double charge"))
    assert "Found Margaret Holloway (BX-1) by customer id." in by_id
    assert "Topic: double charge" in by_id
    by_email = shown(local.workspace.command("ana", "/case", "ga@example.com refund please"))
    assert "Found Grace Adeyemi (BX-2) by email." in by_email
    assert cases_of(local) == [(1001, "BX-1", "double charge"), (1002, "BX-2", "refund please")]
    unknown = shown(local.workspace.command("ana", "/case", "BX-10001 double charge"))
    assert "No customer has the id BX-10001" in unknown
    new = shown(local.workspace.command("ana", "/case", "jo@example.com where is my box"))
    assert "No customer has the email *jo@example.com*. Create a new customer?" in new
    assert count(local, "customers") == 2


def test_a_name_with_its_address_as_copied_from_an_email_is_both(local, tmp_path):
    customers(local, tmp_path)
    asked = shown(local.workspace.command("ana", "/case", "José Núñez <jo@example.com>, refund"))
    assert "No customer called *José Núñez* or with the email *jo@example.com*." in asked
    local.workspace.click("ana", "Create")
    row = local.services.store.db.execute(
        "SELECT name, email FROM customers WHERE email = 'jo@example.com'"
    ).fetchone()
    assert tuple(row) == ("José Núñez", "jo@example.com")
    again = shown(local.workspace.command("ana", "/case", "jo@example.com refund"))
    assert "Found José Núñez" in again and "by email" in again
    # the same name with another address may be another person: the rep chooses
    other = shown(local.workspace.command("ana", "/case", "Jose Nunez (j.n@example.org), box"))
    assert "Which customer do you mean" in other and "New customer" in other
    # as a rep pastes it: the sender, then the topic, no comma between
    pasted = shown(local.workspace.command("ana", "/case", "José Núñez <jo@example.com> box late"))
    assert "Found José Núñez" in pasted and "Topic: box late" in pasted
    outlook = shown(local.workspace.command("ana", "/case", "Núñez, José <jo@example.com> eggs"))
    assert "Found José Núñez" in outlook and "by email" in outlook and "Topic: eggs" in outlook
    bare = shown(local.workspace.command("ana", "/case", "(jo@example.com) voucher"))
    assert "Found José Núñez" in bare and "by email" in bare and "Topic: voucher" in bare


def test_create_on_an_old_question_asks_again_when_the_customer_was_made_meanwhile(local):
    local.workspace.command("ana", "/case", "Maria Lopez, parcel late")  # nobody: Create?
    local.workspace.command("ben", "/case", "Maria Lopez, parcel late")
    local.workspace.click("ben", "Create")  # Ben was quicker
    (asked,) = local.workspace.click("ana", "Create")
    text = asked.render().text
    assert asked.edited and "Which customer do you mean by *Maria Lopez*?" in text
    assert "open case C-1001: parcel late" in text
    assert count(local, "customers WHERE name = 'Maria Lopez'") == 1  # no second Maria yet
    (card,) = local.workspace.click("ana", "Maria Lopez (NEW-1)")
    assert "Counted another contact." in card.render().text and "2 contacts" in card.render().text
    # New customer, pressed where the one shown is the only Maria, still makes a second one
    asked = shown(local.workspace.command("ana", "/case", "Maria Lopez (m2@example.org), refund"))
    assert "Which customer do you mean" in asked
    (made,) = local.workspace.click("ana", "New customer")
    assert "New customer Maria Lopez" in made.render().text
    assert count(local, "customers WHERE name = 'Maria Lopez'") == 2


def test_two_margarets_are_buttons_and_a_double_click_opens_one_case(local, tmp_path):
    customers(local, tmp_path)
    today = local.services.store.clock.now().date()
    more = tmp_path / "more.csv"
    more.write_text(
        "id,name,email,customer_since,tier\n"
        f"BX-3,Margaret Hughes,mhughes@example.com,{today - timedelta(days=800)},plus\n"
    )
    import_customers(local.services.store, more)
    local.workspace.command("ben", "/case", "Margaret Hughes, charged twice")  # an open case
    (asked,) = local.workspace.command("ana", "/case", "margaret, charged twice")
    text = asked.render().text
    assert "Which customer do you mean by *margaret*?" in text
    assert "*Margaret Hughes* (BX-3, mhughes@example.com) · open case C-1001: charged twice" in (
        text
    )
    labels = [e.label for e in asked.elements]
    assert labels == ["Margaret Holloway (BX-1)", "Margaret Hughes (BX-3)", "New customer",
                      "Cancel"]  # fmt: skip
    assert count(local, "cases") == 1  # nothing opened yet
    (card,) = local.workspace.click("ana", "Margaret Hughes (BX-3)", times=2)
    assert card.edited and "C-1001 · Margaret Hughes" in card.render().text
    assert "Margaret Hughes (BX-3), as you chose. Counted another contact." in card.render().text
    assert count(local, "contacts") == 2 and count(local, "cases") == 1
    # the other Margaret, chosen the same way, gets a case of her own
    local.workspace.command("ana", "/case", "margaret, charged twice")
    (card,) = local.workspace.click("ana", "Margaret Holloway (BX-1)")
    assert "C-1002 · Margaret Holloway" in card.render().text
    assert cases_of(local)[-1] == (1002, "BX-1", "charged twice")


def test_an_unknown_name_is_created_only_when_the_rep_confirms(local, tmp_path):
    customers(local, tmp_path)
    (asked,) = local.workspace.command("ana", "/case", "Maria Lopez, parcel late")
    assert "No customer called *Maria Lopez*. Create a new customer?" in asked.render().text
    assert [e.label for e in asked.elements] == ["Create", "Cancel"]
    assert count(local, "customers") == 2 and count(local, "cases") == 0
    (cancelled,) = local.workspace.click("ana", "Cancel")
    assert "Cancelled: nothing was opened or counted for Maria Lopez." in cancelled.render().text
    assert count(local, "customers") == 2 and count(local, "cases") == 0
    local.workspace.command("ana", "/case", "Maria Lopez, parcel late")
    (card,) = local.workspace.click("ana", "Create", times=2)
    text = card.render().text
    assert "New customer Maria Lopez (NEW-3). Opened a new case." in text
    assert "C-1001 · Maria Lopez* (new to us)" in text
    assert count(local, "customers") == 3 and cases_of(local) == [(1001, "NEW-3", "parcel late")]
    # from now on she is found like anyone else
    again = shown(local.workspace.command("ben", "/case", "maria lopez, parcel late"))
    assert "Found Maria Lopez (NEW-3). Counted another contact." in again


def test_a_name_or_topic_past_its_limit_is_refused_and_says_the_limit(local, tmp_path):
    customers(local, tmp_path)
    (refused,) = local.workspace.command("ana", "/case", "Margaret " * 444 + "Holloway")
    assert "A customer's name can be at most 100 characters, and this one has 4,004" in (
        refused.render().text
    )
    (refused,) = local.workspace.command("ana", "/case", "BX-1 " + "charged twice " * 30)
    assert "A topic can be at most 300 characters" in refused.render().text
    (asked,) = local.workspace.command("ana", "/case", "Someone New")
    assert "Type the customer, then a comma and what it is about" in asked.render().text
    (asked,) = local.workspace.command("ana", "/case", "bx-1")  # she has no open case
    assert "Margaret Holloway has no open case. What is it about?" in asked.render().text
    assert count(local, "customers") == 2 and count(local, "cases") == 0


def test_the_longest_question_stays_inside_slacks_limits(local, tmp_path):
    customers(local, tmp_path)
    name, topic = "Ünïcödé " * 12 + "Xy", "“quoted” <!channel> & émoji 🎉 " * 10
    assert len(name) <= 100 and len(topic.strip()) <= 300
    (asked,) = local.workspace.command("ana", "/case", f"{name}, {topic}")  # the emulator checks
    topic_line = asked.blocks[1]["elements"][0]["text"]  # escaped once: shown as typed
    assert topic_line.startswith("Topic: “quoted” &lt;!channel&gt; &amp; émoji 🎉")
    (card,) = local.workspace.click("ana", "Create")
    assert local.services.store.db.execute("SELECT topic FROM cases").fetchone() == (
        " ".join(topic.split()),
    )


@pytest.mark.parametrize("name", ["*Bob*", "_Bob_", "~Bob~", "`Bob`"])
def test_a_name_with_formatting_marks_shows_as_typed_inside_the_bold(local, tmp_path, name):
    customers(local, tmp_path)
    (asked,) = local.workspace.command("ana", "/case", f"{name}, parcel late")
    local.workspace.command("ana", "/case", f"{name}, parcel late")
    (card,) = local.workspace.click("ana", "Create")
    text = card.render().text
    # The whole of the heading stays bold and the name keeps its marks: no mark of it pairs
    # with ours (shown as \*) nor makes part of it italic, struck or code.
    (heading,) = [line for line in text.splitlines() if line.startswith("*C-1001 · ")]
    assert heading.startswith("*C-1001 · ") and "\\" not in heading
    shown_name = heading.removeprefix("*C-1001 · ").partition("*")[0]
    assert [ord(c) for c in shown_name[1:-1]] == [ord(c) for c in "Bob"]
    assert shown_name[0] == shown_name[-1] and shown_name[0] not in "*_~`"
    assert "\\" not in asked.render().text
    assert card.text == f"C-1001 {shown_name}: parcel late"  # a phone shows it alike


def test_a_note_of_emoji_alone_is_refused_kindly_and_kept_nowhere(local, tmp_path):
    """Found by a new-user QA play: /note C-1001 😀 was kept as a note, with nothing in it
    the next person could read."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    for typed in ("😀", ":smile: :+1:", "👍 !!"):
        (said,) = local.workspace.command("ana", "/note", f"C-1001 {typed}")
        assert said.text == (
            "There are no words in that note (only emoji or symbols). Type what the next person "
            "should know after the case number, like /note C-1001 customer prefers email."
        ), typed
        assert "`/note C-1001 customer prefers email`" in said.blocks[0]["text"]["text"]
    assert local.services.store.db.execute("SELECT count(*) FROM case_notes").fetchone() == (0,)
    kept = shown(local.workspace.command("ana", "/note", "C-1001 prefers email :smile:"))
    assert kept.strip() == "Noted on C-1001."  # words with an emoji are a note


def test_a_note_entered_twice_is_kept_once_and_the_rep_is_told(local, tmp_path):
    """Found playing the demo: a double Enter on /note left the note twice on the card."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    first = shown(local.workspace.command("ana", "/note", "C-1001 customer prefers email"))
    assert first.strip() == "Noted on C-1001."
    again = shown(local.workspace.command("ana", "/note", "C-1001 customer prefers email"))
    assert "Already noted: you added this note to C-1001 just now, so it is kept once." in again
    # two requests at once (two trigger ids, so not Slack's retry): one note, one "already"
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: local.client.command(
            "/note", "C-1001 sent photos of the label", user_id=ANA,
            trigger_id=local.client.new_trigger_id(), response_url=local.fake.response_url(),
        ), range(2)))  # fmt: skip
    said = sorted(json.loads(answer.body)["text"] for answer in answers)
    assert said[0].startswith("Already noted") and said[1] == "Noted on C-1001."
    local.wait(timedelta(minutes=6))  # the same words later: it happened again
    assert "Noted on C-1001." in shown(
        local.workspace.command("ana", "/note", "C-1001 customer prefers email")
    )
    card = shown(local.workspace.command("ana", "/case", "C-1001"))
    assert card.count("customer prefers email") == 2 and card.count("sent photos") == 1


def test_the_same_solution_asked_for_while_it_waits_sends_nothing_and_says_since_when(
    local, tmp_path
):
    """Found playing the demo: the same /solve submitted twice put two approval cards before
    the leads, who could have approved the credit twice."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    asked = local.clock.now()  # the clock stands still: the first request is of this moment
    solve(local, "ana", "C-1001", "Account credit", "60", "Six late boxes")
    (again,) = solve(local, "ana", "C-1001", "Account credit", "60.00", "Six late boxes")
    text = again.render().text
    assert again.kind == "modal" and "Already waiting" in text
    assert ("Account credit £60.00 on C-1001 is already waiting for approval, so nothing was "
            "sent again. You asked for it ") in text  # fmt: skip
    assert "decides it in <#C0LEADS001>." in again.shown_view["blocks"][0]["text"]["text"]
    # as Ana's Slack shows it: the leads' channel by its name, the time in her zone
    ana_sees = again.render(local.workspace.reader(member("ana"))).text
    assert (
        "You asked for it today at 11:30 AM; a lead or above decides it in #support-leads. "
        "You'll hear the outcome in a DM."
    ) in ana_sees
    assert f"asked for it <!date^{int(asked.timestamp())}^" in json.dumps(again.shown_view)
    # another rep asking for it on the case is told whose request waits
    (bens,) = solve(local, "ben", "C-1001", "Account credit", "60", "Customer called again")
    assert f"@{ANA} asked for it " in bens.render().text
    assert f"; a lead or above decides it in #support-leads. @{ANA} hears the outcome." in (
        bens.render(local.workspace.reader(member("ben"))).text
    )
    local.settle()
    approvals = [c for c in local.fake.calls_to("chat.postMessage")
                 if "Approval needed" in json.dumps(c.body)]  # fmt: skip
    assert len(approvals) == 1 and count(local, "solutions") == 1
    assert dm_to(local, ANA, "Sent for approval")  # one, or dm_to fails
    # once decided, the same solution asked for again is a new request
    local.workspace.click("lee", "Approve")
    text = shown(solve(local, "ana", "C-1001", "Account credit", "60", "Late again"))
    assert "Sent for approval (lead or above)" in text
    assert count(local, "solutions") == 2


def test_the_same_solution_just_authorized_submitted_again_grants_nothing_more(local, tmp_path):
    """Found by a QA play: the same /solve inside the rep's authority, submitted twice, granted
    the credit twice, the second with a warning that it already was."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, parcel late")
    granted = local.clock.now()
    solve(local, "ana", "C-1001", "Account credit", "10", "box two days late")
    local.wait(timedelta(minutes=4))
    (again,) = solve(local, "ana", "C-1001", "Account credit", "10.00", "Box two  days late.")
    text = again.render().text
    assert again.kind == "modal" and "Already authorized" in text
    assert ("Account credit £10.00 on C-1001 is S-1, already authorized for you, so nothing was "
            "granted again. You asked for it ") in text  # fmt: skip
    assert f"asked for it <!date^{int(granted.timestamp())}^" in json.dumps(again.shown_view)
    assert (
        "You asked for it today at 11:30 AM; the words for the customer are in your DM. To grant "
        "it a second time, give the reason for the second."
    ) in again.render(local.workspace.reader(member("ana"))).text
    local.settle()
    assert count(local, "solutions") == 1
    assert dm_to(local, ANA, "Authorized: Account credit")  # one, or dm_to fails
    actions = local.services.store.db.execute("SELECT action FROM audit_log").fetchall()
    assert actions == [("solution.authorized",)]
    # a second one the customer is to have, with a reason of its own, is granted as before
    replies = solve(local, "ana", "C-1001", "Account credit", "10", "next box late too")
    (dm,) = [r for r in replies if r.user == ANA and "Authorized" in r.text]
    assert ":warning: *This is the second Account credit £10.00 on C-1001.*" in dm.render().text
    assert count(local, "solutions") == 2
    (again,) = solve(local, "ana", "C-1001", "Account credit", "10", "next box late too")
    assert "To grant it a third time, give the reason for the third." in again.render().text


def open_items(local: LocalSlack, tmp_path, solver: str) -> tuple:
    """Margaret's case C-1001 with Ana's promise reminded, a redirect to Billing nobody has
    taken and a refund `solver` asked for, waiting for a lead: the reminder, the packet and
    the approval card, as Slack shows them."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, charged twice for one box")
    local.workspace.command("ana", "/followup", "in 1h call Margaret back C-1001")
    local.wait(timedelta(hours=1))
    (reminder,) = [r for r in local.workspace.look("ana") if "Due now" in r.text]
    replies = local.workspace.command("ana", "/redirect", "billing C-1001 two charges on the 3rd")
    (packet,) = [r for r in replies if r.channel == "C0BILLING1"]
    replies = solve(local, solver, "C-1001", "Refund", "200", "Charged twice")
    (card,) = [r for r in replies if "Approval needed" in r.text]
    return reminder, packet, card


def test_closing_a_case_says_what_is_still_open_on_it_and_settles_it(local, tmp_path):
    """Found by QA: a case closed with a refund waiting for a lead, a redirect nobody had
    taken and a promise open said nothing of them; the lead could still approve the refund,
    the promise's reminders and the redirect's nudges went on."""
    reminder, packet, card = open_items(local, tmp_path, "ana")
    solve(local, "ben", "C-1001", "Account credit", "60", "For the trouble")  # Ben, on the phone
    local.workspace.command("ana", "/case", "C-1001")
    (form,) = local.workspace.click("ana", "Close case")
    lines = form.render().text.splitlines()
    assert "*Closing C-1001 also settles what is still open on it:*" in lines
    assert (f"• Withdraws Refund £200.00 (S-1), which waits for approval (asked by @{ANA}): "
            "nothing is granted") in lines  # fmt: skip
    assert (f"• Withdraws Account credit £60.00 (S-2), which waits for approval (asked by @{BEN}):"
            " nothing is granted") in lines  # fmt: skip
    assert "• Withdraws the redirect to Billing (R-1) that nobody has taken" in lines
    assert any(line.startswith("• Closes the promise F-1 · call Margaret back · due ")
               for line in lines)  # fmt: skip
    assert "Still owe the customer one of these? Cancel, and close the case once it is done." in (
        lines
    )
    local.workspace.fill("Root cause", "Process", "ana")
    replies = local.workspace.submit("ana")
    (closed,) = [r for r in replies if r.kind == "modal"]
    lines = closed.render().text.splitlines()
    assert "*Settled with it:*" in lines
    assert (f"• Withdrawn: Refund £200.00 (S-1), which waited for approval (asked by @{ANA}): "
            "nothing was granted") in lines  # fmt: skip
    assert "• Withdrawn: the redirect to Billing (R-1) that nobody had taken" in lines
    # What was posted says so, and loses its buttons: through the outbox, as it was sent
    (withdrawn,) = [r for r in replies if r.ts == card.ts]
    assert withdrawn.edited and not withdrawn.elements
    assert withdrawn.render().text.startswith(
        f"*Withdrawn*: Refund £200.00 for *Margaret Holloway* on C-1001. @{ANA} closed the case "
    )
    assert withdrawn.render().text.endswith(", so there is nothing to approve.")
    (taken_off,) = [r for r in replies if r.ts == packet.ts]
    assert taken_off.edited and not taken_off.elements
    assert f"for Billing, from @{ANA}: *withdrawn*." in taken_off.render().text
    (kept,) = [r for r in replies if r.ts == reminder.ts]
    assert kept.render().text == "F-1 closed with its case: call Margaret back · C-1001"
    # Ben, who was told he would hear the outcome, hears it; Ana closed it, and saw it there
    told_ben = shown(local.workspace.look("ben"))
    assert f"Withdrawn: Account credit £60.00 on C-1001. @{ANA} closed the case, so" in told_ben
    assert not [r for r in replies if r.user == ANA and "Withdrawn:" in r.text]
    # Approve and Take it clicked on what was shown before the edits reached the screen
    local.client.block_actions(approve_click(local, LEE, 1))
    told = local.fake.wait_for("response_url", lambda c: "withdrawn" in json.dumps(c.body))
    assert told.body["text"] == (  # on Lee's clock (Berlin)
        "C-1001 is closed, so S-1 was withdrawn and there is nothing to approve or deny. It was "
        "closed on Jun 17, 2026 at 1:30 PM."
    )
    local.client.block_actions(
        button_click(local, member("sam").id, "redirect_take", "redirect", 1)
    )
    told = local.fake.wait_for("response_url", lambda c: "take" in json.dumps(c.body))
    assert told.body["text"] == (  # on Sam's clock (Lisbon)
        "C-1001 was closed, so R-1 was withdrawn and there is nothing to take. It was closed on "
        "Jun 17, 2026 at 12:30 PM."
    )
    # Nothing fires for the closed case: no overdue alert, no "nobody has taken it"
    local.wait(timedelta(hours=3))
    for user in ("ana", "lee"):
        assert not [r.text for r in local.workspace.look(user)]
    db = local.services.store.db
    assert db.execute("SELECT status, decided_by FROM solutions").fetchall() == [
        ("withdrawn", ANA), ("withdrawn", ANA)
    ]  # fmt: skip
    assert db.execute("SELECT status, withdrawn_by FROM redirects").fetchall() == [
        ("withdrawn", ANA)
    ]
    assert db.execute("SELECT status, closed_by FROM followups").fetchall() == [("closed", ANA)]
    assert db.execute("SELECT owner_id FROM cases").fetchall() == [(ANA,)]
    assert verify(local.services.store).ok
    # the week's summary counts the withdrawn redirect as sent, and no longer as waiting
    summary = shown(local.workspace.command("mia", "/summary", "this week"))
    assert "Redirects to other teams: *1*" in summary
    assert "Redirects not taken yet: *0*" in summary


def test_a_case_closed_before_closing_settled_it_is_settled_when_repbot_is_upgraded(
    local, tmp_path
):
    """Found by QA: migration 18 only made room for "withdrawn": a case closed before then
    kept its refund waiting for a lead, its redirect waiting to be taken and its promise open,
    and their reminders and nudges went on."""
    reminder, packet, card = open_items(local, tmp_path, "ben")
    store = local.services.store
    # Closed as repbot closed a case before: the case alone; the database as version 19 has it
    close_the_case_alone(store, 1001, ANA, "process")
    store.db.execute("DROP TABLE cases_to_settle")  # and what later versions added
    store.db.execute("DROP TABLE retired_case_numbers")
    for column in ("closed_by", "closed_at"):  # the room version 23 made for closed promises
        store.db.execute(f"ALTER TABLE followups DROP COLUMN {column}")
    _widen_check(store.db, "followups", "'done', 'closed')", "'done')")
    store.db.execute("ALTER TABLE redirects DROP COLUMN case_owner")  # version 24's
    store.db.execute("DROP INDEX followups_kept_by")  # and version 25's
    store.db.execute("ALTER TABLE followups DROP COLUMN missed_at")
    store.db.execute("ALTER TABLE contacts DROP COLUMN words_digest")  # and version 27's
    for column in ("zone", "zone_said"):  # a promise's zone, kept since version 27
        store.db.execute(f"ALTER TABLE followups DROP COLUMN {column}")
    store.db.execute("PRAGMA user_version = 19")
    store.migrate()
    assert store.schema_version() == len(MIGRATIONS)
    assert settle_cases_closed_before(local.services, Outbox(store, local.sender, "closing")) == 1
    news = local.workspace.look_everyone()
    # What was posted says so and loses its buttons, as when the case is closed today
    (withdrawn,) = [r for r in news if r.ts == card.ts]
    assert withdrawn.edited and not withdrawn.elements
    assert withdrawn.render().text.startswith(
        f"*Withdrawn*: Refund £200.00 for *Margaret Holloway* on C-1001. @{ANA} closed the case "
    )
    (taken_off,) = [r for r in news if r.ts == packet.ts]
    assert taken_off.edited and not taken_off.elements
    assert f"for Billing, from @{ANA}: *withdrawn*." in taken_off.render().text
    (kept,) = [r for r in news if r.ts == reminder.ts]
    assert kept.render().text == "F-1 closed with its case: call Margaret back · C-1001"
    told_ben = shown([r for r in news if r.user == BEN])
    assert f"Withdrawn: Refund £200.00 on C-1001. @{ANA} closed the case, so" in told_ben
    # Nothing fires for the closed case any more, and a restart settles nothing twice
    local.wait(timedelta(hours=3))
    for user in ("ana", "lee"):
        assert not [r.text for r in local.workspace.look(user)]
    assert settle_cases_closed_before(local.services, Outbox(store, local.sender, "closing")) == 0
    db = store.db
    assert db.execute("SELECT status, decided_by FROM solutions").fetchall() == [("withdrawn", ANA)]
    assert db.execute("SELECT status, withdrawn_by FROM redirects").fetchall() == [
        ("withdrawn", ANA)
    ]
    assert db.execute("SELECT status, closed_by FROM followups").fetchall() == [("closed", ANA)]
    assert verify(store).ok


def closed_case_at_version(tmp_path, version: int, opened: str, closed: str) -> Database:
    """The database `local` opens, as the first `version` steps of the schema made it, with
    Margaret Holloway's case C-1001 (charged twice), closed by Ana."""
    old = Database(sqlite3.connect(tmp_path / "repbot.db"))
    old.execute("PRAGMA journal_mode = WAL")  # as repbot makes its databases
    old.execute("BEGIN")  # one commit, as repbot migrates, not one per statement
    for number, step in enumerate(MIGRATIONS[:version], start=1):
        step(old)
        old.execute(f"PRAGMA user_version = {number}")
    old.conn.commit()
    old.execute("BEGIN")  # audit rows are written in a transaction, as repbot writes them
    old.execute("INSERT INTO customers (id, name, created_at, updated_at) VALUES ('BX-1',"
                " 'Margaret Holloway', ?, ?)", [opened, opened])  # fmt: skip
    old.execute("INSERT INTO cases (id, customer_id, topic, owner_id, status, root_cause,"
                " opened_at, closed_at, closed_by) VALUES (1001, 'BX-1', 'charged twice', ?,"
                " 'closed', 'process', ?, ?, ?)", [ANA, opened, closed, ANA])  # fmt: skip
    return old


@pytest.fixture
def closed_at_version_19(tmp_path):
    """The database `local` opens, at version 19, with a case closed as repbot closed cases
    then: a refund still waiting for a lead, a redirect nobody took and a promise overdue."""
    at = "2026-06-10T09:00:00+00:00"  # a week before the bot's clock starts
    old = closed_case_at_version(tmp_path, 19, at, at)
    old.execute("INSERT INTO solutions (case_id, customer_id, situation, type, amount, reason,"
                " requested_by, status, needs_role, created_at) VALUES (1001, 'BX-1', 'x',"
                " 'refund', '200.00', 'why', ?, 'pending', 'lead', ?)", [BEN, at])  # fmt: skip
    old.execute("INSERT INTO redirects (case_id, from_user, team_id, note, status, remind_at,"
                " reply_by, created_at) VALUES (1001, ?, 'billing', '', 'waiting', ?, ?, ?)",
                [ANA, at, at, at])  # fmt: skip
    old.execute("INSERT INTO followups (owner_id, case_id, what, due_at, status, created_at)"
                " VALUES (?, 1001, 'call back', ?, 'open', ?)", [ANA, at, at])  # fmt: skip
    old.conn.commit()
    old.conn.close()


def test_repbot_started_on_a_database_of_version_19_settles_what_closed_cases_left_open(
    closed_at_version_19, local
):
    store = local.services.store
    assert store.schema_version() == len(MIGRATIONS)
    db = store.db
    assert db.execute("SELECT status, decided_by FROM solutions").fetchall() == [("withdrawn", ANA)]
    assert db.execute("SELECT status, withdrawn_by FROM redirects").fetchall() == [
        ("withdrawn", ANA)
    ]
    assert db.execute("SELECT status, closed_by FROM followups").fetchall() == [("closed", ANA)]
    # Ben, who asked for the refund, hears it; nobody is reminded or nudged of any of it (the
    # weekly summary of the week before goes to management meanwhile)
    local.wait(timedelta(hours=1))
    told = {user: [r.text for r in local.workspace.look(user) if r.channel != "C0MGMT0001"]
            for user in ("ana", "ben", "lee")}  # fmt: skip
    assert told == {"ana": [], "lee": [], "ben": [
        "Withdrawn: Refund £200.00 on C-1001. The case was closed, so nothing was granted."
    ]}  # fmt: skip
    assert verify(store).ok


@pytest.fixture
def promise_closed_at_version_22(tmp_path):
    """The database `local` opens, at version 22, with a case closed two days before the bot's
    clock starts, as repbot closed cases then: its open promise F-2 marked done by whoever
    closed it, its audit row naming the case; F-1 done by Ana before that."""
    opened, done, closed = (f"2026-06-15T{hour:02}:00:00+00:00" for hour in (9, 10, 11))
    due = "2026-06-16T09:00:00+00:00"
    old = closed_case_at_version(tmp_path, 22, opened, closed)
    old.execute("INSERT INTO contacts (case_id, number, user_id, created_at) VALUES (1001, 1, ?,"
                " ?)", [ANA, opened])  # fmt: skip
    for what, at in (("send the refund reference", done), ("call back", closed)):
        old.execute("INSERT INTO followups (owner_id, case_id, what, due_at, status, done_by,"
                    " done_at, created_at) VALUES (?, 1001, ?, ?, 'done', ?, ?, ?)",
                    [ANA, what, due, ANA, at, opened])  # fmt: skip
    for ref, at, closed_with in (("F-1", done, {}), ("F-2", closed, {"closed_with": "C-1001"})):
        append(old, actor=ANA, action="followup.done", subject=ref, at=at,
               details={"owner": ANA, "due_at": due, **closed_with})  # fmt: skip
    old.conn.commit()
    old.conn.close()


def test_a_promise_closing_marked_done_before_reads_closed_with_its_case_after_the_upgrade(
    promise_closed_at_version_22, local
):
    """Told apart by the audit row closing wrote: the promise done by its rep stays done."""
    store = local.services.store
    promises = "SELECT id, status, done_by, done_at, closed_by, closed_at FROM followups"
    assert store.db.execute(f"{promises} ORDER BY id").fetchall() == [
        (1, "done", ANA, "2026-06-15T10:00:00+00:00", None, None),
        (2, "closed", None, None, ANA, "2026-06-15T11:00:00+00:00"),
    ]
    assert store.schema_version() == len(MIGRATIONS) and verify(store).ok
    local.workspace.command("ana", "/case", "margaret, charged twice")
    local.workspace.command("ana", "/case", "margaret, charged twice again")
    alert = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0SENIORS1")
    history = render_message(alert.body["text"], alert.body["blocks"]).text
    assert "Promised F-2: call back · due Jun 16, 2026 at 9:00 AM UTC · closed with its case" in (
        history
    )
    assert "Promised F-1: send the refund reference · due Jun 16, 2026 at 9:00 AM UTC · done" in (
        history
    )


def test_the_same_solution_already_granted_on_the_case_is_named_to_the_approver_and_rep(
    local, tmp_path
):
    """Found by QA: a £120 refund approved on C-1001, proposed again, made a new approval card
    with no word of the first: a lead could pay it twice without knowing."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, charged twice for one box")
    solve(local, "ana", "C-1001", "Refund", "120", "Charged twice")
    local.workspace.click("lee", "Approve")
    approved = local.clock.now()  # the clock stands still: Lee approved at this moment
    replies = solve(local, "ana", "C-1001", "Refund", "120", "Customer says not refunded")
    (card,) = [r for r in replies if "Approval needed" in r.text]
    when = f"<!date^{int(approved.timestamp())}^{{date_short_pretty}} at {{time}}|"
    assert (f":warning: *This would be the second Refund £120.00 on C-1001.*\nThe first: "
            f"approved by <@{LEE}> {when}on Jun 17, 2026 at 10:30 AM UTC>, asked by <@{ANA}>. "
            "Approve only if the customer is to have it twice."
            ) in card.blocks[0]["text"]["text"]  # fmt: skip
    assert card.text == (
        "Approval needed: Refund £120.00 on C-1001. This would be the second Refund £120.00 on "
        "C-1001."
    )  # the notification: words only
    (dm,) = [r for r in replies if r.user == ANA and "Sent for approval" in r.text]
    assert dm.render().text.splitlines()[:3] == [
        "Sent for approval (lead or above): Refund £120.00 on C-1001. You'll hear the outcome "
        "here.",
        ":warning: *This would be the second Refund £120.00 on C-1001.*",
        f"The first: approved by @{LEE} on Jun 17, 2026 at 10:30 AM UTC, asked by @{ANA}.",
    ]
    # a lead who means it grants it again; a third is counted as the third (QA found it told
    # as "the second"), each earlier one named on its own line
    local.workspace.click("lee", "Approve")
    rows = local.services.store.db.execute("SELECT status FROM solutions ORDER BY id")
    assert rows.fetchall() == [("approved",), ("approved",)]
    replies = solve(local, "ana", "C-1001", "Refund", "120", "Still not refunded")
    (card,) = [r for r in replies if "Approval needed" in r.text]
    assert card.render().text.splitlines()[2:5] == [
        ":warning: *This would be the third Refund £120.00 on C-1001.*",
        f"The first: approved by @{LEE} on Jun 17, 2026 at 10:30 AM UTC, asked by @{ANA}.",
        f"The second: approved by @{LEE} on Jun 17, 2026 at 10:30 AM UTC, asked by @{ANA}. "
        "Approve only if the customer is to have it three times.",
    ]


def test_solve_with_words_after_the_case_opens_its_form_and_without_a_case_says_what_to_type(
    local, tmp_path
):
    """Found in a demo play: "/solve C-1001 refund 250 charged twice" was answered "Usage:
    /solve C-1042", naming another case."""
    customers(local, tmp_path)
    local.workspace.command("ana", "/case", "Margaret Holloway, box arrived damaged")
    (modal,) = local.workspace.command("ana", "/solve", "C-1001 refund 250 *charged twice*")
    assert modal.kind == "modal" and "Solution" in modal.render().text
    for typed in ("", "refund 250", "<!here>"):
        assert shown(local.workspace.command("ana", "/solve", typed)) == (
            "Type the case after /solve, like /solve C-1042: it opens a form for the solution, "
            "its amount and why."
        )
