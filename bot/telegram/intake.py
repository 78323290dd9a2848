"""Receiving updates so that none is lost and none is answered twice.

An update is done when its replies are in the outbox (bot/telegram/outbox.py), written in
the same transaction as its update id. Only then is it confirmed to Telegram:

- polling (PollingReceiver): the getUpdates offset moves past an update only once the
  update is done, so after a crash Telegram hands out again everything not yet done;
- webhook (AcknowledgingQueue): python-telegram-bot's webhook answers Telegram after
  `update_queue.put(update)` returns, and here put returns only once the update is done (or
  raises, and the webhook answers 500), so Telegram delivers again whatever was not.

An update delivered again after it was done is recognised by its id and not answered again.
An update whose handler failed (a conversation lock not free in time, a store down) is not
done: it is handled again when Telegram delivers it again; after HANDLING_ATTEMPTS failures
it gets the "could not answer" reply (emergency number and child helpline) instead of
nothing, so a message that keeps failing is still answered and never blocks the ones after.
DurableUpdateProcessor (python-telegram-bot's BaseUpdateProcessor) handles updates of
different chats concurrently and those of one chat one after the other, in order.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Set

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseUpdateProcessor

from bot.telegram.outbox import Outbox, Outgoing

logger = logging.getLogger(__name__)

CONCURRENT_UPDATES = 64
POLL_TIMEOUT = 10
RECEIVE_BACKOFF_MAX = 30.0
HANDLING_ATTEMPTS = 3
# Failed updates whose attempts are counted; the oldest are forgotten beyond this (an update
# another process went on to answer is never seen here again).
ATTEMPTS_KEPT = 10_000


class HandlingFailed(Exception):
    """The update's handler raised: it is not done, Telegram delivers it again."""


class DurableUpdateProcessor(BaseUpdateProcessor):
    """Handles an update under its chat's lock, then queues its replies with its id."""

    def __init__(self, outbox: Outbox, concurrent: int = CONCURRENT_UPDATES) -> None:
        super().__init__(concurrent)
        self.outbox = outbox
        self.on_queued: Callable[[], None] = lambda: None
        # The replies of an update that failed HANDLING_ATTEMPTS times (set by the application).
        self.could_not_answer: Callable[[Update], Awaitable[List[Outgoing]]] = _nothing
        self._failed: Set[int] = set()
        self._attempts: Dict[int, int] = {}
        self._replies: Dict[int, List[Outgoing]] = {}
        self._chats: Dict[int, asyncio.Lock] = {}
        self._chat_users: Dict[int, int] = {}
        self._waiting: Dict[int, asyncio.Future] = {}

    def reply(self, update: Update, outgoing: Outgoing) -> None:
        """Called by the handlers: one reply to the update being handled."""
        self._replies.setdefault(update.update_id, []).append(outgoing)

    def failed(self, update_id: int) -> None:
        """Called by the error handler: the update's handler raised."""
        self._failed.add(update_id)

    def expect(self, update_id: int) -> Awaitable[None]:
        """Resolves when the update is done (raises if it could not be queued)."""
        return self._waiting.setdefault(update_id, asyncio.get_running_loop().create_future())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        try:
            await self._handle(update, coroutine)
        except Exception as error:
            logger.error("An update could not be queued (%s); Telegram will deliver it again", type(error).__name__)
            self._resolve(update.update_id, error)
        else:
            self._resolve(update.update_id, None)

    async def _handle(self, update: Update, coroutine: Awaitable[Any]) -> None:
        if self.outbox.is_processed(update.update_id):
            coroutine.close()  # type: ignore[attr-defined]  # answered before a restart
            return
        chat = update.effective_chat.id if update.effective_chat else None
        async with self._chat_lock(chat):
            self._replies[update.update_id] = []
            try:
                await coroutine
            finally:
                replies = self._replies.pop(update.update_id, [])
            if update.update_id in self._failed:
                self._failed.discard(update.update_id)
                attempts = self._attempts[update.update_id] = self._attempts.get(update.update_id, 0) + 1
                if len(self._attempts) > ATTEMPTS_KEPT:
                    del self._attempts[next(iter(self._attempts))]  # the oldest (dicts keep order)
                if attempts < HANDLING_ATTEMPTS:
                    raise HandlingFailed(f"attempt {attempts} of {HANDLING_ATTEMPTS}")
                replies = await self.could_not_answer(update)
            self.outbox.commit(update.update_id, replies)
            self._attempts.pop(update.update_id, None)
        self.on_queued()

    def _chat_lock(self, chat: Optional[int]) -> "_ChatLock":
        return _ChatLock(self, chat)

    def _resolve(self, update_id: int, error: Optional[Exception]) -> None:
        waiter = self._waiting.pop(update_id, None)
        if waiter is None or waiter.done():
            return
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def _nothing(update: Update) -> List[Outgoing]:
    return []


