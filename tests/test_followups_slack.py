"""Follow-ups, reminders, redirects and the App Home, end to end through the emulator."""

import json
import time
from datetime import timedelta

import pytest

from bot.demo import LocalSlack
from bot.emulator.render import render_message
from bot.emulator.team import member

ANA, LEE, SAM, BEN = member("ana").id, member("lee").id, member("sam").id, member("ben").id


def shown(replies) -> str:
    return "\n".join(r.render().text for r in replies)


def count(local: LocalSlack, table: str) -> int:
    return local.services.store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def dms(local: LocalSlack, user_id: str) -> list[str]:
    """Messages that reached `user_id` (a failed send does not count)."""
    return [json.dumps(c.body) for c in local.fake.calls_to("chat.postMessage")
            if c.body.get("channel") == user_id and c.status == 200]  # fmt: skip


def test_a_promise_made_while_slack_cannot_say_the_reps_zone_keeps_the_zone_it_said_before(
    local,
):
    local.workspace.command("ben", "/followup", "in 3 weeks send the voucher")  # New York
    local.clock.advance(timedelta(days=2))  # what Slack said is no longer fresh
    local.fake.fail("users.info", status=500, times=5)
    saved = shown(local.workspace.command("ben", "/followup", "tomorrow 9am call her back"))
    assert "Jun 20, 2026 at 9:00 AM" in saved  # a Saturday: said with its weekday
    due = local.services.store.db.execute("SELECT due_at FROM followups WHERE id = 2").fetchone()
    assert due[0] == "2026-06-20T13:00:00+00:00"  # 9 am in New York, not 9 am UTC (5 am his)


def test_a_promise_is_saved_listed_and_closed(local):
    local.workspace.command("ana", "/case", "Maria Lopez, refund")
    local.workspace.click("ana", "Create")  # a new customer
    saved = shown(local.workspace.command("ana", "/followup", "in 2h call Maria back C-1001"))
    assert "Follow-up F-1 saved: call Maria back · C-1001, due" in saved
    listed = shown(local.workspace.command("ana", "/followup", "list"))
    assert "F-1" in listed and "call Maria back" in listed
    assert "done" in shown(local.workspace.command("ana", "/followup", "done 1"))
    assert "No open follow-ups" in shown(local.workspace.command("ana", "/followup", "list"))


def test_a_due_time_reads_one_way_in_every_message_and_in_its_notification(local):
    """Found by a new-user QA play: one promise read "tomorrow 10:00 AM" on the case card,
    "Thu 18 Jun, 10:00" on a phone and "18 Jun 2026 09:00 UTC" where Slack showed no zone."""
    local.workspace.command("ana", "/case", "Maria Lopez, refund")
    local.workspace.click("ana", "Create")  # C-1001
    ana, lee = local.workspace.reader(member("ana")), local.workspace.reader(member("lee"))
    (saved,) = local.workspace.command("ana", "/followup", "tomorrow 10am call Maria back C-1001")
    assert saved.text == (  # the phone: Ana's own clock, with the day it is
        "Follow-up F-1 saved: call Maria back · C-1001, due Jun 18, 2026 at 10:00 AM. I'll "
        "remind you before it is due."
    )
    assert "C-1001, due tomorrow at 10:00 AM. I'll remind" in saved.render(ana).text
    (listed,) = local.workspace.command("ana", "/followup", "list")
    assert "F-1 · tomorrow at 10:00 AM · call Maria back · C-1001" in listed.render(ana).text
    (card,) = local.workspace.command("ana", "/case", "C-1001")
    assert "• F-1 · call Maria back · due tomorrow at 10:00 AM" in card.render(ana).text
    assert "• F-1 · call Maria back · due tomorrow at 11:00 AM" in card.render(lee).text  # Berlin
    local.wait(timedelta(hours=22, minutes=30))  # 10:00 in London: due now
    (due,) = [r for r in local.workspace.look(member("ana")) if "Due now" in r.text]
    ana = local.workspace.reader(member("ana"))  # reading it then
    assert ":alarm_clock: Due now: F-1 · today at 10:00 AM · call Maria back" in (
        due.render(ana).text
    )
    assert due.text == "Due now: F-1 due Jun 18, 2026 at 10:00 AM · call Maria back"


def test_a_reminder_that_goes_out_long_after_its_time_says_past_due_not_due_now(local):
    # repbot stopped over the due time: its reminder goes out when it is back, a day late
    local.workspace.command("ana", "/followup", "in 1h call Maria back")
    local.clock.advance(timedelta(days=1))  # the outage: time passes, nothing runs
    local.wait(timedelta(0))  # back: what came due meanwhile goes out now
    (late,) = [r for r in local.workspace.look(member("ana")) if "F-1" in r.text]
    assert late.text == "Past due: F-1 due Jun 17, 2026 at 12:30 PM · call Maria back"
    assert (
        ":alarm_clock: Past due: F-1 · yesterday at 12:30 PM"
        in late.render(local.workspace.reader(member("ana"))).text
    )
    assert "Done" in late.render().text  # still hers to close


def test_a_wait_sends_each_reminder_at_its_time_as_a_running_bot_would(local):
    """Found by QA: `wait 2h` jumped the clock, so a promise due in 30 minutes got no "Coming
    up" and its only reminder said "Past due"."""
    local.workspace.command("ana", "/followup", "in 30m ping the warehouse")  # due 11:00 UTC
    local.wait(timedelta(hours=2))
    ana = local.workspace.reader(member("ana"))
    told = [r.render(ana).text for r in local.workspace.look(member("ana"))]
    assert [text.split(" · ")[0] for text in told] == [
        ":alarm_clock: Coming up: F-1",
        ":alarm_clock: Due now: F-1",
    ]
    assert "today at 12:00 PM" in told[1]  # 11:00 UTC, noon in London: sent at its time
    lee = [r.text for r in local.workspace.look(member("lee"))]  # an hour late: the lead's
    assert any("F-1" in text for text in lee)


def due_at(local: LocalSlack, number: int) -> str:
    return local.services.store.db.execute(
        "SELECT due_at FROM followups WHERE id = ?", [number]
    ).fetchone()[0]


def test_a_zone_the_rep_names_is_the_customers_clock_and_the_reply_gives_both_times(local):
    """Found by a QA play: "London time", "GMT" and "PST" were read as the start of the promise,
    and its time on the rep's own clock, hours off the time promised to the customer."""
    # Wednesday 17 June, 10:30 UTC: 06:30 for Ben in New York, 11:30 for Ana in London
    ben, ana = local.workspace.reader(member("ben")), local.workspace.reader(member("ana"))
    (saved,) = local.workspace.command("ben", "/followup", "tomorrow 10am London time call Maria")
    assert saved.render(ben).text == (
        "Follow-up F-1 saved: call Maria, due tomorrow at 10:00 AM London time (5:00 AM your "
        "time, outside your working hours: you'll be reminded then). I'll remind you before it "
        "is due."
    )
    assert due_at(local, 1) == "2026-06-18T09:00:00+00:00"  # 10:00 BST
    (saved,) = local.workspace.command("ben", "/followup", "4pm GMT call Tom")
    assert "F-2 saved: call Tom, due today at 4:00 PM GMT (12:00 PM your time)." in (
        saved.render(ben).text
    )
    assert due_at(local, 2) == "2026-06-17T16:00:00+00:00"
    # In June the Pacific coast keeps daylight time: said back as PDT, not the PST typed
    (saved,) = local.workspace.command("ana", "/followup", "tomorrow 10am PST call Tom")
    assert "F-3 saved: call Tom, due tomorrow at 10:00 AM PDT (6:00 PM your time, outside" in (
        saved.render(ana).text
    )
    assert due_at(local, 3) == "2026-06-18T17:00:00+00:00"
    (saved,) = local.workspace.command("ana", "/followup", "10am Europe/Paris tomorrow call Chloe")
    assert "call Chloe, due tomorrow at 10:00 AM Paris time (9:00 AM your time)." in (
        saved.render(ana).text
    )
    # A day that is another on the customer's clock is said with its weekday on both
    (saved,) = local.workspace.command("ana", "/followup", "fri 8am Sydney time call Jack")
    assert (
        "due Fri, Jun 19, 2026 at 8:00 AM Sydney time (tomorrow at 11:00 PM your time, outside"
        in (saved.render(ana).text)
    )
    # The zone of the rep's own clock needs no second time
    (saved,) = local.workspace.command("ana", "/followup", "tomorrow 3pm London time ring Sam")
    assert "ring Sam, due tomorrow at 3:00 PM. I'll remind" in saved.render(ana).text
    # Moved to a time in a zone, the reply says both too
    (moved,) = local.workspace.command("ana", "/followup", "snooze 3 tomorrow 1pm New York time")
    assert "F-3 snoozed: call Tom, now due tomorrow at 1:00 PM New York time (6:00 PM your " \
        "time, outside your working hours" in moved.render(ana).text  # fmt: skip
    # The reminder comes when it is due on the customer's clock: 5 am for Ben
    local.workspace.command("ben", "/followup", "done 2")
    local.wait(timedelta(hours=22, minutes=30))  # 09:00 UTC, 10:00 in London
    (due,) = [r for r in local.workspace.look(member("ben")) if "Due now" in r.text]
    assert ":alarm_clock: Due now: F-1 · Jun 18, 2026 at 10:00 AM London time (5:00 AM your " \
        "time) · call Maria" in due.render(local.workspace.reader(member("ben"))).text  # fmt: skip


