"""/kb for team leads, end to end: gaps from the floor become FAQ entries at once."""

import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.demo import LocalSlack
from bot.emulator.render import unescape
from bot.emulator.team import member
from bot.faq.matching import AS_A_PHRASING
from bot.shared.times import day

LEE = member("lee").id


def ask(local: LocalSlack, user: str, text: str):
    return local.workspace.command(user, "/faq", text)


def gaps_reply(local: LocalSlack):
    (reply,) = local.workspace.command("lee", "/kb", "gaps")
    return reply


def test_only_leads_and_managers_may_use_kb(local):
    (reply,) = local.workspace.command("ana", "/kb", "gaps")
    assert reply.render().text.strip() == (
        "Only team leads can curate the FAQ. Questions it could not answer reach them already; "
        "tell your team lead of any other it should answer."
    )
    (reply,) = local.workspace.command("mia", "/kb", "")
    assert reply.render().text.startswith("Usage: /kb gaps")


def new_entry_for_vegan_meals(local: LocalSlack) -> None:
    """A rep's question the FAQ cannot answer, and Lee's New entry form for its gap."""
    ask(local, "ana", "do you have vegan meals")
    gaps_reply(local)
    local.workspace.click("lee", "New entry")


def not_helpful(local: LocalSlack, user: str, text: str) -> None:
    ask(local, user, text)
    local.workspace.click(user, "Not helpful")


@pytest.mark.writes_content
def test_a_gap_added_as_a_phrasing_answers_at_once_and_is_written_to_the_file(local):
    not_helpful(local, "ana", "how do i stop my subscription")
    not_helpful(local, "ben", "how do i stop my subscription?")
    reply = gaps_reply(local)
    text = reply.render().text
    assert "2 questions in 1 group" in text
    assert "2× “how do i stop my subscription”" in text
    assert "Also asked: “how do i stop my subscription?”" in text
    # the entry the matcher would answer with, the one turned down left out, which /faq does
    # not leave out: the lead reads what /faq would do with it first
    chosen = local.services.faq.entry("pause_subscription")
    (asked,) = local.workspace.click("lee", f"Add as a phrasing of “{chosen.question}”")
    assert "/faq will answer it, and questions like it, with:" in asked.render().text
    (after,) = local.workspace.click("lee", "Add as its phrasing")
    assert (
        f"Added “how do i stop my subscription” as a phrasing of `{chosen.id}`"
        in after.render().text
    )
    assert ":warning:" not in after.render().text  # /faq answers it with the entry now
    assert "No more FAQ gaps to review" in after.render().text
    # the FAQ answers it now, without a restart...
    (answer,) = ask(local, "ana", "how do i stop my subscription")
    assert f"FAQ `{chosen.id}`" in answer.render().text
    # ...and the phrasing is in the file, for review like any other edit
    file = Path(chosen.source.rsplit(":", 1)[0])
    assert '    - "how do i stop my subscription"\n' in file.read_text()


@pytest.mark.writes_content
def test_a_pasted_emails_gap_is_its_question_and_no_customers_name_reaches_the_file(local):
    not_helpful(
        local, "ana", "Hi there, hope all is well. How do I stop my subscription? Thanks, Omar Khan"
    )
    not_helpful(local, "ben", "Dear team,\nhow do I stop my subscription?\nKind regards,\nJo Smith")
    reply = gaps_reply(local)
    text = reply.render().text
    assert "2× “How do I stop my subscription?”" in text  # one need, as a lead reads it
    assert "Omar" not in text and "Smith" not in text and "hope" not in text
    chosen = local.services.faq.entry("pause_subscription")
    local.workspace.click("lee", f"Add as a phrasing of “{chosen.question}”")
    local.workspace.click("lee", "Add as its phrasing")
    written = Path(chosen.source.rsplit(":", 1)[0]).read_text()
    assert '    - "How do I stop my subscription?"\n' in written
    assert "Omar" not in written and "Smith" not in written


def test_a_question_retyped_at_once_counts_once_in_the_gaps(local):
    """Found by QA: a double Enter, or the same question retyped, showed as asked twice."""
    for text in ("do you have vegan meals", "Do you have  vegan meals?"):
        (reply,) = ask(local, "ana", text)
        assert "No good match in the FAQ" in reply.render().text  # answered each time
    ask(local, "ben", "do you have vegan meals")  # another rep's customer: another ask
    assert "*2× “do you have vegan meals”*\nNo FAQ entry" in gaps_reply(local).render().text
    local.services.store.clock.advance(timedelta(days=1))
    ask(local, "ana", "do you have vegan meals")  # a day later: asked again
    assert "*3× “do you have vegan meals”*" in gaps_reply(local).render().text


def test_a_gap_no_entry_comes_close_to_offers_a_new_entry_and_no_menu_of_strangers(local):
    """Found in a new-user QA play: "do you have vegan meals" came with a menu of ten entries
    (returns, PayPal...), any of which a lead could make answer it."""
    ask(local, "ana", "do you have vegan meals")
    reply = gaps_reply(local)
    assert "No FAQ entry comes close to it: make it a new entry, or ignore it." in (
        reply.render().text
    )
    assert [(e.type, e.label) for e in reply.elements] == [
        ("button", "New entry"),
        ("button", "Ignore"),
    ]
    (actions,) = [b for b in reply.blocks if b["type"] == "actions"]
    assert actions["elements"][0]["style"] == "primary"


