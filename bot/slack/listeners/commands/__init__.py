from slack_bolt import App

from bot.slack.listeners.commands import faq


def register(app: App) -> None:
    faq.register(app)
