"""A customer's data from Slack (/customer): nobody's right by default; a role roles.yaml gives
it exports to their DMs (recorded in the audit log) and erases through a modal that asks why."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.cases.audit import verify
from bot.cases.service import close_case, import_customers
from bot.demo import LocalSlack
from bot.emulator.team import member
from bot.privacy.service import export
from bot.slack.outbox import forget_old
from tests.test_cases_slack import customers, shown, solve

ANA, LEE = member("ana").id, member("lee").id
LEADS, BILLING = "C0LEADS001", "C0BILLING1"


def test_by_default_only_the_command_line_answers_data_requests(local, tmp_path):
    customers(local, tmp_path)
    for who in ("ana", "lee", "mia"):
        said = shown(local.workspace.command(who, "/customer", "BX-1"))
        assert "answered by an administrator (`repbot customers export` or `erase`)" in said
        assert "Pass a customer's request to them" in said  # what to do, for a rep too
        assert "Holloway" not in said


def give_leads_the_right(local: LocalSlack) -> None:
    roles = local.settings.playbooks_dir / "roles.yaml"
    text = roles.read_text()
    assert "  customer_data: []" in text
    roles.write_text(text.replace("  customer_data: []", "  customer_data: [lead]"))
    local.workspace.command("lee", "/kb", "reload")


@pytest.mark.writes_content
def test_the_card_says_how_it_found_the_customer_and_to_check_a_guess_before_erasing(
    local, tmp_path
):
    customers(local, tmp_path)
    give_leads_the_right(local)
    found = {
        "BX-1": "Found Margaret Holloway (BX-1) by customer id.",
        "mh@example.com": "Found Margaret Holloway (BX-1) by email.",
        "Margaret Holloway": "Found Margaret Holloway (BX-1).",
        "C-1001": "Found Margaret Holloway (BX-1) by case id.",
    }
    local.workspace.command("ana", "/case", "BX-1, box arrived damaged")
    for typed, how in found.items():
        (card,) = local.workspace.command("lee", "/customer", typed)
        said = card.render().text
        assert how in said and "Check it is them" not in said, said
    # A name like the one typed may be someone else: said above the buttons, and on a phone
    for typed, how in (("margret holoway", "by a similar spelling"),
                       ("holloway", "by part of the name")):  # fmt: skip
        (card,) = local.workspace.command("lee", "/customer", typed)
        warning = f"Found Margaret Holloway (BX-1) {how}. Check it is them: an erasure cannot"
        warning += " be undone."
        assert warning in card.blocks[0]["text"]["text"], card.blocks
        assert card.blocks[1]["type"] == "actions"
        assert card.text.endswith(warning)


@pytest.mark.writes_content
def test_a_second_click_on_export_says_when_and_where_it_went_and_exports_nothing(local, tmp_path):
    customers(local, tmp_path)
    give_leads_the_right(local)
    local.workspace.command("lee", "/customer", "BX-1")
    local.workspace.click("lee", "Export data")
    local.settle()
    (again,) = local.workspace.click("lee", "Export data")
    local.settle()
    said = again.render().text
    assert said.startswith("No need to export again: the data of BX-1 went to your direct")
    assert "(bx-1.json) when you first clicked <!date^" in again.blocks[0]["text"]["text"]
    assert "when you first clicked on Jun 17, 2026 at 10:30 AM UTC." in said
    # as Lee's Slack shows it, in Berlin
    lee_sees = again.render(local.workspace.reader(member("lee"))).text
    assert lee_sees.endswith("when you first clicked today at 12:30 PM.")
    assert again.text == (  # what a phone shows: words, no raw timestamp, on Lee's clock
        "No need to export again: the data of BX-1 went to your direct messages (bx-1.json) "
        "when you first clicked on Jun 17, 2026 at 12:30 PM."
    )
    assert len(local.fake.files) == 1
    exported = "SELECT count(*) FROM audit_log WHERE action = 'customer.exported'"
    assert local.services.store.db.execute(exported).fetchone()[0] == 1


@pytest.mark.writes_content
def test_a_lead_given_the_right_exports_and_erases_from_slack(local, tmp_path):
    customers(local, tmp_path)
    give_leads_the_right(local)
    local.workspace.command("ana", "/case", "BX-1, box arrived damaged")
    local.workspace.command("ana", "/note", "C-1001 wants a call after 5pm")
    assert "answered by an administrator" in shown(
        local.workspace.command("ana", "/customer", "BX-1")
    )
    assert "Margaret Holloway (BX-1)" in shown(
        local.workspace.command("mia", "/customer", "C-1001")
    )
    card = shown(local.workspace.command("lee", "/customer", "mh@example.com"))
    assert "*Margaret Holloway (BX-1)* · mh@example.com" in card
    assert "1 case, 1 note" in card and "Open: C-1001" in card

    local.workspace.click("lee", "Export data")
    local.settle()
    (uploaded,) = local.fake.files.values()
    assert uploaded["channel"].startswith("D") and uploaded["name"] == "bx-1.json"
    document = json.loads(uploaded["content"])
    assert document["customer"]["name"] == "Margaret Holloway"
    assert document["cases"][0]["notes"][0]["text"] == "wants a call after 5pm"
    store = local.services.store
    actions = [row[0] for row in store.db.execute("SELECT action, actor FROM audit_log")]
    assert "customer.exported" in actions

    refused = shown(local.workspace.click("lee", "Erase…"))
    assert "has 1 open case (C-1001): close it first, then erase." in refused
    close_case(store, 1001, "U0ANA0001", "product")
    local.workspace.command("lee", "/customer", "BX-1")
    local.workspace.click("lee", "Erase…")
    assert "Please complete this required field" in shown(local.workspace.submit("lee"))
    local.workspace.fill("Why? The audit log keeps it: no names, please.", " ", "lee")
    errors = shown(local.workspace.submit("lee"))  # spaces pass Slack: the bot asks why
    assert "Say why" in errors
    # an emoji or symbols alone would be kept in the audit log for good, saying nothing
    for reason in ("🙂", ":+1: !"):
        local.workspace.fill("Why? The audit log keeps it: no names, please.", reason, "lee")
        errors = shown(local.workspace.submit("lee"))
        assert f"“{reason}” says nothing in words" in errors and "ticket number" in errors, errors
    # the reason stays in the audit log for good: one that names her is turned down, saying
    # what of it names her and what to write instead
    for reason, naming in (("request DSR-7 from Margaret Holloway", "Margaret Holloway"),
                           ("Mrs holloway phoned", "holloway")):  # fmt: skip
        local.workspace.fill("Why? The audit log keeps it: no names, please.", reason, "lee")
        errors = shown(local.workspace.submit("lee"))
        assert f"The reason names the customer (“{naming}”)" in errors, errors
        assert "ticket number" in errors and "Customer erased" not in errors
    local.workspace.fill("Why? The audit log keeps it: no names, please.", "DSR-7", "lee")
    done = shown(local.workspace.submit("lee"))
    assert "Erased BX-1: from now on Erased customer P-" in done and "1 note" in done
    (said,) = local.workspace.command("lee", "/customer", "BX-1")
    assert "is erased: repbot holds nothing more of theirs than counts" in said.render().text
    (section,) = said.blocks
    assert "They were erased <!date^" in section["text"]["text"]  # in Lee's own time zone
    name = said.render().text.split("(now ")[1].split(")")[0]
    assert name.startswith("Erased customer P-")
    ref = name.removeprefix("Erased customer ")
    (card,) = local.workspace.command("lee", "/customer", ref)
    assert f"{name}'s data was erased <!date^" in card.blocks[0]["text"]["text"]
    lee_sees = card.render(local.workspace.reader(member("lee"))).text  # in Berlin
    assert "was erased today at 12:30 PM: repbot keeps only counts." in lee_sees
    # where Slack cannot show it, the words of its fallback
    assert "was erased on Jun 17, 2026 at 10:30 AM UTC: " in card.render().text
    card = shown(local.workspace.command("ana", "/case", "C-1001"))
    assert f"*C-1001 · {name}* (erased, premium)" in card
    assert verify(store).ok
    erased = store.db.execute(
        "SELECT actor, details FROM audit_log WHERE action = 'customer.erased'"
    ).fetchone()
    assert erased[0] == LEE and json.loads(erased[1])["reason"] == "DSR-7"
    # the export's content left the outbox once Slack had it; her name left the file
    assert [row[0] for row in store.db.execute(
        "SELECT payload FROM outbox WHERE method = 'files.upload'")] == ["{}"]  # fmt: skip
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    assert b"holloway" not in raw.lower() and b"mh@example.com" not in raw.lower()


@pytest.mark.writes_content
def test_an_export_slack_took_though_its_answer_never_came_reaches_the_dm_once(local, tmp_path):
    # A customer's whole data, shared in the lead's DM, but the answer timed out: the retry
    # finds it there instead of sending the data a second time.
    customers(local, tmp_path)
    give_leads_the_right(local)
    local.sender.client.timeout = 0.5
    local.fake.fail("files.completeUploadExternal", status=200, stall=1)
    local.workspace.command("lee", "/customer", "BX-1")
    local.workspace.click("lee", "Export data")
    local.settle()
    local.wait(timedelta(minutes=1))
    (uploaded,) = [f for f in local.fake.files.values() if f.get("name") == "bx-1.json"
                   and f.get("channel")]  # fmt: skip
    assert uploaded["channel"].startswith("D")
    store = local.services.store
    (status, payload) = store.db.execute(
        "SELECT status, payload FROM outbox WHERE key LIKE 'export:%'"
    ).fetchone()
    assert (status, payload) == ("sent", "{}")  # and the data not kept once Slack has it


@pytest.mark.writes_content
def test_the_card_and_the_export_count_what_names_her_outside_her_cases(local, tmp_path):
    customers(local, tmp_path)
    give_leads_the_right(local)
    ws = local.workspace
    ws.command("ana", "/case", "BX-1, box arrived damaged")
    ws.command("ana", "/faq", "Margaret Holloway asks where her box is")
    ws.command("ana", "/tone", "Sorry Margaret Holloway, unfortunately we can't refund you")
    ws.command("ana", "/followup", "in 2h email mh@example.com the returns label")  # no case
    card = shown(ws.command("lee", "/customer", "BX-1"))
    assert (
        "repbot holds 1 case, 1 promise, 1 audit log entry, 1 /faq question, 1 tone check." in card
    )
    ws.click("lee", "Export data")
    local.settle()
    (uploaded,) = local.fake.files.values()
    mentions = json.loads(uploaded["content"])["mentions"]
    assert [p["what"] for p in mentions["promises"]] == ["email mh@example.com the returns label"]
    close_case(local.services.store, 1001, "U0ANA0001", "product")
    ws.command("lee", "/customer", "BX-1")
    ws.click("lee", "Erase…")
    ws.fill("Why? The audit log keeps it: no names, please.", "DSR-8", "lee")
    done = shown(ws.submit("lee"))
    assert "3 other mentions, the personal details of 1 entry in the audit log." in done


@pytest.mark.writes_content
def test_the_card_and_the_erasure_count_the_records_of_staff_exporting_their_data(local, tmp_path):
    # Grace has no case; Lee's export (and a second click on it) leaves the bot's records of
    # it, which name her CRM id: the click, the file sent, the replies. The card counts them
    # and the erasure names them as such, not as "other mentions" of her.
    customers(local, tmp_path)
    give_leads_the_right(local)
    card = shown(local.workspace.command("lee", "/customer", "BX-2"))
    assert "repbot holds 0 cases." in card
    local.workspace.click("lee", "Export data")
    local.settle()
    local.wait(timedelta(minutes=1))
    again = shown(local.workspace.click("lee", "Export data"))
    assert "No need to export again" in again
    local.settle()
    card = shown(local.workspace.command("lee", "/customer", "BX-2"))
    held = "repbot holds 0 cases, 1 audit log entry, 4 records of staff exporting their data."
    assert held in card, card
    done = erase_from_slack(local, "BX-2")
    assert "Erased: 1 customer, 4 records of staff exporting their data.\n" in done, done
    assert "mention" not in done
    store = local.services.store
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    assert b"bx-2" not in raw.lower()  # erased all the same
    # with no export, nothing but her record
    assert "Erased: 1 customer.\n" in erase_from_slack(local, "BX-1")


def erase_from_slack(local: LocalSlack, customer: str) -> str:
    """Lee erases the customer through /customer and its modal; what the modal then says."""
    local.workspace.command("lee", "/customer", customer)
    local.workspace.click("lee", "Erase…", where="#support")  # not the nudge in his DM
    local.workspace.fill("Why? The audit log keeps it: no names, please.", "DSR-7", "lee")
    return shown(local.workspace.submit("lee"))


def as_slack_shows(local: LocalSlack, *conversations: str) -> str:
    """Every message of the conversations (channels, or people's DMs with the bot) as Slack
    holds it now, after any update."""
    client = local.app.client
    held = []
    for conversation in conversations:
        if conversation.startswith("U"):
            conversation = client.conversations_open(users=conversation)["channel"]["id"]
        held += client.conversations_history(channel=conversation, limit=200)["messages"]
    return json.dumps(held, ensure_ascii=False)


HER_WORDS = ("Holloway", "4242", "mh@example.com")


def redirected_to_billing(local: LocalSlack, tmp_path) -> None:
    """Margaret's double charge, with her card's digits and her email in a note, sent to
    Billing; leads may answer data requests."""
    customers(local, tmp_path)
    give_leads_the_right(local)
    local.workspace.command("ana", "/case", "BX-1, charged twice for one box")
    note = "C-1001 Margaret says her card ending 4242 was hit twice, mh@example.com"
    local.workspace.command("ana", "/note", note)
    local.workspace.command("ana", "/redirect", "billing C-1001 Margaret Holloway two charges")


@pytest.mark.writes_content
@pytest.mark.parametrize("erased_with", ["Slack", "the command line"])
def test_an_erasure_replaces_the_bots_messages_about_the_customer_in_slack(
    local, tmp_path, repbot, erased_with
):
    redirected_to_billing(local, tmp_path)
    solve(local, "ana", "C-1001", "Refund", "80", "Margaret Holloway's card 4242 was charged twice")
    local.workspace.command(
        "ana", "/followup", "in 1h call Margaret Holloway back about card 4242 C-1001"
    )
    local.wait(timedelta(hours=2))  # her promise comes due, nobody takes the packet: reminders
    places = (LEADS, BILLING, ANA, LEE)
    before = as_slack_shows(local, *places)
    assert all(words in before for words in HER_WORDS)
    store = local.services.store
    close_case(store, 1001, ANA, "process")
    if erased_with == "Slack":
        done = erase_from_slack(local, "BX-1")
    else:  # while repbot runs: its sender sends what the command queued
        erased = repbot("customers", "erase", "BX-1", "--reason", "DSR-7", "--yes", "--db",
                        str(store.path))  # fmt: skip
        done = erased.stdout
        assert "A running repbot sends the updates" in done
        # The command queued them on the machine's clock: the bot's (which started at START)
        # catches up with it, as in real life, where the two are one.
        local.clock.advance(max(timedelta(0), datetime.now(UTC) - local.clock.now()))
        local.wait(timedelta(minutes=1))
    name = store.db.execute("SELECT name FROM customers WHERE erased_at IS NOT NULL").fetchone()[0]
    assert f"messages the bot posted about them in Slack will say only that {name}'s data" in done
    local.settle()
    now = as_slack_shows(local, *places)
    for words in HER_WORDS:
        assert words not in now, words
    assert now.count(f"about {name}, whose data has since been erased") >= 4


@pytest.mark.writes_content
def test_take_it_on_a_packet_the_bot_no_longer_knows_sends_nothing_erased(local, tmp_path):
    # The outbox forgets a sent message after a week: Slack still shows the packet, Take it
    # and all, but what the click brings back comes from the database, erased.
    redirected_to_billing(local, tmp_path)
    store = local.services.store
    close_case(store, 1001, ANA, "process")
    local.wait(timedelta(days=8))
    forget_old(store)  # as repbot run does each hour
    local.workspace.command("lee", "/customer", "BX-1")
    local.workspace.click("lee", "Erase…")
    local.workspace.fill("Why? The audit log keeps it: no names, please.", "DSR-7", "lee")
    (modal, *_) = local.workspace.submit("lee")
    # what repbot can no longer reach is said to whoever erased her, with what to do about it,
    # its time on Lee's clock (Berlin) as every time in Slack
    assert (
        "Not reached: messages the bot posted before Jun 18, 2026 at 12:30 PM about C-1001 "
        "(approval cards, redirect packets, reminders) may still name them in Slack; repbot "
        "no longer knows where they are. Search Slack for C-1001 and delete them."
    ) in modal.render(local.workspace.reader(member("lee"))).text
    assert "posted before <!date^" in json.dumps(modal.view)  # in each reader's own zone
    assert "UTC" not in modal.render().text  # nor UTC where Slack cannot show the date token
    local.settle()
    assert "Holloway" in as_slack_shows(local, BILLING)  # what remains in Slack (README)
    taken = shown(local.workspace.click("sam", "Take it", where="#billing"))
    assert "Taken by" in taken and "C-1001 · Erased customer P-" in taken
    local.settle()
    payloads = json.dumps([row[0] for row in store.db.execute("SELECT payload FROM outbox")])
    for words in HER_WORDS:
        assert words not in taken and words not in payloads, words


@pytest.mark.writes_content
def test_two_erased_customers_read_the_same_way_everywhere_each_with_their_reference(
    local, tmp_path
):
    """Found by a new-user QA play: once erased, a customer read "P-…" in one place,
    "Erased customer" in another and "[erased]" in a third; two erased customers could not be
    told apart on their case cards."""
    customers(local, tmp_path)
    give_leads_the_right(local)
    store = local.services.store
    for customer in ("BX-1", "BX-2"):
        local.workspace.command("ana", "/case", f"{customer}, charged twice for one box")
        local.workspace.command("ana", "/redirect", f"billing C-100{customer[-1]} two charges")
    local.workspace.click("sam", "Take it", where="#billing")  # Grace's packet; Margaret's waits
    names = []
    for case, customer in ((1001, "BX-1"), (1002, "BX-2")):
        close_case(store, case, ANA, "process")
        done = erase_from_slack(local, customer)
        name = done.split("from now on ")[1].split(". Erased:")[0]
        ref = name.removeprefix("Erased customer ")
        assert name == f"Erased customer {ref}" and ref.startswith("P-")
        assert f"will say only that {name}'s data was erased." in done
        assert "Not reached" not in done  # the outbox knows every message about them
        names.append(name)
    assert names[0] != names[1]
    local.settle()
    # The packets in Billing's channel each name whom they were about
    billing = as_slack_shows(local, BILLING)
    for name in names:
        assert f"This message was about {name}, whose data has since been erased." in billing
    # What a rep sees of the cases, and a lead of the customers, reads the same names
    for case, name in zip(("C-1001", "C-1002"), names, strict=True):
        card = shown(local.workspace.command("ana", "/case", case))
        assert card.startswith(f"*{case} · {name}* (erased, ")
        assert "Topic: [erased]" in card
        ref = name.removeprefix("Erased customer ")
        (said,) = local.workspace.command("lee", "/customer", ref)
        assert said.render().text.startswith(f"{name}'s data was erased on ")
        assert export(store, ref)["customer"]["name"] == name  # as the export has it
    # asked for again by their old CRM id, a lead is told what they are called now
    (again,) = local.workspace.command("lee", "/customer", "BX-2")
    assert f"(now {names[1]}) is erased" in again.render().text


@pytest.mark.writes_content
def test_a_rep_who_types_an_erased_customer_is_told_when_and_creates_one_only_deliberately(
    local, tmp_path
):
    """Found by a QA play: once a customer was erased, /case BX-1 said "No customer has the id
    BX-1", and their email offered to create them as if they had never been a customer. (By
    name they are one repbot never heard of: it keeps nothing of an erased customer's name.)"""
    customers(local, tmp_path)
    crm = tmp_path / "more.csv"
    crm.write_text("id,name,email,customer_since,tier\nBX-3,Ann Holloway,,2020-01-01,\n"
                   "BX-4,Tom Holloway,,2021-01-01,\n")  # fmt: skip
    import_customers(local.services.store, crm)
    give_leads_the_right(local)
    local.workspace.command("ana", "/case", "BX-1, box arrived damaged")
    close_case(local.services.store, 1001, ANA, "product")
    erase_from_slack(local, "BX-1")
    ana = local.workspace.reader(member("ana"))  # London: 11:30 AM
    (said,) = local.workspace.command("ana", "/case", "BX-1 box late again")
    assert said.render(ana).text == (
        "No customer has the id BX-1 now. To open a case for them all the same, as a new "
        "customer, type their name or email and the topic, then choose Create: "
        "`/case <name>, <topic>`. The customer who had this id had their data erased today at "
        "11:30 AM."
    )
    notice = (
        "A customer with this {} had their data erased today at 11:30 AM. {} makes a new "
        "customer of them, with none of their past: choose it only if they are back as one."
    )
    for typed in ("MH@example.com", "mh@EXAMPLE.com"):
        (asked,) = local.workspace.command("ana", "/case", f"{typed}, box late again")
        text = asked.render(ana).text
        assert f":warning: {notice.format('email', 'Create')}" in text, typed
        assert "[1 Create] [2 Cancel]" in text
        assert asked.text.endswith(  # a phone's words, on Ana's clock as the message's
            "Create a new customer? A customer with this email had their data erased on Jun 17, "
            "2026 at 11:30 AM. Create makes a new customer of them, with none of their "
            "past: choose it only if they are back as one."
        )
    # of her name, nothing is kept, not even a hash (a name is guessed from its hash at once):
    # typed by name, she is a customer repbot has never heard of
    for typed in ("margaret", "Holloway Margaret"):
        (asked,) = local.workspace.command("ana", "/case", f"{typed}, box late again")
        assert "erased" not in asked.render(ana).text, typed
    (asked,) = local.workspace.command("ana", "/case", "maria lopez, box late")
    assert "erased" not in asked.render(ana).text
    # the flow stays: a deliberate Create makes a new customer with a case of their own
    local.workspace.command("ana", "/case", "margaret, box late again")
    created = shown(local.workspace.click("ana", "Create"))
    assert "Opened a new case." in created and "*C-1002 · margaret*" in created


@pytest.mark.writes_content
def test_what_a_phone_says_of_an_erasure_gives_the_time_of_the_message_on_the_readers_clock(
    local, tmp_path
):
    """Found by a QA play: the notifications of the answers that say when a customer was
    erased said it in UTC (Lee is in Berlin, Ana in London), or said no time at all."""
    customers(local, tmp_path)
    give_leads_the_right(local)
    local.workspace.command("ana", "/case", "BX-1, box arrived damaged")
    close_case(local.services.store, 1001, ANA, "product")
    erase_from_slack(local, "BX-1")  # at 10:30 UTC: 12:30 PM in Berlin, 11:30 AM in London
    asked = (
        ("lee", "/customer", "C-1001", "was erased on Jun 17, 2026 at 12:30 PM: repbot keeps"),
        ("lee", "/customer", "BX-1", "They were erased on Jun 17, 2026 at 12:30 PM."),
        ("ana", "/case", "mh@example.com box again",
         "had their data erased on Jun 17, 2026 at 11:30 AM. Create makes"),
        ("ana", "/case", "BX-1 box again", "had their data erased on Jun 17, 2026 at 11:30 AM."),
    )  # fmt: skip
    for who, command, text, phone in asked:
        (said,) = local.workspace.command(who, command, text)
        shown_to_them = said.render(local.workspace.reader(member(who))).text
        clock = "12:30 PM" if who == "lee" else "11:30 AM"
        assert f"erased today at {clock}" in shown_to_them, shown_to_them
        assert phone in said.text and "UTC" not in said.text, said.text
