"""Reps' picks and votes as evidence: two reps agreeing teach the FAQ, one rep alone never
does, and what they said fades with time."""

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.faq import learning as faq_learning
from bot.faq import queries, service
from bot.faq.gaps import close_answered, find_gaps, write_phrasing
from bot.faq.knowledge import load_valid_knowledge
from bot.faq.learning import HALF_LIFE, MIN_ODDS, Vote, learn, uncovered_odds, weight
from bot.faq.matching import UNCOVERED_ODDS, Matcher
from bot.faq.service import Faq
from bot.reporting.export import to_markdown
from bot.reporting.summary import Labels, build_summary, faq_titles
from bot.reporting.weeks import iso_week
from bot.shared.clock import Clock
from bot.shared.db import Store
from bot.slack.blocks.summary import summary_post

FAQ = """\
- id: lost_card
  question: I lost my card
  variants: [my card was stolen, I can't find my card anywhere, someone took my card]
  answer: Freeze it in the app and order a new one.
- id: card_arrival
  question: When will my new card arrive?
  variants: [my card has not come yet, how long does a card take to be delivered]
  answer: Cards arrive within 5 working days.
- id: pin_change
  question: How do I change my PIN?
  variants: [I want a new PIN, can I reset my PIN number]
  answer: Change it at any cash machine.
- id: refund
  question: How do I get a refund?
  variants: [I want my money back, can you return my payment]
  answer: Refunds take 5 days.
"""
WALLET = "I misplaced my wallet, my card was in it"  # "did you mean" lost_card, at first
WALLET_AGAIN = "misplaced my wallet and my card was in it"
ANSWERED = "I lost my wallet and card"  # answered with lost_card, at first
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def faq(tmp_path: Path) -> Faq:
    (tmp_path / "faq.yaml").write_text(FAQ)
    store = Store(tmp_path / "r.db", Clock(start=NOW))
    return Faq(tmp_path, load_valid_knowledge(tmp_path), store)


def ask(faq: Faq, text: str, rep: str) -> int:
    return faq.record(text, faq.match(text), user_id=rep, channel_id="C1", source="command")


def verdict(faq: Faq, text: str) -> tuple[str, str | None]:
    result = faq.match(text)
    return result.verdict, result.matches[0].entry.id if result.matches else None


def test_two_reps_picking_the_same_entry_for_a_paraphrase_make_it_the_answer(faq):
    assert verdict(faq, WALLET) == ("suggest", "lost_card")
    faq.pick(ask(faq, WALLET, "U1"), "U1", "lost_card")
    faq.pick(ask(faq, WALLET_AGAIN, "U2"), "U2", "lost_card")
    assert faq.learn()
    assert verdict(faq, WALLET) == ("answer", "lost_card")
    assert faq.edition.lessons.learned["lost_card"]  # learned, not written to the files
    assert faq.entry("lost_card").variants == faq.edition.knowledge.by_id()["lost_card"].variants
    assert not faq.learn()  # nothing new: the index is not rebuilt


def test_the_clicks_are_read_again_only_when_one_came(faq, monkeypatch):
    faq.pick(ask(faq, WALLET, "U1"), "U1", "lost_card")
    assert not faq.learn()
    read = queries.evidence_since
    monkeypatch.setattr(queries, "evidence_since", lambda *args: pytest.fail("read again"))
    assert not faq.learn()  # the bot's ticker, a minute later: nothing new, nothing read
    monkeypatch.setattr(queries, "evidence_since", read)
    faq.pick(ask(faq, WALLET_AGAIN, "U2"), "U2", "lost_card")
    assert faq.learn()


def test_a_helpful_counts_as_a_pick(faq):
    faq.pick(ask(faq, WALLET, "U1"), "U1", "lost_card")
    faq.feedback(ask(faq, WALLET_AGAIN, "U2"), "U2", "lost_card", helpful=True)
    faq.learn()
    assert verdict(faq, WALLET) == ("answer", "lost_card")


def test_one_reps_clicks_move_nothing_however_many(faq):
    for text in (WALLET, WALLET_AGAIN, WALLET):
        faq.pick(ask(faq, text, "U1"), "U1", "refund")  # a misclicking rep, three times
    faq.pick(ask(faq, WALLET, "U2"), "U2", "lost_card")  # and one other rep, once
    faq.learn()
    assert not faq.edition.lessons.learned
    assert verdict(faq, WALLET) == ("suggest", "lost_card")


