"""Turn the model's replies into Telegram messages: HTML, length limits, inline keyboards."""
from __future__ import annotations

import html
import re
from string import Template
from typing import List, Optional

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.assistant import Button, Response
from bot.telegram import interface as ui

MAX_MESSAGE = 4096
MAX_CALLBACK_BYTES = 64
BOLD = re.compile(r"\*\*(.+?)\*\*")
GLOSSARY_PAGE = "g:"


def to_html(text: str) -> str:
    """Escape everything, then turn **bold** into <b>bold</b>."""
    return BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def split_message(text: str, limit: int = MAX_MESSAGE) -> List[str]:
    """Split on paragraph boundaries (then lines, then hard) so each part fits Telegram."""
    if len(text) <= limit:
        return [text]
    parts: List[str] = []
    current = ""
    for separator in ("\n\n", "\n"):
        if separator in text:
            break
    else:
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    for block in text.split(separator):
        candidate = f"{current}{separator}{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if len(block) > limit:
            parts += split_message(block, limit)
            current = ""
        else:
            current = block
    if current:
        parts.append(current)
    return parts


def keyboard(buttons: List[Button]) -> Optional[InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(button.title, callback_data=button.payload)]
        for button in buttons
        if 0 < len(button.payload.encode("utf-8")) <= MAX_CALLBACK_BYTES
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def glossary_page(response: Response, page: int) -> tuple[str, InlineKeyboardMarkup, int]:
    """One page of the A to Z: term buttons two to a row, then Previous / Next."""
    buttons = response.buttons
    pages = max(1, -(-len(buttons) // ui.GLOSSARY_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = buttons[(page - 1) * ui.GLOSSARY_PAGE_SIZE : page * ui.GLOSSARY_PAGE_SIZE]
    rows = [
        [InlineKeyboardButton(b.title, callback_data=b.payload) for b in shown[i : i + 2]]
        for i in range(0, len(shown), 2)
    ]
    paging = response.custom.get("paging") or {}
    text = response.text
    if pages > 1:
        nav = []
        if page > 1:
            nav.append(InlineKeyboardButton(paging.get("previous", "<"), callback_data=f"{GLOSSARY_PAGE}{page - 1}"))
        if page < pages:
            nav.append(InlineKeyboardButton(paging.get("next", ">"), callback_data=f"{GLOSSARY_PAGE}{page + 1}"))
        rows.append(nav)
        position = Template(paging.get("page", "$page/$pages")).safe_substitute(page=page, pages=pages)
        text = f"{text}\n\n{position}"
    return text, InlineKeyboardMarkup(rows), page
