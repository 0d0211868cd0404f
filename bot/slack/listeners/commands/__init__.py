from slack_bolt import App

from bot.slack.listeners.commands import case, draft, faq, followup, kb, summary, tone


def register(app: App) -> None:
    faq.register(app)
    kb.register(app)
    draft.register(app)
    tone.register(app)
    case.register(app)
    followup.register(app)
    summary.register(app)
