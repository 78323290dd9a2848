"""Delivery through Telegram's bad minutes, in one process: the real Application against the
Bot API stand-in, with 5xx answers, dropped connections, 429s, slow answers and refusals."""
from __future__ import annotations

import asyncio
import time

import httpx

from bot.stats.names import Names
from bot.stats.report import build_report
from bot.telegram import service
from bot.telegram.app import build_application
from bot.telegram.outbox import Outgoing, SqliteOutbox
from bot.telegram.sealing import Sealer
from tests.test_telegram_features import api  # noqa: F401  (the stand-in, started and stopped)
from tests.botapi_standin import busiest_second
from tests.postgres_server import free_port
from tests.telegram_harness import running, settings_for

CHAT = 990001
OTHER = 990002
DANGER = "a man is hurting my child right now"
QUESTIONS = [("/helplines", "1098"), ("what is grooming", "<b>grooming</b>"), ("/privacy", "/forget")]


def scenario(run, api, conversations, tmp_path, body, **settings):
    application = build_application(settings_for(api, tmp_path, **settings), open_shared=lambda _: conversations)

    async def go():
        async with running(application):
            await body()
            await asyncio.sleep(1.0)  # anything sent twice or late would show up now

    run(go())


def counted(conversations):
    """The delivery problems the statistics report shows."""
    delivery = build_report(conversations.stats, Names.load()).table("delivery")
    return [(row.id, row.cells[0].value) for row in delivery.rows]


def texts(api, chat=CHAT):
    return [message["text"] for message in api.sent("sendMessage", chat_id=chat)]


def test_5xx_answers_dropped_connections_and_429s_are_retried_until_every_reply_is_sent_once(
    run, api, recorded_conversations, tmp_path
):
    api.faults = {"sendMessage": [("500", 0), ("502", 0), ("drop", 0), ("429", 1), ("500", 0)]}

    async def body():
        for question, _ in QUESTIONS:
            api.message(CHAT, question)
        await api.wait_for("sendMessage", count=len(QUESTIONS), chat_id=CHAT, timeout=40)

    scenario(run, api, recorded_conversations, tmp_path, body)
    tried = [c.method for c in api.calls if c.method.startswith("sendMessage:")]
    assert tried == ["sendMessage:500", "sendMessage:502", "sendMessage:drop", "sendMessage:429", "sendMessage:500"]
    sent = texts(api)
    assert len(sent) == len(QUESTIONS), "each reply delivered exactly once"
    for text, (_, expected) in zip(sent, QUESTIONS):
        assert expected in text, "and in the order the questions were asked"


def test_a_safety_answer_whose_send_timed_out_is_sent_again_and_counted(run, api, recorded_conversations, tmp_path):
    api.faults = {"sendMessage": [("slow", 2.5)]}

    async def body():
        api.message(CHAT, DANGER)
        await api.wait_for("sendMessage", count=2, chat_id=CHAT, timeout=30)

    scenario(run, api, recorded_conversations, tmp_path, body, send_timeout=1.0)
    sent = texts(api)
    assert len(sent) == 2 and sent[0] == sent[1], "the stand-in delivered the slow one too: a counted duplicate"
    assert "999" in sent[0]
    assert counted(recorded_conversations) == [("unknown_resent", 1)]


def test_another_reply_whose_send_timed_out_is_not_sent_again(run, api, recorded_conversations, tmp_path):
    api.faults = {"sendMessage": [("slow", 2.5)]}

    async def body():
        api.message(CHAT, "what is grooming")
        await api.wait_for("sendMessage", chat_id=CHAT, timeout=30)
        await asyncio.sleep(2.0)
        api.message(CHAT, "/privacy")
        await api.wait_for("sendMessage", count=2, chat_id=CHAT, timeout=30)

    scenario(run, api, recorded_conversations, tmp_path, body, send_timeout=1.0)
    sent = texts(api)
    assert len(sent) == 2 and sent[0].startswith("<b>grooming</b>") and "/forget" in sent[1]
    assert counted(recorded_conversations) == [("unknown_not_resent", 1)]


