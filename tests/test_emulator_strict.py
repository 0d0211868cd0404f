"""The emulator is as strict as Slack: typed text arrives escaped, over-limit payloads are
refused with Slack's errors, posting is rate limited, response URLs run out, faults stall."""

import http.client
import json
import time

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.demo import TrackedExecutor
from bot.emulator.client import SignedClient
from bot.emulator.escaping import slack_encode
from bot.emulator.limits import check_message, check_view
from bot.emulator.rates import TokenBucket
from bot.emulator.server import FakeSlack
from bot.emulator.team import member
from bot.emulator.workspace import DemoError, Workspace
from bot.slack.server import HttpServer

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
ANA, LEE = member("ana"), member("lee")


@pytest.fixture
def fake():
    with FakeSlack(TOKEN) as fake:
        yield fake


def web(fake: FakeSlack, **options) -> WebClient:
    return WebClient(TOKEN, base_url=fake.api_url, **options)


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Go", value: str = "v", action_id: str = "go") -> dict:
    return {"type": "button", "text": plain(text), "value": value, "action_id": action_id}


def option(text: str = "One", value: str = "1") -> dict:
    return {"text": plain(text), "value": value}


def text_input(placeholder: dict | None = None, **block: dict) -> dict:
    element = {"type": "plain_text_input", "action_id": "typed"}
    if placeholder is not None:
        element["placeholder"] = placeholder
    return {"type": "input", "block_id": "b", "label": plain("Label"), "element": element,
            **block}  # fmt: skip


def menu(options: list[dict]) -> dict:
    accessory = {"type": "static_select", "action_id": "pick", "options": options}
    return {**section("Pick"), "accessory": accessory}


# --- what people type ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "arrives"),
    [
        ("refund & <b>x</b> > 5", "refund &amp; &lt;b&gt;x&lt;/b&gt; &gt; 5"),
        ("ask @lee, then @ben.", "ask <@U0LEE0001|lee>, then <@U0BEN0001|ben>."),
        ("@here and @channel", "<!here> and <!channel>"),
        ("see #support-leads now", "see <#C0LEADS001|support-leads> now"),
        ("at https://x.example/a?b=1&c=2.", "at <https://x.example/a?b=1&amp;c=2>."),
        ("typed <https://x.example|label>", "typed &lt;<https://x.example>|label&gt;"),
        ("mail mh@example.com, please", "mail <mailto:mh@example.com|mh@example.com>, please"),
        ("@nobody in #nowhere, order #1234", "@nobody in #nowhere, order #1234"),
        ("", ""),
    ],
)
def test_typed_text_is_escaped_and_encoded_like_slack(typed, arrives):
    assert slack_encode(typed) == arrives


def test_message_events_mention_people_without_their_name():
    assert slack_encode("hi @lee & @here", in_command=False) == "hi <@U0LEE0001> &amp; <!here>"


class Recorder:
    """A Bolt app that keeps the text of every command and message it gets."""

    def __init__(self, fake: FakeSlack) -> None:
        self.texts: list[str] = []
        self.listeners = TrackedExecutor()  # counted, so a test can wait until they are done
        self.app = App(
            signing_secret=SECRET,
            client=WebClient(TOKEN, base_url=fake.api_url),
            listener_executor=self.listeners,
        )

        @self.app.command("/echo")
        def echo(ack, command):
            self.texts.append(command["text"])
            ack(text="ok")

        @self.app.event("message")
        def message(event):
            self.texts.append(event["text"])


@pytest.fixture
def recorder(fake):
    recorder = Recorder(fake)
    server = HttpServer(recorder.app, SECRET).start()
    recorder.client = SignedClient(server.url, SECRET)
    yield recorder
    server.stop()
    recorder.listeners.shutdown(wait=True)


