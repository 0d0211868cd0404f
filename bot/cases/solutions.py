"""Authorized solutions: what the playbook lets each role grant (playbooks/solutions.yaml),
proposals that are authorized at once inside the rep's limits or wait for a lead, and
decisions that the server checks on every click.

Every proposal and decision is one transaction with its audit row, keyed by the Slack request
so that a retry returns the first answer and writes nothing twice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BeforeValidator, Field

from bot.cases import audit
from bot.cases import queries as cases_db
from bot.cases.customers import Customer
from bot.cases.service import get_case, open_case
from bot.shared.clock import iso
from bot.shared.content import (
    Problem,
    Shape,
    Text,
    check_shape,
    item_nodes,
    line_at,
    line_of,
    load_shape,
)
from bot.shared.db import Store, existing
from bot.shared.english import has_words
from bot.shared.refusal import Refusal
from bot.shared.retyped import RETYPED_WITHIN, typed_alike
from bot.shared.roles import RANKS, Roles

FILE_NAME = "solutions.yaml"
LIMIT_WINDOW = timedelta(days=30)  # per-customer limits add up what was granted in this window
GRANTED = ("authorized", "approved")  # the statuses of a solution the customer gets
MESSAGE_PLACEHOLDERS = {
    "pending": {"what"},
    "denied": {"alternatives", "decider"},
    "denied_no_alternatives": {"decider"},
}
# After a denial with nothing else inside the rep's authority, for a playbook that does not
# say: a can-do line the rep completes, rather than offers they would need approval for.
NO_ALTERNATIVES = (
    "I've gone through this with {decider}, and what I can do for you now is [what you can do]."
)
# What to do about a solution over the most anyone may grant in one.
LARGER = (
    "A larger amount needs a change to the playbook, which team leads make; choose a smaller "
    "amount or another solution."
)
# A reason of emoji or symbols alone ("😀") tells the approver, the rep and the log nothing.
NO_WORDS = "There are no words in that reason (only emoji or symbols)."
# Who decided a denial, as the rep says it to the customer ({decider}).
DECIDERS = {"senior": "a senior colleague", "lead": "my team lead", "manager": "my manager"}
TYPE_PLACEHOLDERS = {"amount"}
OTHER_UNITS = {"months": ("month", "months", "mo")}  # units that are not money, and their words
ID = re.compile(r"^[a-z][a-z0-9_]*$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY"}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# An optional sign and currency mark around a number: "£20", "-20", "20.50 GBP", "1,000".
AMOUNT = re.compile(
    r"^(?P<sign>[-−+]?)\s*(?P<before>[^\d\s.,+−-]*)\s*(?P<sign2>[-−+]?)\s*"
    r"(?P<number>[\d.,]*\d[\d.,]*)\s*(?P<after>[^\d\s]*)$"
)
NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# A decimal comma, as reps in Lisbon or Berlin type it: one comma, then exactly two digits and
# nothing else ("12,50"). "1,000" stays a thousand and "1,5" is refused: either could be meant.
DECIMAL_COMMA = re.compile(r"^\d+,\d{2}$")
ONE_DECIMAL_COMMA = re.compile(r"^(\d+),(\d)$")


class SolutionError(Refusal):
    """A proposal or decision that cannot go ahead; the message is for the person in Slack,
    `field` names the modal input it is about: "type", "amount" or "reason"."""

    def __init__(self, message: str, field: str = "amount"):
        super().__init__(message)
        self.field = field


class DeniedBefore(SolutionError):
    """A solution inside the rep's authority of a type just denied on the case (`denied`, the
    latest such denial): granted at once, it would undo the decider's word unseen. Nothing is
    stored; proposed again with `over_denial` set to its id, it goes ahead."""

    def __init__(self, denied: SolutionRecord, what: str):
        super().__init__(
            f"{what} on C-{denied.case_id} was denied ({denied.ref}): "
            f"{denied.decision_reason or 'no reason given'}. Propose it again to grant it anyway; "
            "whoever denied it is told.",
            "type",
        )
        self.denied = denied


@dataclass(frozen=True)
class SolutionType:
    id: str
    label: str
    has_amount: bool
    unit: str | None  # the currency, "months", or None for a solution without an amount
    new_customers_only: bool
    loyalty_equivalent: str | None
    situations: tuple[str, ...]
    max_amount: Decimal | None = None  # the most in one solution
    offer: str = ""  # customer words, with {amount}
    message: str = ""  # customer words once granted, with {amount}
    source: str = ""  # "file:line"

    @property
    def noun(self) -> str:
        """The label inside a sentence: "fee waiver", "account credit"."""
        return self.label[:1].lower() + self.label[1:]


Limit = tuple[Decimal | None, Decimal]  # (most per solution, most per customer in 30 days)


@dataclass(frozen=True)
class SolutionPolicy:
    currency: str = "GBP"
    types: tuple[SolutionType, ...] = ()
    # type id -> role -> limit, every role filled in (None: no authority at all); for a type
    # without amount the per-solution limit is None and the other counts solutions.
    limits: dict[str, dict[str, Limit | None]] = field(default_factory=dict)
    new_customer_days: int = 90
    max_amount: Decimal = Decimal(500)
    messages: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def type(self, type_id: str | None) -> SolutionType | None:
        return next((t for t in self.types if t.id == type_id), None)


@dataclass(frozen=True)
class SolutionRecord:
    id: int
    case_id: int
    type: str
    amount: Decimal | None
    reason: str
    requested_by: str
    status: str  # "authorized", "pending", "approved", "denied" or "withdrawn"
    decided_by: str | None  # for a withdrawn one: who closed its case
    decided_at: str | None
    decision_reason: str | None
    created_at: str
    situation: str = ""
    needs_role: str | None = None  # for a pending one: the lowest role that may decide it

    @property
    def ref(self) -> str:
        return f"S-{self.id}"


@dataclass(frozen=True)
class Proposal:
    solution: SolutionRecord
    authorized_now: bool
    needs_role: str | None
    customer_message: str
    # This was already asked for: `solution` is that request (still waiting for a decision on
    # the case, or authorized for the same rep a moment ago: see `propose`), and nothing was
    # stored or is to be sent for this one.
    already_asked: bool = False
    # The same solution (type and amount) already granted on the case, each time it was, the
    # earliest first: whoever decides this one sees them, so that nobody pays twice by mistake.
    granted_before: tuple[SolutionRecord, ...] = ()
    # The denial of this type on the case that the rep saw and granted this one past
    # (`propose`'s over_denial): whoever decided it is to be told.
    over_denial: SolutionRecord | None = None


@dataclass(frozen=True)
class Decision:
    outcome: str  # "approved", "denied", "already_decided" or "refused"
    solution: SolutionRecord
    decided_by: str | None
    message: str  # for the person who clicked
    customer_message: str | None = None  # for the rep to pass on, after approved or denied


# Loading and checking the policy.


def _number(value: object) -> Decimal | None:
    """A YAML number as Decimal; None for anything else (true is an int to Python)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _positive(value: object) -> Decimal:
    number = _number(value)
    if number is None or number <= 0:
        raise ValueError(f"{value!r} is not a positive number")
    return number


