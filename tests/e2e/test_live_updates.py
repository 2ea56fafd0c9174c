"""Live updates: a trainee's open page hears of their XP and of the board by server-sent
events fed by the projections' change notices, and connections come and go without
leaving a subscriber or memory behind.

The first test runs `tremplin serve` and reads the stream with httpx, as a browser's
EventSource would. The others drive the app in this process with plain ASGI calls (the
TestClient reads a response to its end, and a stream has none), in the event loop the
TestClient runs the app in, so that they can look into the channels plugin.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.testing import TestClient
from served import serve, tremplin_serve
from web_session import form_token, signed_in

import web.pwa
from domain.accounts import Role
from domain.ids import trainee_id
from infra.bootstrap import build_application
from infra.credentials import hash_password
from infra.live_demo import add_live_cohort
from infra.settings import Settings
from projections.store import ViewStore
from web.pwa import CHANGES

PASSWORD = "mot de passe du flux"
TRAINEE = "flux@test.example"
PERSON = "sim-live-001"  # has done nothing yet: html-css is theirs to complete
CYCLES, AT_A_TIME = 1_000, 20
# What 1,000 streams may leave behind in all. A stream kept by mistake holds a Subscriber,
# its queue, its task, its generator and request: a few KB each (keeping only the test's
# side of each stream already grows memory by 2.6 MB), so 1,000 would be megabytes. Run
# after run, 1,000 streams leave about 75 KB (SQLite's and asyncio's caches, which stop
# growing); 256 KB allows for that and still catches 262 bytes kept per connection.
MEMORY_GROWTH_MAX = 256 * 1024


def given_a_live_trainee(folder: Path) -> None:
    app = build_application(Settings(data_dir=folder))
    add_live_cohort(app, date.today())
    app.open_account(TRAINEE, Role.TRAINEE, hash_password(PASSWORD), {"person_ref": PERSON})
    app.close()


def events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) of each event in a text/event-stream; comments as ("", ": …")."""
    name, data = "message", ""
    for line in lines:
        if line.startswith(":"):
            yield "", line
        elif line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif line == "":
            yield name, data
            name, data = "message", ""


def xp_in_view(folder: Path) -> int:
    views = ViewStore(folder / "views.sqlite")
    try:
        rows = views.query("SELECT xp FROM xp_totals WHERE person_ref = ?", (PERSON,))
        return int(rows[0][0])
    finally:
        views.close()


def test_a_module_done_reaches_the_open_stream_as_xp_and_a_board_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_a_live_trainee(tmp_path)
    # Plain http on 127.0.0.1: httpx sends Secure cookies over https only.
    monkeypatch.setenv("TREMPLIN_COOKIE_SECURE", "false")
    for base in tremplin_serve(tmp_path):
        timeout = httpx.Timeout(10.0, read=20.0)  # a keep-alive comes every 15 s
        with httpx.Client(base_url=base, timeout=timeout) as phone:
            login = phone.get("/login").text
            answer = phone.post(
                "/login",
                data={"email": TRAINEE, "password": PASSWORD, "_csrf_token": form_token(login)},
            )
            assert answer.status_code == 303
            accept = {"accept": "text/event-stream"}
            with phone.stream("GET", "/me/stream", headers=accept) as stream:
                assert stream.status_code == 200
                assert stream.headers["content-type"].startswith("text/event-stream")
                assert "content-encoding" not in stream.headers  # events leave as they come
                heard = events(stream.iter_lines())
                first = next(heard)
                assert first == ("xp", str(xp_in_view(tmp_path)))
                token = form_token(phone.get("/me/record").text)
                done = phone.post(
                    "/me/modules",
                    data={"step_id": "html-css", "command_id": "flux-1", "_csrf_token": token},
                )
                assert done.status_code == 303
                seen: dict[str, str] = {}
                deadline = time.monotonic() + 15
                while not {"xp", "board"} <= seen.keys():
                    assert time.monotonic() < deadline, f"heard only {seen}"
                    name, data = next(heard)
                    seen[name] = data
    assert int(seen["xp"]) == xp_in_view(tmp_path) == int(first[1]) + 50  # a module: 50 XP


# In this process: raw ASGI calls in the TestClient's event loop


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live-stream")
    given_a_live_trainee(folder)
    return folder


@pytest.fixture
def trainee(live_dir: Path) -> Iterator[TestClient[Litestar]]:
    for client in serve(live_dir):
        yield signed_in(client, TRAINEE, PASSWORD)


def plugin(client: TestClient[Litestar]) -> ChannelsPlugin:
    found = client.app.plugins.get(ChannelsPlugin)
    assert isinstance(found, ChannelsPlugin)
    return found


