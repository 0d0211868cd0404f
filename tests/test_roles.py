"""Roles and channels from playbooks/roles.yaml, with problems named by file and line."""

from pathlib import Path

from bot.shared.roles import load_roles

SHIPPED = Path(__file__).parent.parent / "playbooks"


def test_the_shipped_roles_give_the_demo_team_its_roles():
    roles, problems = load_roles(SHIPPED)
    assert problems == []
    assert roles.role_of("U0LEE0001") == "lead"
    assert roles.at_least("U0MIA0001", "lead")  # a manager may do what a lead may
    assert not roles.at_least("U0ANA0001", "lead")
    assert roles.role_of("U0SOMEONE") == "rep"  # anyone not listed is a rep
    assert roles.channels == {
        "leads": "C0LEADS001", "seniors": "C0SENIORS1", "management": "C0MGMT0001"
    }  # fmt: skip


def test_mistakes_are_named_with_file_and_line(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(
        "roles:\n"
        "  rep: [U0ANA0001]\n"
        "  boss: [U0BOB0001]\n"
        "  lead: [ana]\n"
        "  manager: [U0ANA0001]\n"
        "channels:\n"
        "  leads: '#support-leads'\n"
        "  management: C0MGMT0001\n"
        "  managers: C0MGMT0001\n"
    )
    _, problems = load_roles(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:3: error: roles: unknown role 'boss' (expected rep, senior, lead, manager)",
        f"{path}:4: error: lead: 'ana' is not a Slack member id (like U0ANA0001)",
        f"{path}:7: error: leads: '#support-leads' is not a Slack channel id (like C0LEADS001)",
        f"{path}:9: warning: channels: unknown channel 'managers' "
        "(expected leads, seniors, management)",
    ]


def test_someone_in_two_roles_is_named_once_the_shape_is_sound(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(
        "roles:\n  rep: [U0ANA0001]\n  manager: [U0ANA0001]\nchannels:\n  management: C0MGMT0001\n"
    )
    roles, problems = load_roles(tmp_path)
    assert [str(p) for p in problems] == [f"{path}:3: error: U0ANA0001 is both rep and manager"]
    assert roles.role_of("U0ANA0001") == "rep"


def test_the_management_channel_is_required_and_must_be_a_channel_id(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("roles:\n  lead: [U0LEE0001]\nchannels:\n  leads: C0LEADS001\n")
    _, problems = load_roles(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:3: error: channels: missing management "
        "(the channel the weekly summary is posted to)"
    ]
    path.write_text("roles:\n  lead: [U0LEE0001]\n")
    _, problems = load_roles(tmp_path)
    assert [(p.line, p.severity, p.message.split(" (")[0]) for p in problems] == [
        (1, "error", "missing channels")
    ]
    path.write_text("channels:\n  leads: C0LEADS001\n  management: '#management'\n")
    _, problems = load_roles(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:3: error: management: '#management' is not a Slack channel id (like C0LEADS001)"
    ]


def test_a_missing_file_is_an_error(tmp_path):
    _, problems = load_roles(tmp_path)
    assert [p.message for p in problems] == ["file not found"]