def _type_id(value: str) -> str:
    if not ID.match(value):
        raise ValueError("use one lower-case word (letters, digits and _)")
    return value


def _currency(value: str) -> str:
    if not CURRENCY.match(value):
        raise ValueError(f"{value!r} is not a code like GBP")
    return value


Positive = Annotated[Decimal, BeforeValidator(_positive)]


class MessagesShape(Shape):
    pending: Text
    denied: Text
    denied_no_alternatives: Text = NO_ALTERNATIVES


# What each role may grant is a pair or a count, as the type's unit says: checked in _limits.
class LimitsShape(Shape, title="role"):
    rep: object = None
    senior: object = None
    lead: object = None
    manager: object = None


class TypeShape(Shape):
    id: Annotated[str, AfterValidator(_type_id)]
    label: Text
    unit: str | None = None
    max: Positive | None = None
    situations: list[str] = Field(description="a list of situation ids (see situations.yaml)")
    limits: LimitsShape
    new_customers_only: bool = False
    loyalty_equivalent: str | None = None
    offer: Text
    message: Text


# Unknown keys at the top are only a warning. Each type is checked on its own: a bad one is
# left out and the others still load.
class PolicyFile(Shape, extra="allow"):
    currency: Annotated[str, AfterValidator(_currency)]
    max_amount: Positive
    new_customer_days: int = Field(ge=0, description="a whole number of days")
    messages: MessagesShape
    types: list[object] = Field(min_length=1, description="a list of types")


def _check_placeholders(text: str, allowed: set[str], where: str, line: int, name: str,
                        problems: list[Problem]) -> None:  # fmt: skip
    for placeholder in PLACEHOLDER.findall(text):
        if placeholder not in allowed:
            known = ", ".join("{" + p + "}" for p in sorted(allowed))
            problems.append(Problem(name, line, f"{where}: unknown {{{placeholder}}} ({known})"))


def _limits(raw: LimitsShape, counted: bool, type_id: str, node: yaml.Node, name: str,
            problems: list[Problem]) -> dict[str, Limit | None]:  # fmt: skip
    """Per-role limits of one type; a role left out inherits from the role below it."""
    given: dict[str, Limit] = {}
    for role in RANKS:
        value = getattr(raw, role)
        role_line = line_at(node, ("limits", role))
        if value is None:
            continue
        if counted:
            count = _number(value)
            if count is None or count < 0 or count != int(count):
                message = f"{type_id}: {role}: expected how many per customer in 30 days"
                problems.append(Problem(name, role_line, message))
                continue
            given[role] = (None, count)
            continue
        numbers = [_number(v) for v in value] if isinstance(value, list) else []
        pair = [number for number in numbers if number is not None]
        if len(numbers) != 2 or len(pair) != 2 or min(pair) <= 0:
            message = f"{type_id}: {role}: expected [most per solution, most per customer]"
            problems.append(Problem(name, role_line, f"{message}, two positive numbers"))
            continue
        if pair[0] > pair[1]:
            message = f"{type_id}: {role}: one solution ({pair[0]}) is more than 30 days' worth"
            problems.append(Problem(name, role_line, f"{message} ({pair[1]})"))
            continue
        given[role] = (pair[0], pair[1])
    limits: dict[str, Limit | None] = {}
    below: tuple[str, Limit] | None = None
    for role in RANKS:
        if role in given and below is not None:
            lower_role, lower = below
            if any(
                a is not None and b is not None and a < b
                for a, b in zip(given[role], lower, strict=True)
            ):
                message = f"{type_id}: {role} may grant less than {lower_role}"
                problems.append(Problem(name, line_at(node, ("limits", role)), message))
        if role in given:
            below = (role, given[role])
        limits[role] = below[1] if below else None
    return limits