def test_commands_and_messages_arrive_escaped_unless_sent_encoded(fake, recorder):
    client = recorder.client
    client.command("/echo", "a <b> & @lee", user_id=ANA.id)
    client.command("/echo", "&lt;kept&gt; <@U1|x>", user_id=ANA.id, encoded=True)
    workspace = Workspace(fake, client, settle=recorder.listeners.wait_idle)
    workspace.command("ana", "/echo", "#support-leads & https://x.example/a")
    dm = {"type": "message", "channel_type": "im", "channel": "D1", "user": ANA.id}
    client.event({**dm, "text": "x > y, @lee"})
    recorder.listeners.wait_idle()
    assert recorder.texts == [
        "a &lt;b&gt; &amp; <@U0LEE0001|lee>",
        "&lt;kept&gt; <@U1|x>",
        "<#C0LEADS001|support-leads> &amp; <https://x.example/a>",
        "x &gt; y, <@U0LEE0001>",
    ]


# --- Slack's limits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "explanation"),
    [
        ([section("x")] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
        ([section("x" * 3001)], "less than 3001 characters [json-pointer:/blocks/0/text/text]"),
        ([{"type": "section", "fields": [plain("f")] * 11}], "[json-pointer:/blocks/0/fields]"),
        (
            [{"type": "section", "fields": [plain("f" * 2001)]}],
            "less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
        ),
        ([section("")], "more than 0 characters [json-pointer:/blocks/0/text/text]"),
        ([{"type": "header", "text": plain("h" * 151)}], "[json-pointer:/blocks/0/text/text]"),
        (
            [{"type": "context", "elements": [plain("c")] * 11}],
            "no more than 10 items allowed [json-pointer:/blocks/0/elements]",
        ),
        (
            [{"type": "actions", "elements": [button(action_id=f"b{n}") for n in range(26)]}],
            "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
        ),
        (
            [{"type": "actions", "elements": [button("b" * 76)]}],
            "less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
        ),
        (
            [{"type": "actions", "elements": [button(value="v" * 2001)]}],
            "less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
        ),
        (
            [menu([option("o" * 76)])],
            "less than 76 characters [json-pointer:/blocks/0/accessory/options/0/text/text]",
        ),
        (
            [menu([option(value="v" * 151)])],
            "less than 151 characters [json-pointer:/blocks/0/accessory/options/0/value]",
        ),
        (
            [menu([option(value=str(n)) for n in range(101)])],
            "no more than 100 items allowed [json-pointer:/blocks/0/accessory/options]",
        ),
        (
            [{**section("x"), "block_id": "b" * 256}],
            "less than 256 characters [json-pointer:/blocks/0/block_id]",
        ),
        (
            [{"type": "actions", "elements": [button(action_id="a" * 256)]}],
            "less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
        ),
        (
            [{**section("x"), "block_id": "same"}, {**section("y"), "block_id": "same"}],
            "duplicate block_id [json-pointer:/blocks/1/block_id]",
        ),
        (
            [{"type": "actions", "elements": [button(), button()]}],
            "duplicate action_id [json-pointer:/blocks/0/elements/1/action_id]",
        ),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c" * 3001}]}],
            "less than 3001 characters [json-pointer:/blocks/0/elements/0/text]",
        ),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": ""}]}],
            "more than 0 characters [json-pointer:/blocks/0/elements/0/text]",
        ),
        (  # where Slack takes plain text only
            [{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}],
            "must be a plain_text text object [json-pointer:/blocks/0/text/type]",
        ),
        (
            [{"type": "actions", "elements": [{**button(), "text": section("*Go*")["text"]}]}],
            "must be a plain_text text object [json-pointer:/blocks/0/elements/0/text/type]",
        ),
        (
            [menu([{**option(), "text": section("*One*")["text"]}])],
            "plain_text text object [json-pointer:/blocks/0/accessory/options/0/text/type]",
        ),
    ],
)
def test_blocks_over_slack_limits_are_refused_everywhere(fake, blocks, explanation):
    message = {"text": "fallback", "blocks": blocks}
    refused = check_message(message)
    assert refused is not None and refused["error"] == "invalid_blocks"
    assert any(explanation in m for m in refused["response_metadata"]["messages"])

    client = web(fake)
    calls = [
        lambda: client.chat_postMessage(channel="C0SUPPORT1", **message),
        lambda: client.chat_postEphemeral(channel="C0SUPPORT1", user=ANA.id, **message),
    ]
    posted = client.chat_postMessage(channel="C0SUPPORT1", text="first")
    calls.append(lambda: client.chat_update(channel="C0SUPPORT1", ts=posted["ts"], **message))
    for call in calls:
        with pytest.raises(SlackApiError) as error:
            call()
        assert error.value.response.data == refused

    answer = WebhookClient(fake.response_url()).send_dict(message)
    assert (answer.status_code, answer.body) == (400, "invalid_blocks")


