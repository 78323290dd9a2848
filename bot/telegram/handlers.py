"""The Telegram handlers: module-level, typed and async, one per kind of update.

Every message goes through bot.conversation, like the terminal chat. No handler logs what
a user wrote or who they are; texts come from content/ through the model (see interface.py).
Handlers never send a reply themselves: they hand it to the update's outbound queue, and
the dispatcher sends it (bot/telegram/service.py, bot/telegram/delivery.py).
"""
from __future__ import annotations

import logging
import re
from typing import List, Optional

from telegram import InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.assistant import Button
from bot.conversation import Conversations
from bot.language import detect, served_language
from bot.replies.catalogue import CHOOSE_COUNTRY, CHOOSE_LANGUAGE, FORGET_NO, FORGET_YES, GLOSSARY
from bot.telegram import interface as ui
from bot.telegram import service
from bot.telegram.outbox import Outgoing
from bot.telegram.render import GLOSSARY_PAGE, MAX_CALLBACK_BYTES, glossary_page, keyboard, split_message, to_html
from bot.telegram.staff import GROUP, stats_handler

logger = logging.getLogger(__name__)

CHANNEL = ui.CHANNEL
CONVERSATIONS = "conversations"
COMMAND_INTENTS = ui.COMMANDS
PAGE_PATTERN = re.compile(r"^g:([1-9][0-9]{0,3})$")
UNSUPPORTED_CONTENT = (
    filters.ATTACHMENT | filters.LOCATION | filters.CONTACT | filters.Sticker.ALL | filters.VENUE | filters.POLL
)


def conversations_of(context: ContextTypes.DEFAULT_TYPE) -> Conversations:
    return context.application.bot_data[CONVERSATIONS]


# Replying --------------------------------------------------------------------------------


