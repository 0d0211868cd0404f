"""/draft and /tone end to end: signed requests in, the emulator as Slack."""

import json
import re
from pathlib import Path

import pytest

from bot.coaching.tone import check_tone, load_tone_rules
from bot.demo import LocalSlack
from bot.emulator.team import member
from bot.slack.blocks import coach as coach_blocks

ANA = member("ana").id


def one(replies):
    (reply,) = [r for r in replies if r.kind == "ephemeral"]
    return reply


def rows(local: LocalSlack, sql: str) -> list[tuple]:
    return local.services.store.db.execute(sql).fetchall()


def test_tone_names_the_phrases_that_hurt_with_a_rewrite_and_is_stored(local):
    reply = one(local.workspace.command(
        "ana", "/tone", "Unfortunately we can't refund you, as per policy you need to return it"
    ))  # fmt: skip
    text = reply.render().text
    assert text.startswith("*Tone ") and "/100*" in text and "phrases to change" in text
    assert "can't" in text.lower() and "policy" in text.lower()
    assert "The whole text, rewritten:" in text
    ((score, flags),) = rows(local, "SELECT score, flags FROM tone_checks")
    assert score < 90 and len(json.loads(flags)) >= 3


def test_a_clean_reply_gets_a_clean_bill(local):
    reply = one(local.workspace.command(
        "ana", "/tone", "Thanks for waiting! I've sent a new box today, it will be there Friday."
    ))  # fmt: skip
    assert "100/100" in reply.render().text and "clean bill" in reply.render().text


def test_tone_and_draft_without_text_explain_themselves(local):
    assert one(local.workspace.command("ana", "/tone", "")).render().text.startswith("Usage: /tone")
    for text in ["", "Maria:", "C-1001 Maria:", "C-1001"]:  # a name or case, and nothing said
        reply = one(local.workspace.command("ana", "/draft", text)).render().text
        assert reply.startswith("Usage: /draft"), text
    for emoji in ("🙂👍", ":smile: :+1:"):  # as typed, or as Slack sends its picker's emoji
        said = one(local.workspace.command("ana", "/tone", emoji)).render().text
        assert "There are no words to check" in said, emoji  # not a clean 100 for the average
    french = one(local.workspace.command("ana", "/tone", "Nous ne pouvons pas vous rembourser."))
    assert "the tone check reads English" in french.render().text
    assert rows(local, "SELECT count(*) FROM drafts") == [(0,)]
    assert rows(local, "SELECT count(*) FROM tone_checks") == [(0,)]


def test_a_draft_naming_someone_else_than_the_cases_customer_says_so(local):
    local.workspace.command("ana", "/case", "Maria Lopez, parcel not arrived")
    local.workspace.click("ana", "Create")  # C-1001, Maria Lopez's
    for name, warned in (("Maria", False), ("Maria Lopez", False), ("Sam", True)):
        reply = one(local.workspace.command("ana", "/draft", f"C-1001 {name}: my parcel is late"))
        text = reply.render().text
        assert ("C-1001 is Maria Lopez's case, not" in text) is warned, text
        assert "Your case reference is C-1001." in text  # the draft itself is as asked


def test_a_draft_on_a_case_without_a_name_greets_the_cases_customer(local):
    """Found by a QA play: "/draft C-1: ..." read the case reference as the name, "Hi C-1,"."""
    local.workspace.command("ana", "/case", "Maria Lopez, parcel not arrived")
    local.workspace.click("ana", "Create")  # C-1001, Maria Lopez's
    for typed in ("C-1001: my parcel is late", "C-1001 my parcel is late"):
        reply = one(local.workspace.command("ana", "/draft", typed))
        text = reply.render().text
        assert "for Maria · case C-1001" in text and "Hi Maria," in text, text
        assert "C-1001," not in text and "Your case reference is C-1001." in text
        assert reply.text.startswith("Hi Maria,")  # the phone


