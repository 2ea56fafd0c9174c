"""Outcome figures of one programme, counted bitemporally from the outcome tables.

`as_of` (a day, occurred clock) keeps the facts that had happened in the world
by that day; `known_at` (a moment, recorded clock) keeps those we had recorded
by then — what an auditor recounting "what we knew that day" sees. The rules
themselves live in projections/outcome_definitions.py.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import msgspec

from domain.errors import NotFound
from projections.outcome_definitions import (
    COMPLETED,
    DEFINITIONS,
    DEFINITIONS_VERSION,
    IN_WORK_OR_TRAINING_6M,
    KEYS,
    Counted,
    EnrolmentFact,
    PersonFact,
    assess,
)
from projections.outcomes import recorded_text
from projections.store import ViewStore

UNKNOWN = "unknown"  # the breakdown value of a person who did not say


class Figure(msgspec.Struct, frozen=True):
    unit: str
    value: int
    rate: float | None  # value / denominator, a share 0–1 rounded to 4 places
    target: int | float | None
    denominator: int | None  # for rates: the leavers whose window has closed


class PartFigure(msgspec.Struct, frozen=True):
    value: int
    rate: float | None
    denominator: int | None


Parts = dict[str, PartFigure]  # figure key -> its value in one part of the programme


class OutcomeReport(msgspec.Struct, frozen=True):
    programme_id: str
    as_of: date
    known_at: datetime
    definitions_version: str
    figures: dict[str, Figure]
    by_cohort: dict[str, Parts]
    breakdowns: dict[str, dict[str, Parts]]  # job_centre | funder | gender | age_band
    simulated: bool = False  # set by the API from the catalogue: generated, not lived, data


class Evidence(msgspec.Struct, frozen=True):
    """One person a figure counts, and the log positions of the events that count them."""

    person_ref: str
    positions: tuple[int, ...]


@dataclass(frozen=True)
class _Person:
    person_ref: str
    referred_by: str | None
    gender: str | None
    age_band: str | None
    enrolments: tuple[EnrolmentFact, ...]
    facts: tuple[PersonFact, ...]


Assessment = dict[str, Counted]
DIMENSIONS: dict[str, Callable[[_Person], str | None]] = {
    "job_centre": lambda person: person.referred_by,
    "gender": lambda person: person.gender,
    "age_band": lambda person: person.age_band,
}


def figures(
    store: ViewStore,
    programme_code: str,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> OutcomeReport:
    """Every figure of the programme, per cohort and per breakdown; raises NotFound."""
    known_at = known_at or datetime.now(UTC)
    as_of = as_of or datetime.now(UTC).date()
    targets, funders = _programme(store, programme_code)
    people = _people(store, programme_code, as_of, known_at)
    assessed = {p.person_ref: assess(p.enrolments, p.facts, as_of) for p in people}
    totals = _parts(assessed.values())
    breakdowns = {"funder": dict.fromkeys(funders, totals)}
    for dimension, attribute in DIMENSIONS.items():
        groups: dict[str, list[Assessment]] = defaultdict(list)
        for person in people:
            groups[attribute(person) or UNKNOWN].append(assessed[person.person_ref])
        breakdowns[dimension] = {value: _parts(group) for value, group in sorted(groups.items())}
    return OutcomeReport(
        programme_id=programme_code,
        as_of=as_of,
        known_at=known_at,
        definitions_version=DEFINITIONS_VERSION,
        figures={
            d.key: Figure(
                d.unit.value,
                totals[d.key].value,
                totals[d.key].rate,
                targets.get(d.key),
                totals[d.key].denominator,
            )
            for d in DEFINITIONS
        },
        by_cohort=_by_cohort(store, programme_code, people, assessed, as_of, known_at),
        breakdowns=breakdowns,
    )


def evidence(
    store: ViewStore,
    programme_code: str,
    key: str,
    as_of: date | None = None,
    known_at: datetime | None = None,
    cohort_id: str | None = None,
) -> list[Evidence]:
    """The people a figure's value counts (in the programme, or in one cohort), by reference."""
    if key not in {d.key for d in DEFINITIONS}:
        raise NotFound(f"no outcome figure is called {key}")
    known_at = known_at or datetime.now(UTC)
    as_of = as_of or datetime.now(UTC).date()
    _programme(store, programme_code)
    found = []
    for person in _people(store, programme_code, as_of, known_at):
        enrolments = [e for e in person.enrolments if cohort_id in (None, e.cohort_id)]
        counted = assess(enrolments, person.facts, as_of)[key]
        if counted.counted:
            found.append(Evidence(person.person_ref, counted.positions))
    return found


