"""One anonymised event per handled message, and how an answered turn is classified."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table

from bot.safety import HELP_KINDS, REFUSAL

metadata = MetaData()

# What every statistic is counted by, with each label's maximum length.
DIMENSION_LENGTHS = {"channel": 16, "language": 8, "country": 8, "kind": 16, "item": 64, "outcome": 16}
DIMENSIONS = tuple(DIMENSION_LENGTHS)


def _dimension_columns() -> List[Column]:
    # A Column belongs to one table, so each table gets its own.
    return [Column(name, String(length), nullable=False) for name, length in DIMENSION_LENGTHS.items()]


# No column can hold a message's text or a Telegram id: only labels from fixed sets, the
# hour, and a pseudonym made with a key that changes every day.
usage_events = Table(
    "usage_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hour", DateTime, nullable=False, index=True),
    *_dimension_columns(),
    Column("user_pseudonym", String(32), nullable=True),
)

# Raw events older than the retention period are folded into these daily totals and deleted.
# The schema is created and changed only by the Alembic migrations in bot/stats/migrations/;
# these definitions are what the queries use and a test checks they match the migrations.
daily_totals = Table(
    "daily_totals",
    metadata,
    Column("day", Date, nullable=False),
    *_dimension_columns(),
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("day", *DIMENSIONS, name="pk_daily_totals"),
)

# Distinct users per day can not be summed from other totals, so each folded day keeps its own.
daily_users = Table(
    "daily_users",
    metadata,
    Column("day", Date, primary_key=True),
    Column("users", Integer, nullable=False),
)

# Events the bot had to drop (its buffer was full while the store was unreachable), per day.
dropped_events = Table(
    "dropped_events",
    metadata,
    Column("day", Date, primary_key=True),
    Column("count", Integer, nullable=False),
)

SAFETY_INTENTS = frozenset(HELP_KINDS)
REFUSAL_INTENTS = frozenset({REFUSAL})
SMALL_TALK_INTENTS = frozenset({"greet", "help", "thanks", "goodbye", "bot_challenge", "unsupported_message"})
MENU_INTENTS = frozenset({"glossary", "privacy", "choose_language", "choose_country", "forget"})
# Replies that could not answer and give the help buttons and the helplines instead.
FALLBACK_ACTIONS = frozenset({"utter_fallback", "utter_unknown_words"})


def kind_of(intent: str) -> str:
    """Which kind of item an intent asks for."""
    if intent.startswith("term_"):
        return "term"
    if intent.startswith("topic_"):
        return "topic"
    if intent == "helplines" or intent.startswith("service_"):
        return "helpline"
    if intent == "campaign":
        return "campaign"
    if intent == "followup_more":
        return "follow_up"
    if intent in MENU_INTENTS:
        return "menu"
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
    if FALLBACK_ACTIONS.intersection(actions):
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


# Counts of what went wrong sending replies (bot/telegram/delivery.py), kept as events of
# their own kind so they need no table of their own; reports show them apart from messages.
DELIVERY_KIND = "delivery"


def delivery_event(problem: str, moment: dt.datetime) -> UsageEvent:
    return UsageEvent(hour=hour_of(moment), channel="telegram", language="none", country="none",
                      kind=DELIVERY_KIND, item=problem, outcome=DELIVERY_KIND)