def test_what_reps_said_fades_away(faq):
    faq.pick(ask(faq, WALLET, "U1"), "U1", "lost_card")
    faq.pick(ask(faq, WALLET_AGAIN, "U2"), "U2", "lost_card")
    faq.learn()
    faq.store.clock.advance(HALF_LIFE * 0.9)  # two reps at over half weight: still enough
    faq.learn()
    assert verdict(faq, WALLET) == ("answer", "lost_card")
    faq.store.clock.advance(HALF_LIFE * 0.2)
    assert faq.learn()
    assert verdict(faq, WALLET) == ("suggest", "lost_card")


def test_not_helpful_from_two_reps_stops_the_entry_being_answered(faq):
    assert verdict(faq, ANSWERED) == ("answer", "lost_card")
    faq.feedback(ask(faq, ANSWERED, "U1"), "U1", "lost_card", helpful=False)
    faq.learn()
    assert verdict(faq, ANSWERED) == ("answer", "lost_card")  # one rep: not yet
    faq.feedback(ask(faq, "lost wallet and my card", "U2"), "U2", "lost_card", helpful=False)
    faq.learn()
    result = faq.match(ANSWERED)
    assert result.verdict == "suggest"  # no answer, but still there to pick
    assert result.matches[0].entry.id == "lost_card" and result.matches[0].score < 50
    assert verdict(faq, "somebody took my card") == ("answer", "lost_card")  # other questions


def test_a_question_closer_to_an_entrys_phrasing_than_to_one_reps_turned_it_down_for_is_answered(
    faq,
):
    turned_down = "someone took my new card"
    assert verdict(faq, turned_down) == ("answer", "lost_card")
    for rep in ("U1", "U2"):
        faq.feedback(ask(faq, turned_down, rep), rep, "lost_card", helpful=False)
    faq.learn()
    assert verdict(faq, turned_down)[0] == "suggest"
    assert verdict(faq, "someone took my new card!!")[0] == "suggest"  # the same words
    assert verdict(faq, "someone tookk my new card")[0] == "suggest"  # a typo: the same
    # 0.88 alike to the question turned down, and word for word a phrasing of lost_card
    assert verdict(faq, "someone took my card") == ("answer", "lost_card")


def test_the_stronger_side_wins_where_reps_disagree():
    matcher = Matcher.for_knowledge(_knowledge_of(FAQ))
    votes = [Vote(WALLET, rep, "lost_card", True, NOW) for rep in ("U1", "U2", "U3")]
    votes += [Vote(WALLET, rep, "lost_card", False, NOW) for rep in ("U4", "U5")]
    lessons = learn(votes, matcher, NOW)
    assert lessons.learned == {"lost_card": (WALLET,)} and lessons.turned_down == ()


def test_a_rep_who_changed_their_mind_counts_with_their_last_word_only():
    matcher = Matcher.for_knowledge(_knowledge_of(FAQ))
    later = NOW + timedelta(minutes=10)
    votes = [
        Vote(WALLET, "U1", "lost_card", False, NOW),
        Vote(WALLET, "U2", "lost_card", False, NOW),
        Vote(WALLET, "U1", "lost_card", True, later),  # U1 picked it after all
    ]
    assert learn(votes, matcher, later).turned_down == ()  # U2 alone says no
    votes.append(Vote(WALLET, "U3", "lost_card", True, later))
    assert learn(votes, matcher, later).learned == {"lost_card": (WALLET,)}


def test_a_pasted_email_is_learned_as_its_question_without_the_customers_name():
    matcher = Matcher.for_knowledge(_knowledge_of(FAQ))
    votes = [
        Vote(f"Hi, hope you are well. {WALLET}. Thanks, {name}", rep, "lost_card", True, NOW)
        for rep, name in (("U1", "Maria Lopez"), ("U2", "Tom"))
    ]
    assert learn(votes, matcher, NOW).learned == {"lost_card": (f"{WALLET}.",)}


def test_a_click_weighs_half_as_much_every_half_life():
    assert weight(NOW, NOW) == 1.0
    assert weight(NOW, NOW + 2 * HALF_LIFE) == 0.25
    assert weight(NOW + timedelta(hours=1), NOW) == 1.0  # a clock a little behind: no bonus


