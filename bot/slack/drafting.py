"""A draft for a rep, as every draft listener writes one: in the rep's time zone, with the
words the FAQ's synonyms know."""

from __future__ import annotations

from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

from bot.cases.service import Case, get_case, parse_case_ref
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


def known_case(services: Services, reference: str | None) -> Case | None:
    """The case a rep named ("C-1042"), when it exists; None when it does not, so that no draft
    ever quotes a case reference that names no case."""
    number = parse_case_ref(reference) if reference else None
    return get_case(services.store, number) if number is not None else None


def greeted(case: Case | None) -> str | None:
    """Whom a draft on a case greets when the rep typed no name: its customer, by their first
    name ("Tom", or the whole name after a title: "Dr. Okafor"); nobody once erased."""
    if case is None or case.customer.erased or not case.customer.name.split():
        return None
    first = case.customer.name.split()[0]
    return case.customer.name if first.endswith(".") else first


def whose_else(case: Case | None, name: str | None) -> str | None:
    """The case's customer, when the name the rep typed is none of theirs ("Maria" on Margaret
    Holloway's case): a draft greeting one customer with another's case reference."""
    if case is None or not name or case.customer.erased:
        return None
    theirs = {word.casefold() for word in case.customer.name.split()}
    return None if {word.casefold() for word in name.split()} & theirs else case.customer.name
