"""The semantic tier of FAQ matching (`repbot[semantic]`): the model file's check, its vectors
against the reference model's, the phrasing vector cache, the fallback to lexical matching,
and a paraphrase that only the combined matcher answers.

The rest of the suite matches lexically (conftest sets SEMANTIC=off); these tests build their
encoders from settings of their own. ./scripts/setup installs the extra, so CI runs them."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bot import cli
from bot.config import SettingError
from bot.faq import semantic, vectors
from bot.faq.evaluate import evaluate, read_questions
from bot.faq.knowledge import Entry, load_valid_knowledge
from bot.faq.matching import Matcher
from bot.faq.wordvectors import word_vectors

pytest.importorskip("onnxruntime", reason="the semantic extra is not installed")
np = pytest.importorskip("numpy")

from bot.faq import encoder as encoding  # noqa: E402

# bot.faq.int8 is imported only by the tests that use it, as repbot imports it only to convert:
# the onnx package it imports takes most of a second, in every worker that collects this file.

ROOT = Path(__file__).parent.parent
REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def settings(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "repbot.db"), **more}


@pytest.fixture(autouse=True, scope="module")
def converted_once(vector_cache: Path) -> None:
    """The model converted to int8 once a run, by whichever test needs it first (see
    conftest.py): not again here, where each test loads it with settings of its own."""


@pytest.fixture
def encoder(tmp_path: Path) -> encoding.Encoder:
    """The encoder with a phrasing vector cache of the test's own."""
    found = semantic.encoder_from(settings(tmp_path))
    assert found is not None
    return found


@pytest.fixture(scope="module")
def warm_encoder(vector_cache: Path) -> encoding.Encoder:
    """The encoder with the run's phrasing vector cache, for tests of what is matched, not of
    the cache: the FAQ's phrasings are encoded once a run (the demo's tests encode them too)."""
    found = semantic.encoder_from({"DATABASE_PATH": str(vector_cache)})
    assert found is not None
    return found


def model_folder() -> Path:
    folder = semantic._package_folder(semantic.MODEL_PACKAGE)
    assert folder is not None
    return folder


@pytest.mark.parametrize(("shipped", "at_least"), [(True, 0.999), (False, 0.99)])
def test_the_vectors_agree_with_the_reference_model(
    tmp_path: Path, shipped: bool, at_least: float
) -> None:
    """The int8 file's vectors, as shipped and with its products in int8 (what matching runs),
    against those of the fp32 all-MiniLM-L6-v2, recorded once by
    scripts/record_reference_vectors.py (an independent numpy run of the reference weights)."""
    more = {"SEMANTIC_MODEL": str(model_folder())} if shipped else {}
    encoder = semantic.encoder_from(settings(tmp_path, **more))
    assert encoder is not None and (encoder.model.parent == model_folder()) == shipped
    reference = json.loads(REFERENCE.read_text())["vectors"]
    vectors = encoder.encode(list(reference))
    for vector, (sentence, expected) in zip(vectors, reference.items(), strict=True):
        expected = np.asarray(expected)
        cosine = float(vector @ expected / np.linalg.norm(expected))
        assert cosine > at_least, sentence
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_model_file_is_pinned_and_run_converted_to_int8(encoder: encoding.Encoder) -> None:
    assert vectors.sha256_of(model_folder() / encoding.MODEL_FILE) == encoding.MODEL_SHA256
    assert encoder.model.name == f"repbot.int8-{encoding.MODEL_SHA256[:12]}.onnx"
    assert encoder.sha256 == vectors.sha256_of(encoder.model) != encoding.MODEL_SHA256


