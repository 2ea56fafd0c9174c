"""The read API of programmes and people: outcome figures, leaderboards, learner paths.

Handlers query views only; they never read the log.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, QueryParameter

from domain.errors import NotFound
from projections.catalogue import ProgrammeSummary, programmes
from projections.leaderboard import Entry, around, cohort_scope, programme_scope, top
from projections.learner_paths import EnrolmentPath, path_of
from projections.outcome_figures import Evidence, OutcomeReport, evidence, figures
from projections.store import ViewStore

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_LIMIT = 100


class Leaderboard(msgspec.Struct):
    scope: str
    entries: list[Entry]
    simulated: bool  # the programme's history was generated (`tremplin simulate`)


class ProgrammeController(Controller):
    path = "/api"

    @get("/programmes/{programme_id:str}/outcomes", summary="Audit-ready outcome figures")
    async def outcomes(
        self,
        views: NamedDependency[ViewStore],
        programme_id: FromPath[str],
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[datetime | None] = None,
    ) -> OutcomeReport:
        """Figures as the programme stood in the world on `as_of` (occurred clock, default
        today), from what was recorded by `known_at` (recorded clock, default now)."""
        simulated = _programme(views, programme_id).simulated
        report = figures(views, programme_id, as_of, _utc(known_at))
        return msgspec.structs.replace(report, simulated=simulated)

    @get(
        "/programmes/{programme_id:str}/outcomes/{key:str}/evidence",
        summary="The people a figure counts, and the log positions that count them",
    )
    async def evidence(
        self,
        views: NamedDependency[ViewStore],
        programme_id: FromPath[str],
        key: FromPath[str],
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[datetime | None] = None,
        cohort: FromQuery[str | None] = None,
    ) -> list[Evidence]:
        if cohort is not None:
            _cohort_of(_programme(views, programme_id), cohort)
        return evidence(views, programme_id, key, as_of, _utc(known_at), cohort)

    @get("/programmes/{programme_id:str}/leaderboard", summary="A leaderboard, in display order")
    async def leaderboard(
        self,
        views: NamedDependency[ViewStore],
        programme_id: FromPath[str],
        cohort: FromQuery[str | None] = None,
        month: FromQuery[str | None] = None,
        around_person: Annotated[str | None, QueryParameter(name="around")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = 10,
    ) -> Leaderboard:
        """Competition ranking (equal XP, equal rank); `around` gives `limit` neighbours
        above and below that person; names only for people who chose to show them."""
        if month is not None and not MONTH.match(month):
            raise ValidationException(f"month: {month!r} is not YYYY-MM")
        programme = _programme(views, programme_id)
        if cohort is not None:
            _cohort_of(programme, cohort)
        scope = cohort_scope(cohort, month) if cohort else programme_scope(programme_id, month)
        if around_person is None:
            return Leaderboard(scope, top(views, scope, limit), programme.simulated)
        entries = around(views, scope, around_person, limit)
        if not entries:
            raise NotFound(f"{around_person} is not on the board {scope}")
        return Leaderboard(scope, entries, programme.simulated)


class PeopleController(Controller):
    path = "/api/people"

    @get("/{person_id:str}/path", summary="A person's learner paths, one per enrolment")
    async def learner_paths(
        self, views: NamedDependency[ViewStore], person_id: FromPath[str]
    ) -> list[EnrolmentPath]:
        paths = path_of(views, person_id)
        if not paths:
            raise NotFound(f"no enrolment of {person_id}")
        return paths


def _utc(known_at: datetime | None) -> datetime | None:
    """`known_at` as a UTC instant; without a time zone it is read as UTC."""
    if known_at is None:
        return None
    try:
        return known_at.astimezone(UTC) if known_at.tzinfo else known_at.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        raise ValidationException(f"known_at: {known_at.isoformat()} is out of range") from None


def _cohort_of(programme: ProgrammeSummary, cohort_id: str) -> None:
    if cohort_id not in {c.cohort_id for c in programme.cohorts}:
        raise NotFound(f"cohort {cohort_id!r} is not in programme {programme.code}")


def _programme(views: ViewStore, programme_id: str) -> ProgrammeSummary:
    for programme in programmes(views):
        if programme.code == programme_id:
            return programme
    raise NotFound(f"there is no programme {programme_id}")