def _load_type(item: object, node: yaml.Node, name: str, currency: str, max_amount: Decimal,
               situations: set[str] | None, problems: list[Problem]
               ) -> tuple[SolutionType, dict[str, Limit | None]] | None:  # fmt: skip
    type_id = item.get("id") if isinstance(item, dict) else None
    prefix = f"{type_id}: " if isinstance(type_id, str) else "type: "
    shaped = check_shape(item, node, TypeShape, name, problems, prefix)
    if shaped is None:
        return None
    # What a shape cannot see: the unit against the currency, the situations that exist, the
    # limits the unit calls for and the placeholders the unit allows.
    line, unit, type_max = line_of(node), shaped.unit, shaped.max
    if unit is not None and unit != currency and unit not in OTHER_UNITS:
        units = ", ".join([currency, *OTHER_UNITS])
        message = f"{shaped.id}: unknown unit {unit!r} ({units})"
        problems.append(Problem(name, line_at(node, ("unit",)), message))
    if unit in OTHER_UNITS and type_max is None:
        problems.append(Problem(name, line, f"{shaped.id}: a type in {unit} needs max"))
    if unit == currency and type_max is None:
        type_max = max_amount
    if situations is not None:
        for situation, at in zip(shaped.situations, item_nodes(node, "situations"), strict=True):
            if situation not in situations:
                message = f"{shaped.id}: unknown situation {situation!r} (see situations.yaml)"
                problems.append(Problem(name, line_of(at), message))
    limits = _limits(shaped.limits, unit is None, shaped.id, node, name, problems)
    allowed = TYPE_PLACEHOLDERS if unit is not None else set()
    for key in ("offer", "message"):
        _check_placeholders(getattr(shaped, key), allowed, f"{shaped.id}: {key}",
                            line_at(node, (key,)), name, problems)  # fmt: skip
    solution_type = SolutionType(
        id=shaped.id, label=shaped.label, has_amount=unit is not None, unit=unit,
        new_customers_only=shaped.new_customers_only,
        loyalty_equivalent=shaped.loyalty_equivalent, situations=tuple(shaped.situations),
        max_amount=type_max, offer=shaped.offer, message=shaped.message, source=f"{name}:{line}",
    )  # fmt: skip
    return solution_type, limits


def _check_equivalents(types: list[SolutionType], name: str, problems: list[Problem]) -> None:
    by_id = {t.id: t for t in types}
    for solution_type in types:
        line = int(solution_type.source.rsplit(":", 1)[1])
        equivalent = solution_type.loyalty_equivalent
        if solution_type.new_customers_only and equivalent is None:
            message = f"{solution_type.id}: a new-customers-only offer needs a loyalty_equivalent"
            problems.append(Problem(name, line, message))
        elif equivalent is not None and not solution_type.new_customers_only:
            message = f"{solution_type.id}: loyalty_equivalent is only for new_customers_only"
            problems.append(Problem(name, line, message))
        elif equivalent is not None and equivalent not in by_id:
            message = f"{solution_type.id}: loyalty_equivalent {equivalent!r} is not a type here"
            problems.append(Problem(name, line, message))
        elif equivalent is not None and by_id[equivalent].new_customers_only:
            message = f"{solution_type.id}: its loyalty_equivalent is itself for new customers"
            problems.append(Problem(name, line, message))


def load_solution_policy(
    playbooks_dir: str | Path, situations: set[str] | None = None
) -> tuple[SolutionPolicy, list[Problem]]:
    """Read and check solutions.yaml; `situations` (the ids in situations.yaml) lets it name
    situations that do not exist. Never raises for bad content."""
    path = Path(playbooks_dir) / FILE_NAME
    name = str(path)
    problems: list[Problem] = []
    if not path.is_file():
        return SolutionPolicy(), [Problem(name, 0, "file not found")]
    loaded = load_shape(path, PolicyFile, problems)
    if loaded is None:
        return SolutionPolicy(), problems
    content, root = loaded
    messages = content.messages.model_dump()
    for key, allowed in MESSAGE_PLACEHOLDERS.items():
        line = line_at(root, ("messages", key))
        _check_placeholders(messages[key], allowed, f"messages: {key}", line, name, problems)
    types: list[SolutionType] = []
    limits: dict[str, dict[str, Limit | None]] = {}
    for item, node in zip(content.types, item_nodes(root, "types"), strict=True):
        shaped = _load_type(item, node, name, content.currency, content.max_amount, situations,
                            problems)  # fmt: skip
        if shaped is None:
            continue
        solution_type, type_limits = shaped
        if solution_type.id in limits:
            message = f"type {solution_type.id!r} is defined twice"
            problems.append(Problem(name, line_of(node), message))
            continue
        types.append(solution_type)
        limits[solution_type.id] = type_limits
    _check_equivalents(types, name, problems)
    policy = SolutionPolicy(content.currency, tuple(types), limits, content.new_customer_days,
                            content.max_amount, messages, name)  # fmt: skip
    return policy, problems


# What a rep may offer a customer.


def is_new_customer(policy: SolutionPolicy, customer: Customer, today: date) -> bool | None:
    """None when we do not know when they joined (a customer a rep typed in)."""
    if customer.customer_since is None:
        return None
    return (today - customer.customer_since).days < policy.new_customer_days


def options_for(
    policy: SolutionPolicy, situation_id: str, customer: Customer, today: date
) -> list[SolutionType]:
    """The solutions for a situation, in the playbook's order. A new-customers-only offer is
    replaced by its loyalty equivalent for a customer with tenure, so that they never see a deal
    they cannot have; when we do not know their tenure both are shown; and a known new customer
    gets the new-customer offer, not its loyalty twin."""
    new = is_new_customer(policy, customer, today)
    twins = {t.loyalty_equivalent for t in policy.types if t.new_customers_only}
    shown: list[SolutionType] = []
    for solution_type in policy.types:
        if situation_id not in solution_type.situations:
            continue
        if solution_type.id in twins and new is True:
            continue
        candidates = [solution_type]
        if solution_type.new_customers_only and new is not True:
            equivalent = policy.type(solution_type.loyalty_equivalent)
            # The load makes sure it exists; were it missing, the offer has no twin to show.
            twins_shown = [equivalent] if equivalent is not None else []
            candidates = twins_shown if new is False else [solution_type, *twins_shown]
        shown += [c for c in candidates if c not in shown]
    return shown


def format_amount(policy: SolutionPolicy, solution_type: SolutionType, amount: Decimal) -> str:
    if solution_type.unit == policy.currency:
        symbol = next((s for s, code in SYMBOLS.items() if code == policy.currency), None)
        return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {policy.currency}"
    unit = solution_type.unit or ""
    return f"{amount} {unit[:-1] if amount == 1 and unit.endswith('s') else unit}"


