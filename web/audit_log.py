"""The log browser: every recorded event, filtered, with its position and its chain link.

For auditors and administrators. Filters: event types, a person, a cohort, a
range of days on the occurred clock, a range of moments on the recorded clock,
a range of positions. An auditor without a recorded reason sees people as
pseudonyms, and no personal details or free text (web/log_privacy.py says what
and why). Password and key hashes are withheld from everyone. Each answer quotes
the chain head it was read at.
"""

from __future__ import annotations

import asyncio
import difflib
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, Parameter, QueryParameter
from litestar.response import Template

from domain.accounts import Role
from domain.application import Tremplin
from infra.event_log import (
    LogFilter,
    chain_head,
    chain_links,
    event_as_dict,
    known_event_types,
    read_log,
    trainees_behind,
)
from infra.moments import in_utc, parse_moment
from projections.store import ViewStore
from web.access import allow
from web.log_privacy import Disguise, pseudonymised
from web.pages import page, principal
from web.problems import AUDIT_REFUSALS
from web.pseudonyms import Pseudonyms

MAX_LIMIT = 500
MAX_POSITION = 10**18  # below SQLite's largest row id, and exact as a JSON schema number


class ChainHead(msgspec.Struct):
    position: int
    link: str  # hex: `tremplin audit verify` later shows whether it still holds


class LogPage(msgspec.Struct):
    events: list[dict[str, Any]]
    next: int | None  # the `first` of the next page; None when the range is read
    chain_head: ChainHead | None  # the log's head once the page was read (None: empty log)
    pseudonymised: bool


class AuditLogController(Controller):
    opt = allow(Role.AUDITOR, Role.ADMIN)

    @get(
        "/api/audit/log",
        summary="The log, filtered, each event with its chain link",
        responses=AUDIT_REFUSALS,
    )
    async def log_api(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        types: Annotated[list[str] | None, QueryParameter(name="type")] = None,
        person: FromQuery[str | None] = None,
        cohort: FromQuery[str | None] = None,
        occurred_from: FromQuery[date | None] = None,
        occurred_to: FromQuery[date | None] = None,
        recorded_from: FromQuery[datetime | None] = None,
        recorded_to: FromQuery[datetime | None] = None,
        first: Annotated[int, Parameter(ge=1, le=MAX_POSITION)] = 1,
        last: Annotated[int | None, Parameter(ge=1, le=MAX_POSITION)] = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = 100,
    ) -> LogPage:
        """Up to `limit` events (at most 500) in log order; `next` continues the scan.
        `person` is a reference, or a pseudonym for an auditor who sees pseudonyms."""
        selection = _selection(
            request, views, types, person, cohort, occurred_from, occurred_to,
            recorded_from, recorded_to, first, last,
        )  # fmt: skip
        return await asyncio.to_thread(_page, request, views, selection, limit)

    @get(
        "/audit/log",
        opt=allow(Role.AUDITOR, Role.ADMIN, accounts_only=True),
        include_in_schema=False,
    )
    async def log_page(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        types: Annotated[list[str] | None, QueryParameter(name="type")] = None,
        person: FromQuery[str | None] = None,
        cohort: FromQuery[str | None] = None,
        occurred_from: FromQuery[date | None] = None,
        occurred_to: FromQuery[date | None] = None,
        recorded_from: FromQuery[str | None] = None,  # typed by a person: read as the CLI
        recorded_to: FromQuery[str | None] = None,
        first: Annotated[int, Parameter(ge=1, le=MAX_POSITION)] = 1,
        last: Annotated[int | None, Parameter(ge=1, le=MAX_POSITION)] = None,
    ) -> Template:
        selection = _selection(
            request, views, types, person, cohort, occurred_from, occurred_to,
            typed_moment("recorded_from", recorded_from),
            typed_moment("recorded_to", recorded_to), first, last,
        )  # fmt: skip
        found = await asyncio.to_thread(_page, request, views, selection, 50)
        asked = {k: v for k, v in request.query_params.items() if k not in ("first", "lang")}
        return page(
            request,
            "audit_log.html",
            found=found,
            types=sorted(known_event_types()),
            chosen=set(types or ()),
            asked=request.query_params,
            next_link=(
                "/audit/log?" + urlencode([*_pairs(request), ("first", found.next)])
                if found.next
                else None
            ),
            filtered=bool(asked),
        )


