"""Starting and stopping the real python-telegram-bot Application against the Bot API
stand-in, the way `redheart run` does with long polling (bot/telegram/service.py)."""
from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any, AsyncIterator

from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.service import begin_polling, end_polling
from tests.botapi_standin import BotApiStandIn


def settings_for(api: BotApiStandIn, tmp_path: Path, **changes: Any) -> Settings:
    """Settings that point the bot at the stand-in and keep its files under tmp_path."""
    return dataclasses.replace(
        Settings.from_env(environ={}, env_file=tmp_path / "none.env"),
        **{"telegram_token": api.token, "telegram_api_base_url": api.base_url, "data_dir": tmp_path, **changes},
    )


RECEIVER = "test-receiver"


async def start_polling(application: Application) -> None:
    application.bot_data[RECEIVER] = await begin_polling(application, timeout=1)


async def stop_polling(application: Application) -> None:
    await end_polling(application, application.bot_data.pop(RECEIVER))  # flushes and closes the statistics


@contextlib.asynccontextmanager
async def running(application: Application) -> AsyncIterator[None]:
    await start_polling(application)
    try:
        yield
    finally:
        await stop_polling(application)
