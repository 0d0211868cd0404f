"""The core pieces a running bot needs, opened once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.coaching.service import Coach
from bot.faq.knowledge import load_valid_knowledge
from bot.faq.service import Faq
from bot.guide import Guide, LiveGuide, load_guide
from bot.shared.clock import Clock
from bot.shared.content import ContentError
from bot.shared.db import Store, open_existing
from bot.shared.roles import Roles


@dataclass(frozen=True)
class Services:
    """What listeners need from the core; handed to them through Bolt's context."""

    store: Store
    faq: Faq
    coach: Coach
    playbooks: LiveGuide  # reloaded in place when leads edit playbooks/

    @property
    def guide(self) -> Guide:
        return self.playbooks.guide

    @property
    def roles(self) -> Roles:
        return self.playbooks.guide.roles

    def __deepcopy__(self, memo: dict) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared on purpose.
        return self


def open_services(
    knowledge_dir: Path, playbooks_dir: Path, db_path: Path, clock: Clock | None = None
) -> Services:
    """Load and check the content, then open the database; raises ContentError on bad content
    so that the bot never starts on it."""
    knowledge = load_valid_knowledge(knowledge_dir)
    guide, problems = load_guide(playbooks_dir)
    if guide is None:
        raise ContentError([p for p in problems if p.severity == "error"])
    store = open_existing(db_path, may_create=True, clock=clock)
    playbooks = LiveGuide(playbooks_dir, guide)
    return Services(
        store=store,
        faq=Faq(knowledge_dir, knowledge, store),
        coach=Coach(store, lambda: playbooks.guide),
        playbooks=playbooks,
    )
