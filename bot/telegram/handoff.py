"""Polling with several processes: the receiver hands each chat's updates to one of them.

Telegram hands updates to one getUpdates caller, the process holding the receiver lease
(lease.py), but every process can answer them. So each process on Redis listens on a
loopback port for updates handed to it and announces that address in Redis (a sorted set of
addresses by expiry: no update, no text, no id). The receiver sends each update to the
process its chat's hash picks among the live ones, a chat's updates one after the other, and
confirms an update to Telegram only once that process answered that its replies are queued:
the promise Telegram's webhook gets (intake.AcknowledgingQueue is behind both). An update
crosses loopback in memory only. A process that cannot be reached (killed, stopping) leaves
the update to the receiver; one that answers "failed" leaves it unconfirmed, and Telegram
hands it out again. Announcements carry expiries on the Redis server's clock, the one clock
every process shares.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
import zlib
from typing import AsyncIterator, Awaitable, Callable, List, Optional, Sequence

import httpx
from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.redis_state import PREFIX
from bot.telegram.intake import HandlingFailed

logger = logging.getLogger(__name__)

PEERS_KEY = f"{PREFIX}peers"
PATH = "/handoff"
TOKEN_HEADER = "X-Redheart-Handoff"
# An address counts as live this long after its last announcement (made every third of it).
ANNOUNCE_LIFETIME = 3.0
# A handed-over update may wait for its conversation's lock (up to 21 s) before it is queued.
HANDOFF_TIMEOUT = 30.0
# The live addresses are read at most this often.
PEERS_CACHE_SECONDS = 0.5

Hand = Callable[[Update], Awaitable[None]]


class Peers:
    """The hand-off addresses of the live processes, in Redis."""

    def __init__(self, client, lifetime: float = ANNOUNCE_LIFETIME) -> None:
        self.client = client  # redis.asyncio.Redis
        self.lifetime = lifetime

    async def now(self) -> float:
        seconds, microseconds = await self.client.time()
        return seconds + microseconds / 1e6

    async def announce(self, address: str) -> None:
        now = await self.now()
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zadd(PEERS_KEY, {address: now + self.lifetime})
            pipe.zremrangebyscore(PEERS_KEY, "-inf", now)
            await pipe.execute()

    async def withdraw(self, address: str) -> None:
        await self.client.zrem(PEERS_KEY, address)

    async def live(self) -> List[str]:
        return sorted(a.decode() for a in await self.client.zrangebyscore(PEERS_KEY, await self.now(), "+inf"))


def pick(chat: Optional[int], peers: Sequence[str]) -> str:
    """The process that answers a chat: the same one while the set of processes stays the same."""
    return peers[zlib.crc32(str(chat).encode("ascii")) % len(peers)]


class HandoffServer:
    """Takes updates handed over by the receiver into this process's update queue."""

    def __init__(self, application: Application, token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.application = application
        self.token = token
        self.host = host
        self.port = port
        self._runner: Optional[web.AppRunner] = None
        self.taken = 0

    async def start(self) -> str:
        """Listen; the address to announce."""
        app = web.Application()
        app.router.add_post(PATH, self._take)
        # No access log (nothing about requests is logged); a handler is not cancelled when
        # the receiver goes away, so an update taken is finished.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}{PATH}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # after the updates being handled are done

    async def _take(self, request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(TOKEN_HEADER, ""), self.token):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        try:
            await self.application.update_queue.put(update)  # returns once the update is done
        except Exception:
            return web.Response(status=500)
        self.taken += 1
        return web.Response(status=200)


class Handoff:
    """The receiver's side: each update to the process its chat's hash picks, or here."""

    def __init__(self, application: Application, peers: Peers, own: str, token: str) -> None:
        self.application = application
        self.peers = peers
        self.own = own
        self.token = token
        self.client = httpx.AsyncClient(timeout=HANDOFF_TIMEOUT)
        self._live: List[str] = []
        self._read_at = 0.0

    async def hand(self, update: Update) -> None:
        """Returns once the update is done; raises HandlingFailed if it is not."""
        chat = update.effective_chat.id if update.effective_chat else None
        peer = pick(chat, await self._peers())
        if peer != self.own and await self._handed(peer, update):
            return
        await self.application.update_queue.put(update)

    async def _handed(self, peer: str, update: Update) -> bool:
        """True when the peer queued the update's replies; False when it could not be reached."""
        try:
            response = await self.client.post(
                peer, content=update.to_json(), headers={TOKEN_HEADER: self.token, "Content-Type": "application/json"}
            )
        except httpx.HTTPError as error:
            logger.warning("A process did not take an update (%s); handling it here", type(error).__name__)
            self._read_at = 0.0  # read the live processes again
            return False
        if response.status_code == 500:
            raise HandlingFailed("the process it was handed to could not handle it")
        if response.status_code != 200:
            logger.warning("A process refused an update (HTTP %d); handling it here", response.status_code)
            return False
        return True

    async def _peers(self) -> List[str]:
        now = time.monotonic()
        if now - self._read_at > PEERS_CACHE_SECONDS:
            try:
                self._live = await self.peers.live()
            except Exception as error:  # Redis unreachable: keep the last list
                logger.warning("Could not read the live processes (%s)", type(error).__name__)
            self._read_at = now
        return self._live or [self.own]

    async def close(self) -> None:
        await self.client.aclose()


@contextlib.asynccontextmanager
async def serving(
    application: Application, client, token: str, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[Hand]:
    """This process takes handed-over updates while inside; yields how the receiver hands them."""
    server = HandoffServer(application, token, host, port)
    address = await server.start()
    peers = Peers(client)
    handoff = Handoff(application, peers, address, token)

    async def keep_announcing() -> None:
        while True:
            try:
                await peers.announce(address)
            except Exception as error:
                logger.warning("Could not announce this process (%s)", type(error).__name__)
            await asyncio.sleep(peers.lifetime / 3)

    announcing = asyncio.get_running_loop().create_task(keep_announcing(), name="redheart-announce")
    try:
        yield handoff.hand
    finally:
        announcing.cancel()
        await asyncio.gather(announcing, return_exceptions=True)
        with contextlib.suppress(Exception):
            await peers.withdraw(address)  # the receiver stops handing updates here
        await server.stop()
        await handoff.close()
        logger.info("Answered %d updates handed over by the receiver", server.taken)
