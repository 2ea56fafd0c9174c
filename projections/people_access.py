"""Who may see a trainee: their mentor, the job centre that referred them, and whether
their consents to share with that job centre and with employers are given right now.

Object-level access rules read this table rather than the log. It holds references
and flags only, no personal data. A consent withdrawn clears its flag; the
leaderboard consent is the leaderboard's business and is not kept here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from domain.coaching import MentorAssigned
from domain.trainee import Trainee
from domain.values import ConsentScope
from projections.store import ViewStore

SCHEMA = (
    # trainee_id: later events name the aggregate, not the person; it finds their row
    "CREATE TABLE IF NOT EXISTS people_access (person_ref TEXT PRIMARY KEY,"
    " trainee_id TEXT NOT NULL UNIQUE, referred_by TEXT, mentor_ref TEXT,"
    " shares_with_jobcentre BOOLEAN NOT NULL DEFAULT FALSE,"
    " shares_with_employers BOOLEAN NOT NULL DEFAULT FALSE)",
    "CREATE INDEX IF NOT EXISTS people_access_by_mentor ON people_access (mentor_ref)",
    "CREATE INDEX IF NOT EXISTS people_access_by_jobcentre ON people_access (referred_by)",
)
CONSENT_COLUMNS = {
    ConsentScope.SHARE_WITH_JOBCENTRE: "shares_with_jobcentre",
    ConsentScope.SHARE_WITH_EMPLOYERS: "shares_with_employers",
}


class PeopleAccess:
    """Applies events to `people_access`; the runner supplies the transaction."""

    name = "people_access"
    version = 1
    event_classes = (
        Trainee.Registered,
        MentorAssigned,
        Trainee.ConsentGiven,
        Trainee.ConsentWithdrawn,
    )
    tables = ("people_access",)

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO people_access (person_ref, trainee_id, referred_by) VALUES (?, ?, ?)",
                (event.person_ref, event.originator_id.hex, event.referred_by),
            )
        elif isinstance(event, MentorAssigned):
            self._update(connection, event, "mentor_ref = ?", event.mentor_ref)
        elif isinstance(event, Trainee.ConsentGiven | Trainee.ConsentWithdrawn):
            column = CONSENT_COLUMNS.get(event.scope)
            if column is not None:
                given = isinstance(event, Trainee.ConsentGiven)
                self._update(connection, event, f"{column} = ?", given)

    @staticmethod
    def _update(connection: sqlite3.Connection, event: Any, change: str, value: object) -> None:
        updated = connection.execute(
            f"UPDATE people_access SET {change} WHERE trainee_id = ?",
            (value, event.originator_id.hex),
        ).rowcount
        if updated != 1:
            raise RuntimeError(f"people_access: trainee {event.originator_id} was never registered")


@dataclass(frozen=True)
class PersonAccess:
    person_ref: str
    referred_by: str | None  # the referring job centre's code
    mentor_ref: str | None  # the mentor assigned last
    shares_with_jobcentre: bool  # consent given and not withdrawn since
    shares_with_employers: bool


def access_of(views: ViewStore, person_ref: str) -> PersonAccess | None:
    """Who may see the person; None for someone never registered."""
    rows = views.query(
        "SELECT person_ref, referred_by, mentor_ref, shares_with_jobcentre,"
        " shares_with_employers FROM people_access WHERE person_ref = ?",
        (person_ref,),
    )
    if not rows:
        return None
    row = rows[0]
    return PersonAccess(
        person_ref=row["person_ref"],
        referred_by=row["referred_by"],
        mentor_ref=row["mentor_ref"],
        shares_with_jobcentre=bool(row["shares_with_jobcentre"]),
        shares_with_employers=bool(row["shares_with_employers"]),
    )


def caseload(views: ViewStore, mentor_ref: str) -> list[str]:
    """The people whose current mentor is `mentor_ref`, by reference."""
    return _refs(views, "WHERE mentor_ref = ?", (mentor_ref,))


def referred_people(views: ViewStore, jobcentre: str, *, consenting_only: bool = True) -> list[str]:
    """The people the job centre referred, by reference; by default only those who
    consent to share with it now."""
    consenting = " AND shares_with_jobcentre" if consenting_only else ""
    return _refs(views, f"WHERE referred_by = ?{consenting}", (jobcentre,))


def all_person_refs(views: ViewStore) -> list[str]:
    """Every registered person, by reference."""
    return _refs(views, "", ())


def _refs(views: ViewStore, where: str, params: tuple[object, ...]) -> list[str]:
    rows = views.query(f"SELECT person_ref FROM people_access {where} ORDER BY person_ref", params)
    return [str(row["person_ref"]) for row in rows]
