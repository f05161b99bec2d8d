"""The outermost guard of every request, as plain ASGI (no per-request task group or streams):
a request id on the way in and out, oversized or malformed bodies refused before they are read,
and any unhandled error answered as a JSON 500 that names the request id, never a trace."""

from __future__ import annotations

import logging
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("api")


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        length = headers.get("content-length", "0")
        if not length.isdigit():
            await JSONResponse({"detail": "invalid Content-Length header"}, 400)(scope, receive, send_with_id)
            return
        if int(length) > self.max_body_bytes:
            detail = f"request body too large: {length} bytes, the limit is {self.max_body_bytes}"
            await JSONResponse({"detail": detail}, 413)(scope, receive, send_with_id)
            return
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # the last line of defence: log it, answer without the trace
            log.exception("unhandled error in %s %s [%s]", scope["method"], scope["path"], request_id)
            if started:
                raise
            body = {"detail": "internal server error", "request_id": request_id}
            await JSONResponse(body, 500)(scope, receive, send_with_id)
