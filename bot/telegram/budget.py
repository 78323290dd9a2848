"""Telegram's sending budget (30 messages a second per bot), kept in every second.

A bucket limiter (AIORateLimiter's own, and a per-second counter) lets a full bucket go at
once and then refills it: 60 sends in one second after a quiet moment or a restart
(benchmarks/delivery.py saw 61). Here every send instead takes the next free slot on a
timeline with one slot every 1/30 s, so no one-second window holds more than 30: in
process memory for one process, in Redis (one script, the server's clock) for several.
AIORateLimiter stays behind it for what it does well: waiting out a 429's retry_after and
the limits of group chats.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Coroutine, Dict, Optional

from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

KEY = "rh:budget:next"
# Methods that spend the budget: sending and editing messages.
SPENDING = frozenset({"sendMessage", "sendPhoto", "editMessageText"})
MAX_RETRIES = 3

# Takes the next slot: returns how many microseconds to wait for it. The key expires once
# the timeline is in the past, so a quiet bot keeps nothing.
_TAKE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', slot + interval),
           'PX', string.format('%d', (slot - now + interval) / 1000 + 1000))
return slot - now
"""


class LocalTimeline:
    """Slots in this process's memory: the budget when one process sends."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self.next = 0.0

    async def wait(self) -> float:
        now = time.monotonic()
        slot = max(self.next, now)
        self.next = slot + self.interval
        return slot - now


class SharedTimeline:
    """Slots in Redis: one timeline for every process of the bot."""

    def __init__(self, client, per_second: float) -> None:
        self.client = client  # redis.asyncio.Redis
        self.interval_us = int(1_000_000 / per_second)
        self._take = client.register_script(_TAKE_SLOT)

    async def wait(self) -> float:
        return int(await self._take(keys=[KEY], args=[self.interval_us])) / 1_000_000


class PacedRateLimiter(AIORateLimiter):
    def __init__(self, timeline: Any, max_retries: int = MAX_RETRIES) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)  # the timeline paces instead
        self.timeline = timeline

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
            await asyncio.sleep(await self.timeline.wait())
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def paced_limiter(redis_url: Optional[str], per_second: float = FloodLimit.MESSAGES_PER_SECOND) -> PacedRateLimiter:
    """The budget of this process alone, or with a Redis URL the one all processes share."""
    if not redis_url:
        return PacedRateLimiter(LocalTimeline(per_second))
    import redis.asyncio

    return PacedRateLimiter(SharedTimeline(redis.asyncio.Redis.from_url(redis_url), per_second))
