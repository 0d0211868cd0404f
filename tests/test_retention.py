"""Retention (playbooks/retention.yaml): texts past their period are emptied, rows and every
weekly figure kept; a run is all or nothing per record, and a second run finds nothing."""

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cases import audit
from bot.cases.card import case_card
from bot.cases.service import get_case
from bot.faq import queries as faq_db
from bot.faq.semantic import cache_path
from bot.privacy.policy import RetentionPolicy
from bot.privacy.retention import apply, run_daily
from bot.reporting.export import to_markdown
from bot.reporting.summary import build_summary
from bot.reporting.weeks import iso_week
from bot.shared.clock import Clock, iso
from bot.shared.db import Store, existing
from bot.slack.blocks.summary import summary_post

UTC = ZoneInfo("UTC")
ROOT = Path(__file__).resolve().parent.parent
WEEK = "2026-W27"  # Monday 29 June 2026
ASKED = datetime(2026, 6, 30, 10, tzinfo=UTC)
LATER = ASKED + timedelta(days=800)  # past every default period
POLICY = RetentionPolicy()


def insert(store: Store, table: str, **row) -> int:
    marks = ", ".join("?" * len(row))
    sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})"
    return store.db.execute(sql, list(row.values())).lastrowid


def seed(store: Store, at: datetime = ASKED, cases: int = 1) -> None:
    """A week of people's words: questions (two unanswered alike, one a rep picked an entry
    for), a draft, a tone check, closed cases with notes, promises, redirects and solutions."""
    when = iso(at)
    for text, verdict in (("Do you sell dog food", "none"), ("do you sell dog food??", "none"),
                          ("where is my parcel Kim", "suggest")):  # fmt: skip
        query = insert(store, "faq_queries", text=text, verdict=verdict, user_id="U1",
                       source="command", created_at=when)  # fmt: skip
    for rep in ("U1", "U2"):  # two reps agree: a learned phrasing
        insert(store, "faq_picks", query_id=query, user_id=rep, entry_id="where_is_my_box",
               created_at=when)  # fmt: skip
    insert(store, "drafts", user_id="U1", customer_name="Kim Doe", message="my box is wet",
           situation="general", emotion="calm", style="standard", version=0,
           text="Dear Kim, we can send a new box", tone_score=90, created_at=when)  # fmt: skip
    insert(store, "tone_checks", user_id="U1", text="we can't do that", score=40,
           flags='["cant"]', created_at=when)  # fmt: skip
    insert(store, "customers", id="K1", name="Kim Doe", created_at=when, updated_at=when)
    for case in range(1, cases + 1):
        insert(store, "cases", id=case, customer_id="K1", topic="wet box at Kim's", owner_id="U1",
               status="closed", root_cause="product", opened_at=when, closed_at=when)  # fmt: skip
        insert(store, "contacts", case_id=case, number=1, user_id="U1", created_at=when)
        insert(store, "case_notes", case_id=case, user_id="U1", text="Kim called", created_at=when)
        insert(store, "followups", owner_id="U1", case_id=case, what="call Kim", due_at=when,
               status="done", done_at=when, created_at=when)  # fmt: skip
        insert(store, "redirects", case_id=case, from_user="U1", team_id="billing",
               note="Kim's refund", status="taken", taken_at=when, remind_at=when,
               reply_by=when, created_at=when)  # fmt: skip
        solution = insert(store, "solutions", case_id=case, customer_id="K1", situation="general",
                          type="refund", amount="5", reason="Kim's box was wet",
                          requested_by="U1", status="approved", decided_at=when,
                          decision_reason="Kim is loyal", created_at=when)  # fmt: skip
        insert(store, "solution_clicks", request_key=f"k{case}", solution_id=solution,
               user_id="U2", outcome="approved", message="Approved for Kim",
               created_at=when)  # fmt: skip


def kims(store: Store) -> list[str]:
    """Every text of the personal tables that still names Kim (the customer row aside)."""
    found = []
    for table, column in (("faq_queries", "text"), ("drafts", "customer_name"),
                          ("drafts", "text"), ("tone_checks", "text"), ("cases", "topic"),
                          ("case_notes", "text"), ("followups", "what"), ("redirects", "note"),
                          ("solutions", "reason"), ("solutions", "decision_reason"),
                          ("solution_clicks", "message")):  # fmt: skip
        rows = store.db.execute(f"SELECT {column} FROM {table} WHERE {column} LIKE '%Kim%'")
        found += [f"{table}.{column}: {text}" for (text,) in rows]
    return found


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "repbot.db", clock=Clock(start=LATER))
    with store.transaction():
        seed(store)
    return store


def summary_of(store: Store, week: str = WEEK):
    start, end, label = iso_week(week, now=LATER, tz=UTC)
    made = build_summary(store, start=start, end=end, label=label, tz=UTC)
    return replace(made, audit_head=None)  # the chain grows by retention's own row