def test_a_second_reference_or_a_word_with_digits_is_never_greeted_as_a_name(local):
    """Found by a QA play: "/draft C-1001: C-1002: where is my box" greeted "Hi C-1002,"."""
    local.workspace.command("ana", "/case", "Maria Lopez, parcel not arrived")
    local.workspace.click("ana", "Create")  # C-1001, Maria Lopez's
    for second in ("C-1002:", "BX-10001:", "Order 55012:"):
        reply = one(local.workspace.command("ana", "/draft", f"C-1001: {second} where is my box"))
        text = reply.render().text
        assert "for Maria · case C-1001" in text and "Hi Maria," in text, text
        assert reply.text.startswith("Hi Maria,")  # the phone
    # with no case to greet from, the customer is "there", never the reference
    reply = one(local.workspace.command("ana", "/draft", "C-1042: C-1002: where is my box"))
    assert reply.text.startswith("Hi there,")
    assert "for C-1002" not in reply.render().text


def test_a_draft_is_can_do_with_a_time_and_its_buttons_change_it(local):
    local.workspace.command("ana", "/case", "Maria Lopez, parcel not arrived")
    local.workspace.click("ana", "Create")  # a new customer: C-1001
    reply = one(local.workspace.command(
        "ana", "/draft", "C-1001 Maria: my parcel STILL hasn't arrived!! this is the 2nd time"
    ))  # fmt: skip
    text = reply.render().text
    assert "for Maria · case C-1001" in text
    assert "Your case reference is C-1001." in text
    assert "parcel" in text  # the customer's own word
    assert [e.label for e in reply.elements] == [
        "Use this", "Shorter", "More formal", "Another version", "Not helpful",
    ]  # fmt: skip
    ((user, case, name, score, due),) = rows(
        local, "SELECT user_id, case_id, customer_name, tone_score, due_at FROM drafts"
    )
    assert (user, case, name) == (ANA, "C-1001", "Maria") and score >= 90 and due
    assert local.fake.calls_to("users.info")  # the rep's time zone, for "by 3 pm"
    draft = text.split("\n")[2]
    shorter = one(local.workspace.click("ana", "Shorter")).render().text
    assert len(shorter) < len(text)
    assert "as short as" not in shorter
    # pressed again, the same draft comes back, and says why (a QA play saw nothing change)
    again = one(local.workspace.click("ana", "Shorter")).render().text
    assert again.startswith("This is as short as this reply gets.\n*Draft reply*")
    assert again.split("\n", 1)[1] == shorter
    another = one(local.workspace.click("ana", "Another version")).render().text
    assert another != shorter
    formal = one(local.workspace.click("ana", "More formal")).render().text
    assert formal != another and draft
    used = one(local.workspace.click("ana", "Use this"))
    assert "Logged as sent." in used.render().text and used.elements == ()
    assert rows(local, "SELECT count(*) FROM drafts WHERE used_at IS NOT NULL") == [(1,)]
    assert rows(local, "SELECT count(*) FROM drafts") == [(5,)]


def test_not_helpful_is_recorded(local):
    local.workspace.command("ana", "/draft", "how do i change my card")
    done = one(local.workspace.click("ana", "Not helpful"))
    assert "not helpful" in done.render().text
    assert rows(local, "SELECT helpful FROM drafts") == [(0,)]


def test_emoji_or_another_language_gets_a_polite_note_not_a_draft(local):
    spanish = "¿Dónde está mi paquete? Lo pedí hace dos semanas y no ha llegado"
    for text in ["📦📦😡", ":package: :rage:", spanish]:
        reply = one(local.workspace.command("ana", "/draft", text))
        assert reply.elements == ()
        assert "Usage" not in reply.render().text
    assert rows(local, "SELECT count(*) FROM drafts") == [(0,)]


def test_customer_markup_stays_text_in_the_draft(local):
    # What the rep pastes, Slack escapes and encodes; the draft shows it as words, never as
    # a live mention or link, and escapes "M&S" once.
    (reply,) = local.workspace.command(
        "ana", "/draft", "@here my box from M&S <@U123> never came <https://x.io|link>"
    )
    shown = json.dumps(reply.blocks) + reply.text
    assert "<!here>" not in shown and "<@U123>" not in shown and "<https://x.io" not in shown
    assert "&amp;amp;" not in shown and "&amp;lt;" not in shown


