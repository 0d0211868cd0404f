"""The sample support team and channels that the emulator pretends live in Slack."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

TEAM_ID = "T0REPBOT01"
TEAM_DOMAIN = "repbot-demo"
APP_ID = "A0REPBOT01"
BOT_USER_ID = "U0REPBOT01"
BOT_ID = "B0REPBOT01"


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    real_name: str
    role: str  # "rep" | "senior" | "lead" | "manager"
    tz: str  # IANA time zone, as Slack's users.info reports it

    def tz_offset(self, at: datetime | None = None) -> int:
        """Seconds east of UTC at `at` (default now), like Slack's `tz_offset`."""
        moment = (at or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(self.tz))
        offset = moment.utcoffset()
        return int(offset.total_seconds()) if offset else 0


TEAM: tuple[Member, ...] = (
    Member("U0ANA0001", "ana", "Ana Alves", "rep", "Europe/London"),
    Member("U0BEN0001", "ben", "Ben Brooks", "rep", "America/New_York"),
    Member("U0SAM0001", "sam", "Sam Santos", "senior", "Europe/Lisbon"),
    Member("U0LEE0001", "lee", "Lee Larsen", "lead", "Europe/Berlin"),
    Member("U0MIA0001", "mia", "Mia Moreau", "manager", "America/Chicago"),
)

SUPPORT = "C0SUPPORT1"  # where the reps type

# Channel id -> name (without "#").
CHANNELS: dict[str, str] = {
    SUPPORT: "support",
    "C0LEADS001": "support-leads",
    "C0SENIORS1": "seniors",
    "C0MGMT0001": "management",
    "C0BILLING1": "billing",
    "C0DELIVER1": "deliveries",
    "C0RETURNS1": "returns",
    "C0TECHAPP1": "app-support",
    "C0RETAIN01": "retention",
}


def member(name_or_id: str, team: Sequence[Member] = TEAM) -> Member:
    """The member with this name ("ana", "@ana") or id; KeyError if there is none."""
    wanted = name_or_id.strip().lstrip("@").lower()
    for m in team:
        if wanted in (m.name, m.id.lower()):
            return m
    raise KeyError(name_or_id)


def channel_id(name_or_id: str, channels: dict[str, str] = CHANNELS) -> str:
    """The channel id for "#support", "support" or "C0SUPPORT1"; KeyError if unknown."""
    if name_or_id in channels:
        return name_or_id
    wanted = name_or_id.lstrip("#")
    for cid, name in channels.items():
        if name == wanted:
            return cid
    raise KeyError(name_or_id)
