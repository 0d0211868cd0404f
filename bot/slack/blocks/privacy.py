"""A customer's data in Slack (/customer), for those roles.yaml gives the right: what repbot
holds about them, with Export and Erase; the erase modal and what it did."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cases.audit import entries
from bot.privacy.service import Erasure, Overview
from bot.shared import times
from bot.slack.blocks.base import (
    TITLE_LIMIT,
    Message,
    Mrkdwn,
    actions,
    button,
    code,
    context,
    counted,
    escape,
    local_time,
    message,
    note,
    plain,
    said_at,
    section,
    shown_at,
    text_field,
    usage,
)
from bot.slack.blocks.cases import found_as
from bot.slack.ids import Action, Block, Command, Field, Modal


def customer_usage() -> Message:
    return usage(Command.CUSTOMER, "<CRM id, email, name or case id>", "BX-10001")


def not_allowed() -> Message:
    # Whoever asks (a rep with a customer's request, a manager) learns who answers it and how
    # the right is given, not a file to edit themselves.
    after = (
        "). Pass a customer's request to them; they can give leads and managers this right "
        "in the team's roles.yaml."
    )
    words = Mrkdwn("Requests for a customer's data are answered by an administrator (") + (
        code("repbot customers export") + " or " + code("erase") + after
    )
    return message(
        "Requests for a customer's data are answered by an administrator (repbot customers "
        f"export or erase{after}",
        [section(words)],
    )


def overview_card(found: Overview, tz: ZoneInfo | None) -> Message:
    """What repbot holds about the customer, with Export and (unless erased) Erase; when they
    were erased, on the clock of `tz` (the reader's zone) in a phone's words."""
    who = f"{found.name} ({found.id})"
    if found.erased_at:
        at = datetime.fromisoformat(found.erased_at)
        kept = "repbot keeps only counts."
        shown = f"{escape(found.name)}'s data was erased {shown_at(at)}: {kept}"
        return message(f"{found.name}'s data was erased {said_at(at, tz)}: {kept}",
                       [section(Mrkdwn(shown))])  # fmt: skip
    held = ", ".join(counted(n, noun) for noun, n in found.held.items() if n or noun == "case")
    lines: list[str] = [Mrkdwn(f"*{escape(who)}*") + (f" · {found.email}" if found.email else ""),
             f"repbot holds {held}."]  # fmt: skip
    if found.open_cases:
        which = "it is" if len(found.open_cases) == 1 else "they are"
        lines.append(f"Open: {', '.join(found.open_cases)}. An erasure waits until {which} closed.")
    # Said as /case says it, above the buttons: an erasure cannot wait on a guess being right.
    how = found_as(found.how, who)
    if found.how.guessed:
        how += " Check it is them: an erasure cannot be undone."
    lines.append(how)
    buttons = [button("Export data", Action.CUSTOMER_EXPORT, found.id)]
    buttons.append(button("Erase…", Action.CUSTOMER_ERASE, found.id, style="danger"))
    return message(
        f"{who}: {held}" + (f". {how}" if found.how.guessed else ""),
        [section(Mrkdwn("\n").join(lines)), actions(Block.CUSTOMER_DATA, *buttons),
         context("The export comes to your direct messages as a JSON file.")],
    )  # fmt: skip


def export_sent(customer_id: str, filename: str) -> Message:
    words = f"The data of {customer_id} is on its way to your direct messages ({filename})."
    return message(words, [section(escape(words))])


def export_already_sent(customer_id: str, filename: str) -> str:
    """A refusal's words (the time follows them) for a second click on Export data."""
    return (
        f"No need to export again: the data of {customer_id} went to your direct messages "
        f"({filename}) when you first clicked"
    )


def erase_modal(customer_id: str, name: str) -> dict:
    return {
        "type": "modal",
        "callback_id": Modal.ERASE_CUSTOMER,
        "private_metadata": json.dumps({"customer": customer_id}),
        "title": plain("Erase a customer", TITLE_LIMIT),
        "submit": plain("Erase", TITLE_LIMIT),
        "blocks": [
            section(
                Mrkdwn(f"Erase *{escape(name)}* ({escape(customer_id)})? ")
                + "Their name, email, CRM id and the words of their cases go, everywhere "
                "repbot kept them; the counts stay. This cannot be undone."
            ),
            text_field(
                Field.REASON,
                "Why? The audit log keeps it: no names, please.",
                placeholder="the request's reference, such as DSR-2026-014",
            ),  # fmt: skip
        ],
    }


def erased_modal(erasure: Erasure, slack: SlackCopies, tz: ZoneInfo) -> dict:
    """What was erased, and what became of the bot's messages in Slack about them; its time in
    the reader's zone (`tz`), as every time Slack shows."""
    lines = erasure_report(erasure, slack, when=lambda moment: local_time(moment, tz))
    return {
        "type": "modal",
        "title": plain("Customer erased", TITLE_LIMIT),
        "close": plain("Done", TITLE_LIMIT),
        "blocks": [section(escape(line)) for line in lines],
    }


@dataclass(frozen=True)
class SlackCopies:
    """What an erasure could and could not change of the bot's messages about the customer."""

    posts: int  # messages that will say they were erased
    out_of_reach: list[str]  # their cases ("C-1001") whose older messages may still name them
    since: datetime  # before this, the outbox no longer knows what it sent


def erasure_report(
    erasure: Erasure, slack: SlackCopies, also: tuple[str, ...] = (), sending: str = "",
    when: Callable[[datetime], str] = times.at_utc,
) -> list[str]:  # fmt: skip
    """For whoever ran an erasure, in plain lines: who the customer is from now on, what was
    erased (`also`: what else the caller erased, after the records), what becomes of the bot's
    messages about them in Slack (`sending`: when that happens), and which ones repbot can no
    longer reach, since a time as `when` words it: in UTC on the command line, a date token of
    the reader's zone in Slack (Mrkdwn, whose line then escapes the words around it)."""
    erased = [counted(n, kind) for kind, n in erasure.records.items() if n] + list(also)
    if erasure.audit_rows:
        erased.append(f"the personal details of {entries(erasure.audit_rows)} in the audit log")
    lines = [f"Erased {erasure.was}: from now on {erasure.name}. Erased: {', '.join(erased)}."]
    if slack.posts:
        lines.append(
            f"{counted(slack.posts, 'message')} the bot posted about them in Slack will say only "
            f"that {erasure.name}'s data was erased. {sending}".strip()
        )
    if slack.out_of_reach:
        cases = ", ".join(slack.out_of_reach)
        lines.append(
            "Not reached: messages the bot posted before " + when(slack.since) + f" about "
            f"{cases} (approval cards, redirect packets, reminders) may still name them in Slack; "
            f"repbot no longer knows where they are. Search Slack for {cases} and delete them."
        )
    return lines


def erased_post(name: str) -> Message:
    """What a message the bot posted about an erased customer's case says from then on."""
    return note(f"This message was about {name}, whose data has since been erased.")
