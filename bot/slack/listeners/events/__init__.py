from slack_bolt import App

from bot.slack.listeners.events import faq, home


def register(app: App) -> None:
    faq.register(app)
    home.register(app)
