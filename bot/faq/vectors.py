"""Texts as unit vectors, and how close a question is to each entry's phrasings in them: the
meaning part of FAQ matching, whichever encoder makes the vectors (the semantic tier's sentence
encoder, `bot.faq.encoder`, or the default install's word vectors, `bot.faq.wordvectors`).
numpy only."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

# Phrasings up to which a question is compared with every one; beyond, with those of the
# entries closest by centroid only (see `PhrasingVectors._closest`).
_EVERY_PHRASING = 20_000
_VERIFIED: dict[tuple[str, int, int], str] = {}  # (path, size, mtime) -> sha256: hash once
_HELD_OUT_CHUNK = 100  # held-out phrasings compared at once: 8 MB at 20,000 phrasings
_SHORTLIST = 500  # texts looked up in the vector cache per query (SQLite's variable limit)


def sha256_of(path: Path) -> str:
    """The file's sha256: a model's or a table's identity, checked against a pin."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _VERIFIED:
        digest = hashlib.sha256()
        with path.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                digest.update(chunk)
        _VERIFIED[key] = digest.hexdigest()
    return _VERIFIED[key]


class TextEncoder(Protocol):
    """What matching needs of an encoder."""

    # "sentence": a model reads the whole text; "words": a table's word vectors, summed
    kind: Literal["sentence", "words"]
    sha256: str  # the vectors' identity
    # The cosine of two texts about unrelated things, typically: what closeness counts from
    # (0 for the sentence encoder; summed word vectors share more, see `bot.faq.wordvectors`).
    unrelated: float

    def encode(self, texts: Sequence[str], *, cached: bool = False) -> Vectors:
        """Unit vectors of `texts`, one row each; `cached`: phrasings, worth keeping."""
        ...


