"""Cases: one customer's matter, its contacts, notes, solutions and promises; customers from
the CRM's CSV export, or new ones a rep confirms.

A customer who has to come back about the same matter is counted: the contact that reaches
CALLBACK_AT raises a senior callback, once. The same rep typing the same /case, or the same
/note on a case, again at once is that contact or note (RETYPED_WITHIN), not another."""

from __future__ import annotations

import csv
import functools
import itertools
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from rapidfuzz import fuzz

from bot.cases import audit
from bot.cases import queries as cases_db
from bot.cases.customers import (
    CSV_COLUMNS,
    EMAIL,
    CaseError,
    CaseRequest,
    Customer,
    Erased,
    How,
    Lookup,
    customer_from_row,
    erased_customer,
    find_customer,
    name_and_email,
)
from bot.coaching.personal import case_drafts
from bot.faq.matching import Matcher, MatchResult, Reading
from bot.shared.clock import iso
from bot.shared.content import readable
from bot.shared.db import Store, existing
from bot.shared.english import has_words
from bot.shared.refusal import Code

# A bot killed after storing a /case but before Slack heard its answer shows the rep an error,
# and they type it again, with a new trigger id: the same rep, customer and topic within
# RETYPED_WITHIN is that contact again, not one more (nor, for a case just opened, a second
# case). So is the same /note text on the same case by the same rep (a double Enter, or the
# same retyping), and the same /solve just authorized for them (bot/cases/solutions.py).
from bot.shared.retyped import RETYPED_WITHIN, as_typed, typed_alike

ROOT_CAUSES = ("product", "process", "marketing", "employee", "customer", "unknown")
REPEAT_WINDOW = timedelta(days=30)
CALLBACK_AT = 3  # the third contact on the same matter is one too many: a senior calls back
SIMILAR_TOPIC = 80  # rapidfuzz token_set_ratio; "refund" and "refund for my damaged box" match
# Matcher.likeness of two topics as the FAQ reads them (stems, chat spellings, its synonyms) at
# which they are one matter: "billed twice" and "charged twice" (0.9), "voucher doesn't work"
# and "discount code not working" (0.7); not "parcel hasn't arrived" and "box arrived
# damaged" (0.4), which share only the common words.
ALIKE_READING = 0.6
CASE_REF = re.compile(r"^\s*(?:c\s*-?\s*)?(\d{1,9})\s*$", re.IGNORECASE)
MAX_NOTE = 3000  # a Slack section holds 3,000 characters; a longer note belongs in the CRM
IMPORT_BATCH = 500  # customers' lines a transaction: some 25 ms of the write lock each


def root_cause_label(cause: str) -> str:
    """A root cause as the close modal and the weekly summary say it ("Product"): no playbook
    names them, so their words."""
    return readable(cause)


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
    # Contacts on the closed cases this one follows (all the way back): the matter's earlier ones
    earlier_contacts: int = 0
    closed_by: str | None = None

    @property
    def ref(self) -> str:
        return f"C-{self.id}"

    @property
    def matter_contacts(self) -> int:
        """Contacts on the matter: this case's and those of the closed cases it follows, the
        count the third-contact rule goes by."""
        return self.contact_count + self.earlier_contacts


@dataclass(frozen=True)
class Contact:
    case: Case
    is_new_case: bool
    contact_number: int
    callback_due: bool  # True on the contact that reaches CALLBACK_AT, never again
    # How the customer was found from what the rep typed (None: a repeat of the request).
    found: How | None = field(default=None, compare=False)
    # How long ago the rep counted this very contact, when they typed /case again (RETYPED_WITHIN)
    earlier: timedelta | None = field(default=None, compare=False)
    # The customer's other open cases, when this contact opened a new case: it may be about
    # one of them after all, worded otherwise (see `move_contact`), the latest contacted first.
    others: tuple[Case, ...] = field(default=(), compare=False)
    # The case this contact opened before the rep moved it here (`move_contact`), now gone.
    moved_from: int | None = field(default=None, compare=False)
    request_key: str | None = field(default=None, compare=False)  # the request that counted it


