"""One receiver among several processes: Telegram hands out updates to one getUpdates caller.

The process holding the lease (a TokenLock in Redis, bot/redis_state.py) polls; it renews the
lease every third of its lifetime, and stops polling the moment a renewal fails. Another
process takes the lease when its holder stops (released at once) or dies (expired after
LIFETIME seconds). Two receivers for a moment are harmless: an update handled by one is
recognised by its id in the other.
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import Callable, Optional

from bot.redis_state import PREFIX, TokenLock
from bot.telegram.intake import PollingReceiver

# Short, so a receiver that died is replaced within about 2 s (the messages sent meanwhile
# wait that long); with the handling spread over the processes (handoff.py) the receiver's
# event loop renews in time, and losing the lease costs only a handover.
LIFETIME = 1.5


class ReceiverLease:
    def __init__(self, client, receiver: Callable[[], PollingReceiver], lifetime: float = LIFETIME) -> None:
        self.lock = TokenLock(client, f"{PREFIX}receiver", lifetime)
        self.receiver = receiver
        self.lifetime = lifetime

    async def hold(self, stopping: asyncio.Event) -> None:
        """Poll whenever this process holds the lease, until `stopping` is set."""
        polling: Optional[PollingReceiver] = None
        while not stopping.is_set():
            if polling is None and await self.lock.try_acquire():
                polling = self.receiver()
                await polling.start()
            elif polling is not None and not await self.lock.renew():
                await polling.stop()  # the lease expired and may be another's now
                polling = None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stopping.wait(), self.lifetime / 3)
        if polling is not None:
            await polling.stop()
            await self.lock.release()
