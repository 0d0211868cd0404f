"""Cases and solutions: the case card, the /solve and close modals, the approval card."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.cases.card import CaseCard
from bot.cases.customers import CaseRequest, Customer, How, name_and_email
from bot.cases.service import (
    ROOT_CAUSES,
    Case,
    CaseChoice,
    Contact,
    CustomerChoice,
    Noted,
    root_cause_label,
)
from bot.cases.solutions import SolutionPolicy, SolutionRecord, SolutionType, describe
from bot.followups.closing import ClosedCase, OpenItems
from bot.followups.history import (
    Closed,
    DraftSent,
    Event,
    FaqTried,
    NoteAdded,
    Promised,
    Redirected,
    SolutionAsked,
)
from bot.followups.redirects import Team, team_name
from bot.followups.service import Followup
from bot.slack.blocks.base import (
    BUTTON_LIMIT,
    SECTION_LIMIT,
    TITLE_LIMIT,
    Message,
    Mrkdwn,
    actions,
    bulleted,
    button,
    context,
    counted,
    escape,
    how_often,
    local_time,
    mention,
    message,
    note,
    option,
    ordinal,
    plain,
    quote,
    refusal,
    said_at,
    section,
    sections,
    shorten,
    shown_at,
    text_field,
)
from bot.slack.blocks.due import due_time, missed
from bot.slack.blocks.faq import tried
from bot.slack.ids import FIELD_INPUT, Action, Block, Field, Modal, numbered

NOTES_SHOWN = 5
HISTORY_SHOWN = 12  # lines of a matter's history in a senior callback
LISTED = 10  # solutions and promises on a card


def case_usage() -> Message:
    return note(
        "Usage: /case customer name, email or id, then a comma and the topic, for example "
        "/case Maria Lopez, parcel late (after an email or id the comma may be left out: "
        "/case BX-10001 charged twice); or /case C-1042 to see a case"
    )


class CustomerPick(NamedTuple):
    """What a button of /case's question carries back: the customer chosen (None: a new one),
    what the rep asked, the key of their /case request, the customers the question showed
    (for a new one: made only if nobody else is found by then), and the customer's open case
    chosen, when the question was which of them (the request then has its topic)."""

    customer_id: str | None
    request: CaseRequest
    key: str
    shown: tuple[str, ...] = ()
    case_id: int | None = None


def pick_value(
    customer_id: str | None, request: CaseRequest, key: str, shown: Sequence[str] = (),
    case_id: int | None = None,
) -> str:  # fmt: skip
    data: dict[str, object] = {
        "id": customer_id, "customer": request.customer, "topic": request.topic, "key": key,
    }  # fmt: skip
    if shown:
        data["shown"] = list(shown)
    if case_id is not None:
        data["case"] = case_id
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _keyed(value: str) -> dict | None:
    """The JSON object a button of /case's replies holds, with the key of the /case request it
    answers; None for anything else."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("key"), str) else None


def parse_pick_value(value: str) -> CustomerPick | None:
    """The pick a button's value holds; None for anything else. A request that is not one
    (a name too long) raises CaseError, as typing it would."""
    data = _keyed(value)
    if data is None:
        return None
    customer_id, customer, topic = data.get("id"), data.get("customer"), data.get("topic")
    if not (customer_id is None or isinstance(customer_id, str)):
        return None
    if not isinstance(customer, str) or not isinstance(topic, str):
        return None
    shown = data.get("shown", [])
    if not isinstance(shown, list) or not all(isinstance(item, str) for item in shown):
        return None
    case_id = data.get("case")
    if case_id is not None and (type(case_id) is not int or customer_id is None):
        return None
    return CustomerPick(
        customer_id, CaseRequest.checked(customer, topic), data["key"], tuple(shown), case_id
    )


def _who(customer: Customer, limit: int = SECTION_LIMIT) -> str:
    """A customer as a rep tells them apart: "Margaret Holloway (BX-10001)"; within `limit`,
    the name is shortened so that the id still shows."""
    return f"{shorten(customer.name, max(10, limit - len(customer.id) - 3))} ({customer.id})"


def customer_choice(choice: CustomerChoice, key: str, tz: ZoneInfo | None) -> Message:
    """/case's question when what the rep typed finds no one customer for sure: a button for
    each customer it may be and for a new one; or, when it finds nobody, whether to create
    one. `key` is the /case request's, carried by every button; `tz` the rep's zone."""
    request = choice.request
    topic = f"Topic: {request.topic}" if request.topic else "No topic yet."
    cancel = button("Cancel", Action.CASE_CANCEL, pick_value(None, request, key))
    if not choice.candidates:
        name, email = name_and_email(request.customer)
        if email is None:
            parts = [("No customer called ", name)]
        elif name == email:
            parts = [("No customer has the email ", email)]
        else:
            parts = [("No customer called ", name), (" or with the email ", email)]
        plain = "".join(words + value for words, value in parts)
        # each part escaped as it is added to its Mrkdwn: joined, they stay escaped
        nobody = Mrkdwn(
            "".join(Mrkdwn(f"{words}*") + value + Mrkdwn("*") for words, value in parts)
        )
        erased_words, erased_line = _erased_notice(choice, "Create", tz)
        return message(
            f"{plain}. Create a new customer?{erased_words}",
            [
                section(nobody + ". Create a new customer?"),
                *erased_line,
                context(topic),
                actions(
                    Block.CASE_CUSTOMERS,
                    button("Create", Action.CASE_NEW_CUSTOMER, pick_value(None, request, key),
                           "primary"),
                    cancel,
                ),
            ],
        )  # fmt: skip
    lines = []
    for candidate in choice.candidates:
        customer, case = candidate.customer, candidate.open_case
        details = ", ".join(part for part in (customer.id, customer.email) if part)
        line = Mrkdwn(f"*{escape(customer.name)}* ({escape(details)})")
        if case is not None:
            line += f" · open case {case.ref}: {shorten(case.topic, 80)}"
        lines.append(line)
    rest = "Type more of the name, or their email or customer id, to narrow it down."
    heading = Mrkdwn(f"Which customer do you mean by *{escape(request.customer)}*?")
    blocks = bulleted(heading, lines, shown=len(lines), rest=rest)
    if choice.more:
        blocks.append(context(f"…and {choice.more} more match. {rest}"))
    erased_words, erased_line = _erased_notice(choice, "New customer", tz)
    blocks += erased_line
    blocks.append(context(topic))
    buttons = [
        button(_who(candidate.customer, BUTTON_LIMIT), numbered(Action.CASE_CUSTOMER, n),
               pick_value(candidate.customer.id, request, key))
        for n, candidate in enumerate(choice.candidates)
    ]  # fmt: skip
    blocks.append(
        actions(
            Block.CASE_CUSTOMERS,
            *buttons,
            button(
                "New customer",
                Action.CASE_NEW_CUSTOMER,
                pick_value(None, request, key, [c.customer.id for c in choice.candidates]),
            ),
            cancel,
        )  # fmt: skip
    )
    names = ", ".join(_who(candidate.customer) for candidate in choice.candidates)
    return message(
        f"Which customer do you mean by {request.customer}? {names}{erased_words}", blocks
    )


