"""/tone <the rep's own reply>: the phrases that hurt, why, and a can-do rewrite."""

from slack_bolt import Ack

from bot.services import Services
from bot.slack.blocks import coach as coach_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Command


def check(ack: Ack, command: dict, services: Services) -> None:
    # Checking takes a millisecond and needs nothing from Slack: the answer rides on the ack.
    text = command.get("text", "").strip()
    if not text:
        ack(response_type="ephemeral", **coach_blocks.tone_usage())
        return
    report = services.coach.check(
        text, user_id=command["user_id"], request_key=command.get("trigger_id")
    )
    ack(response_type="ephemeral", **coach_blocks.tone_report(report))


def register(app: Listeners) -> None:
    app.command(Command.TONE)(check)
