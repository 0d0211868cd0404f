import fcntl
import functools
import hashlib
import io
import logging
import os
import shutil
import sys
from collections.abc import Callable, Collection, Iterator
from copy import copy as shallow_copy
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pytest

# The suite's matchers are lexical, whatever is installed: the tests' expectations are the
# lexical tier's, and the semantic tier's own tests (test_semantic.py) build its matchers
# explicitly. Set before any matcher is built; real processes the tests start inherit it.
os.environ["SEMANTIC"] = "off"

# Compiled modules are kept (in __pycache__/, ignored by git) even where the environment says
# not to, as ./scripts/test keeps them: with PYTHONDONTWRITEBYTECODE each worker, and each bot,
# console script and process the tests start, compiled bot/ anew and pytest rewrote the
# tests' asserts anew, some 6 s of a run on 2 cores. Set before bot/ is imported; the workers
# and processes started from here on inherit it.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from bot import services  # noqa: E402
from bot.cli import main  # noqa: E402
from bot.demo import LocalSlack  # noqa: E402
from bot.faq import semantic  # noqa: E402
from bot.faq.knowledge import Entry, Knowledge, load_valid_knowledge  # noqa: E402
from bot.faq.matching import UNCOVERED_ODDS, Matcher  # noqa: E402
from bot.guide import Guide  # noqa: E402
from bot.shared.clock import Clock  # noqa: E402
from bot.shared.db import Store  # noqa: E402
from bot.slack import weekly  # noqa: E402

semantic.default_encoder()  # the word vectors (SEMANTIC=off), kept: a test cannot change it

ROOT = Path(__file__).parent.parent
KNOWLEDGE = ROOT / "knowledge"
PLAYBOOKS = ROOT / "playbooks"

# Where every LocalSlack test starts: a Wednesday mid-morning (UTC), so that no test's waits
# reach Monday 09:00 and its weekly summary, whatever day the suite runs.
START = datetime(2026, 6, 17, 10, 30, tzinfo=UTC)

WRITES_CONTENT = "writes_content"
OVER_HTTP = "over_http"


# Modules of tests that take seconds each, last in the alphabet, run first: pytest-xdist hands
# out tests in batches as workers free up, the last ones a few at a time, and test_workers.py's
# three real `repbot run`s at the very end kept one worker busy 2 s after the other was done.
# (All such modules first was worse: the first worker's first batch, 200 tests, held them all.)
SLOW_FIRST = ("test_workers.py", "test_semantic.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{WRITES_CONTENT}: the test changes knowledge/ or playbooks/ (a lead's edit or "
        "curation), so its LocalSlack gets copies of its own",
    )
    config.addinivalue_line(
        "markers",
        f"{OVER_HTTP}: the bot serves real HTTP on 127.0.0.1 (a representative few tests; the "
        "others dispatch each signed request in-process)",
    )


def fingerprint(*directories: Path) -> dict[str, str]:
    """Every file under `directories` by path, with a hash of its content."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for directory in directories
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def shared_content(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One copy of knowledge/ and playbooks/ for the many tests that only read them: the
    same directory each time, so the FAQ index built for it can be used again."""
    root = tmp_path_factory.mktemp("shared-content")
    shutil.copytree(KNOWLEDGE, root / "knowledge")
    shutil.copytree(PLAYBOOKS, root / "playbooks")
    return root / "knowledge", root / "playbooks"


# The FAQ index by everything it is built from but the folder its files are in: a test that
# edits the FAQ (or the demo) works on a copy of its own, and building the index again for
# each copy took a fifth of a second, 40 times a run. Entries carry their file and line
# (`source`, which curation writes to), so a copy gets the index built for another copy with
# its own entries in it (`_for_copy`).
_MATCHERS: dict[str, Matcher] = {}
_build_matcher = Matcher.for_knowledge


def _cached_matcher(
    cls: type[Matcher],
    knowledge: Knowledge,
    encoder: Literal["default"] | None = "default",
    uncovered_odds: float = UNCOVERED_ODDS,
    asked: Collection[str] = (),
) -> Matcher:
    # SEMANTIC is read as the matcher is built: a test that turns the tier on gets its own.
    tier = os.environ.get("SEMANTIC") if encoder == "default" else "none"
    key = repr(
        (
            _in_any_folder(knowledge),
            list(knowledge.synonyms.items()),
            tier,
            uncovered_odds,
            sorted(asked),
        )
    )
    built = _MATCHERS.get(key)
    if built is None:
        # a Matcher is read-only once built
        built = _MATCHERS[key] = _build_matcher(
            knowledge, encoder=encoder, uncovered_odds=uncovered_odds, asked=asked
        )
    return built if built.entries == knowledge.entries else _for_copy(built, knowledge)


def _in_any_folder(knowledge: Knowledge) -> list[Entry]:
    """The entries with their sources relative to the folder of the knowledge base."""
    folders = {str(path.parent) for path in knowledge.files}
    root = os.path.commonpath(folders) if folders else ""
    return [
        replace(entry, source=os.path.relpath(entry.source, root)) if root else entry
        for entry in knowledge.entries
    ]


def _for_copy(built: Matcher, knowledge: Knowledge) -> Matcher:
    """`built`, made for the same files in another folder, with this folder's entries: what
    the index keeps of an entry is its phrasings, the same in both; a match names the entry
    as `entries` has it."""
    copy = shallow_copy(built)
    copy.entries = list(knowledge.entries)
    mine = set(copy.entries)
    probe = copy.entries[0].question
    assert all(m.entry in mine for m in copy.match(probe).matches), "an entry of another copy"
    return copy


@functools.cache
def shipped_matcher() -> Matcher:
    """The shipped FAQ's matcher, for tests of the core that read topics as the FAQ does
    (/case finds a matter by them)."""
    return _cached_matcher(Matcher, load_valid_knowledge(KNOWLEDGE))


# The playbooks and the FAQ as loaded, by directory and files: only the session's shared copy
# is read again and again, and a test that changed it fails (see `local`). A file's change
# (content or time) makes another key, so another load. A Guide is frozen, replaced whole on
# reload; a Knowledge has lists, so each test gets lists of its own (its entries are frozen).
_LOADED: dict[tuple, object] = {}
_load_guide = services.load_guide
_load_knowledge = services.load_valid_knowledge


def _files_key(directory: Path) -> tuple:
    files = sorted(path for path in Path(directory).rglob("*") if path.is_file())
    return (
        str(directory),
        tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files),
        tuple(fingerprint(Path(directory)).items()),
    )


def _cached_guide(playbooks_dir: Path) -> tuple[Guide | None, list]:
    key = ("guide", *_files_key(playbooks_dir))
    if key not in _LOADED:
        _LOADED[key] = _load_guide(playbooks_dir)
    return _LOADED[key]  # type: ignore[return-value]


def _cached_knowledge(knowledge_dir: Path) -> Knowledge:
    key = ("knowledge", *_files_key(knowledge_dir))
    if key not in _LOADED:
        _LOADED[key] = _load_knowledge(knowledge_dir)
    loaded: Knowledge = _LOADED[key]  # type: ignore[assignment]
    return replace(
        loaded, entries=list(loaded.entries), problems=list(loaded.problems),
        files=list(loaded.files), synonyms=dict(loaded.synonyms),
    )  # fmt: skip


# The weekly summary's chart by its figures: drawing it takes matplotlib a good part of a
# second, and most tests that post a summary draw the same empty weeks. A PNG is bytes, so
# handing out the same one is safe.
_CHARTS: dict[str, bytes] = {}
_draw_chart = weekly.trend_chart


def _cached_chart(trends: list) -> bytes:
    key = repr(trends)
    if key not in _CHARTS:
        _CHARTS[key] = _draw_chart(trends)
    return _CHARTS[key]