class _ChatLock:
    """The chat's lock, dropped when no update of the chat waits for it (no unbounded map)."""

    def __init__(self, processor: DurableUpdateProcessor, chat: Optional[int]) -> None:
        self.processor = processor
        self.chat = chat

    async def __aenter__(self) -> None:
        if self.chat is None:
            return
        p = self.processor
        p._chat_users[self.chat] = p._chat_users.get(self.chat, 0) + 1
        await p._chats.setdefault(self.chat, asyncio.Lock()).acquire()

    async def __aexit__(self, *exc: object) -> None:
        if self.chat is None:
            return
        p = self.processor
        p._chats[self.chat].release()
        p._chat_users[self.chat] -= 1
        if not p._chat_users[self.chat]:
            del p._chat_users[self.chat], p._chats[self.chat]


class AcknowledgingQueue(asyncio.Queue):
    """The Application's update queue: put() returns when the update is done."""

    processor: Optional[DurableUpdateProcessor] = None

    async def put(self, item: Any) -> None:
        if not isinstance(item, Update) or self.processor is None:
            await super().put(item)
            return
        done = self.processor.expect(item.update_id)
        await super().put(item)
        await done


class PollingReceiver:
    """getUpdates with the offset confirmed only past updates that are done.

    `hand` takes an update and returns once it is done: by default this process's queue; with
    several processes, handoff.Handoff.hand. A chat's updates are handed one after the other,
    different chats' at once."""

    def __init__(
        self, application: Application, allowed_updates: Sequence[str], timeout: int = POLL_TIMEOUT,
        hand: Optional[Callable[[Update], Awaitable[None]]] = None,
    ) -> None:
        self.application = application
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        self.hand = hand or application.update_queue.put
        self.offset: Optional[int] = None
        self._task: Optional[asyncio.Task] = None

    async def start(self) -> None:
        await self.application.bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="redheart-receiver")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.offset is not None:
            try:  # confirm what is done, so the next start is not handed it again
                await self.application.bot.get_updates(offset=self.offset, timeout=0, limit=1)
            except TelegramError:
                pass  # the next start skips it by its id

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                updates = await self.application.bot.get_updates(
                    offset=self.offset, timeout=self.timeout, allowed_updates=self.allowed_updates,
                    read_timeout=self.timeout + 10,
                )
            except TelegramError as error:
                failures += 1
                logger.warning("getUpdates failed (%s)", type(error).__name__)
                await asyncio.sleep(min(2 ** failures, RECEIVE_BACKOFF_MAX))
                continue
            if not updates:
                continue
            failed = await self._hand_all(updates)
            # Everything before the first update not done is confirmed with the next call.
            self.offset = min(failed) if failed else updates[-1].update_id + 1
            if failed:
                failures += 1
                await asyncio.sleep(min(2 ** failures, RECEIVE_BACKOFF_MAX))
            else:
                failures = 0

    async def _hand_all(self, updates: Sequence[Update]) -> List[int]:
        """Hands every update; the ids of those not done."""
        chats: Dict[Optional[int], List[Update]] = {}
        for update in updates:
            chats.setdefault(update.effective_chat.id if update.effective_chat else None, []).append(update)

        async def in_order(chat_updates: List[Update]) -> List[int]:
            failed = []
            for update in chat_updates:
                try:
                    await self.hand(update)
                except Exception:
                    failed.append(update.update_id)
            return failed

        return [u for failed in await asyncio.gather(*(in_order(c) for c in chats.values())) for u in failed]
