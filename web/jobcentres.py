"""Job centres follow the people they referred: a cursor-paged feed, a live stream, a summary.

A centre's system calls with its API key (or an adviser with their session);
it reads its own centre only (any other code, registered or not: 403; only an
administrator is told a code is unknown: 404), and only what the people it referred
agreed to share (projections/jobcentre_feed.py). The feed is read with
`after=<the last id you kept>`: entries come in log order, and a cursor never
passes an entry that could still be committed below it. The guide with curl and
Python examples is docs/guides/jobcentre-feed.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, HeaderParameter, Parameter
from litestar.response import Response, ServerSentEvent, ServerSentEventMessage

from domain.accounts import Role
from domain.application import Tremplin
from projections.job_centres import job_centre_name
from projections.jobcentre_feed import (
    COMPLETED,
    IN_TRAINING,
    IN_WORK,
    LEFT_EARLY,
    NAME,
    SMALL_CELL,
    FeedEntry,
    feed_page,
    summary,
)
from projections.store import ViewStore
from web.access import allow, session_still_valid
from web.pages import principal
from web.problems import NOT_SIGNED_IN, LitestarError, Problem, refused
from web.pwa import CHANGES, KEEP_ALIVE_SECONDS, NO_COMPRESSION

MAX_LIMIT = 500
# Above any entry id, within SQLite's integers (a larger cursor cannot be compared: 500),
# and exact as the float JSON Schema writes it (2**63 - 1 would be rounded up).
MAX_ID = 10**18
ENTRY_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only: str.isdigit() also takes "²"
STREAM_PAGE = 200
LAST_EVENT_ID = HeaderParameter(
    name="Last-Event-ID",
    required=False,
    description="The id of the last entry you kept, as `after` (browsers send it themselves"
    " when they reconnect); it wins over `after`.",
    examples=[Example(value="1234560")],
)
CENTRE = Annotated[
    str,
    Parameter(
        description="The job centre's code, as registered (`tremplin jobcentres list`).",
        examples=[Example(value="93-SAINT-DENIS")],
    ),
]
AFTER = Parameter(
    ge=0,
    le=MAX_ID,
    description="The id of the last entry you kept (0: from the start). An empty page gives"
    " the same cursor back: ask again later.",
    examples=[Example(value=0), Example(value=1234560)],
)
LIMIT = Parameter(
    ge=1,
    le=MAX_LIMIT,
    description=f"Entries per page, at most {MAX_LIMIT}.",
    examples=[Example(value=100)],
)


class FeedPage(msgspec.Struct):
    jobcentre: str
    entries: list[FeedEntry]
    next_cursor: int  # pass it as `after`; equal to `after` when the page is empty


class CohortStatuses(msgspec.Struct):
    """People of one cohort by where they stand; null: 1 to 4 people, not shown."""

    cohort: str
    programme: str
    in_training: int | None
    completed: int | None
    left_early: int | None
    in_work: int | None  # hired or in further training after leaving


class Summary(msgspec.Struct):
    jobcentre: str
    name: str
    suppressed_below: int  # a count under this is null: so few people could be named
    cohorts: list[CohortStatuses]


# The examples are the API's own types, so that they cannot drift from what it sends;
# and structs, not dicts: litestar drops a dict's None values from the document.
ENTRY_EXAMPLE = FeedEntry(
    id=1234560,
    kind="progress",
    occurred_on=date(2017, 10, 12),
    recorded_at=datetime(2017, 10, 12, 16, 2, 11, 204311, tzinfo=UTC),
    person="sim-2017-0042",
    cohort="sim2017-developer-2017-09",
    details={"percent": 50, "steps": 16, "steps_done": 8},
)
WITHDRAWN_EXAMPLE = FeedEntry(
    id=1234601,
    kind="consent_withdrawn",
    occurred_on=date(2017, 10, 13),
    recorded_at=datetime(2017, 10, 13, 9, 30, 0, 512000, tzinfo=UTC),
    person=None,
    cohort=None,
    details={"forget": [1101230, 1187420]},
)
FEED_EXAMPLE = FeedPage("93-SAINT-DENIS", [ENTRY_EXAMPLE, WITHDRAWN_EXAMPLE], 1234601)
SUMMARY_EXAMPLE = Summary(
    jobcentre="93-SAINT-DENIS",
    name="Saint-Denis",
    suppressed_below=SMALL_CELL,
    cohorts=[
        CohortStatuses(
            cohort="sim2017-developer-2017-09",
            programme="ort-france-2017",
            in_training=12,
            completed=7,
            left_early=None,
            in_work=0,
        )
    ],
)
STREAM_EXAMPLE = (
    "id: 1234560\r\nevent: entry\r\ndata: "
    + msgspec.json.encode(ENTRY_EXAMPLE).decode()
    + "\r\n\r\n: keep-alive\r\n\r\n"
)
# What every job-centre operation may answer besides its own responses (400 litestar adds).
REFUSALS = {
    401: NOT_SIGNED_IN,
    403: refused(
        "Not the caller's centre (registered or not): a centre's key and its"
        " advisers follow their own only.",
        Problem(
            "urn:tremplin:error:forbidden",
            403,
            "this caller follows job centre 93-SAINT-DENIS only",
        ),
    ),
    404: ResponseSpec(
        LitestarError,
        generate_examples=False,
        description="No job centre is registered with this code (as an administrator asks).",
        examples=[Example(value=LitestarError(404, "there is no job centre 00-NOWHERE"))],
    ),
}


class JobcentreController(Controller):
    path = "/api/jobcentres"

    @get(
        "/{code:str}/feed",
        summary="A job centre's feed of entries about the people it referred, in log order",
        opt=allow(Role.JOBCENTRE, Role.ADMIN),
        responses={
            200: ResponseSpec(
                FeedPage,
                generate_examples=False,
                description="Entries after `after`, oldest first.",
                examples=[Example(summary="A milestone, then a withdrawal", value=FEED_EXAMPLE)],
            ),
            304: ResponseSpec(None, description="The page has not changed (`If-None-Match`)."),
            **REFUSALS,
        },
    )
    async def feed(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        code: FromPath[CENTRE],
        after: Annotated[int, AFTER] = 0,
        limit: Annotated[int, LIMIT] = 100,
    ) -> Response[Any]:
        """Kinds: `enrolled`, `progress` (25, 50, 75, 100% of the path's steps),
        `certified`, `left` (with the reason), `hired`, `entered_training`,
        `six_month_outcome`, and `consent_withdrawn` (names nobody; `details.forget`
        lists the ids of the earlier entries to delete). Entries written before a person
        withdrew consent keep their id but lose `person`, `cohort` and `details` for good;
        consent given again starts afresh (a new `enrolled` entry per running enrolment).

        Send the `ETag` back as `If-None-Match`: an unchanged page is a 304."""
        _may_follow(request, views, code)
        entries = feed_page(views, code, after, limit)
        body = msgspec.json.encode(FeedPage(code, entries, entries[-1].id if entries else after))
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if _matches(request.headers.get("if-none-match", ""), etag):
            return Response(None, status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    @get(
        "/{code:str}/feed/stream",
        summary="The same feed, live, as server-sent events (resume with Last-Event-ID)",
        opt={**allow(Role.JOBCENTRE, Role.ADMIN), NO_COMPRESSION: True},
        responses={
            200: ResponseSpec(
                str,
                generate_examples=False,
                description="Events `entry` (id: the entry's id; data: the entry as in the feed)"
                " and comment lines that keep the connection open. It does not end.",
                media_type="text/event-stream",
                examples=[Example(summary="An entry, then a keep-alive", value=STREAM_EXAMPLE)],
            ),
            406: ResponseSpec(None, description="Ask with Accept: text/event-stream."),
            **REFUSALS,
        },
    )
    async def stream(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        channels: NamedDependency[ChannelsPlugin],
        code: FromPath[CENTRE],
        after: Annotated[int, AFTER] = 0,
        last_event_id: Annotated[str | None, LAST_EVENT_ID] = None,
    ) -> Response[bytes] | ServerSentEvent:
        """Each entry is an event `entry` whose id is the entry's id and whose data is the
        entry as in the feed. Reconnecting with `Last-Event-ID` (browsers do it
        themselves) resumes after that entry: nothing is missed or sent twice. A comment
        line every 15 s keeps the connection open."""
        if "text/event-stream" not in request.headers.get("accept", ""):
            return Response(b"an event stream: Accept: text/event-stream", status_code=406)
        _may_follow(request, views, code)
        resume = (last_event_id or "").strip()
        if resume:
            if not ENTRY_ID.fullmatch(resume) or int(resume) > MAX_ID:
                raise ValidationException(f"Last-Event-ID: {resume!r} is not an entry id")
            after = int(resume)
        return ServerSentEvent(live_feed(channels, views, code, after, _still_allowed(request)))

    @get(
        "/{code:str}/summary",
        summary="People referred by the centre per cohort and status (small counts hidden)",
        opt=allow(Role.JOBCENTRE, Role.ADMIN),
        responses={
            200: ResponseSpec(
                Summary,
                generate_examples=False,
                description="One row per cohort with people the centre referred who consent.",
                examples=[
                    Example(summary="One cohort, a small cell hidden", value=SUMMARY_EXAMPLE)
                ],
            ),
            **REFUSALS,
        },
    )
    async def summary(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        code: FromPath[CENTRE],
    ) -> Summary:
        """The people the centre referred who consent to share with it, per cohort: in
        training, completed, left early, in work or training after leaving. A count from 1
        to 4 is `null` (so few people could be recognised); 0 is shown."""
        name = _may_follow(request, views, code)
        cohorts = [
            CohortStatuses(
                c.cohort,
                c.programme,
                in_training=c.counts[IN_TRAINING],
                completed=c.counts[COMPLETED],
                left_early=c.counts[LEFT_EARLY],
                in_work=c.counts[IN_WORK],
            )
            for c in summary(views, code)
        ]
        return Summary(code, name, SMALL_CELL, cohorts)


def _may_follow(request: Request[Any, Any, Any], views: ViewStore, code: str) -> str:
    """The centre's name, if the caller may follow it: its own centre, or an administrator."""
    who = principal(request)
    own = who.link("jobcentre")
    if Role.ADMIN not in who.roles and own != code:
        raise PermissionDeniedException(f"this caller follows job centre {own} only")
    name = job_centre_name(views, code)
    if name is None:
        raise NotFoundException(f"there is no job centre {code}")
    return name


def _matches(header: str, etag: str) -> bool:
    """`If-None-Match` as RFC 9110 reads it for a GET: `*`, or any listed tag compared
    weakly (`W/"x"` matches `"x"`)."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in tags or etag in tags


def _still_allowed(request: Request[Any, Any, Any]) -> Callable[[], bool]:
    """Whether the caller who opened a stream may still read it: the key not revoked; the
    account not disabled, signed out everywhere or otherwise ended (as the guard checks)."""
    app: Tremplin = request.app.state.tremplin
    who = principal(request)
    if who.key_id is not None:
        key_id = who.key_id

        def key_valid() -> bool:
            key = app.api_key(key_id)
            return key is not None and not key.revoked

        return key_valid
    account_id, session = who.account_id, dict(request.session)

    def session_valid() -> bool:
        account = app.account_by_id(account_id) if account_id else None
        return account is not None and session_still_valid(app, account, session)

    return session_valid


async def live_feed(
    channels: ChannelsPlugin,
    views: ViewStore,
    code: str,
    after: int,
    still_allowed: Callable[[], bool] = lambda: True,
) -> AsyncIterator[ServerSentEventMessage]:
    """Every entry after `after`, then each new one as the feed view commits it; the stream
    ends, before sending anything more, once its caller is no longer allowed (a key
    revoked, an account disabled or signed out everywhere)."""
    arrived = asyncio.Event()

    async def note(payload: bytes) -> None:
        if msgspec.json.decode(payload).get("projection") == NAME:
            arrived.set()

    async with (
        channels.start_subscription([CHANGES]) as subscriber,
        subscriber.run_in_background(note),
    ):
        while True:
            arrived.clear()  # before reading: a commit after this wakes the wait below
            if not await asyncio.to_thread(still_allowed):
                return
            page = await asyncio.to_thread(feed_page, views, code, after, STREAM_PAGE)
            for entry in page:
                after = entry.id
                yield ServerSentEventMessage(
                    data=msgspec.json.encode(entry).decode(), event="entry", id=str(entry.id)
                )
            if len(page) == STREAM_PAGE:
                continue
            try:
                await asyncio.wait_for(arrived.wait(), KEEP_ALIVE_SECONDS)
            except TimeoutError:
                if not await asyncio.to_thread(still_allowed):
                    return
                yield ServerSentEventMessage(comment="keep-alive", data=None)
