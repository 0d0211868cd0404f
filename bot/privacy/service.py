"""A customer's data, on request: everything repbot holds about them as one document (their
record and cases, and every record elsewhere that names them, as an erasure finds it), and
erasing it. An erasure keeps every row a figure counts (past weekly summaries read the same),
replaces the customer's name, email and CRM id by their random reference, erases the free texts
of their cases, and the personal parts of the audit rows about them, in one transaction; the
audit row that records it names who, when and why, and how many parts it erased, so the chain
still verifies (bot/cases/audit.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.cases import audit
from bot.cases.customers import How
from bot.cases.personal import (
    audit_naming,
    audit_parts_of,
    customer_record,
    erase_cases,
    erase_customer,
    find_customer,
    look_up,
    open_cases,
)
from bot.coaching import personal as coaching_personal
from bot.faq import personal as faq_personal
from bot.faq.semantic import forget_vectors
from bot.followups import personal as followups_personal
from bot.privacy.naming import partly_named
from bot.privacy.queries import other_names, owned_among, owned_by_namesakes, owned_by_others
from bot.privacy.wording import ERASED_WORDS, erased_customer
from bot.shared.db import Store
from bot.shared.english import has_words
from bot.shared.redact import Mentions, Replacement, changing, either, pattern, redact
from bot.shared.refusal import Refusal

FORMAT = "repbot customer data 1"
# What each section of an export is, written into it for whoever reads it.
ABOUT = {
    "customer": "The customer as the CRM gave them to repbot.",
    "cases": "Their cases, each with its contacts, notes, solutions and their approvals, "
    "promises (/followup), redirects to other teams and the replies drafted for it (/draft).",
    "audit": "The audit log's entries about them, each with its personal details (null once "
    "erased).",
    "mentions": "Records outside their cases that name them (their name, email or CRM id, or, "
    "on records of no other customer, part of their name where no one else repbot knows could "
    'be meant: "Mrs Holloway", "Margaret H."), found as an erasure finds them: '
    "faq_questions asked with /faq or in a direct message to the bot, tone_checks of a rep's "
    "own words (/tone), promises and drafts on no case of theirs, and the audit log's entries "
    "whose personal details name them.",
}
# The fields of an export that hold people's words: each is looked for, and erased, wherever
# it was copied (a message already posted, a question that quoted it) but in another
# customer's records, which may hold the very same words as their own.
FREE_TEXT = ("topic", "text", "reason", "decision_reason", "what", "note", "message")
# Lines of free text shorter than this are not looked for elsewhere: "ok" is not a person's.
SHORTEST_COPY = 12
# What the records of staff exporting a customer's data (the bot's own, of the export sent and
# its replies) are called where they are counted: the card before an erasure, its report after.
HANDLING = "record of staff exporting their data"


@dataclass(frozen=True)
class Erasure:
    was: str  # the CRM id the customer had, for the person who asked (not stored)
    ref: str  # their random reference, as the audit log and the export name them
    name: str  # what they are called from now on (bot/privacy/wording.py)
    records: dict[str, int]  # how many were erased, by kind (a noun: "note")
    audit_rows: int  # audit rows whose personal parts were erased
    mentions: Callable[[str], bool]  # for copies outside the database (the vector cache)
    # Their cases, solutions, promises and redirects, as the keys of the messages posted
    # about them name them ("case:1001", "solution:2", "followup:3", "redirect:1"): what
    # Slack still shows of them is found by these.
    subjects: tuple[str, ...]
    opened: dict[str, str]  # when each of their cases was opened, by its id ("C-1001")


def find(store: Store, text: str) -> dict:
    """The customer `text` names (a CRM id, an email, a name or a case id); Refusal otherwise."""
    return find_customer(store, text)


def export(store: Store, text: str) -> dict:
    """Everything repbot holds about the customer `text` names, as plain data for JSON."""
    return _exported(store, find_customer(store, text))


def _exported(store: Store, customer: dict) -> dict:
    document = _export_of(store, customer)
    named, partly = _named_by(customer), _partly_named_by(store, customer)
    others = owned_by_others(_case_ids(document))

    def naming(find: Callable[[Store, Mentions | None], list[dict]], table: str) -> list[dict]:
        """The records `find` finds naming them, and partly naming them but for those another
        customer owns, as an erasure finds them."""
        found = find(store, named)
        ids = {record["id"] for record in found}
        partly_found = [record for record in find(store, partly) if record["id"] not in ids]
        owned = owned_among(store, table, others, [record["id"] for record in partly_found])
        found += [record for record in partly_found if record["id"] not in owned]
        return sorted(found, key=lambda record: record["id"])

    cases = document["cases"]
    mentions = {
        "faq_questions": naming(faq_personal.questions_naming, "faq_queries"),
        "tone_checks": naming(coaching_personal.tone_checks_naming, "tone_checks"),
        "promises": _besides(naming(followups_personal.promises_naming, "followups"),
                             [p for case in cases for p in case["promises"]]),
        "drafts": _besides(naming(coaching_personal.drafts_naming, "drafts"),
                           [d for case in cases for d in case["drafts"]]),
        "audit": _besides(audit_naming(store, customer["ref"], named, partly), document["audit"]),
    }  # fmt: skip
    return {"format": FORMAT, "about": ABOUT, **document, "mentions": mentions}


def _named_by(customer: dict) -> Mentions | None:
    """What names the customer in people's words, as an erasure looks for it: their name, email
    and CRM id; once erased, the reference that replaced them."""
    if customer["erased_at"]:
        return pattern([customer["id"]])
    return pattern([customer["name"], customer["email"] or "", customer["id"]])


def _partly_named_by(store: Store, customer: dict) -> Mentions | None:
    """What names the customer by part of their name where no one else could be meant
    (bot/privacy/naming.py); nothing once erased."""
    if customer["erased_at"]:
        return None
    return partly_named(customer["name"], other_names(store, customer["id"]))


def _besides(found: list[dict], listed: list[dict]) -> list[dict]:
    """The records found that the export does not list already."""
    ids = {record["id"] for record in listed}
    return [record for record in found if record["id"] not in ids]


def _export_of(store: Store, customer: dict) -> dict:
    record = customer_record(store, customer)
    case_ids = _case_ids(record)
    follow = followups_personal.case_records(store, case_ids)
    drafts = coaching_personal.case_drafts(store, case_ids)
    for case, case_id in zip(record["cases"], case_ids, strict=True):
        case.update(follow[case_id])
        names = {f"C-{case_id}", str(case_id)}
        case["drafts"] = [d for d in drafts if (d["case_id"] or "").strip().upper() in names]
    erased = {"erased_at": customer["erased_at"]} if customer["erased_at"] else {}
    return {"format": FORMAT, "exported_at": store.now(), **erased, **record}


@dataclass(frozen=True)
class Overview:
    """What repbot holds about a customer, counted: for whoever answers their request."""

    id: str
    name: str
    email: str | None
    erased_at: str | None
    open_cases: list[str]
    held: dict[str, int]  # how many of each (a noun: "case", "note"), as an export has them
    how: How  # how what was typed found them: a name like it may be someone else


def overview(store: Store, text: str, handling: Mapping[str, str] | None = None) -> Overview:
    """The customer `text` names, what repbot holds about them counted, and how they were
    found. `handling` as in `erase`: its records that name them are counted as it reports
    them."""
    customer, how = look_up(store, text)
    document = _exported(store, customer)
    cases, mentions = document["cases"], document["mentions"]
    held = {"case": len(cases)}
    for kind, noun in (("notes", "note"), ("solutions", "solution"), ("promises", "promise"),
                       ("redirects", "redirect"), ("drafts", "draft")):  # fmt: skip
        held[noun] = sum(len(case[kind]) for case in cases) + len(mentions.get(kind, []))
    held["audit log entry"] = len(document["audit"]) + len(mentions["audit"])
    held["/faq question"] = len(mentions["faq_questions"])
    held["tone check"] = len(mentions["tone_checks"])
    if handling and not customer["erased_at"]:
        erasing = _replacements(
            store, customer, document, _named_by(customer), _partly_named_by(store, customer)
        )
        held[HANDLING] = changing(store.db, erasing, handling)
    shown = document["customer"]
    return Overview(
        shown["id"], shown["name"], shown["email"], document.get("erased_at"),
        [case["case"] for case in cases if case["status"] == "open"], held, how,
    )  # fmt: skip


def export_for(store: Store, text: str, *, actor: str) -> dict:
    """An export for someone, recorded in the audit log in the same transaction."""
    with store.transaction():
        document = export(store, text)
        record_export(store, text, actor=actor)
    return document


def record_export(store: Store, text: str, *, actor: str) -> None:
    """The audit entry of an export of the customer `text` names, handed to `actor`: who was
    given whose data, and when."""
    with store.transaction() as db:
        ref = find_customer(store, text)["ref"]
        audit.append(
            db, actor=actor, action="customer.exported", subject=ref, details={},
            at=store.now(), customer=ref,
        )  # fmt: skip


def describe(customer: dict) -> str:
    return f"{customer['name']} ({customer['id']})"


def check_erasable(store: Store, customer: dict) -> None:
    """Refusal when the customer was erased already or still has an open case."""
    if customer["erased_at"]:
        raise Refusal(
            f"There is nothing more to erase: {customer['name']} was already erased",
            at=datetime.fromisoformat(customer["erased_at"]),
        )
    still_open = open_cases(store, customer)
    if still_open:
        raise Refusal(
            f"{describe(customer)} has {len(still_open)} open case"
            f"{'' if len(still_open) == 1 else 's'} ({', '.join(still_open)}): close "
            f"{'it' if len(still_open) == 1 else 'them'} first, then erase."
        )


def erasure_reason(text: str) -> str:
    """The reason an erasure is recorded with; Refusal for none, or one with no words (only
    emoji or symbols, "🙂"): the audit log keeps it for good, for whoever checks the erasure."""
    reason = " ".join(text.split())
    if not reason:
        raise Refusal("Say why (--reason), such as the request's reference; not the person's name.")
    if not has_words(reason):
        raise Refusal(
            f"“{reason}” says nothing in words, and the audit log keeps the reason for good: "
            "write why, such as the request's ticket number (“request DSR-2026-014”)."
        )
    return reason


def check_reason(customer: dict, reason: str) -> None:
    """Refusal when the erasure's reason names the customer: the audit log keeps it for good,
    beyond the reach of the erasure itself. Named as an erasure finds them (their name, email
    and CRM id), and by any word of their name alone ("Mrs Holloway")."""
    words = re.findall(r"\w+", customer["name"])
    naming = pattern([customer["name"], *words, customer["email"] or "", customer["id"]],
                     whole_words=True)  # fmt: skip
    found = naming.regex.search(reason) if naming else None
    if found:
        raise Refusal(
            f"The reason names the customer (“{found[0]}”), and the audit log keeps it for "
            "good, even after the erasure: write it without their name, email or CRM id, such "
            "as the request's ticket number (“request DSR-2026-014”)."
        )


def erase(
    store: Store, text: str, *, actor: str, reason: str, handling: Mapping[str, str] | None = None
) -> Erasure:
    """Erase the customer `text` names, in one transaction; Refusal when it cannot be done.
    `handling` names the records of staff exporting customers' data (by table, an SQL
    condition: the Slack layer's, of its clicks on Export data and what it sent for them):
    those that name this customer are erased as any other and reported as what they are."""
    reason = erasure_reason(reason)
    with store.transaction():
        customer = find_customer(store, text)
        check_erasable(store, customer)
        check_reason(customer, reason)
        document = _export_of(store, customer)
        ref, at, case_ids = customer["ref"], store.now(), _case_ids(document)
        found = _named_by(customer)  # not erased: their name, email and CRM id
        partly = _partly_named_by(store, customer)
        mentions = either(found, partly)
        parts = audit_parts_of(store, ref, found, partly)
        replacements = _replacements(store, customer, document, found, partly)
        name = erased_customer(ref)
        records = {"customer": erase_customer(store, customer, name, at)}
        records |= erase_cases(store, case_ids, ERASED_WORDS)
        records |= followups_personal.erase_cases(store, case_ids, ERASED_WORDS)
        records["draft"] = coaching_personal.erase_drafts(store, case_ids, ERASED_WORDS)
        counts, records[HANDLING] = redact(store.db, replacements, handling)
        records["copied text"], records["other mention"], records["partial mention"] = counts
        audit.append_erasure(
            store, actor=actor, action="customer.erased", subject=ref, at=at, erased=parts,
            details={"reason": reason, "records": records}, customer=ref,
        )  # fmt: skip
    opened = {case["case"]: case["opened_at"] for case in document["cases"]}
    return Erasure(
        customer["id"], ref, name, records, len(parts), mentions, _subjects(document), opened
    )


def _replacements(
    store: Store, customer: dict, document: dict, found: Mentions | None, partly: Mentions | None
) -> list[Replacement]:
    """What an erasure of the customer (not erased yet; `document` their export, `found` and
    `partly` what names them whole and in part) replaces in one pass over every table: the
    lines of their words first (they may hold the name), where no other customer owns them (the
    same note may be on anyone's case), then their name, email and CRM id wherever else they
    stand, and part of their name ("Mrs Holloway") where no other customer owns it."""
    name = erased_customer(customer["ref"])
    others = owned_by_others(_case_ids(document))
    copies = Replacement(pattern(_free_texts(document), SHORTEST_COPY), ERASED_WORDS, others)
    # A namesake's own name and email, on their record and cases, are theirs.
    namesakes = owned_by_namesakes(customer["name"], customer["email"] or "")
    return [
        copies,
        Replacement(found, name, namesakes),
        Replacement(partly, name, others),
    ]


def _case_ids(record: dict) -> list[int]:
    return [int(case["case"][2:]) for case in record["cases"]]


def _subjects(document: dict) -> tuple[str, ...]:
    found = []
    for case, case_id in zip(document["cases"], _case_ids(document), strict=True):
        found.append(f"case:{case_id}")
        for kind, noun in (("solutions", "solution"), ("promises", "followup"),
                           ("redirects", "redirect")):  # fmt: skip
            found += [f"{noun}:{record['id']}" for record in case[kind]]
    return tuple(found)


def finish_erasure(store: Store, erasure: Erasure, *, compact: bool) -> tuple[int, bool]:
    """After the erasure's commit: cached phrasing vectors that name them deleted, and the WAL
    (whose frames hold the erased words) emptied; with `compact`, the file rewritten too (from
    the command line; Slack's 3 seconds have no room for it). Returns the vectors deleted, and
    whether the WAL was emptied (a running repbot's reader can keep it for a moment)."""
    vectors = forget_vectors(store.path, erasure.mentions)
    emptied = store.scrub() if compact else store.checkpoint()
    return vectors, emptied


def _free_texts(value: object) -> list[str]:
    """Every line of people's words in an export (see FREE_TEXT)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in FREE_TEXT and isinstance(item, str):
                found += item.splitlines()
            else:
                found += _free_texts(item)
    elif isinstance(value, list):
        for item in value:
            found += _free_texts(item)
    return found