def test_actions_may_share_an_action_id_across_blocks_as_slack_allows():
    actions = {"type": "actions", "elements": [button()]}
    assert check_message({"text": "x", "blocks": [actions, dict(actions)]}) is None


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_message_text_and_content_limits(fake):
    assert check_message({"text": "x" * 40_000}) is None
    with pytest.raises(SlackApiError, match="msg_too_long"):
        web(fake).chat_postMessage(channel="C0SUPPORT1", text="x" * 40_001)
    with pytest.raises(SlackApiError, match="no_text"):
        web(fake).chat_postEphemeral(channel="C0SUPPORT1", user=ANA.id, text="")
    answer = WebhookClient(fake.response_url()).send_dict({"response_type": "ephemeral"})
    assert (answer.status_code, answer.body) == (400, "no_text")
    assert (
        WebhookClient(fake.response_url()).send_dict({"delete_original": True}).status_code == 200
    )


def modal(**changes) -> dict:
    return {"type": "modal", "title": plain("Title"), "blocks": [section("x")], **changes}


@pytest.mark.parametrize(
    ("view", "error", "explanation"),
    [
        (modal(title=plain("t" * 25)), "invalid_arguments", "[json-pointer:/view/title/text]"),
        (modal(submit=plain("s" * 25)), "invalid_arguments", "[json-pointer:/view/submit/text]"),
        (modal(close=plain("c" * 25)), "invalid_arguments", "[json-pointer:/view/close/text]"),
        (
            modal(private_metadata="m" * 3001),
            "invalid_arguments",
            "less than 3001 characters [json-pointer:/view/private_metadata]",
        ),
        (
            modal(blocks=[section("x")] * 101),
            "invalid_blocks",
            "no more than 100 items allowed [json-pointer:/view/blocks]",
        ),
        (
            modal(blocks=[section("x" * 3001)]),
            "invalid_blocks",
            "[json-pointer:/view/blocks/0/text/text]",
        ),
        (
            modal(blocks=[text_input(label=plain("l" * 2001))]),
            "invalid_blocks",
            "less than 2001 characters [json-pointer:/view/blocks/0/label/text]",
        ),
        (
            modal(blocks=[text_input(hint=plain("h" * 2001))]),
            "invalid_blocks",
            "less than 2001 characters [json-pointer:/view/blocks/0/hint/text]",
        ),
        (
            modal(blocks=[text_input(placeholder=plain("p" * 151))]),
            "invalid_blocks",
            "less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]",
        ),
        (
            modal(blocks=[{k: v for k, v in text_input().items() if k != "label"}]),
            "invalid_blocks",
            "missing required field: label [json-pointer:/view/blocks/0]",
        ),
        (
            modal(title={"type": "mrkdwn", "text": "Title"}),
            "invalid_arguments",
            "must be a plain_text text object [json-pointer:/view/title/type]",
        ),
        (
            modal(blocks=[text_input(label=section("*Label*")["text"])]),
            "invalid_blocks",
            "must be a plain_text text object [json-pointer:/view/blocks/0/label/type]",
        ),
        (
            modal(
                blocks=[
                    {
                        **text_input(),
                        "element": {**text_input()["element"], "initial_value": "i" * 3001},
                    }
                ]
            ),
            "invalid_blocks",
            "less than 3001 characters [json-pointer:/view/blocks/0/element/initial_value]",
        ),
        (
            modal(
                blocks=[
                    {
                        **text_input(),
                        "element": {
                            **text_input()["element"],
                            "max_length": 10,
                            "initial_value": "i" * 11,
                        },
                    }
                ]
            ),
            "invalid_blocks",
            "less than 11 characters [json-pointer:/view/blocks/0/element/initial_value]",
        ),
        (  # a modal with a field and no submit button: what is typed could never be sent
            modal(title=plain("Form"), blocks=[section("x"), text_input()]),
            "invalid_arguments",
            "[ERROR] must define submit to use input block [json-pointer:/view/blocks/1/input]",
        ),
    ],
)
def test_views_over_slack_limits_are_refused(fake, view, error, explanation):
    refused = check_view(view)
    assert refused is not None and refused["error"] == error
    assert any(explanation in m for m in refused["response_metadata"]["messages"])

    client = web(fake)
    home = client.views_publish(user_id=ANA.id, view={"type": "home", "blocks": []})["view"]
    trigger = f"{int(time.time() * 1000)}.1.abc"
    calls = [
        lambda: client.views_open(trigger_id=trigger, view=view),
        lambda: client.views_push(trigger_id=trigger, view=view),
        lambda: client.views_update(view_id=home["id"], view=view),
    ]
    if view["title"]["text"] == "Title":  # a Home tab has no title; its blocks count the same
        home_view = {**view, "type": "home"}
        calls.append(lambda: client.views_publish(user_id=ANA.id, view=home_view))
    for call in calls:
        with pytest.raises(SlackApiError) as refusal:
            call()
        assert refusal.value.response.data == refused
    assert check_view(modal(blocks=[section("x")] * 100)) is None