def test_a_reply_telegram_refuses_is_counted_and_the_next_one_still_goes(run, api, recorded_conversations, tmp_path):
    api.faults = {"sendMessage": [("403", 0)]}

    async def body():
        api.message(CHAT, "what is grooming")
        api.message(CHAT, "/privacy")
        await api.wait_for("sendMessage", chat_id=CHAT, timeout=30)

    scenario(run, api, recorded_conversations, tmp_path, body)
    assert len(texts(api)) == 1 and "/forget" in texts(api)[0]
    assert counted(recorded_conversations) == [("undeliverable", 1)]


def test_a_burst_of_replies_keeps_to_30_messages_in_every_second(run, api, recorded_conversations, tmp_path):
    chats = [CHAT + 100 + n for n in range(75)]

    async def body():
        for chat in chats:
            api.message(chat, "/helplines")
        await api.wait_for("sendMessage", count=len(chats), timeout=60)

    scenario(run, api, recorded_conversations, tmp_path, body)
    moments = [c.at for c in api.calls if c.method == "sendMessage"]
    assert len(moments) == len(chats), "every chat answered once"
    assert busiest_second(moments) <= 31, "30 in any second (one more where a sleep ran late), never a burst of 60"
    assert max(moments) - min(moments) >= 2.3, "75 replies at 30 a second take about 2.5 seconds"


def hit_by_429(api, chats, faults):
    """Every chat asks once; the sends, and the 429s served, with when the stand-in took them."""
    api.faults = {"sendMessage": faults}

    async def body():
        for chat in chats:
            api.message(chat, "/helplines")
        await api.wait_for("sendMessage", count=len(chats), timeout=60)

    return body


def test_a_429_holds_back_only_its_own_chat(run, api, recorded_conversations, tmp_path):
    chats = [CHAT + 300 + n for n in range(60)]
    scenario(run, api, recorded_conversations, tmp_path, hit_by_429(api, chats, [("ok", 0)] * 10 + [("429", 1)]))
    sent = [c for c in api.calls if c.method == "sendMessage"]
    fault = next(c for c in api.calls if c.method == "sendMessage:429")
    assert sorted(int(c.params["chat_id"]) for c in sent) == chats, "every chat answered once, the one hit as well"
    again = next(c for c in sent if c.params["chat_id"] == fault.params["chat_id"])
    assert again.at - fault.at >= 1.0, "the chat hit waits out retry_after"
    assert len([c for c in sent if fault.at < c.at < fault.at + 1.0]) >= 20, "the other chats go on meanwhile"


def test_429s_for_several_chats_pause_every_send_and_no_burst_follows(run, api, recorded_conversations, tmp_path):
    chats = [CHAT + 400 + n for n in range(60)]
    scenario(run, api, recorded_conversations, tmp_path, hit_by_429(api, chats, [("ok", 0)] * 10 + [("429", 1)] * 3))
    moments = [c.at for c in api.calls if c.method == "sendMessage"]
    third = [c for c in api.calls if c.method == "sendMessage:429"][-1]
    assert len(moments) == len(chats), "every chat answered once, the three hit as well"
    assert not [m for m in moments if third.at + 0.15 < m < third.at + 1.0], "nothing is sent during the pause"
    assert busiest_second(moments) <= 31, "no burst when the pause ends"


def failing(conversations, text: str, times: int):
    """conversations.handle raising on `text` its first `times` times, as when a lock or a
    store fails; the calls made with it."""
    handle, calls = conversations.handle, []

    async def wrapped(channel, chat, message, *args, **kwargs):
        if message == text:
            calls.append(message)
            if len(calls) <= times:
                raise TimeoutError("lock not acquired")
        return await handle(channel, chat, message, *args, **kwargs)

    conversations.handle = wrapped
    return calls