@pytest.mark.writes_content
def test_a_new_entry_from_the_modal_takes_its_wordings_as_phrasings(local):
    ask(local, "ana", "do you have vegan meals")
    ask(local, "ben", "do u have vegan meals??")
    gaps_reply(local)
    (modal,) = local.workspace.click("lee", "New entry")
    assert modal.kind == "modal"
    (still_open,) = local.workspace.submit("lee")  # no answer yet: Slack itself refuses it
    assert "Please complete this required field" in still_open.render().text
    local.workspace.fill("Answer", "  ", "lee")  # spaces pass Slack: the bot says so
    (still_open,) = local.workspace.submit("lee")
    assert still_open.kind == "modal"
    assert "Write the answer" in still_open.render().text
    local.workspace.fill("Answer", "Not yet: pet boxes come in May.", "lee")
    local.workspace.fill("Tags, separated by commas", "pets", "lee")
    replies = local.workspace.submit("lee")
    shown = "\n".join(r.render().text for r in replies)
    assert "Added the entry `do_you_have_vegan_meals`" in shown
    assert "`knowledge/added.yaml`" in shown
    entry = local.services.faq.entry("do_you_have_vegan_meals")
    assert (entry.variants, entry.answer, entry.tags) == (
        ("do u have vegan meals??",),
        "Not yet: pet boxes come in May.",
        ("pets",),
    )
    (answer,) = ask(local, "ben", "do you have vegan meals")
    assert "Not yet: pet boxes come in May." in answer.render().text
    rows = local.services.store.db.execute("SELECT action, entry_id, user_id FROM gap_resolutions")
    assert rows.fetchall() == [("entry", "do_you_have_vegan_meals", LEE)] * 2


@pytest.mark.writes_content
def test_control_characters_pasted_into_a_new_entry_do_not_reach_the_file(local):
    new_entry_for_vegan_meals(local)
    # pasted from a terminal: a NUL and a colour escape, which YAML files cannot hold as typed
    local.workspace.fill("Answer", "Yes:\x00 the \x1b[1mGreen box\x7f.", "lee")
    local.workspace.submit("lee")
    assert local.services.faq.entry("do_you_have_vegan_meals").answer == "Yes: the [1mGreen box."
    written = (local.services.faq.knowledge_dir / "added.yaml").read_text()
    assert "Yes: the [1mGreen box." in written and "\\x" not in written and "\\e" not in written


def test_a_new_entry_whose_question_has_no_words_is_refused_in_the_modal(local):
    new_entry_for_vegan_meals(local)
    local.workspace.fill("Answer", "Yes: the Green box.", "lee")
    for question in ("😀", "do you have"):  # nothing /faq could ever match it by
        local.workspace.fill("Question", question, "lee")
        (still_open,) = local.workspace.submit("lee")
        assert still_open.kind == "modal", question
        assert "Write the question in words" in still_open.render().text
    assert local.services.faq.entry("entry") is None
    assert "do you have vegan meals" in gaps_reply(local).render().text  # the gap is still open


def test_ignore_takes_a_gap_off_the_list_and_a_second_lead_is_told_who_did(local):
    ask(local, "ana", "is the moon made of cheese")
    gaps_reply(local)
    (after,) = local.workspace.click("lee", "Ignore")
    assert "Ignored “is the moon made of cheese” (1 question)" in after.render().text
    # Mia still has the old list open and clicks Ignore on the same gap
    key = local.services.store.db.execute("SELECT min(id) FROM faq_queries").fetchone()[0]
    response = local.client.block_actions(gap_click(local, "U0MIA0001", key, "kb_ignore"))
    assert response.status == 200
    post = local.fake.wait_for("response_url", lambda c: "already" in json.dumps(c.body))
    assert f"<@{LEE}> already ignored it." in json.dumps(post.body)


def test_a_forged_click_from_a_rep_changes_nothing(local):
    ask(local, "ana", "is the moon made of cheese")
    key = local.services.store.db.execute("SELECT min(id) FROM faq_queries").fetchone()[0]
    local.client.block_actions(gap_click(local, member("ana").id, key, "kb_ignore"))
    post = local.fake.wait_for("response_url")
    assert "Only team leads" in json.dumps(post.body)
    assert local.services.store.db.execute("SELECT count(*) FROM gap_resolutions").fetchone() == (
        0,
    )


def gap_click(local: LocalSlack, user_id: str, key: int, action_id: str) -> dict:
    return {
        "type": "block_actions", "user": {"id": user_id}, "trigger_id": f"9.{key}.x",
        "response_url": local.fake.response_url(),
        "actions": [{"type": "button", "action_id": action_id, "block_id": f"kb_gap:{key}",
                     "value": "", "action_ts": f"{time.time():.6f}"}],
    }  # fmt: skip


@pytest.mark.writes_content
def test_reps_picking_the_same_suggestion_again_and_again_is_one_click_for_the_lead(local):
    for rep in ("ana", "ben"):
        (reply,) = ask(local, rep, "money taken twice??")
        local.workspace.click(rep, "I've been charged twice for the same box")
    text = gaps_reply(local).render().text
    assert "Reps keep picking “I've been charged twice for the same box”" in text
    (after,) = local.workspace.click("lee", "Accept as a phrasing")
    assert "as a phrasing of `double_charge`" in after.render().text
    assert "money taken twice??" in local.services.faq.entry("double_charge").variants


@pytest.mark.writes_content
def test_a_broken_edit_on_disk_keeps_the_faq_answering_and_the_leads_are_told(local):
    path = local.services.faq.knowledge_dir / "delivery.yaml"
    path.write_text(path.read_text() + "- id: oops\n  question: [\n")
    post = local.fake.wait_for(
        "chat.postMessage", lambda c: c.body.get("channel") == "C0LEADS001", timeout=10
    )
    assert "delivery.yaml:" in json.dumps(post.body) and "bad YAML" in json.dumps(post.body)
    # the lead's phone names the problem and where it is, not only "Fix these and reload:"
    assert "Fix these and reload: delivery.yaml:" in post.body["text"]
    answer = next(r for r in ask(local, "ana", "i forgot my password") if r.kind == "ephemeral")
    assert "password_reset" in answer.render().text
    (reply,) = local.workspace.command("lee", "/kb", "reload")
    assert "still answers from the last good version (55 entries)" in reply.render().text
    path.write_text(path.read_text().replace("- id: oops\n  question: [\n", ""))
    (reply,) = local.workspace.command("lee", "/kb", "reload")
    assert "Reloaded the FAQ: 55 entries in 5 files." in reply.render().text


