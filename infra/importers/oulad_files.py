"""The reference files of OULAD (presentations, assessments, registrations), read and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from domain.programme import PathStep, StepKind
from domain.values import Period, PersonalDetails
from infra.importers.csv_rows import ImportRowError, Row, read_rows

PRESENTATION = re.compile(r"^(\d{4})J$")  # October presentations only in this subset
ASSESSMENT_TYPES = {"TMA": "TMA", "CMA": "CMA", "Exam": "Exam"}


@dataclass(frozen=True)
class Presentation:
    row: Row
    cohort_id: str
    track: str
    period: Period

    def day(self, row: Row, column: str) -> date:
        """OULAD counts days from the presentation's start."""
        offset = row.integer(column)
        try:
            return self.period.starts_on + timedelta(days=offset)
        except OverflowError:
            raise row.error(
                f"{column}: {offset} days from {self.period.starts_on} is no date"
            ) from None


@dataclass(frozen=True)
class Registration:
    cohort_id: str
    student: str
    enrolled_on: date
    withdrawn_on: date | None

    @property
    def person_ref(self) -> str:
        return f"oulad-{self.student}"


def read_presentations(path: Path) -> dict[str, Presentation]:
    presentations = {}
    for row in read_rows(path, ("code_module", "code_presentation", "module_presentation_length")):
        module, code = row.text("code_module"), row.text("code_presentation")
        year = PRESENTATION.match(code)
        if not module or year is None:
            raise row.error(f"code_presentation: {code!r} is not an October presentation (YYYYJ)")
        length = row.integer("module_presentation_length")
        if length <= 0:
            raise row.error(f"module_presentation_length: {length} is not a number of days")
        starts_on = date(int(year.group(1)), 10, 1)
        cohort_id = f"{module}-{code}"
        presentations[cohort_id] = Presentation(
            row,
            cohort_id,
            f"OU module {module}",
            Period(starts_on, starts_on + timedelta(days=length)),
        )
    return presentations


def read_assessments(path: Path, presentations: dict[str, Presentation]) -> dict[str, str]:
    """Assessment id → the cohort it belongs to."""
    assessments = {}
    for row in read_rows(path, ("code_module", "code_presentation", "id_assessment")):
        cohort_id = _known_cohort(row, presentations)
        assessments[str(row.integer("id_assessment"))] = cohort_id
    return assessments


@dataclass(frozen=True)
class CohortPath:
    row: Row  # the cohort's first row in assessments.csv: where its errors point
    steps: tuple[PathStep, ...]


def read_paths(path: Path, presentations: dict[str, Presentation]) -> dict[str, CohortPath]:
    """Each cohort's required steps: its assessments by due date, undated ones (exams) last,
    in file order on the same day."""
    first_rows: dict[str, Row] = {}
    steps: dict[str, list[PathStep]] = {}
    lines: dict[str, int] = {}  # assessment id -> its line
    columns = ("code_module", "code_presentation", "id_assessment", "assessment_type", "date")
    for row in read_rows(path, (*columns, "weight")):
        cohort_id = _known_cohort(row, presentations)
        assessment = str(row.integer("id_assessment"))
        if assessment in lines:
            raise row.error(f"id_assessment: {assessment} is already on line {lines[assessment]}")
        lines[assessment] = row.line
        kind = row.choice("assessment_type", ASSESSMENT_TYPES)
        due_on = presentations[cohort_id].day(row, "date") if row.text("date") else None
        weight = row.optional_number("weight")
        title = f"{kind} {assessment}"
        first_rows.setdefault(cohort_id, row)
        steps.setdefault(cohort_id, []).append(
            PathStep(assessment, StepKind.ASSESSMENT, title, due_on, weight)
        )
    return {
        cohort_id: CohortPath(first_rows[cohort_id], tuple(sorted(path, key=_due)))
        for cohort_id, path in steps.items()
    }


def _due(step: PathStep) -> tuple[bool, date]:
    return step.due_on is None, step.due_on or date.min


def read_registrations(
    path: Path, presentations: dict[str, Presentation]
) -> dict[tuple[str, str], Registration]:
    registrations = {}
    columns = (
        "code_module",
        "code_presentation",
        "id_student",
        "date_registration",
        "date_unregistration",
    )
    for row in read_rows(path, columns):
        cohort_id = _known_cohort(row, presentations)
        presentation = presentations[cohort_id]
        student = str(row.integer("id_student"))
        withdrawn = row.text("date_unregistration")
        registrations[cohort_id, student] = Registration(
            cohort_id,
            student,
            presentation.day(row, "date_registration"),
            presentation.day(row, "date_unregistration") if withdrawn else None,
        )
    return registrations


def personal_details(row: Row) -> PersonalDetails:
    """The person's demographic attributes: personal data, kept in its own field."""
    band = row.text("imd_band")
    if band and not band.endswith("%"):
        band += "%"  # OULAD writes one band as "10-20"; the others as "20-30%"
    return PersonalDetails(
        gender=row.text("gender") or None,
        age_band=row.text("age_band") or None,
        region=row.text("region") or None,
        highest_education=row.text("highest_education") or None,
        deprivation_band=band or None,
        disability=_yes_no(row, "disability"),
    )


def _yes_no(row: Row, column: str) -> bool | None:
    value = row.text(column)
    if value == "":
        return None
    if value not in ("Y", "N"):
        raise row.error(f"{column}: {value!r} is neither Y nor N")
    return value == "Y"


def _known_cohort(row: Row, presentations: dict[str, Presentation]) -> str:
    cohort_id = f"{row.text('code_module')}-{row.text('code_presentation')}"
    if cohort_id not in presentations:
        raise row.error(f"{cohort_id} is not a presentation listed in courses.csv")
    return cohort_id


__all__ = ["ImportRowError", "Presentation", "Registration"]