def test_a_modal_with_fields_and_a_submit_button_or_with_no_field_is_accepted():
    assert check_view(modal(submit=plain("Send"), blocks=[text_input()])) is None
    assert check_view(modal(close=plain("Done"))) is None  # nothing to submit: no button


# --- rates and faults ------------------------------------------------------------------------


def test_posting_is_rate_limited_per_channel_with_retry_after():
    with FakeSlack(TOKEN, post_burst=2) as fake:
        client = web(fake)
        for _ in range(2):
            client.chat_postMessage(channel="C0SUPPORT1", text="x")
        with pytest.raises(SlackApiError) as error:
            client.chat_postMessage(channel="C0SUPPORT1", text="x")
        assert error.value.response.status_code == 429
        assert error.value.response["error"] == "ratelimited"
        assert int(error.value.response.headers["Retry-After"]) >= 1
        assert client.chat_postMessage(channel="C0LEADS001", text="x")["ok"]  # its own bucket


def test_other_methods_are_rate_limited_by_their_tier_per_workspace():
    with FakeSlack(TOKEN, method_tiers={"chat.update": 2}) as fake:
        client = web(fake)
        posted = client.chat_postMessage(channel="C0SUPPORT1", text="x")
        for _ in range(2):
            client.chat_update(channel="C0SUPPORT1", ts=posted["ts"], text="y")
        with pytest.raises(SlackApiError) as error:
            client.chat_update(channel="C0LEADS001", ts=posted["ts"], text="y")  # any channel
        assert error.value.response.status_code == 429
        assert int(error.value.response.headers["Retry-After"]) >= 1
        assert client.users_info(user=ANA.id)["ok"]  # a method of its own


def test_token_bucket_refills_at_its_rate():
    now = [100.0]
    bucket = TokenBucket(burst=2, per_second=1.0, now=lambda: now[0])
    assert [bucket.take(), bucket.take(), bucket.take()] == [0, 0, 1]
    now[0] += 0.5
    assert bucket.take() == 1
    now[0] += 0.5
    assert bucket.take() == 0