def test_a_zoned_promise_keeps_the_customers_clock_in_its_list_reminders_alert_and_home(local):
    """The zone a rep named was kept only in the save reply: the list, the reminders, the lead's
    alert and Home gave the rep's clock alone, and the time agreed could not be read back."""
    ana, lee = local.workspace.reader(member("ana")), local.workspace.reader(member("lee"))
    local.workspace.command("ana", "/followup", "2pm New York time call Tom")  # 19:00 London
    listed = shown(local.workspace.command("ana", "/followup", "list"))
    assert "F-1 · Jun 17, 2026 at 2:00 PM New York time (7:00 PM your time) · call Tom" in listed
    (home,) = local.open_home(member("ana"))
    assert "F-1 · Jun 17, 2026 at 2:00 PM New York time (7:00 PM your time) · call Tom" in (
        home.render().text
    )
    # Moved on her own clock, it stays a promise on Tom's: both clocks still
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 tomorrow 4pm")
    assert "now due tomorrow at 11:00 AM New York time (4:00 PM your time)" in (
        moved.render(ana).text
    )
    listed = shown(local.workspace.command("ana", "/followup", "list"))
    assert "F-1 · Jun 18, 2026 at 11:00 AM New York time (4:00 PM your time) · call Tom" in (listed)
    local.wait(timedelta(hours=28, minutes=15))  # 15:45 in London on Thursday
    (coming,) = [r for r in local.workspace.look(member("ana")) if "Coming up" in r.text]
    assert ":alarm_clock: Coming up: F-1 · Jun 18, 2026 at 11:00 AM New York time (4:00 PM " \
        "your time) · call Tom" in coming.render(ana).text  # fmt: skip
    assert "due Jun 18, 2026 at 11:00 AM New York time (4:00 PM your time)" in coming.text
    local.wait(timedelta(minutes=15))
    (due,) = [r for r in local.workspace.look(member("ana")) if "Due now" in r.text]
    assert "Due now: F-1 · Jun 18, 2026 at 11:00 AM New York time (4:00 PM your time)" in (
        due.render(ana).text
    )
    local.wait(timedelta(hours=16))  # the lead hears of it in his working hours: 9 AM Berlin
    (alert,) = [r for r in local.workspace.look(member("lee")) if "Overdue" in r.text]
    assert "F-1 · Jun 18, 2026 at 11:00 AM New York time (5:00 PM your time) · call Tom" in (
        alert.render(lee).text
    )
    # A snooze with a button names no zone either; one that names a zone replaces it
    assert "New York time" in shown(local.workspace.click("ana", "Snooze 1h"))
    moved = local.workspace.command("ana", "/followup", "snooze 1 tomorrow 9am Paris time")
    assert "now due Sat, Jun 20, 2026 at 9:00 AM Paris time (8:00 AM your time, outside" in (
        moved[0].render(ana).text
    )
    # and the reminders sent before say it on both clocks, dated
    assert all("now due Jun 20, 2026 at 9:00 AM Paris time (8:00 AM your time)" in
               reminder.render(ana).text for reminder in moved[1:])  # fmt: skip
    listed = shown(local.workspace.command("ana", "/followup", "list"))
    assert "Paris time" in listed and "New York" not in listed


def test_a_zoned_promise_missed_and_moved_reads_on_both_clocks_on_its_case_card_and_packet(
    local,
):
    """Found by QA: its first due time ("first due today at 7:00 PM, missed"), the case card
    and the redirect packet gave a zoned promise on the reader's clock alone."""
    local.workspace.command("ana", "/case", "Tom Okafor, charged twice")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/followup", "2pm New York time call Tom back C-1001")
    local.wait(timedelta(hours=8))  # 7:30 PM in London: missed
    ana, ben = local.workspace.reader(member("ana")), local.workspace.reader(member("ben"))
    moved, *reminders = local.workspace.command("ana", "/followup", "snooze 1 tomorrow 4pm")
    first = "first due Jun 17, 2026 at 2:00 PM New York time (7:00 PM your time), missed"
    assert f"now due tomorrow at 11:00 AM New York time (4:00 PM your time) · {first}" in (
        moved.render(ana).text
    )
    assert first in moved.text  # the notification
    assert any(first in reminder.render(ana).text for reminder in reminders)  # its "Due now"
    (card,) = local.workspace.command("ana", "/case", "C-1001")
    assert "• F-1 · call Tom back · due Jun 18, 2026 at 11:00 AM New York time (tomorrow at " \
        "4:00 PM your time) · first due Jun 17, 2026 at 2:00 PM New York time (today at 7:00 " \
        "PM your time), missed" in card.render(ana).text  # fmt: skip
    replies = local.workspace.command("ana", "/redirect", "billing C-1001")
    (packet,) = [r for r in replies if r.channel == "C0BILLING1"]
    # a team's channel: each reader's own clock beside the customer's
    assert "due Jun 18, 2026 at 11:00 AM New York time (tomorrow at 11:00 AM your time)" in (
        packet.render(ben).text
    )
    assert "(Jun 18, 2026 at 3:00 PM UTC)" in packet.render().text  # where Slack cannot


def test_a_promise_in_a_named_zone_reads_alike_retyped_notified_refused_and_at_midnight(local):
    """Found by a QA play: typed again, a zoned promise was said on the rep's clock alone ("due
    tomorrow at 5:30 AM", which reads like a misparse); its notifications said "today" and
    "tomorrow" though read later; a time passed named "Etc/GMT-5" for "UTC+5"; and midnight on
    the rep's clock read as the night after."""
    # Wednesday 17 June, 10:30 UTC: 11:30 for Ana in London, 06:30 for Ben in New York
    ana = local.workspace.reader(member("ana"))
    local.workspace.command("ana", "/followup", "tomorrow 10am Kolkata time call Raj")
    (again,) = local.workspace.command("ana", "/followup", "tomorrow 10am Kolkata time call Raj")
    assert again.render(ana).text == (
        "That's F-1, saved just now: call Raj, due tomorrow at 10:00 AM Kolkata time (5:30 AM "
        "your time, outside your working hours: you'll be reminded then). Nothing new was saved."
    )
    assert again.text == (  # the phone, read later: the date
        "That's F-1, saved just now: call Raj, due Jun 18, 2026 at 10:00 AM Kolkata time (5:30 "
        "AM your time, outside your working hours: you'll be reminded then). Nothing new was saved."
    )
    (saved,) = local.workspace.command("ben", "/followup", "tomorrow 10am Sydney time call Jo")
    assert "due tomorrow at 10:00 AM Sydney time (today at 8:00 PM your time, outside" in (
        saved.render(local.workspace.reader(member("ben"))).text
    )
    assert (
        "due Jun 18, 2026 at 10:00 AM Sydney time (Jun 17, 2026 at 8:00 PM your time, outside"
        in (saved.text)
    )
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 today 10am PST")
    assert moved.text == (
        "F-1 snoozed: call Raj, now due Jun 17, 2026 at 10:00 AM PDT (6:00 PM your time, "
        "outside your working hours: you'll be reminded then)"
    )
    assert "now due today at 10:00 AM PDT (6:00 PM your time, outside" in moved.render(ana).text
    # A time passed, in the words a saved promise would use
    for typed, said in [("noon UTC+5", "12:00 PM UTC+5"), ("9am Kolkata time", "9:00 AM Kolkata "
                        "time"), ("6am EST", "6:00 AM EDT")]:  # fmt: skip
        reply = shown(local.workspace.command("ana", "/followup", f"{typed} call Priya"))
        assert reply.startswith(f"'{typed}' is Jun 17, 2026 at {said}, which has already passed.")
    # Midnight on the rep's clock is spelt out as the list spells it
    (nia,) = local.workspace.command("ana", "/followup", "tomorrow 7pm New York time call Nia")
    assert "due tomorrow at 7:00 PM New York time (Fri, Jun 19, 2026 at 12:00 AM your time, " \
        "midnight at the end of Thursday, outside your working hours: you'll be reminded " \
        "then)." in nia.render(ana).text  # fmt: skip
    (ola,) = local.workspace.command("ana", "/followup", "tomorrow 1am Berlin time call Ola")
    assert "due tomorrow at 1:00 AM Berlin time (12:00 AM your time, midnight at the end of " \
        "Wednesday, outside your working hours: you'll be reminded then)." \
        in ola.render(ana).text  # fmt: skip
    assert count(local, "followups") == 4