@pytest.mark.writes_content
def test_a_misspelt_key_is_answered_with_the_key_meant_and_a_repeated_phrasing_warned_of(local):
    path = local.services.faq.knowledge_dir / "delivery.yaml"
    good = path.read_text()
    line = good.count("\n") + 1  # where the new entry starts
    new = (
        "- id: zeppelins\n"
        '  question: "Deliver by zeppelin?"\n'
        '  phrasing: "by airship"\n'
        '  answr: "Only on Tuesdays."\n'
    )
    path.write_text(good + new)
    (reply,) = local.workspace.command("lee", "/kb", "reload")
    text = reply.render().text
    assert (
        f"delivery.yaml:{line + 2}: error: entry 'zeppelins': unknown key 'phrasing': did you "
        "mean 'variants'? (expected id, question, variants, answer, tags)"
    ) in text
    assert (
        f"delivery.yaml:{line + 3}: error: entry 'zeppelins': unknown key 'answr': did you "
        "mean 'answer'? (expected id, question, variants, answer, tags)"
    ) in text
    assert "missing answer" not in text  # the misspelt key's line says it, once
    # the keys put right, the phrasing one text, and it is also another entry's phrasing
    path.write_text(good + new.replace("phrasing:", "variants:").replace("answr", "answer"))
    (reply,) = local.workspace.command("lee", "/kb", "reload")
    text = reply.render().text
    assert (
        f"delivery.yaml:{line + 2}: error: entry 'zeppelins': variants must be a list of "
        'non-empty texts, not one text: write variants: ["by airship"], or each on a line of its '
        'own under it, after "- "'
    ) in text
    path.write_text(good + new.replace("phrasing:", "variants:").replace("answr", "answer")
                    .replace('"by airship"', '["by airship", "Forgot my  PASSWORD"]'))  # fmt: skip
    (reply,) = local.workspace.command("lee", "/kb", "reload")
    text = reply.render().text
    assert "Reloaded the FAQ: 56 entries in 5 files. 1 warning:" in text  # a warning stops nothing
    assert (
        f"delivery.yaml:{line}: warning: entry 'zeppelins': phrasing 'Forgot my  PASSWORD' is "
        "also one of entry 'password_reset' ("
    ) in text and "account.yaml:5); keep it in the entry it belongs to" in text


@pytest.mark.writes_content
def test_an_edit_on_disk_is_answered_within_seconds_without_a_reload_command(local):
    path = local.services.faq.knowledge_dir / "delivery.yaml"
    new = '- id: zeppelins\n  question: "Deliver by zeppelin?"\n  answer: "Only on Tuesdays."\n'
    path.write_text(path.read_text() + new)
    deadline = time.monotonic() + 10
    while local.services.faq.entry("zeppelins") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    (answer,) = ask(local, "ana", "do you deliver by zeppelin")
    assert "Only on Tuesdays." in answer.render().text
    assert local.fake.calls_to("chat.postMessage") == []  # a good edit bothers nobody


@pytest.mark.writes_content
def test_a_knowledge_file_deleted_on_disk_is_told_to_the_leads_with_what_it_took(local):
    path = local.services.faq.knowledge_dir / "delivery.yaml"
    kept = path.read_text()
    path.unlink()  # a lead's cleanup that went one file too far
    post = local.fake.wait_for(
        "chat.postMessage", lambda c: c.body.get("channel") == "C0LEADS001", timeout=10
    )
    text = post.body["text"]  # the leads' phone
    assert text.startswith("delivery.yaml is gone from the knowledge files, and with it ")
    assert "put the file back" in text
    (told,) = [r for r in local.workspace.look("lee") if r.channel == "C0LEADS001"]
    shown = told.render().text
    assert "No longer answered" in shown and "where_is_my_box" in shown
    path.write_text(kept)  # put back: answered again, and nobody is told twice
    deadline = time.monotonic() + 10
    while local.services.faq.entry("where_is_my_box") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert local.services.faq.entry("where_is_my_box") is not None
    assert len(local.fake.calls_to("chat.postMessage")) == 1


@pytest.mark.writes_content
def test_a_field_shown_as_optional_is_filled_with_or_without_the_word(local):
    new_entry_for_vegan_meals(local)
    local.workspace.fill("Answer", "Not yet: boxes are for people for now.", "lee")
    local.workspace.fill("Tags, separated by commas (optional)", "boxes", "lee")
    local.workspace.fill("Other ways customers ask it, one per line", "dog food?", "lee")
    local.workspace.submit("lee")
    local.settle()
    added = [e for e in local.services.faq.entries.values() if e.question.startswith("do you have")]
    assert [(e.tags, e.variants) for e in added] == [(("boxes",), ("dog food?",))]