def test_the_conversion_is_made_once_and_its_failure_costs_speed_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = semantic.encoder_from(settings(tmp_path))  # converted once in this process
    assert first is not None
    beside = tmp_path / first.model.name  # where a process converts it for this database
    if not beside.exists():  # converted beside another database: the same file, linked here
        os.link(first.model, beside)  # (a copy wrote 58 MB, and deleting it took a second)
    monkeypatch.setattr(encoding, "_CONVERTED", {})  # as a new process

    def broken(source: Path, target: Path) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr("bot.faq.int8.convert", broken)
    again = semantic.encoder_from(settings(tmp_path))  # not converted again: the file is used
    assert again is not None and again.model == beside and again.sha256 == first.sha256
    monkeypatch.setattr(encoding, "_CONVERTED", {})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with caplog.at_level(logging.WARNING):
        shipped = semantic.encoder_from(settings(elsewhere))
    assert shipped is not None and shipped.sha256 == encoding.MODEL_SHA256
    assert shipped.model == model_folder() / encoding.MODEL_FILE
    assert "as shipped, not in int8 (OSError: No space left on device)" in caplog.text
    assert not list(elsewhere.glob("*.onnx"))
    question = "my parcel never came"
    assert float(first.encode([question])[0] @ shipped.encode([question])[0]) > 0.97
    # a damaged file beside the database is removed (the next start converts it again)
    monkeypatch.setattr(encoding, "_CONVERTED", {})
    (elsewhere / beside.name).write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING):
        damaged = semantic.encoder_from(settings(elsewhere))
    assert damaged is not None and damaged.sha256 == encoding.MODEL_SHA256
    assert not (elsewhere / beside.name).exists()


