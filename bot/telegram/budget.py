"""Telegram's sending budget (30 messages a second per bot), kept in every second, 429s included.

A bucket limiter (AIORateLimiter's own, and a per-second counter) lets a full bucket go at
once and then refills it: 60 sends in one second after a quiet moment or a restart
(benchmarks/delivery.py saw 61). Here every send instead takes the next free slot on a
timeline with a slot every 1/28 s, so no one-second window holds more than 30 even when a
send leaves a little late: in process memory for one process, in Redis (scripts on the
server's clock) for several.

A 429 holds back the chat it came for: the error goes to the dispatcher, which keeps that
reply for `retry_after` while the other chats' replies go on (with every send paced under 30 a
second, a 429 is most likely a chat's or a group's own limit). When 429s come for
FLOOD_CHATS different chats within FLOOD_WINDOW seconds, the whole bot is over a limit: the
timeline pauses for the `retry_after`, for every process, and a send whose slot came before a
pause that began while it waited takes a new one, so no burst follows the pause.
(AIORateLimiter pauses every send at each 429 and then lets all that waited through at once:
the bursts of 44 to 59 a second the benchmark saw, and a 1 s pause costs 30 sends.) Group
chats keep Telegram's 20 messages a minute.
"""
from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, Callable, Coroutine, Dict, Optional, Tuple, Union

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

KEY = "rh:budget:next"
PAUSE_KEY = "rh:budget:pause"
# Methods that spend the budget: sending and editing messages.
SPENDING = frozenset({"sendMessage", "sendPhoto", "editMessageText"})
GROUP_LIMITERS_KEPT = 512
FLOOD_CHATS = 3
FLOOD_WINDOW = 2.0
# A send that wakes this much after its slot (its event loop was busy) takes a new slot, at
# most RETAKES times: late sends would otherwise all leave together.
LATE_SECONDS = 0.05
RETAKES = 2
# Slots a second: under Telegram's 30, so that sends up to LATE_SECONDS late still keep any
# one-second window to 30 (28 x 1.05 < 30).
PACE = 28
LATE, PAUSED = 1, 2

# Takes the next slot after any pause: returns {wait in µs, the slot}. The key expires once
# the timeline is in the past, so a quiet bot keeps nothing.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), tonumber(redis.call('GET', KEYS[2]) or 0), now)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', slot + interval),
           'PX', string.format('%d', (slot - now + interval) / 1000 + 1000))
return {string.format('%d', slot - now), string.format('%d', slot)}
"""
# Pauses the timeline until now + ARGV[1] µs (a longer pause already set stays).
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%d', pause), 'PX', string.format('%d', (pause - now) / 1000 + 1000))
"""

# Whether a slot (ARGV[1], µs) is covered by a pause (PAUSED) or more than ARGV[2] µs in the
# past (LATE).
_MISSED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or 0) > slot then return 2 end
if now - slot > tonumber(ARGV[2]) then return 1 end
return 0
"""


class LocalTimeline:
    """Slots in this process's memory: the budget when one process sends."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self.next = 0.0
        self.paused_until = 0.0

    async def take(self) -> Tuple[float, float]:
        """How long to wait for the next slot, and the slot."""
        now = time.monotonic()
        slot = max(self.next, self.paused_until, now)
        self.next = slot + self.interval
        return slot - now, slot

    async def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    async def missed(self, slot: float) -> int:
        """PAUSED if a pause set after the slot was taken covers it, LATE if the slot is long
        past, else 0."""
        if self.paused_until > slot:
            return PAUSED
        return LATE if time.monotonic() - slot > LATE_SECONDS else 0


class SharedTimeline:
    """Slots in Redis: one timeline and one pause for every process of the bot."""

    def __init__(self, client, per_second: float) -> None:
        self.client = client  # redis.asyncio.Redis
        self.interval_us = int(1_000_000 / per_second)
        self._take = client.register_script(_TAKE_SLOT)
        self._pause = client.register_script(_PAUSE)
        self._missed = client.register_script(_MISSED)

    async def take(self) -> Tuple[float, float]:
        wait, slot = await self._take(keys=[KEY, PAUSE_KEY], args=[self.interval_us])
        return int(wait) / 1_000_000, float(slot)

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[PAUSE_KEY], args=[int(seconds * 1_000_000)])

    async def missed(self, slot: float) -> int:
        return int(await self._missed(keys=[PAUSE_KEY], args=[int(slot), int(LATE_SECONDS * 1_000_000)]))


def _group(data: Dict[str, Any]) -> Optional[Union[int, str]]:
    """The chat when it is a group or channel (negative ids, or @names)."""
    chat: Any = data.get("chat_id")
    with contextlib.suppress(ValueError, TypeError):
        chat = int(chat)
    return chat if (isinstance(chat, int) and chat < 0) or isinstance(chat, str) else None


class PacedRateLimiter(BaseRateLimiter):
    def __init__(self, timeline: Any) -> None:
        self.timeline = timeline
        self._groups: Dict[Union[int, str], AsyncLimiter] = {}
        self._limited: Dict[Any, float] = {}  # chat -> when its last 429 came

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: Dict[str, Any],
        endpoint: str,
        data: Dict[str, Any],
        rate_limit_args: Optional[int],
    ) -> Any:
        if endpoint not in SPENDING:
            return await callback(*args, **kwargs)
        group = _group(data)
        if group is not None:
            await self._group_limiter(group).acquire()
        await self._slot()
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            await self._limited_for(data.get("chat_id"), retry_after_seconds(error))
            raise

    async def _limited_for(self, chat: Any, seconds: float) -> None:
        """A 429 for this chat; the third chat within FLOOD_WINDOW pauses every send."""
        now = time.monotonic()
        self._limited = {c: at for c, at in self._limited.items() if now - at < FLOOD_WINDOW}
        self._limited[chat] = now
        if len(self._limited) >= FLOOD_CHATS:
            await self.timeline.pause(seconds + 0.1)

    async def _slot(self) -> None:
        retakes = 0
        while True:
            wait, slot = await self.timeline.take()
            await asyncio.sleep(wait)
            missed = await self.timeline.missed(slot)
            if not missed or (missed == LATE and retakes >= RETAKES):
                return  # a pause is always waited out
            retakes += missed == LATE

    def _group_limiter(self, group: Union[int, str]) -> AsyncLimiter:
        if group not in self._groups and len(self._groups) >= GROUP_LIMITERS_KEPT:
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):  # unused for a minute
                    del self._groups[key]
        return self._groups.setdefault(group, AsyncLimiter(FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60))


def retry_after_seconds(error: RetryAfter) -> float:
    retry_after = error.retry_after
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)


def paced_limiter(redis_url: Optional[str], per_second: float = PACE) -> PacedRateLimiter:
    """The budget of this process alone, or with a Redis URL the one all processes share."""
    if not redis_url:
        return PacedRateLimiter(LocalTimeline(per_second))
    import redis.asyncio

    return PacedRateLimiter(SharedTimeline(redis.asyncio.Redis.from_url(redis_url), per_second))
