"""Buttons of /kb gaps: add a question as a phrasing, start a new entry, or ignore it."""

import logging
from collections.abc import Callable

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.faq.curate import CurateError
from bot.faq.gaps import Gap, close_as_phrasing, find_gap, find_gaps, ignore_gap, resolver
from bot.services import Services
from bot.slack import queries as edge_db
from bot.slack.blocks import kb as kb_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Action
from bot.slack.listeners.acks import acknowledge

log = logging.getLogger(__name__)

# (services, gap, the action, the whole payload, client) -> what was done, or None to leave
# the list as it is
GapHandler = Callable[[Services, Gap, dict, dict, WebClient], str | None]


def shown_name(file) -> str:
    return f"{file.parent.name}/{file.name}"


def on_gap(handle: GapHandler) -> Callable:
    """A listener that checks the clicker is a lead, finds the gap the button belongs to, lets
    `handle` act on it, and shows the list as it is now."""

    def listener(body: dict, respond: Respond, services: Services, client: WebClient) -> None:
        user_id = body["user"]["id"]
        action = body["actions"][0]
        if not services.roles.at_least(user_id, "lead"):
            # The buttons are only ever shown to leads: this click was forged or forwarded.
            log.warning("refused %s from %s, who is not a lead", action.get("action_id"), user_id)
            respond(replace_original=False, response_type="ephemeral", **kb_blocks.not_allowed())
            return
        key = kb_blocks.gap_key(action.get("block_id", ""))
        now = services.store.clock.now()
        gap = find_gap(services.store, services.faq.edition, now, key) if key is not None else None
        if gap is None:
            done: str | None = kb_blocks.already_handled(
                resolver(services.store, key) if key else None
            )
        else:
            done = handle(services, gap, action, body, client)
            if done is None:
                return
        gaps = find_gaps(services.store, services.faq.edition, now)
        respond(replace_original=True, **kb_blocks.gaps_list(gaps, done=done))

    listener.__name__ = handle.__name__
    return listener


def add_phrasing(services: Services, gap: Gap, action: dict, body: dict, client) -> str:
    entry_id = action.get("value") or action.get("selected_option", {}).get("value", "")
    entry = services.faq.entry(entry_id)
    if entry is None:
        return kb_blocks.failed(f"the entry {entry_id} is no longer in the FAQ.")
    try:
        written = close_as_phrasing(services.faq, gap, entry, body["user"]["id"])
    except CurateError as error:
        return kb_blocks.failed(str(error))
    return kb_blocks.added_phrasing(
        gap.question, entry.id, shown_name(written.file) if written else None
    )


def ignore(services: Services, gap: Gap, action: dict, body: dict, client) -> str:
    ignore_gap(services.faq, gap, body["user"]["id"])
    return kb_blocks.ignored(gap.question, gap.count)


def new_entry(services: Services, gap: Gap, action: dict, body: dict, client) -> None:
    opened = client.views_open(trigger_id=body["trigger_id"], view=kb_blocks.new_entry_modal(gap))
    # Where the outcome is shown is kept here, not in the modal, which only points at the gap.
    edge_db.remember_reply(
        services.store, opened["view"]["id"], body["user"]["id"], body["response_url"]
    )


def register(app: Listeners) -> None:
    for action_id, handle in [
        (Action.KB_ADD_PHRASING, add_phrasing),
        (Action.KB_ADD_PHRASING_TO, add_phrasing),
        (Action.KB_IGNORE, ignore),
        (Action.KB_NEW_ENTRY, new_entry),
    ]:
        app.action(action_id)(ack=acknowledge, lazy=[on_gap(handle)])
