"""The facts outcome figures are counted from — never the figures themselves.

Each row keeps the day its fact occurred (`*_on`), the time we recorded it
(`*_at`, ISO text in UTC, so text order is time order) and its log position, so
that projections/outcome_figures.py can count bitemporally and point at the
events behind every number. Gender and age band are copied from the person's
registration for breakdowns only; a rebuild after a person is forgotten drops them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from domain.learning import CertificationResultRecorded
from domain.placement import FollowUpRecorded, FurtherTrainingEntered, Hired
from domain.programme import Programme
from domain.trainee import Trainee

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS outcome_programmes (programme_code TEXT PRIMARY KEY,"
    " programme_id TEXT NOT NULL UNIQUE, target_people_trained INTEGER,"
    " target_rate REAL, launched_on TEXT NOT NULL, launched_at TEXT NOT NULL,"
    " position INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outcome_funders (programme_code TEXT NOT NULL,"
    " funder TEXT NOT NULL, listed_order INTEGER NOT NULL,"
    " PRIMARY KEY (programme_code, funder))",
    "CREATE TABLE IF NOT EXISTS outcome_cohorts (cohort_id TEXT PRIMARY KEY,"
    " programme_code TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,"
    " opened_on TEXT NOT NULL, opened_at TEXT NOT NULL, position INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outcome_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL UNIQUE, referred_by TEXT, gender TEXT, age_band TEXT,"
    " registered_on TEXT NOT NULL, registered_at TEXT NOT NULL, position INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outcome_enrolments (cohort_id TEXT NOT NULL,"
    " person_ref TEXT NOT NULL, programme_code TEXT NOT NULL, enrolled_on TEXT NOT NULL,"
    " enrolled_at TEXT NOT NULL, enrolled_position INTEGER NOT NULL, left_on TEXT,"
    " left_at TEXT, left_position INTEGER, reason TEXT, final_result TEXT,"
    " PRIMARY KEY (cohort_id, person_ref))",
    "CREATE INDEX IF NOT EXISTS outcome_enrolments_by_programme"
    " ON outcome_enrolments (programme_code, person_ref)",
    "CREATE TABLE IF NOT EXISTS outcome_events (position INTEGER PRIMARY KEY,"
    " person_ref TEXT NOT NULL, kind TEXT NOT NULL, cohort_id TEXT, status TEXT,"
    " occurred_on TEXT NOT NULL, starts_on TEXT, recorded_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS outcome_events_by_person"
    " ON outcome_events (person_ref, occurred_on)",
)


def recorded_text(moment: datetime) -> str:
    """A recorded time as fixed-width ISO text in UTC (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Outcomes:
    """Applies events to the outcome tables; the runner supplies the transaction."""

    name = "outcomes"
    version = 1
    event_classes = (
        Programme.Launched,
        Programme.CohortOpened,
        Trainee.Registered,
        Trainee.Enrolled,
        Trainee.Left,
        CertificationResultRecorded,
        Hired,
        FurtherTrainingEntered,
        FollowUpRecorded,
    )
    tables = (
        "outcome_programmes",
        "outcome_funders",
        "outcome_cohorts",
        "outcome_people",
        "outcome_enrolments",
        "outcome_events",
    )

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        for event_class, handler in HANDLERS:
            if isinstance(event, event_class):
                handler(connection, event, position)
                return


def _launched(connection: sqlite3.Connection, event: Programme.Launched, position: int) -> None:
    connection.execute(
        "INSERT INTO outcome_programmes VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            event.code,
            event.originator_id.hex,
            event.targets.people_trained,
            event.targets.in_work_or_training_6m_rate,
            event.occurred_on.isoformat(),
            recorded_text(event.timestamp),
            position,
        ),
    )
    connection.executemany(
        "INSERT INTO outcome_funders VALUES (?, ?, ?)",
        [(event.code, funder, order) for order, funder in enumerate(event.funders)],
    )