def test_an_entry_marked_not_helpful_is_not_offered_again_and_paraphrases_are_one_gap(local):
    # issue 13: "Not helpful" on cancel_subscription suggested adding the question to
    # cancel_subscription again, and paraphrases of gift wrapping were separate gaps
    ask(local, "ana", "how do i cancel my subscription")
    local.workspace.click("ana", "Not helpful")
    turned_down = set()
    for rep, text in [("ana", "gift wrap for a birthday?"), ("ben", "can you gift wrap my box"),
                      ("ana", "do you do gift wrapping")]:  # fmt: skip
        (reply,) = ask(local, rep, text)
        turned_down |= {e.label for e in reply.elements if e.label != "None of these"}
        local.workspace.click(rep, "None of these")
    ask(local, "ben", "can I get a bigger box")  # no good match; shares only "box"
    reply = gaps_reply(local)
    text = reply.render().text
    assert "5 questions in 3 groups" in text
    assert "3× “gift wrap for a birthday?”" in text
    assert "Also asked: “can you gift wrap my box” · “do you do gift wrapping”" in text
    assert "Once: “can I get a bigger box”" in text

    def gap_elements(question: str) -> dict[str, list]:
        key = local.services.store.db.execute(
            "SELECT min(id) FROM faq_queries WHERE text = ?", [question]
        ).fetchone()[0]
        shown: dict[str, list] = {}
        for e in reply.elements:
            if e.block_id == f"kb_gap:{key}":
                shown[e.type] = [*shown.get(e.type, []), e]
        return shown

    cancel = "How do I cancel my subscription?"
    shown = gap_elements("how do i cancel my subscription")
    buttons = [e.label for e in shown["button"]]
    (menu,) = shown["static_select"]
    assert "Marked not helpful for it: “How do I cancel my subscription?”" in text
    assert not any(cancel in label for label in buttons) and cancel not in menu.options
    # it is in the words of that entry's question: its answer is what wants improving, and no
    # other entry is suggested (found by QA: added to one, /faq asked "did you mean" between
    # the two), nor a new entry, which would be refused; only what the matcher thinks
    # plausible is in the menu, not the whole FAQ
    assert buttons == ["Ignore"]
    assert menu.options == (
        "I cancelled my subscription but you still charged me",
        "Can I pause my subscription for a while?",
    )
    # the gift card entries the reps turned down are neither suggested nor in a menu, and
    # nothing else comes close: a new entry is what the lead is offered first
    shown = gap_elements("gift wrap for a birthday?")
    assert turned_down and [e.label for e in shown["button"]] == ["New entry", "Ignore"]
    assert "static_select" not in shown
    (block,) = [b for b in reply.blocks if b.get("block_id") == shown["button"][0].block_id]
    (new_entry,) = [e for e in block["elements"] if e.get("action_id") == "kb_new_entry"]
    assert new_entry["style"] == "primary"


def test_the_entry_a_gaps_button_offers_is_not_in_its_menu_again(local):
    # found playing the demo
    not_helpful(local, "ana", "email on my boxwell account")
    reply = gaps_reply(local)
    login = local.services.faq.entry("login_problems").question
    buttons = [e.label for e in reply.elements if e.type == "button"]
    (menu,) = [e for e in reply.elements if e.type == "static_select"]
    assert buttons[0] == f"Add as a phrasing of “{login}”"
    assert login not in menu.options and menu.options


@pytest.mark.writes_content
def test_a_gap_names_what_reps_were_shown_not_what_a_newer_faq_would_show(local):
    # found by QA: the entries a "None of these" turned down were matched again with the FAQ of
    # today, so an entry a lead added since read as turned down by a rep who never saw it
    ask(local, "ana", "do you have vegan meals")
    (reply,) = ask(local, "ana", "do you have dog food")
    shown = [e.label for e in reply.elements if e.label != "None of these"]
    assert shown == ["Can I return something I've already opened?"]  # a "did you mean"
    local.workspace.click("ana", "None of these")
    turned_down = "Shown for it and turned down with “None of these”: " + ", ".join(
        f"“{question}”" for question in shown
    )
    assert turned_down in gaps_reply(local).render().text
    local.workspace.click("lee", "New entry")  # the vegan meals gap's, the first of two
    local.workspace.fill("Answer", "Yes: the Green box.", "lee")
    text = "\n".join(reply.render().text for reply in local.workspace.submit("lee"))
    assert "Added the entry `do_you_have_vegan_meals`" in text
    dog_food = text.split("*Once: “do you have dog food”*")[1].split("[1 ")[0]  # its text
    assert turned_down in dog_food  # as the rep was shown it...
    assert "vegan" not in dog_food  # ...not the entry added since (the menu may offer it)
    assert "Marked not helpful" not in text  # nobody marked an answer Not helpful


def test_ignoring_the_last_gap_says_there_are_no_more_not_that_every_question_was_answered(local):
    # found by QA: "Ignored … (2 questions). No FAQ gaps in the last 7 days: every question got
    # an answer": they did not, a lead ignored them
    ask(local, "ana", "is the moon made of cheese")
    ask(local, "ben", "is the moon made of cheese?")
    gaps_reply(local)
    (after,) = local.workspace.click("lee", "Ignore")
    assert after.render().text == (
        "Ignored “is the moon made of cheese” (2 questions).\n"
        "No more FAQ gaps to review from the last 7 days."
    )
    assert after.text == "No more FAQ gaps to review from the last 7 days."  # the notification
    (again,) = local.workspace.command("lee", "/kb", "gaps")
    assert again.render().text == (
        "No FAQ gaps to review from the last 7 days: every question got an answer or "
        "suggestions and none was marked Not helpful, or a lead has dealt with it."
    )


def test_a_gap_suggests_an_entry_only_when_the_faq_would_answer_with_it(local):
    # found by QA: "Add as a phrasing of “Can I buy a Boxwell gift card for someone?”" for "can
    # i add dog food to my box", offered from the "did you mean" threshold (12% sure)
    ask(local, "ana", "how do i pause my subscription")
    local.workspace.click("ana", "Not helpful")
    reply = gaps_reply(local)
    assert re.search(
        r"/faq answered it with “Can I pause my subscription for a while\?” "
        r"\(`pause_subscription`, \d+% sure\), and reps marked that answer not helpful for it\. "
        r"Improve the answer, in `knowledge/account\.yaml:\d+`, or add the question to the entry "
        r"it belongs to\.",
        reply.render().text,
    )
    # the next closest is 38% sure: a phrasing of it would answer pausing with cancelling
    assert [e.label for e in reply.elements if e.type == "button"] == ["New entry", "Ignore"]
    (menu,) = [e for e in reply.elements if e.type == "static_select"]
    assert menu.options[0] == "How do I cancel my subscription?"  # still the lead's to choose
    (block,) = [b for b in reply.blocks if b.get("block_id") == menu.block_id]
    (new_entry,) = [e for e in block["elements"] if e.get("action_id") == "kb_new_entry"]
    assert "style" not in new_entry  # the answer reps marked is what wants the lead first