def test_an_old_weeks_summary_reads_the_same_after_its_texts_are_removed(store):
    before = summary_of(store)
    assert [f.label for f in before.self_service.top_unanswered] == ["Do you sell dog food"]

    counts = apply(store, POLICY, LATER)

    assert counts == {"faq_questions": 3, "drafts": 1, "tone_checks": 1, "closed_cases": 1}
    assert kims(store) == []
    after = summary_of(store)
    # every figure, the unanswered questions too; only when it was made differs
    assert replace(after, made_at=before.made_at) == before
    # The rows stay, so the counts do.
    assert store.db.execute("SELECT count(*) FROM faq_queries").fetchone()[0] == 3


def test_a_second_run_changes_nothing_and_reports_nought(store):
    apply(store, POLICY, LATER)
    head = audit.head(store)

    assert apply(store, POLICY, LATER + timedelta(days=1)) == dict.fromkeys(POLICY.days(), 0)
    assert audit.head(store) == head  # not even an audit row


def test_each_run_is_an_audit_row_with_counts_and_no_ones_data(store):
    apply(store, POLICY, LATER)

    rows = store.db.execute("SELECT actor, action, details FROM audit_log").fetchall()
    assert [(actor, action) for actor, action, _ in rows] == [("retention", "retention")]
    assert json.loads(rows[0][2]) == {"closed_cases": 1, "drafts": 1, "faq_questions": 3,
                                      "records": 6, "tone_checks": 1}  # fmt: skip
    assert audit.verify(store).ok


def test_only_what_is_past_its_period_goes(store):
    # 100 days on: questions (90) go; drafts (180) and closed cases (730) stay.
    counts = apply(store, POLICY, ASKED + timedelta(days=100))

    assert counts == {"faq_questions": 3, "drafts": 0, "tone_checks": 1, "closed_cases": 0}
    assert "drafts.text: Dear Kim, we can send a new box" in kims(store)
    assert "cases.topic: wet box at Kim's" in kims(store)


def test_the_week_retention_ran_in_says_how_many_records_it_handled(store):
    apply(store, POLICY, LATER)
    week = iso_week(None, now=LATER + timedelta(days=7), tz=UTC)
    made = build_summary(store, start=week[0], end=week[1], label=week[2], tz=UTC)

    assert made.retention_records == 6
    assert "Retention: 6 records past their period" in to_markdown(made)  # repbot summary
    assert "Retention: 6 records past their period" in json.dumps(summary_post(made))  # Slack


def test_a_removed_question_is_no_longer_a_learned_phrasing_nor_in_the_vector_cache(store):
    assert [row[0] for row in faq_db.evidence_since(store, "2000")] == [
        "where is my parcel Kim"
    ] * 2
    cache = cache_path(store.path)
    with sqlite3.connect(cache) as connection:
        connection.execute("CREATE TABLE phrasing_vectors (model TEXT, text TEXT, vector BLOB)")
        connection.executemany("INSERT INTO phrasing_vectors VALUES ('m', ?, x'00')",
                               [("where is my parcel Kim",), ("Where is my box?",)])  # fmt: skip
    mark = faq_db.evidence_mark(store)  # what the FAQ's learning reads before it reads again

    apply(store, POLICY, LATER)

    assert faq_db.evidence_mark(store) != mark  # so it learns again, without the question
    assert faq_db.evidence_since(store, "2000") == []
    assert faq_db.unanswered_since(store, "2000") == []  # nor a gap to show leads
    with sqlite3.connect(cache) as connection:
        kept = connection.execute("SELECT text FROM phrasing_vectors").fetchall()
    assert kept == [("Where is my box?",)]  # the FAQ's own phrasing stays


def test_the_daily_job_runs_once_a_day_over_every_instance(store):
    assert run_daily(store, POLICY, tz=UTC, matcher=None, instance="a") is not None
    assert run_daily(store, POLICY, tz=UTC, matcher=None, instance="b") is None