def parse_amount(policy: SolutionPolicy, text: str | None, type_id: str | None = None) -> Decimal:
    """An amount as a rep types it: money in the policy's currency by default ("20", "£20",
    "20.50", "12,50", "20 GBP"), or in the unit of `type_id` ("2", "2 months"). Raises
    SolutionError with words for the rep for anything else, or for more than a solution can
    ever be."""
    solution_type = policy.type(type_id) if type_id else None
    if type_id and (solution_type is None or not solution_type.has_amount):
        raise SolutionError("This solution has no amount: leave the amount empty.")
    # A type with an amount has a unit (has_amount is `unit is not None`).
    unit = (solution_type.unit if solution_type else None) or policy.currency
    money = unit == policy.currency
    example = "20 or 20.50" if money else "2"
    typed = (text or "").strip()
    if not typed:
        if money:
            raise SolutionError(f"Type the amount in {policy.currency}, like {example}.")
        raise SolutionError(f"How many {unit}? Type a number, like {example}.")
    not_a_number = (
        f"Type the amount as a number, like {example}."
        if money
        else f"Type the number of {unit}, like {example}."
    )
    match = AMOUNT.match(typed)
    number = match["number"] if match else ""
    if DECIMAL_COMMA.match(number):
        number = number.replace(",", ".")
    elif money and (short := ONE_DECIMAL_COMMA.match(number)):  # "1,5": 1.50 most likely
        whole, tenth = short.groups()
        raise SolutionError(
            f"Type it with two decimals, like {whole}.{tenth}0 or {whole},{tenth}0."
        )
    if not match or not NUMBER.match(number):
        raise SolutionError(not_a_number)
    marks = [m for m in (match["before"], match["after"]) if m]
    for mark in marks:
        if money:
            code = SYMBOLS.get(mark, mark.upper())
            if code != policy.currency:
                why = f"{code} is another currency" if CURRENCY.match(code) else f"{mark!r}?"
                raise SolutionError(f"{why}: amounts are in {policy.currency}, like {example}.")
        elif match["before"] or mark.lower() not in OTHER_UNITS[unit]:
            what = solution_type.label if solution_type else "This solution"
            raise SolutionError(f"{what} is counted in {unit}: type how many, like {example}.")
    if "-" in (match["sign"] + match["sign2"]) or "−" in (match["sign"] + match["sign2"]):
        raise SolutionError("The amount must be more than zero.")
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation:
        raise SolutionError(not_a_number) from None
    if amount == 0:
        raise SolutionError("The amount must be more than zero.")
    if money and amount != amount.quantize(Decimal("0.01")):
        raise SolutionError("Use at most two decimal places, like 20.50.")
    if not money and amount != amount.to_integral_value():
        raise SolutionError(f"Use whole {unit}, like {example}.")
    most = solution_type.max_amount if solution_type else policy.max_amount
    if most is not None and amount > most:
        shown = (
            format_amount(policy, solution_type, most)
            if solution_type
            else f"{most:,.2f} {policy.currency}"
        )
        # Said as the other limits are (a real £600 refund is no typo), with what to do next.
        noun = solution_type.noun if solution_type else "solution"
        once = f"in one {noun}" if money else "at once"
        raise SolutionError(f"At most {shown} {once}, whoever grants it. {LARGER}")
    return amount.quantize(Decimal("0.01")) if money else amount.to_integral_value()


# Authority: what a role may grant, on its own.


def _covers(
    policy: SolutionPolicy,
    solution_type: SolutionType,
    role: str,
    amount: Decimal | None,
    granted: list[str | None],
) -> bool:
    """Whether a role's limits cover this solution on top of what the customer was granted of
    the same type in the last 30 days."""
    limit = policy.limits.get(solution_type.id, {}).get(role)
    if limit is None:
        return False
    each, per_customer = limit
    if amount is None:
        return len(granted) + 1 <= per_customer
    total = sum((Decimal(a) for a in granted if a is not None), Decimal(0)) + amount
    # An amount needs a per-solution limit (a counted type has none, and no amount).
    return each is not None and amount <= each and total <= per_customer


def _lowest_role(
    policy: SolutionPolicy,
    solution_type: SolutionType,
    amount: Decimal | None,
    granted: list[str | None],
) -> str | None:
    return next((r for r in RANKS if _covers(policy, solution_type, r, amount, granted)), None)


@dataclass(frozen=True)
class LimitHit:
    """Which of a role's limits a solution is over, in words: `what` is the limit ("at most
    £60.00 in one fee waiver", "at most £120.00 per customer in 30 days"); for the limit per
    customer, `had` is what they were granted of the type in the last 30 days and `left` how
    much more it still allows (None for a count). `what` is None for a role with no authority
    over the type at all."""

    what: str | None
    had: str | None = None
    left: Decimal | None = None
    per_solution: bool = False

    def words(self, who: str = "") -> str:
        """The limit as a clause, `who` right after it (", whoever grants it")."""
        said = f"{self.what}{who}"
        return (
            f"{said}, and this customer has had {self.had} in the last 30 days"
            if self.had
            else said
        )


def _limit_hit(
    policy: SolutionPolicy,
    solution_type: SolutionType,
    role: str,
    amount: Decimal | None,
    granted: list[str | None],
) -> LimitHit:
    """The limit of `role` that this solution, on top of what the customer was granted of its
    type in the last 30 days, is over (as _covers checks them), in the type's unit."""
    limit = policy.limits.get(solution_type.id, {}).get(role)
    if limit is None:
        return LimitHit(None)
    each, per_customer = limit
    if amount is None:  # a counted type: its limit is how many per customer
        return LimitHit(f"at most {int(per_customer)} per customer in 30 days", f"{len(granted)}")
    if each is not None and amount > each:
        counted = (
            counted_label(solution_type, each) if solution_type.unit != policy.currency else None
        )
        if counted is not None:  # "at most 2 free months on the plan at once"
            return LimitHit(f"at most {counted} at once", per_solution=True)
        shown = format_amount(policy, solution_type, each)
        return LimitHit(f"at most {shown} in one {solution_type.noun}", per_solution=True)
    had = sum((Decimal(a) for a in granted if a is not None), Decimal(0))
    return LimitHit(
        f"at most {format_amount(policy, solution_type, per_customer)} per customer in 30 days",
        format_amount(policy, solution_type, had),
        max(per_customer - had, Decimal(0)),
    )


