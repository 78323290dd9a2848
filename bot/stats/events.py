"""One anonymised event per handled message, and how an answered turn is classified."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

metadata = MetaData()

# No column can hold a message's text or a Telegram id: only labels from fixed sets, the
# hour, and a pseudonym made with a key that changes every day.
usage_events = Table(
    "usage_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hour", DateTime, nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("country", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("item", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("user_pseudonym", String(32), nullable=True),
)

SAFETY_INTENTS = frozenset({"danger", "child_disclosure", "disclosure", "extortion"})
REFUSAL_INTENTS = frozenset({"harmful_request"})
SMALL_TALK_INTENTS = frozenset({"greet", "help", "thanks", "goodbye", "bot_challenge", "unsupported_message"})


def kind_of(intent: str) -> str:
    """Which kind of item an intent asks for."""
    if intent.startswith("term_"):
        return "term"
    if intent.startswith("topic_"):
        return "topic"
    if intent == "helplines":
        return "helpline"
    if intent in SAFETY_INTENTS or intent in REFUSAL_INTENTS:
        return "safety"
    if intent in SMALL_TALK_INTENTS:
        return "small_talk"
    if intent == "out_of_scope":
        return "out_of_scope"
    return "not_understood"


def outcome_of(intent: str, actions: List[str]) -> str:
    if intent in REFUSAL_INTENTS:
        return "refused"
    if intent in SAFETY_INTENTS:
        return "safety"
    if "utter_fallback" in actions:
        return "fallback"
    if "utter_ask_back" in actions:
        return "asked_back"
    return "answered"


def hour_of(moment: dt.datetime) -> dt.datetime:
    """The hour a moment falls in, in UTC, without time zone (as stored)."""
    moment = moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment
    return moment.replace(minute=0, second=0, microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class UsageEvent:
    hour: dt.datetime
    channel: str
    language: str
    country: str
    kind: str
    item: str
    outcome: str
    user_pseudonym: Optional[str] = None
