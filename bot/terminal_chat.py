"""A conversation in the terminal, through the same path as Telegram."""
from __future__ import annotations

import asyncio
import re
import sys
from typing import List, Optional, TextIO

from bot.assistant import Button, Response
from bot.conversation import Conversations

BOLD = re.compile(r"\*\*(.+?)\*\*")
QUIT_WORDS = {"/quit", "/exit"}
PROMPT = "you> "


def plain(text: str, tty: bool) -> str:
    """Show **bold** as bold in a terminal, and as plain words elsewhere."""
    return BOLD.sub(lambda m: f"\033[1m{m.group(1)}\033[0m" if tty else m.group(1), text)


def render(responses: List[Response], tty: bool) -> tuple[str, List[Button]]:
    lines: List[str] = []
    buttons: List[Button] = []
    for response in responses:
        lines.append(plain(response.text, tty))
        for button in response.buttons:
            buttons.append(button)
            lines.append(f"  [{len(buttons)}] {button.title}")
    return "\n".join(lines), buttons


async def chat(
    conversations: Conversations,
    language: Optional[str] = None,
    country: Optional[str] = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    tty = stdout.isatty()
    stdout.write("Red Heart bot, terminal chat. Type a question; a number picks a button; /quit ends.\n")
    buttons: List[Button] = []
    loop = asyncio.get_running_loop()
    while True:
        if tty:
            stdout.write(PROMPT)
            stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line or line.strip() in QUIT_WORDS:
            return
        choice = line.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(buttons):
            choice = buttons[int(choice) - 1].payload
        reply = await conversations.handle("terminal", "local", choice, language=language, country=country)
        text, buttons = render(reply.turn.responses, tty)
        stdout.write(f"bot> {text}\n\n")
        stdout.flush()
