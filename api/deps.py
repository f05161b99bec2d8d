"""What routes are given: a database session, the caller's key and role, the loaded matcher."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

import anyio
from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from api.auth_throttle import throttle_of
from api.key_cache import KeyCache
from api.matcher_holder import MatcherHolder
from api.security import hash_key
from matching.matcher import Matcher
from models import ApiKey, Role

# Row ids: 64-bit integers in every database; a larger number is a 422, never an overflow.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]

bearer = HTTPBearer(auto_error=False, description="An API key from `sstc keys create`.")


# Dependencies that only read app state are `async def`: FastAPI runs a plain `def` dependency in
# its thread pool, and each such hop costs more than the attribute read.
async def get_engine_dep(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the route, once one of the worker's session slots is free (waiting holds no
    thread). A sync route's answer is validated in the thread pool while its session still holds
    a connection; with sessions unbounded, a burst left every thread waiting for a connection and
    every connection waiting for a thread, until the pool's timeout answered 503 (60 requests at
    once: 10 s, half of them 503s). With at most one session per thread, the pool (sized for the
    sessions plus one connection per thread, `api.db.get_engine`) is never empty."""
    async with request.app.state.session_slots:
        session = Session(request.app.state.engine)
        try:
            yield session
        finally:
            # Shielded: the connection goes back to the pool whatever happens. A limiter of its own:
            # behind the busy default one, the close would wait for a thread, the deadlock again.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))


SessionDep = Annotated[Session, Depends(get_session)]


def get_current_key(
    request: Request,
    engine: Annotated[Engine, Depends(get_engine_dep)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKey:
    """The caller's key, from the worker's key cache (one read of the keys' revision per request),
    on a connection of its own that is back in the pool before the route waits for its thread: a
    request never holds a connection while it queues."""
    throttle = throttle_of(request)
    throttle.check(request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    cache: KeyCache = request.app.state.key_cache
    key = cache.find(engine, hash_key(credentials.credentials))
    if key is None:
        throttle.failed(request)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return key


CurrentKey = Annotated[ApiKey, Depends(get_current_key)]


def require(*roles: Role, why: str = "") -> Callable[[ApiKey], Coroutine[Any, Any, ApiKey]]:
    """A dependency that lets only the given roles through (admin always may); `why`, when given,
    opens the 403's message (whose work the action is)."""
    allowed = {*roles, Role.admin}
    names = ", ".join(sorted(r.value for r in allowed))
    refusal = (f"{why}; " if why else "") + f"this action needs one of the roles: {names}"

    async def check(key: CurrentKey) -> ApiKey:
        if key.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, refusal)
        return key

    return check


async def get_matcher(request: Request) -> Matcher:
    holder: MatcherHolder = request.app.state.matcher
    if holder.check_due():  # the once-a-second look at the database stays off the event loop
        await run_in_threadpool(holder.refresh)
    return holder.get()


MatcherDep = Annotated[Matcher, Depends(get_matcher)]
