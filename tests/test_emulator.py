"""The Slack emulator on its own: a small Bolt app over real HTTP against the fake Web API."""

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.demo import TrackedExecutor
from bot.emulator.client import SignedClient
from bot.emulator.render import Reader, render_message, render_view
from bot.emulator.script import DemoScript
from bot.emulator.server import FakeSlack
from bot.emulator.team import TEAM, member
from bot.emulator.workspace import DemoError, Workspace
from bot.slack.server import HttpServer

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
ANA = member("ana")

PING_BLOCKS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "pong &lt;b&gt; <!channel>"}},
    {
        "type": "actions",
        "block_id": "feedback",
        "elements": [
            {
                "type": "button",
                "action_id": "helpful",
                "value": "yes",
                "text": {"type": "plain_text", "text": "Helpful"},
            },
            {
                "type": "button",
                "action_id": "open_form",
                "text": {"type": "plain_text", "text": "Tell us more"},
            },
        ],
    },
]

FORM = {
    "type": "modal",
    "callback_id": "form",
    "private_metadata": "case-1",
    "notify_on_close": True,  # the app hears when it is cancelled
    "title": {"type": "plain_text", "text": "Feedback"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": "Reason"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        },
        {
            "type": "input",
            "block_id": "score",
            "label": {"type": "plain_text", "text": "Score"},
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "initial_option": {"text": {"type": "plain_text", "text": "Good"}, "value": "good"},
                "options": [
                    {"text": {"type": "plain_text", "text": "Good"}, "value": "good"},
                    {"text": {"type": "plain_text", "text": "Bad"}, "value": "bad"},
                ],
            },
        },
    ],
}


def build_app(fake: FakeSlack, seen: list[dict], listeners: TrackedExecutor) -> App:
    app = App(
        signing_secret=SECRET,
        client=WebClient(TOKEN, base_url=fake.api_url),
        listener_executor=listeners,  # counted, so a test can wait until they are done
    )

    @app.command("/ping")
    def ping(ack):
        ack(text="pong", blocks=PING_BLOCKS)

    @app.command("/announce")
    def announce(ack, respond, command):
        ack()
        respond(response_type="in_channel", text=f"Announcement: {command['text']}")

    @app.action("helpful")
    def helpful(ack, body, respond, client):
        ack()
        seen.append(body)
        respond(replace_original=True, text="Thanks!")
        client.chat_postMessage(channel="C0LEADS001", text=f"<@{body['user']['id']}> liked it")

    @app.action("open_form")
    def open_form(ack, body, client):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=FORM)

    @app.view("form")
    def form_submitted(ack, view, client):
        values = view["state"]["values"]
        reason = values["reason"]["text"]["value"]
        if not (reason or "").strip():
            ack(response_action="errors", errors={"reason": "Please give a reason"})
            return
        ack()
        score = values["score"]["pick"]["selected_option"]["value"]
        text = f"Feedback: {reason} ({score}) [{view['private_metadata']}]"
        client.chat_postMessage(channel="C0SUPPORT1", text=text)

    @app.view_closed("form")
    def form_closed(ack, body):
        ack()
        seen.append(body)

    @app.event("app_mention")
    def mention(event, request):
        seen.append({"event": event, "retry": request.headers.get("x-slack-retry-num")})

    return app


@pytest.fixture
def fake():
    with FakeSlack(TOKEN) as fake:
        yield fake


@pytest.fixture
def seen() -> list[dict]:
    return []


@pytest.fixture
def listeners() -> Iterator[TrackedExecutor]:
    executor = TrackedExecutor()
    yield executor
    executor.shutdown(wait=True)


@pytest.fixture
def client(fake, seen, listeners):
    server = HttpServer(build_app(fake, seen, listeners), SECRET).start()
    yield SignedClient(server.url, SECRET)
    server.stop()


@pytest.fixture
def workspace(fake, client, listeners):
    # Settled when the app's listeners have finished: what they send Slack is sent by then.
    return Workspace(fake, client, settle=listeners.wait_idle)


