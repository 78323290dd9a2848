"""Bengali, in both scripts people type it: understood and answered in Bengali, safety first."""
from __future__ import annotations

import re

import pytest

from conftest import ask
from bot import paths
from bot.content.load import load_content
from bot.safety import HELP_KINDS

CONTENT = load_content(paths.CONTENT_DIR)
BENGALI_LETTERS = re.compile(r"[\u0980-\u09ff]")


def bengali_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(bool(BENGALI_LETTERS.match(ch)) for ch in letters) / max(len(letters), 1)


def reply_text(turn) -> str:
    return "\n".join(r.text for r in turn.responses)


@pytest.mark.parametrize(
    "question, item",
    [
        ("গ্রুমিং কী", "term_grooming"),
        ("grooming ki jinis", "term_grooming"),
        ("শিশু যৌন নির্যাতন বলতে কি বুঝায়", "term_child_sexual_abuse"),
        ("বাল্য বিয়ে কাকে বলে", "term_child_marriage"),
        ("1098 number ta ki", "service_bd_1098"),  # a question about the service itself
        ("কাকে ফোন করব", "helplines"),
    ],
)
def test_a_question_in_bengali_gets_its_item_in_bengali(run, conversations, question, item):
    reply = run(conversations.handle("ask", "bn", question, language="en"))
    assert reply.turn.intent == item
    assert reply.language == "bn"
    assert bengali_share(reply_text(reply.turn)) > 0.5


def test_a_question_in_english_is_answered_in_english_even_after_bengali(run, conversations):
    ask(run, conversations, "গ্রুমিং কী", chat="mixed")
    reply = run(conversations.handle("ask", "mixed", "what is grooming"))
    assert reply.language == "en" and reply_text(reply.turn).startswith("**grooming**")
    # A button press has no language of its own: it follows the conversation.
    ask(run, conversations, "sextortion mane ki", chat="mixed")
    assert run(conversations.handle("ask", "mixed", "/term_grooming")).language == "bn"


@pytest.mark.parametrize(
    "message",
    [
        "বাঁচাও একটা লোক আমার মেয়েকে মারছে এখন",
        "amar meye ke tule niye geche ekhon ki korbo",
        "ekta lok bolche taka na dile amar chobi viral kore dibe bkash e",
    ],
)
def test_danger_in_bengali_reaches_999_and_1098_in_bengali(run, conversations, message):
    reply = run(conversations.handle("ask", "danger", message, language="en"))
    text = reply_text(reply.turn)
    assert reply.turn.intent in HELP_KINDS  # danger, a child taken, extortion...
    assert reply.language == "bn"
    # Phone numbers stay in Latin digits so they can be dialled as written.
    assert "999" in text and "1098" in text and "৯৯৯" not in text


def test_the_danger_answer_puts_999_first_and_a_child_gets_1098_first_in_bengali(run, conversations):
    danger = ask(run, conversations, "/danger", language="bn").responses[0].text.splitlines()
    assert "999" in danger[0] and "1098" in danger[1] and bengali_share(danger[0]) > 0.3
    child = ask(run, conversations, "/child_disclosure", language="bn").responses[0].text.splitlines()
    assert "1098" in child[0] and "999" in child[1]


def test_a_bengali_safety_answer_says_the_bot_is_automated_wherever_the_english_does():
    for intent in ("danger", "child_disclosure", "disclosure", "extortion", "harmful_request"):
        english, bengali = CONTENT.replies[intent].texts["en"], CONTENT.replies[intent].texts["bn"]
        says_english = "automated" in english or "computer program" in english
        assert says_english == ("স্বয়ংক্রিয়" in bengali or "কম্পিউটার প্রোগ্রাম" in bengali), intent


def test_every_text_has_a_bengali_translation():
    from bot.content.translations import ContentTree

    assert ContentTree(paths.CONTENT_DIR).counts("bn")["missing"] == 0


def test_the_bengali_glossary_is_in_bengali_order(run, conversations):
    buttons = ask(run, conversations, "/glossary", language="bn").responses[0].buttons
    titles = [b.title for b in buttons if b.payload.startswith("/term_")]
    assert titles == sorted(titles, key=str.casefold) and bengali_share(titles[0]) > 0.5


def test_statistics_count_bengali_script_and_romanised_bengali_apart(run, recorded_conversations, stats_store):
    for chat, text in (("a", "গ্রুমিং কী"), ("b", "grooming mane ki"), ("c", "what is grooming")):
        run(recorded_conversations.handle("telegram", chat, text))
    assert dict(stats_store.count_by("language")) == {"bn": 1, "bn-Latn": 1, "en": 1}


def test_the_bot_menu_is_described_in_bengali():
    assert set(CONTENT.commands) == {name for name, text in CONTENT.commands.items() if "bn" in text.texts}
    assert CONTENT.languages["bn"] == "বাংলা"