def test_a_draft_from_a_faq_answer(local):
    local.workspace.command("ana", "/faq", "i forgot my password")
    draft = one(local.workspace.click("ana", "Draft a reply"))
    assert "Use this" in [e.label for e in draft.elements]
    assert rows(local, "SELECT entry_id FROM drafts") == [("password_reset",)]


def test_without_slack_s_time_zone_the_draft_still_comes(local):
    local.fake.fail("users.info", status=500, times=10)
    reply = one(local.workspace.command("ana", "/draft", "my box is damaged"))
    assert "Use this" in [e.label for e in reply.elements]


@pytest.mark.writes_content
def test_a_broken_template_keeps_the_last_good_playbooks(local):
    templates = local.settings.playbooks_dir / "templates"
    reply_template = sorted(templates.glob("*.j2"))[0]
    reply_template.write_text(reply_template.read_text() + "\n{{ no_such_thing }}\n")
    report = one(local.workspace.command("lee", "/kb", "reload")).render().text
    assert "The playbooks have errors" in report and reply_template.name in report
    assert "Use this" in [
        e.label for e in one(local.workspace.command("ana", "/draft", "my box is late")).elements
    ]


def test_four_thousand_characters_are_handled(local):
    long = ("my box arrived damaged and the eggs were broken, " * 90)[:4000]
    draft = one(local.workspace.command("ana", "/draft", long))
    assert "Use this" in [e.label for e in draft.elements]
    tone = one(local.workspace.command("ana", "/tone", ("we can't do that. " * 250)[:4000]))
    assert "/100*" in tone.render().text


def test_a_draft_with_no_faq_match_hears_the_upset_and_names_the_problem_in_a_few_words(local):
    message = "I am very upset, my hamper never turned up"  # the FAQ knows boxes, not hampers
    reply = one(local.workspace.command("ana", "/draft", message))
    text = reply.render().text
    assert "The customer sounds angry (“upset”)." in text
    assert "sounds neutral" not in text
    assert "you'd like some help with your missing hamper." in text
    assert "I am very upset" not in text.split("\n", 2)[2]  # the draft never quotes the message


@pytest.mark.parametrize(
    "message",
    [
        "Hi, I hope you're well. Which days do you deliver? Thanks, Sue",
        "Hi, I hope this email finds you well. Which days do you deliver? Thanks, Sue",
        "Hope you had a good weekend! Which days do you deliver?",
        "I hope you can help. Which days do you deliver?",
    ],
)
def test_a_courtesy_is_not_answered_as_worry(local, message):
    """Found by a new-user QA play: "The customer sounds anxious (“I hope”)", and a reply
    opening "I understand this is worrying" to a customer asking which days we deliver."""
    text = one(local.workspace.command("ana", "/draft", message)).render().text
    assert "The customer sounds neutral." in text
    assert "worrying" not in text and "anxious" not in text
    assert "I can see that you'd like to set up where and when your box arrives." in text
    worried = "I hope it arrives before the wedding! Which days do you deliver?"
    text = one(local.workspace.command("ana", "/draft", worried)).render().text
    assert "The customer sounds anxious (“I hope”)." in text


@pytest.mark.parametrize(
    "message",
    [
        "Dear team, I hope this finds you well. Kind regards, Jo",
        "Hi, hope you're having a good week. Regards",
        "I hope it arrives before the wedding!",
    ],
)
def test_a_problem_is_never_named_from_courtesies_or_from_when_it_is_needed(local, message):
    """Found by a QA play: with no FAQ match, the drafts offered help "with the finds", "with
    the good week Regards" and "with the wedding"."""
    reply = one(local.workspace.command("ana", "/draft", message))
    assert "I can see that you'd like some help with this." in reply.text
    assert "situation `general`" in reply.render().text


