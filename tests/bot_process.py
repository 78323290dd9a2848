"""`redheart run` as a real process against the Bot API stand-in: started, killed, restarted.

Used by the tests that kill a bot in the middle of a burst and by benchmarks/delivery.py, with
what the bot counted of its delivery problems.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

from bot import paths
from bot.stats.events import DELIVERY_KIND
from bot.stats.store import StatsStore
from tests.botapi_standin import BotApiStandIn

READY_TIMEOUT = 120.0


def bot_environment(api: BotApiStandIn, data_dir: Path, **extra: str) -> Dict[str, str]:
    """What a deployment would set: the token, the API, a data folder, a log file."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "REDHEART_"))}
    env.update({
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "REDHEART_DATA_DIR": str(data_dir),
        "REDHEART_MODEL": str(paths.MODEL_FILE),
        "REDHEART_LOG_FILE": str(data_dir / "bot.log"),
        "PYTHONPATH": str(paths.ROOT),
        **extra,
    })
    return env


class BotProcess:
    def __init__(self, api: BotApiStandIn, env: Dict[str, str], stderr: Path) -> None:
        self.api = api
        self.env = env
        self.stderr = stderr
        # subprocess.Popen, not asyncio's: Rasa's event loop policy has no child watcher.
        self.process: Optional[subprocess.Popen] = None

    async def start(self) -> "BotProcess":
        """Start and wait until the bot can take updates: its menu registered (post_init) and,
        in webhook mode, its webhook too, which python-telegram-bot sets only after post_init."""
        marks = self._readiness()
        with open(self.stderr, "ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], env=self.env, cwd=str(paths.ROOT),
                stdout=subprocess.DEVNULL, stderr=err,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_TIMEOUT
        while self._readiness() == marks:
            if self.process.poll() is not None or loop.time() > deadline:
                raise RuntimeError(f"the bot did not start; see {self.stderr}")
            await asyncio.sleep(0.1)
        return self

    def _readiness(self) -> int:
        mark = "setWebhook" if self.env.get("TELEGRAM_WEBHOOK_URL") else "setMyCommands"
        return len(self.api.sent(mark))

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self._exit(10.0)

    async def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM, as a deploy stops a process; its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await self._exit(timeout)

    async def _exit(self, timeout: float) -> int:
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.process.poll() is None:
            if loop.time() > deadline:
                self.process.kill()
                raise TimeoutError("the bot did not stop")
            await asyncio.sleep(0.05)
        return self.process.returncode


def delivery_counts(url: str) -> Dict[str, int]:
    """What the bot itself counted in its statistics: unknown outcomes, delays, refusals."""
    store = StatsStore(url)
    try:
        counts: Dict[str, int] = {}
        for row in store.daily_rows():
            if row.kind == DELIVERY_KIND:
                counts[row.item] = counts.get(row.item, 0) + row.count
        return counts
    finally:
        store.close()
