"""The Telegram front end's commands, menus, delivery and hostile input, end to end: the real
python-telegram-bot Application against the Bot API stand-in on loopback."""
from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest

from bot import paths
from bot.content.load import load_content

from bot.telegram import interface as ui
from bot.telegram.app import build_application
from bot.telegram.intake import PollingReceiver
from telegram import Update
from tests.botapi_standin import BOT_USER, BotApiStandIn
from tests.telegram_harness import running, settings_for

CHAT = 880001
GROUP = -100555
SECRET = "s3cret-token_OK"
LABELS = None


def keyboard_payloads(message):
    return [button["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for button in row]


@pytest.fixture()
def api(run):
    standin = BotApiStandIn()
    run(standin.start())
    yield standin
    run(standin.stop())


@pytest.fixture()
def application(run, api, recorded_conversations, tmp_path):
    application = build_application(settings_for(api, tmp_path), open_shared=lambda _: recorded_conversations)
    run(application.initialize())
    run(application.post_init(application))
    yield application
    run(application.post_shutdown(application))
    run(application.shutdown())


@pytest.fixture()
def polling(run, api, application):
    async def start() -> PollingReceiver:
        await application.start()
        receiver = PollingReceiver(application, Update.ALL_TYPES, timeout=1)
        await receiver.start()
        return receiver

    async def stop(receiver: PollingReceiver) -> None:
        await receiver.stop()
        await application.stop()

    receiver = run(start())
    yield api
    run(stop(receiver))


# Commands ---------------------------------------------------------------------------------


def test_the_commands_are_in_the_menu(run, application, api):
    menus = api.sent("setMyCommands")
    assert menus, "setMyCommands was not called in post_init"
    names = [command["command"] for command in menus[0]["commands"]]
    assert names == ["start", "help", "glossary", "helplines", "language", "country", "about", "privacy", "forget"]
    assert all(1 <= len(command["description"]) <= 256 for command in menus[0]["commands"])


@pytest.mark.parametrize(
    "command, expected",
    [
        ("/helplines", "1098"),
        ("/privacy", "/forget"),
        ("/about", "Red Heart"),
        ("/help", "Type your question"),
    ],
)
def test_each_command_answers(run, polling, command, expected):
    polling.message(CHAT, command)
    reply = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert expected in reply["text"]
    assert reply["parse_mode"] == "HTML"


def test_a_command_addressed_to_the_bot_by_name_answers(run, polling):
    polling.message(CHAT, f"/helplines@{BOT_USER['username']}")
    assert "1098" in run(polling.wait_for("sendMessage", chat_id=CHAT))[0]["text"]


def test_language_menu_sets_the_language_slot(run, polling, recorded_conversations):
    polling.message(CHAT, "/language")
    menu = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert keyboard_payloads(menu) == ["l:en", "l:bn", "l:fr", "l:es"]
    polling.press(CHAT, "l:bn")
    run(polling.wait_for("answerCallbackQuery"))
    run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))
    tracker = run(recorded_conversations.assistant.tracker_store.retrieve(ui.conversation_id(recorded_conversations, CHAT)))
    assert tracker.get_slot("language") == "bn"
    # A message that does not show its language keeps the choice, whatever Telegram's
    # language_code says ...
    polling.message(CHAT, "grooming", language="en")
    run(polling.wait_for("sendMessage", count=3, chat_id=CHAT))
    tracker = run(recorded_conversations.assistant.tracker_store.retrieve(ui.conversation_id(recorded_conversations, CHAT)))
    assert tracker.get_slot("language") == "bn"
    # ... and a message written in English is answered in English.
    polling.message(CHAT, "what is grooming", language="bn")
    run(polling.wait_for("sendMessage", count=4, chat_id=CHAT))
    tracker = run(recorded_conversations.assistant.tracker_store.retrieve(ui.conversation_id(recorded_conversations, CHAT)))
    assert tracker.get_slot("language") == "en"


def test_country_menu_offers_the_models_countries_and_shows_their_helplines(run, polling, recorded_conversations):
    polling.message(CHAT, "/country")
    menu = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert keyboard_payloads(menu) == [f"c:{code}" for code in recorded_conversations.countries]
    assert "c:BD" in keyboard_payloads(menu)
    polling.press(CHAT, "c:BD")
    reply = run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))[1]
    assert "1098" in reply["text"]