def _cohort_opened(
    connection: sqlite3.Connection, event: Programme.CohortOpened, position: int
) -> None:
    connection.execute(
        "INSERT INTO outcome_cohorts"
        " SELECT ?, programme_code, ?, ?, ?, ?, ? FROM outcome_programmes WHERE programme_id = ?",
        (
            event.cohort_id,
            event.period.starts_on.isoformat(),
            event.period.ends_on.isoformat(),
            event.occurred_on.isoformat(),
            recorded_text(event.timestamp),
            position,
            event.originator_id.hex,
        ),
    )


def _registered(connection: sqlite3.Connection, event: Trainee.Registered, position: int) -> None:
    connection.execute(
        "INSERT INTO outcome_people VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.originator_id.hex,
            event.person_ref,
            event.referred_by,
            event.personal.gender,
            event.personal.age_band,
            event.occurred_on.isoformat(),
            recorded_text(event.timestamp),
            position,
        ),
    )


def _enrolled(connection: sqlite3.Connection, event: Trainee.Enrolled, position: int) -> None:
    connection.execute(
        "INSERT INTO outcome_enrolments (cohort_id, person_ref, programme_code, enrolled_on,"
        " enrolled_at, enrolled_position)"
        " SELECT ?, person_ref, ?, ?, ?, ? FROM outcome_people WHERE trainee_id = ?",
        (
            event.cohort_id,
            event.programme_code,
            event.occurred_on.isoformat(),
            recorded_text(event.timestamp),
            position,
            event.originator_id.hex,
        ),
    )


def _left(connection: sqlite3.Connection, event: Trainee.Left, position: int) -> None:
    connection.execute(
        "UPDATE outcome_enrolments SET left_on = ?, left_at = ?, left_position = ?, reason = ?,"
        " final_result = ? WHERE cohort_id = ? AND person_ref ="
        " (SELECT person_ref FROM outcome_people WHERE trainee_id = ?)",
        (
            event.occurred_on.isoformat(),
            recorded_text(event.timestamp),
            position,
            event.reason.value,
            event.final_result.value if event.final_result else None,
            event.cohort_id,
            event.originator_id.hex,
        ),
    )


def _certified(
    connection: sqlite3.Connection, event: CertificationResultRecorded, position: int
) -> None:
    if event.passed:  # a failed attempt certifies nobody; only passes are kept
        _add_fact(connection, event, position, "certified", cohort_id=event.cohort_id)


def _started(
    connection: sqlite3.Connection, event: Hired | FurtherTrainingEntered, position: int
) -> None:
    kind = "hired" if isinstance(event, Hired) else "further_training"
    _add_fact(connection, event, position, kind, starts_on=event.starts_on.isoformat())


def _followed_up(connection: sqlite3.Connection, event: FollowUpRecorded, position: int) -> None:
    _add_fact(
        connection,
        event,
        position,
        "follow_up",
        cohort_id=event.cohort_id,
        status=event.status.value,
    )


def _add_fact(
    connection: sqlite3.Connection,
    event: Any,
    position: int,
    kind: str,
    *,
    cohort_id: str | None = None,
    status: str | None = None,
    starts_on: str | None = None,
) -> None:
    connection.execute(
        "INSERT INTO outcome_events (position, person_ref, kind, cohort_id, status,"
        " occurred_on, starts_on, recorded_at)"
        " SELECT ?, person_ref, ?, ?, ?, ?, ?, ? FROM outcome_people WHERE trainee_id = ?",
        (
            position,
            kind,
            cohort_id,
            status,
            event.occurred_on.isoformat(),
            starts_on,
            recorded_text(event.timestamp),
            event.originator_id.hex,
        ),
    )


Handler = Callable[[sqlite3.Connection, Any, int], None]
HANDLERS: tuple[tuple[type, Handler], ...] = (  # the most frequent first
    (Trainee.Enrolled, _enrolled),
    (Trainee.Left, _left),
    (Trainee.Registered, _registered),
    (CertificationResultRecorded, _certified),
    (Hired, _started),
    (FurtherTrainingEntered, _started),
    (FollowUpRecorded, _followed_up),
    (Programme.Launched, _launched),
    (Programme.CohortOpened, _cohort_opened),
)
