"""Evaluating the matcher on a lead's test questions: the numbers and the report they read."""

import pytest

from bot.faq.evaluate import evaluate, format_report, read_questions
from bot.faq.knowledge import Entry
from bot.faq.matching import Matcher

FAQ = [
    Entry(
        "reset_password",
        "How do I reset my password?",
        "Use 'Forgot password' on the sign-in page.",
        variants=("I forgot my password", "password not accepted when I log in"),
    ),
    Entry(
        "delivery_time",
        "How long does delivery take?",
        "Two to four working days.",
        variants=("When will my parcel arrive?", "my parcel is late"),
    ),
    Entry(
        "cancel_order",
        "How can I cancel my order?",
        "Orders can be cancelled until they ship.",
        variants=("I want to cancel an order", "stop my order before it ships"),
    ),
    Entry(
        "cancel_subscription",
        "How can I cancel my subscription?",
        "Cancel any time under Account > Subscription.",
        variants=("I want to cancel the monthly plan", "stop my subscription renewing"),
    ),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(FAQ)


def test_counts_and_rates(matcher):
    rows = [
        ("how do i reset my password", "reset_password"),
        ("when does my parcel arrive", "delivery_time"),
        ("cancel my subscription please", "cancel_subscription"),
        ("what's the weather in Paris", ""),
        ("zzz qqq", "delivery_time"),  # no answer: listed for the lead
    ]
    e = evaluate(matcher, rows)
    assert (e.questions, e.covered, e.uncovered) == (5, 4, 1)
    assert e.top1 == e.top3 == 0.75
    assert e.uncovered_answered == 0.0
    assert 0 < e.answered <= 0.75
    assert e.answer_precision == 1.0
    assert e.surest_half_right == 1.0  # the two surest, both right; "zzz qqq" is the least
    assert e.unanswered == [("zzz qqq", "delivery_time")]
    assert e.unknown_ids == []
    assert 0 <= e.p50_ms <= e.p99_ms


def test_confusions_are_counted_most_frequent_first(matcher):
    rows = [
        ("how can I cancel my order", "cancel_subscription"),
        ("stop my order before it ships", "cancel_subscription"),
        ("how do I reset my password", "delivery_time"),
    ]
    e = evaluate(matcher, rows)
    assert e.confusions == [
        ("cancel_subscription", "cancel_order", 2),
        ("delivery_time", "reset_password", 1),
    ]
    assert e.top1 == 0.0
    assert e.surest_half_right == 0.0


def test_expected_ids_missing_from_the_knowledge_base_are_reported(matcher):
    e = evaluate(matcher, [("where is my refund", "refund_status"), ("refund?", "refund_status")])
    assert e.unknown_ids == ["refund_status"]


def test_questions_expecting_an_id_the_faq_lacks_are_left_out_of_the_covered_figures(matcher):
    """A typo in the CSV's expected id is no miss of the matcher: counted as covered, the
    question lowered every rate (two right answers read as 66.7%)."""
    rows = [
        ("how do i reset my password", "reset_password"),
        ("when does my parcel arrive", "delivery_time"),
        ("cancel my subscription please", "cancel_subscripton"),  # misspelt
        ("i want to stop my subscription", "cancel_subscripton"),
        ("where is my refund", "refund_status"),
    ]
    e = evaluate(matcher, rows)
    assert (e.questions, e.covered, e.uncovered, e.unknown) == (5, 2, 0, 3)
    assert e.top1 == e.top3 == 1.0
    assert e.confusions == [] and e.unanswered == []
    assert e.unknown_ids == ["cancel_subscripton", "refund_status"]
    report = format_report(e)
    assert report.startswith(
        "5 questions: 2 about an FAQ entry, 0 not covered, 3 expecting an id the FAQ does not "
        "have\nright entry first: 100.0%   among the first three: 100.0%\n"
    )
    assert (
        "\nexpected ids not in the knowledge base (3 questions left out of the figures above; "
        "correct the id, or add the entry):\n  cancel_subscripton\n  refund_status" in report
    )


def test_no_questions_gives_no_rates(matcher):
    e = evaluate(matcher, [])
    assert e.questions == 0
    assert e.top1 is None and e.answer_precision is None
    assert "n/a" in format_report(e)


def test_report_names_confusions_and_unanswered_questions(matcher):
    rows = [
        ("how can I cancel my order", "cancel_subscription"),
        ("zzz qqq", "delivery_time"),
        ("how do i reset my password", "reset_password"),
        ("where is my refund", "refund_status"),
    ]
    report = format_report(evaluate(matcher, rows), confusions=5, unanswered=5)
    assert "right entry first: 33.3%" in report  # refund_status is no entry: left out
    assert "cancel_subscription -> cancel_order" in report
    assert "zzz qqq  [delivery_time]" in report
    assert "refund_status" in report
    short = format_report(evaluate(matcher, rows), confusions=0, unanswered=0)
    assert "->" not in short and "zzz qqq" not in short


def test_read_questions(tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text(
        'question,expected_id\nhow do I reset my password?,reset_password\n\n"weather, today",\n',
        encoding="utf-8",
    )
    assert read_questions(path) == [
        ("how do I reset my password?", "reset_password"),
        ("weather, today", ""),
    ]


def test_read_questions_accepts_other_column_orders_and_a_bom(tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text("\ufeffexpected_id,question\nreset_password,forgot it\n", encoding="utf-8")
    assert read_questions(path) == [("forgot it", "reset_password")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", ":1: the file is empty"),
        ("question,answer\nhi,there\n", ":1: missing column expected_id"),
        ("question,expected_id\nhi,reset_password\nbye\n", ":3: expected 2 fields, got 1"),
        ("question,expected_id\n,reset_password\n", ":2: empty question"),
    ],
)
def test_bad_files_name_the_line(tmp_path, text, message):
    path = tmp_path / "questions.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_questions(path)


def test_a_file_that_is_not_text_is_a_value_error(tmp_path):
    path = tmp_path / "questions.csv"
    path.write_bytes(b"question,expected_id\n\xff\xfe\x00bad\n")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_questions(path)
