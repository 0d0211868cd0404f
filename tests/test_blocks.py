"""Block Kit for /faq: what the rep sees, with customer text shown literally."""

import html
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cases.card import CaseCard
from bot.cases.service import Case, Customer
from bot.cases.solutions import SolutionRecord
from bot.faq.knowledge import Entry
from bot.faq.matching import MatchResult, Scored
from bot.followups.reminders import Reminder
from bot.followups.service import Followup
from bot.guide import load_guide
from bot.shared.refusal import Code
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.blocks import faq as faq_blocks
from bot.slack.blocks import followups as followup_blocks
from bot.slack.blocks.home import home_view
from bot.slack.blocks.privacy import erase_modal

BOX = Entry("where_is_my_box", "Where is my box?", "Track it under Account > Orders.")
LATE = Entry("box_late", "My box is late", "We send a new one the same day.")
CARD = Entry("update_card", "How do I change my card?", "Account > Payment methods.")


def texts(message: dict) -> str:
    return json.dumps(message["blocks"])


def buttons(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_escape_makes_mentions_and_links_plain_text():
    assert base.escape("<!channel> <@U123> <https://evil|click> &<>") == (
        "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp;&lt;&gt;"
    )


def test_a_confident_match_shows_question_answer_and_feedback_buttons():
    result = MatchResult("where's my parcel", "answer", [Scored(BOX, 88.0), Scored(LATE, 40.0)])
    message = faq_blocks.faq_reply("where's my parcel", 7, result)
    assert "*Where is my box?*\\nTrack it under Account &gt; Orders." in texts(message)
    assert "88% sure" in texts(message)
    assert [(b["text"]["text"], b["value"]) for b in buttons(message)] == [
        ("Helpful", "7:where_is_my_box"),
        ("Not helpful", "7:where_is_my_box"),
        ("Draft a reply", "7:where_is_my_box"),
    ]


def marked_not_helpful(*others: Scored) -> base.Message:
    return faq_blocks.faq_feedback_given(BOX, "where's my parcel", False, (), (7, list(others)))


def test_not_helpful_offers_the_others_as_picks_and_nothing_when_none_is_close():
    others = marked_not_helpful(Scored(LATE, 40.0), Scored(CARD, 10.0))
    assert "Marked not helpful" in texts(others)
    assert "Was it one of these?" in texts(others)
    assert [(b["text"]["text"], b["value"]) for b in buttons(others)] == [
        ("My box is late", "7:box_late"),
        ("How do I change my card?", "7:update_card"),
        ("None of these", "7:box_late update_card"),  # every entry it turns down
    ]
    assert "Was it this one?" in texts(marked_not_helpful(Scored(LATE, 9)))
    nothing = marked_not_helpful()
    assert buttons(nothing) == []
    assert "Was it" not in texts(nothing)


def close_call(*matches: Scored) -> base.Message:
    return faq_blocks.faq_reply("box?", 3, MatchResult("box?", "suggest", list(matches)))


def labels(message: base.Message) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]


def test_a_close_call_offers_three_suggestions_and_none_of_these():
    message = close_call(Scored(BOX, 50.0), Scored(LATE, 48.0), Scored(CARD, 30.0))
    assert labels(message) == [
        "Where is my box?",
        "My box is late",
        "How do I change my card?",
        "None of these",
    ]
    action_ids = [b["action_id"] for b in buttons(message)]
    assert len(set(action_ids)) == len(action_ids)  # Slack refuses repeated action ids


def test_a_close_call_leaves_out_the_suggestions_with_little_chance():
    # under OFFER_AT (3%) a runner-up is right about 1 time in 50: a button a rep only reads
    message = close_call(Scored(BOX, 16.0), Scored(LATE, 3.0), Scored(CARD, 2.0))
    assert labels(message) == ["Where is my box?", "My box is late", "None of these"]
    assert message["text"] == "Did you mean “Where is my box?” for “box?”? Or one other."
    alone = close_call(Scored(BOX, 16.0), Scored(LATE, 2.9))
    assert alone["text"] == "Did you mean “Where is my box?” for “box?”?"  # no "one of these"
    assert labels(alone) == ["Where is my box?", "None of these"]


def test_no_match_says_the_question_went_to_the_team_leads():
    message = faq_blocks.faq_reply("bake bread", 1, MatchResult("bake bread", "none", []))
    assert "passed it to the team leads" in message["text"]
    assert buttons(message) == []


