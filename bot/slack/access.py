"""Who may use which slash command, from roles.yaml: the commands refuse by it, and a rep's
help lists by it, so that help never offers a command that then refuses its reader."""

from bot.shared.roles import CUSTOMER_DATA, Roles
from bot.slack.ids import Command

FOR_LEADS = frozenset((Command.SUMMARY, Command.KB))  # leads and managers


def may_use(roles: Roles, user_id: str, command: Command) -> bool:
    if command in FOR_LEADS:
        return roles.at_least(user_id, "lead")
    if command is Command.CUSTOMER:
        return roles.may(user_id, CUSTOMER_DATA)
    return True


def usable(roles: Roles, user_id: str) -> list[Command]:
    """The commands the user may use, in the manifest's order."""
    return [command for command in Command if may_use(roles, user_id, command)]
