"""Customers, and finding the one a rep means from what they typed after /case: a CRM id, an
email, or a name typed whole, in part (a first name or surname alone, the start of one) or
with a typo. One clear match is the customer; several plausible ones are for the rep to choose
from; none, and the rep confirms before a new customer is made.

What the rep typed is read here too: the customer, then the topic, with a comma between them,
or without one when the customer is a CRM id or an email."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.cases import queries as cases_db
from bot.shared.db import Store
from bot.shared.refusal import Refusal

CSV_COLUMNS = ("id", "name", "email", "customer_since", "tier")  # the CRM export's
MAX_NAME = 100  # characters: longer is not a name, most likely a topic without its comma
MAX_TOPIC = 300  # characters: a topic is a line; the details go in notes
_ADDRESS = r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+"  # no brackets: they are around it
EMAIL = re.compile(rf"^{_ADDRESS}$")
# A name with its address, as an e-mail program shows a sender: "José Núñez <jose@example.com>",
# "Núñez, José (jose@example.com)", or the address alone in brackets; what a rep copies from
# the customer's message.
_NAMED_ADDRESS = re.compile(rf"^(?P<name>[^<>()@]*?)\s*[<(](?P<email>{_ADDRESS})[>)]")
# What a CRM id looks like when it is not (yet) in the customers table: letters, a dash,
# digits ("BX-10001", "CUS-77"). Any id the table holds is recognised as it is.
ID_SHAPE = re.compile(r"^[^\W\d_]+-\d+$")
# What Slack makes of a mention, a channel or a link, as typed or as delivered (decoded at
# the edge: "<!channel>" arrives as "@channel"): never a customer, and a customer made of it
# would be junk on file. "<jo@example.com>", an address in brackets, is not one of them.
_SLACK_MARKUP = re.compile(r"<(?P<kind>[@#!]|(?:https?|ftp|mailto):)[^<>]*>", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|\s)@\S")
_CHANNEL = re.compile(r"(?:^|\s)#[^\W\d_]")
_LINK = re.compile(r"\b(?:https?|ftp)://|\bwww\.\S", re.IGNORECASE)
# Matching a name, word by word: each word typed must be a word of the name (100), the start
# of one (PREFIX), or one with a typo (rapidfuzz ratio, at least TYPO).
PREFIX = 95
TYPO = 80
CLEAR = 92  # a customer found alone with a score this high is the one; lower, the rep confirms
CLOSE = 10  # customers this near the best score are as plausible as it: the rep chooses
CHOICES = 5  # plausible customers put to the rep at most; typing more narrows them down
_WORDS = re.compile(r"[\s\-'’.,]+")  # between the words of a name ("Mary-Jane O'Neil")
# Latin letters with accents as their base letters, so that "jose nunez" finds "José Núñez": a
# table for str.translate, which runs in C over every name on file.
_UNACCENTED = {
    code: "".join(
        c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c)
    )
    for code in range(0xC0, 0x250)
    if unicodedata.normalize("NFKD", chr(code)) != chr(code)
}


class CaseError(Refusal):
    """Something a rep asked that cannot be done; the message says why, in their words."""


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str | None
    customer_since: date | None  # None: we do not know (a customer a rep typed in)
    tier: str | None
    ref: str | None = None  # what the audit log names them by (see bot/shared/chain.py)
    erased: bool = False  # at their request: only their reference and tier are left

    def tenure_years(self, today: date) -> float | None:
        if self.customer_since is None:
            return None
        return max((today - self.customer_since).days, 0) / 365.25


def customer_from_row(row: dict) -> Customer:
    since = date.fromisoformat(row["customer_since"]) if row["customer_since"] else None
    return Customer(
        row["id"], row["name"], row["email"], since, row["tier"], row.get("ref"),
        bool(row.get("erased_at")),
    )  # fmt: skip


@dataclass(frozen=True)
class CaseRequest:
    """What a rep asked /case for: the customer as typed (a name, an email or a CRM id) and
    the topic ("" when they gave none)."""

    customer: str
    topic: str

    @classmethod
    def checked(cls, customer: str, topic: str | None) -> CaseRequest:
        """The request with its spaces tidied, or CaseError when a part is missing or too
        long to be what it should be."""
        customer, topic = " ".join(customer.split()), " ".join((topic or "").split())
        if not customer:
            raise CaseError("Who is the customer? Type their name, email or customer id.")
        refuse_slack_reference(
            customer,
            "Type the customer's name, email or customer id, then a comma and the topic, for "
            "example /case Maria Lopez, parcel late.",
        )
        if len(customer) > MAX_NAME:
            raise CaseError(
                f"A customer's name can be at most {MAX_NAME} characters, and this one has "
                f"{len(customer):,}. Type the name, email or customer id, then a comma and the "
                "topic, for example /case Maria Lopez, parcel late."
            )
        if len(topic) > MAX_TOPIC:
            raise CaseError(
                f"A topic can be at most {MAX_TOPIC} characters, and this one has {len(topic):,}. "
                "Say it in a line (parcel late, charged twice) and add the details with /note "
                "once the case is open."
            )
        if topic and not any(character.isalnum() for character in topic):
            raise CaseError(
                f"“{topic}” says nothing of what it is about. Type the customer, a comma and the "
                f"topic in a few words, for example /case {customer}, parcel late."
            )
        return cls(customer, topic)


def refuse_slack_reference(typed: str, what_to_type: str) -> None:
    """CaseError, saying `what_to_type` instead, when what was typed for a customer holds a
    Slack mention, channel or link: the one check of every way a customer is looked up (/case,
    /customer, the CLI), which never finds one, nor makes one, of it."""
    if (slack := _slack_reference(typed)) is not None:
        raise CaseError(f"That is {slack}, not a customer. {what_to_type}")


def _slack_reference(typed: str) -> str | None:
    """What Slack thing `typed` holds ("a Slack mention"), when it holds a mention, a channel
    or a link instead of (or beside) a customer; None when it holds none."""
    markup = _SLACK_MARKUP.search(typed)
    kind = markup["kind"].lower() if markup else ""
    if kind in ("@", "!") or _MENTION.search(typed):  # a person, a group, @channel, @here
        return "a Slack mention"
    if kind == "#" or _CHANNEL.search(typed):
        return "a Slack channel"
    if markup or _LINK.search(typed):
        return "a link"
    return None


def read_case_request(store: Store, text: str) -> CaseRequest:
    """What a rep typed after /case: "customer, topic"; or, without a comma, a CRM id, an
    email or a name with its address and then the topic ("BX-10001 double charge",
    "maria@example.com refund please", "Maria Lopez <maria@example.com> refund please")."""
    text = " ".join(text.split())
    if match := _NAMED_ADDRESS.match(text):
        customer = match[0] if match["name"] else match["email"]  # "<jo@example.com>": the address
        return CaseRequest.checked(customer, text[match.end() :].strip().removeprefix(","))
    token = text.split(" ", 1)[0].split(",", 1)[0]
    if EMAIL.match(token) or ID_SHAPE.match(token) or cases_db.customers_by_id(store, token):
        return CaseRequest.checked(token, text[len(token) :].strip().removeprefix(","))
    customer, _, topic = text.partition(",")
    return CaseRequest.checked(customer, topic)


class How(StrEnum):
    """How a customer was found from what the rep typed."""

    ID = "id"
    EMAIL = "email"
    NAME = "name"  # the whole name, as it is spelt
    PARTIAL = "partial"  # part of the name: a first name, a surname, the start of one
    TYPO = "typo"  # a name spelt a little differently
    CHOSEN = "chosen"  # the rep chose them among several
    NEW = "new"  # nobody matched; the rep confirmed a new customer
    CASE = "case"  # by one of their cases' ids (a data request may name them so)

    @property
    def guessed(self) -> bool:
        """Found by a name like the one typed, not by what was typed itself: it may be someone
        else, which whoever acts on it for good (an erasure) checks first."""
        return self in (How.PARTIAL, How.TYPO)


@dataclass(frozen=True)
class Match:
    customer: Customer
    how: How
    score: float  # 0 to 100


@dataclass(frozen=True)
class Lookup:
    """Who the typed text may be: `matches` are the plausible customers, best first, and
    `more` says how many more there are."""

    typed: str
    matches: list[Match]
    more: int = 0

    @property
    def clear(self) -> Match | None:
        """The customer, when exactly one is plausible and sure enough to go ahead with."""
        if len(self.matches) == 1 and not self.more and self.matches[0].score >= CLEAR:
            return self.matches[0]
        return None

    @property
    def looks_like_id(self) -> bool:
        """Typed as a CRM id, which is looked up as it is and never as a name."""
        return bool(ID_SHAPE.match(self.typed))


def name_and_email(typed: str) -> tuple[str, str | None]:
    """The name and the e-mail address in what a rep typed: an address alone is both, a name
    with its address (see `_NAMED_ADDRESS`) is split, anything else is a name."""
    typed = " ".join(typed.split())
    if EMAIL.match(typed):
        return typed, typed
    if (match := _NAMED_ADDRESS.match(typed)) and match.end() == len(typed):
        return match["name"] or match["email"], match["email"]
    return typed, None


@dataclass(frozen=True)
class Erased:
    """An erased customer that what a rep typed names, as far as repbot can still tell: by the
    keyed hashes an erasure keeps of their CRM id and email (so that the CRM's next export does
    not bring them back). Of their name it keeps nothing, not even a hash: a name is guessed
    from its hash in a moment."""

    ref: str  # their random reference, the name they go by from then on
    at: datetime  # when they were erased
    by: str  # what of theirs was typed: "id" or "email"


def erased_customer(store: Store, typed: str) -> Erased | None:
    """The erased customer whose CRM id or email is `typed`."""
    _, email = name_and_email(typed)
    by, identifier = ("email", email) if email is not None else ("id", typed)
    if (found := cases_db.erased_as(store, identifier)) is not None:
        return Erased(found[0], datetime.fromisoformat(found[1]), by)
    return None


def find_customer(store: Store, typed: str) -> Lookup:
    """The customers the rep may mean: by CRM id (ignoring case), by email, else by name:
    the whole name, then its parts and typos, keeping those close to the best. A name with an
    address on file by neither is looked up by the name, but never found for sure: another
    address may be another person, so the rep chooses."""
    typed = " ".join(typed.split())
    if not typed:
        return Lookup(typed, [])
    by_id = cases_db.customers_by_id(store, typed)
    if by_id:
        return Lookup(typed, [Match(customer_from_row(row), How.ID, 100) for row in by_id])
    name, email = name_and_email(typed)
    if email is not None:
        rows = cases_db.customers_by_email(store, email)
        if rows or name == email:
            return Lookup(typed, [Match(customer_from_row(row), How.EMAIL, 100) for row in rows])
        by_name = _by_name(store, name)
        unsure = [replace(m, score=min(m.score, CLEAR - 1)) for m in by_name.matches]
        return Lookup(typed, unsure, by_name.more)
    if ID_SHAPE.match(typed):
        return Lookup(typed, [])
    return _by_name(store, typed)


def _folded(text: str) -> str:
    """A name as it is compared: case and accents aside."""
    return text.casefold().translate(_UNACCENTED)


def _words(text: str) -> list[str]:
    return [word for word in _WORDS.split(_folded(text)) if word]


def _word_score(typed: str, word: str, beside_others: bool) -> float:
    """How well one typed word matches one word of a name: the word, its start (three letters
    at least, or any, down to an initial, beside other words), a typo."""
    if typed == word:
        return 100
    if word.startswith(typed) and (len(typed) >= 3 or beside_others):
        return PREFIX
    if len(typed) >= 4:
        return fuzz.ratio(typed, word, score_cutoff=TYPO)
    return 0


def _name_match(typed: str, name: str) -> tuple[How, float] | None:
    """How a name matches what was typed, word by word, with a score; None when a typed word
    matches no word of the name."""
    typed_words, name_words = _words(typed), _words(name)
    if not typed_words or not name_words:
        return None
    if sorted(typed_words) == sorted(name_words):  # in any order: "Holloway Margaret"
        return How.NAME, 100
    beside_others = len(typed_words) > 1  # "m holloway": a lone letter is an initial
    scores = []
    for word in typed_words:
        best = max(_word_score(word, other, beside_others) for other in name_words)
        if not best:
            return None
        scores.append(best)
    how = How.PARTIAL if min(scores) >= PREFIX else How.TYPO
    return how, sum(scores) / len(scores)


def _by_name(store: Store, typed: str) -> Lookup:
    names = cases_db.customer_names(store)  # {id: name}
    # rapidfuzz (in C) narrows the field to names with something like the longest word typed;
    # each of those is then scored word by word. Accents aside: the names that have any are
    # folded first, the rest go as they are (folding every name in Python per /case took
    # 75 ms at 100,000 customers instead of 27; this, 38).
    plain = {
        key: name if name.isascii() else name.translate(_UNACCENTED) for key, name in names.items()
    }
    longest = max(_words(typed) or [typed], key=len)
    near = process.extract(
        longest, plain, scorer=fuzz.partial_ratio, processor=str.casefold,
        score_cutoff=TYPO - 20, limit=None,
    )  # fmt: skip
    scored = []
    for name, _, customer_id in near:
        found = _name_match(typed, name)
        if found:
            scored.append((found, customer_id))
    whole = [customer_id for (how, _), customer_id in scored if how == How.NAME]
    if whole:  # the name as typed: nobody else is meant
        scored = [((How.NAME, 100.0), customer_id) for customer_id in whole]
    best = max((score for (_, score), _ in scored), default=0)
    plausible = sorted(
        (item for item in scored if item[0][1] >= best - CLOSE),
        key=lambda item: (-item[0][1], names[item[1]].casefold(), item[1]),
    )
    shown = plausible[:CHOICES]
    rows = cases_db.customers_by_ids(store, [customer_id for _, customer_id in shown])
    matches = [
        Match(customer_from_row(rows[customer_id]), how, score)
        for (how, score), customer_id in shown
    ]
    return Lookup(typed, matches, len(plausible) - len(shown))
