"""Every term in the glossary is reached by its name and by a question it was not trained on."""
from __future__ import annotations

import pytest
import yaml

from bot import paths
from bot.content.load import load_content
from tests.conftest import ask

TERMS = load_content(paths.CONTENT_DIR).terms
HELDOUT = yaml.safe_load((paths.ROOT / "tests" / "data" / "heldout.yml").read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize("term", TERMS, ids=[t.id for t in TERMS])
def test_a_term_is_reached_by_its_name(run, conversations, term):
    turn = ask(run, conversations, f"what is {term.heading('en')}")
    assert turn.intent == f"term_{term.id}"


@pytest.mark.parametrize("term", TERMS, ids=[t.id for t in TERMS])
def test_a_term_is_reached_by_a_held_out_paraphrase(run, conversations, term):
    questions = [item["text"] for item in HELDOUT if item["label"] == f"term_{term.id}"]
    assert questions, f"the held-out set has no question for {term.id}"
    reached = [q for q in questions if ask(run, conversations, q, chat=q).intent == f"term_{term.id}"]
    assert reached, f"none of {questions} reached term_{term.id}"


# The law where the user is: the age of consent card says the country's own rule, with its source.
@pytest.mark.parametrize(
    "question, language, country, words",
    [
        ("what is the age of consent", "en", "BD", ["16", "Women and Children Repression Prevention Act", "bdlaws.minlaw.gov.bd"]),
        ("সম্মতির বয়স কত", "bn", "BD", ["১৬", "নারী ও শিশু নির্যাতন দমন আইন"]),
        ("c'est quoi la majorité sexuelle", "fr", "FR", ["15 ans", "inceste"]),
        ("¿cuál es la edad de consentimiento?", "es", "ES", ["16", "2015"]),
        ("what is the age of consent", "en", "US", ["each state sets its own"]),
    ],
)
def test_the_age_of_consent_card_gives_the_law_of_the_users_country(run, conversations, question, language, country, words):
    turn = ask(run, conversations, question, chat=f"consent-{country}-{language}", language=language, country=country)
    assert turn.intent == "term_age_of_consent"
    text = turn.responses[0].text
    for word in words:
        assert word in text


def test_a_term_card_shows_no_country_rule_where_none_is_sourced():
    from bot.replies.cards import Audience, Cards

    content = load_content(paths.CONTENT_DIR)
    term = next(t for t in content.terms if t.id == "age_of_consent")
    assert {country for country, _ in term.by_country} <= set(content.countries)
    text = Cards(content).term_renderer(term)(Audience("en", "INT"))
    assert term.definition.get("en") in text
    assert not any(rule.text.get("en") in text for _, rule in term.by_country)
