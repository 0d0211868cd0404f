import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo import LocalSlack

ROOT = Path(__file__).parent.parent
KNOWLEDGE = ROOT / "knowledge"
PLAYBOOKS = ROOT / "playbooks"


@pytest.fixture
def local(tmp_path: Path) -> Iterator[LocalSlack]:
    """The real bot serving HTTP on 127.0.0.1, with the emulator as its Slack."""
    # Copies: what leads add or break in a test is written there, never to the repo.
    knowledge, playbooks = tmp_path / "knowledge", tmp_path / "playbooks"
    shutil.copytree(KNOWLEDGE, knowledge)
    shutil.copytree(PLAYBOOKS, playbooks)
    with LocalSlack(knowledge, playbooks, tmp_path / "repbot.db", reload_interval=0.2) as running:
        yield running
