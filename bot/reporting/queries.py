"""The weekly figures, each one query over a week of every domain's tables: reporting reads
them all, and writes none."""

from __future__ import annotations

import json

from bot.shared.db import Store


def _one(store: Store, sql: str, params: dict) -> dict:
    return next(store.db.query(sql, params))


def _medians(
    store: Store, keyed_values_sql: str, params: dict
) -> dict[str, tuple[int, float, float]]:
    """key -> (count, median, max) of the `key, x` rows the SQL selects; a median of an
    even count is the mean of the middle two."""
    rows = store.db.execute(
        f"""WITH v AS ({keyed_values_sql}),
                r AS (SELECT key, x, row_number() OVER (PARTITION BY key ORDER BY x) AS n,
                             count(*) OVER (PARTITION BY key) AS total FROM v)
            SELECT key, total, avg(CASE WHEN n IN ((total + 1) / 2, (total + 2) / 2)
                                        THEN x END), max(x)
            FROM r GROUP BY key ORDER BY key""",
        params,
    )
    return {key: (total, median, most) for key, total, median, most in rows}


# A rep marked the question Not helpful: an entry, or "None of these".
_NOT_HELPFUL = "EXISTS (SELECT 1 FROM faq_feedback f WHERE f.query_id = q.id AND f.helpful = 0)"
# A question the FAQ answered: an entry the rep picked ("did you mean", or in place of an
# answer marked Not helpful) or the one it answered outright, that the rep did not mark Not
# helpful. One the rep found no answer for: "no good match" or a Not helpful, and not answered.
# The two never overlap: a question whose first answer was marked Not helpful but whose next
# was the right one is answered (the first answer's miss is the precision's figure); the
# leads' gaps hold it still (unanswered_since), as something to fix in the FAQ.
_ANSWERED = f"""(EXISTS (SELECT 1 FROM faq_picks p WHERE p.query_id = q.id
                     AND NOT EXISTS (SELECT 1 FROM faq_feedback f WHERE f.query_id = q.id
                                     AND f.helpful = 0 AND f.entry_id = p.entry_id))
                 OR (q.verdict = 'answer' AND NOT {_NOT_HELPFUL}))"""
_NO_GOOD_ANSWER = f"((q.verdict = 'none' OR {_NOT_HELPFUL}) AND NOT {_ANSWERED})"


def faq_week(store: Store, start: str, end: str) -> dict:
    """Queries; answered and unanswered (no good answer), which never overlap (see
    _ANSWERED); answered outright (the verdict "answer") and those of them a rep marked not
    helpful; gap groups leads closed by growing the FAQ (one resolve_gaps call writes one
    group with one time), and of them the phrasings and the entries added."""
    return _one(
        store,
        f"""SELECT count(*) AS queries,
               coalesce(sum({_ANSWERED}), 0) AS answered,
               coalesce(sum({_NO_GOOD_ANSWER}), 0) AS unanswered,
               coalesce(sum(q.verdict = 'answer'), 0) AS answered_outright,
               coalesce(sum(q.verdict = 'answer' AND EXISTS (SELECT 1 FROM faq_feedback f
                   WHERE f.query_id = q.id AND f.helpful = 0 AND f.entry_id = q.best_id)), 0)
                   AS outright_not_helpful,
               (SELECT count(*) FROM (SELECT DISTINCT user_id, action, entry_id, created_at
                   FROM gap_resolutions WHERE created_at >= :start AND created_at < :end
                     AND action IN ('phrasing', 'entry'))) AS gaps_closed,
               (SELECT count(*) FROM (SELECT DISTINCT user_id, entry_id, created_at
                   FROM gap_resolutions WHERE created_at >= :start AND created_at < :end
                     AND action = 'phrasing')) AS phrasings_added,
               (SELECT count(*) FROM (SELECT DISTINCT user_id, entry_id, created_at
                   FROM gap_resolutions WHERE created_at >= :start AND created_at < :end
                     AND action = 'entry')) AS entries_added
           FROM faq_queries q WHERE q.created_at >= :start AND q.created_at < :end""",
        {"start": start, "end": end},
    )


