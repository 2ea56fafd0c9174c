"""Job offers as trainees browse them: open offers with their employer's public name, and
who applied, filtered by the trainee's track through the ROME codes of its careers.

The employer's name is the organisation's (public); the contact person's details
are never copied here. Ranked matching comes with the employers' tools: this is a
plain filter.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from domain.placement import ApplicationMade, Employer, JobOffer
from domain.trainee import Trainee
from domain.values import ContractType
from projections.store import ViewStore

# France Travail's ROME codes of the jobs each ORT career leads to (a cohort's `track`);
# the simulator posts its offers from this same table.
TRACK_ROME: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "developer": ("M1805", "M1810"),  # études et développement informatique; exploitation
        "analyst": ("M1403", "M1805"),  # études et prospectives socio-économiques
        "consultant": ("M1806",),  # conseil et maîtrise d'ouvrage en systèmes d'information
        "project manager": ("M1806", "M1803"),  # direction des systèmes d'information
        "community manager": ("E1101",),  # animation de site multimédia
        "digital brand manager": ("M1705", "E1101"),  # marketing
        "digital analyst": ("M1403", "M1705"),
        "web marketer": ("M1705",),
    }
)
OTHER_TRACK_ROME = ("M1810",)  # a track not listed: digital support jobs
SHOWN = 50  # offers on one page, newest first

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS job_offer_employers (employer_ref TEXT PRIMARY KEY,"
    " name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS job_offers (offer_ref TEXT PRIMARY KEY,"
    " offer_id TEXT NOT NULL UNIQUE, employer_ref TEXT NOT NULL, title TEXT NOT NULL,"
    " rome_code TEXT NOT NULL, skills TEXT NOT NULL, contract TEXT NOT NULL,"
    " place TEXT NOT NULL, posted_on TEXT NOT NULL, closed_on TEXT)",
    "CREATE INDEX IF NOT EXISTS job_offers_open_by_rome ON job_offers (rome_code, closed_on)",
    "CREATE TABLE IF NOT EXISTS job_offer_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS job_offer_applications (offer_ref TEXT NOT NULL,"
    " person_ref TEXT NOT NULL, applied_on TEXT NOT NULL, PRIMARY KEY (person_ref, offer_ref))",
)


def rome_codes_of(track: str | None) -> tuple[str, ...]:
    return TRACK_ROME.get(track or "", OTHER_TRACK_ROME)


class JobOffers:
    """Applies placement events to the `job_offer*` tables; the runner supplies the transaction."""

    name = "job_offers"
    version = 1
    event_classes = (
        Employer.Registered,
        JobOffer.Posted,
        JobOffer.Closed,
        Trainee.Registered,
        ApplicationMade,
    )
    tables = ("job_offer_employers", "job_offers", "job_offer_people", "job_offer_applications")

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, Employer.Registered):
            connection.execute(
                "INSERT INTO job_offer_employers (employer_ref, name) VALUES (?, ?)",
                (event.employer_ref, event.name),
            )
        elif isinstance(event, JobOffer.Posted):
            connection.execute(
                "INSERT INTO job_offers (offer_ref, offer_id, employer_ref, title, rome_code,"
                " skills, contract, place, posted_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event.offer_ref, event.originator_id.hex, event.employer_ref, event.title,
                 event.rome_code, json.dumps(list(event.skills), ensure_ascii=False),
                 event.contract.value, event.place, event.occurred_on.isoformat()),
            )  # fmt: skip
        elif isinstance(event, JobOffer.Closed):
            connection.execute(
                "UPDATE job_offers SET closed_on = ? WHERE offer_id = ?",
                (event.occurred_on.isoformat(), event.originator_id.hex),
            )
        elif isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO job_offer_people (trainee_id, person_ref) VALUES (?, ?)",
                (event.originator_id.hex, event.person_ref),
            )
        elif isinstance(event, ApplicationMade):
            connection.execute(
                "INSERT INTO job_offer_applications (offer_ref, person_ref, applied_on)"
                " SELECT ?, person_ref, ? FROM job_offer_people WHERE trainee_id = ?",
                (event.offer_ref, event.occurred_on.isoformat(), event.originator_id.hex),
            )


@dataclass(frozen=True)
class OfferView:
    offer_ref: str  # what `apply_for_offer` takes
    title: str
    employer_ref: str
    employer_name: str  # the organisation's public name
    rome_code: str
    skills: tuple[str, ...]
    contract: ContractType
    place: str
    posted_on: date
    applied: bool  # the person asked about has applied for it


def offers_for(
    views: ViewStore, person_ref: str, track: str | None, *, limit: int = SHOWN
) -> list[OfferView]:
    """Open offers whose ROME code belongs to `track`, newest first, each saying whether
    `person_ref` applied. A track missing from `TRACK_ROME` (or None) gets the
    digital-support jobs (`OTHER_TRACK_ROME`), as the simulator does."""
    codes = rome_codes_of(track)
    rows = views.query(
        "SELECT o.offer_ref, o.title, o.employer_ref, e.name AS employer_name, o.rome_code,"
        " o.skills, o.contract, o.place, o.posted_on, a.applied_on IS NOT NULL AS applied"
        " FROM job_offers o JOIN job_offer_employers e ON e.employer_ref = o.employer_ref"
        " LEFT JOIN job_offer_applications a ON a.offer_ref = o.offer_ref AND a.person_ref = ?"
        f" WHERE o.closed_on IS NULL AND o.rome_code IN ({','.join('?' * len(codes))})"
        " ORDER BY o.posted_on DESC, o.offer_ref LIMIT ?",
        (person_ref, *codes, limit),
    )
    return [_offer(row) for row in rows]


def _offer(row: sqlite3.Row) -> OfferView:
    return OfferView(
        offer_ref=row["offer_ref"],
        title=row["title"],
        employer_ref=row["employer_ref"],
        employer_name=row["employer_name"],
        rome_code=row["rome_code"],
        skills=tuple(json.loads(row["skills"])),
        contract=ContractType(row["contract"]),
        place=row["place"],
        posted_on=date.fromisoformat(row["posted_on"]),
        applied=bool(row["applied"]),
    )
