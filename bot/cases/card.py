"""The case card: a case with everything a rep needs to see beside it (notes, solutions, the
closed cases on the same matter it follows), as /case shows it, a senior callback tells it
and a redirect hands it over. Its promises are follow-ups, a domain above this one: whoever
shows the card lists them beside it (bot.followups.service.case_followups)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.cases import queries as cases_db
from bot.cases.service import Case, earlier_cases, get_case
from bot.cases.solutions import SolutionRecord, solutions_of_case
from bot.shared.db import Store

# A note's text is only ever empty once retention removed it (an empty note is refused).
NOTE_REMOVED = "(note removed after its retention period)"


@dataclass(frozen=True)
class EarlierCase:
    """A closed case on the same matter that the card's case follows, with its notes."""

    case: Case
    notes: list[tuple[str, str, str]]  # (user id, text, time), oldest first


@dataclass(frozen=True)
class CaseCard:
    case: Case
    notes: list[tuple[str, str, str]]  # (user id, text, time)
    solutions: list[SolutionRecord]
    earlier: list[EarlierCase] = field(default_factory=list)  # the latest first


def case_card(store: Store, case_id: int) -> CaseCard | None:
    case = get_case(store, case_id)
    if case is None:
        return None
    return CaseCard(
        case,
        _notes(store, case_id),
        solutions_of_case(store, case_id),
        [EarlierCase(e, _notes(store, e.id)) for e in earlier_cases(store, case)],
    )


def _notes(store: Store, case_id: int) -> list[tuple[str, str, str]]:
    """The case's notes as a card shows them, a note retention emptied said to be so."""
    return [
        (user, text or NOTE_REMOVED, at) for user, text, at in cases_db.case_notes(store, case_id)
    ]
