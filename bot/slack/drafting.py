"""A draft for a rep, as every draft listener writes one: in the rep's time zone, with the
words the FAQ's synonyms know."""

from __future__ import annotations

from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

from bot.cases.service import get_case, parse_case_ref
from bot.coaching.service import Drafted
from bot.faq.knowledge import Entry
from bot.services import Services


class DraftOptions(TypedDict, total=False):
    """What a listener may pass on to Coach.draft, each with Coach.draft's own default."""

    customer_name: str | None
    case_id: str | None
    style: str
    version: int
    request_key: str | None


def draft_for(
    services: Services,
    tz: ZoneInfo,
    user_id: str,
    message: str,
    *,
    entry: Entry | None,
    **options: Unpack[DraftOptions],
) -> Drafted:
    """Raises CannotDraft (a note for the rep) for text the coach cannot work with. `tz` is
    asked of Slack before, so that no call to Slack happens inside a transaction."""
    return services.coach.draft(
        message,
        user_id=user_id,
        entry=entry,
        now=services.store.clock.now(),
        tz=tz,
        synonyms=services.faq.edition.knowledge.synonyms,
        **options,
    )


def known_case(services: Services, reference: str | None) -> str | None:
    """The reference of the case a rep named ("C-1042"), when that case exists; None when it
    does not, so that no draft ever quotes a case reference that names no case."""
    number = parse_case_ref(reference) if reference else None
    case = get_case(services.store, number) if number is not None else None
    return case.ref if case else None
