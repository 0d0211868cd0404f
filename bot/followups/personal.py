"""The promises and redirects of a customer's cases, for an export of their data and for
erasing it, and the promises elsewhere that name them, for the export (see bot/privacy)."""

from __future__ import annotations

from bot.followups import queries as followups_db
from bot.shared.db import Store
from bot.shared.redact import Mentions, naming, spellings

PROMISE_FIELDS = ("id", "owner_id", "what", "due_at", "status", "done_by", "done_at",
                  "closed_by", "closed_at", "missed_at", "created_at")  # fmt: skip
# On her own case, the customer's clock the promise was made on too: her time, agreed with her.
CASE_PROMISE_FIELDS = (*PROMISE_FIELDS, "zone", "zone_said")
REDIRECT_FIELDS = ("id", "from_user", "team_id", "note", "status", "taken_by", "taken_at",
                   "reply_by", "created_at")  # fmt: skip


def case_records(store: Store, case_ids: list[int]) -> dict[int, dict[str, list[dict]]]:
    """By case id: its promises and redirects, as plain data."""
    found: dict[int, dict[str, list[dict]]] = {
        i: {"promises": [], "redirects": []} for i in case_ids
    }
    for row in followups_db.followups_of_cases(store, case_ids):
        found[row["case_id"]]["promises"].append({f: row[f] for f in CASE_PROMISE_FIELDS})
    for row in followups_db.redirects_of_cases(store, case_ids):
        found[row["case_id"]]["redirects"].append({f: row[f] for f in REDIRECT_FIELDS})
    return found


def promises_naming(store: Store, named: Mentions | None) -> list[dict]:
    """The promises whose text names someone, with the case each is on (None for none)."""
    rows = naming(followups_db.followups_that_may_name(store, spellings(named)), named, ("what",))
    return [
        {
            **{f: row[f] for f in PROMISE_FIELDS},
            "case": f"C-{row['case_id']}" if row["case_id"] else None,
        }
        for row in rows
    ]


def erase_cases(store: Store, case_ids: list[int], erased: str) -> dict[str, int]:
    """Inside the caller's transaction: the cases' promise texts and redirect notes."""
    if not case_ids:
        return {"promise": 0, "redirect note": 0}
    return followups_db.erase_case_texts(store, case_ids, erased)
