"""Buttons of /kb gaps: add a question as a phrasing, start a new entry, or ignore it.

What a lead's click changes is written (the phrasing in the knowledge files, an ignored gap
in the database, the claim of the click) before Slack hears the acknowledgement. After it, the
FAQ reads the files again (seconds on a large FAQ, too long to make Slack wait for), the gap's
questions /faq now answers with the entry are closed, and the list is shown as it is. Should
the process die in between, the gap stays on the list: every process reads the files again
within seconds and at its start, and the lead's click again ("already a phrasing") closes
what /faq answers."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.faq.curate import CurateError
from bot.faq.gaps import (
    Gap,
    ToClose,
    close_answered,
    find_gap,
    find_gaps,
    ignore_gap,
    preview_phrasing,
    resolver,
    write_phrasing,
)
from bot.faq.knowledge import Entry
from bot.services import Services
from bot.slack import queries as edge_db
from bot.slack.blocks import base
from bot.slack.blocks import kb as kb_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Action
from bot.slack.listeners.acks import acknowledge
from bot.slack.outbox import Outbox

log = logging.getLogger(__name__)

# in the context: what the acknowledging listener did, for the list to say, or what it wrote
# for the step after the acknowledgement to close the gap's questions with
DONE = "kb_done"


@dataclass(frozen=True)
class Chosen:
    """An entry a lead chose from a gap's menu (or its button, when reps turned entries down
    for it): nothing is written until they have read what /faq would do with it and confirmed
    (`kb_blocks.add_phrasing_asked`)."""

    gap: Gap
    entry: Entry


# (services, gap, the action, the lead's user id) -> what was done, what was written, or what
# to ask the lead first
GapHandler = Callable[[Services, Gap, dict, str], str | ToClose | Chosen]


def gaps_now(services: Services, done: str | ToClose) -> base.Message:
    """The list as it is now, once the FAQ read the files again, saying what was `done`; a
    phrasing or entry just written first closes the gap's questions /faq answers with it."""
    if isinstance(done, ToClose):
        done = _closed(services, done)
    services.faq.reload()
    gaps = find_gaps(services.store, services.faq.edition, services.store.clock.now())
    return kb_blocks.gaps_list(gaps, done=done)


def _closed(services: Services, done: ToClose) -> str:
    """Closes what /faq answers with the entry now; says so, and names the rest."""
    left_open = close_answered(services.faq, done)
    file = done.written.file if done.written else None
    if done.action == "phrasing":
        return kb_blocks.added_phrasing(done.question, done.entry_id, file, left_open)
    assert file is not None  # a new entry is always written
    now = services.faq.match(done.question)
    return kb_blocks.added_entry(done.question, done.entry_id, file, done.gap, left_open, now)


def _clicked_gap(body: dict, respond: Respond, services: Services) -> Gap | str | None:
    """The gap the button belongs to; or, when it is gone, a line saying who dealt with it;
    None when the clicker is not a lead (and is told so)."""
    user_id = body["user"]["id"]
    action = body["actions"][0]
    if not services.roles.at_least(user_id, "lead"):
        # The buttons are only ever shown to leads: this click was forged or forwarded.
        log.warning("refused %s from %s, who is not a lead", action.get("action_id"), user_id)
        respond(replace_original=False, response_type="ephemeral", **kb_blocks.not_allowed())
        return None
    key = kb_blocks.gap_key(action.get("block_id", ""))
    now = services.store.clock.now()
    gap = find_gap(services.store, services.faq.edition, now, key) if key is not None else None
    if gap is None:
        return kb_blocks.already_handled(resolver(services.store, key) if key else None)
    return gap


def on_gap(handle: GapHandler) -> Callable:
    """An acknowledging listener: checks the clicker is a lead, finds the gap the button
    belongs to and lets `handle` write what it does, in one transaction with the click's claim,
    before Slack hears the acknowledgement; `show_gaps` then closes what /faq answers and
    shows what was done."""

    def listener(
        ack: Ack, body: dict, respond: Respond, context: BoltContext, services: Services,
        outbox: Outbox, delivery_key: str,
    ) -> None:  # fmt: skip
        found = _clicked_gap(body, respond, services)
        done: str | ToClose | Chosen | None = found if not isinstance(found, Gap) else None
        if isinstance(found, Gap):
            with outbox.unit_of_work(delivery_key):
                done = handle(services, found, body["actions"][0], body["user"]["id"])
        context[DONE] = done
        ack()

    listener.__name__ = handle.__name__
    return listener


def show_gaps(respond: Respond, context: BoltContext, services: Services) -> None:
    done = context.get(DONE)
    if isinstance(done, Chosen):
        # under the list, which stays as it was: a menu's choice made again sends nothing. The
        # FAQ built with the phrasing (seconds on a large one) says what /faq would do.
        preview = preview_phrasing(services.faq, done.gap, done.entry)
        respond(replace_original=False, **kb_blocks.add_phrasing_asked(done.gap, preview))
    elif done is not None:
        respond(replace_original=True, **gaps_now(services, done))


def add_phrasing(services: Services, gap: Gap, action: dict, user_id: str) -> str | ToClose:
    """A button's entry: the one the matcher would answer with, or one the lead chose from the
    menu and confirmed (`add_chosen`)."""
    entry_id = action.get("value", "")
    entry = services.faq.entry(entry_id)
    if entry is None:
        return kb_blocks.failed(f"the entry {entry_id} is no longer in the FAQ.")
    try:
        return write_phrasing(services.faq, gap, entry, user_id)
    except CurateError as error:
        return kb_blocks.failed(str(error))


def add_chosen(services: Services, gap: Gap, action: dict, user_id: str) -> str | Chosen:
    """An entry chosen from the menu, or a button's that asks first: the lead is asked first,
    with what /faq would do."""
    entry_id = action.get("value") or action.get("selected_option", {}).get("value", "")
    entry = services.faq.entry(entry_id)
    if entry is None:
        return kb_blocks.failed(f"the entry {entry_id} is no longer in the FAQ.")
    return Chosen(gap, entry)


def ignore(services: Services, gap: Gap, action: dict, user_id: str) -> str:
    ignore_gap(services.faq, gap, user_id)
    return kb_blocks.ignored(gap.question, gap.count)


def new_entry(body: dict, respond: Respond, services: Services, client: WebClient) -> None:
    """Opens the new-entry modal (views/kb.py writes the entry); nothing is written yet."""
    found = _clicked_gap(body, respond, services)
    if isinstance(found, str):
        respond(replace_original=True, **gaps_now(services, found))
    elif found is not None:
        opened = client.views_open(trigger_id=body["trigger_id"],
                                   view=kb_blocks.new_entry_modal(found))  # fmt: skip
        # Where the outcome is shown is kept here, not in the modal, which only points at the gap.
        edge_db.remember_reply(
            services.store, opened["view"]["id"], body["user"]["id"], body["response_url"]
        )


def register(app: Listeners) -> None:
    for action_id, handle in [
        (Action.KB_ADD_PHRASING, add_phrasing),
        (Action.KB_ADD_PHRASING_TO, add_chosen),
        (Action.KB_ADD_PHRASING_ASK, add_chosen),
        (Action.KB_IGNORE, ignore),
    ]:
        app.action(action_id)(ack=on_gap(handle), lazy=[show_gaps])
    app.action(Action.KB_NEW_ENTRY)(ack=acknowledge, lazy=[new_entry])
