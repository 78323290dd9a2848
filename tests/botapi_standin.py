"""A small stand-in for Telegram's Bot API, served on loopback for the tests.

It speaks enough of the real API for python-telegram-bot's Application to poll it, send
messages and answer callback queries. Tests queue updates as a Telegram user would send
them and read back what the bot sent. Faults can be injected per method: HTTP 429, 500 and
502 answers, a connection dropped before the request is taken, and slow answers (the message
is delivered however long the client waits: its outcome is unknown to a client that gave up).
Sending can also be held after a number of deliveries, to kill a bot in the middle of a burst.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import web

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Red Heart",
    "username": "redheart_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


class BadRequestError(Exception):
    """The Bot API's 400 answer."""


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when the stand-in took it


@dataclass
class BotApiStandIn:
    token: str = "123456:TEST-TOKEN"
    calls: List[Call] = field(default_factory=list)
    updates: List[Dict[str, Any]] = field(default_factory=list)
    # method -> list of faults to serve before answering normally: ("429", seconds),
    # ("slow", seconds), ("drop", 0), an error answer: ("400", 0), ("403", 0), ("500", 0), ("502", 0),
    # or ("ok", 0): this call is served normally (to spread faults among calls)
    faults: Dict[str, List[tuple]] = field(default_factory=dict)
    port: int = 0
    # After this many messages delivered, sendMessage waits until release() is called.
    hold_after: Optional[int] = None

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self.delivered: List[int] = []  # ids of the messages the bot sent
        self.webhook: Optional[Dict[str, Any]] = None
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._released = asyncio.Event()
        self._runner: Optional[web.AppRunner] = None
        self._stopping = False

    # Life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._stopping = True
        self._new_update.set()  # release any long poll still waiting
        await asyncio.sleep(0.05)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # What a Telegram user does ---------------------------------------------------------

    def _queue(self, update: Dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    @staticmethod
    def user(user_id: int, language: Optional[str] = "en") -> Dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": "Parent"}
        if language:
            user["language_code"] = language
        return user

    def message(
        self,
        chat_id: int,
        text: Optional[str] = None,
        language: Optional[str] = "en",
        kind: str = "message",
        chat_type: str = "private",
        user_id: Optional[int] = None,
        **extra: Any,
    ) -> int:
        """Queue a message; extra fields (sticker, photo, ...) are added to it.

        kind is the update's field: message, edited_message or channel_post; chat_type is
        private, group, supergroup or channel.
        """
        return self._queue({kind: self.message_object(chat_id, text, language, chat_type, user_id, **extra)})

    def message_object(self, chat_id: int, text: Optional[str] = None, language: Optional[str] = "en",
                       chat_type: str = "private", user_id: Optional[int] = None, **extra: Any) -> Dict[str, Any]:
        chat: Dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": "Parent"} if chat_type == "private" else {"title": "Parents of class 5"})
        message: Dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            **extra,
        }
        if chat_type != "channel":
            message["from"] = self.user(user_id or chat_id, language)
        if text is not None:
            message["text"] = text
            entities = list(extra.get("entities") or [])
            if text.startswith("/"):
                command = text.split()[0]
                entities.append({"type": "bot_command", "offset": 0, "length": len(command)})
            mention = f"@{BOT_USER['username']}"
            if mention in text:
                entities.append({"type": "mention", "offset": text.index(mention), "length": len(mention)})
            if entities:
                message["entities"] = entities
        return message

    def release(self) -> None:
        """Let held sendMessage calls through (those whose client has gone are not delivered)."""
        self.hold_after = None
        self._released.set()

    def post(self, update: Dict[str, Any]) -> Dict[str, Any]:
        """An update as Telegram would deliver it to a webhook (not queued for polling)."""
        return {"update_id": next(self._update_ids), **update}

    def press(self, chat_id: int, data: str, language: Optional[str] = "en", gone: bool = False,
              message_id: Optional[int] = None) -> int:
        """Queue a press on an inline button under one of the bot's messages.

        gone: the message is no longer accessible (deleted, or too old): Telegram then sends
        an InaccessibleMessage, with date 0. message_id: the bot's message the button is under
        (one the bot sent, so it can be edited); by default a message the stand-in never sent.
        """
        message: Dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": 0 if gone else int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
        }
        if not gone:
            message.update({"from": BOT_USER, "text": "earlier reply"})
        return self._queue(
            {
                "callback_query": {
                    "id": str(next(self._message_ids)),
                    "from": self.user(chat_id, language),
                    "chat_instance": "ci",
                    "data": data,
                    "message": message,
                }
            }
        )

    # What the bot sent -------------------------------------------------------------------

    def sent(self, method: str = "sendMessage", chat_id: Optional[int] = None) -> List[Dict[str, Any]]:
        return [
            c.params
            for c in self.calls
            if c.method == method and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    async def wait_for(self, method: str, count: int = 1, chat_id: Optional[int] = None, timeout: float = 20.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(method, chat_id)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s), saw {len(self.sent(method, chat_id))}")

    # The API -----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> Dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: Dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):  # an uploaded file (sendPhoto): keep its bytes
                params[key] = value.file.read()
                continue
            text = value if isinstance(value, str) else ""
            try:
                params[key] = json.loads(text)
            except ValueError:
                params[key] = text
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = await self._params(request)
        faults = self.faults.get(method)
        kind, seconds = faults.pop(0) if faults else ("ok", 0)
        if kind != "ok":
            self.calls.append(Call(f"{method}:{kind}", params))
            if kind == "429":
                return web.json_response(
                    {"ok": False, "error_code": 429, "description": "Too Many Requests: retry later",
                     "parameters": {"retry_after": seconds}},
                    status=429,
                )
            if kind in ("400", "403", "500", "502"):
                return web.json_response({"ok": False, "error_code": int(kind), "description": "Server error"},
                                         status=int(kind))
            if kind == "drop":
                assert request.transport is not None
                request.transport.abort()
                return web.Response()  # never written: the connection is gone
            await asyncio.sleep(seconds)
        if method == "sendMessage" and self.hold_after is not None and len(self.delivered) >= self.hold_after:
            await self._released.wait()
            if request.transport is None or request.transport.is_closing():
                return web.Response()  # the sender died while held: nothing was taken
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        try:
            result = await getattr(self, f"_api_{method}", self._api_default)(params)
        except BadRequestError as error:
            return web.json_response({"ok": False, "error_code": 400, "description": str(error)}, status=400)
        return web.json_response({"ok": True, "result": result})

    async def _api_default(self, params: Dict[str, Any]) -> Any:
        return True

    async def _api_getMe(self, params: Dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_getUpdates(self, params: Dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout and not self._stopping:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        return [u for u in self.updates if u["update_id"] >= offset]

    async def _api_setWebhook(self, params: Dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def _api_deleteWebhook(self, params: Dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def _api_getWebhookInfo(self, params: Dict[str, Any]) -> Any:
        hook = getattr(self, "webhook", None) or {}
        return {"url": hook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    async def _api_editMessageText(self, params: Dict[str, Any]) -> Any:
        if int(params["message_id"]) not in self.delivered:
            raise BadRequestError("Bad Request: message to edit not found")
        return {
            "message_id": int(params["message_id"]),
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }

    async def _api_sendMessage(self, params: Dict[str, Any]) -> Any:
        message_id = next(self._message_ids)
        self.delivered.append(message_id)
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }

    async def _api_sendPhoto(self, params: Dict[str, Any]) -> Any:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": BOT_USER,
            "photo": [{"file_id": "p1", "file_unique_id": "pu1", "width": 800, "height": 450}],
            "caption": params.get("caption", ""),
        }


def busiest_second(times: List[float]) -> int:
    """The most of these moments (calls seen, in seconds) within any one second."""
    return busiest_window(times)[0]


def busiest_window(times: List[float]) -> Tuple[int, float]:
    """How many moments the busiest one-second window holds, and when it starts."""
    times, most, first, start = sorted(times), 0, 0, 0.0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        if last - first + 1 > most:
            most, start = last - first + 1, times[first]
    return most, start
