"""Three bot processes on a real redis-server and PostgreSQL, polling the Bot API stand-in
(the receiving one hands updates to the others): the one receiving is killed with SIGKILL in the middle of a burst, another takes over, the
killed one is started again, and every message is answered once, in order, with no user
text or Telegram id in Redis, PostgreSQL or any file."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import List

import psycopg2
import pytest
import redis

from tests.bot_process import BotProcess, bot_environment
from tests.botapi_standin import BotApiStandIn
from tests.postgres_server import PostgresServer
from tests.redis_server import RedisServer
from tests.test_delivery_restart import CHATS, QUESTIONS, burst, expected_openings, files_holding


@pytest.fixture()
def servers():
    cache = RedisServer().start()
    database = PostgresServer().start()
    database.wait_until_accepting()
    yield cache, database, database.create_database("redheart_delivery")
    cache.remove()
    database.remove()


def redis_dump(url: str) -> bytes:
    client = redis.Redis.from_url(url)
    parts: List[bytes] = []
    for key in client.keys("*"):
        kind = client.type(key)
        parts.append(key)
        if kind == b"list":
            parts += client.lrange(key, 0, -1)
        elif kind == b"zset":
            parts += client.zrange(key, 0, -1)
        elif kind == b"string":
            parts.append(client.get(key) or b"")
    return b"\n".join(parts)


def postgres_dump(url: str) -> str:
    connection = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        rows = []
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows += [repr(row) for row in cursor.fetchall()]
    connection.close()
    return "\n".join(rows)


def assert_nothing_stored(markers: List[str], redis_url: str, database_url: str, folder: Path) -> None:
    """No marker word a user wrote and no chat id in Redis, PostgreSQL or any file; and the
    statistics did reach PostgreSQL."""
    needles = markers + [str(chat) for chat in CHATS]
    stored = redis_dump(redis_url)
    assert not [needle for needle in needles if needle.encode() in stored]
    rows = postgres_dump(database_url)
    assert "term_grooming" in rows, "the statistics reached PostgreSQL"
    assert not [needle for needle in needles if needle in rows]
    assert files_holding(folder, needles) == []


def handed_over(log: Path) -> int:
    """How many handed-over updates a process said, when it stopped, that it answered."""
    found = re.findall(r"Answered (\d+) updates handed over", log.read_text(encoding="utf-8"))
    return sum(int(n) for n in found)


def test_three_processes_lose_nothing_when_the_receiving_one_is_killed_mid_burst(
    run, assistant, conversations, servers, tmp_path: Path
):
    cache, _, database_url = servers
    openings = expected_openings(run, conversations)
    api = BotApiStandIn(hold_after=16)

    def environment(number: int):
        return bot_environment(api, tmp_path / "data", REDHEART_REDIS_URL=cache.url,
                               REDHEART_DATABASE_URL=database_url, REDHEART_INSTANCE=f"p{number}",
                               REDHEART_LOG_FILE=str(tmp_path / "data" / f"bot-{number}.log"),
                               REDHEART_SEND_TIMEOUT="3")

    async def scenario():
        await api.start()
        try:
            bots = []
            for number in range(3):  # one after the other: the first creates the shared keys
                bots.append(await BotProcess(api, environment(number), tmp_path / f"stderr-{number}.log").start())
            asked = burst(api)
            await api.wait_for("sendMessage", count=16, timeout=60)
            await asyncio.sleep(1.0)
            await bots[0].kill()  # the first started holds the receiver lease
            await asyncio.sleep(0.5)
            api.release()
            bots[0] = await BotProcess(api, environment(0), tmp_path / "stderr-0.log").start()
            await api.wait_for("sendMessage", count=len(CHATS) * len(QUESTIONS), timeout=180)
            await asyncio.sleep(2.0)
            codes = [await bot.terminate() for bot in bots]
            return asked, codes
        finally:
            await api.stop()

    asked, codes = run(scenario())
    assert codes == [0, 0, 0]
    assert handed_over(tmp_path / "data" / "bot-1.log") + handed_over(tmp_path / "data" / "bot-2.log") > 0, (
        "the receiver handed updates to the other processes"
    )
    for chat in CHATS:
        sent = [message["text"] for message in api.sent("sendMessage", chat_id=chat)]
        assert [text[:40] for text in sent] == [openings[q] for q in asked[chat]], f"chat {CHATS.index(chat)}"
    assert_nothing_stored([f"qzvmark{n:03d}" for n in range(1, 51)], cache.url, database_url, tmp_path)
