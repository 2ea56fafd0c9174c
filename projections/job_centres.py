"""The registered job centres, by code, for `tremplin jobcentres list` and the centres' feeds.

Whether a code may be named (in a referral, an account, a key) is decided on the
aggregates, never here: this view only lists the centres and gives their names.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.jobcentres import JobCentre
from projections.store import ViewStore

SCHEMA = (
    # centre_id: a rename names the aggregate, not the code; it finds the row
    "CREATE TABLE IF NOT EXISTS job_centres (code TEXT PRIMARY KEY,"
    " centre_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, registered_on TEXT NOT NULL,"
    " position INTEGER NOT NULL)",
)


@dataclass(frozen=True)
class JobCentreRow:
    code: str
    name: str  # as last renamed
    registered_on: date  # when the centre was registered (the occurred clock)
    position: int  # the log position of its registration


class JobCentres:
    """Applies job centre events to `job_centres`; the runner supplies the transaction."""

    name = "job_centres"
    version = 1
    event_classes = (JobCentre.Registered, JobCentre.Renamed)
    tables = ("job_centres",)

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, JobCentre.Registered):
            connection.execute(
                "INSERT INTO job_centres (code, centre_id, name, registered_on, position)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    event.code,
                    event.originator_id.hex,
                    event.name,
                    event.occurred_on.isoformat(),
                    position,
                ),
            )
        elif isinstance(event, JobCentre.Renamed):
            renamed = connection.execute(
                "UPDATE job_centres SET name = ? WHERE centre_id = ?",
                (event.name, event.originator_id.hex),
            ).rowcount
            if renamed != 1:
                raise RuntimeError(
                    f"job_centres: centre {event.originator_id} was never registered"
                )


def job_centres(views: ViewStore) -> list[JobCentreRow]:
    """Every registered centre, by code."""
    return [
        JobCentreRow(
            row["code"],
            row["name"],
            date.fromisoformat(row["registered_on"]),
            int(row["position"]),
        )
        for row in views.query(
            "SELECT code, name, registered_on, position FROM job_centres ORDER BY code"
        )
    ]


def job_centre_name(views: ViewStore, code: str) -> str | None:
    """The centre's name as it stands in the view; None for a code never registered."""
    rows = views.query("SELECT name FROM job_centres WHERE code = ?", (code,))
    return str(rows[0]["name"]) if rows else None


def referral_counts(views: ViewStore) -> dict[str, tuple[int, int]]:
    """Job centre code → (people it referred, of whom share with it now), from the
    people_access view (PeopleAccess owns that table; this only reads it)."""
    rows = views.query(
        "SELECT referred_by, COUNT(*) AS referred,"
        " SUM(CASE WHEN shares_with_jobcentre THEN 1 ELSE 0 END) AS consenting"
        " FROM people_access WHERE referred_by IS NOT NULL GROUP BY referred_by"
    )
    return {str(row["referred_by"]): (int(row["referred"]), int(row["consenting"])) for row in rows}
