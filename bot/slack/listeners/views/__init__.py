from slack_bolt import App

from bot.slack.listeners.views import kb


def register(app: App) -> None:
    kb.register(app)
