"""The core pieces a running bot needs, opened once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.clock import Clock
from bot.core.faq import Faq
from bot.core.knowledge import load_valid_knowledge
from bot.core.roles import Roles, load_valid_roles
from bot.store import Store


@dataclass(frozen=True)
class Services:
    """What listeners need from the core; handed to them through Bolt's context."""

    store: Store
    faq: Faq
    roles: Roles

    def __deepcopy__(self, memo: dict) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared on purpose.
        return self


def open_services(
    knowledge_dir: Path, playbooks_dir: Path, db_path: Path, clock: Clock | None = None
) -> Services:
    """Load and check the content, then open the database; raises ContentError on bad content
    so that the bot never starts on it."""
    knowledge = load_valid_knowledge(knowledge_dir)
    roles = load_valid_roles(playbooks_dir)
    store = Store(db_path, clock)
    return Services(store=store, faq=Faq(knowledge_dir, knowledge, store), roles=roles)