def test_a_message_whose_handling_failed_is_handled_again_and_answered_once(run, api, recorded_conversations, tmp_path):
    calls = failing(recorded_conversations, "what is grooming", times=1)

    async def body():
        api.message(CHAT, "what is grooming")
        await api.wait_for("sendMessage", chat_id=CHAT, timeout=30)

    scenario(run, api, recorded_conversations, tmp_path, body)
    assert len(calls) == 2, "handled again after the failure"
    assert len(texts(api)) == 1 and "<b>grooming</b>" in texts(api)[0]


def test_a_message_that_keeps_failing_gets_the_emergency_number_in_its_language(run, api, recorded_conversations, tmp_path):
    calls = failing(recorded_conversations, "qu'est-ce que le grooming ?", times=3)

    async def body():
        api.message(CHAT, "qu'est-ce que le grooming ?", language="en")
        api.message(CHAT, "what is grooming")
        await api.wait_for("sendMessage", count=2, chat_id=CHAT, timeout=40)

    scenario(run, api, recorded_conversations, tmp_path, body)
    # The next message is not held up by the failing one (which is answered after it).
    answered, apology = texts(api)
    assert "<b>grooming</b>" in answered
    assert len(calls) == 3 and apology.startswith("Désolé, un problème est survenu")
    assert "999" in apology and "1098" in apology, "the emergency number and the child helpline"


def test_a_slow_send_to_one_chat_does_not_hold_up_another(run, api, recorded_conversations, tmp_path):
    api.faults = {"sendMessage": [("slow", 4)]}
    timings = {}

    async def body():
        api.message(CHAT, "what is grooming")
        while not any(c.method == "sendMessage:slow" for c in api.calls):
            await asyncio.sleep(0.02)
        started = time.monotonic()
        api.message(OTHER, "/helplines")
        await api.wait_for("sendMessage", chat_id=OTHER, timeout=30)
        timings["other"] = time.monotonic() - started
        timings["slow still pending"] = not api.sent("sendMessage", chat_id=CHAT)
        await api.wait_for("sendMessage", chat_id=CHAT, timeout=30)

    scenario(run, api, recorded_conversations, tmp_path, body)
    assert timings["slow still pending"] and timings["other"] < 2.0
    assert len(texts(api)) == 1 and len(texts(api, OTHER)) == 1


def test_replies_wait_in_the_queue_while_telegram_is_down_and_go_after_a_restart_once(
    run, api, recorded_conversations, tmp_path
):
    api.faults = {"sendMessage": [("500", 0)] * 1000}
    settings = settings_for(api, tmp_path)

    async def while_down():
        async with running(build_application(settings, open_shared=lambda _: recorded_conversations)):
            api.message(CHAT, "what is grooming")
            while len(api.faults["sendMessage"]) > 997:
                await asyncio.sleep(0.02)

    async def after_restart():
        async with running(build_application(settings, open_shared=lambda _: recorded_conversations)):
            await api.wait_for("sendMessage", chat_id=CHAT, timeout=30)
            api.updates.append(handled)  # Telegram hands out an update the bot already answered
            api.message(CHAT, "/privacy")
            await api.wait_for("sendMessage", count=2, chat_id=CHAT, timeout=30)
            await asyncio.sleep(1.0)

    run(while_down())
    assert texts(api) == []
    handled = {"update_id": 1, "message": api.message_object(CHAT, "what is grooming")}
    api.faults = {}
    run(after_restart())
    sent = texts(api)
    assert len(sent) == 2 and sent[0].startswith("<b>grooming</b>") and "/forget" in sent[1]