@pytest.mark.parametrize(
    "message",
    [
        "I'm not upset, just asking about delivery days",
        "I'm not angry or anything, which days do you deliver?",
        "No rush, but which days do you deliver?",
        "It's not urgent, just asking which days you deliver",
    ],
)
def test_a_feeling_the_customer_says_they_do_not_have_neither_shows_nor_hides_the_question(
    local, message
):
    """Found by a new-user QA play: "I'm not upset, just asking about delivery days" was
    drafted as "you need a hand with this" (no situation), while the question alone gets the
    delivery one."""
    text = one(local.workspace.command("ana", "/draft", message)).render().text
    assert "The customer sounds neutral." in text
    assert "I can see that you'd like to set up where and when your box arrives." in text
    assert "situation `delivery_setup`" in text


def test_each_formal_version_of_a_draft_with_no_situation_reads_as_a_letter(local):
    """Found by a new-user QA play: a formal "Another version" read "Happy to help with this. I
    note that you need a hand with this."."""
    local.workspace.command("ana", "/draft", "can you help me with something odd")
    shown = [one(local.workspace.click("ana", "More formal")).render().text]
    shown += [one(local.workspace.click("ana", "Another version")).render().text for _ in "123"]
    openings = [text.split("Dear customer,\n\n")[1].split("\n")[0] for text in shown]
    assert openings == [
        "Thanks for getting in touch. I see from your message that you'd like some help with this.",
        "Thank you for your message. You have let me know that you'd like some help with this.",
        "Thanks for reaching out to us. I see from your message that you'd like some help with"
        " this.",
        "I'm glad you got in touch. You have let me know that you'd like some help with this.",
    ]


def test_a_draft_for_a_case_that_does_not_exist_leaves_the_reference_out_and_says_so(local):
    text = one(local.workspace.command(
        "ana", "/draft", "C-1042 Maria: my parcel STILL hasn't arrived!!"
    )).render().text  # fmt: skip
    assert "There is no case C-1042, so the draft leaves the case reference out." in text
    assert "Hi Maria," in text and "case reference is" not in text and "Case C-1042" not in text
    assert "· case C-1042" not in text
    assert rows(local, "SELECT case_id, customer_name FROM drafts") == [(None, "Maria")]
    shorter = one(local.workspace.click("ana", "Shorter")).render().text
    assert "C-1042" not in shorter


def test_the_issue_13_tone_rewrite_is_a_sentence_with_the_part_to_fill_in_bold(local):
    text = one(local.workspace.command(
        "ana", "/tone", "unfortunately we can't do that, as I said"
    )).render().text  # fmt: skip
    assert "Leave it out: “We can *[add: what you can do]* rather than do that.”" in text
    assert "*The whole text, rewritten:*\nWe can *[add: what you can do]* rather than do that." in (
        text
    )
    assert "Fill in the parts in brackets before you send it." in text
    assert "As it stands" not in text and "just to recap" not in text.lower()
    clean = one(local.workspace.command("ana", "/tone", "Sadly, it's sold out.")).render().text
    assert "It's sold out." in clean and "brackets" not in clean


def test_tone_gives_each_phrase_its_own_bullet_and_a_notification_that_names_them(local):
    typed = "that's impossible, policy really doesn't allow us to"
    reply = one(local.workspace.command("ana", "/tone", typed))
    text = reply.render().text
    bullets = [line for line in text.split("\n") if line.startswith("• ")]
    assert [bullet.split(":", 1)[0] for bullet in bullets] == [
        "• “impossible”", "• “policy really doesn't allow us to”",
    ]  # fmt: skip
    # The sentence is said anew, once, and the no stays a no.
    assert bullets[0].endswith(
        f"Instead of “{typed}”, try: “Here's what I can do instead: *[add: what you can do]*.”"
    )
    assert bullets[1].endswith("The sentence above, said another way, leaves it out too.")
    assert "possible once" not in text and "will let" not in text
    assert reply.text == (
        "Tone 70/100: 2 phrases to change: “impossible”, “policy really doesn't allow us to”"
    )

    several = (
        "Unfortunately we can't refund you, policy says 30 days. "
        "As I said, u need to call the courier."
    )
    reply = one(local.workspace.command("ana", "/tone", several))
    text = reply.render().text
    bullets = [line for line in text.split("\n") if line.startswith("• ")]
    assert len(bullets) == 5  # one a phrase, none crammed into another's
    assert bullets[1].endswith(
        "Say “can *[add: what you can do]* rather than” instead, as in the sentence above."
    )
    assert bullets[3].endswith(
        "Say “just to recap,” instead: “Just to recap, I'll get in touch with the courier.”"
    )
    assert not re.search(r"\w\*\[|\]\*\w", text)  # a part to fill in never glued to a word
    assert reply.text == (
        "Tone 30/100: 5 phrases to change: “Unfortunately”, “can't”, “policy says” and 2 more"
    )


