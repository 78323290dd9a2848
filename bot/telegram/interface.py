"""What the Telegram front end reads from the loaded model: preferences and its own labels.

No sentence lives here. The labels, notes and command descriptions come from
content/telegram.yml, compiled by the generator into the `custom.interface` of the help
reply; the glossary's order comes from the glossary reply's buttons.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from bot.conversation import DEFAULT_COUNTRY, DEFAULT_LANGUAGE, Conversations, language_code

CHANNEL = "telegram"
GLOSSARY_PAGE_SIZE = 8
# A Telegram language_code says more than the language: these name the likely country.
LANGUAGE_COUNTRIES = {"bn": "BD", "fr": "FR", "es": "ES"}
# The commands in the menu, in order, and what each sends through the conversation.
# /about will send "/campaign" once the campaign intent exists; until then it greets.
COMMANDS = {
    "start": "greet",
    "help": "help",
    "glossary": "glossary",
    "helplines": "helplines",
    "language": "choose_language",
    "country": "choose_country",
    "about": "greet",
    "privacy": "privacy",
    "forget": "forget",
}
ABOUT_INTENT = "campaign"


@dataclass(frozen=True)
class Preferences:
    language: str
    country: str


def conversation_id(conversations: Conversations, chat_id: int) -> str:
    return conversations.conversation_ids(f"{CHANNEL}:{chat_id}")


def default_country(raw_language: Optional[str], countries: Sequence[str]) -> str:
    """bn -> BD, fr -> FR, es -> ES, en-GB -> GB, en-US -> US; unknown or unserved -> BD."""
    parts = (raw_language or "").strip().replace("_", "-").split("-")
    guess = LANGUAGE_COUNTRIES.get(parts[0].lower(), DEFAULT_COUNTRY)
    if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha():
        guess = parts[1].upper()
    return guess if guess in countries else DEFAULT_COUNTRY


async def preferences(conversations: Conversations, chat_id: int, raw_language: Optional[str]) -> Preferences:
    """The chat's language and country: as kept in its tracker, else guessed from Telegram."""
    tracker = await conversations.assistant.tracker_store.retrieve(conversation_id(conversations, chat_id))
    if tracker is not None:
        language, country = tracker.get_slot("language"), tracker.get_slot("country")
        if language in conversations.languages and country in conversations.countries:
            return Preferences(str(language), str(country))
    language = language_code(raw_language)
    return Preferences(
        language if language in conversations.languages else DEFAULT_LANGUAGE,
        default_country(raw_language, conversations.countries),
    )


async def forget(conversations: Conversations, chat_id: int) -> bool:
    """Erase the chat's tracker, and with it its language and country."""
    ident = conversation_id(conversations, chat_id)
    async with conversations.assistant.agent.lock_store.lock(ident):
        return await conversations.assistant.tracker_store.delete(ident)


def response_variation(conversations: Conversations, name: str, prefs: Preferences) -> Dict[str, Any]:
    """The response as the bot renders it for this language and country."""
    catalogue = conversations.assistant.catalogue
    return catalogue.render(name, catalogue.audience(prefs.language, prefs.country)) or {}


def interface(conversations: Conversations, prefs: Preferences) -> Dict[str, Dict[str, str]]:
    """{"labels": {...}, "commands": {...}} in the user's language."""
    custom = response_variation(conversations, "utter_help", prefs).get("custom") or {}
    return custom.get("interface") or {"labels": {}, "commands": {}}


def label(conversations: Conversations, prefs: Preferences, key: str) -> str:
    return interface(conversations, prefs)["labels"].get(key, "")


def glossary_order(conversations: Conversations, prefs: Preferences) -> List[str]:
    """The glossary's payloads, A to Z in the user's language."""
    return [str(b.get("payload")) for b in response_variation(conversations, "utter_glossary", prefs).get("buttons") or []]


def glossary_page_of(conversations: Conversations, prefs: Preferences, payload: str) -> int:
    order = glossary_order(conversations, prefs)
    return order.index(payload) // GLOSSARY_PAGE_SIZE + 1 if payload in order else 1


def command_languages(conversations: Conversations) -> List[str]:
    return list(conversations.languages)