@dataclass(frozen=True)
class Noted:
    case: Case
    # How long ago the rep added this very note to the case, when they typed it again within
    # RETYPED_WITHIN: nothing was added.
    earlier: timedelta | None = None


@dataclass(frozen=True)
class Candidate:
    """A customer the rep may mean, with their open case if they have one."""

    customer: Customer
    open_case: Case | None


@dataclass(frozen=True)
class CustomerChoice:
    """What /case asks the rep before it goes on: which of `candidates` they mean (or a new
    customer), or, with no candidates, whether to make a new customer of what they typed."""

    request: CaseRequest
    candidates: list[Candidate]
    more: int  # plausible customers not among the candidates: typing more narrows them down
    # An erased customer what they typed names (their CRM id, email or name): a new customer
    # made of it starts with none of their past, so the rep is told before they choose one.
    erased: Erased | None = None


@dataclass(frozen=True)
class CaseChoice:
    """What /case asks the rep when they gave no topic and the customer has several open
    cases: which one the contact is about. Nothing is counted on a guess."""

    request: CaseRequest
    customer: Customer
    cases: list[Case]  # the customer's open cases, the latest contacted first


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    problems: list[str]  # "customers.csv:7: customer_since '31/02/2020' is not a date"


def parse_case_ref(text: str) -> int | None:
    """The case number in "C-1042", "c-1042", "C1042" or "1042"; None for anything else."""
    match = CASE_REF.match(text or "")
    return int(match.group(1)) if match else None


TOPIC_REMOVED = "(topic removed after its retention period)"


def _case(store: Store, row: dict) -> Case:
    customer_id = row["customer_id"]
    row_of_customer = existing(cases_db.customer(store, customer_id), f"customer {customer_id}")
    customer = customer_from_row(row_of_customer)
    count = row.get("contact_count")
    if count is None:
        case_row = existing(cases_db.case_row(store, row["id"]), f"case C-{row['id']}")
        count = case_row["contact_count"]
    # A case's topic is only ever empty once retention removed it (a new case needs one).
    topic = row["topic"] or TOPIC_REMOVED
    follows = row.get("follows")
    return Case(
        row["id"], customer, topic, row["owner_id"], row["status"], row["root_cause"],
        row["opened_at"], row["closed_at"], count, follows, _matter_contacts(store, follows),
        row.get("closed_by"),
    )  # fmt: skip


def get_case(store: Store, case_id: int) -> Case | None:
    row = cases_db.case_row(store, case_id)
    return _case(store, row) if row else None


def earlier_cases(store: Store, case: Case) -> list[Case]:
    """The closed cases on the same matter that `case` follows, the latest first."""
    earlier: list[Case] = []
    case_id = case.follows
    while case_id is not None:
        found = existing(get_case(store, case_id), f"case C-{case_id}")
        earlier.append(found)
        case_id = found.follows
    return earlier


def _same_matter(
    topic: str, other: str, matcher: Matcher, reading: Reading, asked: Callable[[], MatchResult]
) -> float:
    """How surely two topics are one matter: from 1, they are. Alike in their words (typos and
    all), alike as the FAQ reads them (`ALIKE_READING`; `reading` is `topic`'s), or about the
    same FAQ entry ("double charge", "charged two times for my box": `_same_need`); `asked`,
    the FAQ's match of `topic`, is only wanted for the last (matching takes longer than
    reading)."""
    if typed_alike(topic, other):
        return 2.0
    words = fuzz.token_set_ratio(topic.casefold(), other.casefold()) / SIMILAR_TOPIC
    read = Matcher.likeness(reading, matcher.read(other)) / ALIKE_READING
    if max(words, read) >= 1:
        return max(words, read)
    return 1.0 if _same_need(asked(), matcher.match(other)) else 0.0


def _same_need(first: MatchResult, second: MatchResult) -> bool:
    """Whether the FAQ leads both topics to the same entry (the one a reply would be written
    about: an answer, or a suggestion well ahead of the next) and answers one of them outright:
    two guesses alone are not enough to join two cases."""
    one, other = first.leading(), second.leading()
    if one is None or other is None or one.id != other.id:
        return False
    return first.verdict == "answer" or second.verdict == "answer"


