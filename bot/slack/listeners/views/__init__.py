from bot.slack.boundary import Listeners
from bot.slack.listeners.views import cases, customer, kb


def register(app: Listeners) -> None:
    kb.register(app)
    cases.register(app)
    customer.register(app)
