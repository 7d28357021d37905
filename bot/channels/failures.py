"""A message the Rasa server could not handle (tracker store, profile store or
lock store unreachable): Rasa's REST channel logs the error and answers 200
with no reply, so the customer's message is silently lost. Here such a request
is answered 503 with Retry-After; the message was not stored, so a retry is
safe and is stored once."""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Awaitable, Callable, List, Optional

from sanic import Blueprint, response
from sanic.request import Request

TRY_AGAIN_TEXT = "Sorry, give me a moment and try again - I couldn't take that message just now."
RETRY_AFTER_SECONDS = 2

_failed: ContextVar[Optional[List[BaseException]]] = ContextVar("shop_message_failed", default=None)


def noted(on_new_message: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """on_new_message that records a failure for the request it runs in."""
    async def handle(message) -> Any:
        try:
            return await on_new_message(message)
        except Exception as error:
            failed = _failed.get()
            if failed is not None:
                failed.append(error)
            raise
    return handle


def answer_503_on_failure(blueprint: Blueprint) -> None:
    @blueprint.middleware("request")
    async def watch(request: Request):
        _failed.set([])     # same task as the handler and the response middleware

    @blueprint.middleware("response")
    async def replace(request: Request, answer):
        if _failed.get():
            return response.json({"error": TRY_AGAIN_TEXT, "retry": True}, status=503,
                                 headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return None
