"""People over time: how many had enrolled, were in training and had left, day by day.

The audit pack charts these counts at each month's end. They follow the same
rules as the `enrolled` and `left` figures (a person once, a leaver when every
enrolment begun by that day has ended by it, on the occurred clock, from what
was recorded by `known_at`), from one read of the enrolments instead of one
full report per day.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from projections.outcomes import recorded_text
from projections.store import ViewStore


@dataclass(frozen=True)
class PeopleOn:
    day: date
    enrolled: int  # people with an enrolment begun by that day
    in_training: int  # of them, those with an enrolment still running that day
    left: int  # of them, those whose every enrolment begun by then had ended by then


@dataclass(frozen=True)
class _Span:
    enrolled_on: date
    left_on: date | None  # None: not ended (or its end not yet known)


def people_over_time(
    store: ViewStore, programme_code: str, days: Sequence[date], known_at: datetime
) -> list[PeopleOn]:
    """The counts on each of `days`, from the enrolments known at `known_at`."""
    known = recorded_text(known_at)
    spans: dict[str, list[_Span]] = defaultdict(list)
    for row in store.query(
        "SELECT person_ref, enrolled_on, left_on, left_at FROM outcome_enrolments"
        " WHERE programme_code = ? AND enrolled_at <= ?",
        (programme_code, known),
    ):
        left = row["left_on"] if row["left_on"] and row["left_at"] <= known else None
        spans[row["person_ref"]].append(
            _Span(
                date.fromisoformat(row["enrolled_on"]), date.fromisoformat(left) if left else None
            )
        )
    points = []
    for day in days:
        enrolled = left = 0
        for person in spans.values():
            begun = [s for s in person if s.enrolled_on <= day]
            if not begun:
                continue
            enrolled += 1
            left += all(s.left_on is not None and s.left_on <= day for s in begun)
        points.append(PeopleOn(day, enrolled, enrolled - left, left))
    return points


def month_ends(first: date, last: date) -> list[date]:
    """Every month's last day from `first`'s month to `last`'s, and `last` itself."""
    days, year, month = [], first.year, first.month
    while (year, month) < (last.year, last.month):
        days.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [*days, last]


def first_enrolment(store: ViewStore, programme_code: str) -> date | None:
    rows = store.query(
        "SELECT min(enrolled_on) AS first FROM outcome_enrolments WHERE programme_code = ?",
        (programme_code,),
    )
    return date.fromisoformat(rows[0]["first"]) if rows and rows[0]["first"] else None
