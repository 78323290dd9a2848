"""Shared fixtures: one trained model and one loaded assistant for the whole test run."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, TypeVar

import pytest

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

from bot.assistant import Assistant  # noqa: E402
from bot.conversation import Conversations  # noqa: E402
from bot.pseudonyms import ConversationIds, DailyPseudonyms  # noqa: E402
from bot.stats.store import StatsStore  # noqa: E402
from bot.training.train import train  # noqa: E402

T = TypeVar("T")


@pytest.fixture(scope="session")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop for the session, so the loaded model is used from one loop."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def run(loop: asyncio.AbstractEventLoop) -> Callable[[Awaitable[T]], T]:
    return loop.run_until_complete


@pytest.fixture(scope="session")
def assistant() -> Assistant:
    train()  # trains only if content, training data or config changed
    return Assistant.load()


@pytest.fixture()
def conversations(assistant: Assistant, tmp_path: Path) -> Conversations:
    """The path `redheart ask` uses: the model, no statistics."""
    return Conversations(assistant, ConversationIds(tmp_path / "keys"))


@pytest.fixture()
def stats_store(tmp_path: Path) -> Iterator[StatsStore]:
    store = StatsStore(f"sqlite:///{tmp_path / 'stats.sqlite3'}")
    yield store
    store.close()


@pytest.fixture()
def recorded_conversations(assistant: Assistant, tmp_path: Path, stats_store: StatsStore) -> Conversations:
    """The path Telegram and the terminal chat use: the model and the statistics."""
    keys = tmp_path / "keys"
    return Conversations(assistant, ConversationIds(keys), stats=stats_store, pseudonyms=DailyPseudonyms(keys))


def ask(run: Callable[[Any], Any], conversations: Conversations, text: str, chat: str = "test", **kwargs: Any):
    return run(conversations.handle("ask", chat, text, **kwargs)).turn
