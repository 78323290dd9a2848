"""Polling with several processes: the receiver hands each chat's updates to the process the
chat's hash picks, over loopback, and Redis holds only the processes' addresses."""
from __future__ import annotations

import asyncio
from typing import List

import httpx
import pytest
import redis

from bot.telegram.handoff import PATH, TOKEN_HEADER, Handoff, HandoffServer, Peers, pick
from bot.telegram.intake import HandlingFailed
from tests.postgres_server import free_port
from tests.test_delivery_redis import client, redis_url  # noqa: F401  (a real redis-server)

TOKEN = "handoff-secret"


class Queue:
    """A process's update queue: put returns once the update is done, or raises."""

    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.texts: List[str] = []

    async def put(self, update) -> None:
        if self.fails:
            raise RuntimeError("the conversation lock was not free in time")
        self.texts.append(update.message.text)


class Process:
    """What the hand-off uses of a process's Application: its bot and its update queue."""

    def __init__(self, fails: bool = False) -> None:
        self.bot = None
        self.update_queue = Queue(fails)


def update(number: int, chat: int, text: str):
    from telegram import Update

    return Update.de_json({"update_id": number, "message": {
        "message_id": number, "date": 0, "chat": {"id": chat, "type": "private"}, "text": text,
    }}, None)


async def started(process: Process) -> tuple:
    server = HandoffServer(process, TOKEN)  # type: ignore[arg-type]
    return server, await server.start()


def test_each_chat_is_answered_by_the_process_its_hash_picks_and_redis_holds_only_addresses(run, client, redis_url):
    receiver, other = Process(), Process()

    async def scenario():
        servers = [await started(receiver), await started(other)]
        peers = Peers(client)
        for _, address in servers:
            await peers.announce(address)
        handoff = Handoff(receiver, peers, servers[0][1], TOKEN)  # type: ignore[arg-type]
        for chat in range(20):
            await handoff.hand(update(chat, 5000 + chat, f"what is grooming qzmark{chat}"))
        await handoff.close()
        for server, _ in servers:
            await server.stop()
        return [address for _, address in servers], await peers.live()

    addresses, live = run(scenario())
    assert sorted(addresses) == live
    for chat in range(20):
        chosen = receiver if pick(5000 + chat, live) == addresses[0] else other
        assert f"what is grooming qzmark{chat}" in chosen.update_queue.texts
    assert receiver.update_queue.texts and other.update_queue.texts, "both processes answered some chats"
    stored = b"".join(redis.Redis.from_url(redis_url).zrange("rh:peers", 0, -1))
    assert b"qzmark" not in stored and b"5000" not in stored


def test_an_update_for_a_process_that_cannot_be_reached_is_answered_by_the_receiver(run, client):
    receiver = Process()

    async def scenario():
        peers = Peers(client)
        await peers.announce(f"http://127.0.0.1:{free_port()}{PATH}")  # announced, then killed
        handoff = Handoff(receiver, peers, "http://127.0.0.1:1/receiver-itself", TOKEN)  # type: ignore[arg-type]
        for chat in range(6):
            await handoff.hand(update(chat, 7000 + chat, "someone is asking my son for photos"))
        await handoff.close()

    run(scenario())
    assert len(receiver.update_queue.texts) == 6


def test_an_update_that_failed_where_it_was_handed_is_left_for_telegram_to_deliver_again(run, client):
    receiver, failing = Process(), Process(fails=True)

    async def scenario():
        server, address = await started(failing)
        peers = Peers(client)
        await peers.announce(address)
        handoff = Handoff(receiver, peers, "http://127.0.0.1:1/receiver-itself", TOKEN)  # type: ignore[arg-type]
        try:
            with pytest.raises(HandlingFailed):
                await handoff.hand(update(1, 8001, "what is sextortion"))
        finally:
            await handoff.close()
            await server.stop()

    run(scenario())
    assert receiver.update_queue.texts == [], "not answered twice: the process that failed counts the attempt"


def test_the_handoff_refuses_an_update_without_the_shared_secret(run):
    process = Process()

    async def scenario():
        server, address = await started(process)
        async with httpx.AsyncClient() as http:
            body = update(1, 9001, "what is grooming").to_json()
            refused = await http.post(address, content=body, headers={TOKEN_HEADER: "guess"})
            taken = await http.post(address, content=body, headers={TOKEN_HEADER: TOKEN})
            garbled = await http.post(address, content="{not json", headers={TOKEN_HEADER: TOKEN})
        await server.stop()
        return refused.status_code, taken.status_code, garbled.status_code

    assert run(scenario()) == (403, 200, 400)
    assert process.update_queue.texts == ["what is grooming"]


def test_a_process_that_stopped_announcing_itself_is_no_longer_handed_updates(run, client):
    async def scenario():
        peers = Peers(client, lifetime=0.3)
        await peers.announce("http://127.0.0.1:1001/handoff")
        await peers.announce("http://127.0.0.1:1002/handoff")
        both = await peers.live()
        await peers.withdraw("http://127.0.0.1:1002/handoff")  # stopped with SIGTERM
        one = await peers.live()
        await asyncio.sleep(0.4)  # the other killed: its announcement ran out
        return both, one, await peers.live()

    both, one, none = run(scenario())
    assert both == ["http://127.0.0.1:1001/handoff", "http://127.0.0.1:1002/handoff"]
    assert one == ["http://127.0.0.1:1001/handoff"] and none == []
