"""Sending the queued replies: retried through Telegram's bad minutes, in order per chat.

The dispatcher takes the first waiting reply of each chat from the outbox (so a chat's
replies keep their order) and sends replies of different chats concurrently (so one slow
send holds up only its own chat). What a failed send means decides what happens next:

- HTTP 429: the reply waits `retry_after` in the queue, the chat's later replies behind it,
  while other chats go on (budget.py pauses every send when several chats get 429s at once).
- 5xx, a refused or dropped connection, a connect or pool timeout: Telegram did not take
  the message; it is tried again after a bounded exponential backoff (BACKOFF_BASE doubling
  up to BACKOFF_MAX seconds), for as long as it takes. A reply still waiting after
  DELAYED_AFTER attempts is counted once in the statistics ("reply_delayed").
- A read or write timeout after the request left: the outcome is unknown, Telegram may have
  delivered it. A safety answer is sent again (a possible duplicate beats a possible loss,
  counted as "unknown_resent"); any other reply is not (a duplicate of a glossary card is
  worse than the small risk it never arrived, counted as "unknown_not_resent").
  A reply that timed out and was not sent again may still arrive late: the chat's next
  reply waits SETTLE_SECONDS so that it does not overtake it.
- 400 and 403 (chat gone, bot blocked, reply refused): it can never be sent; it leaves the
  queue, counted as "undeliverable".
- A reply handed out before a crash (or a stop) and never settled may have been delivered:
  it is sent again whatever its kind, since nothing says it left, counted as
  "resent_after_restart".

Counts go to the statistics through `count(name)`; they carry no text and no chat.
"""
from __future__ import annotations

import asyncio
import enum
import logging
import time
from typing import Callable, Dict, Optional

import httpx
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TimedOut

from bot.telegram.budget import retry_after_seconds
from bot.telegram.outbox import Outbox, Queued

logger = logging.getLogger(__name__)

BACKOFF_BASE = 0.5
BACKOFF_MAX = 60.0
DELAYED_AFTER = 5
# Sends in flight at once; the rate limiter (budget.py) keeps them within Telegram's 30 messages/s.
CONCURRENT_SENDS = 32
# How often the queue is looked at when nothing wakes the dispatcher (postponed replies).
POLL_SECONDS = 0.5
SETTLE_SECONDS = 5.0


class Verdict(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # certainly not delivered
    UNKNOWN = "unknown"  # may have been delivered
    NEVER = "never"  # can never be delivered


def verdict_of(error: Exception) -> Verdict:
    if isinstance(error, (BadRequest, Forbidden, ChatMigrated)):
        return Verdict.NEVER
    if isinstance(error, TimedOut):
        cause = error.__cause__
        never_left = isinstance(cause, (httpx.ConnectTimeout, httpx.PoolTimeout)) or "Pool timeout" in str(error)
        return Verdict.RETRY if never_left else Verdict.UNKNOWN
    # NetworkError covers 5xx answers and refused or dropped connections; anything else
    # (an invalid token, an unexpected error) is kept and tried again too.
    return Verdict.RETRY


def backoff(attempts: int) -> float:
    return min(BACKOFF_BASE * 2 ** attempts, BACKOFF_MAX)


class Dispatcher:
    def __init__(
        self, bot: Bot, outbox: Outbox, count: Callable[[str], None], clock: Callable[[], float] = time.time
    ) -> None:
        self.bot = bot
        self.outbox = outbox
        self.count = count
        self._clock = clock
        self._busy: Dict[str, asyncio.Task] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._draining = False
        self._drained = asyncio.Event()
        self._task: Optional[asyncio.Task] = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="redheart-dispatcher")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Send what is due within `grace` seconds; the rest stays queued for the next start."""
        self._draining = True
        self.wake()
        try:
            await asyncio.wait_for(self._drained.wait(), grace)
        except asyncio.TimeoutError:
            pass
        self._stopping = True
        self.wake()
        if self._task is not None:
            await self._task
        for task in list(self._busy.values()):
            task.cancel()  # an unfinished send stays queued and is sent on the next start
        await asyncio.gather(*self._busy.values(), return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            found = 0
            free = CONCURRENT_SENDS - len(self._busy)
            if free > 0:
                try:
                    items = self.outbox.due(self._clock(), free, busy=list(self._busy))
                except Exception as error:  # the queue's store is down: try again shortly
                    logger.warning("Outbound queue unreadable (%s)", type(error).__name__)
                    items = []
                found = len(items)
                for item in items:
                    self._busy[item.chat_key] = asyncio.get_running_loop().create_task(self._deliver(item))
            if self._draining and not found and not self._busy:
                self._drained.set()
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _deliver(self, item: Queued) -> None:
        try:
            if item.retaken:
                self.count("resent_after_restart")
            verdict, wait = await self._send(item)
            self._settle(item, verdict, wait)
            if verdict is Verdict.UNKNOWN and not item.reply.safety:
                await asyncio.sleep(SETTLE_SECONDS)  # the chat stays busy: its late reply lands first
        except Exception:
            logger.exception("Could not settle a queued reply")
        finally:
            self._busy.pop(item.chat_key, None)
            self.wake()

    async def _send(self, item: Queued) -> tuple[Verdict, float]:
        reply = item.reply
        markup = InlineKeyboardMarkup.de_json(reply.markup, self.bot) if reply.markup else None
        try:
            await self.bot.send_message(
                reply.chat_id, reply.html, parse_mode=ParseMode.HTML, reply_markup=markup,
                disable_web_page_preview=True,
            )
            return Verdict.SENT, 0.0
        except RetryAfter as error:
            return Verdict.RETRY, retry_after_seconds(error)
        except Exception as error:  # what the error means is decided by verdict_of
            logger.warning("A reply could not be sent (%s)", type(error).__name__)
            return verdict_of(error), backoff(item.attempts)

    def _settle(self, item: Queued, verdict: Verdict, wait: float) -> None:
        if verdict is Verdict.UNKNOWN:
            self.count("unknown_resent" if item.reply.safety else "unknown_not_resent")
            verdict = Verdict.RETRY if item.reply.safety else Verdict.SENT
        if verdict is Verdict.NEVER:
            self.count("undeliverable")
            verdict = Verdict.SENT
        if verdict is Verdict.SENT:
            self.outbox.sent(item)
            return
        if item.attempts + 1 == DELAYED_AFTER:
            self.count("reply_delayed")
        self.outbox.postpone(item, self._clock() + wait)
