"""The one path every channel's messages take: language and country, the model, the stats.

Telegram, the terminal chat and `redheart ask` all call `Conversations.handle`, so what a
test sees through `ask` is what a parent sees on Telegram.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable, Optional

from bot.assistant import Assistant, Turn
from bot.language import Detection, detect, language_of_variant, served_language
from bot.pseudonyms import ConversationIds, DailyPseudonyms
from bot.stats.events import UsageEvent, hour_of, kind_of, outcome_of
from bot.stats.store import StatsStore

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
DEFAULT_COUNTRY = "BD"
UNSUPPORTED_MESSAGE = "/unsupported_message"
# Telegram allows 4096 characters in a message; nothing longer can arrive from a person.
MAX_TEXT = 4096


def language_code(raw: Optional[str]) -> str:
    """'bn-BD' -> 'bn'; unknown -> 'en'."""
    code = (raw or "").strip().lower().replace("_", "-").split("-")[0]
    return code if len(code) == 2 and code.isalpha() else DEFAULT_LANGUAGE


def clean_text(text: Optional[str]) -> Optional[str]:
    """The message as the model should read it, or None when there is nothing to read."""
    if text is None:
        return None
    # Control characters carry no meaning for the model; keep newlines as spaces.
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text[:MAX_TEXT])
    cleaned = " ".join(cleaned.split())
    # Emoji or punctuation alone carry no question the model could read.
    if not any(ch.isalnum() for ch in cleaned):
        return None
    return cleaned


def _counted_language(detection: Detection, served: str) -> str:
    """What the statistics count: the language served, with romanised Bengali apart."""
    if detection.variant is not None and language_of_variant(detection.variant) == served:
        return detection.variant
    return served


@dataclass(frozen=True)
class Reply:
    """A turn plus the language the user was served in (for `ask --json`)."""

    language: str
    turn: Turn


class Conversations:
    def __init__(
        self,
        assistant: Assistant,
        conversation_ids: ConversationIds,
        stats: Optional[StatsStore] = None,
        pseudonyms: Optional[DailyPseudonyms] = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    ) -> None:
        self.assistant = assistant
        self.conversation_ids = conversation_ids
        self.languages = frozenset(assistant.slot_values("language"))
        # Rasa keeps a categorical slot's values in lower case; country codes are upper case.
        self.countries = [code.upper() for code in assistant.slot_values("country")]
        self.intents = frozenset(assistant.agent.domain.intents)
        self.stats = stats
        self.pseudonyms = pseudonyms
        self.clock = clock

    async def handle(
        self,
        channel: str,
        chat: str,
        text: Optional[str],
        language: Optional[str] = None,
        country: Optional[str] = None,
        force_language: bool = False,
    ) -> Reply:
        """Answer one message from `chat` (a channel's own id for the conversation).

        `language` is the caller's preference (the /language choice or Telegram's language);
        the message's own language comes first unless `force_language`. Without either, the
        conversation keeps the language it had.
        """
        message = self._readable(text)
        detection = detect(message)
        preferred = language_code(language) if language else None
        user_country = (country or DEFAULT_COUNTRY).upper()
        slots = {
            "language": served_language(detection, preferred, self.languages, forced=force_language),
            "country": user_country if user_country in self.countries else DEFAULT_COUNTRY,
        }
        identity = f"{channel}:{chat}"
        turn = await self.assistant.respond(self.conversation_ids(identity), message, slots)
        if self.stats is not None:
            self._record(channel, identity, _counted_language(detection, turn.language), slots["country"], turn)
        return Reply(language=turn.language, turn=turn)

    def _readable(self, text: Optional[str]) -> str:
        """What to send the model: text, a button's intent, or the not-text marker.

        Rasa reads "/name" as a direct order for intent `name`; only the bot's own buttons and
        commands may do that. Anything else a person types starting with "/" is read as words.
        """
        message = clean_text(text)
        if message is None:
            return UNSUPPORTED_MESSAGE
        if message.startswith("/"):
            if message[1:] in self.intents:
                return message
            return message.lstrip("/ ") or UNSUPPORTED_MESSAGE
        return message

    def _record(self, channel: str, identity: str, language: str, country: str, turn: Turn) -> None:
        event = UsageEvent(
            hour=hour_of(self.clock()),
            channel=channel,
            language=language,
            country=country,
            kind=kind_of(turn.intent),
            item=turn.intent or "none",
            outcome=outcome_of(turn.intent, turn.actions),
            user_pseudonym=self.pseudonyms(identity) if self.pseudonyms else None,
        )
        try:
            self.stats.record(event)  # StatsRecorder.record: buffers, never blocks or raises
        except Exception:  # a statistic must never cost a reply
            logger.warning("Could not record a usage event", exc_info=True)