def test_the_weekly_summary_shows_answered_share_precision_and_what_leads_added(faq):
    faq.store.clock.advance(timedelta(days=-7))  # the week before: two questions, one answered
    ask(faq, "somebody took my card", "U1")
    ask(faq, "do you sell dog food", "U1")
    faq.store.clock.advance(timedelta(days=7))
    for text in ("somebody took my card", "I want my money back", "can I reset my PIN number"):
        ask(faq, text, "U1")
    faq.feedback(ask(faq, ANSWERED, "U2"), "U2", "lost_card", helpful=False)
    faq.feedback(ask(faq, WALLET, "U3"), "U3", None, helpful=False)  # "None of these"
    gaps = find_gaps(faq.store, faq.edition, faq.store.clock.now())
    gap = next(g for g in gaps if WALLET in g.questions)
    close_answered(faq, write_phrasing(faq, gap, faq.entry("lost_card"), "ULEAD"))
    tz = ZoneInfo("UTC")
    start, end, label = iso_week("this week", now=faq.store.clock.now(), tz=tz)
    labels = Labels(topics=faq_titles(faq.entries.values()))
    summary = build_summary(faq.store, start=start, end=end, label=label, tz=tz, labels=labels)
    s = summary.self_service
    assert (s.faq_answered_outright.value, s.faq_answered_outright.previous) == (80.0, 50.0)
    assert (s.faq_answer_precision.value, s.faq_answer_precision.previous) == (75.0, 100.0)
    assert (s.phrasings_added.value, s.entries_added.value) == (1, 0)
    assert [(f.label, f.value, f.previous) for f in s.added_to_faq] == [("I lost my card", 1, 0)]
    text = to_markdown(summary)
    assert "| FAQ questions answered outright | 80% | 50% | +30 pp |" in text
    assert "| Answers not marked Not helpful | 75% | 100% | -25 pp |" in text
    assert "| Phrasings leads added | 1 | 0 | +1 |" in text
    assert "| What leads added to the FAQ (phrasings, or a new entry): I lost my card | 1 |" in text
    post = json.dumps(summary_post(summary), ensure_ascii=False)
    assert "FAQ questions answered outright: *80%* (week before 50% \u25b2 +30 pp)" in post
    assert "What leads added to the FAQ" in post


def _knowledge_of(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "faq.yaml").write_text(text)
        return load_valid_knowledge(Path(tmp))


