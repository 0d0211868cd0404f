"""What words mean, for FAQ matching without the semantic tier: a table of word vectors shipped
with repbot, so that a default install knows "weather" is about a forecast and "home" about an
address, when the FAQ's phrasings never use the customer's word.

The table (data/word-vectors.npz) was distilled from the semantic tier's sentence encoder by
scripts/distill_word_vectors.py: 50,000 common English words, each encoded alone, reduced to 64
dimensions and weighed by how rare the word is. A text's vector is the sum of its words'
(a word the table lacks stands in with the commonest word of its stem; numbers and codes
such as "48213" or "77a" are the customer's, not words), so encoding is a few
lookups: no model runs. Its sha256 is pinned, as the model's is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from bot.config import SettingError
from bot.faq.vectors import Vectors, sha256_of
from bot.shared.english import stem

TABLE = Path(__file__).parent / "data" / "word-vectors.npz"
TABLE_SHA256 = "9d1e8f45bb3d43c805892df6a4333f1afc1422857239c09a9ae0e3f9effa42ac"
_WORD = re.compile(r"\w+")
_WORD = re.compile(r"[^\W_]+")  # as the matcher reads words: "where_is_my_box" is four


class WordVectors:
    """Texts to unit vectors: the sum of their words' vectors from the table. Thread-safe."""

    kind: Literal["sentence", "words"] = "words"
    # Summed word vectors of unrelated texts share more than a sentence encoder's: the median
    # cosine of two phrasings of different entries of a telecom FAQ was 0.33 (the encoder's
    # 0.13). Counted from here, closeness in meaning says little of a small FAQ's
    # unrelated entries, whose confidence the prior mostly makes.
    unrelated = 0.3

    def __init__(self, path: Path = TABLE, sha256: str = TABLE_SHA256) -> None:
        found = sha256_of(path) if path.is_file() else "missing"
        if found != sha256:
            raise SettingError(
                f"the word vector table {path.name} is damaged or missing (sha256 {found[:12]}…,"
                f" expected {sha256[:12]}…): reinstall repbot"
            )
        self.sha256 = sha256
        with np.load(path) as table:
            words = str(table["words"]).split("\n")
            self._vectors = table["vectors"]  # int8, one row a word
            self._scales = table["scales"]  # float32, each row's
        self._rows = {word: row for row, word in enumerate(words)}
        # the commonest word of each stem (the table is by frequency): "refunding" -> "refund"
        self._stems: dict[str, int] = {}
        for row, word in enumerate(words):
            self._stems.setdefault(stem(word), row)

    def encode(self, texts: Sequence[str], *, cached: bool = False) -> Vectors:
        """Unit vectors of `texts` (a text without a known word: zeros). Nothing to cache:
        `cached` is accepted for the encoders' common call."""
        out = np.zeros((len(texts), self._vectors.shape[1]), np.float32)
        rows: list[int] = []  # every text's words' rows, one text after another
        starts: list[int] = []  # where each text with a known word begins in `rows`
        known: list[int] = []  # ... and which text it is
        for position, text in enumerate(texts):
            words = [word for word in _WORD.findall(text.lower()) if word.isalpha()]
            found = [row for row in map(self._row, words) if row >= 0]
            if found:
                starts.append(len(rows))
                known.append(position)
                rows += found
        if rows:  # in one pass over the table, not one a text: a FAQ's build is 2,000 texts
            weighed = self._vectors[rows] * self._scales[rows, None]
            totals = np.add.reduceat(weighed, starts)
            norms = np.linalg.norm(totals, axis=1, keepdims=True)
            out[known] = totals / np.maximum(norms, 1e-12)
        return out

    @functools.lru_cache(maxsize=8_192)  # noqa: B019 (one table a process, never freed)
    def _row(self, word: str) -> int:
        row = self._rows.get(word)
        if row is None:
            row = self._stems.get(stem(word), -1)
        return row


@functools.cache
def word_vectors() -> WordVectors:
    """The shipped table, loaded once a process."""
    return WordVectors()
