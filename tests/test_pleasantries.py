"""What is no question in a pasted message: greetings, well-wishing, sign-offs, a signed name."""

import pytest

from bot.faq.pleasantries import without_pleasantries


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("Hi there, I hope you're well. Where is my box? Thanks, Maria", "Where is my box?"),
        ("Hello,\nhope all is well.\nMy card was charged twice.\nKind regards,\nJohn Smith",
         "My card was charged twice."),
        ("Dear Sir or Madam, please close my account. Yours faithfully, Mr J. Brown",
         "please close my account."),
        ("Hi Anna,\nmy box is late\nThanks in advance,\nTom", "my box is late"),
        ("Good afternoon team! Can I pause? Have a great day", "Can I pause?"),
        ("Hi, hope you're having a good week. Can I pause? Regards", "Can I pause?"),
        ("my box never came. Sent from my iPhone", "my box never came."),
        ("Thank you so much!\nMaria", ""),
        ("Customer: where is my box", "where is my box"),
        ("Can I pause instead?\n\nOn Mon, 1 Dec 2026 at 10:32, Boxwell Support\n"
         "<help@boxwell.com> wrote:\n> You can cancel any time under Account.",
         "Can I pause instead?"),
        ("Still no refund.\n-----Original Message-----\nFrom: Boxwell\nRefunds take 5 days.",
         "Still no refund."),
        ("Still no refund.\nFrom: Boxwell Support\nSent: 1 December 2026\nRefunds take 5 days",
         "Still no refund."),
        ("> Refunds take 5 days.\nit has been 9 days", "it has been 9 days"),
        ("> where is my box\n> it was due Monday", "where is my box\n it was due Monday"),
        ("Hello again, sorry to bother you. Can I pause? Any help much appreciated",
         "Can I pause?"),
        ("[10:32] Maria: where is my box\n[10:33] Maria: it was due Monday",
         "where is my box\nit was due Monday"),
        ("10:32 AM Maria Lopez: can I pause?", "can I pause?"),
        ("[10:32] Maria: can I pause?\n[10:33] Maria: ok thanks", "can I pause?"),
        ("Hi, I'm Karen and my box is late", "and my box is late"),
        ("my name is Peter Smith and I want to cancel", "and I want to cancel"),
        # reassurance: how the customer does not feel asks nothing
        ("I'm not upset, just asking about delivery days", "just asking about delivery days"),
        ("No rush, but can I pause?", "but can I pause?"),
        ("Im not angry or anything, can I pause?", "can I pause?"),
        ("It's not urgent. Can I pause?", "Can I pause?"),
        ("This isn’t a complaint, can I pause?", "can I pause?"),
        ("Hope you and the team are well! Can I pause?", "Can I pause?"),
        ("Hoping someone can help. Can I pause?", "Can I pause?"),
    ],
)  # fmt: skip
def test_set_phrases_and_signed_names_go_and_the_question_stays(message, asked):
    assert without_pleasantries(message) == asked


@pytest.mark.parametrize(
    "message",
    [
        "I hope my box comes this week",  # a hope about the order, not a courtesy
        "which plan is best? Premium",  # "best" asks here, and "Premium" is no name
        "Best price for the family box?",
        "Hey box late, help",  # no capital: the question, not whom it greets
        "Thanks John for the help, where is my box",  # the thanks is not the message's end
        "Hello where is my box",
        "Hello :wave: where is my box",  # the emoji is left to the matcher's own reading
        "On Monday the driver wrote: sorry we missed you",  # no header: it goes on
        "From: my flat in Leeds, can I change my address?",
        "can I have a good day delivery slot",
        "Refund: how long does it take?",  # a topic, not a speaker: no time before it
        "I am unable to log in",
        "this is ridiculous, where is my box",
        "I'm not happy, where is my box",  # unhappiness is no reassurance
    ],
)
def test_a_question_that_only_looks_like_one_is_left_as_it_is(message):
    assert without_pleasantries(message) == message


def test_a_long_run_of_closings_or_of_greeted_names_is_read_in_one_pass():
    """Either was read in time exponential in the run's length (22 "All"s took 2.4 s, 24 "ok"s
    18 s): a pasted message of them would have held a worker for ever."""
    closings = "where. " + "ok " * 300 + "x"
    names = "Hi " + "All " * 300 + "x"
    assert without_pleasantries(closings) == closings
    assert without_pleasantries(names) == names