def test_a_zone_that_names_none_or_several_is_asked_about_and_nothing_stored(local):
    ist = shown(local.workspace.command("ben", "/followup", "tomorrow 10am IST call Priya"))
    assert ist == (
        "IST is the time in India, Ireland and Israel: which did you mean? Say the city, like "
        '"Kolkata time", "Dublin time" or "Jerusalem time".'
    )
    for typed, said in [("XYZ time", "'XYZ time'"), ("Mumbai time", "'Mumbai time'"),
                        ("XYZT", "'XYZT'"), ("Europe/Pariss", "'Europe/Pariss'")]:  # fmt: skip
        reply = shown(local.workspace.command("ben", "/followup", f"tomorrow 10am {typed} call"))
        forms = 'a city with "time" ("London time", "New York time"), an abbreviation'
        assert reply.startswith(f"I don't know the time zone {said}. Name it as {forms}")
    whose = shown(local.workspace.command("ana", "/followup", "4pm her time call Maria"))
    assert whose.startswith("Whose clock is 'her time'? Name the zone, as a city with \"time\"")
    assert count(local, "followups") == 0
    # Words that only look a little like a zone stay in the promise
    for promise in ["lunch time chat with Sam", "TEXT Maria the code", "central office call"]:
        saved = shown(local.workspace.command("ana", "/followup", f"tomorrow 10am {promise}"))
        assert f"saved: {promise}, due" in saved


def test_the_same_followup_typed_again_at_once_is_one_promise(local):
    """Found by a QA play: the same /followup sent twice made two promises, with two reminders
    and two overdue alerts. As with /case, the same rep typing it again within 5 minutes is the
    one saved."""
    local.workspace.command("ana", "/case", "Maria Lopez, refund")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/followup", "in 30m call Tom back")
    local.wait(timedelta(minutes=1))
    (again,) = local.workspace.command("ana", "/followup", "in 30m  Call tom back.")
    assert again.render(local.workspace.reader(member("ana"))).text == (
        "That's F-1, saved 1 minute ago: call Tom back, due today at 12:00 PM. Nothing new was "
        "saved."
    )

    def followup(who: str, text: str) -> str:
        return shown(local.workspace.command(who, "/followup", text))

    # Another case, another time or another rep: another promise
    assert "F-2 saved" in followup("ana", "in 30m call Tom back C-1001")
    assert "F-3 saved" in followup("ana", "tomorrow 10am call Tom back")
    assert "F-4 saved" in followup("ben", "in 30m call Tom back")
    assert "That's F-2" in followup("ana", "C-1001 in 30m call Tom back")
    # Kept, or typed again more than 5 minutes on, it is a new promise
    followup("ana", "done 3")
    assert "F-5 saved" in followup("ana", "tomorrow 10am call Tom back")
    local.wait(timedelta(minutes=6))
    assert "F-6 saved" in followup("ana", "tomorrow 10am call Tom back")
    local.wait(timedelta(hours=2))  # overdue: the lead hears of each of Ana's once
    alerts = "".join(
        json.dumps(json.loads(body)["blocks"]) for body in dms(local, LEE) if "Overdue" in body
    )
    assert alerts.count("F-1") == 1 and alerts.count("F-2") == 1


def test_a_due_day_past_tomorrow_is_said_with_its_weekday(local):
    """Found by a QA play: "next friday" on a Wednesday is this Friday, as the parser reads it,
    and the reply gave no weekday to show it. Every reply to the rep who gave the time now
    does, for any day but today and tomorrow."""
    # Wednesday 17 June 2026
    saved = shown(local.workspace.command("ana", "/followup", "next friday call Maria"))
    assert "F-1 saved: call Maria, due Fri, Jun 19, 2026 at 9:00 AM. I'll remind" in saved
    (saved,) = local.workspace.command("ana", "/followup", "tomorrow 10am call Tom")
    assert saved.text.endswith("due Jun 18, 2026 at 10:00 AM. I'll remind you before it is due.")
    # the list says it as the case card does, on the reader's clock as Slack shows it
    (listed,) = local.workspace.command("ana", "/followup", "list")
    ana = local.workspace.reader(member("ana"))
    assert "F-1 · Jun 19, 2026 at 9:00 AM · call Maria" in listed.render(ana).text
    moved = shown(local.workspace.command("ana", "/followup", "snooze 1 mon 10am"))
    assert "F-1 snoozed: call Maria, now due Mon, Jun 22, 2026 at 10:00 AM" in moved


def test_a_when_that_cannot_be_read_or_is_past_is_explained_and_nothing_stored(local):
    for text in ["someday maybe call her", "yesterday 10am call her"]:
        reply = shown(local.workspace.command("ana", "/followup", text))
        assert "Usage" not in reply and reply  # a sentence about what was understood
    far = shown(local.workspace.command("ana", "/followup", "in 5 years call back"))
    assert far.startswith("'in 5 years' is too far ahead: a follow-up is due within a year.")
    unit = shown(local.workspace.command("ana", "/followup", "in a bit call back"))
    assert unit.startswith("I couldn't read 'in a bit' as a time: after \"in\", say how long")
    assert count(local, "followups") == 0


def test_a_time_with_nothing_promised_or_an_unknown_team_is_named_back(local):
    reply = shown(local.workspace.command("ana", "/followup", "in 2h C-1001"))
    assert "What did you promise for in 2h?" in reply
    assert count(local, "followups") == 0
    replies = local.workspace.command("ana", "/redirect", "<!here> C-1001 help")
    assert "There is no team '<!here>'." in shown(replies)
    assert "Teams: billing (Billing)" in shown(replies)
    raw = json.dumps([r.blocks for r in replies])
    assert "&lt;!here&gt;" in raw and "<!here>" not in raw  # typed text, never a ping
    assert count(local, "redirects") == 0


@pytest.mark.over_http
def test_reminders_come_before_and_at_the_due_time_and_snooze_works(local):
    local.workspace.command("ana", "/followup", "in 1h send the replacement tracking number")
    local.wait(timedelta(minutes=50))
    assert any("Coming up" in body for body in dms(local, ANA))
    local.wait(timedelta(minutes=15))
    assert any("Due now" in body for body in dms(local, ANA))
    local.workspace.look(member("ana"))  # Ana reads her DMs
    snoozed = shown(local.workspace.click("ana", "Snooze 1h"))
    assert "snoozed" in snoozed
    before = len(dms(local, ANA))
    local.wait(timedelta(minutes=30))
    assert len(dms(local, ANA)) == before  # nothing until the new due time
    local.wait(timedelta(minutes=40))
    assert len(dms(local, ANA)) > before


def test_an_overdue_promise_goes_to_the_team_lead_once(local):
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.wait(timedelta(hours=4))
    local.wait(timedelta(hours=4))
    overdue = [body for body in dms(local, LEE) if "Overdue" in body]
    assert len(overdue) == 1


def test_every_notification_of_a_promise_says_when_before_what_and_the_lead_whose(local):
    """Found by QA: a long promise put its due time out of sight on a phone, and the lead's
    alert read "Overdue: F-1 call Tom, due ..." without saying whose promise it was."""
    local.workspace.command("ana", "/followup", "in 1h call Tom back")
    local.wait(timedelta(hours=2, minutes=1))
    ana = [r.text for r in local.workspace.look(member("ana")) if "F-1" in r.text]
    assert ana == [
        "Coming up: F-1 due Jun 17, 2026 at 12:30 PM · call Tom back",
        "Due now: F-1 due Jun 17, 2026 at 12:30 PM · call Tom back",
    ]
    (alert,) = [r for r in local.workspace.look(member("lee")) if "Overdue" in r.text]
    # on Lee's clock (Berlin), with Ana's name as Slack gave it, never her member id
    assert alert.text == (
        "Overdue by 1 hour, Ana Alves's: F-1 due Jun 17, 2026 at 1:30 PM · call Tom back"
    )
    assert ANA not in alert.text


