from slack_bolt import App

from bot.slack.listeners.commands import draft, faq, kb, tone


def register(app: App) -> None:
    faq.register(app)
    kb.register(app)
    draft.register(app)
    tone.register(app)