def subscribers(client: TestClient[Litestar]) -> int:
    """Subscribers to the change notices, from the plugin's own registry."""
    return len(plugin(client)._channels[CHANGES])


class Stream:
    """One GET /me/stream as a browser makes it: the request, the chunks as they come, and
    a disconnect when told (`close`), whatever the server is doing then."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
        self.app = client.app
        self.headers = [
            (b"host", b"testserver.local"),
            (b"accept", b"text/event-stream"),
            (b"cookie", cookie.encode()),
        ]
        self.chunks: list[tuple[float, bytes]] = []
        self.status = 0
        self.started = anyio.Event()
        self.closed = anyio.Event()
        self._asked = False

    async def run(self) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "https", "path": "/me/stream",
            "raw_path": b"/me/stream", "root_path": "", "query_string": b"",
            "headers": self.headers, "client": ("testclient", 50000),
            "server": ("testserver.local", 443), "extensions": {},
        }  # fmt: skip
        with anyio.fail_after(20):
            await self.app(scope, self._receive, self._send)

    def close(self) -> None:
        self.closed.set()

    async def _receive(self) -> dict[str, Any]:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.closed.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            self.chunks.append((time.monotonic(), message["body"]))
            self.started.set()

    def named(self, event: str) -> list[float]:
        """When each event of that name arrived."""
        return [at for at, chunk in self.chunks if chunk.startswith(f"event: {event}\r\n".encode())]


def in_app_loop(client: TestClient[Litestar], work: Callable[[], Awaitable[Any]]) -> Any:
    return client.blocking_portal.call(work)


def test_a_thousand_connects_and_disconnects_leave_no_subscriber_and_no_memory(
    trainee: TestClient[Litestar],
) -> None:
    peak = 0

    async def one() -> None:
        nonlocal peak
        stream = Stream(trainee)
        async with anyio.create_task_group() as group:
            group.start_soon(stream.run)
            await stream.started.wait()
            peak = max(peak, subscribers(trainee))
            stream.close()  # the phone goes away: disconnect at once
        assert stream.status == 200
        assert stream.chunks[0][1].startswith(b"event: xp\r\ndata: ")

    async def cycles(count: int) -> None:
        for _ in range(count // AT_A_TIME):
            async with anyio.create_task_group() as group:
                for _ in range(AT_A_TIME):
                    group.start_soon(one)

    assert subscribers(trainee) == 0
    in_app_loop(trainee, lambda: cycles(100))  # warm up: caches that fill once
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        in_app_loop(trainee, lambda: cycles(CYCLES))
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert peak > 1  # streams really were open together
    assert subscribers(trainee) == 0
    assert growth < MEMORY_GROWTH_MAX, f"{growth:,} bytes kept by {CYCLES} streams"


def notice(projection: str, *changed: str) -> bytes:
    return msgspec.json.encode(
        {"projection": projection, "first": 1, "last": 2, "changed": list(changed)}
    )


def test_board_events_come_at_most_every_two_seconds_and_xp_only_for_the_trainee(
    trainee: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web.pwa, "KEEP_ALIVE_SECONDS", 0.5)
    channels = plugin(trainee)
    own, someone = trainee_id(PERSON).hex, trainee_id("sim-live-002").hex
    stream = Stream(trainee)

    async def listen() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(stream.run)
            await stream.started.wait()
            for _ in range(5):  # a burst of batches moving the board
                channels.publish(notice("leaderboard", someone), CHANGES)
            channels.publish(notice("leaderboard"), CHANGES)  # nothing changed: no event
            channels.publish(notice("gamification", someone), CHANGES)  # not theirs
            channels.publish(notice("gamification", own), CHANGES)  # theirs, XP unchanged
            await anyio.sleep(0.5)
            channels.publish(notice("leaderboard", own), CHANGES)  # within 2 s of the first
            await anyio.sleep(3.0)
            stream.close()

    in_app_loop(trainee, listen)
    boards = stream.named("board")
    assert len(boards) == 2
    assert boards[1] - boards[0] >= 1.9  # the second waited for its turn
    assert len(stream.named("xp")) == 1  # the one sent on connecting: nothing changed since
    keep_alive = [at for at, chunk in stream.chunks if chunk == b": keep-alive\r\n\r\n"]
    assert len(keep_alive) >= 3  # every 0.5 s of quiet here
    assert subscribers(trainee) == 0


def test_the_stream_sends_the_trainees_xp_at_once(
    trainee: TestClient[Litestar], live_dir: Path
) -> None:
    stream = Stream(trainee)

    async def connect() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(stream.run)
            await stream.started.wait()
            stream.close()

    in_app_loop(trainee, connect)
    assert stream.chunks[0][1] == f"event: xp\r\ndata: {xp_in_view(live_dir)}\r\n\r\n".encode()