def _matter_case(
    store: Store, customer_id: str, topic: str, now: datetime, matcher: Matcher
) -> dict | None:
    """The customer's case on this matter: an open one with the same or a similar topic, or
    any with one in touch within REPEAT_WINDOW; without a topic, their open case (the caller
    asks which when they have several)."""
    since = iso(now - REPEAT_WINDOW)
    reading = matcher.read(topic)  # once, not for each of the customer's cases
    asked = functools.cache(lambda: matcher.match(topic))  # once, if at all
    best, best_score = None, 0.0
    for row in cases_db.customer_cases(store, customer_id):
        if not topic:
            if row["status"] == "open":
                return row
            continue
        if row["status"] != "open" and row["last_contact_at"] < since:
            continue
        score = _same_matter(topic, row["topic"], matcher, reading, asked)
        if score >= 1 and score > best_score:  # the latest first wins a tie
            best, best_score = row, score
    return best


def open_or_find_case(
    store: Store, *, customer_text: str, topic: str | None, user_id: str, request_key: str | None,
    matcher: Matcher,
) -> Contact | CustomerChoice | CaseChoice:  # fmt: skip
    """`/case`: the customer's case on this matter with one more contact counted, or a new
    case, when what the rep typed finds one customer clearly (see `find_customer`); otherwise
    the choice to put to the rep, and nothing is stored. Back about a closed case within the
    window, they get a new case that follows it: the closed one keeps its root cause, and the
    contacts add up, so the third contact on the matter still raises a callback. Without a
    topic, the contact counts on the customer's open case; with several open, the rep is asked
    which (see `CaseChoice`). A retried request (same key) counts nothing twice. `matcher`, the
    FAQ's, reads topics to find the matter (`_same_matter`)."""
    request = CaseRequest.checked(customer_text, topic)
    with store.transaction():
        if request_key and (seen := _seen(store, request_key)):
            return seen
        lookup = find_customer(store, request.customer)
        if (match := lookup.clear) is None:
            return _choice(store, request, lookup)
        return _contact(store, match.customer, request, user_id, request_key, match.how, matcher)


def open_case_for(
    store: Store, *, customer_id: str | None, request: CaseRequest, user_id: str,
    request_key: str | None, matcher: Matcher, shown: Collection[str] = (),
    case_id: int | None = None,
) -> Contact | CustomerChoice | CaseChoice:  # fmt: skip
    """What the rep chose when /case asked: the case of customer `customer_id` as if they had
    typed that customer, or with None a new customer made from what they typed; but when what
    they typed now finds a customer the question did not show (`shown`: someone made them
    meanwhile), the question again, with them. `case_id`, one of the customer's open cases the
    rep chose (see `CaseChoice`), counts the contact on that case; if it was closed meanwhile,
    the request's topic (the case's) finds the matter as typing it would. The key is the /case
    request's, so that whichever button is pressed, and however often, the request counts one
    contact."""
    with store.transaction():
        if request_key and (seen := _seen(store, request_key)):
            return seen
        if customer_id is not None:
            row = cases_db.customer(store, customer_id)
            if row is None:
                raise CaseError("That customer is no longer on file. Type /case again.")
            customer = customer_from_row(row)
            return _contact(
                store, customer, request, user_id, request_key, How.CHOSEN, matcher, case_id
            )
        if not request.topic:
            raise CaseError(_ask_topic(request.customer))
        lookup = find_customer(store, request.customer)
        if any(match.customer.id not in shown for match in lookup.matches):
            return _choice(store, request, lookup)
        name, email = name_and_email(request.customer)
        new_id = cases_db.add_customer(store, name=name, email=email, created_by=user_id)
        customer = customer_from_row(existing(cases_db.customer(store, new_id), new_id))
        return _contact(store, customer, request, user_id, request_key, How.NEW, matcher)


