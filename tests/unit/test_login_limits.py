"""Failed logins are limited per account and per address, in fixed windows on an injected clock."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest
from litestar.stores.memory import MemoryStore

from web.login_limits import LoginLimits, LoginThrottle

pytestmark = pytest.mark.anyio

ACCOUNT = "account-hash-of-camille@example.org"
OTHER_ACCOUNT = "account-hash-of-dominique@example.org"
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.4"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    """Seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1_500_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def throttle(store: MemoryStore, clock: Clock) -> LoginThrottle:
    return LoginThrottle(store, LoginLimits(), clock=clock)


async def address_count(store: MemoryStore, address: str) -> int | None:
    """The failures the store holds against an address (None: no open counter)."""
    raw = await store.get(f"login-limits:address:{hashlib.sha256(address.encode()).hexdigest()}")
    return None if raw is None else int(json.loads(raw)["failures"])


async def fail(throttle: LoginThrottle, times: int, account: str, address: str) -> None:
    for _ in range(times):
        await throttle.failed(account, address)


async def test_five_failures_are_allowed_then_the_account_waits_the_window(
    throttle: LoginThrottle, clock: Clock
) -> None:
    for _ in range(5):
        assert await throttle.retry_after(ACCOUNT, ADDRESS) == 0
        await throttle.failed(ACCOUNT, ADDRESS)

    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 900
    clock.now += 100.5
    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 800
    assert await throttle.retry_after(ACCOUNT, OTHER_ADDRESS) == 800


async def test_another_account_from_the_same_address_is_not_held_by_the_account_limit(
    throttle: LoginThrottle,
) -> None:
    await fail(throttle, 5, ACCOUNT, ADDRESS)

    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 900
    assert await throttle.retry_after(OTHER_ACCOUNT, ADDRESS) == 0


async def test_twenty_failures_from_an_address_hold_every_account_from_it(
    throttle: LoginThrottle, clock: Clock
) -> None:
    for n in range(19):
        await throttle.failed(f"account-{n}", ADDRESS)
    assert await throttle.retry_after("account-never-tried", ADDRESS) == 0

    clock.now += 60
    await throttle.failed("account-19", ADDRESS)

    assert await throttle.retry_after("account-never-tried", ADDRESS) == 840
    assert await throttle.retry_after("account-never-tried", OTHER_ADDRESS) == 0


async def test_a_success_clears_the_account_counter_but_not_the_address_one(
    throttle: LoginThrottle,
) -> None:
    await fail(throttle, 4, ACCOUNT, ADDRESS)
    await fail(throttle, 15, OTHER_ACCOUNT, ADDRESS)  # 19 from ADDRESS

    assert await throttle.begin(ACCOUNT, ADDRESS) == 0  # the 20th, counted in advance…
    await throttle.succeeded(ACCOUNT, ADDRESS)  # …and taken back: 19 again
    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 0

    await throttle.failed(ACCOUNT, ADDRESS)  # the 20th from ADDRESS, the 1st for ACCOUNT
    assert await throttle.retry_after(ACCOUNT, OTHER_ADDRESS) == 0
    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 900


async def test_the_block_lifts_when_the_window_has_passed(
    throttle: LoginThrottle, clock: Clock
) -> None:
    await fail(throttle, 5, ACCOUNT, ADDRESS)

    clock.now += 899.5
    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 1
    clock.now += 0.5
    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 0

    await throttle.failed(ACCOUNT, ADDRESS)  # opens a new window: one failure, not six
    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 0


async def test_the_limits_and_window_are_the_callers(store: MemoryStore, clock: Clock) -> None:
    throttle = LoginThrottle(store, LoginLimits(per_account=2, window_seconds=60), clock=clock)

    await fail(throttle, 2, ACCOUNT, ADDRESS)

    assert await throttle.retry_after(ACCOUNT, ADDRESS) == 60


async def test_store_keys_hold_hashes_never_the_raw_account_or_address(
    throttle: LoginThrottle, store: MemoryStore
) -> None:
    await throttle.failed(ACCOUNT, ADDRESS)

    keys = set(store._store)
    assert keys == {
        f"login-limits:account:{hashlib.sha256(ACCOUNT.encode()).hexdigest()}",
        f"login-limits:address:{hashlib.sha256(ADDRESS.encode()).hexdigest()}",
    }
    assert not any(ACCOUNT in key or ADDRESS in key or "@" in key for key in keys)


