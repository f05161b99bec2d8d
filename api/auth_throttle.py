"""A small limit on failed authentication (bad API keys, failed sign-ins) per client address.

Only failures count, so a client with a good key is never slowed. The window lives in each worker
process (the `limits` package's memory storage): with W workers a client gets at most W times the
limit, which still makes guessing keys hopeless (they are 256-bit random tokens)."""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, Request, status
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class AuthThrottle:
    def __init__(self, rate: str) -> None:
        self.item = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    @staticmethod
    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def check(self, request: Request) -> None:
        """429 with Retry-After while this client is over its limit of failures."""
        client = self.client(request)
        if self.limiter.test(self.item, client):
            return
        reset_at = self.limiter.get_window_stats(self.item, client).reset_time
        wait = max(1, math.ceil(reset_at - time.time()))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed sign-ins or invalid API keys from this address; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )

    def failed(self, request: Request) -> None:
        self.limiter.hit(self.item, self.client(request))


def throttle_of(request: Request) -> AuthThrottle:
    throttle: AuthThrottle = request.app.state.auth_throttle
    return throttle
