from slack_bolt import App

from bot.slack.listeners.actions import faq, kb


def register(app: App) -> None:
    faq.register(app)
    kb.register(app)
