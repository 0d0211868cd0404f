"""FAQ matching as a rep sees it: the right answer, a short list on a close call, or nothing."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.faq import matching
from bot.faq.evaluate import evaluate, read_questions
from bot.faq.knowledge import Entry, load_valid_knowledge
from bot.faq.matching import Matcher, MatchResult, Scored

FAQ = [
    Entry(
        "reset_password",
        "How do I reset my password?",
        "Use 'Forgot password' on the sign-in page.",
        variants=("I forgot my password", "Can't log in, password is not accepted"),
    ),
    Entry(
        "delivery_time",
        "How long does delivery take?",
        "Two to four working days.",
        variants=("When will my parcel arrive?", "My order hasn't arrived yet"),
    ),
    Entry(
        "cancel_order",
        "How can I cancel my order?",
        "Orders can be cancelled until they ship.",
        variants=("I want to cancel an order I placed", "Stop my order before it ships"),
    ),
    Entry(
        "cancel_subscription",
        "How can I cancel my subscription?",
        "Cancel any time under Account > Subscription.",
        variants=("I want to cancel the monthly plan", "Stop my subscription renewing"),
    ),
    Entry(
        "refund_status",
        "Where is my refund?",
        "Refunds reach your bank within five days.",
        variants=("I returned an item but got no money back", "When do I get refunded?"),
    ),
    Entry(
        "change_address",
        "How do I change my delivery address?",
        "Edit the address under Orders before the order ships.",
        variants=("I moved and need to update my address", "Wrong shipping address on my order"),
    ),
    Entry(
        "payment_methods",
        "Which payment methods do you accept?",
        "Cards, PayPal and bank transfer.",
        variants=("Can I pay with PayPal?", "Do you take credit cards?"),
    ),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(FAQ)


def best(matcher: Matcher, text: str) -> str:
    result = matcher.match(text)
    assert result.matches, text
    return result.matches[0].entry.id


def test_exact_question_is_answered(matcher):
    result = matcher.match("How do I reset my password?")
    assert result.verdict == "answer"
    assert result.matches[0].entry.id == "reset_password"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i have forgotten the password for my account", "reset_password"),
        ("when is my parcel going to arrive", "delivery_time"),
        ("do you accept paypal", "payment_methods"),
        ("I sent the item back, where's my money?", "refund_status"),
        ("need to update the address for delivery", "change_address"),
    ],
)
def test_reworded_questions_find_their_entry(matcher, text, expected):
    result = matcher.match(text)
    assert result.matches[0].entry.id == expected
    assert result.verdict in ("answer", "suggest")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how do i resett my pasword", "reset_password"),
        ("wich paymnet methods do you acept", "payment_methods"),
        ("how long dose delivary take", "delivery_time"),
    ],
)
def test_typos_still_match(matcher, text, expected):
    assert best(matcher, text) == expected


def test_word_order_does_not_matter(matcher):
    assert best(matcher, "password reset, how do I do it") == "reset_password"
    assert best(matcher, "methods of payment accepted?") == "payment_methods"


def test_contractions_match_their_long_form(matcher):
    assert best(matcher, "my order has not arrived yet") == "delivery_time"
    assert best(matcher, "I cannot log in, the password isn't accepted") == "reset_password"


@pytest.mark.parametrize(
    "text",
    ["What's the weather like in Paris tomorrow?", "who won the football match", "asdf qwerty"],
)
def test_unrelated_question_gets_none(matcher, text):
    assert matcher.match(text).verdict == "none"


def test_close_call_suggests_both_candidates(matcher):
    result = matcher.match("I want to cancel")
    assert result.verdict == "suggest"
    ids = [scored.entry.id for scored in result.matches]
    assert len(ids) == 3
    assert {"cancel_order", "cancel_subscription"} <= set(ids)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀🙏🔥",
        ":tada: :wave:",
        "password " * 450,  # about 4,000 characters
        "x" * 4000,
        "我忘记了密码怎么办",
        "كيف يمكنني إعادة تعيين كلمة المرور",
        "<!channel> <@U123ABC> <#C42|general>",
        "<https://example.com|link> ??? !!! ...",
        "'''",
        "\x00\n\t",
    ],
)
def test_odd_input_never_raises(matcher, text):
    result = matcher.match(text)
    assert result.query == text
    assert result.verdict in ("answer", "suggest", "none")
    assert len(result.matches) <= 3


def test_garbage_and_markup_get_none(matcher):
    for text in ("", "😀🙏🔥", "<!channel> <@U123ABC>", "我忘记了密码怎么办"):
        result = matcher.match(text)
        assert result.verdict == "none", text


def test_slack_markup_around_a_question_is_ignored(matcher):
    result = matcher.match("<@U123ABC> how do I reset my password? <!here>")
    assert result.matches[0].entry.id == "reset_password"
    assert result.verdict == "answer"


def test_scores_are_bounded_and_sorted(matcher):
    for text in ("cancel my order", "refund", "paypal card", "password " * 450):
        result = matcher.match(text, top=5)
        scores = [scored.score for scored in result.matches]
        assert len(scores) <= 5
        assert all(0.0 <= score <= 100.0 for score in scores)
        assert scores == sorted(scores, reverse=True)


def test_top_limits_the_matches(matcher):
    assert len(matcher.match("cancel my order", top=1).matches) == 1
    assert matcher.match("cancel my order", top=0).matches == []


def test_deterministic_across_calls_and_instances(matcher):
    other = Matcher(list(FAQ))
    for text in ("cancel", "where is my refund", "pay with card"):
        first = matcher.match(text)
        assert matcher.match(text) == first
        assert other.match(text) == first


def test_concurrent_readers_get_the_same_results(matcher):
    texts = ["cancel my order", "reset pasword", "parcel late", "paypal"] * 25
    expected = [matcher.match(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(matcher.match, texts)) == expected


def test_empty_knowledge_base_matches_nothing():
    result = Matcher([]).match("how do I reset my password?")
    assert result.verdict == "none"
    assert result.matches == []


def test_thresholds_decide_the_verdict():
    text = "How do I reset my password?"
    assert Matcher(FAQ, answer_at=101.0).match(text).verdict == "suggest"
    assert Matcher(FAQ, answer_at=101.0, suggest_at=101.0).match(text).verdict == "none"


@pytest.mark.parametrize(
    "text",
    ["the of and to", "is it that there", "?!?", "...", "x", "a", "7", "Can I do it?"],
)
def test_stop_words_punctuation_or_one_character_get_none(matcher, text):
    # how quickly: scripts/bench_match.py times such input ("odd input"), not a timed test
    result = matcher.match(text)
    assert result.verdict == "none"
    assert result.matches == []


def test_a_run_of_letters_longer_than_any_word_names_nothing(matcher):
    # a key held down, or a token pasted from a log: no need to keep for the leads as a gap,
    # and no word that counts against the question beside it
    assert not matcher.names_a_need("x" * 5000)
    assert matcher.match("g" * 60).verdict == "none"
    plain = matcher.match("How do I reset my password?").matches[0]
    padded = matcher.match("How do I reset my password? " + "a" * 80).matches[0]
    assert (padded.entry.id, padded.score) == (plain.entry.id, plain.score)


def test_long_pasted_text_is_answered(matcher):
    text = ("Hello team, I hope you are well. " * 40 + "How do I reset my password? ")[:4000]
    text += "thanks " * 200
    result = matcher.match(text)
    assert result.query == text
    assert result.matches[0].entry.id == "reset_password"


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        (
            "is my parcel on its way",
            "is my parcel on its way, it should have been here by now, I am still waiting for it",
            "delivery_time",
        ),
        (
            "cancel my subscription",
            "hi, I would like to cancel my subscription please, I am going on holiday for a while",
            "cancel_subscription",
        ),
    ],
)
def test_filler_words_do_not_drown_the_question(matcher, short, long, expected):
    brief, wordy = matcher.match(short), matcher.match(long)
    assert brief.matches[0].entry.id == wordy.matches[0].entry.id == expected
    assert wordy.verdict != "none"
    assert wordy.matches[0].score >= brief.matches[0].score / 2


def test_score_is_a_confidence_that_a_clear_match_earns(matcher):
    clear = matcher.match("How do I reset my password?").matches
    vague = matcher.match("I want to cancel").matches
    assert clear[0].score > 80 > vague[0].score
    assert clear[0].score - clear[1].score > vague[0].score - vague[1].score


def test_word_forms_meet_at_their_stem(matcher):
    # Snowball's English stems: a noun made of a verb meets the verb ("cancellation" and
    # "cancel", "arrival" and "arrive"), so the FAQ need not say it both ways
    for noun, verb in [("order cancellation", "cancel my order"), ("arrival", "arrived")]:
        assert Matcher.likeness(matcher.read(noun), matcher.read(verb)) == 1.0, noun
    answer = matcher.match("order cancellation")
    assert answer.verdict == "answer"
    assert answer.matches[0].entry.id == "cancel_order"


def test_a_real_word_is_not_taken_for_a_typo_of_an_faq_word(matcher):
    # "plant" is a letter away from the FAQ's "plan", but an English word of its own
    assert matcher.match("my plant died").verdict == "none"
    assert best(matcher, "how do i cancle my subscripton") == "cancel_subscription"


def test_numbers_and_codes_in_the_customers_words_name_no_topic(matcher):
    # reps paste what customers write: order numbers, dates, amounts, postcodes
    plain = matcher.match("my order hasn't arrived yet, order placed on")
    pasted = matcher.match("my order hasn't arrived yet, order 48213 placed on 12/11 (77A-0912)")
    assert pasted.verdict == "answer"
    assert pasted.matches == plain.matches
    assert not matcher.match("12/11 £29.99").names_a_need  # nothing to look up


def test_a_letters_greeting_and_sign_off_are_not_part_of_the_question(matcher):
    plain = matcher.match("I want to cancel the monthly plan").matches[0]
    letter = matcher.match("Dear Sir or Madam, I want to cancel the monthly plan. Kind regards")
    assert letter.matches[0].entry == plain.entry
    assert letter.matches[0].score >= 0.85 * plain.score


def test_an_address_or_a_link_in_the_customers_words_is_not_part_of_the_question(matcher):
    plain = matcher.match("my order hasn't arrived yet").matches[0]
    pasted = matcher.match(
        "my order hasn't arrived yet, jo.smith@example.com https://track.example/1"
    )
    assert pasted.matches[0] == plain
    assert not matcher.match("<mailto:jo@example.com|jo@example.com>").names_a_need


def test_chat_spellings_meet_their_long_form(matcher):
    # no apostrophe ("hasnt"), "never" for "not", irregular verbs ("came" / "come")
    for text in ("my order hasnt arrived yet", "my order never arrived"):
        assert best(matcher, text) == "delivery_time", text
    typed = matcher.match("my order hasnt arrived yet")
    assert typed.verdict == matcher.match("my order hasn't arrived yet").verdict == "answer"
    assert best(matcher, "I sent the item back and they never gave me my money") == "refund_status"


def test_a_phrasing_that_asks_two_things_answers_either():
    faq = [
        *FAQ,
        Entry(
            "track_order",
            "Where is my order? How can I track it?",
            "Under Orders > Track.",
            variants=("is there a tracking number", "has my order been sent"),
        ),
    ]
    result = Matcher(faq).match("where is my order")
    assert result.matches[0].entry.id == "track_order"
    assert result.verdict == "answer"


def test_synonyms_let_customers_words_find_the_faq_s_words():
    entries = [
        Entry("late", "My box has not arrived", "It is on its way."),
        Entry("refund", "When do I get a refund?", "Within 5 days."),
    ]
    plain = Matcher(entries)
    curated = Matcher(entries, synonyms={"box": ["parcel"], "arrive": ["turn up", "come"]})
    question = "my parcel never turned up"
    assert curated.match(question).matches[0].entry.id == "late"
    assert curated.match(question).matches[0].score > max(
        [s.score for s in plain.match(question).matches] or [0]
    )
    assert curated.match("parcels").matches[0].entry.id == "late"  # word forms too


CARDS = [
    Entry(
        "card_broken",
        "My card does not work",
        "...",
        ("My card is not working", "The card stopped working at the till", "my card is broken"),
    ),
    Entry(
        "card_abroad",
        "Does my card work abroad?",
        "...",
        ("Will my card work in other countries?", "Can I use my card on holiday?", "overseas"),
    ),
    Entry("card_arrival", "When will my card arrive?", "...", ("where is my new card",)),
]


def test_how_the_words_go_together_tells_entries_with_the_same_words_apart():
    # Both entries have "my card work"; only one asks "will my card work ...?"
    matcher = Matcher(CARDS)
    assert best(matcher, "will my card work in spain") == "card_abroad"
    assert best(matcher, "does my card work in france") == "card_abroad"
    assert best(matcher, "my card does not work at the shop") == "card_broken"


def test_a_faq_too_big_for_word_pairs_ranks_on_its_words(monkeypatch):
    monkeypatch.setattr(matching, "_PAIRED_UP_TO", len(CARDS) - 1)  # as 5,001 entries would be
    matcher = Matcher(CARDS, encoder=None)  # words alone (the word vectors know France is abroad)
    assert best(matcher, "can i use my card overseas") == "card_abroad"  # on its words alone
    assert best(matcher, "my card does not work at the shop") == "card_broken"


def test_a_topic_the_faq_lacks_gets_none_though_its_words_are_all_in_the_faq():
    # Lost cards, lost boxes, phones that are late or broken: but nothing on lost phones.
    # Each word of "my phone is lost" is in the FAQ; "lost" is what other entries are about.
    templates = {
        "lost": ("I lost my {}", "my {} is lost", "can't find my {} anywhere", "lost {}, help"),
        "late": ("my {} hasn't arrived", "where is my {}", "the {} is late", "still no {}"),
        "broken": ("my {} is broken", "the {} arrived damaged", "{} does not work", "faulty {}"),
    }
    faq = [
        Entry(f"{thing}_{topic}", first.format(thing), "...", tuple(t.format(thing) for t in rest))
        for topic, (first, *rest) in templates.items()
        for thing in ("card", "phone", "box")
        if (thing, topic) != ("phone", "lost")
    ]
    matcher = Matcher(faq)
    for text in ("I lost my phone", "my phone is lost", "lost phone, help"):
        assert matcher.match(text).verdict == "none", text
    for text, expected in [("my card is lost", "card_lost"), ("where is my phone", "phone_late")]:
        result = matcher.match(text)
        assert (result.verdict, result.matches[0].entry.id) == ("answer", expected), text


def test_a_second_business_written_without_reading_the_matcher_is_matched_as_well():
    # benchmarks/telecom: 40 entries of a phone company, 400 new wordings of them and 120
    # questions on telecom topics it lacks. Bars a little under what the matcher does today.
    bench = Path(__file__).parent.parent / "benchmarks" / "telecom"
    knowledge = load_valid_knowledge(bench / "knowledge")
    found = evaluate(Matcher.for_knowledge(knowledge), read_questions(bench / "questions.csv"))
    assert (found.covered, found.uncovered) == (400, 120)
    assert found.top1 >= 0.75 and found.top3 >= 0.90
    assert found.answered >= 0.45 and found.answer_precision >= 0.90
    assert found.uncovered_answered <= 0.10


def test_a_typo_too_far_from_the_faqs_word_is_read_as_the_english_word_a_letter_away():
    """ "famly" stems to "fam", too short to correct; "movign" is far from the FAQ's "move".
    Both were a "did you mean" at 15% to 48%; the English word a letter away, which the FAQ
    uses, answers."""
    bench = Path(__file__).parent.parent / "benchmarks" / "telecom"
    matcher = Matcher.for_knowledge(load_valid_knowledge(bench / "knowledge"))
    for text, expected in [("famly plan", "family_plan"), ("movign house", "moving_home")]:
        result = matcher.match(text)
        assert (result.verdict, result.matches[0].entry.id) == ("answer", expected), result


def test_entries_a_rep_turned_down_can_be_left_out_and_the_rest_scored_without_them(matcher):
    full = matcher.match("how do i cancel my subscription", top=5)
    assert full.matches[0].entry.id == "cancel_subscription"
    without = matcher.match(
        "how do i cancel my subscription", top=5, exclude={"cancel_subscription"}
    )
    assert "cancel_subscription" not in [m.entry.id for m in without.matches]
    # the runner-up, no longer behind a better entry, is more likely than it was
    runner_up = full.matches[1]
    assert without.matches[0].entry == runner_up.entry
    assert without.matches[0].score > runner_up.score


def test_a_doubted_entry_is_offered_but_never_answered_with(matcher):
    full = matcher.match("how do i cancel my subscription")
    assert (full.verdict, full.matches[0].entry.id) == ("answer", "cancel_subscription")
    doubted = matcher.match("how do i cancel my subscription", doubted={"cancel_subscription"})
    assert doubted.verdict == "suggest"
    assert [m.entry for m in doubted.matches] == [m.entry for m in full.matches]  # same order
    assert [m.score for m in doubted.matches] == [49.0, *(m.score for m in full.matches[1:])]
    # a doubted entry that is not the best changes nothing
    assert matcher.match("how do i cancel my subscription", doubted={"refund_status"}) == full


def test_two_questions_are_alike_by_the_rare_words_they_share_read_as_the_faq_is():
    matcher = Matcher(FAQ, synonyms={"order": ["parcel", "package"]})

    def likeness(a: str, b: str) -> float:
        return matcher.likeness(matcher.read(a), matcher.read(b))

    # stems, stop words and synonyms as in matching
    assert likeness("do you do gift wrapping?", "gift wrap it please") == 1.0
    assert likeness("my parcel", "the order") == 1.0
    assert likeness("vegan meals?", "do you have vegan options") == 0.5  # a word the FAQ lacks
    assert likeness("can you gift wrap my order", "my order smells of fish") < 0.2  # a common one
    assert likeness("???", "hello") == 0.0


def test_a_reply_is_written_about_an_answer_or_a_clear_lead_never_a_close_call():
    first, second = FAQ[0], FAQ[1]

    def leading(verdict, *scores):
        matches = [
            Scored(entry, score) for entry, score in zip((first, second), scores, strict=False)
        ]
        return MatchResult("q", verdict, matches).leading()

    assert leading("answer", 60, 50) is first
    assert leading("suggest", 43, 24) is first  # well ahead: "my parcel still hasn't arrived"
    assert leading("suggest", 15, 13) is None  # a close call names neither problem
    assert leading("suggest", 20) is first
    assert leading("none", 6, 6) is None
    assert MatchResult("", "none", []).leading() is None


def test_a_big_faq_kept_entry_by_entry_matches_as_a_small_one(monkeypatch, matcher):
    # A FAQ too big for every phrasing's vectors in one table keeps a few entries' at a time
    # (here 2 of 7, so each question evicts some): the same answers at the same confidence.
    monkeypatch.setattr(matching, "_EAGER_GRAMS", 3)
    monkeypatch.setattr(matching, "_UNITS_CACHE", 2)
    big = Matcher(FAQ)
    questions = [
        "i have forgotten the password for my account",
        "when is my parcel going to arrive",
        "I sent the item back, where's my money?",
        "Where is my refund? And can I pay with PayPal?",
        "need to update the address for delivery",
    ]
    for text in questions * 2:  # asked again once the first answers' vectors are gone
        expected = [(m.entry.id, round(m.score, 9)) for m in matcher.match(text).matches]
        assert [(m.entry.id, round(m.score, 9)) for m in big.match(text).matches] == expected