def test_a_phrase_said_again_and_again_is_named_once_with_a_count_and_rewritten_once(local):
    """Found by a new-user QA play: the notification read "“as per policy”, “as per policy”,
    “as per policy”", three bullets gave the same advice, and the rewrite was "As a rule as a
    rule as a rule."."""
    reply = one(
        local.workspace.command("ana", "/tone", "as per policy as per policy as per policy")
    )
    assert reply.text == "Tone 55/100: 1 phrase to change: “as per policy” (3 times)"
    text = reply.render().text
    assert bullets_of(text) == [
        "• “as per policy” (3 times): Hiding behind policy sounds like we don't care; explain how"
        " it works and why. Say “as a rule” instead: “As a rule.”"
    ]
    assert text.endswith("*The whole text, rewritten:*\nAs a rule.")
    # in two sentences too: one bullet a phrase, where it is first said
    twice = "As per policy, we refund in 5 days. as per policy we can't refund a gift."
    reply = one(local.workspace.command("ana", "/tone", twice))
    assert reply.text == "Tone 55/100: 2 phrases to change: “As per policy” (2 times), “can't”"
    text = reply.render().text
    assert [bullet.split(":", 1)[0] for bullet in bullets_of(text)] == [
        "• “As per policy” (2 times)", "• “can't”",
    ]  # fmt: skip
    assert text.endswith(
        "As a rule, we refund in 5 days. As a rule we can *[add: what you can do]* rather than"
        " refund a gift.\nFill in the parts in brackets before you send it."
    )


def test_a_sentence_or_clause_typed_again_and_again_is_one_bullet_a_phrase_and_said_once(local):
    """Found by a QA play: "As per policy we cannot." typed four times listed 8 bullets, the
    same two four times over, under a notification that said "(4 times)"; and "as I said" said
    three times was rewritten "Just to recap,, we can ..., we can ..., we can ..."."""
    reply = one(local.workspace.command("ana", "/tone", " ".join(["As per policy we cannot."] * 4)))
    assert reply.text == (
        "Tone 0/100: 2 phrases to change: “As per policy” (4 times), “cannot” (4 times)"
    )
    text = reply.render().text
    assert text.startswith("*Tone 0/100*: 2 phrases to change\n")
    assert bullets_of(text) == [
        "• “As per policy” (4 times): Hiding behind policy sounds like we don't care; explain how"
        " it works and why. Say “as a rule” instead: “As a rule we can *[add: what you can do]*.”",
        "• “cannot” (4 times): The customer hears the no and stops reading; lead with what you can"
        " do. Say “can *[add: what you can do]*” instead, as in the sentence above.",
    ]
    assert "*The whole text, rewritten:*\nAs a rule we can *[add: what you can do]*.\n" in text

    typed = (
        "as I said, as I said, as I said, unfortunately unfortunately we can't, we can't, we can't"
    )
    reply = one(local.workspace.command("ana", "/tone", typed))
    assert reply.text == (
        "Tone 0/100: 3 phrases to change: “as I said” (3 times), “unfortunately” (2 times),"
        " “can't” (3 times)"
    )
    text = reply.render().text
    assert [bullet.split(":", 1)[0] for bullet in bullets_of(text)] == [
        "• “as I said” (3 times)", "• “unfortunately” (2 times)", "• “can't” (3 times)",
    ]  # fmt: skip
    assert bullets_of(text)[0].endswith(
        "Say “just to recap,” instead: “Just to recap, we can *[add: what you can do]*.”"
    )
    assert "*The whole text, rewritten:*\nJust to recap, we can *[add: what you can do]*.\n" in (
        text
    )


