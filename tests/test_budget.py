"""The sending budget when the event loop is late: sends that woke long after their slot take
new ones, so a busy moment (a model loading, a backlog handled) never lets them out together."""
from __future__ import annotations

import asyncio
import time

import pytest

from bot.telegram.budget import LocalTimeline, PacedRateLimiter, SharedTimeline
from tests.botapi_standin import busiest_second
from tests.test_delivery_redis import client, redis_url  # noqa: F401  (a real redis-server)


@pytest.mark.parametrize("shared", [False, True], ids=["one process", "shared in Redis"])
def test_sends_that_woke_late_do_not_leave_together(run, request, shared):
    sent: list = []

    async def send():
        sent.append(time.monotonic())
        return True

    async def scenario():
        timeline = SharedTimeline(request.getfixturevalue("client"), 10) if shared else LocalTimeline(10)
        limiter = PacedRateLimiter(timeline)
        sends = [asyncio.ensure_future(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": n}, None))
                 for n in range(20)]
        await asyncio.sleep(0.15)
        time.sleep(0.6)  # the event loop busy: the sends due meanwhile wake late, together
        await asyncio.gather(*sends)

    run(scenario())
    assert len(sent) == 20
    assert busiest_second(sent) <= 11, "10 a second even after the loop was busy (one more where a sleep ran late)"