def _beyond_everyone(
    policy: SolutionPolicy,
    solution_type: SolutionType,
    amount: Decimal | None,
    granted: list[str | None],
) -> tuple[str, LimitHit]:
    """Why nobody may grant this solution, naming the limit hit (whoever reads it, a rep or a
    lead, cannot open the playbook to look it up), and that limit."""
    hit = _limit_hit(policy, solution_type, RANKS[-1], amount, granted)
    if hit.what is None:
        return f"Nobody has the authority to grant {solution_type.label}.", hit
    said = hit.words(", whoever grants it")
    return said[0].upper() + said[1:] + ".", hit


def _ask_instead(policy: SolutionPolicy, solution_type: SolutionType, hit: LimitHit) -> str:
    """What a rep may ask for instead of a solution beyond everyone's limits."""
    if hit.per_solution:
        return LARGER
    if hit.left:  # the limit per customer still allows some: how much
        left = format_amount(policy, solution_type, hit.left)
        return f"Choose {left} or less, or another solution."
    return "Choose another solution."


def _record(row: dict) -> SolutionRecord:
    return SolutionRecord(
        row["id"], row["case_id"], row["type"],
        Decimal(row["amount"]) if row["amount"] is not None else None,
        row["reason"], row["requested_by"], row["status"], row["decided_by"], row["decided_at"],
        row["decision_reason"], row["created_at"], row["situation"], row["needs_role"],
    )  # fmt: skip


def solutions_of_case(store: Store, case_id: int) -> list[SolutionRecord]:
    return [_record(row) for row in cases_db.case_solutions(store, case_id)]


def pending_solutions(store: Store, requested_by: str | None = None) -> list[SolutionRecord]:
    """Solutions waiting for a decision: a lead's approval queue, or one rep's requests."""
    return [_record(row) for row in cases_db.pending_solution_rows(store, requested_by)]


def _fill(text: str, **values: str) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), text)


def _offer(policy: SolutionPolicy, record: SolutionRecord) -> str:
    solution_type = policy.type(record.type)
    if solution_type is None:  # a type taken out of the playbook since
        return record.type.replace("_", " ")
    amount = format_amount(policy, solution_type, record.amount) if record.amount else ""
    return _fill(solution_type.offer, amount=amount)


def _alternative(solution_type: SolutionType) -> str:
    """Another solution as the customer hears it: its offer ("a replacement box"); for one
    whose offer needs an amount, not known yet, its label as a phrase ("a refund", "an
    account credit", "free months on the plan"): "what I can do is refund" was no sentence."""
    if not PLACEHOLDER.search(solution_type.offer):
        return solution_type.offer
    label = solution_type.noun
    if label.split(" ", 1)[0].endswith("s") or label[0].isdigit():
        return label  # "free months on the plan", "50% off the next box"
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


def _within_authority(
    store: Store, policy: SolutionPolicy, role: str, customer_id: str, solution_type: SolutionType
) -> bool:
    """Whether `role` may still grant some of a solution to the customer on their own: the
    least of it (a penny, a month, one of a counted type) on top of the last 30 days'."""
    least = None
    if solution_type.has_amount:
        least = Decimal("0.01") if solution_type.unit == policy.currency else Decimal(1)
    since = iso(store.clock.now() - LIMIT_WINDOW)
    granted = cases_db.granted_amounts(store, customer_id, solution_type.id, since)
    return _covers(policy, solution_type, role, least, granted)


def _denied_message(
    store: Store, policy: SolutionPolicy, roles: Roles, record: SolutionRecord
) -> str:
    """The customer's words after a denial: who the rep went through it with, by the role of
    whoever denied it, and only the other solutions the rep may grant without asking again
    (else a line for the rep to complete): offering what needs another approval would promise
    what may be denied too."""
    case = existing(get_case(store, record.case_id), f"case C-{record.case_id}")
    rep_role = roles.role_of(record.requested_by)
    others = [
        _alternative(t)
        for t in options_for(policy, record.situation, case.customer, store.clock.now().date())
        if t.id != record.type and _within_authority(store, policy, rep_role, case.customer.id, t)
    ]
    decider = DECIDERS.get(roles.role_of(record.decided_by or ""), "my team lead")
    if not others:
        words = policy.messages.get("denied_no_alternatives") or NO_ALTERNATIVES
        return _fill(words, decider=decider)
    alternatives = " or ".join([", ".join(others[:-1]), others[-1]] if len(others) > 1 else others)
    return _fill(policy.messages.get("denied", ""), alternatives=alternatives, decider=decider)


def customer_message(
    store: Store, policy: SolutionPolicy, roles: Roles, record: SolutionRecord
) -> str:
    """What the rep tells the customer, in can-do words, for the solution as it stands."""
    solution_type = policy.type(record.type)
    if record.status == "pending":
        return _fill(policy.messages.get("pending", ""), what=_offer(policy, record))
    if record.status == "denied":
        return _denied_message(store, policy, roles, record)
    if solution_type is None:
        return f"I've arranged {_offer(policy, record)} for you."
    amount = format_amount(policy, solution_type, record.amount) if record.amount else ""
    return _fill(solution_type.message, amount=amount)


def _stored_amount(amount: Decimal | None) -> str | None:
    """An amount as the solutions table keeps it."""
    return str(amount) if amount is not None else None