def test_a_long_sentence_is_cut_before_the_part_to_fill_in_never_inside_its_bold(local):
    """Found by a QA play: a 1,365-character sentence ending "..., we can't." showed its bullet
    cut inside the bold, "we can \\*[add: what you…", a stray asterisk."""
    typed = "I waited and " * 103 + "I waited, we can't."
    text = one(local.workspace.command("ana", "/tone", typed)).render().text
    (bullet,) = bullets_of(text)
    assert bullet.endswith("I waited, we can…") and "\\*" not in text


def test_a_flat_no_is_kept_honest_and_blame_is_never_a_clean_bill(local):
    """Found by a QA play: a refusal was rewritten as a promise to sort it out with the right
    team, and "it is your responsibility to" got "Tone 100/100: a clean bill"."""
    text = one(local.workspace.command("ana", "/tone", "That's not something we do.")).render().text
    assert "*The whole text, rewritten:*\nThat's not something we do, but what I can do is" in text
    assert "right team" not in text
    typed = "Please note that it is your responsibility to check the address."
    reply = one(local.workspace.command("ana", "/tone", typed))
    assert reply.text == "Tone 80/100: 1 phrase to change: “it is your responsibility to”"
    assert reply.render().text.endswith(
        "*The whole text, rewritten:*\nPlease note that the step we need from you is to check the"
        " address."
    )


def test_a_mention_before_a_phrase_keeps_its_honest_rewrite(local):
    """Found by a QA play: "@here you'll have to ring Barclays yourself" was offered "I'll take
    this up with [the right team] for you", a promise about the customer's own bank."""
    typed = "@here you'll have to ring Barclays yourself"
    text = one(local.workspace.command("ana", "/tone", typed)).render().text
    assert text.endswith(
        "rewritten:*\n@here the one who can sort this is Barclays, so please ring them."
    )
    assert "right team" not in text


def bullets_of(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("• ")]


def test_the_tone_report_escapes_the_reps_words_once_and_bolds_what_to_fill_in():
    rules, _ = load_tone_rules(Path(__file__).parent.parent / "playbooks")
    report = check_tone("<!channel> M&S orders: we can't refund those", rules)
    shown = json.dumps(coach_blocks.tone_report(report)["blocks"], ensure_ascii=False)
    assert "&lt;!channel&gt; M&amp;S orders: we can *[add: what you can do]* rather than" in shown
    assert "<!channel>" not in shown and "&amp;amp;" not in shown
    assert "Fill in the parts in brackets before you send it." in shown


def test_a_name_and_a_thing_with_accented_letters_are_kept_whole(local):
    text = one(local.workspace.command(
        "ana", "/draft", "Émile: the Café Crème pods never arrived"
    )).render().text  # fmt: skip
    assert "Hi Émile," in text
    assert "you'd like some help with the Café Crème pods." in text
    decomposed = "Jose\u0301: my box never came"  # "José" as a Mac may paste it
    again = one(local.workspace.command("ana", "/draft", decomposed)).render().text
    assert "Hi Jose\u0301," in again
    # a script without capitals (Chinese, Arabic) names a customer too; a lower-case word never
    assert (
        "Hi 李雷,"
        in one(local.workspace.command("ana", "/draft", "李雷: my box never came")).render().text
    )
    assert (
        "Hi there,"
        in one(local.workspace.command("ana", "/draft", "note: my box never came")).render().text
    )
    assert rows(local, "SELECT customer_name FROM drafts") == [
        ("Émile",),
        ("Jose\u0301",),
        ("李雷",),
        (None,),
    ]


