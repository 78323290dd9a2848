"""Telegram's sending budget (30 messages a second per bot) shared by every process.

AIORateLimiter keeps one process within the budget and waits out 429s; with several
processes each would spend the whole budget. SharedRateLimiter first takes a slot from a
per-second counter in Redis (INCR with a short expiry), waiting for the next second when
this one's slots are gone, then lets AIORateLimiter do the rest.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Coroutine, Dict, Optional

from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

KEY = "rh:budget:"
# Methods that spend the budget: sending and editing messages.
SPENDING = frozenset({"sendMessage", "sendPhoto", "editMessageText"})


class SharedRateLimiter(AIORateLimiter):
    def __init__(self, client, per_second: int = FloodLimit.MESSAGES_PER_SECOND, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self.client = client  # redis.asyncio.Redis
        self.per_second = per_second

    async def _slot(self) -> None:
        while True:
            now = time.time()
            second = int(now)
            taken = await self.client.incr(f"{KEY}{second}")
            if taken == 1:
                await self.client.expire(f"{KEY}{second}", 5)
            if taken <= self.per_second:
                return
            await asyncio.sleep(second + 1 - now)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: Dict[str, Any],
        endpoint: str,
        data: Dict[str, Any],
        rate_limit_args: Optional[int],
    ) -> Any:
        if endpoint in SPENDING:
            await self._slot()
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