def granted_before(store: Store, record: SolutionRecord) -> tuple[SolutionRecord, ...]:
    """The same solution (type and amount) granted on the record's case before it, the
    earliest first: each one, so that a third grant is told as the third."""
    rows = cases_db.same_solutions(
        store, record.case_id, record.type, _stored_amount(record.amount), GRANTED,
        before=record.id,
    )  # fmt: skip
    return tuple(_record(row) for row in rows)


def _granted_just_now(
    store: Store, case_id: int, type_id: str, amount: str | None, reason: str, user_id: str
) -> dict | None:
    """The same solution (type, amount and reason, typed alike) authorized at once for the
    same rep on the case within RETYPED_WITHIN: the same request submitted again, after an
    error or a double click, the latest if several."""
    since = iso(store.clock.now() - RETYPED_WITHIN)
    rows = cases_db.same_solutions(
        store, case_id, type_id, amount, ("authorized",), requested_by=user_id, since=since
    )
    return next((row for row in reversed(rows) if typed_alike(row["reason"], reason)), None)


def _proposal(
    store: Store,
    policy: SolutionPolicy,
    record: SolutionRecord,
    already_asked: bool = False,
    roles: Roles | None = None,
) -> Proposal:
    """The proposal as it stands. `roles` matter only for a denied one's words (who decided,
    what the rep may offer instead): a request that waits, or one just made, needs none."""
    authorized = record.status == "authorized"
    needs = None if authorized else record.needs_role
    words = customer_message(store, policy, roles or Roles(), record)
    granted = granted_before(store, record)
    return Proposal(record, authorized, needs, words, already_asked, granted)


def _allowed_type(
    policy: SolutionPolicy, situation_id: str, type_id: str, customer: Customer, today: date
) -> SolutionType:
    options = options_for(policy, situation_id, customer, today)
    chosen = next((t for t in options if t.id == type_id), None)
    if chosen is not None:
        return chosen
    wanted = policy.type(type_id)
    if wanted and wanted.new_customers_only and situation_id in wanted.situations:
        equivalent = policy.type(wanted.loyalty_equivalent)
        years = customer.tenure_years(today) or 0
        raise SolutionError(
            f"{wanted.label} is for new customers; {customer.name} has been with us "
            f"{years:.1f} years, so offer {equivalent.label if equivalent else 'another'} instead.",
            "type",
        )
    what = wanted.label if wanted else repr(type_id)
    if not options:
        raise SolutionError(f"The playbook has no solutions for {situation_id!r}.", "type")
    offered = ", ".join(t.label for t in options)
    raise SolutionError(f"{what} is not a solution for this situation; offer {offered}.", "type")


def propose(
    store: Store,
    policy: SolutionPolicy,
    roles: Roles,
    *,
    case_id: int,
    situation_id: str,
    user_id: str,
    type_id: str,
    amount_text: str | None,
    reason: str,
    request_key: str | None,
    today: date,
    over_denial: int | None = None,
) -> Proposal:
    """Propose a solution on an open case: authorized at once inside the proposer's limits,
    else pending for the lowest role that may decide it. The same solution (type and amount)
    already waiting for a decision on the case, whoever asked, is that request: nothing more
    is stored (`already_asked`), for two approved would grant it twice; so is the same one
    with the same reason just authorized for the same rep (`_granted_just_now`). Both are
    looked for in the same write transaction, so of two at once one is stored. The same
    solution otherwise already granted on the case (a reason of its own, another rep's, or
    later) is stored as asked, and named (`granted_before`) for whoever decides it, who may
    mean to grant it twice. One inside the proposer's authority of a type denied on the case
    in the last 30 days raises DeniedBefore, unless `over_denial` is that denial's id: the rep
    saw it and goes ahead. Raises CaseError (unknown or closed case) or SolutionError (type,
    amount, reason, beyond every limit); nothing is stored then."""
    reason = (reason or "").strip()
    with store.transaction() as db:
        if request_key and (row := cases_db.solution_by_request(store, request_key)):
            return _proposal(store, policy, _record(row))
        case = open_case(store, case_id)
        solution_type = _allowed_type(policy, situation_id, type_id, case.customer, today)
        # An amount typed for a solution without one is refused, in words, never dropped.
        typed = bool((amount_text or "").strip())
        amount = (
            parse_amount(policy, amount_text, type_id)
            if solution_type.has_amount or typed
            else None
        )
        if not reason:
            raise SolutionError("Say why: the approver and the log see it.", "reason")
        if not has_words(reason):
            raise SolutionError(f"{NO_WORDS} Say why: the approver and the log see it.", "reason")
        stored_amount = _stored_amount(amount)
        waiting = cases_db.same_solutions(store, case.id, type_id, stored_amount, ("pending",))
        asked = (
            waiting[0]
            if waiting
            else _granted_just_now(store, case.id, type_id, stored_amount, reason, user_id)
        )
        if asked is not None:
            return _proposal(store, policy, _record(asked), already_asked=True)
        since = iso(store.clock.now() - LIMIT_WINDOW)
        granted = cases_db.granted_amounts(store, case.customer.id, type_id, since)
        role = roles.role_of(user_id)
        denied = None
        if _covers(policy, solution_type, role, amount, granted):
            status, needs = "authorized", None
            denied = _denied_before(store, case.id, type_id)
            if denied is not None and denied.id != over_denial:
                raise DeniedBefore(denied, describe(policy, denied))
        else:
            status, needs = "pending", _lowest_role(policy, solution_type, amount, granted)
            if needs is None:
                said, hit = _beyond_everyone(policy, solution_type, amount, granted)
                raise SolutionError(
                    f"{said} {_ask_instead(policy, solution_type, hit)}",
                    "amount" if solution_type.has_amount else "type",
                )
        solution_id = cases_db.insert_solution(store,
            {
                "case_id": case.id, "customer_id": case.customer.id, "situation": situation_id,
                "type": type_id, "amount": stored_amount,
                "reason": reason, "requested_by": user_id, "status": status,
                "needs_role": needs, "request_key": request_key,
            }
        )  # fmt: skip
        audit.append(
            db, actor=user_id, action=f"solution.{'authorized' if needs is None else 'requested'}",
            subject=f"S-{solution_id}",
            details={"case": case.ref, "type": type_id, "amount": amount, "role": role,
                     "needs_role": needs, **({"after_denial": denied.ref} if denied else {})},
            at=store.now(), customer=case.customer.ref, personal={"reason": reason},
        )  # fmt: skip
        row = existing(cases_db.solution_row(store, solution_id), f"solution S-{solution_id}")
        proposal = _proposal(store, policy, _record(row), roles=roles)
        return replace(proposal, over_denial=denied)