def test_the_country_comes_from_the_language_codes_region_never_from_the_language_alone():
    countries = ["BD", "GB", "FR", "ES", "MX"]
    assert ui.country_of_language_code("en-GB", countries) == "GB"
    assert ui.country_of_language_code("es-MX", countries) == "MX"
    assert ui.country_of_language_code("es", countries) is None  # Madrid or Lima: ask
    assert ui.country_of_language_code("fr", countries) is None
    assert ui.country_of_language_code("bn", countries) is None
    assert ui.country_of_language_code("en-US", countries) is None  # not served here
    assert ui.country_of_language_code(None, countries) is None


def test_forget_asks_first_then_erases_the_conversation(run, polling, recorded_conversations):
    ident = ui.conversation_id(recorded_conversations, CHAT)
    store = recorded_conversations.assistant.tracker_store
    polling.message(CHAT, "what is grooming")
    run(polling.wait_for("sendMessage", chat_id=CHAT))
    polling.message(CHAT, "/forget")
    confirm = run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))[1]
    assert keyboard_payloads(confirm) == ["f:yes", "f:no"]
    assert run(store.retrieve(ident)) is not None  # nothing erased before the user says yes
    polling.press(CHAT, "f:no")
    run(polling.wait_for("sendMessage", count=3, chat_id=CHAT))
    assert run(store.retrieve(ident)) is not None
    polling.press(CHAT, "f:yes")
    done = run(polling.wait_for("sendMessage", count=4, chat_id=CHAT))[3]
    assert done["text"]
    assert run(store.retrieve(ident)) is None


# Glossary -----------------------------------------------------------------------------------


def glossary_order():
    """Term intents A to Z by heading, as the glossary must list them."""
    content = load_content(paths.CONTENT_DIR)
    return [f"/term_{t.id}" for t in sorted(content.terms, key=lambda t: t.heading("en").casefold())]


def page_of(payload: str, size: int) -> int:
    return glossary_order().index(payload) // size + 1


def test_the_glossary_pages_through_the_terms_and_opens_a_card(run, polling, monkeypatch):
    monkeypatch.setattr(ui, "GLOSSARY_PAGE_SIZE", 3)
    order = glossary_order()
    pages = -(-len(order) // 3)
    polling.message(CHAT, "/glossary")
    first = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert keyboard_payloads(first) == order[:3] + ["g:2"]  # no Previous on the first page
    assert "1" in first["text"] and str(pages) in first["text"]
    polling.press(CHAT, "g:2", message_id=polling.delivered[-1])
    edited = run(polling.wait_for("editMessageText"))[0]
    assert keyboard_payloads(edited) == order[3:6] + ["g:1", "g:3"]
    polling.press(CHAT, "/term_grooming")
    card = run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))[1]
    assert card["text"].startswith("<b>grooming</b>")
    # Related terms, then back to the page grooming is on.
    grooming = next(t for t in load_content(paths.CONTENT_DIR).terms if t.id == "grooming")
    back = f"g:{page_of('/term_grooming', 3)}"
    assert keyboard_payloads(card) == [f"/term_{r}" for r in grooming.related] + [back]
    assert all(len(p.encode()) <= 64 for p in keyboard_payloads(card))


def test_typing_glossary_works_like_the_command(run, polling):
    polling.message(CHAT, "glossary")
    reply = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert keyboard_payloads(reply)[: ui.GLOSSARY_PAGE_SIZE] == glossary_order()[: ui.GLOSSARY_PAGE_SIZE]


def test_a_glossary_page_for_a_message_that_is_gone_is_sent_anew(run, polling):
    polling.press(CHAT, "g:2", gone=True)
    run(polling.wait_for("answerCallbackQuery"))
    reply = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    size = ui.GLOSSARY_PAGE_SIZE
    assert keyboard_payloads(reply)[:size] == glossary_order()[size : 2 * size]


@pytest.mark.parametrize("data", ["g:0", "g:99999", "x:1", "/nonexistent", "l:zz", "c:XX", "/term_" + "a" * 80, "🙂"])
def test_an_expired_or_unknown_button_is_answered_kindly_with_the_menu(run, polling, data):
    polling.press(CHAT, data, gone=data == "g:0")
    run(polling.wait_for("answerCallbackQuery"))
    sent = run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))
    assert "expired" in sent[0]["text"]
    assert "/helplines" in keyboard_payloads(sent[1])


# Long replies -------------------------------------------------------------------------------


