"""Delivery under load and faults: lost replies, duplicates, order, throughput, latency, memory.

    .venv/bin/python benchmarks/delivery.py [--users 200] [--messages 1000] [--rate 20]
                                            [--processes 1 3] [--without faults kill restart]
                                            [--json FILE]

Runs `redheart run` processes against the Bot API stand-in (tests/botapi_standin.py) on
loopback: one process on SQLite, or three on a throwaway redis-server and PostgreSQL
(installed from Debian's packages when missing, as the tests do). The users' messages are
offered at --rate a second, each user asking term questions in turn; a share of sendMessage
calls answer 429, 500 or 502, drop the connection, or answer only after the send timeout
(delivered, but the bot cannot know). A third of the way through, the receiving process is
killed with SIGKILL and started again; two thirds through (once that one is back), every
process is stopped with SIGTERM and started again, one after the other (a rolling restart).
The users go on writing at the offered rate throughout. Printed per set-up:
messages lost, duplicates (and how many the bot counted as re-sent after an unknown
outcome), chats whose order broke, replies a second, push-to-reply p50/p95, and the peak
resident memory of a process. --without leaves out faults, the kill or the rolling restart,
to tell what each costs; without all three, the latency of the steady state at the offered
rate (above 30 a second, Telegram's limit shows). A script, never a test: figures depend on
the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.assistant import Assistant  # noqa: E402
from bot.conversation import Conversations  # noqa: E402
from bot.pseudonyms import ConversationIds  # noqa: E402
from tests.bot_process import BotProcess, bot_environment, delivery_counts  # noqa: E402
from tests.botapi_standin import BotApiStandIn, busiest_window  # noqa: E402
from tests.test_delivery_restart import QUESTIONS, expected_openings  # noqa: E402

SEND_TIMEOUT = 3.0
# Share of sendMessage calls given each fault.
FAULTS = {"429": 0.03, "500": 0.02, "502": 0.01, "drop": 0.02, "slow": 0.01}
FAULT_SECONDS = {"429": 1, "slow": SEND_TIMEOUT + 1}


def fault_plan(calls: int, seed: int = 15) -> List[tuple]:
    rng = random.Random(seed)
    plan = []
    for _ in range(calls):
        roll, kind = rng.random(), "ok"
        for name, share in FAULTS.items():
            if roll < share:
                kind = name
                break
            roll -= share
        plan.append((kind, FAULT_SECONDS.get(kind, 0)))
    return plan


def peak_memory_mb(bot: BotProcess) -> float:
    assert bot.process is not None
    for line in Path(f"/proc/{bot.process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


PARTS = ("faults", "kill", "restart")


async def measure(processes: int, users: int, messages: int, rate: float, openings: Dict[str, str], without: Sequence[str] = ()) -> dict:
    api = BotApiStandIn(faults={} if "faults" in without else {"sendMessage": fault_plan(messages * 2)})
    folder = Path(tempfile.mkdtemp(prefix="redheart-delivery-"))
    servers = []
    extra = {"REDHEART_SEND_TIMEOUT": str(SEND_TIMEOUT)}
    stats_url = f"sqlite:///{folder / 'data' / 'stats.sqlite3'}"
    if processes > 1:
        from tests.postgres_server import PostgresServer
        from tests.redis_server import RedisServer

        cache, database = RedisServer().start(), PostgresServer().start()
        database.wait_until_accepting()
        servers = [cache, database]
        stats_url = database.create_database("bench")
        extra |= {"REDHEART_REDIS_URL": cache.url, "REDHEART_DATABASE_URL": stats_url}
    await api.start()

    def bot(number: int) -> BotProcess:
        env = bot_environment(api, folder / "data", REDHEART_INSTANCE=f"p{number}",
                              REDHEART_LOG_FILE=str(folder / f"bot-{number}.log"), **extra)
        return BotProcess(api, env, folder / f"stderr-{number}.log")

    memory: List[float] = []
    try:
        bots = [await bot(n).start() for n in range(processes)]
        chats = [8_800_000 + n for n in range(users)]
        asked: Dict[int, List[str]] = {chat: [] for chat in chats}
        pushed: Dict[int, List[float]] = {chat: [] for chat in chats}
        started = time.monotonic()
        events: Dict[str, float] = {}

        def mark(name: str) -> None:
            events[name] = round(time.monotonic() - started, 1)

        async def kill_and_restart() -> None:
            memory.append(peak_memory_mb(bots[0]))
            mark("killed_at_s")
            await bots[0].kill()
            bots[0] = await bot(0).start()
            mark("killed_one_back_at_s")

        async def rolling_restart(after: Optional[asyncio.Task] = None) -> None:
            if after is not None:
                await after
            mark("rolling_restart_from_s")
            for number in range(processes):
                memory.append(peak_memory_mb(bots[number]))
                await bots[number].terminate()
                bots[number] = await bot(number).start()
            mark("rolling_restart_to_s")

        # Kill and restarts run beside the users, who go on writing while processes are down.
        restarts: List[asyncio.Task] = []
        for index in range(messages):
            chat = chats[index % users]
            question = QUESTIONS[len(asked[chat]) % len(QUESTIONS)]
            api.message(chat, question)
            asked[chat].append(question)
            pushed[chat].append(time.monotonic())
            if index == messages // 3 and "kill" not in without:
                restarts.append(asyncio.create_task(kill_and_restart()))
            if index == 2 * messages // 3 and "restart" not in without:
                restarts.append(asyncio.create_task(rolling_restart(*restarts[:1])))
            await asyncio.sleep(max(0.0, started + (index + 1) / rate - time.monotonic()))
        await asyncio.gather(*restarts)
        deadline = time.monotonic() + 300
        while len(api.sent("sendMessage")) < messages and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(3.0)  # late duplicates
        memory += [peak_memory_mb(b) for b in bots]
        for b in bots:
            await b.terminate()
        counted = delivery_counts(stats_url)
    finally:
        await api.stop()
        for server in servers:
            server.remove()
    return {**score(api, asked, pushed, openings, processes, memory, started, events), "without": list(without),
            "counted_by_the_bot": counted, **events}


def p95(values: List[float]) -> Optional[float]:
    return round(statistics.quantiles(values, n=20)[18], 2) if len(values) > 1 else None


def by_phase(timed: List[tuple], events: Dict[str, float]) -> Dict[str, Optional[float]]:
    """p95 of the messages pushed in each stretch of the run (between the kill and restart marks)."""
    marks = sorted(events.items(), key=lambda item: item[1])
    bounds = [("start", 0.0)] + marks + [("end", float("inf"))]
    phases = {}
    for (name, begin), (_, end) in zip(bounds, bounds[1:]):
        values = [latency for at, latency in timed if begin <= at < end]
        phases[f"from_{name}"] = p95(values)
    return phases


def score(api, asked, pushed, openings, processes, memory, started, events) -> dict:
    lost = duplicates = broken = 0
    latencies: List[float] = []
    timed: List[tuple] = []  # (pushed, seconds into the run; push-to-reply)
    replies = [c for c in api.calls if c.method == "sendMessage"]
    for chat, questions in asked.items():
        calls = [c for c in replies if str(c.params.get("chat_id")) == str(chat)]
        kept = [c for n, c in enumerate(calls) if n == 0 or c.params["text"] != calls[n - 1].params["text"]]
        duplicates += len(calls) - len(kept)
        lost += max(0, len(questions) - len(kept))
        if [c.params["text"][:40] for c in kept] != [openings[q] for q in questions][: len(kept)]:
            broken += 1
        latencies += [c.at - at for c, at in zip(kept, pushed[chat])]
        timed += [(at - started, c.at - at) for c, at in zip(kept, pushed[chat])]
    busiest = busiest_window([c.at for c in replies])
    span = max(c.at for c in replies) - min(min(p) for p in pushed.values()) if replies else 0
    return {
        "processes": processes,
        "messages": sum(len(q) for q in asked.values()),
        "lost": lost,
        "duplicates": duplicates,
        "faults_served": sum(1 for c in api.calls if c.method.startswith("sendMessage:")),
        "chats_out_of_order": broken,
        "replies_per_second": round(len(replies) / span, 1) if span else 0.0,
        "most_replies_in_one_second": busiest[0],
        "busiest_second_at_s": round(busiest[1] - started, 1),
        "push_to_reply_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "push_to_reply_p95_s": p95(latencies),
        "push_to_reply_p95_by_phase_s": by_phase(timed, events),
        "peak_memory_mb": round(max(memory), 0) if memory else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0, help="messages offered a second")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--without", nargs="+", choices=PARTS, default=[], help="leave these out of the run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    assistant = Assistant.load()
    conversations = Conversations(assistant, ConversationIds(Path(tempfile.mkdtemp()) / "keys"))
    openings = expected_openings(asyncio.new_event_loop().run_until_complete, conversations)
    results = [asyncio.run(measure(n, args.users, args.messages, args.rate, openings, args.without)) for n in args.processes]
    for result in results:
        print(json.dumps(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
