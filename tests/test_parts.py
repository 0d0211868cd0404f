"""The parts of a customer's message that can each be a question."""

from bot.faq.parts import MAX_PARTS, parts_of, questions_of


def test_sentences_and_what_follows_also_are_parts():
    assert parts_of("Where is my box? Also, how do I change my address?") == [
        "Where is my box",
        "how do I change my address",
    ]
    assert parts_of("My box is late and also I was charged twice.\nThanks") == [
        "My box is late and",
        "I was charged twice",
        "Thanks",
    ]


def test_a_question_alone_is_one_part_and_a_long_thread_is_read_so_far():
    assert parts_of("where is my box") == ["where is my box"]
    assert parts_of("?! ...") == []
    assert len(parts_of("Is it late? " * 20)) == MAX_PARTS


def test_a_question_after_a_long_story_is_kept_among_the_parts():
    story = "".join(f"On day {n} the courier came and went. " for n in range(12))
    parts = parts_of(story + "Where is my box? Thanks, Maria.")
    # the question, wherever it is, then the first of the rest, in the message's order
    assert parts == [f"On day {n} the courier came and went" for n in range(7)] + [
        "Where is my box"
    ]


def test_the_questions_are_the_parts_that_end_in_a_question_mark():
    message = "My box is late. Where is it? Also, can I pause?"
    assert parts_of(message) == ["My box is late", "Where is it", "can I pause"]
    assert questions_of(message) == ["Where is it", "can I pause"]
    assert questions_of("My box is late and also I was charged twice.") == []
