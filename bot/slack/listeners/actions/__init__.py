from slack_bolt import App

from bot.slack.listeners.actions import faq


def register(app: App) -> None:
    faq.register(app)
