from slack_bolt import App

from bot.slack.listeners.views import cases, kb


def register(app: App) -> None:
    kb.register(app)
    cases.register(app)
