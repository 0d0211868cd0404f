"""`repbot purge --all`: every row of the database gone, and the copies SQLite keeps of them
(the WAL, freed pages), and the phrasing vector cache file beside it; run it with repbot
stopped. The schema stays at its version, so repbot starts on the file as on a new database."""

from __future__ import annotations

from pathlib import Path

from bot.faq.semantic import cache_path
from bot.shared.db import Store


def purge(store: Store) -> int:
    """Delete every row of every table; how many rows went."""
    deleted = 0
    with store.transaction() as db:
        # The one place the audit log is emptied: its append-only triggers are dropped for
        # this transaction and made again, as they were, before it commits.
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall()
        for name, _ in triggers:
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("PRAGMA defer_foreign_keys = ON")  # rows go in any order: all of them go
        # A full-text table is emptied through itself: its shadow tables are its own business.
        tables = db.execute(
            """SELECT name FROM pragma_table_list WHERE schema = 'main'
               AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%'"""
        ).fetchall()
        for (table,) in tables:
            deleted += db.execute(f'DELETE FROM "{table}"').rowcount
        for _, sql in triggers:
            db.execute(sql)
    # The vector cache is only a cache (learned phrasings are customers' questions): it goes
    # whole, WAL and all, and is made again when the semantic tier next encodes.
    cache = cache_path(store.path)
    for path in (cache, Path(f"{cache}-wal"), Path(f"{cache}-shm")):
        path.unlink(missing_ok=True)
    # Deleted rows still sit in the WAL and on free pages: copy the WAL back, rebuild the file
    # without the free pages, and truncate the WAL that VACUUM wrote to.
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.db.execute("VACUUM")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted
