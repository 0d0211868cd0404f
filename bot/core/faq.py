"""The FAQ as reps use it: match the customer's words, remember every question, take feedback."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge import Entry, Knowledge
from bot.core.matching import Matcher, MatchResult
from bot.store import QueryRecord, Store

SUGGESTIONS = 3


@dataclass(frozen=True)
class Asked:
    query_id: int
    result: MatchResult


def has_words(text: str) -> bool:
    """Emoji and punctuation alone give the matcher nothing to go on."""
    return any(ch.isalnum() for ch in text)


class Faq:
    def __init__(self, knowledge: Knowledge, store: Store) -> None:
        self.store = store
        self.entries = knowledge.by_id()
        self.matcher = Matcher(knowledge.entries)

    def ask(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str | None,
        source: str,
        request_key: str | None = None,
    ) -> Asked:
        """Match and store the question; a retried request gets the first one's record."""
        result = self.matcher.match(text, top=SUGGESTIONS)
        best = result.matches[0] if result.matches else None
        query_id = self.store.record_query(
            text=text,
            best_id=best.entry.id if best else None,
            best_score=round(best.score, 2) if best else None,
            verdict=result.verdict,
            user_id=user_id,
            channel_id=channel_id,
            source=source,
            request_key=request_key,
        )
        return Asked(query_id, result)

    def entry(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def query(self, query_id: int) -> QueryRecord | None:
        return self.store.query(query_id)

    def pick(self, query_id: int, user_id: str, entry_id: str) -> None:
        """A rep chose a "did you mean" suggestion; leads see which ones reps keep picking."""
        self.store.record_pick(query_id, user_id, entry_id)

    def feedback(self, query_id: int, user_id: str, entry_id: str | None, helpful: bool) -> None:
        self.store.record_feedback(query_id, user_id, entry_id, helpful)