def additions(store: Store, start: str, end: str) -> list[tuple[str, int]]:
    """(entry id, additions) of the entries leads grew from the gaps: phrasings added to it,
    or 1 for a new entry; the most grown first."""
    return store.db.execute(
        """SELECT entry_id, count(*) AS n FROM (SELECT DISTINCT user_id, action, entry_id,
                   created_at FROM gap_resolutions
               WHERE created_at >= ? AND created_at < ? AND action IN ('phrasing', 'entry')
                 AND entry_id IS NOT NULL)
           GROUP BY entry_id ORDER BY n DESC, entry_id""",
        [start, end],
    ).fetchall()


def topic_counts(store: Store, start: str, end: str, limit: int | None) -> list[tuple[str, int]]:
    """(entry id, queries) of the entries that answered: the one a rep picked, else the
    matched one; the most asked first."""
    return store.db.execute(
        """SELECT topic, count(*) AS n FROM (
               SELECT coalesce((SELECT p.entry_id FROM faq_picks p WHERE p.query_id = q.id
                                ORDER BY p.created_at DESC LIMIT 1),
                               CASE WHEN q.verdict = 'answer' THEN q.best_id END) AS topic
               FROM faq_queries q WHERE q.created_at >= ? AND q.created_at < ?)
           WHERE topic IS NOT NULL GROUP BY topic ORDER BY n DESC, topic LIMIT ?""",
        [start, end, -1 if limit is None else limit],
    ).fetchall()


def unanswered_wordings(store: Store, start: str, end: str) -> list[tuple[str, int]]:
    """(question, times asked) of the questions with no good answer (as faq_week counts them),
    one row per wording (case and outer spaces ignored), in the order they were first asked;
    none that retention emptied."""
    return store.db.execute(
        f"""SELECT q.text, count(*) FROM faq_queries q
           WHERE q.created_at >= ? AND q.created_at < ? AND q.text != ''
             AND {_NO_GOOD_ANSWER}
           GROUP BY lower(trim(q.text)) ORDER BY min(q.id)""",
        [start, end],
    ).fetchall()


def archived(store: Store, start: str, end: str, part: str) -> list[tuple[str, int]] | None:
    """A part of the week [start, end)'s summary kept before retention removed the texts it is
    read from (summary_archive), or None when it was not."""
    row = store.db.execute(
        'SELECT payload FROM summary_archive WHERE start = ? AND "end" = ? AND part = ?',
        [start, end, part],
    ).fetchone()
    return [tuple(item) for item in json.loads(row[0])] if row else None


def retention_week(store: Store, start: str, end: str) -> int:
    """Records retention handled in the period, as its audit rows count them."""
    return store.db.execute(
        """SELECT coalesce(sum(json_extract(details, '$.records')), 0) FROM audit_log
           WHERE action = 'retention' AND at >= ? AND at < ?""",
        [start, end],
    ).fetchone()[0]


def tone_week(store: Store, start: str, end: str) -> dict:
    """Drafts written and used, tone checks, and the mean score of drafts and checks."""
    return _one(
        store,
        """SELECT
               (SELECT count(*) FROM drafts
                WHERE created_at >= :start AND created_at < :end) AS drafts_written,
               (SELECT count(*) FROM drafts
                WHERE used_at >= :start AND used_at < :end) AS drafts_used,
               (SELECT count(*) FROM tone_checks
                WHERE created_at >= :start AND created_at < :end) AS tone_checks,
               (SELECT avg(score) FROM (
                   SELECT tone_score AS score FROM drafts
                   WHERE created_at >= :start AND created_at < :end
                     AND tone_score IS NOT NULL
                   UNION ALL SELECT score FROM tone_checks
                   WHERE created_at >= :start AND created_at < :end)) AS can_do_score""",
        {"start": start, "end": end},
    )


def flag_counts(store: Store, start: str, end: str) -> list[tuple[str, int]]:
    """(tone rule id, times caught) in tone checks, the most caught first."""
    return store.db.execute(
        """SELECT j.value, count(*) AS n FROM tone_checks t, json_each(t.flags) j
           WHERE t.created_at >= ? AND t.created_at < ?
           GROUP BY j.value ORDER BY n DESC, j.value""",
        [start, end],
    ).fetchall()