def test_customer_markup_appears_literally_in_every_reply():
    nasty = "<!channel> <@U123> <https://evil|click> &<>"
    for verdict, matches in [("answer", [Scored(BOX, 90)]), ("suggest", [Scored(BOX, 50)]),
                             ("none", [])]:  # fmt: skip
        message = faq_blocks.faq_reply(nasty, 1, MatchResult(nasty, verdict, matches))
        shown = texts(message)
        assert "<!channel>" not in shown and "<@U123>" not in shown and "<https" not in shown
        assert "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp;&lt;&gt;" in shown


def test_long_text_stays_inside_slack_limits():
    long_question = Entry("long", "why " * 60, "a" * 5000)
    message = faq_blocks.faq_reply(
        "x" * 4000, 1, MatchResult("x", "suggest", [Scored(long_question, 50)])
    )
    for block in message["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert all(len(b["text"]["text"]) <= 75 for b in buttons(message))
    answer = faq_blocks.faq_answer(long_question, "x" * 4000, 1, 90.0)
    assert all(len(b["text"]["text"]) <= 3000 for b in answer["blocks"] if b["type"] == "section")


def test_an_answer_with_two_more_for_the_rest_of_the_message_stays_inside_slacks_50_blocks():
    source = "/srv/repbot/knowledge/billing.yaml:12"  # where a server keeps the files
    huge = Entry("huge", "A question?", "word " * 40_000, source=source)  # over 40 sections
    also = [Scored(Entry(f"more{n}", "And this?", "word " * 40_000), 80.0) for n in (1, 2)]
    for built in (
        faq_blocks.faq_answer(huge, "asked", 1, 90.0, also),
        faq_blocks.faq_feedback_given(huge, "asked", True, also),
        faq_blocks.faq_feedback_given(huge, "asked", False, also, (1, [also[0]] * 3)),
    ):
        assert len(built["blocks"]) <= 50
        assert shown(built).count("The customer also asks:") == 2
        assert shown(built).count("The whole answer is in the FAQ") == 3  # what was left out
        # where a lead finds it, not the server's path
        assert "The whole answer is in the FAQ, knowledge/billing.yaml:12." in shown(built)
        assert "/srv" not in shown(built)


# One renderer: people's words go in raw and are escaped exactly once, inside the builders.

ENTITY = re.compile(r"&(?!amp;|lt;|gt;)|&[a-z]*$")  # a bare "&" or an entity cut short
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def shown(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def section_texts(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def followup(n: int, what: str) -> Followup:
    due = NOW + timedelta(hours=n)
    return Followup(n, "U0REP0001", None, what, due, "open", NOW, None)


def test_a_long_answer_is_split_between_words_and_reads_whole():
    words = ("refund " * 425 + "fish&chips <b> ") * 2  # "&" and "<" right at both cuts
    text = (words + "x " * 510).strip()
    assert 6900 < len(text) <= 7000
    blocks = base.sections(text)
    parts = section_texts(blocks)
    assert len(blocks) == len(parts) == 3
    assert all(0 < len(part) <= base.SECTION_LIMIT for part in parts)
    assert not any(ENTITY.search(part) for part in parts)
    assert " ".join(html.unescape(part) for part in parts) == text


def test_splitting_never_leaves_an_empty_section_and_cuts_a_word_only_when_it_is_too_long():
    assert base.sections("   \n ") == []
    parts = section_texts(base.sections("&" * 4000))  # one "word" of 20,000 escaped chars
    assert all(len(part) <= base.SECTION_LIMIT and not ENTITY.search(part) for part in parts)
    assert "".join(parts) == "&amp;" * 4000
    assert base.shorten("wonderful world", 12) == "wonderful…"


def test_a_section_never_cuts_silently_and_past_most_parts_says_how_many_more():
    shown = base.section("word " * 1000)["text"]["text"]
    assert len(shown) <= base.SECTION_LIMIT and shown.endswith("word…")
    blocks = base.sections("word " * 3000, most=2, rest="Read it in the FAQ.")
    assert blocks[-1]["type"] == "context"
    assert blocks[-1]["elements"][0]["text"] == "…and 4 more parts. Read it in the FAQ."


def test_escaping_happens_once_even_when_escaped_text_is_passed_again():
    once = base.escape("<!here> & co")
    assert base.escape(once) == once == "&lt;!here&gt; &amp; co"
    assert once + " <b>" == "&lt;!here&gt; &amp; co &lt;b&gt;"
    assert base.section(once)["text"]["text"] == once


def test_the_notification_text_takes_plain_words_and_escapes_them_once():
    saved = followup_blocks.followup_saved(followup(1, "<!here> call Maria & Tom back"), UTC, NOW)
    assert "&lt;!here&gt; call Maria &amp; Tom back" in saved["text"]
    assert "&amp;lt;" not in saved["text"] and "&amp;amp;" not in saved["text"]
    with pytest.raises(TypeError):
        base.message(base.escape("already escaped"), [])


def test_the_notification_text_shows_no_raw_ids_or_timestamps():
    overdue = Reminder("r", "overdue", "U0LEAD0001", NOW, followup(2, "call back"))
    message = followup_blocks.reminder(overdue, UTC, NOW, {})
    assert "U0REP0001" not in message["text"] and "2026-11-30" not in message["text"]
    shown_text = shown(message)
    assert "<@U0REP0001>" in shown_text
    assert f"<!date^{int((NOW + timedelta(hours=2)).timestamp())}^" in shown_text


def test_a_mention_is_rendered_only_for_a_real_user_id():
    assert base.mention("U0REP0001") == "<@U0REP0001>"
    assert base.mention("<!channel>") == "&lt;!channel&gt;"


def test_a_home_tab_with_300_follow_ups_stays_inside_slack_limits_and_says_how_many_more():
    followups = [followup(n, "call back about the refund & the box " * 5) for n in range(300)]
    view = home_view(followups=followups, cases=[], my_pending=[], policy=None, tz=UTC, now=NOW)
    assert len(view["blocks"]) <= 100
    assert all(len(text) <= base.SECTION_LIMIT for text in section_texts(view["blocks"]))
    assert "…and 290 more. /followup list shows them with buttons." in shown(view)


def test_a_leads_home_tab_with_150_requests_to_decide_stays_inside_slack_limits():
    policy = load_guide(Path(__file__).parent.parent / "playbooks")[0].solutions
    pending = [
        SolutionRecord(
            n,
            1000 + n,
            "account_credit",
            Decimal("60"),
            "late & <again> " * 40,
            "U0ANA0001",
            "pending",
            None,
            None,
            None,
            NOW.isoformat(),
            needs_role="lead",
        )  # fmt: skip
        for n in range(1, 151)
    ]
    lead = {"unclaimed": [], "teams": {}, "gaps": []}
    view = home_view(followups=[], cases=[], my_pending=[], policy=policy, tz=UTC, now=NOW,
                     to_decide=pending, lead=lead)  # fmt: skip
    assert len(view["blocks"]) <= 100
    assert all(len(text) <= base.SECTION_LIMIT for text in section_texts(view["blocks"]))
    decisions = [b for b in view["blocks"] if b["type"] == "actions"]
    assert [b["block_id"] for b in decisions] == [f"approval:{n}" for n in range(1, 11)]
    assert [e["text"]["text"] for e in decisions[0]["elements"]] == ["Approve", "Deny"]
    assert "late &amp; &lt;again&gt;" in shown(view) and "<again>" not in shown(view)
    assert "…and 140 more: they show here as you decide these." in shown(view)
    rep = home_view(followups=[], cases=[], my_pending=pending, policy=policy, tz=UTC, now=NOW)
    assert not [b for b in rep["blocks"] if b["type"] == "actions"]


def test_a_case_card_with_long_notes_keeps_each_section_whole_and_says_what_is_left_out():
    customer = Customer("K1", "Maria <Lopez> & co", None, None, None)
    case = Case(7, customer, "parcel late", "U0REP0001", "open", None, "", None, 1)
    notes = [("U0REP0001", f"note {n} " + "word & " * 400, "") for n in range(12)]
    due = datetime(2026, 12, 1, 9, tzinfo=UTC)
    promises = [Followup(1, "U0REP0001", 7, "we'll call", due, "open", due, None)]
    card = case_blocks.case_card(CaseCard(case, notes, []), date(2026, 11, 30), None, promises)
    sections = section_texts(card["blocks"])
    assert all(len(text) <= base.SECTION_LIMIT for text in sections)
    assert not any(ENTITY.search(text) for text in sections)
    assert "…and 7 more. Older notes are not shown." in shown(card)
    assert "Maria &lt;Lopez&gt; &amp; co" in shown(card)
    assert card["text"] == "C-7 Maria &lt;Lopez&gt; &amp; co: parcel late"
    assert "2026-12-01T09" not in shown(card) and "<!date^1796115600^" in shown(card)


def test_a_list_shows_the_lines_that_fit_one_section_and_how_to_see_the_rest():
    blocks = base.bulleted("*Long*", ["fish & chips " * 200] * 5, shown=10, rest="Ask /x.")
    assert [len(text) <= base.SECTION_LIMIT for text in section_texts(blocks)] == [True]
    assert blocks[0]["text"]["text"].count("\n• ") == 1  # each line at most half a section
    assert blocks[1]["elements"][0]["text"] == "…and 4 more. Ask /x."


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("*Bob*", "\u2217Bob\u2217"),  # marks that would pair look alike and do not pair
        ("_Bob_ ~x~ `rm`", "\u02cdBob\u02cd \u223cx\u223c \u02cbrm\u02cb"),
        ("Bob*", "Bob\u2217"),  # at the edge: a builder's own mark may follow
        ("snake_case, 2 * 3, M*A*S*H", "snake_case, 2 * 3, M*A*S*H"),  # these never pair
        ("https://x.example/~ana_b", "https://x.example/~ana_b"),  # Slack formats no link
        ("José & <Zoë>", "José &amp; &lt;Zoë&gt;"),
    ],
)
def test_escape_neutralises_only_marks_that_could_pair_and_escapes_once(typed, shown):
    assert base.escape(typed) == shown
    assert base.escape(base.escape(typed)) == shown


def test_a_refusal_shows_our_commands_as_code_and_escapes_the_rest_once():
    words = ("No customer *Bob* <!here>. ", Code("/case"), " opens one.")
    refused = base.refusal(words, None, None, None)
    assert refused["blocks"][0]["text"]["text"] == (
        "No customer \u2217Bob\u2217 &lt;!here&gt;. `/case` opens one."
    )
    assert refused["text"] == "No customer \u2217Bob\u2217 &lt;!here&gt;. /case opens one."
    by = base.refusal(words, "U0LEE0001", None, None)
    assert by["blocks"][0]["text"]["text"].endswith("`/case` opens one. by <@U0LEE0001>.")
    assert base.refusal("Plain `words`", None, None, None)["blocks"][0]["text"]["text"] == (
        "Plain \u02cbwords\u02cb"  # a plain str is people's words, whatever it holds
    )


def test_a_leads_answer_keeps_its_mrkdwn_and_still_pings_no_one():
    entry = Entry("vegan", "*Vegan*?", "Our Green box is *lovely*, _all_ ~x~ `vegan` <!channel> &")
    message = faq_blocks.faq_answer(entry, "vegan?", 1, 90.0)
    answer = message["blocks"][0]["text"]["text"]
    assert answer == (
        "*\u2217Vegan\u2217?*\n"  # the question may be a customer's words: escaped
        "Our Green box is *lovely*, _all_ ~x~ `vegan` &lt;!channel&gt; &amp;"
    )
    # a phone shows the words, not the marks, nor look-alikes a rep would copy
    assert message["text"] == "Our Green box is lovely, all x vegan &lt;!channel&gt; &amp;"
    assert base.unmarked("snake_case, 2 * 3 https://x.example/~a_b_") == (
        "snake_case, 2 * 3 https://x.example/~a_b_"
    )


def test_the_erase_modal_names_the_customer_in_bold_escaped_once():
    (first, *_) = erase_modal("BX-9", "M&S *Bob*")["blocks"]
    assert first["text"]["text"].startswith("Erase *M&amp;S \u2217Bob\u2217* (BX-9)? Their name")


def test_a_denials_reason_is_its_own_sentence_in_the_reps_notification():
    """A lead's reason rarely ends in a full stop: a phone ran it into the customer's words."""
    told = case_blocks.outcome_for_rep(
        "Denied: Refund £100.00 on C-1001.",
        "I've gone through this with my team lead.",
        why="Only one charge went through ",
    )
    assert told["text"] == (
        "Denied: Refund £100.00 on C-1001. Why: Only one charge went through. I've gone through "
        "this with my team lead."
    )