def test_a_sentence_that_was_only_the_phrase_is_to_be_left_out_not_tried_as_a_full_stop(local):
    text = one(local.workspace.command(
        "ana", "/tone", "Unfortunately. We cannot refund you."
    )).render().text  # fmt: skip
    assert "“Unfortunately”: It announces bad news" in text and "Leave this sentence out." in text
    assert "Try: “.”" not in text
    rewritten = "*The whole text, rewritten:*\nWe can *[add: what you can do]* rather than"
    assert rewritten in text
    alone = one(local.workspace.command("ana", "/tone", "Unfortunately!")).render().text
    assert "Try: “!”" not in alone and "Leave this sentence out." in alone
    assert "Nothing is left of it once that goes" in alone


def test_the_shortest_spanish_is_noticed_and_english_with_a_borrowed_word_is_not(local):
    for command in ("/tone", "/draft"):
        reply = one(local.workspace.command("ana", command, "¡Mi caja llegó rota!"))
        assert "another language" in reply.render().text and "another language" in reply.text
    assert rows(local, "SELECT count(*) FROM drafts") == [(0,)]
    assert rows(local, "SELECT count(*) FROM tone_checks") == [(0,)]
    draft = one(local.workspace.command("ana", "/draft", "José says the café order came broken"))
    assert "another language" not in draft.render().text
    assert rows(local, "SELECT count(*) FROM drafts") == [(1,)]


@pytest.mark.parametrize(
    "message", ["Thanks so much, that's sorted now!", "Great, all working, thank you",
                "cheers that fixed it"],
)  # fmt: skip
def test_a_customer_who_only_thanks_us_gets_a_warm_closing_that_promises_nothing(local, message):
    """Found playing the demo: each of these was promised "an answer by 11:30 am tomorrow"."""
    local.workspace.command("ana", "/case", "Maria Lopez, parcel not arrived")
    local.workspace.click("ana", "Create")  # C-1001
    text = one(local.workspace.command("ana", "/draft", f"C-1001 Maria: {message}")).render().text
    assert "The customer thanks us and says it's sorted: a closing reply, with no promise" in text
    assert "Hi Maria," in text and "I'm so glad it's all sorted." in text
    assert "we're here to help any time." in text
    assert "Promises nothing · situation `closing`" in text
    assert "Here's what I can do" not in text and "tomorrow" not in text
    shorter = one(local.workspace.click("ana", "Shorter")).render().text
    assert "Hi Maria, so glad it's sorted!" in shorter and "Promises nothing" in shorter
    local.workspace.click("ana", "Use this")
    assert rows(local, "SELECT situation, due_at FROM drafts") == [("closing", None)] * 2
    card = one(local.workspace.command("ana", "/case", "C-1001")).render().text
    assert "Promises" not in card  # a closing sent is no promise to keep


def test_thanks_with_a_question_still_gets_the_can_do_draft_and_its_promise(local):
    reply = one(local.workspace.command("ana", "/draft", "Thanks, but where is my refund?"))
    shown = reply.render().text
    assert "The customer sounds neutral." in shown and "closing" not in shown
    assert "Promises a reply by " in shown and "situation `refund_status`" in shown
    ((due,),) = rows(local, "SELECT due_at FROM drafts")
    assert due


@pytest.mark.parametrize(
    ("typed", "rewritten"),
    [
        ("you'll have to ring your bank yourself & we can't chase them *sorry*",
         "The one who can sort this is your bank, so please ring them, ∗sorry∗."),
        ("Hi Tom you'll have to contact the courier yourself",
         "Hi Tom, I'll get in touch with the courier for you."),
        ("you'll have to contact the courier yourself 🙂",
         "I'll get in touch with the courier for you. 🙂"),
        ("Sorry, that's not a service we offer & never will",
         "Sorry, that's not a service we offer & never will, but what I can do is"
         " *[add: what you can do]*."),
    ],
)  # fmt: skip
def test_tone_rewrites_read_as_a_rep_would_write_them(local, typed, rewritten):
    """Four known defects: a "& we can't chase them *sorry*" left in beside the rewrite that
    answers it, "Hi Tom I'll ...", "for you 🙂." and a "Sorry, ..." said instead without it."""
    text = one(local.workspace.command("ana", "/tone", typed)).render().text
    assert f"*The whole text, rewritten:*\n{rewritten}" in text
