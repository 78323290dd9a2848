"""Guidance topics, the campaign and the country-specific helplines, asked as a parent would.

Asked through the same entry point as `redheart ask` (bot.conversation).
"""
from __future__ import annotations

import pytest

from bot import paths
from bot.content.load import load_content
from tests.conftest import ask

CONTENT = load_content(paths.CONTENT_DIR)
TOPICS = {topic.id: topic.title.texts["en"] for topic in CONTENT.topics}

# One question per topic, in words that are in no training file.
HELD_OUT = {
    "grooming_signs": "how would i know if a predator is grooming my 12 year old",
    # Blackmail happening now goes to the safety path (tests/test_safety.py); the topic
    # answers the general question.
    "sexual_extortion": "how should parents react if kids get blackmailed over nude pics",
    "nude_image_shared": "my daughter's nude selfie got posted on a facebook page",
    "report_csam": "where can i report a link with sexual videos of children",
    "talking_to_children": "how should i speak with my 8 year old about staying safe on the internet",
    # Parental controls in general now belong to everyday online safety; this topic is the
    # settings of one app or device.
    "settings_and_supervision": "how do i make my daughter's instagram account private",
    # A parent telling of abuse gets the disclosure answer, whose buttons lead here.
    "supporting_disclosure": "what is the right way to react when a kid opens up about abuse",
    "signs_of_abuse": "how can i tell if my son is being sexually abused",
    "trafficking_lures": "someone on tiktok is offering my 16 year old a job abroad with free travel",
    "ai_generated_images": "a classmate made an ai nude picture of my daughter",
    "livestreamed_abuse": "how do i keep my children safe from abuse on live video streams",
    "child_marriage": "my relatives want to marry my 15 year old cousin, how can i stop it",
    "teacher_classroom": "what can i do as a teacher to teach my class about online safety",
    "online_safety": "what are some simple ways to keep my kids safe on the internet day to day",
    "cyberbullying": "kids in my son's class keep posting mean comments about him in a group chat",
}


def training_examples() -> set:
    """Every example Rasa trains on: hand-written files and the generated ones."""
    from bot.training.train import build

    examples = set()
    for root in build().data:
        for path in root.rglob("*.yml"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip().startswith("- "):
                    examples.add(line.strip()[2:].strip().lower())
    return examples


def test_there_are_at_least_twelve_topics_and_each_has_a_held_out_question():
    assert len(TOPICS) >= 12
    assert set(HELD_OUT) == set(TOPICS)


def test_the_held_out_questions_are_not_training_data():
    examples = training_examples()
    assert not [q for q in HELD_OUT.values() if q.lower() in examples]


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_a_topic_is_reached_by_its_title(run, conversations, topic):
    turn = ask(run, conversations, TOPICS[topic])
    assert turn.intent == f"topic_{topic}"
    text = turn.responses[0].text
    assert text.startswith(f"**{TOPICS[topic]}**")
    assert "Source:" in text


@pytest.mark.parametrize("topic", sorted(HELD_OUT))
def test_a_topic_is_reached_by_a_paraphrase_it_was_not_trained_on(run, conversations, topic):
    assert ask(run, conversations, HELD_OUT[topic]).intent == f"topic_{topic}"


def test_sexual_extortion_says_do_not_pay_and_points_to_take_it_down(run, conversations):
    turn = ask(run, conversations, "what should a family do if a teen is threatened with nude photos")
    assert turn.intent == "topic_sexual_extortion"
    text = turn.responses[0].text
    assert "do not pay" in text.lower()
    assert "do not send more" in text.lower()
    assert "Take It Down" in text and "https://takeitdown.ncmec.org/" in text
    assert "1098" in text  # the child helpline of the default country, Bangladesh


def test_no_topic_uses_a_term_the_booklet_says_to_avoid():
    avoid = ("child pornography", "child porn", "child prostitute", "sextortion")
    for topic in CONTENT.topics + [CONTENT.campaign]:
        texts = [topic.title, topic.answer] + ([topic.report_route] if topic.report_route else [])
        for text in texts:
            for word in avoid:
                assert word not in text.texts["en"].lower(), (topic.id, word)


def test_a_user_in_france_gets_french_numbers_for_helplines(run, conversations):
    turn = ask(run, conversations, "who can i call", country="FR")
    assert turn.intent == "helplines"
    text = turn.responses[0].text
    assert text.startswith("Helplines in France:")
    for number in ("112", "119", "3018"):
        assert f": {number}" in text
    assert "1098" not in text and "999" not in text
    assert "Also, from anywhere in the world:" in text and "https://report.cybertip.org/" in text


def test_a_topic_names_the_report_routes_of_the_users_country(run, conversations):
    question = "How to report child sexual abuse material"
    in_france = ask(run, conversations, question, chat="fr", country="FR").responses[0].text
    in_bangladesh = ask(run, conversations, question, chat="bd", country="BD").responses[0].text
    assert "PHAROS" in in_france and "112" in in_france and "999" not in in_france
    assert "https://report.cybertip.org/" in in_bangladesh and "999" in in_bangladesh


@pytest.mark.parametrize("country, number", [("GB", "0800 1111"), ("ES", "900 20 20 10"), ("US", "1-800-422-4453")])
def test_each_partner_country_gets_its_own_child_helpline(run, conversations, country, number):
    text = ask(run, conversations, "When a child tells you about abuse", chat=country, country=country).responses[0].text
    assert f"Child helpline: **{number}" in text


def test_an_unknown_country_gets_bangladesh(run, conversations):
    text = ask(run, conversations, "who can i call", country="ZZ").responses[0].text
    assert text.startswith("Helplines in Bangladesh:")


@pytest.mark.parametrize("question", ["what is the red heart campaign", "who made this bot", "how can i join"])
def test_the_campaign_says_who_runs_it_and_how_to_join(run, conversations, question):
    turn = ask(run, conversations, question)
    assert turn.intent == "campaign"
    text = turn.responses[0].text
    for fact in ("#SaveFACE4Children", "CWCS", "HEROES", "101021801", "https://www.cwcsbd.org/"):
        assert fact in text


def test_a_term_question_still_gets_the_term_not_the_topic(run, conversations):
    assert ask(run, conversations, "what is grooming").intent == "term_grooming"
    assert ask(run, conversations, "how do i know if my child is being groomed").intent == "topic_grooming_signs"


def test_asking_back_offers_topics_by_their_titles(assistant):
    from bot.replies.cards import Cards

    labels = Cards(CONTENT).item_labels("en")
    assert labels["topic_sexual_extortion"] == TOPICS["sexual_extortion"]
    assert labels["campaign"] == CONTENT.campaign.title.texts["en"]


def test_every_answer_fits_in_one_telegram_message_in_every_language_and_country():
    from bot.replies.catalogue import Catalogue

    catalogue = Catalogue(CONTENT)
    too_long = {
        (name, language, country): len(reply["text"])
        for name in catalogue.responses
        for language in CONTENT.languages
        for country in CONTENT.countries
        if len((reply := catalogue.render(name, catalogue.audience(language, country)))["text"]) > 4096
    }
    assert not too_long
