"""Outcome figures of one programme, counted bitemporally from the outcome tables.

`as_of` (a day, occurred clock) keeps the facts that had happened in the world
by that day; `known_at` (a moment, recorded clock) keeps those we had recorded
by then — what an auditor recounting "what we knew that day" sees. The rules
themselves live in projections/outcome_definitions.py, in versions: a report is
counted under one of them (the current one unless asked) and names it.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import msgspec

from domain.errors import NotFound
from projections.outcome_definitions import (
    CURRENT,
    Counted,
    DefinitionSet,
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
    value: int | None  # None: a small cell withheld from a reader of published figures
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


@dataclass(frozen=True)
class _Reading:
    """What a report is counted from, whichever the version."""

    programme_code: str
    as_of: date
    known_at: datetime
    targets: dict[str, int | float]
    funders: list[str]
    people: list[_Person]
    cohorts: list[str]  # opened by then, in order of start


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
    definitions: DefinitionSet = CURRENT,
) -> OutcomeReport:
    """Every figure of the programme, per cohort and per breakdown; raises NotFound."""
    return figures_under(store, programme_code, (definitions,), as_of, known_at)[0]


def figures_under(
    store: ViewStore,
    programme_code: str,
    versions: Sequence[DefinitionSet],
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> list[OutcomeReport]:
    """One report per definitions version, from a single reading of the programme's rows
    (reading is most of the cost); raises NotFound."""
    known_at = known_at or datetime.now(UTC)
    as_of = as_of or datetime.now(UTC).date()
    targets, funders = _programme(store, programme_code)
    reading = _Reading(
        programme_code,
        as_of,
        known_at,
        targets,
        funders,
        _people(store, programme_code, as_of, known_at),
        _opened_cohorts(store, programme_code, as_of, known_at),
    )
    return [_report(reading, definitions) for definitions in versions]


def _report(reading: _Reading, definitions: DefinitionSet) -> OutcomeReport:
    people, rules = reading.people, definitions.rules
    assessed = {p.person_ref: assess(p.enrolments, p.facts, reading.as_of, rules) for p in people}
    totals = _parts(assessed.values(), definitions)
    breakdowns = {"funder": dict.fromkeys(reading.funders, totals)}
    for dimension, attribute in DIMENSIONS.items():
        groups: dict[str, list[Assessment]] = defaultdict(list)
        for person in people:
            groups[attribute(person) or UNKNOWN].append(assessed[person.person_ref])
        breakdowns[dimension] = {
            value: _parts(group, definitions) for value, group in sorted(groups.items())
        }
    return OutcomeReport(
        programme_id=reading.programme_code,
        as_of=reading.as_of,
        known_at=reading.known_at,
        definitions_version=definitions.version,
        figures={
            d.key: Figure(
                d.unit.value,
                totals[d.key].value or 0,  # counted here, never withheld
                totals[d.key].rate,
                reading.targets.get(d.target) if d.target else None,
                totals[d.key].denominator,
            )
            for d in definitions.definitions
        },
        by_cohort=_by_cohort(reading, assessed, definitions),
        breakdowns=breakdowns,
    )


SMALL_CELL = 5  # parts counting fewer people than this are withheld from published figures
WITHHELD = PartFigure(None, None, None)


def published(report: OutcomeReport) -> OutcomeReport:
    """The figures for readers who may not see every person counted (mentors, job
    centres): the programme's totals whole, but no breakdown by job centre — a centre
    would learn about the people it referred who did not consent (its summary counts the
    consenting ones) — and every part of a cohort or breakdown counting 1 to 4 people,
    in its value or its denominator, withheld."""

    def part(figure: PartFigure) -> PartFigure:
        small = [n for n in (figure.value, figure.denominator) if n and n < SMALL_CELL]
        return WITHHELD if small else figure

    def parts(group: Parts) -> Parts:
        return {key: part(figure) for key, figure in group.items()}

    return msgspec.structs.replace(
        report,
        by_cohort={cohort: parts(group) for cohort, group in report.by_cohort.items()},
        breakdowns={
            dimension: {value: parts(group) for value, group in groups.items()}
            for dimension, groups in report.breakdowns.items()
            if dimension != "job_centre"
        },
    )


def evidence(
    store: ViewStore,
    programme_code: str,
    key: str,
    as_of: date | None = None,
    known_at: datetime | None = None,
    cohort_id: str | None = None,
    definitions: DefinitionSet = CURRENT,
) -> list[Evidence]:
    """The people a figure's value counts (in the programme, or in one cohort), by reference."""
    if key not in definitions.keys:
        raise NotFound(f"no outcome figure is called {key}")
    known_at = known_at or datetime.now(UTC)
    as_of = as_of or datetime.now(UTC).date()
    _programme(store, programme_code)
    found = []
    for person in _people(store, programme_code, as_of, known_at):
        enrolments = [e for e in person.enrolments if cohort_id in (None, e.cohort_id)]
        counted = assess(enrolments, person.facts, as_of, definitions.rules)[key]
        if counted.counted:
            found.append(Evidence(person.person_ref, counted.positions))
    return found