async def send_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                    buttons: Optional[InlineKeyboardMarkup] = None, safety: bool = False) -> None:
    """Queue a reply to the update's chat, split to Telegram's length; buttons on the last part."""
    chat = update.effective_chat
    if chat is None:
        return
    parts = split_message(text)
    for index, part in enumerate(parts):
        markup = buttons if index == len(parts) - 1 else None
        service.queue_reply(context.application, update, Outgoing(
            chat.id, to_html(part), markup.to_dict() if markup else None,
            safety or service.names_emergency(context.application, part),
        ))


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: Optional[str],
    page: Optional[int] = None,
    language: Optional[str] = None,
    country: Optional[str] = None,
    edit: Optional[Message] = None,
) -> None:
    """Run one message through the conversation and send every reply, in order."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None:
        return
    conversations = conversations_of(context)
    prefs = await ui.preferences(conversations, chat.id, user.language_code if user else None)
    reply = await conversations.handle(
        CHANNEL, str(chat.id), text, language=language or prefs.language, country=country or prefs.country
    )
    # Menus and glossary pages follow the language the bot just answered in.
    country_known = prefs.country_known or country is not None
    prefs = ui.Preferences(reply.language, country or prefs.country, country_known)
    safety = reply.turn.intent in service.SAFETY_INTENTS
    for response in reply.turn.responses:
        if response.custom.get("paging"):
            body, markup, _ = glossary_page(response, page or 1)
            if edit is not None and await _edited(edit, body, markup):
                continue
            await send_text(update, context, body, markup, safety)
            continue
        buttons = [
            Button(b.title, f"{GLOSSARY_PAGE}{ui.glossary_page_of(conversations, prefs, '/' + reply.turn.intent)}")
            if b.payload == f"/{GLOSSARY}" else b
            for b in response.buttons
        ]
        await send_text(update, context, response.text, keyboard(buttons), safety)
    # A new user whose country Telegram does not name is asked for it after the first answer:
    # until they choose, the numbers shown are the default country's.
    if not prefs.country_known and reply.turn.intent != "choose_country":
        await _ask_country(update, context, conversations, prefs, safety)


async def _ask_country(
    update: Update, context: ContextTypes.DEFAULT_TYPE, conversations: Conversations, prefs: ui.Preferences, safety: bool
) -> None:
    menu = ui.response_variation(conversations, "utter_choose_country", prefs)
    buttons = [Button(b["title"], b["payload"]) for b in menu.get("buttons", [])]
    await send_text(update, context, menu.get("text", ""), keyboard(buttons), safety)


async def _edited(message: Message, body: str, markup: InlineKeyboardMarkup) -> bool:
    """Turn a glossary page over in place; False when the message cannot be edited."""
    if not isinstance(message, Message):
        return False
    try:
        await message.edit_text(to_html(body), parse_mode=ParseMode.HTML, reply_markup=markup)
        return True
    except BadRequest:
        return False


# Handlers --------------------------------------------------------------------------------


def _addressed_text(message: Message, bot_username: str, bot_id: int) -> Optional[str]:
    """In a group: the text without the bot's @mention, if it mentions or replies to the bot."""
    text = message.text or ""
    mention = f"@{bot_username}".lower()
    mentioned = any(
        entity.type == MessageEntity.MENTION and text[entity.offset : entity.offset + entity.length].lower() == mention
        for entity in message.entities or ()
    ) or any(entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id
             for entity in message.entities or ())
    replied = bool(message.reply_to_message and message.reply_to_message.from_user
                   and message.reply_to_message.from_user.id == bot_id)
    if not (mentioned or replied):
        return None
    return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    text = message.text
    if update.effective_chat and update.effective_chat.type != ChatType.PRIVATE:
        text = _addressed_text(message, context.bot.username, context.bot.id)
        if text is None:
            return
    await answer(update, context, text)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "").split()[0].lstrip("/").split("@")[0].lower()
    intent = COMMAND_INTENTS.get(command, "help")
    if command == "about" and ui.ABOUT_INTENT in conversations_of(context).intents:
        intent = ui.ABOUT_INTENT
    await answer(update, context, f"/{intent}")


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like: never downloaded, answered kindly."""
    await answer(update, context, None)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every press is answered, even on an old or unknown button."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()
    except BadRequest:  # too old to answer; the reply below still comes
        pass
    chat = update.effective_chat
    if chat is None:
        return
    conversations = conversations_of(context)
    data = query.data or ""
    user = update.effective_user
    prefs = await ui.preferences(conversations, chat.id, user.language_code if user else None)
    message = query.message if isinstance(query.message, Message) and query.message.is_accessible else None
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        data = ""
    page = PAGE_PATTERN.match(data)
    if page:
        await answer(update, context, f"/{GLOSSARY}", page=int(page.group(1)), edit=message)
    elif data.startswith(CHOOSE_LANGUAGE) and data[len(CHOOSE_LANGUAGE):] in conversations.languages:
        await answer(update, context, "/help", language=data[len(CHOOSE_LANGUAGE):])
    elif data.startswith(CHOOSE_COUNTRY) and data[len(CHOOSE_COUNTRY):] in conversations.countries:
        await answer(update, context, "/helplines", country=data[len(CHOOSE_COUNTRY):])
    elif data == FORGET_YES:
        await ui.forget(conversations, chat.id)
        await send_text(update, context, ui.label(conversations, prefs, "forgotten"))
    elif data == FORGET_NO:
        await send_text(update, context, ui.label(conversations, prefs, "kept"))
    elif data.startswith("/") and data[1:] in conversations.intents:
        await answer(update, context, data)
    else:
        await send_text(update, context, ui.label(conversations, prefs, "expired"))
        await answer(update, context, "/help")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The update itself is not logged: it holds what the user wrote and who they are.
    logger.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update):
        service.delivery_of(context.application).processor.failed(update.update_id)


async def could_not_answer(application: Application, update: Update) -> List[Outgoing]:
    """The reply to a message whose handling failed again and again: the emergency number
    and the child helpline, in the message's language where it tells, else the chat's."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return []
    conversations: Conversations = application.bot_data[CONVERSATIONS]
    raw_language = user.language_code if user else None
    try:
        prefs = await ui.preferences(conversations, chat.id, raw_language)
    except Exception:  # the conversation state may be what failed
        prefs = ui.telegram_preferences(conversations, raw_language)
    language = served_language(detect(message.text if message else None), prefs.language, conversations.languages)
    prefs = ui.Preferences(language or prefs.language, prefs.country)
    text = ui.response_variation(conversations, "utter_could_not_answer", prefs).get("text") or ""
    return [Outgoing(chat.id, to_html(part), None, True) for part in split_message(text)]


def add_handlers(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(stats_handler(), group=GROUP)  # staff only; others fall through
    groups = filters.ChatType.GROUPS
    new_message = filters.UpdateType.MESSAGE  # edited messages and channel posts are left alone
    application.add_handler(CommandHandler(list(COMMAND_INTENTS), on_command, filters=new_message))
    # An unknown command in a private chat gets the help answer rather than silence.
    application.add_handler(MessageHandler(new_message & private & filters.COMMAND, on_command))
    application.add_handler(
        MessageHandler(new_message & (private | groups) & filters.TEXT & ~filters.COMMAND, on_text)
    )
    application.add_handler(MessageHandler(new_message & private & UNSUPPORTED_CONTENT, on_not_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
