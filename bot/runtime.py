"""Builds the shared pieces a running bot needs, once, from the settings."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from bot.assistant import Assistant
from bot.conversation import Conversations
from bot.pseudonyms import ConversationIds, DailyPseudonyms
from bot.settings import Settings
from bot.stats.config import StatsSettings
from bot.stats.recorder import StatsRecorder
from bot.stats.spool import Spool


def open_conversations(settings: Settings, with_stats: bool = True, assistant: Optional[Assistant] = None) -> Conversations:
    """Load the model (unless given) and open the stats store (unless told not to)."""
    idle_seconds = settings.conversation_idle_minutes * 60
    if assistant is None and settings.redis_url:
        assistant = shared_assistant(settings.model_path, settings.redis_url, idle_seconds)
    assistant = assistant or Assistant.load(settings.model_path, idle_seconds=idle_seconds)
    keys = settings.data_dir / "keys"
    return Conversations(
        assistant=assistant,
        conversation_ids=ConversationIds(keys),
        stats=open_recorder(settings.database_url, settings.data_dir / f"stats-spool-{settings.instance}.jsonl")
        if with_stats else None,
        pseudonyms=DailyPseudonyms(keys) if with_stats else None,
    )


def shared_assistant(model_path: Path, redis_url: str, idle_seconds: float) -> Assistant:
    """Conversation state and per-conversation locks in Redis, for several processes."""
    import redis.asyncio

    from bot.redis_state import ConversationLocks, RedisTrackerStore

    client = redis.asyncio.Redis.from_url(redis_url)
    assistant = Assistant.load(model_path, tracker_store=RedisTrackerStore(client, idle_seconds=idle_seconds))
    assistant.agent.lock_store = ConversationLocks(client)  # Assistant.respond locks through it
    return assistant


def open_recorder(database_url: str, spool: Path) -> StatsRecorder:
    """The bot's statistics: buffered, written in the background, spooled to disk while the
    store is down, folded daily."""
    stats = StatsSettings.from_env()
    return StatsRecorder(database_url, capacity=stats.buffer_size, retention_days=stats.retention_days,
                         spool=Spool(spool))


def close_conversations(conversations: Conversations) -> None:
    if conversations.stats is not None:
        conversations.stats.close()
