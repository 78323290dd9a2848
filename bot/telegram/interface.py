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
    # False while the user has not chosen a country and Telegram did not name one: the bot
    # then answers for its default country and asks for theirs.
    country_known: bool = True


def conversation_id(conversations: Conversations, chat_id: int) -> str:
    return conversations.conversation_ids(f"{CHANNEL}:{chat_id}")


# The campaign's people write Bengali or English from Bangladesh, the default country; a
# French or Spanish speaker may be anywhere from Paris to Abidjan or Madrid to Lima, so one
# whose Telegram names no region is asked for their country.
DEFAULT_COUNTRY_LANGUAGES = frozenset({"bn", "en"})


def country_of_language_code(raw_language: Optional[str], countries: Sequence[str]) -> Optional[str]:
    """en-GB -> GB, es-MX -> MX, fr-CI -> CI; a bare language says nothing about the country:
    Spanish is written from Madrid to Lima, French from Paris to Abidjan."""
    parts = (raw_language or "").strip().replace("_", "-").split("-")
    region = parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha() else None
    return region if region in countries else None


async def preferences(conversations: Conversations, chat_id: int, raw_language: Optional[str]) -> Preferences:
    """The chat's language and country: as kept in its tracker, else from Telegram's
    language code (its region only names a country)."""
    tracker = await conversations.assistant.tracker_store.retrieve(conversation_id(conversations, chat_id))
    if tracker is not None:
        language, country = tracker.get_slot("language"), tracker.get_slot("country")
        if language in conversations.languages and country in conversations.countries:
            return Preferences(str(language), str(country))
    return telegram_preferences(conversations, raw_language)


def telegram_preferences(conversations: Conversations, raw_language: Optional[str]) -> Preferences:
    """The language and country Telegram's language code tells (its region only names a country)."""
    country = country_of_language_code(raw_language, conversations.countries)
    known = country is not None or language_code(raw_language) in DEFAULT_COUNTRY_LANGUAGES
    return Preferences(telegram_language(conversations, raw_language), country or DEFAULT_COUNTRY, known)


def telegram_language(conversations: Conversations, raw_language: Optional[str]) -> str:
    """Telegram's language for the user where the bot serves it, else the default."""
    language = language_code(raw_language)
    return language if language in conversations.languages else DEFAULT_LANGUAGE


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
