"""Cases: one customer's matter, its contacts, notes, solutions and promises; customers from
the CRM's CSV export or from what a rep types.

A customer who has to come back about the same matter is counted: the contact that reaches
CALLBACK_AT raises a senior callback, once."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from rapidfuzz import fuzz

from bot.cases import audit
from bot.cases import queries as cases_db
from bot.shared.clock import iso
from bot.shared.content import readable
from bot.shared.db import Store, existing
from bot.shared.refusal import Refusal

ROOT_CAUSES = ("product", "process", "marketing", "employee", "customer", "unknown")
REPEAT_WINDOW = timedelta(days=30)
CALLBACK_AT = 3  # the third contact on the same matter is one too many: a senior calls back
SIMILAR_TOPIC = 80  # rapidfuzz token_set_ratio; "refund" and "refund for my damaged box" match
CASE_REF = re.compile(r"^\s*(?:c\s*-?\s*)?(\d{1,9})\s*$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CSV_COLUMNS = ("id", "name", "email", "customer_since", "tier")
MAX_NOTE = 3000  # a Slack section holds 3,000 characters; a longer note belongs in the CRM


def root_cause_label(cause: str) -> str:
    """A root cause as the close modal and the weekly summary say it ("Product"): no playbook
    names them, so their words."""
    return readable(cause)


class CaseError(Refusal):
    """Something a rep asked that cannot be done; the message says why, in their words."""


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str | None
    customer_since: date | None  # None: we do not know (a customer a rep typed in)
    tier: str | None

    def tenure_years(self, today: date) -> float | None:
        if self.customer_since is None:
            return None
        return max((today - self.customer_since).days, 0) / 365.25


@dataclass(frozen=True)
class Case:
    id: int
    customer: Customer
    topic: str  # "" when the rep gave none
    owner_id: str
    status: str  # "open" or "closed"
    root_cause: str | None
    opened_at: str  # ISO 8601 UTC, as stored
    closed_at: str | None
    contact_count: int
    follows: int | None = None  # the closed case on the same matter this one took over from

    @property
    def ref(self) -> str:
        return f"C-{self.id}"


@dataclass(frozen=True)
class Contact:
    case: Case
    is_new_case: bool
    contact_number: int
    callback_due: bool  # True on the contact that reaches CALLBACK_AT, never again


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    problems: list[str]  # "customers.csv:7: customer_since '31/02/2020' is not a date"


def parse_case_ref(text: str) -> int | None:
    """The case number in "C-1042", "c-1042", "C1042" or "1042"; None for anything else."""
    match = CASE_REF.match(text or "")
    return int(match.group(1)) if match else None


def _customer(row: dict) -> Customer:
    since = date.fromisoformat(row["customer_since"]) if row["customer_since"] else None
    return Customer(row["id"], row["name"], row["email"], since, row["tier"])


def _case(store: Store, row: dict) -> Case:
    customer_id = row["customer_id"]
    customer = _customer(existing(cases_db.customer(store, customer_id), f"customer {customer_id}"))
    count = row.get("contact_count")
    if count is None:
        case_row = existing(cases_db.case_row(store, row["id"]), f"case C-{row['id']}")
        count = case_row["contact_count"]
    return Case(
        row["id"], customer, row["topic"], row["owner_id"], row["status"], row["root_cause"],
        row["opened_at"], row["closed_at"], count, row.get("follows"),
    )  # fmt: skip


def get_case(store: Store, case_id: int) -> Case | None:
    row = cases_db.case_row(store, case_id)
    return _case(store, row) if row else None


def _find_or_add_customer(store: Store, text: str, user_id: str) -> Customer:
    text = " ".join(text.split())
    if not text:
        raise CaseError("Who is the customer? Type their name, email or customer id.")
    found = cases_db.find_customers(store, text)
    exact_id = [row for row in found if row["id"].lower() == text.lower()]
    if exact_id:
        return _customer(exact_id[0])
    if len(found) > 1:
        ids = ", ".join(row["id"] for row in found[:5])
        raise CaseError(f"{len(found)} customers match {text!r} ({ids}): use their id or email.")
    if found:
        return _customer(found[0])
    email = text if EMAIL.match(text) else None
    customer_id = cases_db.add_customer(store, name=text, email=email, created_by=user_id)
    return _customer(existing(cases_db.customer(store, customer_id), f"customer {customer_id}"))


def _same_matter(topic: str, other: str) -> int:
    """How alike two topics are, 0 to 100."""
    if topic.casefold() == other.casefold():
        return 100
    return round(fuzz.token_set_ratio(topic.casefold(), other.casefold()))


def _matter_case(store: Store, customer_id: str, topic: str, now: datetime) -> dict | None:
    """The customer's case on this matter: an open one with the same or a similar topic, or
    any with one in touch within REPEAT_WINDOW; without a topic, their latest open case."""
    since = iso(now - REPEAT_WINDOW)
    best, best_score = None, 0
    for row in cases_db.customer_cases(store, customer_id):
        if not topic:
            if row["status"] == "open":
                return row
            continue
        if row["status"] != "open" and row["last_contact_at"] < since:
            continue
        score = _same_matter(topic, row["topic"])
        if score >= SIMILAR_TOPIC and score > best_score:  # the latest first wins a tie
            best, best_score = row, score
    return best


def open_or_find_case(
    store: Store, *, customer_text: str, topic: str | None, user_id: str, request_key: str | None
) -> Contact:
    """`/case`: the customer's case on this matter with one more contact counted, or a new
    case. Back about a closed case within the window, they get a new case that follows it: the
    closed one keeps its root cause, and the contacts add up, so the third contact on the
    matter still raises a callback. A retried request (same key) counts nothing twice."""
    topic = " ".join((topic or "").split())
    with store.transaction() as db:
        if request_key and (seen := cases_db.contact_by_request(store, request_key)):
            case_id, number = seen
            case = existing(get_case(store, case_id), f"case C-{case_id}")
            return Contact(case, number == 1, number, number == CALLBACK_AT)
        customer = _find_or_add_customer(store, customer_text, user_id)
        now = store.clock.now()
        row = _matter_case(store, customer.id, topic, now)
        follows = None  # the closed case on this matter that the case follows, if any
        if row is None:
            case_id = cases_db.insert_case(store, customer.id, topic, user_id)
        elif row["status"] == "closed":
            follows = row["id"]
            case_id = cases_db.insert_case(
                store, customer.id, topic or row["topic"], user_id, follows=follows
            )
            audit.append(
                db, actor=user_id, action="case.followed", subject=f"C-{case_id}",
                details={"customer": customer.id, "follows": f"C-{row['id']}"}, at=iso(now),
            )  # fmt: skip
        else:
            case_id, follows = row["id"], row.get("follows")
        # The matter's contacts so far: this case's, and those of the closed ones it follows.
        own = cases_db.add_contact(store, case_id, user_id, request_key)
        number = own + _matter_contacts(store, follows)
        case = existing(get_case(store, case_id), f"case C-{case_id}")
        return Contact(case, own == 1, number, number == CALLBACK_AT)


def _matter_contacts(store: Store, case_id: int | None) -> int:
    """Contacts on a case and on the closed cases it follows (none for no case)."""
    total = 0
    while case_id is not None:
        row = existing(cases_db.case_row(store, case_id), f"case C-{case_id}")
        total += row["contact_count"]
        case_id = row.get("follows")
    return total


def open_case(store: Store, case_id: int) -> Case:
    """The case, if it is open; CaseError with words for the rep if not."""
    case = get_case(store, case_id)
    if case is None:
        raise CaseError(f"There is no case C-{case_id}. Check the number, or open one with /case.")
    if case.status != "open":
        raise CaseError(
            f"{case.ref} is closed. Open a new case with /case if the customer needs more."
        )
    return case


def add_note(store: Store, case_id: int, user_id: str, text: str, request_key: str | None) -> Case:
    text = text.strip()
    if not text:
        raise CaseError("The note is empty: type it after the case number.")
    if len(text) > MAX_NOTE:
        raise CaseError(f"That note is {len(text)} characters; keep it under {MAX_NOTE}.")
    with store.transaction():
        case = open_case(store, case_id)
        cases_db.add_case_note(store, case_id, user_id, text, request_key)
    return case


def close_case(store: Store, case_id: int, user_id: str, root_cause: str) -> Case:
    """Close an open case with its root cause, which the weekly summary reports."""
    cause = (root_cause or "").strip().lower()
    if cause not in ROOT_CAUSES:
        raise CaseError(f"Choose a root cause: {', '.join(ROOT_CAUSES)}.")
    with store.transaction() as db:
        open_case(store, case_id)
        cases_db.close_case(store, case_id, user_id, cause)
        audit.append(
            db, actor=user_id, action="case.closed", subject=f"C-{case_id}",
            details={"root_cause": cause}, at=store.now(),
        )  # fmt: skip
        return existing(get_case(store, case_id), f"case C-{case_id}")


def _clean_row(raw: dict, line: int, name: str, today: date) -> tuple[dict | None, list[str]]:
    """One CSV row as a customer, or the problems that keep it out."""
    row = {column: (raw.get(column) or "").strip() for column in CSV_COLUMNS}
    problems = []
    if not row["id"]:
        problems.append(f"{name}:{line}: no customer id")
    if not row["name"]:
        problems.append(f"{name}:{line}: no name")
    if row["email"] and not EMAIL.match(row["email"]):
        problems.append(f"{name}:{line}: email {row['email']!r} is not an email address")
    if row["customer_since"]:
        try:
            since = date.fromisoformat(row["customer_since"])
        except ValueError:
            since = None
            message = f"customer_since {row['customer_since']!r} is not a date like 2021-03-14"
            problems.append(f"{name}:{line}: {message}")
        if since and since > today:
            problems.append(f"{name}:{line}: customer_since {since} is in the future")
        elif since:
            row["customer_since"] = since.isoformat()
    if problems:
        return None, problems
    cleaned = {key: value or None for key, value in row.items()}
    cleaned["tier"] = cleaned["tier"].lower() if cleaned["tier"] else None
    return cleaned, []


def import_customers(store: Store, csv_path: str | Path) -> ImportResult:
    """Add or update customers from the CRM's export (columns id, name, email, customer_since,
    tier; a header "Customer since" counts too). Good lines are imported, bad ones are named
    by line; raises OSError when the file cannot be read."""
    path = Path(csv_path)
    name = path.name
    today = store.clock.now().date()
    added = updated = 0
    problems: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as file:  # Excel writes a BOM
        reader = csv.reader(file)
        header = next(reader, None)
        columns = [cell.strip().lower().replace(" ", "_") for cell in header or []]
        missing = [column for column in CSV_COLUMNS if column not in columns]
        if missing:
            message = f"{name}:1: the header needs the columns {', '.join(CSV_COLUMNS)}"
            return ImportResult(0, 0, [f"{message} (missing: {', '.join(missing)})"])
        seen: dict[str, int] = {}
        with store.transaction():
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                row, row_problems = _clean_row(
                    dict(zip(columns, cells, strict=False)), line, name, today
                )
                if row and row["id"] in seen:
                    row_problems = [
                        f"{name}:{line}: id {row['id']} is also on line {seen[row['id']]}"
                    ]
                problems += row_problems
                if row_problems or row is None:  # no row comes with its problems
                    continue
                seen[row["id"]] = line
                outcome = cases_db.save_customer(store, row)
                added += outcome == "added"
                updated += outcome == "updated"
    return ImportResult(added, updated, problems)


def case_owner(store: Store, case_id: int) -> str:
    return existing(cases_db.case_row(store, case_id), f"case C-{case_id}")["owner_id"]


def set_case_owner(store: Store, case_id: int, owner_id: str) -> None:
    """Hand a case to someone (a redirect taken): it is on their desk from now on."""
    cases_db.set_case_owner(store, case_id, owner_id)


def open_cases_of(store: Store, owner_id: str) -> list[Case]:
    """The open cases on a person's desk."""
    cases = (get_case(store, case_id) for case_id in cases_db.open_case_ids(store, owner_id))
    return [case for case in cases if case is not None]
