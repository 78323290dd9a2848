"""Follow-up questions answer for the item just answered."""
from __future__ import annotations

from bot import paths
from bot.content.load import load_content
from tests.conftest import ask

CONTENT = load_content(paths.CONTENT_DIR)
TITLES = {topic.id: topic.title.get("en") for topic in CONTENT.topics}


def test_what_should_i_do_after_a_term_opens_its_guidance_topic(run, conversations):
    ask(run, conversations, "what is grooming", chat="f1")
    turn = ask(run, conversations, "what should i do", chat="f1")
    assert turn.intent == "followup_more"
    assert turn.responses[0].text.startswith(f"**{TITLES['grooming_signs']}**")


def test_tell_me_more_after_a_topic_answers_for_that_topic_in_the_users_country(run, conversations):
    ask(run, conversations, "how do i report child sexual abuse material", chat="f2", country="FR")
    turn = ask(run, conversations, "tell me more", chat="f2", country="FR")
    text = turn.responses[0].text
    assert text.startswith(f"**{TITLES['report_csam']}**")
    assert "https://www.internet-signalement.gouv.fr/" in text  # the report route of France


def test_a_follow_up_with_nothing_before_it_asks_which_subject(run, conversations):
    turn = ask(run, conversations, "tell me more", chat="f3")
    assert turn.intent == "followup_more"
    assert "Which subject" in turn.responses[0].text
    assert turn.responses[0].buttons


def test_the_context_is_the_latest_item(run, conversations):
    ask(run, conversations, "what is grooming", chat="f4")
    ask(run, conversations, "what is sextortion", chat="f4")
    text = ask(run, conversations, "what should i do now", chat="f4").responses[0].text
    assert text.startswith(f"**{TITLES['sexual_extortion']}**")


def test_how_do_i_report_it_gives_the_report_routes_of_the_users_country(run, conversations):
    turn = ask(run, conversations, "how do i report it", chat="f5", country="GB")
    assert turn.intent == "topic_report_csam"
    assert "https://www.iwf.org.uk/report" in turn.responses[0].text
