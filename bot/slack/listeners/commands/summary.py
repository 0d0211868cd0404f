"""/summary [week]: the weekly summary, previewed for a lead or manager only."""

from slack_bolt import Ack, Respond

from bot.reporting.summary import summary_labels
from bot.reporting.weekly import weekly_summary
from bot.services import Services
from bot.slack.access import may_use
from bot.slack.blocks import base
from bot.slack.blocks.summary import summary_post
from bot.slack.boundary import Listeners
from bot.slack.ids import Command


def acknowledge(ack: Ack, command: dict, services: Services) -> None:
    if not may_use(services.roles, command.get("user_id", ""), Command.SUMMARY):
        ack(response_type="ephemeral", **base.note("The weekly summary is for leads and managers."))
    else:
        ack()  # a year of data takes a moment to add up; a week it cannot read is said then


def preview(command: dict, respond: Respond, services: Services) -> None:
    if not may_use(services.roles, command.get("user_id", ""), Command.SUMMARY):
        return
    week = command.get("text", "").strip() or None
    guide = services.guide
    labels = summary_labels(services.faq.entries.values(), guide.tone, guide.teams)
    # A week it cannot read is a WeekError, a refusal the boundary shows in its own words.
    summary = weekly_summary(
        services.store, guide.goals, guide.solutions, week, labels, services.faq.matcher
    )
    respond(response_type="ephemeral", **summary_post(summary))


def register(app: Listeners) -> None:
    app.command(Command.SUMMARY)(ack=acknowledge, lazy=[preview])
