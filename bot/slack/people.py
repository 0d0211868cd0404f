"""Who the reps are, as Slack knows them: names and time zones, kept in the store."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.store import Store

log = logging.getLogger(__name__)


def remember_user(client: WebClient, store: Store, user_id: str) -> None:
    """Fetch a rep's profile once a day; when Slack is unavailable, try again next time."""
    if not user_id or store.user_is_known(user_id):
        return
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        log.warning("users.info for %s failed: %s", user_id, error.response.get("error"))
        return
    except OSError as error:  # the network itself
        log.warning("users.info for %s failed: %s", user_id, error)
        return
    profile = user.get("profile", {})
    store.save_user(
        user_id,
        name=user.get("name", ""),
        real_name=user.get("real_name") or profile.get("real_name", ""),
        tz=user.get("tz") or "UTC",
    )