def decide(
    store: Store,
    policy: SolutionPolicy,
    roles: Roles,
    *,
    solution_id: int,
    user_id: str,
    approve: bool,
    reason: str | None,
    request_key: str | None,
) -> Decision:
    """Approve or deny a pending solution. Authority is checked on every click, inside the
    write transaction, so exactly one of two simultaneous clicks decides; a click without
    authority is refused and logged. Deny needs a reason (SolutionError)."""
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise SolutionError("Say why you deny it: the rep passes it on.", "reason")
    if reason is not None and not has_words(reason):
        raise SolutionError(f"{NO_WORDS} Say why you deny it: the rep passes it on.", "reason")
    with store.transaction() as db:
        if request_key and (click := cases_db.solution_click(store, request_key)):
            clicked = click["solution_id"]
            record = _record(
                existing(cases_db.solution_row(store, clicked), f"solution S-{clicked}")
            )
            words = None
            if click["outcome"] in ("approved", "denied"):
                words = customer_message(store, policy, roles, record)
            return Decision(click["outcome"], record, record.decided_by, click["message"], words)
        row = _solution_row(store, solution_id)
        record = _record(row)
        role = roles.role_of(user_id)
        unchanged = _unchanged(store, policy, row, record, role, user_id)
        words = None
        if unchanged is not None:
            outcome, message = unchanged.outcome, unchanged.message
            if outcome == "refused":
                _log_refusal(store, record, user_id, role, approve, message)
        else:
            status = "approved" if approve else "denied"
            cases_db.decide_solution(
                store, record.id, status, user_id, reason
            )  # pending, checked above
            audit.append(
                db, actor=user_id, action=f"solution.{status}", subject=record.ref,
                details={"case": f"C-{record.case_id}", "type": record.type,
                         "amount": record.amount, "role": role},
                at=store.now(), customer=audit.customer_of_case(store, record.case_id),
                personal={"reason": reason} if reason else None,
            )  # fmt: skip
            record = _record(existing(cases_db.solution_row(store, record.id), record.ref))
            outcome = status
            message = f"{status.capitalize()}: {_offer(policy, record)} on C-{record.case_id}."
            words = customer_message(store, policy, roles, record)
        if request_key:
            cases_db.record_solution_click(store, request_key, record.id, user_id, outcome, message)
        return Decision(outcome, record, record.decided_by, message, words)


def _solution_row(store: Store, solution_id: int) -> dict:
    row = cases_db.solution_row(store, solution_id)
    if row is None:
        raise SolutionError(f"There is no request S-{solution_id}.", "reason")
    return row


def _unchanged(
    store: Store, policy: SolutionPolicy, row: dict, record: SolutionRecord, role: str,
    user_id: str,
) -> Decision | None:  # fmt: skip
    """What a click of `user_id` (whose role is `role`) on the solution of `row` changes
    nothing with: its case closed, a refusal, or someone's earlier decision; None when they
    decide it now."""
    if record.status == "withdrawn":  # whoever clicks: there is nothing left to decide
        return Decision("already_decided", record, record.decided_by, _already(record))
    if refusal := _refusal(store, policy, row, record, role, user_id):
        return Decision("refused", record, record.decided_by, refusal)
    if record.status != "pending":
        return Decision("already_decided", record, record.decided_by, _already(record))
    return None


def _refusal(
    store: Store, policy: SolutionPolicy, row: dict, record: SolutionRecord, role: str,
    user_id: str,
) -> str | None:  # fmt: skip
    """Why `user_id` may not decide the solution of `row`, in their words; None when they may."""
    solution_type = policy.type(record.type)
    if user_id == record.requested_by:
        return "Nobody decides their own request: someone else with the authority will."
    if role == "rep":
        return "Only a senior, lead or manager can approve or deny a solution."
    if solution_type is None:
        return f"{record.type} is no longer in {FILE_NAME}; ask for another solution."
    since = iso(store.clock.now() - LIMIT_WINDOW)
    granted = cases_db.granted_amounts(store, row["customer_id"], record.type, since, record.id)
    if _covers(policy, solution_type, role, record.amount, granted):
        return None
    needs = _lowest_role(policy, solution_type, record.amount, granted)
    if needs is None:  # more was granted meanwhile, or the playbook changed: nobody may now
        said, _ = _beyond_everyone(policy, solution_type, record.amount, granted)
        return f"{said} Nobody can approve it now: the rep can ask for another solution."
    hit = _limit_hit(policy, solution_type, role, record.amount, granted)
    limit = f" ({hit.words()})" if hit.what else ""
    return f"This is above your limit as {role}{limit}: a {needs} or above decides it."


@dataclass(frozen=True)
class Deciders:
    """Who may decide a pending solution now: `people`, the members of roles.yaml whose role
    covers it (by `_refusal`, the check every click passes), never who asked; `role`, the
    lowest role that may (None: nobody, whatever their role, after more was granted meanwhile
    or the playbook changed)."""

    people: tuple[str, ...]
    role: str | None


