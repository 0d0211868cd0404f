"""The writing coach: can-do drafts from the playbooks and tone checks of a rep's own words,
both stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.coaching import queries as coaching_db
from bot.coaching.drafts import Draft, draft_reply
from bot.coaching.playbooks import Playbooks
from bot.coaching.tone import ToneReport, ToneRules, check_tone
from bot.faq.knowledge import Entry
from bot.shared.clock import iso
from bot.shared.db import Store
from bot.shared.english import language_of
from bot.shared.refusal import Refusal


@dataclass(frozen=True)
class Drafted:
    draft_id: int
    draft: Draft
    tone: ToneReport


class CoachingContent(Protocol):
    """What the coach writes and checks with: the playbooks and the tone rules in service."""

    @property
    def playbooks(self) -> Playbooks: ...

    @property
    def tone(self) -> ToneRules: ...


class NothingToCheck(Refusal):
    """A /tone text with no words in it, or in another language."""


def check_scorable(text: str) -> None:
    """Raise NothingToCheck for emoji or symbols alone, or another language: the rules are
    English, and either would score a clean 100. Slack and the command line ask alike."""
    found = language_of(text)
    if found == "none":
        raise NothingToCheck(
            "There are no words to check in that (only emoji or symbols). Give me your reply "
            "to the customer."
        )
    if found == "other":
        raise NothingToCheck(
            "That looks like another language, and the tone check reads English: nothing "
            "was scored. Give me an English reply."
        )


class Coach:
    def __init__(self, store: Store, content: Callable[[], CoachingContent]) -> None:
        self.store = store
        # Asked at each use: leads' edits to the playbooks are put into service whole.
        self._content = content

    def draft(
        self,
        message: str,
        *,
        user_id: str,
        entry: Entry | None,
        now: datetime,
        tz: ZoneInfo,
        customer_name: str | None = None,
        case_id: str | None = None,
        style: str = "standard",
        version: int = 0,
        synonyms: Mapping[str, Sequence[str]] | None = None,
        request_key: str | None = None,
    ) -> Drafted:
        """Write a draft, check its tone, and store both; raises CannotDraft for text it cannot
        work with (its message is for the rep)."""
        guide = self._content()
        draft = draft_reply(
            guide.playbooks, message, entry=entry, now=now, tz=tz, customer_name=customer_name,
            case_id=case_id, style=style, version=version, synonyms=synonyms,
        )  # fmt: skip
        tone = check_tone(draft.text, guide.tone)
        draft_id = coaching_db.record_draft(self.store,
            {
                "user_id": user_id, "case_id": case_id, "customer_name": customer_name,
                "message": message, "entry_id": entry.id if entry else None,
                "situation": draft.situation, "emotion": draft.emotion, "style": style,
                "version": version, "text": draft.text,
                "due_at": iso(draft.due) if draft.due else None,
                "tone_score": tone.score,
            },
            request_key,
        )  # fmt: skip
        return Drafted(draft_id, draft, tone)

    def check(self, text: str, *, user_id: str, request_key: str | None = None) -> ToneReport:
        """The tone of a rep's reply, stored (the week's can-do score is their average);
        raises NothingToCheck for emoji or symbols alone, or another language, which would
        score a clean 100."""
        check_scorable(text)
        report = check_tone(text, self._content().tone)
        coaching_db.record_tone_check(
            self.store,
            user_id,
            text,
            report.score,
            [flag.rule for flag in report.flags],
            request_key,
        )
        return report


def get_draft(store: Store, draft_id: int) -> dict | None:
    return coaching_db.draft(store, draft_id)


def mark_draft(
    store: Store, draft_id: int, *, used: bool | None = None, helpful: bool | None = None
) -> None:
    """What the rep did with a draft: used it (the first use counts), or found it unhelpful."""
    coaching_db.mark_draft(store, draft_id, used=used, helpful=helpful)


def case_drafts(store: Store, case_ref: str) -> list[dict]:
    """The drafts written for a case, oldest first."""
    return coaching_db.case_drafts(store, case_ref)
