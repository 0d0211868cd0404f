"""What repbot holds about one customer, from this domain's tables: finding them by what a
person asking for their data gives (a CRM id, an email, a name or a case id), their record for
an export, and erasing it (see bot/privacy)."""

from __future__ import annotations

import json
import re

from bot.cases import queries as cases_db
from bot.cases.customers import CSV_COLUMNS, How, erased_customer, refuse_slack_reference
from bot.cases.customers import find_customer as find_by_name
from bot.shared.db import Store, existing
from bot.shared.redact import Mentions
from bot.shared.refusal import Code, Refusal

CASE_REF = re.compile(r"^c-?(\d+)$", re.IGNORECASE)
SOLUTION_FIELDS = ("id", "situation", "type", "amount", "reason", "requested_by", "status",
                   "decided_by", "decided_at", "decision_reason", "created_at")  # fmt: skip
HOW = "give a CRM id, an email, a name or a case id such as C-1001"


def find_customer(store: Store, text: str) -> dict:
    """The one customer `text` names, or a Refusal saying why not (none, several, or a Slack
    mention, channel or link)."""
    return look_up(store, text)[0]


def look_up(store: Store, text: str) -> tuple[dict, How]:
    """The one customer `text` names and how it found them (by a name like the one typed, it
    may be someone else), or a Refusal as `find_customer`."""
    text = text.strip()
    if not text:
        raise Refusal(f"Which customer? {HOW[0].upper()}{HOW[1:]}.")
    refuse_slack_reference(text, f"{HOW[0].upper()}{HOW[1:]}.")
    case = CASE_REF.match(text)
    if case:
        number = int(case[1])
        if cases_db.case_row(store, number) is None and (
            merged := cases_db.merged_into(store, number)
        ):
            number = merged  # its one contact was moved there: the same customer's
        row = cases_db.case_row(store, number)
        if row is None:
            _refuse_if_no_customers(store)
            raise Refusal(f"There is no case {text.upper()}; {HOW}.")
        return cases_db.customer(store, row["customer_id"]) or {}, How.CASE
    if "@" in text:
        found = _found(cases_db.customers_by_email(store, text), How.EMAIL)
        what = f"the email {text}"
    else:
        found, what = _found(cases_db.customers_by_id(store, text), How.ID), f"the CRM id {text}"
        if not found and not any(c.isdigit() for c in text):  # a CRM id has digits, a name none
            found, what = _by_name(store, text)
    if not found:
        _refuse_if_no_customers(store)
        erased = erased_customer(store, text)
        if erased is not None:
            now_called = existing(cases_db.customer(store, erased.ref), erased.ref)["name"]
            raise Refusal(
                f"The customer with {what} (now {now_called}) is erased: repbot holds nothing "
                "more of theirs than counts. They were erased",
                at=erased.at,
            )
        raise Refusal(f"No customer has {what}; {HOW}.")
    if len(found) > 1:
        names = ", ".join(f"{row['id']} ({row['name']})" for row, _ in found)
        raise Refusal(f"{len(found)} customers have {what}: {names}. Give the CRM id of one.")
    return found[0]


def _found(rows: list[dict], how: How) -> list[tuple[dict, How]]:
    return [(row, how) for row in rows]


def _refuse_if_no_customers(store: Store) -> None:
    """Where a lookup found nothing in a database of no customers (a new install, or another
    database than the one meant), that is what to say: "no customer has BX-1" would send them
    looking for BX-1."""
    if not cases_db.any_customer(store):
        raise Refusal(
            (
                "There are no customers in the database yet: they come from your CRM with ",
                Code("repbot customers import FILE.csv"),
                f" (columns {','.join(CSV_COLUMNS)}), or one at a time as reps open cases with ",
                Code("/case"),
                ".",
            )
        )


def _by_name(store: Store, text: str) -> tuple[list[tuple[dict, How]], str]:
    """The customers `text` names as /case finds them by name (`customers.find_customer`),
    each with how: the one it is sure of, else every plausible one, for the CRM id of the one
    meant."""
    lookup = find_by_name(store, text)
    sure = lookup.clear
    matches = [sure] if sure is not None else lookup.matches
    found = [(cases_db.customer(store, match.customer.id), match.how) for match in matches]
    return [(row, how) for row, how in found if row is not None], f"a name like {text}"


