"""Integration fixtures: real SQLite files under pytest's tmp folders."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.application import Tremplin
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings

OULAD = Path(__file__).resolve().parents[2] / "data" / "oulad"


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tremplin, Settings]]:
    """The whole OULAD subset imported once for the session (about 20 s)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("oulad-full"))
    app = build_application(settings)
    import_oulad(app, OULAD)
    yield app, settings
    app.close()


def write_sample(target: Path, students: int) -> Path:
    """A consistent OULAD folder holding the first `students` rows of studentInfo.csv."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("courses.csv", "assessments.csv"):
        shutil.copy(OULAD / name, target / name)
    info = _rows("studentInfo.csv")[:students]
    keys = {(r["code_module"], r["code_presentation"], r["id_student"]) for r in info}
    cohort_of = {
        r["id_assessment"]: (r["code_module"], r["code_presentation"])
        for r in _rows("assessments.csv")
    }
    _write(target / "studentInfo.csv", info)
    _write(
        target / "studentRegistration.csv",
        [
            r
            for r in _rows("studentRegistration.csv")
            if (r["code_module"], r["code_presentation"], r["id_student"]) in keys
        ],
    )
    _write(
        target / "studentAssessment.csv",
        [
            r
            for r in _rows("studentAssessment.csv")
            if (*cohort_of[r["id_assessment"]], r["id_student"]) in keys
        ],
    )
    return target


def _cohort(row: dict[str, str]) -> str:
    return f"{row['code_module']}-{row['code_presentation']}"


def _enrolment(row: dict[str, str]) -> tuple[str, str]:
    return _cohort(row), row["id_student"]


def _rows(name: str) -> list[dict[str, str]]:
    with (OULAD / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
