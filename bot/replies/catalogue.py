"""Every reply the bot can give, rendered from content/ for the conversation's language and
country when it is needed, not laid out in the domain for every pair of them.

The domain holds one (English, Bangladesh) variation of each response, for Rasa's checks and
story tests; the running bot answers through `Catalogue.render`, which is what
bot/replies/generator.py hands to Rasa.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Tuple

from bot.content.schema import DEFAULT_LANGUAGE, Content, Term
from bot.replies.cards import (
    DEFAULT_COUNTRY,
    Audience,
    Cards,
    Render,
    guide_intents,
    service_intent,
    term_intent,
)
from bot.safety import SAFETY_KINDS

# Button payloads that are not intents: the Telegram front end acts on them (see
# bot/telegram/app.py). Each fits Telegram's 64-byte callback data.
CHOOSE_LANGUAGE = "l:"
CHOOSE_COUNTRY = "c:"
FORGET_YES = "f:yes"
FORGET_NO = "f:no"
GLOSSARY = "glossary"
FOLLOWUP = "utter_followup_more"

# Replies that offer items from the model's ranking as buttons: how many, and the score an
# item needs. Asking back offers the likeliest three. A safety answer, a refusal too, offers
# the one item the question was most likely about, so that a worried parent whose question
# only sounded like danger, or like a request for harm, still finds the guidance asked for.
CHOICES = {"ask_back": (3, 0.0), **{kind: (1, 0.15) for kind in SAFETY_KINDS}}

Response = Dict[str, Any]
Variation = Callable[[Audience], Response]
# Buttons or custom data added to a reply for an audience.
Extra = Callable[[Audience], Dict[str, Any]]


class Catalogue:
    """The replies of one content: name -> how to render it for an audience."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.cards = Cards(content)
        self.default = Audience(DEFAULT_LANGUAGE, DEFAULT_COUNTRY)
        self.responses: Dict[str, Variation] = self._responses()
        self.followups: Dict[str, Render] = self._followups()
        self._rendered: Dict[Tuple[str, Audience, Optional[str]], Response] = {}

    def audience(self, language: Optional[str], country: Optional[str]) -> Audience:
        """The slots' values as an audience; anything the content does not serve is the default."""
        return Audience(
            language if language in self.content.languages else DEFAULT_LANGUAGE,
            country if country in self.content.countries else DEFAULT_COUNTRY,
        )

    def render(self, name: str, audience: Audience, topic: Optional[str] = None) -> Optional[Response]:
        """The reply `name` for the audience; after an item (`topic`), "tell me more" is about it."""
        context = topic if name == FOLLOWUP and topic in self.followups else None
        key = (name, audience, context)
        if key not in self._rendered:
            if context is not None:
                self._rendered[key] = {"text": self.followups[context](audience)}
            elif name in self.responses:
                self._rendered[key] = self.responses[name](audience)
            else:
                return None
        # Rasa adds its own keys to the reply it is given.
        return dict(self._rendered[key])

    def _variation(self, render: Render, buttons: str = "", choices: Optional[Tuple[int, float]] = None, extra: Optional[Extra] = None) -> Variation:
        def variation(audience: Audience) -> Response:
            result: Response = {"text": render(audience)}
            if buttons in self.content.buttons:
                result["buttons"] = self.cards.buttons(buttons, audience.language)
            if choices:
                count, min_score = choices
                result["custom"] = {"labels": self.cards.item_labels(audience.language), "choices": count, "min_score": min_score}
            if extra is not None:
                for key, value in extra(audience).items():
                    result[key] = result.get(key, []) + value if key == "buttons" else value
            return result

        return variation

    def _responses(self) -> Dict[str, Variation]:
        content, cards = self.content, self.cards
        table = {
            f"utter_{key}": self._variation(
                cards.reply_renderer(reply, key), buttons=key, choices=CHOICES.get(key), extra=self.reply_extra(key)
            )
            for key, reply in content.replies.items()
        }
        table["utter_helplines"] = self._variation(cards.all_helplines)
        for term in content.terms:
            extra = self.term_buttons(term) if GLOSSARY in content.labels else None
            table[f"utter_{term_intent(term)}"] = self._variation(cards.term_renderer(term), extra=extra)
        for intent, item in guide_intents(content).items():
            table[f"utter_{intent}"] = self._variation(cards.topic_renderer(item))
        for helpline in content.helplines.values():
            table[f"utter_{service_intent(helpline)}"] = self._variation(cards.service_renderer(helpline))
        return table

    def _followups(self) -> Dict[str, Render]:
        """After a topic, more means its steps again; after a term, its first guidance topic."""
        cards = self.cards
        followups = {intent: cards.topic_renderer(topic) for intent, topic in guide_intents(self.content).items()}
        topics = {topic.id: topic for topic in self.content.topics}
        for term in self.content.terms:
            if term.guidance:
                followups[term_intent(term)] = cards.topic_renderer(topics[term.guidance[0]])
        return followups

    # The Telegram menus ----------------------------------------------------------------

    def label(self, key: str, language: str) -> str:
        """A label; its {placeholders} become $placeholders, which Rasa leaves alone (Rasa
        fills {name} from slots, in custom data too). The front end fills them with
        string.Template."""
        return re.sub(r"\{(\w+)\}", r"$\1", self.content.labels[key].get(language))

    def glossary_buttons(self, audience: Audience) -> Dict[str, Any]:
        """Every term, A to Z in the user's language, with the paging labels."""
        lang = audience.language
        terms = sorted(self.content.terms, key=lambda t: t.heading(lang).casefold())
        keys = ("previous", "next", "page")
        return {
            "buttons": [{"title": t.heading(lang), "payload": f"/{term_intent(t)}"} for t in terms],
            "custom": {"paging": {key: self.label(key, lang) for key in keys}},
        }

    def term_buttons(self, term: Term) -> Extra:
        """Related terms, then the way back to the glossary."""
        by_id = {t.id: t for t in self.content.terms}

        def extra(audience: Audience) -> Dict[str, Any]:
            lang = audience.language
            related = [by_id[i] for i in term.related if i in by_id]
            buttons = [{"title": t.heading(lang), "payload": f"/{term_intent(t)}"} for t in related]
            buttons.append({"title": self.label(GLOSSARY, lang), "payload": f"/{GLOSSARY}"})
            return {"buttons": buttons}

        return extra

    def reply_extra(self, key: str) -> Optional[Extra]:
        """Buttons and notes the Telegram menus add to some replies."""
        content = self.content
        if key == "glossary" and content.labels:
            return self.glossary_buttons
        if key == "choose_language":
            return lambda a: {
                "buttons": [{"title": name, "payload": f"{CHOOSE_LANGUAGE}{code}"} for code, name in content.languages.items()]
            }
        if key == "choose_country":
            return lambda a: {
                "buttons": [
                    {"title": c.name.get(a.language), "payload": f"{CHOOSE_COUNTRY}{code}"}
                    for code, c in content.countries.items()
                ]
            }
        if key == "forget" and content.labels:
            return lambda a: {
                "buttons": [
                    {"title": self.label("forget_yes", a.language), "payload": FORGET_YES},
                    {"title": self.label("forget_no", a.language), "payload": FORGET_NO},
                ]
            }
        if key == "help" and content.labels:
            # The front end's own labels and its menu of commands ride on the help reply.
            return lambda a: {
                "custom": {
                    "interface": {
                        "labels": {k: self.label(k, a.language) for k in content.labels},
                        "commands": {k: v.get(a.language) for k, v in content.commands.items()},
                    }
                }
            }
        return None