def queries_recorded(local: LocalSlack) -> int:
    return local.services.store.db.execute("SELECT count(*) FROM faq_queries").fetchone()[0]


def test_a_leads_try_shows_how_faq_answers_and_is_no_customers_question(local):
    entry = local.services.faq.entry("where_is_my_box")
    (reply,) = local.workspace.command("lee", "/kb", "try where is my box")
    text = reply.render().text
    assert reply.kind == "ephemeral"
    assert (
        "*How /faq answers this now*\n> where is my box\n*Answered* with `where_is_my_box`" in text
    )
    assert "(it answers from 50%)" in text
    # each entry weighed, with its confidence and where a lead edits it
    line = entry.source.rpartition(":")[2]
    # where a lead edits it, as they know the file, not where this machine keeps it
    assert (
        "\n• `where_is_my_box` · " in text
        and f" — “{entry.question}” · knowledge/delivery.yaml:{line}\n" in text
    )
    assert text.count("\n• ") == 3
    # what a phone shows: the answer's question, not ids
    assert reply.text.startswith(f"/faq answers “where is my box” with “{entry.question}”, ")
    assert "not counted as a customer's question" in text
    # a question the FAQ lacks: told, and neither recorded nor in the leads' gaps
    (reply,) = local.workspace.command("lee", "/kb", "TRY do you have vegan meals")
    assert "*No good match*: nothing is 12% sure." in reply.render().text
    assert reply.text == "/faq has no good match for “do you have vegan meals”."
    assert queries_recorded(local) == 0
    assert "No FAQ gaps" in gaps_reply(local).render().text


def test_a_try_shows_a_did_you_mean_and_the_customers_markup_as_typed(local):
    (reply,) = local.workspace.command(
        "lee", "/kb", "try <!here> my parcel still hasnt turned up & *help*"
    )
    text = reply.render().text
    assert "*Did you mean*, with 3 entries: nothing is 50% sure, so the rep picks" in text
    assert "> <!here> my parcel still hasnt turned up & ∗help∗\n" in text  # as typed: no ping
    box_late = local.services.faq.entry("box_late").question
    assert unescape(reply.text) == (
        f"/faq asks “did you mean” for “<!here> my parcel still hasnt turned up & ∗help∗”, "
        f"the closest “{box_late}”."
    )


def test_a_try_shows_what_reps_clicks_taught_the_faq(local):
    for rep, text in [("ana", "how do i cancel my subscription"),
                      ("ben", "how do I cancel my subscription please")]:  # fmt: skip
        not_helpful(local, rep, text)
    for rep, text in [("ana", "my parcel still hasnt turned up"),
                      ("ben", "My parcel still hasnt turned up!")]:  # fmt: skip
        ask(local, rep, text)
        local.workspace.click(rep, "Helpful")
    local.services.faq.learn()  # what the bot's ticker does every minute
    (reply,) = local.workspace.command("lee", "/kb", "try how do i cancel my subscription")
    text = reply.render().text
    assert (
        "*Did you mean*, with 3 entries: reps turned `cancel_subscription` down for a question "
        "like this, so /faq does not answer with it; the rep can still pick it." in text
    )
    assert "• `cancel_subscription` · 49% — “How do I cancel my subscription?”" in text
    assert (
        "*Not answered with*, as reps turned it down for a question like this: "
        "`cancel_subscription`" in text
    )
    (reply,) = local.workspace.command("lee", "/kb", "try my parcel still hasnt turned up")
    text = reply.render().text
    assert "*Answered* with `box_late`" in text
    assert " · reps confirmed 2 questions for it" in text
    assert queries_recorded(local) == 4  # the reps' questions only


def test_try_without_words_and_a_reps_try(local):
    (reply,) = local.workspace.command("lee", "/kb", "try   ")
    assert reply.render().text.startswith("Type the customer's words after /kb try, for example")
    (reply,) = local.workspace.command("lee", "/kb", "try 🙂 !!")
    assert "has no words to search the FAQ with" in reply.render().text
    (reply,) = local.workspace.command("ana", "/kb", "try where is my box")
    assert reply.render().text.startswith("Only team leads can curate the FAQ.")


@pytest.mark.writes_content
def test_a_new_entry_answers_only_the_question_the_lead_read_not_a_nut_allergy(local):
    """Found by QA: "is there nuts in the meals, my son is allergic" was grouped with "do you
    have vegan meals" (they share "meals"), the New entry modal filled it in as another way to
    ask, and after one click the allergy was answered "fully vegan" at 100%."""
    ask(local, "ana", "do you have vegan meals")
    nuts = "is there nuts in the meals, my son is allergic"
    ask(local, "ben", nuts)
    assert "2 questions in 2 groups" in gaps_reply(local).render().text
    (modal,) = local.workspace.click("lee", "New entry")  # the vegan one's, the first
    assert "nuts" not in modal.render().text
    local.workspace.fill("Answer", "Yes: our Green box is fully vegan.", "lee")
    text = "\n".join(reply.render().text for reply in local.workspace.submit("lee"))
    assert f"Once: “{nuts}”" in text  # still a gap
    assert local.services.faq.entry("do_you_have_vegan_meals").variants == ()
    (answer,) = ask(local, "ben", nuts)
    assert "fully vegan" not in answer.render().text