def _pairs(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """The query's pairs but `first`, repeated keys kept (`type` may be given many times)."""
    return [(k, v) for k, v in request.query_params.multi_items() if k != "first"]


def _selection(
    request: Request[Any, Any, Any],
    views: ViewStore,
    types: list[str] | None,
    person: str | None,
    cohort: str | None,
    occurred_from: date | None,
    occurred_to: date | None,
    recorded_from: datetime | None,
    recorded_to: datetime | None,
    first: int,
    last: int | None,
) -> LogFilter:
    known = known_event_types()
    for name in types or ():
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValidationException(f"type: no event type {name!r}{hint}")
    if last is not None and last < first:
        raise ValidationException(f"last: {last} is before first ({first})")
    if occurred_from and occurred_to and occurred_to < occurred_from:
        raise ValidationException("occurred_to: before occurred_from")
    recorded_from, recorded_to = (
        _utc("recorded_from", recorded_from),
        _utc("recorded_to", recorded_to),
    )
    if recorded_from and recorded_to and recorded_to < recorded_from:
        raise ValidationException("recorded_to: before recorded_from")
    reference = person
    if person is not None and not principal(request).sees_real_ids():
        pseudonyms: Pseudonyms = request.app.state.pseudonyms
        reference = pseudonyms.person(views, person) or "-"  # nobody: no event matches
    return LogFilter(
        frozenset(types or ()),
        reference,
        cohort,
        first,
        last,
        occurred_from,
        occurred_to,
        recorded_from,
        recorded_to,
    )


def _page(
    request: Request[Any, Any, Any], views: ViewStore, selection: LogFilter, limit: int
) -> LogPage:
    app: Tremplin = request.app.state.tremplin
    real = principal(request).sees_real_ids()
    rows: list[dict[str, Any]] = []
    after: int | None = None
    for position, topic, event in read_log(app, selection):
        if len(rows) == limit:
            after = position
            break
        rows.append(event_as_dict(position, topic, event, personal=real))
    database = request.app.state.settings.database_path
    links = chain_links(database, (r["position"] for r in rows))
    for row in rows:
        row["hash"] = links.get(row["position"])
    if not real:
        disguise = _disguise(app, request.app.state.pseudonyms, views, rows)
        rows = [pseudonymised(row, disguise) for row in rows]
    head = chain_head(database)
    return LogPage(rows, after, ChainHead(*head) if head else None, not real)


def _disguise(
    app: Tremplin, pseudonyms: Pseudonyms, views: ViewStore, rows: list[dict[str, Any]]
) -> Disguise:
    """The people the views know, and the trainees on this page they have not reached yet."""
    known = pseudonyms.stand_ins(views)
    unknown = {
        r["aggregate_id"] for r in rows if _on_a_record(r) and r["aggregate_id"] not in known
    }
    late = trainees_behind(app, unknown) if unknown else {}
    found = {name: pseudonyms.of(ref) for trainee, ref in late.items() for name in (trainee, ref)}
    return Disguise(pseudonyms.of, {**known, **found})


def _on_a_record(row: dict[str, Any]) -> bool:
    """Whether the event may be on a trainee's record: `Trainee.…`, or one of the
    module-level events (learning, coaching, placement) a trainee records."""
    qualname = str(row["topic"]).partition(":")[2]
    return "." not in qualname or qualname.startswith("Trainee.")


def typed_moment(field: str, text: str | None) -> datetime | None:
    """A moment a person typed in a page's form (an empty field: none), read as on the
    command line (`infra.moments`); one that names no moment is a 400 naming the field."""
    if not text:
        return None
    try:
        return parse_moment(text)
    except ValueError as error:
        raise ValidationException(f"{field}: {error}") from None


def _utc(field: str, moment: datetime | None) -> datetime | None:
    """A moment as UTC (read as UTC without a zone); one beyond the calendar is a 400."""
    if moment is None:
        return None
    try:
        return in_utc(moment)
    except (OverflowError, ValueError):
        raise ValidationException(f"{field}: {moment.isoformat()} is out of range") from None
