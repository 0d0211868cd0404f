"""The drafts written for a customer's cases (with the words of theirs each answered), for an
export of their data and for erasing it, and the drafts and tone checks elsewhere that name them,
for the export (see bot/privacy)."""

from __future__ import annotations

from bot.coaching import queries as coaching_db
from bot.shared.db import Store
from bot.shared.redact import Mentions, naming, spellings

FIELDS = ("id", "user_id", "case_id", "customer_name", "message", "situation", "emotion",
          "text", "due_at", "used_at", "created_at")  # fmt: skip
TONE_FIELDS = ("id", "user_id", "text", "score", "created_at")


def case_drafts(store: Store, case_ids: list[int]) -> list[dict]:
    if not case_ids:
        return []
    return [{f: row[f] for f in FIELDS} for row in coaching_db.drafts_of_cases(store, case_ids)]


def drafts_naming(store: Store, named: Mentions | None) -> list[dict]:
    found = coaching_db.drafts_that_may_name(store, spellings(named))
    rows = naming(found, named, ("customer_name", "message", "text"))
    return [{f: row[f] for f in FIELDS} for row in rows]


def tone_checks_naming(store: Store, named: Mentions | None) -> list[dict]:
    rows = naming(coaching_db.tone_checks_that_may_name(store, spellings(named)), named, ("text",))
    return [{f: row[f] for f in TONE_FIELDS} for row in rows]


def erase_drafts(store: Store, case_ids: list[int], erased: str) -> int:
    """Inside the caller's transaction: the drafts of the cases, their texts erased."""
    drafts = coaching_db.drafts_of_cases(store, case_ids) if case_ids else []
    if not drafts:
        return 0
    return coaching_db.erase_drafts(store, [row["id"] for row in drafts], erased)