def web(fake: FakeSlack, token: str = TOKEN) -> WebClient:
    return WebClient(token, base_url=fake.api_url)


# --- signed requests -------------------------------------------------------------------------


def test_signed_command_is_accepted(client):
    response = client.command("/ping", user_id=ANA.id)
    assert response.status == 200
    assert response.json()["text"] == "pong"


def test_wrong_signature_and_old_timestamp_are_refused(client):
    assert client.command("/ping", user_id=ANA.id, bad_signature=True).status == 401
    assert client.command("/ping", user_id=ANA.id, age=6 * 60).status == 401


def test_event_retries_carry_slack_headers(client, seen, listeners):
    event = {"type": "app_mention", "user": ANA.id, "text": "hi", "channel": "C0SUPPORT1"}
    assert (
        client.event(event, event_id="Ev1", retry_num=1, retry_reason="http_timeout").status == 200
    )
    listeners.wait_idle()
    assert seen == [{"event": event, "retry": ["1"]}]


def test_trigger_ids_and_action_ts_are_unique():
    client = SignedClient("http://127.0.0.1:9/slack/events", SECRET)
    assert client.new_trigger_id() != client.new_trigger_id()
    assert client.new_action_ts() != client.new_action_ts()


# --- the fake Web API ------------------------------------------------------------------------


def test_calls_are_recorded_and_answered_like_slack(fake, client):
    assert fake.calls_to("auth.test")  # Bolt checked its token on start
    result = web(fake).chat_postMessage(channel="#support", text="hello")
    assert result["channel"] == "C0SUPPORT1" and result["message"]["text"] == "hello"
    call = fake.wait_for("chat.postMessage", lambda c: c.body["text"] == "hello")
    assert call.body == {"channel": "#support", "text": "hello"}
    fake.clear()
    assert fake.calls == []


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_errors_like_slack(fake):
    with pytest.raises(SlackApiError, match="invalid_auth"):
        web(fake, "xoxb-wrong").auth_test()
    with pytest.raises(SlackApiError, match="unknown_method"):
        web(fake).api_call("chat.frobnicate")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        web(fake).chat_postMessage(channel="", text="x")
    with pytest.raises(SlackApiError, match="no_text"):
        web(fake).chat_postMessage(channel="C0SUPPORT1")
    with pytest.raises(SlackApiError, match="message_not_found"):
        web(fake).chat_update(channel="C0SUPPORT1", ts="1.2", text="x")


def test_users_info_and_conversations_open(fake):
    user = web(fake).users_info(user="U0BEN0001")["user"]
    assert (user["name"], user["tz"], user["profile"]["real_name"]) == (
        "ben",
        "America/New_York",
        "Ben Brooks",
    )
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    with pytest.raises(SlackApiError, match="user_not_found"):
        web(fake).users_info(user="U0NOBODY1")
    first = web(fake).conversations_open(users="U0ANA0001,U0LEE0001")["channel"]["id"]
    again = web(fake).conversations_open(users=["U0LEE0001", "U0ANA0001"])["channel"]["id"]
    assert first == again and first.startswith("D")