async def test_the_store_forgets_a_counter_when_its_window_ends(
    throttle: LoginThrottle, store: MemoryStore, clock: Clock
) -> None:
    await throttle.failed(ACCOUNT, ADDRESS)
    clock.now += 300
    await throttle.failed(ACCOUNT, ADDRESS)

    expiries = [await store.expires_in(key) for key in store._store]
    assert expiries == [pytest.approx(600, abs=1)] * 2


async def test_concurrent_failures_are_all_counted(throttle: LoginThrottle) -> None:
    await asyncio.gather(*(throttle.failed(f"account-{n}", ADDRESS) for n in range(19)))
    assert await throttle.retry_after("account-never-tried", ADDRESS) == 0

    await asyncio.gather(*(throttle.failed(ACCOUNT, OTHER_ADDRESS) for _ in range(5)))

    assert await throttle.retry_after("account-never-tried", ADDRESS) == 0
    await throttle.failed("account-19", ADDRESS)
    assert await throttle.retry_after("account-never-tried", ADDRESS) == 900
    assert await throttle.retry_after(ACCOUNT, OTHER_ADDRESS) == 900


async def test_parallel_attempts_on_one_account_pass_only_up_to_its_limit(
    throttle: LoginThrottle, store: MemoryStore
) -> None:
    waits = await asyncio.gather(*(throttle.begin(ACCOUNT, f"10.0.0.{n}") for n in range(100)))
    assert sum(wait == 0 for wait in waits) == 5
    assert sum(0 < wait <= 900 for wait in waits) == 95
    counted = [await address_count(store, f"10.0.0.{n}") for n in range(100)]
    assert counted == [1 if wait == 0 else None for wait in waits]  # refused: nothing counted


async def test_parallel_attempts_from_one_address_pass_only_up_to_its_limit(
    throttle: LoginThrottle, store: MemoryStore
) -> None:
    waits = await asyncio.gather(*(throttle.begin(f"account-{n}", ADDRESS) for n in range(100)))
    assert sum(wait == 0 for wait in waits) == 20
    assert sum(wait > 0 for wait in waits) == 80
    assert await address_count(store, ADDRESS) == 20


async def test_good_sign_ins_from_a_shared_address_never_hold_it(
    throttle: LoginThrottle,
) -> None:
    for n in range(50):  # a training room: fifty people sign in from one address
        assert await throttle.begin(f"trainee-{n}", ADDRESS) == 0
        await throttle.succeeded(f"trainee-{n}", ADDRESS)
    assert await throttle.retry_after("trainee-51", ADDRESS) == 0


async def test_a_success_takes_back_exactly_the_attempt_begin_counted(
    throttle: LoginThrottle, store: MemoryStore
) -> None:
    await fail(throttle, 3, OTHER_ACCOUNT, ADDRESS)
    await fail(throttle, 2, ACCOUNT, OTHER_ADDRESS)

    assert await throttle.begin(ACCOUNT, ADDRESS) == 0
    assert await address_count(store, ADDRESS) == 4
    await throttle.succeeded(ACCOUNT, ADDRESS)

    assert await address_count(store, ADDRESS) == 3  # as before the attempt
    assert await address_count(store, OTHER_ADDRESS) == 2  # another address is not touched
    for _ in range(5):  # the account's failures were forgotten: five more before it waits
        assert await throttle.begin(ACCOUNT, OTHER_ADDRESS) == 0
    assert await throttle.begin(ACCOUNT, OTHER_ADDRESS) == 900


async def test_a_success_never_takes_the_address_counter_below_zero(
    throttle: LoginThrottle, store: MemoryStore
) -> None:
    await throttle.succeeded(ACCOUNT, ADDRESS)  # no begin: nothing to take back
    assert await address_count(store, ADDRESS) is None

    assert await throttle.begin(ACCOUNT, ADDRESS) == 0
    await throttle.succeeded(ACCOUNT, ADDRESS)
    await throttle.succeeded(ACCOUNT, ADDRESS)  # a second call takes nothing more
    assert await address_count(store, ADDRESS) is None
    await fail(throttle, 19, OTHER_ACCOUNT, ADDRESS)
    assert await throttle.retry_after("account-never-tried", ADDRESS) == 0
    await throttle.failed(OTHER_ACCOUNT, ADDRESS)
    assert await throttle.retry_after("account-never-tried", ADDRESS) == 900