def _seen(store: Store, request_key: str) -> Contact | None:
    """The contact a request already counted, if it did."""
    seen = cases_db.contact_by_request(store, request_key)
    if seen is None:
        return None
    case_id, number, _ = seen
    case, on_matter = _on_matter(store, case_id, number)  # as it was counted: see _contact
    return Contact(case, number == 1, on_matter, on_matter == CALLBACK_AT)


def _on_matter(store: Store, case_id: int, number: int) -> tuple[Case, int]:
    """The case, and the number on its matter of its contact `number`: the closed cases it
    follows counted before its own."""
    case = existing(get_case(store, case_id), f"case C-{case_id}")
    return case, number + case.earlier_contacts


def _ask_topic(customer: str) -> str:
    return (
        f"What is it about? Type the topic after a comma, for example /case {customer}, "
        "parcel late."
    )


def _choice(store: Store, request: CaseRequest, lookup: Lookup) -> CustomerChoice:
    """The question for the rep when what they typed finds no customer for sure."""
    if not lookup.matches and (case_id := _case_typed(request.customer)) is not None:
        raise _typed_a_case(store, case_id, request.customer)
    erased = erased_customer(store, request.customer)
    if not lookup.matches and lookup.looks_like_id:
        if erased is not None:  # a CRM id is never made anew: by name or email, deliberately
            raise CaseError(
                (f"No customer has the id {request.customer} now. To open a case for them all "
                 "the same, as a new customer, type their name or email and the topic, then "
                 "choose Create: ", Code("/case <name>, <topic>"), ". The customer who had this "
                 "id had their data erased"),
                at=erased.at,
            )  # fmt: skip
        raise CaseError(
            f"No customer has the id {request.customer}. Check it, or type their name or email."
        )
    if not lookup.matches and not request.topic:  # a topic typed without its comma, maybe
        known_as = "has the email" if EMAIL.match(request.customer) else "is called"
        raise CaseError(
            f"No customer {known_as} {request.customer}. Type the customer, then a comma and "
            "what it is about, for example /case Maria Lopez, parcel late."
        )
    candidates = [
        Candidate(match.customer, _open_case_of(store, match.customer.id))
        for match in lookup.matches
    ]
    return CustomerChoice(request, candidates, lookup.more, erased)


def _case_typed(customer: str) -> int | None:
    """The case number a rep typed where the customer goes ("/case C-1001 box late again"),
    read as /case, /note and /solve read one that starts with its C."""
    first = customer.split()[0].rstrip(",")
    return parse_case_ref(first) if first[:1].upper() == "C" else None


def _typed_a_case(store: Store, case_id: int, customer: str) -> CaseError:
    """What to type instead of a case where the customer goes: the customer and the topic to
    count a contact on it, or /note to add to it."""
    case = get_case(store, case_id)
    if case is None:
        if cases_db.merged_into(store, case_id) is not None:
            return no_case(store, case_id)
        return CaseError(
            f"No customer has the id {customer}, and there is no case C-{case_id} either. Check "
            "it, or type the customer's name or email."
        )
    whose = "<customer>" if case.customer.erased else case.customer.id
    if case.status != "open":
        return CaseError(
            (f"{case.ref} is a case, not a customer, and it is closed. If its customer is back "
             "about it, ", Code(f"/case {whose}, <topic>"), " opens a new case that follows it.")
        )  # fmt: skip
    return CaseError(
        (f"{case.ref} is a case, not a customer. To count this contact on it, type its "
         "customer, a comma and the topic: ", Code(f"/case {whose}, <topic>"), "; to add a note "
         "to it: ", Code(f"/note {case.ref} <note>"), ".")
    )  # fmt: skip


def _open_case_of(store: Store, customer_id: str) -> Case | None:
    """The customer's latest open case, if any."""
    rows = cases_db.customer_cases(store, customer_id)  # the latest first
    row = next((row for row in rows if row["status"] == "open"), None)
    return _case(store, row) if row else None


def _open_cases_of(store: Store, customer_id: str) -> list[Case]:
    """The customer's open cases, the latest contacted first."""
    rows = cases_db.customer_cases(store, customer_id)
    return [_case(store, row) for row in rows if row["status"] == "open"]