def test_an_entry_chosen_from_a_gaps_menu_shows_its_answer_before_anything_is_added(local):
    """Found by QA: the menu offered the vegan entry (24% sure, for "food") for "my son has a nut
    allergy, is the food safe?"; one choice, and /faq answered allergies "fully vegan"."""
    not_helpful(local, "ana", "how do i pause my subscription")
    cancel = local.services.faq.entry("cancel_subscription")
    assert re.search(  # each with how sure /faq is of it, surest first
        rf"\[1 Add as a phrasing of…: {re.escape(cancel.question)} \(\d+% sure in /faq now\)",
        gaps_reply(local).render().text,
    )
    (asked,) = local.workspace.choose("lee", cancel.question)
    line = cancel.source.rpartition(":")[2]
    assert asked.render().text.startswith(
        f"Add “how do i pause my subscription” as a phrasing of “{cancel.question}” "
        f"(`cancel_subscription`, `knowledge/account.yaml:{line}`)? /faq will answer it, and "
        f"questions like it, with:\n> {cancel.answer.splitlines()[0][:40]}"
    )
    assert asked.render().text.endswith(
        "If that answer is not right for it, make it a new entry instead.\n"
        "[1 Add as its phrasing] [2 New entry]"
    )
    assert local.services.faq.entry("cancel_subscription") == cancel  # nothing added yet
    (modal,) = local.workspace.click("lee", "New entry")
    assert "Question: how do i pause my subscription" in modal.render().text


@pytest.mark.writes_content
def test_the_new_entry_modal_fills_in_the_wordings_that_read_as_its_question_and_names_the_rest(
    local,
):
    for rep, text in [("ana", "can you gift wrap my box"), ("ben", "do you do gift wrapping"),
                      ("ana", "gift wrap for a birthday?")]:  # fmt: skip
        ask(local, rep, text)
        local.workspace.click(rep, "None of these")
    text = gaps_reply(local).render().text
    assert "3× “can you gift wrap my box”" in text  # one need
    # what reps turned down was named just above: no *other* entry comes close
    assert "No other FAQ entry comes close to it: make it a new entry, or ignore it." in text
    (modal,) = local.workspace.click("lee", "New entry")
    shown = modal.render().text
    assert "Other ways customers ask it, one per line (optional): do you do gift wrapping\n" in (
        shown
    )
    assert (
        "↳ Also asked in this group, in other words: “gift wrap for a birthday?”. Add those "
        "this answer is right for, one per line."
    ) in shown
    local.workspace.fill("Answer", "Yes: gift wrap is 2 euros at checkout.", "lee")
    (after,) = [r for r in local.workspace.submit("lee") if r.kind != "modal"]
    text = after.render().text
    entry = local.services.faq.entry("can_you_gift_wrap_my_box")
    assert entry.variants == ("do you do gift wrapping",)
    # the wording it left out is closed only as /faq answers it with the entry now
    (tried,) = local.workspace.command("lee", "/kb", "try gift wrap for a birthday?")
    answered = "Answered* with `can_you_gift_wrap_my_box`" in tried.render().text
    assert ("Once: “gift wrap for a birthday?”" in text) is not answered


@pytest.mark.writes_content
def test_a_gap_in_the_words_of_an_entry_reps_turned_down_asks_for_a_better_answer(local):
    """Found by QA: "how do i cancel my subscription", marked not helpful, offered "Add as a
    phrasing of “I cancelled my subscription but you still charged me”"; added, /faq asked
    "did you mean" between the two, worse than before."""
    cancel = local.services.faq.entry("cancel_subscription")
    not_helpful(local, "ana", "how do i cancel my subscription")
    reply = gaps_reply(local)
    text = reply.render().text
    assert re.search(
        r"It is how “How do I cancel my subscription\?” is asked already: /faq is (9\d)% sure of "
        r"`cancel_subscription` for it, ",
        text,
    )
    line = cancel.source.rpartition(":")[2]
    assert (
        f"and reps marked that answer not helpful. Improve the answer, in "
        f"`knowledge/account.yaml:{line}`: added to another entry, the question would get a "
        "“did you mean” between the two."
    ) in text
    assert not [e for e in reply.elements if e.label.startswith("Add as a phrasing of “")]
    assert "New entry" not in [e.label for e in reply.elements]  # it would be refused
    # the menu says how sure /faq is of each entry now, as /kb try does (with the entry reps
    # turned down left out, the other read 66%)
    charged = local.services.faq.entry("charged_after_cancel")
    (tried,) = local.workspace.command("lee", "/kb", "try how do i cancel my subscription")
    sure = re.search(r"`charged_after_cancel` · (\d+)%", tried.render().text)[1]
    assert f"{charged.question} ({sure}% sure in /faq now)" in text
    # chosen, it is not promised an answer /faq would not give, and the lead is warned first
    (asked,) = local.workspace.choose("lee", charged.question)
    shown = asked.render().text
    assert (
        ":warning: Not answered with `charged_after_cancel` even then: with the phrasing, /faq "
        "asks “did you mean” between `cancel_subscription` ("
    ) in shown and "/faq will answer it" not in shown
    assert re.search(
        r":warning: It would change how /faq answers questions it answers now: “how do i cancel "
        r"my subscription” \(answered now with `cancel_subscription`, 9\d% sure; then /faq asks "
        r"“did you mean” between",
        shown,
    )
    assert local.services.faq.entry("charged_after_cancel") == charged  # nothing added yet
    # a lead who adds it all the same is told what /faq does now...
    (after,) = local.workspace.click("lee", "Add as its phrasing")
    text = after.render().text
    assert "Added “how do i cancel my subscription” as a phrasing of `charged_after_cancel`" in text
    assert (
        ":warning: /faq now asks “did you mean” for “how do i cancel my subscription”, between "
        "`cancel_subscription` ("
    ) in text and "/kb try shows each entry with its file and line." in text
    # ...and the gap never offers that add again: it says it is done, and the ways out
    for reply in (after, gaps_reply(local)):
        text = reply.render().text
        assert not [e for e in reply.elements if e.value == "charged_after_cancel"]
        assert (
            "It is a phrasing of “I cancelled my subscription but you still charged me” "
            f"(`charged_after_cancel`, `knowledge/{Path(charged.source).name}`) already, yet "
            "/faq asks “did you mean” between `cancel_subscription` ("
        ) in text
        assert (
            "Take the phrasing out if that answer is not the one for it, or improve "
            f"`cancel_subscription`'s answer in `knowledge/account.yaml:{line}`, which reps "
            "marked not helpful for it."
        ) in text


