"""A parent's or teacher's question in, the expected kind of answer out.

Asked through the same entry point as `redheart ask` (bot.conversation).
"""
from __future__ import annotations

import pytest

from tests.conftest import ask

TERM_QUESTIONS = [
    ("what is grooming", "term_grooming"),
    ("grooming meaning", "term_grooming"),
    ("why not say child pornography", "term_child_pornography"),
    ("is it ok to say child prostitute?", "term_child_prostitute"),
    ("CSAM meaning", "term_csam"),
    ("what is sextortion", "term_sextortion"),
    ("what is child trafficking", "term_trafficking"),
]


@pytest.mark.parametrize("question, intent", TERM_QUESTIONS)
def test_a_term_question_gets_that_terms_card(run, conversations, question, intent):
    turn = ask(run, conversations, question)
    assert turn.intent == intent
    assert len(turn.responses) == 1
    assert "Source:" in turn.responses[0].text


def test_a_term_to_avoid_answers_with_the_term_to_use_and_why(run, conversations):
    text = ask(run, conversations, "why not say child pornography").responses[0].text
    assert "avoid this term" in text
    assert "Say instead: **child sexual abuse material (CSAM)**" in text
    assert "Why:" in text


def test_a_child_in_danger_gets_the_emergency_number_then_the_child_helpline_first(run, conversations):
    turn = ask(run, conversations, "someone is hurting my daughter right now")
    assert turn.intent == "danger"
    first_lines = turn.responses[0].text.splitlines()[:2]
    assert "999" in first_lines[0]
    assert "1098" in first_lines[1]


def test_asking_for_helplines_lists_the_bangladesh_numbers_with_their_check_date(run, conversations):
    turn = ask(run, conversations, "who can i call")
    assert turn.intent == "helplines"
    text = turn.responses[0].text
    for number in ("999", "1098", "109"):
        assert f": {number}." in text
    assert "Checked 2026-11-23" in text


@pytest.mark.parametrize("question, heading, number", [
    ("what is the number in france", "Helplines in France", "119"),
    ("helpline in the uk??", "Helplines in the United Kingdom", "0800 1111"),
    ("who do i call in the usa", "Helplines in the United States", "911"),
])
def test_a_country_named_in_the_question_gets_that_countrys_numbers_for_that_answer(run, conversations, question, heading, number):
    turn = ask(run, conversations, question, chat="abroad")
    assert turn.intent == "helplines"
    assert turn.responses[0].text.startswith(heading)
    assert number in turn.responses[0].text
    # The user's own choice (Bangladesh by default) holds for the next question.
    again = ask(run, conversations, "who can i call", chat="abroad").responses[0].text
    assert again.startswith("Helplines in Bangladesh")


def test_a_greeting_says_the_bot_is_automated(run, conversations):
    turn = ask(run, conversations, "hello")
    assert turn.intent == "greet"
    assert "automated" in turn.responses[0].text


def test_help_lists_what_can_be_asked_with_buttons(run, conversations):
    turn = ask(run, conversations, "what can i ask")
    assert turn.intent == "help"
    assert [b.payload for b in turn.responses[0].buttons] == ["/term_grooming", "/term_child_pornography", "/helplines"]


def test_a_button_payload_opens_its_item(run, conversations):
    assert ask(run, conversations, "/term_grooming").intent == "term_grooming"


def test_typed_slash_words_are_read_as_words_not_as_orders(run, conversations):
    turn = ask(run, conversations, "/what is grooming")
    assert turn.intent == "term_grooming"


@pytest.mark.parametrize("text", ["", "   ", None, "👍", "\x00\x07"])
def test_a_message_without_words_gets_a_kind_reply(run, conversations, text):
    turn = ask(run, conversations, text)
    assert turn.intent == "unsupported_message"
    assert "type your question" in turn.responses[0].text


def test_gibberish_gets_no_guesses_but_help_and_the_helplines(run, conversations):
    turn = ask(run, conversations, "xqzv plorb wugg")
    assert turn.intent == "unknown_words"
    text = turn.responses[0].text
    assert "999" in text and "1098" in text
    assert [b.payload for b in turn.responses[0].buttons] == ["/term_grooming", "/term_child_pornography", "/helplines"]


def test_a_question_in_a_script_the_bot_does_not_read_gets_the_helplines_not_a_guess(run, conversations):
    # Hindi, Arabic and Chinese are not trained: no word of them is known.
    for question in ("मेरी बेटी को कोई फोटो भेजने को कह रहा है", "ما هذا", "这是什么"):
        turn = ask(run, conversations, question)
        assert turn.intent == "unknown_words"
        text = turn.responses[0].text
        assert "did not recognise" in text
        assert "999" in text and "1098" in text


# Regressed: "is it bad" is answered out_of_scope (since the off-subject examples grew, and
# still with the TF-IDF features). Strict: the mark goes when it passes again.
@pytest.mark.xfail(strict=True, reason="answered out_of_scope, not asked back: issue 14")
def test_a_vague_question_in_known_words_is_asked_back_with_choices(run, conversations):
    turn = ask(run, conversations, "is it bad")
    assert turn.intent == "nlu_fallback"
    assert turn.responses[0].text.startswith("I am not sure I understood.")
    assert 2 <= len(turn.responses[0].buttons) <= 3