def _opened_cohorts(
    store: ViewStore, programme_code: str, as_of: date, known_at: datetime
) -> list[str]:
    """The programme's cohorts opened by then, in order of start."""
    opened = store.query(
        "SELECT cohort_id FROM outcome_cohorts WHERE programme_code = ? AND opened_on <= ?"
        " AND opened_at <= ? ORDER BY starts_on, cohort_id",
        (programme_code, as_of.isoformat(), recorded_text(known_at)),
    )
    return [row["cohort_id"] for row in opened]


def _by_cohort(
    reading: _Reading, assessed: dict[str, Assessment], definitions: DefinitionSet
) -> dict[str, Parts]:
    """Each cohort counts the people enrolled in it, with that enrolment alone.

    A person with one enrolment stands in their cohort as in the programme.
    """
    cohorts: dict[str, list[Assessment]] = {cohort_id: [] for cohort_id in reading.cohorts}
    for person in reading.people:
        for enrolment in person.enrolments:
            alone = assessed[person.person_ref] if len(person.enrolments) == 1 else None
            cohorts.setdefault(enrolment.cohort_id, []).append(
                alone or assess((enrolment,), person.facts, reading.as_of, definitions.rules)
            )
    return {
        cohort_id: _parts(assessments, definitions) for cohort_id, assessments in cohorts.items()
    }


def _parts(assessments: Iterable[Assessment], definitions: DefinitionSet) -> Parts:
    keys = definitions.keys
    values, eligible = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)
    for assessment in assessments:
        for key in keys:
            counted = assessment[key]
            values[key] += counted.counted
            eligible[key] += counted.eligible
    parts = {}
    for d in definitions.definitions:
        denominator = eligible[d.key] if d.denominator else None
        rate = round(values[d.key] / denominator, 4) if denominator else None
        parts[d.key] = PartFigure(values[d.key], rate, denominator)
    return parts


def _programme(store: ViewStore, programme_code: str) -> tuple[dict[str, int | float], list[str]]:
    """The programme's targets by name (`Programme.Launched.targets`, as a definition's
    `target` names them), and its funders in the order it lists them."""
    rows = store.query(
        "SELECT target_people_trained, target_rate FROM outcome_programmes"
        " WHERE programme_code = ?",
        (programme_code,),
    )
    if not rows:
        raise NotFound(f"no programme {programme_code}")
    targets: dict[str, int | float] = {}
    if rows[0]["target_people_trained"] is not None:
        targets["people_trained"] = int(rows[0]["target_people_trained"])
    if rows[0]["target_rate"] is not None:
        targets["in_work_or_training_6m_rate"] = float(rows[0]["target_rate"])
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