def test_the_learning_bench_prints_a_weekly_curve(tmp_path):
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "faq.yaml").write_text(FAQ)
    asked = {WALLET: "lost_card", WALLET_AGAIN: "lost_card", ANSWERED: "lost_card",
             "somebody took my card": "lost_card", "reset my PIN": "pin_change",
             "refund please": "refund", "do you sell dog food": "",
             "my card has still not arrived": "card_arrival"}  # fmt: skip
    rows = "\n".join(f'"{q}",{e}' for q, e in asked.items())
    (tmp_path / "dev.csv").write_text("question,expected_id\n" + rows + "\n")
    script = Path(__file__).parent.parent / "scripts" / "bench_learning.py"
    run = [sys.executable, str(script), "--data", str(tmp_path), "--weeks", "2", "--per-week", "4"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # as the script would restart itself with
    out = subprocess.run(run, capture_output=True, text=True, check=True, timeout=60, env=env)
    out = out.stdout
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    assert lines[0].startswith("| week | answered | precision | top-3 | uncovered answered")
    assert [line.split(" | ")[0] for line in lines[2:]] == ["| 1", "| 2"]
    missing = subprocess.run([*run[:3], str(tmp_path / "nothing")], capture_output=True,
                             text=True, check=True, timeout=60, env=env).stdout  # fmt: skip
    assert "no benchmark data at" in missing


SHIPPED = Path(__file__).parent.parent / "knowledge"
# Customers' words for what the shipped FAQ covers, none of them its phrasings
PARAPHRASES = ("do you ship abroad", "payment declined", "my order never came",
               "the box was empty", "can I pay later", "I was charged twice",
               "my discount code failed", "when will I get my money back")  # fmt: skip


def test_where_the_phrasings_are_questions_reps_asked_fewer_uncovered_ones_answer_more():
    knowledge = load_valid_knowledge(SHIPPED)
    taught = Matcher.for_knowledge(
        knowledge, asked=[p for entry in knowledge.entries for p in entry.phrasings]
    )
    bolder = taught.with_uncovered_odds(MIN_ODDS)

    def answered(matcher: Matcher) -> int:
        return sum(matcher.match(text).verdict == "answer" for text in PARAPHRASES)

    assert answered(bolder) > answered(taught)
    for uncovered in ("do you sell dog food", "is my card stolen"):
        assert bolder.match(uncovered).verdict != "answer"


def test_a_leads_own_phrasings_keep_the_caution_of_day_one():
    written = Matcher.for_knowledge(load_valid_knowledge(SHIPPED))  # no question reps asked
    bolder = written.with_uncovered_odds(MIN_ODDS)
    for text in PARAPHRASES:
        assert bolder.match(text).matches == written.match(text).matches


def test_reps_finding_their_answers_make_the_faq_bolder_without_a_rebuild(faq, monkeypatch):
    phrasings = [(p, e.id) for e in faq.entries.values() for p in e.phrasings][:10]
    for text, entry_id in phrasings:  # one rep's word teaches no question...
        faq.feedback(ask(faq, text, "U1"), "U1", entry_id, helpful=True)
    with monkeypatch.context() as patched:
        patched.setattr(Matcher, "_build", lambda *a: pytest.fail("the index was rebuilt"))
        assert faq.learn()  # ... but is one rep's view of how often the FAQ fits
    assert not faq.edition.lessons.learned
    assert faq.edition.lessons.uncovered_odds == 0.7 == faq.matcher.uncovered_odds
    for rep in ("U2", "U3"):
        for text, entry_id in phrasings:
            faq.feedback(ask(faq, text, rep), rep, entry_id, helpful=True)
    assert faq.learn()
    assert faq.edition.lessons.uncovered_odds == MIN_ODDS == faq.matcher.uncovered_odds
    assert verdict(faq, "somebody took my card") == ("answer", "lost_card")


def test_a_floor_whose_questions_the_faq_lacks_keeps_even_odds(faq):
    for rep in ("U1", "U2", "U3"):
        for text in ("do you sell dog food", "is the bank open on sunday", WALLET):
            faq.feedback(ask(faq, text, rep), rep, None, helpful=False)  # "None of these"
        faq.feedback(ask(faq, ANSWERED, rep), rep, "lost_card", helpful=True)
    faq.learn()
    assert faq.edition.lessons.uncovered_odds == UNCOVERED_ODDS


def test_the_uncovered_odds_weigh_each_rep_and_fade():
    assert uncovered_odds([], NOW) == UNCOVERED_ODDS
    # one rep, however many answers they found: two thirds of even odds at most
    assert uncovered_odds([("U1", True, NOW)] * 100, NOW) == 0.7
    three = [(rep, True, NOW) for rep in ("U1", "U2", "U3") for _ in range(10)]
    assert uncovered_odds(three, NOW) == MIN_ODDS
    # the same clicks two half-lives ago weigh a quarter: 20 / (20 + 7.5)
    assert uncovered_odds([(r, f, NOW - 2 * HALF_LIFE) for r, f, _ in three], NOW) == 0.7
    mixed = [(rep, i < 5, NOW) for rep in ("U1", "U2", "U3") for i in range(10)]
    assert uncovered_odds(mixed, NOW) == UNCOVERED_ODDS


def test_a_second_learning_waits_for_the_one_under_way_and_finds_its_lessons(faq, monkeypatch):
    for rep in ("U1", "U2"):  # two reps confirm a question: something to learn
        faq.feedback(ask(faq, WALLET, rep), rep, "lost_card", helpful=True)
    started, release = threading.Event(), threading.Event()
    slow = faq_learning.learn

    def held_learn(*args, **kwargs):
        started.set()
        release.wait(5)
        return slow(*args, **kwargs)

    monkeypatch.setattr(service, "learn", held_learn)
    ticker = threading.Thread(target=faq.learn)  # the bot's minute ticker
    ticker.start()
    assert started.wait(5)
    second = threading.Thread(target=faq.learn)  # the demo's wait, meanwhile
    second.start()
    second.join(0.2)
    assert second.is_alive()  # it waits for the learning under way...
    release.set()
    second.join(5)
    ticker.join(5)
    assert faq.edition.lessons.learned == {"lost_card": (WALLET,)}  # ...and finds its lessons