def solution_week(store: Store, start: str, end: str) -> dict:
    """Solutions proposed (and authorized at once) in the period; decisions taken in it,
    with the median minutes from request to decision; those withdrawn in it (their case was
    closed while they waited), which nobody decided, so they count in no decision time."""
    row = _one(
        store,
        """SELECT count(*) AS proposed,
               coalesce(sum(status = 'authorized'), 0) AS authorized,
               (SELECT count(*) FROM solutions WHERE decided_at >= :start
                AND decided_at < :end AND status = 'approved') AS approved,
               (SELECT count(*) FROM solutions WHERE decided_at >= :start
                AND decided_at < :end AND status = 'denied') AS denied,
               (SELECT count(*) FROM solutions WHERE decided_at >= :start
                AND decided_at < :end AND status = 'withdrawn') AS withdrawn
           FROM solutions WHERE created_at >= :start AND created_at < :end""",
        {"start": start, "end": end},
    )
    waits = _medians(
        store,
        """SELECT 'all' AS key,
               (julianday(decided_at) - julianday(created_at)) * 1440 AS x
           FROM solutions WHERE decided_at >= :start AND decided_at < :end
             AND status IN ('approved', 'denied')""",
        {"start": start, "end": end},
    )
    _, median, _ = waits.get("all", (0, None, None))
    return {**row, "decision_minutes": median}


def solution_types_week(store: Store, start: str, end: str) -> list[tuple[str, int, float | None]]:
    """(type, count, total amount) of the solutions proposed in the period that stand
    (authorized at once or approved)."""
    return store.db.execute(
        """SELECT type, count(*), round(sum(CAST(amount AS REAL)), 2) FROM solutions
           WHERE created_at >= ? AND created_at < ? AND status IN ('authorized', 'approved')
           GROUP BY type ORDER BY type""",
        [start, end],
    ).fetchall()


# The time a promise was to be kept by: the first due time it was missed at, if it was
# snoozed after it, else its due time (as the index followups_kept_by reads it).
KEPT_BY = "coalesce(missed_at, due_at)"


def followup_week(store: Store, start: str, end: str, now: str) -> dict:
    """Promises due in the period and by `now`, as they stand at `now`, when the summary is
    made: done by their due time, done later, closed with their case (never kept: nobody said
    they were), or none of these (still overdue). Each is counted in the one week it was due
    in, whenever it was done: one due on Sunday night and done on Monday was kept late in its
    week. A promise snoozed after its due time is judged against the first time it was
    missed at (`missed_at`), in the week of that time: the snooze kept nothing. Done in the
    minute it fell due is on time (times are compared to the minute, 'YYYY-MM-DDTHH:MM'): the
    reminder comes at that minute, and a rep who acts on it has kept the promise. In a week
    still going on, a promise due later in it that was already done (kept early) or closed
    with its case counts now: how it ends is known."""
    return _one(
        store,
        f"""SELECT count(*) AS due,
               coalesce(sum(done_at IS NOT NULL
                            AND substr(done_at, 1, 16) <= substr({KEPT_BY}, 1, 16)), 0) AS kept,
               coalesce(sum(substr(done_at, 1, 16) > substr({KEPT_BY}, 1, 16)
                            AND done_at <= :now), 0) AS late,
               coalesce(sum(closed_at <= :now), 0) AS closed,
               coalesce(sum((done_at IS NULL OR done_at > :now)
                            AND (closed_at IS NULL OR closed_at > :now)), 0) AS overdue
           FROM followups
           WHERE {KEPT_BY} >= :start AND {KEPT_BY} < :end
             AND ({KEPT_BY} <= :now OR done_at <= :now OR closed_at <= :now)""",
        {"start": start, "end": end, "now": now},
    )


# Each contact with its number on the matter: its number on its case, after the contacts of
# the closed cases the case follows (a customer back about a closed matter gets a new case that
# follows it, and the third contact on the matter raises the callback, as bot.cases counts).
MATTER_CONTACTS = """
    WITH RECURSIVE chain (case_id, earlier) AS (
        SELECT id, follows FROM cases WHERE follows IS NOT NULL
        UNION ALL
        SELECT chain.case_id, c.follows FROM chain JOIN cases c ON c.id = chain.earlier
        WHERE c.follows IS NOT NULL
    ),
    before (case_id, contacts) AS (
        SELECT chain.case_id, count(*) FROM chain JOIN contacts t ON t.case_id = chain.earlier
        GROUP BY chain.case_id
    ),
    matter_contacts AS (
        SELECT t.case_id, t.created_at, t.number + coalesce(b.contacts, 0) AS number
        FROM contacts t LEFT JOIN before b ON b.case_id = t.case_id
    )"""