def _erased_notice(choice: CustomerChoice, new: str, tz: ZoneInfo | None) -> tuple[str, list[dict]]:
    """When what the rep typed names an erased customer: the words for a phone (after a
    space, on the clock of `tz`, the rep's zone), and the line, saying when their data was
    erased (in the reader's zone) and that the `new` button makes a new customer of them, with
    none of their past; nothing of who they were beyond what the rep typed."""
    erased = choice.erased
    if erased is None:
        return "", []
    that = f"A customer with this {erased.by} had their data erased"
    then = (
        f". {new} makes a new customer of them, with none of their past: choose it only if "
        "they are back as one."
    )
    said = Mrkdwn(":warning: ") + that + Mrkdwn(" ") + shown_at(erased.at) + then
    return f" {that} {said_at(erased.at, tz)}{then}", [section(said)]


CASES_OFFERED = 5  # open cases /case offers as buttons; the rest are named by their topic


def case_choice(choice: CaseChoice, key: str) -> Message:
    """/case's question when the rep gave no topic and the customer has several open cases:
    a button for each (the latest contacted first), which counts the contact on it as if its
    topic had been typed, and how to name one by typing. `key` is the /case request's."""
    request, customer = choice.request, choice.customer
    example = f"/case {customer.id}, {shorten(choice.cases[0].topic, 60)}"
    heading = Mrkdwn(
        f"*{escape(customer.name)}* ({escape(customer.id)}) has "
        f"{len(choice.cases)} open cases. Which one is this contact about?"
    )
    lines = [
        Mrkdwn(f"{escape(case.ref)}: {escape(shorten(case.topic, 120))} · owner ")
        + mention(case.owner_id)
        + f" · {contacts(case)}"
        for case in choice.cases
    ]
    blocks = bulleted(heading, lines, shown=len(lines), rest="")
    blocks.append(
        context(f"Nothing is counted until you choose. Or type the topic after a comma: {example}")
    )
    offered = choice.cases[:CASES_OFFERED]
    buttons = [
        button(f"{case.ref} · {case.topic}", numbered(Action.CASE_OPEN, n),
               pick_value(customer.id, CaseRequest(request.customer, case.topic), key,
                          case_id=case.id))
        for n, case in enumerate(offered)
    ]  # fmt: skip
    cancel = button("Cancel", Action.CASE_CANCEL, pick_value(None, request, key))
    blocks.append(actions(Block.CASE_OPEN_CASES, *buttons, cancel))
    refs = ", ".join(f"{case.ref} ({case.topic})" for case in choice.cases)
    return message(
        f"{customer.name} has {len(choice.cases)} open cases: {refs}. Which one is this "
        f"contact about?",
        blocks,
    )


class ContactMove(NamedTuple):
    """What an "Add to C-1001 instead" button carries back: the key of the /case request whose
    contact opened case `opened`, and the customer's open case `to` it is about."""

    key: str
    opened: int
    to: int


def parse_move_value(value: str) -> ContactMove | None:
    """The move a button's value holds; None for anything else."""
    data = _keyed(value)
    if data is None:
        return None
    opened, to = data.get("opened"), data.get("to")
    if type(opened) is not int or type(to) is not int:
        return None
    return ContactMove(data["key"], opened, to)


def _other_open_cases(contact: Contact) -> list[dict]:
    """Under a new case's card, the customer's other open cases, each with a button that counts
    this contact on it instead: a repeat contact worded otherwise is not split off unseen."""
    case, others = contact.case, contact.others
    if not others or contact.request_key is None:
        return []
    heading = Mrkdwn(
        f":point_right: *{escape(case.customer.name)}* already has "
        f"{counted(len(others), 'open case')}. Is this contact about "
        f"{'it' if len(others) == 1 else 'one of them'}?"
    )
    lines = [
        Mrkdwn(f"{escape(other.ref)}: {escape(shorten(other.topic, 120))} · owner ")
        + mention(other.owner_id)
        + f" · {contacts(other)}"
        for other in others
    ]
    blocks = bulleted(heading, lines, shown=len(lines), rest="")
    offered = others[:CASES_OFFERED]
    buttons = [
        button(f"Add to {other.ref} instead", numbered(Action.CASE_MOVE, n),
               json.dumps({"key": contact.request_key, "opened": case.id, "to": other.id},
                          separators=(",", ":")))
        for n, other in enumerate(offered)
    ]  # fmt: skip
    blocks.append(actions(Block.CASE_MOVE, *buttons))
    return blocks


