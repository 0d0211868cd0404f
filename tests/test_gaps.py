"""FAQ gaps as a lead sees them: grouped, biggest first, gone once dealt with."""

from datetime import timedelta
from pathlib import Path

import pytest

from bot.faq import queries as faq_db
from bot.faq.gaps import find_gap, find_gaps, group_questions
from bot.faq.knowledge import load_valid_knowledge
from bot.faq.service import Faq
from bot.shared.clock import Clock
from bot.shared.db import Store

FAQ = """\
- id: where_is_my_box
  question: Where is my box?
  variants: [my parcel has not come, delivery is late]
  answer: Track it under Account > Orders.
- id: double_charge
  question: I was charged twice
  variants: [double payment taken, you took my money two times]
  answer: We refund the duplicate within 3 days.
"""


@pytest.fixture
def faq(tmp_path: Path) -> Faq:
    (tmp_path / "faq.yaml").write_text(FAQ)
    store = Store(tmp_path / "r.db", Clock())
    return Faq(tmp_path, load_valid_knowledge(tmp_path), store)


def ask(faq: Faq, text: str, user: str = "U1") -> int:
    return faq.record(text, faq.match(text), user_id=user, channel_id="C1", source="command")


def gaps(faq: Faq):
    return find_gaps(faq.store, faq.edition, faq.store.clock.now())


def test_similar_wordings_group_together_and_keep_their_first_question_as_key():
    rows = [(1, "Do you sell dog food?"), (2, "do you sell dog food"), (3, "gift wrap please"),
            (4, "do u sell dog food??"), (5, "can you gift wrap it")]  # fmt: skip
    assert [[q for q, _ in g] for g in group_questions(rows)] == [[1, 2, 4], [3], [5]]


def test_unanswered_questions_of_the_last_week_biggest_group_first(faq):
    clock = faq.store.clock
    clock.advance(timedelta(days=-8))
    ask(faq, "do you sell dog food")  # too old to show
    clock.advance(timedelta(days=8))
    ask(faq, "is gift wrapping available for my sister's birthday box")
    first = ask(faq, "do you sell dog food")
    ask(faq, "Do you sell dog food??", user="U2")
    ask(faq, "where is my box")  # answered: not a gap
    found = gaps(faq)
    assert [(g.kind, g.count, g.question) for g in found] == [
        ("unanswered", 2, "do you sell dog food"),
        ("unanswered", 1, "is gift wrapping available for my sister's birthday box"),
    ]
    assert found[0].key == first
    assert found[1].suggestions[0].id == "where_is_my_box"  # the matcher's best guess first


def test_not_helpful_answers_are_gaps_too(faq):
    query_id = ask(faq, "where is my box")
    faq.feedback(query_id, "U1", "where_is_my_box", helpful=False)
    assert [g.query_ids for g in gaps(faq)] == [(query_id,)]


def test_a_gap_dealt_with_leaves_the_list_and_says_who(faq):
    key = ask(faq, "do you sell dog food")
    ask(faq, "do you sell dog food")
    gap = find_gap(faq.store, faq.edition, faq.store.clock.now(), key)
    assert faq_db.resolve_gaps(faq.store, list(gap.query_ids), "ignore", None, "ULEAD") == 2
    assert faq_db.resolve_gaps(faq.store, list(gap.query_ids), "ignore", None, "UOTHER") == 0
    assert gaps(faq) == []
    assert faq_db.gap_resolver(faq.store, key) == ("ULEAD", "ignore", None)


def test_picks_reps_keep_making_are_offered_but_a_single_pick_is_not(faq):
    for user in ("U1", "U2"):
        faq.pick(ask(faq, "money gone twice from my account", user), user, "double_charge")
    faq.pick(ask(faq, "parcel missing"), "U1", "where_is_my_box")
    (gap,) = gaps(faq)
    assert (gap.kind, gap.count, gap.question) == ("picked", 2, "money gone twice from my account")
    assert [e.id for e in gap.suggestions] == ["double_charge"]
