"""English words as the FAQ's matching and the coaching's language check read them: Snowball
stems, and which stems are English words at all."""

from __future__ import annotations

import functools
import threading

import Stemmer
from spellchecker import SpellChecker

_STEMMERS = threading.local()


def stem(word: str) -> str:
    """The word's Snowball English stem, so that "cards" and "card", "arrival" and "arrived",
    "cancellation" and "cancelled" meet. Words with digits stay as they are ("4g", "x100")."""
    if not word.isalpha():
        return word
    try:
        stemmer = _STEMMERS.english
    except AttributeError:  # a Stemmer keeps state while it stems: one per thread
        stemmer = _STEMMERS.english = Stemmer.Stemmer("english", 0)  # callers cache stems
    return stemmer.stemWord(word)


@functools.cache
def english_stems() -> frozenset[str]:
    """The stems of the 160,000 English words of pyspellchecker's word frequency list. Read
    when first wanted, not on import: 0.15 s (a server reads it before its workers fork, to
    share it)."""
    words = SpellChecker(language="en").word_frequency.dictionary
    return frozenset(stem(word) for word in words if word.isalpha())
