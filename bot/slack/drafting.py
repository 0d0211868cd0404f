"""A draft for a rep, as every draft listener writes one: in the rep's time zone, with the
words the FAQ's synonyms know."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.coach import Drafted
from bot.core.knowledge import Entry
from bot.services import Services
from bot.slack.people import time_zone


def draft_for(
    services: Services,
    client: WebClient,
    user_id: str,
    message: str,
    *,
    entry: Entry | None,
    **options: object,
) -> Drafted:
    """Raises CannotDraft (a note for the rep) for text the coach cannot work with."""
    return services.coach.draft(
        message,
        user_id=user_id,
        entry=entry,
        now=services.store.clock.now(),
        tz=time_zone(client, services.store, user_id),
        synonyms=services.faq.edition.knowledge.synonyms,
        **options,
    )