def deciders(
    store: Store, policy: SolutionPolicy, roles: Roles, record: SolutionRecord
) -> Deciders:
    row = _solution_row(store, record.id)
    people = tuple(
        user
        for rank in RANKS
        for user in roles.people(rank)
        if _refusal(store, policy, row, record, rank, user) is None
    )
    solution_type = policy.type(record.type)
    if solution_type is None:
        return Deciders(people, None)
    since = iso(store.clock.now() - LIMIT_WINDOW)
    granted = cases_db.granted_amounts(store, row["customer_id"], record.type, since, record.id)
    return Deciders(people, _lowest_role(policy, solution_type, record.amount, granted))


def why_not_decide(
    store: Store, policy: SolutionPolicy, roles: Roles, *, solution_id: int, user_id: str
) -> Decision | None:
    """What `decide` would answer `user_id` without deciding anything (a refusal, or a
    decision someone already made), or None when they may decide it now: asked before a form
    to deny opens, so nobody types a reason that is then turned down. Nothing is written;
    `decide` checks again in its own transaction."""
    row = _solution_row(store, solution_id)
    return _unchanged(store, policy, row, _record(row), roles.role_of(user_id), user_id)


def why_not_deny(
    store: Store, policy: SolutionPolicy, roles: Roles, *, solution_id: int, user_id: str
) -> Decision | None:
    """`why_not_decide` for a press of Deny, whose form only opens for who may decide: a
    refusal is logged here, as `decide` logs a refused Approve."""
    with store.transaction():
        unchanged = why_not_decide(store, policy, roles, solution_id=solution_id, user_id=user_id)
        if unchanged is not None and unchanged.outcome == "refused":
            role = roles.role_of(user_id)
            _log_refusal(store, unchanged.solution, user_id, role, False, unchanged.message)
        return unchanged


def _log_refusal(
    store: Store, record: SolutionRecord, user_id: str, role: str, approve: bool, message: str
) -> None:
    """A click that was not theirs to make, in the audit log (inside the caller's transaction)."""
    audit.append(
        store.db, actor=user_id, action="solution.refused", subject=record.ref,
        details={"approve": approve, "role": role, "reason": message},
        at=store.now(), customer=audit.customer_of_case(store, record.case_id),
    )  # fmt: skip


def _already(record: SolutionRecord) -> str:
    if record.status == "authorized":
        return f"{record.ref} was inside the rep's authority: there is nothing to decide."
    if record.status == "withdrawn":
        return (
            f"C-{record.case_id} was closed, so {record.ref} was withdrawn by {record.decided_by}"
            f" at {record.decided_at}: there is nothing to decide."
        )
    return (
        f"{record.ref} was already {record.status} by {record.decided_by} at {record.decided_at}."
    )


def withdraw_pending(store: Store, case_id: int, user_id: str) -> list[SolutionRecord]:
    """Withdraw the solutions still waiting for a decision on a case `user_id` is closing,
    each with its audit row: nothing is granted on a closed case. The withdrawn, as they are
    now."""
    withdrawn = []
    with store.transaction() as db:
        for waiting in solutions_of_case(store, case_id):
            if waiting.status != "pending":
                continue
            cases_db.withdraw_solution(store, waiting.id, user_id)  # pending, checked above
            audit.append(
                db, actor=user_id, action="solution.withdrawn", subject=waiting.ref,
                details={"case": f"C-{case_id}", "type": waiting.type, "amount": waiting.amount},
                at=store.now(), customer=audit.customer_of_case(store, case_id),
            )  # fmt: skip
            row = existing(cases_db.solution_row(store, waiting.id), waiting.ref)
            withdrawn.append(_record(row))
    return withdrawn


def describe(policy: SolutionPolicy, record: SolutionRecord) -> str:
    """A solution as people say it: "Account credit £150.00", "Replacement box"; one counted in
    another unit with the count first when its label names the unit ("2 free months on the
    plan", "1 free month on the plan"), else after it ("Plan extension: 2 months")."""
    solution_type = policy.type(record.type)
    if solution_type is None:  # a type since removed from the playbook
        return record.type
    if record.amount is None:
        return solution_type.label
    amount = format_amount(policy, solution_type, record.amount)
    if solution_type.unit == policy.currency:
        return f"{solution_type.label} {amount}"
    return counted_label(solution_type, record.amount) or f"{solution_type.label}: {amount}"


def counted_label(solution_type: SolutionType, amount: Decimal) -> str | None:
    """The type's label with the count before it and its unit word in number ("2 free months
    on the plan"); None when the label does not name its unit."""
    unit = solution_type.unit or ""
    singular = unit[:-1] if unit.endswith("s") else unit
    named = re.search(rf"\b(?:{re.escape(unit)}|{re.escape(singular)})\b", solution_type.label,
                      re.IGNORECASE) if unit else None  # fmt: skip
    if named is None:
        return None
    label = solution_type.label
    label = label[: named.start()] + (singular if amount == 1 else unit) + label[named.end() :]
    first = label.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower():  # "Free months", not "VIP months"
        label = label[0].lower() + label[1:]
    return f"{amount} {label}"


def _recent_of_type(store: Store, case_id: int, type_id: str) -> list[SolutionRecord]:
    """The solutions of this type on the case asked for in the last 30 days, earliest first."""
    since = iso(store.clock.now() - LIMIT_WINDOW)
    return [
        solution
        for solution in solutions_of_case(store, case_id)
        if solution.type == type_id and solution.created_at >= since
    ]


def same_kind(store: Store, record: SolutionRecord) -> list[SolutionRecord]:
    """The other solutions of the record's type on its case asked for in the last 30 days,
    waiting, granted or denied, the earliest first: whoever decides one sees the others, so that
    one double charge is not refunded twice by two deciders who never saw each other's."""
    return [
        other
        for other in _recent_of_type(store, record.case_id, record.type)
        if other.id != record.id and other.status != "withdrawn"
    ]


def _denied_before(store: Store, case_id: int, type_id: str) -> SolutionRecord | None:
    """The latest denial of a solution of this type on the case in the last 30 days."""
    denied = [s for s in _recent_of_type(store, case_id, type_id) if s.status == "denied"]
    return denied[-1] if denied else None