def _contact(
    store: Store, customer: Customer, request: CaseRequest, user_id: str,
    request_key: str | None, found: How, matcher: Matcher, chosen: int | None = None,
) -> Contact | CaseChoice:  # fmt: skip
    """One more contact from `customer` about the request's topic (inside the caller's
    transaction): on the open case `chosen` when the rep chose one; without a topic, on their
    open case, or the question which one when they have several. Nothing more when it is the
    rep's own contact there, just counted (`_retyped`)."""
    now = store.clock.now()
    topic = request.topic
    row = _chosen_case(store, customer.id, chosen)
    # The case the rep chose names itself, as no topic names the customer's one open case: the
    # same rep choosing it again at once (the question asked anew) counts nothing more either.
    named = "" if row is not None else topic
    if row is None:
        if not topic and len(open_cases := _open_cases_of(store, customer.id)) > 1:
            return CaseChoice(request, customer, open_cases)
        row = _matter_case(store, customer.id, topic, now, matcher)
        if row is None and not topic:
            raise CaseError(f"{customer.name} has no open case. {_ask_topic(customer.name)}")
    if row is not None and (retyped := _retyped(store, row, named, user_id, now)):
        number, earlier, counted_by = retyped
        case, on_matter = _on_matter(store, row["id"], number)
        # A case chosen from all the customer's open ones is not asked about them again.
        others = _others_open(store, case, number == 1 and chosen is None)
        # The request that counted it: "Add to C-1001 instead" moves that contact.
        return Contact(
            case, number == 1, on_matter, False, found, earlier, others, None, counted_by
        )
    if row is None:
        case_id = cases_db.insert_case(store, customer.id, topic, user_id)
    elif row["status"] == "closed":  # a new case that follows the closed one on this matter
        case_id = cases_db.insert_case(
            store, customer.id, topic or row["topic"], user_id, follows=row["id"]
        )
        audit.append(
            store.db, actor=user_id, action="case.followed", subject=f"C-{case_id}",
            details={"follows": f"C-{row['id']}"}, at=iso(now), customer=customer.ref,
        )  # fmt: skip
    else:
        case_id = row["id"]
    # The matter's contacts so far: this case's, and those of the closed ones it follows.
    own = cases_db.add_contact(store, case_id, user_id, request_key, as_typed(topic))
    case, number = _on_matter(store, case_id, own)
    others = _others_open(store, case, own == 1)
    return Contact(
        case, own == 1, number, number == CALLBACK_AT, found, others=others,
        request_key=request_key,
    )  # fmt: skip


def _others_open(store: Store, case: Case, opened: bool) -> tuple[Case, ...]:
    """The customer's other open cases, when `case` was just opened on a matter of its own
    (it follows no closed case): the contact may be about one of them, worded otherwise."""
    if not opened or case.follows is not None:
        return ()
    return tuple(other for other in _open_cases_of(store, case.customer.id) if other.id != case.id)


