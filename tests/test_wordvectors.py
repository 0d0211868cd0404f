"""The default install's word vectors: a customer's word the FAQ never uses still finds its
entry, and the table is the one shipped."""

import shutil
from pathlib import Path

import pytest

from bot.config import SettingError
from bot.faq import matching, vectors, wordvectors
from bot.faq.knowledge import Entry
from bot.faq.matching import Matcher
from bot.faq.vectors import PhrasingVectors
from bot.faq.wordvectors import WordVectors, word_vectors

SHOP = [
    Entry("opening_hours", "When are you open?", "9 to 5.",
          variants=("what are your opening hours", "are you open on sunday")),
    Entry("where_is_my_box", "Where is my box?", "Track it.",
          variants=("my parcel has not come", "delivery is late")),
    Entry("refund", "Can I get a refund?", "Yes.",
          variants=("I want my money back", "return an item for a refund")),
    Entry("reset_password", "I forgot my password", "Reset it.",
          variants=("how do I reset my password", "cannot log in")),
    Entry("change_address", "How do I change my address?", "In your account.",
          variants=("I moved house", "update my delivery address")),
    Entry("cancel_subscription", "How do I cancel my subscription?", "In settings.",
          variants=("stop my monthly plan", "end my membership")),
]  # fmt: skip

# Each question shares no word with its entry but stop words: only what the words mean helps.
IN_OTHER_WORDS = {
    "I relocated to another city": "change_address",
    "reimburse me": "refund",
    "unsubscribe me": "cancel_subscription",
}


def offered(matcher: Matcher, question: str) -> str | None:
    result = matcher.match(question)
    return result.matches[0].entry.id if result.verdict != "none" else None


def test_a_customers_word_the_faq_never_uses_is_understood_by_what_it_means():
    with_vectors, words_alone = Matcher(SHOP, encoder=word_vectors()), Matcher(SHOP, encoder=None)
    for question, expected in IN_OTHER_WORDS.items():
        assert offered(with_vectors, question) == expected, question
        assert offered(words_alone, question) is None, question
    # something the shop's FAQ is not about is still nobody's
    assert with_vectors.match("what's the weather like").verdict == "none"
    assert with_vectors.match("where is my box").matches[0].entry.id == "where_is_my_box"


def test_numbers_and_codes_are_no_words_of_meaning():
    vectors = word_vectors()
    pasted, plain = vectors.encode(["refund for order 48213 ref 77a", "refund for order ref"])
    assert (pasted == plain).all()
    (nothing,) = vectors.encode(["48213 77a-0912"])
    assert not nothing.any()


def test_a_faq_too_small_or_too_big_to_weigh_meaning_is_matched_on_words_alone(monkeypatch):
    def same_as_words_alone(entries: list[Entry]) -> bool:
        with_vectors, words_alone = (Matcher(entries, encoder=e) for e in (word_vectors(), None))
        return all(
            with_vectors.match(question) == words_alone.match(question)
            for question in [*IN_OTHER_WORDS, "where is my box"]
        )

    assert not same_as_words_alone(SHOP)
    assert same_as_words_alone(SHOP[: matching._WORD_VECTORS_FROM - 1])
    monkeypatch.setattr(matching, "_WORD_VECTORS_UP_TO", 11)  # SHOP has 18 phrasings
    assert same_as_words_alone(SHOP)


def test_a_changed_table_is_refused_in_one_line(tmp_path: Path):
    copy = tmp_path / "word-vectors.npz"
    shutil.copy(wordvectors.TABLE, copy)
    with copy.open("r+b") as file:
        file.seek(1000)
        file.write(b"\x00" * 8)
    with pytest.raises(SettingError, match=r"^the word vector table .* reinstall repbot$"):
        WordVectors(copy)
    with pytest.raises(SettingError, match="damaged or missing"):
        WordVectors(tmp_path / "gone.npz")


def test_held_out_phrasings_compared_at_once_are_compared_as_one_at_a_time(monkeypatch):
    # the build's calibration compares its held-out phrasings in a few products
    monkeypatch.setattr(vectors, "_HELD_OUT_CHUNK", 4)  # chunks, and a last one shorter
    phrasings = PhrasingVectors(word_vectors(), [entry.phrasings for entry in SHOP])
    held = [
        (entry, phrasing) for entry, e in enumerate(SHOP) for phrasing in range(len(e.phrasings))
    ]
    for (entry, phrasing), (without, whole) in zip(held, phrasings.held_out_all(held), strict=True):
        one_without, one_whole = phrasings.held_out(entry, phrasing)
        assert abs(without - one_without).max() < 1e-5
        assert abs(whole - one_whole).max() < 1e-5
        assert whole[:, entry].max() < without[:, entry].min()  # its own entry left out