def test_a_webhook_delivery_is_answered_200_only_once_its_reply_is_queued(run, api, recorded_conversations, tmp_path):
    """The outbox failing: 500, so Telegram delivers the update again; then 200, answered once."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    application = build_application(settings_for(api, tmp_path), open_shared=lambda _: recorded_conversations)
    outbox = service.delivery_of(application).outbox
    commit = outbox.commit
    failures = iter([RuntimeError("disk full")])

    def failing_once(update_id, replies):
        error = next(failures, None)
        if error:
            raise error
        return commit(update_id, replies)

    async def go():
        await application.initialize()
        await application.post_init(application)
        await application.start()
        await application.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook", webhook_url=url,
                                                secret_token="s3cret")
        try:
            update = api.post({"message": api.message_object(CHAT, "what is grooming")})
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            async with httpx.AsyncClient(timeout=30) as client:
                first = await client.post(url, json=update, headers=headers)
                second = await client.post(url, json=update, headers=headers)
                queued_at_answer = outbox.is_processed(update["update_id"])
                third = await client.post(url, json=update, headers=headers)
            await api.wait_for("sendMessage", chat_id=CHAT)
            await asyncio.sleep(1.0)
            return first.status_code, second.status_code, third.status_code, queued_at_answer
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
            await application.shutdown()

    outbox.commit = failing_once
    assert run(go()) == (500, 200, 200, True)
    assert len(texts(api)) == 1



def test_a_reply_handed_out_but_never_settled_comes_back_marked_as_retaken(tmp_path):
    """As after a SIGKILL mid-send: the next process sends it again and counts it."""
    sealer = Sealer(tmp_path / "keys")
    before = SqliteOutbox(tmp_path / "outbox.sqlite3", sealer)
    before.commit(1, [Outgoing(CHAT, "first"), Outgoing(CHAT, "second")])
    assert [(item.reply.html, item.retaken) for item in before.due(time.time(), 10)] == [("first", False)]
    before.close()
    after = SqliteOutbox(tmp_path / "outbox.sqlite3", sealer)
    head = after.due(time.time(), 10)
    assert [(item.reply.html, item.retaken) for item in head] == [("first", True)]
    after.sent(head[0])
    assert [(item.reply.html, item.retaken) for item in after.due(time.time(), 10)] == [("second", False)]


def test_the_count_of_failed_attempts_keeps_only_the_latest_updates(run, tmp_path, monkeypatch):
    # An update that failed here and was then answered by another process is never seen here
    # again: its count must not stay for ever.
    import pytest
    from telegram import Update

    from bot.telegram import intake

    monkeypatch.setattr(intake, "ATTEMPTS_KEPT", 5)
    processor = intake.DurableUpdateProcessor(SqliteOutbox(tmp_path / "outbox.sqlite3", Sealer(tmp_path / "keys")))

    async def handler_that_fails(update_id: int) -> None:
        processor.failed(update_id)

    async def scenario():
        for number in range(20):
            update = Update.de_json({"update_id": number, "message": {
                "message_id": 1, "date": 0, "chat": {"id": CHAT, "type": "private"}, "text": "hello"}}, None)
            with pytest.raises(intake.HandlingFailed):
                await processor._handle(update, handler_that_fails(number))

    run(scenario())
    assert sorted(processor._attempts) == [15, 16, 17, 18, 19]


def test_when_the_conversation_store_fails_the_apology_takes_the_country_from_telegram(
    run, api, recorded_conversations, tmp_path, monkeypatch
):
    failing(recorded_conversations, "quel numéro appeler", times=3)

    async def store_down(*args, **kwargs):
        raise ConnectionError("the conversation store is down")

    monkeypatch.setattr(recorded_conversations.assistant.tracker_store, "retrieve", store_down)

    async def body():
        api.message(CHAT, "quel numéro appeler", language="fr-FR")
        await api.wait_for("sendMessage", chat_id=CHAT, timeout=40)

    scenario(run, api, recorded_conversations, tmp_path, body)
    apology = texts(api)[0]
    assert apology.startswith("Désolé, un problème est survenu")
    assert "119" in apology and "1098" not in apology, "France's child helpline, not Bangladesh's"
