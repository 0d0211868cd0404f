"""The App Home tab, published fresh each time a rep opens it."""

from slack_sdk import WebClient

from bot.cases.service import open_cases_of
from bot.cases.solutions import pending_solutions
from bot.faq.gaps import find_gaps
from bot.followups.redirects import waiting_redirects
from bot.followups.service import list_followups
from bot.services import Services
from bot.slack.blocks.base import Message
from bot.slack.blocks.home import home_view
from bot.slack.boundary import Listeners
from bot.slack.ids import Event
from bot.slack.listeners.acks import acknowledge
from bot.slack.people import time_zone


def publish_home(event: dict, client: WebClient, services: Services) -> None:
    if event.get("tab", "home") == "home":
        publish_home_of(event["user"], client, services)


def publish_home_of(
    user_id: str, client: WebClient, services: Services, notice: Message | None = None
) -> None:
    """The Home tab of `user_id` as it is now; `notice` says what their last click on it did."""
    store = services.store
    now = store.clock.now()
    roles = services.roles
    to_decide = None
    if roles.at_least(user_id, "senior"):  # each with the buttons of its card
        to_decide = [
            s
            for s in pending_solutions(store)
            if s.requested_by != user_id and roles.at_least(user_id, s.needs_role or "manager")
        ]
    lead = None
    if roles.at_least(user_id, "lead"):
        lead = {
            "unclaimed": waiting_redirects(store),
            "teams": services.guide.teams,
            "gaps": find_gaps(store, services.faq.edition, now, suggest=False),  # counts only
        }
    view = home_view(
        followups=list_followups(store, user_id),
        cases=open_cases_of(store, user_id),
        my_pending=pending_solutions(store, requested_by=user_id),
        policy=services.guide.solutions,
        tz=time_zone(client, store, user_id),
        now=now,
        to_decide=to_decide,
        lead=lead,
        notice=notice,
    )
    client.views_publish(user_id=user_id, view=view)


def register(app: Listeners) -> None:
    app.event(Event.APP_HOME_OPENED)(ack=acknowledge, lazy=[publish_home])
