"""The case card: a case with everything a rep needs to see beside it (notes, solutions, the
promises made in drafts), as /case shows it and a redirect hands it over."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cases import queries as cases_db
from bot.cases.service import Case, get_case
from bot.cases.solutions import SolutionRecord, solutions_of_case
from bot.coaching.service import case_promises
from bot.shared.db import Store


@dataclass(frozen=True)
class CaseCard:
    case: Case
    notes: list[tuple[str, str, str]]  # (user id, text, time)
    solutions: list[SolutionRecord]
    promises: list[tuple[str, str]]  # (draft text, due time) of drafts used on the case


def case_card(store: Store, case_id: int) -> CaseCard | None:
    case = get_case(store, case_id)
    if case is None:
        return None
    return CaseCard(
        case,
        cases_db.case_notes(store, case_id),  # rows come as tuples (no row factory)
        solutions_of_case(store, case_id),
        case_promises(store, case.ref),
    )
