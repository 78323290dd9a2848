"""Conversation state shared by several bot processes through Redis, without any text.

RedisTrackerStore keeps what PrivateTrackerStore keeps (bot/tracker_store.py: the current
session's last events, every user's words blanked by the same `redact`), serialised under
the conversation's keyed hash, and lets Redis forget it after the idle time.

TokenLock is the per-conversation lock (and the polling receiver's lease). Rasa's own
RedisLockStore reads a conversation's ticket lock, changes it in Python and writes it back,
so two processes can both take it (RasaHQ/rasa#9213), and a holder that outlived the lock's
lifetime deletes the next holder's lock. Here a lock is one Redis key set with NX and an
expiry, holding a random token; release and renewal are Lua scripts that act only if the key
still holds the caller's token, so a late holder never frees someone else's lock.
"""
from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import AsyncIterator, Iterable, Optional, Text

from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import MAX_EVENTS, _current_session, redact

PREFIX = "rh:"
RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"


class TokenLock:
    """One holder at a time across processes; the lock expires if its holder dies."""

    def __init__(self, client, key: str, lifetime: float) -> None:
        self.client = client  # redis.asyncio.Redis
        self.key = key
        self.lifetime_ms = int(lifetime * 1000)
        self.token = secrets.token_hex(16)

    async def try_acquire(self) -> bool:
        return bool(await self.client.set(self.key, self.token, nx=True, px=self.lifetime_ms))

    async def acquire(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        pause = 0.005
        while not await self.try_acquire():
            if loop.time() > deadline:
                raise TimeoutError("lock not acquired")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)

    async def renew(self) -> bool:
        """Extend the lock; False if it expired and may be someone else's now."""
        return bool(await self.client.eval(RENEW, 1, self.key, self.token, self.lifetime_ms))

    async def release(self) -> None:
        await self.client.eval(RELEASE, 1, self.key, self.token)


class ConversationLocks:
    """Agent.lock_store's `lock(conversation_id)`, across processes.

    The lock is short-lived and renewed while held, so a holder killed mid-message blocks its
    chat for at most `lifetime` seconds; a waiter waits more than twice that, so it never gives
    up on a lock that is about to expire (giving up would leave the message unanswered).
    """

    def __init__(self, client, lifetime: float = 10.0) -> None:
        self.client = client
        self.lifetime = lifetime

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: Text) -> AsyncIterator[None]:
        lock = TokenLock(self.client, f"{PREFIX}lock:{conversation_id}", self.lifetime)
        await lock.acquire(timeout=2 * self.lifetime + 1)
        renewing = asyncio.get_running_loop().create_task(self._keep(lock))
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            await lock.release()

    async def _keep(self, lock: TokenLock) -> None:
        while True:
            await asyncio.sleep(self.lifetime / 3)  # most messages are done long before
            if not await lock.renew():
                return


class RedisTrackerStore(TrackerStore, SerializedTrackerAsText):
    def __init__(self, client, domain: Optional[Domain] = None, idle_seconds: float = 3600.0) -> None:
        super().__init__(domain)
        self.client = client
        self.idle_seconds = idle_seconds
        self.max_event_history = MAX_EVENTS

    def _key(self, sender_id: Text) -> str:
        return f"{PREFIX}tracker:{sender_id}"

    async def save(self, tracker: DialogueStateTracker) -> None:
        redact(tracker)
        serialised = self.serialise_tracker(_current_session(tracker))
        await self.client.set(self._key(tracker.sender_id), serialised, ex=max(int(self.idle_seconds), 1))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        stored = await self.client.get(self._key(sender_id))
        if stored is None:
            return None
        return self.deserialise_tracker(sender_id, stored)

    async def keys(self) -> Iterable[Text]:
        return [key.decode()[len(self._key("")):] async for key in self.client.scan_iter(self._key("*"))]

    async def delete(self, sender_id: Text) -> bool:
        return bool(await self.client.delete(self._key(sender_id)))
