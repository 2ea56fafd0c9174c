"""Replays the Open University Learning Analytics Dataset through Tremplin's commands.

Mapping (see docs/decisions/0003-oulad-import.md): cohort = module-presentation,
presentation `YYYYJ` starts on YYYY-10-01; person = id_student; days are
offsets from the presentation's start. Every row has a command id, so a rerun
records nothing twice and continues after the row that stopped it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.application import CommandResult, Tremplin
from domain.errors import CommandConflict, DomainError
from domain.ids import command_record_id, programme_id, trainee_id
from domain.programme import Targets
from domain.values import FinalResult, LeftReason, Period
from infra.importers.csv_rows import ImportRowError, Row, read_rows
from infra.importers.oulad_files import (
    CohortPath,
    Presentation,
    Registration,
    personal_details,
    read_assessments,
    read_paths,
    read_presentations,
    read_registrations,
)

PROGRAMME = "oulad"
FINAL_RESULTS = {
    "Distinction": FinalResult.DISTINCTION,
    "Pass": FinalResult.PASS,
    "Fail": FinalResult.FAIL,
}
INFO_COLUMNS = (
    "code_module",
    "code_presentation",
    "id_student",
    "gender",
    "region",
    "highest_education",
    "imd_band",
    "age_band",
    "disability",
    "final_result",
)
SUBMISSION_COLUMNS = ("id_assessment", "id_student", "date_submitted", "is_banked", "score")


@dataclass(frozen=True)
class Step:
    """One application command of the import, tied to the row it comes from."""

    row: Row | None
    command_id: str
    reads: tuple[UUID, ...]  # aggregates it loads, read ahead in bulk
    command: str  # the name of the Tremplin method
    args: tuple[Any, ...]
    occurred_on: date

    def run(self, app: Tremplin) -> CommandResult:
        method: Callable[..., CommandResult] = getattr(app, self.command)
        return method(*self.args, occurred_on=self.occurred_on, command_id=self.command_id)


@dataclass
class ImportReport:
    commands: int = 0
    replayed: int = 0  # already recorded by an earlier run (or a concurrent one)
    events_recorded: int = 0  # by this run's own commands
    per_file: dict[str, int] = field(default_factory=dict)

    def add(self, other: ImportReport) -> None:
        self.commands += other.commands
        self.replayed += other.replayed
        self.events_recorded += other.events_recorded
        for name, count in other.per_file.items():
            self.per_file[name] = self.per_file.get(name, 0) + count


def import_oulad(
    app: Tremplin,
    directory: Path,
    *,
    chunk_size: int = 20_000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the dataset; raises ImportRowError at the first row that cannot be recorded."""
    presentations = read_presentations(directory / "courses.csv")
    assessments = read_assessments(directory / "assessments.csv", presentations)
    paths = read_paths(directory / "assessments.csv", presentations)
    registrations = read_registrations(directory / "studentRegistration.csv", presentations)
    report = ImportReport()
    steps = _all_steps(directory, presentations, paths, assessments, registrations)
    while True:
        chunk, unreadable = _take(steps, chunk_size)
        _run_chunk(app, chunk, report)  # the rows before an unreadable one are recorded
        if on_progress:
            on_progress(len(chunk))
        if unreadable is not None:
            raise unreadable
        if len(chunk) < chunk_size:
            break
    return report


def _take(steps: Iterator[Step], size: int) -> tuple[list[Step], ImportRowError | None]:
    chunk: list[Step] = []
    try:
        chunk.extend(islice(steps, size))
    except ImportRowError as error:
        return chunk, error
    return chunk, None


def _run_chunk(app: Tremplin, chunk: list[Step], report: ImportReport) -> None:
    if not chunk:
        return
    done = ImportReport()
    try:
        with app.batch() as saved:
            _prefetch(app, chunk)
            failure = _run_steps(app, chunk, done)
        done.events_recorded = saved.events
    except IntegrityError:
        # Another writer touched one of our aggregates meanwhile: redo the chunk
        # one command at a time; commands already recorded are recognised.
        done = ImportReport()
        failure = _run_steps(app, chunk, done)
    report.add(done)
    if failure is not None:
        raise failure


def _run_steps(app: Tremplin, steps: list[Step], report: ImportReport) -> ImportRowError | None:
    for step in steps:
        try:
            result = step.run(app)
        except CommandConflict:
            return _where(step).error(
                f"{step.command_id} was already imported with other values"
                " (a duplicate row, or a row edited since)"
            )
        except DomainError as error:
            return _where(step).error(str(error))
        report.commands += 1
        report.replayed += result.replayed
        report.events_recorded += result.recorded
        if step.row is not None:
            report.per_file[step.row.file] = report.per_file.get(step.row.file, 0) + 1
    return None


def _where(step: Step) -> Row:
    """The row a step comes from; the programme's own step stands for courses.csv."""
    return step.row or Row("courses.csv", 1, {})


def _prefetch(app: Tremplin, chunk: list[Step]) -> None:
    """Read what the chunk needs in a few queries; a rerun reads only the command records."""
    records = {step.command_id: command_record_id(step.command_id) for step in chunk}
    app.prefetch(records.values())
    to_run = [step for step in chunk if app.load(records[step.command_id]) is None]
    app.prefetch({programme_id(PROGRAMME)}.union(*(step.reads for step in to_run)))