def move_contact(store: Store, *, opened: int, to: int, user_id: str, request_key: str) -> Contact:
    """The contact of request `request_key`, which opened case `opened`, counted on the
    customer's open case `to` instead, and `opened` gone: the rep says it was about `to`
    (see `Contact.others`). Done once: asked again, it says when the contact was moved. Only
    a case with nothing on it but that contact goes; one with a note, a solution, a promise,
    a redirect or a draft stays, for the rep to close."""
    with store.transaction():
        now = store.clock.now()
        counted = cases_db.contact_by_request(store, request_key)
        if counted is not None and counted[0] == to:
            case, on_matter = _on_matter(store, to, counted[1])
            at = datetime.fromisoformat(counted[2])
            return Contact(case, False, on_matter, False, None, now - at, moved_from=opened)
        case = _existing_case(store, to)
        if case.status != "open":  # closed meanwhile: the contact stays where it was counted
            raise CaseError(
                f"C-{opened} stays open as it is, with this contact: {case.ref} was closed",
                by=case.closed_by, at=datetime.fromisoformat(case.closed_at or iso(now)),
            )  # fmt: skip
        new = get_case(store, opened)
        if counted is None or counted[0] != opened or new is None:
            raise CaseError(f"That contact is no longer on C-{opened}. Type /case again.")
        if new.customer.id != case.customer.id:
            raise CaseError(f"{case.ref} is another customer's case.")
        if (
            new.contact_count > 1
            or _holds_more(store, opened)
            or not cases_db.remove_case(store, opened)
        ):
            raise CaseError(
                f"C-{opened} has more on it now than this contact, so it stays. Add a note on "
                f"{case.ref} if it is the same matter, and close C-{opened}."
            )
        # in the words that opened `opened`: typed again at once, they are this contact still
        own = cases_db.add_contact(store, to, user_id, request_key, as_typed(new.topic))
        audit.append(
            store.db, actor=user_id, action="contact.moved", subject=case.ref,
            details={"from": f"C-{opened}"}, at=iso(now), customer=case.customer.ref,
        )  # fmt: skip
        case, number = _on_matter(store, to, own)
        return Contact(case, False, number, number == CALLBACK_AT, None, moved_from=opened)


def _holds_more(store: Store, case_id: int) -> bool:
    """Whether anything but its contacts refers to the case: a note, a solution, a draft (a
    promise or a redirect, the database itself refuses to lose: see `cases_db.remove_case`)."""
    return bool(
        cases_db.case_notes(store, case_id)
        or cases_db.case_solutions(store, case_id)
        or case_drafts(store, [case_id])
    )


def _chosen_case(store: Store, customer_id: str, case_id: int | None) -> dict | None:
    """The row of the case the rep chose, while it is the customer's and open."""
    row = cases_db.case_row(store, case_id) if case_id is not None else None
    if row is None or row["customer_id"] != customer_id or row["status"] != "open":
        return None
    return row


def _retyped(
    store: Store, row: dict, topic: str, user_id: str, now: datetime
) -> tuple[int, timedelta, str | None] | None:
    """The number of the rep's latest contact on the open case `row`, how long ago they counted
    it and the request that did, when this /case is that one typed again: by the same rep within
    RETYPED_WITHIN, with the words of that contact or the case's own topic (`typed_alike`), or
    with none (`/case BX-10002`, which names the customer's one open case, or the case the rep
    chose of several). Other words are another contact: "double charge" after "charged twice
    for one box" may be the customer back; "double charge" again at once is that one."""
    if row["status"] != "open":
        return None
    latest = cases_db.latest_contact_by(store, row["id"], user_id, as_typed(topic))
    if latest is None:
        return None
    number, counted_at, counted_by, same_words = latest
    if topic and not (same_words or typed_alike(topic, row["topic"])):
        return None
    earlier = now - datetime.fromisoformat(counted_at)
    return (number, earlier, counted_by) if earlier <= RETYPED_WITHIN else None


def _matter_contacts(store: Store, case_id: int | None) -> int:
    """Contacts on a case and on the closed cases it follows (none for no case)."""
    total = 0
    while case_id is not None:
        row = existing(cases_db.case_row(store, case_id), f"case C-{case_id}")
        total += row["contact_count"]
        case_id = row.get("follows")
    return total


def no_case(store: Store, case_id: int) -> CaseError:
    """What a rep is told of a case number that is no case: one merged into another (its one
    contact moved there: `move_contact`) says which, any other to check the number."""
    merged = cases_db.merged_into(store, case_id)
    if merged is not None:
        return CaseError(
            (f"C-{case_id} was merged into C-{merged}: its contact was counted there instead. ",
             Code(f"/case C-{merged}"), " shows it.")
        )  # fmt: skip
    return CaseError(f"There is no case C-{case_id}. Check the number, or open one with /case.")


def _existing_case(store: Store, case_id: int) -> Case:
    """The case; CaseError with words for the rep when there is none (`no_case`)."""
    case = get_case(store, case_id)
    if case is None:
        raise no_case(store, case_id)
    return case


