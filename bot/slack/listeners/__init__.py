from bot.slack.boundary import Listeners
from bot.slack.listeners import actions, commands, events, views


def register_listeners(app: Listeners) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
