"""Loads a programme described in a TOML file (targets, milestones, cohorts) through commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import msgspec

from domain.application import Tremplin
from domain.errors import CommandConflict, DomainError
from domain.programme import PathStep, StepKind, Targets
from domain.values import Period


class ProgrammeFileError(ValueError):
    """The programme file cannot be read; nothing from it was recorded."""


class MilestoneEntry(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    title: str
    due_on: date
    completed_on: date | None = None


class StepEntry(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    kind: StepKind
    title: str
    due_on: date | None = None
    weight: float | None = None


class CohortEntry(msgspec.Struct, forbid_unknown_fields=True):
    id: str
    track: str
    starts_on: date
    ends_on: date
    opened_on: date | None = None
    steps: list[StepEntry] = []  # its path, in order; none listed: no path defined


class TargetsEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    people_trained: int | None = None
    in_work_or_training_6m_rate: float | None = None


class ProgrammeFile(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str
    starts_on: date
    ends_on: date
    launched_on: date
    funders: list[str] = []
    certifications: list[str] = []
    careers: list[str] = []
    targets: TargetsEntry = TargetsEntry()
    milestones: list[MilestoneEntry] = []
    cohorts: list[CohortEntry] = []


def read_programme_file(path: Path) -> ProgrammeFile:
    try:
        return msgspec.toml.decode(path.read_bytes(), type=ProgrammeFile)
    except FileNotFoundError:
        raise ProgrammeFileError(f"{path}: file not found") from None
    except OSError as error:
        raise ProgrammeFileError(f"{path}: {error.strerror or error}") from None
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise ProgrammeFileError(f"{path}: {error}") from None


def load_programme(app: Tremplin, path: Path) -> ProgrammeFile:
    """Record the programme, all of it or nothing; loading the same file again records nothing.

    A recorded programme is not edited by changing its file: a changed entry is
    reported as a conflict (corrections are new events, not rewrites).
    """
    spec = read_programme_file(path)
    _check(path, spec)
    with app.batch():
        _record(app, path, spec)
    return spec


def _check(path: Path, spec: ProgrammeFile) -> None:
    """What no single command can see: duplicates across the file."""
    for kind, ids in (
        ("milestone", [m.id for m in spec.milestones]),
        ("cohort", [c.id for c in spec.cohorts]),
    ):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ProgrammeFileError(f"{path}: {kind} {', '.join(twice)} listed twice")


def _record(app: Tremplin, path: Path, spec: ProgrammeFile) -> None:
    code = spec.code
    with _naming(path, "programme"):
        app.launch_programme(
            code,
            spec.name,
            tuple(spec.funders),
            Period(spec.starts_on, spec.ends_on),
            Targets(spec.targets.people_trained, spec.targets.in_work_or_training_6m_rate),
            tuple(spec.certifications),
            tuple(spec.careers),
            occurred_on=spec.launched_on,
            command_id=f"{code}/launch",
        )
    for m in spec.milestones:
        with _naming(path, f"milestone {m.id}"):
            app.declare_milestone(
                code,
                m.id,
                m.title,
                m.due_on,
                occurred_on=spec.launched_on,
                command_id=f"{code}/milestone/{m.id}",
            )
            if m.completed_on is not None:
                app.complete_milestone(
                    code,
                    m.id,
                    occurred_on=m.completed_on,
                    command_id=f"{code}/milestone/{m.id}/done",
                )
    for c in spec.cohorts:
        with _naming(path, f"cohort {c.id}"):
            app.open_cohort(
                code,
                c.id,
                c.track,
                Period(c.starts_on, c.ends_on),
                occurred_on=c.opened_on or c.starts_on,
                command_id=f"{code}/cohort/{c.id}",
            )
            if c.steps:
                app.define_path(
                    code,
                    c.id,
                    tuple(PathStep(s.id, s.kind, s.title, s.due_on, s.weight) for s in c.steps),
                    occurred_on=c.opened_on or c.starts_on,
                    command_id=f"{code}/cohort/{c.id}/path",
                )


@contextmanager
def _naming(path: Path, entry: str) -> Iterator[None]:
    try:
        yield
    except CommandConflict:
        raise ProgrammeFileError(
            f"{path}: {entry} was recorded before with other values; a recorded programme"
            " is not changed by editing its file"
        ) from None
    except DomainError as error:
        raise ProgrammeFileError(f"{path}: {entry}: {error}") from None
