"""The demo's lines against the real bot, as `repbot demo` plays them: cancelling a modal, and
which message a click presses."""

import io
from datetime import timedelta

import pytest

from bot.cases.service import import_customers
from bot.emulator.script import DemoScript
from bot.emulator.team import TEAM
from bot.slack.ids import Command

CASE = "/case Margaret Holloway, box arrived damaged"


@pytest.fixture(autouse=True)
def margaret(local, tmp_path) -> None:
    """The customer the lines open a case for, on file as in the demo."""
    crm = tmp_path / "crm.csv"
    crm.write_text("id,name,email,customer_since,tier\nBX-1,Margaret Holloway,,2014-03-01,\n")
    import_customers(local.services.store, crm)


def play(local, *lines: str) -> list[str]:
    """The transcript of these lines."""
    out = io.StringIO()
    DemoScript(local.workspace, TEAM, out, commands=tuple(Command)).run_lines(lines)
    return out.getvalue().splitlines()


def after(transcript: list[str], line: str) -> list[str]:
    """What the demo printed under `line` (its last time), up to the next line typed."""
    start = len(transcript) - transcript[::-1].index(f"ana> {line}")
    rest = transcript[start:]
    return rest[: next((i for i, text in enumerate(rest) if text.startswith("ana> ")), len(rest))]


def test_cancel_or_click_cancel_closes_the_open_modal_with_nothing_submitted(local):
    shown = play(local, CASE, "/solve C-1001", 'fill "Solution" "Refund"', "cancel",
                 "/solve C-1001", 'click "Cancel"', "cancel")  # fmt: skip
    assert "      [Submit: Propose]  [Close: Cancel]" in shown
    assert after(shown, "cancel") == ["    (no modal is open, so there is nothing to cancel)"]
    assert after(shown, 'click "Cancel"') == ["    (modal closed)"]
    assert shown.count("    (modal closed)") == 2
    assert local.services.store.db.execute("SELECT count(*) FROM solutions").fetchone()[0] == 0
    # The bot's modals do not ask to hear of their closing, so Slack sends nothing.
    assert not [p for p in local.client.sent if p["type"] == "view_closed"]


def test_a_modal_is_closed_by_its_own_close_button_label(local):
    shown = play(local, CASE, 'click "Close case"', 'fill "Root cause" Product', "submit",
                 'click "Done"')  # fmt: skip
    assert "      [Close: Done]" in after(shown, "submit")
    assert after(shown, 'click "Done"') == ["    (modal closed)"]
    assert local.workspace.modal_open("ana") is False


def test_click_presses_the_latest_reply_only_and_says_how_to_reach_an_older_one(local):
    shown = play(local, "/faq where is my box", CASE, 'click "Helpful"', "click 3")
    latest = (
        "(#support, “Found Margaret Holloway (BX-1). Opened…”): "
        "[1 Propose a solution] [2 Close case]"
    )
    assert after(shown, 'click "Helpful"') == [
        f'    ! no button "Helpful" in the latest reply with buttons {latest}. "Helpful" is on '
        "an older message (#support, “Where is my box? How can I track my ord…”): to press it "
        'there, type: click "Helpful" in #support'
    ]
    assert after(shown, "click 3") == [
        f"    ! no button 3 in the latest reply with buttons {latest}"
    ]
    assert not [p for p in local.client.sent if p["type"] == "block_actions"]  # nothing pressed
    # The line it suggested presses the older message's button.
    shown = play(local, 'click "Helpful" in #support', 'click "Close case" in DM', "click 2")
    assert "Marked helpful. Thanks!" in "\n".join(after(shown, 'click "Helpful" in #support'))
    assert after(shown, 'click "Close case" in DM') == [
        "    ! there are no buttons in the replies ana can see in DM"
    ]
    assert after(shown, "click 2")[0] == "    [modal] Close C-1001"  # the latest: the case


def test_help_lists_every_line_with_what_it_does(local):
    shown = play(local, "help")
    assert shown[1] == "    lines you can type:"
    listed = "\n".join(shown)
    for line in ("cancel", 'click "Label" in #channel', "click N", "submit", "help"):
        assert f"      {line} " in listed, line
    assert shown[-1] == (
        "    the team: ana (rep), ben (rep), sam (senior), lee (lead), mia (manager)"
    )


