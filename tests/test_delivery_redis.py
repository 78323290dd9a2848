"""The pieces several processes share through a real redis-server: the token-checked lock,
the outbound queue, conversation state without text, and the shared sending budget."""
from __future__ import annotations

import asyncio
import time

import pytest
import redis
import redis.asyncio

from bot.redis_state import ConversationLocks, TokenLock
from bot.runtime import shared_assistant
from bot.telegram.budget import PacedRateLimiter, SharedTimeline
from bot.telegram.outbox import Outgoing
from bot.telegram.outbox_redis import RedisOutbox
from bot.telegram.sealing import Sealer
from bot.conversation import Conversations
from bot.pseudonyms import ConversationIds
from bot import paths
from tests.botapi_standin import busiest_second
from tests.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_url():
    server = RedisServer().start()
    yield server.url
    server.remove()


@pytest.fixture()
def client(redis_url):
    sync = redis.Redis.from_url(redis_url)
    sync.flushall()
    yield redis.asyncio.Redis.from_url(redis_url)
    sync.close()


def test_a_holder_whose_lock_expired_does_not_release_the_next_holders_lock(run, client):
    async def scenario():
        late = TokenLock(client, "rh:lock:c1", lifetime=0.2)
        assert await late.try_acquire()
        await asyncio.sleep(0.3)  # the late holder outlives its lock
        current = TokenLock(client, "rh:lock:c1", lifetime=10)
        assert await current.try_acquire()
        await late.release()  # what Rasa's RedisLockStore would let through
        third = TokenLock(client, "rh:lock:c1", lifetime=10)
        return await third.try_acquire(), await late.renew()

    assert run(scenario()) == (False, False)


def test_conversation_locks_let_one_handler_at_a_time_into_a_conversation(run, client):
    locks = [ConversationLocks(client), ConversationLocks(client)]  # as in two processes
    inside, most = [0], [0]

    async def handle(locks: ConversationLocks) -> None:
        async with locks.lock("conversation"):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.02)
            inside[0] -= 1

    async def scenario():
        await asyncio.gather(*(handle(locks[n % 2]) for n in range(10)))

    run(scenario())
    assert most[0] == 1


def test_a_conversation_whose_holder_was_killed_is_free_once_its_lock_expires(run, client):
    """A process killed mid-message leaves its lock: the next message waits it out, never
    gives up (giving up left a message unanswered in the webhook test)."""
    locks = ConversationLocks(client, lifetime=1.0)

    async def scenario():
        killed = TokenLock(client, "rh:lock:killed", lifetime=1.0)
        assert await killed.try_acquire()  # and never releases it
        started = asyncio.get_running_loop().time()
        async with locks.lock("killed"):
            return asyncio.get_running_loop().time() - started

    assert 0.5 < run(scenario()) < 2.5


def test_a_conversation_lock_held_longer_than_its_lifetime_is_kept(run, client):
    locks = [ConversationLocks(client, lifetime=0.6), ConversationLocks(client, lifetime=0.6)]
    order = []

    async def slow():
        async with locks[0].lock("long"):
            order.append("slow in")
            await asyncio.sleep(2.0)  # a message handled on a starved CPU
            order.append("slow out")

    async def next_one():
        await asyncio.sleep(0.1)
        async with locks[1].lock("long"):
            order.append("next in")

    async def scenario():
        await asyncio.gather(slow(), next_one())

    run(scenario())
    assert order == ["slow in", "slow out", "next in"]


def test_the_shared_queue_keeps_chat_order_dedupes_updates_and_lets_one_process_take_a_chat(redis_url, client, tmp_path):
    sealer = Sealer(tmp_path / "keys")
    one, two = RedisOutbox(redis_url, sealer, lease=30), RedisOutbox(redis_url, sealer, lease=30)
    assert one.commit(1, [Outgoing(5001, "first"), Outgoing(5002, "other chat")])
    assert one.commit(2, [Outgoing(5001, "second", safety=True)])
    assert not two.commit(1, [Outgoing(5001, "first")]), "an update already handled is not queued twice"
    now = time.time()
    taken = one.due(now, 10)
    assert sorted(item.reply.html for item in taken) == ["first", "other chat"]
    assert two.due(now, 10) == [], "a chat being sent to by one process is left alone by the other"
    first = next(item for item in taken if item.reply.html == "first")
    one.postpone(first, now - 1)
    again = two.due(now, 10)
    assert [(item.reply.html, item.attempts) for item in again] == [("first", 1)], "order kept behind a retry"
    two.sent(again[0])
    assert [(i.reply.html, i.reply.safety) for i in one.due(now, 10)] == [("second", True)]
    assert one.waiting() == 2
    stored = b"".join(value for key in redis.Redis.from_url(redis_url).keys("*")
                      for value in _values(redis.Redis.from_url(redis_url), key))
    assert b"5001" not in stored and b"first" not in stored, "chat ids and replies are sealed"


def _values(sync, key):
    kind = sync.type(key)
    if kind == b"list":
        return sync.lrange(key, 0, -1)
    if kind == b"zset":
        return [member for member, _ in sync.zrange(key, 0, -1, withscores=True)]
    return [sync.get(key) or b""]


def test_conversation_state_in_redis_holds_no_text(run, redis_url, client, tmp_path):
    assistant = shared_assistant(paths.MODEL_FILE, redis_url, idle_seconds=60)
    conversations = Conversations(assistant, ConversationIds(tmp_path / "keys"))
    turn = run(conversations.handle("telegram", "424242", "what is grooming zqxmarker")).turn
    assert turn.intent == "term_grooming"
    again = run(conversations.handle("telegram", "424242", "tell me more")).turn
    assert again.intent == "followup_more", "the conversation goes on from the state kept in Redis"
    sync = redis.Redis.from_url(redis_url)
    dump = b"".join(sync.get(key) or b"" for key in sync.keys("rh:tracker:*"))
    assert dump and b"zqxmarker" not in dump and b"424242" not in dump and b"tell me more" not in dump


def test_the_sending_budget_is_shared_by_processes_and_kept_in_every_second(run, client):
    # Two processes' limiters, 10 a second between them: no one-second window (not only no
    # calendar second) holds more, so a restart or a quiet moment never lets a burst through.
    limiters = [PacedRateLimiter(SharedTimeline(client, 10)), PacedRateLimiter(SharedTimeline(client, 10))]
    sent: list = []

    async def send(*args, **kwargs):
        sent.append(time.monotonic())
        return True

    async def scenario():
        for limiter in limiters:
            await limiter.initialize()
        await asyncio.gather(*(
            limiters[n % 2].process_request(send, (), {}, "sendMessage", {"chat_id": n}, None) for n in range(30)
        ))

    run(scenario())
    assert len(sent) == 30
    assert busiest_second(sent) <= 11, "at most 10 in any second between both (one more where a sleep ran late)"
    assert max(sent) - min(sent) >= 2.7, "30 sends at 10 a second take about 3 seconds"


def test_a_reply_whose_sender_died_mid_send_comes_back_marked_as_retaken(redis_url, client, tmp_path):
    sealer = Sealer(tmp_path / "keys")
    dying, survivor = RedisOutbox(redis_url, sealer, lease=0.2), RedisOutbox(redis_url, sealer, lease=30)
    dying.commit(7, [Outgoing(6001, "danger answer", safety=True)])
    assert [item.retaken for item in dying.due(time.time(), 10)] == [False]
    time.sleep(0.3)  # the claimer died; its lease ran out
    assert [item.retaken for item in survivor.due(time.time(), 10)] == [True]