def _by_cohort(
    store: ViewStore,
    programme_code: str,
    people: list[_Person],
    assessed: dict[str, Assessment],
    as_of: date,
    known_at: datetime,
) -> dict[str, Parts]:
    """Each cohort counts the people enrolled in it, with that enrolment alone.

    A person with one enrolment stands in their cohort as in the programme.
    """
    opened = store.query(
        "SELECT cohort_id FROM outcome_cohorts WHERE programme_code = ? AND opened_on <= ?"
        " AND opened_at <= ? ORDER BY starts_on, cohort_id",
        (programme_code, as_of.isoformat(), recorded_text(known_at)),
    )
    cohorts: dict[str, list[Assessment]] = {row["cohort_id"]: [] for row in opened}
    for person in people:
        for enrolment in person.enrolments:
            alone = assessed[person.person_ref] if len(person.enrolments) == 1 else None
            cohorts.setdefault(enrolment.cohort_id, []).append(
                alone or assess((enrolment,), person.facts, as_of)
            )
    return {cohort_id: _parts(assessments) for cohort_id, assessments in cohorts.items()}


def _parts(assessments: Iterable[Assessment]) -> Parts:
    values, eligible = dict.fromkeys(KEYS, 0), dict.fromkeys(KEYS, 0)
    for assessment in assessments:
        for key, counted in assessment.items():
            values[key] += counted.counted
            eligible[key] += counted.eligible
    parts = {}
    for d in DEFINITIONS:
        denominator = eligible[d.key] if d.denominator else None
        rate = round(values[d.key] / denominator, 4) if denominator else None
        parts[d.key] = PartFigure(values[d.key], rate, denominator)
    return parts


def _programme(store: ViewStore, programme_code: str) -> tuple[dict[str, int | float], list[str]]:
    """The programme's targets by figure key, and its funders in the order it lists them."""
    rows = store.query(
        "SELECT target_people_trained, target_rate FROM outcome_programmes"
        " WHERE programme_code = ?",
        (programme_code,),
    )
    if not rows:
        raise NotFound(f"no programme {programme_code}")
    targets: dict[str, int | float] = {}
    if rows[0]["target_people_trained"] is not None:
        targets[COMPLETED.key] = int(rows[0]["target_people_trained"])
    if rows[0]["target_rate"] is not None:
        targets[IN_WORK_OR_TRAINING_6M.key] = float(rows[0]["target_rate"])
    funders = store.query(
        "SELECT funder FROM outcome_funders WHERE programme_code = ? ORDER BY listed_order",
        (programme_code,),
    )
    return targets, [row["funder"] for row in funders]


def _people(
    store: ViewStore, programme_code: str, as_of: date, known_at: datetime
) -> list[_Person]:
    """The programme's people with their enrolments and facts as they stood on both clocks."""
    day, known = as_of.isoformat(), recorded_text(known_at)
    facts: dict[str, list[PersonFact]] = defaultdict(list)
    for row in store.query(
        "SELECT person_ref, kind, cohort_id, status, occurred_on, starts_on, position"
        " FROM outcome_events WHERE occurred_on <= ? AND recorded_at <= ? AND person_ref IN"
        " (SELECT person_ref FROM outcome_enrolments WHERE programme_code = ?)"
        " ORDER BY position",
        (day, known, programme_code),
    ):
        facts[row["person_ref"]].append(
            PersonFact(
                kind=row["kind"],
                occurred_on=date.fromisoformat(row["occurred_on"]),
                position=row["position"],
                cohort_id=row["cohort_id"],
                status=row["status"],
                starts_on=date.fromisoformat(row["starts_on"]) if row["starts_on"] else None,
            )
        )
    enrolments: dict[str, list[EnrolmentFact]] = defaultdict(list)
    attributes = {}
    for row in store.query(
        "SELECT e.person_ref, p.referred_by, p.gender, p.age_band, e.cohort_id, e.enrolled_on,"
        " e.enrolled_position, e.left_on, e.left_at, e.left_position, e.reason"
        " FROM outcome_enrolments e JOIN outcome_people p ON p.person_ref = e.person_ref"
        " WHERE e.programme_code = ? AND e.enrolled_on <= ? AND e.enrolled_at <= ?"
        " ORDER BY e.person_ref, e.enrolled_position",
        (programme_code, day, known),
    ):
        attributes[row["person_ref"]] = (row["referred_by"], row["gender"], row["age_band"])
        enrolments[row["person_ref"]].append(_enrolment(row, day, known))
    return [
        _Person(ref, *attributes[ref], tuple(enrolments[ref]), tuple(facts.get(ref, ())))
        for ref in attributes
    ]


def _enrolment(row: sqlite3.Row, day: str, known: str) -> EnrolmentFact:
    """An enrolment as known then: its exit counts only if it occurred and was recorded by then."""
    left = row["left_on"] is not None and row["left_on"] <= day and row["left_at"] <= known
    return EnrolmentFact(
        cohort_id=row["cohort_id"],
        enrolled_on=date.fromisoformat(row["enrolled_on"]),
        enrolled_position=row["enrolled_position"],
        left_on=date.fromisoformat(row["left_on"]) if left else None,
        left_position=row["left_position"] if left else None,
        reason=row["reason"] if left else None,
    )