def test_a_promise_longer_than_a_line_is_refused_with_how_to_say_it(local):
    """Found by QA: a promise of 1,200 characters was saved whole."""
    long = "call Tom back about the box, the refund and the courier " * 22  # 1,232 characters
    (refused,) = local.workspace.command("ana", "/followup", f"in 2h {long}")
    assert refused.text == (
        "A promise can be at most 300 characters, and this one has 1,231. Say it in a line "
        "(call Maria back about her refund) and add the details with /note on its case."
    )
    assert count(local, "followups") == 0
    (saved,) = local.workspace.command("ana", "/followup", f"in 2h {long[:300]}")
    assert saved.text.startswith("Follow-up F-1 saved: call Tom back")


def test_a_leads_overdue_alerts_show_what_became_of_each_promise_once(local):
    # Found playing the demo: kept or moved, a promise still read overdue in the lead's DM.
    local.workspace.command("ana", "/followup", "in 1h call Maria back")
    local.workspace.command("ana", "/followup", "in 1h send Tom his tracking number")
    local.wait(timedelta(hours=2))  # due at 12:30 in London; an hour later the lead hears
    (alerts,) = [r for r in local.workspace.look(member("lee")) if "overdue alerts" in r.text]
    # both in one message at 12:15 ("Coming up"), both in one at 12:30 ("Due now")
    _, reminders = local.workspace.look(member("ana"))
    # F-1 moved with a double click: Lee's alert of it says so, once; F-2's stays as it was
    local.workspace.click("ana", "Snooze tomorrow", where="DM", times=2)
    (moved,) = local.workspace.look(member("lee"))
    assert moved.edited and (moved.channel, moved.ts) == (alerts.channel, alerts.ts)
    lines = moved.render().text.splitlines()
    # 09:00 tomorrow for Ana in London is 10:00 for Lee in Berlin
    moved_at = "now due Jun 18, 2026 at 10:00 AM"
    missed = "first due Jun 17, 2026 at 1:30 PM, missed"  # snoozed late: not moved in time
    assert f"F-1 snoozed: call Maria back, {moved_at} · {missed} (owned by @{ANA})" in lines
    assert any(line.startswith(":warning: Overdue") and "F-2" in line for line in lines)
    # F-2 kept, typed: its alert says so too; nothing else changes
    local.workspace.command("ana", "/followup", "done 2")
    (kept,) = local.workspace.look(member("lee"))
    lines = kept.render().text.splitlines()
    assert f"F-2 done: send Tom his tracking number (owned by @{ANA})" in lines
    assert not [line for line in lines if "Overdue" in line]
    # Done clicked on her reminder as it was before: it says so, and the alert is left be
    local.client.block_actions(followup_click(local, ANA, "followup_done", reminders.ts, 2))
    local.fake.wait_for("response_url", lambda c: "already" in json.dumps(c.body))
    assert local.workspace.look(member("lee")) == []  # nothing new, not even the same again
    updates = [c for c in local.fake.calls_to("chat.update") if c.body["channel"] == alerts.channel]
    assert len(updates) == 2  # one for each change: the double click changed nothing twice


def test_an_alert_shows_the_latest_change_when_an_earlier_one_is_sent_again_after_it(local):
    local.workspace.command("ana", "/followup", "in 1h call Maria back")
    local.wait(timedelta(hours=2))  # Lee's overdue alert
    (alert,) = [r for r in local.workspace.look(member("lee")) if "Overdue" in r.text]
    local.workspace.look(member("ana"))
    # the snooze's edits of the alert and of her "Coming up": tried again
    local.fake.fail("chat.update", status=500, times=2)
    local.workspace.click("ana", "Snooze 1h", where="DM")
    local.workspace.command("ana", "/followup", "done 1")  # kept meanwhile
    local.wait(timedelta(minutes=5))  # the snooze's edit, due again, would come too late
    edits = [r for r in local.workspace.look(member("lee")) if r.ts == alert.ts]
    assert [r.render().text for r in edits] == [f"F-1 done: call Maria back (owned by @{ANA})"]


def test_a_reminder_that_fails_to_send_is_tried_again_and_arrives_once(local):
    local.workspace.command("ana", "/followup", "in 1h call back")
    local.fake.fail("chat.postMessage", status=500, times=2)  # the send and its first retry
    local.wait(timedelta(minutes=45))  # its "Coming up" is due now, and fails
    assert not [b for b in dms(local, ANA) if "Coming up" in b]
    local.wait(timedelta(minutes=1))  # tried again 2 seconds on (failing), 4 more on
    assert len([b for b in dms(local, ANA) if "Coming up" in b]) == 1
    local.wait(timedelta(minutes=20))
    assert len([b for b in dms(local, ANA) if "Coming up" in b]) == 1
    assert len([b for b in dms(local, ANA) if "Due now" in b]) == 1


def test_a_redirect_carries_the_case_and_the_customer_hears_what_happens_next(local):
    unknown = shown(local.workspace.command("ana", "/redirect", "marketing C-1001"))
    assert "Teams:" in unknown and "billing" in unknown
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/note", "C-1001 two charges of 24.99 on the 3rd")
    reply = shown(local.workspace.command("ana", "/redirect", "billing C-1001 please check"))
    assert "For the customer:" in reply
    packet = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0BILLING1")
    body = json.dumps(packet.body)
    assert "Maria Lopez" in body and "two charges of 24.99" in body and "Take it" in body
    again = shown(local.workspace.command("ana", "/redirect", "billing C-1001 again"))
    assert "C-1001 is already waiting for Billing: R-1 was sent by @" in again
    assert "2026-" not in again  # the time as the reader's clock shows it, not a stamp
    taken = shown(local.workspace.click("sam", "Take it"))
    assert f"Taken by @{SAM}" in taken or "Taken by" in taken
    again = local.services.store.db.execute("SELECT owner_id FROM cases").fetchone()
    assert again == (SAM,)


@pytest.mark.writes_content
def test_the_packet_shows_a_leads_faq_answer_as_they_wrote_it_and_the_reps_words_escaped(local):
    # Found playing the demo: the packet's FAQ answer read ∗Green box∗ where /faq shows it bold.
    local.workspace.command("ana", "/faq", "do you have vegan meals")
    local.workspace.command("lee", "/kb", "gaps")
    local.workspace.click("lee", "New entry")
    answer = (
        "Yes: our *Green box* is fully vegan, and your _next_ box can be one. <!channel> "
        + "Every recipe in it is made without meat, fish, eggs or dairy. " * 3
        + "*Each recipe card says so too*, so it is easy to check."
    )  # the packet shows some 300 characters of it: the cut falls inside the last bold
    local.workspace.fill("Answer", answer, "lee")
    local.workspace.submit("lee")
    local.workspace.command("ana", "/case", "Maria Lopez, wants *vegan* boxes")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/draft", "C-1001 Maria: do you have vegan meals")
    local.workspace.command("ana", "/redirect", "billing C-1001 *urgent* <!here>")
    packet = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0BILLING1")
    shown = json.dumps(packet.body["blocks"], ensure_ascii=False)
    assert (
        "• do you have vegan meals — Yes: our *Green box* is fully vegan, and your _next_ box "
        "can be one. &lt;!channel&gt; Every recipe"
    ) in shown  # as /faq shows it: bold and italics, and still no ping
    assert "or dairy.…" in shown and "*Each" not in shown  # cut before a bold, not inside
    assert "Topic: wants \u2217vegan\u2217 boxes" in shown  # what the rep typed stays escaped
    assert "Rep's note: \u2217urgent\u2217 &lt;!here&gt;" in shown
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert packet.body["text"] == "C-1001 redirected to Billing"  # plain words, no marks


def test_the_packet_gives_the_customers_words_only_when_it_has_them(local):
    """Found by a new-user QA play: the packet said "In the customer's words:" before the
    topic the rep typed in /case. The topic is the rep's; the customer's words are those a
    draft was written for."""
    local.workspace.command("ana", "/case", "Maria Lopez, box arrived damaged")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/redirect", "returns C-1001 please check")
    packet = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0RETURNS1")
    shown = render_message(packet.body["text"], packet.body["blocks"]).text
    assert "Topic: box arrived damaged" in shown
    assert "customer's words" not in shown
    local.workspace.click("sam", "Take it")
    local.workspace.command("ana", "/draft", "C-1001 Maria: the eggs were all broken!!")
    local.workspace.command("ana", "/redirect", "billing C-1001 refund the eggs")
    packet = local.fake.wait_for("chat.postMessage", lambda c: c.body["channel"] == "C0BILLING1")
    shown = render_message(packet.body["text"], packet.body["blocks"]).text
    assert "Topic: box arrived damaged" in shown
    assert "In the customer's words: the eggs were all broken!!" in shown


