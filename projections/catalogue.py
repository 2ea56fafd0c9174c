"""The catalogue: programmes and their cohorts, with simple head counts."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from domain.programme import Programme
from domain.trainee import Trainee
from domain.values import LeftReason
from projections.store import ViewStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS catalogue_programmes (programme_id TEXT PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, funders TEXT NOT NULL,"
    " starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, target_trained INTEGER, target_rate REAL,"
    " simulated BOOLEAN NOT NULL DEFAULT FALSE)",
    "CREATE TABLE IF NOT EXISTS catalogue_cohorts (cohort_id TEXT PRIMARY KEY,"
    " programme_code TEXT NOT NULL, track TEXT NOT NULL, starts_on TEXT NOT NULL,"
    " ends_on TEXT NOT NULL, enrolled INTEGER NOT NULL DEFAULT 0,"
    " completed INTEGER NOT NULL DEFAULT 0, left_early INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS catalogue_cohorts_by_programme"
    " ON catalogue_cohorts (programme_code, starts_on)",
)


class Catalogue:
    """Applies events to the catalogue tables; the runner supplies the transaction."""

    name = "catalogue"
    version = 1
    event_classes = (
        Programme.Launched,
        Programme.SimulatedHistoryAdded,
        Programme.CohortOpened,
        Trainee.Enrolled,
        Trainee.Left,
    )
    tables = ("catalogue_programmes", "catalogue_cohorts")

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)
        columns = connection.execute("SELECT * FROM catalogue_programmes WHERE 1 = 0").description
        if "simulated" not in {column[0] for column in columns}:  # a view from before the flag
            connection.execute(
                "ALTER TABLE catalogue_programmes"
                " ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE"
            )

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, Programme.Launched):
            targets = event.targets
            connection.execute(
                "INSERT INTO catalogue_programmes (programme_id, code, name, funders, starts_on,"
                " ends_on, target_trained, target_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event.originator_id.hex,
                    event.code,
                    event.name,
                    json.dumps(list(event.funders)),
                    event.period.starts_on.isoformat(),
                    event.period.ends_on.isoformat(),
                    targets.people_trained,
                    targets.in_work_or_training_6m_rate,
                ),
            )
        elif isinstance(event, Programme.SimulatedHistoryAdded):
            connection.execute(
                "UPDATE catalogue_programmes SET simulated = TRUE WHERE programme_id = ?",
                (event.originator_id.hex,),
            )
        elif isinstance(event, Programme.CohortOpened):
            connection.execute(
                "INSERT INTO catalogue_cohorts"
                " (cohort_id, programme_code, track, starts_on, ends_on)"
                " SELECT ?, code, ?, ?, ? FROM catalogue_programmes WHERE programme_id = ?",
                (
                    event.cohort_id,
                    event.track,
                    event.period.starts_on.isoformat(),
                    event.period.ends_on.isoformat(),
                    event.originator_id.hex,
                ),
            )
        elif isinstance(event, Trainee.Enrolled):
            connection.execute(
                "UPDATE catalogue_cohorts SET enrolled = enrolled + 1 WHERE cohort_id = ?",
                (event.cohort_id,),
            )
        elif isinstance(event, Trainee.Left):
            column = "completed" if event.reason is LeftReason.COMPLETED else "left_early"
            connection.execute(
                f"UPDATE catalogue_cohorts SET {column} = {column} + 1 WHERE cohort_id = ?",
                (event.cohort_id,),
            )


@dataclass(frozen=True)
class CohortSummary:
    cohort_id: str
    track: str
    starts_on: str
    ends_on: str
    enrolled: int
    completed: int
    left_early: int


@dataclass(frozen=True)
class ProgrammeSummary:
    code: str
    name: str
    funders: list[str]
    starts_on: str
    ends_on: str
    target_trained: int | None
    target_rate: float | None
    enrolled: int  # enrolments, over all cohorts
    cohorts: list[CohortSummary]
    simulated: bool  # part of its history was generated (`tremplin simulate`), not lived


def programmes(store: ViewStore) -> list[ProgrammeSummary]:
    """Every programme with its cohorts, by start date."""
    cohorts: dict[str, list[CohortSummary]] = {}
    for row in store.query(
        "SELECT programme_code, cohort_id, track, starts_on, ends_on, enrolled, completed,"
        " left_early FROM catalogue_cohorts ORDER BY programme_code, starts_on, cohort_id"
    ):
        cohorts.setdefault(row["programme_code"], []).append(CohortSummary(*tuple(row)[1:]))
    return [
        ProgrammeSummary(
            code=row["code"],
            name=row["name"],
            funders=json.loads(row["funders"]),
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            target_trained=row["target_trained"],
            target_rate=row["target_rate"],
            enrolled=sum(c.enrolled for c in cohorts.get(row["code"], [])),
            cohorts=cohorts.get(row["code"], []),
            simulated=bool(row["simulated"]),
        )
        for row in store.query(
            "SELECT code, name, funders, starts_on, ends_on, target_trained, target_rate,"
            " simulated FROM catalogue_programmes ORDER BY starts_on DESC"
        )
    ]
