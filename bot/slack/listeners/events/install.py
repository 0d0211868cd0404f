"""Slack says the app is gone: uninstalled from the workspace, or the bot's token revoked."""

from slack_bolt import Ack

from bot.services import Services
from bot.slack import install
from bot.slack.boundary import Listeners
from bot.slack.ids import Event


def app_uninstalled(ack: Ack, services: Services) -> None:
    install.stop_posting(services.store, "Slack says the app was uninstalled (app_uninstalled)")
    ack()


def tokens_revoked(ack: Ack, event: dict, services: Services) -> None:
    # Only the bot's token matters: repbot holds no person's token.
    if event.get("tokens", {}).get("bot"):
        install.stop_posting(
            services.store, "Slack says the bot's token was revoked (tokens_revoked)"
        )
    ack()


def register(app: Listeners) -> None:
    app.event(Event.APP_UNINSTALLED)(app_uninstalled)
    app.event(Event.TOKENS_REVOKED)(tokens_revoked)
