"""The guide: everything under playbooks/ (roles, situations and templates, tone rules,
solutions and their limits, teams, goals, retention), loaded and checked as one, and reloaded
whole when leads edit it, so no reader ever sees half an edit."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

from bot.cases.solutions import SolutionPolicy, load_solution_policy
from bot.coaching.playbooks import Playbooks, load_playbooks
from bot.coaching.tone import ToneRules, load_tone_rules
from bot.followups.redirects import Team, load_teams
from bot.privacy.policy import RetentionPolicy, load_retention
from bot.reporting.goals import Goals, load_goals
from bot.shared.content import Problem
from bot.shared.roles import Roles, load_roles

PLAYBOOK_SUFFIXES = (".yaml", ".yml", ".j2")


@dataclass(frozen=True)
class Guide:
    """One loaded version of the playbooks directory, replaced whole on reload."""

    roles: Roles
    playbooks: Playbooks
    tone: ToneRules
    solutions: SolutionPolicy
    teams: dict[str, Team]  # /redirect targets, by id
    signature: tuple
    goals: Goals = Goals()  # the weekly summary's schedule and experience goals
    retention: RetentionPolicy = RetentionPolicy()  # days each kind of personal data is kept


def playbooks_signature(directory: Path) -> tuple:
    """Changes whenever a playbook file is added, removed or edited."""
    signature = []
    for path in sorted(directory.rglob("*")):
        if path.suffix in PLAYBOOK_SUFFIXES and path.is_file():
            stat = path.stat()
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def load_guide(directory: Path) -> tuple[Guide | None, list[Problem]]:
    """Everything under playbooks/, with every problem; no guide when any is an error."""
    signature = playbooks_signature(directory)
    roles, problems = load_roles(directory)
    playbooks, playbook_problems = load_playbooks(directory)
    tone, tone_problems = load_tone_rules(directory)
    # Without situations (their file has errors) solutions cannot be checked against them.
    situations = {s.id for s in playbooks.situations} or None
    if situations and playbooks.fallback:
        situations.add(playbooks.fallback.id)
    solutions, solution_problems = load_solution_policy(directory, situations)
    teams, team_problems = load_teams(directory)
    goals, goal_problems = load_goals(directory)
    retention, retention_problems = load_retention(directory)
    problems = problems + playbook_problems + tone_problems + solution_problems + team_problems
    problems += goal_problems + retention_problems
    if any(p.severity == "error" for p in problems):
        return None, problems
    guide = Guide(roles, playbooks, tone, solutions, teams, signature, goals, retention)
    return guide, problems


class LiveGuide:
    """The guide in service: read again when its files change (or when forced); with errors,
    the last good guide stays in service."""

    def __init__(self, playbooks_dir: Path, guide: Guide) -> None:
        self.playbooks_dir = Path(playbooks_dir)
        self._guide = guide
        self._tried = guide.signature
        self._reloading = threading.Lock()

    @property
    def guide(self) -> Guide:
        return self._guide

    @overload
    def reload(self, *, force: Literal[True]) -> list[Problem]: ...
    @overload
    def reload(self, *, force: bool = False) -> list[Problem] | None: ...
    def reload(self, *, force: bool = False) -> list[Problem] | None:
        """Returns the playbooks' problems, or None when nothing changed."""
        with self._reloading:
            signature = playbooks_signature(self.playbooks_dir)
            if not force and signature == self._tried:
                return None
            guide, problems = load_guide(self.playbooks_dir)
            self._tried = signature
            if guide is not None:
                self._guide = guide
            return problems
