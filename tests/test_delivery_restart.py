"""The bot as a real process, killed with SIGKILL in the middle of a burst and started again:
every message answered, none twice, each chat's replies in order, and no user text or
Telegram id in any file the bot wrote."""
from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List


from bot.telegram.render import to_html
from tests.bot_process import BotProcess, bot_environment
from tests.botapi_standin import BotApiStandIn

CHATS = [7_700_001 + n for n in range(10)]
QUESTIONS = ["what is grooming", "what is sextortion", "what is csam", "what is sexting", "what is trafficking"]


def expected_openings(run, conversations) -> Dict[str, str]:
    """How the answer to each question starts, asked in process with the same model."""
    openings = {}
    for index, question in enumerate(QUESTIONS):
        reply = run(conversations.handle("telegram", f"expected-{index}", question))
        assert len(reply.turn.responses) == 1
        openings[question] = to_html(reply.turn.responses[0].text)[:40]
    return openings


def burst(api: BotApiStandIn) -> Dict[int, List[str]]:
    """Five questions from each of ten chats, interleaved; each with a marker word."""
    asked: Dict[int, List[str]] = {chat: [] for chat in CHATS}
    markers = itertools.count(1)
    for question in QUESTIONS:
        for chat in CHATS:
            api.message(chat, f"{question} qzvmark{next(markers):03d}")
            asked[chat].append(question)
    return asked


def files_holding(root: Path, needles: List[str]) -> List[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {needle}" for needle in needles if needle.encode() in data]
    return found


def test_a_bot_killed_mid_burst_answers_everything_once_and_in_order_after_a_restart(
    run, assistant, conversations, tmp_path
):
    openings = expected_openings(run, conversations)
    api = BotApiStandIn(hold_after=16)

    async def scenario() -> Dict[int, List[str]]:
        await api.start()
        env = bot_environment(api, tmp_path / "data")
        try:
            first = await BotProcess(api, env, tmp_path / "stderr.log").start()
            asked = burst(api)
            await api.wait_for("sendMessage", count=16, timeout=60)
            await asyncio.sleep(1.0)  # more updates handled and queued, sends held
            await first.kill()
            await asyncio.sleep(0.5)
            api.release()
            second = await BotProcess(api, env, tmp_path / "stderr.log").start()
            await api.wait_for("sendMessage", count=len(CHATS) * len(QUESTIONS), timeout=120)
            await asyncio.sleep(2.0)  # a duplicate would show up now
            assert await second.terminate() == 0
            return asked
        finally:
            await api.stop()

    asked = run(scenario())
    for chat in CHATS:
        sent = [message["text"] for message in api.sent("sendMessage", chat_id=chat)]
        assert [text[:40] for text in sent] == [openings[q] for q in asked[chat]], f"chat {CHATS.index(chat)}"
    markers = [f"qzvmark{n:03d}" for n in range(1, 51)]
    assert files_holding(tmp_path, markers + [str(chat) for chat in CHATS]) == []


def test_a_stop_that_hangs_ends_in_an_exit_that_names_where_it_hung_and_no_values():
    """After SIGTERM the bot arms this deadline; a stop stuck in a thread still ends the process
    (the outbox and Telegram keep what it had not done), and the log shows where it was stuck."""
    program = (
        "import threading\n"
        "from bot.telegram.service import exit_if_stop_hangs\n"
        "def stuck_closing_the_store(secret='qzvsecret'):\n"
        "    threading.Event().wait()\n"
        "exit_if_stop_hangs(1.0)\n"
        "stuck_closing_the_store()\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and time.monotonic() - started < 30
    assert "stuck_closing_the_store" in done.stderr and "qzvsecret" not in done.stderr