def customer_cancelled(request: CaseRequest) -> Message:
    return note(f"Cancelled: nothing was opened or counted for {request.customer}.")


# How the customer was found, after their name ("Found Margaret Holloway (BX-1) by email.").
FOUND = {
    How.ID: "Found {who} by customer id.",
    How.EMAIL: "Found {who} by email.",
    How.NAME: "Found {who}.",
    How.PARTIAL: "Found {who} by part of the name.",
    How.TYPO: "Found {who} by a similar spelling.",
    How.CHOSEN: "{who}, as you chose.",
    How.NEW: "New customer {who}.",
    How.CASE: "Found {who} by case id.",
}


def found_as(how: How, who: str) -> str:
    """How a customer (`who`, "Margaret Holloway (BX-1)") was found: "Found … by email."."""
    return FOUND[how].format(who=who)


def found(contact: Contact) -> str:
    """How the case's customer was found from what the rep typed, so a near match shows."""
    if contact.found is None:  # a repeat of the request: said the first time
        return ""
    return found_as(contact.found, _who(contact.case.customer))


def note_usage() -> Message:
    return note("Usage: /note C-1042 what you want the next person to know")


def noted(noted: Noted) -> Message:
    """What /note did: added the note, or nothing when the rep typed the same one again."""
    ref = noted.case.ref
    if noted.earlier is None:
        return note(f"Noted on {ref}.")
    return note(f"Already noted: you added this note to {ref} {ago(noted.earlier)}, so it is "
                "kept once.")  # fmt: skip


def solve_usage() -> Message:
    return note(
        "Type the case after /solve, like /solve C-1042: it opens a form for the solution, its "
        "amount and why."
    )


def tenure(customer: Customer, today: date) -> str:
    """How long they have been with us, and their tier: "customer for 12 years, premium"."""
    years = customer.tenure_years(today)
    parts = []
    if customer.erased:  # no tenure kept ("new to us" would be untrue): their name says why
        parts.append("erased")
    elif years is None:
        parts.append("new to us")
    elif years < 1:
        parts.append(f"customer {_short_tenure(round(years * 365.25))}")
    else:
        parts.append(f"customer for {counted(round(years), 'year')}")
    if customer.tier:
        parts.append(customer.tier)
    return ", ".join(parts)


def _short_tenure(days: int) -> str:
    """Under a year with us, as a person says it: "for 6 days", "for 3 weeks", "for 5
    months", "since today"."""
    if days < 1:
        return "since today"
    if days < 14:
        return f"for {counted(days, 'day')}"
    if days < 61:
        return f"for {counted(days // 7, 'week')}"
    return f"for {counted(round(days / 30.44), 'month')}"


def _due(stored: str) -> Mrkdwn:
    """A stored due time as each reader's clock shows it; the stored text if it is no time."""
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return escape(stored)
    return local_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _what_counted(card: CaseCard, contact: Contact) -> str:
    """What this /case did: opened a case, counted a contact, moved it to another case, or
    nothing more (typed or clicked again)."""
    if contact.earlier is not None:
        done = (
            "opened this case"
            if contact.is_new_case
            else f"counted this contact on {card.case.ref}"
        )
        return f"You {done} {ago(contact.earlier)}, so nothing more was counted."
    if contact.is_new_case and card.case.follows is not None:
        return (
            f"Opened a new case: the customer is back about C-{card.case.follows}, which "
            "was closed (its root cause stays as it was). "
            f"{counted(contact.contact_number, 'contact')} on this matter so far."
        )
    if contact.moved_from is not None:
        return _moved(card, contact)
    return "Opened a new case." if contact.is_new_case else "Counted another contact."


def _moved(card: CaseCard, contact: Contact) -> str:
    """What "Add to C-1001 instead" did, if that is what counted the contact."""
    if contact.moved_from is None:
        return ""
    return (
        f"Counted this contact on {card.case.ref} instead: C-{contact.moved_from}, opened for "
        "it, is no longer kept."
    )


def contacts(case: Case) -> str:
    """A case's contacts, and the matter's when it follows a closed case on the same matter:
    "2 contacts (3 on this matter, with C-1001)", as the third-contact rule counts them."""
    own = counted(case.contact_count, "contact")
    if case.follows is None:
        return own
    return f"{own} ({case.matter_contacts} on this matter, with C-{case.follows})"


