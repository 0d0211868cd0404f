"""The FAQ's tables: every question and what it matched, reps' votes and picks, and what
leads did about the gaps."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.shared.db import Store
from bot.shared.redact import may_mention
from bot.shared.retyped import typed_alike


@dataclass(frozen=True)
class QueryRecord:
    id: int
    text: str
    best_id: str | None
    best_score: float | None
    verdict: str
    user_id: str
    channel_id: str | None
    created_at: str


def record_query(
    store: Store,
    *,
    text: str,
    best_id: str | None,
    best_score: float | None,
    verdict: str,
    user_id: str,
    channel_id: str | None,
    source: str,
    request_key: str | None,
    retyped_since: str | None = None,
) -> int:
    """Store one query; a repeat with the same request key returns the first one's id. One
    statement, so that it joins the request's unit of work without a savepoint (a repeat,
    the rare case, reads the first one's id after it). With `retyped_since`, the same rep's
    question in the same words (`typed_alike`) since then, with the same match, is the one
    returned, and nothing is stored: looked for under the write lock, so of a double Enter's
    two requests one stores it."""
    with store.write() as db:
        if retyped_since is not None:
            for earlier_id, earlier in db.execute(
                """SELECT id, text FROM faq_queries
                   WHERE user_id = ? AND created_at >= ? AND verdict = ? AND best_id IS ?
                   ORDER BY id DESC""",
                [user_id, retyped_since, verdict, best_id],
            ).fetchall():
                if typed_alike(earlier, text):
                    return earlier_id
        inserted = db.execute(
            """INSERT INTO faq_queries (text, best_id, best_score, verdict, user_id,
                   channel_id, source, request_key, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (request_key) DO NOTHING
               RETURNING id""",
            [
                text,
                best_id,
                best_score,
                verdict,
                user_id,
                channel_id,
                source,
                request_key,
                store.now(),
            ],
        ).fetchall()  # fmt: skip  (all: the statement is done, not held open)
    if inserted:
        return inserted[0][0]
    row = store.db.execute("SELECT id FROM faq_queries WHERE request_key = ?", [request_key])
    return row.fetchone()[0]


def query(store: Store, query_id: int) -> QueryRecord | None:
    row = store.db.execute(
        """SELECT id, text, best_id, best_score, verdict, user_id, channel_id, created_at
           FROM faq_queries WHERE id = ?""",
        [query_id],
    ).fetchone()
    return QueryRecord(*row) if row else None


def questions_that_may_name(store: Store, spellings: Sequence[str]) -> Iterator[dict]:
    """The questions whose text may hold one of the spellings (`may_mention`), the oldest first."""
    where, likes = may_mention(['"text"'], spellings)
    return store.db.query(f"SELECT * FROM faq_queries WHERE {where} ORDER BY id", likes)


def record_feedback(
    store: Store,
    query_id: int,
    user_id: str,
    entry_id: str | None,
    helpful: bool,
    shown: Sequence[str] = (),
) -> None:
    """One vote per rep, query and entry (`entry_id` None: "None of these" to the entries
    `shown`, one per rep and query): clicking again changes the vote, never adds one; a vote on
    another entry of the same question (one offered after a "Not helpful") is a vote of its
    own."""
    # the conflict target names the unique index the row falls under (NULLs never clash in
    # the first, so "None of these" has a partial one of its own)
    target = (
        "query_id, user_id, entry_id)" if entry_id else "query_id, user_id) WHERE entry_id IS NULL"
    )
    shown_ids = None if entry_id else json.dumps(list(shown))
    with store.transaction() as db:
        db.execute(
            f"""INSERT INTO faq_feedback (query_id, user_id, entry_id, helpful, shown, created_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT ({target} DO UPDATE SET helpful = excluded.helpful,
               shown = excluded.shown, created_at = excluded.created_at""",
            [query_id, user_id, entry_id, int(helpful), shown_ids, store.now()],
        )


def record_pick(store: Store, query_id: int, user_id: str, entry_id: str) -> None:
    """A rep chose a "did you mean" suggestion; the last choice counts."""
    with store.transaction() as db:
        db.execute(
            """INSERT INTO faq_picks (query_id, user_id, entry_id, created_at)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (query_id, user_id) DO UPDATE SET
               entry_id = excluded.entry_id, created_at = excluded.created_at""",
            [query_id, user_id, entry_id, store.now()],
        )


def unanswered_since(
    store: Store, since: str
) -> list[tuple[int, str, str | None, float | None, str]]:
    """(query id, question, best entry id, its score, verdict) of the questions that got "no
    good match" (and no pick) or a "Not helpful", not yet dealt with; a question retention
    emptied is none any more."""
    return store.db.execute(
        """SELECT q.id, q.text, q.best_id, q.best_score, q.verdict FROM faq_queries q
           WHERE q.created_at >= ? AND q.text != ''
             AND ((q.verdict = 'none'
                   AND NOT EXISTS (SELECT 1 FROM faq_picks p WHERE p.query_id = q.id))
                  OR EXISTS (SELECT 1 FROM faq_feedback f
                             WHERE f.query_id = q.id AND f.helpful = 0))
             AND NOT EXISTS (SELECT 1 FROM gap_resolutions r WHERE r.query_id = q.id)
           ORDER BY q.id""",
        [since],
    ).fetchall()


def turned_down_since(store: Store, since: str) -> list[tuple[int, str, bool]]:
    """(query id, entry id, marked) for each entry a rep turned down for a question asked
    since: marked Not helpful (True), or shown in the "did you mean" they answered "None of
    these" (False). A "None of these" recorded before the entries it was shown were kept with
    it names none."""
    return [
        (query_id, entry_id, bool(marked))
        for query_id, entry_id, marked in store.db.execute(
            """SELECT f.query_id, coalesce(f.entry_id, shown.value), f.entry_id IS NOT NULL
               FROM faq_feedback f JOIN faq_queries q ON q.id = f.query_id
               LEFT JOIN json_each(f.shown) shown
               WHERE q.created_at >= ? AND f.helpful = 0 AND q.text != ''
                 AND coalesce(f.entry_id, shown.value) IS NOT NULL
               ORDER BY f.query_id, 2""",
            [since],
        )
    ]


def turned_down(store: Store, query_id: int, user_id: str) -> set[str]:
    """The entries the rep marked not helpful for the question."""
    return {
        entry_id
        for (entry_id,) in store.db.execute(
            """SELECT entry_id FROM faq_feedback
               WHERE query_id = ? AND user_id = ? AND helpful = 0 AND entry_id IS NOT NULL""",
            [query_id, user_id],
        )
    }


def picks_since(store: Store, since: str) -> list[tuple[int, str, str, str]]:
    """(query id, question, picked entry id, rep) for "did you mean" picks not yet dealt
    with."""
    return store.db.execute(
        """SELECT q.id, q.text, p.entry_id, p.user_id FROM faq_picks p
           JOIN faq_queries q ON q.id = p.query_id
           WHERE q.created_at >= ? AND q.text != ''
             AND NOT EXISTS (SELECT 1 FROM gap_resolutions r WHERE r.query_id = q.id)
           ORDER BY q.id""",
        [since],
    ).fetchall()


def resolve_gaps(
    store: Store, query_ids: list[int], action: str, entry_id: str | None, user_id: str
) -> int:
    """Mark questions as dealt with; returns how many were not already."""
    with store.transaction() as db:
        before = db.conn.total_changes
        db.conn.executemany(
            """INSERT OR IGNORE INTO gap_resolutions
                   (query_id, action, entry_id, user_id, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            [(q, action, entry_id, user_id, store.now()) for q in query_ids],
        )
        return db.conn.total_changes - before


def gap_resolver(store: Store, query_id: int) -> tuple[str, str, str | None] | None:
    """Who dealt with a question, and how: (user id, action, entry id)."""
    return store.db.execute(
        "SELECT user_id, action, entry_id FROM gap_resolutions WHERE query_id = ?",
        [query_id],
    ).fetchone()


def phrasings_added(store: Store, entry_ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(question, entry id, lead, when) of each question a lead closed by adding a phrasing
    to one of the entries, earliest first; a question retention emptied is left out."""
    marks = ", ".join("?" * len(entry_ids))
    return store.db.execute(
        f"""SELECT q.text, r.entry_id, r.user_id, r.created_at
            FROM gap_resolutions r JOIN faq_queries q ON q.id = r.query_id
            WHERE r.action = 'phrasing' AND r.entry_id IN ({marks}) AND q.text != ''
            ORDER BY r.created_at, r.query_id""",
        list(entry_ids),
    ).fetchall()


def evidence_since(store: Store, since: str) -> list[tuple[str, str, str, bool, str]]:
    """(question, rep, entry id, for it, when) of every rep's word on an entry for a question
    asked since (and not removed by retention): a "did you mean" pick or a Helpful is for it,
    a Not helpful against it. A rep's vote on the entry they picked replaces the pick (they
    saw its answer). "None of these" names no entry and is left out."""
    return [
        (text, user_id, entry_id, bool(support), created_at)
        for text, user_id, entry_id, support, created_at in store.db.execute(
            """SELECT q.text, f.user_id, f.entry_id, f.helpful, f.created_at
               FROM faq_feedback f JOIN faq_queries q ON q.id = f.query_id
               WHERE q.created_at >= :since AND f.entry_id IS NOT NULL AND q.text != ''
               UNION ALL
               SELECT q.text, p.user_id, p.entry_id, 1, p.created_at
               FROM faq_picks p JOIN faq_queries q ON q.id = p.query_id
               WHERE q.created_at >= :since AND q.text != ''
                 AND NOT EXISTS (SELECT 1 FROM faq_feedback f WHERE f.query_id = p.query_id
                                 AND f.user_id = p.user_id AND f.entry_id = p.entry_id)
               ORDER BY 5""",
            {"since": since},
        )
    ]


def answered_since(store: Store, since: str) -> list[tuple[str, bool, str]]:
    """(rep, whether an entry fits, when asked) of every question asked since that a rep
    clicked on: an entry fits when a rep picked one or found one Helpful; else they said only
    Not helpful or "None of these"."""
    return [
        (user_id, bool(fits), created_at)
        for user_id, fits, created_at in store.db.execute(
            """SELECT q.user_id, max(said.fits), q.created_at
               FROM (SELECT query_id, helpful AND entry_id IS NOT NULL AS fits FROM faq_feedback
                     UNION ALL SELECT query_id, 1 FROM faq_picks) said
               JOIN faq_queries q ON q.id = said.query_id
               WHERE q.created_at >= :since AND q.text != ''
               GROUP BY q.id ORDER BY q.id""",
            {"since": since},
        )
    ]


def evidence_mark(store: Store) -> tuple[object, ...]:
    """What every pick or vote made or changed moves (each one is stamped with its time), and
    every removal of people's words (an erasure or retention: bot/shared/redact.py): two equal
    marks mean no new evidence, read without reading the evidence itself."""
    return store.db.execute(
        """SELECT (SELECT count(*) FROM faq_feedback), (SELECT max(created_at) FROM faq_feedback),
                  (SELECT count(*) FROM faq_picks), (SELECT max(created_at) FROM faq_picks),
                  (SELECT count FROM forgetting)"""
    ).fetchone()