@pytest.fixture(scope="session")
def new_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database as repbot makes it on its first start, migrated once a session: each `local`
    starts on a copy (migrating took 14 ms of a LocalSlack's 33, some 290 times a run).
    test_store tests the migrations themselves."""
    path = tmp_path_factory.mktemp("new-database") / "repbot.db"
    Store(path).close()
    assert not path.with_name("repbot.db-wal").exists()  # all of it in the one file
    return path


@pytest.fixture
def local(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shared_content: tuple[Path, Path],
    new_database: Path,
) -> Iterator[LocalSlack]:
    """The real bot with the emulator as its Slack, its clock starting at START. Each signed
    request is dispatched into the bot in the test's process (the same signature check and
    Bolt, no socket); a test marked `over_http` has the bot serve HTTP on 127.0.0.1 instead.

    It reads the session's shared copy of the content, unless the test is marked
    `writes_content`: then what leads add or break is written to copies of its own (never to
    the repo). A test that writes to the shared copy without the mark fails here."""
    monkeypatch.setattr(Matcher, "for_knowledge", classmethod(_cached_matcher))
    monkeypatch.setattr(weekly, "trend_chart", _cached_chart)
    writes = request.node.get_closest_marker(WRITES_CONTENT) is not None
    if writes:
        knowledge, playbooks = tmp_path / "knowledge", tmp_path / "playbooks"
        shutil.copytree(KNOWLEDGE, knowledge)
        shutil.copytree(PLAYBOOKS, playbooks)
    else:
        knowledge, playbooks = shared_content
        before = fingerprint(knowledge, playbooks)
        # The content as loaded at start-up; a reload reads the files as ever.
        monkeypatch.setattr(services, "load_guide", _cached_guide)
        monkeypatch.setattr(services, "load_valid_knowledge", _cached_knowledge)
    over_http = request.node.get_closest_marker(OVER_HTTP) is not None
    database = tmp_path / "repbot.db"
    if not database.exists():  # else a fixture made it, as an older repbot left it
        shutil.copyfile(new_database, database)
    with LocalSlack(
        knowledge, playbooks, database, clock=Clock(start=START),
        reload_interval=0.2, over_http=over_http,
    ) as running:  # fmt: skip
        yield running
    if not writes:
        after = fingerprint(knowledge, playbooks)
        if after != before:
            # Put the shared copy back for the tests after this one, then say which wrote.
            for directory, source in ((knowledge, KNOWLEDGE), (playbooks, PLAYBOOKS)):
                shutil.rmtree(directory)
                shutil.copytree(source, directory)
            changed = sorted(set(before.items()) ^ set(after.items()))
            pytest.fail(
                f"{request.node.nodeid} changed the shared content "
                f"({', '.join(sorted({path for path, _ in changed}))}): "
                f"mark it @pytest.mark.{WRITES_CONTENT}",
                pytrace=False,
            )


@dataclass(frozen=True)
class Done:
    """What a finished command left: as subprocess.CompletedProcess has it."""

    returncode: int
    stdout: str
    stderr: str


Repbot = Callable[..., Done]


@pytest.fixture
def repbot(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Repbot]:
    """`repbot ARGS` in this process: `stdin` as its standard input, `env` (when given) as its
    whole environment; the environment, the working directory and logging are put back after.
    Logged warnings and tracebacks go to its standard error, as they would in a process of
    its own (Python's last-resort handler), so a test can still see them there."""
    monkeypatch.chdir(ROOT)  # as a person runs it: .env and data/ are looked for here
    # an index built for the same files before is used again, as in `local`
    monkeypatch.setattr(Matcher, "for_knowledge", classmethod(_cached_matcher))
    root = logging.getLogger()

    def run(*args: str, stdin: str = "", env: dict | None = None) -> Done:
        saved_env, saved_handlers, saved_level = dict(os.environ), root.handlers[:], root.level
        capsys.readouterr()  # nothing from before the command
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        last_resort = logging.StreamHandler(sys.stderr)  # the captured stderr, from here on
        last_resort.setLevel(logging.WARNING)
        root.addHandler(last_resort)
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse's refusals
            code = exit.code if isinstance(exit.code, int) else 1
        finally:
            root.handlers[:], root.level = saved_handlers, saved_level
            os.environ.clear()
            os.environ.update(saved_env)
        out, err = capsys.readouterr()
        return Done(code, out, err)

    yield run


@pytest.fixture(scope="session")
def vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of the run's own (never the repo's) for the semantic tier, beside which the
    model converted to int8 and the phrasing vectors are kept: one folder for every worker of
    the run (pytest-xdist's each have their own under the run's), so the model is converted
    once a run, not once a worker (seconds each, and 58 MB more to delete), and the FAQ is
    encoded once for every test that plays the demo or builds the shipped FAQ's matcher."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "semantic"
    folder.mkdir(exist_ok=True)
    database = folder / "repbot.db"
    # The first worker to get here converts; the others wait for its file instead of
    # converting too. Without the extra there is nothing to load (lexical matching).
    with (folder / "converting.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        semantic.encoder_from({"DATABASE_PATH": str(database)})
    return database


@pytest.fixture(params=["on", "off"])
def tier(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, vector_cache: Path
) -> Iterator[str]:
    """The demo as a person runs it: with the semantic tier where it is installed (as
    ./scripts/setup installs it), and without it. The process loads its encoder once, so it
    is loaded again for each."""
    monkeypatch.setenv("SEMANTIC", request.param)
    monkeypatch.setenv("DATABASE_PATH", str(vector_cache))
    semantic.default_encoder.cache_clear()
    yield request.param
    semantic.default_encoder.cache_clear()