def test_a_reply_longer_than_telegram_allows_is_split_on_paragraphs(run, polling, recorded_conversations, monkeypatch):
    from bot.assistant import Response, Turn
    from bot.conversation import Reply

    paragraph = "A paragraph about keeping children safe online. " * 20
    long_text = "\n\n".join([paragraph.strip()] * 10)
    assert len(long_text) > 4096

    async def long_reply(*args, **kwargs):
        return Reply("en", Turn("help", 1.0, [Response(long_text)], ["utter_help"]))

    monkeypatch.setattr(recorded_conversations, "handle", long_reply)
    polling.message(CHAT, "tell me everything")
    run(asyncio.sleep(0.5))
    parts = run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert "\n\n".join(p["text"] for p in parts) == long_text


# Delivery -----------------------------------------------------------------------------------


def test_a_429_and_a_slow_answer_are_survived_and_replies_stay_in_order(run, api, recorded_conversations, tmp_path):
    api.faults = {"sendMessage": [("429", 1), ("slow", 3)]}
    application = build_application(settings_for(api, tmp_path), open_shared=lambda _: recorded_conversations)

    async def scenario():
        async with running(application):
            api.message(CHAT, "/helplines")
            api.message(CHAT, "what is grooming")
            api.message(CHAT, "/privacy")
            await api.wait_for("sendMessage", count=3, chat_id=CHAT, timeout=40)
            await asyncio.sleep(1.5)  # anything re-sent late would show up now

    run(scenario())
    tried = [c.method for c in api.calls if c.method.startswith("sendMessage")]
    assert tried[:2] == ["sendMessage:429", "sendMessage:slow"]
    sent = api.sent("sendMessage", chat_id=CHAT)
    assert len(sent) == 3, "each reply is delivered exactly once"
    assert "1098" in sent[0]["text"]
    assert sent[1]["text"].startswith("<b>grooming</b>")
    assert "/forget" in sent[2]["text"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_mode_checks_the_secret_token(run, api, application):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"

    async def scenario():
        await application.start()
        await application.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="telegram-hook", webhook_url=url, secret_token=SECRET
        )
        try:
            update = api.post({"message": api.message_object(CHAT, "/helplines") | {
                "entities": [{"type": "bot_command", "offset": 0, "length": 10}]}})
            async with httpx.AsyncClient() as client:
                missing = await client.post(url, json=update)
                wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
                await asyncio.sleep(0.5)
                assert api.sent("sendMessage", chat_id=CHAT) == []
                right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            await api.wait_for("sendMessage", chat_id=CHAT)
            return missing.status_code, wrong.status_code, right.status_code
        finally:
            await application.updater.stop()
            await application.stop()

    missing, wrong, right = run(scenario())
    assert (missing, wrong, right) == (403, 403, 200)
    assert api.webhook["url"] == url and api.webhook["secret_token"] == SECRET
    assert "1098" in api.sent("sendMessage", chat_id=CHAT)[0]["text"]


# Groups, channels, edits ------------------------------------------------------------------


def test_in_a_group_only_commands_mentions_and_replies_are_answered(run, polling):
    polling.message(GROUP, "what is grooming", chat_type="supergroup", user_id=CHAT)
    polling.message(GROUP, "/helplines", chat_type="supergroup", user_id=CHAT)
    first = run(polling.wait_for("sendMessage", chat_id=GROUP))
    assert len(first) == 1 and "1098" in first[0]["text"]
    polling.message(GROUP, f"@{BOT_USER['username']} what is grooming", chat_type="supergroup", user_id=CHAT)
    second = run(polling.wait_for("sendMessage", count=2, chat_id=GROUP))[1]
    assert second["text"].startswith("<b>grooming</b>")
    reply_to_bot = {"message_id": 5, "date": 0, "chat": {"id": GROUP, "type": "supergroup"}, "from": BOT_USER, "text": "x"}
    polling.message(GROUP, "and what is sextortion", chat_type="supergroup", user_id=CHAT, reply_to_message=reply_to_bot)
    third = run(polling.wait_for("sendMessage", count=3, chat_id=GROUP))[2]
    assert "sextortion" in third["text"]
    polling.message(GROUP, sticker=STICKER, chat_type="supergroup", user_id=CHAT)
    run(asyncio.sleep(1.0))
    assert len(polling.sent("sendMessage", chat_id=GROUP)) == 3


