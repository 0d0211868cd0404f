from slack_bolt import App

from bot.slack.listeners.events import faq


def register(app: App) -> None:
    faq.register(app)
