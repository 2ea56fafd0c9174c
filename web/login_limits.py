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

    Use it as `begin` before the password check (refused, or counted in advance) and
    `succeeded` when the password was right. `retry_after` then `failed` around the check
    lets parallel attempts all pass the check while the slow hashes run: they stay for
    callers that only read the limits, or count a failure found elsewhere.

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
        """0 if an attempt is allowed now, else the seconds until it is (at least 1).
        Only a reading: to let an attempt through, `begin` checks and counts in one step."""
        return max(
            await self._wait(_key("account", account_key), self._limits.per_account),
            await self._wait(_key("address", address), self._limits.per_address),
        )

    async def failed(self, account_key: str, address: str) -> None:
        """Count one failure against the account and one against the address (an attempt
        let through by `begin` is already counted: do not call this after it)."""
        async with self._lock:
            await self._count(_key("account", account_key))
            await self._count(_key("address", address))

    async def begin(self, account_key: str, address: str) -> int:
        """The way to use the throttle: before checking a password, count the attempt as
        failed in advance (0), or refuse it (the seconds to wait, nothing counted).

        Checking and counting in one step under the lock is what makes the limits hold
        when many attempts arrive together: each waits for the slow password check of
        none of the others. A success then calls `succeeded`, which takes it back."""
        async with self._lock:
            account, address_key = _key("account", account_key), _key("address", address)
            wait = max(
                await self._wait(account, self._limits.per_account),
                await self._wait(address_key, self._limits.per_address),
            )
            if wait:
                return wait
            await self._count(account)
            await self._count(address_key)
            return 0

    async def succeeded(self, account_key: str, address: str) -> None:
        """Forget the account's failures, and take back the attempt `begin` counted against
        the address (a training room shares one address: its good sign-ins never count).
        The address's real failures stay, or one good login would reset them."""
        async with self._lock:
            await self._store.delete(_key("account", account_key))
            await self._uncount(_key("address", address))

    async def _uncount(self, key: str) -> None:
        window = await self._open_window(key)
        if window is None:
            return
        if window.failures <= 1:
            await self._store.delete(key)
            return
        lower = _Window(failures=window.failures - 1, started=window.started)
        await self._store.set(
            key, msgspec.json.encode(lower), expires_in=max(1, self._remaining(lower))
        )

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