def case_week(store: Store, start: str, end: str) -> dict:
    """Cases opened, contacts (the second and later on their matter, the third and later, the
    third: the one that raises a senior callback), cases closed, and those of them resolved at
    first contact: closed after the matter's one contact and never sent to another team (a
    redirected customer was passed on, not helped where they first asked)."""
    return _one(
        store,
        f"""{MATTER_CONTACTS}
           SELECT
               (SELECT count(*) FROM cases
                WHERE opened_at >= :start AND opened_at < :end) AS cases_opened,
               count(*) AS contacts,
               coalesce(sum(number >= 2), 0) AS repeat_contacts,
               coalesce(sum(number >= 3), 0) AS third_contacts,
               coalesce(sum(number = 3), 0) AS senior_callbacks,
               (SELECT count(*) FROM cases
                WHERE closed_at >= :start AND closed_at < :end) AS cases_closed,
               (SELECT count(*) FROM cases c WHERE closed_at >= :start AND closed_at < :end
                  AND NOT EXISTS (SELECT 1 FROM matter_contacts m
                                  WHERE m.case_id = c.id AND m.number >= 2)
                  AND NOT EXISTS (SELECT 1 FROM redirects r WHERE r.case_id = c.id))
                   AS closed_first_contact
           FROM matter_contacts WHERE created_at >= :start AND created_at < :end""",
        {"start": start, "end": end},
    )


def root_cause_counts(store: Store, start: str, end: str) -> dict[str, int]:
    """Root cause -> cases closed in the period with it."""
    rows = store.db.execute(
        """SELECT coalesce(root_cause, 'unknown'), count(*) FROM cases
           WHERE closed_at >= ? AND closed_at < ? GROUP BY 1""",
        [start, end],
    )
    return dict(rows.fetchall())


def redirect_waits(
    store: Store, start: str, end: str, until: str | None = None
) -> dict[str, tuple[int, int, int, float | None, float | None]]:
    """Team id (and "all") -> (redirects sent in the period, still waiting at its end,
    withdrawn by then, median and longest minutes waited to be taken). One not taken by the
    end counts the time it had waited by then, so a long wait shows in the week it started;
    one withdrawn (its case closed before anyone took it) was never taken, so it counts in no
    wait. `until` (now, for a week still going on) is where waiting is measured to, instead of
    the week's end."""
    params = {"start": start, "end": end, "until": until or end}
    where = "created_at >= :start AND created_at < :end"
    withdrawn = "coalesce(withdrawn_at <= :until, 0)"
    # Never below nought: a redirect read with a clock behind its own (a copied database).
    taken = "min(coalesce(taken_at, :until), :until)"
    wait = f"max(0, julianday({taken}) - julianday(created_at)) * 1440"
    waited = f"{where} AND NOT {withdrawn}"
    waits = _medians(
        store,
        f"""SELECT team_id AS key, {wait} AS x FROM redirects WHERE {waited}
            UNION ALL SELECT 'all', {wait} FROM redirects WHERE {waited}""",
        params,
    )
    counts = {
        team: (sent, waiting, gone)
        for team, sent, waiting, gone in store.db.execute(
            f"""SELECT team_id, count(*),
                       sum(NOT {withdrawn} AND (taken_at IS NULL OR taken_at > :until)),
                       sum({withdrawn})
                FROM redirects WHERE {where} GROUP BY team_id""",
            params,
        ).fetchall()
    }
    counts["all"] = (
        sum(sent for sent, _, _ in counts.values()),
        sum(waiting for _, waiting, _ in counts.values()),
        sum(gone for _, _, gone in counts.values()),
    )
    return {
        key: (sent, waiting, gone, *waits.get(key, (0, None, None))[1:])
        for key, (sent, waiting, gone) in counts.items()
    }