def test_channel_posts_and_edited_messages_are_left_alone(run, polling):
    polling.message(GROUP, "what is grooming", kind="channel_post", chat_type="channel")
    polling.message(CHAT, "what is grooming", kind="edited_message", edit_date=1)
    run(asyncio.sleep(1.0))
    assert polling.sent("sendMessage") == []
    polling.message(CHAT, "who can i call")
    assert "999" in run(polling.wait_for("sendMessage", chat_id=CHAT))[0]["text"]


def test_forwarded_messages_and_replies_are_answered_like_text(run, polling):
    origin = {"type": "user", "date": 1, "sender_user": {"id": 99, "is_bot": False, "first_name": "Friend"}}
    polling.message(CHAT, "what is grooming", forward_origin=origin)
    assert run(polling.wait_for("sendMessage", chat_id=CHAT))[0]["text"].startswith("<b>grooming</b>")
    quoted = {"message_id": 3, "date": 0, "chat": {"id": CHAT, "type": "private"}, "from": BOT_USER, "text": "x"}
    polling.message(CHAT, "who can i call", reply_to_message=quoted)
    assert "999" in run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))[1]["text"]


STICKER = {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
           "is_animated": False, "is_video": False, "type": "regular"}
FILE = {"file_id": "f1", "file_unique_id": "u2"}
NOT_WORDS = {
    "photo": {"photo": [{**FILE, "width": 90, "height": 90}], "caption": "look"},
    "sticker": {"sticker": STICKER},
    "voice": {"voice": {**FILE, "duration": 3}},
    "video": {"video": {**FILE, "width": 1, "height": 1, "duration": 1}},
    "document": {"document": {**FILE, "file_name": "a.pdf"}},
    "location": {"location": {"latitude": 23.8, "longitude": 90.4}},
    "contact": {"contact": {"phone_number": "+8801700000000", "first_name": "A"}},
}


@pytest.mark.parametrize("kind", list(NOT_WORDS))
def test_things_that_are_not_words_get_the_only_words_reply_and_are_never_downloaded(run, polling, kind):
    polling.message(CHAT, **NOT_WORDS[kind])
    reply = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert "only read words" in reply["text"]
    assert polling.sent("getFile") == []


@pytest.mark.parametrize(
    "text",
    [
        "a" * 4096,
        "🙂🙏❤️",
        "ما هو الاستدراج",
        "what\x00is\x07grooming\u202e",
        "<script>alert(1)</script> *bold* _it_ [x](http://e.vil) <b>what is csam</b>",
    ],
    ids=["4096-chars", "emoji-only", "right-to-left", "control-chars", "html-and-markdown"],
)
def test_hostile_text_gets_a_proper_reply_and_the_bot_keeps_serving(run, polling, text):
    polling.message(CHAT, text)
    reply = run(polling.wait_for("sendMessage", chat_id=CHAT))[0]
    assert reply["text"] and len(reply["text"]) <= 4096
    for fragment in ("<script", "e.vil", "alert(", "aaaaaaaaaa"):
        assert fragment not in reply["text"], "the user's words are never echoed"
    polling.message(CHAT, "who can i call")
    assert "999" in run(polling.wait_for("sendMessage", count=2, chat_id=CHAT))[1]["text"]


# Logs ---------------------------------------------------------------------------------------


def test_logs_hold_no_user_text_no_ids_and_never_the_token(run, api, recorded_conversations, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    application = build_application(settings_for(api, tmp_path), open_shared=lambda _: recorded_conversations)

    async def scenario():
        async with running(application):
            api.message(CHAT, "my secret worry about grooming")
            api.press(CHAT, "g:zz")
            await api.wait_for("sendMessage", count=3, chat_id=CHAT)

    run(scenario())
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert api.token not in logged
    assert api.token.split(":")[1] not in logged
    assert str(CHAT) not in logged
    assert "secret worry" not in logged


def test_a_spanish_speaker_whose_telegram_names_no_country_is_asked_for_it(run, polling):
    chat = CHAT + 41
    polling.message(chat, "hola", language="es")
    greeting, question = run(polling.wait_for("sendMessage", count=2, chat_id=chat))
    payloads = keyboard_payloads(question)
    assert {"c:ES", "c:MX", "c:CO", "c:PE", "c:FR", "c:CI"} <= set(payloads)
    polling.press(chat, "c:MX")
    reply = run(polling.wait_for("sendMessage", count=3, chat_id=chat))[2]
    assert "911" in reply["text"]
