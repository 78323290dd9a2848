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