def ago(elapsed: timedelta) -> str:
    """ "just now", "1 minute ago", "4 minutes ago"."""
    minutes = int(elapsed.total_seconds() // 60)
    return "just now" if minutes < 1 else f"{counted(minutes, 'minute')} ago"


# What became of a promise no longer open, as a matter's history and its reminders say: one
# closed with its case was not said to be kept, so it never reads "done".
SETTLED_PROMISE = {"done": "done", "closed": "closed with its case"}


def promise_lines(promises: Sequence[Followup]) -> list[str]:
    """A case's open promises, as its card and its redirect packet list them: "F-2 · call Tom
    back · due tomorrow at 10:00 AM" (the due time in each reader's own time zone, after the
    customer's where the rep named one), and when it was first due if it was snoozed after
    that (`missed`)."""
    return [
        Mrkdwn(f"F-{f.id} · {escape(shorten(f.what, 200))} · due ")
        + due_time(f.due_at, None, zone=f.zone)[1]
        + missed(f)
        for f in promises
    ]


def case_card(
    card: CaseCard, today: date, policy: SolutionPolicy, promises: Sequence[Followup],
    contact: Contact | None = None,
) -> Message:  # fmt: skip
    """Everything about a case at a glance (`promises`: its open follow-ups, by due time), and
    what the rep can do next."""
    case = card.case
    heading = Mrkdwn(
        f"*{escape(case.ref)} · {escape(case.customer.name)}* "
        f"({escape(tenure(case.customer, today))})\n"
        f"Topic: {escape(case.topic)} · owner {mention(case.owner_id)} · "
        f"{contacts(case)} · {case.status}"
    )
    blocks = []
    if contact is not None and contact.callback_due:
        if said := f"{found(contact)} {_moved(card, contact)}".strip():
            blocks.append(context(said))
        blocks.append(
            section(
                ":rotating_light: This is this customer's third contact on this matter: "
                "a senior has been asked to call them back."
            )
        )
    elif contact is not None:
        blocks.append(context(f"{found(contact)} {_what_counted(card, contact)}".strip()))
    blocks.append(section(heading))
    if card.notes:
        lines: list[str] = [
            Mrkdwn(f"{escape(shorten(text, 300))} ({mention(user)})")
            for user, text, _ in reversed(card.notes)
        ]
        blocks += bulleted(
            Mrkdwn("*Notes*, newest first"),
            lines,
            shown=NOTES_SHOWN,
            rest="Older notes are not shown.",
        )
    if card.solutions:
        lines = [f"{describe(policy, s)}: {s.status}" for s in card.solutions]
        blocks += bulleted(
            Mrkdwn("*Solutions*"), lines, shown=LISTED, rest="The first proposed are shown."
        )
    if promises:
        blocks += bulleted(
            Mrkdwn("*Promises*"), promise_lines(promises), shown=LISTED,
            rest="The soonest due are shown.",
        )  # fmt: skip
    if case.status == "open":
        blocks.append(
            actions(
                numbered(Block.CASE, case.id),
                button("Propose a solution", Action.CASE_SOLVE, str(case.id), "primary"),
                button("Close case", Action.CASE_CLOSE, str(case.id)),
            )
        )
    text = f"{case.ref} {case.customer.name}: {case.topic}"
    if contact is not None and (others := _other_open_cases(contact)):
        blocks += others
        refs = ", ".join(f"{other.ref} ({other.topic})" for other in contact.others)
        text += f". Also open for {case.customer.name}: {refs}. Is this contact about one of them?"
    return message(text, blocks)


def _select(block_id: Field, label: str, options: list[tuple[str, str]], chosen: str = "") -> dict:
    shown = [option(text, value) for text, value in options]
    element: dict = {"type": "static_select", "action_id": FIELD_INPUT, "options": shown}
    if initial := next((o for o in shown if o["value"] == chosen), None):
        element["initial_option"] = initial
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}


def _amount_field(options: list[SolutionType], currency: str, typed: str = "") -> dict:
    """The amount, labelled with the units of the solutions offered: the currency, and any
    other unit (months) with a hint saying which solution counts in it."""
    money = any(t.unit == currency for t in options)
    other_units = [t for t in options if t.unit is not None and t.unit != currency]
    units = [currency] if money or not other_units else []
    units += dict.fromkeys(t.unit or "" for t in other_units)
    label = f"Amount ({' or '.join(units)}), where it applies"
    if not other_units:
        return text_field(Field.AMOUNT, label, optional=True, placeholder="e.g. 12.50",
                          initial=typed)  # fmt: skip
    hint = " ".join(f"{t.label}: how many {t.unit}, like 2." for t in other_units)
    if money:
        hint += f" Other amounts in {currency}, like 12.50."
    return text_field(Field.AMOUNT, label, optional=True, hint=hint, initial=typed)


class Typed(NamedTuple):
    """What a rep typed in the /solve modal, shown again when it asks them to confirm."""

    type_id: str = ""
    amount: str = ""
    reason: str = ""


def solve_modal(
    card: CaseCard, options: list[SolutionType], currency: str, meta: dict,
    typed: Typed | None = None, warning: Mrkdwn | None = None,
) -> dict:  # fmt: skip
    """The solutions the playbook allows for this case, with amount and reason; with a
    `warning` (see `denied_before`), the form again as the rep filled it, to go ahead anyway."""
    typed = typed or Typed()
    blocks = [section(warning)] if warning else []
    blocks += [
        section(Mrkdwn(f"*{escape(card.case.customer.name)}*: {escape(card.case.topic)}")),
        _select(Field.TYPE, "Solution", [(t.label, t.id) for t in options], typed.type_id),
        _amount_field(options, currency, typed.amount),
        text_field(Field.REASON, "Reason", multiline=True, initial=typed.reason),
    ]
    return {
        "type": "modal",
        "callback_id": Modal.SOLVE,
        "private_metadata": json.dumps(meta),
        "title": plain(f"Solve {card.case.ref}", TITLE_LIMIT),
        "submit": plain("Grant anyway" if warning else "Propose", TITLE_LIMIT),
        "close": plain("Cancel", TITLE_LIMIT),
        "blocks": blocks,
    }


def denied_before(denied: SolutionRecord, policy: SolutionPolicy) -> Mrkdwn:
    """Above the /solve form, for a solution inside the rep's authority of a type denied on the
    case: who denied what, when and why, before the rep grants it past them."""
    text = Mrkdwn(":warning: *") + escape(f"{describe(policy, denied)} on C-{denied.case_id}")
    text += Mrkdwn(f" was denied* ({denied.ref}) by ") + mention(denied.decided_by or "")
    text += Mrkdwn(" ") + shown_at(datetime.fromisoformat(denied.decided_at or ""))
    if denied.decision_reason:
        text += Mrkdwn("\n") + quote(denied.decision_reason, 500)
    text += Mrkdwn("\nThis one is inside your authority. To grant it anyway, press *Grant "
                   "anyway*: ") + mention(denied.decided_by or "")  # fmt: skip
    return text + " is told. Or choose another solution, or Cancel."


