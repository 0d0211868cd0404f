"""The schema's history: each step brings a database from version N-1 to N (SQLite's
user_version). Append new steps; never edit one that has shipped."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlite_utils import Database

from bot.shared.chain import GENESIS, canonical, new_salt, personal_digest, row_hash
from bot.shared.clock import iso


def _v1_faq(db: Database) -> None:
    db.execute(
        """CREATE TABLE faq_queries (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            best_id TEXT,
            best_score REAL,
            verdict TEXT NOT NULL CHECK (verdict IN ('answer', 'suggest', 'none')),
            user_id TEXT NOT NULL,
            channel_id TEXT,
            source TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX faq_queries_created ON faq_queries (created_at)")
    db.execute(
        """CREATE TABLE faq_feedback (
            query_id INTEGER NOT NULL REFERENCES faq_queries (id),
            user_id TEXT NOT NULL,
            entry_id TEXT,
            helpful INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (query_id, user_id)
        )"""
    )
    db.execute(
        """CREATE TABLE faq_picks (
            query_id INTEGER NOT NULL REFERENCES faq_queries (id),
            user_id TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (query_id, user_id)
        )"""
    )
    db.execute(
        """CREATE TABLE deliveries (
            key TEXT PRIMARY KEY,
            received_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE users (
            id TEXT PRIMARY KEY,
            name TEXT,
            real_name TEXT,
            tz TEXT,
            updated_at TEXT NOT NULL
        )"""
    )


def _v2_gap_resolutions(db: Database) -> None:
    # What a lead did about a question the FAQ could not answer: it leaves the gaps list.
    db.execute(
        """CREATE TABLE gap_resolutions (
            query_id INTEGER PRIMARY KEY REFERENCES faq_queries (id),
            action TEXT NOT NULL CHECK (action IN ('phrasing', 'entry', 'ignore')),
            entry_id TEXT,
            user_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX gap_resolutions_created ON gap_resolutions (created_at)")


def _v3_drafts_and_tone(db: Database) -> None:
    db.execute(
        """CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            case_id TEXT,
            customer_name TEXT,
            message TEXT NOT NULL,
            entry_id TEXT,
            situation TEXT NOT NULL,
            emotion TEXT NOT NULL,
            style TEXT NOT NULL,
            version INTEGER NOT NULL,
            text TEXT NOT NULL,
            due_at TEXT,
            tone_score INTEGER,
            used_at TEXT,
            helpful INTEGER,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX drafts_created ON drafts (created_at)")
    db.execute(
        """CREATE TABLE tone_checks (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            score INTEGER NOT NULL,
            flags TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX tone_checks_created ON tone_checks (created_at)")


def _v4_cases_solutions_audit(db: Database) -> None:
    db.execute(
        """CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT,
            customer_since TEXT,
            tier TEXT,
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX customers_email ON customers (lower(email))")
    db.execute("CREATE INDEX customers_name ON customers (lower(name))")
    db.execute(
        """CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers (id),
            topic TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            root_cause TEXT,
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            closed_by TEXT
        )"""
    )
    db.execute("CREATE INDEX cases_customer ON cases (customer_id)")
    db.execute(
        """CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            number INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL,
            UNIQUE (case_id, number)
        )"""
    )
    db.execute(
        """CREATE TABLE case_notes (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX case_notes_case ON case_notes (case_id)")
    db.execute(
        """CREATE TABLE solutions (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            customer_id TEXT NOT NULL REFERENCES customers (id),
            situation TEXT NOT NULL,
            type TEXT NOT NULL,
            amount TEXT,
            reason TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('authorized', 'pending', 'approved', 'denied')),
            needs_role TEXT,
            decided_by TEXT,
            decided_at TEXT,
            decision_reason TEXT,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX solutions_customer ON solutions (customer_id, type, created_at)")
    db.execute("CREATE INDEX solutions_case ON solutions (case_id)")
    # Every click on Approve or Deny, by request key: a retried click gets the same answer.
    db.execute(
        """CREATE TABLE solution_clicks (
            request_key TEXT PRIMARY KEY,
            solution_id INTEGER NOT NULL REFERENCES solutions (id),
            user_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            message TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )"""
    )
    _append_only(db)


def _append_only(db: Database) -> None:
    # Append-only: the hash chain shows tampering, the triggers stop it by accident or habit.
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
        )


def _v5_followups_redirects(db: Database) -> None:
    db.execute(
        """CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            owner_id TEXT NOT NULL,
            case_id INTEGER REFERENCES cases (id),
            what TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'done')),
            done_by TEXT,
            done_at TEXT,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX followups_open ON followups (status, due_at)")
    db.execute("CREATE INDEX followups_owner ON followups (owner_id, status)")
    db.execute("CREATE INDEX followups_case ON followups (case_id)")
    # The team's lead and when to remind are copied from teams.yaml when the case is sent, so
    # a later edit of the file never changes a handoff already under way.
    db.execute(
        """CREATE TABLE redirects (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases (id),
            from_user TEXT NOT NULL,
            team_id TEXT NOT NULL,
            team_lead TEXT,
            note TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('waiting', 'taken')),
            taken_by TEXT,
            taken_at TEXT,
            remind_at TEXT NOT NULL,
            reply_by TEXT NOT NULL,
            request_key TEXT UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX redirects_waiting ON redirects (status, remind_at)")
    db.execute("CREATE INDEX redirects_case ON redirects (case_id)")
    # One row per reminder ever claimed, by a key that names what it is about and the due time
    # it is for; the primary key is what lets exactly one instance send each reminder.
    db.execute(
        """CREATE TABLE reminders (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            recipient_id TEXT NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'delivered', 'failed')),
            instance TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_try_at TEXT,
            error TEXT,
            delivered_at TEXT
        )"""
    )


def _v6_summary_indexes(db: Database) -> None:
    # The weekly summary counts each table over a week of one time column: without these it
    # would scan every row of a year's history.
    db.execute("CREATE INDEX cases_opened ON cases (opened_at)")
    db.execute("CREATE INDEX cases_closed ON cases (closed_at)")
    db.execute("CREATE INDEX contacts_created ON contacts (created_at)")
    db.execute("CREATE INDEX solutions_created ON solutions (created_at)")
    db.execute("CREATE INDEX solutions_decided ON solutions (decided_at)")
    db.execute("CREATE INDEX followups_due ON followups (due_at)")
    db.execute("CREATE INDEX redirects_created ON redirects (created_at)")
    db.execute("CREATE INDEX drafts_used ON drafts (used_at)")


def _v7_delivery_age_index(db: Database) -> None:
    # forget_old_deliveries runs every hour; without this it would read the whole table.
    db.execute("CREATE INDEX deliveries_received ON deliveries (received_at)")


def _v8_outbox(db: Database) -> None:
    # Everything the bot delivers after the acknowledgement, written in the transaction of the
    # change that causes it and sent by one sender (bot/slack/outbox.py). `key` makes a
    # message's identity part of the data, so the same message can never be queued twice.
    db.execute(
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            method TEXT NOT NULL,
            target TEXT NOT NULL,
            payload TEXT NOT NULL,
            digest TEXT,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_try_at TEXT NOT NULL,
            claimed_at TEXT,
            instance TEXT,
            sent_at TEXT,
            sent_channel TEXT,
            sent_ts TEXT,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX outbox_due ON outbox (status, next_try_at)")
    # Where a modal's outcome is shown, kept here so that a modal's private_metadata is only a
    # pointer and a submission cannot name an address of its own.
    db.execute(
        """CREATE TABLE view_replies (
            view_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            response_url TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )


def _v9_job_claims(db: Database) -> None:
    # The claims table holds the weekly post's claims as well as reminders': named for it.
    db.execute("ALTER TABLE reminders RENAME TO job_claims")


def _v10_case_follows(db: Database) -> None:
    # A customer back about a closed matter gets a new case that follows the closed one: the
    # closed case keeps its root cause, and the contacts still add up for the callback rule.
    db.execute("ALTER TABLE cases ADD COLUMN follows INTEGER REFERENCES cases (id)")


def _v11_outbox_digest_kinds(db: Database) -> None:
    # `digest` named the person a reminder was for; now any message may be digested, and the
    # column says what kind of item it is (the digest counts them by kind). The recipient is
    # `target`, which the sender looks items up by.
    for kind in ("before", "due", "overdue", "unclaimed_redirect"):
        db.execute(
            "UPDATE outbox SET digest = ? WHERE digest IS NOT NULL AND key LIKE ?",
            [kind, f"reminder:%:{kind}:%"],
        )
    db.execute("CREATE INDEX outbox_digests ON outbox (target, status) WHERE digest IS NOT NULL")


def _v12_personal_data_outside_the_audit_chain(db: Database) -> None:
    # A customer is named in the audit log by a random reference, so that erasing them leaves
    # nothing in the chain that leads back (bot/shared/chain.py); every new customer gets one.
    db.execute("ALTER TABLE customers ADD COLUMN ref TEXT")
    db.execute("ALTER TABLE customers ADD COLUMN erased_at TEXT")
    db.execute(f"UPDATE customers SET ref = {_NEW_REF}")
    db.execute("CREATE UNIQUE INDEX customers_ref ON customers (ref)")
    db.execute(
        f"""CREATE TRIGGER customers_ref AFTER INSERT ON customers WHEN NEW.ref IS NULL
            BEGIN UPDATE customers SET ref = {_NEW_REF} WHERE rowid = NEW.rowid; END"""
    )
    db.execute("ALTER TABLE audit_log ADD COLUMN personal TEXT")  # the digest of the part
    db.execute(
        """CREATE TABLE audit_personal (
            audit_id INTEGER PRIMARY KEY REFERENCES audit_log (id),
            salt TEXT,
            data TEXT,
            erased_by INTEGER
        )"""
    )
    # Who was erased, by a keyed hash of their CRM id and email: a second request, or the
    # CRM's next export, is answered "already erased" without keeping the id itself.
    db.execute(
        """CREATE TABLE erased_identifiers (
            digest TEXT PRIMARY KEY,
            ref TEXT NOT NULL,
            erased_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE TABLE install_key (key TEXT NOT NULL)")
    db.execute("INSERT INTO install_key (key) VALUES (lower(hex(randomblob(32))))")
    _reseal(db)


_NEW_REF = "'P-' || lower(hex(randomblob(6)))"  # random: once erased, nothing leads back
# What rows written before version 12 held of a person in their hashed details.
_LEGACY_PERSONAL = ("reason", "what", "note")


def _reseal(db: Database) -> None:
    """Rows written before version 12 with a customer's id or free text in their hashed details
    get them moved out (the id becomes the customer's reference) and the chain is hashed anew
    from the first row, once; a last row records the head it had, which heads published before
    then are proved by (bot/cases/audit.py)."""
    rows = db.execute(
        "SELECT id, at, actor, action, subject, details, hash FROM audit_log ORDER BY id"
    ).fetchall()
    keys = ("customer", *_LEGACY_PERSONAL)
    if not any(key in json.loads(row[5]) for row in rows for key in keys):
        return
    refs = dict(db.execute("SELECT id, ref FROM customers").fetchall())
    for verb in ("update", "delete"):
        db.execute(f"DROP TRIGGER audit_log_no_{verb}")
    prev_hash = GENESIS
    for row_id, at, actor, action, subject, text, _ in rows:
        details = json.loads(text)
        personal = {key: details.pop(key) for key in _LEGACY_PERSONAL if key in details}
        if "customer" in details:
            details["customer"] = refs.get(details["customer"])
        digest = None
        if personal:
            salt = new_salt()
            digest = personal_digest(salt, personal)
            db.execute(
                "INSERT INTO audit_personal (audit_id, salt, data) VALUES (?, ?, ?)",
                [row_id, salt, canonical(personal)],
            )
        this_hash = row_hash(prev_hash, row_id, at, actor, action, subject, details, digest)
        db.execute(
            "UPDATE audit_log SET details = ?, personal = ?, prev_hash = ?, hash = ? WHERE id = ?",
            [canonical(details), digest, prev_hash, this_hash, row_id],
        )
        prev_hash = this_hash
    _append_only(db)
    details = {"old_head": f"{len(rows)}:{rows[-1][6]}", "rows": len(rows)}
    seal = len(rows) + 1
    at = iso(datetime.now(UTC))
    seal_hash = row_hash(
        prev_hash, seal, at, "repbot", "audit.resealed", "audit_log", details, None
    )
    db.execute(
        """INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)
           VALUES (?, ?, 'repbot', 'audit.resealed', 'audit_log', ?, ?, ?)""",
        [seal, at, canonical(details), prev_hash, seal_hash],
    )


def _v13_retention_and_uninstall(db: Database) -> None:
    # The text-derived parts of a week's summary, kept before retention removes the texts they
    # are read from (bot/privacy/retention.py), so an old week's summary reads the same after.
    db.execute(
        """CREATE TABLE summary_archive (
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            part TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (start, "end", part)
        )"""
    )
    # Slack told us the app was uninstalled or its token revoked (or refused the token): one
    # row while it lasts; the sender and the posting loops pause until Slack takes a token again.
    db.execute(
        """CREATE TABLE slack_uninstalled (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        )"""
    )


def _v14_forgetting(db: Database) -> None:
    # Moves each time people's words are removed (an erasure, retention): what was built from
    # them in memory, such as the FAQ's learned phrasings, is built again (bot/shared/redact.py).
    db.execute(
        """CREATE TABLE forgetting (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            count INTEGER NOT NULL
        )"""
    )


def _v15_outbox_unsure(db: Database) -> None:
    # A send whose answer never came (a timeout, a connection lost): Slack may have the
    # message, so the next try looks for it in the recipient's history before sending again.
    db.execute("ALTER TABLE outbox ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0")


def _v16_outbox_file_id(db: Database) -> None:
    # The id Slack gives a file upload before it is shared: an upload whose answer never
    # came is looked for by it in the conversation's history before it is uploaded again.
    db.execute("ALTER TABLE outbox ADD COLUMN file_id TEXT")


def _v17_feedback_per_entry(db: Database) -> None:
    # A rep's vote per entry of a question, not per question: "Not helpful" on the answer,
    # then "Helpful" on the entry picked from those offered instead are two facts, the first
    # of which the weekly summary and the gaps still need. "None of these" (no entry) stays one
    # per rep and question.
    db.execute(
        """CREATE TABLE faq_feedback_by_entry (
            query_id INTEGER NOT NULL REFERENCES faq_queries (id),
            user_id TEXT NOT NULL,
            entry_id TEXT,
            helpful INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("INSERT INTO faq_feedback_by_entry SELECT * FROM faq_feedback")
    db.execute("DROP TABLE faq_feedback")
    db.execute("ALTER TABLE faq_feedback_by_entry RENAME TO faq_feedback")
    # Whole, not partial: it also finds a question's votes by its id alone (the gaps, the
    # weekly summary); two NULL entry ids never clash in it, hence the second one.
    db.execute(
        "CREATE UNIQUE INDEX faq_feedback_vote ON faq_feedback (query_id, user_id, entry_id)"
    )
    db.execute(
        """CREATE UNIQUE INDEX faq_feedback_none ON faq_feedback (query_id, user_id)
           WHERE entry_id IS NULL"""
    )


def _schema_of(db: Database, table: str) -> tuple[str, list[str]]:
    """The CREATE statements of a table and of its indexes, as the database has them."""
    (definition,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    indexes = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        [table],
    ).fetchall()
    return definition, [index for (index,) in indexes]


def _widen_check(
    db: Database, table: str, check: str, widened: str, pointing: tuple[str, ...] = ()
) -> None:
    """Make `table` again as it is, with its CHECK `check` become `widened`, the same rows and
    indexes: SQLite cannot change a CHECK in place. The tables `pointing` at it (by foreign
    key) are kept aside meanwhile and made again after it, so that none of their rows ever
    points at a table that is gone."""
    definition, indexes = _schema_of(db, table)
    if check not in definition:
        raise RuntimeError(f"the {table} table is not as this step expects: {definition}")
    kept = [(other, *_schema_of(db, other)) for other in pointing]
    # A table made again before is named in quotes: SQLite's own wording after the rename.
    named = f'TABLE "{table}" ' if f'TABLE "{table}" ' in definition else f"TABLE {table} "
    new = definition.replace(check, widened).replace(named, f"TABLE {table}_new ", 1)
    db.execute(new)
    db.execute(f"INSERT INTO {table}_new SELECT * FROM {table}")
    for other, _, _ in kept:
        db.execute(f"CREATE TABLE {other}_kept AS SELECT * FROM {other}")
        db.execute(f"DROP TABLE {other}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for other, other_definition, other_indexes in kept:
        db.execute(other_definition)
        db.execute(f"INSERT INTO {other} SELECT * FROM {other}_kept")
        db.execute(f"DROP TABLE {other}_kept")
        indexes += other_indexes
    for index in indexes:
        db.execute(index)


def _v18_withdrawn(db: Database) -> None:
    # Closing a case withdraws what still waits on it: a solution waiting for approval (who
    # closed it and when go in decided_by and decided_at) and a redirect nobody has taken.
    _widen_check(db, "solutions", "'denied')", "'denied', 'withdrawn')", ("solution_clicks",))
    _widen_check(db, "redirects", "'taken')", "'taken', 'withdrawn')")
    db.execute("ALTER TABLE redirects ADD COLUMN withdrawn_by TEXT")
    db.execute("ALTER TABLE redirects ADD COLUMN withdrawn_at TEXT")


def _v19_none_of_these_shown(db: Database) -> None:
    # The entries a "None of these" turned down, as the reply showed them (a JSON list of ids):
    # the leads' gaps name them, not what the FAQ of some later day would have shown. NULL for
    # a vote on one entry, and for a "None of these" recorded before.
    db.execute("ALTER TABLE faq_feedback ADD COLUMN shown TEXT")


def _v20_erased_customers_named_with_their_reference(db: Database) -> None:
    # An erased customer is called "Erased customer P-…" wherever repbot shows them, their
    # reference telling two of them apart (bot/privacy/wording.py); those erased before were
    # all named "Erased customer".
    db.execute(
        """UPDATE customers SET name = 'Erased customer ' || ref
           WHERE erased_at IS NOT NULL AND name = 'Erased customer'"""
    )


def _v21_closed_cases_to_settle(db: Database) -> None:
    # Cases closed before closing settled what was open on them (version 18 only made room
    # for "withdrawn") may still have a solution waiting for approval, a redirect nobody has
    # taken or an open promise, which still remind and nudge. Listed here as this version
    # finds them; the bot settles each as closing does, on behalf of whoever closed it, and
    # queues the updates of its messages through the outbox (bot/followups/closing.py).
    db.execute("CREATE TABLE cases_to_settle (case_id INTEGER PRIMARY KEY REFERENCES cases (id))")
    db.execute(
        """INSERT INTO cases_to_settle (case_id)
           SELECT id FROM cases WHERE status = 'closed' AND (
               EXISTS (SELECT 1 FROM solutions s WHERE s.case_id = cases.id
                       AND s.status = 'pending')
               OR EXISTS (SELECT 1 FROM redirects r WHERE r.case_id = cases.id
                          AND r.status = 'waiting')
               OR EXISTS (SELECT 1 FROM followups f WHERE f.case_id = cases.id
                          AND f.status = 'open'))"""
    )


def _v22_case_numbers_retired(db: Database) -> None:
    """The numbers of cases removed when their one contact was moved to another case
    (`cases.service.move_contact`): never given to a new case, as the audit names them."""
    db.execute("CREATE TABLE retired_case_numbers (id INTEGER PRIMARY KEY)")


def _v23_promises_closed_with_their_case(db: Database) -> None:
    # A promise closed with its case was stored as done, by whoever closed the case: the
    # callback's history read "done" and the weekly summary counted it kept, though nobody
    # kept it. It gets a status of its own, with who closed it and when; done_at is for a
    # promise done. Those closed before are told apart by their audit row, which has named
    # the case they were closed with ever since closing closed them.
    _widen_check(db, "followups", "'done')", "'done', 'closed')")
    db.execute("ALTER TABLE followups ADD COLUMN closed_by TEXT")
    db.execute("ALTER TABLE followups ADD COLUMN closed_at TEXT")
    db.execute(
        """UPDATE followups SET status = 'closed', closed_by = done_by, closed_at = done_at,
                  done_by = NULL, done_at = NULL
           WHERE status = 'done' AND 'F-' || id IN (
               SELECT subject FROM audit_log WHERE action = 'followup.done'
                   AND json_extract(details, '$.closed_with') IS NOT NULL)"""
    )


def _v24_redirects_name_the_case_owner(db: Database) -> None:
    # Who owned the case when it was sent: they keep it until the team takes it, and hear who
    # took it. Not always the sender, once a case taken by one team is sent on by someone
    # else. Only a take changes a case's owner, and a case waits for one team at a time, so
    # for one sent before the owner was the case's owner at its take (its audit row names
    # them), or, never taken, the case's owner still.
    db.execute("ALTER TABLE redirects ADD COLUMN case_owner TEXT")
    db.execute(
        """UPDATE redirects SET case_owner = COALESCE(
               CASE WHEN status = 'taken' THEN (
                   SELECT json_extract(details, '$.previous_owner') FROM audit_log
                   WHERE action = 'redirect.taken' AND subject = 'R-' || redirects.id)
               ELSE (SELECT owner_id FROM cases WHERE cases.id = redirects.case_id) END,
               from_user)"""
    )


def _v25_promises_missed_before_a_snooze(db: Database) -> None:
    # A promise snoozed after its due time had its due time moved, so the weekly summary
    # counted it kept on time once done; what was missed survived only in the audit. The first
    # due time it was missed at is kept, and the summary judges it against that time. A snooze
    # in good time (by the due minute, as "kept on time" counts it) misses nothing. Those
    # snoozed before are found by their audit rows: the first snooze made after the minute of
    # the due time it moved from. The summary's index reads the time it was to be kept by.
    db.execute("ALTER TABLE followups ADD COLUMN missed_at TEXT")
    db.execute(
        """UPDATE followups SET missed_at = (
               SELECT json_extract(details, '$.from') FROM audit_log
               WHERE action = 'followup.snoozed' AND subject = 'F-' || followups.id
                   AND substr(at, 1, 16) > substr(json_extract(details, '$.from'), 1, 16)
               ORDER BY id LIMIT 1)"""
    )
    db.execute("DROP INDEX IF EXISTS followups_due")
    db.execute("CREATE INDEX followups_kept_by ON followups (coalesce(missed_at, due_at))")


def _v26_contact_words(db: Database) -> None:
    # What each contact was typed as, by its keyed hash (bot/cases/queries.py): the same words
    # typed again at once by the same rep are that contact, not another. Earlier contacts have
    # none, and are compared with their case's topic as before.
    db.execute("ALTER TABLE contacts ADD COLUMN words_digest TEXT")


def _v27_promise_zones(db: Database) -> None:
    # The customer's zone a promise was made in ("tomorrow 10am New York time"): its tz name
    # and the words it is said back in (bot/followups/zones.py), so every message of it gives
    # the customer's clock beside the rep's. NULL: made on the rep's own clock, as all before.
    db.execute("ALTER TABLE followups ADD COLUMN zone TEXT")
    db.execute("ALTER TABLE followups ADD COLUMN zone_said TEXT")


# Append new steps; never edit one that has shipped. Step N brings the schema to version N.
MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_faq,
    _v2_gap_resolutions,
    _v3_drafts_and_tone,
    _v4_cases_solutions_audit,
    _v5_followups_redirects,
    _v6_summary_indexes,
    _v7_delivery_age_index,
    _v8_outbox,
    _v9_job_claims,
    _v10_case_follows,
    _v11_outbox_digest_kinds,
    _v12_personal_data_outside_the_audit_chain,
    _v13_retention_and_uninstall,
    _v14_forgetting,
    _v15_outbox_unsure,
    _v16_outbox_file_id,
    _v17_feedback_per_entry,
    _v18_withdrawn,
    _v19_none_of_these_shown,
    _v20_erased_customers_named_with_their_reference,
    _v21_closed_cases_to_settle,
    _v22_case_numbers_retired,
    _v23_promises_closed_with_their_case,
    _v24_redirects_name_the_case_owner,
    _v25_promises_missed_before_a_snooze,
    _v26_contact_words,
    _v27_promise_zones,
]
