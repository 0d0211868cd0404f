"""Char n-gram TF-IDF vectors in arrays, n-grams as numbers: many vectors built at once, and a
question's cosine to some or all of them in a few numpy calls.

The matcher keeps each entry's whole n-gram vector as a dict (`Matcher._grams_of_entry`),
quickest for one question against its twenty candidates. Building a small FAQ, though, every
phrasing's vector was a dict built in Python (a tenth of building 199 entries), and
calibrating's 800 held-out phrasings were compared with the same entries one dot product at a
time (a sixth): here the phrasings are counted and weighed together, and a question is compared
with every entry at once.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

Question = tuple[np.ndarray, np.ndarray]  # a vector's n-gram numbers, sorted, and their weights


class GramTable:
    """Unit-length sparse vectors over n-grams: rows of (n-gram number, weight), vector by
    vector, each vector's by n-gram number."""

    def __init__(
        self,
        ids: dict[str, int],
        owners: np.ndarray,
        grams: np.ndarray,
        weights: np.ndarray,
        count: int,
    ) -> None:
        """`count` vectors; rows sorted by owner (the vector) then n-gram. Use `of_texts` or
        `of_vectors`."""
        self.ids = ids  # the n-grams' numbers: a table built `of_vectors` may share another's
        self._count = count
        self._owners = owners.astype(np.int32)  # half the memory of a big FAQ's cached ones
        self._grams = grams.astype(np.int32)
        self._weights = weights
        self._starts = np.searchsorted(owners, np.arange(count + 1))  # vector i's rows

    @classmethod
    def of_texts(
        cls,
        texts: Sequence[Sequence[str]],
        idf: Mapping[str, float],
        grams_of: Callable[[str], Sequence[str]],
    ) -> GramTable:
        """The TF-IDF vectors of texts (their words), each n-gram weighed by its `idf` (1 if it
        has none) times 1 + the log of its count in the text, made unit length."""
        per_text = [list(itertools.chain.from_iterable(map(grams_of, words))) for words in texts]
        named = list(itertools.chain.from_iterable(per_text))
        ids = dict(zip(dict.fromkeys(named), itertools.count()))
        size = len(ids)
        owners = np.repeat(np.arange(len(texts)), list(map(len, per_text)))
        numbers = np.fromiter(map(ids.__getitem__, named), np.int64, len(named))
        keys, counts = np.unique(owners * size + numbers, return_counts=True)  # sorted
        owners, numbers = np.divmod(keys, size)
        idfs = np.fromiter(map(idf.get, ids, itertools.repeat(1.0)), np.float64, size)
        weights = idfs[numbers] * (1 + np.log(counts))
        norms = np.sqrt(np.bincount(owners, weights * weights, minlength=len(texts)))
        norms[norms == 0] = 1.0
        return cls(ids, owners, numbers, weights / norms[owners], len(texts))

    @classmethod
    def of_vectors(
        cls, vectors: Sequence[tuple[Mapping[str, float], float]], ids: dict[str, int]
    ) -> GramTable:
        """The table of vectors given as their weights and the scale making them unit length,
        their n-grams numbered by `ids` (which has them all)."""
        sizes = [len(weights) for weights, _ in vectors]
        size = sum(sizes)
        named = itertools.chain.from_iterable(weights for weights, _ in vectors)
        numbers = np.fromiter(map(ids.__getitem__, named), np.int64, size)
        weights = np.fromiter(
            itertools.chain.from_iterable(weights.values() for weights, _ in vectors),
            np.float64,
            size,
        )
        owners = np.repeat(np.arange(len(vectors)), sizes)
        weights *= np.fromiter((scale for _, scale in vectors), np.float64, len(vectors))[owners]
        order = np.lexsort((numbers, owners))
        return cls(ids, owners[order], numbers[order], weights[order], len(vectors))

    def question(self, vector: Mapping[str, float]) -> Question:
        """A unit-length question vector in this table's numbers (n-grams it lacks left out)."""
        ids = self.ids
        found = sorted((ids[gram], weight) for gram, weight in vector.items() if gram in ids)
        numbers = np.fromiter((number for number, _ in found), np.int64, len(found))
        return numbers, np.fromiter((weight for _, weight in found), np.float64, len(found))

    def cosines(self, question: Question, first: int = 0, stop: int | None = None) -> np.ndarray:
        """The question's cosine to each vector from `first` up to `stop` (by default, to the
        last)."""
        stop = self._count if stop is None else stop
        numbers, weights = question
        if first == 0 and stop == self._count:
            return self._to_all(numbers, weights)
        if not len(numbers):
            return np.zeros(stop - first)
        rows = slice(self._starts[first], self._starts[stop])
        grams = self._grams[rows]
        at = np.minimum(np.searchsorted(numbers, grams), len(numbers) - 1)
        shared = numbers[at] == grams
        products = np.where(shared, self._weights[rows] * weights[at], 0.0)
        return np.bincount(self._owners[rows] - first, products, minlength=stop - first)

    def _to_all(self, numbers: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The cosines to every vector: each of the question's n-grams' rows added up."""
        by_gram, gram_starts = self._by_gram
        starts = gram_starts[numbers]
        sizes = gram_starts[numbers + 1] - starts
        # the rows of all the question's n-grams, one after the other
        rows = by_gram[
            np.arange(int(sizes.sum())) + np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        ]
        products = self._weights[rows] * np.repeat(weights, sizes)
        return np.bincount(self._owners[rows], products, minlength=self._count)

    @functools.cached_property
    def _by_gram(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows in n-gram order, and where each n-gram's rows start: n-gram i's are
        [starts[i], starts[i + 1])."""
        order = np.argsort(self._grams, kind="stable")
        return order, np.searchsorted(self._grams[order], np.arange(len(self.ids) + 1))