def after_denial(
    card: CaseCard, solution: SolutionRecord, denied: SolutionRecord, policy: SolutionPolicy
) -> tuple[Message, tuple[str, Mrkdwn]]:
    """A solution granted past a denial of its type on the case: what whoever denied it is
    told, and the line the rep's outcome adds (plain and as shown)."""
    what, was = describe(policy, solution), describe(policy, denied)
    case = card.case
    said = (
        f"{what} on {case.ref} was granted within the rep's own authority after you denied "
        f"{was} ({denied.ref})"
    )
    text = Mrkdwn(":information_source: ") + mention(solution.requested_by)
    text += Mrkdwn(
        f" granted *{escape(what)}* for *{escape(case.customer.name)}* on {escape(case.ref)} "
        f"({escape(case.topic)}) within their own authority, after you denied "
        f"{escape(was)} ({escape(denied.ref)}). Their reason:\n"
    ) + quote(solution.reason, 500)  # fmt: skip
    rep_said = f"You granted it after {was} ({denied.ref}) was denied; whoever denied it is told."
    rep_shown = Mrkdwn(f"You granted it after {escape(was)} ({escape(denied.ref)}) was denied by ")
    rep_shown += mention(denied.decided_by or "") + ", who is told."
    return message(f"{said}. Their reason: {solution.reason}", sections(text)), (
        rep_said,
        rep_shown,
    )


def _same_kind_line(other: SolutionRecord, policy: SolutionPolicy) -> tuple[str, Mrkdwn]:
    """Another solution of a request's kind on its case, plain and as shown: what, and where
    it stands, by whom and when."""
    said = f"{describe(policy, other)} ({other.ref})"
    if other.status == "pending":
        how, by, at = "waiting for approval", other.requested_by, other.created_at
    elif other.status == "authorized":  # at once, inside the authority of who asked
        how, by, at = "authorized", other.requested_by, other.created_at
    else:
        how, by, at = other.status, other.decided_by or "", other.decided_at or other.created_at
    asked = ", asked" if other.status == "pending" else ""
    shown = escape(f"{said}, {how}{asked} by ") + mention(by) + " "
    return f"{said} {how}", shown + shown_at(datetime.fromisoformat(at))


def _open_lines(
    items: OpenItems, policy: SolutionPolicy, teams: Mapping[str, Team], done: bool
) -> list[str]:
    """What closing a case settles, each as what becomes of it: before (`done` False), as the
    close form warns of it, or after, as the closed case says it."""
    withdraw, close = ("Withdrawn: ", "Closed: ") if done else ("Withdraws ", "Closes ")
    waits, nothing = ("waited", "nothing was granted") if done else ("waits", "nothing is granted")
    lines: list[str] = [
        Mrkdwn(f"{withdraw}{escape(describe(policy, s))} ({s.ref}), which {waits} for approval "
               "(asked by ") + mention(s.requested_by) + f"): {nothing}"
        for s in items.solutions
    ]  # fmt: skip
    lines += [
        f"{withdraw}the redirect to {team_name(teams, r.team_id)} ({r.ref}) that nobody "
        f"{'had' if done else 'has'} taken"
        for r in items.redirects
    ]
    lines += [
        Mrkdwn(f"{close}the promise ") + line + Mrkdwn(", made by ") + mention(f.owner_id)
        for f, line in zip(items.promises, promise_lines(items.promises), strict=True)
    ]
    return lines


def close_modal(card: CaseCard, items: OpenItems, policy: SolutionPolicy,
                teams: Mapping[str, Team]) -> dict:  # fmt: skip
    """The root cause to record, and what else closing the case will do: withdraw what still
    waits on it and close its promises, each named, so nothing is settled unseen."""
    blocks = [
        section("What caused this contact? Management sees where contacts come from."),
        _select(Field.ROOT_CAUSE, "Root cause", [(root_cause_label(c), c) for c in ROOT_CAUSES]),
    ]
    if items:
        heading = Mrkdwn(f"*Closing {escape(card.case.ref)} also settles what is still open on "
                         "it:*")  # fmt: skip
        blocks += bulleted(heading, _open_lines(items, policy, teams, done=False), shown=LISTED,
                           rest="All of them are settled.")  # fmt: skip
        blocks.append(context(
            "Still owe the customer one of these? Cancel, and close the case once it is done."
        ))  # fmt: skip
    return {
        "type": "modal",
        "callback_id": Modal.CLOSE_CASE,
        "private_metadata": json.dumps({"case_id": card.case.id}),
        "title": plain(f"Close {card.case.ref}", TITLE_LIMIT),
        "submit": plain("Close case", TITLE_LIMIT),
        "blocks": blocks,
    }


def closed_modal(closed: ClosedCase, policy: SolutionPolicy, teams: Mapping[str, Team]) -> dict:
    """What the close modal turns into once the case is closed: what was recorded, and what
    was settled with it."""
    case = closed.case
    cause = root_cause_label(case.root_cause or "unknown")
    blocks = [
        section(
            f"{case.ref} ({case.customer.name}, {case.topic or 'no topic'}) is closed. "
            f"Root cause recorded: {cause}. If the customer comes back about it, "
            "/case opens a new case that follows this one."
        )  # fmt: skip
    ]
    if closed.settled:
        blocks += bulleted(Mrkdwn("*Settled with it:*"),
                           _open_lines(closed.settled, policy, teams, done=True), shown=LISTED,
                           rest="All of them were settled.")  # fmt: skip
    return {
        "type": "modal",
        "title": plain(f"{case.ref} closed", TITLE_LIMIT),
        "close": plain("Done", TITLE_LIMIT),
        "blocks": blocks,
    }