def test_views_update_checks_the_hash(fake):
    view = web(fake).views_publish(user_id=ANA.id, view={"type": "home", "blocks": []})["view"]
    updated = web(fake).views_update(view_id=view["id"], hash=view["hash"], view=view)["view"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    with pytest.raises(SlackApiError, match="hash_conflict"):
        web(fake).views_update(view_id=view["id"], hash=view["hash"], view=view)


def test_rate_limit_fault(fake):
    fake.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as error:
        web(fake).chat_postMessage(channel="C0SUPPORT1", text="x")
    assert error.value.response.status_code == 429
    assert error.value.response.headers["Retry-After"] == "7"
    assert error.value.response["error"] == "ratelimited"
    assert web(fake).chat_postMessage(channel="C0SUPPORT1", text="x")["ok"]


def test_server_error_fault_for_all_methods(fake):
    fake.fail("*", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as error:
            web(fake).auth_test()
        assert error.value.response.status_code == 500
    assert web(fake).auth_test()["ok"]
    assert [c.status for c in fake.calls_to("auth.test")] == [500, 500, 200]


def test_response_url_limits(fake):
    url = fake.response_url()
    for n in range(5):
        assert WebhookClient(url).send(text=f"post {n}").status_code == 200
    used = WebhookClient(url).send(text="one too many")
    assert (used.status_code, json.loads(used.body)["error"]) == (404, "used_url")
    assert fake.calls_to("response_url")[0].body == {"text": "post 0", "response_url": url}

    start = fake.clock()
    late = fake.response_url()
    fake.clock = lambda: start + 31 * 60
    assert WebhookClient(late).send(text="late").status_code == 404


def test_unparseable_body_is_refused(fake):
    request = urllib.request.Request(
        fake.api_url + "chat.postMessage",
        data=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request) as response:
        assert json.load(response) == {"ok": False, "error": "invalid_json"}


def test_unknown_path_is_404(fake):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(fake.base_url + "nowhere")
    assert error.value.code == 404


# --- rendering -------------------------------------------------------------------------------


def test_render_message_numbers_buttons_and_shows_live_mentions_as_slack_would():
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Answer"}},
        *PING_BLOCKS,
        {"type": "divider"},
        {
            "type": "section",
            "block_id": "menu",
            "text": {"type": "mrkdwn", "text": "Pick one"},
            "accessory": {
                "type": "static_select",
                "action_id": "pick",
                "placeholder": {"type": "plain_text", "text": "Choose"},
                "options": FORM["blocks"][1]["element"]["options"],
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "from *FAQ* &amp; notes"}]},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "text", "text": "ask "},
                                {"type": "user", "user_id": "U0LEE0001"},
                            ],
                        }
                    ],
                }
            ],
        },
    ]
    rendered = render_message("fallback", blocks)
    assert rendered.text.splitlines() == [
        "== Answer ==",
        "pong <b> @channel",
        "[1 Helpful] [2 Tell us more]",
        "----",
        "Pick one",
        "[3 Choose: Good | Bad]",
        "from *FAQ* & notes",
        "• ask @U0LEE0001",
    ]
    helpful, more, menu = rendered.elements
    assert (helpful.block_id, helpful.action_id, helpful.value) == ("feedback", "helpful", "yes")
    assert (more.index, more.type, more.label) == (2, "button", "Tell us more")
    assert menu.options == ("Good", "Bad")
    assert render_message("a &lt;b&gt;").text == "a <b>"
    # what the bot escaped is shown literally; what it left live shows as Slack acts on it
    assert render_message("&lt;!here&gt; <!here> <https://x.example|docs>").text == (
        "<!here> @here docs (https://x.example)"
    )


def test_render_view_shows_values_errors_and_submit():
    values = {"reason": {"text": {"type": "plain_text_input", "value": "slow"}}}
    rendered = render_view(FORM, values, {"reason": "Too short"})
    assert rendered.text.splitlines() == [
        "[modal] Feedback",
        "Reason: slow",
        "  ! Too short",
        "Score: (one of: Good | Bad)",
        "[Submit: Send]  [Close: Cancel]",
    ]


# --- the workspace ---------------------------------------------------------------------------


