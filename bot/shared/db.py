"""The database: one SQLite file through sqlite-utils, a connection per thread, write
transactions, and the schema brought up to date when it is opened. Each domain keeps its own
queries (bot/<domain>/queries.py) as plain SQL over this connection.

Bolt runs listeners on a thread pool, so every thread gets its own connection; WAL lets
readers work while one writer writes. Writers take turns on a lock file beside the database
(see `Store.transaction`); SQLite's busy timeout is for writers that do not use it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from bot.shared.clock import Clock, iso
from bot.shared.migrations import MIGRATIONS
from bot.shared.refusal import Refusal

BUSY_TIMEOUT_SECONDS = 10

T = TypeVar("T")


def placeholders(values: Sized) -> str:
    """The "?, ?, ?" of an IN list of `values`, whose values go in as parameters."""
    return ", ".join("?" * len(values))


def existing(found: T | None, what: str) -> T:
    """What the schema guarantees is there (a case's customer, a row just written); a None
    here is a broken database, not a user's mistake, so it fails loudly, naming what is gone."""
    if found is None:
        raise LookupError(f"{what} is missing from the database")
    return found


SQLITE_HEADER = b"SQLite format 3\x00"


def open_existing(
    path: str | Path, *, may_create: bool = False, clock: Clock | None = None
) -> Store:
    """The database at `path` for a command that reads it: a missing file (unless
    `may_create`), a missing folder, a folder, a file this user cannot write, a file that is not
    SQLite, or another program's database is a Refusal in one line that names the path and
    what to do, never an empty database made on the spot, a new folder or a traceback."""
    path = Path(path)
    if not path.exists():
        if not may_create:
            raise Refusal(f"there is no database at {path} (set DATABASE_PATH, or give --db)")
        folder = path.parent
        if not folder.is_dir():
            # Not made here: a mistyped path would leave a new tree and an empty database in it.
            raise Refusal(
                f"there is no folder {folder} for the database {path}; create the folder, "
                "or choose a file in one that exists"
            )
        _writable(folder, f"cannot make the database {path}: the folder {folder}")
        return _opened(path, clock)
    if path.is_dir():
        raise Refusal(f"{path} is a folder; give the database's file, such as {path / 'repbot.db'}")
    _writable(path, f"cannot open the database {path}: it")
    # WAL keeps two files beside the database (-wal, -shm), made as it opens.
    _writable(path.parent, f"cannot open the database {path}: its folder {path.parent}")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:  # an empty file is a new database to SQLite
        raise Refusal(f"{path} is not a repbot database (not SQLite)")
    probe = sqlite3.connect(path)
    try:
        version = probe.execute("PRAGMA user_version").fetchone()[0]
        tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        foreign = version == 0 and tables.fetchone()[0] > 0
    finally:
        probe.close()
    if foreign:
        raise Refusal(f"{path} is not a repbot database (another program's tables)")
    return _opened(path, clock)


def _writable(path: Path, what: str) -> None:
    """A Refusal unless this user may read and write `path`; `what` names it in the line."""
    if not os.access(path, os.R_OK | os.W_OK):
        raise Refusal(f"{what} is not writable by this user; change its permissions")


def _opened(path: Path, clock: Clock | None) -> Store:
    """The Store, or a Refusal for what SQLite alone can tell (a full disk, a locked file)."""
    try:
        return Store(path, clock)
    except sqlite3.Error as error:
        raise Refusal(f"the database {path} cannot be opened: {error}") from None


class Store:
    def __init__(self, path: str | Path, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self.clock = clock or Clock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Writers of every process and thread queue on this file's lock, where the next one
        # wakes the moment it is free; SQLite's own busy handler sleeps in steps of 1 to 100 ms.
        self.lock_path = self.path.with_name(self.path.name + "-lock")
        self._writers: list[int] = []  # each thread's descriptor of the lock file
        # A writer that waits longer than this for its turn gives up, as SQLite's busy timeout
        # does: a process frozen mid-write (stopped, swapped out) must not hold every thread.
        self.lock_timeout: float = BUSY_TIMEOUT_SECONDS
        self.commits = 0  # write transactions committed through this Store (tests count them)
        self.db.enable_wal()
        self.migrate()

    @property
    def db(self) -> Database:
        """This thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
            # Deleted and overwritten content is zeroed, not left in free space for someone
            # with the file to read: an erased customer's name must leave the file.
            conn.execute("PRAGMA secure_delete = ON")
            db = Database(conn)
            # A descriptor of its own: flock() locks exclude each other per open file, so
            # threads take turns too, and a worker forked with none shares none of the parent's.
            writer = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._local.db, self._local.writer = db, writer
            with self._lock:
                self._connections.append(conn)
                self._writers.append(writer)
        return db

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            for writer in self._writers:
                os.close(writer)
            self._connections.clear()
            self._writers.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction; IMMEDIATE takes the write lock up front, so two processes
        never both read-then-write and deadlock on the upgrade. Before it, the writer waits
        its turn on the lock file, which wakes it the moment the last writer is done; SQLite's
        busy handler, left to itself, sleeps 1 ms, then 2, 5, 10 and more before each look
        (at 8 concurrent /faq requests over 2 workers that was p99 12 ms before BEGIN). A
        process that dies holding the file's lock loses it with its descriptors."""
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        writer = self._take_turn()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            try:
                db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT leaves the transaction open: later writes would seem to
                # succeed and never commit, and every other connection would wait on the lock.
                db.rollback()
                raise
            self.commits += 1  # under the write lock
        finally:
            fcntl.flock(writer, fcntl.LOCK_UN)
            if writer != self._local.writer:
                os.close(writer)

    def _take_turn(self) -> int:
        """Wait for the writers' lock file, at most `lock_timeout`; the descriptor that holds
        it. Free, it is this thread's own descriptor at once. Taken, a thread waits for it on a
        descriptor of its own (flock() has no timeout; it waits without the interpreter lock and
        wakes the moment the lock is free), and if the wait is given up that thread lets the
        lock go as soon as it gets it, on a descriptor no one else uses."""
        writer = self._local.writer
        try:
            fcntl.flock(writer, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return writer
        except BlockingIOError:
            pass
        waiting = os.open(self.lock_path, os.O_RDWR | os.O_CLOEXEC)
        turn = threading.Event()
        given_up = False
        decided = threading.Lock()

        def wait() -> None:
            fcntl.flock(waiting, fcntl.LOCK_EX)
            with decided:
                if given_up:
                    fcntl.flock(waiting, fcntl.LOCK_UN)
                    os.close(waiting)
                else:
                    turn.set()

        threading.Thread(target=wait, name="writer-turn", daemon=True).start()
        if not turn.wait(self.lock_timeout):
            with decided:
                given_up = not turn.is_set()
            if given_up:
                raise sqlite3.OperationalError(
                    f"database is locked: another writer held it over {self.lock_timeout:g} s"
                )
        return waiting

    @contextmanager
    def write(self) -> Iterator[Database]:
        """For a write of one statement: inside a transaction it joins it as it is, for one
        statement is all or nothing without a savepoint (which costs two more statements
        while the write lock is held); alone, it is a transaction of its own."""
        db = self.db
        if db.conn.in_transaction:
            yield db
        else:
            with self.transaction() as db:
                yield db

    def checkpoint(self) -> bool:
        """Empty the WAL, whose frames hold earlier versions of rows (after an erasure, the
        erased words); False when a reader kept it from being emptied (a later checkpoint
        does it)."""
        return self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0

    def scrub(self) -> bool:
        """Also rewrite the file without free pages: freed before secure_delete was on, they
        may hold old rows. As `checkpoint`, False when a reader kept the WAL busy."""
        self.checkpoint()
        self.db.execute("VACUUM")
        return self.checkpoint()

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        with self.transaction() as db:
            current = self.schema_version()
            for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
                step(db)
                db.execute(f"PRAGMA user_version = {version}")

    def now(self) -> str:
        return iso(self.clock.now())