def test_a_dry_run_says_what_would_go_and_changes_nothing(tmp_path, repbot):
    # The questions are from 2020: past their period whatever day the test runs.
    store = Store(tmp_path / "repbot.db")
    with store.transaction():
        seed(store, at=datetime(2020, 1, 7, tzinfo=UTC))
    store.close()
    before = (tmp_path / "repbot.db").read_bytes()

    done = repbot("retention", "apply", "--dry-run", "--db", str(tmp_path / "repbot.db"))

    assert done.returncode == 0, done.stderr
    assert "faq_questions: 3 would be emptied (kept 90 days): FAQ question texts" in done.stdout
    assert "dry run: 6 records would be handled; nothing was changed" in done.stdout
    assert (tmp_path / "repbot.db").read_bytes() == before

    done = repbot("retention", "apply", "--db", str(tmp_path / "repbot.db"))
    assert "6 records handled; the audit log has a row with these counts" in done.stdout


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        ("faq_questions: 90\ndrafts: -5\ntone_checks: 0\nclosed_cases: 730\nemails: 30\n",
         ["retention.yaml:2: error: drafts must be a whole number of days, 1 or more",
          "retention.yaml:5: error: unknown kind 'emails' (expected faq_questions, drafts, "
          "tone_checks, closed_cases)"]),
        ("faq_questions: 0\ndrafts: 90 days\ntone_checks: 1.5\n",
         ["retention.yaml:1: error: faq_questions must be a whole number of days, 1 or more",
          "retention.yaml:1: error: missing closed_cases",
          "retention.yaml:2: error: drafts must be a whole number of days, 1 or more",
          "retention.yaml:3: error: tone_checks must be a whole number of days, 0 or more"]),
    ],
)  # fmt: skip
def test_check_names_the_file_and_line_of_a_bad_period(tmp_path, repbot, content, problems):
    playbooks = tmp_path / "playbooks"
    shutil.copytree(ROOT / "playbooks", playbooks)
    (playbooks / "retention.yaml").write_text(content)

    done = repbot("check", "--playbooks", str(playbooks))

    assert done.returncode == 1
    found = [line.split("playbooks/", 1)[1] for line in done.stderr.splitlines()
             if "retention.yaml" in line]  # fmt: skip
    assert found == problems


KILLED_RUN = """
import os, signal, sys
from datetime import datetime
from bot.privacy import queries, retention
from bot.privacy.policy import RetentionPolicy
from bot.shared.db import Store, existing

empty = queries.Rows.empty
calls = []

def empty_then_die(self, db, ids):
    empty(self, db, ids)
    calls.append(ids)
    if self is queries.CLOSED_CASES and len(calls) == {die_at}:
        os.kill(os.getpid(), signal.SIGKILL)  # inside the batch's transaction

queries.Rows.empty = empty_then_die
store = Store(sys.argv[1])
retention.apply(store, RetentionPolicy(), datetime.fromisoformat(sys.argv[2]), batch=2)
"""


def test_a_run_killed_mid_batch_leaves_each_record_untouched_or_done(tmp_path):
    path = tmp_path / "repbot.db"
    store = Store(path)
    with store.transaction():
        seed(store, cases=5)
    store.close()
    # Batches of 2: questions 2 + 1, a draft, a tone check, then cases 2, 2 (killed), 1.
    script = textwrap.dedent(KILLED_RUN).replace("{die_at}", "6")
    done = subprocess.run([sys.executable, "-c", script, str(path), iso(LATER)], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr

    store = Store(path)
    for case in range(1, 6):
        texts = store.db.execute(
            """SELECT c.topic, n.text, f.what, r.note, s.reason, k.message FROM cases c
               JOIN case_notes n ON n.case_id = c.id JOIN followups f ON f.case_id = c.id
               JOIN redirects r ON r.case_id = c.id JOIN solutions s ON s.case_id = c.id
               JOIN solution_clicks k ON k.solution_id = s.id WHERE c.id = ?""",
            [case],
        ).fetchone()
        # The first batch (cases 1, 2) is done; the killed one (3, 4) and 5 untouched.
        assert (set(texts) == {""}) == (case <= 2), (case, texts)
    assert audit.head(store).count == 0  # a killed run has no row; the next run has one

    counts = apply(store, POLICY, LATER)
    assert counts == {"faq_questions": 0, "drafts": 0, "tone_checks": 0, "closed_cases": 3}
    assert kims(store) == []
    assert apply(store, POLICY, LATER) == dict.fromkeys(POLICY.days(), 0)


def test_a_closed_case_read_after_retention_says_its_topic_and_notes_were_removed(store):
    apply(store, POLICY, LATER)

    assert get_case(store, 1).topic == "(topic removed after its retention period)"
    # as the card, a callback's history and a redirect packet show its notes, not "Note: "
    card = existing(case_card(store, 1), "case C-1")
    assert [text for _, text, _ in card.notes] == ["(note removed after its retention period)"]


def test_the_audit_logs_words_about_an_expired_case_go_too_and_the_chain_verifies(store):
    with store.transaction() as db:
        for subject, case, words in (("R-1", "C-1", {"note": "Kim's refund"}),
                                     ("F-7", "C-77", {"what": "ring the depot"})):  # fmt: skip
            audit.append(db, actor="U1", action="noted", subject=subject, details={"case": case},
                         at=iso(ASKED), personal=words)  # fmt: skip
    apply(store, POLICY, LATER)
    parts = dict(store.db.execute("SELECT audit_id, data FROM audit_personal").fetchall())
    assert parts == {1: None, 2: '{"what":"ring the depot"}'}  # C-77 is no case that expired
    check = audit.verify(store)
    assert check.ok, check.reason