def deny_modal(solution_id: int, meta: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": Modal.DENY_SOLUTION,
        "private_metadata": json.dumps({**meta, "solution_id": solution_id}),
        "title": plain("Deny the solution", TITLE_LIMIT),
        "submit": plain("Deny", TITLE_LIMIT),
        "blocks": [text_field(Field.REASON, "Why? The rep sees this.", multiline=True)],
    }


def told_modal(title: str, told: Message) -> dict:
    """What a modal turns into when its submission could not be done: `told`, and Done."""
    return {
        "type": "modal",
        "title": plain(title, TITLE_LIMIT),
        "close": plain("Done", TITLE_LIMIT),
        "blocks": told["blocks"],
    }


# The earlier grants a warning names one by one, the latest: a phone shows a few lines.
GRANTS_NAMED = 3


def granted_before(
    granted: Sequence[SolutionRecord], policy: SolutionPolicy, *, waits: bool = False
) -> tuple[str, Mrkdwn]:
    """The same solution already granted on the case (each time, the earliest first), in
    plain words (for a notification) and as shown: which grant this one is ("the third"),
    then who granted each before it and when, as Slack shows a person and a time to each
    reader; `waits`: this one waits for a decision, so it would be that grant."""
    first = granted[0]
    verb = "would be" if waits else "is"
    this = ordinal(len(granted) + 1)
    said = f"This {verb} the {this} {describe(policy, first)} on C-{first.case_id}."
    shown = Mrkdwn(":warning: *") + escape(said) + Mrkdwn("*")
    for place, grant in list(enumerate(granted, start=1))[-GRANTS_NAMED:]:
        shown += Mrkdwn(f"\nThe {ordinal(place)}: ")
        if grant.status == "approved":
            shown += Mrkdwn("approved by ") + mention(grant.decided_by or "")
            shown += Mrkdwn(" ") + shown_at(datetime.fromisoformat(grant.decided_at or ""))
            shown += Mrkdwn(", asked by ") + mention(grant.requested_by) + "."
        else:  # authorized at once, inside the authority of who asked
            shown += Mrkdwn("authorized by ") + mention(grant.requested_by)
            shown += Mrkdwn(" ") + shown_at(datetime.fromisoformat(grant.created_at)) + "."
    return said, shown


def approval_card(
    card: CaseCard, solution: SolutionRecord, needs_role: str, policy: SolutionPolicy,
    granted: Sequence[SolutionRecord] = (), others: Sequence[SolutionRecord] = (),
) -> Message:  # fmt: skip
    """The request before the leads, with Approve and Deny; with `granted`, the same solution
    already granted on the case, so that nobody pays it twice without meaning to; `others`,
    the other solutions of its kind on the case lately (see `same_kind`), so that two
    deciders do not each grant one for the same matter unseen."""
    case = card.case
    text = Mrkdwn(
        f"*Approval needed ({escape(needs_role)} or above)*: "
        f"{escape(describe(policy, solution))} for *{escape(case.customer.name)}* on "
        f"{escape(case.ref)} ({escape(case.topic)}), proposed by {mention(solution.requested_by)}"
        f"\n{quote(solution.reason, 500)}"
    )
    fallback = f"Approval needed: {describe(policy, solution)} on {case.ref}"
    if granted:
        said, shown = granted_before(granted, policy, waits=True)
        have = how_often(len(granted) + 1)
        text += Mrkdwn("\n") + shown + f" Approve only if the customer is to have it {have}."
        fallback += f". {said}"
    granted_ids = {g.id for g in granted}
    lines = [_same_kind_line(o, policy) for o in others if o.id not in granted_ids]
    if lines:
        text += Mrkdwn(f"\n:information_source: *Also on {escape(case.ref)} lately:* ")
        text += Mrkdwn("; ").join(shown for _, shown in lines) + "."
        fallback += f". Also on {case.ref} lately: {'; '.join(said for said, _ in lines)}."
    return message(fallback, [*sections(text), decision_buttons(solution)])


