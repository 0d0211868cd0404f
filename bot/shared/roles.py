"""Who may do what: roles by Slack user id, and the channels repbot posts to, from
`playbooks/roles.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from bot.shared.content import Problem, Shape, line_at, load_shape

RANKS = ("rep", "senior", "lead", "manager")  # each may do what the ones before it may
CHANNEL_NAMES = ("leads", "seniors", "management")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
FILE_NAME = "roles.yaml"
MEMBERS = "a list of Slack member ids like U0ANA0001"


def _user_id(value: str) -> str:
    if not USER_ID.match(value):
        raise ValueError(f"{value!r} is not a Slack member id (like U0ANA0001)")
    return value


def _channel_id(value: str) -> str:
    if not CHANNEL_ID.match(value):
        raise ValueError(f"{value!r} is not a Slack channel id (like C0LEADS001)")
    return value


UserId = Annotated[str, AfterValidator(_user_id)]
ChannelId = Annotated[str, AfterValidator(_channel_id)]


Rank = Literal["rep", "senior", "lead", "manager"]
# What a role may do beyond its rank's own work, granted in roles.yaml (`rights:`).
CUSTOMER_DATA = "customer_data"  # look a customer up, export or erase their data (/customer)


@dataclass(frozen=True)
class Roles:
    by_user: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    rights: dict[str, tuple[str, ...]] = field(default_factory=dict)  # right -> ranks given it

    def may(self, user_id: str, right: str) -> bool:
        """Whether the user's role was given `right`; a rank given it gives it to those above."""
        return any(self.at_least(user_id, rank) for rank in self.rights.get(right, ()))

    def role_of(self, user_id: str) -> str:
        return self.by_user.get(user_id, "rep")

    def at_least(self, user_id: str, role: str) -> bool:
        return RANKS.index(self.role_of(user_id)) >= RANKS.index(role)

    def people(self, role: str) -> list[str]:
        return [user for user, theirs in self.by_user.items() if theirs == role]


class RankLists(Shape, title="role"):
    rep: list[UserId] = Field(default_factory=list, description=MEMBERS)
    senior: list[UserId] = Field(default_factory=list, description=MEMBERS)
    lead: list[UserId] = Field(default_factory=list, description=MEMBERS)
    manager: list[UserId] = Field(default_factory=list, description=MEMBERS)


# An unknown channel is only a warning: nothing is posted to it.
class Channels(Shape, title="channel", extra="allow"):
    leads: ChannelId | None = None
    seniors: ChannelId | None = None
    management: ChannelId = Field(description="the channel the weekly summary is posted to")


class Rights(Shape, title="right"):
    customer_data: list[Rank] = Field(
        default_factory=list,
        description="the roles that may look a customer up and export or erase their data "
        "from Slack (/customer); none by default, leaving it to the command line",
    )


class RolesFile(Shape):
    roles: RankLists = RankLists()
    channels: Channels = Field(description="leads, seniors and management (required): their ids")
    rights: Rights = Rights()


def load_roles(playbooks_dir: str | Path) -> tuple[Roles, list[Problem]]:
    path = Path(playbooks_dir) / FILE_NAME
    problems: list[Problem] = []
    if not path.is_file():
        return Roles(), [Problem(str(path), 0, "file not found")]
    loaded = load_shape(path, RolesFile, problems)
    if loaded is None:
        return Roles(), problems
    content, root = loaded
    # Someone in two ranks is a mistake the shape cannot see.
    by_user: dict[str, str] = {}
    for role in RANKS:
        for user in getattr(content.roles, role):
            if by_user.setdefault(user, role) != role:
                line = line_at(root, ("roles", role))
                problems.append(
                    Problem(str(path), line, f"{user} is both {by_user[user]} and {role}")
                )
    channels = {name: getattr(content.channels, name) for name in CHANNEL_NAMES}
    rights: dict[str, tuple[str, ...]] = {CUSTOMER_DATA: tuple(content.rights.customer_data)}
    return Roles(by_user, {k: v for k, v in channels.items() if v}, rights), problems