def customer_record(store: Store, customer: dict) -> dict:
    """The customer, their cases with contacts, notes and solutions, and the audit rows that
    name them (with the personal parts not erased), as plain data for JSON."""
    fields = ("id", "name", "email", "customer_since", "tier", "created_at", "updated_at")
    cases = []
    for case in cases_db.cases_of_customer(store, customer["id"]):
        cases.append(
            {
                "case": f"C-{case['id']}",
                "topic": case["topic"],
                "status": case["status"],
                "root_cause": case["root_cause"],
                "opened_at": case["opened_at"],
                "closed_at": case["closed_at"],
                "follows": f"C-{case['follows']}" if case["follows"] else None,
                "owner": case["owner_id"],
                "contacts": cases_db.case_contacts(store, case["id"]),
                "notes": [
                    {"by": by, "text": text, "at": at}
                    for by, text, at in cases_db.case_notes(store, case["id"])
                ],
                "solutions": [
                    {f: row[f] for f in SOLUTION_FIELDS}
                    for row in cases_db.case_solutions(store, case["id"])
                ],
            }
        )
    audit = [_audit_entry(row) for row in cases_db.audit_rows_of_customer(store, customer["ref"])]
    return {"customer": {f: customer[f] for f in fields}, "cases": cases, "audit": audit}


def audit_naming(
    store: Store, ref: str, named: Mentions | None, partly: Mentions | None
) -> list[dict]:
    """The audit rows whose personal parts name the customer `ref` (a promise with no case
    that names them), as an erasure finds them (`audit_parts_of`), as plain data for JSON."""
    found = _parts_naming(store, ref, named, partly)
    return [_audit_entry(row) for row in cases_db.audit_rows_by_id(store, found)]


def _audit_entry(row: dict) -> dict:
    data = row.pop("data")
    personal = json.loads(data) if data else None
    return {**row, "details": json.loads(row["details"]), "personal": personal}


def audit_parts_of(
    store: Store, ref: str, named: Mentions | None, partly: Mentions | None
) -> list[int]:
    """The audit rows whose personal parts an erasure of the customer `ref` takes: those about
    them, and any that mention them (a promise with no case that names them)."""
    parts = set(cases_db.personal_parts_to_erase(store, ref))
    parts.update(_parts_naming(store, ref, named, partly))
    return sorted(parts)


def _parts_naming(
    store: Store, ref: str, named: Mentions | None, partly: Mentions | None
) -> list[int]:
    """The audit rows whose personal parts name the customer `ref` (`named`, on any row), or
    partly name them (`partly`, on rows about no other customer), not yet erased."""
    found = set(cases_db.personal_parts_mentioning(store, named)) if named else set()
    if partly is not None:
        found.update(cases_db.personal_parts_mentioning(store, partly, of_no_customer_but=ref))
    return sorted(found)


def open_cases(store: Store, customer: dict) -> list[str]:
    cases = cases_db.cases_of_customer(store, customer["id"])
    return [f"C-{case['id']}" for case in cases if case["status"] == "open"]


def erase_customer(store: Store, customer: dict, name: str, at: str) -> int:
    """Inside the caller's transaction: the customer's row keeps only their reference and tier
    (their id becomes the reference everywhere) and is named `name`; their CRM id and email are
    remembered only as keyed hashes, for whoever types one again. Rows stay, so every count a
    summary reads stays."""
    identifiers = [customer["id"], customer["email"] or ""]
    cases_db.remember_erased(store, identifiers, customer["ref"], at)
    return cases_db.pseudonymise_customer(store, customer["id"], customer["ref"], name, at)


def erase_cases(store: Store, case_ids: list[int], erased: str) -> dict[str, int]:
    """Inside the caller's transaction: the words of the cases (topics, notes, solution and
    decision reasons) replaced by `erased`, for an erasure and for retention alike."""
    if not case_ids:
        return {"case topic": 0, "note": 0, "solution": 0}
    return cases_db.erase_case_texts(store, case_ids, erased)
