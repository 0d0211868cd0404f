"""The weekly summary in Slack: previewed by a manager, posted on schedule once, with a chart."""

import json
from datetime import timedelta

import pytest

from bot.emulator.team import member
from bot.slack.weekly import post_if_due

MANAGEMENT = "C0RETAIN01"  # any channel: the test names it in roles.yaml


def shown(replies) -> str:
    return "\n".join(r.render().text for r in replies)


def test_a_manager_previews_any_week_and_a_rep_may_not(local):
    assert "for leads and managers" in shown(local.workspace.command("ana", "/summary", ""))
    local.workspace.command("ana", "/faq", "where is my box")
    week = local.services.store.clock.now().strftime("%G-W%V")
    text = shown(local.workspace.command("mia", "/summary", week))
    assert f"Weekly summary {week}" in text
    assert "*Volume*" in text and "FAQ queries: *1*" in text
    assert "*Experience goals*" in text


def test_this_week_in_words_is_one_summary_of_the_week_so_far(local):
    local.workspace.command("ana", "/faq", "where is my box")
    (reply,) = local.workspace.command("mia", "/summary", "this week")
    week = local.services.store.clock.now().strftime("%G-W%V")
    assert f"Weekly summary {week}" in reply.render().text
    assert "FAQ queries: *1*" in reply.render().text


def test_an_unreadable_week_is_explained(local):
    text = shown(local.workspace.command("lee", "/summary", "the week before christmas"))
    assert "is not a week" in text


@pytest.mark.writes_content
def test_the_summary_posts_once_when_due_to_the_channel_of_roles_yaml_with_the_chart(local):
    roles = local.settings.playbooks_dir / "roles.yaml"
    roles.write_text(roles.read_text().replace("C0MGMT0001", MANAGEMENT))
    assert local.services.playbooks.reload(force=True) == []
    assert local.services.roles.channels["management"] == MANAGEMENT
    local.post_weekly_summary()
    posts = [c for c in local.fake.calls_to("chat.postMessage") if c.body["channel"] == MANAGEMENT]
    assert len(posts) == 1 and "Weekly summary" in json.dumps(posts[0].body)
    (chart,) = local.fake.files.values()
    assert chart["channel"] == MANAGEMENT and chart["content"].startswith(b"\x89PNG")
    assert post_if_due(local.app.client, local.services) is False  # once a week, not twice
    assert len([c for c in local.fake.calls_to("chat.postMessage")
                if c.body["channel"] == MANAGEMENT]) == 1  # fmt: skip


def test_an_empty_week_is_a_short_correct_post(local):
    week = (local.services.store.clock.now() - timedelta(days=70)).strftime("%G-W%V")
    text = shown(local.workspace.command("mia", "/summary", week))
    assert f"Weekly summary {week}" in text and "A quiet week" in text
    assert "*Volume*" not in text


def test_each_table_reads_under_its_own_heading_and_topics_by_their_question(local):
    for question in ("where is my box", "where is my box??", "i was charged twice"):
        local.workspace.command("ana", "/faq", question)
    week = local.services.store.clock.now().strftime("%G-W%V")
    lines = shown(local.workspace.command("mia", "/summary", week)).splitlines()
    heading = lines.index("_Most asked FAQ entries_")
    assert [line.strip() for line in lines[heading + 1 : heading + 3]] == [
        "◦ Where is my box? How can I track my order?: *2* (week before 0 ▲ +2)",
        "◦ I've been charged twice for the same box: *1* (week before 0 ▲ +1)",
    ]
    assert sum("Most asked FAQ entries" in line for line in lines) == 1
    # no case closed: one line instead of a row of zeros per root cause
    causes = lines.index("*Root causes of closed cases*")
    assert lines[causes + 1] == "No case was closed this week, so no root cause to show."


def test_root_causes_show_once_a_case_is_closed(local):
    local.workspace.command("ana", "/case", "Margaret Holloway, box arrived damaged")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.click("ana", "Close case")
    local.workspace.fill("Root cause", "Product", "ana")
    local.workspace.submit("ana")
    week = local.services.store.clock.now().strftime("%G-W%V")
    lines = shown(local.workspace.command("mia", "/summary", week)).splitlines()
    causes = lines.index("_Cases by root cause_")
    assert lines[causes + 1].strip() == "◦ product: *1* (week before 0 ▲ +1)"


def test_a_week_still_going_on_measures_waits_to_now_and_says_so(local):
    local.workspace.command("ana", "/case", "Maria Lopez, charged twice")
    local.workspace.click("ana", "Create")  # a new customer
    local.workspace.command("ana", "/redirect", "billing C-1001 two charges")
    local.wait(timedelta(hours=1))  # nobody has taken it yet
    text = shown(local.workspace.command("mia", "/summary", "this week"))
    assert "(so far)" in text
    assert "Median wait to be taken: *60 min*" in text  # not the days left to the week's end
    local.workspace.look(member("sam"))
    local.workspace.click("sam", "Take it")
    taken = shown(local.workspace.command("mia", "/summary", "this week"))  # the same minute
    assert "Redirects not taken by the week's end: *0*" in taken


def test_the_summary_names_the_phrases_tone_caught_as_people_say_them(local):
    local.workspace.command("ana", "/tone", "As I said, you need to contact your bank.")
    text = shown(local.workspace.command("mia", "/summary", "this week"))
    phrases = text.split("Phrases /tone caught most")[1]
    assert "“as i said”" in phrases and "“you'll have to contact”" in phrases
    assert "as-i-said" not in phrases  # the rule's id is the playbook's, not the manager's