def test_the_sixth_response_url_post_is_refused(fake):
    url = fake.response_url()
    statuses = [WebhookClient(url).send(text=f"post {n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [404]
    assert fake.calls_to("response_url")[-1].response["error"] == "used_url"


def test_response_url_posts_can_fail_and_stall(fake):
    url = fake.response_url()
    fake.fail("response_url", status=500)
    assert WebhookClient(url).send(text="x").status_code == 500
    fake.fail("response_url", status=500, stall=2.0)
    with pytest.raises(TimeoutError):
        WebhookClient(url, timeout=0.2).send(text="x")
    assert WebhookClient(url).send(text="x").status_code == 200
    # failed posts do not count against the URL's five
    assert [c.status for c in fake.calls_to("response_url")] == [500, 500, 200]


def test_a_stalled_post_that_slack_carried_out_is_in_history(fake):
    fake.fail("chat.postMessage", status=200, stall=2.0)
    with pytest.raises(TimeoutError):
        web(fake, timeout=0.2).chat_postMessage(channel="C0SUPPORT1", text="sent anyway")
    history = web(fake).conversations_history(channel="C0SUPPORT1")["messages"]
    assert [m["text"] for m in history] == ["sent anyway"]
    fake.fail("users.info", status=500, stall=2.0)
    with pytest.raises(TimeoutError):
        web(fake, timeout=0.2).users_info(user=ANA.id)


@pytest.mark.parametrize(
    "status, error",
    [(200, "fatal_error"), (200, "internal_error"), (500, "fatal_error"), (200, "ratelimited"),
     (200, "channel_not_found"), (200, "msg_too_long"), (200, "token_revoked")],
)  # fmt: skip
def test_a_call_can_fail_with_any_slack_error_and_is_not_carried_out(fake, status, error):
    fake.fail("chat.postMessage", status=status, error=error)
    with pytest.raises(SlackApiError) as failed:
        web(fake).chat_postMessage(channel="C0SUPPORT1", text="never posted")
    assert failed.value.response.status_code == status
    assert failed.value.response["error"] == error
    assert web(fake).conversations_history(channel="C0SUPPORT1")["messages"] == []
    assert web(fake).chat_postMessage(channel="C0SUPPORT1", text="x")["ok"]  # used up


def test_an_answer_cut_off_halfway_leaves_the_call_carried_out(fake):
    fake.fail("chat.postMessage", status=200, cut=True)
    with pytest.raises(http.client.IncompleteRead):
        web(fake).chat_postMessage(channel="C0SUPPORT1", text="sent anyway")
    history = web(fake).conversations_history(channel="C0SUPPORT1")["messages"]
    assert [m["text"] for m in history] == ["sent anyway"]
    assert web(fake).chat_postMessage(channel="C0SUPPORT1", text="x")["ok"]  # used up


def test_a_rate_limit_fault_says_ratelimited_with_retry_after_and_others_internal_error(fake):
    fake.fail("chat.postMessage", status=429, retry_after=7)
    fake.fail("users.info", status=503)
    with pytest.raises(SlackApiError) as limited:
        web(fake).chat_postMessage(channel="C0SUPPORT1", text="x")
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "7"
    with pytest.raises(SlackApiError) as failed:
        web(fake).users_info(user=ANA.id)
    assert (failed.value.response.status_code, failed.value.response["error"]) == (
        503, "internal_error",
    )  # fmt: skip


def errors_posting(fake: FakeSlack, channel: str) -> list[str]:
    """What Slack answers to a post, an ephemeral post and an update of an older post."""
    errors = []
    for call in (
        lambda: web(fake).chat_postMessage(channel=channel, text="x"),
        lambda: web(fake).chat_postEphemeral(channel=channel, user=ANA.id, text="x"),
        lambda: web(fake).chat_update(channel=channel, ts="1.000001", text="x"),
    ):
        try:
            call()
            errors.append("ok")
        except SlackApiError as error:
            errors.append(error.response["error"])
    return errors


def test_an_archived_channel_refuses_posts(fake):
    fake.archive("#support")
    assert errors_posting(fake, "C0SUPPORT1") == ["is_archived"] * 3
    assert web(fake).chat_postMessage(channel="C0LEADS001", text="x")["ok"]


def test_a_channel_the_bot_was_removed_from_refuses_posts_and_its_history(fake):
    fake.remove_bot("C0SUPPORT1")
    assert errors_posting(fake, "C0SUPPORT1") == ["not_in_channel"] * 3
    with pytest.raises(SlackApiError) as error:
        web(fake).conversations_history(channel="C0SUPPORT1")
    assert error.value.response["error"] == "not_in_channel"


def test_a_deactivated_member_gets_no_dm_and_shows_as_deleted(fake):
    dm = web(fake).conversations_open(users=ANA.id)["channel"]["id"]
    fake.deactivate(ANA.id)
    assert web(fake).users_info(user=ANA.id)["user"]["deleted"] is True
    assert errors_posting(fake, ANA.id)[0] == "user_disabled"
    assert errors_posting(fake, dm)[0] == "is_archived"
    with pytest.raises(SlackApiError) as error:
        web(fake).conversations_open(users=ANA.id)
    assert error.value.response["error"] == "user_disabled"
    assert web(fake).chat_postMessage(channel=LEE.id, text="x")["ok"]


def test_people_chatter_in_a_channel_and_its_history_comes_in_pages(fake):
    fake.chatter(LEE.id, "#support", 250)
    first = web(fake).conversations_history(channel="C0SUPPORT1", limit=200)
    assert len(first["messages"]) == 200 and first["has_more"]
    # slack_sdk turns the pages, handing over each in the same response object
    pages = [page["messages"] for page in web(fake).conversations_history(channel="C0SUPPORT1")]
    assert [len(messages) for messages in pages] == [100, 100, 50]
    oldest = pages[-1][-1]
    assert oldest == {"type": "message", "user": LEE.id, "text": "message 1", "ts": oldest["ts"]}


# --- metadata and history --------------------------------------------------------------------


def test_metadata_comes_back_in_history_newest_first(fake):
    client = web(fake)
    key = {"event_type": "outbox_sent", "event_payload": {"key": "outbox:42"}}
    client.chat_postMessage(channel=LEE.id, text="first", metadata=key)
    client.chat_postMessage(channel=LEE.id, text="second")
    reply = client.chat_postMessage(channel="C0SUPPORT1", text="elsewhere")
    client.chat_postMessage(channel="C0SUPPORT1", text="in a thread", thread_ts=reply["ts"])
    dm = client.conversations_open(users=LEE.id)["channel"]["id"]

    history = client.conversations_history(channel=dm, include_all_metadata=True)
    assert [(m["text"], m.get("metadata")) for m in history["messages"]] == [
        ("second", None),
        ("first", key),
    ]
    plain_history = client.conversations_history(channel=dm)["messages"]
    assert all("metadata" not in m for m in plain_history)
    support = client.conversations_history(channel="C0SUPPORT1")["messages"]
    assert [m["text"] for m in support] == ["elsewhere"]  # thread replies are not history

    first_page = client.conversations_history(channel=dm, limit=1)
    assert first_page["has_more"] and [m["text"] for m in first_page["messages"]] == ["second"]
    cursor = first_page["response_metadata"]["next_cursor"]
    second_page = client.conversations_history(channel=dm, limit=1, cursor=cursor)
    assert [m["text"] for m in second_page["messages"]] == ["first"]
    newer = client.conversations_history(channel=dm, oldest=history["messages"][1]["ts"])
    assert [m["text"] for m in newer["messages"]] == ["second"]

    for wrong in (LEE.id, "#support", "C0NOWHERE1"):
        with pytest.raises(SlackApiError, match="channel_not_found"):
            client.conversations_history(channel=wrong)
    with pytest.raises(SlackApiError, match="invalid_metadata"):
        client.chat_postMessage(channel=dm, text="x", metadata={"event_payload": {}})


def test_form_encoded_metadata_is_read_too(fake):
    metadata = {"event_type": "t", "event_payload": {"k": 1}}
    form = {"channel": "C0SUPPORT1", "text": "x", "metadata": json.dumps(metadata)}
    web(fake).api_call("chat.postMessage", data=form)  # form-encoded, as older clients post
    history = web(fake).conversations_history(channel="C0SUPPORT1", include_all_metadata=True)
    assert history["messages"][0]["metadata"] == metadata


def test_a_command_answer_over_slack_limits_is_shown_as_slack_refusing_it(fake):
    app = App(signing_secret=SECRET, client=WebClient(TOKEN, base_url=fake.api_url))

    @app.command("/long")
    def long(ack):
        ack(text="fallback", blocks=[section("x" * 3001)])

    server = HttpServer(app, SECRET).start()
    try:
        workspace = Workspace(fake, SignedClient(server.url, SECRET))
        with pytest.raises(DemoError, match="invalid_blocks .*/blocks/0/text/text"):
            workspace.command("ana", "/long")
    finally:
        server.stop()
