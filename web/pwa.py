"""The installable, offline-capable shell: the web app manifest, the service worker served
from the root (its scope is then the whole site), the offline page it falls back to, and
the trainee's live stream of XP and leaderboard changes (server-sent events).

The stream is fed by the projections' change notices (channel "projections", published
by web.app after each committed batch). A notice says what changed, never the state: the
stream reads the trainee's XP from the view when their aggregate changed, and tells the
page to refetch the board when the leaderboard moved (at most once every 2 s). Each open
stream is one subscriber, tied to `start_subscription`, so a disconnect, however it
happens, unsubscribes; a background worker drains the subscriber's queue into two flags,
so a client that stops reading cannot pile up notices in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.response import Response, ServerSentEvent, ServerSentEventMessage, Template

from domain.accounts import Role
from domain.ids import trainee_id
from projections.gamification import xp_and_level
from projections.store import ViewStore
from web.access import allow, public
from web.pages import page, principal

PWA = Path(__file__).parent.parent / "pwa"
CHANGES = "projections"  # web.app's channel of change notices
# What the service worker precaches, besides the offline pages: their digest is appended
# to the worker's script, so that changing one makes browsers install the worker again.
SHELL_FILES = (
    "app.css",
    "app.js",
    "vendor/htmx-2.0.11.min.js",
    "manifest.webmanifest",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)
NO_COMPRESSION = "no_compression"  # the opt key web.app's CompressionConfig skips
KEEP_ALIVE_SECONDS = 15.0  # a comment line, so that proxies and phones keep the line open
BOARD_EVERY_SECONDS = 2.0  # at most one "board" event per stream in this time
REVALIDATE = {"Cache-Control": "no-cache"}


class Notice(msgspec.Struct):
    """The part of a projection's change notice a stream needs (web.app publishes it)."""

    projection: str
    changed: list[str] = []


class PwaController(Controller):
    include_in_schema = False

    @get("/manifest.webmanifest", opt=public())
    async def manifest(self) -> Response[bytes]:
        return Response(
            (PWA / "manifest.webmanifest").read_bytes(),
            media_type="application/manifest+json",
            headers=REVALIDATE,
        )

    @get("/sw.js", opt=public())
    async def service_worker(self) -> Response[bytes]:
        """From the root: a worker's scope is at most the folder its script is served from."""
        return Response(worker_script(), media_type="text/javascript", headers=REVALIDATE)

    @get("/offline", opt=public())
    async def offline(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "offline.html")

    @get("/me/stream", opt={**allow(Role.TRAINEE, accounts_only=True), NO_COMPRESSION: True})
    async def stream(
        self,
        request: Request[Any, Any, Any],
        channels: NamedDependency[ChannelsPlugin],
        views: NamedDependency[ViewStore],
    ) -> Response[bytes] | ServerSentEvent:
        """The signed-in trainee's XP and board changes, as server-sent events.

        Only for an EventSource (`Accept: text/event-stream`): anything else is told 406
        at once rather than held on a line that never ends."""
        if "text/event-stream" not in request.headers.get("accept", ""):
            return Response(b"an event stream: Accept: text/event-stream", status_code=406)
        person_ref = principal(request).link("person_ref")
        if person_ref is None:
            raise NotFoundException("no trainee record for this account")
        return ServerSentEvent(live_events(channels, views, person_ref))


@functools.cache
def worker_script() -> bytes:
    """sw.js with the shell's digest, read once: browsers ask for it at every page load,
    and the files only change with a new release (a restart)."""
    return (PWA / "sw.js").read_bytes() + f"// shell: {shell_digest()}\n".encode()


def shell_digest() -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((PWA / name).read_bytes())
    return digest.hexdigest()[:16]


def current_xp(views: ViewStore, person_ref: str) -> int:
    return xp_and_level(views, person_ref)[0]


class Changes:
    """What the notices said since the stream last looked: two flags and a wake-up."""

    def __init__(self, aggregate_id: str) -> None:
        self.aggregate_id = aggregate_id
        self.xp = self.board = False
        self.arrived = asyncio.Event()

    async def note(self, payload: bytes) -> None:
        notice = msgspec.json.decode(payload, type=Notice)
        if notice.projection == "gamification" and self.aggregate_id in notice.changed:
            self.xp = True
        elif notice.projection == "leaderboard" and notice.changed:
            self.board = True
        else:
            return
        self.arrived.set()


async def live_events(
    channels: ChannelsPlugin, views: ViewStore, person_ref: str
) -> AsyncIterator[ServerSentEventMessage]:
    """`xp` (at once, then when it changes), `board` (debounced), a keep-alive comment."""
    changes = Changes(trainee_id(person_ref).hex)
    loop = asyncio.get_running_loop()
    async with (
        channels.start_subscription([CHANGES]) as subscriber,
        subscriber.run_in_background(changes.note),
    ):
        sent_xp = current_xp(views, person_ref)
        yield ServerSentEventMessage(event="xp", data=sent_xp)
        last_sent = last_board = loop.time()
        last_board -= BOARD_EVERY_SECONDS
        while True:
            now = loop.time()
            wait = last_sent + KEEP_ALIVE_SECONDS - now
            if changes.board:
                wait = min(wait, last_board + BOARD_EVERY_SECONDS - now)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changes.arrived.wait(), max(wait, 0))
            changes.arrived.clear()  # before reading the flags: a later notice sets it again
            now = loop.time()
            if changes.xp:
                changes.xp = False
                xp = current_xp(views, person_ref)
                if xp != sent_xp:
                    sent_xp, last_sent = xp, now
                    yield ServerSentEventMessage(event="xp", data=xp)
            if changes.board and now - last_board >= BOARD_EVERY_SECONDS:
                changes.board, last_board, last_sent = False, now, now
                yield ServerSentEventMessage(event="board", data="refresh")
            if now - last_sent >= KEEP_ALIVE_SECONDS:
                last_sent = now
                yield ServerSentEventMessage(comment="keep-alive", data=None)
