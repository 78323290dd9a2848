"""The outbound queue in Redis, shared by several bot processes (see outbox.py for the design).

Layout, under the prefix rh:
- done:<update id>  an update already handled, expiring after PROCESSED_RETENTION_SECONDS;
- chat:<chat key>   a list: the chat's waiting replies, oldest first, each sealed;
- due               a sorted set: chat key -> when its first reply may be sent.

Every change is one Lua script, so it is atomic. Taking a chat's first reply (claim) moves
the chat's time `lease` seconds ahead and marks the reply claimed: no other process takes
that chat meanwhile, and if the taker dies before settling the reply, the chat falls due
again when the lease runs out and the reply comes back marked as retaken.
"""
from __future__ import annotations

import json
from typing import List, Sequence

import redis

from bot.telegram.outbox import PROCESSED_RETENTION_SECONDS, Outgoing, Queued
from bot.telegram.sealing import Sealer

PREFIX = "rh:"

COMMIT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 3, #ARGV, 2 do
  local seq = redis.call('INCR', ARGV[2] .. 'seq')
  local item = cjson.encode({seq = seq, sealed = ARGV[i + 1], attempts = 0})
  if redis.call('RPUSH', ARGV[2] .. 'chat:' .. ARGV[i], item) == 1 then
    redis.call('ZADD', ARGV[2] .. 'due', 0, ARGV[i])
  end
end
return 1
"""

CLAIM = """
local p = ARGV[4]
local chats = redis.call('ZRANGEBYSCORE', p .. 'due', '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, chat in ipairs(chats) do
  local head = redis.call('LINDEX', p .. 'chat:' .. chat, 0)
  if head then
    redis.call('ZADD', p .. 'due', tonumber(ARGV[1]) + tonumber(ARGV[2]), chat)
    local item = cjson.decode(head)
    item.claimed = (item.claimed or 0) + 1
    redis.call('LSET', p .. 'chat:' .. chat, 0, cjson.encode(item))
    table.insert(out, chat)
    table.insert(out, head)
  else
    redis.call('ZREM', p .. 'due', chat)
  end
end
return out
"""

SENT = """
local p = ARGV[3]
local key = p .. 'chat:' .. ARGV[1]
local head = redis.call('LINDEX', key, 0)
if head and cjson.decode(head).seq == tonumber(ARGV[2]) then redis.call('LPOP', key) end
if redis.call('LLEN', key) == 0 then redis.call('ZREM', p .. 'due', ARGV[1])
else redis.call('ZADD', p .. 'due', 0, ARGV[1]) end
return 1
"""

POSTPONE = """
local p = ARGV[4]
local key = p .. 'chat:' .. ARGV[1]
local head = redis.call('LINDEX', key, 0)
if head then
  local item = cjson.decode(head)
  if item.seq == tonumber(ARGV[2]) then
    item.attempts = item.attempts + 1
    item.claimed = 0
    redis.call('LSET', key, 0, cjson.encode(item))
  end
end
redis.call('ZADD', p .. 'due', ARGV[3], ARGV[1])
return 1
"""

WAITING = """
local total = 0
for _, chat in ipairs(redis.call('ZRANGE', ARGV[1] .. 'due', 0, -1)) do
  total = total + redis.call('LLEN', ARGV[1] .. 'chat:' .. chat)
end
return total
"""


class RedisOutbox:
    def __init__(self, url: str, sealer: Sealer, lease: float = 60.0) -> None:
        self.sealer = sealer
        self.lease = lease
        self.client = redis.Redis.from_url(url)
        self._commit = self.client.register_script(COMMIT)
        self._claim = self.client.register_script(CLAIM)
        self._sent = self.client.register_script(SENT)
        self._postpone = self.client.register_script(POSTPONE)
        self._waiting = self.client.register_script(WAITING)

    def commit(self, update_id: int, replies: Sequence[Outgoing]) -> bool:
        pairs: List[str] = []
        for reply in replies:
            pairs += [self.sealer.chat_key(reply.chat_id), reply.sealed(self.sealer).decode("ascii")]
        done = f"{PREFIX}done:{update_id}"
        return bool(self._commit(keys=[done], args=[PROCESSED_RETENTION_SECONDS, PREFIX, *pairs]))

    def is_processed(self, update_id: int) -> bool:
        return bool(self.client.exists(f"{PREFIX}done:{update_id}"))

    def due(self, now: float, limit: int, busy: Sequence[str] = ()) -> List[Queued]:
        # A chat this process is sending to is claimed, so it is not due: `busy` is implied.
        flat = self._claim(args=[now, self.lease, limit, PREFIX])
        items = []
        for chat, head in zip(flat[::2], flat[1::2]):
            item = json.loads(head)
            reply = Outgoing.unsealed(self.sealer, item["sealed"].encode("ascii"))
            # `head` is the item as it was before this claim: claimed means a claimer died.
            items.append(Queued(int(item["seq"]), chat.decode(), reply, int(item["attempts"]), bool(item.get("claimed"))))
        return items

    def sent(self, item: Queued) -> None:
        self._sent(args=[item.chat_key, item.seq, PREFIX])

    def postpone(self, item: Queued, not_before: float) -> None:
        self._postpone(args=[item.chat_key, item.seq, not_before, PREFIX])

    def waiting(self) -> int:
        return int(self._waiting(args=[PREFIX]))

    def close(self) -> None:
        self.client.close()
