"""The names Slack and the bot share: slash commands, the events the bot hears, the ids of
buttons and menus and of the blocks that hold them, and of modals and their input fields.

A Block Kit builder and the listener that answers what it built name the same thing, so both
take the name from here: renaming it is one edit, and a misspelt name fails on import instead
of leaving a button that nothing answers. The values are what Slack sees; changing one breaks
buttons on messages already sent, and a command's or event's must change in manifest.yaml too.
"""

import re
from enum import StrEnum


class Command(StrEnum):
    """The slash commands; manifest.yaml declares exactly these."""

    FAQ = "/faq"
    DRAFT = "/draft"
    TONE = "/tone"
    CASE = "/case"
    NOTE = "/note"
    SOLVE = "/solve"
    FOLLOWUP = "/followup"
    REDIRECT = "/redirect"
    SUMMARY = "/summary"
    KB = "/kb"
    CUSTOMER = "/customer"


class Event(StrEnum):
    """The Events API events the bot subscribes to (manifest.yaml's bot_events)."""

    MESSAGE = "message"
    APP_HOME_OPENED = "app_home_opened"
    APP_UNINSTALLED = "app_uninstalled"
    TOKENS_REVOKED = "tokens_revoked"


class Action(StrEnum):
    """Action ids of the buttons and menus in messages."""

    FAQ_PICK = "faq_pick_"  # a family: one per "did you mean" suggestion, see numbered()
    FAQ_HELPFUL = "faq_helpful"
    FAQ_NOT_HELPFUL = "faq_not_helpful"
    FAQ_DRAFT = "faq_draft"
    FAQ_NONE_OF_THESE = "faq_none_of_these"
    DRAFT_USE = "draft_use"
    DRAFT_SHORTER = "draft_shorter"
    DRAFT_FORMAL = "draft_formal"
    DRAFT_ANOTHER = "draft_another"
    DRAFT_NOT_HELPFUL = "draft_not_helpful"
    CASE_CUSTOMER = "case_customer_"  # a family: one per customer /case offers, see numbered()
    CASE_OPEN = "case_open_"  # a family: one per open case /case offers without a topic
    CASE_NEW_CUSTOMER = "case_new_customer"
    CASE_CANCEL = "case_cancel"
    CASE_MOVE = "case_move_"  # a family: one per other open case a new case's card offers
    CASE_SOLVE = "case_solve"
    CASE_CLOSE = "case_close"
    SOLUTION_APPROVE = "solution_approve"
    SOLUTION_DENY = "solution_deny"
    FOLLOWUP_DONE = "followup_done"
    FOLLOWUP_SNOOZE_HOUR = "followup_snooze_hour"
    FOLLOWUP_SNOOZE_TOMORROW = "followup_snooze_tomorrow"
    REDIRECT_TAKE = "redirect_take"
    KB_ADD_PHRASING = "kb_add_phrasing"
    KB_ADD_PHRASING_TO = "kb_add_phrasing_to"
    # the button of a gap reps turned entries down for: what /faq would do is shown first
    KB_ADD_PHRASING_ASK = "kb_add_phrasing_ask"
    KB_IGNORE = "kb_ignore"
    KB_NEW_ENTRY = "kb_new_entry"
    CUSTOMER_EXPORT = "customer_export"
    CUSTOMER_ERASE = "customer_erase"


class Block(StrEnum):
    """Block ids of the actions blocks in messages. Those ending in ":" are families, one per
    thing their buttons act on (see numbered()), so that the blocks of one message differ."""

    FAQ_FEEDBACK = "faq_feedback"
    FAQ_SUGGESTIONS = "faq_suggestions"
    FAQ_NONE = "faq_none"
    DRAFT = "draft"
    CASE = "case:"
    CASE_CUSTOMERS = "case_customers"
    CASE_OPEN_CASES = "case_open_cases"
    CASE_MOVE = "case_move"
    APPROVAL = "approval:"
    FOLLOWUP = "followup:"
    REDIRECT = "redirect:"
    KB_GAP = "kb_gap:"  # the listener reads the gap's key back from it
    CUSTOMER_DATA = "customer_data"


class Modal(StrEnum):
    """Callback ids of the modals, by which their submissions reach their listener."""

    SOLVE = "solve"
    CLOSE_CASE = "close_case"
    DENY_SOLUTION = "deny_solution"
    KB_NEW_ENTRY = "kb_new_entry"
    ERASE_CUSTOMER = "erase_customer"


class Field(StrEnum):
    """Block ids of the input blocks of modals: a submission's values and the errors shown
    beside a field are keyed by them."""

    TYPE = "type"
    AMOUNT = "amount"
    REASON = "reason"
    ROOT_CAUSE = "root_cause"
    QUESTION = "question"
    VARIANTS = "variants"
    ANSWER = "answer"
    TAGS = "tags"


# The action id of the one element in every Field's block, under which a submission's
# values hold what was typed or chosen.
FIELD_INPUT = "value"


def numbered(family: Action | Block, n: int) -> str:
    """One id of a family: faq_pick_0 of Action.FAQ_PICK, case:1042 of Block.CASE."""
    return f"{family}{n}"


def any_numbered(family: Action | Block) -> re.Pattern[str]:
    """What matches every id of a family, for the listener that answers them all."""
    return re.compile(rf"^{re.escape(family)}\d+$")