class PhrasingVectors:
    """The vectors of every entry's phrasings; how close a question is to each entry's
    closest phrasing and to the entry's centroid (cosines: the vectors are unit length)."""

    def __init__(self, encoder: TextEncoder, phrasings: Sequence[Sequence[str]]) -> None:
        self.encoder = encoder
        texts = [text for entry in phrasings for text in entry]
        self.vectors = encoder.encode(texts, cached=True)
        counts = [len(entry) for entry in phrasings]
        self.starts = np.cumsum([0, *counts], dtype=np.int64)[:-1]
        self._ends = self.starts + np.asarray(counts, np.int64)
        # per entry, the sum of its phrasings' vectors: the centroid's direction
        self._sums = np.zeros((len(counts), self.vectors.shape[1]), np.float32)
        if len(counts):
            self._sums = np.add.reduceat(self.vectors, self.starts).astype(np.float32)
        self._sum_norms = np.linalg.norm(self._sums, axis=1)

    def vector(self, entry: int, phrasing: int) -> Vectors:
        return self.vectors[int(self.starts[entry]) + phrasing]

    def question(self, text: str) -> Vectors:
        return self.encoder.encode([text])[0]

    def closest(self, question: Vectors) -> Vectors:
        """Per entry (columns), the cosine of the question to its closest phrasing (row 0) and
        to its centroid (row 1), counted from the encoder's `unrelated` (1 stays 1)."""
        centroid = _dot(self._sums, question) / np.maximum(self._sum_norms, 1e-9)
        return self._closest(question, centroid, -1, None)

    def held_out_all(self, phrasings: Sequence[tuple[int, int]]) -> list[tuple[Vectors, Vectors]]:
        """`held_out` for each (entry, phrasing): in a few matrix products where every phrasing
        is compared (`_closest`), as a build's calibration asks for 400 (one at a time took a
        tenth of a small FAQ's build)."""
        if len(self.vectors) > _EVERY_PHRASING and len(self.starts) > _SHORTLIST:
            return [self.held_out(entry, phrasing) for entry, phrasing in phrasings]
        out: list[tuple[Vectors, Vectors]] = []
        for chunk in range(0, len(phrasings), _HELD_OUT_CHUNK):
            entries = np.array([e for e, _ in phrasings[chunk : chunk + _HELD_OUT_CHUNK]], np.int64)
            rows = self.starts[entries] + [p for _, p in phrasings[chunk : chunk + _HELD_OUT_CHUNK]]
            questions = self.vectors[rows]
            every = np.arange(len(entries))
            centroid = _products(questions, self._sums) / np.maximum(self._sum_norms, 1e-9)
            rest = self._sums[entries] - questions
            centroid[every, entries] = np.einsum("ij,ij->i", rest, questions) / np.maximum(
                np.linalg.norm(rest, axis=1), 1e-9
            )
            cosines = _products(questions, self.vectors)
            cosines[every, rows] = -1.0
            best = np.maximum.reduceat(cosines, self.starts, axis=1)
            without = self._counted(np.stack([best, centroid], axis=1))
            best[every, entries] = centroid[every, entries] = -1.0
            whole = self._counted(np.stack([best, centroid], axis=1))
            out += zip(without, whole, strict=True)
        return out

    def held_out(self, entry: int, phrasing: int) -> tuple[Vectors, Vectors]:
        """`closest` for a phrasing as a question, first with that phrasing left out of its
        entry, then with its whole entry left out."""
        question = self.vector(entry, phrasing)
        centroid = _dot(self._sums, question) / np.maximum(self._sum_norms, 1e-9)
        rest = self._sums[entry] - question
        centroid[entry] = float(rest @ question) / max(float(np.linalg.norm(rest)), 1e-9)
        without_phrasing = self._closest(question, centroid, entry, phrasing)
        centroid[entry] = -1.0
        return without_phrasing, self._closest(question, centroid, entry, None)

    def _closest(
        self, question: Vectors, centroid: Vectors, held_entry: int, held_phrasing: int | None
    ) -> Vectors:
        """Both rows of `closest`, given the centroid row; the held-out entry's phrasing (or
        all its phrasings) left out. A big FAQ compares the question with the phrasings of
        the `_SHORTLIST` entries closest by centroid only, each of the others standing in with
        its centroid's cosine: reading every phrasing vector for every question would cost
        some 30 ms at 100,000 phrasings."""
        if not len(self.starts):
            return np.zeros((2, 0), np.float32)
        if len(self.vectors) <= _EVERY_PHRASING or len(self.starts) <= _SHORTLIST:
            entries = np.arange(len(self.starts))
            rows = np.arange(len(self.vectors))
            starts = self.starts
        else:
            entries = np.argpartition(-centroid, _SHORTLIST)[:_SHORTLIST]
            counts = self._ends[entries] - self.starts[entries]
            starts = np.cumsum(counts) - counts
            rows = np.repeat(self.starts[entries] - starts, counts) + np.arange(counts.sum())
        cosines = _dot(
            self.vectors[rows] if len(rows) < len(self.vectors) else self.vectors, question
        )
        if held_entry >= 0:
            start, end = int(self.starts[held_entry]), int(self._ends[held_entry])
            held = (rows >= start) & (rows < end)
            if held_phrasing is not None:
                held &= rows == start + held_phrasing
            cosines[held] = -1.0
        best = centroid.copy()
        best[entries] = np.maximum.reduceat(cosines, starts)
        return self._counted(np.stack([best, centroid]))

    def _counted(self, cosines: Vectors) -> Vectors:
        """Cosines counted from the encoder's `unrelated`."""
        unrelated = self.encoder.unrelated
        return ((cosines - unrelated) / (1 - unrelated)).astype(np.float32)


def _dot(matrix: Vectors, vector: Vectors) -> Vectors:
    """Each row's dot product with the vector. einsum's own loop, not BLAS: one thread, as the
    question's encoding, and none of BLAS's thread start-up, which cost ten times the product
    on a busy machine."""
    return np.einsum("ij,j->i", matrix, vector)


def _products(questions: Vectors, matrix: Vectors) -> Vectors:
    """Each question's dot product with each row, in einsum's own loop for `_dot`'s reason."""
    return np.einsum("qd,pd->qp", questions, matrix)
