"""The read API of programmes and people: outcome figures, leaderboards, learner paths.

Handlers query views only; they never read the log. Who may call each one is
in its `opt`; whose data a caller may see is decided by `may_see_person`, and
an auditor without a recorded reason sees pseudonyms instead of references.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, QueryParameter

from domain.accounts import Role
from domain.errors import NotFound
from infra.moments import in_utc
from projections.catalogue import ProgrammeSummary, programmes
from projections.leaderboard import Entry, around, cohort_scope, programme_scope, top
from projections.learner_paths import EnrolmentPath, path_of
from projections.outcome_figures import Evidence, OutcomeReport, evidence, figures, published
from projections.store import ViewStore
from web.access import EVERY_ROLE, Principal, allow, may_see_person
from web.definitions import definitions_asked
from web.pages import principal
from web.pseudonyms import Pseudonyms

SEE_EVERY_PERSON = frozenset({Role.TRAINER, Role.AUDITOR, Role.ADMIN})  # figures unpublished
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_LIMIT = 100


class Leaderboard(msgspec.Struct):
    scope: str
    entries: list[Entry]
    simulated: bool  # the programme's history was generated (`tremplin simulate`)


class ProgrammeController(Controller):
    path = "/api"

    @get(
        "/programmes/{programme_id:str}/outcomes",
        summary="Audit-ready outcome figures",
        opt=allow(Role.TRAINER, Role.MENTOR, Role.JOBCENTRE, Role.AUDITOR, Role.ADMIN),
    )
    async def outcomes(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        programme_id: FromPath[str],
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[datetime | None] = None,
        definitions: FromQuery[str | None] = None,
    ) -> OutcomeReport:
        """Figures as the programme stood in the world on `as_of` (occurred clock, default
        today), from what was recorded by `known_at` (recorded clock, default now), counted
        under the `definitions` version asked (default the current one). Mentors and job
        centres get the published figures: no breakdown by job centre, and parts of
        cohorts and breakdowns counting 1 to 4 people withheld (`null`)."""
        version = definitions_asked(definitions)
        simulated = _programme(views, programme_id).simulated
        report = figures(views, programme_id, as_of, _utc(known_at), version)
        if not principal(request).roles & SEE_EVERY_PERSON:
            report = published(report)
        return msgspec.structs.replace(report, simulated=simulated)

    @get(
        "/programmes/{programme_id:str}/outcomes/{key:str}/evidence",
        summary="The people a figure counts, and the log positions that count them",
        opt=allow(Role.TRAINER, Role.AUDITOR, Role.ADMIN),
    )
    async def evidence(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        programme_id: FromPath[str],
        key: FromPath[str],
        as_of: FromQuery[date | None] = None,
        known_at: FromQuery[datetime | None] = None,
        cohort: FromQuery[str | None] = None,
        definitions: FromQuery[str | None] = None,
    ) -> list[Evidence]:
        version = definitions_asked(definitions)
        if cohort is not None:
            _cohort_of(_programme(views, programme_id), cohort)
        counted = evidence(views, programme_id, key, as_of, _utc(known_at), cohort, version)
        pseudonyms = _pseudonyms_for(request)
        if pseudonyms is None:
            return counted
        # In pseudonym order: the log's order of real references would give them away.
        shown = [Evidence(pseudonyms.of(e.person_ref), e.positions) for e in counted]
        return sorted(shown, key=lambda e: e.person_ref)

    @get(
        "/programmes/{programme_id:str}/leaderboard",
        summary="A leaderboard, in display order",
        opt=allow(Role.TRAINEE, Role.MENTOR, Role.TRAINER, Role.AUDITOR, Role.ADMIN),
    )
    async def leaderboard(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        programme_id: FromPath[str],
        cohort: FromQuery[str | None] = None,
        month: FromQuery[str | None] = None,
        around_person: Annotated[str | None, QueryParameter(name="around")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = 10,
    ) -> Leaderboard:
        """Competition ranking (equal XP, equal rank); `around` gives `limit` neighbours
        above and below a person whose path the caller may read (a trainee: themself);
        names only for people who chose to show them, and references only to those who
        may read that person's path."""
        if month is not None and not MONTH.match(month):
            raise ValidationException(f"month: {month!r} is not YYYY-MM")
        programme = _programme(views, programme_id)
        if cohort is not None:
            _cohort_of(programme, cohort)
        scope = cohort_scope(cohort, month) if cohort else programme_scope(programme_id, month)
        who = principal(request)
        pseudonyms = _pseudonyms_for(request)
        if around_person is None:
            entries = top(views, scope, limit)
        else:
            asked = around_person
            if pseudonyms is not None:
                around_person = pseudonyms.person(views, around_person) or ""
            allowed = bool(around_person) and may_see_person(who, around_person, views)
            entries = around(views, scope, around_person, limit) if allowed else []
            if not entries:  # the same answer whether they are elsewhere or not to be seen
                raise NotFound(f"{asked} is not on the board {scope}")
        if pseudonyms is not None:
            entries = [_pseudonymous(entry, pseudonyms) for entry in entries]
        else:
            entries = [_visible_to(who, entry, views) for entry in entries]
        return Leaderboard(scope, entries, programme.simulated)


class PeopleController(Controller):
    path = "/api/people"

    @get(
        "/{person_id:str}/path",
        summary="A person's learner paths, one per enrolment",
        opt=allow(*EVERY_ROLE),
    )
    async def learner_paths(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        person_id: FromPath[str],
    ) -> list[EnrolmentPath]:
        """A trainee reads their own; a mentor their caseload; an employer those who
        agreed to be seen by employers; a job centre those it referred who agreed;
        staff and auditors everyone (auditors by pseudonym unless a reason is recorded).
        Anyone else's path is "not found", exactly as a path that does not exist."""
        who = principal(request)
        person_ref: str | None = person_id
        pseudonyms = _pseudonyms_for(request)
        if pseudonyms is not None:
            person_ref = pseudonyms.person(views, person_id)
        paths = path_of(views, person_ref) if person_ref else []
        if not paths or person_ref is None or not may_see_person(who, person_ref, views):
            raise NotFound(f"no enrolment of {person_id}")
        return paths


def _pseudonyms_for(request: Request[Any, Any, Any]) -> Pseudonyms | None:
    """The pseudonyms to show this caller, or None when they see real references."""
    who: Principal = principal(request)
    if who.sees_real_ids():
        return None
    pseudonyms: Pseudonyms = request.app.state.pseudonyms
    return pseudonyms


def _visible_to(who: Principal, entry: Entry, views: ViewStore) -> Entry:
    """A name or pseudonym is for everyone on the board; the reference behind it only for
    those who may read that person's path (themself, their mentor, staff)."""
    if entry.person is None or may_see_person(who, entry.person, views):
        return entry
    return dataclasses.replace(entry, person=None)


def _pseudonymous(entry: Entry, pseudonyms: Pseudonyms) -> Entry:
    """A person shown by name to their peers is shown to an auditor by pseudonym."""
    if entry.person is None:
        return entry
    stand_in = pseudonyms.of(entry.person)
    return dataclasses.replace(entry, person=stand_in, display_name=stand_in)


def _utc(known_at: datetime | None) -> datetime | None:
    """`known_at` as a UTC instant; without a time zone it is read as UTC."""
    if known_at is None:
        return None
    try:
        return in_utc(known_at)
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