def test_a_changed_model_file_is_refused_in_one_line(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    copy.mkdir()
    data = bytearray((model_folder() / encoding.MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / encoding.MODEL_FILE).write_bytes(bytes(data))
    with pytest.raises(SettingError) as refused:
        semantic.encoder_from(settings(tmp_path, SEMANTIC_MODEL=str(copy)))
    message = str(refused.value)
    assert message.startswith("SEMANTIC_MODEL: ") and "\n" not in message
    assert "refusing to run it" in message and "sha256" in message


def test_a_model_folder_of_ones_own_is_checked_against_its_own_sha256(tmp_path: Path) -> None:
    """An air-gapped copy of the model (or another model) with the sha256 its owner wrote."""
    copy = tmp_path / "model"
    copy.mkdir()
    shutil.copy(model_folder() / encoding.MODEL_FILE, copy / encoding.MODEL_FILE)
    found = semantic.encoder_from(settings(tmp_path, SEMANTIC_MODEL=str(copy)))
    assert found is not None and found.sha256 == encoding.MODEL_SHA256
    (copy / encoding.SHA256_FILE).write_text("0" * 64 + "  model.onnx\n")
    with pytest.raises(SettingError, match="^SEMANTIC_MODEL: .* not the expected 000000000000"):
        semantic.encoder_from(settings(tmp_path, SEMANTIC_MODEL=str(copy)))
    with pytest.raises(SettingError, match="^SEMANTIC_MODEL .* is not a folder"):
        semantic.encoder_from(settings(tmp_path, SEMANTIC_MODEL=str(tmp_path / "nowhere")))


FAQ = [
    Entry(
        id="double_charge",
        question="I was charged twice",
        answer="We refund the second charge.",
        variants=("double charge on my card", "billed two times for one order"),
    ),
    Entry(
        id="password",
        question="How do I reset my password?",
        answer="Tap Forgot password.",
        variants=("forgot my password", "password reset email never arrived"),
    ),
    Entry(
        id="delivery",
        question="Where is my order?",
        answer="Track it in the app.",
        variants=("my parcel has not arrived", "order still not delivered"),
    ),
]


def test_phrasing_vectors_are_cached_by_model_and_text(
    encoder: encoding.Encoder, tmp_path: Path
) -> None:
    phrasings = sum(len(entry.phrasings) for entry in FAQ)
    Matcher(FAQ, encoder=encoder)
    assert encoder.encoded == phrasings
    Matcher(FAQ, encoder=encoder)  # a restart, or a reload with nothing new
    assert encoder.encoded == phrasings
    # a lead adds a phrasing: only that one is encoded
    changed = [FAQ[0], FAQ[1], replace(FAQ[2], variants=(*FAQ[2].variants, "hi"))]
    matcher = Matcher(changed, encoder=encoder)
    assert encoder.encoded == phrasings + 1
    # a question is encoded every time and never kept
    matcher.match("my secret question about a parcel")
    with sqlite3.connect(tmp_path / "repbot.vectors.db") as cache:
        texts = {text for (text,) in cache.execute("SELECT text FROM phrasing_vectors")}
        models = {model for (model,) in cache.execute("SELECT model FROM phrasing_vectors")}
    assert texts == {p for entry in changed for p in entry.phrasings}
    assert models == {encoder.sha256}


def test_a_big_build_encodes_on_every_core_with_the_same_vectors(
    encoder: encoding.Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [p for entry in FAQ for p in entry.phrasings] * 3
    alone = encoder.encode(texts)
    monkeypatch.setattr(encoding, "_PARALLEL_FROM", 2)
    monkeypatch.setattr(encoding, "_cores", lambda: 4)
    threads = set()
    run = encoder._batch
    met = threading.Event()  # a second thread took a run: on a busy machine the first could
    # otherwise take them all before another started, and the test would depend on timing

    def batch(tokens: list[np.ndarray]) -> encoding.Vectors:
        threads.add(threading.get_ident())
        if len(threads) > 1:
            met.set()
        met.wait(timeout=5)
        return run(tokens)

    monkeypatch.setattr(encoder, "_batch", batch)
    assert np.array_equal(encoder.encode(texts), alone)
    assert len(threads) > 1


def test_a_cache_that_cannot_be_written_costs_time_not_a_match(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    found = semantic.encoder_from({"DATABASE_PATH": str(tmp_path / "no" / "such" / "x.db")})
    assert found is not None
    with caplog.at_level(logging.WARNING):
        result = Matcher(FAQ, encoder=found).match("billed two times")
    assert result.matches[0].entry.id == "double_charge"
    assert "phrasing vector cache" in caplog.text


def test_the_demo_keeps_its_vector_cache_beside_the_database_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`repbot demo --db PATH` caches beside PATH, not beside DATABASE_PATH: a purge (or an
    erasure) with the same --db finds the cache, which holds the phrasings it learned."""
    setting = tmp_path / "elsewhere" / "repbot.db"
    setting.parent.mkdir()
    monkeypatch.setenv("DATABASE_PATH", str(setting))  # put back after the test, as --db sets it
    monkeypatch.setenv("SEMANTIC", "on")
    monkeypatch.setenv("SEMANTIC_MODEL", str(model_folder()))  # as shipped: nothing to convert
    script = tmp_path / "script.txt"
    script.write_text("/faq where is my box\n")
    # An FAQ of one entry: encoding the shipped one's 366 phrasings took a second.
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "faq.yaml").write_text(
        '- id: where_is_my_box\n  question: "Where is my box?"\n  answer: "Track it in the app."\n'
    )
    given = tmp_path / "q.db"
    semantic.default_encoder.cache_clear()  # the process's encoder, loaded for this demo
    try:
        demo = ["demo", "--knowledge", str(knowledge), "--script", str(script), "--db", str(given)]
        assert cli.main(demo) == 0
    finally:
        semantic.default_encoder.cache_clear()
    assert semantic.cache_path(given).is_file()
    assert not semantic.cache_path(setting).exists()
    capsys.readouterr()
    assert cli.main(["purge", "--all", "--yes", "--db", str(given)]) == 0
    assert "purged" in capsys.readouterr().out
    assert not semantic.cache_path(given).exists()


def test_without_the_extra_matching_is_lexical_with_the_word_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    find_spec = semantic.importlib.util.find_spec

    def missing(name: str, *args: object) -> object:
        return None if name == "onnxruntime" else find_spec(name)

    monkeypatch.setattr(semantic.importlib.util, "find_spec", missing)
    with caplog.at_level(logging.INFO, logger="bot.faq.semantic"):
        assert semantic.encoder_from(settings(tmp_path)) is None
    assert [r.getMessage() for r in caplog.records] == [
        "FAQ matching is lexical: onnxruntime not installed (pip install 'repbot[semantic]')"
    ]
    assert semantic.encoder_from(settings(tmp_path, SEMANTIC="off")) is None
    with pytest.raises(SettingError, match="^SEMANTIC must be on or off"):
        semantic.encoder_from(settings(tmp_path, SEMANTIC="maybe"))
    # the suite's default matcher (SEMANTIC=off): words and the shipped word vectors
    lexical, default = Matcher(FAQ, encoder=word_vectors()), Matcher(FAQ)
    assert default.tier == lexical.tier == "lexical"
    for question in ("charged twice", "forgot password", "where is my parcel", "hello"):
        assert lexical.match(question) == default.match(question)


def test_an_empty_faq_and_questions_of_no_words_get_nothing(encoder: encoding.Encoder) -> None:
    assert Matcher([], encoder=encoder).match("my card is lost").matches == []
    matcher = Matcher(FAQ, encoder=encoder)
    for question in ("", "the", ":wave:", "???"):
        assert matcher.match(question).matches == [], question


def test_a_big_faq_compares_a_question_with_the_entries_closest_by_centroid_only(
    encoder: encoding.Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = vectors.PhrasingVectors(encoder, [entry.phrasings for entry in FAQ])
    question = exact.question("I paid two times for the same order")
    full = exact.closest(question)
    monkeypatch.setattr(vectors, "_EVERY_PHRASING", 0)
    monkeypatch.setattr(vectors, "_SHORTLIST", 1)
    short = exact.closest(question)
    best = int(full[1].argmax())
    assert best == 0 and short[0, best] == full[0, best]  # the shortlisted entry: exact
    assert (short[1] == full[1]).all()  # centroids: all of them
    others = [i for i in range(len(FAQ)) if i != best]
    assert (short[0, others] == full[1, others]).all()  # the rest: their centroid's cosine
    # held out, as calibration does it, the same way
    without, whole = exact.held_out(0, 1)
    assert whole[0, 0] == whole[1, 0] == -1.0 and without[1, 0] > 0


def test_a_paraphrase_only_the_combined_matcher_answers(warm_encoder: encoding.Encoder) -> None:
    knowledge = load_valid_knowledge(ROOT / "knowledge")
    question = "I would like to close my account for good"
    lexical = Matcher.for_knowledge(knowledge, encoder=None).match(question)
    combined = Matcher.for_knowledge(knowledge, encoder=warm_encoder).match(question)
    assert lexical.verdict != "answer"
    assert combined.verdict == "answer"
    assert combined.matches[0].entry.id == "delete_account"


TYPOS = {  # as typed -> the entry
    "how do i cancle": "cancel_subscription",
    "refnd please": "refund_timing",
    "my pasword doesnt work": "password_reset",
    "i cancled but you still charged me": "charged_after_cancel",
}


def test_a_typo_is_read_for_its_meaning_as_the_faq_spells_the_word(
    warm_encoder: encoding.Encoder,
) -> None:
    """The encoder reads a typo the words correct ("cancle") as the word in the FAQ's form
    closest to it ("cancel", not "cancelled"): given as typed, "how do i cancle" read as
    nothing like cancelling and got no answer, not even a "did you mean"."""
    knowledge = load_valid_knowledge(ROOT / "knowledge")
    for meaning in (warm_encoder, word_vectors()):
        matcher = Matcher.for_knowledge(knowledge, encoder=meaning)
        for question, expected in TYPOS.items():
            found = matcher.match(question)
            assert found.verdict == "answer", (meaning.kind, found)
            assert found.matches[0].entry.id == expected, (meaning.kind, found)


def test_the_second_business_is_matched_better_with_meaning(warm_encoder: encoding.Encoder) -> None:
    """benchmarks/telecom (see test_matching.py for the lexical bars): the combined matcher is
    at least as good on every count. Bars a little under what it does today."""
    bench = ROOT / "benchmarks" / "telecom"
    knowledge = load_valid_knowledge(bench / "knowledge")
    found = evaluate(
        Matcher.for_knowledge(knowledge, encoder=warm_encoder),
        read_questions(bench / "questions.csv"),
    )
    assert found.top1 >= 0.88 and found.top3 >= 0.96
    assert found.answered >= 0.60 and found.answer_precision >= 0.95
    assert found.uncovered_answered <= 0.05


def test_converting_logs_only_the_quantizers_warnings():
    from bot.faq import int8

    def record(level: int, message: str) -> logging.LogRecord:
        return logging.LogRecord("root", level, __file__, 1, message, None, None)

    quiet = int8._NoAdvice()
    assert not quiet.filter(record(logging.INFO, 'Quantization parameters for tensor:"x" not '
                                                 "specified"))  # fmt: skip
    assert not quiet.filter(record(logging.WARNING, "Please consider to run pre-processing"))
    assert quiet.filter(record(logging.WARNING, "a weight could not be quantized"))