def test_a_message_is_named_by_its_words_as_slack_shows_them_without_mrkdwn(local):
    shown = play(local, "/draft my box never came", "click 9")
    (said,) = after(shown, "click 9")
    assert said.startswith(
        "    ! no button 9 in the latest reply with buttons (#support, “Draft reply · "
    )


def test_a_line_a_newcomer_types_is_answered_with_the_line_to_type_instead(local):
    shown = play(local, "faq where is my box", "/folowup", "/help", "/xyz", "clik 1",
                 "hello there")  # fmt: skip
    assert after(shown, "faq where is my box") == [
        "    ? slash commands start with a slash: /faq where is my box"
    ]
    # Slack sends the app only the commands its manifest declares.
    assert after(shown, "/folowup") == [
        "    ! Slack: /folowup is not a valid command; did you mean /followup?"
    ]
    assert after(shown, "/help") == [
        "    ! Slack: /help is not a valid command; for the lines this demo understands, type "
        "help (without the slash)"
    ]
    (unknown,) = after(shown, "/xyz")
    assert unknown.endswith("the app's commands are /faq, /draft, /tone, /case, /note, /solve, "
                            "/followup, /redirect, /summary, /kb, /customer")  # fmt: skip
    assert after(shown, "clik 1") == [
        "    ? not understood; did you mean: click 1 (help lists every line)"
    ]
    (hello,) = after(shown, "hello there")
    assert hello.startswith(
        "    ? not understood. For a customer's words, type /faq hello there (or dm hello there)"
    )


def test_a_line_of_the_demo_without_what_it_needs_is_shown_as_it_is_typed(local):
    shown = play(local, "as", "click", "fill", "submit now")
    assert after(shown, "as") == ["    ? as is typed like this: as NAME"]
    assert after(shown, "click") == [
        '    ? click is typed like this: click N | click "Label" | click "Label" in #channel'
    ]
    assert after(shown, "fill") == ['    ? fill is typed like this: fill "Field" value']
    assert after(shown, "submit now") == ["    ? submit is typed like this: submit"]


def test_switching_channel_says_where_you_are(local):
    shown = play(local, "in #billing", "/faq where is my box")
    assert after(shown, "in #billing") == ["    (now in #billing)"]
    assert after(shown, "/faq where is my box")[0] == "    #billing (only visible to you):"


def test_quit_or_exit_ends_a_script(local):
    for word in ("quit", "exit"):
        shown = play(local, "/faq", word, "/faq where is my box")
        assert shown[-1] == f"ana> {word}"


def test_a_time_shows_in_the_time_zone_of_the_member_reading_it(local):
    # Done at 10:30 UTC on 17 June: 11:30 in London (Ana), 12:30 in Berlin (Lee).
    shown = play(local, "/followup in 2h call Maria back", "/followup done F-1",
                 "/followup done F-1", "as lee", "/followup done F-1")  # fmt: skip
    ana = shown[len(shown) - shown[::-1].index("ana> /followup done F-1") + 1]
    lee = shown[shown.index("lee> /followup done F-1") + 2]
    assert ana.strip() == "F-1 was already done by @ana today at 11:30 AM."
    assert lee.strip() == "F-1 was already done by @ana today at 12:30 PM."


def test_a_second_click_on_a_draft_used_presses_no_older_draft(local):
    shown = play(local, "/draft my box never came", "/draft my parcel is late again",
                 'click "Use this"', 'click "Use this"', "click 1")  # fmt: skip
    assert after(shown, 'click "Use this"') == [
        '    ! no button "Use this" in the latest reply with buttons (#support, “Hi there,”): '
        'it has no buttons now. "Use this" is on an older message (#support, “Draft reply · '
        'tone 100/100”): to press it there, type: click "Use this" in #support'
    ]
    assert after(shown, "click 1") == [
        "    ! no button 1 in the latest reply with buttons (#support, “Hi there,”): it has no "
        "buttons now"
    ]
    used = local.services.store.db.execute("SELECT count(*) FROM drafts WHERE used_at IS NOT NULL")
    assert used.fetchone()[0] == 1


