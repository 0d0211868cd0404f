"""Block Kit for /faq: what the rep sees, with customer text shown literally."""

import json

from bot.core.knowledge import Entry
from bot.core.matching import MatchResult, Scored
from bot.slack.blocks import base
from bot.slack.blocks import faq as faq_blocks

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


def test_a_close_call_offers_three_suggestions_and_none_of_these():
    matches = [Scored(BOX, 50.0), Scored(LATE, 48.0), Scored(CARD, 30.0)]
    message = faq_blocks.faq_reply("box?", 3, MatchResult("box?", "suggest", matches))
    assert [b["text"]["text"] for b in buttons(message)] == [
        "Where is my box?",
        "My box is late",
        "How do I change my card?",
        "None of these",
    ]
    action_ids = [b["action_id"] for b in buttons(message)]
    assert len(set(action_ids)) == len(action_ids)  # Slack refuses repeated action ids


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
