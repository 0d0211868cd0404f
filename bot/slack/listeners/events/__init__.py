import re

from bot.slack.boundary import Listeners
from bot.slack.listeners.acks import acknowledge
from bot.slack.listeners.events import faq, home, install


def register(app: Listeners) -> None:
    faq.register(app)
    home.register(app)
    install.register(app)
    app.event(re.compile(r".*"))(acknowledge)  # last: events no listener above wants
