"""A small OULAD-shaped folder cut from data/oulad, and what recording it must give.

The full import takes seconds; these tests need a few dozen students, picked by
key so the four student files agree with one another: the first rows of every
cohort, one student in two cohorts, one who unregistered mid-course and one
with an unmarked submission. The expected figures are counted here from the
small CSV files themselves, not by Tremplin's importer.
"""

from __future__ import annotations

import csv
import shutil
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

OULAD = Path(__file__).resolve().parents[2] / "data" / "oulad"
ORT_PROGRAMME = OULAD.parent / "programmes" / "ort-france-2017-2018.toml"
ROWS_PER_COHORT = 3
TWO_COHORTS_STUDENT = "111926"  # in DDD-2013J and DDD-2014J
UNREGISTERED = ("BBB-2013J", "554243")  # unregistered on day 166, result Fail
UNMARKED = ("AAA-2014J", "2606802")  # a submission without a score
Key = tuple[str, str]  # (cohort id, id_student)


@dataclass(frozen=True)
class OuladSample:
    directory: Path
    cohorts: tuple[str, ...]  # as courses.csv lists them
    enrolled: dict[str, int]
    completed: dict[str, int]
    left_early: dict[str, int]
    students: int
    submissions: int

    @property
    def commands(self) -> int:
        """One launch, per cohort an opening and its path, one registration per person, then
        per row of studentInfo.csv an enrolment and a leaving, and one per submission."""
        enrolments = sum(self.enrolled.values())
        leavings = enrolments
        cohorts = 2 * len(self.cohorts)
        return 1 + cohorts + self.students + enrolments + self.submissions + leavings

    @property
    def events(self) -> int:
        """Each command records its event and the command's record; opening a cohort
        also claims the cohort id across programmes."""
        return 2 * self.commands + len(self.cohorts)

    def rows(self, name: str) -> list[dict[str, str]]:
        return _read(self.directory / name)


def ort_programme_events() -> int:
    """What loading the ORT file records: each command (launch, milestones declared and
    completed, cohorts opened, paths defined) as its event and the command's record, plus
    cohort claims."""
    spec = tomllib.loads(ORT_PROGRAMME.read_text(encoding="utf-8"))
    milestones = spec.get("milestones", [])
    done = [m for m in milestones if "completed_on" in m]
    cohorts = spec.get("cohorts", [])
    paths = [c for c in cohorts if c.get("steps")]
    return 2 * (1 + len(milestones) + len(done) + len(paths)) + 3 * len(cohorts)


def build_oulad_sample(directory: Path) -> OuladSample:
    """Write the small folder into `directory` and count what it holds."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("courses.csv", "assessments.csv"):
        shutil.copyfile(OULAD / name, directory / name)
    info = _read(OULAD / "studentInfo.csv")
    keys = _chosen_keys(info)
    info = [row for row in info if _key(row) in keys]
    registrations = [r for r in _read(OULAD / "studentRegistration.csv") if _key(r) in keys]
    cohort_of = {r["id_assessment"]: _cohort(r) for r in _read(OULAD / "assessments.csv")}
    submissions = [
        r
        for r in _read(OULAD / "studentAssessment.csv")
        if (cohort_of[r["id_assessment"]], r["id_student"]) in keys
    ]
    _write(directory / "studentInfo.csv", info)
    _write(directory / "studentRegistration.csv", registrations)
    _write(directory / "studentAssessment.csv", submissions)
    return _count(directory, info, registrations, submissions)


def rewrite_cell(path: Path, line: int, column: str, value: str) -> None:
    """Change one cell of a CSV file; `line` counts the header as line 1."""
    rows = _read(path)
    rows[line - 2][column] = value
    _write(path, rows)


def _chosen_keys(info: list[dict[str, str]]) -> set[Key]:
    per_cohort: Counter[str] = Counter()
    keys: set[Key] = set()
    for row in info:
        cohort = _cohort(row)
        if per_cohort[cohort] < ROWS_PER_COHORT:
            per_cohort[cohort] += 1
            keys.add(_key(row))
    keys |= {_key(row) for row in info if row["id_student"] == TWO_COHORTS_STUDENT}
    return keys | {UNREGISTERED, UNMARKED}


def _count(
    directory: Path,
    info: list[dict[str, str]],
    registrations: list[dict[str, str]],
    submissions: list[dict[str, str]],
) -> OuladSample:
    unregistered = {_key(r) for r in registrations if r["date_unregistration"]}
    finished = {
        _key(r)
        for r in info
        if r["final_result"] in ("Pass", "Distinction") and _key(r) not in unregistered
    }
    cohorts = tuple(_cohort(r) for r in _read(directory / "courses.csv"))
    enrolled = Counter(_cohort(r) for r in info)
    completed = Counter(_cohort(r) for r in info if _key(r) in finished)
    return OuladSample(
        directory=directory,
        cohorts=cohorts,
        enrolled={c: enrolled[c] for c in cohorts},
        completed={c: completed[c] for c in cohorts},
        left_early={c: enrolled[c] - completed[c] for c in cohorts},
        students=len({r["id_student"] for r in info}),
        submissions=len(submissions),
    )


def oulad_rows(name: str) -> list[dict[str, str]]:
    """The rows of one file of the full OULAD subset in data/oulad."""
    return _read(OULAD / name)


def cohort_of(row: dict[str, str]) -> str:
    """The cohort id of a studentInfo/Registration or assessments row: AAA-2013J."""
    return _cohort(row)


def _cohort(row: dict[str, str]) -> str:
    return f"{row['code_module']}-{row['code_presentation']}"


def _key(row: dict[str, str]) -> Key:
    return _cohort(row), row["id_student"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
