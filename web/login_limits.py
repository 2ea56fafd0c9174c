"""Login attempts limited per account and per client address, in fixed windows kept in a Store.

The per-account limit slows guessing one person's password from many addresses;
the per-address limit slows one address trying many accounts. Each counter is a
fixed window: the first failure opens it, and it closes `window_seconds` later
whatever happens in between.

Store keys hold a sha256 of the account key and of the address, never the raw
values: the caller already passes a hash of the login, and an address is
personal data too. The window's start is stored with its count because the
store's own expiry runs on the wall clock, while ours is injected (tests move it).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from litestar.stores.base import Store

KEY_PREFIX = "login-limits"


@dataclass(frozen=True)
class LoginLimits:
    per_account: int = 5  # failed attempts per account within the window
    per_address: int = 20  # failed attempts per client address within the window
    window_seconds: int = 900


DEFAULT_LIMITS = LoginLimits()


class _Window(msgspec.Struct, frozen=True):
    failures: int
    started: float  # by the throttle's clock


class LoginThrottle:
    """Counts failed logins and says how long to wait before the next attempt.

    Counting is serialised by one asyncio lock, so concurrent requests in one
    process never lose a failure, provided they share this one throttle. The
    counters live in the store: several processes share them only through a
    shared store (Redis); with a MemoryStore each process counts on its own.
    """

    def __init__(
        self,
        store: Store,
        limits: LoginLimits = DEFAULT_LIMITS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._limits = limits
        self._clock = clock
        self._lock = asyncio.Lock()

    async def retry_after(self, account_key: str, address: str) -> int:
        """0 if an attempt is allowed now, else the seconds until it is (at least 1)."""
        return max(
            await self._wait(_key("account", account_key), self._limits.per_account),
            await self._wait(_key("address", address), self._limits.per_address),
        )

    async def failed(self, account_key: str, address: str) -> None:
        """Count one failure against the account and one against the address."""
        async with self._lock:
            await self._count(_key("account", account_key))
            await self._count(_key("address", address))

    async def succeeded(self, account_key: str, address: str) -> None:
        """Forget the account's failures; the address's stay, or one good login would reset them."""
        async with self._lock:
            await self._store.delete(_key("account", account_key))

    async def _wait(self, key: str, limit: int) -> int:
        window = await self._open_window(key)
        if window is None or window.failures < limit:
            return 0
        return max(1, self._remaining(window))

    async def _count(self, key: str) -> None:
        window = await self._open_window(key)
        if window is None:
            window = _Window(failures=1, started=self._clock())
        else:
            window = _Window(failures=window.failures + 1, started=window.started)
        await self._store.set(
            key, msgspec.json.encode(window), expires_in=max(1, self._remaining(window))
        )

    async def _open_window(self, key: str) -> _Window | None:
        """The key's window if it is still open by our clock."""
        raw = await self._store.get(key)
        if raw is None:
            return None
        window = msgspec.json.decode(raw, type=_Window)
        return window if self._remaining(window) > 0 else None

    def _remaining(self, window: _Window) -> int:
        return math.ceil(window.started + self._limits.window_seconds - self._clock())


def _key(kind: str, value: str) -> str:
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
