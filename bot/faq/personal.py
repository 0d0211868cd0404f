"""The questions asked with /faq or in a direct message that name a customer, for an export of
their data (see bot/privacy); an erasure finds the same ones in its pass over every table."""

from __future__ import annotations

from bot.faq import queries as faq_db
from bot.shared.db import Store
from bot.shared.redact import Mentions, naming, spellings

FIELDS = ("id", "text", "source", "verdict", "best_id", "user_id", "channel_id", "created_at")


def questions_naming(store: Store, named: Mentions | None) -> list[dict]:
    rows = naming(faq_db.questions_that_may_name(store, spellings(named)), named, ("text",))
    return [{f: row[f] for f in FIELDS} for row in rows]