def test_command_click_and_modal_round_trip(fake, workspace, seen):
    (pong,) = workspace.command("ana", "/ping")
    assert (pong.kind, pong.user, pong.channel) == ("ephemeral", ANA.id, "C0SUPPORT1")
    assert "[1 Helpful] [2 Tell us more]" in pong.render().text

    thanks, posted = workspace.click("ana", "helpful")
    assert (thanks.kind, thanks.text, thanks.edited) == ("ephemeral", "Thanks!", True)
    assert (posted.kind, posted.channel, posted.text) == (
        "message",
        "C0LEADS001",
        f"<@{ANA.id}> liked it",
    )
    (body,) = seen
    assert body["container"] == {
        "type": "message",
        "message_ts": pong.ts,
        "channel_id": "C0SUPPORT1",
        "is_ephemeral": True,
    }
    assert body["actions"][0]["value"] == "yes" and body["user"]["username"] == "ana"

    with pytest.raises(DemoError, match="no buttons"):
        workspace.click("ana", 1)  # "Thanks!" replaced the only message with buttons

    workspace.command("ana", "/ping")
    (modal,) = workspace.click("ana", 2)
    assert (modal.kind, modal.callback_id, modal.private_metadata) == ("modal", "form", "case-1")
    assert modal.view_id.startswith("V")

    heard = len(seen)
    (refused,) = workspace.submit("ana")  # a required field left empty: Slack's client says so
    assert refused.errors == {"reason": "Please complete this required field."}
    assert len(seen) == heard  # and the app never hears of it
    workspace.fill("reason", "   ")  # spaces pass the client: the app refuses them itself
    (with_errors,) = workspace.submit("ana")
    assert with_errors.errors == {"reason": "Please give a reason"}
    assert "! Please give a reason" in with_errors.render().text

    workspace.fill("reason", "Too slow")
    workspace.fill("Score", "Bad")
    with pytest.raises(DemoError, match='no field labelled "Mood"'):
        workspace.fill("Mood", "x")
    closed, feedback = workspace.submit("ana")
    assert closed.removed and closed.kind == "modal"
    assert feedback.text == "Feedback: Too slow (bad) [case-1]"
    with pytest.raises(DemoError, match="no open modal"):
        workspace.submit("ana")


def test_in_channel_responses_and_bot_posts_are_seen_by_everyone(fake, workspace):
    (announcement,) = workspace.command("lee", "/announce", "new FAQ", channel="#support-leads")
    assert (announcement.kind, announcement.channel) == ("message", "C0LEADS001")
    assert announcement.text == "Announcement: new FAQ"
    assert announcement.response_url and announcement.user is None
    web(fake).chat_postMessage(channel="C0SUPPORT1", text="weekly summary")
    (summary,) = workspace.look("mia")
    assert summary.text == "weekly summary"
    assert workspace.look("mia") == []


def test_replies_are_visible_only_to_their_user(workspace):
    workspace.command("ana", "/ping")
    with pytest.raises(DemoError, match="no buttons"):
        workspace.click("ben", "Helpful")  # ana's ephemeral is not on ben's screen
    with pytest.raises(DemoError, match="no one called"):
        workspace.command("zed", "/ping")


# --- the demo script -------------------------------------------------------------------------


def test_demo_script_transcript(workspace):
    out = io.StringIO()
    waited = []
    script = DemoScript(workspace, TEAM, out, extra_commands={"wait": waited.append})
    script.run_lines(
        [
            "# ana asks",
            "",
            "/ping",
            'click "Tell us more"',
            'fill "Reason" "Too slow"',
            "submit",
            "as nobody",
            "as lee",
            "click 1",
            "frobnicate",
            "wait 2h",
        ]
    )
    assert out.getvalue().splitlines() == [
        "# ana asks",
        "ana> /ping",
        "    #support (only visible to you):",
        "      pong <b> @channel",
        "      [1 Helpful] [2 Tell us more]",
        'ana> click "Tell us more"',
        "    [modal] Feedback",
        "      Reason: ____",
        "      Score: Good",
        "      [Submit: Send]  [Close: Cancel]",
        'ana> fill "Reason" "Too slow"',
        "ana> submit",
        "    (modal closed)",
        "    #support:",
        "      Feedback: Too slow (good) [case-1]",
        "ana> as nobody",
        "    ! no one called 'nobody'; the team: ana (rep), ben (rep), sam (senior), "
        "lee (lead), mia (manager)",
        "ana> as lee",
        "    (now Lee Larsen, lead)",
        "lee> click 1",
        "    ! there are no buttons in the replies lee can see",
        "lee> frobnicate",
        "    ? not understood. For a customer's words, type /faq frobnicate (or dm frobnicate); "
        "lines are: /command text | dm text | as NAME | in #channel | click N | "
        'click "Label" | choose "Option" | fill "Field" value | submit | cancel | # comment | '
        "quit | wait | help",
        "lee> wait 2h",
    ]
    assert waited == ["2h"]