@pytest.mark.writes_content
def test_a_turned_down_answer_to_an_entrys_own_question_or_a_leads_phrasing_wants_improving(
    local,
):
    """Found by QA: an entry's own question marked not helpful read "It is a phrasing of ...
    already, yet /faq answers it with" that entry, "Take the phrasing out"; a phrasing the lead
    had just added, marked not helpful, did not say the lead added it, and was grouped under
    "can I pause my deliveries for a month" with "any update on my delivery??" (a shared
    "delivery"; "pause" is what makes the first specific)."""
    charged = local.services.faq.entry("charged_after_cancel")
    gone = local.services.faq.entry("box_late")  # offered for it: where_is_my_box turned down
    ask(local, "ana", "any news about my delivery")
    local.workspace.click("ana", "None of these")
    not_helpful(local, "ana", "can I pause my deliveries for a month")
    ask(local, "ben", "any update on my delivery??")  # no good match, with word vectors
    text = gaps_reply(local).render().text
    assert "3 questions in 3 groups" in text  # how reps' clicks join two: test_gaps.py
    assert "Once: “can I pause my deliveries for a month”*\n/faq answered it with “" in text
    assert "Also asked" not in text
    added_on = day(local.services.store.clock.now())
    local.workspace.choose("lee", gone.question)
    local.workspace.click("lee", "Add as its phrasing")
    not_helpful(local, "ana", "any news about my delivery")
    not_helpful(local, "ben", "any news about my delivery")
    not_helpful(local, "ben", charged.question)
    text = gaps_reply(local).render().text
    assert (
        f"It is the question of `charged_after_cancel` itself: /faq answers it with it, "
        f"{AS_A_PHRASING:.0f}% sure, and reps marked that answer not helpful. Improve the "
        f"answer, in `knowledge/{Path(charged.source).name}`."
    ) in text
    assert (
        f"@{LEE} added it as a phrasing of “{gone.question}” (`box_late`, "
        f"`knowledge/{Path(gone.source).name}`) on {added_on}; /faq answers it with it, "
    ) in text
    assert (
        "reps marked that answer not helpful. Improve the answer, or take the phrasing out if "
        "that answer is not the one for it."
    ) in text
    assert "already, yet" not in text
    assert "Once: “any update on my delivery??”" in text  # not under the lead's phrasing


@pytest.mark.writes_content
def test_a_new_entry_is_refused_an_entrys_question_and_closes_no_gap_it_does_not_answer(local):
    """Found by QA: "How do I cancel my subscription?" became a second entry (/faq then showed
    two identical buttons), and the vegan meals gap counted as closed in the weekly summary."""
    cancel = local.services.faq.entry("cancel_subscription")
    new_entry_for_vegan_meals(local)
    local.workspace.fill("Question", "How do I cancel my subscription?", "lee")
    local.workspace.fill("Answer", "Go to account.", "lee")
    (still_open,) = local.workspace.submit("lee")
    assert still_open.kind == "modal"
    line = cancel.source.rpartition(":")[2]
    assert (
        "Customers ask “How do I cancel my subscription?” (cancel_subscription, "
        f"knowledge/account.yaml:{line}) this way already: it reads as that entry, "
    ) in still_open.render().text
    assert len(local.services.faq.entries) == 55
    local.workspace.fill("Question", "Do you deliver on Sundays?", "lee")
    (after,) = [r for r in local.workspace.submit("lee") if r.kind != "modal"]
    text = after.render().text
    assert "Added the entry `do_you_deliver_on_sundays`" in text
    assert (
        "“do you have vegan meals” is still not answered (/faq has no good match for it), so "
        "its gap stays on the list"
    ) in text
    assert "Once: “do you have vegan meals”" in text
    db = local.services.store.db
    assert db.execute("SELECT count(*) FROM gap_resolutions").fetchone() == (0,)


def test_the_usage_line_and_the_home_tab_say_the_days_kb_gaps_lists(local):
    (reply,) = local.workspace.command("lee", "/kb", "")
    assert "questions the FAQ could not answer in the last 7 days" in reply.render().text
    (home,) = [r for r in local.open_home(member("lee")) if r.kind == "home"]
    text = home.render().text
    assert "FAQ gaps of the last 7 days (/kb gaps)" in text
    assert "No FAQ gaps in the last 7 days." in text and "this week" not in text


@pytest.mark.writes_content
def test_a_new_entry_closes_the_wordings_faq_answers_with_it_as_kb_try_shows(local):
    """Found by QA: "are your meals suitable for vegans" was left on the list as "not asked
    the entry's way" while /kb try said /faq answered it with the new entry, 100% sure."""
    ask(local, "ana", "do u have vegan meals??")
    ask(local, "ben", "are your meals suitable for vegans")
    assert "2× “do u have vegan meals??”" in gaps_reply(local).render().text
    local.workspace.click("lee", "New entry")
    local.workspace.fill("Question", "do you have vegan meals", "lee")
    local.workspace.fill("Answer", "Yes: our Green box is fully vegan.", "lee")
    (after,) = [r for r in local.workspace.submit("lee") if r.kind != "modal"]
    text = after.render().text
    assert "Added the entry `do_you_have_vegan_meals`" in text
    assert "not answered" not in text and "No more FAQ gaps to review" in text
    (tried,) = local.workspace.command("lee", "/kb", "try are your meals suitable for vegans")
    assert "Answered* with `do_you_have_vegan_meals`" in tried.render().text