def _all_steps(
    directory: Path,
    presentations: dict[str, Presentation],
    paths: dict[str, CohortPath],
    assessments: dict[str, str],
    registrations: dict[tuple[str, str], Registration],
) -> Iterator[Step]:
    yield from _programme_steps(presentations, paths, registrations)
    yield from _enrolment_steps(directory / "studentInfo.csv", registrations)
    yield from _submission_steps(
        directory / "studentAssessment.csv", presentations, assessments, registrations
    )
    yield from _leaving_steps(directory / "studentInfo.csv", presentations, registrations)


def _programme_steps(
    presentations: dict[str, Presentation],
    paths: dict[str, CohortPath],
    registrations: dict[tuple[str, str], Registration],
) -> Iterator[Step]:
    first_day: dict[str, date] = {}
    for (cohort_id, _), registration in registrations.items():
        first_day[cohort_id] = min(
            first_day.get(cohort_id, registration.enrolled_on), registration.enrolled_on
        )
    starts = min(p.period.starts_on for p in presentations.values())
    period = Period(starts, max(p.period.ends_on for p in presentations.values()))
    launched_on = min([starts, *first_day.values()])
    name = "Open University Learning Analytics Dataset — 2013J & 2014J"
    yield Step(
        None,
        "oulad/programme",
        (),
        "launch_programme",
        (PROGRAMME, name, (), period, Targets()),
        launched_on,
    )
    for p in presentations.values():
        opened_on = min(p.period.starts_on, first_day.get(p.cohort_id, p.period.starts_on))
        yield Step(
            p.row,
            f"oulad/cohort/{p.cohort_id}",
            (),
            "open_cohort",
            (PROGRAMME, p.cohort_id, p.track, p.period),
            opened_on,
        )
        path = paths.get(p.cohort_id) or CohortPath(Row("assessments.csv", 1, {}), ())
        yield Step(
            path.row,
            f"oulad/path/{p.cohort_id}",
            (),
            "define_path",
            (PROGRAMME, p.cohort_id, path.steps),
            opened_on,
        )


def _enrolment_steps(
    path: Path, registrations: dict[tuple[str, str], Registration]
) -> Iterator[Step]:
    registered: set[str] = set()
    for row in read_rows(path, INFO_COLUMNS):
        registration = _registration_of(row, registrations)
        person = registration.person_ref
        reads = (trainee_id(person),)
        if person not in registered:
            registered.add(person)
            details = personal_details(row)
            yield Step(
                row,
                f"oulad/person/{person}",
                reads,
                "register_trainee",
                (person, details, None),
                registration.enrolled_on,
            )
        yield Step(
            row,
            f"oulad/enrol/{registration.cohort_id}/{person}",
            reads,
            "enrol",
            (person, PROGRAMME, registration.cohort_id),
            registration.enrolled_on,
        )


def _submission_steps(
    path: Path,
    presentations: dict[str, Presentation],
    assessments: dict[str, str],
    registrations: dict[tuple[str, str], Registration],
) -> Iterator[Step]:
    for row in read_rows(path, SUBMISSION_COLUMNS):
        assessment = row.text("id_assessment")
        cohort_id = assessments.get(assessment)
        if cohort_id is None:
            raise row.error(f"id_assessment: unknown assessment id {assessment!r}")
        student = str(row.integer("id_student"))
        if (cohort_id, student) not in registrations:
            raise row.error(f"student {student} is not registered in {cohort_id}")
        day = presentations[cohort_id].day(row, "date_submitted")
        credited = row.choice("is_banked", {"0": False, "1": True})
        score = row.optional_number("score")
        person = registrations[cohort_id, student].person_ref
        yield Step(
            row,
            f"oulad/submission/{assessment}/{student}",
            (trainee_id(person),),
            "submit_assessment",
            (person, cohort_id, assessment, score, credited),
            day,
        )


def _leaving_steps(
    path: Path,
    presentations: dict[str, Presentation],
    registrations: dict[tuple[str, str], Registration],
) -> Iterator[Step]:
    for row in read_rows(path, INFO_COLUMNS):
        registration = _registration_of(row, registrations)
        result = row.choice("final_result", FINAL_RESULTS)
        if registration.withdrawn_on is not None:  # one leaving, on the day of withdrawal
            reason, day = LeftReason.DROPPED_OUT, registration.withdrawn_on
        else:
            day = presentations[registration.cohort_id].period.ends_on
            reason = LeftReason.OTHER if result is FinalResult.FAIL else LeftReason.COMPLETED
        yield Step(
            row,
            f"oulad/left/{registration.cohort_id}/{registration.student}",
            (trainee_id(registration.person_ref),),
            "leave",
            (registration.person_ref, registration.cohort_id, reason, result),
            day,
        )


def _registration_of(row: Row, registrations: dict[tuple[str, str], Registration]) -> Registration:
    cohort_id = f"{row.text('code_module')}-{row.text('code_presentation')}"
    student = str(row.integer("id_student"))
    try:
        return registrations[cohort_id, student]
    except KeyError:
        raise row.error(
            f"student {student} has no row in studentRegistration.csv for {cohort_id}"
        ) from None
