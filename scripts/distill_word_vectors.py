"""Make the word vector table of the default matcher (bot/faq/data/word-vectors.npz) from the
semantic tier's sentence encoder: what a word means, for a FAQ matched without the encoder.

Usage: .venv/bin/python scripts/distill_word_vectors.py [--words N] [--dimensions D]

Needs `repbot[semantic]` (./scripts/setup installs it). Reads no customer questions: the
vocabulary is the N most frequent words of pyspellchecker's English word frequency list, each
encoded alone by all-MiniLM-L6-v2 (the way Model2Vec distils a static model), the vectors
centred and reduced to their D principal components, then weighed by how rare the word is in
English (SIF: a / (a + frequency), so that "my" and "the" count for little) and stored in int8
with one scale a word. Prints the file's sha256, to pin in bot/faq/wordvectors.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from spellchecker import SpellChecker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq import wordvectors  # noqa: E402
from bot.faq.semantic import encoder_from  # noqa: E402
from bot.faq.vectors import sha256_of  # noqa: E402

WORDS = 50_000
DIMENSIONS = 64
SIF = 1e-4  # the frequency at which a word counts half


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=WORDS)
    parser.add_argument("--dimensions", type=int, default=DIMENSIONS)
    parser.add_argument("--out", type=Path, default=wordvectors.TABLE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        encoder = encoder_from({"SEMANTIC": "on", "DATABASE_PATH": f"{folder}/x.db"})
        if encoder is None:
            print("the semantic tier is not installed: ./scripts/setup installs it")
            return 1
        counts = SpellChecker(language="en").word_frequency.dictionary
        ranked = sorted((word for word in counts if word.isalpha()), key=lambda w: (-counts[w], w))
        words = ranked[: args.words]
        vectors = encoder.encode(words).astype(np.float64)
    vectors -= vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(vectors, full_matrices=False)
    import os

    drop = int(os.environ.get("DROP", "0"))
    reduced = vectors @ axes[drop : drop + args.dimensions].T
    share = np.array([counts[word] for word in words], np.float64)
    share /= share.sum()
    weighed = reduced * (SIF / (SIF + share))[:, None]
    scales = np.abs(weighed).max(axis=1) / 127
    table = np.round(weighed / scales[:, None]).astype(np.int8)
    np.savez_compressed(
        args.out,
        words=np.array("\n".join(words)),
        vectors=table,
        scales=scales.astype(np.float32),
    )
    print(f"{len(words)} words, {args.dimensions} dimensions: {args.out}")
    print(f"sha256 {sha256_of(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
