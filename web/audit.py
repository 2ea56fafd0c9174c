"""The auditor's desk: figures as of any date, what changed, the evidence, the chain, the pack.

Pages (`/audit…`) are for signed-in auditors and administrators; the same
downloads are in the API (`/api/audit/…`) for an auditor's key. People appear
under pseudonyms until the auditor records a reason (/audit/disclosure).
Every download says which chain head it was read at (`X-Tremplin-Chain-Head`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromQuery
from litestar.response import Response, Template

from domain.accounts import Role
from domain.errors import NotFound
from infra.audit_chain import ChainReport, verify
from infra.moments import in_utc
from projections.catalogue import programmes
from projections.outcome_compare import Difference, differences
from projections.outcome_definitions import CURRENT, VERSIONS, DefinitionSet, definition_set
from projections.outcome_figures import evidence, figures_under
from projections.store import ViewStore
from web.access import allow
from web.audit_log import typed_moment
from web.audit_pack import (
    BrokenChain,
    EventAt,
    PackRequest,
    audit_pack,
    chain_head,
    events_at,
    evidence_csv,
)
from web.pages import page, principal
from web.problems import AUDIT_REFUSALS, UNKNOWN_PROGRAMME, LitestarError
from web.pseudonyms import Pseudonyms

CHAIN_HEADER = "X-Tremplin-Chain-Head"


@dataclass(frozen=True)
class Asked:
    """What the auditor asked for: a programme on a day, as known at a moment, under a version."""

    programme: str
    as_of: date
    known_at: datetime
    definitions: DefinitionSet

    def query(self) -> str:
        return (
            f"programme={self.programme}&as_of={self.as_of.isoformat()}"
            f"&known_at={self.known_at.isoformat().replace('+', '%2B')}"
            f"&definitions={self.definitions.version}"
        )


BROKEN_EXAMPLE = (
    "the log's hash chain is broken at position 1234: no audit pack is made from an"
    " altered log (run `tremplin audit verify`)"
)


class AuditPages(Controller):
    path = "/audit"
    opt = allow(Role.AUDITOR, Role.ADMIN, accounts_only=True)
    include_in_schema = False

    @get()
    async def desk(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        programme: FromQuery[str | None] = None,
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[str | None] = None,  # typed by a person: read as the CLI
        definitions: FromQuery[str | None] = None,
        compare_as_of: FromQuery[date | None] = None,
        compare_definitions: FromQuery[str | None] = None,
    ) -> Template:
        """The figures on a day; with `compare_as_of` or `compare_definitions`, what moves."""
        known = programmes(views)
        if not known:
            raise NotFound("no programme has been launched yet")
        largest = max(known, key=lambda p: p.enrolled).code  # the one an auditor comes for
        moment = typed_moment("known_at", known_at)
        asked = _asked(views, programme or largest, as_of, moment, definitions)
        versions = [asked.definitions]
        if compare_definitions:
            versions.append(_version(compare_definitions, "compare_definitions"))
        reports = await asyncio.to_thread(
            figures_under, views, asked.programme, versions, asked.as_of, asked.known_at
        )
        report, changes, other = reports[0], list[Difference](), None
        if len(reports) == 2:
            other = reports[1]
        elif compare_as_of is not None:
            other = (
                await asyncio.to_thread(
                    figures_under, views, asked.programme, versions, compare_as_of, asked.known_at
                )
            )[0]
        if other is not None:
            # The programme's own figures first, then its cohorts, then the breakdowns.
            changes = sorted(differences(report, other), key=lambda c: _section(c.path))
        return page(
            request,
            "audit.html",
            asked=asked,
            choices=[(p.code, p.name) for p in known],
            programme_name=next(p.name for p in known if p.code == asked.programme),
            report=report,
            other=other,
            changes=changes,
            versions=VERSIONS,
            compare_as_of=compare_as_of,
            compare_definitions=compare_definitions,
            pseudonymised=not principal(request).sees_real_ids(),
        )

    @get("/evidence")
    async def evidence_page(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        programme: FromQuery[str],
        key: FromQuery[str],
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[str | None] = None,  # typed by a person: read as the CLI
        definitions: FromQuery[str | None] = None,
    ) -> Template:
        """The people a figure counts, each with the events that count them."""
        asked = _asked(views, programme, as_of, typed_moment("known_at", known_at), definitions)
        counted = await asyncio.to_thread(_counted, request, views, asked, key)
        database = request.app.state.settings.database_path
        positions = [p for _, ps in counted for p in ps]
        found: dict[int, EventAt] = await asyncio.to_thread(
            events_at, request.app.state.tremplin, database, positions
        )
        definition = next(d for d in asked.definitions.definitions if d.key == key)
        return page(
            request,
            "audit_evidence.html",
            asked=asked,
            definition=definition,
            people=[(person, [found[p] for p in ps if p in found]) for person, ps in counted],
            pseudonymised=not principal(request).sees_real_ids(),
        )

    @get("/chain")
    async def chain_page(self, request: Request[Any, Any, Any]) -> Template:
        """The chain recomputed from the first event, now."""
        report: ChainReport = await asyncio.to_thread(
            verify, request.app.state.settings.database_path
        )
        return page(request, "audit_chain.html", chain=report, checked_at=datetime.now(UTC))


class AuditApi(Controller):
    path = "/api/audit"
    opt = allow(Role.AUDITOR, Role.ADMIN)

    @get(
        "/evidence.csv",
        summary="The people a figure counts and the events that count them",
        responses={**AUDIT_REFUSALS, 404: UNKNOWN_PROGRAMME},
    )
    async def evidence_download(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        programme: FromQuery[str],
        key: FromQuery[str],
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[datetime | None] = None,
        definitions: FromQuery[str | None] = None,
    ) -> Response[str]:
        """CSV, one row per (person, event): figure, person, position, event, occurred_on,
        recorded_at, link. People by pseudonym unless the caller sees real ids."""
        asked = _asked(views, programme, as_of, known_at, definitions)
        counted = await asyncio.to_thread(_counted, request, views, asked, key)
        app, database = request.app.state.tremplin, request.app.state.settings.database_path
        body = await asyncio.to_thread(evidence_csv, app, database, key, counted)
        head = await asyncio.to_thread(chain_head, database, views.read_position("outcomes"))
        name = f"evidence-{asked.programme}-{key}-{asked.as_of.isoformat()}.csv"
        return Response(
            body,
            media_type="text/csv",  # litestar adds the charset of text types
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                CHAIN_HEADER: f"{head.position} {head.link}",
            },
        )

    @get(
        "/pack",
        summary="The audit pack (zip) of a date",
        responses={
            **AUDIT_REFUSALS,
            404: UNKNOWN_PROGRAMME,
            409: ResponseSpec(
                LitestarError,
                generate_examples=False,
                description="The log's hash chain is broken: no pack is made from it.",
                examples=[Example(value=LitestarError(409, BROKEN_EXAMPLE))],
            ),
        },
    )
    async def pack(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        as_of: FromQuery[date],
        programme: FromQuery[str | None] = None,
        known_at: FromQuery[datetime | None] = None,
        definitions: FromQuery[str | None] = None,
        lang: FromQuery[str] = "fr",
    ) -> Response[bytes]:
        """Figures (JSON, CSV), definitions, evidence, the chain head and a printable report,
        exactly as `tremplin audit export` writes them."""
        if lang not in ("fr", "en"):
            raise ValidationException("lang: fr or en")
        code = programme or ""
        if programme is not None:
            _programme(views, programme)
        version = _version(definitions, "definitions") if definitions else CURRENT
        asked = PackRequest(
            as_of,
            _moment(known_at),
            (code,) if code else (),
            version,
            language=lang,
        )
        app, database = request.app.state.tremplin, request.app.state.settings.database_path
        try:
            body = await asyncio.to_thread(audit_pack, app, views, database, asked, _names(request))
        except BrokenChain as error:
            raise ClientException(str(error), status_code=409) from None
        name = f"audit-{code or 'tremplin'}-{as_of.isoformat()}.zip"
        return Response(
            body,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def _counted(
    request: Request[Any, Any, Any], views: ViewStore, asked: Asked, key: str
) -> list[tuple[str, tuple[int, ...]]]:
    """(person as shown, positions) for each person the figure counts, in shown order."""
    if key not in asked.definitions.keys:
        raise ValidationException(f"key: no outcome figure {key!r}")
    names = _names(request)
    found = evidence(
        views, asked.programme, key, asked.as_of, asked.known_at, None, asked.definitions
    )
    return sorted((names(e.person_ref), e.positions) for e in found)


def _names(request: Request[Any, Any, Any]) -> Any:
    """Real references for those who see them, pseudonyms for everyone else here."""
    if principal(request).sees_real_ids():
        return lambda reference: reference
    pseudonyms: Pseudonyms = request.app.state.pseudonyms
    return pseudonyms.of


def _asked(
    views: ViewStore,
    programme: str,
    as_of: date | None,
    known_at: datetime | None,
    definitions: str | None,
) -> Asked:
    _programme(views, programme)
    return Asked(
        programme,
        as_of or datetime.now(UTC).date(),
        _moment(known_at),
        _version(definitions, "definitions") if definitions else CURRENT,
    )


def _section(path: str) -> int:
    return ("figures", "by_cohort", "breakdowns").index(path.partition(".")[0])


def _programme(views: ViewStore, code: str) -> None:
    if code not in {p.code for p in programmes(views)}:
        raise NotFound(f"there is no programme {code}")


def _version(version: str, field: str) -> DefinitionSet:
    try:
        return definition_set(version)
    except NotFound as error:
        raise ValidationException(f"{field}: {error}") from None


def _moment(known_at: datetime | None) -> datetime:
    """`known_at` as a UTC instant (read as UTC without a zone); now when not given."""
    if known_at is None:
        return datetime.now(UTC)
    try:
        return in_utc(known_at)
    except (OverflowError, ValueError):
        raise ValidationException(f"known_at: {known_at.isoformat()} is out of range") from None