def test_a_bare_click_presses_only_where_the_person_is(local):
    shown = play(local, CASE, "/followup in 30m call Margaret back C-1001", "in #billing",
                 'click "Close case"', 'click "Close case" in #support')  # fmt: skip
    assert after(shown, 'click "Close case"') == [
        '    ! there are no buttons in #billing, where ana is. "Close case" is on another '
        "message (#support, “Found Margaret Holloway (BX-1). Opened…”): to press it there, "
        'type: click "Close case" in #support'
    ]
    assert after(shown, 'click "Close case" in #support')[0] == "    [modal] Close C-1001"


def test_a_field_is_emptied_by_a_fill_without_value_and_named_once_when_not_there(local):
    shown = play(local, CASE, "/solve C-1001", 'fill "Reason" Damaged twice', 'fill "Reason"',
                 'fill "Why?"', 'fill "Why?" ""', "submit")  # fmt: skip
    assert after(shown, 'fill "Reason"') == []
    fields = '"Solution", "Amount (GBP or months), where it applies", "Reason"'
    assert after(shown, 'fill "Why?"') == [
        f'    ! no field labelled "Why?" in this modal (fields: {fields})'
    ]
    assert "      Reason: ____" in after(shown, "submit")
    assert "        ! Please complete this required field." in after(shown, "submit")


def test_each_message_shows_its_dates_to_its_own_reader(local):
    """Ana (London) is reminded of a promise due at 10:00 on her clock; the transcript shows
    her reminder so while Lee (Berlin, an hour ahead) is at the prompt."""
    out = io.StringIO()
    demo = DemoScript(local.workspace, TEAM, out, commands=tuple(Command))
    demo.run_lines([CASE, "/followup tomorrow 10am call Margaret back C-1001", "as lee"])
    local.clock.advance(timedelta(hours=22, minutes=30))  # 10:00 in London, its time
    local.wait(timedelta(0))
    demo.show(local.workspace.look_everyone())
    reminders = [line for line in out.getvalue().splitlines() if "Due now: F-1" in line]
    assert reminders and all("today at 10:00 AM" in line for line in reminders)


def test_submit_on_a_modal_with_only_done_says_so_and_sends_nothing_as_slack(local):
    """Slack shows no submit button on a modal that has none ("C-1001 closed" has only Done):
    no view_submission can reach the app, which has no listener for one."""
    shown = play(local, CASE, 'click "Close case"', 'fill "Root cause" Product', "submit",
                 "submit")  # fmt: skip
    assert after(shown, "submit") == [
        '    ! this form has nothing to submit: it has only Done (click "Done" or cancel closes it)'
    ]
    assert len([p for p in local.client.sent if p["type"] == "view_submission"]) == 1
    assert local.workspace.modal_open("ana")  # still there, to close


def test_a_message_whose_buttons_are_gone_is_named_as_its_reader_sees_it(local):
    """Lee presses Approve on a card he approved already: the demo names the card as Slack
    shows it, with @lee, not a member id, and says it once that it has no buttons now."""
    approve = 'click "Approve" in #support-leads'
    shown = play(local, CASE, "/solve C-1001", 'fill "Solution" "Refund"',
                 'fill "Amount (GBP or months), where it applies" 120',
                 'fill "Reason" Whole box unusable', "submit", "as lee",
                 approve, approve)  # fmt: skip
    assert shown[-1] == (
        '    ! no button "Approve" in #support-leads; its latest message with buttons '
        "(#support-leads, “Approved by @lee: Refund £120.00…”) has no buttons now"
    )


def test_a_field_may_be_named_by_the_first_words_of_its_label(local):
    """A QA play typed `fill "Amount" 10`, as anyone reading the form would."""
    shown = play(local, CASE, "/solve C-1001", 'fill "Solution" "Account credit"',
                 'fill "Amount" 10', 'fill "Reason" Damaged twice', "submit")  # fmt: skip
    assert after(shown, 'fill "Amount" 10') == []
    assert any("Account credit £10.00" in line for line in after(shown, "submit"))
    shown = play(local, "/solve C-1001", 'fill "A" 10')  # the start of a word is not a label
    assert after(shown, 'fill "A" 10')[0].startswith('    ! no field labelled "A" in this modal')