def waited(elapsed: timedelta) -> str:
    """How long something has waited, in its two largest units: "30 minutes", "1 hour 5
    minutes", "2 days 16 hours"."""
    minutes = max(0, int(elapsed.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        units = [counted(days, "day"), counted(hours, "hour") if hours else ""]
    elif hours:
        units = [counted(hours, "hour"), counted(minutes, "minute") if minutes else ""]
    else:
        units = [counted(minutes, "minute") if minutes else "less than a minute"]
    return " ".join(unit for unit in units if unit)


def approval_nudge(
    card: CaseCard, solution: SolutionRecord, needs_role: str, policy: SolutionPolicy,
    now: datetime, tz: ZoneInfo | None, granted: Sequence[SolutionRecord] = (),
    others: Sequence[SolutionRecord] = (),
) -> Message:  # fmt: skip
    """A request that has waited too long, in the DM of someone who may decide it: how long,
    then the request as its approval card shows it, with the same Approve and Deny."""
    asked = datetime.fromisoformat(solution.created_at)
    said = f"{solution.ref} has waited {waited(now - asked)} for a decision"
    shown = Mrkdwn(f":hourglass: *{escape(said)}* (asked ") + local_time(asked, tz)
    shown += Mrkdwn("), and you can decide it:")
    request = approval_card(card, solution, needs_role, policy, granted, others)
    return message(
        f"{said}, and you can decide it. {request['text']}", [section(shown), *request["blocks"]]
    )


def nobody_to_decide(
    card: CaseCard, solution: SolutionRecord, needs_role: str | None, policy: SolutionPolicy,
    now: datetime,
) -> Message:  # fmt: skip
    """For the leads' channel, once, when nobody listed in roles.yaml may decide a request
    that has waited too long: who could (`needs_role`; None, nobody now, whatever their
    role)."""
    what = describe(policy, solution)
    said = (
        f"Nobody listed in roles.yaml can decide {solution.ref}, which has waited "
        f"{waited(now - datetime.fromisoformat(solution.created_at))}"
    )
    if needs_role is None:
        could = (
            "It is now beyond every role's limits (more was granted meanwhile, or the playbook "
            "changed): the rep can ask for another solution, and closing the case withdraws it."
        )
    else:
        could = (
            f"A {needs_role} or above could, other than the one who asked: add one to "
            f"roles.yaml (roles: {needs_role}) and they can decide it on its approval card or "
            "their repbot Home tab."
        )
    shown = Mrkdwn(
        f":warning: *{escape(said)}*: {escape(what)} for *{escape(card.case.customer.name)}* "
        f"on {escape(card.case.ref)} ({escape(card.case.topic)}), proposed by "
        f"{mention(solution.requested_by)}.\n{escape(could)}"
    )
    return message(f"{said}: {what} on {card.case.ref}. {could}", sections(shown))


def decision_buttons(solution: SolutionRecord) -> dict:
    """Approve and Deny for a pending solution, on its approval card or a lead's Home tab."""
    value = str(solution.id)
    return actions(
        numbered(Block.APPROVAL, solution.id),
        button("Approve", Action.SOLUTION_APPROVE, value, "primary"),
        button("Deny", Action.SOLUTION_DENY, value, "danger"),
    )


def approval_undelivered(
    card: CaseCard, solution: SolutionRecord, policy: SolutionPolicy
) -> Message:
    """What the rep is told when Slack would not take their approval request to the leads."""
    return note(
        f"Your request for approval of {describe(policy, solution)} on {card.case.ref} could "
        "not reach the leads: Slack refused it. It is still open, and a lead can approve or "
        "deny it on their repbot Home tab; please tell a lead, and tell the customer it is "
        "taking longer."
    )


def withdrawn_card(card: CaseCard, solution: SolutionRecord, policy: SolutionPolicy) -> Message:
    """An approval card once its case was closed: nothing left to approve, and no buttons."""
    what = describe(policy, solution)
    text = (
        Mrkdwn(
            f"*Withdrawn*: {escape(what)} for *{escape(card.case.customer.name)}* on "
            f"{escape(card.case.ref)}. "
        )
        + mention(solution.decided_by or "")
        + Mrkdwn(" closed the case ")
    )
    text += shown_at(datetime.fromisoformat(solution.decided_at or ""))
    text += ", so there is nothing to approve."
    return message(
        f"Withdrawn: {what} on {card.case.ref}. The case was closed, so there is nothing to "
        "approve.",
        sections(text),
    )


def withdrawn_for_rep(solution: SolutionRecord, policy: SolutionPolicy) -> Message:
    """What a rep who asked for a solution hears when someone else closed its case first."""
    said = f"Withdrawn: {describe(policy, solution)} on C-{solution.case_id}."
    text = escape(said) + Mrkdwn(" ") + mention(solution.decided_by or "")
    text += " closed the case, so nothing was granted."
    return message(f"{said} The case was closed, so nothing was granted.", sections(text))


def decided_card(card: CaseCard, solution: SolutionRecord, policy: SolutionPolicy) -> Message:
    verdict = "Approved" if solution.status == "approved" else "Denied"
    text = Mrkdwn(
        f"*{verdict}* by {mention(solution.decided_by or '')}: "
        f"{escape(describe(policy, solution))} for *{escape(card.case.customer.name)}* on "
        f"{escape(card.case.ref)}"
    )
    if solution.decision_reason:
        text += Mrkdwn("\n") + quote(solution.decision_reason, 500)
    if solution.decided_at:  # how long it waited, for good: a nudge's "has waited" was then
        decided = datetime.fromisoformat(solution.decided_at)
        asked = datetime.fromisoformat(solution.created_at)
        text += Mrkdwn("\nDecided ") + shown_at(decided) + f", {waited(decided - asked)} after "
        text += Mrkdwn("it was asked.")
    return message(f"{verdict}: {describe(policy, solution)} on {card.case.ref}", sections(text))


def outcome_for_rep(
    headline: str, customer_message: str, why: str | None = None,
    warning: tuple[str, Mrkdwn] | None = None, noted: tuple[str, Mrkdwn] | None = None,
) -> Message:  # fmt: skip
    """What the rep is told about a solution, with the message to pass to the customer; `why`,
    the reason a lead gave for a denial; `warning`, what they should know of it (in plain
    words, and as shown: see `granted_before`)."""
    # The reason is the decider's words, often with no full stop: a phone ran it into the next.
    said = f"{headline} Why: {why.rstrip()}" if why else headline
    said += "" if said.endswith((".", "!", "?")) else "."
    shown = Mrkdwn(escape(headline)) + (Mrkdwn("\n*Why:* ") + why if why else Mrkdwn(""))
    for told in (warning, noted):  # `noted`: what else they should know (`after_denial`)
        if told is not None:
            said += f" {told[0]}"
            shown += Mrkdwn("\n") + told[1]
    return message(
        f"{said} {customer_message}",
        [*sections(shown), *sections(Mrkdwn("*For the customer:*\n") + customer_message)],
    )


def _happened(
    event: Event, policy: SolutionPolicy, teams: Mapping[str, Team], today: str
) -> Mrkdwn:
    """One line of a matter's history: when, what, and on which case when not `today`'s."""
    match event:
        case NoteAdded(user_id=user_id, text=text):
            what = Mrkdwn("Note by ") + mention(user_id) + f": {shorten(text, 200)}"
        case FaqTried(entry_id=entry_id, entry=entry):
            what = Mrkdwn("Tried from the FAQ: ") + tried(entry_id, entry, 200)
        case DraftSent(text=text):
            what = Mrkdwn("Sent to the customer: ") + shorten(text, 200)
        case SolutionAsked(solution=solution):
            what = (Mrkdwn(f"{escape(describe(policy, solution))} asked by ")
                    + mention(solution.requested_by) + f": {solution.status}")  # fmt: skip
        case Promised(promise=promise):
            what = (Mrkdwn(f"Promised {promise.ref}: {escape(shorten(promise.what, 200))} · due ")
                    + due_time(promise.due_at, None, zone=promise.zone)[1] + missed(promise)
                    + (f" · {SETTLED_PROMISE[promise.status]}"
                       if promise.status in SETTLED_PROMISE else ""))  # fmt: skip
        case Redirected(redirect=sent):
            to = f"Sent to {team_name(teams, sent.team_id)} ({sent.ref}) by "
            what = Mrkdwn(escape(to)) + mention(sent.from_user) + ": "
            if sent.status == "taken":
                what += Mrkdwn("taken by ") + mention(sent.taken_by or "")
            else:
                what += "withdrawn with its case" if sent.status == "withdrawn" else "not taken yet"
        case Closed(case=closed):
            what = escape(
                f"{closed.ref} ({shorten(closed.topic, 80)}) closed, root cause "
                f"{root_cause_label(closed.root_cause or 'unknown')}"
            )
        case _:
            raise TypeError(f"no line for {event!r}")
    when = local_time(event.at) + " · "
    on = "" if event.case_ref == today or isinstance(event, Closed) else f" (on {event.case_ref})"
    return when + what + on


def callback_alert(
    card: CaseCard, history: Sequence[Event], policy: SolutionPolicy, teams: Mapping[str, Team]
) -> Message:
    """The seniors' call to ring the customer back: how often they have contacted us on the
    matter (this case and the closed ones it follows) and its history, newest first: what was
    tried across the contacts (`matter_history`), so the customer is not asked again."""
    case = card.case
    times = f"{case.matter_contacts} times about {case.topic}"
    if card.earlier:
        parts = [f"{case.contact_count} on this case"] + [
            f"{e.case.contact_count} on {e.case.ref}, closed with root cause "
            f"{root_cause_label(e.case.root_cause or 'unknown')}"
            for e in card.earlier
        ]
        times += f" ({', '.join(parts[:-1])} and {parts[-1]})"
    return message(
        f"Senior callback: {case.ref} {case.customer.name}",
        [
            section(
                Mrkdwn(
                    f":telephone_receiver: *Senior callback needed*: {escape(case.ref)} · "
                    f"*{escape(case.customer.name)}* has contacted us {escape(times)}. "
                    f"Owner {mention(case.owner_id)}."
                )
            ),
            *bulleted(
                Mrkdwn("*History*, newest first"),
                [_happened(event, policy, teams, case.ref) for event in history],
                shown=HISTORY_SHOWN,
                rest=f"/case {case.ref} shows the case.",
                empty="Nothing recorded yet: no notes, FAQ answers tried, drafts sent, "
                "solutions, promises or redirects.",
            ),
        ],
    )


def already_asked(
    solution: SolutionRecord, policy: SolutionPolicy, reader: str, leads: str | None,
    grants: int = 1,
) -> tuple[str, Message]:  # fmt: skip
    """A /solve for what was already asked for, the modal's title and what it says: what
    already waits for a decision on the case, who asked for it and when (as Slack shows a
    person and a time to each reader), and who decides it, where; or the reader's own request
    just authorized, which and when, and how to grant one more (`grants`: how many the case
    has had, that one included)."""
    if solution.status == "authorized":  # the reader's, a moment ago (`propose`)
        said = (
            f"{describe(policy, solution)} on C-{solution.case_id} "
            f"is {solution.ref}, already authorized for you, so nothing was granted again."
        )
        text = escape(said) + Mrkdwn(" You asked for it ")
        text += shown_at(datetime.fromisoformat(solution.created_at))
        more = ordinal(grants + 1)
        text += Mrkdwn(
            f"; the words for the customer are in your DM. To grant it a {more} time, give the"
            f" reason for the {more}."
        )
        return "Already authorized", message(said, [section(text)])
    said = (
        f"{describe(policy, solution)} on C-{solution.case_id} is already waiting for approval,"
        " so nothing was sent again."
    )
    mine = solution.requested_by == reader
    who = Mrkdwn("You") if mine else mention(solution.requested_by)
    text = escape(said) + Mrkdwn(" ") + who + " asked for it "
    text += shown_at(datetime.fromisoformat(solution.created_at))
    if solution.needs_role:
        text += f"; a {solution.needs_role} or above decides it"
        if leads:
            text += Mrkdwn(f" in <#{escape(leads)}>")
    text += Mrkdwn(". ") + (
        who + "'ll hear the outcome in a DM." if mine else who + " hears the outcome."
    )
    return "Already waiting", message(said, [section(text)])


def already_decided(solution: SolutionRecord, tz: ZoneInfo | None) -> Message:
    """Who decided a solution and when, as Slack shows a person and a time to each reader (in a
    phone's words on the clock of `tz`, the reader's zone); for one withdrawn, that its case
    was closed, by whom and when."""
    at = datetime.fromisoformat(solution.decided_at) if solution.decided_at else None
    if solution.status == "withdrawn":
        words = (
            f"C-{solution.case_id} is closed, so {solution.ref} was withdrawn and there is "
            "nothing to approve or deny. It was closed"
        )
        return refusal(words, solution.decided_by, at, tz)
    return refusal(f"{solution.ref} was already {solution.status}", solution.decided_by, at, tz)
