"""Who the reps are, as Slack knows them: above all their time zone, which decides what a
promise such as "by 3 pm tomorrow" means."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.shared.db import Store
from bot.slack import queries as edge_db

log = logging.getLogger(__name__)
FALLBACK = ZoneInfo("UTC")
# Asked while Slack waits for an acknowledgement (3 s in all): one quick try, no retries; a
# slow Slack means UTC this time, and the next request asks again.
LOOKUP_TIMEOUT = 1


def time_zone(client: WebClient, store: Store, user_id: str) -> ZoneInfo:
    """The rep's time zone from Slack, kept for a day; when Slack cannot say, the zone it
    said before, however long ago (else UTC)."""
    name = edge_db.user_time_zone(store, user_id)
    if name is None:
        try:
            quick = WebClient(token=client.token, base_url=client.base_url, timeout=LOOKUP_TIMEOUT)
            user = quick.users_info(user=user_id)["user"]
        except (SlackApiError, OSError) as error:  # Slack refused, or the network failed
            log.warning("users.info for %s failed: %s", user_id, error)
            # A rep's zone rarely changes: UTC would put "tomorrow 9am" hours off their 9 am.
            return known_time_zone(store, user_id)
        name = user.get("tz") or "UTC"
        profile = user.get("profile", {})
        real_name = user.get("real_name") or profile.get("real_name", "")
        edge_db.save_user(store, user_id, user.get("name", ""), real_name, name)
    return _zone(name)


def known_time_zone(store: Store, user_id: str) -> ZoneInfo:
    """A person's time zone as Slack last told it, however long ago, without asking Slack:
    for work inside a transaction, which must not wait on the network. UTC when Slack never
    told it (or for a channel)."""
    return _zone(edge_db.user_time_zone(store, user_id, max_age=None) or "UTC")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return FALLBACK


def known_name(store: Store, user_id: str) -> str | None:
    """A person's name as Slack last told it ("Ana Alves"), without asking Slack: for words
    a notification shows, where a member id would read as a code. None when Slack never told
    it."""
    return edge_db.user_name(store, user_id)
