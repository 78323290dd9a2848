"""Questions about one helpline or report route are answered by that service itself: what it
is, how to reach it, hours and cost, who can contact it, how private it is and what happens
next, as far as its sources say, in the question's language."""
from __future__ import annotations

import pytest

from bot import paths
from bot.content.load import load_content
from bot.training.generate import item_intents, service_names
from tests.conftest import ask

CONTENT = load_content(paths.CONTENT_DIR)


@pytest.mark.parametrize(
    "message, service, language, words",
    [
        ("How does Take It Down work?", "int_take_it_down", "en", ["https://takeitdown.ncmec.org/", "What happens next"]),
        ("is childline confidential", "gb_childline", "en", ["0800 1111", "Privacy"]),
        ("Who can call the Stop It Now helpline?", "stop_it_now", "en", ["0808 1000 900", "Who can contact it"]),
        ("Qui peut appeler le 119 ?", "fr_119", "fr", ["119", "Qui peut le contacter"]),
        ("1098 e phone korle ki taka lage", "bd_1098", "bn", ["1098", "কারা যোগাযোগ করতে পারেন"]),
        ("¿La Fundación ANAR es gratuita?", "es_anar", "es", ["900 20 20 10"]),
    ],
)
def test_a_question_about_a_service_gets_that_service_in_the_questions_language(run, conversations, message, service, language, words):
    reply = run(conversations.handle("ask", f"svc-{hash(message)}", message))
    assert reply.turn.intent == f"service_{service}"
    assert reply.language == language
    text = "\n".join(r.text for r in reply.turn.responses)
    assert all(word in text for word in words), text


def test_every_helpline_has_a_service_intent_and_no_two_share_a_generated_name():
    intents = set(item_intents(CONTENT))
    assert {f"service_{ident}" for ident in CONTENT.helplines} <= intents
    seen = {}
    for intent, by_language in service_names(CONTENT).items():
        for names in by_language.values():
            for name in names:
                assert seen.setdefault(name, intent) == intent, f"{name!r} names {seen[name]} and {intent}"


def test_a_service_card_says_only_what_its_sources_state(run, conversations):
    # Child Helpline International has no sourced who/privacy/next: its card has none of them.
    text = ask(run, conversations, "/service_int_child_helpline_international").responses[0].text
    assert "Child Helpline International" in text
    assert "Who can contact it" not in text and "Privacy" not in text
    assert "Source:" in text