def test_files_upload_v2_lands_in_the_channel_with_its_bytes(fake):
    web = WebClient(token=TOKEN, base_url=fake.api_url)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    response = web.files_upload_v2(
        channel="C0MGMT0001", content=png, filename="trends.png", title="Trends"
    )
    assert response["ok"]
    (uploaded,) = fake.files.values()
    assert (uploaded["name"], uploaded["content"], uploaded["channel"]) == (
        "trends.png", png, "C0MGMT0001"
    )  # fmt: skip
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal", "file_upload", "files.completeUploadExternal",
    ]  # fmt: skip


def test_a_shared_file_is_a_message_in_the_conversations_history(fake):
    # As Slack: the upload's message holds the file (its id, name, title) and the comment.
    web = WebClient(token=TOKEN, base_url=fake.api_url)
    web.chat_postMessage(channel="C0MGMT0001", text="before")
    done = web.files_upload_v2(channel="C0MGMT0001", content=b"x", filename="t.png",
                               title="Trends", initial_comment="This week")  # fmt: skip
    latest, before = web.conversations_history(channel="C0MGMT0001")["messages"]
    assert before["text"] == "before" and "files" not in before
    assert latest["text"] == "This week" and latest["upload"] is True
    (shared,) = latest["files"]
    assert (shared["id"], shared["name"], shared["title"]) == (done["file"]["id"], "t.png",
                                                               "Trends")  # fmt: skip


def test_a_dm_sent_while_someone_else_looks_waits_for_its_reader(fake, workspace):
    web(fake).chat_postMessage(channel="U0ANA0001", text="your refund was approved")
    web(fake).chat_postMessage(channel="C0SUPPORT1", text="for everyone")
    assert [r.text for r in workspace.look("lee")] == ["for everyone"]
    assert [r.text for r in workspace.look("ana")] == ["your refund was approved"]
    assert workspace.look("ana") == []


def test_a_modal_is_cancelled_as_slack_closes_it_and_the_app_that_asked_hears_of_it(
    fake, workspace, seen
):
    out = io.StringIO()
    script = DemoScript(workspace, TEAM, out)
    script.run_lines(["/ping", 'click "Tell us more"', 'fill "Reason" "Too slow"', "cancel"])
    assert out.getvalue().splitlines()[-2:] == ["ana> cancel", "    (modal closed)"]
    (closed,) = seen  # view_closed, since the view asked with notify_on_close
    assert closed["type"] == "view_closed" and closed["is_cleared"] is False
    assert closed["view"]["callback_id"] == "form" and closed["user"]["id"] == ANA.id
    assert closed["view"]["state"]["values"]["reason"]["text"]["value"] == "Too slow"
    assert "trigger_id" not in closed  # nothing opens from a closing modal
    assert not fake.calls_to("chat.postMessage")  # nothing was submitted
    # Its close button by its label, as Slack labels it when the view gives none: "Cancel".
    script.run_lines(['click "Tell us more"', 'click "Cancel"', "cancel", "submit"])
    assert out.getvalue().splitlines()[-11:] == [
        'ana> click "Tell us more"',
        "    [modal] Feedback",
        "      Reason: ____",
        "      Score: Good",
        "      [Submit: Send]  [Close: Cancel]",
        'ana> click "Cancel"',
        "    (modal closed)",
        "ana> cancel",  # with none open, said kindly
        "    (no modal is open, so there is nothing to cancel)",
        "ana> submit",
        "    ! there is no open modal",
    ]
    assert [body["type"] for body in seen] == ["view_closed", "view_closed"]
    assert not fake.calls_to("chat.postMessage")
    with pytest.raises(DemoError, match="no open modal"):
        workspace.cancel("ana")