def test_an_unclaimed_redirect_reminds_the_rep_and_the_team_lead(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/redirect", "billing C-1001")
    local.wait(timedelta(hours=3))
    assert any("Nobody in Billing has taken C-1001" in body for body in dms(local, ANA))
    assert any("Nobody in Billing has taken C-1001" in body for body in dms(local, LEE))


def test_the_home_tab_shows_a_reps_desk_and_a_leads_queues(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/followup", "tomorrow 10am call Maria C-1001")
    (home,) = local.open_home(member("ana"))
    text = home.render().text
    # the follow-up line /followup list shows, its case too
    listed = shown(local.workspace.command("ana", "/followup", "list"))
    (line,) = [line for line in listed.splitlines() if "F-1 ·" in line]
    assert "C-1001" in line and line.lstrip("• ") in text
    assert "Open follow-ups" in text and "call Maria" in text and "C-1001" in text
    assert "1 contact" in text and "1 contacts" not in text
    assert "Approval queue" not in text
    (lead_home,) = local.open_home(member("lee"))
    assert "Approval queue" in lead_home.render().text


def test_seniors_and_leads_see_the_requests_each_may_decide(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    for amount in ("45", "120"):  # a senior may refund up to 75 at once, a lead up to 200
        local.workspace.command("ana", "/solve", "C-1001")
        local.workspace.fill("Solution", "Refund", "ana")
        local.workspace.fill("Amount (GBP), where it applies", amount, "ana")
        local.workspace.fill("Reason", "charged twice", "ana")
        local.workspace.submit("ana")
    senior = local.open_home(member("sam"))[0].render().text
    assert "Refund £45.00 on C-1001" in senior and "£120.00" not in senior
    lead = local.open_home(member("lee"))[0].render().text
    assert "Refund £45.00 on C-1001" in lead and "Refund £120.00 on C-1001" in lead
    assert "Approval queue" not in local.open_home(member("ana"))[0].render().text


def test_a_promise_already_kept_names_the_person_and_the_time_as_slack_shows_them(local):
    local.workspace.command("ana", "/followup", "in 2h call Maria back")
    local.workspace.command("ana", "/followup", "done F-1")
    (reply,) = local.workspace.command("lee", "/followup", "done F-1")
    section = reply.blocks[0]["text"]["text"]
    assert section.startswith(f"F-1 was already done by <@{ANA}> <!date^")
    # what a phone shows: words only, no member id and no raw timestamp; the time on Lee's
    # clock (Berlin), as his Slack shows it in the message
    assert reply.text == "F-1 was already done on Jun 17, 2026 at 12:30 PM."
    assert reply.render(local.workspace.reader(member("lee"))).text.endswith("today at 12:30 PM.")


def test_a_refusal_shows_the_command_it_names_as_code_and_the_phone_the_plain_words(local):
    # Found playing the demo: the bot's own backticks were escaped as a customer's would be.
    (reply,) = local.workspace.command("ana", "/followup", "done 99")
    assert reply.blocks[0]["text"]["text"] == (
        "There is no follow-up F-99. `/followup list` shows yours."
    )
    assert reply.text == "There is no follow-up F-99. /followup list shows yours."
    assert "\u02cb" not in json.dumps(reply.blocks) + reply.text


def test_someone_elses_promise_names_its_owner_as_slack_shows_a_person(local):
    local.workspace.command("ana", "/followup", "in 2h call Maria back")
    (reply,) = local.workspace.command("ben", "/followup", "done F-1")
    section = reply.blocks[0]["text"]["text"]
    assert section == f"Only its owner or a lead can change F-1: it was promised by <@{ANA}>."
    assert reply.text == "Only its owner or a lead can change F-1: it was promised."  # no raw id
    assert count(local, "followups WHERE status = 'open'") == 1


def test_a_promise_kept_by_typing_shows_on_its_reminder_and_a_click_from_before_says_so(local):
    local.workspace.command("ana", "/followup", "in 1h call Maria back")
    local.wait(timedelta(hours=1))  # its reminders reach Ana's DMs with their buttons
    coming, reminder = [r for r in local.workspace.look(member("ana")) if r.elements]
    replies = local.workspace.command("ana", "/followup", "done F-1")  # she kept it, typing
    edited = [r for r in replies if r.edited]
    assert {(r.channel, r.ts) for r in edited} == {
        (coming.channel, coming.ts),
        (reminder.channel, reminder.ts),
    }
    for shown_now in edited:
        assert shown_now.render().text == "F-1 done: call Maria back" and not shown_now.elements
    # Snooze 1h clicked on the reminder as it was before the edit reached her screen
    local.client.block_actions(followup_click(local, ANA, "followup_snooze_hour", reminder.ts))
    told = local.fake.wait_for("response_url", lambda c: "already" in json.dumps(c.body))
    assert told.body["text"] == "F-1 was already done on Jun 17, 2026 at 12:30 PM."  # London
    shown_done = local.fake.calls_to("response_url")[-2].body  # the reminder, as it is now
    assert shown_done["replace_original"] and shown_done["text"] == "F-1 done: call Maria back"
    assert count(local, "followups WHERE status = 'done'") == 1


def followup_click(
    local: LocalSlack, user_id: str, action_id: str, message_ts: str, number: int = 1
) -> dict:
    return {
        "type": "block_actions", "user": {"id": user_id}, "trigger_id": f"7.{user_id}.x",
        "response_url": local.fake.response_url(),
        "container": {"type": "message", "message_ts": message_ts},
        "actions": [{"type": "button", "action_id": action_id, "value": str(number),
                     "block_id": f"followup:{number}", "action_ts": f"{time.time():.6f}"}],
    }  # fmt: skip


def test_every_reminder_of_a_promise_snoozed_twice_shows_its_latest_due_time(local):
    local.workspace.command("ana", "/followup", "in 1h call Margaret back")
    local.wait(timedelta(hours=1))  # 12:15 in London: coming up; 12:30: due now
    coming, due = local.workspace.look(member("ana"))
    first, coming_now = local.workspace.click("ana", "Snooze 1h", where="DM")
    assert (first.ts, coming_now.ts) == (due.ts, coming.ts)  # the one clicked, then the other
    for reply in (first, coming_now):
        snoozed = "F-1 snoozed: call Margaret back, now due Jun 17, 2026 at 1:30 PM"
        assert reply.render().text == snoozed
    local.wait(timedelta(minutes=50))  # 13:20: coming up, a reminder of its own
    (second,) = [r for r in local.workspace.look(member("ana")) if r.elements]
    replies = local.workspace.click("ana", "Snooze tomorrow", where="DM")
    edited = {r.ts: r.render().text for r in replies if r.edited}
    later = "F-1 snoozed: call Margaret back, now due Jun 18, 2026 at 9:00 AM"
    # the first two said 13:30 until now
    assert edited == {coming.ts: later, first.ts: later, second.ts: later}
    updates = local.fake.calls_to("chat.update")
    # the one clicked is replaced by its click's reply alone; each click edits the others
    assert len(updates) == 3
    replies = local.workspace.command("ana", "/followup", "snooze 1 in 2h")  # typed, the same
    edited = {r.ts: r.render().text for r in replies if r.edited}
    latest = "F-1 snoozed: call Margaret back, now due Jun 17, 2026 at 3:20 PM"
    assert edited == {coming.ts: latest, first.ts: latest, second.ts: latest}


def test_a_redirect_nobody_took_names_the_team_as_people_call_it(local):
    local.workspace.command("ana", "/case", "Maria Lopez, app crashes")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/redirect", "technical C-1001")  # the team is "App support"
    local.wait(timedelta(hours=3))
    for user_id in (ANA, LEE):
        told = [body for body in dms(local, user_id) if "Nobody" in body]
        assert told and all("Nobody in App support has taken C-1001 yet" in b for b in told)
        assert not [body for body in told if "technical" in body]
    (lead_home,) = [r for r in local.open_home(member("lee")) if r.kind == "home"]
    text = lead_home.render().text
    assert "C-1001 to App support since" in text and "technical" not in text


def test_a_promise_is_snoozed_by_typing_when_it_is_due_now(local):
    local.workspace.command("ana", "/followup", "in 1h call Maria back")
    moved = shown(local.workspace.command("ana", "/followup", "snooze F-1 tomorrow 10am"))
    # Ana is in London
    assert "F-1 snoozed: call Maria back, now due Jun 18, 2026 at 10:00 AM" in moved
    due = local.services.store.db.execute("SELECT due_at FROM followups").fetchone()[0]
    assert due.startswith("2026-06-18T09:00")  # 10:00 in London in June is 09:00 UTC
    for typed in ("snooze", "snooze tomorrow", "done", "done it"):  # which one?
        said = shown(local.workspace.command("ana", "/followup", typed))
        assert said.startswith("Which follow-up? Give its number after "), typed
        assert "/followup list shows yours with their numbers." in said
    said = shown(local.workspace.command("ana", "/followup", "snooze 1"))  # until when?
    assert said == (
        "Snooze F-1 until when? Add the time after its number, like /followup snooze 1 "
        "tomorrow 10am or /followup snooze 1 in 1h."
    )
    said = shown(local.workspace.command("ana", "/followup", "snooze 1 someday"))
    assert "I couldn't read 'someday' as a time." in said
    refused = shown(local.workspace.command("ben", "/followup", "snooze 1 in 2h"))
    assert "Only its owner or a lead can change F-1" in refused


def test_a_team_is_named_by_its_name_of_two_words_as_the_usage_shows_it(local):
    local.workspace.command("ana", "/case", "Maria Lopez, app crashes")
    local.workspace.click("ana", "Create")  # a new customer
    sent = shown(local.workspace.command("ana", "/redirect", "App support C-1001 crashes at login"))
    assert "C-1001 sent to App support" in sent
    note = local.services.store.db.execute("SELECT team_id, note FROM redirects").fetchone()
    assert tuple(note) == ("technical", "crashes at login")
    unknown = shown(local.workspace.command("ana", "/redirect", "Space team C-1001 hi"))
    assert "There is no team 'Space team'." in unknown


def test_a_misspelt_team_is_answered_with_the_team_meant_and_the_teams_there_are(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    (typo,) = local.workspace.command("ana", "/redirect", "biling C-1001 charged twice")
    assert typo.render().text.startswith("There is no team 'biling'. Did you mean billing? Usage:")
    assert "Teams: billing (Billing), deliveries (Deliveries), returns (Returns)" in typo.text
    (named,) = local.workspace.command("ana", "/redirect", "customer C-1001 wants to cancel")
    assert "Did you mean retention (Customer care)?" in named.text  # the id, and who that is
    (far,) = local.workspace.command("ana", "/redirect", "legal C-1001 a lawyer wrote")
    assert "There is no team 'legal'. Usage:" in far.text  # nothing close: no guess
    assert count(local, "redirects") == 0


def test_a_redirect_written_case_first_is_sent_and_one_without_a_team_asks_which(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    (alone,) = local.workspace.command("ana", "/redirect", "C-1001 she was charged twice")
    assert alone.render().text.startswith("Which team should C-1001 go to? Usage: /redirect <team>")
    (typo,) = local.workspace.command("ana", "/redirect", "C-1001 biling charged twice")
    assert typo.text.startswith("There is no team 'biling'. Did you mean billing?")
    assert count(local, "redirects") == 0
    sent = shown(
        local.workspace.command("ana", "/redirect", "C-1001 customer care wants to cancel")
    )
    assert "C-1001 sent to Customer care" in sent
    (note,) = local.services.store.db.execute("SELECT note FROM redirects").fetchone()
    assert note == "wants to cancel"


def test_the_rep_who_sent_a_redirect_cannot_take_it_as_the_new_team(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/redirect", "billing C-1001 two charges")
    refused = shown(local.workspace.click("ana", "Take it", where="#billing"))
    assert "You sent C-1001 to this team yourself" in refused
    assert not [body for body in dms(local, ANA) if "taken by its new team" in body]
    row = local.services.store.db.execute("SELECT status FROM redirects").fetchone()
    assert tuple(row) == ("waiting",)
    assert "Taken by" in shown(local.workspace.click("sam", "Take it", where="#billing"))


def test_a_case_sent_on_by_someone_else_names_its_owner_who_hears_what_becomes_of_it(local):
    """Found by a QA play: Ana sent on C-1001, which Sam had taken from Billing, and read "You
    own it until they take it."; Sam was not told, nor when Ben took it (only Ana was)."""
    local.workspace.command("ana", "/case", "Maria Lopez, box arrived damaged")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/redirect", "billing C-1001 two charges")
    local.workspace.click("sam", "Take it", where="#billing")  # Sam's case now
    replies = local.workspace.command("ana", "/redirect", "deliveries C-1001 courier part")
    (sent,) = [reply for reply in replies if reply.text.startswith("C-1001 sent")]
    text = sent.render().text
    assert f"C-1001 sent to Deliveries with its whole history. @{SAM} owns it until they " in text
    assert "You own" not in text
    assert sent.text.startswith(  # what a phone shows: words, no member id
        "C-1001 sent to Deliveries with its whole history. Its owner keeps it until they take it."
    )
    local.settle()
    (notice,) = [json.loads(body) for body in dms(local, SAM) if "sent your case" in body]
    assert notice["text"] == (
        "Your case C-1001 was sent to Deliveries with its whole history; it stays yours until "
        "they take it."
    )
    assert render_message(notice["text"], notice["blocks"]).text == (
        f"@{ANA} sent your case C-1001 to Deliveries with its whole history; it stays yours "
        "until they take it."
    )
    refused = shown(local.workspace.click("ana", "Take it", where="#deliveries"))
    assert "someone in the team takes it, and it stays its owner's until then." in refused
    local.wait(timedelta(hours=3))  # nobody took it: the owner hears it too
    for user_id in (SAM, ANA):
        assert [body for body in dms(local, user_id) if "Nobody in Deliveries has taken" in body]
    local.workspace.click("ben", "Take it", where="#deliveries")
    local.settle()
    for user_id in (SAM, ANA):
        (taken,) = [json.loads(body) for body in dms(local, user_id)
                    if "C-1001 was taken by Deliveries" in body]  # fmt: skip
        assert taken["text"] == "C-1001 was taken by Deliveries; it is theirs now."
        shown_taken = render_message(taken["text"], taken["blocks"]).text
        assert shown_taken.startswith(f"C-1001 was taken by Deliveries (@{BEN})")
    assert not [body for body in dms(local, BEN) if "was taken" in body]


def test_snooze_tomorrow_on_a_friday_moves_a_promise_to_monday_when_work_starts(local):
    local.wait(timedelta(days=2))  # Friday 19 June, 11:30 in London
    local.workspace.command("ana", "/followup", "in 30m call Tom back")
    local.wait(timedelta(minutes=30))  # the reminder, with its buttons
    local.workspace.look(member("ana"))
    moved = shown(local.workspace.click("ana", "Snooze tomorrow", where="DM"))
    assert "F-1 snoozed: call Tom back, now due Mon, Jun 22, 2026 at 9:00 AM" in moved  # not Sat
    due = local.services.store.db.execute("SELECT due_at FROM followups").fetchone()[0]
    assert due.startswith("2026-06-22T08:00")  # 09:00 in London in June


def test_tonight_is_the_end_of_the_working_day_or_the_evening_hour_given(local):
    # Wednesday 17 June, 10:30 UTC: 11:30 in London, where Ana works 09:00 to 17:00
    (eod,) = local.workspace.command("ana", "/followup", "tonight call Maria back")
    assert "F-1 saved: call Maria back, due Jun 17, 2026 at 5:00 PM" in eod.render().text
    (evening,) = local.workspace.command("ana", "/followup", "tonight 7 send Tom 3 boxes")
    assert "F-2 saved: send Tom 3 boxes, due Jun 17, 2026 at 7:00 PM" in evening.render().text
    (count_,) = local.workspace.command("ana", "/followup", "tonight 3 boxes to Tom")
    assert "F-3 saved: 3 boxes to Tom, due Jun 17, 2026 at 5:00 PM" in count_.render().text


def test_end_of_day_on_a_weekend_is_the_end_of_the_next_working_day_said_with_its_weekday(
    local,
):
    """Found by QA: "eod" typed on a Saturday was due that Saturday at 5 PM, when nobody works."""
    local.clock.advance(timedelta(days=3))  # Saturday 20 June, 11:30 in London
    ana = local.workspace.reader(member("ana"))
    for n, said in enumerate(["eod", "cob", "close of business"], start=1):
        (reply,) = local.workspace.command("ana", "/followup", f"{said} call Tom {n}")
        assert (
            "due Mon, Jun 22, 2026 at 5:00 PM, as today is not a working day. I'll"
            in reply.render(ana).text
        )
    # Found by QA too: a day named with it, which the floor does not work, moves the same way
    for said, what in (("cob tomorrow", "call Tom again"), ("tomorrow eod", "email Tom")):
        (reply,) = local.workspace.command("ana", "/followup", f"{said} {what}")
        assert (
            "due Mon, Jun 22, 2026 at 5:00 PM, as tomorrow is not a working day. I'll"
            in reply.render(ana).text
        )
    # a time: as typed, with its weekday, as it is a day off
    (reply,) = local.workspace.command("ana", "/followup", "sunday 3pm call Tom at home")
    assert "due Sun, Jun 21, 2026 at 3:00 PM (outside your working hours: you'll be reminded " \
        "then). I'll" in reply.render(ana).text  # fmt: skip
    local.clock.advance(timedelta(days=1))  # Sunday: Monday is tomorrow, said with its weekday
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 end of the day")
    assert "now due Mon, Jun 22, 2026 at 5:00 PM" in moved.render(ana).text
    (zoned,) = local.workspace.command("ana", "/followup", "eod New York time call Sam")
    assert "due Mon, Jun 22, 2026 at 5:00 PM New York time (10:00 PM your time, outside" in (
        zoned.text
    )


def test_a_morning_promised_on_a_friday_is_mondays_opening_said_with_why(local):
    """Found by QA: "tomorrow morning" typed on a Friday was due Saturday 9:00 AM, when the
    floor does not work, said only as "tomorrow at 9:00 AM"."""
    local.clock.advance(timedelta(days=2))  # Friday 19 June, 11:30 in London
    ana = local.workspace.reader(member("ana"))
    monday = "due Mon, Jun 22, 2026 at 9:00 AM, as tomorrow is not a working day. I'll"
    for n, said in enumerate(["tomorrow morning", "first thing tomorrow"], start=1):
        (reply,) = local.workspace.command("ana", "/followup", f"{said} call Tom {n}")
        assert monday in reply.render(ana).text, said
        assert monday in reply.text, said  # the notification too
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 tomorrow morning")
    assert "now due Mon, Jun 22, 2026 at 9:00 AM, as tomorrow is not a working day" in (
        moved.render(ana).text
    )
    # and its night, the end of the working day, as "tomorrow eod" is (found by QA too)
    (night,) = local.workspace.command("ana", "/followup", "tomorrow night call Ed")
    assert "due Mon, Jun 22, 2026 at 5:00 PM, as tomorrow is not a working day. I'll" in (
        night.render(ana).text
    )
    # a clock time on a day off stays as said, with the weekday named
    (sat,) = local.workspace.command("ana", "/followup", "saturday 10am email Sam")
    assert "due Sat, Jun 20, 2026 at 10:00 AM (outside your working hours: you'll be reminded " \
        "then). I'll" in sat.render(ana).text  # fmt: skip


def test_end_of_day_after_closing_is_the_end_of_the_next_working_day_on_the_reps_clock(local):
    """Found by a rep: "eod" typed at 6:30 pm on a Wednesday was refused as a time passed."""
    local.clock.advance(timedelta(hours=7))  # Wednesday 17 June, 18:30 in London, 13:30 in NY
    ana = local.workspace.reader(member("ana"))
    for n, said in enumerate(["eod", "cob", "close of business"], start=1):
        (reply,) = local.workspace.command("ana", "/followup", f"{said} call Tom {n}")
        assert (
            "due Thu, Jun 18, 2026 at 5:00 PM, as today's end of day passed at 5:00 PM. I'll"
            in reply.render(ana).text
        ), said
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 end of the day")
    assert moved.text.endswith(
        "now due Thu, Jun 18, 2026 at 5:00 PM, as today's end of day passed at 5:00 PM"
    )
    (refused,) = local.workspace.command("ana", "/followup", "today 3pm call Tom back")
    assert "'today 3pm' is Jun 17, 2026 at 3:00 PM London time, which has already passed" in (
        refused.text
    )
    # Ben works in New York, where it is early afternoon: today's end of day, as said
    ben = local.workspace.reader(member("ben"))
    (today,) = local.workspace.command("ben", "/followup", "eod call Maria")
    assert "due today at 5:00 PM. I'll" in today.render(ben).text
    local.clock.advance(timedelta(hours=5))  # 18:30 in New York
    (later,) = local.workspace.command("ben", "/followup", "eod call Maria again")
    assert (
        "due Thu, Jun 18, 2026 at 5:00 PM, as today's end of day passed at 5:00 PM. I'll"
        in later.render(ben).text
    )
    # on the customer's clock where Ana names it, with its day's name: hers is nearly over
    (zoned,) = local.workspace.command("ana", "/followup", "eod New York time call Sam")
    assert zoned.text.startswith(
        "Follow-up F-6 saved: call Sam, due Thu, Jun 18, 2026 at 5:00 PM New York time (10:00 PM "
        "your time, outside your working hours: you'll be reminded then), as Wednesday's end of "
        "day passed at 5:00 PM New York time. I'll"
    )
    # the weekend's move says only its weekday: no working day ended
    local.clock.advance(timedelta(days=3))  # Saturday 20 June, 23:30 in London
    (weekend,) = local.workspace.command("ana", "/followup", "eod call Tom back")
    assert (
        "due Mon, Jun 22, 2026 at 5:00 PM, as today is not a working day. I'll"
        in weekend.render(ana).text
    )


def test_a_number_after_the_day_is_the_hour_the_rep_meant_and_the_promise_keeps_its_own(local):
    (reply,) = local.workspace.command("ana", "/followup", "tomorrow 9 call back about order 9")
    assert reply.text.startswith("Follow-up F-1 saved: call back about order 9, due Jun 18, 2026")
    assert "F-1 saved: call back about order 9, due Jun 18, 2026 at 9:00 AM" in reply.render().text


def test_the_case_card_and_its_packet_list_the_same_promises_a_used_draft_by_its_promise(local):
    """Found by QA: /case showed no Promises for a /followup on the case, and for a draft used
    on it the whole draft ("Hi Margaret, I'm sorry…") as the promise."""
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/followup", "tomorrow 10am call Maria back C-1001")
    local.workspace.command("ana", "/draft", "C-1001 Maria: I was charged twice for my box!!")
    (used,) = local.workspace.click("ana", "Use this")
    assert used.render().text.splitlines()[-1] == (
        "Logged as sent. Its promise is follow-up F-2: I'll confirm the refund and send you its "
        "reference · C-1001, due Jun 17, 2026 at 4:00 PM. I'll remind you before it is due."
    )
    promises = [  # the soonest due first
        "*Promises*",
        "• F-2 · I'll confirm the refund and send you its reference · due Jun 17, 2026 at 3:00 "
        "PM UTC",
        "• F-1 · call Maria back · due Jun 18, 2026 at 9:00 AM UTC",  # 10:00 in London
    ]
    (card,) = local.workspace.command("ana", "/case", "C-1001")
    lines = card.render().text.splitlines()
    assert lines[lines.index("*Promises*") :][:3] == promises
    assert "Hi Maria" not in card.render().text
    replies = local.workspace.command("ana", "/redirect", "billing C-1001")
    (packet,) = [r for r in replies if r.channel == "C0BILLING1"]
    lines = packet.render().text.splitlines()
    assert lines[lines.index("*Promises*") :][:3] == promises
    # the draft's promise is reminded like any other, at its time
    local.wait(timedelta(hours=4, minutes=30))  # 15:00 UTC, its time
    seen = shown(local.workspace.look("ana")).splitlines()
    assert any(line.startswith(":alarm_clock: Due now: F-2 ·") and "I'll confirm the refund" in line
               for line in seen)  # fmt: skip


def test_a_case_waits_for_one_team_at_a_time_and_its_taker_is_named_with_the_team(local):
    """Found by QA: /redirect deliveries on a case still waiting for Billing made a second
    handoff; two cases taken gave two identical "taken by its new team" DMs."""
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/redirect", "billing C-1001")
    (refused,) = local.workspace.command("ana", "/redirect", "deliveries C-1001 box late too")
    assert refused.render().text.startswith(
        "C-1001 is already waiting for Billing to take it, so nothing was sent to Deliveries: a "
        "case goes to one team at a time. Once Billing has taken it, it can be sent on with "
        f"`/redirect deliveries C-1001`. R-1 was sent by @{ANA} "
    )
    assert count(local, "redirects") == 1
    local.workspace.command("ana", "/case", "Tom Okafor, box late")
    local.workspace.click("ana", "Create")  # C-1002
    local.workspace.command("ana", "/redirect", "deliveries C-1002")
    local.workspace.click("sam", "Take it", where="#billing")
    local.workspace.click("sam", "Take it", where="#deliveries")
    local.settle()
    taken = [json.loads(body)["text"] for body in dms(local, ANA) if "was taken" in body]
    assert taken == [
        "C-1001 was taken by Billing; it is theirs now.",
        "C-1002 was taken by Deliveries; it is theirs now.",
    ]
    assert f"C-1001 was taken by Billing (<@{SAM}>)" in [b for b in dms(local, ANA)
                                                         if "C-1001 was" in b][0]  # fmt: skip
    # taken, it can go on to another team
    again = shown(local.workspace.command("sam", "/redirect", "deliveries C-1001"))
    assert "C-1001 sent to Deliveries" in again


def test_midnight_is_the_one_that_ends_the_day_named_and_the_rep_sees_which(local):
    # Wednesday 17 June, 11:30 in London. Found by a rep: "tomorrow midnight" was saved at
    # 9:00 AM with "midnight" left in the promise, and "midnight" alone was refused.
    local.workspace.command("ana", "/case", "Maria Lopez, refund")
    local.workspace.click("ana", "Create")  # C-1001
    (saved,) = local.workspace.command("ana", "/followup", "C-1001 tomorrow midnight call back")
    said = (
        "Follow-up F-1 saved: call back · C-1001, due Fri, Jun 19, 2026 at 12:00 AM (midnight at "
        "the end of Thursday, outside your working hours: you'll be reminded then). I'll remind "
        "you before it is due."
    )
    assert saved.text == said  # the phone
    assert said in saved.render(local.workspace.reader(member("ana"))).text
    (tonight,) = local.workspace.command("ana", "/followup", "midnight call Tom back")
    assert "call Tom back, due Thu, Jun 18, 2026 at 12:00 AM (midnight at the end of Wed" in (
        tonight.text
    )
    (moved,) = local.workspace.command("ana", "/followup", "snooze 2 friday midnight")
    assert moved.text == (
        "F-2 snoozed: call Tom back, now due Sat, Jun 20, 2026 at 12:00 AM (midnight at the end "
        "of Friday, outside your working hours: you'll be reminded then)"
    )
    # the list, the desk and the reminders say which night too, not "tomorrow at 12:00 AM"
    (listed,) = local.workspace.command("ana", "/followup", "list")
    assert (
        "F-2 · Sat, Jun 20, 2026 at 12:00 AM (midnight at the end of Friday)"
        in listed.render(local.workspace.reader(member("ana"))).text
    )
    local.wait(timedelta(days=1, hours=12, minutes=30))  # Friday 00:00 in London
    (due,) = [r for r in local.workspace.look(member("ana")) if "Due now" in r.text]
    assert due.text == (
        "Due now: F-1 due Fri, Jun 19, 2026 at 12:00 AM (midnight at the end of Thursday) · "
        "call back"
    )


def test_the_leads_overdue_alert_waits_for_the_leads_working_hours(local):
    """Found by QA: Lee (Berlin) was sent an overdue alert at 23:30 his time."""
    local.wait(timedelta(hours=8))  # 18:30 UTC: 19:30 in London, 20:30 in Berlin
    local.workspace.command("ana", "/followup", "in 1h call Tom back")
    local.wait(timedelta(hours=4))  # past midnight in Berlin
    assert not [r for r in local.workspace.look(member("lee")) if "Overdue" in r.text]
    local.wait(timedelta(hours=10))  # 08:30 UTC: 10:30 in Berlin
    (alert,) = [r for r in local.workspace.look(member("lee")) if "Overdue" in r.text]
    assert alert.text.startswith("Overdue by 11 hours 30 minutes, Ana Alves's: F-1"), alert.text


def test_an_unclaimed_redirect_in_the_evening_reminds_the_lead_in_the_morning(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    local.wait(timedelta(hours=8))  # 18:30 UTC: 20:30 in Berlin
    local.workspace.command("ana", "/redirect", "billing C-1001")
    local.wait(timedelta(hours=4))
    assert not any("Nobody in Billing has taken C-1001" in body for body in dms(local, LEE))
    local.wait(timedelta(hours=10))  # 10:30 in Berlin
    assert any("Nobody in Billing has taken C-1001" in body for body in dms(local, LEE))


def test_a_snooze_to_a_time_outside_the_owners_working_hours_says_so_as_a_save_does(local):
    """Found by QA: a promise saved for 6 am said "outside your working hours", one snoozed to
    6 am, typed or with the Snooze 1h button at 4:30 PM on a Friday, said nothing."""
    ana, ben = local.workspace.reader(member("ana")), local.workspace.reader(member("ben"))
    out = "outside your working hours: you'll be reminded then"
    local.workspace.command("ana", "/followup", "tomorrow 10am call Maria")
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 tomorrow 6am")
    assert moved.render(ana).text == (
        f"F-1 snoozed: call Maria, now due tomorrow at 6:00 AM ({out})"
    )
    assert f"({out})" in moved.text  # the notification too
    # a promise on the customer's clock: the note joins the rep's own time
    local.workspace.command("ben", "/followup", "tomorrow 10am London time call Tom")
    (moved,) = local.workspace.command("ben", "/followup", "snooze 2 tomorrow 3am")
    assert moved.render(ben).text == (
        f"F-2 snoozed: call Tom, now due tomorrow at 8:00 AM London time (3:00 AM your time, {out})"
    )
    # a time inside them says nothing of it
    (moved,) = local.workspace.command("ana", "/followup", "snooze 1 tomorrow 11am")
    assert out not in moved.render(ana).text
    local.clock.advance(timedelta(days=2, hours=5))  # Friday 19 June, 4:30 PM in London
    local.workspace.command("ana", "/followup", "list")
    (clicked, *_) = local.workspace.click("ana", "Snooze 1h")
    ana = local.workspace.reader(member("ana"))  # read now
    assert f"F-1 snoozed: call Maria, now due today at 5:30 PM ({out})" in clicked.render(ana).text


def test_a_listed_promise_says_its_times_in_one_style_as_its_case_card_does(local):
    """Found by QA: /followup list read "F-3 · Wed, Dec 2, 2026 at 11:00 PM *overdue* · first
    due yesterday at 8:20 PM, missed", two styles on a line, where the case card read "due
    yesterday at 11:00 PM"."""
    local.workspace.command("ana", "/case", "Maria Lopez, refund")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/followup", "in 1h call Maria back C-1001")  # 12:30 London
    local.clock.advance(timedelta(hours=2))
    local.workspace.command("ana", "/followup", "snooze 1 today 3pm")  # missed: snoozed late
    local.clock.advance(timedelta(days=1))
    ana = local.workspace.reader(member("ana"))
    (listed,) = local.workspace.command("ana", "/followup", "list")
    assert "F-1 · yesterday at 3:00 PM *overdue* · first due yesterday at 12:30 PM, missed · " \
        "call Maria back · C-1001" in listed.render(ana).text  # fmt: skip
    card = shown_to(local.workspace.command("ana", "/case", "C-1001"), ana)
    assert "due yesterday at 3:00 PM · first due yesterday at 12:30 PM, missed" in card


def shown_to(replies, reader) -> str:
    return "\n".join(r.render(reader).text for r in replies)


def test_a_reminder_read_later_never_pairs_a_live_date_with_an_age_fixed_when_sent(local):
    """Found by QA: a redirect reminder read the next morning said "(sent yesterday at 2:30 PM,
    1 hour ago)": Slack keeps the date true, "1 hour ago" was true only when it was sent. The
    notification, read as it comes, keeps the age; so does the lead's alert."""
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # C-1001
    local.workspace.command("ana", "/redirect", "billing C-1001")
    local.workspace.command("ana", "/followup", "in 1h call Tom back")
    local.wait(timedelta(hours=3))
    lee = local.workspace.reader(member("lee"))
    said = local.workspace.look(member("lee"))
    (alert,) = [r for r in said if "Overdue" in r.text]
    (redirect,) = [r for r in said if "Nobody in Billing" in r.text]
    assert alert.text.startswith("Overdue by 1 hour, Ana Alves's: F-1"), alert.text
    assert "minutes ago)" in redirect.text or "hours ago)" in redirect.text, redirect.text
    shown = [r.render(lee).text for r in (alert, redirect)]
    assert shown[0].startswith(f":warning: Overdue, owned by @{ANA}: F-1 · today at "), shown
    assert shown[1].startswith(":hourglass: Nobody in Billing has taken C-1001 yet (sent today at ")
    assert not any(" ago" in text or "Overdue by" in text for text in shown), shown