def open_case(store: Store, case_id: int) -> Case:
    """The case, if it is open; CaseError with words for the rep if not."""
    case = _existing_case(store, case_id)
    if case.status != "open":
        raise CaseError(
            f"{case.ref} is closed. Open a new case with /case if the customer needs more."
        )
    return case


def add_note(store: Store, case_id: int, user_id: str, text: str, request_key: str | None) -> Noted:
    """Add the rep's note to an open case, unless they added the same words to it within
    RETYPED_WITHIN: looked for in the same write transaction, so of two at once one is added."""
    text = text.strip()
    if not text:
        raise CaseError("The note is empty: type it after the case number.")
    if not has_words(text):
        raise CaseError(
            ("There are no words in that note (only emoji or symbols). Type what the next person "
             "should know after the case number, like ",
             Code(f"/note C-{case_id} customer prefers email"), ".")
        )  # fmt: skip
    if len(text) > MAX_NOTE:
        raise CaseError(f"That note is {len(text)} characters; keep it under {MAX_NOTE}.")
    with store.transaction():
        case = open_case(store, case_id)
        now = store.clock.now()
        noted_at = cases_db.noted_since(store, case_id, user_id, text, iso(now - RETYPED_WITHIN))
        if noted_at is not None:
            return Noted(case, now - datetime.fromisoformat(noted_at))
        cases_db.add_case_note(store, case_id, user_id, text, request_key)
    return Noted(case)


def close_case(store: Store, case_id: int, user_id: str, root_cause: str) -> Case:
    """Close an open case with its root cause, which the weekly summary reports. Only that:
    bot.followups.closing closes a case with what is still open on it."""
    cause = (root_cause or "").strip().lower()
    if cause not in ROOT_CAUSES:
        raise CaseError(f"Choose a root cause: {', '.join(ROOT_CAUSES)}.")
    with store.transaction() as db:
        open_case(store, case_id)
        cases_db.close_case(store, case_id, user_id, cause)
        audit.append(
            db, actor=user_id, action="case.closed", subject=f"C-{case_id}",
            details={"root_cause": cause}, at=store.now(),
            customer=audit.customer_of_case(store, case_id),
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


def _import_line(
    store: Store, row: dict[str, str], name: str, line: int, today: date, seen: dict[str, int]
) -> tuple[str | None, list[str]]:
    """Line `line` of the CRM export `name` saved: "added" or "updated", or None with what is
    wrong with it (`seen`: the ids of the lines before it, and where)."""
    if not any(cell.strip() for cell in row.values()):
        return None, []
    where = f"{name}:{line}"
    cleaned, problems = _clean_row(row, line, name, today)
    if cleaned and cleaned["id"] in seen:
        problems = [f"{where}: id {cleaned['id']} is also on line {seen[cleaned['id']]}"]
    if problems or cleaned is None:  # no row comes with its problems
        return None, problems
    seen[cleaned["id"]] = line
    erased = cases_db.erased_as(store, cleaned["id"])
    if erased is not None:  # at their request: the CRM's copy must not bring it back
        return None, [f"{where}: {cleaned['id']} was erased on {erased[1][:10]}: skipped"]
    return cases_db.save_customer(store, cleaned), []


def import_customers(store: Store, csv_path: str | Path) -> ImportResult:
    """Add or update customers from the CRM's export (columns id, name, email, customer_since,
    tier; a header "Customer since" counts too). Good lines are imported, bad ones are named
    by line; raises OSError when the file cannot be read. Written `IMPORT_BATCH` lines to a
    transaction: a night's CRM export of 100,000 customers in one would hold the write lock
    for seconds, while every rep's /faq waits on it past the 3 seconds Slack gives; a line
    imported twice (an import run again after a crash) is the same customer updated."""
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
        seen: dict[str, int] = {}  # id -> the line it was on
        lines = ((reader.line_num, cells) for cells in reader)
        while batch := list(itertools.islice(lines, IMPORT_BATCH)):
            with store.transaction():
                for line, cells in batch:
                    row = dict(zip(columns, cells, strict=False))
                    outcome, said = _import_line(store, row, name, line, today, seen)
                    problems += said
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