def test_cancelling_a_pushed_modal_shows_the_one_under_it_unless_it_clears_on_close(
    fake, client, workspace, seen
):
    def opened(method: str, title: str, **extra) -> None:
        view = {**FORM, "title": {"type": "plain_text", "text": title}, **extra}
        getattr(web(fake), method)(trigger_id=client.new_trigger_id(), view=view)
        workspace.look("ana")  # ana's own action opened it: it shows on her screen

    opened("views_open", "First")
    opened("views_push", "Second")
    (closed,) = workspace.cancel("ana")
    assert closed.removed and "Second" in closed.render().text
    assert workspace.modal_open("ana")  # "First" again
    opened("views_push", "Third", clear_on_close=True)
    assert [r.removed for r in workspace.cancel("ana")] == [True, True]  # the whole stack
    assert not workspace.modal_open("ana")
    assert [body["is_cleared"] for body in seen] == [False, True]


def test_a_file_goes_to_a_conversation_never_to_a_member_id(fake):
    # As Slack: completeUploadExternal's channel_id must be a conversation (C, G, D or Z).
    web = WebClient(token=TOKEN, base_url=fake.api_url)
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        web.files_upload_v2(channel="U0LEE0001", content=b"{}", filename="x.json", title="x")
    dm = web.conversations_open(users="U0LEE0001")["channel"]["id"]
    assert web.files_upload_v2(channel=dm, content=b"{}", filename="x.json", title="x")["ok"]


@pytest.mark.parametrize(
    ("mrkdwn", "seen"),
    [
        ("*Your desk* · _2 open_", "*Your desk* · _2 open_"),  # paired marks: formatting
        ("*C-1 · *Bob**", "*C-1 · \\*Bob*\\*"),  # the bold ends after Bob, an asterisk trails
        ("snake_case and 2 * 3", "snake_case and 2 * 3"),  # marks Slack never pairs
        ("`a *b*` *c*", "`a *b*` *c*"),  # nothing is formatted inside code
        ("*one\ntwo*", "\\*one\ntwo\\*"),  # never across lines
    ],
)
def test_the_renderer_pairs_formatting_marks_as_slack_does(mrkdwn, seen):
    assert render_message(mrkdwn).text == seen


def test_a_date_shows_in_the_readers_time_zone_by_its_tokens_or_else_its_fallback():
    stamp = int(datetime(2026, 6, 17, 22, 30, tzinfo=UTC).timestamp())
    now = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
    tokyo, chicago = Reader(ZoneInfo("Asia/Tokyo"), now), Reader(ZoneInfo("America/Chicago"), now)

    def date(layout: str, reader: Reader | None) -> str:
        return render_message(f"<!date^{stamp}^{layout}|17 Jun 2026 22:30 UTC>", reader=reader).text

    assert date("{date_num} {time_secs}", tokyo) == "2026-06-18 7:30:00 AM"  # the next day there
    assert date("{date_short_pretty} {time}", tokyo) == "tomorrow 7:30 AM"
    assert date("{date_short_pretty} {time}", chicago) == "today 5:30 PM"
    assert date("{date_long} at {time}", chicago) == "Wednesday, June 17th, 2026 at 5:30 PM"
    assert date("{date}, {ago}", chicago) == "June 17th, 2026, in 10 hours"
    assert date("{nonsense}", chicago) == "17 Jun 2026 22:30 UTC"  # Slack falls back
    assert date("{date_num}", None) == "17 Jun 2026 22:30 UTC"  # nobody's zone: the fallback


def test_a_channel_mention_shows_by_the_channel_name_the_readers_slack_knows():
    now = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
    lee = Reader(ZoneInfo("Europe/Berlin"), now, {"C0LEADS001": "support-leads"})
    said = "decided in <#C0LEADS001>, not in <#C0GONE0001>; typed: &lt;#C0LEADS001&gt;"
    assert render_message(said, reader=lee).text == (
        "decided in #support-leads, not in #C0GONE0001; typed: <#C0LEADS001>"
    )  # a channel it does not know keeps its id; what someone typed stays as typed
    assert render_message("in <#C0LEADS001|leads>", reader=lee).text == "in #leads"
