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
    knowledge = tmp_path / "knowledge"  # leads' additions are written here, never to the repo
    shutil.copytree(KNOWLEDGE, knowledge)
    with LocalSlack(knowledge, PLAYBOOKS, tmp_path / "repbot.db", reload_interval=0.2) as running:
        yield running
