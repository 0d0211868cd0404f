import re

from bot.slack.boundary import Listeners
from bot.slack.listeners.acks import acknowledge
from bot.slack.listeners.actions import cases, customer, draft, faq, followups, kb


def register(app: Listeners) -> None:
    faq.register(app)
    kb.register(app)
    draft.register(app)
    cases.register(app)
    customer.register(app)
    followups.register(app)
    # Last: a link button, or a button of an older message whose action this version no
    # longer has, is acknowledged instead of getting Bolt's 404.
    app.action(re.compile(r".*"))(acknowledge)