@pytest.mark.writes_content
def test_a_phrasing_leaves_on_the_list_a_wording_faq_still_cannot_answer(local):
    """Found by QA: adding the group's question as a phrasing closed the whole group, "No more
    FAQ gaps", while /faq still asked "did you mean" for its other wording."""
    not_helpful(local, "ana", "can I pause deliveries over christmas")
    away = "I'm away at christmas can you hold my deliveries"
    not_helpful(local, "ben", away)
    assert f"2× “can I pause deliveries over christmas”*\nAlso asked: “{away}”" in (
        gaps_reply(local).render().text
    )
    days = local.services.faq.entry("delivery_days")
    local.workspace.choose("lee", days.question)
    (after,) = local.workspace.click("lee", "Add as its phrasing")
    text = after.render().text
    assert "Added “can I pause deliveries over christmas” as a phrasing of `delivery_days`" in text
    assert (
        f"Still not answered, so left on the list: “{away}” (/faq asks “did you mean” between "
        "`delivery_days` ("
    ) in text
    assert f"Once: “{away}”" in text and "No more FAQ gaps" not in text
    (tried,) = local.workspace.command("lee", "/kb", f"try {away}")
    assert "*Did you mean*" in tried.render().text
    db = local.services.store.db
    assert db.execute("SELECT count(*) FROM gap_resolutions").fetchone() == (1,)


@pytest.mark.writes_content
def test_an_entrys_own_question_two_reps_turned_down_still_asks_for_a_better_answer(local):
    """Found by QA: once two reps' Not helpful was learned, the gap offered another entry's
    one-click add instead, and said reps chose "None of these"."""
    not_helpful(local, "ana", "how do i cancel my subscription")
    not_helpful(local, "ben", "how do i cancel my subscription")
    local.wait(timedelta(minutes=1))  # learned: /faq only offers it now
    (tried,) = local.workspace.command("lee", "/kb", "try how do i cancel my subscription")
    assert "reps turned `cancel_subscription` down" in tried.render().text
    reply = gaps_reply(local)
    text = reply.render().text
    assert (
        "It is how “How do I cancel my subscription?” is asked already: /faq is 49% sure of "
        "`cancel_subscription` for it, and reps marked that answer not helpful. Improve the answer"
    ) in text
    labels = [e.label for e in reply.elements]
    assert not [label for label in labels if label.startswith("Add as a phrasing of “")]
    assert labels[-1] == "Ignore" and "New entry" not in labels


SATURDAY = "can I change the delivery day to saturday"


def test_a_gap_two_reps_marked_an_answer_not_helpful_for_points_at_that_answer(local):
    """Found by QA: "can I change the delivery day to saturday", answered with `delivery_days`
    93% sure and marked not helpful by two reps, named that entry and then offered only adds to
    the payment date and the delivery address, 3% sure in /faq: nothing said where to improve
    the answer reps turned down."""
    days = local.services.faq.entry("delivery_days")
    line = days.source.rpartition(":")[2]
    not_helpful(local, "ana", SATURDAY)
    not_helpful(local, "ben", SATURDAY)
    local.wait(timedelta(minutes=2))  # learned: /faq only offers it now
    reply = gaps_reply(local)
    text = reply.render().text
    assert re.search(
        rf"/faq answered it with “{re.escape(days.question)}” \(`delivery_days`, \d+% sure\), "
        rf"and reps marked that answer not helpful for it\. Improve the answer, in "
        rf"`knowledge/delivery\.yaml:{line}`",
        text,
    )
    assert "Marked not helpful for it" not in text  # said once, with where
    # /faq puts the others at 3% now: no one-click add to them
    assert not [e for e in reply.elements if e.type == "static_select"]
    assert not [e for e in reply.elements if e.label.startswith("Add as a phrasing")]


def test_one_reps_picks_read_as_theirs_not_as_reps_agreeing(local):
    """Found by QA: "Reps keep picking" an entry that only ana had picked, three times."""
    for _ in range(3):
        ask(local, "ana", "money taken twice??")
        local.workspace.click("ana", "I've been charged twice for the same box")
        local.wait(timedelta(minutes=6))  # not a retype of the same question
    text = gaps_reply(local).render().text
    assert (
        f"@{member('ana').id} keeps picking “I've been charged twice for the same box” "
        "(`double_charge`) for it (3 times; no other rep has)."
    ) in text
    assert "Reps keep picking" not in text


def test_a_long_pasted_message_is_listed_under_the_question_faq_answered(local):
    """Found by QA: a 5,000-character story ending in its question, answered 93% sure and
    marked not helpful, was listed under its opening words with "No other FAQ entry comes
    close to it: make it a new entry"."""
    story = "Last week the driver came on tuesday and nobody was home, so the box sat outside. "
    pasted = story * 62 + "Can I change the delivery day to saturday?"
    assert len(pasted) > 5000
    not_helpful(local, "ana", pasted)
    not_helpful(local, "ben", pasted)
    text = gaps_reply(local).render().text
    assert "2× “Can I change the delivery day to saturday”" in text
    assert "Last week" not in text and "No other FAQ entry comes close" not in text
    assert "/faq answered it with “Which days do you deliver" in text


def test_a_question_reps_turned_an_entry_down_for_and_later_picked_it_for_is_one_gap(local):
    """Found by QA: the same question was a gap marked not helpful on `delivery_days`, and a
    second gap where "Reps keep picking" it, each with its own advice."""
    not_helpful(local, "ana", SATURDAY)
    not_helpful(local, "ben", SATURDAY)
    local.wait(timedelta(minutes=2))
    for rep in ("sam", "lee"):
        (reply,) = ask(local, rep, SATURDAY)
        assert "Did you mean" in reply.render().text
        local.workspace.click(rep, "Which days do you deliver and can I change my delivery day?")
    text = gaps_reply(local).render().text
    assert "in 1 group" in text and "Reps keep picking" not in text
    assert (
        "Picked for it since, from a “did you mean”: “Which days do you deliver and can I change "
        f"my delivery day?” (`delivery_days`), 2 times, by 2 reps: @{member('sam').id} and "
        f"@{member('lee').id}."
    ) in text
