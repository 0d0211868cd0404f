import re

from slack_bolt import Ack

from bot.slack.blocks import base
from bot.slack.boundary import Listeners
from bot.slack.ids import Command
from bot.slack.listeners.commands import case, customer, draft, faq, followup, kb, summary, tone


def unknown(ack: Ack, command: dict) -> None:
    # A command the manifest has but this version does not (or a typo in a manifest edit):
    # a kind line instead of Bolt's 404 and its hints for developers.
    said = base.unknown_command(command.get("command", "that command"), list(Command))
    ack(response_type="ephemeral", **said)


def register(app: Listeners) -> None:
    faq.register(app)
    kb.register(app)
    draft.register(app)
    tone.register(app)
    case.register(app)
    followup.register(app)
    summary.register(app)
    customer.register(app)
    app.command(re.compile(r".*"))(unknown)  # last: only what no listener above took
