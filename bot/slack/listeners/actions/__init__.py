from slack_bolt import App

from bot.slack.listeners.actions import cases, draft, faq, followups, kb


def register(app: App) -> None:
    faq.register(app)
    kb.register(app)
    draft.register(app)
    cases.register(app)
    followups.register(app)
