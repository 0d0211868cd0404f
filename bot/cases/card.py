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
        cases_db.case_notes(store, case_id),  # rows come as tuples (no row factory)
        solutions_of_case(store, case_id),
        [EarlierCase(e, cases_db.case_notes(store, e.id)) for e in earlier_cases(store, case)],
    )
