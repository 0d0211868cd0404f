"""Retention: the texts of records older than their period (playbooks/retention.yaml) are
emptied, the rows kept, so every count and every past weekly figure stays. Before a week's
questions go, the part of its summary read from them is kept (summary_archive), so the summary
of that week reads the same after. Batches of records, each in one transaction: a run stopped
anywhere leaves each record untouched or done, and the next run does the rest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.cases import audit
from bot.cases import personal as cases_personal
from bot.faq.matching import Matcher
from bot.faq.semantic import forget_vectors
from bot.followups import personal as followups_personal
from bot.privacy import queries as privacy_db
from bot.privacy.policy import KINDS, RetentionPolicy
from bot.reporting.summary import ARCHIVED_UNANSWERED, top_unanswered
from bot.reporting.weeks import week_bounds
from bot.shared import jobs
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.redact import note_forgetting

BATCH = 200  # records a transaction: short enough that requests never wait long on it

ACTOR = "retention"
UTC_ZONE = ZoneInfo("UTC")

# Each kind's records; a kind may have several tables.
STEPS: tuple[tuple[str, privacy_db.Rows], ...] = (
    ("faq_questions", privacy_db.FAQ_QUESTIONS),
    ("drafts", privacy_db.DRAFTS),
    ("tone_checks", privacy_db.TONE_CHECKS),
    ("closed_cases", privacy_db.CLOSED_CASES),
    ("closed_cases", privacy_db.LOOSE_PROMISES),
)


def apply(
    store: Store, policy: RetentionPolicy, now: datetime, dry_run: bool = False, *,
    tz: ZoneInfo = UTC_ZONE, matcher: Matcher | None = None, batch: int = BATCH,
) -> dict[str, int]:  # fmt: skip
    """Records handled (or, in a dry run, that would be) by kind, in KINDS' order. A run that
    handled any leaves one audit row with the counts (no one's data). `tz` and `matcher` are
    the weekly summary's, to keep a week's top unanswered questions as it shows them."""
    days = policy.days()
    counts = dict.fromkeys(KINDS, 0)
    for kind, rows in STEPS:
        before = iso(now - timedelta(days=days[kind]))
        if dry_run:
            counts[kind] += rows.count(store, before)
            continue
        while handled := _batch(store, rows, before, batch, tz, matcher):
            counts[kind] += handled
    if not dry_run and any(counts.values()):
        with store.transaction() as db:
            details = {**counts, "records": sum(counts.values())}
            audit.append(db, actor=ACTOR, action="retention", subject="retention",
                         details=details, at=iso(now))  # fmt: skip
    return counts


def _erase_audit_parts(store: Store, rows: privacy_db.Rows, ids: list[int]) -> None:
    """The same words in the audit log's personal parts (a case's solution reasons, promises
    and redirect notes; a loose promise's text), erased in the batch's transaction by a row
    that counts them, so the chain still verifies (bot/cases/audit.py)."""
    if rows is privacy_db.CLOSED_CASES:
        parts = audit.personal_parts_about(store, cases=[f"C-{i}" for i in ids])
    elif rows is privacy_db.LOOSE_PROMISES:
        parts = audit.personal_parts_about(store, subjects=[f"F-{i}" for i in ids])
    else:
        return
    if parts:
        audit.append_erasure(
            store, actor=ACTOR, action="retention.applied", subject=rows.table,
            details={"records": len(ids)}, at=store.now(), erased=parts,
        )  # fmt: skip


def _batch(
    store: Store, rows: privacy_db.Rows, before: str, limit: int, tz: ZoneInfo,
    matcher: Matcher | None,
) -> int:  # fmt: skip
    """Empty up to `limit` expired records in one transaction; how many."""
    questions: list[str] = []
    with store.transaction() as db:
        found = rows.batch(db, before, limit)
        ids = [row_id for row_id, _ in found]
        if rows is privacy_db.FAQ_QUESTIONS and ids:
            _keep_weeks(store, db, (at for _, at in found), tz, matcher)
            questions = privacy_db.question_texts(db, ids)
            note_forgetting(db)  # learned phrasings among them are learned again without
        if rows is privacy_db.CLOSED_CASES and ids:
            # the words tied to them, as an erasure erases them ('' marks a record done)
            cases_personal.erase_cases(store, ids, "")
            followups_personal.erase_cases(store, ids, "")
        if ids:
            rows.empty(db, ids)
            _erase_audit_parts(store, rows, ids)
    # A removed question is no phrasing the FAQ learned any more (learning skips empty texts):
    # its vector goes from the cache too. Done after the commit; a cache is only a cache.
    # Learned phrasings are cached as a question with its spaces folded.
    keys = {key for text in questions for key in (text, " ".join(text.split()))}
    if keys:
        forget_vectors(store.path, keys.__contains__)
    return len(ids)


def _keep_weeks(
    store: Store, db: Database, times: Iterable[str], tz: ZoneInfo, matcher: Matcher | None
) -> None:
    """Keep the top unanswered questions of each week of `times` not kept yet, before any of
    its questions is emptied (batches go oldest first, so a week's first batch does it)."""
    days = {datetime.fromisoformat(at).astimezone(tz).date() for at in times}
    for monday in sorted({day - timedelta(days=day.weekday()) for day in days}):
        start, end = (iso(moment) for moment in week_bounds(monday, tz))
        if not privacy_db.is_archived(db, start, end, ARCHIVED_UNANSWERED):
            top = top_unanswered(store, start, end, matcher)
            privacy_db.archive(db, start, end, ARCHIVED_UNANSWERED, top, store.now())


def run_daily(
    store: Store, policy: RetentionPolicy, *, tz: ZoneInfo, matcher: Matcher | None,
    instance: str = ACTOR,
) -> dict[str, int] | None:  # fmt: skip
    """Retention once a day (UTC) over every instance: the day's claim in `job_claims` lets
    one run it; one whose process died is taken over after jobs.CLAIM_TIMEOUT. The counts, or None
    when another instance has the day."""
    now = store.clock.now()
    key = f"retention:{now.astimezone(UTC).date().isoformat()}"
    claimed = jobs.claim_job(
        store,
        key=key,
        kind="retention",
        recipient_id=ACTOR,
        due_at=now,
        instance=instance,
        now=now,
    )
    if not claimed:
        return None
    counts = apply(store, policy, now, tz=tz, matcher=matcher)
    jobs.job_delivered(store, key, iso(store.clock.now()))
    return counts
