"""Who may do what: roles by Slack user id, and the channels repbot posts to, from
`playbooks/roles.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.shared.content import Problem, key_lines, read_yaml, value_node

RANKS = ("rep", "senior", "lead", "manager")  # each may do what the ones before it may
CHANNEL_NAMES = ("leads", "seniors", "management")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
FILE_NAME = "roles.yaml"


@dataclass(frozen=True)
class Roles:
    by_user: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)

    def role_of(self, user_id: str) -> str:
        return self.by_user.get(user_id, "rep")

    def at_least(self, user_id: str, role: str) -> bool:
        return RANKS.index(self.role_of(user_id)) >= RANKS.index(role)

    def people(self, role: str) -> list[str]:
        return [user for user, theirs in self.by_user.items() if theirs == role]


def load_roles(playbooks_dir: str | Path) -> tuple[Roles, list[Problem]]:
    path = Path(playbooks_dir) / FILE_NAME
    problems: list[Problem] = []
    if not path.is_file():
        return Roles(), [Problem(str(path), 0, "file not found")]
    parsed = read_yaml(path, problems)
    if parsed is None:
        return Roles(), problems
    data, root = parsed
    name = str(path)
    if not isinstance(data, dict):
        return Roles(), [Problem(name, 1, "expected the keys roles and channels")]
    lines = key_lines(root)
    by_user: dict[str, str] = {}
    roles = data.get("roles") or {}
    if not isinstance(roles, dict):
        problems.append(Problem(name, lines.get("roles", 1), "roles must map a role to user ids"))
        roles = {}
    role_lines = key_lines(value_node(root, "roles"))
    for role, users in roles.items():
        line = role_lines.get(role, 1)
        if role not in RANKS:
            problems.append(
                Problem(name, line, f"unknown role {role!r} (roles: {', '.join(RANKS)})")
            )
            continue
        if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
            problems.append(Problem(name, line, f"{role}: expected a list of Slack user ids"))
            continue
        for user in users:
            if not USER_ID.match(user):
                problems.append(Problem(name, line, f"{role}: {user!r} is not a Slack user id"))
            elif user in by_user and by_user[user] != role:
                problems.append(Problem(name, line, f"{user} is both {by_user[user]} and {role}"))
            else:
                by_user[user] = role
    channels = data.get("channels") or {}
    if not isinstance(channels, dict):
        problems.append(
            Problem(name, lines.get("channels", 1), "channels must map a name to an id")
        )
        channels = {}
    channel_lines = key_lines(value_node(root, "channels"))
    for channel, channel_id in channels.items():
        line = channel_lines.get(channel, 1)
        if channel not in CHANNEL_NAMES:
            message = f"unknown channel {channel!r} (channels: {', '.join(CHANNEL_NAMES)})"
            problems.append(Problem(name, line, message, "warning"))
        elif not isinstance(channel_id, str) or not CHANNEL_ID.match(channel_id):
            problems.append(Problem(name, line, f"{channel}: {channel_id!r} is not a channel id"))
    if "management" not in channels:
        message = "channels: missing management (the channel the weekly summary is posted to)"
        problems.append(Problem(name, lines.get("channels", 1), message))
    valid = {k: v for k, v in channels.items() if k in CHANNEL_NAMES and isinstance(v, str)}
    return Roles(by_user, valid), problems
